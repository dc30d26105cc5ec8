-- Programmes: Nông thôn mới (criteria sets, commune statuses, recognitions, targets, model areas) and
-- OCOP (producers, products, ratings, support payments). A criteria set is kept as the file it was
-- loaded from and parsed by the domain on read; an assessment points at the set version it was made
-- against, so loading a newer version never changes an old assessment.

CREATE TABLE criteria_sets (
    id        UUID PRIMARY KEY,
    code      TEXT NOT NULL,
    version   BIGINT NOT NULL,
    name      TEXT NOT NULL,
    from_year BIGINT NOT NULL,
    to_year   BIGINT NOT NULL,
    source    TEXT NOT NULL,
    loaded_by UUID REFERENCES users (id),
    loaded_at BIGINT NOT NULL,
    UNIQUE (code, version)
);

-- A commune's programme record: region (for regional thresholds), recognitions (JSON list of
-- {level, decision, decided_on}) and target year per level (JSON object).
CREATE TABLE ntm_communes (
    commune_id   UUID PRIMARY KEY REFERENCES units (id),
    region       TEXT,
    recognitions JSONB NOT NULL DEFAULT '[]',
    targets      JSONB NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE ntm_assessments (
    id         UUID PRIMARY KEY,
    commune_id UUID NOT NULL REFERENCES units (id),
    set_id     UUID NOT NULL REFERENCES criteria_sets (id),
    year       BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    UNIQUE (commune_id, set_id, year)
);

-- One criterion (number) or kiểu mẫu condition (code) of an assessment. Indicator values are JSON
-- {code: value × 1000}.
CREATE TABLE ntm_statuses (
    assessment_id UUID NOT NULL REFERENCES ntm_assessments (id) ON DELETE CASCADE,
    item          TEXT NOT NULL,
    met           TEXT NOT NULL CHECK (met IN ('no', 'ntm', 'nang_cao')),
    evaluated_on  DATE,
    assessor      TEXT,
    evidence      TEXT,
    planned_year  BIGINT,
    vals          JSONB NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (assessment_id, item)
);

-- Model residential areas (KDC NTM kiểu mẫu) and model gardens (vườn mẫu): a commune's achieved
-- count and target, or a district's target, per year.
CREATE TABLE model_areas (
    unit_id    UUID NOT NULL REFERENCES units (id),
    year       BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('kdc_kieu_mau', 'vuon_mau')),
    achieved   BIGINT,
    target     BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year, kind)
);

CREATE TABLE ocop_producers (
    id         UUID PRIMARY KEY,
    commune_id UUID NOT NULL REFERENCES units (id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ocop_producers_commune ON ocop_producers (commune_id);

-- Scores: community strength (≤ 40), marketing (≤ 25), quality (≤ 35); stars from the cut-offs
-- in force when rated; expiry 3 years after certification.
CREATE TABLE ocop_products (
    id               UUID PRIMARY KEY,
    producer_id      UUID NOT NULL REFERENCES ocop_producers (id),
    name             TEXT NOT NULL,
    score_community  BIGINT,
    score_marketing  BIGINT,
    score_quality    BIGINT,
    stars            BIGINT,
    certifying_level TEXT,
    certified_on     DATE,
    expires_on       DATE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ocop_products_producer ON ocop_products (producer_id);

CREATE TABLE ocop_payments (
    id          UUID PRIMARY KEY,
    producer_id UUID NOT NULL REFERENCES ocop_producers (id),
    product_id  UUID REFERENCES ocop_products (id),
    paid_on     DATE NOT NULL,
    amount_vnd  BIGINT NOT NULL,
    basis       TEXT,
    created_at BIGINT NOT NULL
);
