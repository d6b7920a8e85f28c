-- Rollups per quarter hour, each fed by a view on its minute rollup (a view on a view's target runs
-- inside the same insert). Latency per quarter hour × provider × model, from latency_minutes. A day's statistics and its 15-minute chart
-- merge 96 × endpoints t-digest states instead of 1,440 × endpoints: 52 against 360 ms over a day of
-- 10 million generations on the local stand-in. Queries read whole quarters here and the partial
-- quarters at a window's edges from latency_minutes, so a window's figures are exact to the minute.
CREATE TABLE IF NOT EXISTS latency_quarters (
    quarter   DateTime('UTC'),
    provider  LowCardinality(String),
    model     LowCardinality(String),
    requests  SimpleAggregateFunction(sum, UInt64),
    latency   AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    ttft      AggregateFunction(quantilesTDigestIf(0.5, 0.95, 0.99), UInt32, UInt8),
    histogram AggregateFunction(sumForEach, Array(UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(quarter)
ORDER BY (quarter, provider, model);

CREATE MATERIALIZED VIEW IF NOT EXISTS latency_quarters_mv TO latency_quarters AS
SELECT toStartOfFifteenMinutes(minute) AS quarter, provider, model, sum(requests) AS requests,
       quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
       quantilesTDigestIfMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
       sumForEachMergeState(histogram) AS histogram
FROM latency_minutes
GROUP BY quarter, provider, model;

-- What latency_minutes held before the view existed, rolled up once (as V5's backfill: migrations run
-- before this pod ingests; docs/architecture.md, Analytics).
INSERT INTO latency_quarters
SELECT toStartOfFifteenMinutes(minute) AS quarter, provider, model, sum(requests),
       quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
       quantilesTDigestIfMergeState(0.5, 0.95, 0.99)(ttft),
       sumForEachMergeState(histogram)
FROM latency_minutes
GROUP BY quarter, provider, model;

-- Billed spend per quarter hour × account × key × model × provider, from spend_minutes the same way:
-- an operator's day of 10 million charges is ~10 million minute rows (a key's charges rarely share a
-- minute), a fiftieth of that in quarters.
CREATE TABLE IF NOT EXISTS spend_quarters (
    quarter    DateTime('UTC'),
    account_id String,
    key_id     String,
    model      LowCardinality(String),
    provider   LowCardinality(String),
    charges    SimpleAggregateFunction(sum, UInt64),
    cost_nanos SimpleAggregateFunction(sum, Int64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(quarter)
ORDER BY (account_id, quarter, key_id, model, provider);

CREATE MATERIALIZED VIEW IF NOT EXISTS spend_quarters_mv TO spend_quarters AS
SELECT toStartOfFifteenMinutes(minute) AS quarter, account_id, key_id, model, provider,
       sum(charges) AS charges, sum(cost_nanos) AS cost_nanos
FROM spend_minutes
GROUP BY quarter, account_id, key_id, model, provider;

INSERT INTO spend_quarters
SELECT toStartOfFifteenMinutes(minute) AS quarter, account_id, key_id, model, provider, sum(charges), sum(cost_nanos)
FROM spend_minutes
GROUP BY quarter, account_id, key_id, model, provider;

-- The operator's view reads spend_minutes and account_minutes over every account, so their sorting
-- (account first) cannot narrow a window's edge minutes to their time: these indexes can, part by
-- part, as ingestion writes each part from a few seconds of events.
ALTER TABLE spend_minutes ADD INDEX IF NOT EXISTS minute_minmax minute TYPE minmax GRANULARITY 1;
ALTER TABLE account_minutes ADD INDEX IF NOT EXISTS minute_minmax minute TYPE minmax GRANULARITY 1;
ALTER TABLE spend_minutes MATERIALIZE INDEX minute_minmax;
ALTER TABLE account_minutes MATERIALIZE INDEX minute_minmax;
