-- Kairos schema, version 3: the background job queue.
--
-- state: 0 queued, 1 running, 2 done, 3 dead. A running job's lease ends at
-- locked_until; a claim takes due queued jobs and running jobs whose lease ran out (their
-- worker died), so nothing is lost when a node is killed. locked_by holds the claim's
-- lease token: only the current claim can finish the job.
CREATE TABLE jobs (
    id           TEXT     NOT NULL PRIMARY KEY,
    kind         TEXT     NOT NULL,
    payload      TEXT     NOT NULL,
    state        SMALLINT NOT NULL DEFAULT 0,
    attempts     BIGINT   NOT NULL DEFAULT 0,
    max_attempts BIGINT   NOT NULL,
    run_at       BIGINT   NOT NULL,
    locked_by    TEXT     NULL,
    locked_until BIGINT   NULL,
    last_error   TEXT     NULL,
    dedupe_key   TEXT     NULL UNIQUE,
    created_at   BIGINT   NOT NULL,
    updated_at   BIGINT   NOT NULL
);

-- Claims scan due jobs in run_at order; the partial-free form keeps the SQL portable.
CREATE INDEX jobs_due ON jobs (state, run_at);
