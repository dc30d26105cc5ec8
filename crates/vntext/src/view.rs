//! The folded view of a text that every scanner matches on, with the way back to the original
//! byte offsets.
//!
//! Folding here is per character cluster (a base character and the combining marks after it):
//! NFC, lowercase, dash variants → `-`, Unicode spaces → ' ', zero-width characters dropped. Tone
//! placement is *not* folded: keywords the scanners look for ("ngày", "tháng", "quý"…) have no
//! placement variants, and keeping one cluster per folded character keeps spans exact.
//!
//! A line break that only wraps a line inside a sentence (a date or a name cut by the width of a
//! page or a chat box: "ngày 27/03/⏎2023", "UBND xã Cẩm⏎Ngọc") folds to a space, so that every
//! scanner reads across it; see `soft_break` for when a break is one.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::normalize::{fold_dash, is_zero_width};
use crate::span::Span;

/// A folded copy of a text plus, for every folded byte, the original byte where its cluster starts.
#[derive(Debug, Clone)]
pub struct FoldedText<'a> {
    original: &'a str,
    folded: String,
    starts: Vec<usize>,
    /// The folded offsets of the bytes that end a sentence, in order, found on first use: a
    /// sentence's bounds are then two binary searches, not a walk over a line that may be the
    /// whole text.
    sentence_ends: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> FoldedText<'a> {
    pub fn new(original: &'a str) -> Self {
        let mut folded = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len());
        let mut cluster = String::new();
        let mut iter = original.char_indices().peekable();
        while let Some((at, c)) = iter.next() {
            let followed_by_mark = iter.peek().is_some_and(|&(_, n)| is_combining_mark(n));
            if c.is_ascii() && !followed_by_mark {
                // Fast path: the bulk of any text.
                let f = match c {
                    '\t' | '\r' | '\x0B' | '\x0C' => ' ',
                    '\n' if soft_break(original, at) => ' ',
                    _ => c.to_ascii_lowercase(),
                };
                folded.push(f);
                starts.push(at);
                continue;
            }
            if is_zero_width(c) {
                continue;
            }
            cluster.clear();
            cluster.push(c);
            while let Some(&(_, n)) = iter.peek() {
                if !is_combining_mark(n) {
                    break;
                }
                cluster.push(n);
                iter.next();
            }
            for composed in cluster.nfc() {
                let composed = fold_dash(composed);
                if composed != '\n' && composed.is_whitespace() {
                    push(&mut folded, &mut starts, ' ', at);
                    continue;
                }
                for lower in composed.to_lowercase() {
                    push(&mut folded, &mut starts, lower, at);
                }
            }
        }
        FoldedText {
            original,
            folded,
            starts,
            sentence_ends: std::sync::OnceLock::new(),
        }
    }

    /// The bounds (folded offsets) of the sentence around `at`: from just after the previous
    /// '.', '!', '?' or newline to the next one (or the text's ends); a '.' between digits does
    /// not end a sentence.
    pub fn sentence_bounds(&self, at: usize) -> (usize, usize) {
        let ends = self.sentence_ends.get_or_init(|| {
            let b = self.folded.as_bytes();
            (0..b.len()).filter(|&i| ends_sentence(b, i)).collect()
        });
        let at = at.min(self.folded.len());
        // Ends before `at` (at index < at): the last one bounds the start.
        let before = ends.partition_point(|&e| e < at);
        let start = if before == 0 { 0 } else { ends[before - 1] + 1 };
        let end = ends.get(before).copied().unwrap_or(self.folded.len());
        (start, end)
    }

    pub fn original(&self) -> &'a str {
        self.original
    }

    /// The folded text (lowercase NFC) that patterns are matched against.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// Maps a folded byte range back to the original text. A boundary inside a cluster moves to
    /// the cluster's start, so the result is always on `char` boundaries of the original.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let map = |i: usize| {
            if i >= self.starts.len() {
                self.original.len()
            } else {
                self.starts[i]
            }
        };
        let s = map(start);
        let e = map(end).max(s);
        Span::new(s, e)
    }
}

