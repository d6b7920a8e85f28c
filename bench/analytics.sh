#!/usr/bin/env bash
# The analytics benchmark (`make bench-analytics`): analytics-service alone, as built, on a port,
# topics and a ClickHouse database of its own (the running stack's data is not touched), against the
# stack's Kafka and ClickHouse (the chDB stand-in locally).
#   1. ingestion: EVENTS usage events (default 200,000) written to a fresh topic first, then
#      analytics-service started; rows per second from the first stored row to the last (their
#      ingested_at), rollups included (the materialized views run inside every insert). Once with the
#      events' times shuffled over the hour (the duplicate lookup's worst case), then INGEST_RUNS times
#      (default 3) in arrival order, as a live topic holds them; the figure is those runs' median
#   2. scale: ROWS generations (default 10,000,000) spread over the last 24 h, and a charge for each
#      one that succeeded, inserted straight into ClickHouse in time order (the views fill the rollups), then the latency of the operator's statistics and of
#      each dashboard panel over that day, and a raw-table p95 by provider for comparison
#   3. first paint: the operator's dashboard with that day of data in headless Chromium, milliseconds
#      from navigation to the first charts drawn with data
#
#   [INGEST_RUNS=3] [PAINT_RUNS=20] bench/analytics.sh [EVENTS] [ROWS]        (needs `make build` and `make stack`)
#
# Results: bench/results/analytics.json and analytics.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"
select_jdk
EVENTS="${1:-200000}"
ROWS="${2:-10000000}"
RUNS="${INGEST_RUNS:-3}"
PAINT_RUNS="${PAINT_RUNS:-20}"
PORT="${BENCH_ANALYTICS_PORT:-18084}"
DB=switchboard_bench
TOPIC=bench.usage.v1
TOKEN="bench-admin-$(date +%s)"
WORK="$STATE/bench/analytics"
OUT="$ROOT/bench/results"
mkdir -p "$WORK" "$OUT"

APP="$ROOT/analytics-service/target/quarkus-app"
[[ -f "$APP/quarkus-run.jar" ]] || die bench "build first: make build"
command -v chromium >/dev/null && command -v chromedriver >/dev/null ||
  die bench "chromium and chromedriver are missing: deploy/local/prereqs.sh --browser"
"$LOCAL_DIR/stack.sh" status kafka clickhouse >/dev/null || die bench "the stack is not up: make stack"

say bench "compiling the load tools (bench/load) and the events module they use"
(cd "$ROOT" && ./mvnw -B -q -ntp install -DskipTests -pl events -am)
(cd "$ROOT/bench/load" && "$ROOT/mvnw" -B -q -ntp package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests)
CP="$ROOT/bench/load/target/classes:$(cat "$ROOT/bench/load/target/classpath.txt")"
tool() { "$JAVA_HOME/bin/java" -cp "$CP" dev.switchboard.bench.load.AnalyticsBench "$@"; }
ch() { curl -fsS "$CLICKHOUSE_URL/?database=${2:-default}" --data-binary "$1"; }

pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

