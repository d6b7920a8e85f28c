-- Zero-completion insurance: a request that produced no output and did not finish successfully costs
-- nothing, fees included; the ledger keeps why it was waived (null when charged).
ALTER TABLE ledger ADD COLUMN waived_reason TEXT;
