-- Kairos schema, version 4: API tokens and app passwords, web sign-in sessions, calendar
-- shares with their history, and public read-only links. Secrets are stored only as
-- hashes (hex BLAKE3 of the random secret: the secrets are 256-bit random values, so a
-- fast hash is safe; argon2 is for passwords people choose).

CREATE TABLE credentials (
    id            TEXT     NOT NULL PRIMARY KEY,
    user_id       TEXT     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 1 API token (Bearer), 2 app password (HTTP Basic for DAV clients).
    kind          SMALLINT NOT NULL,
    name          TEXT     NOT NULL,
    secret_hash   TEXT     NOT NULL UNIQUE,
    -- 1 read-only, 2 read-write.
    scope         SMALLINT NOT NULL,
    -- When set, the credential reaches this one calendar only.
    collection_id TEXT     NULL REFERENCES collections (id) ON DELETE CASCADE,
    created_at    BIGINT   NOT NULL,
    expires_at    BIGINT   NULL,
    last_used_at  BIGINT   NULL
);

CREATE INDEX credentials_user_idx ON credentials (user_id, created_at);

CREATE TABLE sessions (
    secret_hash  TEXT   NOT NULL PRIMARY KEY,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- Who besides the owner may use a calendar. access: 1 free/busy only, 2 read, 3 read-write.
CREATE TABLE shares (
    collection_id TEXT     NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    sharee_id     TEXT     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access        SMALLINT NOT NULL,
    created_at    BIGINT   NOT NULL,
    modified_at   BIGINT   NOT NULL,
    PRIMARY KEY (collection_id, sharee_id)
);

CREATE INDEX shares_sharee_idx ON shares (sharee_id);

-- Every sharing change: who did what, when. No foreign keys on the people, so the history
-- outlives a removed account (names are kept as they were).
CREATE TABLE share_log (
    id            TEXT     NOT NULL PRIMARY KEY,
    collection_id TEXT     NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    actor_name    TEXT     NOT NULL,
    -- 1 shared or changed, 2 unshared, 3 public link created, 4 public link revoked.
    action        SMALLINT NOT NULL,
    sharee_name   TEXT     NULL,
    access        SMALLINT NULL,
    at            BIGINT   NOT NULL
);

CREATE INDEX share_log_collection_idx ON share_log (collection_id, at);

-- Secret read-only ICS links; one per calendar (making a new one replaces the old).
CREATE TABLE public_links (
    secret_hash   TEXT   NOT NULL PRIMARY KEY,
    collection_id TEXT   NOT NULL UNIQUE REFERENCES collections (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL
);
