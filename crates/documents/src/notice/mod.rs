//! The conclusion notice (thông báo kết luận) as a document: a plain model of what the page says
//! ([`NoticeDoc`]), built from the domain records or by hand, and its two writers, DOCX
//! ([`NoticeDoc::to_docx`]) and PDF ([`NoticeDoc::to_pdf`]), both in the Decree 30/2020 layout.
//!
//! The model holds finished text (numbers, dates and deadlines already written out), so both writers
//! print the same words and the tests can compare them with the seed notice.

mod docx;
mod layout;
mod metrics;
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

    /// Each column's width out of `total` such that no word of the column (its heading set bold,
    /// its cells regular) has to break: a column narrower by its share than its longest word plus
    /// `pad` gets that width, and the others share what is left by their shares. `word` measures a
    /// word (bold or not) in the unit of `total`.
    pub fn fitted_widths(
        &self,
        total: f32,
        pad: f32,
        word: impl Fn(&str, bool) -> f32,
    ) -> Vec<f32> {
        let shares: Vec<f32> = self.columns.iter().map(|c| c.share.max(0.01)).collect();
        let mins: Vec<f32> = (0..self.columns.len())
            .map(|c| {
                let heading = self.columns[c]
                    .heading
                    .split_whitespace()
                    .map(|w| word(w, true));
                let cells = (0..self.rows.len())
                    .flat_map(|r| self.cell(r, c).split_whitespace())
                    .map(|w| word(w, false));
                heading.chain(cells).fold(0.0_f32, f32::max) + pad
            })
            .collect();
        let need: f32 = mins.iter().sum();
        if need >= total {
            // Not enough room for every longest word: each column in proportion to its word.
            return mins
                .iter()
                .map(|m| total * m / need.max(f32::EPSILON))
                .collect();
        }
        // Columns pinned at their minimum; the others share the rest by their shares, until no
        // share falls below its column's minimum.
        let mut pinned = vec![false; shares.len()];
        loop {
            let free_total: f32 = total
                - mins
                    .iter()
                    .zip(&pinned)
                    .filter(|(_, p)| **p)
                    .map(|(m, _)| m)
                    .sum::<f32>();
            let free_shares: f32 = shares
                .iter()
                .zip(&pinned)
                .filter(|(_, p)| !**p)
                .map(|(s, _)| s)
                .sum();
            let widths: Vec<f32> = (0..shares.len())
                .map(|i| {
                    if pinned[i] {
                        mins[i]
                    } else {
                        free_total * shares[i] / free_shares.max(f32::EPSILON)
                    }
                })
                .collect();
            let mut changed = false;
            for ((p, w), m) in pinned.iter_mut().zip(&widths).zip(&mins) {
                if !*p && w < m {
                    *p = true;
                    changed = true;
                }
            }
            if !changed {
                return widths;
            }
        }
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

/// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", over the motto in the header's right column.
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// "Độc lập - Tự do - Hạnh phúc".
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
/// The label over the recipients.
pub const RECIPIENTS_LABEL: &str = "Nơi nhận:";

/// A paragraph of the body as printed ([`NoticeDoc::body_parts`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Printed<'a> {
    /// Bold, indented like a paragraph ("1. Kết quả đạt được").
    Heading(String),
    /// Justified, first line indented (the body, each task, the closing).
    Paragraph(String),
    /// The italic line under a task ("Chủ trì: …; thời hạn: …").
    Assignment(String),
    Table(&'a DocTable),
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

    /// The task paragraphs as printed: "1. <Content>", the content in sentence case (a task read
    /// out of a sentence, "tham mưu văn bản…", starts with a capital as a paragraph does).
    pub fn task_lines(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.tasks.iter().enumerate().map(|(i, t)| {
            (
                format!("{}. {}", i + 1, sentence_case(t.content.trim())),
                t.assignment_line(),
            )
        })
    }

    /// The body as both writers print it, in order: the blocks, the heading over the tasks, each
    /// task with its assignment line, the closing paragraphs. The web preview shows the same list,
    /// so what the office reads before issuing is what the DOCX and the PDF say.
    pub fn body_parts(&self) -> Vec<Printed<'_>> {
        let mut parts: Vec<Printed<'_>> = self
            .body
            .iter()
            .map(|b| match b {
                Block::Heading(h) => Printed::Heading(h.clone()),
                Block::Paragraph(p) => Printed::Paragraph(p.clone()),
                Block::Table(t) => Printed::Table(t),
            })
            .collect();
        if let Some(h) = &self.tasks_heading {
            parts.push(Printed::Heading(h.clone()));
        }
        for (task, assignment) in self.task_lines() {
            parts.push(Printed::Paragraph(task));
            parts.push(Printed::Assignment(assignment));
        }
        parts.extend(self.closing.iter().cloned().map(Printed::Paragraph));
        parts
    }

    /// Every paragraph of the notice as text, in reading order (the header's left column, then its
    /// right one; the body; the recipients, then the signature), table cells row by row. Both
    /// writers print exactly these texts; the tests compare them with what DOCX and PDF readers
    /// find in the files and with the web preview.
    pub fn paragraph_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(sup) = self
            .superior_body
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            out.push(sup.trim().to_string());
        }
        out.extend(self.issuer_lines.iter().cloned());
        out.push(self.number_line.clone());
        out.push(NATIONAL_TITLE.into());
        out.push(MOTTO.into());
        out.push(self.place_date_line());
        out.push(self.title.clone());
        out.push(self.subject.clone());
        for part in self.body_parts() {
            match part {
                Printed::Heading(t) | Printed::Paragraph(t) | Printed::Assignment(t) => out.push(t),
                Printed::Table(t) => {
                    out.extend(t.columns.iter().map(|c| c.heading.clone()));
                    for r in 0..t.rows.len() {
                        out.extend((0..t.columns.len()).map(|c| t.cell(r, c).to_string()));
                    }
                }
            }
        }
        out.push(RECIPIENTS_LABEL.into());
        out.extend(self.recipient_lines());
        out.extend(self.authority_lines.iter().cloned());
        out.push(self.signer_name.clone());
        out
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
        // A meeting named after its notice ("Kết luận của Chủ tịch… tại phiên họp…", as a pasted
        // notice's title becomes the meeting's name) is called by its kind in the sentences, which
        // would otherwise read "tổ chức kết luận của Chủ tịch…".
        let meeting_title = if is_notice_title(&meeting.title) {
            meeting_phrase(meeting)
        } else {
            lower_first(meeting.title.trim())
        };

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
            subject: notice_subject(conclusion, meeting),
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

