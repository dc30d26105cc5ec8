//! Period reports (báo cáo tình hình kinh tế - xã hội): drafted from a unit's roll-ups, the tasks
//! of earlier conclusions and the recommendations of the period ([`giaoban_domain::period_report`]),
//! stored, edited by the office in the app, and exported as DOCX, PDF and XLSX. The pages and the API
//! both call these functions.

use std::collections::HashMap;

use giaoban_documents::{Block, CellAlign, DocColumn, DocTable, NoticeDate, NoticeDoc};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::calendar::local_date;
use giaoban_domain::indicator::{Figure, ValueType};
use giaoban_domain::period::Period;
use giaoban_domain::period_report::{
    self, DraftBlockKind, PeriodReport, ReportContent, ReportFigure, ReportInputs,
    ReportRecommendation, ReportTask, Source, TABLE_COLUMNS,
};
use giaoban_domain::task_status::TaskStatus;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, Invalids, Unit, UnitId, UnitKind};
use giaoban_domain::user::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;
use crate::reports::{parse_period, rollup_rows};
use crate::work::{FileOut, TaskQuery, list_tasks, parse_as_of_at};

/// Who drafts and edits a unit's report: office staff, leaders and admins over it, and a commune's
/// own people for their commune.
fn may_write(me: &Caller, tree: &UnitTree<'_>, unit: UnitId) -> bool {
    me.may(tree, Permission::WriteRecords, unit)
}

/// A new draft: the unit (default: the user's own territory), the period and the day task statuses
/// are assessed at (default: today).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportCreate {
    pub unit_id: Option<Uuid>,
    /// Period: a code (`2023Q1`, `202303`, `2023S1`, `2023N9`, `2023`) or as officials write it
    /// ("quý I/2023", "6 tháng đầu năm 2023").
    pub period: String,
    /// `YYYY-MM-DD`.
    pub as_of: Option<String>,
}

/// An edit: the text of every block in order (tables keep their rows; their text is the heading),
/// and the parts around the body. `version` is the one the editor saw.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEdit {
    pub version: i64,
    pub subject: String,
    pub blocks: Vec<String>,
    pub number_line: String,
    pub place: String,
    pub authority_lines: Vec<String>,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

/// Make the draft again from the data as it is now (the words typed by hand are replaced).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRegenerate {
    pub version: i64,
    pub as_of: Option<String>,
}

/// Where a number of the draft comes from, as a link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceView {
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlockView {
    pub index: usize,
    /// `heading`, `paragraph` or `table`.
    pub kind: String,
    pub text: String,
    /// The office changed giaoban's words: its numbers are theirs to check.
    pub edited: bool,
    pub sources: Vec<SourceView>,
    /// For the table: its rows under [`TABLE_COLUMNS`].
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodReportView {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    pub as_of: String,
    pub subject: String,
    pub number_line: String,
    pub place: String,
    pub authority_lines: Vec<String>,
    pub signer_name: String,
    pub recipients: Vec<String>,
    pub columns: Vec<String>,
    pub blocks: Vec<BlockView>,
    pub version: i64,
    pub can_edit: bool,
}

fn within(tree: &UnitTree<'_>, id: UnitId, root: UnitId) -> bool {
    tree.ancestry(id).contains(&root)
}

/// "Cẩm Thủy" from "Huyện Cẩm Thủy": the place of the date line.
fn place_of(unit: &Unit) -> String {
    let name = unit.name.trim();
    let lower = name.to_lowercase();
    for prefix in [
        "thành phố ",
        "thị xã ",
        "thị trấn ",
        "huyện ",
        "tỉnh ",
        "xã ",
        "phường ",
    ] {
        if lower.starts_with(prefix) {
            return name[prefix.len()..].trim().to_string();
        }
    }
    name.to_string()
}

/// "huyện Cẩm Thủy": the unit as a sentence writes it.
fn in_sentence(unit: &Unit) -> String {
    let name = unit.name.trim();
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() && name.contains(' ') => {
            let first_word = name.split(' ').next().unwrap_or("");
            if first_word.chars().skip(1).all(char::is_lowercase) {
                return c.to_lowercase().chain(chars).collect();
            }
            name.to_string()
        }
        _ => name.to_string(),
    }
}

