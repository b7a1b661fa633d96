-- The time index: where each calendar object's instances lie, for time-range queries.
--
-- object_extents: one row per calendar object. first_start/last_end bound every instance
-- (NULL = unbounded on that side: an open-ended rule has last_end NULL). Instances are
-- materialised in object_instances up to indexed_until (NULL = all of them); a query
-- reaching past it treats the object as a candidate and evaluates it exactly. horizon is
-- the instant the materialisation aimed for: the maintenance task re-indexes objects whose
-- horizon comes near.
CREATE TABLE object_extents (
    object_id     TEXT   NOT NULL PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,
    collection_id TEXT   NOT NULL,
    first_start   BIGINT NULL,
    last_end      BIGINT NULL,
    indexed_until BIGINT NULL,
    horizon       BIGINT NOT NULL
);

-- The fallback branch of a query: objects materialised only up to a point before its end.
CREATE INDEX object_extents_until_idx ON object_extents (collection_id, indexed_until);
-- The maintenance scan for objects whose horizon is near.
CREATE INDEX object_extents_horizon_idx ON object_extents (horizon);

-- Materialised instances: the closed envelope [lo, hi] (unix ms) outside which the
-- instance cannot overlap a range. exact = 1 when [lo, hi] is the instance's own
-- VEVENT-style interval, so SQL alone decides overlap. span_class buckets by length
-- (0: up to 2 days, 1: up to 35 days, 2: longer or unbounded) so a query scans lo only
-- from range start minus the class's longest span: its cost grows with the answer.
CREATE TABLE object_instances (
    object_id     TEXT     NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    collection_id TEXT     NOT NULL,
    span_class    SMALLINT NOT NULL,
    lo            BIGINT   NOT NULL,
    hi            BIGINT   NOT NULL,
    exact         SMALLINT NOT NULL
);

CREATE INDEX object_instances_range_idx ON object_instances (collection_id, span_class, lo);
CREATE INDEX object_instances_object_idx ON object_instances (object_id);

-- Objects stored before the index existed: candidates for every query until the
-- maintenance task indexes them (horizon 0 is always due).
INSERT INTO object_extents (object_id, collection_id, first_start, last_end, indexed_until, horizon)
SELECT id, collection_id, NULL, NULL, -9000000000000000000, 0 FROM objects WHERE component IS NOT NULL;
