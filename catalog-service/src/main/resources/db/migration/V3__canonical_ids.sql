-- Issue 21: one id per real model, old ids kept as aliases, price quarantine, embeddings, routers, presets.

-- chat | embedding | router (a pseudo-model like openrouter/auto: listed, no endpoints, resolved by routing)
ALTER TABLE model ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'chat'
    CHECK (kind IN ('chat', 'embedding', 'router'));

-- An endpoint whose prices look wrong (far from its model's median, or outside a plausible band) is
-- quarantined: kept, listed in /admin/quarantine, never routed, until an operator confirms or corrects it.
ALTER TABLE endpoint ADD COLUMN quarantine_reason TEXT;
ALTER TABLE endpoint ADD COLUMN price_confirmed BOOLEAN NOT NULL DEFAULT FALSE;

-- Other names of a model: ids older imports used (merged into their canonical model), the reviewed
-- alias table, and ~author/family-latest. Lookups and routing's snapshot resolve them.
CREATE TABLE model_alias (
    alias      VARCHAR(200) PRIMARY KEY,
    model_id   VARCHAR(200) NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    source     VARCHAR(16)  NOT NULL DEFAULT 'seed' CHECK (source IN ('seed', 'admin', 'k8s')),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX model_alias_model_idx ON model_alias (model_id);

-- A preset: a named, versioned request template owned by an account (issue 21 section 4). The typed
-- columns are what routing and lists read most; config holds the whole template as JSON.
CREATE TABLE preset (
    id            VARCHAR(200) PRIMARY KEY,           -- <account id>/<slug>
    account_id    VARCHAR(100) NOT NULL,
    slug          VARCHAR(64)  NOT NULL,
    name          VARCHAR(200) NOT NULL,
    description   TEXT         NOT NULL DEFAULT '',
    version       INTEGER      NOT NULL DEFAULT 1 CHECK (version >= 1),
    models        TEXT         NOT NULL DEFAULT '',   -- comma list: the model and its fallbacks, in order
    system_prompt TEXT,
    config        JSONB        NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (account_id, slug)
);

-- Every version a preset had, so an answer can name the version it applied and an operator can look back.
CREATE TABLE preset_version (
    preset_id  VARCHAR(200) NOT NULL REFERENCES preset (id) ON DELETE CASCADE,
    version    INTEGER      NOT NULL,
    config     JSONB        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (preset_id, version)
);
