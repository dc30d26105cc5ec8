-- Messages out (issue 21): office messages in the app, an outbox of deliveries by e-mail and
-- Telegram, and each unit's own Telegram bot.

-- A unit's own Telegram bot token (offices run their own bots). A secret: kept apart from the
-- contact details (which the API, the pages and the audit show), never read back out by them.
CREATE TABLE unit_bot_tokens (
    unit_id    BLOB PRIMARY KEY REFERENCES units (id),
    token      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- A message to a unit about an office event (an extension asked for or decided, a report sent,
-- accepted or returned, a recommendation raised or answered). event_key names the event, so the
-- same event never makes a second message for the same unit.
CREATE TABLE messages (
    id         BLOB PRIMARY KEY,
    unit_id    BLOB NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL,
    event_key  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    UNIQUE (unit_id, event_key)
) STRICT;
CREATE INDEX messages_unit ON messages (unit_id, created_at);
CREATE INDEX messages_unread ON messages (unit_id) WHERE read_at IS NULL;

-- The outbox: one row per (source, channel, destination), enqueued in the transaction that makes
-- the source (a reminder, a message), sent by whichever server claims it first. claimed_until is
-- the lease of the server sending it (with claim_token, the claim it must hold to record the
-- outcome); a lease that runs out (a server stopped mid-send) lets another take the row.
CREATE TABLE deliveries (
    id              BLOB PRIMARY KEY,
    source_kind     TEXT NOT NULL,
    source_id       TEXT NOT NULL,
    unit_id         BLOB NOT NULL REFERENCES units (id),
    channel         TEXT NOT NULL,
    destination     TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    claim_token     BLOB,
    last_error      TEXT,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (source_kind, source_id, channel, destination)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_source ON deliveries (source_kind, source_id);
CREATE INDEX deliveries_unit ON deliveries (unit_id, created_at);
