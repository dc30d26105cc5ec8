-- The inbox (issue 21): what waits for a person is read from the records' own state, counted on
-- every page for the menu. These partial indexes hold only the records still waiting, so each
-- count reads them alone however many decided records there are.
CREATE INDEX task_extensions_pending ON task_extensions (task_id) WHERE decided_at IS NULL;
CREATE INDEX submissions_awaiting_review ON submissions (unit_id) WHERE status = 'submitted';
CREATE INDEX conclusions_drafts ON conclusions (issuer_unit_id) WHERE status = 'draft';
CREATE INDEX recommendations_awaiting ON recommendations (addressed_to_unit_id) WHERE status = 'awaiting';
