-- A chief examiner's PIN set at the site server (issue 9, item 7): the catalogue carries the
-- salt of the chief's proof key and the key's verifier to the site's devices.
--   proof_salt: 32 hex digits; NULL for a PIN set on this device (no approval it allows can be
--               proven to the server). When set, `hash` holds the proof key's verifier (64 hex
--               digits, SHA-256 with a domain) instead of an argon2 PHC string.
--   proof_key:  argon2id(PIN, proof_salt), 32 bytes: on the site server only (NULL on every
--               device), never in a catalogue. The database is encrypted (SQLCipher).
ALTER TABLE chief_pin ADD COLUMN proof_salt TEXT;
ALTER TABLE chief_pin ADD COLUMN proof_key BLOB;