/// Whether the line break at byte `at` of `original` only wraps a line inside a sentence, and
/// folds to a space: a date cut after its separator ("ngày 27/03/⏎2023"), or a long line (at
/// least [`WRAPPED_LINE`] characters) cut between two words of a sentence — before a word in
/// lower case ("phối⏎hợp"), or inside a proper name, between two capitalised words ("UBND xã
/// Cẩm⏎Ngọc") when the second does not open a clause ("Giao", "Phòng"…). A blank line, a bullet,
/// a numbered item or a line ending in punctuation is a real break.
fn soft_break(original: &str, at: usize) -> bool {
    let Some(before) = original.get(..at) else {
        return false;
    };
    let before = before.trim_end_matches([' ', '\t', '\r']);
    let Some(after) = original.get(at + 1..) else {
        return false;
    };
    let after = after.trim_start_matches([' ', '\t']);
    let mut back = before.chars().rev();
    let (Some(last), Some(first)) = (back.next(), after.chars().next()) else {
        return false;
    };
    if matches!(last, '/' | '-') {
        // A date's parts: digits on both sides, the next run not a list number ("2.", "3)").
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let item = digits <= 2 && matches!(after.as_bytes().get(digits), Some(b'.' | b')'));
        return back.next().is_some_and(|c| c.is_ascii_digit()) && digits > 0 && !item;
    }
    if !last.is_alphabetic() || !first.is_alphabetic() {
        return false;
    }
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..).unwrap_or("").trim_start();
    if line.chars().count() < WRAPPED_LINE {
        return false;
    }
    if first.is_lowercase() {
        return true;
    }
    let capitalised = |w: &str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.next().is_some_and(char::is_lowercase)
    };
    let prev_word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    let next_word = after
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    capitalised(prev_word)
        && capitalised(next_word)
        && !CLAUSE_OPENERS.contains(&next_word.to_lowercase().as_str())
}

/// Characters a line must have for a break inside a sentence to be a wrap (short lines are
/// headings, menus, signatures).
const WRAPPED_LINE: usize = 30;

/// Capitalised words that open a clause or a unit's name rather than go on with a proper name.
const CLAUSE_OPENERS: &[&str] = &[
    "giao", "yêu", "đồng", "phối", "chủ", "kết", "theo", "căn", "thực", "tham", "tổ", "báo", "về",
    "trong", "để", "ngoài", "sau", "trước", "hiện", "ban", "phòng", "văn", "trung", "ủy", "uỷ",
    "các", "thông", "công", "nơi", "sở", "ubnd", "hđnd", "chi", "đề", "kiến", "tiếp", "triển",
    "đảng", "huyện", "tỉnh", "xã", "thị", "cơ", "ngày", "tháng", "năm", "quý",
];

/// Whether the byte at `i` ends a sentence.
pub(crate) fn ends_sentence(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(b'\n' | b'!' | b'?') => true,
        Some(b'.') => {
            !(i > 0
                && b.get(i - 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        }
        _ => false,
    }
}

fn push(folded: &mut String, starts: &mut Vec<usize>, c: char, at: usize) {
    folded.push(c);
    for _ in 0..c.len_utf8() {
        starts.push(at);
    }
}

/// Whether `c` continues a word (letters, digits, and the superscripts of m²/m³).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '²' || c == '³'
}

/// Small cursor helpers over a folded string, shared by the scanners.
pub(crate) mod cursor {
    use super::is_word_char;

    pub fn char_at(s: &str, at: usize) -> Option<char> {
        s.get(at..).and_then(|r| r.chars().next())
    }

    pub fn char_before(s: &str, at: usize) -> Option<char> {
        s.get(..at).and_then(|r| r.chars().next_back())
    }

    /// Whether a word may start at `at` (no word character just before).
    pub fn at_word_start(s: &str, at: usize) -> bool {
        !char_before(s, at).is_some_and(is_word_char)
    }

    /// Whether a word may end at `at` (no word character just after).
    pub fn at_word_end(s: &str, at: usize) -> bool {
        !char_at(s, at).is_some_and(is_word_char)
    }

