//! The notice as a Word document, built with docx-rs (no OOXML written by hand).

use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::layout::*;
use super::metrics::Metrics;
use super::{
    CellAlign, DocTable, DocumentError, MOTTO, NATIONAL_TITLE, NoticeDoc, Printed, RECIPIENTS_LABEL,
};

/// Text width between the margins, in twips.
fn text_width() -> u32 {
    mm_to_twips(PAGE_WIDTH_MM) - mm_to_twips(MARGIN_LEFT_MM) - mm_to_twips(MARGIN_RIGHT_MM)
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT_FAMILY)
        .hi_ansi(FONT_FAMILY)
        .east_asia(FONT_FAMILY)
        .cs(FONT_FAMILY)
}

/// A run with its font named on it too, so a reader that ignores the document defaults still sets
/// it in Times New Roman.
fn run(text: &str, pt: f32) -> Run {
    Run::new()
        // Stored text may hold characters XML refuses (entered before the domain refused them):
        // dropped, so that Word opens the notice.
        .add_text(crate::text::document_text(text))
        .size(half_points(pt))
        .fonts(fonts())
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(0).after(0))
}

/// A short centred rule: an empty paragraph whose bottom border is narrowed by indents.
fn short_rule(column_width: u32, rule_width: u32) -> Paragraph {
    let side = column_width.saturating_sub(rule_width) / 2;
    let side = i32::try_from(side).unwrap_or(0);
    let mut p = Paragraph::new()
        .indent(Some(side), None, Some(side), None)
        .line_spacing(LineSpacing::new().before(0).after(0).line(120))
        .size(2);
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty()
            .set(ParagraphBorder::new(ParagraphBorderPosition::Bottom).size(6)),
    );
    p
}

/// Body paragraph: justified, first line indented, 6 pt after.
fn body_paragraph(runs: Vec<Run>) -> Paragraph {
    let indent = i32::try_from(mm_to_twips(FIRST_LINE_INDENT_MM)).unwrap_or(720);
    let after = (PARAGRAPH_AFTER_PT * 20.0) as u32;
    runs.into_iter().fold(
        Paragraph::new()
            .align(AlignmentType::Both)
            .indent(None, Some(SpecialIndentType::FirstLine(indent)), None, None)
            .line_spacing(LineSpacing::new().before(0).after(after)),
        Paragraph::add_run,
    )
}

fn cell(width: u32, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs.into_iter().fold(
        TableCell::new().width(width as usize, WidthType::Dxa),
        TableCell::add_paragraph,
    )
}