/// The issuing body: the unit's People's Committee ("UBND huyện Cẩm Thủy") when it has one.
fn issuer_of(tree: &UnitTree<'_>, unit: &Unit) -> String {
    tree.children(Some(unit.id))
        .iter()
        .find(|c| c.kind == UnitKind::PeopleCommittee)
        .map_or_else(|| format!("UBND {}", in_sentence(unit)), |c| c.name.clone())
}

fn default_recipients(kind: UnitKind) -> Vec<String> {
    let level = match kind {
        UnitKind::Commune | UnitKind::Township | UnitKind::Ward => "xã",
        UnitKind::Province => "tỉnh",
        _ => "huyện",
    };
    let up = match kind {
        UnitKind::Commune | UnitKind::Township | UnitKind::Ward => "UBND huyện (b/c)",
        UnitKind::Province => "Văn phòng Chính phủ (b/c)",
        _ => "UBND tỉnh (b/c)",
    };
    vec![
        up.into(),
        format!("TT Đảng ủy, TT HĐND {level} (b/c)"),
        format!("Chủ tịch, các Phó Chủ tịch UBND {level}"),
        "Các cơ quan, đơn vị liên quan".into(),
        "Lưu: VT.".into(),
    ]
}

async fn generate(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    unit: &Unit,
    period: Period,
    as_of: &str,
) -> Result<period_report::ReportDraft, Error> {
    let indicators = state.store.indicators().await?;
    let by_code: HashMap<String, ValueType> = indicators
        .iter()
        .map(|i| (i.code.to_string(), i.value_type))
        .collect();
    let rows = rollup_rows(&state.store, unit.id, period, &indicators, Lang::Vi).await?;
    let fig = |v: Option<f64>| v.and_then(Figure::from_f64);
    let figures = rows
        .iter()
        .map(|r| ReportFigure {
            code: r.code.clone(),
            name: r.name.clone(),
            measure: r.measure.clone(),
            value_type: by_code.get(&r.code).copied().unwrap_or(ValueType::Number),
            sector: giaoban_domain::indicator::Sector::parse(&r.sector)
                .unwrap_or(giaoban_domain::indicator::Sector::Other),
            sector_label: r.sector_label.clone(),
            decimals: r.decimals,
            value: fig(r.value),
            year_to_date: fig(r.ytd),
            target: fig(r.target),
            percent_of_plan: fig(r.percent_of_plan),
            last_year: fig(r.last_year),
            change: fig(r.change),
        })
        .collect();

    let tasks_of = |p: Period, open_only: bool| TaskQuery {
        period: Some(p.code()),
        status: open_only.then(|| "open".to_string()),
        as_of: Some(as_of.to_string()),
        ..TaskQuery::default()
    };
    let to_report = |l: &crate::work::Listed| ReportTask {
        id: l.view.id.to_string(),
        content: l.view.content.clone(),
        lead: l.view.lead.name.clone(),
        due_label: l
            .view
            .due_label
            .clone()
            .unwrap_or_else(|| l.view.deadline_label.clone()),
        status: l.status.assessment.status,
        status_label: l.view.status_label.clone(),
    };
    let mine = |l: &&crate::work::Listed| {
        within(tree, l.task.assigner_unit_id, unit.id) || within(tree, l.task.lead_unit_id, unit.id)
    };
    let (listed, _) = list_tasks(state, me, &tasks_of(period, false), Lang::Vi).await?;
    let tasks: Vec<ReportTask> = listed.iter().filter(mine).map(to_report).collect();
    let next_tasks = match period.next() {
        Ok(next) => {
            let (listed, _) = list_tasks(state, me, &tasks_of(next, true), Lang::Vi).await?;
            listed
                .iter()
                .filter(mine)
                .filter(|l| l.status.assessment.status != TaskStatus::Standing)
                .map(to_report)
                .collect()
        }
        Err(_) => Vec::new(),
    };

    let recommendations = state
        .store
        .recommendations()
        .await?
        .into_iter()
        .filter(|r| period.contains(r.raised_on) && within(tree, r.raised_by_unit_id, unit.id))
        .map(|r| ReportRecommendation {
            id: r.id.to_string(),
            raised_by: tree
                .get(r.raised_by_unit_id)
                .map_or_else(String::new, |u| u.name.clone()),
            content: r.content,
            answer: r.answer,
        })
        .collect();

    Ok(period_report::draft(&ReportInputs {
        unit_name: in_sentence(unit),
        unit_kind: unit.kind,
        issuer: issuer_of(tree, unit),
        period,
        figures,
        tasks,
        next_tasks,
        recommendations,
    }))
}

