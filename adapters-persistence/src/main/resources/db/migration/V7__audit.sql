-- The audit trail (issue 23): one row per change to an account or its keys, in the change's own transaction. Rows
-- outlive their key and their account (no foreign key) and are never updated; only the retention prune deletes,
-- and only when it says so (SET LOCAL keyway.audit_prune = 'on'). Each account's rows form a hash chain (AuditChain).
CREATE TABLE audit_events (
    seq            BIGSERIAL PRIMARY KEY,
    account_id     UUID        NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    action         TEXT        NOT NULL,
    key_id         TEXT,
    provider       TEXT,
    change         TEXT        NOT NULL,
    actor          TEXT        NOT NULL,
    client_address TEXT,
    request_id     TEXT,
    previous       BYTEA       NOT NULL,
    hash           BYTEA       NOT NULL
);

-- The retention prune's scan, oldest first.
CREATE INDEX audit_events_by_time ON audit_events (at);
-- A page of one account's rows, newest first, from a cursor: the index the query walks.
CREATE INDEX audit_events_by_account ON audit_events (account_id, seq DESC);
-- One key's rows (key_id filter), newest first.
CREATE INDEX audit_events_by_key ON audit_events (account_id, key_id, seq DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('keyway.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
