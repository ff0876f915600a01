-- A gateway key's optional limits (issue 10); null is no limit.
ALTER TABLE gateway_keys ADD COLUMN limit_requests_per_minute BIGINT;
ALTER TABLE gateway_keys ADD COLUMN limit_tokens_per_day BIGINT;
ALTER TABLE gateway_keys ADD COLUMN limit_cost_per_month NUMERIC;

-- The counters every instance shares: per key, per kind (requests, tokens, cost), per window (its first instant).
-- Requests are leased in blocks (never past the limit); tokens and cost are added as answers report them.
CREATE TABLE limit_counters (
    key_id       TEXT        NOT NULL,
    kind         TEXT        NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    amount       NUMERIC     NOT NULL,
    PRIMARY KEY (key_id, kind, window_start)
);
CREATE INDEX limit_counters_window ON limit_counters (window_start);
