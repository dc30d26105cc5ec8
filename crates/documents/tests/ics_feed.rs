//! The iCalendar writer's output read back by an independent parser (the `ical` crate), the way a
//! subscribing client would read it.

use giaoban_documents::ics::{CalendarFeed, FeedEvent, FeedWhen};
use ical::IcalParser;
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use jiff::civil::date;

/// A long Vietnamese title, well over 75 octets in UTF-8, with characters to escape.
const LONG_SUMMARY: &str = "Báo cáo kết quả thực hiện Nghị quyết số 12/NQ-HĐND về phát triển \
     kinh tế – xã hội, quốc phòng; an ninh năm 2023 của Ủy ban nhân dân phường Đống Đa";

fn feed() -> CalendarFeed {
    CalendarFeed {
        name: "Nhiệm vụ của Phòng Tài chính, Kế hoạch".into(),
        events: vec![
            FeedEvent {
                uid: "task-0190f3a2-0000-7000-8000-000000000001@giaoban".into(),
                summary: LONG_SUMMARY.into(),
                description: Some(
                    "Chủ trì: Phòng Tài chính – Kế hoạch\nPhối hợp: Văn phòng HĐND, UBND\\ tổ 3"
                        .into(),
                ),
                when: FeedWhen::AllDay(date(2023, 3, 27)),
                url: Some("https://giaoban.example.vn/nhiem-vu/1?tab=tien-do&x=1".into()),
                updated: "2023-03-20T08:30:00Z".parse().unwrap(),
            },
            FeedEvent {
                uid: "meeting-42@giaoban".into(),
                summary: "Họp giao ban tuần".into(),
                description: None,
                // 08h00 on 27/03/2023 in Hà Nội.
                when: FeedWhen::At {
                    start: "2023-03-27T01:00:00Z".parse().unwrap(),
                    minutes: 90,
                },
                url: None,
                updated: "2023-03-21T00:00:00Z".parse().unwrap(),
            },
        ],
    }
}

fn parse(ics: &str) -> IcalCalendar {
    let mut calendars = IcalParser::new(ics.as_bytes());
    let calendar = calendars.next().expect("one calendar").expect("parses");
    assert!(calendars.next().is_none());
    calendar
}

/// Reverses RFC 5545 TEXT escaping (the parser hands values back as written).
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn value<'a>(properties: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

fn params(event: &IcalEvent, name: &str) -> Vec<(String, Vec<String>)> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.params.clone())
        .unwrap_or_default()
}

#[test]
fn feed_reads_back_with_an_independent_parser() {
    let ics = feed().to_ics();
    let calendar = parse(&ics);
    let props = &calendar.properties;
    assert_eq!(value(props, "VERSION"), Some("2.0"));
    assert_eq!(value(props, "CALSCALE"), Some("GREGORIAN"));
    assert!(value(props, "PRODID").is_some());
    assert_eq!(value(props, "X-WR-TIMEZONE"), Some("Asia/Ho_Chi_Minh"));
    assert_eq!(
        unescape(value(props, "X-WR-CALNAME").unwrap()),
        "Nhiệm vụ của Phòng Tài chính, Kế hoạch"
    );

    assert_eq!(calendar.events.len(), 2);
    let task = &calendar.events[0];
    let p = &task.properties;
    assert_eq!(
        value(p, "UID"),
        Some("task-0190f3a2-0000-7000-8000-000000000001@giaoban")
    );
    // The long summary survives folding (and the ; , escapes) intact, every diacritic included.
    assert_eq!(unescape(value(p, "SUMMARY").unwrap()), LONG_SUMMARY);
    assert_eq!(
        unescape(value(p, "DESCRIPTION").unwrap()),
        "Chủ trì: Phòng Tài chính – Kế hoạch\nPhối hợp: Văn phòng HĐND, UBND\\ tổ 3"
    );
    assert_eq!(value(p, "DTSTART"), Some("20230327"));
    assert_eq!(value(p, "DTEND"), Some("20230328"));
    assert_eq!(
        params(task, "DTSTART"),
        vec![("VALUE".to_string(), vec!["DATE".to_string()])]
    );
    assert_eq!(value(p, "DTSTAMP"), Some("20230320T083000Z"));
    assert_eq!(
        value(p, "URL"),
        Some("https://giaoban.example.vn/nhiem-vu/1?tab=tien-do&x=1")
    );

    let meeting = &calendar.events[1];
    let p = &meeting.properties;
    assert_eq!(value(p, "UID"), Some("meeting-42@giaoban"));
    assert_eq!(value(p, "SUMMARY"), Some("Họp giao ban tuần"));
    assert_eq!(value(p, "DTSTART"), Some("20230327T010000Z"));
    assert_eq!(value(p, "DTEND"), Some("20230327T023000Z"));
    assert!(params(meeting, "DTSTART").is_empty());
    assert_eq!(value(p, "DESCRIPTION"), None);
    assert_eq!(value(p, "URL"), None);
}

#[test]
fn lines_are_crlf_folded_within_75_octets_on_character_boundaries() {
    let ics = feed().to_ics();
    assert!(ics.ends_with("\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'));
    let mut folded = 0;
    for line in ics.split_terminator("\r\n") {
        // `&str` slices are valid UTF-8 by construction; the octet count is what RFC 5545 limits.
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        if line.starts_with(' ') {
            folded += 1;
        }
    }
    assert!(folded >= 2, "the long summary and description are folded");
    // Unfolding gives back the whole summary line.
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:Báo cáo kết quả thực hiện Nghị quyết số 12/NQ-HĐND"));
    assert!(unfolded.contains("quốc phòng\\; an ninh năm 2023"));
}

#[test]
fn an_empty_feed_is_a_valid_calendar() {
    let ics = CalendarFeed {
        name: String::new(),
        events: Vec::new(),
    }
    .to_ics();
    let calendar = parse(&ics);
    assert!(calendar.events.is_empty());
    assert_eq!(value(&calendar.properties, "VERSION"), Some("2.0"));
}
