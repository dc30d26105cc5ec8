-- Foundation: administrative levels, units and their written forms, users, sessions, audit trail.
-- Timestamps are microseconds since the Unix epoch (UTC); dates are ISO text; ids are UUID v7 blobs.

CREATE TABLE admin_levels (
    code        TEXT PRIMARY KEY,
    rank        INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 9),
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    active_from TEXT,
    active_to   TEXT
) STRICT;

CREATE TABLE units (
    id          BLOB PRIMARY KEY,
    key         TEXT UNIQUE,
    kind        TEXT NOT NULL,
    level_code  TEXT NOT NULL REFERENCES admin_levels (code),
    name        TEXT NOT NULL,
    short_name  TEXT,
    -- Folded forms of the name: match_key compares written variants, search_key has no diacritics.
    match_key   TEXT NOT NULL,
    search_key  TEXT NOT NULL,
    admin_code  TEXT,
    parent_id   BLOB REFERENCES units (id),
    active_from TEXT,
    active_to   TEXT,
    merged_into BLOB REFERENCES units (id),
    note        TEXT,
    contact     TEXT NOT NULL DEFAULT '{}',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_search ON units (search_key);
CREATE UNIQUE INDEX units_admin_code ON units (admin_code) WHERE admin_code IS NOT NULL;

-- Aliases and abbreviations, one row each, with their folded keys for matching names found in text.
CREATE TABLE unit_names (
    unit_id    BLOB NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    form_kind  TEXT NOT NULL CHECK (form_kind IN ('alias', 'abbreviation')),
    form       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    match_key  TEXT NOT NULL,
    search_key TEXT NOT NULL,
    PRIMARY KEY (unit_id, form_kind, position)
) STRICT;
CREATE INDEX unit_names_match ON unit_names (match_key);
CREATE INDEX unit_names_search ON unit_names (search_key);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    title                TEXT,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'office', 'member')),
    unit_id              BLOB NOT NULL REFERENCES units (id),
    password_hash        TEXT NOT NULL,
    active               INTEGER NOT NULL DEFAULT 1,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX users_unit ON users (unit_id);

-- Server-side sessions, shared by every server that uses the same database.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    record     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE audit_log (
    id         BLOB PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   BLOB,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    unit_id    BLOB,
    before     TEXT,
    after      TEXT
) STRICT;
CREATE INDEX audit_entity ON audit_log (entity, entity_id, at);
CREATE INDEX audit_unit ON audit_log (unit_id, at);
CREATE INDEX audit_at ON audit_log (at);
