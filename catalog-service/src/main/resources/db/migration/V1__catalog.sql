-- Catalog of providers, models and endpoints (one model on one provider). Natural keys throughout:
-- ids are part of the public API and of routing's snapshot, so they must be stable across imports.

CREATE TABLE provider (
    slug              VARCHAR(64)  PRIMARY KEY,
    name              VARCHAR(200) NOT NULL,
    adapter           VARCHAR(16)  NOT NULL CHECK (adapter IN ('openai', 'anthropic', 'gemini')),
    base_url          VARCHAR(500) NOT NULL,
    -- Where the key lives, never the key itself: an environment variable name and/or a Secret name/key.
    credential_env    VARCHAR(200),
    credential_secret VARCHAR(253),
    credential_key    VARCHAR(253),
    trains_on_data    BOOLEAN      NOT NULL DEFAULT FALSE,
    retains_prompts   BOOLEAN      NOT NULL DEFAULT FALSE,
    status            VARCHAR(16)  NOT NULL DEFAULT 'active',
    source            VARCHAR(16)  NOT NULL DEFAULT 'seed',
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE model (
    id                   VARCHAR(200) PRIMARY KEY,
    canonical_slug       VARCHAR(200) NOT NULL,
    name                 VARCHAR(300) NOT NULL,
    description          TEXT         NOT NULL DEFAULT '',
    created              BIGINT       NOT NULL,
    context_length       INTEGER      CHECK (context_length IS NULL OR context_length >= 0),
    input_modalities     VARCHAR(200) NOT NULL DEFAULT 'text',
    output_modalities    VARCHAR(200) NOT NULL DEFAULT 'text',
    tokenizer            VARCHAR(32)  NOT NULL DEFAULT 'Other',
    supported_parameters TEXT         NOT NULL DEFAULT '',
    prompt_tokens_limit  INTEGER,
    completion_tokens_limit INTEGER,
    enabled              BOOLEAN      NOT NULL DEFAULT TRUE,
    source               VARCHAR(16)  NOT NULL DEFAULT 'seed',
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE endpoint (
    id                    VARCHAR(300) PRIMARY KEY,
    model_id              VARCHAR(200) NOT NULL REFERENCES model (id),
    provider_slug         VARCHAR(64)  NOT NULL REFERENCES provider (slug),
    provider_model        VARCHAR(300) NOT NULL,
    context_length        INTEGER      CHECK (context_length IS NULL OR context_length >= 0),
    max_completion_tokens INTEGER      CHECK (max_completion_tokens IS NULL OR max_completion_tokens >= 0),
    quantization          VARCHAR(16),
    -- USD per token (per request / per image for those two); exact decimals, never floating point.
    price_prompt             NUMERIC NOT NULL DEFAULT 0 CHECK (price_prompt >= 0),
    price_completion         NUMERIC NOT NULL DEFAULT 0 CHECK (price_completion >= 0),
    price_request            NUMERIC NOT NULL DEFAULT 0 CHECK (price_request >= 0),
    price_image              NUMERIC NOT NULL DEFAULT 0 CHECK (price_image >= 0),
    price_input_cache_read   NUMERIC CHECK (price_input_cache_read >= 0),
    price_input_cache_write  NUMERIC CHECK (price_input_cache_write >= 0),
    price_internal_reasoning NUMERIC CHECK (price_internal_reasoning >= 0),
    supported_parameters  TEXT         NOT NULL DEFAULT '',
    enabled               BOOLEAN      NOT NULL DEFAULT TRUE,
    source                VARCHAR(16)  NOT NULL DEFAULT 'seed',
    updated_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (model_id, provider_slug)
);
CREATE INDEX endpoint_provider_idx ON endpoint (provider_slug);

-- One row: the catalog version, bumped in the same transaction as every change (the snapshot ETag).
-- Writers lock this row first, which also serialises concurrent imports of several replicas.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

-- What each Kubernetes ConfigMap last applied, so every replica applies the same content only once.
CREATE TABLE config_source (
    name         VARCHAR(253) PRIMARY KEY,
    content_hash VARCHAR(64)  NOT NULL,
    applied_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
