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
/// ([`crate::form::FormErrors::summary`]) are pointed at the ids of their fields here.
pub fn render(t: &impl Template) -> Result<Html<String>, AppError> {
    t.render()
        .map(crate::form::anchor_summaries)
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}
