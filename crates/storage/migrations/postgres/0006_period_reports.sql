-- Period reports (báo cáo tình hình kinh tế - xã hội): a draft made from the roll-ups, tasks and
-- recommendations, edited by the office, exported as DOCX/PDF/XLSX. `content` is the document as the
-- domain models it (subject, blocks with the sources of their numbers, signature, recipients).

CREATE TABLE period_reports (
    id         UUID PRIMARY KEY,
    unit_id    UUID NOT NULL REFERENCES units (id),
    period     TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    content    JSONB NOT NULL,
    created_by UUID REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX period_reports_unit ON period_reports (unit_id, period);
