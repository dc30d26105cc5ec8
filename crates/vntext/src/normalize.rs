//! Normalisation: Unicode NFC for storage and display, and the comparison keys.
//!
//! Vietnamese text arrives in NFC and NFD, with old and new tone placement ("hòa"/"hoà",
//! "thủy"/"thuỷ", "ủy"/"uỷ", "khỏe"/"khoẻ"), "tỷ"/"tỉ", en/em dashes, non-breaking and
//! zero-width spaces. Display text is never altered: callers keep what was written and compare
//! on [`match_key`] (exact identity of words) or [`ascii_key`] (search, diacritics dropped).
//!
//! ## Tone placement
//! A Vietnamese syllable carries at most one tone mark (dấu thanh: huyền, sắc, hỏi, ngã, nặng).
//! The two spelling conventions only disagree on *which vowel* carries it. [`match_key`] lifts the
//! tone off each syllable and puts it back on a canonical vowel chosen from the toneless letters,
//! so both conventions meet. The canonical vowel follows the "old" convention, which is also the
//! one that needs no dictionary:
//! 1. skip the initial consonants, treating the `u` of `qu` and the `i` of `gi` (before another
//!    vowel) as consonants;
//! 2. a vowel with a quality mark (â ă ê ô ơ ư) takes the tone — the last one if several ("ươ");
//! 3. otherwise, when a final consonant follows the vowel cluster, the last vowel of the cluster;
//! 4. otherwise (open syllable) the first vowel of a two-vowel cluster, the middle one of a
//!    three-vowel cluster.
//!
//! Syllables with no tone or more than one tone mark (not Vietnamese) are left as they are.
//!
//! ## tỷ/tỉ
//! The only y/i pair folded is the syllable `ty` (any tone): "tỷ"/"tỉ" (billion, ratio) and
//! "công ty"/"công ti" are both official spellings of the same words, while other y/i pairs
//! ("lý"/"lí", "kỹ"/"kĩ") are left alone because they are not asked for and some of them are
//! distinct in names. The key writes the syllable as `ti`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Unicode NFC, the form giaoban stores and displays.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Text from file bytes, never failing: UTF-16 with a byte-order mark (what Word's "Unicode
/// text" export writes) is decoded, a UTF-8 byte-order mark is dropped, and invalid sequences
/// become U+FFFD. Legacy 8-bit Vietnamese encodings (TCVN3, VNI, Windows-1258) are not
/// detected: they come out as Latin-looking garbage, not as an error.
pub fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], little: bool| {
        let units = rest.chunks(2).map(|c| {
            let pair = [c[0], c.get(1).copied().unwrap_or(0)];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Comparison key for Vietnamese words and names: NFC, lowercase, tone placement folded,
/// `ty` → `ti`, every dash variant → `-`, every whitespace run (including non-breaking spaces) →
/// one space, zero-width characters dropped, trimmed. Idempotent: `match_key(&match_key(s)) ==
/// match_key(s)`.
pub fn match_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut syllable: Vec<char> = Vec::new();
    let mut pending_space = false;
    for c in s.nfd() {
        if is_zero_width(c) {
            continue;
        }
        if c.is_whitespace() {
            flush_syllable(&mut syllable, &mut out);
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            flush_syllable(&mut syllable, &mut out);
            out.push(' ');
            pending_space = false;
        }
        if c.is_alphabetic() || is_combining_mark(c) {
            syllable.extend(c.to_lowercase());
        } else {
            flush_syllable(&mut syllable, &mut out);
            out.push(fold_dash(c));
        }
    }
    flush_syllable(&mut syllable, &mut out);
    out.nfc().collect()
}

/// Search key: like [`match_key`] for spaces and dashes, but with every combining mark removed
/// (compatibility decomposition, so "m²" → "m2"), `đ`/`Đ` → `d`, lowercase. Letters of other
/// scripts without a decomposition are kept rather than dropped. "Thủy" and "Thuỷ" and "thuy"
/// all give "thuy".
pub fn ascii_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd() {
        if is_zero_width(c) || is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            // Lowercasing may itself produce a combining mark ('İ' → "i̇"): drop it too.
            _ => out.extend(
                fold_dash(c)
                    .to_lowercase()
                    .filter(|&l| !is_combining_mark(l)),
            ),
        }
    }
    out
}

/// Characters that take no room and only get in the way of matching: zero-width space and
/// joiners, word joiner, byte-order mark, soft hyphen.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Hyphen, dash and minus variants → ASCII `-`; other characters unchanged.
pub fn fold_dash(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{2043}' => '-',
        _ => c,
    }
}

