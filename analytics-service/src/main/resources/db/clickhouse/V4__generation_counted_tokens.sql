-- Switchboard's own token count beside the provider's (switchboard.usage.v1 "counted"): a provider
-- whose reported usage drifts from the count shows in (completion_tokens - counted_completion_tokens).
-- NULL for events without it (written before it was carried, or nothing served).
ALTER TABLE generations ADD COLUMN IF NOT EXISTS counted_prompt_tokens Nullable(UInt32);
ALTER TABLE generations ADD COLUMN IF NOT EXISTS counted_completion_tokens Nullable(UInt32);