/// The day a report is drafted as of: `raw`, or today by the app's clock when empty.
fn parse_day(state: &App, raw: Option<&str>) -> Result<String, Error> {
    let ts = parse_as_of_at(raw, state.now())?;
    Ok(local_date(ts).to_string())
}

fn readable(me: &Caller, tree: &UnitTree<'_>, r: &PeriodReport) -> bool {
    me.may(tree, Permission::ReadRecords, r.unit_id)
}

fn view(
    r: &PeriodReport,
    tree: &UnitTree<'_>,
    me: &Caller,
    names: &HashMap<String, String>,
) -> PeriodReportView {
    let period_label = period_report::period_words(r.period);
    let c = &r.content;
    let source_view = |s: &Source| match s {
        Source::Figure {
            code,
            figure,
            printed,
        } => SourceView {
            label: format!(
                "{} — {}: {printed}",
                names.get(code).map_or(code.as_str(), String::as_str),
                figure.label_vi()
            ),
            href: format!(
                "/rollups?unit={}&period={}&indicator={code}",
                r.unit_id, r.period
            ),
        },
        Source::Tasks { printed, ids } => SourceView {
            label: format!("{printed} nhiệm vụ ({} bản ghi)", ids.len()),
            href: format!("/tasks?period={}", r.period),
        },
        Source::Task { id } => SourceView {
            label: format!("Nhiệm vụ {}", &id[..id.len().min(8)]),
            href: format!("/tasks/{id}"),
        },
        Source::Recommendation { id } => SourceView {
            label: format!("Kiến nghị {}", &id[..id.len().min(8)]),
            href: format!("/recommendations#rec-{id}"),
        },
    };
    PeriodReportView {
        id: r.id,
        unit_id: r.unit_id.0,
        unit_name: tree
            .get(r.unit_id)
            .map_or_else(String::new, |u| u.name.clone()),
        period: r.period.code(),
        period_label,
        as_of: r.as_of.clone(),
        subject: c.subject.clone(),
        number_line: c.number_line.clone(),
        place: c.place.clone(),
        authority_lines: c.authority_lines.clone(),
        signer_name: c.signer_name.clone(),
        recipients: c.recipients.clone(),
        columns: TABLE_COLUMNS.iter().map(|s| (*s).to_string()).collect(),
        blocks: c
            .blocks
            .iter()
            .enumerate()
            .map(|(index, b)| BlockView {
                index,
                kind: match b.kind {
                    DraftBlockKind::Heading => "heading",
                    DraftBlockKind::Paragraph => "paragraph",
                    DraftBlockKind::Table => "table",
                }
                .into(),
                text: b.text.clone(),
                edited: b.edited(),
                sources: b.sources.iter().map(source_view).collect(),
                rows: b.rows.clone(),
            })
            .collect(),
        version: r.version,
        can_edit: may_write(me, tree, r.unit_id),
    }
}

async fn indicator_names(state: &App) -> Result<HashMap<String, String>, Error> {
    Ok(state
        .store
        .indicators()
        .await?
        .into_iter()
        .map(|i| (i.code.to_string(), i.name(Lang::Vi).to_owned()))
        .collect())
}

