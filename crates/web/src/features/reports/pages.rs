//! Pages of plan targets and periodic reports: the forms and their periods, the completeness board
//! (who is late), one unit's entry page with its submission's life, roll-up tables, targets and the
//! indicator catalog.
//!
//! Every rule lives in [`giaoban_app::reports`] (the API calls the same functions); these handlers read
//! the forms, call it, and render. A refused entry is shown again as typed, with the messages.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use giaoban_domain::Lang;
use giaoban_domain::indicator::{IndicatorInput, RollupKind, Sector, ValueType};
use giaoban_domain::period::{Period, PeriodKind};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, FormErrors, Opt, opt, or_again, see_other};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;
use giaoban_app::reports::{
    self, CompletenessView, EntryView, EntryWrite, FormView, IndicatorView, RollupRow, RollupView,
    SubmissionActionWrite, TargetView, TargetWrite,
};

/// The labels of these pages, Vietnamese first.
pub struct Rt {
    pub excel_template: &'static str,
    pub excel_table: &'static str,
    pub upload_label: &'static str,
    pub upload_button: &'static str,
    pub upload_force: &'static str,
    pub upload_saved: &'static str,
    pub upload_refused: &'static str,
    pub reports: &'static str,
    pub forms: &'static str,
    pub form: &'static str,
    pub period_kind: &'static str,
    pub deadline: &'static str,
    pub reporters: &'static str,
    pub period: &'static str,
    pub completeness: &'static str,
    pub expected: &'static str,
    pub sent: &'static str,
    pub on_time: &'static str,
    pub late: &'static str,
    pub missing: &'static str,
    pub accepted: &'static str,
    pub percent_sent: &'static str,
    pub unit: &'static str,
    pub status: &'static str,
    pub timeliness: &'static str,
    pub sent_at: &'static str,
    pub open_entry: &'static str,
    pub as_of: &'static str,
    pub under: &'static str,
    pub show: &'static str,
    pub indicator: &'static str,
    pub measure: &'static str,
    pub required: &'static str,
    pub save_draft: &'static str,
    pub submit_report: &'static str,
    pub accept: &'static str,
    pub return_report: &'static str,
    pub reopen: &'static str,
    pub reason: &'static str,
    pub return_reason: &'static str,
    pub review: &'static str,
    pub rollups: &'static str,
    pub draft_report: &'static str,
    pub period_reports: &'static str,
    pub this_period: &'static str,
    pub ytd: &'static str,
    pub plan: &'static str,
    pub percent_plan: &'static str,
    pub last_year: &'static str,
    pub change: &'static str,
    pub drill_down: &'static str,
    pub targets: &'static str,
    pub year: &'static str,
    pub note: &'static str,
    pub save: &'static str,
    pub add_target: &'static str,
    pub indicators: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub value_type: &'static str,
    pub rollup: &'static str,
    pub sector: &'static str,
    pub add_indicator: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub nothing: &'static str,
}

