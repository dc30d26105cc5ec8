//! The office issues the text it saw: the notice's page shows the document itself, the DOCX and
//! the PDF print the same paragraphs, and a notice read from seed 004 (whose meeting was named
//! after the notice's own title, as the reading page did) goes out under a Decree 30 title, with
//! sentences that do not repeat "kết luận của" and tasks in sentence case.

mod common;

use std::io::Read;

use common::{TestApp, post};
use serde_json::json;

/// Spaces collapsed (non-breaking ones too), NFC as the writers print.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(j) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..j];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=j]),
        }
        rest = &tail[j + 1..];
    }
    out.push_str(rest);
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The preview's paragraphs: the text of every element marked `data-doc`, in page order.
fn preview_paragraphs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(" data-doc") {
        let at = from + i;
        let open = html[..at].rfind('<').expect("a start tag");
        let name: String = html[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let start = at + html[at..].find('>').expect("end of start tag") + 1;
        let end = start + html[start..].find(&format!("</{name}>")).expect("end tag");
        out.push(squash(&unescape(&strip_tags(&html[start..end]))));
        from = end;
    }
    out
}

/// The DOCX body's paragraphs (table cells included), each the text of its `w:t` runs; empty
/// paragraphs (spacing, rules) left out.
fn docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut out = Vec::new();
    for para in xml.split("</w:p>") {
        let mut text = String::new();
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            let tail = &rest[i..];
            // `<w:t>` or `<w:t xml:space="preserve">`, not `<w:tbl>`, `<w:tc>`…
            let after = tail.as_bytes().get(4).copied();
            let gt = tail.find('>').expect("end of tag");
            if !matches!(after, Some(b'>') | Some(b' ')) || tail[..gt].ends_with('/') {
                rest = &tail[gt + 1..];
                continue;
            }
            let body = &tail[gt + 1..];
            let end = body.find("</w:t>").expect("</w:t>");
            text.push_str(&unescape(&body[..end]));
            rest = &body[end..];
        }
        let text = squash(&text);
        if !text.is_empty() {
            out.push(text);
        }
    }
    out
}

const RESULTS: &str = "Trong Quý I mặc dù còn gặp nhiều khó khăn, song với sự lãnh đạo, chỉ đạo quyết liệt, kịp thời, hiệu quả của Huyện ủy, HĐND, UBND huyện, tình hình kinh tế - xã hội tiếp tục ổn định và phát triển; giá trị xuất khẩu ước đạt 3,05 triệu USD; thành lập mới 09 doanh nghiệp đạt 20% kế hoạch.";
const SHORTCOMINGS: &str = "Công tác lãnh đạo, chỉ đạo của một số xã thị trấn chưa tập trung, quyết liệt vẫn để xảy ra tình trạng khai thác trái phép khoáng sản;\ncông tác giải phóng mặt bằng, giải ngân vốn đầu tư công chậm so với kế hoạch được giao.";
const DIRECTIONS: &str = "- Rà soát lại các mục tiêu nhiệm vụ theo kế hoạch giao từ đầu năm;\n- Chuẩn bị đầy đủ các điều kiện để tổ chức diễn tập khu vực phòng thủ huyện năm 2023 theo kế hoạch;";
/// What the reading page made of seed 004: its title became the meeting's name and the notice's.
const SEED_TITLE: &str =
    "Kết luận của Chủ tịch UBND huyện Phạm Viêt Hoài tại phiên họp thường kỳ tháng 03 năm 2023";

