-- A unit's task list ("the open tasks of this commune, oldest first, 25 a page") is read from the
-- unit's parts alone. Each part carries the columns of its task that classify the task at a moment
-- and order the list (migration 0007's due columns, completion, pause, cancellation, the kind of
-- deadline, the assignment and creation), kept equal to the task's by the two triggers below in the
-- transaction of every write. One index over the unit and those columns answers the list, its count
-- and its recurring tasks' ids without reading a task row (each read of a task row was a seek in
-- a table far larger than a connection's page cache).
ALTER TABLE task_units
    ADD COLUMN created_at BIGINT,
    ADD COLUMN deadline_kind TEXT,
    ADD COLUMN assigned_on DATE,
    ADD COLUMN completed_at BIGINT,
    ADD COLUMN paused BOOLEAN,
    ADD COLUMN cancelled BOOLEAN,
    ADD COLUMN due_at BIGINT,
    ADD COLUMN due_day BIGINT,
    ADD COLUMN ext_due_at BIGINT,
    ADD COLUMN ext_due_day BIGINT,
    ADD COLUMN ext_from BIGINT;

UPDATE task_units tu SET
    created_at = t.created_at, deadline_kind = t.deadline_kind, assigned_on = t.assigned_on,
    completed_at = t.completed_at, paused = t.paused, cancelled = t.cancelled, due_at = t.due_at,
    due_day = t.due_day, ext_due_at = t.ext_due_at, ext_due_day = t.ext_due_day,
    ext_from = t.ext_from
FROM tasks t WHERE t.id = tu.task_id;

-- A new part takes its task's columns (the task is written first: the part refers to it).
CREATE FUNCTION task_units_carry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.created_at, t.deadline_kind, t.assigned_on, t.completed_at, t.paused, t.cancelled,
           t.due_at, t.due_day, t.ext_due_at, t.ext_due_day, t.ext_from
    INTO NEW.created_at, NEW.deadline_kind, NEW.assigned_on, NEW.completed_at, NEW.paused,
         NEW.cancelled, NEW.due_at, NEW.due_day, NEW.ext_due_at, NEW.ext_due_day, NEW.ext_from
    FROM tasks t WHERE t.id = NEW.task_id;
    RETURN NEW;
END $$;
CREATE TRIGGER task_units_carry BEFORE INSERT ON task_units
    FOR EACH ROW EXECUTE FUNCTION task_units_carry();

-- A write to any carried column of a task is carried to its parts. Writes that touch none of them
-- (progress, notes, the version) fire nothing.
CREATE FUNCTION tasks_carry_to_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_units SET
        created_at = NEW.created_at, deadline_kind = NEW.deadline_kind,
        assigned_on = NEW.assigned_on, completed_at = NEW.completed_at, paused = NEW.paused,
        cancelled = NEW.cancelled, due_at = NEW.due_at, due_day = NEW.due_day,
        ext_due_at = NEW.ext_due_at, ext_due_day = NEW.ext_due_day, ext_from = NEW.ext_from
    WHERE task_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_carry_to_units
    AFTER UPDATE OF created_at, deadline_kind, assigned_on, completed_at, paused, cancelled,
                    due_at, due_day, ext_due_at, ext_due_day, ext_from ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_carry_to_units();

-- The unit's parts in list order, with everything the list reads (the index the unit's parts were
-- found by is a prefix of this one).
DROP INDEX task_units_unit;
CREATE INDEX task_units_listed ON task_units (unit_id, created_at, task_id)
    INCLUDE (deadline_kind, cancelled, completed_at, paused, due_at, due_day, ext_due_at,
             ext_due_day, ext_from, assigned_on);
