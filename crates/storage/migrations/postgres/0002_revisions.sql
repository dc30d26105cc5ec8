-- A counter per cached collection, bumped in the same transaction as every write to it, so any server
-- can tell with one primary-key read whether its cached copy is still current.
CREATE TABLE revisions (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO revisions (name, value) VALUES ('units', 0);
