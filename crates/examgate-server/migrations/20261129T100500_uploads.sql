-- Photo uploads (issue 9): content-addressed, resumable. Applied by examgate-server through
-- examgate_store::apply_extension as `server:20261129T100500_uploads`.

-- One row per upload a device declared and has not finished or has finished: what it declared
-- (length, the signature sidecar) and when it completed. A refused upload leaves no row (its
-- partial file is removed with it). The bytes themselves live in DIR/photos/partial/ until the
-- upload completes and then in DIR/photos/<sha256>.jpg.
CREATE TABLE server_upload (
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    device_id    TEXT NOT NULL REFERENCES server_device (device_id),
    length       INTEGER NOT NULL CHECK (length > 0),
    sidecar      TEXT NOT NULL,      -- the device's <photo>.sig.json, verbatim
    declared_at  TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (sha256, device_id)
);

-- The photos the server holds whole, checked: stored once whoever else uploads the same bytes.
CREATE TABLE server_photo (
    sha256    TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    length    INTEGER NOT NULL,
    device_id TEXT NOT NULL REFERENCES server_device (device_id),   -- whose upload completed it
    stored_at TEXT NOT NULL
);
