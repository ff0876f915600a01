-- The smart router (issue 20): which deployment of a model group answered, and how many upstream attempts it took.
ALTER TABLE usage_records ADD COLUMN deployment TEXT;
ALTER TABLE usage_records ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