/// Tone marks (dấu thanh) in decomposed form: huyền, sắc, ngã, hỏi, nặng.
fn is_tone_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}'
    )
}

/// Vowel quality marks: circumflex (â ê ô), breve (ă), horn (ơ ư).
fn is_quality_mark(c: char) -> bool {
    matches!(c, '\u{0302}' | '\u{0306}' | '\u{031B}')
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A letter with its non-tone marks, in decomposed form.
struct Letter {
    base: char,
    marks: Vec<char>,
}

/// Writes one syllable (decomposed, lowercase letters and combining marks) to `out` with its tone
/// on the canonical vowel, and clears the buffer.
fn flush_syllable(syllable: &mut Vec<char>, out: &mut String) {
    if syllable.is_empty() {
        return;
    }
    let mut letters: Vec<Letter> = Vec::with_capacity(syllable.len());
    let mut tones: Vec<(usize, char)> = Vec::new();
    let mut well_formed = true;
    for &c in syllable.iter() {
        if is_combining_mark(c) {
            let last = letters.len().checked_sub(1);
            match (last, letters.last_mut()) {
                (Some(at), Some(_)) if is_tone_mark(c) => tones.push((at, c)),
                (_, Some(letter)) => letter.marks.push(c),
                _ => well_formed = false,
            }
        } else {
            letters.push(Letter {
                base: c,
                marks: Vec::new(),
            });
        }
    }
    if !well_formed || tones.len() > 1 {
        out.extend(syllable.iter());
        syllable.clear();
        return;
    }
    // tỷ/tỉ and công ty/công ti: see the module documentation.
    if letters.len() == 2
        && letters[0].base == 't'
        && letters[0].marks.is_empty()
        && letters[1].base == 'y'
        && letters[1].marks.is_empty()
    {
        letters[1].base = 'i';
    }
    let tone = tones.first().map(|&(at, mark)| {
        let target = canonical_tone_position(&letters).unwrap_or(at);
        (target, mark)
    });
    for (i, letter) in letters.iter().enumerate() {
        out.push(letter.base);
        out.extend(letter.marks.iter());
        if let Some((target, mark)) = tone
            && target == i
        {
            out.push(mark);
        }
    }
    syllable.clear();
}

/// The index of the letter that carries the tone under the rule in the module documentation, or
/// `None` when the syllable has no vowel.
fn canonical_tone_position(letters: &[Letter]) -> Option<usize> {
    let vowel = |i: usize| letters.get(i).is_some_and(|l| is_vowel(l.base));
    let plain = |i: usize, base: char| {
        letters
            .get(i)
            .is_some_and(|l| l.base == base && l.marks.is_empty())
    };
    let mut first = (0..letters.len()).find(|&i| vowel(i))?;
    // "qu" and "gi" before another vowel: the u/i belongs to the initial consonant.
    if first == 1
        && vowel(2)
        && ((plain(0, 'q') && plain(1, 'u')) || (plain(0, 'g') && plain(1, 'i')))
    {
        first = 2;
    }
    let mut end = first;
    while vowel(end) {
        end += 1;
    }
    let has_final = end < letters.len();
    if let Some(marked) = (first..end)
        .rev()
        .find(|&i| letters[i].marks.iter().any(|&m| is_quality_mark(m)))
    {
        return Some(marked);
    }
    let len = end - first;
    Some(if has_final {
        end - 1
    } else if len <= 2 {
        first
    } else {
        first + len / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = nfd("Phạm Viết Hoài");
        assert_ne!(decomposed, "Phạm Viết Hoài");
        assert_eq!(nfc(&decomposed), "Phạm Viết Hoài");
    }

    #[test]
    fn tone_placement_pairs_fold_together() {
        for (old, new) in [
            ("ủy", "uỷ"),
            ("hòa", "hoà"),
            ("thủy", "thuỷ"),
            ("khỏe", "khoẻ"),
            ("Cẩm Thủy", "Cẩm Thuỷ"),
            ("TT Huyện ủy", "TT Huyện uỷ"),
            ("Khánh Hòa", "Khánh Hoà"),
            ("hóa", "hoá"),
            ("khóa", "khoá"),
            ("Ủy ban", "Uỷ ban"),
            ("thúy", "thuý"),
            ("xòe", "xoè"),
        ] {
            assert_eq!(match_key(old), match_key(new), "{old} vs {new}");
        }
    }

    #[test]
    fn tone_lands_on_the_old_style_vowel() {
        assert_eq!(match_key("hoà"), "hòa");
        assert_eq!(match_key("thuỷ"), "thủy");
        assert_eq!(match_key("khuỷu"), "khuỷu");
        assert_eq!(match_key("hoàn"), "hoàn");
        assert_eq!(match_key("quý"), "quý");
        assert_eq!(match_key("giữa"), "giữa");
        assert_eq!(match_key("người"), "người");
        assert_eq!(match_key("ngoài"), "ngoài");
        assert_eq!(match_key("Nguyễn"), "nguyễn");
    }

    #[test]
    fn nfd_and_nfc_give_the_same_key() {
        let s = "Phòng Tài chính – Kế hoạch huyện Thạch Hà";
        assert_eq!(match_key(s), match_key(&nfd(s)));
    }

    #[test]
    fn ty_and_ti_fold() {
        assert_eq!(match_key("122,072 tỷ đồng"), match_key("122,072 tỉ đồng"));
        assert_eq!(match_key("tỷ lệ"), "tỉ lệ");
        assert_eq!(match_key("công ty"), match_key("công ti"));
        // Only the bare syllable: "tuy", "tý" inside other syllables are untouched.
        assert_eq!(match_key("tuỳ"), "tùy");
        assert_eq!(match_key("Mỹ"), "mỹ");
    }

    #[test]
    fn dashes_and_spaces_fold() {
        assert_eq!(
            match_key("kinh tế – xã hội"),
            match_key("kinh  tế - xã\u{00A0}hội")
        );
        assert_eq!(match_key("Tài chính — Kế hoạch"), "tài chính - kế hoạch");
        assert_eq!(match_key("  Phòng\u{200B} Nội vụ \n"), "phòng nội vụ");
        assert_eq!(match_key("TC‐KH"), "tc-kh");
    }

    #[test]
    fn case_folds() {
        assert_eq!(match_key("ỦY BAN NHÂN DÂN"), match_key("Ủy ban nhân dân"));
        assert_eq!(match_key("ĐỒNG"), "đồng");
    }

    #[test]
    fn near_misses_stay_distinct() {
        // A name spelt two ways must not be merged by the key: seed 004 has both.
        assert_ne!(match_key("Phạm Viêt Hoài"), match_key("Phạm Viết Hoài"));
        assert_ne!(match_key("doanhg nghiệp"), match_key("doanh nghiệp"));
    }

    #[test]
    fn ascii_key_strips_everything() {
        assert_eq!(ascii_key("Đồng Văn Lưu"), "dong van luu");
        assert_eq!(ascii_key("Cẩm Thuỷ"), ascii_key("cam thủy"));
        assert_eq!(ascii_key("m²"), "m2");
        assert_eq!(ascii_key("Kinh tế – Hạ tầng"), "kinh te - ha tang");
        assert_eq!(ascii_key(&nfd("Huyện ủy")), "huyen uy");
    }

    #[test]
    fn decodes_file_bytes() {
        let text = "Cẩm Thủy, ngày 05 tháng 01 năm 2023";
        assert_eq!(decode_text(text.as_bytes()), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text(&bom), text);
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&le), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(&be), text);
        assert_eq!(decode_text(&[0x61, 0xFF, 0x62]), "a\u{FFFD}b");
        assert_eq!(decode_text(&[0xFF, 0xFE, 0x61]), "a");
        assert_eq!(decode_text(&[]), "");
    }

    #[test]
    fn empty_and_odd_inputs() {
        assert_eq!(match_key(""), "");
        assert_eq!(ascii_key(""), "");
        assert_eq!(match_key("\u{0301}"), "\u{0301}");
        assert_eq!(ascii_key("\u{0301}\u{0323}"), "");
        assert_eq!(match_key("   "), "");
        // Two tones in one syllable is not Vietnamese: kept as written (after NFC).
        let twice = "a\u{0301}\u{0300}";
        assert_eq!(match_key(twice), nfc(twice));
    }

    proptest! {
        #[test]
        fn match_key_never_panics_and_is_idempotent(s in "\\PC*") {
            let k = match_key(&s);
            prop_assert_eq!(match_key(&k), k);
        }

        #[test]
        fn decode_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_text(&bytes);
        }

        #[test]
        fn ascii_key_never_panics_and_is_idempotent(s in "\\PC*") {
            let k = ascii_key(&s);
            prop_assert_eq!(ascii_key(&k), k);
        }

        #[test]
        fn vietnamese_keys_are_idempotent_and_form_independent(
            s in "[aăâeêioôơuưyđ ̣̀́̉̃qgthnckm]{0,40}"
        ) {
            let k = match_key(&s);
            prop_assert_eq!(match_key(&k), k.clone());
            prop_assert_eq!(match_key(&nfd(&s)), k);
        }
    }
}
