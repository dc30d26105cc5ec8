//! The page geometry and type sizes both writers share (Decree 30/2020, Appendix I): A4 portrait,
//! margins within the decree's ranges, Times New Roman (or its metric twin) at 12–14 pt.

/// A4 portrait, in millimetres.
pub const PAGE_WIDTH_MM: f32 = 210.0;
pub const PAGE_HEIGHT_MM: f32 = 297.0;

/// Margins, in millimetres: top and bottom 20–25, left 30–35, right 15–20.
///
/// The top is 22 rather than 20: the stacked marks of Vietnamese capitals ("Ộ", "Ẩ", "Ệ" in the
/// header lines) rise above the font's ascent, and with 20 mm the ink of the first line began at
/// 19.96 mm from the edge, outside the decree's range (measured on the page rendered by pdftoppm,
/// `tests/doc_tools.rs`).
pub const MARGIN_TOP_MM: f32 = 22.0;
pub const MARGIN_BOTTOM_MM: f32 = 20.0;
/// Left and right are half a millimetre inside the decree's 30 and 15: a glyph's ink can reach past
/// its origin (the bar of a line-initial "Đ" began at 29.94 mm with the text at 30.0, measured on
/// page 2 of the seed 004 notice).
pub const MARGIN_LEFT_MM: f32 = 30.5;
pub const MARGIN_RIGHT_MM: f32 = 15.5;

/// Page numbers (from page 2) stand in the middle of the top margin: the DOCX header starts this far
/// from the top edge, so a 14 pt number's digits are centred about 11 mm down, where the PDF writer
/// puts them too.
pub const HEADER_FROM_TOP_MM: f32 = 8.0;

/// Type sizes, in points.
pub const BODY_PT: f32 = 14.0;
/// Issuing body, national title, number: 13 pt.
pub const HEADER_PT: f32 = 13.0;
/// "Nơi nhận:" label.
pub const RECIPIENTS_LABEL_PT: f32 = 12.0;
/// The recipients themselves.
pub const RECIPIENTS_PT: f32 = 11.0;

/// Tables in the body: 12 pt, with this much padding inside each cell (pt).
pub const TABLE_PT: f32 = 12.0;
pub const TABLE_CELL_PAD_PT: f32 = 3.0;

/// First-line indent of body paragraphs: 1.27 cm.
pub const FIRST_LINE_INDENT_MM: f32 = 12.7;
/// Space after a body paragraph: 6 pt.
pub const PARAGRAPH_AFTER_PT: f32 = 6.0;

/// Share of the text width taken by the left header column (issuing body); the right one holds the
/// national title, which is the longer line.
pub const HEADER_LEFT_SHARE: f32 = 0.40;

/// The right header column is at least the national title's width at [`HEADER_PT`] plus this
/// (mm): the DOCX header cells' margins ([`HEADER_CELL_PAD_MM`] each side) and room for a renderer
/// that measures a little wider, so the title stays on one line in Word and LibreOffice too.
pub const HEADER_TITLE_SLACK_MM: f32 = 3.0;
/// The DOCX header table's cell margins, left and right (mm): Word's default 1.9 mm each side
/// took 3.8 mm from the title's column, and the title broke before "NAM".
pub const HEADER_CELL_PAD_MM: f32 = 0.5;

/// The width of the left header column (issuing body) out of `text_width`, given the national
/// title's width at [`HEADER_PT`] bold, both in the same unit (`mm` is one millimetre in it):
/// [`HEADER_LEFT_SHARE`], narrowed when the title needs more room on the right.
pub fn header_left_width(text_width: f32, title_width: f32, mm: f32) -> f32 {
    let right = (text_width * (1.0 - HEADER_LEFT_SHARE))
        .max(title_width + (2.0 * HEADER_CELL_PAD_MM + HEADER_TITLE_SLACK_MM) * mm);
    (text_width - right).max(0.0)
}

/// Word's and LibreOffice's default cell margin in a body table, each side (pt): 108 twips.
pub const DOCX_CELL_MARGIN_PT: f32 = 5.4;
/// Room kept beside a table column's longest word beyond the cell margins (pt), for renderers
/// that measure a little wider than the font's advance widths.
pub const TABLE_WORD_SLACK_PT: f32 = 2.0;

/// The font the documents ask for (DOCX) and whose metrics the embedded one matches (PDF).
pub const FONT_FAMILY: &str = "Times New Roman";

/// Millimetres to twentieths of a point (DOCX page units).
pub fn mm_to_twips(mm: f32) -> u32 {
    (mm / 25.4 * 1440.0).round() as u32
}

/// Millimetres to points (PDF units).
pub fn mm_to_pt(mm: f32) -> f32 {
    mm / 25.4 * 72.0
}

/// Points to half-points (DOCX font sizes).
pub fn half_points(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}