/// Drafts and stores a report.
pub async fn create(
    state: &App,
    me: &Caller,
    input: &ReportCreate,
) -> Result<PeriodReportView, Error> {
    let period = parse_period(&input.period)?;
    let as_of = parse_day(state, input.as_of.as_deref())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit_id = input.unit_id.map_or(me.actor.scope_root, UnitId);
    let unit = tree.get(unit_id).ok_or_else(|| {
        Error::Invalid(
            Invalid::new(
                "unit_id",
                "unit.unknown",
                "Không tìm thấy đơn vị.",
                "Unknown unit.",
            )
            .into(),
        )
    })?;
    if !may_write(me, &tree, unit.id) {
        return Err(Error::Forbidden);
    }
    let draft = generate(state, me, &tree, unit, period, &as_of).await?;
    let content = ReportContent {
        subject: draft.subject,
        blocks: draft.blocks,
        number_line: giaoban_documents::dateline::number_line(None, "BC-UBND"),
        place: place_of(unit),
        authority_lines: vec!["TM. ỦY BAN NHÂN DÂN".into(), "CHỦ TỊCH".into()],
        signer_name: String::new(),
        recipients: default_recipients(unit.kind),
    };
    let r = state
        .store
        .create_period_report(&me.audit(), unit.id, period, &as_of, &content)
        .await?;
    Ok(view(&r, &tree, me, &indicator_names(state).await?))
}

async fn load(
    state: &App,
    me: &Caller,
    id: Uuid,
) -> Result<(PeriodReport, std::sync::Arc<Vec<Unit>>), Error> {
    let r = state.store.period_report(id).await?;
    let units = state.store.units().await?;
    if !readable(me, &UnitTree::new(&units), &r) {
        return Err(Error::Forbidden);
    }
    Ok((r, units))
}

pub async fn get(state: &App, me: &Caller, id: Uuid) -> Result<PeriodReportView, Error> {
    let (r, units) = load(state, me, id).await?;
    Ok(view(
        &r,
        &UnitTree::new(&units),
        me,
        &indicator_names(state).await?,
    ))
}

/// The reports the user may read, newest period first.
pub async fn list(state: &App, me: &Caller) -> Result<Vec<PeriodReportView>, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let names = indicator_names(state).await?;
    Ok(state
        .store
        .period_reports()
        .await?
        .iter()
        .filter(|r| readable(me, &tree, r))
        .map(|r| view(r, &tree, me, &names))
        .collect())
}

fn clean(field: &'static str, raw: &str, max: usize, errors: &mut Invalids) -> String {
    let s: String = giaoban_vntext::normalize::nfc(raw.trim());
    let s = s.replace("\r\n", "\n");
    if s.chars().count() > max {
        errors.push(Invalid::new(
            field,
            "text.too_long",
            format!("Nội dung quá dài (tối đa {max} ký tự)."),
            format!("Too long (at most {max} characters)."),
        ));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.push(Invalid::new(
            field,
            "text.control",
            "Nội dung có ký tự điều khiển không hợp lệ.",
            "The text holds invalid control characters.",
        ));
    }
    s
}

fn clean_lines(field: &'static str, raw: &[String], errors: &mut Invalids) -> Vec<String> {
    if raw.len() > 40 {
        errors.push(Invalid::new(
            field,
            "list.too_long",
            "Danh sách quá dài (tối đa 40 dòng).",
            "Too many lines (at most 40).",
        ));
    }
    raw.iter()
        .map(|l| clean(field, l, 300, errors))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Saves the office's edit of the words (never the numbers' sources, which stay with their block).