pub static RT_VI: Rt = Rt {
    reports: "Báo cáo định kỳ",
    forms: "Biểu mẫu báo cáo",
    form: "Biểu mẫu",
    period_kind: "Loại kỳ",
    deadline: "Hạn nộp",
    reporters: "Đơn vị báo cáo",
    period: "Kỳ báo cáo",
    completeness: "Tình hình nộp báo cáo",
    expected: "Phải nộp",
    sent: "Đã nộp",
    on_time: "Đúng hạn",
    late: "Trễ hạn",
    missing: "Chưa nộp",
    accepted: "Đã duyệt",
    percent_sent: "Tỷ lệ đã nộp",
    excel_template: "Tải mẫu Excel (điền sẵn số đã lưu)",
    excel_table: "Xuất bảng này ra Excel",
    upload_label: "Nộp tệp Excel đã điền",
    upload_button: "Nộp tệp",
    upload_force: "Ghi đè bản nháp đã sửa sau khi tải biểu mẫu",
    upload_saved: "Số đơn vị đã lưu bản nháp từ tệp Excel:",
    upload_refused: "Tệp chưa được lưu (không lưu dòng nào):",
    unit: "Đơn vị",
    status: "Trạng thái",
    timeliness: "Thời hạn",
    sent_at: "Nộp lúc",
    open_entry: "Xem / nhập",
    as_of: "Tại ngày",
    under: "Thuộc",
    show: "Xem",
    indicator: "Chỉ tiêu",
    measure: "Đơn vị tính",
    required: "bắt buộc",
    save_draft: "Lưu nháp",
    submit_report: "Gửi báo cáo",
    accept: "Duyệt",
    return_report: "Trả lại",
    reopen: "Mở lại",
    reason: "Lý do",
    return_reason: "Lý do trả lại",
    review: "Duyệt báo cáo",
    rollups: "Tổng hợp số liệu",
    draft_report: "Soạn báo cáo kỳ này",
    period_reports: "Báo cáo định kỳ",
    this_period: "Kỳ này",
    ytd: "Lũy kế",
    plan: "Kế hoạch năm",
    percent_plan: "% KH",
    last_year: "Cùng kỳ năm trước",
    change: "So cùng kỳ (%)",
    drill_down: "Chi tiết theo đơn vị",
    targets: "Chỉ tiêu kế hoạch",
    year: "Năm",
    note: "Ghi chú",
    save: "Lưu",
    add_target: "Thêm chỉ tiêu kế hoạch",
    indicators: "Danh mục chỉ tiêu",
    code: "Mã",
    name: "Tên",
    value_type: "Kiểu",
    rollup: "Cách tổng hợp",
    sector: "Lĩnh vực",
    add_indicator: "Thêm chỉ tiêu",
    name_vi: "Tên tiếng Việt",
    name_en: "Tên tiếng Anh",
    nothing: "Chưa có gì ở đây.",
};

pub static RT_EN: Rt = Rt {
    reports: "Periodic reports",
    forms: "Report forms",
    form: "Form",
    period_kind: "Period",
    deadline: "Deadline",
    reporters: "Reporting units",
    period: "Period",
    completeness: "Completeness",
    expected: "Expected",
    sent: "Sent",
    on_time: "On time",
    late: "Late",
    missing: "Missing",
    accepted: "Accepted",
    percent_sent: "% sent",
    excel_template: "Excel template (pre-filled with what is saved)",
    excel_table: "This table as Excel",
    upload_label: "Upload the filled template",
    upload_button: "Upload",
    upload_force: "Overwrite drafts changed after the template was downloaded",
    upload_saved: "Units whose drafts were saved from the Excel file:",
    upload_refused: "The file was not saved (no row was):",
    unit: "Unit",
    status: "Status",
    timeliness: "Timeliness",
    sent_at: "Sent at",
    open_entry: "View / enter",
    as_of: "As of",
    under: "Under",
    show: "Show",
    indicator: "Indicator",
    measure: "Measure",
    required: "required",
    save_draft: "Save draft",
    submit_report: "Submit report",
    accept: "Accept",
    return_report: "Return",
    reopen: "Reopen",
    reason: "Reason",
    return_reason: "Reason for return",
    review: "Review",
    rollups: "Roll-ups",
    draft_report: "Draft this period's report",
    period_reports: "Period reports",
    this_period: "This period",
    ytd: "Year to date",
    plan: "Annual plan",
    percent_plan: "% of plan",
    last_year: "Same period last year",
    change: "Change (%)",
    drill_down: "By unit",
    targets: "Plan targets",
    year: "Year",
    note: "Note",
    save: "Save",
    add_target: "Add a target",
    indicators: "Indicator catalog",
    code: "Code",
    name: "Name",
    value_type: "Type",
    rollup: "Roll-up",
    sector: "Sector",
    add_indicator: "Add an indicator",
    name_vi: "Name in Vietnamese",
    name_en: "Name in English",
    nothing: "Nothing here yet.",
};

fn rt(lang: Lang) -> &'static Rt {
    match lang {
        Lang::Vi => &RT_VI,
        Lang::En => &RT_EN,
    }
}

/// The latest period of `kind` whose deadline has normally passed: the one before `today`'s
/// (the app's day: [`giaoban_app::App::today`]).
fn default_period(kind: PeriodKind, today: jiff::civil::Date) -> String {
    Period::containing(kind, today)
        .and_then(|p| p.prev())
        .map(|p| p.code())
        .unwrap_or_default()
}

