//! The conclusion notice (thông báo kết luận) as a document: a plain model of what the page says
//! ([`NoticeDoc`]), built from the domain records or by hand, and its two writers, DOCX
//! ([`NoticeDoc::to_docx`]) and PDF ([`NoticeDoc::to_pdf`]), both in the Decree 30/2020 layout.
//!
//! The model holds finished text (numbers, dates and deadlines already written out), so both writers
//! print the same words and the tests can compare them with the seed notice.

mod docx;
mod layout;
mod pdf;

use giaoban_domain::Lang;
use giaoban_domain::conclusion::Conclusion;
use giaoban_domain::meeting::Meeting;
use giaoban_domain::task::Task;
use giaoban_domain::unit::UnitId;
use jiff::civil::Date;

use crate::dateline::{MonthStyle, number_line, place_date_line, short_date};

/// What can go wrong turning a notice into bytes.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("could not pack the DOCX: {0}")]
    Docx(String),
    #[error("could not build the PDF: {0}")]
    Pdf(String),
}

/// The date of the notice: a date, or the blanks of a draft ("ngày     tháng     năm 2023"), which
/// the records office fills in by hand when it registers the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeDate {
    On(Date),
    Blank { year: i16 },
}

/// A block of the body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading ("1. Đánh giá kết quả…"), bold, indented like a paragraph.
    Heading(String),
    /// A paragraph: justified, first line indented.
    Paragraph(String),
    /// A table with ruled cells and a bold heading row (repeated on each page it runs onto).
    Table(DocTable),
}

/// How a table column sets its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAlign {
    Left,
    Centre,
    /// Figures: right-aligned, so the thousands line up.
    Right,
}

/// A column of a [`DocTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct DocColumn {
    pub heading: String,
    /// Share of the text width (the shares of a table are scaled to add up to the whole).
    pub share: f32,
    pub align: CellAlign,
}

/// A table in the body: finished text in every cell (figures already written the Vietnamese way).
#[derive(Debug, Clone, PartialEq)]
pub struct DocTable {
    pub columns: Vec<DocColumn>,
    /// One entry per column in each row; a missing cell prints empty, an extra one is dropped.
    pub rows: Vec<Vec<String>>,
}

impl DocTable {
    /// Each column's width out of `total`, in the same unit.
    pub fn widths(&self, total: f32) -> Vec<f32> {
        let sum: f32 = self.columns.iter().map(|c| c.share.max(0.01)).sum();
        self.columns
            .iter()
            .map(|c| total * c.share.max(0.01) / sum)
            .collect()
    }

    /// The cell text of row `r`, column `c` ("" past the row's end).
    pub fn cell(&self, r: usize, c: usize) -> &str {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", String::as_str)
    }
}

/// One assigned task as the notice lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTask {
    pub content: String,
    /// Chủ trì.
    pub lead_unit: String,
    /// Phối hợp.
    pub coordinating_units: Vec<String>,
    /// The deadline as words: "chậm nhất ngày 27/03/2023", "thường xuyên".
    pub deadline: String,
}

impl NoticeTask {
    /// The line under the task: "Chủ trì: Phòng Tài chính - Kế hoạch; phối hợp: …; thời hạn: …".
    pub fn assignment_line(&self) -> String {
        let mut s = format!("Chủ trì: {}", self.lead_unit.trim());
        if !self.coordinating_units.is_empty() {
            s.push_str("; phối hợp: ");
            s.push_str(&self.coordinating_units.join(", "));
        }
        s.push_str("; thời hạn: ");
        s.push_str(self.deadline.trim());
        s.push('.');
        s
    }
}

/// A conclusion notice, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeDoc {
    /// Cơ quan chủ quản, above the issuer, not bold ("UBND TỈNH THANH HÓA").
    pub superior_body: Option<String>,
    /// The issuing body, in capitals, bold; one line each ("UBND HUYỆN CẨM THỦY").
    pub issuer_lines: Vec<String>,
    /// "Số: 1/TB-UBND", or "Số:     /TB-UBND" for a draft (see [`number_line`]).
    pub number_line: String,
    pub place: String,
    pub date: NoticeDate,
    pub month_style: MonthStyle,
    /// The document type: "THÔNG BÁO".
    pub title: String,
    /// Trích yếu: "Kết luận của Chủ tịch UBND huyện … tại phiên họp thường kỳ tháng 03 năm 2023".
    pub subject: String,
    /// Introduction, evaluation, shortcomings, directions: everything before the task list.
    pub body: Vec<Block>,
    /// The heading over the tasks ("3. Nhiệm vụ cụ thể"); none prints no heading.
    pub tasks_heading: Option<String>,
    /// Numbered 1, 2, 3… in this order.
    pub tasks: Vec<NoticeTask>,
    /// Paragraphs after the tasks ("Trên đây là ý kiến kết luận…").
    pub closing: Vec<String>,
    /// Above the signature, bold: ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"].
    pub authority_lines: Vec<String>,
    pub signer_name: String,
    /// Nơi nhận, one entry each, without the leading dash ("TT Huyện ủy;"). The last should be
    /// "Lưu: VT." — [`NoticeDoc::recipient_lines`] adds it when it is missing.
    pub recipients: Vec<String>,
}

impl NoticeDoc {
    /// "Cẩm Thủy, ngày 27 tháng 03 năm 2023"; a draft: "Cẩm Thủy, ngày     tháng     năm 2023".
    pub fn place_date_line(&self) -> String {
        match self.date {
            NoticeDate::On(date) => place_date_line(&self.place, date, self.month_style),
            NoticeDate::Blank { year } => {
                format!("{}, ngày     tháng     năm {year}", self.place.trim())
            }
        }
    }

