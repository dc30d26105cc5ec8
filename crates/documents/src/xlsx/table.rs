//! A titled table to XLSX: roll-ups (indicator × this period, year-to-date, plan, % of plan, same
//! period last year) and completeness (unit, status, sent at, on time / late / missing).

use giaoban_domain::indicator::Figure;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::{XlsxError, number_format};

/// A table with a title block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// Sheet name (Excel: at most 31 characters, none of `[]:*?/\`); "Bảng" when empty.
    pub sheet: String,
    pub title: String,
    /// A line under the title (unit, period, "as of" time); omitted when empty.
    pub subtitle: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableCell {
    Text(String),
    /// A figure shown with `decimals` places (the cell holds the exact number).
    Figure {
        value: Figure,
        decimals: u8,
    },
    /// A percentage as the domain computes it: 101.2 means 101,2 %. Written as the number 101.2
    /// with a `0.0"%"` format — not as 1.012 with Excel's `%` format — so the cell's value is the
    /// figure the page shows and sums or copies of it need no ×100.
    Percent {
        value: Figure,
        decimals: u8,
    },
    Empty,
}

fn percent_format(decimals: u8) -> String {
    format!("{}\"%\"", number_format(decimals))
}

/// Writes a table: title (bold, larger), subtitle, a bold header row with borders, frozen under
/// the header, figures with number formats, column widths from the content.
pub fn table_xlsx(t: &TableSpec) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(if t.sheet.trim().is_empty() {
        "Bảng"
    } else {
        t.sheet.trim()
    })?;
    let title = Format::new().set_bold().set_font_size(14);
    let subtitle = Format::new().set_italic();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let empty = Format::new().set_border(FormatBorder::Thin);

    ws.write_string_with_format(0, 0, &t.title, &title)?;
    let mut header_row = 2;
    if !t.subtitle.trim().is_empty() {
        ws.write_string_with_format(1, 0, &t.subtitle, &subtitle)?;
        header_row = 3;
    }
    let ncols = t
        .headers
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    // Width in characters: the longest content, header words wrapping at about 24.
    let mut widths: Vec<usize> = vec![8; ncols];
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, h, &header)?;
        widths[c] = widths[c].max(h.chars().count().min(24));
    }
    for (r, row) in t.rows.iter().enumerate() {
        let xr = header_row + 1 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let xc = c as u16;
            let shown = match cell {
                TableCell::Text(s) => {
                    ws.write_string_with_format(xr, xc, s, &text)?;
                    s.chars().count().min(60)
                }
                TableCell::Figure { value, decimals } => {
                    let f = empty.clone().set_num_format(number_format(*decimals));
                    ws.write_number_with_format(xr, xc, value.to_f64(), &f)?;
                    value.format_vi(*decimals).chars().count()
                }
                TableCell::Percent { value, decimals } => {
                    let f = empty.clone().set_num_format(percent_format(*decimals));
                    ws.write_number_with_format(xr, xc, value.to_f64(), &f)?;
                    value.format_vi(*decimals).chars().count() + 1
                }
                TableCell::Empty => {
                    ws.write_blank(xr, xc, &empty)?;
                    0
                }
            };
            widths[c] = widths[c].max(shown);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w + 2) as f64)?;
    }
    if !t.headers.is_empty() {
        ws.set_row_height(header_row, 32)?;
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_show_a_percent_sign_without_scaling() {
        assert_eq!(percent_format(1), "#,##0.0\"%\"");
        assert_eq!(percent_format(0), "#,##0\"%\"");
    }
}
