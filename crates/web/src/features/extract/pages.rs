//! The reading page: paste a notice or report, see what giaoban proposes, highlighted in the text.
//! Nothing is saved here but the reading itself (issue 21): the POST that reads a text keeps it
//! ([`giaoban_storage::readings`]) and redirects to `/extract?reading=<id>`, which shows the
//! proposals and the confirm form with its one-time key. The browser's Back from the records
//! then brings that form back as it was (a page got, not posted: no "Confirm Form Resubmission"),
//! and sending it again is answered with the records made the first time.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use giaoban_domain::Lang;
use giaoban_vntext::date::{DateExpr, Found, Period, Recurrence};
use giaoban_vntext::extract::{Assignee, Extraction, Resolution};
use giaoban_vntext::parts::{SectionKind, SigningAuthority};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, Opt, code_choices, lines, mark, mark_one, opt, unit_choices};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::render;
use crate::state::AppState;

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
#[template(path = "extract/extract.html")]
struct ExtractPage {
    c: Chrome,
    text: String,
    document_date: String,
    error: Option<String>,
    result: Option<Proposals>,
    confirm: Option<ConfirmForm>,
}

/// The proposals as a person corrects them before creating the records: raw values, as typed.
#[derive(Default, Clone)]
pub struct ConfirmEcho {
    kind: String,
    title: String,
    date: String,
    time: String,
    place: String,
    host: String,
    chair_name: String,
    chair_title: String,
    period: String,
    notice: bool,
    notice_title: String,
    signer_name: String,
    signer_title: String,
    /// Thẩm quyền ký: `on_behalf_of_body`, `deputy`, `by_order`, or empty (the default).
    authority: String,
    recipients: String,
    /// The notice's sections as read: evaluation, shortcomings, directions (issue 23).
    results: String,
    shortcomings: String,
    directions: String,
    tasks: Vec<TaskEcho>,
    recs: Vec<RecEcho>,
}

#[derive(Default, Clone)]
pub struct TaskEcho {
    include: bool,
    content: String,
    lead: String,
    coordinating: Vec<String>,
    deadline: String,
    /// The deadline as read, typed (JSON of `Deadline`), posted back hidden: used as is when
    /// `deadline` is still its label, so an unedited deadline is never parsed again.
    deadline_typed: String,
}

#[derive(Default, Clone)]
pub struct RecEcho {
    include: bool,
    content: String,
    raised_by: String,
    addressed_to: String,
}

pub struct ConfirmTask {
    pub include: bool,
    pub content: String,
    pub lead: Vec<Opt>,
    pub coordinating: Vec<Opt>,
    pub deadline: String,
    pub deadline_typed: String,
}

pub struct ConfirmRec {
    pub include: bool,
    pub content: String,
    pub raised_by: Vec<Opt>,
    pub addressed_to: Vec<Opt>,
}

/// The confirmation form, ready to render.
pub struct ConfirmForm {
    pub kinds: Vec<Opt>,
    pub title: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub hosts: Vec<Opt>,
    pub chair_name: String,
    pub chair_title: String,
    pub period: String,
    pub notice: bool,
    pub notice_title: String,
    pub signer_name: String,
    pub signer_title: String,
    pub authorities: Vec<Opt>,
    pub recipients: String,
    pub results: String,
    pub shortcomings: String,
    pub directions: String,
    pub tasks: Vec<ConfirmTask>,
    pub recs: Vec<ConfirmRec>,
    pub errors: Vec<String>,
    /// The one-time key of this form (issue 21): Back and re-submit creates nothing twice.
    pub form_key: String,
    /// Meetings created before from the same document: shown before anything is created.
    pub earlier: Vec<Earlier>,
    /// "Vẫn tạo mới" ticked.
    pub again: bool,
    /// The kept reading this form belongs to (see the module's doc); empty when none.
    pub reading: String,
    /// Misspelt words in the form's fields, each with its one-click fixes.
    pub spelling: Vec<crate::features::work::spelling::Flag>,
}

/// A meeting created before from the same document (same text, or same number and issuer).
pub struct Earlier {
    pub meeting_id: uuid::Uuid,
    pub meeting_title: String,
    pub same_text: bool,
    /// The meeting's notices: id and "2/TB-UBND – title".
    pub notices: Vec<(uuid::Uuid, String)>,
}