    /// Skips spaces (not newlines: a figure and its unit, or a date and its parts, sit on one line).
    pub fn skip_spaces(s: &str, mut at: usize) -> usize {
        while let Some(c) = char_at(s, at) {
            if c == ' ' || c == '\u{a0}' {
                at += c.len_utf8();
            } else {
                break;
            }
        }
        at
    }

    /// The whole word `w` (lowercase, may contain spaces) at `at`, with word boundaries on both
    /// sides; inner spaces of `w` match runs of spaces. Returns the end.
    pub fn word(s: &str, at: usize, w: &str) -> Option<usize> {
        // Cheapest test first: most calls fail on the first byte.
        let end = literal(s, at, w)?;
        (at_word_end(s, end) && at_word_start(s, at)).then_some(end)
    }

    /// `w` at `at` with no boundary check; inner spaces of `w` match runs of spaces.
    pub fn literal(s: &str, at: usize, w: &str) -> Option<usize> {
        let rest = s.get(at..)?;
        if !w.contains(' ') {
            return rest.starts_with(w).then_some(at + w.len());
        }
        if rest.as_bytes().first() != w.as_bytes().first() {
            return None;
        }
        let mut pos = at;
        let mut parts = w.split(' ').peekable();
        while let Some(part) = parts.next() {
            let rest = s.get(pos..)?;
            if !rest.starts_with(part) {
                return None;
            }
            pos += part.len();
            if parts.peek().is_some() {
                let next = skip_spaces(s, pos);
                if next == pos {
                    return None;
                }
                pos = next;
            }
        }
        Some(pos)
    }

    /// The first of `words` found at `at` (whole words), with its index and end.
    pub fn any_word(s: &str, at: usize, words: &[&str]) -> Option<(usize, usize)> {
        words
            .iter()
            .enumerate()
            .find_map(|(i, w)| word(s, at, w).map(|end| (i, end)))
    }

    /// The first entry of `table` whose word is found at `at`: its value and end.
    pub fn table_word<T: Copy>(s: &str, at: usize, table: &[(&str, T)]) -> Option<(T, usize)> {
        table
            .iter()
            .find_map(|&(w, v)| word(s, at, w).map(|end| (v, end)))
    }

    /// An ASCII digit run at `at` (at most `max` digits, whole run required): value, end, length.
    pub fn digits(s: &str, at: usize, max: usize) -> Option<(u32, usize, usize)> {
        let bytes = s.as_bytes();
        let mut end = at;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let len = end - at;
        if len == 0 || len > max {
            return None;
        }
        let value = s.get(at..end)?.parse().ok()?;
        Some((value, end, len))
    }

    /// The next word (run of letters) at `at`: its end.
    pub fn letters(s: &str, at: usize) -> Option<usize> {
        let rest = s.get(at..)?;
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphabetic())
            .map(char::len_utf8)
            .sum();
        (len > 0).then_some(at + len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_nfd_and_case_with_exact_spans() {
        let original: String = "Chiều NGÀY 25/6".nfd().collect();
        let view = FoldedText::new(&original);
        assert_eq!(view.folded(), "chiều ngày 25/6");
        let at = view.folded().find("ngày").unwrap_or(0);
        let span = view.span(at, at + "ngày".len());
        assert_eq!(span.slice(&original).nfc().collect::<String>(), "NGÀY");
    }

    #[test]
    fn drops_zero_width_and_folds_spaces_and_dashes() {
        let view = FoldedText::new("a\u{200B}b\u{00A0}c–d");
        assert_eq!(view.folded(), "ab c-d");
        assert_eq!(view.span(3, 4).slice(view.original()), "c");
        assert_eq!(
            view.span(0, 100).slice(view.original()),
            "a\u{200B}b\u{00A0}c–d"
        );
    }

    #[test]
    fn lone_marks_do_not_panic() {
        let view = FoldedText::new("\u{0301}\u{0323}x");
        assert!(view.folded().ends_with('x'));
    }
}
