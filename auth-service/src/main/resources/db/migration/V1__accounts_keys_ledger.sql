-- Accounts are paying tenants. balance is maintained in the same transaction as every ledger
-- insert; the ledger stays the truth (sum(amount) per account must equal balance).
CREATE TABLE accounts (
    id          VARCHAR(64)    PRIMARY KEY,
    name        VARCHAR(200)   NOT NULL,
    balance     NUMERIC(20, 9) NOT NULL DEFAULT 0,
    version     BIGINT         NOT NULL DEFAULT 0,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- Append-only: top-ups and adjustments (signed), debits (negative) per generation.
CREATE SEQUENCE ledger_entries_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE ledger_entries (
    id             BIGINT         PRIMARY KEY,
    account_id     VARCHAR(64)    NOT NULL REFERENCES accounts (id),
    kind           VARCHAR(16)    NOT NULL,
    amount         NUMERIC(20, 9) NOT NULL,
    generation_id  VARCHAR(128),
    key_hash       VARCHAR(64),
    note           VARCHAR(500),
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    -- a replayed usage event must never charge twice
    CONSTRAINT ledger_entries_generation_uk UNIQUE (generation_id)
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id);

-- Keys are stored only by the SHA-256 hex of their secret, which is also their public id.
CREATE TABLE api_keys (
    hash           VARCHAR(64)    PRIMARY KEY,
    account_id     VARCHAR(64)    NOT NULL REFERENCES accounts (id),
    name           VARCHAR(200)   NOT NULL,
    label          VARCHAR(40)    NOT NULL,
    kind           VARCHAR(16)    NOT NULL,
    disabled       BOOLEAN        NOT NULL DEFAULT FALSE,
    expires_at     TIMESTAMP(6) WITH TIME ZONE,
    limit_usd      NUMERIC(20, 9),
    limit_reset    VARCHAR(8),
    usage_total    NUMERIC(20, 9) NOT NULL DEFAULT 0,
    usage_daily    NUMERIC(20, 9) NOT NULL DEFAULT 0,
    usage_weekly   NUMERIC(20, 9) NOT NULL DEFAULT 0,
    usage_monthly  NUMERIC(20, 9) NOT NULL DEFAULT 0,
    -- start (UTC date) of the period each counter belongs to; a counter from an older period reads as 0
    usage_day      DATE,
    usage_week     DATE,
    usage_month    DATE,
    rpm            INTEGER,
    tpm            INTEGER,
    version        BIGINT         NOT NULL DEFAULT 0,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id, created_at);