#[tokio::test]
async fn seed_004_notice_prints_what_its_page_shows() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;

    let (s, m) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        json!({
            "kind": "regular_session",
            "title": SEED_TITLE,
            "date": "24/03/2023",
            "host_unit_id": u.ubnd.0,
            "chair": {"name": "Phạm Viêt Hoài", "title": "Chủ tịch UBND huyện"},
            "period": "2023Q1"
        }),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let meeting_id = m["meeting"]["id"].as_str().expect("id").to_owned();
    let (s, c) = post(
        &office,
        &ot,
        app.url("/api/v1/conclusions"),
        json!({
            "meeting_id": meeting_id,
            "issuer_unit_id": u.ubnd.0,
            "title": SEED_TITLE,
            "place": "Cẩm Thủy",
            "signer_name": "Nguyễn Đình Hùng",
            "signer_title": "Chánh Văn phòng",
            "authority": "by_order",
            "results": RESULTS,
            "shortcomings": SHORTCOMINGS,
            "directions": DIRECTIONS,
            "recipients": ["TT Huyện uỷ;", "TT HĐND huyện;", "Trưởng các phòng, ban, ngành;", "Lưu VT."]
        }),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["conclusion"]["id"].as_str().expect("id").to_owned();
    // The tasks as the reading proposes them: cut out of "Giao <unit> <task>", in lower case.
    for (content, lead, coord, deadline) in [
        (
            "tiếp thu ý kiến của các đại biểu để hoàn chỉnh các dự thảo báo cáo kinh tế xã hội Quý I",
            u.tckh.0,
            vec![],
            "chậm nhất ngày 27/03/2023",
        ),
        (
            "đảm bảo việc kết nối hệ thống camera an ninh với trung tâm chỉ huy của huyện",
            u.cam_tan.0,
            vec![u.cam_ngoc.0],
            "thường xuyên",
        ),
        (
            "rà soát các tiêu chí nông thôn mới, nông thôn mới nâng cao",
            u.cam_ngoc.0,
            vec![],
            "trong quý II",
        ),
    ] {
        let (s, t) = post(
            &office,
            &ot,
            app.url("/api/v1/tasks"),
            json!({
                "content": content,
                "conclusion_id": cid,
                "assigner_unit_id": u.ubnd.0,
                "lead_unit_id": lead,
                "coordinating_unit_ids": coord,
                "deadline": deadline,
                "assigned_on": "24/03/2023"
            }),
        )
        .await;
        assert_eq!(s, 201, "{t}");
    }
    let (s, issued) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "27/03/2023"}),
    )
    .await;
    assert_eq!(s, 200, "{issued}");

    let page = office
        .get(app.url(&format!("/conclusions/{cid}")))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let fetch = |format: &'static str| {
        let office = office.clone();
        let url = app.url(&format!(
            "/api/v1/conclusions/{cid}/document?format={format}"
        ));
        async move {
            let r = office.get(url).send().await.expect("document");
            assert_eq!(r.status(), 200, "{format}");
            r.bytes().await.expect("bytes").to_vec()
        }
    };
    let docx = fetch("docx").await;
    let pdf = fetch("pdf").await;

    let preview = preview_paragraphs(&html);
    let printed = docx_paragraphs(&docx);
    assert_eq!(
        preview, printed,
        "the page's preview is not the DOCX's text"
    );

    // The PDF: the same words in the same order (its lines broken where the page ends them; the
    // page numbers of pages 2 and on stand on lines of their own, a short number alone).
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf).expect("extractable");
    let pdf_text = squash(
        &pdf_text
            .lines()
            .filter(|l| !l.trim().parse::<u8>().is_ok_and(|n| (2..100).contains(&n)))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert_eq!(
        pdf_text,
        squash(&preview.join(" ")),
        "the PDF's text is not the preview's"
    );

    // Decree 30: "THÔNG BÁO" over the subject "Kết luận của <chair> tại <meeting>"; the notice's
    // title (the page's) is "Thông báo kết luận…".
    let subject = "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023";
    let title_at = preview
        .iter()
        .position(|p| p == "THÔNG BÁO")
        .expect("THÔNG BÁO");
    assert_eq!(preview[title_at + 1], subject);
    assert!(
        html.contains(&format!("<title>Thông báo k{}", &subject[1..])),
        "page title: {}",
        &html[html.find("<title>").unwrap_or(0)..][..200.min(html.len())]
    );
    // The meeting is named by its kind in the sentences, not by the notice's title.
    let intro = preview
        .iter()
        .find(|p| p.starts_with("Ngày 24/03/2023"))
        .expect("opening sentence");
    assert!(
        intro.starts_with(
            "Ngày 24/03/2023, UBND huyện Cẩm Thủy tổ chức phiên họp thường kỳ tháng 03 năm 2023 dưới sự chủ trì của Chủ tịch UBND huyện Phạm Viêt Hoài."
        ),
        "{intro}"
    );
    for p in &preview {
        assert!(!p.contains("tổ chức kết luận"), "{p}");
        assert!(
            p.matches("kết luận của").count() <= 1,
            "«kết luận của» twice: {p}"
        );
    }
    // Numbered as the document is (1., 2., …), the tasks in sentence case.
    assert!(preview.iter().any(|p| p == "1. Kết quả đạt được"));
    assert!(!preview.iter().any(|p| p.starts_with("I. ")));
    for wanted in [
        "1. Tiếp thu ý kiến của các đại biểu",
        "2. Đảm bảo việc kết nối",
        "3. Rà soát các tiêu chí",
    ] {
        assert!(
            preview.iter().any(|p| p.starts_with(wanted)),
            "no task line «{wanted}…»: {preview:#?}"
        );
    }
}
