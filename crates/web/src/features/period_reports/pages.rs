//! Pages of the period reports: the list with the form that drafts one, and one report's page where
//! the office edits the words, sees the record behind every number, drafts it again from fresh data
//! and downloads it as Word, PDF or Excel. The rules live in [`giaoban_app::period_reports`].

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use giaoban_domain::Lang;
use giaoban_domain::period::Period;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, lines, opt, see_other};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;
use giaoban_app::period_reports::{
    self, PeriodReportView, ReportCreate, ReportEdit, ReportRegenerate,
};

/// The labels of these pages, Vietnamese first.
pub struct Pt {
    pub title: &'static str,
    pub new_report: &'static str,
    pub unit: &'static str,
    pub period: &'static str,
    pub as_of: &'static str,
    pub draft: &'static str,
    pub nothing: &'static str,
    pub subject: &'static str,
    pub number_line: &'static str,
    pub place: &'static str,
    pub authority: &'static str,
    pub signer: &'static str,
    pub recipients: &'static str,
    pub one_per_line: &'static str,
    pub save: &'static str,
    pub regenerate: &'static str,
    pub regenerate_note: &'static str,
    pub sources: &'static str,
    pub edited: &'static str,
    pub word: &'static str,
    pub pdf: &'static str,
    pub excel: &'static str,
    pub body: &'static str,
}

static VI: Pt = Pt {
    title: "Báo cáo định kỳ",
    new_report: "Soạn báo cáo từ số liệu",
    unit: "Đơn vị",
    period: "Kỳ báo cáo",
    as_of: "Tình trạng nhiệm vụ tính đến ngày",
    draft: "Soạn dự thảo",
    nothing: "Chưa có báo cáo nào.",
    subject: "Trích yếu",
    number_line: "Số, ký hiệu",
    place: "Địa danh",
    authority: "Thẩm quyền ký",
    signer: "Người ký",
    recipients: "Nơi nhận",
    one_per_line: "mỗi dòng một mục",
    save: "Lưu bản sửa",
    regenerate: "Lập lại từ số liệu mới",
    regenerate_note: "Nội dung đã sửa tay sẽ được thay bằng bản lập từ số liệu hiện tại.",
    sources: "Nguồn số liệu",
    edited: "đã sửa tay — kiểm tra lại số liệu",
    word: "Tải Word (.docx)",
    pdf: "Tải PDF",
    excel: "Tải biểu Excel",
    body: "Nội dung",
};

static EN: Pt = Pt {
    title: "Period reports",
    new_report: "Draft a report from the data",
    unit: "Unit",
    period: "Period",
    as_of: "Task statuses as of",
    draft: "Draft",
    nothing: "No report yet.",
    subject: "Subject line",
    number_line: "Number and symbol",
    place: "Place",
    authority: "Signing authority",
    signer: "Signer",
    recipients: "Recipients",
    one_per_line: "one per line",
    save: "Save the edit",
    regenerate: "Draft again from fresh data",
    regenerate_note: "Words edited by hand are replaced by a draft from the current data.",
    sources: "Sources of the figures",
    edited: "edited by hand — check its figures",
    word: "Download Word (.docx)",
    pdf: "Download PDF",
    excel: "Download the Excel table",
    body: "Body",
};

fn pt(lang: Lang) -> &'static Pt {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

pub struct UnitChoice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "period_reports/period_reports.html")]
struct ListPage {
    c: Chrome,
    r: &'static Pt,
    reports: Vec<PeriodReportView>,
    units: Vec<UnitChoice>,
    typed_unit: String,
    typed_period: String,
    typed_as_of: String,
    error: Option<String>,
}

