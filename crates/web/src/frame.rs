//! The frame of every page (menu, signed-in user, language, CSRF token) as the templates read it
//! (`base.html`). Plain data: the layout module fills it for a request, the error page fills it
//! bare.

use giaoban_app::inbox::InboxCounts;
use giaoban_domain::Lang;

use crate::i18n::{InboxTexts, Texts, inbox_texts, texts};

/// What every page's frame needs.
pub struct Chrome {
    pub t: &'static Texts,
    /// The texts of the inbox (its menu entry, its page, the home page's block).
    pub inbox_t: &'static InboxTexts,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub path: String,
}

pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub may_list_users: bool,
    pub may_audit: bool,
    /// Leaders, office staff and the administrator see the handover page (`/handover`).
    pub may_handover: bool,
    /// What waits for the user (the menu's badge, the home page's block).
    pub inbox: InboxCounts,
}

impl Chrome {
    /// The largest body a page's form may send, which the page's script checks before sending
    /// (so a refused paste stays in its box) and the server's 413 page states.
    pub fn form_limit(&self) -> usize {
        crate::state::MAX_FORM_BYTES
    }

    /// [`Chrome::form_limit`] as a person reads it, in the page's language.
    pub fn form_limit_label(&self) -> String {
        let lang = if self.t.lang == "en" {
            Lang::En
        } else {
            Lang::Vi
        };
        size_label(self.form_limit(), lang)
    }

    /// The frame of a page shown without a session (the error page): no user, no form token.
    pub fn bare(lang: Lang, path: &str) -> Chrome {
        Chrome {
            t: texts(lang),
            inbox_t: inbox_texts(lang),
            user: None,
            csrf: String::new(),
            path: path.to_owned(),
        }
    }
}

/// A size in bytes as a person reads it: "1 MB", "1,5 MB", "512 KB".
pub fn size_label(bytes: usize, lang: Lang) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    let (whole, tenths, unit) = if bytes >= MB {
        (bytes / MB, (bytes % MB) * 10 / MB, "MB")
    } else {
        (bytes.div_ceil(KB), 0, "KB")
    };
    let mark = match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    };
    if tenths == 0 {
        format!("{whole} {unit}")
    } else {
        format!("{whole}{mark}{tenths} {unit}")
    }
}
