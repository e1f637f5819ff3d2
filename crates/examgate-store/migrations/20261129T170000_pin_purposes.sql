-- The chief examiner's PIN now also settles a conflict between devices, waives what stops a room
-- from closing, and approves a substitute proctor (issue 11). pin_attempt's CHECK named only the
-- first three purposes, and SQLite cannot alter a CHECK, so the table is rebuilt with every row
-- kept as it was (same ids, same order) and its append-only triggers put back.
CREATE TABLE pin_attempt_v2 (
    id         INTEGER PRIMARY KEY,
    chief      TEXT NOT NULL,
    at         TEXT NOT NULL,
    sitting    TEXT,
    candidate  TEXT,
    purpose    TEXT NOT NULL CHECK (purpose IN
                   ('approve', 'reject', 'exam-time', 'resolve', 'waive', 'substitute')),
    outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'wrong', 'locked-out', 'refused-locked')),
    boot_id    TEXT,
    boot_ms    INTEGER
);
INSERT INTO pin_attempt_v2 (id, chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms)
    SELECT id, chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms FROM pin_attempt;
DROP TABLE pin_attempt;
ALTER TABLE pin_attempt_v2 RENAME TO pin_attempt;
CREATE INDEX pin_attempt_chief ON pin_attempt (chief, id);
CREATE TRIGGER pin_attempt_no_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
CREATE TRIGGER pin_attempt_no_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
