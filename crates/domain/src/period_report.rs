//! The period report (báo cáo tình hình kinh tế - xã hội tháng/quý/6 tháng/năm) drafted from data.
//!
//! [`draft`] turns a unit's roll-up figures, the tasks of earlier conclusions and the recommendations
//! of the period into the blocks of a report in the words of the seeds: "Toàn huyện gieo cấy 5.466,32
//! ha lúa, đạt 101,2% kế hoạch, tăng 3,1% so với cùng kỳ năm trước." Every figure printed carries its
//! [`Source`] (indicator, which figure, the value), so a reader of the draft can trace each number to
//! the record it came from, and the office edits the words before the report is issued.
//!
//! Pure: the figures come in computed (the storage's maintained aggregates); nothing here reads.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::indicator::{Figure, Sector, ValueType};
use crate::period::{Period, PeriodKind};
use crate::task_status::TaskStatus;
use crate::unit::UnitKind;

/// Which figure of a roll-up row a number in the draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// This period's figure.
    Value,
    /// Year to date (lũy kế).
    YearToDate,
    /// The annual plan target.
    Target,
    /// Year to date as % of the plan.
    PercentOfPlan,
    /// The same period a year earlier.
    LastYear,
    /// Change on the same period last year, in %.
    Change,
}

impl FigureKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            FigureKind::Value => "số kỳ này",
            FigureKind::YearToDate => "lũy kế từ đầu năm",
            FigureKind::Target => "kế hoạch năm",
            FigureKind::PercentOfPlan => "% kế hoạch",
            FigureKind::LastYear => "cùng kỳ năm trước",
            FigureKind::Change => "% so với cùng kỳ",
        }
    }
}

/// Where a number of the draft comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A roll-up figure of the reporting unit: `code` of the indicator, which figure, and the number
    /// as the draft prints it.
    Figure {
        code: String,
        figure: FigureKind,
        printed: String,
    },
    /// A count over the tasks (`ids` are the tasks counted).
    Tasks { printed: String, ids: Vec<String> },
    /// A recommendation record.
    Recommendation { id: String },
    /// A task record.
    Task { id: String },
}

/// One indicator's figures at the reporting unit for the period, as the roll-up computed them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFigure {
    pub code: String,
    pub name: String,
    pub measure: String,
    pub value_type: ValueType,
    pub sector: Sector,
    pub sector_label: String,
    pub decimals: u8,
    pub value: Option<Figure>,
    pub year_to_date: Option<Figure>,
    pub target: Option<Figure>,
    pub percent_of_plan: Option<Figure>,
    pub last_year: Option<Figure>,
    pub change: Option<Figure>,
}

/// A task as the report lists it, its status already assessed as of the report's date.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTask {
    pub id: String,
    pub content: String,
    pub lead: String,
    /// The deadline in force, as written ("chậm nhất ngày 27/03/2023", "thường xuyên").
    pub due_label: String,
    pub status: TaskStatus,
    pub status_label: String,
}

/// A recommendation (kiến nghị) raised in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecommendation {
    pub id: String,
    pub raised_by: String,
    pub content: String,
    pub answer: Option<String>,
}

/// Everything a draft is made from.
#[derive(Debug, Clone)]
pub struct ReportInputs {
    /// The reporting unit's name as a sentence writes it ("huyện Cẩm Thủy").
    pub unit_name: String,
    pub unit_kind: UnitKind,
    /// The issuing body as a sentence writes it ("UBND huyện Cẩm Thủy").
    pub issuer: String,
    pub period: Period,
    pub figures: Vec<ReportFigure>,
    /// Tasks reviewed in the period (due in it, or standing), statuses as of the report's date.
    pub tasks: Vec<ReportTask>,
    /// Tasks due in the next period: the focus of the next one.
    pub next_tasks: Vec<ReportTask>,
    pub recommendations: Vec<ReportRecommendation>,
}

/// What a block of the draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftBlockKind {
    Heading,
    Paragraph,
    /// The table of indicators; its rows are fixed by the data (regenerate to update them).
    Table,
}

/// A block of the draft. The office edits `text`; `generated` keeps what giaoban wrote, so the page
/// can say which blocks were changed by hand (their numbers no longer trace by construction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftBlock {
    pub kind: DraftBlockKind,
    pub text: String,
    pub generated: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// For a table: the rows, one cell per [`TABLE_COLUMNS`] entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Vec<String>>,
}

