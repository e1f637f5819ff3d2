-- Proctors sign in at the room with their staff number and a PIN (issue 11, item 2). No office
-- hands proctors a PIN: each sets their own at their first sign-in on this device (typed twice),
-- and later sign-ins check it, with the same 5-wrong-tries lock as a chief examiner's (on the
-- boot clock where the device has one). Only the argon2 hash is kept, never the PIN.
CREATE TABLE proctor_pin (
    staff_id        TEXT PRIMARY KEY REFERENCES staff(id),
    hash            TEXT NOT NULL,
    set_at          TEXT NOT NULL,          -- device time, RFC 3339
    failures        INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    locked_boot_id  TEXT,
    locked_boot_ms  INTEGER
);

-- Every sign-in try, whatever its outcome, at the device time: who, where, and how it ended
-- ('set' is the first sign-in that set the PIN). Append-only.
CREATE TABLE proctor_pin_attempt (
    id        INTEGER PRIMARY KEY,
    staff_id  TEXT NOT NULL,
    at        TEXT NOT NULL,
    sitting   TEXT NOT NULL,
    site      TEXT NOT NULL,
    room      TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN
                  ('set', 'accepted', 'wrong', 'locked-out', 'refused-locked')),
    boot_id   TEXT,
    boot_ms   INTEGER
);
CREATE INDEX proctor_pin_attempt_staff ON proctor_pin_attempt (staff_id, id);
CREATE TRIGGER proctor_pin_attempt_no_update BEFORE UPDATE ON proctor_pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
CREATE TRIGGER proctor_pin_attempt_no_delete BEFORE DELETE ON proctor_pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
