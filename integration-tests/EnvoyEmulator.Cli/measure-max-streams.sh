#!/usr/bin/env bash
# Runs the built filter (Release, exporters off) with a given Kestrel MaxStreamsPerConnection and drives it with
# `envoy-emulator load` (raw HTTP/2, Envoy 1.36's frames) on 2 connections x 64 streams; prints req/s, stream
# errors by kind and the filter's peak RSS (VmHWM). Build first: dotnet build EnvoyTraceFilter.sln -c Release.
# usage: measure-max-streams.sh MAX_STREAMS [envoy|silent] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
max="$1"; close="${2:-envoy}"; seconds="${3:-15}"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
dotnet filter/EnvoyTraceFilter/bin/Release/net10.0/EnvoyTraceFilter.dll --TraceFilter:Port="$port" \
  --TraceFilter:ListenAddress=127.0.0.1 --TraceFilter:MaxStreamsPerConnection="$max" \
  --TraceFilter:Zipkin:Enabled=false --TraceFilter:XRay:Enabled=false >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
echo "MaxStreamsPerConnection=$max"
dotnet integration-tests/EnvoyEmulator.Cli/bin/Release/net10.0/envoy-emulator.dll load \
  --target "http://127.0.0.1:$port" --connections 2 --concurrency 64 --seconds "$seconds" --warmup 2 --close "$close"
echo "filter peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
