-- The waitlist: a family waiting for a time with a teacher, and the time
-- held for them when one frees.
--
-- A held time is a booking row with status 'held': the unique index on
-- (evening, teacher, start) then keeps it from everyone else on both engines,
-- with no second place to check. SQLite cannot change a CHECK constraint, so
-- the table is rebuilt (no other table references it).
CREATE TABLE bookings_new (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    evening_id    INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    teacher_id    INTEGER NOT NULL REFERENCES people (id),
    student_id    INTEGER NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    booked_by     INTEGER NOT NULL REFERENCES people (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    room          TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show', 'held')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
INSERT INTO bookings_new (id, school_id, evening_id, teacher_id, student_id, booked_by, starts_at, ends_at, room, status, created_at, updated_at)
     SELECT id, school_id, evening_id, teacher_id, student_id, booked_by, starts_at, ends_at, room, status, created_at, updated_at
       FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_new RENAME TO bookings;
CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (evening_id, teacher_id, starts_at) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX bookings_one_per_pair ON bookings (evening_id, student_id, teacher_id) WHERE status <> 'cancelled';
CREATE INDEX bookings_student ON bookings (evening_id, student_id);

CREATE TABLE waitlist (
    id                INTEGER PRIMARY KEY,
    school_id         INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    evening_id        INTEGER NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    teacher_id        INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    student_id        INTEGER NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    -- The guardian who joined: the held booking is theirs until accepted.
    guardian_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- 0: the whole family's place; else the guardian whose household it
    -- is (a child whose guardians live apart, see 0008).
    household         INTEGER NOT NULL DEFAULT 0,
    -- The part of the evening the family can attend.
    window_from       INTEGER NOT NULL,
    window_until      INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'declined', 'expired', 'left')),
    booking_id        INTEGER,
    offer_expires_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
-- One open place in a teacher's line per child (and household).
CREATE UNIQUE INDEX waitlist_one_open ON waitlist (evening_id, student_id, teacher_id, household) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist (evening_id, teacher_id, status, id);
CREATE INDEX waitlist_offers_due ON waitlist (status, offer_expires_at);
