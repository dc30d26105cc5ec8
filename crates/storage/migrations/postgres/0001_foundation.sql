-- Foundation: administrative levels, units and their written forms, users, sessions, audit trail.
-- Timestamps are microseconds since the Unix epoch (UTC), as on SQLite, so both engines compare and
-- page the same way; dates are DATE; ids are UUID v7.

CREATE TABLE admin_levels (
    code        TEXT PRIMARY KEY,
    rank        BIGINT NOT NULL CHECK (rank BETWEEN 1 AND 9),
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    active_from DATE,
    active_to   DATE
);

CREATE TABLE units (
    id          UUID PRIMARY KEY,
    key         TEXT UNIQUE,
    kind        TEXT NOT NULL,
    level_code  TEXT NOT NULL REFERENCES admin_levels (code),
    name        TEXT NOT NULL,
    short_name  TEXT,
    match_key   TEXT NOT NULL,
    search_key  TEXT NOT NULL,
    admin_code  TEXT,
    parent_id   UUID REFERENCES units (id),
    active_from DATE,
    active_to   DATE,
    merged_into UUID REFERENCES units (id),
    note        TEXT,
    contact     JSONB NOT NULL DEFAULT '{}',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_search ON units (search_key);
CREATE UNIQUE INDEX units_admin_code ON units (admin_code) WHERE admin_code IS NOT NULL;

CREATE TABLE unit_names (
    unit_id    UUID NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    form_kind  TEXT NOT NULL CHECK (form_kind IN ('alias', 'abbreviation')),
    form       TEXT NOT NULL,
    position   BIGINT NOT NULL,
    match_key  TEXT NOT NULL,
    search_key TEXT NOT NULL,
    PRIMARY KEY (unit_id, form_kind, position)
);
CREATE INDEX unit_names_match ON unit_names (match_key);
CREATE INDEX unit_names_search ON unit_names (search_key);

CREATE TABLE users (
    id                   UUID PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    title                TEXT,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'office', 'member')),
    unit_id              UUID NOT NULL REFERENCES units (id),
    password_hash        TEXT NOT NULL,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    record     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE audit_log (
    id         UUID PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor_id   UUID,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    unit_id    UUID,
    before     JSONB,
    after      JSONB
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_unit ON audit_log (unit_id, at);
CREATE INDEX audit_at ON audit_log (at);