pub async fn edit(
    state: &App,
    me: &Caller,
    id: Uuid,
    e: &ReportEdit,
) -> Result<PeriodReportView, Error> {
    let (r, units) = load(state, me, id).await?;
    let tree = UnitTree::new(&units);
    if !may_write(me, &tree, r.unit_id) {
        return Err(Error::Forbidden);
    }
    let mut errors = Invalids::default();
    if e.blocks.len() != r.content.blocks.len() {
        errors.push(Invalid::new(
            "blocks",
            "blocks.count",
            format!(
                "Báo cáo có {} đoạn, bản sửa gửi {} đoạn; hãy tải lại trang rồi sửa lại.",
                r.content.blocks.len(),
                e.blocks.len()
            ),
            format!(
                "The report has {} blocks and the edit sent {}; reload the page and edit again.",
                r.content.blocks.len(),
                e.blocks.len()
            ),
        ));
    }
    let subject = clean("subject", &e.subject, 500, &mut errors);
    if subject.is_empty() {
        errors.push(Invalid::new(
            "subject",
            "text.required",
            "Cần nhập trích yếu của báo cáo.",
            "The subject line is required.",
        ));
    }
    let texts: Vec<String> = e
        .blocks
        .iter()
        .map(|t| clean("blocks", t, 20_000, &mut errors))
        .collect();
    let number_line = clean("number_line", &e.number_line, 100, &mut errors);
    let place = clean("place", &e.place, 100, &mut errors);
    let signer_name = clean("signer_name", &e.signer_name, 200, &mut errors);
    let authority_lines = clean_lines("authority_lines", &e.authority_lines, &mut errors);
    let recipients = clean_lines("recipients", &e.recipients, &mut errors);
    errors.into_result()?;
    let mut content = r.content.clone();
    for (b, t) in content.blocks.iter_mut().zip(texts) {
        b.text = t;
    }
    content.subject = subject;
    content.number_line = number_line;
    content.place = place;
    content.signer_name = signer_name;
    content.authority_lines = authority_lines;
    content.recipients = recipients;
    let after = state
        .store
        .update_period_report(&me.audit(), id, None, &content, e.version)
        .await?;
    Ok(view(&after, &tree, me, &indicator_names(state).await?))
}

/// Drafts the body again from the data as it is now; the header, signature and recipients stay.
pub async fn regenerate(
    state: &App,
    me: &Caller,
    id: Uuid,
    g: &ReportRegenerate,
) -> Result<PeriodReportView, Error> {
    let (r, units) = load(state, me, id).await?;
    let tree = UnitTree::new(&units);
    if !may_write(me, &tree, r.unit_id) {
        return Err(Error::Forbidden);
    }
    let unit = tree.get(r.unit_id).ok_or(Error::NotFound)?;
    let period = r.period;
    let as_of = match g.as_of.as_deref() {
        Some(a) if !a.trim().is_empty() => parse_day(state, Some(a))?,
        _ => r.as_of.clone(),
    };
    let draft = generate(state, me, &tree, unit, period, &as_of).await?;
    let mut content = r.content.clone();
    content.subject = draft.subject;
    content.blocks = draft.blocks;
    let after = state
        .store
        .update_period_report(&me.audit(), id, Some(&as_of), &content, g.version)
        .await?;
    Ok(view(&after, &tree, me, &indicator_names(state).await?))
}

/// The format of an exported report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Docx,
    Pdf,
    Xlsx,
}

/// The column layout of the indicator table in Word and PDF.
fn doc_columns() -> Vec<DocColumn> {
    let shares = [0.45, 2.5, 0.8, 1.3, 1.3, 1.3, 0.9, 1.3];
    TABLE_COLUMNS
        .iter()
        .zip(shares)
        .enumerate()
        .map(|(i, (h, share))| DocColumn {
            heading: (*h).to_string(),
            share,
            align: match i {
                0 | 2 => CellAlign::Centre,
                1 => CellAlign::Left,
                _ => CellAlign::Right,
            },
        })
        .collect()
}

