-- Accounts of the server: who may use the API, as which role, with which key.
-- The token is never stored, only its SHA-256; a revoked account keeps its row (and
-- its name, which entries already carry) with the time it was revoked.
CREATE TABLE accounts (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    side       TEXT,
    key        TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