    /// The lines under "Nơi nhận:", each with its dash, ending with "- Lưu: VT.".
    pub fn recipient_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .recipients
            .iter()
            .map(|r| r.trim().trim_start_matches(['-', '+', '•']).trim())
            .filter(|r| !r.is_empty())
            .map(|r| format!("- {r}"))
            .collect();
        if !lines.iter().any(|l| l.starts_with("- Lưu")) {
            lines.push("- Lưu: VT.".into());
        }
        lines
    }

    /// The notice as a Word document (.docx).
    pub fn to_docx(&self) -> Result<Vec<u8>, DocumentError> {
        docx::write(self)
    }

    /// The notice as a PDF, fonts embedded.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        pdf::write(self)
    }

    /// The task paragraphs as printed: "1. <content>".
    pub fn task_lines(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.tasks.iter().enumerate().map(|(i, t)| {
            (
                format!("{}. {}", i + 1, t.content.trim()),
                t.assignment_line(),
            )
        })
    }

    /// The notice of a conclusion as stored, with its meeting and the tasks it assigns (in the order
    /// given). `unit_name` names a unit ("Phòng Tài chính - Kế hoạch"); an unknown unit prints as
    /// "(đơn vị chưa xác định)". `issuer_name` is the issuing body as written in a sentence ("UBND
    /// huyện Cẩm Thủy"); the header prints it in capitals.
    ///
    /// A draft keeps the blanks of the number and the day for the records office. The words of the
    /// records are printed as written: inconsistencies in them are for the drafter to correct.
    pub fn from_records(
        conclusion: &Conclusion,
        meeting: &Meeting,
        tasks: &[Task],
        unit_name: impl Fn(UnitId) -> Option<String>,
        issuer_name: &str,
    ) -> NoticeDoc {
        let name = |id: UnitId| unit_name(id).unwrap_or_else(|| "(đơn vị chưa xác định)".into());
        let chair = meeting.chair.as_ref().map(|p| match &p.title {
            Some(t) if !t.trim().is_empty() => format!("{} {}", t.trim(), p.name.trim()),
            _ => p.name.trim().to_string(),
        });
        let meeting_title = lower_first(meeting.title.trim());

        let mut body = Vec::new();
        let mut intro = format!(
            "Ngày {}, {} tổ chức {}",
            short_date(meeting.date),
            issuer_name.trim(),
            meeting_title
        );
        if let Some(place) = meeting.place.as_deref().filter(|p| !p.trim().is_empty()) {
            intro.push_str(&format!(" tại {}", place.trim()));
        }
        match &chair {
            Some(c) => intro.push_str(&format!(
                " dưới sự chủ trì của {c}. Sau khi nghe ý kiến của các đại biểu dự họp, {c} kết luận như sau:"
            )),
            None => intro.push_str(". Cuộc họp kết luận như sau:"),
        }
        body.push(Block::Paragraph(intro));

        let sections = [
            ("Kết quả đạt được", &conclusion.results),
            ("Tồn tại, hạn chế", &conclusion.shortcomings),
            ("Phương hướng, nhiệm vụ", &conclusion.directions),
        ];
        let mut n = 0;
        for (heading, text) in sections {
            let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            n += 1;
            body.push(Block::Heading(format!("{n}. {heading}")));
            body.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Block::Paragraph(l.to_string())),
            );
        }
        let tasks_heading = (!tasks.is_empty()).then(|| format!("{}. Nhiệm vụ cụ thể", n + 1));
        let tasks = tasks
            .iter()
            .map(|t| NoticeTask {
                content: t.content.trim().to_string(),
                lead_unit: name(t.lead_unit_id),
                coordinating_units: t.coordinating_unit_ids.iter().map(|&u| name(u)).collect(),
                deadline: t.deadline.label(Lang::Vi),
            })
            .collect();
        let closing = vec![match &chair {
            Some(c) => format!(
                "Trên đây là ý kiến kết luận của {c} tại {meeting_title}. Đề nghị các cơ quan, đơn vị liên quan nghiêm túc triển khai thực hiện."
            ),
            None => format!(
                "Trên đây là kết luận tại {meeting_title}. Đề nghị các cơ quan, đơn vị liên quan nghiêm túc triển khai thực hiện."
            ),
        }];

        let number = match &conclusion.number {
            Some(n) => number_line(Some(n.number), &n.symbol),
            None => number_line(None, &conclusion.symbol),
        };
        let date = match conclusion.issued_on {
            Some(d) => NoticeDate::On(d),
            None => NoticeDate::Blank {
                year: meeting.date.year(),
            },
        };
        let signer_title = conclusion.signer_title.as_deref().unwrap_or("").trim();
        let authority_lines = conclusion
            .authority
            .lines(signer_title)
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect();

        NoticeDoc {
            superior_body: None,
            issuer_lines: vec![issuer_name.trim().to_uppercase()],
            number_line: number,
            place: conclusion.place.clone().unwrap_or_default(),
            date,
            month_style: MonthStyle::default(),
            title: "THÔNG BÁO".into(),
            subject: conclusion.title.trim().to_string(),
            body,
            tasks_heading,
            tasks,
            closing,
            authority_lines,
            signer_name: conclusion.signer_name.clone().unwrap_or_default(),
            recipients: conclusion.recipients.clone(),
        }
    }
}

/// "Phiên họp thường kỳ" → "phiên họp thường kỳ" inside a sentence; an abbreviation ("UBND…") is
/// left alone.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_first_keeps_abbreviations() {
        assert_eq!(lower_first("Phiên họp thường kỳ"), "phiên họp thường kỳ");
        assert_eq!(lower_first("UBND huyện họp"), "UBND huyện họp");
        assert_eq!(lower_first(""), "");
    }
}
