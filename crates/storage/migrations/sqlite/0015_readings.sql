-- The reading page's readings (issue 21): a pasted text that was read is kept here and shown at
-- /extract?reading=<id> (Post/Redirect/Get), so that the browser's Back brings back the confirm
-- form as it was, with its one-time form key, instead of asking to post the text again. fields
-- holds the confirm form as last corrected on the server ("apply the suggested fixes"),
-- URL-encoded; NULL until then. Bookkeeping of requests like form_keys: not audited, and pruned
-- after a day.
CREATE TABLE readings (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id),
    text          TEXT NOT NULL,
    document_date TEXT NOT NULL,
    form_key      TEXT NOT NULL,
    fields        TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX readings_user ON readings (user_id, created_at);