async fn units_for(state: &AppState, me: &CurrentActor) -> Result<Vec<UnitChoice>, AppError> {
    use giaoban_domain::access::Permission;
    use giaoban_domain::tree::UnitTree;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    Ok(tree
        .preorder(None)
        .into_iter()
        .filter(|(u, _)| u.kind.is_territorial())
        .filter(|(u, _)| me.actor.may(Permission::WriteRecords, &tree.ancestry(u.id)))
        .map(|(u, depth)| UnitChoice {
            id: u.id.to_string(),
            name: format!("{}{}", "— ".repeat(depth as usize), u.name),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn list_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    typed_unit: String,
    typed_period: String,
    typed_as_of: String,
    error: Option<String>,
) -> Result<Html, AppError> {
    let mut reports = period_reports::list(state, me).await?;
    for r in &mut reports {
        r.as_of = day_shown(&r.as_of);
    }
    let page = ListPage {
        c: Chrome::new(lang, Some(me), session, "/period-reports").await?,
        r: pt(lang),
        reports,
        units: if period_reports::drafts(me) {
            units_for(state, me).await?
        } else {
            Vec::new()
        },
        typed_unit,
        // A period or day typed as a code shows as officials write it, which the field reads back.
        typed_period: Period::parse_input(&typed_period).map_or(typed_period, |p| p.label(lang)),
        typed_as_of: day_shown(&typed_as_of),
        error,
    };
    render(&page)
}

/// A stored ISO day ("2023-03-28") as officials write it ("28/03/2023"); anything else as it is.
fn day_shown(raw: &str) -> String {
    raw.trim().parse::<jiff::civil::Date>().map_or_else(
        |_| raw.to_string(),
        giaoban_domain::calendar::format_date_vi,
    )
}

type Html = axum::response::Html<String>;

pub async fn list_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Response, AppError> {
    Ok(list_inner(
        &state,
        lang,
        &me,
        &session,
        String::new(),
        String::new(),
        String::new(),
        None,
    )
    .await?
    .into_response())
}

pub async fn create_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let unit = f.get("unit_id");
    let unit_id = match opt(&unit) {
        Some(u) => Some(Uuid::parse_str(&u).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let input = ReportCreate {
        unit_id,
        period: f.get("period"),
        as_of: opt(&f.get("as_of")),
    };
    match period_reports::create(&state, &me, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(r) => Ok(see_other(&format!("/period-reports/{}", r.id))),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => Ok((
                status,
                list_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    unit,
                    f.get("period"),
                    f.get("as_of"),
                    Some(msg),
                )
                .await?,
            )
                .into_response()),
            None => Err(e),
        },
    }
}

#[derive(Template)]
#[template(path = "period_reports/period_report.html")]
struct ReportPage {
    c: Chrome,
    r: &'static Pt,
    v: PeriodReportView,
    error: Option<String>,
}

async fn report_inner(
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    v: PeriodReportView,
    error: Option<String>,
) -> Result<Html, AppError> {
    let path = format!("/period-reports/{}", v.id);
    let mut v = v;
    v.as_of = day_shown(&v.as_of);
    render(&ReportPage {
        c: Chrome::new(lang, Some(me), session, &path).await?,
        r: pt(lang),
        v,
        error,
    })
}

pub async fn report_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let v = period_reports::get(&state, &me, id).await?;
    Ok(report_inner(lang, &me, &session, v, None)
        .await?
        .into_response())
}

pub async fn edit_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let stored = period_reports::get(&state, &me, id).await?;
    let edit = ReportEdit {
        version: f.get("version").trim().parse().unwrap_or(-1),
        subject: f.get("subject"),
        blocks: (0..stored.blocks.len())
            .map(|i| f.get(&format!("block-{i}")))
            .collect(),
        number_line: f.get("number_line"),
        place: f.get("place"),
        authority_lines: lines(&f.get("authority_lines")),
        signer_name: f.get("signer_name"),
        recipients: lines(&f.get("recipients")),
    };
    match period_reports::edit(&state, &me, id, &edit)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/period-reports/{id}"))),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                // The page again with what was typed, so nothing typed is lost.
                let mut v = stored;
                v.subject = edit.subject;
                for (b, t) in v.blocks.iter_mut().zip(edit.blocks) {
                    b.text = t;
                }
                v.number_line = edit.number_line;
                v.place = edit.place;
                v.authority_lines = edit.authority_lines;
                v.signer_name = edit.signer_name;
                v.recipients = edit.recipients;
                Ok((
                    status,
                    report_inner(lang, &me, &session, v, Some(msg)).await?,
                )
                    .into_response())
            }
            None => Err(e),
        },
    }
}

pub async fn regenerate_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let g = ReportRegenerate {
        version: f.get("version").trim().parse().unwrap_or(-1),
        as_of: opt(&f.get("as_of")),
    };
    match period_reports::regenerate(&state, &me, id, &g)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/period-reports/{id}"))),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                let v = period_reports::get(&state, &me, id).await?;
                Ok((
                    status,
                    report_inner(lang, &me, &session, v, Some(msg)).await?,
                )
                    .into_response())
            }
            None => Err(e),
        },
    }
}
