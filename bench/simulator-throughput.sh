#!/usr/bin/env bash
# How much the provider simulator can serve, and what it costs in CPU: is it cheap enough not to be
# the bottleneck of a gateway benchmark? Runs the built simulator on its own port, drives it with
# bench/SimulatorLoad.java (streaming chat, back to back) per family and concurrency, and reads the
# simulator's CPU time from /proc before and after each run.
#
#   bench/simulator-throughput.sh [seconds]     (default 20 per run; needs `make build` first)
#
# Results: bench/results/simulator-throughput.txt
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"
SECONDS_PER_RUN="${1:-20}"
PORT="${BENCH_SIM_PORT:-18090}"
OUT="$ROOT/bench/results/simulator-throughput.txt"
JAR="$ROOT/provider-simulator/target/provider-simulator.jar"
[[ -f "$JAR" ]] || { echo "build first: make build" >&2; exit 1; }
select_jdk
JAVA="$JAVA_HOME/bin/java"
TICKS="$(getconf CLK_TCK)"

SIM_PORT="$PORT" "$JAVA" -Xmx512m -jar "$JAR" >/dev/null 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done

cpu() { awk '{print $14 + $15}' "/proc/$SIM_PID/stat"; }

{
  echo "# provider simulator throughput — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m)"
  echo "# command: bench/simulator-throughput.sh $SECONDS_PER_RUN"
  echo "# behaviour: 24 tokens per answer, ttft 1 ms, 1 ms between tokens; load generator on the same machine"
  printf "%-10s %11s %9s %10s %12s %7s %12s\n" family concurrency requests req_per_s frames_per_s errors sim_cpu_pct
} > "$OUT"
for family in openai anthropic gemini cohere; do
  provider=$family; [[ $family == gemini ]] && provider=google
  curl -fsS -X PUT "http://127.0.0.1:$PORT/_sim/providers/$provider" -H 'Content-Type: application/json' \
    -d '{"ttft_ms":1,"inter_token_ms":1,"tokens":24}' >/dev/null
  for concurrency in 16 64; do
    say bench "simulator: $family at concurrency $concurrency for ${SECONDS_PER_RUN}s"
    before="$(cpu)"
    read -r _ _ _ requests frames errors < <("$JAVA" "$ROOT/bench/SimulatorLoad.java" "http://127.0.0.1:$PORT" "$family" "$concurrency" "$SECONDS_PER_RUN")
    after="$(cpu)"
    awk -v f="$family" -v c="$concurrency" -v r="$requests" -v fr="$frames" -v e="$errors" -v s="$SECONDS_PER_RUN" \
        -v t=$((after - before)) -v hz="$TICKS" \
        'BEGIN { printf "%-10s %11d %9d %10.0f %12.0f %7d %12.1f\n", f, c, r, r / s, fr / s, e, 100 * t / hz / s }' >> "$OUT"
  done
done
cat "$OUT"
