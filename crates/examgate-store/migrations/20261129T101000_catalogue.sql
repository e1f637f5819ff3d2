-- The catalogue lives on the site server (issue 9): each device downloads its site's sittings,
-- rooms, seating lists, roster and registration photos, and again whenever the version changes.

-- Bumped in the transaction of every change to the catalogue tables (an import, a sitting added,
-- a catalogue applied). A site's version below is recomputed only when this has moved, so a
-- device asking "still version N?" costs one row read, not a rebuild of the site's catalogue.
CREATE TABLE catalogue_generation (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    generation  INTEGER NOT NULL
);
INSERT INTO catalogue_generation (singleton, generation) VALUES (1, 1);

-- Server side: each site's catalogue version. A counter, so a device tells newer from older; it
-- grows by one whenever the SHA-256 of the site's catalogue content changes, and never goes back.
CREATE TABLE catalogue_version (
    site        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL CHECK (version >= 1),
    sha256      TEXT NOT NULL,
    generation  INTEGER NOT NULL     -- the generation the hash was computed at
);

-- Device side: the catalogue this device holds, as its server numbered and hashed it.
CREATE TABLE catalogue_held (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    site        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    applied_at  TEXT NOT NULL        -- device time, RFC 3339
);

-- Registration photos travel by content hash: the catalogue names them, the device fetches the
-- ones it lacks. Filled by the import; rows from before are hashed when first needed.
ALTER TABLE registration_photo ADD COLUMN sha256 TEXT;
CREATE INDEX registration_photo_sha256 ON registration_photo (sha256);

-- Photos downloaded for a catalogue not applied yet (checked against their hash on arrival); the
-- apply moves them into registration_photo. A cut download keeps what arrived.
CREATE TABLE catalogue_photo_inbox (
    sha256        TEXT PRIMARY KEY,
    content_type  TEXT NOT NULL,
    bytes         BLOB NOT NULL
);