# One ingestion run: a fresh database and topic, EVENTS events in ORDER, analytics-service started on
# them; writes the run's JSON to RESULT (not printed: $pid must stay in this shell). The service of the
# last run stays up for phases 2 and 3.
ingest_run() {
  local order="$1" n="$2" result="$3"
  [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
  ch "DROP DATABASE IF EXISTS $DB" >/dev/null
  say bench "1/3 ingestion, run $n ($order order): writing $EVENTS usage events to $TOPIC"
  local produced
  produced="$(tool produce "$KAFKA_BOOTSTRAP_SERVERS" "$TOPIC" "$EVENTS" "$KAFKA_TOPIC_PARTITIONS" "$order")"
  say bench "produced: $produced"
  say bench "starting analytics-service on :$PORT (database $DB, log $(rel "$WORK/analytics.log"))"
  local group="bench-analytics-$(date +%s%N)"
  (
    cd "$WORK"
    exec env ANALYTICS_PORT="$PORT" CLICKHOUSE_DATABASE="$DB" SWITCHBOARD_CLICKHOUSE_COMPRESSION=false \
      SWITCHBOARD_INTERNAL_TOKEN="bench-internal" SWITCHBOARD_ADMIN_TOKEN="$TOKEN" \
      MP_MESSAGING_INCOMING_USAGE_TOPIC="$TOPIC" MP_MESSAGING_INCOMING_USAGE_GROUP_ID="$group" \
      MP_MESSAGING_INCOMING_CHARGES_TOPIC=bench.charges.v1 MP_MESSAGING_INCOMING_CHARGES_GROUP_ID="$group" \
      MP_MESSAGING_INCOMING_PROVIDER_HEALTH_TOPIC=bench.provider-health.v1 \
      MP_MESSAGING_INCOMING_PROVIDER_HEALTH_GROUP_ID="$group" \
      MP_MESSAGING_OUTGOING_DEAD_LETTERS_TOPIC=bench.usage.v1.dlq \
      "$JAVA_HOME/bin/java" -jar "$APP/quarkus-run.jar" >"$WORK/analytics.log" 2>&1
  ) &
  pid=$!
  local ingested
  ingested="$(tool await "$CLICKHOUSE_URL" "$DB" "$EVENTS" 600)"
  say bench "ingested: $ingested"
  jq -c --argjson produced "$produced" '. + $produced' <<<"$ingested" >"$result"
}

# the worst case once (every batch spans the whole hour), then RUNS runs as a live topic orders them;
# the figure is their median (runs on this machine differ by up to a fifth)
ingest_run shuffled 1 "$WORK/ingest-shuffled.json"
for ((n = 1; n <= RUNS; n++)); do
  ingest_run arrival "$n" "$WORK/ingest-arrival-$n.json"
done
ingestion="$(jq -s -c --slurpfile shuffled "$WORK/ingest-shuffled.json" '{runs: ., shuffled: $shuffled[0],
  median_rows_per_second: (map(.ingest_rows_per_second) | sort | .[length / 2 | floor])}' \
  $(for ((n = 1; n <= RUNS; n++)); do echo "$WORK/ingest-arrival-$n.json"; done))"

say bench "2/3 scale: inserting $ROWS generations over the last 24 h, and their charges, into ClickHouse"
t0="$(date +%s%N)"
# in time order, an hour of the day per statement, as ingestion writes them (parts then cover a time
# span each, as in production; the day inserted at random in one statement gave every part all of it)
for ((hour = 0; hour < 24; hour++)); do
  start=$((ROWS * hour / 24))
  count=$((ROWS * (hour + 1) / 24 - start))
  ch "INSERT INTO generations (id, account_id, key_id, requested_model, model, provider, upstream_model, status,
        finish_reason, error_class, streamed, prompt_tokens, completion_tokens, cached_prompt_tokens, reasoning_tokens,
        usage_source, estimated_cost_nanos, attempts, attempts_json, ttft_ms, latency_ms, started_at, completed_at,
        event_id, routing, prices_json)
      SELECT concat('gen-scale-', toString(number)) AS id, concat('acct-', toString(number % 500)),
        concat('key-', toString(number % 2000)), m, m, p, m, if(number % 33 = 0, 'error', 'success'),
        if(number % 33 = 0, '', 'stop'), if(number % 33 = 0, 'upstream', ''), number % 2 = 0,
        20 + number % 2000, if(number % 33 = 0, 0, 1 + number % 800), 0, 0, 'provider',
        (20 + number % 2000) * 150, 1,
        concat('[{\"provider\":\"', p, '\",\"model\":\"', m, '\",\"outcome\":\"', if(number % 33 = 0, 'upstream', 'success'),
               '\",\"http_status\":200,\"latency_ms\":', toString(lat), '}]'),
        if(number % 2 = 0, toUInt32(lat / 3), NULL), lat, c - toIntervalMillisecond(lat), c, toString(number), 'weighted', ''
      FROM (SELECT number, ['openai','azure','anthropic','bedrock','google'][number % 5 + 1] AS p,
                   ['openai/gpt-4o-mini','openai/gpt-4.1','anthropic/claude-3.5-sonnet','meta-llama/llama-3.1-8b'][intDiv(number, 5) % 4 + 1] AS m,
                   toUInt32(80 + (cityHash64(number) % 1000) * (cityHash64(number) % 7 + 1) / 3) AS lat,
                   now64(3) - toIntervalMillisecond(intDiv(($ROWS - number) * 86400000, $ROWS) + cityHash64(number, 1) % 2000) AS c
            FROM numbers($start, $count))" "$DB"
  # and their charges (what billing priced: the spend panel and the account rollups read them)
  ch "INSERT INTO charges (charge_id, generation_id, sequence, is_final, account_id, key_id, model, provider, cost_nanos,
        priced_at)
      SELECT concat('gen-scale-', toString(number), ':0'), concat('gen-scale-', toString(number)), 0, true,
        concat('acct-', toString(number % 500)), concat('key-', toString(number % 2000)), m, p,
        (20 + number % 2000) * 150, c + toIntervalMillisecond(200)
      FROM (SELECT number, ['openai','azure','anthropic','bedrock','google'][number % 5 + 1] AS p,
                   ['openai/gpt-4o-mini','openai/gpt-4.1','anthropic/claude-3.5-sonnet','meta-llama/llama-3.1-8b'][intDiv(number, 5) % 4 + 1] AS m,
                   now64(3) - toIntervalMillisecond(intDiv(($ROWS - number) * 86400000, $ROWS) + cityHash64(number, 1) % 2000) AS c
            FROM numbers($start, $count) WHERE number % 33 != 0)" "$DB"
