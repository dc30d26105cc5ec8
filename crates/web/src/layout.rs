//! What every page shares beyond its frame's data: filling the frame for a request, rendering a
//! template, and telling which errors a person can mend on the form they sent.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Html;
use giaoban_domain::Lang;
use giaoban_domain::user::Role;
use tower_sessions::Session;

use crate::auth::CurrentActor;
use crate::csrf;
use crate::error::AppError;
use crate::frame::{Chrome, NavUser};
use crate::i18n::{inbox_texts, texts};

impl Chrome {
    /// The frame for a request: the signed-in user (if any), with the inbox badge, and the
    /// session's CSRF token.
    pub async fn new(
        lang: Lang,
        me: Option<&CurrentActor>,
        session: &Session,
        path: &str,
    ) -> Result<Chrome, AppError> {
        let user = match me {
            Some(m) => Some(NavUser {
                display_name: m.user.display_name.clone(),
                role_label: m.user.role.label(lang),
                may_list_users: m.user.role != Role::Member,
                may_audit: m.user.role != Role::Member,
                may_handover: giaoban_domain::handover::may_see_handover(&m.actor),
                inbox: giaoban_app::inbox::inbox_count(&m.store, m).await?,
            }),
            None => None,
        };
        Ok(Chrome {
            t: texts(lang),
            inbox_t: inbox_texts(lang),
            user,
            csrf: csrf::token(session).await?,
            path: path.to_owned(),
        })
    }
}

/// For errors a person can mend on the form they sent (invalid input, a clash with stored data): the
/// status and the message to show with the form again. Other errors go to the error page.
pub fn correctable(e: &AppError, lang: Lang) -> Option<(StatusCode, String)> {
    use giaoban_storage::StoreError;
    match e {
        AppError::Invalid(_)
        | AppError::Store(StoreError::Conflict(_) | StoreError::Invalid(_)) => {
            let info = e.info();
            Some((info.status, lang.pick(&info.vi, &info.en).to_owned()))
        }
        _ => None,
    }
}

/// A page's HTML, or an internal error if the template fails. The links of an error summary
/// (the form module's `FormErrors::summary`) are pointed at the ids of their fields here.
pub fn render(t: &impl Template) -> Result<Html<String>, AppError> {
    t.render()
        .map(anchor_summaries)
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// Where a summary item links before [`anchor_summaries`] finds its field's id.
pub(crate) const FIELD_LINK: &str = "href=\"#field:";

/// Points the links of each error summary in `html` at its fields: the first control after the
/// summary named as the field (`name="…"`) gives its id, or gets `id="field-…"`; a field with no
/// visible control (a hidden input) links to the form that follows the summary.
pub fn anchor_summaries(mut html: String) -> String {
    while let Some(at) = html.find(FIELD_LINK) {
        let start = at + FIELD_LINK.len();
        let Some(len) = html[start..].find('"') else {
            break;
        };
        let field = html[start..start + len].to_owned();
        let (target, insert) = field_target(&html, start + len, &field);
        if let Some((pos, text)) = insert {
            html.insert_str(pos, &text);
        }
        html.replace_range(at..start + len, &format!("href=\"#{target}"));
    }
    html
}

/// The id a summary link to `field` goes to, searching from `from`, and an id to insert into the
/// page (position, text) when the control has none.
fn field_target(html: &str, from: usize, field: &str) -> (String, Option<(usize, String)>) {
    let name = format!(" name=\"{field}\"");
    let control = html[from..].find(&name).and_then(|rel| {
        let q = from + rel;
        let open = html[..q].rfind('<')?;
        let close = q + html[q..].find('>')?;
        let tag = &html[open..close];
        (!tag.contains("type=\"hidden\"")).then_some((open, tag))
    });
    let found = control.or_else(|| {
        let open = from + html[from..].find("<form")?;
        let close = open + html[open..].find('>')?;
        Some((open, &html[open..close]))
    });
    let Some((open, tag)) = found else {
        return (String::new(), None);
    };
    if let Some(id) = attr(tag, "id") {
        return (id.to_owned(), None);
    }
    let id = format!("field-{field}");
    let after_name = open
        + 1
        + tag[1..]
            .find(|c: char| c.is_whitespace())
            .unwrap_or(tag.len() - 1);
    (id.clone(), Some((after_name, format!(" id=\"{id}\""))))
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}
