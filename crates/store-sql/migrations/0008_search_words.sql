-- Kairos schema, version 8: the search index keeps each word of an object once, as its
-- UTF-8 bytes, and finds the words starting with a query word by a range scan. Bytes
-- compare bytewise on both engines whatever the database collation, so the range
-- [word, word || 0xFF) holds exactly the words with that prefix. Version 6 stored every
-- prefix of every word instead: about five times the rows, written at random places of
-- the index on every PUT (the index was 95 % of a calendar's database and cut PUT
-- throughput by a factor of five).
DROP TABLE search_terms;

CREATE TABLE search_words (
    collection_id TEXT  NOT NULL,
    word          BYTEA NOT NULL,
    object_id     TEXT  NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, word, object_id)
);

CREATE INDEX search_words_object_idx ON search_words (object_id);

-- Rebuilt by the index maintenance task, as after version 6.
UPDATE object_extents SET horizon = 0;
