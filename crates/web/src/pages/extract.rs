//! The reading page: paste a notice or report, see what giaoban proposes, highlighted in the text.
//! Nothing is saved here.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use giaoban_domain::Lang;
use giaoban_vntext::date::{DateExpr, Found, Period, Recurrence};
use giaoban_vntext::extract::{Assignee, Extraction, Resolution};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Chrome, render};
use crate::AppState;
use crate::api;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;

pub struct Segment {
    pub text: String,
    pub class: Option<&'static str>,
}

pub struct TaskRow {
    pub lead: Vec<String>,
    pub coordinating: Vec<String>,
    pub action: String,
    pub deadline: String,
}

pub struct Proposals {
    pub number: Option<String>,
    pub meeting_date: Option<String>,
    pub chairs: Vec<String>,
    pub host: Option<String>,
    pub period: Option<String>,
    pub warnings: Vec<String>,
    pub tasks: Vec<TaskRow>,
    pub figures: Vec<(String, String, String)>,
    pub recommendations: Vec<String>,
    pub segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "extract.html")]
struct ExtractPage {
    c: Chrome,
    text: String,
    document_date: String,
    error: Option<String>,
    result: Option<Proposals>,
}

fn weekday_vi(w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match w {
        Monday => "thứ Hai",
        Tuesday => "thứ Ba",
        Wednesday => "thứ Tư",
        Thursday => "thứ Năm",
        Friday => "thứ Sáu",
        Saturday => "thứ Bảy",
        Sunday => "Chủ nhật",
    }
}

