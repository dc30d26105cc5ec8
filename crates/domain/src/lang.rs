//! The interface languages and the contract for errors that explain themselves to a person.
//!
//! Vietnamese is the default everywhere; English is available on request (`Accept-Language: en`,
//! `--lang en`). Messages live next to the rule that produces them, so a rule and its wording change
//! together.

use serde::{Deserialize, Serialize};

/// Ngôn ngữ giao diện.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an HTTP `Accept-Language` value: English only when English is preferred
    /// over Vietnamese, otherwise Vietnamese (the users' language).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.trim().parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "vi" || tag.starts_with("vi-") {
                Lang::Vi
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// Parses a short code ("vi", "en"); anything else is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Chooses between the Vietnamese and the English wording.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// An error or notice that can explain itself to a person in either language, with a stable code
/// for programs.
pub trait Localized {
    /// A stable machine-readable code, e.g. `unit.name_empty`.
    fn code(&self) -> &'static str;
    /// The message for a person, in the given language.
    fn message(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_vietnamese_unless_english_ranks_higher() {
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("en;q=0.5,vi;q=0.9"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("fr,de"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("fr;q=1,en;q=0.3"), Lang::En);
        assert_eq!(Lang::from_accept_language(";;;q=,,"), Lang::Vi);
    }
}
