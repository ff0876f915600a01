-- Expiry and rotation. A rotation with a grace period keeps the replaced secret's verifier until the period ends and,
-- beside each re-sealed provider key, the copy sealed under the replaced secret: still nothing that authenticates a
-- caller or reveals a provider key without the secret.
ALTER TABLE gateway_keys
    ADD COLUMN expires_at           TIMESTAMPTZ,
    ADD COLUMN previous_verifier    BYTEA,
    ADD COLUMN previous_valid_until TIMESTAMPTZ;

ALTER TABLE provider_keys
    ADD COLUMN previous_sealed BYTEA;

CREATE INDEX management_keys_by_account ON management_keys (account_id, created_at);
