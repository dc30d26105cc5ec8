//! Excel files of periodic reports: the template a unit downloads for a form and period, the
//! reading of the filled file it uploads, and the tables exported from roll-ups and completeness.
//!
//! Pure: bytes in, bytes out. The template names every column by indicator code on a second header
//! row, and names its form and period in two cells, so the reader finds its way by codes rather
//! than positions (a user may reorder or add columns) and refuses a file of another form or period.
//! Written with rust_xlsxwriter, read with calamine.

#[doc(hidden)]
pub mod bombs;
mod table;
mod template;
mod upload;

use std::collections::BTreeMap;

use giaoban_domain::indicator::Indicator;
use giaoban_domain::report::FormDefinition;

pub use table::{TableCell, TableSpec, table_xlsx};
pub use template::{TemplateRow, TemplateSpec, form_template};
pub use upload::{CellProblem, UploadRow, UploadSpec, UploadUnit, limits, read_form_upload};

/// The sheet that holds the figures.
pub const DATA_SHEET: &str = "Số liệu";
/// The sheet that explains the indicators.
pub const GUIDE_SHEET: &str = "Hướng dẫn";
/// The key of the unit code column on the codes row (`#` keeps it apart from indicator codes,
/// which cannot contain it).
pub const UNIT_CODE_KEY: &str = "#MA_DON_VI";
/// The key of the unit name column on the codes row (read for nothing; names are the database's).
pub const UNIT_NAME_KEY: &str = "#TEN_DON_VI";
/// The key of the hidden column holding, on each unit's row, the version of the unit's draft when
/// the template was written (0: no draft yet); an upload of an older file is refused when the draft
/// changed since.
pub const VERSION_KEY: &str = "#PHIEN_BAN";
/// The label left of the cell holding the form code.
const FORM_LABEL: &str = "Mã biểu mẫu:";
/// The label left of the cell holding the period code.
const PERIOD_LABEL: &str = "Mã kỳ:";

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("could not write the XLSX: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}

/// One indicator of a form as a column of the template: the catalog entry (code, names, measure,
/// value type, decimals) and whether the form requires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormColumn {
    pub indicator: Indicator,
    pub required: bool,
}

impl FormColumn {
    /// The columns of a form in form order; items whose code the catalog lacks, and computed
    /// (ratio) indicators, are left out — a form cannot hold them (`FormDefinition::parse`).
    pub fn of_form(form: &FormDefinition, catalog: &[Indicator]) -> Vec<FormColumn> {
        let by_code: BTreeMap<_, _> = catalog.iter().map(|i| (&i.code, i)).collect();
        form.items
            .iter()
            .filter_map(|item| {
                let ind = by_code.get(&item.code)?;
                ind.is_entered().then(|| FormColumn {
                    indicator: (*ind).clone(),
                    required: item.required,
                })
            })
            .collect()
    }
}

/// The Excel number format for a figure written with `decimals` places: `#,##0`, `#,##0.00`…
/// Excel and LibreOffice show it with the reader's own separators ("5.466,32" on a Vietnamese
/// system), while the cell keeps the exact number.
pub fn number_format(decimals: u8) -> String {
    match decimals.min(4) {
        0 => "#,##0".to_owned(),
        d => format!("#,##0.{}", "0".repeat(usize::from(d))),
    }
}

/// The column letters Excel shows for a 0-based column index: 0 → "A", 26 → "AA".
pub fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_as_excel_shows_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(3), "D");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(column_letter(16_383), "XFD");
    }

    #[test]
    fn number_formats_follow_the_decimals() {
        assert_eq!(number_format(0), "#,##0");
        assert_eq!(number_format(2), "#,##0.00");
        assert_eq!(number_format(9), "#,##0.0000");
    }
}