/// The meetings the signed-in person may read that were created from this document before.
async fn earlier_reads(
    state: &AppState,
    me: &CurrentActor,
    lang: Lang,
    source: &giaoban_app::work::ReadSource,
    host: &str,
) -> Result<Vec<Earlier>, AppError> {
    let host = uuid::Uuid::parse_str(host.trim())
        .ok()
        .map(giaoban_domain::unit::UnitId);
    let found = state
        .store
        .read_documents_like(&source.text_hash, source.number.as_deref(), host)
        .await?;
    let mut out = Vec::new();
    for d in found {
        let Ok(detail) = giaoban_app::work::meeting_detail(state, me, d.meeting_id, lang).await
        else {
            continue;
        };
        out.push(Earlier {
            meeting_id: d.meeting_id,
            meeting_title: detail.meeting.title.clone(),
            same_text: d.same_text,
            notices: detail
                .conclusions
                .iter()
                .map(|c| {
                    let label = match &c.number {
                        Some(n) => format!("{n} – {}", c.title),
                        None => c.title.clone(),
                    };
                    (c.id, label)
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The text hash and number of a pasted document.
fn read_source(text: &str, x: Option<&Extraction>) -> giaoban_app::work::ReadSource {
    giaoban_app::work::ReadSource {
        text_hash: crate::once::text_hash(text),
        number: x.and_then(crate::once::number_key),
    }
}

fn confirm_form(
    me: &CurrentActor,
    units: &[giaoban_domain::unit::Unit],
    e: &ConfirmEcho,
    errors: Vec<String>,
    lang: Lang,
) -> ConfirmForm {
    use giaoban_domain::access::Permission;
    use giaoban_domain::meeting::MeetingKind;
    let writable = unit_choices(me, units, Some(Permission::WriteRecords));
    let readable = unit_choices(me, units, Some(Permission::ReadRecords));
    let near = unit_choices(me, units, None);
    let with_blank = |choices: &[(String, String)]| {
        let mut v = vec![(String::new(), "—".to_owned())];
        v.extend(choices.iter().cloned());
        v
    };
    ConfirmForm {
        kinds: mark_one(
            &code_choices(&MeetingKind::ALL, MeetingKind::code, |k| k.label(lang)),
            &e.kind,
        ),
        title: e.title.clone(),
        date: e.date.clone(),
        time: e.time.clone(),
        place: e.place.clone(),
        hosts: mark_one(&writable, &e.host),
        chair_name: e.chair_name.clone(),
        chair_title: e.chair_title.clone(),
        period: e.period.clone(),
        notice: e.notice,
        notice_title: e.notice_title.clone(),
        signer_name: e.signer_name.clone(),
        signer_title: e.signer_title.clone(),
        authorities: mark_one(&authority_choices(lang), &e.authority),
        recipients: e.recipients.clone(),
        results: e.results.clone(),
        shortcomings: e.shortcomings.clone(),
        directions: e.directions.clone(),
        tasks: e
            .tasks
            .iter()
            .map(|t| ConfirmTask {
                include: t.include,
                content: t.content.clone(),
                lead: mark_one(&with_blank(&readable), &t.lead),
                coordinating: mark(&readable, &t.coordinating),
                deadline: t.deadline.clone(),
                deadline_typed: t.deadline_typed.clone(),
            })
            .collect(),
        recs: e
            .recs
            .iter()
            .map(|r| ConfirmRec {
                include: r.include,
                content: r.content.clone(),
                raised_by: mark_one(&with_blank(&readable), &r.raised_by),
                addressed_to: mark_one(&with_blank(&near), &r.addressed_to),
            })
            .collect(),
        errors,
        form_key: String::new(),
        earlier: vec![],
        again: false,
        reading: String::new(),
        spelling: vec![],
    }
}

impl ConfirmEcho {
    /// The fields a person writes in, as (form field, label, text).
    fn texts(&self, lang: Lang) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = [
            (
                "title",
                lang.pick("Tên cuộc họp", "Meeting title"),
                &self.title,
            ),
            ("place", lang.pick("Địa điểm", "Place"), &self.place),
            (
                "chair_name",
                lang.pick("Người chủ trì", "Chair"),
                &self.chair_name,
            ),
            (
                "chair_title",
                lang.pick("Chức vụ người chủ trì", "Chair's title"),
                &self.chair_title,
            ),
            (
                "notice_title",
                lang.pick("Trích yếu thông báo", "Notice subject"),
                &self.notice_title,
            ),
            (
                "signer_name",
                lang.pick("Người ký", "Signer"),
                &self.signer_name,
            ),
            (
                "signer_title",
                lang.pick("Chức vụ người ký", "Signer's title"),
                &self.signer_title,
            ),
            (
                "recipients",
                lang.pick("Nơi nhận", "Recipients"),
                &self.recipients,
            ),
            (
                "results",
                lang.pick("Kết quả đạt được", "Results"),
                &self.results,
            ),
            (
                "shortcomings",
                lang.pick("Tồn tại, hạn chế", "Shortcomings"),
                &self.shortcomings,
            ),
            (
                "directions",
                lang.pick("Phương hướng, nhiệm vụ", "Directions"),
                &self.directions,
            ),
        ]
        .into_iter()
        .map(|(k, l, v)| (k.to_owned(), l.to_owned(), v.clone()))
        .collect();
        for (i, t) in self.tasks.iter().enumerate() {
            let n = i + 1;
            out.push((
                format!("task_{i}_content"),
                format!("{} {n}", lang.pick("Nhiệm vụ", "Task")),
                t.content.clone(),
            ));
            out.push((
                format!("task_{i}_deadline"),
                format!(
                    "{} {n}: {}",
                    lang.pick("Nhiệm vụ", "Task"),
                    lang.pick("thời hạn", "deadline")
                ),
                t.deadline.clone(),
            ));
        }
        for (i, r) in self.recs.iter().enumerate() {
            out.push((
                format!("rec_{i}_content"),
                format!("{} {}", lang.pick("Kiến nghị", "Recommendation"), i + 1),
                r.content.clone(),
            ));
        }
        out
    }

    /// The text of one of [`ConfirmEcho::texts`]' fields, to change.
    fn text_mut(&mut self, field: &str) -> Option<&mut String> {
        let item = |prefix: &str, suffix: &str| -> Option<usize> {
            field
                .strip_prefix(prefix)?
                .strip_suffix(suffix)?
                .parse()
                .ok()
        };
        match field {
            "title" => Some(&mut self.title),
            "place" => Some(&mut self.place),
            "chair_name" => Some(&mut self.chair_name),
            "chair_title" => Some(&mut self.chair_title),
            "notice_title" => Some(&mut self.notice_title),
            "signer_name" => Some(&mut self.signer_name),
            "signer_title" => Some(&mut self.signer_title),
            "recipients" => Some(&mut self.recipients),
            "results" => Some(&mut self.results),
            "shortcomings" => Some(&mut self.shortcomings),
            "directions" => Some(&mut self.directions),
            _ => {
                if let Some(i) = item("task_", "_content") {
                    self.tasks.get_mut(i).map(|t| &mut t.content)
                } else if let Some(i) = item("task_", "_deadline") {
                    self.tasks.get_mut(i).map(|t| &mut t.deadline)
                } else if let Some(i) = item("rec_", "_content") {
                    self.recs.get_mut(i).map(|r| &mut r.content)
                } else {
                    None
                }
            }
        }
    }

    /// The form as its fields would post it (what [`echo_of`] reads back).
    fn encoded(&self) -> String {
        let mut f = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("kind", &self.kind),
            ("title", &self.title),
            ("date", &self.date),
            ("time", &self.time),
            ("place", &self.place),
            ("host_unit_id", &self.host),
            ("chair_name", &self.chair_name),
            ("chair_title", &self.chair_title),
            ("period", &self.period),
            ("notice_title", &self.notice_title),
            ("signer_name", &self.signer_name),
            ("signer_title", &self.signer_title),
            ("authority", &self.authority),
            ("recipients", &self.recipients),
            ("results", &self.results),
            ("shortcomings", &self.shortcomings),
            ("directions", &self.directions),
        ] {
            f.append_pair(k, v);
        }
        if self.notice {
            f.append_pair("notice", "1");
        }
        for (i, t) in self.tasks.iter().enumerate() {
            f.append_pair(&format!("task_{i}_present"), "1");
            if t.include {
                f.append_pair(&format!("task_{i}_include"), "1");
            }
            f.append_pair(&format!("task_{i}_content"), &t.content);
            f.append_pair(&format!("task_{i}_lead"), &t.lead);
            for c in &t.coordinating {
                f.append_pair(&format!("task_{i}_coordinating"), c);
            }
            f.append_pair(&format!("task_{i}_deadline"), &t.deadline);
            f.append_pair(&format!("task_{i}_deadline_typed"), &t.deadline_typed);
        }
        for (i, r) in self.recs.iter().enumerate() {
            f.append_pair(&format!("rec_{i}_present"), "1");
            if r.include {
                f.append_pair(&format!("rec_{i}_include"), "1");
            }
            f.append_pair(&format!("rec_{i}_content"), &r.content);
            f.append_pair(&format!("rec_{i}_raised_by"), &r.raised_by);
            f.append_pair(&format!("rec_{i}_addressed_to"), &r.addressed_to);
        }
        f.finish()
    }

    /// The misspelt words of the form's fields, with the pasted document as evidence.
    fn spelling(&self, document: &str, lang: Lang) -> Vec<crate::features::work::spelling::Flag> {
        let speller = giaoban_vntext::spelling::Speller::new(document);
        let fields: Vec<(String, String, String, i64)> = self
            .texts(lang)
            .into_iter()
            .map(|(k, l, t)| (k, l, t, 0))
            .collect();
        crate::features::work::spelling::flags(&speller, &fields)
    }

    /// Makes the fixes pressed: one (`fix` = "field|occurrence|word|fix"), or every flag's first
    /// (`fix_all`). A fix the check does not offer there (any more) changes nothing.
    fn apply_fixes(&mut self, document: &str, one: Option<&str>, all: bool, lang: Lang) {
        use crate::features::work::spelling::Fix;
        let speller = giaoban_vntext::spelling::Speller::new(document);
        let fixes: Vec<Fix> = match one.and_then(Fix::parse) {
            Some(f) if !all => vec![f],
            _ if all => self
                .spelling(document, lang)
                .into_iter()
                // Later occurrences first: fixing one does not renumber those before it.
                .rev()
                .filter_map(|f| {
                    Some(Fix {
                        to: f.fixes.first()?.clone(),
                        target: f.target,
                        occurrence: f.occurrence,
                        word: f.word,
                    })
                })
                .collect(),
            _ => vec![],
        };
        for fix in fixes {
            if let Some(text) = self.text_mut(&fix.target)
                && let Some(fixed) = fix.apply(&speller, text)
            {
                *text = fixed;
            }
        }
    }
}

/// A resolved assignee's unit id.
fn resolved(a: &Assignee) -> Option<String> {
    match &a.resolution {
        Resolution::Exact { id } | Resolution::Prefix { id } => Some(id.clone()),
        _ => None,
    }
}

/// How a deadline read from the text is offered for confirmation, without reading it again: the
/// typed deadline (`Deadline::try_from`) shown by its one formatter (`Deadline::label`) and carried
/// as JSON; an expression that cannot be a deadline is offered as written, untyped.
fn deadline_echo(text: &str, f: &Found<DateExpr>) -> (String, String) {
    use giaoban_domain::deadline::Deadline;
    match Deadline::try_from(&f.value) {
        Ok(d) => (
            d.label(Lang::Vi),
            serde_json::to_string(&d).unwrap_or_default(),
        ),
        Err(_) => (
            text.get(f.span.start..f.span.end)
                .unwrap_or("")
                .trim()
                .to_owned(),
            String::new(),
        ),
    }
}

/// The deadline a confirmed task is created with: the typed value read from the text when the
/// words are still its label, else the (edited) words, parsed once by the domain.
fn deadline_input(words: &str, typed: &str) -> giaoban_domain::task::DeadlineInput {
    use giaoban_domain::deadline::Deadline;
    use giaoban_domain::task::DeadlineInput;
    match serde_json::from_str::<Deadline>(typed) {
        Ok(d) if d.label(Lang::Vi) == words.trim() => DeadlineInput::Typed(d),
        _ => DeadlineInput::Text(words.to_owned()),
    }
}

/// The first proposals of the confirmation form, from what was read.
fn echo_from(
    text: &str,
    x: &Extraction,
    territory: Option<giaoban_domain::unit::UnitId>,
    me: &CurrentActor,
    units: &[giaoban_domain::unit::Unit],
) -> ConfirmEcho {
    use giaoban_domain::unit::UnitKind;
    use giaoban_vntext::normalize::ascii_key;
    let head = ascii_key(&text.chars().take(3000).collect::<String>());
    let kind = if head.contains("phien hop") {
        "regular_session"
    } else if head.contains("giao ban") {
        "briefing"
    } else if head.contains("tong ket") {
        "annual_review"
    } else if head.contains("so ket") || head.contains("danh gia") {
        "review"
    } else {
        "thematic"
    };
    // The subject line: what follows "THÔNG BÁO", else the first line (a news headline).
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let title = lines
        .iter()
        .position(|l| ascii_key(l) == "thong bao")
        .and_then(|i| lines.get(i + 1))
        .or(lines.first())
        .map(|l| {
            l.trim_matches('*')
                .trim()
                .chars()
                .take(400)
                .collect::<String>()
        })
        .unwrap_or_default();
    let date = match x.meeting.date.as_ref().map(|d| &d.value) {
        Some(DateExpr::Date { date, .. }) => date.to_string(),
        _ => String::new(),
    };
    let time = match x.meeting.date.as_ref().map(|d| &d.value) {
        Some(DateExpr::Date { time: Some(t), .. }) => format!("{:02}:{:02}", t.hour(), t.minute()),
        _ => String::new(),
    };
    let period = match x.meeting.period.as_ref().map(|p| &p.value) {
        Some(DateExpr::Period { period, .. }) => giaoban_domain::task::period_of_text(period)
            .map(|p| p.code())
            .unwrap_or_default(),
        _ => String::new(),
    };
    // The host: the territory's People's Committee when the reader may write for it.
    let tree = giaoban_domain::tree::UnitTree::new(units);
    let host = territory
        .and_then(|t| {
            units
                .iter()
                .find(|u| u.parent_id == Some(t) && u.kind == UnitKind::PeopleCommittee)
        })
        .filter(|u| {
            me.actor.may(
                giaoban_domain::access::Permission::WriteRecords,
                &tree.ancestry(u.id),
            )
        })
        .map(|u| u.id.to_string())
        .unwrap_or_default();
    let chair = x.meeting.chairs.first();
    let signature = x.signature.as_ref();
    let is_notice = x
        .document
        .number
        .as_ref()
        .is_some_and(|n| n.symbol.starts_with("TB"));
    ConfirmEcho {
        kind: kind.into(),
        title: title.clone(),
        date,
        time,
        place: x
            .document
            .place
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        host,
        chair_name: chair.map(|c| c.name.clone()).unwrap_or_default(),
        chair_title: chair.and_then(|c| c.title.clone()).unwrap_or_default(),
        period,
        notice: is_notice,
        notice_title: title,
        signer_name: signature
            .and_then(|g| g.name.as_ref())
            .map(|n| n.text.clone())
            .unwrap_or_default(),
        signer_title: signature
            .and_then(|g| g.title.as_ref())
            .map(|t| title_case(&t.text))
            .unwrap_or_default(),
        authority: signature
            .and_then(|g| g.authority)
            .and_then(authority_code)
            .unwrap_or_default()
            .to_owned(),
        recipients: recipient_lines(&x.recipients),
        results: section_text(x, SectionKind::Results),
        shortcomings: section_text(x, SectionKind::Shortcomings),
        directions: section_text(x, SectionKind::Directions),
        // One row per lead unit: the domain's task has one lead, and a task the text gives to
        // two units ("Giao phòng NN&PTNT, Văn phòng điều phối NTM …") is each one's to lead.
        tasks: x
            .tasks
            .iter()
            .flat_map(|t| {
                let deadline = t
                    .deadline
                    .as_ref()
                    .map(|d| deadline_echo(text, d))
                    .unwrap_or_default();
                let mut leads: Vec<String> = t.lead.iter().filter_map(resolved).collect();
                leads.dedup();
                if leads.is_empty() {
                    leads.push(String::new());
                }
                let coordinating: Vec<String> =
                    t.coordinating.iter().filter_map(resolved).collect();
                leads.into_iter().map(move |lead| TaskEcho {
                    include: true,
                    content: t.action.text.clone(),
                    lead,
                    coordinating: coordinating.clone(),
                    deadline: deadline.0.clone(),
                    deadline_typed: deadline.1.clone(),
                })
            })
            .collect(),
        recs: x
            .recommendations
            .iter()
            .map(|r| RecEcho {
                include: false,
                content: r.content.text.clone(),
                raised_by: String::new(),
                addressed_to: String::new(),
            })
            .collect(),
    }
}

/// The signing authorities to choose from; empty: the default (by order).
fn authority_choices(lang: Lang) -> Vec<(String, String)> {
    [
        ("", "—"),
        (
            "on_behalf_of_body",
            lang.pick("TM. (thay mặt tập thể)", "TM. (on behalf of the body)"),
        ),
        (
            "deputy",
            lang.pick("KT. (ký thay người đứng đầu)", "KT. (deputy for the head)"),
        ),
        ("by_order", lang.pick("TL. (thừa lệnh)", "TL. (by order)")),
    ]
    .into_iter()
    .map(|(c, l)| (c.to_owned(), l.to_owned()))
    .collect()
}

/// The notice's code for an authority read from the text; TUQ. and Q. have none.
fn authority_code(a: SigningAuthority) -> Option<&'static str> {
    use giaoban_domain::conclusion::Authority;
    match a {
        SigningAuthority::OnBehalfOfBody => Some(Authority::OnBehalfOfBody.code()),
        SigningAuthority::Deputy => Some(Authority::Deputy.code()),
        SigningAuthority::ByOrder => Some(Authority::ByOrder.code()),
        SigningAuthority::ByAuthorisation | SigningAuthority::Acting => None,
    }
}

/// "CHÁNH VĂN PHÒNG" → "Chánh Văn phòng": titles are stored as written in a sentence; the
/// notice prints them in capitals.
fn title_case(caps: &str) -> String {
    let lower = caps.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The recipients one a line, as the notice keeps them ("TT Huyện uỷ;" … "Lưu VT.").
fn recipient_lines(list: &[giaoban_vntext::extract::Located]) -> String {
    let n = list.len();
    list.iter()
        .enumerate()
        .map(|(i, r)| format!("{}{}", r.text, if i + 1 == n { "." } else { ";" }))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The sections of one kind, heading and body, as one text (other numbered sections go with
/// the directions: what the chair concluded beyond the evaluation).
fn section_text(x: &Extraction, kind: SectionKind) -> String {
    x.sections
        .iter()
        .filter(|s| {
            s.kind == kind || (kind == SectionKind::Directions && s.kind == SectionKind::Other)
        })
        .map(|s| match &s.heading {
            Some(h) => format!("{}\n{}", h.text, s.body.text),
            None => s.body.text.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The form as submitted.
fn echo_of(f: &Fields) -> ConfirmEcho {
    let count = |prefix: &str| {
        (0..)
            .take_while(|i| f.has(&format!("{prefix}_{i}_present")))
            .count()
    };
    ConfirmEcho {
        kind: f.get("kind"),
        title: f.get("title"),
        date: f.get("date"),
        time: f.get("time"),
        place: f.get("place"),
        host: f.get("host_unit_id"),
        chair_name: f.get("chair_name"),
        chair_title: f.get("chair_title"),
        period: f.get("period"),
        notice: f.has("notice"),
        notice_title: f.get("notice_title"),
        signer_name: f.get("signer_name"),
        signer_title: f.get("signer_title"),
        authority: f.get("authority"),
        recipients: f.get("recipients"),
        results: f.get("results"),
        shortcomings: f.get("shortcomings"),
        directions: f.get("directions"),
        tasks: (0..count("task"))
            .map(|i| TaskEcho {
                include: f.has(&format!("task_{i}_include")),
                content: f.get(&format!("task_{i}_content")),
                lead: f.get(&format!("task_{i}_lead")),
                coordinating: f.all(&format!("task_{i}_coordinating")),
                deadline: f.get(&format!("task_{i}_deadline")),
                deadline_typed: f.get(&format!("task_{i}_deadline_typed")),
            })
            .collect(),
        recs: (0..count("rec"))
            .map(|i| RecEcho {
                include: f.has(&format!("rec_{i}_include")),
                content: f.get(&format!("rec_{i}_content")),
                raised_by: f.get(&format!("rec_{i}_raised_by")),
                addressed_to: f.get(&format!("rec_{i}_addressed_to")),
            })
            .collect(),
    }
}

fn uuid_field(raw: &str, field: &'static str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| {
        AppError::from(giaoban_domain::unit::Invalid::new(
            field,
            "unit.required",
            "Cần chọn đơn vị.",
            "Choose a unit.",
        ))
    })
}

/// The records to create from the confirmed form (only the ticked tasks and recommendations).
fn document_of(e: &ConfirmEcho) -> Result<giaoban_app::work::DocumentConfirm, AppError> {
    use giaoban_domain::meeting::{MeetingInput, PersonInput, RecommendationInput};
    use giaoban_domain::task::TaskInput;
    let host = uuid_field(&e.host, "host_unit_id")?;
    let meeting = MeetingInput {
        kind: e.kind.clone(),
        title: e.title.clone(),
        date: e.date.clone(),
        time: opt(&e.time),
        place: opt(&e.place),
        host_unit_id: host,
        chair: opt(&e.chair_name).map(|name| PersonInput {
            name,
            title: opt(&e.chair_title),
            unit_id: None,
        }),
        participants: vec![],
        invited_unit_ids: vec![],
        agenda: vec![],
        minutes: None,
        period: opt(&e.period),
        version: None,
    };
    let conclusion = e.notice.then(|| giaoban_app::work::NoticeFields {
        title: e.notice_title.clone(),
        place: opt(&e.place),
        signer_name: opt(&e.signer_name),
        signer_title: opt(&e.signer_title),
        authority: opt(&e.authority),
        results: opt(&e.results),
        shortcomings: opt(&e.shortcomings),
        directions: opt(&e.directions),
        recipients: lines(&e.recipients),
        ..Default::default()
    });
    let mut tasks = Vec::new();
    // Every task's missing lead in one answer, with the deadlines that cannot be read (issue 23):
    // the other checks of a task run once every lead is chosen.
    let mut missing = giaoban_domain::unit::Invalids::default();
    // Only whether the words read as a deadline is asked here: any day does without a meeting date.
    let reference = giaoban_domain::unit::parse_date("date", &e.date)
        .ok()
        .flatten()
        .unwrap_or(jiff::civil::Date::constant(2000, 1, 1));
    for (i, t) in e.tasks.iter().enumerate().filter(|(_, t)| t.include) {
        let n = i + 1;
        let lead = uuid::Uuid::parse_str(t.lead.trim()).ok();
        if lead.is_none() {
            missing.push(giaoban_domain::unit::Invalid::new(
                "lead_unit_id",
                "unit.required",
                format!("Nhiệm vụ {n}: Cần chọn đơn vị chủ trì."),
                format!("Task {n}: Choose the lead unit."),
            ));
            if let giaoban_domain::task::DeadlineInput::Text(words) =
                deadline_input(&t.deadline, &t.deadline_typed)
                && let Err(mut err) = giaoban_domain::task::parse_deadline_text(&words, reference)
            {
                err.vi = format!("Nhiệm vụ {n}: {}", err.vi);
                err.en = format!("Task {n}: {}", err.en);
                missing.push(err);
            }
        }
        let Some(lead) = lead else {
            continue;
        };
        tasks.push(TaskInput {
            content: t.content.clone(),
            source_kind: None,
            conclusion_id: None,
            meeting_id: None,
            source_ref: None,
            assigner_unit_id: host,
            assigner_name: opt(&e.chair_name),
            lead_unit_id: lead,
            coordinating_unit_ids: t
                .coordinating
                .iter()
                .filter_map(|c| uuid::Uuid::parse_str(c).ok())
                .collect(),
            monitor_unit_id: None,
            parent_id: None,
            deadline: deadline_input(&t.deadline, &t.deadline_typed),
            assigned_on: None,
        });
    }
    if !missing.0.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let mut recommendations = Vec::new();
    for r in e.recs.iter().filter(|r| r.include) {
        recommendations.push(RecommendationInput {
            meeting_id: None,
            raised_by_unit_id: uuid_field(&r.raised_by, "raised_by_unit_id")?,
            addressed_to_unit_id: uuid::Uuid::parse_str(r.addressed_to.trim()).ok(),
            content: r.content.clone(),
            raised_on: None,
        });
    }
    Ok(giaoban_app::work::DocumentConfirm {
        meeting,
        conclusion,
        tasks,
        recommendations,
    })
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

#[derive(Deserialize)]
pub struct ReadingQuery {
    reading: Option<String>,
}

/// The reading page: empty, or a kept reading (`?reading=<id>`) with what was read in it and the
/// confirm form.
pub async fn extract_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<ReadingQuery>,
) -> Result<Response, AppError> {
    let c = Chrome::new(lang, Some(&me), &session, "/extract").await?;
    let Some(raw) = q.reading else {
        return Ok(render(&ExtractPage {
            c,
            text: String::new(),
            document_date: String::new(),
            error: None,
            result: None,
            confirm: None,
        })?
        .into_response());
    };
    let reading = match uuid::Uuid::parse_str(raw.trim()) {
        Ok(id) => state.store.reading(me.actor.user_id, id).await?,
        Err(_) => None,
    };
    let Some(reading) = reading else {
        // Another person's, older than a day, or never made: the same answer for each.
        let page = render(&ExtractPage {
            c,
            text: String::new(),
            document_date: String::new(),
            error: Some(
                lang.pick(
                    "Bản đọc này không còn được lưu; hãy dán lại văn bản và đọc lại.",
                    "This reading is no longer kept; paste the text and read it again.",
                )
                .to_owned(),
            ),
            result: None,
            confirm: None,
        })?;
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let giaoban_storage::readings::Reading {
        id,
        text,
        document_date,
        form_key,
        fields,
    } = reading;
    let (x, territory) =
        match giaoban_app::reading::run(&state, &me, &text, Some(&document_date)).await {
            Ok(read) => read,
            Err(e) => return read_failed(e.into(), c, text, document_date, lang),
        };
    let units = state.store.units().await?;
    let names = units
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let result = proposals(&text, &x, &names, lang);
    let echo = match &fields {
        Some(f) => echo_of(&Fields::parse(f.as_bytes())),
        None => echo_from(&text, &x, territory, &me, &units),
    };
    let mut confirm = confirm_form(&me, &units, &echo, vec![], lang);
    confirm.form_key = form_key;
    confirm.reading = id.to_string();
    confirm.spelling = echo.spelling(&text, lang);
    let source = read_source(&text, Some(&x));
    confirm.earlier = earlier_reads(&state, &me, lang, &source, &echo.host).await?;
    Ok(render(&ExtractPage {
        c,
        text,
        document_date,
        error: None,
        result: Some(result),
        confirm: Some(confirm),
    })?
    .into_response())
}

/// The page again with the text as pasted and what is wrong with it; other errors as errors.
fn read_failed(
    e: AppError,
    c: Chrome,
    text: String,
    document_date: String,
    lang: Lang,
) -> Result<Response, AppError> {
    match crate::layout::correctable(&e, lang) {
        Some((status, msg)) => {
            let page = render(&ExtractPage {
                c,
                text,
                document_date,
                error: Some(msg),
                result: None,
                confirm: None,
            })?;
            Ok((status, page).into_response())
        }
        None => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ExtractForm {
    text: String,
    #[serde(default)]
    document_date: String,
}

/// Reads a pasted text: keeps it with a fresh confirm-form key and shows it at
/// `/extract?reading=<id>` (Post/Redirect/Get); a text that cannot be read comes back with why.
pub async fn extract_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Form(f): Form<ExtractForm>,
) -> Result<Response, AppError> {
    if let Err(e) = giaoban_app::reading::checked_input(&f.text, Some(&f.document_date)) {
        let c = Chrome::new(lang, Some(&me), &session, "/extract").await?;
        return read_failed(e.into(), c, f.text, f.document_date, lang);
    }
    let key = crate::once::new_form_key()?;
    let id = state
        .store
        .reading_create(me.actor.user_id, &f.text, &f.document_date, &key)
        .await?;
    Ok(axum::response::Redirect::to(&format!("/extract?reading={id}")).into_response())
}

/// Creates the meeting, notice, tasks and recommendations as corrected on the page; on a mistake
/// the page comes back with every value as typed and the messages on top.
pub async fn confirm_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let mut echo = echo_of(&f);
    let key = crate::once::form_key(&f.get("form_key"))?;
    let again = f.has("again");
    let text = f.get("text");
    let document_date = f.get("document_date");
    let reading = uuid::Uuid::parse_str(f.get("reading").trim()).ok();
    // "Sửa thành «…»" without JavaScript: the form comes back with the fix made; nothing is
    // created. With a kept reading, as a page got (Post/Redirect/Get).
    let fix_all = f.has("fix_all");
    if f.has("fix") || fix_all {
        let one = f.get("fix");
        echo.apply_fixes(&text, Some(&one), fix_all, lang);
        if let Some(id) = reading
            && state
                .store
                .reading_set_fields(me.actor.user_id, id, &echo.encoded())
                .await?
        {
            return Ok(
                axum::response::Redirect::to(&format!("/extract?reading={id}#confirm"))
                    .into_response(),
            );
        }
        let units = state.store.units().await?;
        let mut confirm = confirm_form(&me, &units, &echo, vec![], lang);
        confirm.form_key = match key {
            Some(k) => k,
            None => crate::once::new_form_key()?,
        };
        confirm.spelling = echo.spelling(&text, lang);
        confirm.again = again;
        let page = render(&ExtractPage {
            c: Chrome::new(lang, Some(&me), &session, "/extract").await?,
            text,
            document_date,
            error: None,
            result: None,
            confirm: Some(confirm),
        })?;
        return Ok(page.into_response());
    }
    let extracted = giaoban_app::reading::run(&state, &me, &text, Some(&document_date))
        .await
        .ok()
        .map(|(x, _)| x);
    let source = read_source(&text, extracted.as_ref());
    let mut earlier = Vec::new();
    let result = crate::once::once(
        &state,
        &me,
        key.as_deref(),
        "meeting",
        |m: &giaoban_domain::meeting::Meeting| m.id,
        || async {
            let doc = document_of(&echo)?;
            if !again {
                earlier = earlier_reads(&state, &me, lang, &source, &echo.host).await?;
                if !earlier.is_empty() {
                    return Err(AppError::Refused {
                        status: axum::http::StatusCode::CONFLICT,
                        code: "document.read_before",
                        vi: "Văn bản này đã được đọc và tạo trước đó.".into(),
                        en: "This document was read and created before.".into(),
                    });
                }
            }
            giaoban_app::work::confirm_read_document(&state, &me, &doc, Some(&source))
                .await
                .map_err(AppError::from)
        },
    )
    .await;
    let e = match result {
        Ok(crate::once::Made::New(m)) => {
            return Ok(axum::response::Redirect::to(&format!("/meetings/{}", m.id)).into_response());
        }
        Ok(crate::once::Made::Before(id)) => {
            return Ok(
                axum::response::Redirect::to(&format!("/meetings/{id}?again=1")).into_response(),
            );
        }
        Err(e) => e,
    };
    let status = match &e {
        AppError::Refused { code, status, .. } if *code == "document.read_before" => *status,
        _ => match crate::layout::correctable(&e, lang) {
            Some((status, _)) => status,
            None => return Err(e),
        },
    };
    let messages: Vec<String> = match &e {
        AppError::Invalid(list) => list
            .0
            .iter()
            .map(|i| lang.pick(&i.vi, &i.en).to_owned())
            .collect(),
        AppError::Refused { vi, en, .. } => vec![lang.pick(vi, en).to_owned()],
        other => crate::layout::correctable(other, lang)
            .map(|(_, m)| vec![m])
            .unwrap_or_default(),
    };
    let units = state.store.units().await?;
    let result = extracted.as_ref().map(|x| {
        let names = units
            .iter()
            .map(|u| (u.id.to_string(), u.name.clone()))
            .collect();
        proposals(&text, x, &names, lang)
    });
    let mut confirm = confirm_form(&me, &units, &echo, messages, lang);
    // The same key: the form failed and created nothing, so its key was released.
    confirm.form_key = match key {
        Some(k) => k,
        None => crate::once::new_form_key()?,
    };
    confirm.earlier = earlier;
    confirm.again = again;
    confirm.reading = reading.map(|r| r.to_string()).unwrap_or_default();
    confirm.spelling = echo.spelling(&text, lang);
    let page = render(&ExtractPage {
        c: Chrome::new(lang, Some(&me), &session, "/extract").await?,
        text,
        document_date,
        error: None,
        result,
        confirm: Some(confirm),
    })?;
    Ok((status, page).into_response())
}