/// The notice's title (its record's name) in the Decree 30 pattern, from the meeting's kind, date
/// and chair: "Thông báo kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm
/// 2023". Without a chair: "Thông báo kết luận tại …".
pub fn generated_title(meeting: &Meeting) -> String {
    let chair = meeting
        .chair
        .as_ref()
        .map(|p| match &p.title {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => p.name.trim().to_string(),
        })
        .filter(|c| !c.is_empty());
    match chair {
        Some(c) => format!("Thông báo kết luận của {c} tại {}", meeting_phrase(meeting)),
        None => format!("Thông báo kết luận tại {}", meeting_phrase(meeting)),
    }
}

/// The title the notice goes out under: the office's own, unless it gave none or gave the
/// meeting's name (the reading page defaults one to the other), in which case
/// [`generated_title`].
pub fn notice_title(conclusion: &Conclusion, meeting: &Meeting) -> String {
    let own = conclusion.title.trim();
    if own.is_empty() || fold(own) == fold(&meeting.title) {
        generated_title(meeting)
    } else {
        own.to_string()
    }
}

/// The subject line under "THÔNG BÁO" (trích yếu): the title without its document type, which the
/// line above already prints: "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ…".
pub fn notice_subject(conclusion: &Conclusion, meeting: &Meeting) -> String {
    use unicode_normalization::UnicodeNormalization;
    let title: String = notice_title(conclusion, meeting).nfc().collect();
    let words: Vec<&str> = title.split_whitespace().collect();
    match words.as_slice() {
        [a, b, rest @ ..]
            if !rest.is_empty() && a.to_lowercase() == "thông" && b.to_lowercase() == "báo" =>
        {
            sentence_case(&rest.join(" "))
        }
        _ => title,
    }
}

/// The meeting as a sentence names it by its kind and date: "phiên họp thường kỳ tháng 03 năm
/// 2023", "hội nghị giao ban ngày 06/04/2023".
pub fn meeting_phrase(meeting: &Meeting) -> String {
    use giaoban_domain::meeting::MeetingKind;
    let d = meeting.date;
    let month_year = format!("tháng {:02} năm {}", d.month(), d.year());
    match meeting.kind {
        MeetingKind::RegularSession => format!("phiên họp thường kỳ {month_year}"),
        MeetingKind::Briefing => format!("hội nghị giao ban ngày {}", short_date(d)),
        MeetingKind::Review => format!("hội nghị sơ kết ngày {}", short_date(d)),
        MeetingKind::AnnualReview => format!("hội nghị tổng kết năm {}", d.year()),
        MeetingKind::Thematic => format!("hội nghị chuyên đề ngày {}", short_date(d)),
    }
}

/// Whether a name is itself a notice's title ("Thông báo kết luận…", "Kết luận của Chủ tịch…"),
/// so cannot name the meeting in a sentence.
fn is_notice_title(name: &str) -> bool {
    let f = fold(name);
    f.is_empty()
        || f.starts_with("thông báo")
        || f.starts_with("kết luận")
        || f.contains("kết luận của")
}

/// A comparison key: NFC, lower case, spaces collapsed.
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "tham mưu văn bản…" → "Tham mưu văn bản…": the first letter upper-cased (Vietnamese letters
/// too: "đôn đốc" → "Đôn đốc"); what comes before it (a quote, a bracket) and after it is kept.
pub fn sentence_case(s: &str) -> String {
    let Some((i, c)) = s.char_indices().find(|(_, c)| c.is_alphabetic()) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push_str(&s[..i]);
    out.extend(c.to_uppercase());
    out.push_str(&s[i + c.len_utf8()..]);
    out
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

    #[test]
    fn sentence_case_upper_cases_the_first_letter() {
        assert_eq!(sentence_case("đôn đốc các xã"), "Đôn đốc các xã");
        assert_eq!(sentence_case("«ủy ban»"), "«Ủy ban»");
        assert_eq!(sentence_case("UBND huyện"), "UBND huyện");
        assert_eq!(sentence_case("12 xã"), "12 Xã");
        assert_eq!(sentence_case(""), "");
    }
}
