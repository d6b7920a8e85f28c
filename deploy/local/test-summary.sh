#!/usr/bin/env bash
# Sums the Surefire reports of every module: one line per module, then the total.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
total_run=0 total_fail=0 total_err=0 total_skip=0
printf '\n%-34s %6s %6s %6s %6s\n' "module" "tests" "fail" "error" "skip"
for dir in "$ROOT"/*/target/surefire-reports "$ROOT"/deploy/*/target/surefire-reports; do
  [[ -d "$dir" ]] || continue
  module="$(basename "$(dirname "$(dirname "$dir")")")"
  read -r run fail err skip < <(cat "$dir"/TEST-*.xml 2>/dev/null |
    sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)"[^>]*failures="\([0-9]*\)".*/\1 \4 \2 \3/p; s/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*failures="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)".*/\1 \2 \3 \4/p' |
    awk '{r+=$1; f+=$2; e+=$3; s+=$4} END {print r+0, f+0, e+0, s+0}')
  ((run > 0)) || continue
  printf '%-34s %6d %6d %6d %6d\n' "$module" "$run" "$fail" "$err" "$skip"
  total_run=$((total_run + run)) total_fail=$((total_fail + fail)) total_err=$((total_err + err)) total_skip=$((total_skip + skip))
done
printf '%-34s %6d %6d %6d %6d\n\n' "TOTAL" "$total_run" "$total_fail" "$total_err" "$total_skip"
((total_fail + total_err == 0))
