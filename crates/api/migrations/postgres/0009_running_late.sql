-- "Running late": how many minutes behind a teacher says they are tonight
-- (0: on time), and when they said so.
ALTER TABLE evening_teachers ADD COLUMN late_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evening_teachers ADD COLUMN late_since BIGINT;
