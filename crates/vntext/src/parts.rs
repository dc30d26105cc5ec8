//! The parts of a notice around its tasks: its numbered sections (the evaluation, the
//! shortcomings, the directions…), the signature block ("TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG /
//! Nguyễn Đình Hùng") and the recipients ("Nơi nhận:" and its list).
//!
//! Everything is found line by line on the text as written (markdown stars of a pasted document
//! ignored) and reported with byte spans into it. Only what the layout makes plain is proposed:
//! a heading is a short numbered or bold line, or a known heading ("Tồn tại, hạn chế"); a
//! signature needs an authority line or a "Nơi nhận:" before it; recipients need "Nơi nhận:".

use serde::Serialize;

use crate::normalize::ascii_key;
use crate::span::Span;

/// What a section of a notice is about, from its heading's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Đánh giá, kết quả đạt được, tình hình.
    Results,
    /// Tồn tại, hạn chế.
    Shortcomings,
    /// Nhiệm vụ, phương hướng, giải pháp, chỉ đạo.
    Directions,
    /// Any other numbered section.
    Other,
}

/// A section: its heading as written (none for a paragraph of shortcomings that opens with
/// "Bên cạnh đó … hạn chế" inside an evaluation) and its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    pub heading: Option<crate::extract::Located>,
    pub body: crate::extract::Located,
    pub span: Span,
}

/// Thẩm quyền ký: the letters in front of the authority line (Decree 30/2020 Art. 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningAuthority {
    /// TM.: on behalf of the body ("TM. ỦY BAN NHÂN DÂN").
    OnBehalfOfBody,
    /// KT.: a deputy for the head ("KT. CHỦ TỊCH").
    Deputy,
    /// TL.: by order of the head ("TL. CHỦ TỊCH").
    ByOrder,
    /// TUQ.: by authorisation.
    ByAuthorisation,
    /// Q.: standing in for the head.
    Acting,
}

/// The signature block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// The authority line as written ("TL.CHỦ TỊCH").
    pub authority_line: Option<crate::extract::Located>,
    pub authority: Option<SigningAuthority>,
    /// The signer's title ("CHÁNH VĂN PHÒNG").
    pub title: Option<crate::extract::Located>,
    /// The signer's name ("Nguyễn Đình Hùng").
    pub name: Option<crate::extract::Located>,
    pub span: Span,
}

/// The notice's parts other than its tasks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Parts {
    pub sections: Vec<Section>,
    pub signature: Option<Signature>,
    /// Nơi nhận: each entry without its dash and final ';' or '.' ("TT Huyện uỷ", "Lưu VT").
    pub recipients: Vec<crate::extract::Located>,
}

/// A non-empty line: its cleaned content (spaces, markdown stars and '#' trimmed) as a span.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Written in bold (between "**"), as a pasted document's headings often are.
    bold: bool,
}

impl Line {
    fn text<'a>(&self, s: &'a str) -> &'a str {
        s.get(self.start..self.end).unwrap_or("")
    }

    fn located(&self, s: &str) -> crate::extract::Located {
        crate::extract::Located {
            text: self.text(s).to_owned(),
            span: Span::new(self.start, self.end),
        }
    }
}

fn lines(s: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = 0;
    for raw in s.split_inclusive('\n') {
        let start = at;
        at += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let junk = |c: char| c.is_whitespace() || matches!(c, '*' | '#' | '_');
        let lead = body.len() - body.trim_start_matches(junk).len();
        let content = body.trim_matches(junk);
        if content.is_empty() {
            continue;
        }
        let bold = body.trim_start().starts_with("**") || body.trim_start().starts_with("*** ");
        out.push(Line {
            start: start + lead,
            end: start + lead + content.len(),
            bold: bold && body.trim_end().ends_with("**"),
        });
    }
    out
}