done
insert_s="$(( ($(date +%s%N) - t0) / 1000000 ))"
say bench "inserted in ${insert_s} ms"

say bench "statistics and dashboard panels over the day (10 runs each)"
queries="$(tool queries "http://127.0.0.1:$PORT" "$TOKEN" 10 \
  "/admin/v1/statistics?window=24h" "/admin/v1/dashboard/latency?window=24h" \
  "/admin/v1/dashboard/reliability?window=24h" "/admin/v1/dashboard/spend?window=24h" \
  "/admin/v1/dashboard/generations?window=24h&limit=100")"
say bench "queries: $queries"
t0="$(date +%s%N)"
ch "SELECT provider, quantile(0.95)(latency_ms) FROM generations GROUP BY provider FORMAT Null" "$DB"
raw_ms="$(( ($(date +%s%N) - t0) / 1000000 ))"
say bench "raw p95 by provider over $((EVENTS + ROWS)) rows: ${raw_ms} ms"

say bench "3/3 first paint of the operator's dashboard ($PAINT_RUNS runs)"
paint="$(tool paint "http://127.0.0.1:$PORT/dashboard/?view=operator" "$TOKEN" "$PAINT_RUNS")"
say bench "paint: $paint"

jq -n --argjson ingestion "$ingestion" --argjson queries "$queries" \
  --argjson paint "$paint" --arg rows "$ROWS" --arg insert_ms "$insert_s" --arg raw_ms "$raw_ms" \
  --arg cores "$(nproc)" --arg date "$(date -u +%FT%TZ)" \
  '{date: $date, cores: ($cores|tonumber), ingestion: $ingestion,
    scale: {rows: ($rows|tonumber), insert_ms: ($insert_ms|tonumber), raw_p95_by_provider_ms: ($raw_ms|tonumber),
            queries: $queries}, dashboard: $paint}' >"$OUT/analytics.json"
{
  echo "analytics benchmark, $(date -u +%FT%TZ), $(nproc) cores, ClickHouse at $CLICKHOUSE_URL"
  echo "ingestion ($RUNS runs in arrival order): median $(jq -r '.ingestion.median_rows_per_second' "$OUT/analytics.json") rows/s"
  jq -r '.ingestion.runs[] | "  \(.rows) rows in \(.ingest_seconds) s = \(.ingest_rows_per_second) rows/s (rolled up: \(.rolled_up_requests))"' "$OUT/analytics.json"
  echo "ingestion, shuffled order: $(jq -r '.ingestion.shuffled | "\(.rows) rows in \(.ingest_seconds) s = \(.ingest_rows_per_second) rows/s (rolled up: \(.rolled_up_requests))"' "$OUT/analytics.json")"
  echo "scale: $ROWS rows inserted in $insert_s ms; raw p95 by provider ${raw_ms} ms"
  jq -r '.scale.queries | to_entries[] | "  \(.key): p50 \(.value.p50_ms) ms, p95 \(.value.p95_ms) ms, max \(.value.max_ms) ms"' "$OUT/analytics.json"
  echo "dashboard first data paint: $(jq -r '.dashboard | "p50 \(.first_data_paint_p50_ms) ms, p95 \(.first_data_paint_p95_ms) ms, max \(.first_data_paint_max_ms) ms"' "$OUT/analytics.json")"
} | tee "$OUT/analytics.txt"
ch "DROP DATABASE IF EXISTS $DB" >/dev/null
