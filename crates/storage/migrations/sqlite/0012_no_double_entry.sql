-- No double entry (issue 21). A create form carries a one-time key (the API: an Idempotency-Key
-- header); the first POST with a key claims it here before it creates anything and records the
-- record it made, so a second POST with the same key (Back and re-submit, a double click, a
-- retried request) creates nothing and is answered with that record. record_id is NULL while the
-- first POST is still creating; a failed create releases its claim.
CREATE TABLE form_keys (
    user_id    BLOB NOT NULL REFERENCES users (id),
    form_key   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_id  BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, form_key)
);

-- The documents read on the reading page and confirmed: the hash of the text (NFC, whitespace
-- collapsed) and its number/symbol with the issuing unit, so the same document pasted again is
-- recognised before anything is created from it.
CREATE TABLE read_documents (
    meeting_id     BLOB PRIMARY KEY REFERENCES meetings (id),
    text_hash      TEXT NOT NULL,
    number         TEXT,
    issuer_unit_id BLOB NOT NULL REFERENCES units (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX read_documents_text_hash ON read_documents (text_hash);
CREATE INDEX read_documents_number ON read_documents (number, issuer_unit_id);