/// The length of a heading's numbering ("I. ", "2. ", "a) "), if the line starts with one
/// followed by a capital letter.
fn numbering(line: &str) -> Option<usize> {
    let num_len = line
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphanumeric())
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let num = line.get(..num_len)?;
    let roman = num.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) && num.len() <= 4;
    let arabic = num.chars().all(|c| c.is_ascii_digit()) && num.len() <= 2;
    let letter = num.len() == 1 && num.chars().all(|c| c.is_ascii_lowercase());
    let rest = line.get(num_len..)?;
    let sep = rest.chars().next()?;
    let ok_sep = if letter {
        sep == ')'
    } else {
        matches!(sep, '.' | ')' | '/')
    };
    if !(roman || arabic || letter) || !ok_sep {
        return None;
    }
    let after = rest.get(sep.len_utf8()..)?;
    let text = after.trim_start();
    text.chars()
        .next()
        .filter(|c| c.is_uppercase())
        .map(|_| line.len() - text.len())
}

const SHORTCOMING_WORDS: &[&str] = &["ton tai", "han che", "khuyet diem", "yeu kem"];
const RESULT_WORDS: &[&str] = &["danh gia", "ket qua", "tinh hinh"];
const DIRECTION_WORDS: &[&str] = &[
    "nhiem vu",
    "phuong huong",
    "giai phap",
    "chi dao",
    "trien khai",
    "ket luan",
    "thong nhat",
    "de nghi",
    "kien nghi",
];

/// The kind of a heading, from its words (the numbering left out).
fn kind_of(heading: &str) -> SectionKind {
    let key = ascii_key(heading);
    let starts = |list: &[&str]| list.iter().any(|w| key.starts_with(w));
    let has = |list: &[&str]| list.iter().any(|w| key.contains(w));
    if starts(SHORTCOMING_WORDS) {
        SectionKind::Shortcomings
    } else if has(RESULT_WORDS) {
        SectionKind::Results
    } else if has(SHORTCOMING_WORDS) {
        SectionKind::Shortcomings
    } else if has(DIRECTION_WORDS) {
        SectionKind::Directions
    } else {
        SectionKind::Other
    }
}

/// Known headings written without numbering ("Tồn tại, hạn chế:", "Phương hướng, nhiệm vụ").
const BARE_HEADINGS: &[&str] = &[
    "ton tai",
    "han che",
    "ket qua dat duoc",
    "danh gia chung",
    "phuong huong",
    "nhiem vu trong tam",
    "nhiem vu, giai phap",
    "nhiem vu thoi gian toi",
    "giai phap",
];

/// Whether a line is a section heading; `Some(the heading text without its numbering)`.
fn heading(line: &Line, s: &str) -> Option<usize> {
    let text = line.text(s);
    let n_chars = text.chars().count();
    if n_chars > 200 || text.ends_with(['.', ';', ',']) {
        return None;
    }
    if let Some(n) = numbering(text) {
        // A numbered line that reads as a sentence of its own ("1. Giao Phòng … thực hiện")
        // is an item, not a heading: headings are short, or end with ':'.
        return (n_chars <= 160 || text.ends_with(':')).then_some(n);
    }
    let key = ascii_key(text);
    if line.bold && kind_of(text) != SectionKind::Other {
        return Some(0);
    }
    (n_chars <= 80 && BARE_HEADINGS.iter().any(|h| key.starts_with(h))).then_some(0)
}

/// Where the body of the notice ends: its closing ("Trên đây là …"), the recipients or the
/// signature, whichever comes first.
fn is_closing(line: &Line, s: &str) -> bool {
    let key = ascii_key(line.text(s));
    key.starts_with("tren day la")
        || key.starts_with("noi nhan")
        || authority_of(line.text(s)).is_some()
}

/// "TL. CHỦ TỊCH", "KT.CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN": the authority and what follows it.
fn authority_of(line: &str) -> Option<(SigningAuthority, usize)> {
    const PREFIXES: &[(&str, SigningAuthority)] = &[
        ("TUQ.", SigningAuthority::ByAuthorisation),
        ("TM.", SigningAuthority::OnBehalfOfBody),
        ("KT.", SigningAuthority::Deputy),
        ("TL.", SigningAuthority::ByOrder),
        ("Q.", SigningAuthority::Acting),
    ];
    let (p, a) = PREFIXES.iter().find(|(p, _)| line.starts_with(p))?;
    let rest = line.get(p.len()..)?.trim_start();
    // The rest is in capitals: "CHỦ TỊCH", "ỦY BAN NHÂN DÂN".
    let letters: Vec<char> = rest.chars().filter(|c| c.is_alphabetic()).collect();
    (letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()))
        .then_some((*a, line.len() - rest.len()))
}

