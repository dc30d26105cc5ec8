//! The notice as a PDF, with printpdf: TrueType fonts embedded as CID fonts with a ToUnicode map,
//! so the Vietnamese text is selectable and searchable, each subset to the glyphs the page uses
//! (printpdf's default `subset_fonts`, which needs its `text_layout` feature). printpdf places text; the line breaking,
//! justification and page breaks are done here from the font's advance widths.

use printpdf::{
    Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, TextItem, TextMatrix,
};
use unicode_normalization::UnicodeNormalization;

use super::layout::*;
use super::{
    CellAlign, DocTable, DocumentError, MOTTO, NATIONAL_TITLE, NoticeDoc, Printed, RECIPIENTS_LABEL,
};
use crate::fonts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
    /// Justified, except the last line of the paragraph.
    Justify,
    Right,
}

#[derive(Debug, Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    underline: bool,
}

impl Style {
    fn new(face: Face, size: f32) -> Style {
        Style {
            face,
            size,
            underline: false,
        }
    }

    /// Single line spacing of Times New Roman / Liberation Serif: ascent + descent + gap ≈ 1.15 em.
    fn line_height(&self) -> f32 {
        self.size * 1.15
    }
}

/// A paragraph to set: text in one style, within a column.
#[derive(Debug, Clone)]
struct Para {
    text: String,
    style: Style,
    align: Align,
    first_indent: f32,
    before: f32,
    after: f32,
}

impl Para {
    fn new(text: impl Into<String>, style: Style, align: Align) -> Para {
        Para {
            text: text
                .into()
                .nfc()
                .filter(|&c| crate::text::document_char(c))
                .collect(),
            style,
            align,
            first_indent: 0.0,
            before: 0.0,
            after: 0.0,
        }
    }

    fn before(mut self, pt: f32) -> Para {
        self.before = pt;
        self
    }

    fn after(mut self, pt: f32) -> Para {
        self.after = pt;
        self
    }
}

/// An item of a column: a paragraph, or a short centred rule of the given width.
#[derive(Debug, Clone)]
enum Item {
    Para(Para),
    Rule { width: f32, before: f32, after: f32 },
}

struct Fonts {
    parsed: [ParsedFont; 4],
    ids: [printpdf::FontId; 4],
}

impl Fonts {
    fn index(face: Face) -> usize {
        match face {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Italic => 2,
            Face::BoldItalic => 3,
        }
    }

    fn font(&self, face: Face) -> &ParsedFont {
        &self.parsed[Fonts::index(face)]
    }

    fn handle(&self, face: Face) -> PdfFontHandle {
        PdfFontHandle::External(self.ids[Fonts::index(face)].clone())
    }

    /// Advance width of `text` in points.
    fn width(&self, text: &str, style: Style) -> f32 {
        let font = self.font(style.face);
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(font.get_horizontal_advance(gid))
            })
            .sum();
        units as f32 / f32::from(font.pdf_font_metrics.units_per_em.max(1)) * style.size
    }
}

/// Breaks `text` into lines no wider than `first` (first line) and `rest` (the others), at spaces.
/// A word wider than a line stays whole on its own line.
fn wrap(fonts: &Fonts, text: &str, style: Style, first: f32, rest: f32) -> Vec<Vec<String>> {
    let space = fonts.width(" ", style);
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut line: Vec<String> = Vec::new();
    let mut width = 0.0;
    for word in text.split_whitespace() {
        let w = fonts.width(word, style);
        let limit = if lines.is_empty() { first } else { rest };
        let needed = if line.is_empty() {
            w
        } else {
            width + space + w
        };
        if needed > limit && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = w;
        } else {
            width = needed;
        }
        line.push(word.to_string());
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where a line goes: its left edge, its width and the top of its box, in pt.
#[derive(Debug, Clone, Copy)]
struct LineBox {
    x: f32,
    width: f32,
    top: f32,
}

/// Pages being filled, top to bottom.
struct Writer<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// Baseline of the next line is `y - ascent`; `y` is the top of the free space, in pt.
    y: f32,
    top: f32,
    bottom: f32,
}

