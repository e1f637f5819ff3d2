-- The exam time decides who is late, so it belongs to a sitting and has an author; wrong PINs are
-- on the record.
--
-- A sitting is real or a drill (演练). Only a drill's exam time may be set freely. The demo's
-- sittings, loaded before this flag existed, are drills: they are the ones the demo's own seating
-- list (demo-座次表.csv) was imported into.
ALTER TABLE sitting ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
UPDATE sitting SET drill = 1 WHERE EXISTS (
    SELECT 1 FROM import_log l
    WHERE l.file = 'demo-座次表.csv'
      -- import_log.sitting joins the labels with 、: match a whole label, never a part of one.
      AND instr('、' || l.sitting || '、', '、' || sitting.label || '、') > 0);

-- Every change of a sitting's exam time: a sitting-level act, kept apart from the candidates'
-- event log (whose rows each name a candidate) with the same discipline: a UUIDv7 and wall time
-- from the device clock, a per-device sequence number, and the device's hybrid clock (shared with
-- the event log, so the two interleave in causal order). Append-only.
CREATE TABLE clock_change (
    id            TEXT PRIMARY KEY,
    device        TEXT NOT NULL,
    seq           INTEGER NOT NULL,      -- gap-free per device within this log, from 1
    wall          TEXT NOT NULL,         -- device time, RFC 3339
    wall_ms       INTEGER NOT NULL,      -- the same, in ms since the Unix epoch
    hlc           INTEGER NOT NULL,
    sitting       TEXT NOT NULL,
    author        TEXT,                  -- the chief examiner who authorised it; NULL otherwise
    old_shift_ms  INTEGER,               -- exam time minus device time before; NULL = device clock
    new_shift_ms  INTEGER,               -- after; NULL = back to the device clock
    UNIQUE (device, seq)
);
CREATE INDEX clock_change_sitting ON clock_change (sitting, hlc);
CREATE TRIGGER clock_change_no_update BEFORE UPDATE ON clock_change
BEGIN SELECT RAISE(ABORT, 'clock changes are immutable'); END;
CREATE TRIGGER clock_change_no_delete BEFORE DELETE ON clock_change
BEGIN SELECT RAISE(ABORT, 'clock changes are immutable'); END;

-- Every PIN try of a chief examiner on this device, at the device time: what it was for, which
-- candidate it concerned (none for an exam-time change) and how it ended. Append-only.
CREATE TABLE pin_attempt (
    id         INTEGER PRIMARY KEY,
    chief      TEXT NOT NULL,
    at         TEXT NOT NULL,
    sitting    TEXT,
    candidate  TEXT,
    purpose    TEXT NOT NULL CHECK (purpose IN ('approve', 'reject', 'exam-time')),
    outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'wrong', 'locked-out', 'refused-locked'))
);
CREATE INDEX pin_attempt_chief ON pin_attempt (chief, id);
CREATE TRIGGER pin_attempt_no_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
CREATE TRIGGER pin_attempt_no_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'PIN attempts are immutable'); END;
