-- The site server this device is enrolled with (issue 9): where it is, the certificate it must
-- present, and the device token. One row at most; kept in the encrypted database with the events
-- the token lets the device upload.
CREATE TABLE server_link (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    urls        TEXT NOT NULL,      -- https:// URLs one a line, in the order to try
    fingerprint TEXT NOT NULL,      -- SHA-256 of the server certificate, 64 hex digits
    token       TEXT NOT NULL,
    site        TEXT NOT NULL,
    room        TEXT,
    role        TEXT NOT NULL CHECK (role IN ('proctor', 'chief')),
    staff       TEXT NOT NULL,
    enrolled_at TEXT NOT NULL
);
