//! The real mailer sends to the in-process SMTP sink; what arrived is read back with a mail parser
//! (RFC 2047 subject, transfer-encoded body) as a mail client would.

use std::time::Duration;

use giaoban_notify::testing::SmtpSink;
use giaoban_notify::{Mailer, NotifyError, SmtpConfig};
use mail_parser::MessageParser;

const FROM: &str = "Giao ban UBND <noreply@ubnd.example.vn>";

#[tokio::test]
async fn two_vietnamese_mails_arrive_intact() {
    let sink = SmtpSink::start().await.unwrap();
    let mailer = Mailer::new(&sink.config(FROM)).unwrap();

    let subject_1 = "Nhắc hạn: còn 3 ngày — Báo cáo kết quả thực hiện Nghị quyết số 12/NQ-HĐND";
    let body_1 = "Kính gửi đồng chí Trưởng phòng Tài chính – Kế hoạch,\n\n\
                  Nhiệm vụ \"Báo cáo quý I/2023\" đến hạn ngày 27/03/2023.\n\
                  .Dòng này bắt đầu bằng dấu chấm.\n\nTrân trọng.";
    mailer
        .send("truong.phong@ubnd.example.vn", subject_1, body_1)
        .await
        .unwrap();
    let subject_2 = "Đã quá hạn: Họp giao ban tuần";
    let body_2 = "Nhiệm vụ đã quá hạn.";
    mailer
        .send("Nguyễn Văn An <an.nv@ubnd.example.vn>", subject_2, body_2)
        .await
        .unwrap();

    let mails = sink.wait_for(2, Duration::from_secs(10)).await.unwrap();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].from, "noreply@ubnd.example.vn");
    assert_eq!(mails[0].to, vec!["truong.phong@ubnd.example.vn"]);
    assert_eq!(mails[1].to, vec!["an.nv@ubnd.example.vn"]);

    let parser = MessageParser::default();
    for (mail, subject, body, to) in [
        (&mails[0], subject_1, body_1, "truong.phong@ubnd.example.vn"),
        (&mails[1], subject_2, body_2, "an.nv@ubnd.example.vn"),
    ] {
        // On the wire the headers are 7-bit: the subject travels RFC 2047-encoded.
        let headers = mail.data.split("\r\n\r\n").next().unwrap();
        assert!(headers.is_ascii(), "{headers}");
        let parsed = parser
            .parse(mail.data.as_bytes())
            .expect("a parsable message");
        assert_eq!(parsed.subject(), Some(subject));
        let recipient = parsed.to().and_then(|a| a.first()).unwrap();
        assert_eq!(recipient.address(), Some(to));
        let sender = parsed.from().and_then(|a| a.first()).unwrap();
        assert_eq!(sender.address(), Some("noreply@ubnd.example.vn"));
        assert_eq!(sender.name(), Some("Giao ban UBND"));
        let text = parsed.body_text(0).unwrap();
        assert_eq!(text.replace("\r\n", "\n").trim_end(), body);
        assert!(
            parsed
                .message_id()
                .is_some_and(|id| id.ends_with("@ubnd.example.vn"))
        );
    }
    assert_eq!(
        mails
            .iter()
            .filter_map(|m| parser.parse(m.data.as_bytes()))
            .filter(|m| m.to().and_then(|a| a.first()).unwrap().name() == Some("Nguyễn Văn An"))
            .count(),
        1
    );
    assert_eq!(sink.messages().await, mails);
}

#[tokio::test]
async fn the_sink_is_reachable_from_a_url_and_bad_recipients_send_nothing() {
    let sink = SmtpSink::start().await.unwrap();
    let url = format!(
        "smtp://127.0.0.1:{}?tls=none&from=noreply%40ubnd.example.vn",
        sink.addr().port()
    );
    let mailer = Mailer::new(&SmtpConfig::parse(&url).unwrap()).unwrap();
    mailer.check_connection().await.unwrap();
    assert!(matches!(
        mailer.send("not an address", "x", "y").await,
        Err(NotifyError::InvalidAddress(_))
    ));
    mailer
        .send("a@ubnd.example.vn", "Kiểm tra", "Thư thử.")
        .await
        .unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(10)).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["a@ubnd.example.vn"]);
}
