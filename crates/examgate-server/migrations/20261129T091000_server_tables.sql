-- The site server's own tables (issue 9), beside the ordinary store tables of the same database.
-- Applied by examgate-server through examgate_store::apply_extension, recorded as
-- `server:<name>` in schema_migration.

-- Enrolled devices: the site's trust list. Only the SHA-256 of a device token is kept. A revoked
-- device keeps its row (its past photos were signed while it was trusted) and is refused.
CREATE TABLE server_device (
    device_id    TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL UNIQUE,   -- ed25519, 64 hex digits
    name         TEXT NOT NULL,
    site         TEXT NOT NULL,
    room         TEXT,
    role         TEXT NOT NULL CHECK (role IN ('proctor', 'chief')),
    staff        TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    enrolled_at  TEXT NOT NULL,
    revoked_at   TEXT
);

-- One-time enrollment codes, by the SHA-256 of their secret. Used once, then marked.
CREATE TABLE server_enroll_code (
    secret_sha256 TEXT PRIMARY KEY,
    site          TEXT NOT NULL,
    room          TEXT,
    role          TEXT NOT NULL CHECK (role IN ('proctor', 'chief')),
    staff         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    used_by       TEXT REFERENCES server_device (device_id)
);

-- Each measured clock offset of a device (NTP's four timestamps), with its error bound.
CREATE TABLE server_clock (
    device_id       TEXT NOT NULL REFERENCES server_device (device_id),
    measured_at     TEXT NOT NULL,     -- server clock, RFC 3339
    device_ahead_us INTEGER NOT NULL,
    error_us        INTEGER NOT NULL CHECK (error_us >= 0)
);
CREATE INDEX server_clock_by_device ON server_clock (device_id, measured_at);

-- Small facts about this server, such as the address it last listened on.
CREATE TABLE server_setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
