-- Per-key spending limits with periodic reset, expiry, rate limits; account preferences.

ALTER TABLE api_keys
    ADD COLUMN expires_at          TIMESTAMPTZ,
    ADD COLUMN credit_limit_nanos  BIGINT CHECK (credit_limit_nanos IS NULL OR credit_limit_nanos >= 0),
    ADD COLUMN limit_reset         TEXT NOT NULL DEFAULT 'never' CHECK (limit_reset IN ('daily', 'weekly', 'monthly', 'never')),
    ADD COLUMN period_start        TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01T00:00:00Z', -- start of the limit period period_spent_nanos counts
    ADD COLUMN period_spent_nanos  BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN held_nanos          BIGINT NOT NULL DEFAULT 0 CHECK (held_nanos >= 0),
    ADD COLUMN total_spent_nanos   BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN rate_limit_rpm      INTEGER CHECK (rate_limit_rpm IS NULL OR rate_limit_rpm > 0),
    ADD COLUMN rate_limit_tpm      INTEGER CHECK (rate_limit_tpm IS NULL OR rate_limit_tpm > 0),
    ADD COLUMN version             BIGINT NOT NULL DEFAULT 1,            -- bumped on every change caches must see
    ADD COLUMN updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN deleted_at          TIMESTAMPTZ;                          -- deleted keys stay for the ledger's references

ALTER TABLE accounts
    ADD COLUMN preferences         JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN preferences_version BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN total_spent_nanos   BIGINT NOT NULL DEFAULT 0;

-- Spend per key per UTC day, for usage_daily / _weekly / _monthly.
CREATE TABLE key_spend_days (
    key_id       UUID   NOT NULL REFERENCES api_keys (id),
    day          DATE   NOT NULL,
    spent_nanos  BIGINT NOT NULL,
    PRIMARY KEY (key_id, day)
);

-- Credit granted so far, for /credits' total_credits.
ALTER TABLE accounts ADD COLUMN total_granted_nanos BIGINT NOT NULL DEFAULT 0;
UPDATE accounts a SET total_granted_nanos = coalesce((SELECT sum(amount_nanos) FROM credit_grants g WHERE g.account_id = a.id), 0);