/// A handful of periods to pick from, newest first (the one holding `today`), ending with the
/// default one.
fn recent_periods(
    kind: PeriodKind,
    lang: Lang,
    n: usize,
    today: jiff::civil::Date,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut p = Period::containing(kind, today).ok();
    while let Some(cur) = p {
        if out.len() >= n {
            break;
        }
        out.push((cur.code(), cur.label(lang)));
        p = cur.prev().ok();
    }
    out
}

// ----- /reports -----

pub struct FormRow {
    pub f: FormView,
    /// The kinds of unit that report, in the reader's language.
    pub reporters: String,
    pub default_period: String,
    /// The default period as officials write it ("quý I/2023").
    pub default_period_label: String,
    pub periods: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "reports/reports.html")]
struct ReportsPage {
    c: Chrome,
    r: &'static Rt,
    forms: Vec<FormRow>,
}

pub async fn reports_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Response, AppError> {
    let mut forms = Vec::new();
    for form in state.store.forms().await?.into_iter().filter(|f| f.active) {
        let kind = form.def.period_kind;
        let f = reports::view_form(&form, lang);
        let reporters = f
            .reporter_kinds
            .iter()
            .map(|k| {
                giaoban_domain::unit::UnitKind::parse(k)
                    .map(|k| k.label(lang).to_owned())
                    .unwrap_or_else(|_| k.clone())
            })
            .collect::<Vec<_>>()
            .join(", ");
        let default = default_period(kind, state.today());
        forms.push(FormRow {
            f,
            reporters,
            default_period_label: Period::parse(&default)
                .map_or_else(|_| default.clone(), |p| p.label(lang)),
            default_period: default,
            periods: recent_periods(kind, lang, 8, state.today()),
        });
    }
    let page = ReportsPage {
        c: Chrome::new(lang, Some(&me), &session, "/reports").await?,
        r: rt(lang),
        forms,
    };
    Ok(render(&page)?.into_response())
}

/// `?period=` from the forms list's picker goes to the board of that period.
#[derive(Deserialize)]
pub struct PickForm {
    #[serde(default)]
    period: String,
}

pub async fn pick_period(
    Path(form): Path<Uuid>,
    Query(q): Query<PickForm>,
) -> Result<Response, AppError> {
    let p = reports::parse_period(&q.period)?;
    Ok(see_other(&format!("/reports/{form}/{}", p.code())))
}

// ----- completeness board -----

#[derive(Deserialize, Default)]
pub struct BoardForm {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    under: String,
    /// Set after an Excel upload: how many units' drafts were saved.
    #[serde(default)]
    uploaded: Option<usize>,
}

#[derive(Template)]
#[template(path = "reports/report_board.html")]
struct BoardPage {
    c: Chrome,
    r: &'static Rt,
    form_id: Uuid,
    period: String,
    as_of: String,
    units: Vec<(String, String, bool)>,
    v: Option<CompletenessView>,
    error: Option<String>,
    /// Excel upload: the saved count, or every located problem of a refused file.
    uploaded: Option<usize>,
    upload_errors: Vec<String>,
}

pub async fn board_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((form, period)): Path<(Uuid, String)>,
    Query(q): Query<BoardForm>,
) -> Result<Response, AppError> {
    let under = opt(&q.under).and_then(|u| Uuid::parse_str(&u).ok());
    let result = match giaoban_app::work::parse_as_of_at(opt(&q.as_of).as_deref(), state.app.now())
    {
        Ok(as_of) => reports::completeness(&state, &me, form, &period, under, as_of, lang)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e.into()),
    };
    // The territories one may narrow to: the actor's own and those under it.
    let all = state.store.units().await?;
    let tree = giaoban_domain::tree::UnitTree::new(&all);
    let mut units: Vec<(String, String, bool)> = all
        .iter()
        .filter(|u| u.kind.is_territorial() && u.active_to.is_none())
        .filter(|u| tree.ancestry(u.id).contains(&me.actor.scope_root))
        .filter(|u| !tree.children(Some(u.id)).is_empty())
        .map(|u| (u.id.0.to_string(), u.name.clone(), Some(u.id.0) == under))
        .collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let mut page = BoardPage {
        c: Chrome::new(
            lang,
            Some(&me),
            &session,
            &format!("/reports/{form}/{period}"),
        )
        .await?,
        r: rt(lang),
        form_id: form,
        period: period.clone(),
        as_of: q.as_of.clone(),
        units,
        v: None,
        error: None,
        uploaded: q.uploaded,
        upload_errors: vec![],
    };
    let status = match result {
        Ok(v) => {
            page.v = Some(v);
            StatusCode::OK
        }
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                page.error = Some(msg);
                status
            }
            None => return Err(e),
        },
    };
    Ok((status, render(&page)?).into_response())
}