impl DraftBlock {
    fn heading(text: String) -> DraftBlock {
        DraftBlock {
            kind: DraftBlockKind::Heading,
            generated: text.clone(),
            text,
            sources: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn paragraph(text: String, sources: Vec<Source>) -> DraftBlock {
        DraftBlock {
            kind: DraftBlockKind::Paragraph,
            generated: text.clone(),
            text,
            sources,
            rows: Vec::new(),
        }
    }

    /// Whether the office changed the words giaoban wrote.
    pub fn edited(&self) -> bool {
        self.text.trim() != self.generated.trim()
    }
}

/// The table's columns: STT, indicator, measure, this period, year to date, plan, % of plan, same
/// period last year.
pub const TABLE_COLUMNS: [&str; 8] = [
    "STT",
    "Chỉ tiêu",
    "ĐVT",
    "Thực hiện kỳ báo cáo",
    "Lũy kế từ đầu năm",
    "Kế hoạch năm",
    "% KH",
    "Cùng kỳ năm trước",
];

/// A drafted report: the subject line and the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// "Tình hình kinh tế - xã hội quý I, nhiệm vụ trọng tâm quý II năm 2023".
    pub subject: String,
    pub blocks: Vec<DraftBlock>,
}

/// The whole document as the office edits it: the draft and what goes around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportContent {
    pub subject: String,
    pub blocks: Vec<DraftBlock>,
    /// "Số:     /BC-UBND" until the records office registers it.
    pub number_line: String,
    pub place: String,
    /// Above the signature: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"].
    pub authority_lines: Vec<String>,
    pub signer_name: String,
    /// Nơi nhận, one entry each.
    pub recipients: Vec<String>,
}

/// A stored period report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub id: uuid::Uuid,
    pub unit_id: crate::unit::UnitId,
    /// Serialised as its code ("2023Q1").
    pub period: Period,
    /// The date the task statuses were assessed at (ISO).
    pub as_of: String,
    pub content: ReportContent,
    pub version: i64,
}

#[derive(Deserialize)]
struct PhraseFile {
    phrases: BTreeMap<String, String>,
}

/// The bundled phrases (data/report_phrases.toml), by indicator code.
pub static PHRASES: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    toml::from_str::<PhraseFile>(include_str!("../data/report_phrases.toml"))
        .map(|f| f.phrases)
        .unwrap_or_default()
});

/// "quý I năm 2023", "tháng 03 năm 2023", "6 tháng đầu năm 2023", "năm 2023": the period as a
/// report's subject line writes it.
pub fn period_words(p: Period) -> String {
    let y = p.year();
    let i = p.index();
    match p.kind() {
        PeriodKind::Week => format!("tuần {i} năm {y}"),
        PeriodKind::Month => format!("tháng {i:02} năm {y}"),
        PeriodKind::Quarter => format!("quý {} năm {y}", roman(i)),
        PeriodKind::HalfYear if i == 1 => format!("6 tháng đầu năm {y}"),
        PeriodKind::HalfYear => format!("6 tháng cuối năm {y}"),
        PeriodKind::NineMonths => format!("9 tháng năm {y}"),
        PeriodKind::Year => format!("năm {y}"),
    }
}

/// The period without its year ("quý I", "tháng 03"), for "quý I, nhiệm vụ trọng tâm quý II năm 2023".
fn period_short(p: Period) -> String {
    let i = p.index();
    match p.kind() {
        PeriodKind::Week => format!("tuần {i}"),
        PeriodKind::Month => format!("tháng {i:02}"),
        PeriodKind::Quarter => format!("quý {}", roman(i)),
        PeriodKind::HalfYear if i == 1 => "6 tháng đầu năm".into(),
        PeriodKind::HalfYear => "6 tháng cuối năm".into(),
        PeriodKind::NineMonths => "9 tháng".into(),
        PeriodKind::Year => "năm".into(),
    }
}

fn roman(n: i8) -> &'static str {
    match n {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        _ => "?",
    }
}

/// The Roman numerals of the report's parts.
const PARTS: [&str; 4] = ["I", "II", "III", "IV"];

/// "Toàn huyện", "Toàn xã"…: how a sentence about the whole unit begins.
fn scope_words(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "Toàn tỉnh",
        UnitKind::District => "Toàn huyện",
        UnitKind::Town => "Toàn thị xã",
        UnitKind::City => "Toàn thành phố",
        UnitKind::Commune => "Toàn xã",
        UnitKind::Township => "Toàn thị trấn",
        UnitKind::Ward => "Toàn phường",
        _ => "Toàn đơn vị",
    }
}

