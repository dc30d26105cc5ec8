-- Meetings, recommendations, conclusion notices, tasks and their follow-up, reminders, calendar feeds.
-- Nested values (people, lists, deadlines) are JSON; a task's status is never stored: it is computed
-- as of a moment from the deadline, the approved extension and the recorded facts.

CREATE TABLE meetings (
    id               BLOB PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    date             TEXT NOT NULL,
    time             TEXT,
    place            TEXT,
    host_unit_id     BLOB NOT NULL REFERENCES units (id),
    chair            TEXT,
    participants     TEXT NOT NULL DEFAULT '[]',
    invited_unit_ids TEXT NOT NULL DEFAULT '[]',
    agenda           TEXT NOT NULL DEFAULT '[]',
    minutes          TEXT,
    period           TEXT,
    created_by       BLOB REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX meetings_host_date ON meetings (host_unit_id, date);

CREATE TABLE recommendations (
    id                   BLOB PRIMARY KEY,
    meeting_id           BLOB REFERENCES meetings (id),
    raised_by_unit_id    BLOB NOT NULL REFERENCES units (id),
    addressed_to_unit_id BLOB REFERENCES units (id),
    content              TEXT NOT NULL,
    raised_on            TEXT NOT NULL,
    answer               TEXT,
    answered_on          TEXT,
    status               TEXT NOT NULL,
    resolved_on          TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX recommendations_meeting ON recommendations (meeting_id);
CREATE INDEX recommendations_raised_by ON recommendations (raised_by_unit_id);
CREATE INDEX recommendations_addressed ON recommendations (addressed_to_unit_id);

-- The yearly number sequence of each issuing body's notices.
CREATE TABLE notice_counters (
    issuer_unit_id BLOB NOT NULL REFERENCES units (id),
    year           INTEGER NOT NULL,
    last           INTEGER NOT NULL,
    PRIMARY KEY (issuer_unit_id, year)
) STRICT;

CREATE TABLE conclusions (
    id             BLOB PRIMARY KEY,
    meeting_id     BLOB NOT NULL REFERENCES meetings (id),
    issuer_unit_id BLOB NOT NULL REFERENCES units (id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    number         INTEGER,
    year           INTEGER,
    symbol         TEXT NOT NULL,
    issued_on      TEXT,
    place          TEXT,
    title          TEXT NOT NULL,
    signer_name    TEXT,
    signer_title   TEXT,
    authority      TEXT NOT NULL,
    results        TEXT,
    shortcomings   TEXT,
    directions     TEXT,
    recipients     TEXT NOT NULL DEFAULT '[]',
    corrects_id    BLOB REFERENCES conclusions (id),
    created_at     INTEGER NOT NULL,
    issued_at      INTEGER,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX conclusions_meeting ON conclusions (meeting_id);
CREATE UNIQUE INDEX conclusions_number ON conclusions (issuer_unit_id, year, number) WHERE number IS NOT NULL;

CREATE TABLE tasks (
    id               BLOB PRIMARY KEY,
    parent_id        BLOB REFERENCES tasks (id),
    content          TEXT NOT NULL,
    source_kind      TEXT NOT NULL,
    conclusion_id    BLOB REFERENCES conclusions (id),
    meeting_id       BLOB REFERENCES meetings (id),
    source_ref       TEXT,
    assigner_unit_id BLOB NOT NULL REFERENCES units (id),
    assigner_name    TEXT,
    lead_unit_id     BLOB NOT NULL REFERENCES units (id),
    monitor_unit_id  BLOB REFERENCES units (id),
    deadline         TEXT NOT NULL,
    deadline_kind    TEXT NOT NULL,
    -- The due date of a dated or within-period deadline, for ordering and reminders.
    due_date         TEXT,
    assigned_on      TEXT NOT NULL,
    percent          INTEGER,
    completed_at     INTEGER,
    completion_note  TEXT,
    paused           INTEGER NOT NULL DEFAULT 0,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    -- The office's own task of issuing a meeting's notice (Decision 45/2018), closed at issue.
    notice_for       BLOB REFERENCES meetings (id),
    created_by       BLOB REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX tasks_conclusion ON tasks (conclusion_id);
CREATE INDEX tasks_meeting ON tasks (meeting_id);
CREATE INDEX tasks_assigner ON tasks (assigner_unit_id);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE UNIQUE INDEX tasks_notice_for ON tasks (notice_for) WHERE notice_for IS NOT NULL;

-- Every unit with a part in a task (the lead too), for "the tasks of my unit".
CREATE TABLE task_units (
    task_id BLOB NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id BLOB NOT NULL REFERENCES units (id),
    role    TEXT NOT NULL CHECK (role IN ('lead', 'coordinate', 'monitor')),
    PRIMARY KEY (task_id, unit_id)
) STRICT;
CREATE INDEX task_units_unit ON task_units (unit_id);

CREATE TABLE task_updates (
    id         BLOB PRIMARY KEY,
    task_id    BLOB NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    user_id    BLOB REFERENCES users (id),
    by_name    TEXT NOT NULL,
    unit_id    BLOB NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL,
    percent    INTEGER,
    note       TEXT NOT NULL,
    occurrence TEXT
) STRICT;
CREATE INDEX task_updates_task ON task_updates (task_id, at);

CREATE TABLE task_occurrences (
    task_id      BLOB NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    completed_at INTEGER NOT NULL,
    note         TEXT,
    PRIMARY KEY (task_id, period)
) STRICT;

CREATE TABLE task_extensions (
    id           BLOB PRIMARY KEY,
    task_id      BLOB NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    new_due      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    decided_at   INTEGER,
    decided_by   TEXT,
    approved     INTEGER
) STRICT;
CREATE INDEX task_extensions_task ON task_extensions (task_id, requested_at);

-- Reminders (7, 3, 1 days before and on missing a deadline), one per unit, task, occurrence and kind.
CREATE TABLE notifications (
    id          BLOB PRIMARY KEY,
    unit_id     BLOB NOT NULL REFERENCES units (id),
    task_id     BLOB NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    occurrence  TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    due_label   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    emailed_at  INTEGER,
    email_error TEXT,
    UNIQUE (unit_id, task_id, occurrence, kind)
) STRICT;
CREATE INDEX notifications_unit ON notifications (unit_id, created_at);

-- The secret of each user's calendar feed, stored as its SHA-256.
CREATE TABLE calendar_tokens (
    user_id    BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;
