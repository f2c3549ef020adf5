-- The journal: entries in order with their leaf hash and the running root, the
-- server's checkpoints, and the co-signatures gathered on them. journal_head is the
-- single row every writer locks (FOR UPDATE) before it appends, so appends from many
-- processes are serialised: no gaps, no forks.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE journal_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        BIGINT NOT NULL CHECK (size >= 0),
    checkpoints BIGINT NOT NULL CHECK (checkpoints >= 0)
);
INSERT INTO journal_head (id, size, checkpoints) VALUES (1, 0, 0);

CREATE TABLE entries (
    idx       BIGINT PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BYTEA NOT NULL CHECK (length(leaf_hash) = 32),
    root      BYTEA NOT NULL CHECK (length(root) = 32),
    bytes     BYTEA NOT NULL
);

CREATE TABLE checkpoints (
    number BIGINT PRIMARY KEY CHECK (number >= 0),
    size   BIGINT NOT NULL CHECK (size >= 0),
    bytes  BYTEA NOT NULL
);

CREATE TABLE cosignatures (
    checkpoint BIGINT NOT NULL REFERENCES checkpoints (number),
    position   INTEGER NOT NULL,
    bytes      BYTEA NOT NULL,
    PRIMARY KEY (checkpoint, position)
);
