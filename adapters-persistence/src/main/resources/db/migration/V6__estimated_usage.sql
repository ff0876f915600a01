-- Hostile load (issue 21): a stream the client left before its usage event is recorded with Keyway's estimate of its
-- tokens, marked here so that nobody takes it for the upstream's figure.
ALTER TABLE usage_records ADD COLUMN estimated BOOLEAN NOT NULL DEFAULT false;
