//! The conclusion notice of seed 004 (UBND huyện Cẩm Thủy, 1/TB-UBND, 27/03/2023) written as DOCX and
//! PDF, and read back with independent readers: the zip crate for the DOCX package, pdf-extract
//! (and its lopdf) for the PDF.

use std::io::Read;

use giaoban_documents::dateline::MonthStyle;
use giaoban_documents::{Block, NoticeDate, NoticeDoc, NoticeTask};
use jiff::civil::date;
use unicode_normalization::UnicodeNormalization;

const TCKH: &str = "Phòng Tài chính - Kế hoạch";
const NN: &str = "Phòng Nông nghiệp và Phát triển nông thôn";

fn task(content: &str, lead: &str, coordinating: &[&str], deadline: &str) -> NoticeTask {
    NoticeTask {
        content: content.into(),
        lead_unit: lead.into(),
        coordinating_units: coordinating.iter().map(|s| s.to_string()).collect(),
        deadline: deadline.into(),
    }
}

/// Seed 004 as a NoticeDoc: its header, its paragraphs, its six assignments.
fn seed_004() -> NoticeDoc {
    NoticeDoc {
        superior_body: None,
        issuer_lines: vec!["UBND HUYỆN CẨM THỦY".into()],
        number_line: "Số: 1/TB-UBND".into(),
        place: "Cẩm Thủy".into(),
        date: NoticeDate::On(date(2023, 3, 27)),
        month_style: MonthStyle::ZeroPadded,
        title: "THÔNG BÁO".into(),
        subject: "Kết luận của Chủ tịch UBND huyện Phạm Viêt Hoài tại phiên họp thường kỳ tháng 03 năm 2023".into(),
        body: vec![
            Block::Paragraph("Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp thường kỳ tháng 03, dưới sự chủ trì của Chủ tịch UBND huyện - Phạm Viêt Hoài. Tham dự phiên họp có các đồng chí: Phó Chủ tịch HĐND huyện, Phó Chủ tịch UBND huyện, Ủy viên UBND huyện, Chánh Văn phòng Huyện ủy, đại diện Ủy ban MTTQ huyện, Trưởng các đoàn thể huyện.".into()),
            Block::Paragraph("Tại Hội nghị, các đại biểu tập trung thảo luận dự thảo Báo cáo tình hình kinh tế - xã hội Quý I, nhiệm vụ trọng tâm Quý II năm 2023. Sau khi nghe các ý kiến tham gia của các thành viên UBND huyện và đại biểu tham dự hội nghị, Chủ tịch UBND huyện - Phạm Viêt Hoài kết luận như sau:".into()),
            Block::Heading("1. Đánh giá công tác chỉ đạo, điều hành của UBND, Chủ tịch UBND huyện và tình hình kinh tế - xã hội Quý I năm 2023".into()),
            Block::Paragraph("Trong Quý I mặc dù còn gặp nhiều khó khăn, song với sự lãnh đạo, chỉ đạo quyết liệt, kịp thời, hiệu quả của Huyện ủy, HĐND, UBND huyện ngay từ những ngày đầu, tháng đầu năm 2023, tình hình kinh tế - xã hội tiếp tục ổn định và phát triển; diện tích gieo trồng bằng 101,2% kế hoạch; giá trị xuất khẩu ước đạt 3,05 triệu USD; thành lập mới 09 doanh nghiệp đạt 20% kế hoạch.".into()),
            Block::Paragraph("Bên cạnh đó trong Quý I, công tác lãnh đạo, chỉ đạo phát triển kinh tế xã hội còn bộc lộ một số hạn chế tồn tại như: công tác giải phóng mặt bằng, giải ngân vốn đầu tư công chậm so với kế hoạch được giao; việc giải quyết nợ đọng và thanh quyết toán các công trình xây dựng còn chậm; tỷ lệ bao phủ bảo hiểm y tế một số xã đạt thấp.".into()),
            Block::Heading("2. Hoàn thiện nội dung các dự thảo báo cáo KT-XH Quý I năm 2023".into()),
            Block::Paragraph("Các ý kiến tham gia Hội nghị về cơ bản thống nhất với nội dung các dự thảo phòng chuyên môn đã chuẩn bị.".into()),
        ],
        tasks_heading: Some("3. Các nhiệm vụ cụ thể".into()),
        tasks: vec![
            task("Tiếp thu ý kiến của các đại biểu tham dự hội nghị để hoàn chỉnh các dự thảo báo cáo kinh tế xã hội Quý I trình Ban Thường Vụ.", TCKH, &[], "chậm nhất ngày 27/03/2023"),
            task("Xây dựng dự thảo báo cáo sơ kết giữa nhiệm kỳ trình UBND huyện xem xét.", TCKH, &["Các phòng, ngành có liên quan"], "trong quý II/2023"),
            task("Tham mưu cho Phó Chủ tịch Trần Đức Hùng ban hành văn bản chỉ đạo các xã, thị trấn khi lắp đặt hệ thống camera an ninh phải đảm bảo việc kết nối với trung tâm chỉ huy của huyện.", "Công an huyện", &[], "trong quý II/2023"),
            task("Tham mưu văn bản chấn chỉnh hoạt động bán hàng hoá, dịch vụ đa cấp trá hình trên địa bàn, xác định rõ trách nhiệm của Chủ tịch UBND xã, thị trấn.", "Phòng Kinh tế và Hạ tầng", &[], "trong quý II/2023"),
            task("Rà soát các tiêu chí nông thôn mới, nông thôn mới nâng cao của 17 xã thị trấn báo cáo Ban chỉ đạo.", NN, &["Văn phòng Điều phối nông thôn mới huyện"], "trong quý II/2023"),
            task("Tham mưu tổ chức sơ kết các trương trình mục tiêu quốc gia, trọng tâm là chương trình xây dựng nông thôn mới.", NN, &["Văn phòng Điều phối nông thôn mới huyện"], "trong 6 tháng đầu năm 2023"),
        ],
        closing: vec!["Trên đây là ý kiến kết luận của Chủ tịch UBND huyện Phạm Viết Hoài tại phiên họp thường kỳ tháng 03 năm 2022. Đề nghị các phòng, ban, ngành cấp huyện, UBND các xã, thị trấn và các cơ quan, đơn vị liên quan nghiêm túc triển khai thực hiện.".into()],
        authority_lines: vec!["TL. CHỦ TỊCH".into(), "CHÁNH VĂN PHÒNG".into()],
        signer_name: "Nguyễn Đình Hùng".into(),
        recipients: vec![
            "TT Huyện uỷ;".into(),
            "TT HĐND huyện;".into(),
            "Chủ tịch, các PCT UBND huyện;".into(),
            "Trưởng các phòng, ban, ngành;".into(),
            "UBND các xã, thị trấn;".into(),
            "Lưu: VT.".into(),
        ],
    }
}

