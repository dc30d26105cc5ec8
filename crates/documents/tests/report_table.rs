//! A period report's indicator table in Word and PDF: every cell written, read back by independent
//! readers (zip for the DOCX package, pdf-extract for the PDF), and a table longer than a page breaks
//! between rows with its heading row set again on the next page.

mod common;

use std::io::Read;

use common::normalise;
use giaoban_documents::{Block, CellAlign, DocColumn, DocTable, NoticeDate, NoticeDoc};

fn report(rows: usize) -> NoticeDoc {
    let columns = [
        ("STT", 0.45, CellAlign::Centre),
        ("Chỉ tiêu", 2.5, CellAlign::Left),
        ("ĐVT", 0.8, CellAlign::Centre),
        ("Thực hiện kỳ báo cáo", 1.3, CellAlign::Right),
        ("Lũy kế từ đầu năm", 1.3, CellAlign::Right),
        ("Kế hoạch năm", 1.3, CellAlign::Right),
        ("% KH", 0.9, CellAlign::Right),
        ("Cùng kỳ năm trước", 1.3, CellAlign::Right),
    ]
    .into_iter()
    .map(|(h, share, align)| DocColumn {
        heading: h.into(),
        share,
        align,
    })
    .collect();
    let rows = (1..=rows)
        .map(|i| {
            vec![
                i.to_string(),
                format!("Diện tích lúa gieo cấy vụ Chiêm Xuân số {i}"),
                "ha".into(),
                format!("{}.466,32", i),
                format!("{}.466,32", i),
                format!("{}.401,50", i),
                "101,2".into(),
                format!("{}.301,70", i),
            ]
        })
        .collect();
    NoticeDoc {
        superior_body: None,
        issuer_lines: vec!["UBND HUYỆN CẨM THỦY".into()],
        number_line: "Số:     /BC-UBND".into(),
        place: "Cẩm Thủy".into(),
        date: NoticeDate::Blank { year: 2023 },
        month_style: Default::default(),
        title: "BÁO CÁO".into(),
        subject: "Tình hình kinh tế - xã hội quý I, nhiệm vụ trọng tâm quý II năm 2023".into(),
        body: vec![
            Block::Heading("I. KẾT QUẢ THỰC HIỆN".into()),
            Block::Paragraph("Toàn huyện gieo cấy 5.466,32 ha lúa, đạt 101,2% kế hoạch.".into()),
            Block::Table(DocTable { columns, rows }),
            Block::Paragraph("Đoạn sau biểu.".into()),
        ],
        tasks_heading: None,
        tasks: Vec::new(),
        closing: Vec::new(),
        authority_lines: vec!["TM. ỦY BAN NHÂN DÂN".into(), "CHỦ TỊCH".into()],
        signer_name: "Phạm Viết Hoài".into(),
        recipients: vec!["UBND tỉnh (b/c)".into()],
    }
}

#[test]
fn the_pdf_holds_every_cell_and_repeats_the_heading_row_on_each_page() {
    let doc = report(40);
    let bytes = doc.to_pdf().expect("pdf");
    let text = normalise(&pdf_extract::extract_text_from_mem(&bytes).expect("extractable"));
    assert!(!text.contains('\u{FFFD}'));
    for i in 1..=40 {
        for cell in [
            format!("{i}.466,32"),
            format!("{i}.401,50"),
            format!("{i}.301,70"),
        ] {
            assert!(text.contains(&cell), "«{cell}» in the PDF");
        }
    }
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).expect("pages");
    assert!(pages.len() >= 2, "40 rows run onto a second page");
    let with_heading = pages
        .iter()
        .filter(|p| normalise(p).contains("Kế hoạch năm"))
        .count();
    let with_rows = pages
        .iter()
        .filter(|p| normalise(p).contains(".466,32"))
        .count();
    assert_eq!(
        with_heading, with_rows,
        "every page the table runs onto starts with its heading row"
    );
    assert!(
        text.contains("Đoạn sau biểu."),
        "the body goes on after the table"
    );
}

#[test]
fn the_docx_holds_a_ruled_table_with_every_cell() {
    let bytes = report(5).to_docx().expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    // Header, the indicator table and the signature block.
    assert_eq!(xml.matches("<w:tbl>").count(), 3, "three tables");
    let body_table = xml
        .split("<w:tbl>")
        .find(|t| t.contains("Chỉ tiêu"))
        .expect("the indicator table");
    assert!(
        body_table.contains("w:val=\"single\""),
        "its cells are ruled"
    );
    for cell in ["1.466,32", "5.301,70", "Cùng kỳ năm trước", "101,2"] {
        assert!(body_table.contains(cell), "«{cell}» in the table");
    }
}
