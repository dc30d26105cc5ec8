//! The conclusion notice of seed 004 (UBND huyện Cẩm Thủy, 1/TB-UBND, 27/03/2023) written as DOCX and
//! PDF, and read back with independent readers: the zip crate for the DOCX package, pdf-extract
//! (and its lopdf) for the PDF.

mod common;

use std::io::Read;

use common::{normalise, required_texts, seed_004};
use giaoban_documents::dateline::MonthStyle;
use giaoban_documents::{NoticeDate, NoticeDoc};

/// A part of the DOCX package, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"))
        .read_to_string(&mut xml)
        .expect("UTF-8");
    xml
}

fn document_xml(bytes: &[u8]) -> String {
    part(bytes, "word/document.xml")
}

/// The value of `attr` in the first `<tag …>` of `xml` that contains `with`.
fn attribute<'a>(xml: &'a str, tag: &str, with: &str, attr: &str) -> Option<&'a str> {
    xml.match_indices(&format!("<{tag} "))
        .map(|(i, _)| &xml[i..i + xml[i..].find('>').expect("closed tag")])
        .find(|element| element.contains(with))
        .and_then(|element| {
            let start = element.find(&format!(" {attr}=\""))? + attr.len() + 3;
            Some(&element[start..start + element[start..].find('"')?])
        })
}

#[test]
fn the_model_writes_the_seed_header() {
    let doc = seed_004();
    assert_eq!(doc.place_date_line(), "Cẩm Thủy, ngày 27 tháng 03 năm 2023");
    let decree = NoticeDoc {
        month_style: MonthStyle::Decree30,
        ..doc.clone()
    };
    assert_eq!(
        decree.place_date_line(),
        "Cẩm Thủy, ngày 27 tháng 3 năm 2023"
    );
    let draft = NoticeDoc {
        date: NoticeDate::Blank { year: 2023 },
        ..doc.clone()
    };
    assert_eq!(
        draft.place_date_line(),
        "Cẩm Thủy, ngày     tháng     năm 2023"
    );
    assert_eq!(doc.recipient_lines().last().unwrap(), "- Lưu: VT.");
    assert_eq!(doc.recipient_lines().len(), 6);
    let (first, assignment) = doc.task_lines().next().unwrap();
    assert!(first.starts_with("1. Tiếp thu ý kiến"));
    assert_eq!(
        assignment,
        "Chủ trì: Phòng Tài chính - Kế hoạch; thời hạn: chậm nhất ngày 27/03/2023."
    );
    assert_eq!(
        doc.tasks[4].assignment_line(),
        "Chủ trì: Phòng Nông nghiệp và Phát triển nông thôn; phối hợp: Văn phòng Điều phối nông thôn mới huyện; thời hạn: trong quý II/2023."
    );
}

