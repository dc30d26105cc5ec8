//! Shared by the documents tests: the seed 004 notice as a model, the texts a reader must find in
//! it, and the text normalisation used to compare what readers extract.

#![allow(dead_code)]

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
pub fn seed_004() -> NoticeDoc {
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
pub fn required_texts(doc: &NoticeDoc) -> Vec<String> {
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
pub fn normalise(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
