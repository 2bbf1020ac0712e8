-- Profiles: the fields a person fills in themselves, and who sees each one.
-- A visibility is one of only_me < staff < classes < school; the defaults
-- here are the core's defaults (private by default), checked by a test.

ALTER TABLE people ADD COLUMN display_name TEXT;
ALTER TABLE people ADD COLUMN phone2 TEXT;
ALTER TABLE people ADD COLUMN language TEXT;
ALTER TABLE people ADD COLUMN about TEXT;

ALTER TABLE people ADD COLUMN show_title TEXT NOT NULL DEFAULT 'school' CHECK (show_title IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_name TEXT NOT NULL DEFAULT 'school' CHECK (show_name IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_email TEXT NOT NULL DEFAULT 'staff' CHECK (show_email IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_phone TEXT NOT NULL DEFAULT 'staff' CHECK (show_phone IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_phone2 TEXT NOT NULL DEFAULT 'staff' CHECK (show_phone2 IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_address TEXT NOT NULL DEFAULT 'only_me' CHECK (show_address IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_language TEXT NOT NULL DEFAULT 'staff' CHECK (show_language IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_about TEXT NOT NULL DEFAULT 'staff' CHECK (show_about IN ('only_me', 'staff', 'classes', 'school'));
ALTER TABLE people ADD COLUMN show_children TEXT NOT NULL DEFAULT 'staff' CHECK (show_children IN ('only_me', 'staff', 'classes', 'school'));

-- Whose data an audited action touched, and the request that did it, so a
-- person can see who looked at their data.
ALTER TABLE audit_log ADD COLUMN target_id BIGINT;
ALTER TABLE audit_log ADD COLUMN request_id TEXT;
CREATE INDEX audit_log_target ON audit_log (target_id, created_at);
