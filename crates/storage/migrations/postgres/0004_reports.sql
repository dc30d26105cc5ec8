-- Indicators, plan targets, report forms, submissions and the roll-up aggregates kept current on
-- write. Figures are scaled integers (value × 10 000): sums are exact, so the aggregates maintained
-- on every write equal a full rebuild to the last digit.

CREATE TABLE indicators (
    id           UUID PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name_vi      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    measure      TEXT NOT NULL DEFAULT '',
    value_type   TEXT NOT NULL,
    rollup       JSONB NOT NULL,
    accumulation TEXT NOT NULL,
    direction    TEXT NOT NULL,
    sector       TEXT NOT NULL,
    decimals     BIGINT NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);

-- Chỉ tiêu kế hoạch: one figure per year, unit and indicator.
CREATE TABLE plan_targets (
    year         BIGINT NOT NULL,
    unit_id      UUID NOT NULL REFERENCES units (id),
    indicator_id UUID NOT NULL REFERENCES indicators (id),
    value        BIGINT NOT NULL,
    note         TEXT,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (year, unit_id, indicator_id)
);
CREATE INDEX plan_targets_unit ON plan_targets (unit_id, year);

CREATE TABLE report_forms (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    definition  JSONB NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE submissions (
    id            UUID PRIMARY KEY,
    form_id       UUID NOT NULL REFERENCES report_forms (id),
    unit_id       UUID NOT NULL REFERENCES units (id),
    period        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    first_sent_at BIGINT,
    sent_at       BIGINT,
    decided_at    BIGINT,
    decided_by    TEXT,
    reason        TEXT,
    narrative     JSONB NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    UNIQUE (form_id, unit_id, period)
);
CREATE INDEX submissions_form_period ON submissions (form_id, period);
CREATE INDEX submissions_unit_period ON submissions (unit_id, period);

CREATE TABLE submission_values (
    submission_id UUID NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    indicator_id  UUID NOT NULL REFERENCES indicators (id),
    value         BIGINT,
    text_value    TEXT,
    PRIMARY KEY (submission_id, indicator_id)
);
CREATE INDEX submission_values_indicator ON submission_values (indicator_id);

-- Totals of the counted figures (submitted or accepted) under each unit, per indicator and period.
CREATE TABLE aggregates (
    indicator_id UUID NOT NULL REFERENCES indicators (id),
    period       TEXT NOT NULL,
    unit_id      UUID NOT NULL REFERENCES units (id),
    sum_value    BIGINT NOT NULL,
    count_value  BIGINT NOT NULL,
    min_value    BIGINT,
    max_value    BIGINT,
    PRIMARY KEY (unit_id, period, indicator_id)
);
CREATE INDEX aggregates_indicator ON aggregates (indicator_id, period);

-- Reminders sent about a report before its deadline (and when it was missed), once each.
CREATE TABLE report_reminders (
    form_id    UUID NOT NULL REFERENCES report_forms (id),
    unit_id    UUID NOT NULL REFERENCES units (id),
    period     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    emailed_at BIGINT,
    PRIMARY KEY (form_id, unit_id, period, kind)
);
CREATE INDEX report_reminders_unit ON report_reminders (unit_id, created_at);
