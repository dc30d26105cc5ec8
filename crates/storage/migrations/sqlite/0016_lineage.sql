-- Lineage of the 2025 reorganisation. A divided unit names every successor (the default stays in
-- units.merged_into; the others are listed here). The reform reuses old GSO codes for new units (the
-- new Xã Cẩm Thủy has 15127, the code of the old TT Phong Sơn), so a code is unique per start date.

DROP INDEX units_admin_code;
CREATE UNIQUE INDEX units_admin_code ON units (admin_code, COALESCE(active_from, ''))
    WHERE admin_code IS NOT NULL;

CREATE TABLE unit_successors (
    unit_id      BLOB NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    successor_id BLOB NOT NULL REFERENCES units (id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (unit_id, successor_id)
) STRICT;
CREATE INDEX unit_successors_successor ON unit_successors (successor_id);
