-- The journal: entries in order with their leaf hash and the running root, the
-- server's checkpoints, and the co-signatures gathered on them.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE entries (
    idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
    root      BLOB NOT NULL CHECK (length(root) = 32),
    bytes     BLOB NOT NULL
) STRICT;

CREATE TABLE checkpoints (
    number INTEGER PRIMARY KEY CHECK (number >= 0),
    size   INTEGER NOT NULL CHECK (size >= 0),
    bytes  BLOB NOT NULL
) STRICT;

CREATE TABLE cosignatures (
    checkpoint INTEGER NOT NULL REFERENCES checkpoints (number),
    position   INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    PRIMARY KEY (checkpoint, position)
) STRICT;
