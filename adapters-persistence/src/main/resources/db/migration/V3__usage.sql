-- One row per routed request (issue 10). Written in batches, asynchronously; pruned after the retention period.
-- cost is unconstrained NUMERIC: the upstream's decimal is kept and summed exactly.
-- No foreign key: a key's or an account's usage outlives its deletion until pruned, and a batch never fails on one.
CREATE TABLE usage_records (
    id                BIGSERIAL PRIMARY KEY,
    at                TIMESTAMPTZ NOT NULL,
    account_id        UUID        NOT NULL,
    key_id            TEXT        NOT NULL,
    model             TEXT        NOT NULL,
    upstream          TEXT        NOT NULL,
    endpoint          TEXT        NOT NULL,
    status            INTEGER     NOT NULL,
    latency_ms        BIGINT      NOT NULL,
    streamed          BOOLEAN     NOT NULL,
    outcome           TEXT        NOT NULL,
    prompt_tokens     BIGINT,
    completion_tokens BIGINT,
    total_tokens      BIGINT,
    cached_tokens     BIGINT,
    reasoning_tokens  BIGINT,
    cost              NUMERIC
);

CREATE INDEX usage_records_account_at ON usage_records (account_id, at);
CREATE INDEX usage_records_key_at ON usage_records (key_id, at);
CREATE INDEX usage_records_at ON usage_records (at);
