-- The revision of what roll-ups are read from (the aggregates and the plan targets), bumped in the
-- same transaction as every write to them: a server keeps the roll-ups it read with the revision
-- they were read at and serves them again only while it is unchanged.
INSERT INTO revisions (name, value) VALUES ('rollups', 0);

-- What each bump changed: the aggregates of a unit for a period, the targets of a unit for a year,
-- or everything (a rebuild). A kept read is brought up to date by reading again only what changed
-- since its revision, in the same snapshot as the revision. The last 1 024 revisions are kept.
CREATE TABLE rollup_changes (
    revision BIGINT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('aggregates', 'targets', 'all')),
    unit_id  UUID,
    scope    TEXT
);
CREATE INDEX rollup_changes_revision ON rollup_changes (revision);
