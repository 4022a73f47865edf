-- Issue 22: who and what a generation was for. `user_id` is the request's `user` (the client's end-user
-- id), `session_id` its `session_id` (or x-session-id header). The time-series gain two key columns so
-- usage can be grouped by end user and by app (`app` = the HTTP-Referer header, else the X-Title one);
-- '' stands for "none", as for provider/endpoint, so the keys have no NULLs.
ALTER TABLE generations ADD COLUMN user_id TEXT, ADD COLUMN session_id TEXT;

ALTER TABLE usage_minute ADD COLUMN user_id TEXT NOT NULL DEFAULT '', ADD COLUMN app TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_hour ADD COLUMN user_id TEXT NOT NULL DEFAULT '', ADD COLUMN app TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_day ADD COLUMN user_id TEXT NOT NULL DEFAULT '', ADD COLUMN app TEXT NOT NULL DEFAULT '';

ALTER TABLE usage_minute DROP CONSTRAINT usage_minute_pkey,
    ADD PRIMARY KEY (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app);
ALTER TABLE usage_hour DROP CONSTRAINT usage_hour_pkey,
    ADD PRIMARY KEY (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app);
ALTER TABLE usage_day DROP CONSTRAINT usage_day_pkey,
    ADD PRIMARY KEY (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app);
