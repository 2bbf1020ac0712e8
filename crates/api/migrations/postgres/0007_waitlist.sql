-- The waitlist: a family waiting for a time with a teacher, and the time
-- held for them when one frees.
--
-- A held time is a booking row with status 'held': the unique index on
-- (evening, teacher, start) then keeps it from everyone else on both engines,
-- with no second place to check.
ALTER TABLE bookings DROP CONSTRAINT bookings_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_status_check
    CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show', 'held'));

CREATE TABLE waitlist (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id         BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    evening_id        BIGINT NOT NULL REFERENCES evenings (id) ON DELETE CASCADE,
    teacher_id        BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    student_id        BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    -- The guardian who joined: the held booking is theirs until accepted.
    guardian_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- 0: the whole family's place; else the guardian whose household it
    -- is (a child whose guardians live apart, see 0008).
    household         BIGINT NOT NULL DEFAULT 0,
    -- The part of the evening the family can attend.
    window_from       BIGINT NOT NULL,
    window_until      BIGINT NOT NULL,
    status            TEXT   NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'declined', 'expired', 'left')),
    booking_id        BIGINT,
    offer_expires_at  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
-- One open place in a teacher's line per child (and household).
CREATE UNIQUE INDEX waitlist_one_open ON waitlist (evening_id, student_id, teacher_id, household) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist (evening_id, teacher_id, status, id);
CREATE INDEX waitlist_offers_due ON waitlist (status, offer_expires_at);
