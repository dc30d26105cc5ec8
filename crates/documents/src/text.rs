//! What text may go into a document: the characters XML 1.0 allows (Word and LibreOffice refuse a
//! package with any other), less the Unicode noncharacters. The domain refuses the others when
//! text is entered; the writers drop any already stored, so that a notice always opens.

use std::borrow::Cow;

/// Whether `c` may be written into a document: tab, line breaks and every character XML 1.0
/// allows, except the noncharacters (U+FDD0–U+FDEF and the last two code points of every plane).
pub fn document_char(c: char) -> bool {
    let n = u32::from(c);
    let xml = matches!(c, '\t' | '\n' | '\r')
        || (0x20..=0xD7FF).contains(&n)
        || (0xE000..=0xFFFD).contains(&n)
        || (0x1_0000..=0x10_FFFF).contains(&n);
    let nonchar = (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE;
    xml && !nonchar
}

/// `s` without the characters [`document_char`] refuses (borrowed when there is none).
pub fn document_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(document_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| document_char(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_refusals_and_noncharacters_are_dropped_and_vietnamese_kept() {
        let s = "Kết luận\u{FFFE} số 1\u{FFFF}/TB\u{0}\u{1F}\u{FDD0}\u{1FFFE}\u{10FFFF}\t\nđạt 5.466,32 ha 🌾";
        assert_eq!(document_text(s), "Kết luận số 1/TB\t\nđạt 5.466,32 ha 🌾");
        assert!(matches!(document_text("Cẩm Thủy"), Cow::Borrowed(_)));
    }
}
