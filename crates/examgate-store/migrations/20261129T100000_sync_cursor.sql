-- The device's side of sync (issue 9): how far it has pulled from the site server, what the
-- server last acknowledged of its own events, when it last synced, the clock offset it measured,
-- and why the last attempt failed. One row at most, made by the first sync.
CREATE TABLE sync_state (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    pull_cursor      INTEGER NOT NULL DEFAULT 0,  -- the server's arrival order, read up to here
    acked_seq        INTEGER NOT NULL DEFAULT 0,  -- the server holds this device's seqs 1..=acked_seq
    last_sync_at     TEXT,                        -- RFC 3339, device clock, of the last full sync
    offset_us        INTEGER,                     -- device clock minus server clock
    offset_error_us  INTEGER,
    offset_at        TEXT,
    last_error       TEXT,                        -- the last failed attempt's message, NULL after a success
    last_error_at    TEXT
);

-- The site's enrolled device keys as the server sent them with a pull: what this device checks
-- the signatures of pulled events against. Revoked devices stay listed (their earlier events were
-- accepted while they were trusted); the server refuses anything they send after revocation.
CREATE TABLE sync_trust (
    device_id   TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,                    -- ed25519, 64 hex digits
    role        TEXT NOT NULL,
    room        TEXT,
    revoked     INTEGER NOT NULL DEFAULT 0
);
