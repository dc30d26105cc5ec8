-- The leader's board (issue 26) without classifying every task at each request.
--
-- 1. What a task's status is, when it does not move with time, is kept on write: every task is
--    counted in `task_board_counts` under its lead unit, its conclusion notice (the nil UUID for
--    none) and its bucket — cancelled, on_time, late, paused, standing, recurring, or open (a dated
--    task neither cancelled, completed nor paused, whose status moves with time). The statement
--    triggers below keep the counts in the transaction of every write to tasks, whatever the write:
--    each statement's changes are summed by key and applied in the keys' order (one upsert per
--    key, so concurrent writers lock the counts' rows in the same order and do not deadlock on them).
--    Completion and extension are taken as known (the board reads the counts only when no task was
--    completed, and no extension approved, after the moment it is drawn at).
-- 2. An open task's due moment in force (the approved extension's, if any) and its local day are
--    the generated columns `open_due`, `open_day` (NULL for every task not open), with indexes:
--    overdue tasks are one range of `open_due`, tasks due soon one range of `open_day`.
ALTER TABLE tasks ADD COLUMN open_due BIGINT GENERATED ALWAYS AS (
    CASE WHEN deadline_kind <> 'recurring' AND NOT cancelled AND completed_at IS NULL
              AND NOT paused AND due_at IS NOT NULL
         THEN (CASE WHEN ext_from IS NOT NULL THEN ext_due_at ELSE due_at END) END) STORED;
ALTER TABLE tasks ADD COLUMN open_day BIGINT GENERATED ALWAYS AS (
    CASE WHEN deadline_kind <> 'recurring' AND NOT cancelled AND completed_at IS NULL
              AND NOT paused AND due_at IS NOT NULL
         THEN (CASE WHEN ext_from IS NOT NULL THEN ext_due_day ELSE due_day END) END) STORED;

CREATE INDEX tasks_open_due ON tasks (open_due, created_at, id, lead_unit_id, conclusion_id)
    WHERE open_due IS NOT NULL;
CREATE INDEX tasks_open_day ON tasks (open_day, open_due, lead_unit_id, conclusion_id)
    WHERE open_day IS NOT NULL;
-- Whether any task was completed, or had an extension approved, after a moment.
CREATE INDEX tasks_completed_at ON tasks (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX tasks_ext_from ON tasks (ext_from) WHERE ext_from IS NOT NULL;

CREATE TABLE task_board_counts (
    lead_unit_id   UUID NOT NULL,
    conclusion_key UUID NOT NULL,
    bucket         TEXT NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (lead_unit_id, conclusion_key, bucket)
);

CREATE FUNCTION task_board_bucket(deadline_kind TEXT, cancelled BOOLEAN, completed_at BIGINT,
    paused BOOLEAN, due_at BIGINT, ext_due_at BIGINT, ext_from BIGINT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN deadline_kind = 'recurring' THEN 'recurring'
         WHEN cancelled THEN 'cancelled'
         WHEN due_at IS NULL THEN
             (CASE WHEN completed_at IS NOT NULL THEN 'on_time' WHEN paused THEN 'paused' ELSE 'standing' END)
         WHEN completed_at IS NOT NULL THEN
             (CASE WHEN completed_at <= (CASE WHEN ext_from IS NOT NULL THEN ext_due_at ELSE due_at END)
                   THEN 'on_time' ELSE 'late' END)
         WHEN paused THEN 'paused'
         ELSE 'open' END
$$;

INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
SELECT lead_unit_id, COALESCE(conclusion_id, '00000000-0000-0000-0000-000000000000'::uuid),
    task_board_bucket(deadline_kind, cancelled, completed_at, paused, due_at, ext_due_at, ext_from),
    COUNT(*)
FROM tasks GROUP BY 1, 2, 3;

CREATE FUNCTION task_board_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
    SELECT lead_unit_id, COALESCE(conclusion_id, '00000000-0000-0000-0000-000000000000'::uuid),
        task_board_bucket(deadline_kind, cancelled, completed_at, paused, due_at, ext_due_at, ext_from),
        COUNT(*)
    FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (lead_unit_id, conclusion_key, bucket)
    DO UPDATE SET n = task_board_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE FUNCTION task_board_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
    SELECT lead_unit_id, COALESCE(conclusion_id, '00000000-0000-0000-0000-000000000000'::uuid),
        task_board_bucket(deadline_kind, cancelled, completed_at, paused, due_at, ext_due_at, ext_from),
        -COUNT(*)
    FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (lead_unit_id, conclusion_key, bucket)
    DO UPDATE SET n = task_board_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE FUNCTION task_board_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_board_counts (lead_unit_id, conclusion_key, bucket, n)
    SELECT k.lead_unit_id, k.conclusion_key, k.bucket, SUM(k.d)
    FROM (
        SELECT lead_unit_id, COALESCE(conclusion_id, '00000000-0000-0000-0000-000000000000'::uuid) AS conclusion_key,
            task_board_bucket(deadline_kind, cancelled, completed_at, paused, due_at, ext_due_at, ext_from) AS bucket,
            1 AS d
        FROM new_rows
        UNION ALL
        SELECT lead_unit_id, COALESCE(conclusion_id, '00000000-0000-0000-0000-000000000000'::uuid),
            task_board_bucket(deadline_kind, cancelled, completed_at, paused, due_at, ext_due_at, ext_from),
            -1
        FROM old_rows
    ) k
    GROUP BY 1, 2, 3 HAVING SUM(k.d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (lead_unit_id, conclusion_key, bucket)
    DO UPDATE SET n = task_board_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_board_counts_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_board_counts_inserted();
CREATE TRIGGER tasks_board_counts_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_board_counts_deleted();
CREATE TRIGGER tasks_board_counts_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_board_counts_updated();
