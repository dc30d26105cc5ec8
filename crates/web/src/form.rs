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
use crate::layout::correctable;

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
}

/// Splits a correctable error into the status and the messages a form shows; `None` for errors
/// that go to the error page.
pub fn form_errors(e: &AppError, lang: Lang) -> Option<(StatusCode, FormErrors)> {
    let (status, message) = correctable(e, lang)?;
    let fields = e
        .info()
        .fields
        .iter()
        .map(|f| (f.field, lang.pick(&f.vi, &f.en).to_owned()))
        .collect();
    Some((
        status,
        FormErrors {
            message: Some(message),
            fields,
        },
    ))
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
