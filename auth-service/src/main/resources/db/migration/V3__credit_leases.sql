-- Credit leases: a replica of auth-service reserves credit from an account (and under its key's
-- limit) in batches and places each request's hold against it in memory, so no request waits for a
-- database round trip. accounts.held_nanos and api_keys.held_nanos are the sums of their leases.

CREATE TABLE credit_leases (
    id            UUID PRIMARY KEY,
    account_id    UUID        NOT NULL REFERENCES accounts (id),
    key_id        UUID        NOT NULL REFERENCES api_keys (id),
    owner         TEXT        NOT NULL,                              -- the auth-service process holding it
    amount_nanos  BIGINT      NOT NULL CHECK (amount_nanos >= 0),    -- reserved: open holds, unsettled costs and unused credit
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT now(),                -- refreshed by its owner while it lives
    closed_at     TIMESTAMPTZ                                        -- unused credit given back; the rest awaits its charges
);
CREATE INDEX credit_leases_sweep ON credit_leases (coalesce(closed_at, heartbeat_at));

-- Holds were rows until now; the open ones are given back (their charges are still debited when they arrive).
UPDATE accounts a SET held_nanos = greatest(0, a.held_nanos - s.total)
FROM (SELECT account_id, sum(amount_nanos - released_nanos) AS total FROM holds WHERE status = 'open' GROUP BY account_id) s
WHERE a.id = s.account_id;
UPDATE api_keys k SET held_nanos = greatest(0, k.held_nanos - s.total)
FROM (SELECT key_id, sum(amount_nanos - released_nanos) AS total FROM holds WHERE status = 'open' GROUP BY key_id) s
WHERE k.id = s.key_id;
UPDATE holds SET status = 'expired', closed_at = now(), released_nanos = amount_nanos WHERE status = 'open';
