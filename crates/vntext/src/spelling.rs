//! Misspelt syllables, found without a dictionary, with the fixes to offer.
//!
//! A Vietnamese syllable that ends in a stop (`-c`, `-ch`, `-p`, `-t`) can only carry the sắc or
//! the nặng tone: "Việt", "Viết", "được", "các". The same letters with no tone mark or with
//! huyền, hỏi or ngã ("Viêt", "đươc", "Viềt") are not Vietnamese: a tone forgotten or mistyped. The
//! rule is phonological, so it needs no word list and cannot call a real word wrong; it only
//! looks at words that show themselves Vietnamese by a tone mark, a quality mark (â ă ê ô ơ ư) or
//! `đ`, so "Internet" or "Robot" pass, and at words that parse as one syllable (initial,
//! vowels, final), so "Đắk Lắk" or a foreign name passes too.
//!
//! Each misspelling offers the same letters with sắc and with nặng. Which comes first is read
//! from the evidence, strongest first:
//! 1. the document itself writes the word properly next to the same neighbour ("Phạm Viêt Hoài"
//!    in a notice that also has "Phạm Viết Hoài" → "Viết");
//! 2. a common two-syllable term of administrative text ("Viêt Nam" → "Việt Nam");
//! 3. the document writes one of the two more often;
//! 4. the more frequent of the two in administrative text (a short list ranked by frequency);
//! 5. sắc before nặng.
//!
//! Nothing is changed here: the reading page offers the first fix, a person applies it.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::span::Span;

/// A syllable that cannot be Vietnamese as written, with the spellings to offer, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Misspelling {
    pub span: Span,
    /// The word as written.
    pub text: String,
    /// How many times the same word is written before it in the text checked (whole words):
    /// what [`replace_occurrence`] takes to fix this one and no other.
    pub occurrence: usize,
    /// The fixes, best first, in the case of the word as written ("Viêt" → "Việt", "Viết").
    pub suggestions: Vec<String>,
}

/// Checks texts against the evidence of one document (its own spellings and word pairs).
#[derive(Clone, Debug, Default)]
pub struct Speller {
    /// Lowercase NFC word → how often the document writes it properly.
    counts: HashMap<String, usize>,
    /// Lowercase NFC pairs of neighbouring words in the document.
    pairs: HashSet<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Level,
    Grave,
    Acute,
    Hook,
    Tilde,
    Dot,
}

impl Tone {
    fn of(c: char) -> Option<Tone> {
        match c {
            '\u{300}' => Some(Tone::Grave),
            '\u{301}' => Some(Tone::Acute),
            '\u{309}' => Some(Tone::Hook),
            '\u{303}' => Some(Tone::Tilde),
            '\u{323}' => Some(Tone::Dot),
            _ => None,
        }
    }
}

/// One letter of a syllable: the base with its quality mark composed, lowercase, and its case.
#[derive(Clone, Copy, Debug)]
struct Letter {
    lower: char,
    upper: bool,
}

struct Syllable {
    letters: Vec<Letter>,
    tone: Tone,
    /// Where the vowels start and end in `letters`.
    vowels: (usize, usize),
    /// A quality mark or `đ` is written.
    marked: bool,
}