/// The report as a Decree 30 document (the body as edited; empty blocks left out).
pub fn document(r: &PeriodReport, issuer: &str) -> NoticeDoc {
    let c = &r.content;
    let mut body = Vec::new();
    for b in &c.blocks {
        match b.kind {
            DraftBlockKind::Heading if !b.text.trim().is_empty() => {
                body.push(Block::Heading(b.text.trim().to_string()));
            }
            DraftBlockKind::Paragraph => body.extend(
                b.text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Block::Paragraph(l.to_string())),
            ),
            DraftBlockKind::Table if !b.rows.is_empty() => body.push(Block::Table(DocTable {
                columns: doc_columns(),
                rows: b.rows.clone(),
            })),
            _ => {}
        }
    }
    let year = r.period.year();
    NoticeDoc {
        superior_body: None,
        issuer_lines: vec![issuer.trim().to_uppercase()],
        number_line: c.number_line.clone(),
        place: c.place.clone(),
        date: NoticeDate::Blank { year },
        month_style: Default::default(),
        title: "BÁO CÁO".into(),
        subject: c.subject.clone(),
        body,
        tasks_heading: None,
        tasks: Vec::new(),
        closing: Vec::new(),
        authority_lines: c.authority_lines.clone(),
        signer_name: c.signer_name.clone(),
        recipients: c.recipients.clone(),
    }
}

fn table_xlsx(r: &PeriodReport, unit_name: &str) -> Result<Vec<u8>, Error> {
    use giaoban_documents::xlsx::{TableCell, TableSpec};
    let rows = r
        .content
        .blocks
        .iter()
        .filter(|b| b.kind == DraftBlockKind::Table)
        .flat_map(|b| b.rows.iter())
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, cell)| {
                    if cell.is_empty() {
                        return TableCell::Empty;
                    }
                    // Figures go in as numbers (the cell holds the exact value), text as text.
                    match (i, giaoban_domain::indicator::Figure::parse(cell)) {
                        (3..=7, Ok(value)) => {
                            let decimals = cell.split(',').nth(1).map_or(0, |d| d.len() as u8);
                            if i == 6 {
                                TableCell::Percent { value, decimals }
                            } else {
                                TableCell::Figure { value, decimals }
                            }
                        }
                        _ => TableCell::Text(cell.clone()),
                    }
                })
                .collect()
        })
        .collect();
    giaoban_documents::xlsx::table_xlsx(&TableSpec {
        sheet: "Chỉ tiêu".into(),
        title: r.content.subject.clone(),
        subtitle: unit_name.to_string(),
        headers: TABLE_COLUMNS.iter().map(|s| (*s).to_string()).collect(),
        rows,
    })
    .map_err(|e| Error::Internal(format!("report {} xlsx: {e}", r.id)))
}

fn slug(s: &str) -> String {
    giaoban_vntext::normalize::ascii_key(s)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The report as a file, for anyone who may read it.
pub async fn file(
    state: &App,
    me: &Caller,
    id: Uuid,
    format: ReportFormat,
) -> Result<FileOut, Error> {
    let (r, units) = load(state, me, id).await?;
    render_file(&r, &units, format)
}

fn render_file(r: &PeriodReport, units: &[Unit], format: ReportFormat) -> Result<FileOut, Error> {
    let id = r.id;
    let tree = UnitTree::new(units);
    let unit = tree.get(r.unit_id).ok_or(Error::NotFound)?;
    let issuer = issuer_of(&tree, unit);
    let (bytes, content_type, ext) = match format {
        ReportFormat::Docx => (
            document(r, &issuer)
                .to_docx()
                .map_err(|e| Error::Internal(format!("report {id}: {e}")))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ReportFormat::Pdf => (
            document(r, &issuer)
                .to_pdf()
                .map_err(|e| Error::Internal(format!("report {id}: {e}")))?,
            "application/pdf",
            "pdf",
        ),
        ReportFormat::Xlsx => (
            table_xlsx(r, &unit.name)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let words = period_report::period_words(r.period);
    let name = format!("Báo cáo {words} - {}.{ext}", unit.name);
    Ok(FileOut {
        bytes,
        content_type,
        ascii_name: format!("bao-cao-{}-{}.{ext}", r.period, slug(&unit.name)),
        name,
    })
}

/// Whether the actor may draft a report for some unit (the pages show the form only then).
pub fn drafts(me: &Caller) -> bool {
    me.actor.role != Role::Member || me.actor.may(Permission::WriteRecords, &[me.actor.unit_id])
}
