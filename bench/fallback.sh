#!/usr/bin/env bash
# How fast the router moves on when a provider fails: from the failed attempt (an HTTP 503 before the
# first token) to the next provider's request being sent, as the router's own timer
# switchboard_router_fallback_seconds measures it. Needs the stack running (make run).
#
#   bench/fallback.sh [requests]      (default 500, sequential)
#
# Each request asks for Llama 3.1 8B with provider order [together, groq]; the simulator makes together
# answer 503 every time, so each request falls back once. The health prober is paused for the run
# (it would mark together down and the routers would stop trying it) and restarted afterwards.
# Results: bench/results/fallback.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS="${1:-500}"
ROUTER="${ROUTER_URL:-http://127.0.0.1:8082}"
SIM="http://127.0.0.1:${SIM_PORT:-8090}"
OUT="$ROOT/bench/results/fallback.txt"
# shellcheck disable=SC1091
source "$ROOT/.local/run.env"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"

metric() { # metric NAME_SUFFIX [QUANTILE] → value (empty when the timer has not recorded yet)
  local text
  text="$(curl -fsS "$ROUTER/q/metrics")"
  awk -v n="switchboard_router_fallback_seconds$1" -v q="${2:-}" \
    '$1 ~ "^"n && (q == "" || $0 ~ "quantile=\""q"\"") {print $2; exit}' <<<"$text"
}

restore() {
  curl -fsS -X DELETE "$SIM/_sim/providers" >/dev/null || true
  "$ROOT/deploy/local/services.sh" start >/dev/null
}
trap restore EXIT

prober_pid="$ROOT/.local/pids/health-prober.pid"
if [[ -f "$prober_pid" ]]; then
  say bench "pausing the health prober for the run"
  kill "$(cat "$prober_pid")" 2>/dev/null || true
  sleep 2
fi
curl -fsS -X PUT "$SIM/_sim/providers/together" -H 'Content-Type: application/json' -d '{"fail_status":503}' >/dev/null

count0="$(metric _count)"; count0="${count0:-0}"
say bench "sending $REQUESTS requests that fall back from together to groq"
fell_back=0
for ((i = 0; i < REQUESTS; i++)); do
  provider="$(curl -fsS -o /dev/null -D - "$SWITCHBOARD_URL/chat/completions" -H "Authorization: Bearer $SWITCHBOARD_KEY" \
    -H 'Content-Type: application/json' \
    -d "{\"model\":\"meta-llama/llama-3.1-8b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"ping $i\"}],\"max_tokens\":8,\"provider\":{\"order\":[\"together\",\"groq\"]}}" \
    | awk -F': ' 'tolower($1) == "x-provider" {gsub("\r", "", $2); print $2}')"
  [[ "$provider" == groq ]] && fell_back=$((fell_back + 1))
done
count1="$(metric _count)"
{
  echo "# fallback delay — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m)"
  echo "# command: bench/fallback.sh $REQUESTS (sequential; together answers 503, groq serves; prober paused)"
  echo "# the router's timer switchboard_router_fallback_seconds (client-side percentiles over the last minutes)"
  printf "%-10s %s\n" requests "$REQUESTS"
  printf "%-10s %s\n" served_by_groq "$fell_back"
  awk -v a="$count0" -v b="$count1" 'BEGIN {printf "%-10s %d\n", "fallbacks", b - a}'
  awk -v v="$(metric "" 0.5)" 'BEGIN {printf "%-10s %.3f ms\n", "p50", v * 1000}'
  awk -v v="$(metric "" 0.99)" 'BEGIN {printf "%-10s %.3f ms\n", "p99", v * 1000}'
  awk -v v="$(metric _max)" 'BEGIN {printf "%-10s %.3f ms\n", "max", v * 1000}'
} > "$OUT"
cat "$OUT"
