-- Hardening: evening versions, idempotency fingerprints, purge indexes.

-- Bumped by every change to an evening, its times, teachers or availability,
-- in the change's own transaction. A booking transaction reads it (on
-- PostgreSQL with FOR SHARE) and decides from the evening as it stands.
ALTER TABLE evenings ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- The SHA-256 of the request (method, path, body) an idempotency key was
-- first used for: the same key on a different request is refused.
ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure_at);
