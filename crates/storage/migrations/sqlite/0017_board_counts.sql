-- The leader's board (issue 26) without classifying every task at each request.
--
-- 1. What a task's status is, when it does not move with time, is kept on write: every task is
--    counted in `task_board_counts` under its lead unit, its conclusion notice (the nil UUID for
--    none) and its bucket — cancelled, on_time, late, paused, standing, recurring, or open (a dated
--    task neither cancelled, completed nor paused, whose status moves with time). The triggers
--    below keep the counts in the transaction of every write to a task, whatever the write.
--    Completion and extension are taken as known (the board reads the counts only when no task was
--    completed, and no extension approved, after the moment it is drawn at).
-- 2. An open task's due moment in force (the approved extension's, if any) and its local day are
--    the generated columns `open_due`, `open_day` (NULL for every task not open), with indexes:
--    overdue tasks are one range of `open_due`, tasks due soon one range of `open_day`.
ALTER TABLE tasks ADD COLUMN open_due INTEGER GENERATED ALWAYS AS (
    CASE WHEN deadline_kind <> 'recurring' AND NOT cancelled AND completed_at IS NULL
              AND NOT paused AND due_at IS NOT NULL
         THEN (CASE WHEN ext_from IS NOT NULL THEN ext_due_at ELSE due_at END) END) VIRTUAL;
ALTER TABLE tasks ADD COLUMN open_day INTEGER GENERATED ALWAYS AS (
    CASE WHEN deadline_kind <> 'recurring' AND NOT cancelled AND completed_at IS NULL
              AND NOT paused AND due_at IS NOT NULL
         THEN (CASE WHEN ext_from IS NOT NULL THEN ext_due_day ELSE due_day END) END) VIRTUAL;

CREATE INDEX tasks_open_due ON tasks (open_due, created_at, id, lead_unit_id, conclusion_id)
    WHERE open_due IS NOT NULL;
CREATE INDEX tasks_open_day ON tasks (open_day, open_due, lead_unit_id, conclusion_id)
    WHERE open_day IS NOT NULL;