/// A figure as the report writes it: counts under ten with a leading zero ("09 doanh nghiệp"), as
/// official Vietnamese writing does; other figures with the indicator's decimals.
pub fn figure_words(f: Figure, value_type: ValueType, decimals: u8) -> String {
    if value_type == ValueType::Count && f.is_integer() && f.to_f64() >= 0.0 && f.to_f64() < 10.0 {
        format!("{:02}", f.to_f64() as i64)
    } else {
        f.format_vi(decimals)
    }
}

/// A percentage as the report writes it: one decimal, without a trailing ",0" ("101,2", "20").
pub fn percent_words(f: Figure) -> String {
    let s = f.format_vi(1);
    s.strip_suffix(",0").map(str::to_owned).unwrap_or(s)
}

/// The figure with its measure: "5.466,32 ha", "3,5%", "09 doanh nghiệp".
fn with_measure(number: &str, measure: &str) -> String {
    let m = measure.trim();
    if m.is_empty() {
        number.to_string()
    } else if m == "%" {
        format!("{number}%")
    } else {
        format!("{number} {m}")
    }
}

/// One sentence about one indicator, and the sources of its numbers; none when the indicator has
/// nothing to say this period (no figure) or is not a number.
fn sentence(f: &ReportFigure, scope: &str) -> Option<(String, Vec<Source>)> {
    if matches!(f.value_type, ValueType::Text | ValueType::YesNo) {
        return None;
    }
    let value = f.value?;
    let mut sources = Vec::new();
    let mut src = |figure: FigureKind, printed: &str| {
        sources.push(Source::Figure {
            code: f.code.clone(),
            figure,
            printed: printed.to_string(),
        });
    };
    let v = figure_words(value, f.value_type, f.decimals);
    src(FigureKind::Value, &v);
    let valued = with_measure(&v, &f.measure);
    let mut s = match PHRASES.get(&f.code) {
        Some(p) if p.contains("{value}") => {
            format!("{scope} {}", p.replace("{value}", &valued))
        }
        _ => format!("{} đạt {valued}", f.name.trim()),
    };
    // Year to date, when it says more than this period's figure (a flow after the first period).
    if let Some(ytd) = f.year_to_date.filter(|&y| y != value) {
        let y = figure_words(ytd, f.value_type, f.decimals);
        src(FigureKind::YearToDate, &y);
        s.push_str(&format!(
            ", lũy kế từ đầu năm {}",
            with_measure(&y, &f.measure)
        ));
    }
    if let Some(p) = f.percent_of_plan {
        let w = percent_words(p);
        src(FigureKind::PercentOfPlan, &w);
        s.push_str(&format!(", đạt {w}% kế hoạch"));
    }
    if let Some(c) = f.change {
        let w = percent_words(Figure::from_scaled(c.scaled().abs()));
        src(FigureKind::Change, &w);
        if c.scaled() > 0 {
            s.push_str(&format!(", tăng {w}% so với cùng kỳ năm trước"));
        } else if c.scaled() < 0 {
            s.push_str(&format!(", giảm {w}% so với cùng kỳ năm trước"));
        } else {
            s.push_str(", bằng cùng kỳ năm trước");
        }
    }
    s.push('.');
    Some((s, sources))
}

