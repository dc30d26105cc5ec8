//! One-click fixes of misspelt words ([`giaoban_vntext::spelling`]): the reading page's confirm
//! form and a draft notice's page list each flagged word with a button per fix ("Sửa thành
//! «Việt»"). On the reading page the button changes the form (in the browser with the vendored
//! `/static/app.js`, else by posting the form, see `extract::confirm_submit`); on a draft notice's
//! page it posts [`notice_fix_submit`], an audited edit of the task or the notice's field through
//! the use cases that edit drafts, refused (422) once the notice is issued. Nothing is fixed
//! without a person asking: the text goes out as written unless a fix is pressed.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use giaoban_domain::Lang;
use giaoban_domain::task::TaskId;
use giaoban_vntext::span::Span;
use giaoban_vntext::spelling::{Speller, replace_occurrence};
use uuid::Uuid;

use super::pages::ConclusionFormEcho;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{Fields, see_other};
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::work::{self as uc, ConclusionView, TaskView};

/// A flagged word in one field, with the fixes offered.
pub struct Flag {
    /// The form field (reading page), or the notice's field or `task:<id>` (notice page).
    pub target: String,
    /// Where, for a person ("Nhiệm vụ 2", "Tên cuộc họp").
    pub label: String,
    /// The word as written.
    pub word: String,
    /// Which whole-word occurrence of `word` in the field it is (from 0).
    pub occurrence: usize,
    /// The words around it.
    pub context: String,
    /// Best first.
    pub fixes: Vec<String>,
    /// The version of the task or notice the fix applies to (notice page).
    pub version: i64,
}

/// Up to about 40 characters either side of `span`, cut at spaces.
fn context(text: &str, span: Span) -> String {
    let before: String = {
        let head = text.get(..span.start).unwrap_or("");
        let chars: Vec<char> = head.chars().rev().take(40).collect();
        let s: String = chars.into_iter().rev().collect();
        match s.find(' ') {
            Some(i) if head.chars().count() > 40 => format!("…{}", &s[i..]),
            _ => s,
        }
    };
    let after: String = {
        let tail = text.get(span.end..).unwrap_or("");
        let s: String = tail.chars().take(40).collect();
        match s.rfind(' ') {
            Some(i) if tail.chars().count() > 40 => format!("{}…", &s[..i]),
            _ => s,
        }
    };
    format!("{before}{}{after}", span.slice(text))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The flags of `fields` (target, label, text, version), with `speller`'s evidence.
pub fn flags(speller: &Speller, fields: &[(String, String, String, i64)]) -> Vec<Flag> {
    let mut out = Vec::new();
    for (target, label, text, version) in fields {
        for m in speller.check(text) {
            out.push(Flag {
                target: target.clone(),
                label: label.clone(),
                context: context(text, m.span),
                word: m.text,
                occurrence: m.occurrence,
                fixes: m.suggestions,
                version: *version,
            });
        }
    }
    out
}

/// A fix as a button sends it: "target|occurrence|word|fix".
pub struct Fix {
    pub target: String,
    pub occurrence: usize,
    pub word: String,
    pub to: String,
}

impl Fix {
    pub fn parse(raw: &str) -> Option<Fix> {
        let mut parts = raw.splitn(4, '|');
        Some(Fix {
            target: parts.next()?.to_owned(),
            occurrence: parts.next()?.trim().parse().ok()?,
            word: parts.next()?.to_owned(),
            to: parts.next()?.to_owned(),
        })
    }

    /// `text` with this fix made, when it is one the spelling check offers there now.
    pub fn apply(&self, speller: &Speller, text: &str) -> Option<String> {
        let offered = speller.check(text).into_iter().any(|m| {
            m.text == self.word
                && m.occurrence == self.occurrence
                && m.suggestions.contains(&self.to)
        });
        if !offered {
            return None;
        }
        replace_occurrence(text, &self.word, self.occurrence, &self.to)
    }
}

fn stale() -> AppError {
    AppError::Refused {
        status: StatusCode::CONFLICT,
        code: "spelling.stale",
        vi: "Từ này đã được sửa hoặc nội dung đã thay đổi; hãy tải lại trang.".into(),
        en: "This word was already fixed or the text changed; reload the page.".into(),
    }
}

/// The notice's fields a fix may change, with their labels.
fn notice_fields(n: &ConclusionView, lang: Lang) -> Vec<(&'static str, String, String)> {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        (
            "title",
            lang.pick("Trích yếu", "Subject").into(),
            n.title.clone(),
        ),
        ("place", lang.pick("Địa danh", "Place").into(), o(&n.place)),
        (
            "signer_name",
            lang.pick("Người ký", "Signer").into(),
            o(&n.signer_name),
        ),
        (
            "signer_title",
            lang.pick("Chức vụ người ký", "Signer's title").into(),
            o(&n.signer_title),
        ),
        (
            "results",
            lang.pick("Kết quả", "Results").into(),
            o(&n.results),
        ),
        (
            "shortcomings",
            lang.pick("Hạn chế", "Shortcomings").into(),
            o(&n.shortcomings),
        ),
        (
            "directions",
            lang.pick("Chỉ đạo", "Directions").into(),
            o(&n.directions),
        ),
    ]
}

