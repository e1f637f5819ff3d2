-- A chief examiner's PIN set at the site server (issue 9, item 7): the catalogue carries its
-- verifier (`hash`) and the salt of the chief's proof key to the site's devices.
--   proof_salt: 32 hex digits; NULL for a PIN set on this device (no approval it allows can be
--               proven to the server).
--   proof_key:  argon2id(PIN, proof_salt), 32 bytes: on the site server only (NULL on every
--               device), never in a catalogue. The database is encrypted (SQLCipher).
ALTER TABLE chief_pin ADD COLUMN proof_salt TEXT;
ALTER TABLE chief_pin ADD COLUMN proof_key BLOB;
