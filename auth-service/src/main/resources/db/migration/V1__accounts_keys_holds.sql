-- auth-service owns the "auth" schema. Money is integer nano-USD (1e-9 USD).

CREATE TABLE accounts (
    id               UUID PRIMARY KEY,
    name             TEXT        NOT NULL,
    balance_nanos    BIGINT      NOT NULL DEFAULT 0,
    held_nanos       BIGINT      NOT NULL DEFAULT 0 CHECK (held_nanos >= 0),
    idempotency_key  TEXT UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id              UUID PRIMARY KEY,
    account_id      UUID        NOT NULL REFERENCES accounts (id),
    kind            TEXT        NOT NULL CHECK (kind IN ('inference', 'management')),
    key_hash        BYTEA       NOT NULL UNIQUE,   -- HMAC-SHA-256(server secret, key); the key itself is never stored
    display_prefix  TEXT        NOT NULL,
    label           TEXT,
    disabled        BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_account ON api_keys (account_id);

-- A credit reservation for one request (id = generation id).
CREATE TABLE holds (
    id              TEXT PRIMARY KEY,
    account_id      UUID        NOT NULL REFERENCES accounts (id),
    key_id          UUID        NOT NULL REFERENCES api_keys (id),
    amount_nanos    BIGINT      NOT NULL CHECK (amount_nanos >= 0),
    released_nanos  BIGINT      NOT NULL DEFAULT 0, -- part of amount already given back to the account's available credit
    charged_nanos   BIGINT      NOT NULL DEFAULT 0,
    status          TEXT        NOT NULL CHECK (status IN ('open', 'settled', 'released', 'expired')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ
);
CREATE INDEX holds_open_expiry ON holds (expires_at) WHERE status = 'open';

-- Charges already applied: makes settlement idempotent by charge id.
CREATE TABLE applied_charges (
    charge_id    TEXT PRIMARY KEY,
    hold_id      TEXT,
    account_id   UUID        NOT NULL,
    cost_nanos   BIGINT      NOT NULL,
    applied_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Credit top-ups, idempotent by the caller's Idempotency-Key.
CREATE TABLE credit_grants (
    idempotency_key  TEXT PRIMARY KEY,
    account_id       UUID        NOT NULL REFERENCES accounts (id),
    amount_nanos     BIGINT      NOT NULL CHECK (amount_nanos > 0),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
