-- Adoption: roster references, invitations and other one-time codes, join
-- requests, the email outbox, remembered devices.

-- The school information system's ids for a person, one per list they come from.
ALTER TABLE people ADD COLUMN staff_ref TEXT;
ALTER TABLE people ADD COLUMN guardian_ref TEXT;
CREATE UNIQUE INDEX people_staff_ref ON people (school_id, staff_ref) WHERE staff_ref IS NOT NULL;
CREATE UNIQUE INDEX people_guardian_ref ON people (school_id, guardian_ref) WHERE guardian_ref IS NOT NULL;

-- What an email in the school's name says about the school, and when reminders go out.
ALTER TABLE schools ADD COLUMN address TEXT;
ALTER TABLE schools ADD COLUMN reminder_hours INTEGER NOT NULL DEFAULT 24;

-- One-time codes sent in links: invitations, password resets, email
-- confirmations of join requests. Only the SHA-256 of a code is stored.
CREATE TABLE one_time_codes (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('invitation', 'password_reset', 'join_confirmation')),
    person_id   INTEGER REFERENCES people (id) ON DELETE CASCADE,
    join_request_id INTEGER,
    code_hash   TEXT    NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES people (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX one_time_codes_person ON one_time_codes (person_id, purpose);

-- Someone not on the roster asking to join a school.
CREATE TABLE join_requests (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    email         TEXT    NOT NULL,
    given_name    TEXT    NOT NULL,
    family_name   TEXT    NOT NULL,
    children      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('unconfirmed', 'waiting', 'approved', 'rejected')),
    reason        TEXT,
    person_id     INTEGER REFERENCES people (id) ON DELETE SET NULL,
    decided_by    INTEGER REFERENCES people (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    decided_at    INTEGER
);
CREATE INDEX join_requests_school ON join_requests (school_id, status);

-- What happened that people must be told of, written in the transaction
-- that made it happen; the mail worker turns each into messages.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    booking_id  INTEGER,
    details     TEXT    NOT NULL DEFAULT '{}',
    dedupe_key  TEXT    UNIQUE,
    created_at  INTEGER NOT NULL,
    expanded_at INTEGER
);
CREATE INDEX notices_pending ON notices (expanded_at);

-- Every email, rendered, until it is sent (then only what it was remains).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    school_id        INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    person_id        INTEGER REFERENCES people (id) ON DELETE SET NULL,
    kind             TEXT    NOT NULL,
    to_email         TEXT    NOT NULL,
    to_name          TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    text_body        TEXT    NOT NULL,
    html_body        TEXT    NOT NULL,
    attachment_name  TEXT,
    attachment_body  TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    dedupe_key       TEXT    UNIQUE,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_school ON outbox (school_id, created_at);

-- Sessions a person chose to keep on a device, and how they are shown.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN persistent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN device TEXT;
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id) WHERE public_id IS NOT NULL;
