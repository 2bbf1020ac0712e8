-- A teacher's private note on an appointment: staff see it, families never do.
ALTER TABLE bookings ADD COLUMN staff_note TEXT;
