#!/usr/bin/env bash
# The gateway benchmark (`make bench`): the same load, one target at a time, against
#   direct       the fixed-delay mock provider itself (bench/load MockProvider: first chunk after 20 ms,
#                20 chunks 5 ms apart; a non-streamed answer when the stream would have ended)
#   switchboard  the whole local stack as `make run` starts it, with every provider of openai/gpt-4o-mini
#                (OpenAI and Azure) pointed at the mock
#   portkey      the Portkey gateway 1.15.2 (npm, loopback only) routing to the mock
# Phases per target: fixed rates 100, 500, 1,000 rps (open loop, latency from each request's due time),
# saturation at 64 and 256 connections (closed loop), 16 concurrent streams (TTFT and total); CPU time
# of every process group and RSS around each phase.
#
#   bench/gateway.sh [full|quick] [targets]     (default: full direct,switchboard,portkey; needs `make build`)
#
# Results: bench/results/gateway.json, gateway.md, gateway-latency.svg. The services are restarted
# against the provider simulator afterwards (the state `make run` leaves).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"
select_jdk
MODE="${1:-full}"
TARGETS="${2:-direct,switchboard,portkey}"
MOCK_PORT="${BENCH_MOCK_PORT:-18100}"
PORTKEY_PORT="${BENCH_PORTKEY_PORT:-18787}"
WORK="$STATE/bench"
OUT="$ROOT/bench/results"
mkdir -p "$WORK" "$OUT"

[[ -d "$ROOT/edge-service/target/quarkus-app" ]] || { echo "build first: make build" >&2; exit 1; }
say bench "compiling the load tools (bench/load)"
(cd "$ROOT/bench/load" && "$ROOT/mvnw" -B -q -ntp package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests)
CP="$ROOT/bench/load/target/classes:$(cat "$ROOT/bench/load/target/classpath.txt")"

pids_to_stop=()
cleanup() {
  for p in "${pids_to_stop[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ "${restore_services:-0}" == 1 ]]; then
    say bench "restarting the services against the provider simulator"
    unset SWITCHBOARD_PROVIDERS_OPENAI_BASE_URL SWITCHBOARD_PROVIDERS_OPENAI_API_KEY SWITCHBOARD_PROVIDERS_AZURE_BASE_URL SWITCHBOARD_PROVIDERS_AZURE_API_KEY
    "$LOCAL_DIR/services.sh" restart >/dev/null 2>&1 || echo "services did not restart: run make run" >&2
  fi
}
trap cleanup EXIT

say bench "starting the mock provider on 127.0.0.1:$MOCK_PORT"
"$JAVA_HOME/bin/java" -Xms64m -Xmx256m -XX:+UseSerialGC -cp "$CP" dev.switchboard.bench.load.MockProvider "$MOCK_PORT" 20 20 5 >"$LOGS/bench-mock.log" 2>&1 &
MOCK_PID=$!
pids_to_stop+=("$MOCK_PID")
wait_for 20 "$MOCK_PID" port_open 127.0.0.1 "$MOCK_PORT" || { echo "mock provider did not start (see $LOGS/bench-mock.log)" >&2; exit 1; }

if [[ ",$TARGETS," == *,switchboard,* ]]; then
  say bench "restarting the services with OpenAI and Azure pointed at the mock"
  export SWITCHBOARD_PROVIDERS_OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" SWITCHBOARD_PROVIDERS_OPENAI_API_KEY=bench-mock-key
  export SWITCHBOARD_PROVIDERS_AZURE_BASE_URL="http://127.0.0.1:$MOCK_PORT/azure" SWITCHBOARD_PROVIDERS_AZURE_API_KEY=bench-mock-key
  restore_services=1
  "$LOCAL_DIR/stack.sh" start
  "$LOCAL_DIR/services.sh" restart
  "$LOCAL_DIR/services.sh" seed
  # shellcheck disable=SC1091
  source "$STATE/run.env"
fi

PORTKEY_PID=""
if [[ ",$TARGETS," == *,portkey,* ]]; then
  if [[ ! -f "$WORK/portkey/node_modules/@portkey-ai/gateway/build/start-server.js" ]]; then
    say bench "installing the Portkey gateway 1.15.2 (npm) into $(rel "$WORK/portkey")"
    mkdir -p "$WORK/portkey"
    cp "$ROOT/bench/portkey/package.json" "$WORK/portkey/"
    (cd "$WORK/portkey" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
  say bench "starting the Portkey gateway on 127.0.0.1:$PORTKEY_PORT"
  (cd "$WORK/portkey" && NODE_ENV=production exec node --require "$ROOT/bench/portkey/loopback.cjs" \
    node_modules/@portkey-ai/gateway/build/start-server.js --port="$PORTKEY_PORT" --headless) >"$LOGS/bench-portkey.log" 2>&1 &
  PORTKEY_PID=$!
  pids_to_stop+=("$PORTKEY_PID")
  wait_for 30 "$PORTKEY_PID" port_open 127.0.0.1 "$PORTKEY_PORT" || { echo "Portkey did not start (see $LOGS/bench-portkey.log)" >&2; exit 1; }
fi

pidof_file() { [[ -s "$PIDS/$1.pid" ]] && head -1 "$PIDS/$1.pid" || true; }
CONFIG="$WORK/gateway.properties"
{
  echo "phases=$MODE"
  echo "targets=$TARGETS"
  echo "command=bench/gateway.sh $MODE $TARGETS"
  echo "mock=first chunk after 20 ms, 20 chunks 5 ms apart (non-streamed: 115 ms), 32 max tokens requested"
  echo "target.direct.url=http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
  echo "target.direct.model=gpt-4o-mini"
  echo "target.direct.header.Authorization=Bearer bench-mock-key"
  echo "target.switchboard.url=${SWITCHBOARD_URL:-http://127.0.0.1:8080/api/v1}/chat/completions"
  echo "target.switchboard.model=openai/gpt-4o-mini"
  echo "target.switchboard.header.Authorization=Bearer ${SWITCHBOARD_KEY:-}"
  echo "target.portkey.url=http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"
  echo "target.portkey.model=gpt-4o-mini"
  echo "target.portkey.header.Authorization=Bearer bench-mock-key"
  echo "target.portkey.header.x-portkey-provider=openai"
  echo "target.portkey.header.x-portkey-custom-host=http://127.0.0.1:$MOCK_PORT/v1"
  echo "group.mock=$MOCK_PID"
  echo "group.portkey=$PORTKEY_PID"
  for s in edge-service auth-service router-service billing-service analytics-service health-prober; do
    echo "group.${s%-service}=$(pidof_file "$s")"
  done
  echo "group.kafka=$(pidof_file kafka)"
  echo "group.clickhouse=$(pidof_file clickhouse)"
  echo "group.postgres=$(pgrep -x postgres | tr '\n' ' ')"
  echo "group.redis=$(pgrep -x redis-server | tr '\n' ' ')"
} >"$CONFIG"
chmod 600 "$CONFIG"

say bench "running $MODE phases against $TARGETS"
"$JAVA_HOME/bin/java" -Xms256m -Xmx1g -cp "$CP" dev.switchboard.bench.load.GatewayBench "$CONFIG" "$OUT"
