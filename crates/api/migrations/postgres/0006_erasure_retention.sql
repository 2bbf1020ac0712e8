-- A member's request that the school erase their data, until an admin acts on it.
ALTER TABLE people ADD COLUMN erasure_requested_at BIGINT;

-- Retention: when a person last signed in, when a school closed, and how long
-- each school keeps a parent whose children have all left (default a year)
-- and its data after closing (default 30 days).
ALTER TABLE people ADD COLUMN last_sign_in_at BIGINT;
ALTER TABLE schools ADD COLUMN closed_at BIGINT;
ALTER TABLE schools ADD COLUMN keep_leavers_days BIGINT NOT NULL DEFAULT 365;
ALTER TABLE schools ADD COLUMN keep_closed_days BIGINT NOT NULL DEFAULT 30;