const INITIALS: [&str; 27] = [
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
const FINALS: [&str; 9] = ["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];
const STOPS: [&str; 4] = ["c", "ch", "p", "t"];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_quality(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// The letters and tone of a word, when it is one syllable with at most one tone mark.
fn syllable(word: &str) -> Option<Syllable> {
    let mut letters: Vec<Letter> = Vec::new();
    let mut tone = Tone::Level;
    let mut toned = false;
    let mut pending: Option<(char, bool, Option<char>)> = None;
    let flush = |p: &mut Option<(char, bool, Option<char>)>, out: &mut Vec<Letter>| {
        if let Some((base, upper, mark)) = p.take() {
            let lower = match mark {
                Some(m) => [base, m].iter().collect::<String>().nfc().next(),
                None => Some(base),
            };
            if let Some(lower) = lower {
                out.push(Letter { lower, upper });
            }
        }
    };
    for c in word.nfd() {
        if let Some(t) = Tone::of(c) {
            if toned || pending.is_none() {
                return None;
            }
            tone = t;
            toned = true;
        } else if is_combining_mark(c) {
            match &mut pending {
                Some((_, _, mark @ None)) => *mark = Some(c),
                _ => return None,
            }
        } else if c.is_alphabetic() {
            flush(&mut pending, &mut letters);
            let mut lower = c.to_lowercase();
            let (Some(l), None) = (lower.next(), lower.next()) else {
                return None;
            };
            pending = Some((l, c.is_uppercase(), None));
        } else {
            return None;
        }
    }
    flush(&mut pending, &mut letters);
    let lower: String = letters.iter().map(|l| l.lower).collect();
    let marked = lower.chars().any(|c| has_quality(c) || c == 'đ');
    // The longest initial that leaves a vowel ("gi" + "úp", but "g" + "ìn").
    for initial in INITIALS.iter().copied().chain([""]) {
        let Some(rest) = lower.strip_prefix(initial) else {
            continue;
        };
        let vowels = rest.chars().take_while(|c| is_vowel(*c)).count();
        if vowels == 0 || vowels > 3 {
            continue;
        }
        let tail: String = rest.chars().skip(vowels).collect();
        if FINALS.contains(&tail.as_str()) {
            let start = initial.chars().count();
            return Some(Syllable {
                letters,
                tone,
                vowels: (start, start + vowels),
                marked,
            });
        }
    }
    None
}

impl Syllable {
    fn final_consonant(&self) -> String {
        self.letters[self.vowels.1..]
            .iter()
            .map(|l| l.lower)
            .collect()
    }

    /// Impossible as written: a stop final with a tone other than sắc or nặng, in a word that
    /// shows itself Vietnamese.
    fn misspelt(&self) -> bool {
        (self.marked || self.tone != Tone::Level)
            && STOPS.contains(&self.final_consonant().as_str())
            && !matches!(self.tone, Tone::Acute | Tone::Dot)
    }

    /// The word with `tone`, on the vowel that carries it in a closed syllable: the last one with
    /// a quality mark, else the last vowel.
    fn with_tone(&self, mark: char) -> String {
        let (start, end) = self.vowels;
        let at = (start..end)
            .rev()
            .find(|&i| has_quality(self.letters[i].lower))
            .unwrap_or(end.saturating_sub(1));
        let mut out = String::new();
        for (i, l) in self.letters.iter().enumerate() {
            if l.upper {
                out.extend(l.lower.to_uppercase());
            } else {
                out.push(l.lower);
            }
            if i == at {
                out.push(mark);
            }
        }
        out.nfc().collect()
    }
}

/// The words of `text`: byte span, and whether only spaces separate it from the next word.
fn words(text: &str) -> Vec<(Span, bool)> {
    let mut out: Vec<(Span, bool)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut gap_is_space = true;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphabetic() || is_combining_mark(c);
        match (in_word, start) {
            (true, None) => {
                if let Some(last) = out.last_mut() {
                    last.1 = gap_is_space;
                }
                start = Some(i);
            }
            (false, Some(s)) => {
                out.push((Span::new(s, i), false));
                start = None;
                gap_is_space = c == ' ' || c == '\u{a0}';
            }
            (false, None) => gap_is_space &= c == ' ' || c == '\u{a0}',
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        out.push((Span::new(s, text.len()), false));
    }
    out
}

fn key(word: &str) -> String {
    word.nfc().flat_map(char::to_lowercase).collect()
}

/// Frequent stop-final syllables of administrative text, most frequent first (ties between the
/// two tones of one spelling go to the earlier).
const COMMON: &[&str] = &[
    "các", "được", "thực", "việc", "tác", "quyết", "chức", "kết", "một", "phát", "cấp", "tập",
    "đạt", "hợp", "hoạch", "cuộc", "tịch", "tiếp", "xuất", "hoạt", "sách", "việt", "sát", "tục",
    "dịch", "tốt", "đất", "kịp", "trách", "quốc", "mục", "nghiệp", "họp", "pháp", "chất", "nhất",
    "giúp", "trật", "vật", "vực", "trực", "xác", "nước", "học", "mặt", "thức", "chấp", "đốc",
    "luật", "thiết", "đức", "lập", "lực", "đặc", "biệt", "trước", "nhập", "dục", "vượt", "biết",
    "tiết", "lớp", "thuộc", "thuật", "bật", "cách", "bước", "tích", "thoát", "gặp", "hết", "thấp",
    "phức", "tạp", "tết", "cực", "khắc", "phục", "cục", "lịch", "phép", "lúc", "khác", "bắt",
    "tất", "đích", "độc", "dịp", "chặt", "đọc", "sức", "đáp", "hoặc", "mức", "đột", "xét", "đặt",
    "viết", "suất", "nhật", "tuyệt", "bất", "ích", "ít", "góp", "tiếc", "lạc", "ước", "ác",
];

/// Common two-syllable terms with a stop-final syllable.
const TERMS: &[(&str, &str)] = &[
    ("việt", "nam"),
    ("tiếng", "việt"),
    ("người", "việt"),
    ("viết", "bài"),
    ("bài", "viết"),
    ("thực", "hiện"),
    ("kết", "luận"),
    ("kết", "quả"),
    ("tập", "trung"),
    ("quốc", "gia"),
    ("quốc", "phòng"),
    ("tiết", "kiệm"),
    ("kịp", "thời"),
    ("hợp", "tác"),
    ("tích", "cực"),
    ("chất", "lượng"),
    ("trực", "tiếp"),
    ("học", "sinh"),
    ("đất", "đai"),
    ("xuất", "khẩu"),
    ("sản", "xuất"),
    ("kế", "hoạch"),
    ("phát", "triển"),
    ("mục", "tiêu"),
    ("quyết", "định"),
    ("tổ", "chức"),
    ("tiếp", "tục"),
    ("nông", "nghiệp"),
    ("doanh", "nghiệp"),
    ("giải", "quyết"),
    ("trật", "tự"),
    ("dịch", "vụ"),
    ("mặt", "trận"),
    ("thống", "nhất"),
    ("giáo", "dục"),
    ("du", "lịch"),
    ("pháp", "luật"),
    ("kỷ", "luật"),
    ("thủ", "tục"),
    ("diện", "tích"),
    ("đặc", "biệt"),
    ("một", "số"),
    ("tất", "cả"),
    ("hoạt", "động"),
    ("thiết", "bị"),
    ("hợp", "đồng"),
    ("chủ", "tịch"),
    ("nhiệt", "tình"),
];

impl Speller {
    /// A speller that takes its evidence from `context` (the whole document).
    pub fn new(context: &str) -> Speller {
        let mut s = Speller::default();
        let ws = words(context);
        let keys: Vec<String> = ws.iter().map(|(sp, _)| key(sp.slice(context))).collect();
        for (i, k) in keys.iter().enumerate() {
            let ok = syllable(k).is_none_or(|syl| !syl.misspelt());
            if ok {
                *s.counts.entry(k.clone()).or_default() += 1;
            }
            if ws[i].1
                && let Some(next) = keys.get(i + 1)
            {
                s.pairs.insert((k.clone(), next.clone()));
            }
        }
        s
    }

    /// The misspellings of `text`, in order.
    pub fn check(&self, text: &str) -> Vec<Misspelling> {
        let ws = words(text);
        let mut out = Vec::new();
        // How many times each word was written before: counted on the way (counting the words
        // before each misspelt one again was quadratic in a text of many).
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, (span, joined)) in ws.iter().enumerate() {
            let word = span.slice(text);
            let so_far = seen.entry(word).or_insert(0);
            let occurrence = *so_far;
            *so_far += 1;
            let Some(syl) = syllable(word) else { continue };
            if !syl.misspelt() {
                continue;
            }
            let before = i
                .checked_sub(1)
                .and_then(|j| ws.get(j))
                .filter(|(_, j)| *j)
                .map(|(sp, _)| key(sp.slice(text)));
            let after = ws
                .get(i + 1)
                .filter(|_| *joined)
                .map(|(sp, _)| key(sp.slice(text)));
            let mut ranked: Vec<(usize, String)> = ['\u{301}', '\u{323}']
                .iter()
                .map(|m| syl.with_tone(*m))
                .enumerate()
                .collect();
            ranked.sort_by_key(|(order, fix)| {
                let k = key(fix);
                let beside = |pairs: &dyn Fn(&str, &str) -> bool| {
                    before.as_deref().is_some_and(|b| pairs(b, &k))
                        || after.as_deref().is_some_and(|a| pairs(&k, a))
                };
                let in_document =
                    beside(&|a, b| self.pairs.contains(&(a.to_owned(), b.to_owned())));
                let a_term = beside(&|a, b| TERMS.contains(&(a, b)));
                let count = self.counts.get(&k).copied().unwrap_or(0);
                let rank = COMMON.iter().position(|c| *c == k).unwrap_or(usize::MAX);
                (
                    std::cmp::Reverse(in_document),
                    std::cmp::Reverse(a_term),
                    std::cmp::Reverse(count),
                    rank,
                    *order,
                )
            });
            out.push(Misspelling {
                span: *span,
                text: word.to_owned(),
                occurrence,
                suggestions: ranked.into_iter().map(|(_, s)| s).collect(),
            });
        }
        out
    }
}

/// The misspellings of a document, with the document as its own evidence.
pub fn misspellings(text: &str) -> Vec<Misspelling> {
    Speller::new(text).check(text)
}

/// `text` with the `occurrence`-th whole word `from` (counted from 0, words as [`Speller::check`]
/// cuts them) replaced by `to`; `None` when the text has no such occurrence (it changed since).
pub fn replace_occurrence(text: &str, from: &str, occurrence: usize, to: &str) -> Option<String> {
    let (span, _) = words(text)
        .into_iter()
        .filter(|(w, _)| w.slice(text) == from)
        .nth(occurrence)?;
    Some(format!("{}{to}{}", &text[..span.start], &text[span.end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes(text: &str) -> Vec<(String, Vec<String>)> {
        misspellings(text)
            .into_iter()
            .map(|m| (m.text, m.suggestions))
            .collect()
    }

    #[test]
    fn a_forgotten_tone_on_a_stop_final_is_caught_in_a_sentence() {
        let text = "Chương trình mục tiêu quốc gia xây dựng nông thôn mới tại Viêt Nam";
        let found = misspellings(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].span.slice(text), "Viêt");
        assert_eq!(found[0].suggestions, vec!["Việt", "Viết"]);
    }

    #[test]
    fn the_document_own_spelling_beside_the_same_name_comes_first() {
        let text = "Chủ tịch Phạm Viêt Hoài kết luận. Đồng chí Phạm Viết Hoài giao nhiệm vụ.";
        assert_eq!(
            fixes(text),
            vec![("Viêt".into(), vec!["Viết".into(), "Việt".into()])]
        );
    }

    #[test]
    fn other_wrong_tones_and_capitals_keep_their_case() {
        assert_eq!(
            fixes("ĐƯƠC giao; đã thưc hiện; Viềt"),
            vec![
                ("ĐƯƠC".into(), vec!["ĐƯỢC".into(), "ĐƯỚC".into()]),
                ("thưc".into(), vec!["thực".into(), "thức".into()]),
                ("Viềt".into(), vec!["Việt".into(), "Viết".into()]),
            ]
        );
    }

    #[test]
    fn correct_words_foreign_words_and_decomposed_text_pass() {
        for ok in [
            "Việt Nam",
            "viết",
            "được",
            "các",
            "Internet",
            "Robot",
            "Đắk Lắk",
            "Đăk Glei",
            "quốc",
            "hoạch",
            "khuyết",
            "giúp",
            "gìn giữ",
            "USD",
            "m²",
            "Covid-19",
        ] {
            assert!(misspellings(ok).is_empty(), "{ok}: {:?}", misspellings(ok));
        }
        let nfd: String = "Viêt Nam".nfd().collect();
        let found = misspellings(&nfd);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span.slice(&nfd), "Viêt".nfd().collect::<String>());
        assert_eq!(found[0].suggestions[0], "Việt");
    }

    #[test]
    fn replace_occurrence_changes_that_whole_word_only() {
        let text = "Phạm Viêt Hoài, Viêtx, tại Viêt Nam";
        let found = misspellings(text);
        let at: Vec<usize> = found.iter().map(|m| m.occurrence).collect();
        assert_eq!(at, vec![0, 1]);
        assert_eq!(
            replace_occurrence(text, "Viêt", found[1].occurrence, "Việt").as_deref(),
            Some("Phạm Viêt Hoài, Viêtx, tại Việt Nam")
        );
        assert_eq!(
            replace_occurrence(text, "Viêt", 0, "Viết").as_deref(),
            Some("Phạm Viết Hoài, Viêtx, tại Viêt Nam")
        );
        assert_eq!(replace_occurrence(text, "Viêt", 2, "Việt"), None);
        assert_eq!(replace_occurrence("", "a", 0, "b"), None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "\u{301}",
            "a\u{301}\u{301}t",
            "ǅât",
            "\u{0130}êt",
            "ê\u{302}\u{302}t",
            "t",
        ] {
            let _ = misspellings(s);
        }
    }
}