fn time_vi(t: Option<jiff::civil::Time>) -> String {
    t.map(|t| format!("{:02}h{:02} ", t.hour(), t.minute()))
        .unwrap_or_default()
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// How an office writes a resolved deadline: "27/03/2023", "trước 17h00 thứ Năm hàng tuần", "quý II/2023".
pub fn deadline_vi(d: &DateExpr) -> String {
    match d {
        DateExpr::Date { date, time, .. } => {
            let day = format!("{:02}/{:02}/{}", date.day(), date.month(), date.year());
            match time {
                Some(t) => format!("{:02}h{:02} {day}", t.hour(), t.minute()),
                None => day,
            }
        }
        DateExpr::Recurring(r) => match r {
            Recurrence::Daily { time } => format!("{}hàng ngày", time_vi(*time)),
            Recurrence::Weekly { weekday, time } => format!(
                "{}{} hàng tuần",
                time_vi(*time),
                weekday.map_or("một ngày", weekday_vi)
            ),
            Recurrence::Monthly { day, time } => match day {
                Some(day) => format!("{}ngày {day} hàng tháng", time_vi(*time)),
                None => "hàng tháng".into(),
            },
            Recurrence::Quarterly => "hàng quý".into(),
            Recurrence::Yearly => "hàng năm".into(),
        },
        DateExpr::Period { period, .. } => match period {
            Period::Year { year } => format!("năm {year}"),
            Period::Quarter { year, quarter } => {
                let q = usize::try_from(*quarter - 1)
                    .ok()
                    .and_then(|i| ROMAN.get(i))
                    .copied()
                    .unwrap_or("?");
                format!("quý {q}/{year}")
            }
            Period::Month { year, month } => format!("tháng {month:02}/{year}"),
            Period::Half { year, half } => {
                if *half == 1 {
                    format!("6 tháng đầu năm {year}")
                } else {
                    format!("6 tháng cuối năm {year}")
                }
            }
            Period::FirstMonths { year, months } => format!("{months} tháng năm {year}"),
        },
        DateExpr::Standing => "thường xuyên".into(),
    }
}

fn found_vi(text: &str, f: &Found<DateExpr>) -> String {
    let written = text.get(f.span.start..f.span.end).unwrap_or("").trim();
    format!("{} («{written}»)", deadline_vi(&f.value))
}

fn assignee(a: &Assignee, names: &std::collections::HashMap<String, String>, lang: Lang) -> String {
    match &a.resolution {
        Resolution::Exact { id } | Resolution::Prefix { id } => match names.get(id) {
            Some(name) if name != &a.text => format!("{name} («{}»)", a.text),
            Some(name) => name.clone(),
            None => a.text.clone(),
        },
        Resolution::Ambiguous { .. } => format!(
            "{} ({})",
            a.text,
            lang.pick("chưa rõ đơn vị nào", "ambiguous")
        ),
        Resolution::Unresolved => format!(
            "{} ({})",
            a.text,
            lang.pick("không có trong danh mục", "not in the directory")
        ),
    }
}

/// Cuts the text into plain and highlighted pieces; overlapping spans keep the earlier one.
fn segments(text: &str, mut spans: Vec<(usize, usize, &'static str)>) -> Vec<Segment> {
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, class) in spans {
        if start < at || end <= start || text.get(start..end).is_none() {
            continue;
        }
        if let Some(plain) = text.get(at..start) {
            out.push(Segment {
                text: plain.to_owned(),
                class: None,
            });
        }
        out.push(Segment {
            text: text[start..end].to_owned(),
            class: Some(class),
        });
        at = end;
    }
    if let Some(rest) = text.get(at..) {
        out.push(Segment {
            text: rest.to_owned(),
            class: None,
        });
    }
    out
}

pub fn proposals(
    text: &str,
    x: &Extraction,
    names: &std::collections::HashMap<String, String>,
    lang: Lang,
) -> Proposals {
    let mut spans = Vec::new();
    for t in &x.tasks {
        spans.push((t.span.start, t.span.end, "task"));
    }
    for f in &x.figures {
        spans.push((f.quantity.span.start, f.quantity.span.end, "figure"));
    }
    for r in &x.recommendations {
        spans.push((r.span.start, r.span.end, "rec"));
    }
    if let Some(d) = &x.meeting.date {
        spans.push((d.span.start, d.span.end, "meeting"));
    }
    Proposals {
        number: x.document.number.as_ref().map(|n| match n.number {
            Some(num) => format!("{num}/{}", n.symbol),
            None => format!("…/{}", n.symbol),
        }),
        meeting_date: x.meeting.date.as_ref().map(|d| found_vi(text, d)),
        chairs: x
            .meeting
            .chairs
            .iter()
            .map(|p| match &p.title {
                Some(t) => format!("{} – {t}", p.name),
                None => p.name.clone(),
            })
            .collect(),
        host: x.meeting.host.as_ref().map(|h| h.text.clone()),
        period: x.meeting.period.as_ref().map(|p| found_vi(text, p)),
        warnings: x.warnings.iter().map(|w| w.message.clone()).collect(),
        tasks: x
            .tasks
            .iter()
            .map(|t| TaskRow {
                lead: t.lead.iter().map(|a| assignee(a, names, lang)).collect(),
                coordinating: t
                    .coordinating
                    .iter()
                    .map(|a| assignee(a, names, lang))
                    .collect(),
                action: t.action.text.clone(),
                deadline: t
                    .deadline
                    .as_ref()
                    .map(|d| found_vi(text, d))
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
        figures: x
            .figures
            .iter()
            .map(|f| {
                let src = text
                    .get(f.quantity.span.start..f.quantity.span.end)
                    .unwrap_or("")
                    .to_owned();
                (src.clone(), f.measure.clone().unwrap_or_default(), src)
            })
            .collect(),
        recommendations: x
            .recommendations
            .iter()
            .map(|r| match &r.by {
                Some(by) => format!("{by} → {}: {}", r.to.text, r.content.text),
                None => format!("→ {}: {}", r.to.text, r.content.text),
            })
            .collect(),
        segments: segments(text, spans),
    }
}

pub async fn extract_page(
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    render(&ExtractPage {
        c: Chrome::new(lang, Some(&me), &session, "/extract").await?,
        text: String::new(),
        document_date: String::new(),
        error: None,
        result: None,
    })
}

#[derive(Deserialize)]
pub struct ExtractForm {
    text: String,
    #[serde(default)]
    document_date: String,
}

pub async fn extract_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<ExtractForm>,
) -> Result<Response, AppError> {
    let c = Chrome::new(lang, Some(&me), &session, "/extract").await?;
    match api::run_extract(&state, &me, &f.text, Some(&f.document_date)).await {
        Ok((x, _)) => {
            let names = state
                .store
                .units()
                .await?
                .iter()
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect();
            let result = proposals(&f.text, &x, &names, lang);
            Ok(render(&ExtractPage {
                c,
                text: f.text,
                document_date: f.document_date,
                error: None,
                result: Some(result),
            })?
            .into_response())
        }
        Err(e) => match super::correctable(&e, lang) {
            Some((status, msg)) => {
                let page = render(&ExtractPage {
                    c,
                    text: f.text,
                    document_date: f.document_date,
                    error: Some(msg),
                    result: None,
                });
                Ok((status, page?).into_response())
            }
            None => Err(e),
        },
    }
}