fn task_line(t: &ReportTask) -> String {
    format!(
        "- {} (chủ trì: {}; thời hạn: {}): {}.",
        t.content.trim().trim_end_matches('.'),
        t.lead.trim(),
        t.due_label.trim(),
        lower_first(t.status_label.trim())
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Drafts the report.
pub fn draft(inputs: &ReportInputs) -> ReportDraft {
    let p = inputs.period;
    let words = period_words(p);
    let subject = match p.next() {
        Ok(next) if next.year() == p.year() => format!(
            "Tình hình kinh tế - xã hội {}, nhiệm vụ trọng tâm {} năm {}",
            period_short(p),
            period_short(next),
            p.year()
        ),
        Ok(next) => format!(
            "Tình hình kinh tế - xã hội {words}, nhiệm vụ trọng tâm {}",
            period_words(next)
        ),
        Err(_) => format!("Tình hình kinh tế - xã hội {words}"),
    };
    let scope = scope_words(inputs.unit_kind);
    let mut blocks = vec![DraftBlock::paragraph(
        format!(
            "{} báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội {words} như sau:",
            inputs.issuer.trim()
        ),
        Vec::new(),
    )];

    // I. Results, sector by sector, then the table.
    blocks.push(DraftBlock::heading(format!(
        "{}. KẾT QUẢ THỰC HIỆN NHIỆM VỤ PHÁT TRIỂN KINH TẾ - XÃ HỘI {}",
        PARTS[0],
        words.to_uppercase()
    )));
    let mut sectors: Vec<(Sector, String)> = Vec::new();
    for f in &inputs.figures {
        if !sectors.iter().any(|(s, _)| *s == f.sector) {
            sectors.push((f.sector, f.sector_label.clone()));
        }
    }
    let mut n = 0;
    for (sector, label) in &sectors {
        let mut text = Vec::new();
        let mut sources = Vec::new();
        for f in inputs.figures.iter().filter(|f| f.sector == *sector) {
            if let Some((s, src)) = sentence(f, scope) {
                text.push(s);
                sources.extend(src);
            }
        }
        if text.is_empty() {
            continue;
        }
        n += 1;
        blocks.push(DraftBlock::heading(format!("{n}. {}", label.trim())));
        blocks.push(DraftBlock::paragraph(text.join(" "), sources));
    }
    let table_rows: Vec<(Vec<String>, Vec<Source>)> = inputs
        .figures
        .iter()
        .filter(|f| !matches!(f.value_type, ValueType::Text))
        .enumerate()
        .map(|(i, f)| {
            let mut sources = Vec::new();
            let mut cell = |fig: Option<Figure>, kind: FigureKind, pct: bool| match fig {
                Some(x) => {
                    let w = if pct {
                        percent_words(x)
                    } else {
                        x.format_vi(f.decimals)
                    };
                    sources.push(Source::Figure {
                        code: f.code.clone(),
                        figure: kind,
                        printed: w.clone(),
                    });
                    w
                }
                None => String::new(),
            };
            let row = vec![
                (i + 1).to_string(),
                f.name.trim().to_string(),
                f.measure.trim().to_string(),
                cell(f.value, FigureKind::Value, false),
                cell(f.year_to_date, FigureKind::YearToDate, false),
                cell(f.target, FigureKind::Target, false),
                cell(f.percent_of_plan, FigureKind::PercentOfPlan, true),
                cell(f.last_year, FigureKind::LastYear, false),
            ];
            (row, sources)
        })
        .collect();
    if !table_rows.is_empty() {
        n += 1;
        let heading = format!("{n}. Biểu tổng hợp các chỉ tiêu {words}");
        blocks.push(DraftBlock::heading(heading.clone()));
        let (rows, sources): (Vec<_>, Vec<_>) = table_rows.into_iter().unzip();
        blocks.push(DraftBlock {
            kind: DraftBlockKind::Table,
            text: heading.clone(),
            generated: heading,
            sources: sources.concat(),
            rows,
        });
    }

    // II. The tasks of earlier conclusions.
    blocks.push(DraftBlock::heading(format!(
        "{}. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO",
        PARTS[1]
    )));
    if inputs.tasks.is_empty() {
        blocks.push(DraftBlock::paragraph(
            format!("Trong {words}, không có nhiệm vụ đến hạn."),
            Vec::new(),
        ));
    } else {
        let ids = |pred: &dyn Fn(TaskStatus) -> bool| -> Vec<String> {
            inputs
                .tasks
                .iter()
                .filter(|t| pred(t.status))
                .map(|t| t.id.clone())
                .collect()
        };
        let all = ids(&|_| true);
        let on_time = ids(&|s| s == TaskStatus::CompletedOnTime);
        let late = ids(&|s| s == TaskStatus::CompletedLate);
        let in_time = ids(&|s| matches!(s, TaskStatus::InProgress | TaskStatus::DueSoon));
        let overdue = ids(&|s| s == TaskStatus::Overdue);
        let standing = ids(&|s| s == TaskStatus::Standing);
        let mut sources = Vec::new();
        let mut count = |v: &[String]| {
            let printed = format!("{:02}", v.len());
            sources.push(Source::Tasks {
                printed: printed.clone(),
                ids: v.to_vec(),
            });
            printed
        };
        let total = count(&all);
        let done = [on_time.clone(), late.clone()].concat();
        let done_w = count(&done);
        let on_time_w = count(&on_time);
        let late_w = count(&late);
        let mut text = format!(
            "Các nhiệm vụ đến hạn trong {words} và nhiệm vụ thường xuyên: tổng số {total} nhiệm vụ; đã hoàn thành {done_w} nhiệm vụ (đúng hạn {on_time_w}, quá hạn {late_w})"
        );
        if !in_time.is_empty() {
            let w = count(&in_time);
            text.push_str(&format!("; đang thực hiện trong hạn {w} nhiệm vụ"));
        }
        if !overdue.is_empty() {
            let w = count(&overdue);
            text.push_str(&format!("; quá hạn chưa hoàn thành {w} nhiệm vụ"));
        }
        if !standing.is_empty() {
            let w = count(&standing);
            text.push_str(&format!("; nhiệm vụ thường xuyên {w}"));
        }
        text.push('.');
        blocks.push(DraftBlock::paragraph(text, sources));
        let open: Vec<&ReportTask> = inputs.tasks.iter().filter(|t| t.status.is_open()).collect();
        if !open.is_empty() {
            blocks.push(DraftBlock::paragraph(
                "Các nhiệm vụ chưa hoàn thành:".into(),
                Vec::new(),
            ));
            for t in open {
                blocks.push(DraftBlock::paragraph(
                    task_line(t),
                    vec![Source::Task { id: t.id.clone() }],
                ));
            }
        }
    }

    // III. Difficulties and recommendations.
    blocks.push(DraftBlock::heading(format!(
        "{}. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT",
        PARTS[2]
    )));
    if inputs.recommendations.is_empty() {
        blocks.push(DraftBlock::paragraph(
            format!("Trong {words}, các đơn vị không có kiến nghị."),
            Vec::new(),
        ));
    }
    for r in &inputs.recommendations {
        let mut text = format!(
            "- {}: {}",
            r.raised_by.trim(),
            r.content.trim().trim_end_matches('.')
        );
        text.push('.');
        if let Some(a) = r.answer.as_deref().filter(|a| !a.trim().is_empty()) {
            text.push_str(&format!(" Ý kiến trả lời: {}", a.trim()));
            if !text.ends_with('.') {
                text.push('.');
            }
        }
        blocks.push(DraftBlock::paragraph(
            text,
            vec![Source::Recommendation { id: r.id.clone() }],
        ));
    }

    // IV. The focus of the next period: the tasks falling due in it.
    if let Ok(next) = p.next() {
        blocks.push(DraftBlock::heading(format!(
            "{}. NHIỆM VỤ TRỌNG TÂM {}",
            PARTS[3],
            period_words(next).to_uppercase()
        )));
        if inputs.next_tasks.is_empty() {
            blocks.push(DraftBlock::paragraph(String::new(), Vec::new()));
        }
        for t in &inputs.next_tasks {
            blocks.push(DraftBlock::paragraph(
                format!(
                    "- {} (chủ trì: {}; thời hạn: {}).",
                    t.content.trim().trim_end_matches('.'),
                    t.lead.trim(),
                    t.due_label.trim()
                ),
                vec![Source::Task { id: t.id.clone() }],
            ));
        }
    }

    ReportDraft { subject, blocks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::Figure;

    fn fig(s: &str) -> Option<Figure> {
        Some(Figure::parse(s).expect("figure"))
    }

    fn sown() -> ReportFigure {
        ReportFigure {
            code: "NN_LUA_GIEO_CAY".into(),
            name: "Diện tích lúa gieo cấy".into(),
            measure: "ha".into(),
            value_type: ValueType::Number,
            sector: Sector::Agriculture,
            sector_label: "Nông, lâm nghiệp và thủy sản".into(),
            decimals: 2,
            value: fig("5.466,32"),
            year_to_date: fig("5.466,32"),
            target: fig("5.401,5"),
            percent_of_plan: fig("101,2"),
            last_year: fig("5.301,7"),
            change: fig("3,1"),
        }
    }

    fn inputs(figures: Vec<ReportFigure>) -> ReportInputs {
        ReportInputs {
            unit_name: "huyện Cẩm Thủy".into(),
            unit_kind: UnitKind::District,
            issuer: "UBND huyện Cẩm Thủy".into(),
            period: Period::new(PeriodKind::Quarter, 2023, 1).expect("period"),
            figures,
            tasks: Vec::new(),
            next_tasks: Vec::new(),
            recommendations: Vec::new(),
        }
    }

    #[test]
    fn writes_the_seed_sentence() {
        let d = draft(&inputs(vec![sown()]));
        assert_eq!(
            d.subject,
            "Tình hình kinh tế - xã hội quý I, nhiệm vụ trọng tâm quý II năm 2023"
        );
        let p = d
            .blocks
            .iter()
            .find(|b| b.text.starts_with("Toàn huyện"))
            .expect("sentence");
        assert_eq!(
            p.text,
            "Toàn huyện gieo cấy 5.466,32 ha lúa, đạt 101,2% kế hoạch, tăng 3,1% so với cùng kỳ năm trước."
        );
        let printed: Vec<&str> = p
            .sources
            .iter()
            .map(|s| match s {
                Source::Figure { printed, .. } => printed.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(printed, ["5.466,32", "101,2", "3,1"]);
    }

    #[test]
    fn counts_under_ten_take_a_leading_zero_and_falls_are_written_as_such() {
        let f = ReportFigure {
            code: "DN_THANH_LAP_MOI".into(),
            name: "Doanh nghiệp thành lập mới".into(),
            measure: "doanh nghiệp".into(),
            value_type: ValueType::Count,
            decimals: 0,
            value: fig("9"),
            year_to_date: fig("9"),
            target: fig("45"),
            percent_of_plan: fig("20"),
            last_year: fig("11"),
            change: fig("-18,2"),
            ..sown()
        };
        let d = draft(&inputs(vec![f]));
        assert!(
            d.blocks.iter().any(|b| b.text
                == "Toàn huyện thành lập mới 09 doanh nghiệp, đạt 20% kế hoạch, giảm 18,2% so với cùng kỳ năm trước."),
            "{:#?}",
            d.blocks
        );
    }

    #[test]
    fn year_to_date_is_written_only_when_it_differs_and_unphrased_indicators_use_their_name() {
        let f = ReportFigure {
            code: "XX".into(),
            name: "Thu ngân sách".into(),
            measure: "triệu đồng".into(),
            value: fig("1.200"),
            year_to_date: fig("3.600,5"),
            target: None,
            percent_of_plan: None,
            change: None,
            ..sown()
        };
        let d = draft(&inputs(vec![f]));
        assert!(d.blocks.iter().any(|b| b.text
            == "Thu ngân sách đạt 1.200,00 triệu đồng, lũy kế từ đầu năm 3.600,50 triệu đồng."));
    }

    #[test]
    fn task_counts_and_open_tasks_are_listed_with_their_sources() {
        let mut i = inputs(vec![]);
        let t = |id: &str, status| ReportTask {
            id: id.into(),
            content: format!("Việc {id}"),
            lead: "Phòng Tài chính - Kế hoạch".into(),
            due_label: "chậm nhất ngày 27/03/2023".into(),
            status,
            status_label: "Quá hạn".into(),
        };
        i.tasks = vec![
            t("a", TaskStatus::CompletedOnTime),
            t("b", TaskStatus::Overdue),
            t("c", TaskStatus::CompletedLate),
        ];
        let d = draft(&i);
        let summary = d
            .blocks
            .iter()
            .find(|b| b.text.contains("tổng số"))
            .expect("summary");
        assert!(summary.text.contains("tổng số 03 nhiệm vụ; đã hoàn thành 02 nhiệm vụ (đúng hạn 01, quá hạn 01); quá hạn chưa hoàn thành 01 nhiệm vụ."), "{}", summary.text);
        assert!(d.blocks.iter().any(|b| b.text
            == "- Việc b (chủ trì: Phòng Tài chính - Kế hoạch; thời hạn: chậm nhất ngày 27/03/2023): quá hạn."));
    }

    #[test]
    fn every_phrase_names_a_bundled_indicator_and_has_its_value() {
        let catalog =
            crate::indicator::parse_catalog(crate::indicator::BUNDLED_CATALOG).expect("catalog");
        assert!(PHRASES.len() >= 10, "the phrase file did not load");
        for (code, phrase) in PHRASES.iter() {
            assert!(phrase.contains("{value}"), "{code}: {phrase}");
            assert!(
                catalog.iter().any(|i| i.code.as_str() == code),
                "{code} is not in the catalog"
            );
        }
    }

    #[test]
    fn period_words_read_as_subject_lines() {
        let p = |k, i| Period::new(k, 2023, i).expect("period");
        assert_eq!(period_words(p(PeriodKind::Month, 3)), "tháng 03 năm 2023");
        assert_eq!(
            period_words(p(PeriodKind::HalfYear, 1)),
            "6 tháng đầu năm 2023"
        );
        assert_eq!(period_words(p(PeriodKind::Year, 1)), "năm 2023");
        assert_eq!(percent_words(Figure::parse("20").expect("f")), "20");
        assert_eq!(percent_words(Figure::parse("101,24").expect("f")), "101,2");
    }
}
