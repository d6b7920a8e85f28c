-- A closed lease now waits for its charges however late they come (it ends once they have taken all
-- it reserved, or when the operator releases it after reconciliation); only an open lease whose
-- replica is no longer heard of is swept by time. One index per question the sweep asks.
DROP INDEX IF EXISTS credit_leases_sweep;
CREATE INDEX credit_leases_abandoned ON credit_leases (heartbeat_at) WHERE closed_at IS NULL;
CREATE INDEX credit_leases_settled ON credit_leases (closed_at) WHERE closed_at IS NOT NULL AND amount_nanos = 0;
CREATE INDEX credit_leases_awaiting ON credit_leases (closed_at) WHERE closed_at IS NOT NULL AND amount_nanos > 0;
