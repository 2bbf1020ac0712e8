-- Schools (tenants), people and their roles, the roster, and bearer sessions.
-- Instants are Unix seconds (UTC), stored as INTEGER.

CREATE TABLE schools (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at  INTEGER NOT NULL
);

-- One account per email address across the service; the account belongs to one school.
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL UNIQUE,
    password_hash  TEXT,
    title          TEXT,
    given_name     TEXT    NOT NULL,
    family_name    TEXT    NOT NULL,
    phone          TEXT,
    address        TEXT,
    disabled_at    INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX people_school ON people (school_id);

CREATE TABLE person_roles (
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'teacher', 'guardian')),
    PRIMARY KEY (person_id, role)
);

-- Students are records, never users: there is no login column here on purpose.
CREATE TABLE students (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    sis_id       TEXT    NOT NULL,
    given_name   TEXT    NOT NULL,
    family_name  TEXT    NOT NULL,
    year_group   TEXT    NOT NULL,
    UNIQUE (school_id, sis_id)
);

CREATE TABLE guardianships (
    student_id    INTEGER NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    guardian_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    relationship  TEXT    NOT NULL,
    PRIMARY KEY (student_id, guardian_id)
);
CREATE INDEX guardianships_guardian ON guardianships (guardian_id);

CREATE TABLE classes (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    teacher_id  INTEGER NOT NULL REFERENCES people (id),
    UNIQUE (school_id, name)
);
CREATE INDEX classes_teacher ON classes (teacher_id);

CREATE TABLE enrolments (
    class_id    INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    PRIMARY KEY (class_id, student_id)
);
CREATE INDEX enrolments_student ON enrolments (student_id);

-- Only the SHA-256 of a bearer token is stored; the token itself exists only in the client.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    school_id     INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX sessions_person ON sessions (person_id);

-- Failed sign-ins per normalised email, whether or not an account exists,
-- so throttling reveals nothing about which addresses have accounts.
CREATE TABLE login_throttle (
    email_key        TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  INTEGER NOT NULL
);
