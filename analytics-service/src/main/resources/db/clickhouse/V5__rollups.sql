-- Per-minute rollups behind the statistics, the activity API and the dashboard, fed by materialized
-- views as rows are inserted. A materialized view sees every insert, not the collapsed table, so
-- Ingestion never inserts a final generation or a charge that is already stored (its ids are looked
-- up first, with the bloom-filter indexes below); a redelivered event cannot count twice.
-- Interim usage rows (status in_progress) are superseded by their final row and never rolled up.
ALTER TABLE generations ADD INDEX IF NOT EXISTS id_bloom id TYPE bloom_filter GRANULARITY 4;
ALTER TABLE charges ADD INDEX IF NOT EXISTS charge_id_bloom charge_id TYPE bloom_filter GRANULARITY 4;
-- the lookup is bounded by the batch's event times (a copy has the same): these prune it to their parts
ALTER TABLE generations ADD INDEX IF NOT EXISTS completed_minmax completed_at TYPE minmax GRANULARITY 1;
ALTER TABLE charges ADD INDEX IF NOT EXISTS priced_minmax priced_at TYPE minmax GRANULARITY 1;
-- parts written before the indexes existed get them too (a background mutation; no-op on a new install)
ALTER TABLE generations MATERIALIZE INDEX id_bloom;
ALTER TABLE charges MATERIALIZE INDEX charge_id_bloom;
ALTER TABLE generations MATERIALIZE INDEX completed_minmax;
ALTER TABLE charges MATERIALIZE INDEX priced_minmax;

-- Served after an earlier attempt failed (fail-over within the request).
ALTER TABLE generations ADD COLUMN IF NOT EXISTS fallback Bool MATERIALIZED attempts > 1 AND status = 'success';

-- The endpoint's prices the request was billed at (switchboard.usage.v1 "prices", JSON), for the
-- dashboard's cost breakdown; '' when nothing was served.
ALTER TABLE generations ADD COLUMN IF NOT EXISTS prices_json String DEFAULT '';

-- The operator's view: per minute × provider × model × outcome (latency below, in latency_minutes).
CREATE TABLE IF NOT EXISTS provider_minutes (
    minute            DateTime('UTC'),
    provider          LowCardinality(String),
    model             LowCardinality(String),
    status            LowCardinality(String),
    error_class       LowCardinality(String),
    fallback          Bool,
    streamed          Bool,
    requests          SimpleAggregateFunction(sum, UInt64),
    prompt_tokens     SimpleAggregateFunction(sum, UInt64),
    completion_tokens SimpleAggregateFunction(sum, UInt64),
    cost_nanos        SimpleAggregateFunction(sum, Int64),
    latency_ms_sum    SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, provider, model, status, error_class, fallback, streamed);

CREATE MATERIALIZED VIEW IF NOT EXISTS provider_minutes_mv TO provider_minutes AS
SELECT toStartOfMinute(completed_at) AS minute, provider, model, status, error_class, fallback, streamed,
       count() AS requests, sum(toUInt64(prompt_tokens)) AS prompt_tokens,
       sum(toUInt64(completion_tokens)) AS completion_tokens, sum(estimated_cost_nanos) AS cost_nanos,
       sum(toUInt64(latency_ms)) AS latency_ms_sum
FROM generations
WHERE status != 'in_progress'
GROUP BY minute, provider, model, status, error_class, fallback, streamed;