/// A line in capitals, as a signer's title is written ("CHÁNH VĂN PHÒNG", "PHÓ CHỦ TỊCH").
fn is_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && text.chars().count() <= 60 && letters.iter().all(|c| c.is_uppercase())
}

/// A person's name: two to six words, each capitalised, nothing else.
fn is_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
        })
}

/// "(Đã ký)", "Đã ký", "[đã ký]", "ký tên, đóng dấu": marks between the title and the name.
fn is_signature_mark(text: &str) -> bool {
    let key = ascii_key(text.trim_matches(|c: char| !c.is_alphanumeric()));
    key.is_empty() || key == "da ky" || key.starts_with("ky ") || key == "ky" || key == "chu ky"
}

/// Finds the sections, the signature and the recipients of a text.
pub fn parts(s: &str) -> Parts {
    let lines = lines(s);
    let mut out = Parts::default();
    let closing = lines
        .iter()
        .position(|l| is_closing(l, s))
        .unwrap_or(lines.len());
    sections(s, &lines, closing, &mut out.sections);
    let tail = lines.get(closing..).unwrap_or(&[]);
    out.recipients = recipients(s, tail);
    out.signature = signature(s, tail);
    out
}

fn sections(s: &str, lines: &[Line], closing: usize, out: &mut Vec<Section>) {
    let body_lines = lines.get(..closing).unwrap_or(&[]);
    let heads: Vec<(usize, usize)> = body_lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| heading(l, s).map(|n| (i, n)))
        .collect();
    for (k, &(i, n)) in heads.iter().enumerate() {
        let Some(line) = body_lines.get(i) else {
            continue;
        };
        let next = heads.get(k + 1).map_or(closing, |&(j, _)| j);
        let content = body_lines.get(i + 1..next).unwrap_or(&[]);
        let heading = line.located(s);
        let kind = kind_of(heading.text.get(n..).unwrap_or(&heading.text));
        let (Some(first), Some(last)) = (content.first(), content.last()) else {
            // A heading with nothing under it ("II. NHIỆM VỤ" over its own numbered items)
            // still names what follows; kept with an empty body only if it is the last.
            continue;
        };
        // Inside an evaluation, a paragraph opening on its shortcomings ("Bên cạnh đó …
        // còn bộc lộ một số hạn chế") is a section of its own.
        let split = (kind == SectionKind::Results)
            .then(|| content.iter().position(|l| opens_shortcomings(l.text(s))))
            .flatten()
            .filter(|&p| p > 0);
        let body_end = match split {
            Some(p) => content.get(p - 1).map_or(last.end, |l| l.end),
            None => last.end,
        };
        out.push(Section {
            kind,
            body: located(s, first.start, body_end),
            span: Span::new(line.start, body_end),
            heading: Some(heading),
        });
        if let Some(p) = split
            && let Some(open) = content.get(p)
        {
            out.push(Section {
                kind: SectionKind::Shortcomings,
                heading: None,
                body: located(s, open.start, last.end),
                span: Span::new(open.start, last.end),
            });
        }
    }
}

fn located(s: &str, start: usize, end: usize) -> crate::extract::Located {
    crate::extract::Located {
        text: s.get(start..end).unwrap_or("").to_owned(),
        span: Span::new(start, end),
    }
}

/// "Bên cạnh đó, … còn bộc lộ một số hạn chế", "Tuy nhiên, … vẫn còn tồn tại".
fn opens_shortcomings(text: &str) -> bool {
    let key = ascii_key(text);
    let opener = ["ben canh do", "tuy nhien", "ton tai", "han che", "mat khac"]
        .iter()
        .any(|w| key.starts_with(w));
    let head: String = key.chars().take(300).collect();
    opener
        && ["han che", "ton tai", "yeu kem", "khuyet diem", "bat cap"]
            .iter()
            .any(|w| head.contains(w))
}

