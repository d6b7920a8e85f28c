-- Input images a request sent (switchboard.usage.v1 "images"; /generation num_media_prompt).
ALTER TABLE generations ADD COLUMN IF NOT EXISTS images UInt16 DEFAULT 0;
