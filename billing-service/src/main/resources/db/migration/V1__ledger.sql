-- billing-service owns the "billing" schema. Money is integer nano-USD (1e-9 USD).

-- One priced entry per usage event; (generation_id, sequence) makes writing it idempotent.
CREATE TABLE ledger (
    generation_id        TEXT        NOT NULL,
    sequence             INTEGER     NOT NULL,
    is_final             BOOLEAN     NOT NULL,
    account_id           UUID        NOT NULL,
    key_id               UUID        NOT NULL,
    hold_id              TEXT,
    model                TEXT,
    provider             TEXT,
    status               TEXT        NOT NULL,
    prompt_tokens        INTEGER     NOT NULL,
    completion_tokens    INTEGER     NOT NULL,
    cached_prompt_tokens INTEGER     NOT NULL,
    reasoning_tokens     INTEGER     NOT NULL,
    usage_source         TEXT        NOT NULL,
    prompt_price_pico    BIGINT,               -- the prices applied, per token in pico-USD (null: priced by the router's estimate)
    completion_price_pico BIGINT,
    cost_nanos           BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    usage_event_id       TEXT        NOT NULL,
    occurred_at          TIMESTAMPTZ NOT NULL,
    priced_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (generation_id, sequence)
);
CREATE INDEX ledger_account_time ON ledger (account_id, occurred_at);