// ----- entry page -----

#[derive(Template)]
#[template(path = "reports/report_entry.html")]
struct EntryPage {
    c: Chrome,
    r: &'static Rt,
    e: EntryView,
    errs: FormErrors,
    reason: String,
}

async fn entry_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    (form, period, unit): (Uuid, &str, Uuid),
    typed: Option<&Fields>,
    errs: FormErrors,
) -> Result<axum::response::Html<String>, AppError> {
    let mut e = reports::entry(state, me, form, period, unit, lang).await?;
    let mut reason = String::new();
    if let Some(f) = typed {
        for item in &mut e.items {
            item.value = f.get(&format!("v.{}", item.code));
        }
        for s in &mut e.sections {
            s.text = f.get(&format!("n.{}", s.code));
        }
        reason = f.get("reason");
    }
    let page = EntryPage {
        c: Chrome::new(
            lang,
            Some(me),
            session,
            &format!("/reports/{form}/{period}/{unit}"),
        )
        .await?,
        r: rt(lang),
        e,
        errs,
        reason,
    };
    render(&page)
}

pub async fn entry_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((form, period, unit)): Path<(Uuid, String, Uuid)>,
) -> Result<Response, AppError> {
    match entry_inner(
        &state,
        lang,
        &me,
        &session,
        (form, &period, unit),
        None,
        FormErrors::default(),
    )
    .await
    {
        Ok(html) => Ok(html.into_response()),
        // A wrong period or a unit that does not report on the form: say so on the page.
        Err(e) => match correctable(&e, lang) {
            Some(_) => Err(AppError::NotFound),
            None => Err(e),
        },
    }
}

pub async fn entry_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((form, period, unit)): Path<(Uuid, String, Uuid)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let op = f.get("op");
    let version = f.get("version").trim().parse::<i64>().ok();
    let here = format!("/reports/{form}/{period}/{unit}");
    let result: Result<(), AppError> = async {
        match op.as_str() {
            "save" | "submit" => {
                let mut w = EntryWrite {
                    version,
                    ..EntryWrite::default()
                };
                let mut narrative = BTreeMap::new();
                for (k, v) in &f.0 {
                    if let Some(code) = k.strip_prefix("v.") {
                        w.values
                            .insert(code.to_owned(), serde_json::Value::String(v.clone()));
                    } else if let Some(code) = k.strip_prefix("n.") {
                        narrative.insert(code.to_owned(), v.clone());
                    }
                }
                w.narrative = narrative;
                let saved = reports::save_entry(&state, &me, form, &period, unit, &w).await?;
                if op == "submit" {
                    let a = SubmissionActionWrite {
                        action: "submit".into(),
                        reason: None,
                        version: saved.version,
                    };
                    reports::act(&state, &me, saved.id.0, &a).await?;
                }
                Ok(())
            }
            "accept" | "return" | "reopen" => {
                let e = reports::entry(&state, &me, form, &period, unit, lang).await?;
                let id = e.submission_id.ok_or(AppError::NotFound)?;
                let a = SubmissionActionWrite {
                    action: op.clone(),
                    reason: opt(&f.get("reason")),
                    version: version.or(e.version).unwrap_or_default(),
                };
                reports::act(&state, &me, id, &a).await?;
                Ok(())
            }
            _ => Err(AppError::NotFound),
        }
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(&here)),
        Err(e) => {
            or_again(e, lang, |errs| {
                entry_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    (form, &period, unit),
                    Some(&f),
                    errs,
                )
            })
            .await
        }
    }
}

