-- Indicators, plan targets, report forms, submissions and the roll-up aggregates kept current on
-- write. Figures are scaled integers (value × 10 000): sums are exact, so the aggregates maintained
-- on every write equal a full rebuild to the last digit.

CREATE TABLE indicators (
    id           BLOB PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name_vi      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    measure      TEXT NOT NULL DEFAULT '',
    value_type   TEXT NOT NULL,
    rollup       TEXT NOT NULL,
    accumulation TEXT NOT NULL,
    direction    TEXT NOT NULL,
    sector       TEXT NOT NULL,
    decimals     INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Chỉ tiêu kế hoạch: one figure per year, unit and indicator.
CREATE TABLE plan_targets (
    year         INTEGER NOT NULL,
    unit_id      BLOB NOT NULL REFERENCES units (id),
    indicator_id BLOB NOT NULL REFERENCES indicators (id),
    value        INTEGER NOT NULL,
    note         TEXT,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (year, unit_id, indicator_id)
) STRICT;
CREATE INDEX plan_targets_unit ON plan_targets (unit_id, year);

CREATE TABLE report_forms (
    id          BLOB PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    definition  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE submissions (
    id            BLOB PRIMARY KEY,
    form_id       BLOB NOT NULL REFERENCES report_forms (id),
    unit_id       BLOB NOT NULL REFERENCES units (id),
    period        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    first_sent_at INTEGER,
    sent_at       INTEGER,
    decided_at    INTEGER,
    decided_by    TEXT,
    reason        TEXT,
    narrative     TEXT NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (form_id, unit_id, period)
) STRICT;
CREATE INDEX submissions_form_period ON submissions (form_id, period);
CREATE INDEX submissions_unit_period ON submissions (unit_id, period);

CREATE TABLE submission_values (
    submission_id BLOB NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    indicator_id  BLOB NOT NULL REFERENCES indicators (id),
    value         INTEGER,
    text_value    TEXT,
    PRIMARY KEY (submission_id, indicator_id)
) STRICT;
CREATE INDEX submission_values_indicator ON submission_values (indicator_id);

-- Totals of the counted figures (submitted or accepted) under each unit, per indicator and period.
CREATE TABLE aggregates (
    indicator_id BLOB NOT NULL REFERENCES indicators (id),
    period       TEXT NOT NULL,
    unit_id      BLOB NOT NULL REFERENCES units (id),
    sum_value    INTEGER NOT NULL,
    count_value  INTEGER NOT NULL,
    min_value    INTEGER,
    max_value    INTEGER,
    PRIMARY KEY (unit_id, period, indicator_id)
) STRICT;
CREATE INDEX aggregates_indicator ON aggregates (indicator_id, period);

-- Reminders sent about a report before its deadline (and when it was missed), once each.
CREATE TABLE report_reminders (
    form_id    BLOB NOT NULL REFERENCES report_forms (id),
    unit_id    BLOB NOT NULL REFERENCES units (id),
    period     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    emailed_at INTEGER,
    PRIMARY KEY (form_id, unit_id, period, kind)
) STRICT;
CREATE INDEX report_reminders_unit ON report_reminders (unit_id, created_at);
