-- One row per request (from switchboard.usage.v1). ReplacingMergeTree + FINAL makes a redelivered
-- event harmless: rows with the same sorting key collapse to the latest ingested.
CREATE TABLE IF NOT EXISTS generations (
    id                   String,
    account_id           String,
    key_id               String,
    requested_model      String,
    model                String,
    provider             LowCardinality(String),
    upstream_model       String,
    status               LowCardinality(String),
    finish_reason        String,
    error_class          String,
    streamed             Bool,
    prompt_tokens        UInt32,
    completion_tokens    UInt32,
    cached_prompt_tokens UInt32,
    reasoning_tokens     UInt32,
    usage_source         LowCardinality(String),
    estimated_cost_nanos Int64,
    attempts             UInt8,
    attempts_json        String,
    ttft_ms              Nullable(UInt32),
    latency_ms           UInt32,
    started_at           DateTime64(3, 'UTC'),
    completed_at         DateTime64(3, 'UTC'),
    event_id             String,
    ingested_at          DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(completed_at)
ORDER BY (account_id, id);

-- Priced ledger entries (from switchboard.charges.v1), the cost a generation was billed.
CREATE TABLE IF NOT EXISTS charges (
    charge_id      String,
    generation_id  String,
    sequence       UInt32,
    is_final       Bool,
    account_id     String,
    key_id         String,
    model          String,
    provider       LowCardinality(String),
    cost_nanos     Int64,
    priced_at      DateTime64(3, 'UTC'),
    ingested_at    DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(priced_at)
ORDER BY (account_id, generation_id, sequence);

-- Provider health transitions and probe results (from switchboard.provider-health.v1).
CREATE TABLE IF NOT EXISTS provider_health (
    provider        LowCardinality(String),
    state           LowCardinality(String),
    previous_state  String,
    latency_ms      Nullable(UInt32),
    error           String,
    source          LowCardinality(String),
    checked_at      DateTime64(3, 'UTC'),
    event_id        String,
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(checked_at)
ORDER BY (provider, checked_at, event_id);
