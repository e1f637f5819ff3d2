-- Sync's receive path: events from other devices arrive signed, in any order, sometimes twice,
-- sometimes changed. `event` rows stay immutable; what sync adds lives beside them.

-- The order events joined this store's log: the cursor a pull reads from. An explicit
-- AUTOINCREMENT number, not `event`'s rowid: VACUUM may renumber the rowids of a table without an
-- INTEGER PRIMARY KEY, which would move every cursor a device holds. Never reused, never changed.
-- An event joins the log only once its parents have (see event_waiting), so this order is causal.
CREATE TABLE event_arrival (
    arrival   INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id  TEXT NOT NULL UNIQUE REFERENCES event(id)
);
INSERT INTO event_arrival (event_id) SELECT id FROM event ORDER BY rowid;
CREATE TRIGGER event_arrival_no_update BEFORE UPDATE ON event_arrival
BEGIN SELECT RAISE(ABORT, 'arrivals are immutable'); END;
CREATE TRIGGER event_arrival_no_delete BEFORE DELETE ON event_arrival
BEGIN SELECT RAISE(ABORT, 'arrivals are immutable'); END;

-- The recording device's ed25519 signature over the event's canonical bytes (hex): kept from
-- receipt, or made when this device first signed its own event for a push. Append-only.
CREATE TABLE event_signature (
    event_id   TEXT PRIMARY KEY REFERENCES event(id),
    signature  TEXT NOT NULL
);
CREATE TRIGGER event_signature_no_update BEFORE UPDATE ON event_signature
BEGIN SELECT RAISE(ABORT, 'signatures are immutable'); END;
CREATE TRIGGER event_signature_no_delete BEFORE DELETE ON event_signature
BEGIN SELECT RAISE(ABORT, 'signatures are immutable'); END;

-- Received, checked events whose parents have not arrived yet: held (they count for the sender's
-- high-water mark) but not folded, so a missing parent never shows as a conflict. A row leaves
-- only by moving into `event`, in the transaction that inserts it there.
CREATE TABLE event_waiting (
    id           TEXT PRIMARY KEY,
    device       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    body         TEXT NOT NULL,   -- the event as JSON, as in event.body
    signature    TEXT NOT NULL,
    received_at  TEXT NOT NULL,   -- this store's device time, RFC 3339
    UNIQUE (device, seq)
);
CREATE TRIGGER event_waiting_no_update BEFORE UPDATE ON event_waiting
BEGIN SELECT RAISE(ABORT, 'waiting events are immutable'); END;

-- What was refused: a signature that does not check, an unknown device, or an id or
-- (device, seq) this store already holds with other content. Kept as received for the office,
-- never merged, never dropped. Append-only.
CREATE TABLE event_quarantine (
    id           INTEGER PRIMARY KEY,
    event_id     TEXT NOT NULL,
    device       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    sha256       TEXT NOT NULL,   -- of the received event's canonical bytes
    body         TEXT NOT NULL,
    signature    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE INDEX event_quarantine_event ON event_quarantine (event_id);
CREATE TRIGGER event_quarantine_no_update BEFORE UPDATE ON event_quarantine
BEGIN SELECT RAISE(ABORT, 'quarantined events are immutable'); END;
CREATE TRIGGER event_quarantine_no_delete BEFORE DELETE ON event_quarantine
BEGIN SELECT RAISE(ABORT, 'quarantined events are immutable'); END;
