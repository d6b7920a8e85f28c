-- When the generation started, on every entry: the interim entries of a long stream and its final
-- one share it, so a reconciliation window (by start time, like ClickHouse's generations.started_at)
-- keeps a generation's entries together. Entries from before have only their completion time.
ALTER TABLE ledger ADD COLUMN started_at TIMESTAMPTZ;
UPDATE ledger SET started_at = occurred_at WHERE started_at IS NULL;
ALTER TABLE ledger ALTER COLUMN started_at SET NOT NULL;
CREATE INDEX ledger_started ON ledger (started_at);