// ----- roll-ups -----

#[derive(Deserialize, Default)]
pub struct RollupForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    indicator: String,
}

pub struct SectorRows {
    pub label: String,
    pub rows: Vec<RollupRow>,
}

#[derive(Template)]
#[template(path = "reports/rollups.html")]
struct RollupsPage {
    c: Chrome,
    r: &'static Rt,
    period: String,
    unit: String,
    v: Option<RollupView>,
    sectors: Vec<SectorRows>,
    error: Option<String>,
    /// The indicator drawn over time, and the chart as SVG (drawn here by `plotters`).
    chart_code: String,
    chart_name: String,
    chart: Option<String>,
}

/// How many periods the chart shows, up to the chosen one.
const CHART_PERIODS: usize = 8;

/// A line chart of one indicator over periods, as SVG. Only period labels ("quý II/2021", made
/// here, never typed by people) and numbers go into it: names (typed by people) stay in the HTML
/// around it, escaped by the template.
fn chart_svg(points: &[reports::SeriesPoint]) -> Option<String> {
    use giaoban_domain::indicator::Figure;
    use plotters::prelude::*;
    let vals: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (i, v)))
        .collect();
    if vals.is_empty() {
        return None;
    }
    let max = vals.iter().map(|v| v.1).fold(f64::MIN, f64::max);
    let min = vals.iter().map(|v| v.1).fold(f64::MAX, f64::min).min(0.0);
    let top = if max > min {
        max + (max - min) * 0.1
    } else {
        min + 1.0
    };
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let (w, h) = (640u32, 300u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let last = points.len().saturating_sub(1).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(30)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(0usize..last, min..top)
            .ok()?;
        let x_fmt = |i: &usize| labels.get(*i).cloned().unwrap_or_default();
        let y_fmt = |v: &f64| {
            Figure::from_f64(*v)
                .map(|f| f.format(0, Lang::Vi))
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(points.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()
            .ok()?;
        let colour = RGBColor(0xa3, 0x15, 0x1b);
        chart
            .draw_series(LineSeries::new(vals.iter().copied(), &colour))
            .ok()?;
        chart
            .draw_series(
                vals.iter()
                    .map(|(i, v)| Circle::new((*i, *v), 3, colour.filled())),
            )
            .ok()?;
        root.present().ok()?;
    }
    // Scale with the page (a phone is narrower than the drawing).
    if !svg.contains("viewBox") {
        svg = svg.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" "), 1);
    }
    Some(svg)
}

pub async fn rollups_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<RollupForm>,
) -> Result<Response, AppError> {
    let period =
        opt(&q.period).unwrap_or_else(|| default_period(PeriodKind::Quarter, state.today()));
    let unit = match opt(&q.unit) {
        Some(u) => Some(Uuid::parse_str(&u).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let result = reports::rollup(&state, &me, unit, &period, lang)
        .await
        .map_err(AppError::from);
    let mut page = RollupsPage {
        c: Chrome::new(lang, Some(&me), &session, "/rollups").await?,
        r: rt(lang),
        // The field shows the period's label ("quý I/2023"), which it reads back; what was
        // typed stays as typed when it is not a period.
        period: Period::parse_input(&period).map_or_else(|_| period.clone(), |p| p.label(lang)),
        unit: q.unit.clone(),
        v: None,
        sectors: vec![],
        error: None,
        chart_code: String::new(),
        chart_name: String::new(),
        chart: None,
    };
    let status = match result {
        Ok(v) => {
            let wanted = q.indicator.trim().to_ascii_uppercase();
            let chosen = v
                .rows
                .iter()
                .find(|r| r.code == wanted)
                .or_else(|| v.rows.iter().find(|r| r.value.is_some()));
            if let Some(row) = chosen {
                page.chart_code = row.code.clone();
                page.chart_name = row.name.clone();
                let points = reports::series(
                    &state,
                    &me,
                    v.unit_id,
                    row.indicator_id,
                    &v.period,
                    CHART_PERIODS,
                    lang,
                )
                .await?;
                page.chart = chart_svg(&points);
            }
            for row in &v.rows {
                match page.sectors.last_mut() {
                    Some(s) if s.label == row.sector_label => s.rows.push(row.clone()),
                    _ => page.sectors.push(SectorRows {
                        label: row.sector_label.clone(),
                        rows: vec![row.clone()],
                    }),
                }
            }
            page.v = Some(v);
            StatusCode::OK
        }
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                page.error = Some(msg);
                status
            }
            None => return Err(e),
        },
    };
    Ok((status, render(&page)?).into_response())
}

