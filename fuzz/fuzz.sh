#!/usr/bin/env bash
# Coverage-guided fuzzing of the core with AFL++ (Debian's afl++) and SharpFuzz: builds the harness, instruments
# EnvoyTraceFilter.Core.dll only, replays the committed corpus, then runs each target for FUZZ_SECONDS and prints
# what afl-fuzz measured. Exits 1 when any target crashed (a property failed or the core threw), naming the inputs.
#
#   FUZZ_SECONDS=120            time per target (make fuzz); raise it for long runs
#   FUZZ_TARGETS="xray host"    a subset (default: every target the harness lists)
#   FUZZ_OUT=fuzz/out           build output and afl-fuzz findings (one folder per target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-120}"
out="${FUZZ_OUT:-fuzz/out}"
bin="$out/bin"
harness="$bin/EnvoyTraceFilter.Fuzz"
# The instrumented core writes to afl-fuzz's shared memory, which only exists under afl-fuzz: replays (corpus,
# crashes) run an uninstrumented copy.
replay="$out/plain/EnvoyTraceFilter.Fuzz"

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "afl-fuzz not found: install Debian's afl++ (apt-get install -y afl++)" >&2
  exit 2
fi

# The harness runs persistent-mode in one process, so afl-fuzz's checks for a compiled, instrumented binary do not
# apply (SKIP_BIN_CHECK); no UI on a pipe; the CPU governor and core pinning are not ours to change on a shared box.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1 AFL_NO_CRASH_README=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# A fresh publish every time: SharpFuzz rewrites the dll in place and refuses an already instrumented one.
rm -rf "$out"
mkdir -p "$out/findings"
dotnet publish fuzz/EnvoyTraceFilter.Fuzz -c Release -o "$bin" -nologo -v q -clp:ErrorsOnly
cp -r "$bin" "$out/plain"
dotnet tool restore >/dev/null
dotnet sharpfuzz "$bin/EnvoyTraceFilter.Core.dll"

targets="${FUZZ_TARGETS:-$("$replay" --list)}"

dict_for() {
  case "$1" in
    cloudtrace|b3single|b3multi|traceparent|xray|analyze) echo fuzz/dict/trace.dict ;;
    host) echo fuzz/dict/host.dict ;;
    xff) echo fuzz/dict/xff.dict ;;
    samplingrules) echo fuzz/dict/samplingrules.dict ;;
  esac
}

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$2"; }

# Every committed input must pass first: a regression shows up here in seconds, with its file name.
for t in $targets; do
  "$replay" "$t" fuzz/corpus/"$t"/*
done

failed=0
summary="$out/summary.txt"
printf '%-14s %12s %10s %8s %9s %8s %8s %6s\n' target execs exec/s edges bitmap corpus crashes hangs | tee "$summary"
for t in $targets; do
  dict="$(dict_for "$t")"
  # -t 2000: an input slower than 2 s is a hang (the targets take microseconds); -m none: the CLR reserves a lot.
  # A second try when afl-fuzz itself fails to start (a fault of the set-up, not a finding).
  ok=0
  for attempt in 1 2; do
    rm -rf "${out:?}/findings/$t"
    if afl-fuzz -i fuzz/corpus/"$t" -o "$out/findings/$t" -V "$seconds" -t 2000 -m none ${dict:+-x "$dict"} \
      -- "$harness" "$t" >"$out/$t.log" 2>&1; then
      ok=1
      break
    fi
    echo "afl-fuzz failed for $t (attempt $attempt); see $out/$t.log:" >&2
    grep -E 'ABORT|ERROR' "$out/$t.log" >&2 || tail -5 "$out/$t.log" >&2
  done
  if [ "$ok" -ne 1 ]; then
    failed=1
    continue
  fi
  stats="$out/findings/$t/default/fuzzer_stats"
  printf '%-14s %12s %10s %8s %9s %8s %8s %6s\n' "$t" "$(stat execs_done "$stats")" "$(stat execs_per_sec "$stats")" \
    "$(stat edges_found "$stats")" "$(stat bitmap_cvg "$stats")" "$(stat corpus_count "$stats")" \
    "$(stat saved_crashes "$stats")" "$(stat saved_hangs "$stats")" | tee -a "$summary"
  for crash in "$out/findings/$t"/default/crashes/id:*; do
    [ -e "$crash" ] || continue
    failed=1
    echo "CRASH $t: $crash" >&2
    "$replay" "$t" "$crash" 2>&1 | head -5 >&2 || true
  done
  for hang in "$out/findings/$t"/default/hangs/id:*; do
    [ -e "$hang" ] || continue
    echo "HANG $t (slower than 2 s once; replay: $replay $t $hang): $hang" >&2
  done
done

exit "$failed"
