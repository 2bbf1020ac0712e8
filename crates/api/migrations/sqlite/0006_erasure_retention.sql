-- A member's request that the school erase their data, until an admin acts on it.
ALTER TABLE people ADD COLUMN erasure_requested_at INTEGER;

-- Retention: when a person last signed in, when a school closed, and how long
-- each school keeps a parent whose children have all left (default a year)
-- and its data after closing (default 30 days).
ALTER TABLE people ADD COLUMN last_sign_in_at INTEGER;
ALTER TABLE schools ADD COLUMN closed_at INTEGER;
ALTER TABLE schools ADD COLUMN keep_leavers_days INTEGER NOT NULL DEFAULT 365;
ALTER TABLE schools ADD COLUMN keep_closed_days INTEGER NOT NULL DEFAULT 30;