// ----- targets -----

#[derive(Deserialize, Default)]
pub struct TargetsForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "reports/targets.html")]
struct TargetsPage {
    c: Chrome,
    r: &'static Rt,
    unit: Uuid,
    unit_name: String,
    year: i16,
    rows: Vec<TargetView>,
    indicators: Vec<IndicatorView>,
    can_edit: bool,
    errs: FormErrors,
    typed_code: String,
    typed_value: String,
}

struct TargetsQuery {
    unit: Uuid,
    year: i16,
}

/// The unit and year of the targets page: the caller's top unit and the app's year by default.
fn targets_query(
    me: &CurrentActor,
    unit: &str,
    year: &str,
    today: jiff::civil::Date,
) -> Result<TargetsQuery, AppError> {
    let unit = match opt(unit) {
        Some(u) => Uuid::parse_str(&u).map_err(|_| AppError::NotFound)?,
        None => me.actor.scope_root.0,
    };
    let year = year.trim().parse::<i16>().unwrap_or_else(|_| today.year());
    Ok(TargetsQuery { unit, year })
}

#[allow(clippy::too_many_arguments)]
async fn targets_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    q: &TargetsQuery,
    errs: FormErrors,
    typed_code: String,
    typed_value: String,
) -> Result<axum::response::Html<String>, AppError> {
    let unit = giaoban_domain::unit::UnitId(q.unit);
    let rows = reports::list_targets(state, me, q.year, unit, lang).await?;
    let units = state.store.units().await?;
    let unit_name = units
        .iter()
        .find(|u| u.id == unit)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let indicators = reports::list_indicators(state, lang)
        .await?
        .into_iter()
        .filter(|i| i.active && i.value_type != "text")
        .collect();
    let page = TargetsPage {
        c: Chrome::new(lang, Some(me), session, "/targets").await?,
        r: rt(lang),
        unit: q.unit,
        unit_name,
        year: q.year,
        rows,
        indicators,
        can_edit: me.actor.role != giaoban_domain::user::Role::Member,
        errs,
        typed_code,
        typed_value,
    };
    render(&page)
}

pub async fn targets_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(f): Query<TargetsForm>,
) -> Result<Response, AppError> {
    let q = targets_query(&me, &f.unit, &f.year, state.today())?;
    Ok(targets_inner(
        &state,
        lang,
        &me,
        &session,
        &q,
        FormErrors::default(),
        String::new(),
        String::new(),
    )
    .await?
    .into_response())
}

pub async fn targets_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let q = targets_query(&me, &f.get("unit"), &f.get("year"), state.today())?;
    let w = TargetWrite {
        year: q.year,
        unit_id: q.unit,
        indicator_code: f.get("indicator_code"),
        value: serde_json::Value::String(f.get("value")),
        note: opt(&f.get("note")),
    };
    match reports::set_target(&state, &me, &w)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!(
            "/targets?unit={}&year={}",
            q.unit, q.year
        ))),
        Err(e) => {
            or_again(e, lang, |errs| {
                targets_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    &q,
                    errs,
                    f.get("indicator_code"),
                    f.get("value"),
                )
            })
            .await
        }
    }
}

// ----- indicator catalog -----

#[derive(Template)]
#[template(path = "reports/indicators.html")]
struct IndicatorsPage {
    c: Chrome,
    r: &'static Rt,
    rows: Vec<IndicatorView>,
    is_admin: bool,
    errs: FormErrors,
    typed: IndicatorInput,
    value_types: Vec<Opt>,
    rollups: Vec<Opt>,
    sectors: Vec<Opt>,
}

fn options<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    chosen: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: code(*v).into(),
            label: label(*v).into(),
            selected: code(*v) == chosen,
        })
        .collect()
}

