-- Kairos schema, version 6: text search over title, description and location. Every word
-- is stored under each of its prefixes (2 to 12 characters, lower-cased), so a query word
-- is one equality lookup on either engine whatever its collation, and a search costs what
-- it finds, not the size of the calendar.
CREATE TABLE search_terms (
    collection_id TEXT NOT NULL,
    term          TEXT NOT NULL,
    object_id     TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, term, object_id)
);

CREATE INDEX search_terms_object_idx ON search_terms (object_id);

-- Objects stored before this version are indexed by the index maintenance task: marking
-- their time index as due makes it re-read them (time index and search terms together).
UPDATE object_extents SET horizon = 0;