-- Whether any task was completed, or had an extension approved, after a moment.
CREATE INDEX tasks_completed_at ON tasks (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX tasks_ext_from ON tasks (ext_from) WHERE ext_from IS NOT NULL;

CREATE TABLE task_board_counts (
    lead_unit_id   BLOB NOT NULL,
    conclusion_key BLOB NOT NULL,
    bucket         TEXT NOT NULL,
    n              INTEGER NOT NULL,
    PRIMARY KEY (lead_unit_id, conclusion_key, bucket)
) WITHOUT ROWID;

INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
SELECT lead_unit_id, COALESCE(conclusion_id, X'00000000000000000000000000000000'),
    CASE WHEN deadline_kind = 'recurring' THEN 'recurring'
         WHEN cancelled THEN 'cancelled'
         WHEN due_at IS NULL THEN
             (CASE WHEN completed_at IS NOT NULL THEN 'on_time' WHEN paused THEN 'paused' ELSE 'standing' END)
         WHEN completed_at IS NOT NULL THEN
             (CASE WHEN completed_at <= (CASE WHEN ext_from IS NOT NULL THEN ext_due_at ELSE due_at END)
                   THEN 'on_time' ELSE 'late' END)
         WHEN paused THEN 'paused'
         ELSE 'open' END AS bucket,
    COUNT(*)
FROM tasks GROUP BY 1, 2, 3;

CREATE TRIGGER tasks_board_counts_insert AFTER INSERT ON tasks
BEGIN
    INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
    VALUES (NEW.lead_unit_id, COALESCE(NEW.conclusion_id, X'00000000000000000000000000000000'),
        CASE WHEN NEW.deadline_kind = 'recurring' THEN 'recurring'
             WHEN NEW.cancelled THEN 'cancelled'
             WHEN NEW.due_at IS NULL THEN
                 (CASE WHEN NEW.completed_at IS NOT NULL THEN 'on_time' WHEN NEW.paused THEN 'paused' ELSE 'standing' END)
             WHEN NEW.completed_at IS NOT NULL THEN
                 (CASE WHEN NEW.completed_at <= (CASE WHEN NEW.ext_from IS NOT NULL THEN NEW.ext_due_at ELSE NEW.due_at END)
                       THEN 'on_time' ELSE 'late' END)
             WHEN NEW.paused THEN 'paused'
             ELSE 'open' END,
        1)
    ON CONFLICT (lead_unit_id, conclusion_key, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tasks_board_counts_delete AFTER DELETE ON tasks
BEGIN
    UPDATE task_board_counts SET n = n - 1
    WHERE lead_unit_id = OLD.lead_unit_id
      AND conclusion_key = COALESCE(OLD.conclusion_id, X'00000000000000000000000000000000')
      AND bucket = CASE WHEN OLD.deadline_kind = 'recurring' THEN 'recurring'
             WHEN OLD.cancelled THEN 'cancelled'
             WHEN OLD.due_at IS NULL THEN
                 (CASE WHEN OLD.completed_at IS NOT NULL THEN 'on_time' WHEN OLD.paused THEN 'paused' ELSE 'standing' END)
             WHEN OLD.completed_at IS NOT NULL THEN
                 (CASE WHEN OLD.completed_at <= (CASE WHEN OLD.ext_from IS NOT NULL THEN OLD.ext_due_at ELSE OLD.due_at END)
                       THEN 'on_time' ELSE 'late' END)
             WHEN OLD.paused THEN 'paused'
             ELSE 'open' END;
END;

-- Writes that touch none of these columns (progress, notes, the version) fire nothing; a write
-- that leaves the task's key as it was changes no count.
CREATE TRIGGER tasks_board_counts_update
AFTER UPDATE OF lead_unit_id, conclusion_id, deadline_kind, cancelled, completed_at, paused,
                due_at, ext_due_at, ext_from ON tasks
BEGIN
    UPDATE task_board_counts SET n = n - 1
    WHERE lead_unit_id = OLD.lead_unit_id
      AND conclusion_key = COALESCE(OLD.conclusion_id, X'00000000000000000000000000000000')
      AND bucket = CASE WHEN OLD.deadline_kind = 'recurring' THEN 'recurring'
             WHEN OLD.cancelled THEN 'cancelled'
             WHEN OLD.due_at IS NULL THEN
                 (CASE WHEN OLD.completed_at IS NOT NULL THEN 'on_time' WHEN OLD.paused THEN 'paused' ELSE 'standing' END)
             WHEN OLD.completed_at IS NOT NULL THEN
                 (CASE WHEN OLD.completed_at <= (CASE WHEN OLD.ext_from IS NOT NULL THEN OLD.ext_due_at ELSE OLD.due_at END)
                       THEN 'on_time' ELSE 'late' END)
             WHEN OLD.paused THEN 'paused'
             ELSE 'open' END;
    INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
    VALUES (NEW.lead_unit_id, COALESCE(NEW.conclusion_id, X'00000000000000000000000000000000'),
        CASE WHEN NEW.deadline_kind = 'recurring' THEN 'recurring'
             WHEN NEW.cancelled THEN 'cancelled'
             WHEN NEW.due_at IS NULL THEN
                 (CASE WHEN NEW.completed_at IS NOT NULL THEN 'on_time' WHEN NEW.paused THEN 'paused' ELSE 'standing' END)
             WHEN NEW.completed_at IS NOT NULL THEN
                 (CASE WHEN NEW.completed_at <= (CASE WHEN NEW.ext_from IS NOT NULL THEN NEW.ext_due_at ELSE NEW.due_at END)
                       THEN 'on_time' ELSE 'late' END)
             WHEN NEW.paused THEN 'paused'
             ELSE 'open' END,
        1)
    ON CONFLICT (lead_unit_id, conclusion_key, bucket) DO UPDATE SET n = n + 1;
END;
