-- The first schema: the catalog an office imports (sittings, sites, rooms, candidates, staff), the
-- device's identity, and the append-only event log.

CREATE TABLE sitting (
    id                  INTEGER PRIMARY KEY,
    label               TEXT NOT NULL UNIQUE,
    exam                TEXT NOT NULL,
    date                TEXT NOT NULL,           -- YYYY-MM-DD, exam local date
    start_time          TEXT NOT NULL,           -- HH:MM:SS, exam local time
    end_time            TEXT NOT NULL,
    paper               TEXT NOT NULL,
    utc_offset_seconds  INTEGER NOT NULL DEFAULT 28800
);

CREATE TABLE site (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    address  TEXT NOT NULL
);

CREATE TABLE room (
    id       INTEGER PRIMARY KEY,
    site_id  INTEGER NOT NULL REFERENCES site(id),
    number   TEXT NOT NULL,
    address  TEXT NOT NULL,
    seats    INTEGER,
    UNIQUE (site_id, number)
);

CREATE TABLE candidate (
    sitting_id       INTEGER NOT NULL REFERENCES sitting(id),
    student_number   TEXT NOT NULL,
    name             TEXT NOT NULL,
    document_kind    TEXT NOT NULL,
    document_number  TEXT NOT NULL,
    room_id          INTEGER NOT NULL REFERENCES room(id),
    seat             INTEGER NOT NULL,
    photo            TEXT,
    -- Reversed numbers, so "the last 4-6 digits" is a prefix search through an index.
    ticket_rev       TEXT NOT NULL,
    document_rev     TEXT NOT NULL,
    PRIMARY KEY (sitting_id, student_number),
    UNIQUE (sitting_id, room_id, seat)
);
CREATE INDEX candidate_ticket_rev ON candidate (sitting_id, ticket_rev);
CREATE INDEX candidate_document_rev ON candidate (sitting_id, document_rev);
CREATE INDEX candidate_name ON candidate (sitting_id, name);

CREATE TABLE staff (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('proctor', 'chief-examiner')),
    site_id  INTEGER NOT NULL REFERENCES site(id),
    room_id  INTEGER REFERENCES room(id)
);

CREATE TABLE device (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    last_hlc   INTEGER NOT NULL
);

-- Append-only: rows are inserted, never updated or deleted (the triggers hold it).
CREATE TABLE event (
    id         TEXT PRIMARY KEY,
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    wall       TEXT NOT NULL,
    hlc        INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    sitting    TEXT NOT NULL,
    candidate  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,  -- the whole event as JSON
    UNIQUE (device, seq)
);
CREATE INDEX event_candidate ON event (sitting, candidate);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

CREATE TABLE import_log (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    sitting   TEXT
);