-- Latency per minute × provider × model: t-digest states of latency and TTFT (streamed requests) and
-- the histogram's bucket counts (upper edges 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
-- 10000, 30000 ms at index 1..13; index 0 holds the rest), apart from the outcome rollup so that a
-- day's quantiles merge 1,440 × endpoints states, not one per outcome as well.
CREATE TABLE IF NOT EXISTS latency_minutes (
    minute    DateTime('UTC'),
    provider  LowCardinality(String),
    model     LowCardinality(String),
    requests  SimpleAggregateFunction(sum, UInt64),
    latency   AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    ttft      AggregateFunction(quantilesTDigestIf(0.5, 0.95, 0.99), UInt32, UInt8),
    histogram AggregateFunction(sumForEach, Array(UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, provider, model);

CREATE MATERIALIZED VIEW IF NOT EXISTS latency_minutes_mv TO latency_minutes AS
SELECT toStartOfMinute(completed_at) AS minute, provider, model, count() AS requests,
       quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
       quantilesTDigestIfState(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL) AS ttft,
       sumForEachState(arrayMap(i -> toUInt64(arrayFirstIndex(e -> latency_ms < e,
           [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000]) = i), range(14))) AS histogram
FROM generations
WHERE status != 'in_progress'
GROUP BY minute, provider, model;

-- Every attempt of every request, by the provider that answered it (a fail-over's failed attempt
-- counts against its own provider, not the one that served): the provider uptime.
CREATE TABLE IF NOT EXISTS attempt_minutes (
    minute         DateTime('UTC'),
    provider       LowCardinality(String),
    model          LowCardinality(String),
    outcome        LowCardinality(String),
    attempts       SimpleAggregateFunction(sum, UInt64),
    latency_ms_sum SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, provider, model, outcome);

CREATE MATERIALIZED VIEW IF NOT EXISTS attempt_minutes_mv TO attempt_minutes AS
SELECT toStartOfMinute(completed_at) AS minute, a.provider AS provider, a.model AS model, a.outcome AS outcome,
       count() AS attempts, sum(a.latency_ms) AS latency_ms_sum
FROM generations
ARRAY JOIN JSONExtract(attempts_json, 'Array(Tuple(provider String, model String, outcome String, latency_ms UInt64))') AS a
WHERE status != 'in_progress'
GROUP BY minute, provider, model, outcome;

-- The account's view: per minute × key × model × provider (requests and tokens; spend below).
CREATE TABLE IF NOT EXISTS account_minutes (
    minute            DateTime('UTC'),
    account_id        String,
    key_id            String,
    model             LowCardinality(String),
    provider          LowCardinality(String),
    status            LowCardinality(String),
    requests          SimpleAggregateFunction(sum, UInt64),
    prompt_tokens     SimpleAggregateFunction(sum, UInt64),
    completion_tokens SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens  SimpleAggregateFunction(sum, UInt64),
    cached_tokens     SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (account_id, minute, key_id, model, provider, status);

CREATE MATERIALIZED VIEW IF NOT EXISTS account_minutes_mv TO account_minutes AS
SELECT toStartOfMinute(completed_at) AS minute, account_id, key_id, model, provider, status,
       count() AS requests, sum(toUInt64(prompt_tokens)) AS prompt_tokens,
       sum(toUInt64(completion_tokens)) AS completion_tokens, sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
       sum(toUInt64(cached_prompt_tokens)) AS cached_tokens
FROM generations
WHERE status != 'in_progress'
GROUP BY minute, account_id, key_id, model, provider, status;

-- What the account was billed: per minute × key × model × provider, from the priced ledger entries.
CREATE TABLE IF NOT EXISTS spend_minutes (
    minute     DateTime('UTC'),
    account_id String,
    key_id     String,
    model      LowCardinality(String),
    provider   LowCardinality(String),
    charges    SimpleAggregateFunction(sum, UInt64),
    cost_nanos SimpleAggregateFunction(sum, Int64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (account_id, minute, key_id, model, provider);

CREATE MATERIALIZED VIEW IF NOT EXISTS spend_minutes_mv TO spend_minutes AS
SELECT toStartOfMinute(priced_at) AS minute, account_id, key_id, model, provider,
       count() AS charges, sum(cost_nanos) AS cost_nanos
FROM charges
GROUP BY minute, account_id, key_id, model, provider;

-- Rows stored before the views existed (an upgrade), rolled up once. A row inserted between a
-- view's creation and its backfill would count twice: migrations run before this pod ingests, and
-- an upgrade should not run beside an older pod that ingests (docs/architecture.md, Analytics).
INSERT INTO provider_minutes
SELECT toStartOfMinute(completed_at) AS minute, provider, model, status, error_class, fallback, streamed,
       count(), sum(toUInt64(prompt_tokens)), sum(toUInt64(completion_tokens)), sum(estimated_cost_nanos),
       sum(toUInt64(latency_ms))
FROM generations FINAL
WHERE status != 'in_progress'
GROUP BY minute, provider, model, status, error_class, fallback, streamed;

INSERT INTO latency_minutes
SELECT toStartOfMinute(completed_at) AS minute, provider, model, count(),
       quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms),
       quantilesTDigestIfState(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL),
       sumForEachState(arrayMap(i -> toUInt64(arrayFirstIndex(e -> latency_ms < e,
           [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000]) = i), range(14)))
FROM generations FINAL
WHERE status != 'in_progress'
GROUP BY minute, provider, model;

INSERT INTO attempt_minutes
SELECT toStartOfMinute(completed_at) AS minute, a.provider AS provider, a.model AS model, a.outcome AS outcome,
       count(), sum(a.latency_ms)
FROM generations FINAL
ARRAY JOIN JSONExtract(attempts_json, 'Array(Tuple(provider String, model String, outcome String, latency_ms UInt64))') AS a
WHERE status != 'in_progress'
GROUP BY minute, provider, model, outcome;

INSERT INTO account_minutes
SELECT toStartOfMinute(completed_at) AS minute, account_id, key_id, model, provider, status,
       count(), sum(toUInt64(prompt_tokens)), sum(toUInt64(completion_tokens)), sum(toUInt64(reasoning_tokens)),
       sum(toUInt64(cached_prompt_tokens))
FROM generations FINAL
WHERE status != 'in_progress'
GROUP BY minute, account_id, key_id, model, provider, status;

INSERT INTO spend_minutes
SELECT toStartOfMinute(priced_at) AS minute, account_id, key_id, model, provider, count(), sum(cost_nanos)
FROM charges FINAL
GROUP BY minute, account_id, key_id, model, provider;
