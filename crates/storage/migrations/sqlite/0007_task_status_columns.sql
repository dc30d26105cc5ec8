-- What the database needs to classify a dated task at any moment without reading its deadline
-- document: the due moment as written (microseconds since the epoch) and its local day (days since
-- 1970-01-01, for "due soon"), and the last approved extension with the moment it was approved
-- (it is in force from then). NULL for standing and recurring tasks (those are classified by the
-- application, occurrence by occurrence). `due_filled` is 0 on rows written before these columns:
-- the store fills them when it opens.
ALTER TABLE tasks ADD COLUMN due_at INTEGER;
ALTER TABLE tasks ADD COLUMN due_day INTEGER;
ALTER TABLE tasks ADD COLUMN ext_due_at INTEGER;
ALTER TABLE tasks ADD COLUMN ext_due_day INTEGER;
ALTER TABLE tasks ADD COLUMN ext_from INTEGER;
ALTER TABLE tasks ADD COLUMN due_filled INTEGER NOT NULL DEFAULT 0;

-- Lists are read oldest first, a page at a time; recurring tasks are read whole, by id.
CREATE INDEX tasks_created ON tasks (created_at, id);
CREATE INDEX tasks_recurring ON tasks (created_at, id) WHERE deadline_kind = 'recurring';
CREATE INDEX tasks_due_unfilled ON tasks (id) WHERE due_filled = FALSE;