fn recipients(s: &str, tail: &[Line]) -> Vec<crate::extract::Located> {
    let Some(at) = tail
        .iter()
        .position(|l| ascii_key(l.text(s)).starts_with("noi nhan"))
    else {
        return vec![];
    };
    let mut out = Vec::new();
    let Some(label) = tail.get(at) else {
        return out;
    };
    // "Nơi nhận: - Như trên;" on one line.
    let first = label
        .text(s)
        .find(':')
        .map(|i| (label.start + i + 1, label.end));
    let rest = tail.get(at + 1..).unwrap_or(&[]);
    let items = first
        .into_iter()
        .chain(rest.iter().map(|l| (l.start, l.end)));
    for (n, (start, end)) in items.enumerate() {
        let text = s.get(start..end).unwrap_or("");
        let trimmed_start = text.trim_start();
        let bulleted = trimmed_start.starts_with(['-', '+', '•', '–']);
        if !bulleted {
            if n == 0 {
                continue;
            }
            break;
        }
        let junk = |c: char| c.is_whitespace() || matches!(c, '-' | '+' | '•' | '–');
        let lead = text.len() - text.trim_start_matches(junk).len();
        let item = text
            .trim_start_matches(junk)
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ';' | '.' | ','));
        if item.is_empty() {
            continue;
        }
        out.push(crate::extract::Located {
            text: item.to_owned(),
            span: Span::new(start + lead, start + lead + item.len()),
        });
    }
    out
}

fn signature(s: &str, tail: &[Line]) -> Option<Signature> {
    let at = tail.iter().position(|l| authority_of(l.text(s)).is_some());
    let (authority_line, authority, title_at) = match at {
        Some(i) => {
            let line = tail.get(i)?;
            let (a, _) = authority_of(line.text(s))?;
            (Some(line.located(s)), Some(a), i + 1)
        }
        None => {
            // No authority: the signer's title in capitals after the recipients.
            let noi_nhan = tail
                .iter()
                .position(|l| ascii_key(l.text(s)).starts_with("noi nhan"))?;
            let i = tail
                .iter()
                .enumerate()
                .skip(noi_nhan + 1)
                .find(|(_, l)| is_capitals(l.text(s)) && !l.text(s).starts_with('-'))
                .map(|(i, _)| i)?;
            (None, None, i)
        }
    };
    let title = tail
        .get(title_at)
        .filter(|l| is_capitals(l.text(s)) && authority_of(l.text(s)).is_none());
    let after_title = if title.is_some() {
        title_at + 1
    } else {
        title_at
    };
    let name = tail
        .iter()
        .skip(after_title)
        .take(4)
        .find(|l| !is_signature_mark(l.text(s)) && is_name(l.text(s)));
    if title.is_none() && name.is_none() {
        return None;
    }
    let start = authority_line
        .as_ref()
        .map(|a| a.span.start)
        .or(title.map(|t| t.start))
        .unwrap_or(0);
    let end = name.or(title).map_or(start, |l| l.end);
    Some(Signature {
        authority_line,
        authority,
        title: title.map(|t| t.located(s)),
        name: name.map(|n| n.located(s)),
        span: Span::new(start, end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_needs_a_capital_after_it() {
        assert_eq!(numbering("I. ĐÁNH GIÁ"), Some(3));
        assert_eq!(numbering("2. Hoàn thiện"), Some(3));
        assert_eq!(numbering("a) Tồn tại"), Some(3));
        assert_eq!(numbering("5/12 xã đạt"), None);
        assert_eq!(numbering("2. chưa"), None);
        assert_eq!(numbering("Giao phòng"), None);
    }

    #[test]
    fn kinds_from_heading_words() {
        assert_eq!(kind_of("ĐÁNH GIÁ KẾT QUẢ"), SectionKind::Results);
        assert_eq!(kind_of("Tồn tại, hạn chế"), SectionKind::Shortcomings);
        assert_eq!(
            kind_of("NHIỆM VỤ TRỌNG TÂM QUÝ II"),
            SectionKind::Directions
        );
        assert_eq!(kind_of("Hoàn thiện dự thảo"), SectionKind::Other);
    }

    #[test]
    fn never_panics_on_odd_lines() {
        for s in [
            "",
            "\n\n",
            "**",
            "Nơi nhận:",
            "TL.",
            "I.",
            "a)",
            "Nơi nhận:\n-\n- ;",
        ] {
            let _ = parts(s);
        }
    }
}