/// Every text a reader must find on the page, as the model prints it.
fn required_texts(doc: &NoticeDoc) -> Vec<String> {
    let mut texts: Vec<String> = [
        "UBND HUYỆN CẨM THỦY",
        "Số: 1/TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cẩm Thủy, ngày 27 tháng 03 năm 2023",
        "THÔNG BÁO",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Nguyễn Đình Hùng",
    ]
    .map(String::from)
    .to_vec();
    texts.push(doc.subject.clone());
    for (task, assignment) in doc.task_lines() {
        texts.push(task);
        texts.push(assignment);
    }
    texts
}

/// NFC, one space for any run of whitespace: line breaks and justification must not matter.
fn normalise(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    xml
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
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="850""#,
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
    }
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

/// pdftotext (poppler-utils), when installed, reads the same text.
#[test]
#[ignore = "needs pdftotext from Debian poppler-utils"]
fn pdftotext_agrees() {
    let doc = seed_004();
    let dir = std::env::temp_dir().join(format!("giaoban-notice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notice.pdf");
    std::fs::write(&path, doc.to_pdf().unwrap()).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = normalise(&String::from_utf8(out.stdout).unwrap());
    for wanted in required_texts(&doc) {
        let wanted = normalise(&wanted);
        assert!(
            text.contains(&wanted),
            "pdftotext lacks «{wanted}»\n---\n{text}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