impl<'a> Writer<'a> {
    fn new(fonts: &'a Fonts) -> Writer<'a> {
        let top = mm_to_pt(PAGE_HEIGHT_MM - MARGIN_TOP_MM);
        Writer {
            fonts,
            pages: vec![Vec::new()],
            y: top,
            top,
            bottom: mm_to_pt(MARGIN_BOTTOM_MM),
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("always one page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    fn text_op(&mut self, x: f32, baseline: f32, style: Style, items: Vec<TextItem>) {
        let handle = self.fonts.handle(style.face);
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: handle,
                size: Pt(style.size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(baseline)),
            },
            Op::ShowText { items },
            Op::EndTextSection,
        ]);
    }

    /// A thin straight line from (x1, y1) to (x2, y2).
    fn line(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
        let point = |x: f32, y: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops().extend([
            Op::SetOutlineThickness { pt: Pt(0.6) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.line((x1, y), (x2, y));
    }

    /// Sets one line of words at `top` (top of the line box); returns the line height.
    fn set_line(
        &mut self,
        words: &[String],
        style: Style,
        align: Align,
        last: bool,
        LineBox { x, width, top }: LineBox,
    ) -> f32 {
        let lh = style.line_height();
        // Baseline at the ascent (0.891 em in Times New Roman / Liberation Serif) below the top.
        let baseline = top - style.size * 0.891;
        let text = words.join(" ");
        let natural = self.fonts.width(&text, style);
        let (x0, items) = match align {
            Align::Centre => (
                x + (width - natural).max(0.0) / 2.0,
                vec![TextItem::Text(text)],
            ),
            Align::Right => (x + (width - natural).max(0.0), vec![TextItem::Text(text)]),
            Align::Justify if !last && words.len() > 1 => {
                let extra = (width - natural).max(0.0) / (words.len() - 1) as f32;
                // TJ numbers are thousandths of an em, negative to the right.
                let shift = -extra / style.size * 1000.0;
                let mut items = Vec::with_capacity(words.len() * 2);
                for (i, w) in words.iter().enumerate() {
                    if i + 1 < words.len() {
                        items.push(TextItem::Text(format!("{w} ")));
                        items.push(TextItem::Offset(shift));
                    } else {
                        items.push(TextItem::Text(w.clone()));
                    }
                }
                (x, items)
            }
            _ => (x, vec![TextItem::Text(text)]),
        };
        if !words.is_empty() {
            self.text_op(x0, baseline, style, items);
        }
        if style.underline && !words.is_empty() {
            let drawn = if matches!(align, Align::Justify) && !last {
                width
            } else {
                natural
            };
            self.rule(x0, x0 + drawn, baseline - style.size * 0.12);
        }
        lh
    }

    /// Height a column of items takes in `width`.
    fn measure(&self, items: &[Item], width: f32) -> f32 {
        items
            .iter()
            .map(|item| match item {
                Item::Para(p) => {
                    let lines = wrap(self.fonts, &p.text, p.style, width - p.first_indent, width);
                    p.before + lines.len() as f32 * p.style.line_height() + p.after
                }
                Item::Rule { before, after, .. } => before + after,
            })
            .sum()
    }

    /// Sets a column of items from `top` without page breaks; returns the height used.
    fn column(&mut self, items: &[Item], x: f32, width: f32, top: f32) -> f32 {
        let mut y = top;
        for item in items {
            match item {
                Item::Para(p) => {
                    y -= p.before;
                    let lines = wrap(self.fonts, &p.text, p.style, width - p.first_indent, width);
                    let n = lines.len();
                    for (i, words) in lines.iter().enumerate() {
                        let indent = if i == 0 { p.first_indent } else { 0.0 };
                        y -= self.set_line(
                            words,
                            p.style,
                            p.align,
                            i + 1 == n,
                            LineBox {
                                x: x + indent,
                                width: width - indent,
                                top: y,
                            },
                        );
                    }
                    y -= p.after;
                }
                Item::Rule {
                    width: w,
                    before,
                    after,
                } => {
                    y -= before;
                    let x1 = x + (width - w) / 2.0;
                    self.rule(x1, x1 + w, y);
                    y -= after;
                }
            }
        }
        top - y
    }

    /// A paragraph across the text width, breaking pages between lines.
    fn paragraph(&mut self, p: &Para, x: f32, width: f32) {
        self.y -= p.before;
        let lines = wrap(self.fonts, &p.text, p.style, width - p.first_indent, width);
        let n = lines.len();
        for (i, words) in lines.iter().enumerate() {
            if self.y - p.style.line_height() < self.bottom {
                self.new_page();
            }
            let indent = if i == 0 { p.first_indent } else { 0.0 };
            let y = self.y;
            self.y -= self.set_line(
                words,
                p.style,
                p.align,
                i + 1 == n,
                LineBox {
                    x: x + indent,
                    width: width - indent,
                    top: y,
                },
            );
        }
        self.y -= p.after;
    }

    /// A ruled table across the text width. A row is kept whole on one page; when one does not fit,
    /// the page breaks before it and the heading row is set again on the new page.
    fn table(&mut self, t: &DocTable, x: f32, width: f32) {
        let style = Style::new(Face::Regular, TABLE_PT);
        let heading_style = Style::new(Face::Bold, TABLE_PT);
        let pad = TABLE_CELL_PAD_PT;
        // Each column at least as wide as its longest word, so none breaks or runs over its cell.
        let widths = t.fitted_widths(width, 2.0 * pad + TABLE_WORD_SLACK_PT, |w, bold| {
            self.fonts
                .width(w, if bold { heading_style } else { style })
        });
        let aligns: Vec<Align> = t
            .columns
            .iter()
            .map(|c| match c.align {
                CellAlign::Left => Align::Left,
                CellAlign::Centre => Align::Centre,
                CellAlign::Right => Align::Right,
            })
            .collect();
        let heading: Vec<&str> = t.columns.iter().map(|c| c.heading.as_str()).collect();
        let centred = vec![Align::Centre; t.columns.len()];

        let fonts = self.fonts;
        let row_lines = |cells: &[&str], st: Style| -> Vec<Vec<Vec<String>>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(text, w)| {
                    let text: String = text
                        .nfc()
                        .filter(|&c| crate::text::document_char(c))
                        .collect();
                    let inner = (w - 2.0 * pad).max(1.0);
                    wrap(fonts, &text, st, inner, inner)
                })
                .collect()
        };
        let height = |lines: &[Vec<Vec<String>>], st: Style| {
            lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * st.line_height() + 2.0 * pad
        };
        let heading_lines = row_lines(&heading, heading_style);
        let heading_h = height(&heading_lines, heading_style);

        let draw_row = |w: &mut Writer, lines: &[Vec<Vec<String>>], st: Style, al: &[Align]| {
            let h = height(lines, st);
            let top = w.y;
            let mut cx = x;
            for ((cell, cw), align) in lines.iter().zip(&widths).zip(al) {
                let mut y = top - pad;
                let n = cell.len();
                for (i, words) in cell.iter().enumerate() {
                    y -= w.set_line(
                        words,
                        st,
                        *align,
                        i + 1 == n,
                        LineBox {
                            x: cx + pad,
                            width: cw - 2.0 * pad,
                            top: y,
                        },
                    );
                }
                cx += cw;
            }
            // The grid of this row: its top and bottom, and every vertical.
            w.rule(x, x + width, top);
            w.rule(x, x + width, top - h);
            let mut vx = x;
            w.vrule(vx, top, top - h);
            for cw in &widths {
                vx += cw;
                w.vrule(vx, top, top - h);
            }
            w.y = top - h;
        };

        if self.y - heading_h - style.line_height() - 2.0 * pad < self.bottom {
            self.new_page();
        }
        draw_row(self, &heading_lines, heading_style, &centred);
        for r in 0..t.rows.len() {
            let cells: Vec<&str> = (0..t.columns.len()).map(|c| t.cell(r, c)).collect();
            let lines = row_lines(&cells, style);
            if self.y - height(&lines, style) < self.bottom {
                self.new_page();
                draw_row(self, &heading_lines, heading_style, &centred);
            }
            draw_row(self, &lines, style, &aligns);
        }
        self.y -= PARAGRAPH_AFTER_PT;
    }

    fn vrule(&mut self, x: f32, y1: f32, y2: f32) {
        self.line((x, y1), (x, y2));
    }

    /// Two columns side by side, kept on one page.
    fn columns(&mut self, left: &[Item], left_w: f32, right: &[Item], x: f32, width: f32) {
        let right_w = width - left_w;
        let height = self.measure(left, left_w).max(self.measure(right, right_w));
        if self.y - height < self.bottom && self.y < self.top {
            self.new_page();
        }
        let top = self.y;
        let used_left = self.column(left, x, left_w, top);
        let used_right = self.column(right, x + left_w, right_w, top);
        self.y = top - used_left.max(used_right);
    }
}

fn load_fonts(doc: &mut PdfDocument) -> Result<Fonts, DocumentError> {
    // The PostScript name goes into the PDF as /BaseFont, after the subset tag (without a name
    // printpdf writes its random font id): what a viewer's font list and pdffonts show.
    let parse = |bytes: &[u8], name: &str| {
        let mut font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| DocumentError::Pdf(format!("cannot read the font {name}")))?;
        font.font_name = Some(name.to_string());
        Ok::<_, DocumentError>(font)
    };
    let parsed = [
        parse(fonts::SERIF_REGULAR, "LiberationSerif-Regular")?,
        parse(fonts::SERIF_BOLD, "LiberationSerif-Bold")?,
        parse(fonts::SERIF_ITALIC, "LiberationSerif-Italic")?,
        parse(fonts::SERIF_BOLD_ITALIC, "LiberationSerif-BoldItalic")?,
    ];
    // Fixed ids instead of `add_font`'s random ones: the fonts are kept in a map ordered by id,
    // so random ids write the objects in a different order each time, and the same notice would
    // give a different file at every download (issue 21: an issued notice's PDF must stay the
    // same, byte for byte apart from the file identifier the writer draws at random).
    let ids = [0, 1, 2, 3].map(|i| {
        // Six capitals: printpdf takes the id's first six letters as the subset tag.
        let id = printpdf::FontId(format!("GBNOT{}", ['A', 'B', 'C', 'D'][i]));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(parsed[i].clone()));
        id
    });
    Ok(Fonts { parsed, ids })
}