#[test]
fn docx_holds_the_texts_the_page_and_the_font() {
    let doc = seed_004();
    let bytes = doc.to_docx().expect("docx");
    let xml = document_xml(&bytes);
    for text in required_texts(&doc) {
        assert!(xml.contains(&text), "document.xml lacks «{text}»");
    }
    // A4 portrait and the Decree 30 margins, in twips.
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "page size"
    );
    for margin in [
        r#"w:top="1247""#,
        r#"w:bottom="1134""#,
        r#"w:left="1729""#,
        r#"w:right="879""#,
    ] {
        assert!(xml.contains(margin), "margin {margin}");
    }
    assert!(xml.contains(r#"w:ascii="Times New Roman""#), "font");
    // Body 14 pt, national title 13 pt, recipients 11 pt.
    assert!(xml.contains(r#"<w:sz w:val="28" />"#) || xml.contains(r#"<w:sz w:val="28"/>"#));
    assert!(xml.contains(r#"w:val="26""#));
    assert!(xml.contains(r#"w:val="22""#));
    // Two borderless layout tables (header, signature), body justified.
    assert_eq!(xml.matches("<w:tbl>").count(), 2);
    assert!(!xml.contains("<w:tblBorders><w:top w:val=\"single\""));
    assert!(xml.contains(r#"<w:jc w:val="both""#));
    // Neither block splits across pages.
    assert_eq!(xml.matches("<w:cantSplit").count(), 2);
    // The motto underlined.
    assert!(xml.contains(r#"<w:u w:val="single""#));
    eprintln!("seed 004 notice DOCX: {} bytes", bytes.len());
}

#[test]
fn pdf_text_reads_back_with_every_diacritic() {
    let doc = seed_004();
    let bytes = doc.to_pdf().expect("pdf");
    let text = normalise(&pdf_extract::extract_text_from_mem(&bytes).expect("extractable"));
    for wanted in required_texts(&doc) {
        let wanted = normalise(&wanted);
        assert!(
            text.contains(&wanted),
            "PDF text lacks «{wanted}»\n---\n{text}"
        );
    }
    eprintln!("seed 004 notice PDF: {} bytes", bytes.len());
    // To look at the page: GIAOBAN_NOTICE_OUT=/tmp/x cargo test -p giaoban-documents.
    if let Some(dir) = std::env::var_os("GIAOBAN_NOTICE_OUT") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("notice-004.pdf"), &bytes).expect("write the PDF");
        std::fs::write(dir.join("notice-004.docx"), doc.to_docx().unwrap())
            .expect("write the DOCX");
    }
}

#[test]
fn pdf_is_a4_with_embedded_truetype_fonts() {
    use pdf_extract::{Document, Object};
    let bytes = seed_004().to_pdf().expect("pdf");
    let pdf = Document::load_mem(&bytes).expect("a PDF lopdf can read");
    let pages = pdf.get_pages();
    assert!(!pages.is_empty());
    for (_, id) in pages {
        let page = pdf.get_dictionary(id).expect("page dictionary");
        let mb = page
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("MediaBox on the page");
        let nums: Vec<f32> = mb
            .iter()
            .map(|o| {
                o.as_float()
                    .or_else(|_| o.as_i64().map(|i| i as f32))
                    .unwrap()
            })
            .collect();
        assert_eq!(nums.len(), 4);
        assert!((nums[2] - nums[0] - 595.28).abs() < 1.0, "width {nums:?}");
        assert!((nums[3] - nums[1] - 841.89).abs() < 1.0, "height {nums:?}");
    }
    let font_files = pdf
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2"))
        .count();
    assert!(font_files >= 4, "four embedded faces, found {font_files}");
    // Each embedded file is a TrueType font (sfnt version 1.0).
    for d in pdf
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2"))
    {
        let id = d
            .get(b"FontFile2")
            .and_then(Object::as_reference)
            .expect("FontFile2 is a stream reference");
        let stream = pdf
            .get_object(id)
            .and_then(Object::as_stream)
            .expect("font stream");
        let data = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        assert_eq!(&data[..4], &[0, 1, 0, 0], "a TrueType font file");
        // Subset to the glyphs the notice uses: a fraction of the 370–394 KB faces.
        assert!(
            data.len() < 100_000,
            "a subset font file, not the whole face: {} bytes",
            data.len()
        );
    }
    // Each font is named after its face, with a subset tag: "ABCDEF+LiberationSerif-Bold".
    let names: Vec<String> = pdf
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2"))
        .map(|d| {
            let name = d
                .get(b"FontName")
                .and_then(Object::as_name)
                .expect("FontName");
            String::from_utf8_lossy(name).into_owned()
        })
        .collect();
    for name in &names {
        let (tag, face) = name.split_once('+').expect("a subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{name}"
        );
        assert!(face.starts_with("LiberationSerif"), "{name}");
    }
    // The whole notice, four faces and two pages, in well under 150 KB (851 KB with whole fonts).
    assert!(bytes.len() < 150_000, "PDF of {} bytes", bytes.len());
}

#[test]
fn the_embedded_font_has_every_vietnamese_letter() {
    let font = printpdf::ParsedFont::from_bytes(
        giaoban_documents::fonts::SERIF_REGULAR,
        0,
        &mut Vec::new(),
    )
    .expect("font");
    let letters =
        "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
    let mut missing = Vec::new();
    for c in letters
        .chars()
        .flat_map(|c| [c].into_iter().chain(c.to_uppercase()))
    {
        if font.lookup_glyph_index(c as u32).unwrap_or(0) == 0 {
            missing.push(c);
        }
    }
    assert!(missing.is_empty(), "missing glyphs: {missing:?}");
    // 17 consonants (with đ) and 12 vowels in 6 tones each.
    assert_eq!(letters.chars().count(), 17 + 12 * 6);
}

/// Every character the seed notice prints (in NFC, as the PDF writer sets it) has a glyph in each of
/// the four embedded faces: nothing falls back to the empty .notdef box.
#[test]
fn every_character_of_the_notice_has_a_glyph_in_every_face() {
    use unicode_normalization::UnicodeNormalization;
    let doc = seed_004();
    let mut text: String = required_texts(&doc).concat();
    for block in &doc.body {
        match block {
            giaoban_documents::Block::Heading(t) | giaoban_documents::Block::Paragraph(t) => {
                text.push_str(t)
            }
            giaoban_documents::Block::Table(t) => {
                text.extend(t.rows.iter().flatten().map(|c| c.as_str()))
            }
        }
    }
    text.extend(doc.closing.iter().map(String::as_str));
    text.extend(doc.recipient_lines());
    text.push_str("0123456789");
    let mut chars: Vec<char> = text.nfc().filter(|c| !c.is_whitespace()).collect();
    chars.sort_unstable();
    chars.dedup();
    assert!(
        chars.len() > 60,
        "a real sample: {} distinct characters",
        chars.len()
    );
    use giaoban_documents::fonts::*;
    for (name, bytes) in [
        ("Regular", SERIF_REGULAR),
        ("Bold", SERIF_BOLD),
        ("Italic", SERIF_ITALIC),
        ("BoldItalic", SERIF_BOLD_ITALIC),
    ] {
        let font = printpdf::ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("font");
        let missing: Vec<char> = chars
            .iter()
            .copied()
            .filter(|&c| font.lookup_glyph_index(c as u32).unwrap_or(0) == 0)
            .collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
    }
}

/// Decree 30: page numbers centred in the top margin, none on page 1. The section has a distinct
/// title page whose header is empty; the other pages' header holds a centred PAGE field; the header
/// sits inside the top margin.
#[test]
fn docx_numbers_pages_from_the_second_in_the_top_margin() {
    let bytes = seed_004().to_docx().expect("docx");
    let xml = document_xml(&bytes);
    let sect = &xml[xml.rfind("<w:sectPr").expect("sectPr")..];
    assert!(sect.contains("<w:titlePg"), "distinct title page: {sect}");
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    let header_part = |kind: &str| {
        let id = attribute(
            sect,
            "w:headerReference",
            &format!("w:type=\"{kind}\""),
            "r:id",
        )
        .unwrap_or_else(|| panic!("a {kind} header reference: {sect}"));
        let target = attribute(&rels, "Relationship", &format!("Id=\"{id}\""), "Target")
            .unwrap_or_else(|| panic!("relationship {id}: {rels}"));
        assert!(
            attribute(&rels, "Relationship", &format!("Id=\"{id}\""), "Type")
                .is_some_and(|t| t.ends_with("/header")),
            "{id} is a header"
        );
        part(&bytes, &format!("word/{target}"))
    };

    let other_pages = header_part("default");
    assert_eq!(
        other_pages
            .matches("<w:instrText>PAGE</w:instrText>")
            .count(),
        1,
        "one PAGE field: {other_pages}"
    );
    assert!(other_pages.contains(r#"w:fldCharType="begin""#));
    assert!(other_pages.contains(r#"w:fldCharType="end""#));
    assert!(
        other_pages.contains(r#"<w:jc w:val="center""#),
        "centred: {other_pages}"
    );

    let first_page = header_part("first");
    assert!(
        !first_page.contains("instrText") && !first_page.contains("<w:t"),
        "page 1's header is empty: {first_page}"
    );

    // The header starts 8 mm from the top edge, inside the 22 mm top margin.
    let header: u32 = attribute(sect, "w:pgMar", "w:header", "w:header")
        .expect("header distance")
        .parse()
        .unwrap();
    let top: u32 = attribute(sect, "w:pgMar", "w:top", "w:top")
        .expect("top margin")
        .parse()
        .unwrap();
    assert_eq!(header, 454, "8 mm");
    assert_eq!(top, 1247, "22 mm");
    // A 14 pt line (≈ 322 twips) fits between the header's top and the text.
    assert!(header + 322 < top);
}
