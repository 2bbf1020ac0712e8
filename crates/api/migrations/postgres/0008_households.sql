-- Separated households: a school may mark a child's guardians as living
-- apart. Then each guardian books for their own household: their bookings
-- carry the guardian's id in `household` (0: the whole family, as before),
-- rule 2 holds per household, and neither sees the other's appointments.
ALTER TABLE students ADD COLUMN separate_households INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN household BIGINT NOT NULL DEFAULT 0;
DROP INDEX bookings_one_per_pair;
CREATE UNIQUE INDEX bookings_one_per_pair ON bookings (evening_id, student_id, teacher_id, household) WHERE status <> 'cancelled';
