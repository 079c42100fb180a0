# One entry point for people and CI. `make run` starts the filter, `make test` runs every test.
.DEFAULT_GOAL := help
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1
BENCH_FILTER ?= *
BENCH_ARGS ?= --job short
BENCH_OUT ?= bench/out
REPS ?= 3
SOAK_MINUTES ?= 30
SOAK_RATE ?= 1000
SOAK_OUT ?= bench/results

.PHONY: help build run test test-containers demo emulate bench bench-load bench-soak clean publish lint-deploy

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

build: ## build everything
	$(DOTNET) build EnvoyTraceFilter.sln -c $(CONFIG)

run: ## build and start the filter on :50051 with defaults (Ctrl-C stops it)
	$(DOTNET) run --project filter/EnvoyTraceFilter -c $(CONFIG) -- $(ARGS)

test: ## run every test (unit, emulator, integration) and print "N passed, N failed"
	scripts/test.sh $(CONFIG)

# Part of `make test` too; this runs only the container tests, printing each test and, without Docker, the skip reason.
test-containers: ## the scenario files through real Envoy, Zipkin and the filter image (Testcontainers; needs Docker)
	$(DOTNET) test integration-tests/EnvoyTraceFilter.ContainerTests -c $(CONFIG) --logger "console;verbosity=normal"

demo: ## filter + emulated Envoy on :10000 + echo app on :8080 + span printer, no Docker (Ctrl-C stops all)
	$(DOTNET) run --project demo/EnvoyTraceFilter.Demo -c $(CONFIG) -- $(ARGS)

# envoy.yaml's settings except message_timeout: the emulator starts cold (JIT), and its first exchange took more than
# envoy.yaml's 100 ms on a busy 2-core machine (FailOpenTimeout), a delay a warm Envoy never adds.
# Another filter: make emulate ARGS='--target http://127.0.0.1:PORT' (the last --target wins).
emulate: ## send the README's example request through a running filter with the Envoy emulator, configured by envoy.yaml
	$(DOTNET) run --project integration-tests/EnvoyEmulator.Cli -c $(CONFIG) -- --target http://127.0.0.1:50051 \
	  --envoy-yaml envoy.yaml --timeout-ms 1000 \
	  --authority api.example.com --path /orders/42 --peer 198.51.100.7:50000 \
	  -H 'x-forwarded-for: 203.0.113.7' -H 'user-agent: curl/8.5.0' \
	  -H 'x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1' \
	  --response-header 'content-length: 12' $(ARGS)

bench: ## BenchmarkDotNet set (BENCH_FILTER='*', BENCH_ARGS='--job short'); results in BenchmarkDotNet.Artifacts
	$(DOTNET) run -c Release --project bench/EnvoyTraceFilter.Benchmarks -- --filter '$(BENCH_FILTER)' $(BENCH_ARGS)

bench-load: ## null server vs the filter in 4 configurations, alternating, ratio table (REPS=3; QUICK=1 ~2 min)
	$(DOTNET) publish filter/EnvoyTraceFilter -c Release -o $(BENCH_OUT)/filter -nologo -v q
	$(DOTNET) publish bench/NullServer -c Release -o $(BENCH_OUT)/null -nologo -v q
	$(DOTNET) publish bench/load/EnvoyTraceFilter.Load -c Release -o $(BENCH_OUT)/load -nologo -v q
	$(BENCH_OUT)/load/EnvoyTraceFilter.Load suite --filter-bin $(BENCH_OUT)/filter/EnvoyTraceFilter \
	  --null-bin $(BENCH_OUT)/null/NullServer --out-dir $(BENCH_OUT)/results $(if $(QUICK),--quick,--reps $(REPS)) $(ARGS)

# The plot needs gnuplot (Debian: apt-get install gnuplot-nox); without it the CSV, the report and the .gp script are still written.
bench-soak: ## published filter, mixed traffic at SOAK_RATE (1000) req/s for SOAK_MINUTES (30), RSS/GC heap/threads/fds every 10 s: CSV, PNG, trend in SOAK_OUT
	$(DOTNET) publish filter/EnvoyTraceFilter -c Release -o out/publish -nologo -v q
	$(DOTNET) publish bench/load/EnvoyTraceFilter.Load -c Release -o $(BENCH_OUT)/load -nologo -v q
	$(BENCH_OUT)/load/EnvoyTraceFilter.Load soak --filter-bin out/publish/EnvoyTraceFilter \
	  --minutes $(SOAK_MINUTES) --rate $(SOAK_RATE) --out-dir $(SOAK_OUT) $(ARGS)

clean: ## remove build output
	$(DOTNET) clean EnvoyTraceFilter.sln -c $(CONFIG) >/dev/null

publish: ## framework-dependent release build into out/publish (the Dockerfile runs the same command)
	$(DOTNET) publish filter/EnvoyTraceFilter -c Release -o out/publish

lint-deploy: ## lint the Helm chart, plain/mesh manifests and envoy.yaml with real helm, kubectl and schemas
	deploy/lint/lint-deploy.sh

FUZZ_SECONDS ?= 120
.PHONY: fuzz fuzz-ci
fuzz: ## AFL++ on every core parser and the whole decision, FUZZ_SECONDS each (120; raise for long runs), needs afl++
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/fuzz.sh

fuzz-ci: ## the time-boxed fuzz run CI does: 8 s per target after the corpus replay
	FUZZ_SECONDS=8 fuzz/fuzz.sh
