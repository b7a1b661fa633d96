-- Kairos schema, version 1.
--
-- Portable on purpose: the same text runs on SQLite and PostgreSQL (TEXT, BIGINT,
-- SMALLINT, BYTEA; no dialect-only statements). Ids are UUIDv7 as TEXT, times are
-- BIGINT unix milliseconds, flags and enums are SMALLINT codes.
--
-- Ordering note: text columns use the engine's default collation; the Rust side re-sorts
-- by byte order where the store contract promises an order, so both engines agree.

CREATE TABLE users (
    id            TEXT   NOT NULL PRIMARY KEY,
    name          TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

-- One row per home, plain collection or calendar. `path` is relative to the owner's home
-- ('' for the home itself; segments joined by '/'), so a subtree is every row of the same
-- owner whose path starts with 'path/'.
CREATE TABLE collections (
    id           TEXT     NOT NULL PRIMARY KEY,
    owner_id     TEXT     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id    TEXT     NULL REFERENCES collections (id) ON DELETE CASCADE,
    path         TEXT     NOT NULL,
    kind         SMALLINT NOT NULL,
    seq          BIGINT   NOT NULL DEFAULT 0,
    min_sync_seq BIGINT   NOT NULL DEFAULT 0,
    created_at   BIGINT   NOT NULL,
    modified_at  BIGINT   NOT NULL,
    displayname  TEXT     NULL,
    description  TEXT     NULL,
    color        TEXT     NULL,
    sort_order   BIGINT   NULL,
    timezone     TEXT     NULL,
    components   SMALLINT NOT NULL DEFAULT 0,
    -- Also the index for lookups by (owner_id, path) and for the subtree scans by owner.
    UNIQUE (owner_id, path)
);

-- child_collections (already in path order), and the ON DELETE CASCADE of parent_id.
CREATE INDEX collections_parent_idx ON collections (parent_id, path);

-- Member resources. `data` is the exact bytes the client sent and is deliberately the LAST
-- column: SQLite stores a row's columns in order, so metadata-only scans (PROPFIND,
-- list_objects) never walk a large value's overflow pages to reach a later column.
-- UNIQUE (collection_id, uid) treats NULLs as distinct on both engines, so plain files
-- without a UID coexist.
CREATE TABLE objects (
    id            TEXT     NOT NULL PRIMARY KEY,
    collection_id TEXT     NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    name          TEXT     NOT NULL,
    etag          TEXT     NOT NULL,
    content_type  TEXT     NOT NULL,
    size          BIGINT   NOT NULL,
    created_at    BIGINT   NOT NULL,
    modified_at   BIGINT   NOT NULL,
    uid           TEXT     NULL,
    component     SMALLINT NULL,
    data          BYTEA    NOT NULL,
    -- Also the index for (collection_id, name) lookups and collection scans.
    UNIQUE (collection_id, name),
    UNIQUE (collection_id, uid)
);

-- The sync change log: one row per member name (latest change wins); tombstones have
-- deleted = 1.
CREATE TABLE changes (
    collection_id TEXT     NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    name          TEXT     NOT NULL,
    seq           BIGINT   NOT NULL,
    deleted       SMALLINT NOT NULL DEFAULT 0,
    -- When the change happened: tombstones older than the retention period are pruned.
    changed_at    BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (collection_id, name)
);

-- changes_since: WHERE collection_id = ? AND seq > ? ORDER BY seq, name, read in index
-- order so a LIMIT stops early without sorting.
CREATE INDEX changes_seq_idx ON changes (collection_id, seq, name);

-- Dead (client-defined) properties, stored as self-contained XML fragments.
CREATE TABLE collection_properties (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    namespace     TEXT NOT NULL,
    name          TEXT NOT NULL,
    xml           TEXT NOT NULL,
    PRIMARY KEY (collection_id, namespace, name)
);

CREATE TABLE object_properties (
    object_id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    namespace TEXT NOT NULL,
    name      TEXT NOT NULL,
    xml       TEXT NOT NULL,
    PRIMARY KEY (object_id, namespace, name)
);
