-- Programmes: Nông thôn mới (criteria sets, commune statuses, recognitions, targets, model areas) and
-- OCOP (producers, products, ratings, support payments). A criteria set is kept as the file it was
-- loaded from and parsed by the domain on read; an assessment points at the set version it was made
-- against, so loading a newer version never changes an old assessment.

CREATE TABLE criteria_sets (
    id        BLOB PRIMARY KEY,
    code      TEXT NOT NULL,
    version   INTEGER NOT NULL,
    name      TEXT NOT NULL,
    from_year INTEGER NOT NULL,
    to_year   INTEGER NOT NULL,
    source    TEXT NOT NULL,
    loaded_by BLOB REFERENCES users (id),
    loaded_at INTEGER NOT NULL,
    UNIQUE (code, version)
) STRICT;

-- A commune's programme record: region (for regional thresholds), recognitions (JSON list of
-- {level, decision, decided_on}) and target year per level (JSON object).
CREATE TABLE ntm_communes (
    commune_id   BLOB PRIMARY KEY REFERENCES units (id),
    region       TEXT,
    recognitions TEXT NOT NULL DEFAULT '[]',
    targets      TEXT NOT NULL DEFAULT '{}',
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE ntm_assessments (
    id         BLOB PRIMARY KEY,
    commune_id BLOB NOT NULL REFERENCES units (id),
    set_id     BLOB NOT NULL REFERENCES criteria_sets (id),
    year       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (commune_id, set_id, year)
) STRICT;

-- One criterion (number) or kiểu mẫu condition (code) of an assessment. Indicator values are JSON
-- {code: value × 1000}.
CREATE TABLE ntm_statuses (
    assessment_id BLOB NOT NULL REFERENCES ntm_assessments (id) ON DELETE CASCADE,
    item          TEXT NOT NULL,
    met           TEXT NOT NULL CHECK (met IN ('no', 'ntm', 'nang_cao')),
    evaluated_on  TEXT,
    assessor      TEXT,
    evidence      TEXT,
    planned_year  INTEGER,
    vals          TEXT NOT NULL DEFAULT '{}',
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, item)
) STRICT;

-- Model residential areas (KDC NTM kiểu mẫu) and model gardens (vườn mẫu): a commune's achieved
-- count and target, or a district's target, per year.
CREATE TABLE model_areas (
    unit_id    BLOB NOT NULL REFERENCES units (id),
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('kdc_kieu_mau', 'vuon_mau')),
    achieved   INTEGER,
    target     INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, kind)
) STRICT;

CREATE TABLE ocop_producers (
    id         BLOB PRIMARY KEY,
    commune_id BLOB NOT NULL REFERENCES units (id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX ocop_producers_commune ON ocop_producers (commune_id);

-- Scores: community strength (≤ 40), marketing (≤ 25), quality (≤ 35); stars from the cut-offs
-- in force when rated; expiry 3 years after certification.
CREATE TABLE ocop_products (
    id               BLOB PRIMARY KEY,
    producer_id      BLOB NOT NULL REFERENCES ocop_producers (id),
    name             TEXT NOT NULL,
    score_community  INTEGER,
    score_marketing  INTEGER,
    score_quality    INTEGER,
    stars            INTEGER,
    certifying_level TEXT,
    certified_on     TEXT,
    expires_on       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX ocop_products_producer ON ocop_products (producer_id);

CREATE TABLE ocop_payments (
    id          BLOB PRIMARY KEY,
    producer_id BLOB NOT NULL REFERENCES ocop_producers (id),
    product_id  BLOB REFERENCES ocop_products (id),
    paid_on     TEXT NOT NULL,
    amount_vnd  INTEGER NOT NULL,
    basis       TEXT,
    created_at  INTEGER NOT NULL
) STRICT;
