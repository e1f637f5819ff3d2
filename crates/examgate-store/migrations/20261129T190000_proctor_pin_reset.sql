-- The site's chief examiner resets a proctor's PIN on the device with the chief's own PIN (a
-- proctor who forgot theirs, or who finds one a colleague set first). The chief's try is recorded
-- with the purpose 'proctor-reset', and the reset in the proctor's tries with the outcome 'reset'.
-- Neither CHECK named them, and SQLite cannot alter a CHECK, so both tables are rebuilt with every
-- row kept as it was (same ids, same order) and their indexes and append-only triggers put back.
CREATE TABLE pin_attempt_v3 (
    id         INTEGER PRIMARY KEY,
    chief      TEXT NOT NULL,
    at         TEXT NOT NULL,
    sitting    TEXT,
    candidate  TEXT,
    purpose    TEXT NOT NULL CHECK (purpose IN
                   ('approve', 'reject', 'exam-time', 'resolve', 'waive', 'substitute',
                    'proctor-reset')),
    outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'wrong', 'locked-out', 'refused-locked')),
    boot_id    TEXT,
    boot_ms    INTEGER
);
INSERT INTO pin_attempt_v3 (id, chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms)
    SELECT id, chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms FROM pin_attempt;
DROP TABLE pin_attempt;
ALTER TABLE pin_attempt_v3 RENAME TO pin_attempt;
CREATE INDEX pin_attempt_chief ON pin_attempt (chief, id);
CREATE TRIGGER pin_attempt_no_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
CREATE TRIGGER pin_attempt_no_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;

CREATE TABLE proctor_pin_attempt_v2 (
    id        INTEGER PRIMARY KEY,
    staff_id  TEXT NOT NULL,
    at        TEXT NOT NULL,
    sitting   TEXT NOT NULL,
    site      TEXT NOT NULL,
    room      TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN
                  ('set', 'accepted', 'wrong', 'locked-out', 'refused-locked', 'reset')),
    boot_id   TEXT,
    boot_ms   INTEGER
);
INSERT INTO proctor_pin_attempt_v2 (id, staff_id, at, sitting, site, room, outcome, boot_id, boot_ms)
    SELECT id, staff_id, at, sitting, site, room, outcome, boot_id, boot_ms FROM proctor_pin_attempt;
DROP TABLE proctor_pin_attempt;
ALTER TABLE proctor_pin_attempt_v2 RENAME TO proctor_pin_attempt;
CREATE INDEX proctor_pin_attempt_staff ON proctor_pin_attempt (staff_id, id);
CREATE TRIGGER proctor_pin_attempt_no_update BEFORE UPDATE ON proctor_pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
CREATE TRIGGER proctor_pin_attempt_no_delete BEFORE DELETE ON proctor_pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
