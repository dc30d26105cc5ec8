-- Meetings, recommendations, conclusion notices, tasks and their follow-up, reminders, calendar feeds.
-- Nested values (people, lists, deadlines) are JSON; a task's status is never stored: it is computed
-- as of a moment from the deadline, the approved extension and the recorded facts.

CREATE TABLE meetings (
    id               UUID PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    date             DATE NOT NULL,
    time             TEXT,
    place            TEXT,
    host_unit_id     UUID NOT NULL REFERENCES units (id),
    chair            JSONB,
    participants     JSONB NOT NULL DEFAULT '[]',
    invited_unit_ids JSONB NOT NULL DEFAULT '[]',
    agenda           JSONB NOT NULL DEFAULT '[]',
    minutes          TEXT,
    period           TEXT,
    created_by       UUID REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meetings_host_date ON meetings (host_unit_id, date);

CREATE TABLE recommendations (
    id                   UUID PRIMARY KEY,
    meeting_id           UUID REFERENCES meetings (id),
    raised_by_unit_id    UUID NOT NULL REFERENCES units (id),
    addressed_to_unit_id UUID REFERENCES units (id),
    content              TEXT NOT NULL,
    raised_on            DATE NOT NULL,
    answer               TEXT,
    answered_on          DATE,
    status               TEXT NOT NULL,
    resolved_on          DATE,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX recommendations_meeting ON recommendations (meeting_id);
CREATE INDEX recommendations_raised_by ON recommendations (raised_by_unit_id);
CREATE INDEX recommendations_addressed ON recommendations (addressed_to_unit_id);

-- The yearly number sequence of each issuing body's notices.
CREATE TABLE notice_counters (
    issuer_unit_id UUID NOT NULL REFERENCES units (id),
    year           BIGINT NOT NULL,
    last           BIGINT NOT NULL,
    PRIMARY KEY (issuer_unit_id, year)
);

CREATE TABLE conclusions (
    id             UUID PRIMARY KEY,
    meeting_id     UUID NOT NULL REFERENCES meetings (id),
    issuer_unit_id UUID NOT NULL REFERENCES units (id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
    number         BIGINT,
    year           BIGINT,
    symbol         TEXT NOT NULL,
    issued_on      DATE,
    place          TEXT,
    title          TEXT NOT NULL,
    signer_name    TEXT,
    signer_title   TEXT,
    authority      TEXT NOT NULL,
    results        TEXT,
    shortcomings   TEXT,
    directions     TEXT,
    recipients     JSONB NOT NULL DEFAULT '[]',
    corrects_id    UUID REFERENCES conclusions (id),
    created_at     BIGINT NOT NULL,
    issued_at      BIGINT,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX conclusions_meeting ON conclusions (meeting_id);
CREATE UNIQUE INDEX conclusions_number ON conclusions (issuer_unit_id, year, number) WHERE number IS NOT NULL;

CREATE TABLE tasks (
    id               UUID PRIMARY KEY,
    parent_id        UUID REFERENCES tasks (id),
    content          TEXT NOT NULL,
    source_kind      TEXT NOT NULL,
    conclusion_id    UUID REFERENCES conclusions (id),
    meeting_id       UUID REFERENCES meetings (id),
    source_ref       TEXT,
    assigner_unit_id UUID NOT NULL REFERENCES units (id),
    assigner_name    TEXT,
    lead_unit_id     UUID NOT NULL REFERENCES units (id),
    monitor_unit_id  UUID REFERENCES units (id),
    deadline         JSONB NOT NULL,
    deadline_kind    TEXT NOT NULL,
    -- The due date of a dated or within-period deadline, for ordering and reminders.
    due_date         DATE,
    assigned_on      DATE NOT NULL,
    percent          BIGINT,
    completed_at     BIGINT,
    completion_note  TEXT,
    paused           BOOLEAN NOT NULL DEFAULT FALSE,
    cancelled        BOOLEAN NOT NULL DEFAULT FALSE,
    -- The office's own task of issuing a meeting's notice (Decision 45/2018), closed at issue.
    notice_for       UUID REFERENCES meetings (id),
    created_by       UUID REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_conclusion ON tasks (conclusion_id);
CREATE INDEX tasks_meeting ON tasks (meeting_id);
CREATE INDEX tasks_assigner ON tasks (assigner_unit_id);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE UNIQUE INDEX tasks_notice_for ON tasks (notice_for) WHERE notice_for IS NOT NULL;

-- Every unit with a part in a task (the lead too), for "the tasks of my unit".
CREATE TABLE task_units (
    task_id UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units (id),
    role    TEXT NOT NULL CHECK (role IN ('lead', 'coordinate', 'monitor')),
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_units_unit ON task_units (unit_id);

CREATE TABLE task_updates (
    id         UUID PRIMARY KEY,
    task_id    UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    user_id    UUID REFERENCES users (id),
    by_name    TEXT NOT NULL,
    unit_id    UUID NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL,
    percent    BIGINT,
    note       TEXT NOT NULL,
    occurrence TEXT
);
CREATE INDEX task_updates_task ON task_updates (task_id, at);

CREATE TABLE task_occurrences (
    task_id      UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    note         TEXT,
    PRIMARY KEY (task_id, period)
);

CREATE TABLE task_extensions (
    id           UUID PRIMARY KEY,
    task_id      UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    new_due      JSONB NOT NULL,
    reason       TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT,
    approved     BOOLEAN
);
CREATE INDEX task_extensions_task ON task_extensions (task_id, requested_at);

-- Reminders (7, 3, 1 days before and on missing a deadline), one per unit, task, occurrence and kind.
CREATE TABLE notifications (
    id          UUID PRIMARY KEY,
    unit_id     UUID NOT NULL REFERENCES units (id),
    task_id     UUID NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    occurrence  TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    due_label   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    emailed_at  BIGINT,
    email_error TEXT,
    UNIQUE (unit_id, task_id, occurrence, kind)
);
CREATE INDEX notifications_unit ON notifications (unit_id, created_at);

-- The secret of each user's calendar feed, stored as its SHA-256.
CREATE TABLE calendar_tokens (
    user_id    UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
