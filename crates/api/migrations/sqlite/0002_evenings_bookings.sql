-- Evenings, teachers' availability, bookings, idempotency keys and the audit log.
-- Instants are Unix seconds (UTC); lengths are seconds.

CREATE TABLE evenings (
    id                  INTEGER PRIMARY KEY,
    school_id           INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    name                TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    slot_secs           INTEGER NOT NULL,
    changeover_secs     INTEGER NOT NULL,
    travel_buffer_secs  INTEGER NOT NULL,
    booking_opens_at    INTEGER NOT NULL,
    booking_closes_at   INTEGER NOT NULL,
    cancel_until        INTEGER NOT NULL,
    mode                TEXT    NOT NULL CHECK (mode IN ('in_person', 'video', 'phone')),
    video_link          TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX evenings_school ON evenings (school_id);

CREATE TABLE evening_sessions (
    evening_id  INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    PRIMARY KEY (evening_id, starts_at)
);

CREATE TABLE evening_breaks (
    evening_id  INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    PRIMARY KEY (evening_id, starts_at)
);

-- The participating teachers, with their room and own slot length.
CREATE TABLE evening_teachers (
    evening_id  INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    teacher_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    room        TEXT,
    slot_secs   INTEGER,
    PRIMARY KEY (evening_id, teacher_id)
);

-- A teacher's own windows; none means the whole of every session.
CREATE TABLE availability_windows (
    evening_id  INTEGER NOT NULL,
    teacher_id  INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    PRIMARY KEY (evening_id, teacher_id, starts_at),
    FOREIGN KEY (evening_id, teacher_id) REFERENCES evening_teachers (evening_id, teacher_id) ON DELETE CASCADE
);

CREATE TABLE blocked_slots (
    evening_id  INTEGER NOT NULL,
    teacher_id  INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    PRIMARY KEY (evening_id, teacher_id, starts_at),
    FOREIGN KEY (evening_id, teacher_id) REFERENCES evening_teachers (evening_id, teacher_id) ON DELETE CASCADE
);

CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    evening_id    INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    teacher_id    INTEGER NOT NULL REFERENCES people (id),
    student_id    INTEGER NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    booked_by     INTEGER NOT NULL REFERENCES people (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    room          TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
-- The last line of defence for booking rules 1 and 2.
CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (evening_id, teacher_id, starts_at) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX bookings_one_per_pair ON bookings (evening_id, student_id, teacher_id) WHERE status <> 'cancelled';
CREATE INDEX bookings_student ON bookings (evening_id, student_id);

-- Booking transactions start by bumping this on the child's guardians, so
-- conflicting bookings of one family are serialised on both engines.
ALTER TABLE people ADD COLUMN booking_version INTEGER NOT NULL DEFAULT 0;

-- A retried POST with the same key gets the first answer and books nothing twice.
CREATE TABLE idempotency_keys (
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, key)
);

-- Who exported or looked at personal data in bulk, and when.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_school ON audit_log (school_id, created_at);
