-- Who a request came from, as the client said (switchboard.usage.v1 "app"): the app's HTTP-Referer and
-- X-Title (OpenRouter's attribution headers) and the OpenAI "user" field; '' when not sent.
ALTER TABLE generations ADD COLUMN IF NOT EXISTS app_referer String DEFAULT '';
ALTER TABLE generations ADD COLUMN IF NOT EXISTS app_title String DEFAULT '';
ALTER TABLE generations ADD COLUMN IF NOT EXISTS user String DEFAULT '';
