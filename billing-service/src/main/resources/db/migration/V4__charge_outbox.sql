-- The charge outbox: a ledger entry's charge is written in the entry's transaction, and a relay
-- publishes it to switchboard.charges.v1 and marks it, so no charge is lost between the ledger and
-- Kafka (a crash in between leaves the row unpublished, and the relay sends it on its next round).
CREATE TABLE charge_outbox (
    charge_id    TEXT        PRIMARY KEY,
    account_id   UUID        NOT NULL,
    payload      BYTEA       NOT NULL,  -- the encoded switchboard.charges.v1 CloudEvent
    traceparent  TEXT,                  -- the trace of the usage record it prices
    tracestate   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX charge_outbox_unpublished ON charge_outbox (created_at) WHERE published_at IS NULL;
CREATE INDEX charge_outbox_published ON charge_outbox (published_at) WHERE published_at IS NOT NULL;