fn blank_input() -> IndicatorInput {
    IndicatorInput {
        code: String::new(),
        name_vi: String::new(),
        name_en: String::new(),
        measure: String::new(),
        value_type: "number".into(),
        rollup: "sum".into(),
        numerator: None,
        denominator: None,
        factor: None,
        accumulation: "flow".into(),
        direction: "higher".into(),
        sector: "agriculture".into(),
        decimals: None,
        active: true,
    }
}

async fn indicators_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    errs: FormErrors,
    typed: IndicatorInput,
) -> Result<axum::response::Html<String>, AppError> {
    let page = IndicatorsPage {
        c: Chrome::new(lang, Some(me), session, "/indicators").await?,
        r: rt(lang),
        rows: reports::list_indicators(state, lang).await?,
        is_admin: me.actor.is_admin(),
        errs,
        value_types: options(
            ValueType::ALL,
            ValueType::code,
            |v| v.label(lang),
            &typed.value_type,
        ),
        rollups: options(
            RollupKind::ALL,
            RollupKind::code,
            |v| v.label(lang),
            &typed.rollup,
        ),
        sectors: options(Sector::ALL, Sector::code, |v| v.label(lang), &typed.sector),
        typed,
    };
    render(&page)
}

pub async fn indicators_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Response, AppError> {
    Ok(indicators_inner(
        &state,
        lang,
        &me,
        &session,
        FormErrors::default(),
        blank_input(),
    )
    .await?
    .into_response())
}

pub async fn indicators_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let mut input = blank_input();
    input.code = f.get("code");
    input.name_vi = f.get("name_vi");
    input.name_en = f.get("name_en");
    input.measure = f.get("measure");
    input.value_type = f.get("value_type");
    input.rollup = f.get("rollup");
    input.sector = f.get("sector");
    match reports::create_indicator(&state, &me, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other("/indicators")),
        Err(e) => {
            or_again(e, lang, |errs| {
                indicators_inner(&state, lang, &me, &session, errs, input.clone())
            })
            .await
        }
    }
}

/// The Excel upload of the completeness board: the filled template as a `file` field. Saved, it
/// goes back to the board; refused, the board lists every located problem and nothing is saved.
pub async fn upload_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path((form, period)): Path<(Uuid, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let fields = crate::csrf::multipart_fields(ct, body)
        .await
        .unwrap_or_default();
    let force = fields
        .iter()
        .any(|(k, v)| k == "force" && matches!(v.as_slice(), b"1" | b"on" | b"true"));
    let file = fields
        .into_iter()
        .find(|(k, v)| k == "file" && !v.is_empty())
        .map(|(_, v)| v);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let problems = match file {
        None => vec![
            lang.pick(
                "Hãy chọn tệp Excel (.xlsx).",
                "Choose an Excel file (.xlsx).",
            )
            .to_owned(),
        ],
        Some(bytes) => {
            match reports::upload_file(&state, &me, form, &period, &bytes, force)
                .await
                .map_err(AppError::from)
            {
                Ok(r) => {
                    return Ok(axum::response::Redirect::to(&format!(
                        "/reports/{form}/{period}?uploaded={}",
                        r.saved
                    ))
                    .into_response());
                }
                Err(AppError::Invalid(errs)) => errs
                    .0
                    .iter()
                    .map(|e| lang.pick(&e.vi, &e.en).to_owned())
                    .collect(),
                // A draft changed since the template (409), the server busy with other files (503):
                // said on the board, with the form to try again.
                Err(AppError::Refused {
                    status: refused,
                    vi,
                    en,
                    ..
                }) => {
                    status = refused;
                    vec![lang.pick(&vi, &en).to_owned()]
                }
                Err(e) => return Err(e),
            }
        }
    };
    let result = reports::completeness(&state, &me, form, &period, None, state.now(), lang).await;
    let page = BoardPage {
        c: Chrome::new(
            lang,
            Some(&me),
            &session,
            &format!("/reports/{form}/{period}"),
        )
        .await?,
        r: rt(lang),
        form_id: form,
        period: period.clone(),
        as_of: String::new(),
        units: vec![],
        v: result.ok(),
        error: None,
        uploaded: None,
        upload_errors: problems,
    };
    Ok((status, render(&page)?).into_response())
}
