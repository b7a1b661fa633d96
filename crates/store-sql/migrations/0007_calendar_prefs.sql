-- Kairos schema, version 7: each person's own settings for a calendar. A sharee names,
-- colors and orders a shared calendar for themselves without touching the owner's; anyone
-- can hide a calendar from their own views. Unset columns fall back to the calendar's.

CREATE TABLE calendar_prefs (
    user_id       TEXT     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT     NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    displayname   TEXT     NULL,
    color         TEXT     NULL,
    sort_order    BIGINT   NULL,
    hidden        SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, collection_id)
);