/// The speller of a notice: its fields and its tasks are its evidence.
fn notice_speller(n: &ConclusionView, tasks: &[TaskView]) -> Speller {
    let mut all: Vec<String> = notice_fields(n, Lang::Vi)
        .into_iter()
        .map(|(_, _, t)| t)
        .collect();
    all.extend(tasks.iter().map(|t| t.content.clone()));
    Speller::new(&all.join("\n"))
}

/// The flags of a draft notice the viewer may edit: its fields, then the tasks the viewer manages.
pub fn notice_flags(n: &ConclusionView, tasks: &[TaskView], lang: Lang) -> Vec<Flag> {
    if !n.can_edit {
        return vec![];
    }
    let speller = notice_speller(n, tasks);
    let mut fields: Vec<(String, String, String, i64)> = notice_fields(n, lang)
        .into_iter()
        .map(|(k, l, t)| (k.to_owned(), l, t, n.version))
        .collect();
    fields.extend(
        tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.rights.manage && t.conclusion_id == Some(n.id))
            .map(|(i, t)| {
                (
                    format!("task:{}", t.id),
                    format!("{} {}", lang.pick("Nhiệm vụ", "Task"), i + 1),
                    t.content.clone(),
                    t.version,
                )
            }),
    );
    flags(&speller, &fields)
}

/// `POST /conclusions/{id}/spelling`: one fix on a draft notice or one of its tasks (fields
/// `target`, `occurrence`, `word`, `fix`, `version`); back to the notice's page.
pub async fn notice_fix_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let fix = Fix {
        target: f.get("target"),
        occurrence: f.get("occurrence").trim().parse().map_err(|_| stale())?,
        word: f.get("word"),
        to: f.get("fix"),
    };
    let version: Option<i64> = f.get("version").trim().parse().ok();
    let d = uc::conclusion_detail(&state, &me, id, lang).await?;
    let issued = d.conclusion.status == "issued";
    let speller = notice_speller(&d.conclusion, &d.tasks);
    // On an issued notice the use case refuses whatever is sent (422): the fix is not looked at.
    let fixed = |text: &str| match fix.apply(&speller, text) {
        Some(t) => Ok(t),
        None if issued => Ok(text.to_owned()),
        None => Err(stale()),
    };
    if let Some(task) = fix.target.strip_prefix("task:") {
        let task_id = Uuid::parse_str(task).map_err(|_| AppError::NotFound)?;
        let t = d
            .tasks
            .iter()
            .find(|t| t.id == task_id)
            .ok_or(AppError::NotFound)?;
        let content = fixed(&t.content)?;
        uc::update_task_content(&state, &me, TaskId(task_id), &content, version).await?;
    } else {
        let mut echo = ConclusionFormEcho::of(&d.conclusion);
        let field = match fix.target.as_str() {
            "title" => &mut echo.title,
            "place" => &mut echo.place,
            "signer_name" => &mut echo.signer_name,
            "signer_title" => &mut echo.signer_title,
            "results" => &mut echo.results,
            "shortcomings" => &mut echo.shortcomings,
            "directions" => &mut echo.directions,
            _ => return Err(stale()),
        };
        *field = fixed(field)?;
        echo.version = version;
        let input = echo.input(d.meeting.id)?;
        uc::update_conclusion(&state, &me, id, &input).await?;
    }
    Ok(see_other(&format!("/conclusions/{id}#notice-spelling")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_is_made_only_where_it_is_offered() {
        let text = "Phạm Viêt Hoài; tại Viêt Nam";
        let speller = Speller::new(text);
        let fix = |raw: &str| Fix::parse(raw).expect("parses");
        assert_eq!(
            fix("x|1|Viêt|Việt").apply(&speller, text).as_deref(),
            Some("Phạm Viêt Hoài; tại Việt Nam")
        );
        // Not a fix the check offers, nor an occurrence that is there.
        assert_eq!(fix("x|1|Viêt|Viêm").apply(&speller, text), None);
        assert_eq!(fix("x|2|Viêt|Việt").apply(&speller, text), None);
        assert_eq!(fix("x|0|Phạm|Phạn").apply(&speller, text), None);
        assert!(Fix::parse("x|one|Viêt|Việt").is_none());
        assert!(Fix::parse("x|1|Viêt").is_none());
    }

    #[test]
    fn the_context_is_cut_at_spaces() {
        let text = "Chương trình mục tiêu quốc gia xây dựng nông thôn mới tại Viêt Nam giai đoạn 2021-2025 trên địa bàn huyện";
        let m = &giaoban_vntext::spelling::misspellings(text)[0];
        let c = context(text, m.span);
        assert!(c.starts_with('…') && c.ends_with('…'), "{c}");
        assert!(c.contains("tại Viêt Nam"), "{c}");
    }
}
