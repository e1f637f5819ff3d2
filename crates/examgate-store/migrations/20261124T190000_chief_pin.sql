-- Chief examiners' PINs on this device (argon2 hashes, never the PIN) and the wrong-PIN counter
-- behind the 5-tries-then-5-minutes lock.

CREATE TABLE chief_pin (
    staff_id      TEXT PRIMARY KEY REFERENCES staff(id),
    hash          TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);