/// The notice as a PDF file.
pub(super) fn write(doc: &NoticeDoc) -> Result<Vec<u8>, DocumentError> {
    let mut pdf = PdfDocument::new(&doc.subject);
    let fonts = load_fonts(&mut pdf)?;
    let mut w = Writer::new(&fonts);

    let x = mm_to_pt(MARGIN_LEFT_MM);
    let width = mm_to_pt(PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM);
    let regular = |size| Style::new(Face::Regular, size);
    let bold = |size| Style::new(Face::Bold, size);
    let italic = |size| Style::new(Face::Italic, size);

    // Header: issuing body on the left, national title on the right.
    let mut left = Vec::new();
    if let Some(sup) = doc
        .superior_body
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        left.push(Item::Para(Para::new(
            sup.trim(),
            regular(HEADER_PT),
            Align::Centre,
        )));
    }
    for line in &doc.issuer_lines {
        left.push(Item::Para(Para::new(line, bold(HEADER_PT), Align::Centre)));
    }
    left.push(Item::Rule {
        width: mm_to_pt(20.0),
        before: 3.0,
        after: 6.0,
    });
    left.push(Item::Para(Para::new(
        &doc.number_line,
        regular(HEADER_PT),
        Align::Centre,
    )));
    let motto = Style {
        underline: true,
        ..bold(BODY_PT)
    };
    let right = vec![
        Item::Para(Para::new(NATIONAL_TITLE, bold(HEADER_PT), Align::Centre)),
        Item::Para(Para::new(MOTTO, motto, Align::Centre)),
        Item::Para(Para::new(doc.place_date_line(), italic(BODY_PT), Align::Centre).before(12.0)),
    ];
    let title_w = fonts.width(NATIONAL_TITLE, bold(HEADER_PT));
    let left_w = header_left_width(width, title_w, mm_to_pt(1.0));
    w.columns(&left, left_w, &right, x, width);

    // Type, subject and its rule.
    w.paragraph(
        &Para::new(&doc.title, bold(BODY_PT), Align::Centre).before(18.0),
        x,
        width,
    );
    w.paragraph(
        &Para::new(&doc.subject, bold(BODY_PT), Align::Centre),
        x,
        width,
    );
    let rule_w = mm_to_pt(30.0);
    let rule_y = w.y - 3.0;
    w.rule(
        x + (width - rule_w) / 2.0,
        x + (width + rule_w) / 2.0,
        rule_y,
    );
    w.y -= 18.0;

    let body = |text: &str, style: Style| {
        let mut p = Para::new(text, style, Align::Justify).after(PARAGRAPH_AFTER_PT);
        p.first_indent = mm_to_pt(FIRST_LINE_INDENT_MM);
        p
    };
    let parts = doc.body_parts();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Printed::Heading(h) => {
                // Kept with what follows: the heading and the first lines of the next part (two
                // of a paragraph, a table's heading row and one line) on the same page.
                let p = body(h, bold(BODY_PT));
                let next = match parts.get(i + 1) {
                    Some(Printed::Paragraph(t) | Printed::Assignment(t) | Printed::Heading(t)) => {
                        let lines = wrap(&fonts, t, regular(BODY_PT), width, width).len();
                        lines.min(2) as f32 * regular(BODY_PT).line_height()
                    }
                    Some(Printed::Table(_)) => {
                        2.0 * (Style::new(Face::Regular, TABLE_PT).line_height()
                            + 2.0 * TABLE_CELL_PAD_PT)
                    }
                    None => 0.0,
                };
                let own = wrap(&fonts, &p.text, p.style, width - p.first_indent, width).len()
                    as f32
                    * p.style.line_height();
                if w.y - p.before - own - p.after - next < w.bottom && w.y < w.top {
                    w.new_page();
                }
                w.paragraph(&p, x, width)
            }
            Printed::Paragraph(t) => w.paragraph(&body(t, regular(BODY_PT)), x, width),
            Printed::Assignment(a) => w.paragraph(&body(a, italic(BODY_PT)), x, width),
            Printed::Table(t) => w.table(t, x, width),
        }
    }

    // Recipients on the left, signature on the right.
    let mut left = vec![Item::Para(Para::new(
        RECIPIENTS_LABEL,
        Style::new(Face::BoldItalic, RECIPIENTS_LABEL_PT),
        Align::Left,
    ))];
    left.extend(
        doc.recipient_lines()
            .into_iter()
            .map(|l| Item::Para(Para::new(l, regular(RECIPIENTS_PT), Align::Left))),
    );
    let mut right: Vec<Item> = doc
        .authority_lines
        .iter()
        .map(|l| Item::Para(Para::new(l, bold(BODY_PT), Align::Centre)))
        .collect();
    // Room for the signature and the seal.
    right.push(Item::Para(
        Para::new(&doc.signer_name, bold(BODY_PT), Align::Centre).before(72.0),
    ));
    w.y -= 6.0;
    w.columns(&left, width / 2.0, &right, x, width);

    // Page numbers from page 2, centred in the top margin (Decree 30).
    let number_style = regular(BODY_PT);
    let count = w.pages.len();
    for n in 2..=count {
        let label = n.to_string();
        let lw = fonts.width(&label, number_style);
        let baseline = mm_to_pt(PAGE_HEIGHT_MM - MARGIN_TOP_MM / 2.0) - number_style.size / 3.0;
        let handle = fonts.handle(Face::Regular);
        w.pages[n - 1].extend([
            Op::StartTextSection,
            Op::SetFont {
                font: handle,
                size: Pt(number_style.size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x + (width - lw) / 2.0), Pt(baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(label)],
            },
            Op::EndTextSection,
        ]);
    }

    let pages = w
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM), ops))
        .collect();
    let mut warnings = Vec::new();
    Ok(pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}
