//! Helpers for the HTML forms every feature's pages read and show again: the submitted pairs,
//! the choices of a select, the messages of a refused form, and the redirect after a post.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::Unit;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::layout::{FIELD_LINK, correctable};

/// A submitted form as its pairs: a multi-select sends its key once per chosen value.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `key`, as typed ("" when absent).
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every non-empty value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && !v.is_empty())
    }

    pub fn version(&self) -> Option<i64> {
        self.get("version").trim().parse().ok()
    }
}

pub fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The messages of a refused form: one summary and one per field.
#[derive(Default)]
pub struct FormErrors {
    pub message: Option<String>,
    fields: Vec<(&'static str, String)>,
    /// The summary's first line when fields are named: how many to correct.
    heading: Option<String>,
}

impl FormErrors {
    /// The messages about `field`, joined.
    pub fn get(&self, field: &str) -> Option<String> {
        let found: Vec<&str> = self
            .fields
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!found.is_empty()).then(|| found.join(" "))
    }

    /// Each field's message once, in order; a sentence already listed for another field is not
    /// repeated.
    pub fn items(&self) -> Vec<(&'static str, &str)> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (field, message) in &self.fields {
            let m = message.trim();
            if m.is_empty() || seen.contains(&m) {
                continue;
            }
            seen.push(m);
            out.push((*field, m));
        }
        out
    }

    /// The error summary shown just above the refused form (empty when nothing was refused):
    /// focused when the page loads (`autofocus` on a `tabindex="-1"` box, no script needed), so
    /// the browser opens the page at it; each item links to its field. The links name fields
    /// (`#field:name`) until [`crate::layout::render`] turns them into the fields' ids.
    pub fn summary(&self, id: &str) -> String {
        let Some(message) = &self.message else {
            return String::new();
        };
        let items = self.items();
        let mut html = format!(
            "<div class=\"error error-summary\" role=\"alert\" id=\"{}\" tabindex=\"-1\" autofocus>",
            escape(id)
        );
        match &self.heading {
            Some(h) if !items.is_empty() => {
                html.push_str(&format!("<p>{}</p><ul>", escape(h)));
                for (field, m) in items {
                    html.push_str(&format!(
                        "<li><a {FIELD_LINK}{}\">{}</a></li>",
                        escape(field),
                        escape(m)
                    ));
                }
                html.push_str("</ul>");
            }
            _ => html.push_str(&format!("<p>{}</p>", escape(message))),
        }
        html.push_str("</div>");
        html
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a correctable error into the status and the messages a form shows; `None` for errors
/// that go to the error page.
pub fn form_errors(e: &AppError, lang: Lang) -> Option<(StatusCode, FormErrors)> {
    let (status, message) = correctable(e, lang)?;
    let fields: Vec<(&'static str, String)> = e
        .info()
        .fields
        .iter()
        .map(|f| (f.field, lang.pick(&f.vi, &f.en).to_owned()))
        .collect();
    let mut errs = FormErrors {
        message: Some(message),
        fields,
        heading: None,
    };
    let n = errs.items().len();
    errs.heading = Some(match (lang, n) {
        (Lang::Vi, _) => format!("Chưa lưu được: cần sửa {n} mục dưới đây."),
        (Lang::En, 1) => "Not saved: correct the field below.".to_owned(),
        (Lang::En, _) => format!("Not saved: correct the {n} fields below."),
    });
    Some((status, errs))
}

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn mark(choices: &[(String, String)], selected: &[String]) -> Vec<Opt> {
    choices
        .iter()
        .map(|(v, l)| Opt {
            value: v.clone(),
            label: l.clone(),
            selected: selected.iter().any(|s| s == v),
        })
        .collect()
}

pub fn mark_one(choices: &[(String, String)], selected: &str) -> Vec<Opt> {
    mark(choices, &[selected.to_owned()])
}

/// Units in tree order, indented, active on the app's day ([`CurrentActor::today`]): those the
/// actor has `perm` on, or without one the units around the actor's scope (its parent's subtree
/// and its ancestors), which is where a recommendation is addressed or a meeting invites.
pub fn unit_choices(
    me: &CurrentActor,
    units: &[Unit],
    perm: Option<Permission>,
) -> Vec<(String, String)> {
    let tree = UnitTree::new(units);
    // The app's day (a server run "as of" a day offers the units of that day).
    let today = me.today;
    let scope = tree.ancestry(me.actor.scope_root);
    let anchor = scope.get(1).copied();
    let near =
        |u: &Unit| scope.contains(&u.id) || anchor.is_none_or(|a| tree.ancestry(u.id).contains(&a));
    // Units merged into the actor's are offered for reading, as history (issue 24), marked "cũ".
    let history = |u: &Unit| {
        perm == Some(Permission::ReadRecords)
            && !me.actor.may(Permission::ReadRecords, &tree.ancestry(u.id))
            && giaoban_domain::access::may_read(&me.actor, &tree, u.id)
    };
    tree.preorder(None)
        .into_iter()
        .filter_map(|(u, depth)| {
            let old = !u.is_active_on(today);
            let shown = if old {
                history(u)
            } else {
                match perm {
                    Some(p) => me.actor.may(p, &tree.ancestry(u.id)) || history(u),
                    None => near(u),
                }
            };
            shown.then(|| {
                (
                    u.id.to_string(),
                    format!(
                        "{}{}{}",
                        "· ".repeat(depth as usize),
                        u.name,
                        if old { " (cũ)" } else { "" }
                    ),
                )
            })
        })
        .collect()
}

pub fn code_choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|k| (code(*k).to_owned(), label(*k).to_owned()))
        .collect()
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Sends a correctable error back to the form (rendered by `again`), others to the error page.
pub async fn or_again<F, Fut>(e: AppError, lang: Lang, again: F) -> Result<Response, AppError>
where
    F: FnOnce(FormErrors) -> Fut,
    Fut: std::future::Future<Output = Result<Html<String>, AppError>>,
{
    match form_errors(&e, lang) {
        Some((status, errs)) => Ok((status, again(errs).await?).into_response()),
        None => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::anchor_summaries;

    fn refused(fields: &[(&'static str, &str)]) -> FormErrors {
        let mut errs = FormErrors {
            message: Some("joined".into()),
            fields: fields.iter().map(|(f, m)| (*f, (*m).to_owned())).collect(),
            heading: None,
        };
        errs.heading = Some(format!("{} to correct.", errs.items().len()));
        errs
    }

    #[test]
    fn the_summary_says_each_sentence_once_and_links_to_the_fields_ids() {
        let errs = refused(&[
            ("content", "Nội dung là bắt buộc."),
            ("title", "Nội dung là bắt buộc."),
            ("note", "Ghi chú quá dài."),
            ("kind", "Loại không hợp lệ."),
        ]);
        assert_eq!(errs.items().len(), 3, "the repeated sentence is said once");
        let page = format!(
            "<h1>x</h1>{}<form id=\"f\"><input type=\"hidden\" name=\"kind\" value=\"\">\
             <textarea name=\"content\" id=\"c-in\"></textarea><input name=\"note\"></form>",
            errs.summary("s")
        );
        let html = anchor_summaries(page);
        assert!(html.contains("href=\"#c-in\""), "{html}");
        // A control without an id gets one.
        assert!(
            html.contains("href=\"#field-note\"")
                && html.contains("<input id=\"field-note\" name=\"note\">"),
            "{html}"
        );
        // A hidden field has nothing to go to: the link goes to its form.
        assert!(html.contains("href=\"#f\""), "{html}");
        assert!(!html.contains("#field:"), "{html}");
        assert!(html.contains("id=\"s\" tabindex=\"-1\" autofocus"));
        assert_eq!(html.matches("Nội dung là bắt buộc.").count(), 1);
    }

    #[test]
    fn nothing_refused_no_summary() {
        assert_eq!(FormErrors::default().summary("s"), "");
        let html = "<form><input name=\"a\"></form>".to_owned();
        assert_eq!(anchor_summaries(html.clone()), html);
    }
}
