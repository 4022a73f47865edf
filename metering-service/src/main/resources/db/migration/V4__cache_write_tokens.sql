-- Issue 22: prompt tokens written to the provider's cache (Anthropic's cache_creation_input_tokens), which
-- are priced at input_cache_write (1.25x the prompt price for Claude): routing reports and prices them,
-- so the generation record and the time-series keep them beside cached_tokens (reads). 0 for old rows.
ALTER TABLE generations ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_minute ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_hour ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_day ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
