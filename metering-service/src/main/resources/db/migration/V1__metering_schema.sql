-- One row per generation. Partitioned by day on created_at so retention is a cheap DROP of old
-- partitions; PartitionMaintenance creates partitions ahead of time. The primary key must contain the
-- partition key: a redelivered event carries the same (generation_id, created_at), which is what makes
-- insert-if-absent idempotent.
CREATE TABLE generations (
    generation_id        TEXT        NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    account_id           TEXT        NOT NULL,
    key_hash             TEXT        NOT NULL,
    requested_model      TEXT,
    model                TEXT        NOT NULL,
    provider             TEXT,
    endpoint_id          TEXT,
    provider_model       TEXT,
    upstream_id          TEXT,
    attempts             JSONB,
    prompt_tokens        BIGINT      NOT NULL,
    completion_tokens    BIGINT      NOT NULL,
    reasoning_tokens     BIGINT      NOT NULL,
    cached_tokens        BIGINT      NOT NULL,
    tokens_estimated     BOOLEAN     NOT NULL,
    cost                 NUMERIC     NOT NULL,
    cost_micros          BIGINT      NOT NULL,
    latency_ms           BIGINT      NOT NULL,
    ttft_ms              BIGINT,
    generation_time_ms   BIGINT      NOT NULL,
    streamed             BOOLEAN     NOT NULL,
    cancelled            BOOLEAN     NOT NULL,
    status               TEXT        NOT NULL,
    http_status          INTEGER     NOT NULL,
    finish_reason        TEXT,
    native_finish_reason TEXT,
    error_message        TEXT,
    app_referer          TEXT,
    app_title            TEXT,
    ingested_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (generation_id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX generations_account_created ON generations (account_id, created_at DESC);

-- Element-wise sum of two histograms (arrays of bucket counts of equal length).
CREATE FUNCTION hist_add(a BIGINT[], b BIGINT[]) RETURNS BIGINT[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE
        (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i))
    END
$$;

-- Sum of histograms over rows: rollups and percentile queries merge buckets with it.
CREATE AGGREGATE hist_sum(BIGINT[]) (SFUNC = hist_add, STYPE = BIGINT[]);

-- Time-series: one row per (bucket, account, key, model, provider, endpoint). The minute table is
-- written by ingest; hour and day tables are recomputed from it by RollupService. Empty string stands
-- for "no provider/endpoint" (a request that failed before reaching one), so the key has no NULLs.
CREATE TABLE usage_minute (
    bucket_start       TIMESTAMPTZ NOT NULL,
    account_id         TEXT        NOT NULL,
    key_hash           TEXT        NOT NULL,
    model              TEXT        NOT NULL,
    provider           TEXT        NOT NULL,
    endpoint_id        TEXT        NOT NULL,
    requests           BIGINT      NOT NULL,
    errors             BIGINT      NOT NULL,
    rate_limited       BIGINT      NOT NULL,
    cancelled          BIGINT      NOT NULL,
    prompt_tokens      BIGINT      NOT NULL,
    completion_tokens  BIGINT      NOT NULL,
    reasoning_tokens   BIGINT      NOT NULL,
    cached_tokens      BIGINT      NOT NULL,
    cost               NUMERIC     NOT NULL,
    latency_ms_sum     BIGINT      NOT NULL,
    ttft_ms_sum        BIGINT      NOT NULL,
    ttft_count         BIGINT      NOT NULL,
    generation_ms_sum  BIGINT      NOT NULL,
    latency_hist       BIGINT[]    NOT NULL,
    ttft_hist          BIGINT[]    NOT NULL,
    tps_hist           BIGINT[]    NOT NULL,
    PRIMARY KEY (bucket_start, account_id, key_hash, model, provider, endpoint_id)
);
CREATE INDEX usage_minute_account ON usage_minute (account_id, bucket_start);
CREATE INDEX usage_minute_endpoint ON usage_minute (bucket_start, endpoint_id);

CREATE TABLE usage_hour (LIKE usage_minute INCLUDING ALL);
CREATE TABLE usage_day (LIKE usage_minute INCLUDING ALL);

-- Hours whose minute rows changed since the last rollup; ingest marks them in the same transaction.
CREATE TABLE rollup_dirty (
    hour_start TIMESTAMPTZ PRIMARY KEY
);
