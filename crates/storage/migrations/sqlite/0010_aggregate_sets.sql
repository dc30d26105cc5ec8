-- The roll-up aggregates of a unit for a period, every indicator in one row (issue 9): a
-- province's quarter reads 66 rows instead of 13 200, a report sent rewrites its three (unit,
-- period) rows instead of upserting 600, and a full rebuild writes 4 000 rows instead of 800 000.
-- `totals` is the list of (indicator, sum, count, min, max), sorted by indicator, of the
-- indicators that have counted figures, in scaled integers, encoded with postcard
-- (crates/storage/src/reports/sets.rs). The totals are not copied over from `aggregates`: opening
-- a database that has counted figures and no sets rebuilds the sets from the figures
-- (Store::open), which is what a rebuild is for.
DROP TABLE aggregates;

-- A submission's figures in one value as well: (indicator, value) sorted by indicator, postcard —
-- exactly its `submission_values` rows that hold a figure, written in the same statement batch.
-- A rebuild and a report taken back read the figures of a period from the submissions (100 rows
-- for a province's month) instead of row by row from `submission_values` (20 000). NULL for a
-- submission written before this migration: filled when the store opens.
ALTER TABLE submissions ADD COLUMN figures BLOB;
CREATE INDEX submissions_figures_unfilled ON submissions (id) WHERE figures IS NULL;
CREATE INDEX submissions_period ON submissions (period, status);

CREATE TABLE aggregate_sets (
    unit_id BLOB NOT NULL REFERENCES units (id),
    period  TEXT NOT NULL,
    totals  BLOB NOT NULL,
    PRIMARY KEY (unit_id, period)
) STRICT;

-- Every kept roll-up read is of the old table.
UPDATE revisions SET value = value + 1 WHERE name = 'rollups';
INSERT INTO rollup_changes (revision, kind) SELECT value, 'all' FROM revisions WHERE name = 'rollups';