/// A borderless two-column table with fixed widths, its row kept on one page (as the PDF keeps
/// the header and the signature block whole).
fn two_columns(left_width: u32, left: TableCell, right_width: u32, right: TableCell) -> Table {
    Table::without_borders(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![left_width as usize, right_width as usize])
        .width((left_width + right_width) as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// A ruled table across the text width: the heading row bold and centred, figures right-aligned,
/// 12 pt, no space after the cell paragraphs.
/// Column widths fit the longest word of each column (heading and cells) within Word's cell
/// margins, so no word breaks inside a cell ("STT", "doanh nghiệp").
fn body_table(t: &DocTable, metrics: &Metrics) -> Table {
    let total = text_width();
    let pad = (2.0 * DOCX_CELL_MARGIN_PT + TABLE_WORD_SLACK_PT) * 20.0;
    let widths: Vec<u32> = t
        .fitted_widths(total as f32, pad, |w, bold| {
            metrics.width(w, bold, TABLE_PT) * 20.0
        })
        .into_iter()
        .map(|w| w.round() as u32)
        .collect();
    let cell_paragraph = |text: &str, align: AlignmentType, bold: bool| {
        let r = run(text, TABLE_PT);
        Paragraph::new()
            .add_run(if bold { r.bold() } else { r })
            .align(align)
            .line_spacing(LineSpacing::new().before(0).after(0))
    };
    let heading = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                cell(
                    w,
                    vec![cell_paragraph(&c.heading, AlignmentType::Center, true)],
                )
            })
            .collect(),
    )
    .cant_split();
    let mut rows = vec![heading];
    for r in 0..t.rows.len() {
        rows.push(
            TableRow::new(
                t.columns
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(c, (col, &w))| {
                        let align = match col.align {
                            CellAlign::Left => AlignmentType::Left,
                            CellAlign::Centre => AlignmentType::Center,
                            CellAlign::Right => AlignmentType::Right,
                        };
                        cell(w, vec![cell_paragraph(t.cell(r, c), align, false)])
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(widths.iter().map(|&w| w as usize).collect())
        .width(total as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// The header: the issuing body on the left, the national title on the right, on one line (its
/// column widened when it needs more than its share, and the cells' margins narrowed).
fn header(doc: &NoticeDoc, metrics: &Metrics) -> Table {
    let width = text_width();
    let title_w = metrics.width(NATIONAL_TITLE, true, HEADER_PT) * 20.0;
    let left_w = header_left_width(width as f32, title_w, mm_to_twips(1.0) as f32).round() as u32;
    let right_w = width - left_w;

    let mut left = Vec::new();
    if let Some(sup) = doc
        .superior_body
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        left.push(centred(run(sup.trim(), HEADER_PT)));
    }
    for line in &doc.issuer_lines {
        left.push(centred(run(line, HEADER_PT).bold()));
    }
    left.push(short_rule(left_w, mm_to_twips(20.0)));
    left.push(
        centred(run(&doc.number_line, HEADER_PT))
            .line_spacing(LineSpacing::new().before(120).after(0)),
    );

    let right = vec![
        centred(run(NATIONAL_TITLE, HEADER_PT).bold()),
        centred(run(MOTTO, BODY_PT).bold().underline("single")),
        centred(run(&doc.place_date_line(), BODY_PT).italic())
            .line_spacing(LineSpacing::new().before(240).after(0)),
    ];
    let pad = mm_to_twips(HEADER_CELL_PAD_MM) as usize;
    two_columns(left_w, cell(left_w, left), right_w, cell(right_w, right))
        .margins(TableCellMargins::new().margin(0, pad, 0, pad))
}

fn signature(doc: &NoticeDoc) -> Table {
    let width = text_width();
    let left_w = width / 2;
    let right_w = width - left_w;

    let mut left = vec![
        Paragraph::new()
            .add_run(run(RECIPIENTS_LABEL, RECIPIENTS_LABEL_PT).bold().italic())
            .line_spacing(LineSpacing::new().before(0).after(0)),
    ];
    left.extend(doc.recipient_lines().iter().map(|l| {
        Paragraph::new()
            .add_run(run(l, RECIPIENTS_PT))
            .line_spacing(LineSpacing::new().before(0).after(0))
    }));

    let mut right: Vec<Paragraph> = doc
        .authority_lines
        .iter()
        .map(|l| centred(run(l, BODY_PT).bold()))
        .collect();
    // Room for the signature and the seal.
    right.extend((0..4).map(|_| centred(run("", BODY_PT))));
    right.push(centred(run(&doc.signer_name, BODY_PT).bold()));

    two_columns(left_w, cell(left_w, left), right_w, cell(right_w, right))
}

/// The header of every page but the first: its number, centred (a PAGE field, which Word and
/// LibreOffice fill in), in the body font and size.
fn page_number_header() -> Header {
    Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(0).after(0))
            .size(half_points(BODY_PT))
            .add_page_num(PageNum::new()),
    )
}

/// The header of page 1: empty (Decree 30: no number on the first page). Setting it turns on the
/// section's distinct title page (w:titlePg).
fn first_page_header() -> Header {
    Header::new().add_paragraph(
        Paragraph::new()
            .line_spacing(LineSpacing::new().before(0).after(0))
            .size(half_points(BODY_PT)),
    )
}

/// The notice as a .docx file.
pub(super) fn write(doc: &NoticeDoc) -> Result<Vec<u8>, DocumentError> {
    let metrics = Metrics::load()?;
    let margin = |mm| i32::try_from(mm_to_twips(mm)).unwrap_or(0);
    let mut d = Docx::new()
        .page_size(mm_to_twips(PAGE_WIDTH_MM), mm_to_twips(PAGE_HEIGHT_MM))
        .page_margin(
            PageMargin::new()
                .top(margin(MARGIN_TOP_MM))
                .bottom(margin(MARGIN_BOTTOM_MM))
                .left(margin(MARGIN_LEFT_MM))
                .right(margin(MARGIN_RIGHT_MM))
                .header(margin(HEADER_FROM_TOP_MM)),
        )
        .header(page_number_header())
        .first_header(first_page_header())
        .default_fonts(fonts())
        .default_size(half_points(BODY_PT))
        .add_table(header(doc, &metrics));

    d = d
        .add_paragraph(
            centred(run(&doc.title, BODY_PT).bold())
                .line_spacing(LineSpacing::new().before(360).after(0))
                .keep_next(true),
        )
        .add_paragraph(centred(run(&doc.subject, BODY_PT).bold()).keep_next(true))
        .add_paragraph(short_rule(text_width(), mm_to_twips(30.0)))
        .add_paragraph(centred(run("", BODY_PT)));

    for part in doc.body_parts() {
        d = match part {
            // A heading stays with what follows it (w:keepNext), never alone at a page's foot.
            Printed::Heading(h) => {
                d.add_paragraph(body_paragraph(vec![run(&h, BODY_PT).bold()]).keep_next(true))
            }
            Printed::Paragraph(p) => d.add_paragraph(body_paragraph(vec![run(&p, BODY_PT)])),
            Printed::Assignment(a) => {
                d.add_paragraph(body_paragraph(vec![run(&a, BODY_PT).italic()]))
            }
            Printed::Table(t) => d.add_table(body_table(t, &metrics)).add_paragraph(
                Paragraph::new().line_spacing(LineSpacing::new().before(0).after(0)),
            ),
        };
    }
    d = d.add_table(signature(doc));

    let mut out = std::io::Cursor::new(Vec::new());
    d.pack(&mut out)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
