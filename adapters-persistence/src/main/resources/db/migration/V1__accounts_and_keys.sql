-- Keys are stored only as verifiers and provider keys only sealed under their gateway key:
-- nothing in these tables authenticates a caller or reveals a provider key.
CREATE TABLE accounts (
    id         UUID PRIMARY KEY,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE management_keys (
    key_id     TEXT PRIMARY KEY,
    account_id UUID        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    verifier   BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE gateway_keys (
    key_id     TEXT PRIMARY KEY,
    account_id UUID        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    verifier   BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX gateway_keys_by_account ON gateway_keys (account_id, created_at);

CREATE TABLE provider_keys (
    key_id     TEXT        NOT NULL REFERENCES gateway_keys (key_id) ON DELETE CASCADE,
    provider   TEXT        NOT NULL,
    sealed     BYTEA       NOT NULL,
    hint       TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (key_id, provider)
);
