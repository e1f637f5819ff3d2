-- Photo uploads this device has seen acknowledged (issue 9): the photos its own events name
-- that the site server holds whole and checked. A sync counts what is still to upload from this
-- table without asking the server about every photo.
CREATE TABLE photo_upload (
    sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    confirmed_at TEXT NOT NULL      -- device clock, RFC 3339
);
