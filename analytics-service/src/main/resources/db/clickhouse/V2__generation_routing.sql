-- The routing strategy that ordered the providers of a request (switchboard.usage.v1 "routing").
ALTER TABLE generations ADD COLUMN IF NOT EXISTS routing LowCardinality(String) DEFAULT '';
