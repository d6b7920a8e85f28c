#!/usr/bin/env bash
# How many health probes real traffic saves. Needs the stack running (make run).
#
#   bench/prober-skip.sh [seconds]      (default 60 per phase)
#
# Phase 1: no traffic; phase 2: a steady request loop (one client, sequential) on two models whose
# cheapest providers are deepinfra and openai. For each phase, the prober's counters
# switchboard_prober_probes_total{result="sent"|"skipped"} are read from /q/metrics before and after.
# The reduction is skipped / (sent + skipped) in phase 2. Results: bench/results/prober-skip.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_PHASE="${1:-60}"
PROBER="${PROBER_URL:-http://127.0.0.1:8085}"
OUT="$ROOT/bench/results/prober-skip.txt"
# shellcheck disable=SC1091
source "$ROOT/.local/run.env"

counter() { # counter RESULT → current value
  curl -fsS "$PROBER/q/metrics" | awk -v r="$1" '$1 ~ "^switchboard_prober_probes_total" && $0 ~ "result=\""r"\"" {print $2}' | head -1
}

phase() { # phase NAME TRAFFIC(0|1) → prints "sent skipped requests"
  local s0 k0 s1 k1 end n=0
  s0="$(counter sent)"; k0="$(counter skipped)"
  end=$(($(date +%s) + SECONDS_PER_PHASE))
  while (($(date +%s) < end)); do
    if (($2 == 1)); then
      for model in meta-llama/llama-3.1-8b-instruct openai/gpt-4o-mini; do
        curl -fsS -o /dev/null "$SWITCHBOARD_URL/chat/completions" -H "Authorization: Bearer $SWITCHBOARD_KEY" \
          -H 'Content-Type: application/json' -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}"
        n=$((n + 1))
      done
    else
      sleep 1
    fi
  done
  s1="$(counter sent)"; k1="$(counter skipped)"
  awk -v a="$s0" -v b="$s1" -v c="$k0" -v d="$k1" -v n="$n" 'BEGIN {printf "%d %d %d\n", b - a, d - c, n}'
}

echo "==> bench: phase 1, no traffic (${SECONDS_PER_PHASE} s)"
read -r idle_sent idle_skipped _ < <(phase idle 0)
echo "==> bench: phase 2, request loop on 2 models (${SECONDS_PER_PHASE} s)"
read -r busy_sent busy_skipped requests < <(phase busy 1)
reduction="$(awk -v s="$busy_sent" -v k="$busy_skipped" 'BEGIN {printf "%.1f", (s + k) ? 100 * k / (s + k) : 0}')"
{
  echo "# bench/prober-skip.sh $SECONDS_PER_PHASE — $(date -u +%FT%TZ), $(nproc) cores, catalog providers: 4, probe interval 2 s"
  echo "phase      seconds  requests  probes_sent  probes_skipped"
  printf 'idle       %7d  %8d  %11d  %14d\n' "$SECONDS_PER_PHASE" 0 "$idle_sent" "$idle_skipped"
  printf 'traffic    %7d  %8d  %11d  %14d\n' "$SECONDS_PER_PHASE" "$requests" "$busy_sent" "$busy_skipped"
  echo "probe reduction under traffic: ${reduction}% of probe rounds skipped"
} | tee "$OUT"
