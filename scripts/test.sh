#!/usr/bin/env bash
# Runs every test project of the solution and ends with one plain line: "N passed, N failed, N skipped".
set -uo pipefail
config="${1:-Release}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build EnvoyTraceFilter.sln -c "$config" -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test EnvoyTraceFilter.sln -c "$config" --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, Skipped: S, Total: T" line per project.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) + 0 }
      if ($i == "Passed:")  { p += $(i+1) + 0 }
      if ($i == "Skipped:") { s += $(i+1) + 0 }
    }
  }
  END { print p + 0, f + 0, s + 0 }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ]; then echo "no tests ran"; status=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
