-- Catalogue records belong to the level that made them (issue 20, finding 2): a report form made
-- by a district's office is that district's, changed only by its leaders and office and reported
-- on only by its units. Existing forms become national (owner NULL): only the administrator
-- changes them.
ALTER TABLE report_forms ADD COLUMN owner_unit_id BLOB REFERENCES units (id);
