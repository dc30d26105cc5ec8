//! iCalendar feeds (RFC 5545): deadlines and meetings as a calendar that officials subscribe to
//! from their phone or Outlook.
//!
//! This module owns the text of a feed: which properties an event carries, how text is escaped and
//! how long lines are folded. Times are written in UTC (`…Z`), which every client converts to the
//! reader's zone; all-day events are plain dates. The feed's default zone is Asia/Ho_Chi_Minh.
//!
//! Written by hand rather than with the `icalendar` crate: that crate needs chrono on top of jiff,
//! writes all-day events with DTEND equal to DTSTART (a zero-length event) and leaves `X-WR-CALNAME`
//! unescaped, so a unit name with a line break would break the feed. The writer below is small and
//! its output is checked by an independent parser in the tests.

use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

/// `PRODID` of every feed.
pub const PRODID: &str = "-//giaoban//Theo doi nhiem vu//VI";

/// The time zone officials read the feed in.
pub const TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

/// The HTTP content type of a feed.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS: usize = 75;

/// A calendar feed: a name and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFeed {
    /// Shown by clients as the calendar's name (`X-WR-CALNAME`).
    pub name: String,
    pub events: Vec<FeedEvent>,
}

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Stable across feed refreshes, so clients update the event instead of duplicating it, e.g.
    /// `task-<uuid>@giaoban`.
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub when: FeedWhen,
    /// A link back to the task in giaoban.
    pub url: Option<String>,
    /// When the record behind the event last changed (`DTSTAMP`, `LAST-MODIFIED`).
    pub updated: Timestamp,
}

/// When an event takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedWhen {
    /// The whole (local) day, e.g. a deadline given as a date.
    AllDay(Date),
    /// From `start`, for `minutes` (0 = a moment, e.g. a deadline at 17h00).
    At { start: Timestamp, minutes: u32 },
}

impl CalendarFeed {
    /// The feed as an RFC 5545 `VCALENDAR`, lines ending in CRLF and folded at 75 octets.
    pub fn to_ics(&self) -> String {
        let mut out = Lines::default();
        out.raw("BEGIN:VCALENDAR");
        out.raw("VERSION:2.0");
        out.raw(&format!("PRODID:{PRODID}"));
        out.raw("CALSCALE:GREGORIAN");
        out.raw("METHOD:PUBLISH");
        out.text("X-WR-CALNAME", &self.name);
        out.raw(&format!("X-WR-TIMEZONE:{TIME_ZONE}"));
        for event in &self.events {
            event.write(&mut out);
        }
        out.raw("END:VCALENDAR");
        out.0
    }
}

impl FeedEvent {
    fn write(&self, out: &mut Lines) {
        out.raw("BEGIN:VEVENT");
        out.text("UID", &self.uid);
        out.raw(&format!("DTSTAMP:{}", utc(self.updated)));
        out.raw(&format!("LAST-MODIFIED:{}", utc(self.updated)));
        match self.when {
            FeedWhen::AllDay(date) => {
                out.raw(&format!("DTSTART;VALUE=DATE:{}", ymd(date)));
                // DTEND is exclusive: an all-day event ends at the start of the next day.
                if let Ok(next) = date.tomorrow() {
                    out.raw(&format!("DTEND;VALUE=DATE:{}", ymd(next)));
                }
            }
            FeedWhen::At { start, minutes } => {
                out.raw(&format!("DTSTART:{}", utc(start)));
                let length = SignedDuration::from_mins(i64::from(minutes));
                // No DTEND for a moment: the event then takes no time (RFC 5545 §3.6.1).
                if minutes > 0
                    && let Ok(end) = start.checked_add(length)
                {
                    out.raw(&format!("DTEND:{}", utc(end)));
                }
            }
        }
        out.text("SUMMARY", &self.summary);
        if let Some(description) = &self.description {
            out.text("DESCRIPTION", description);
        }
        if let Some(url) = &self.url {
            out.uri("URL", url);
        }
        out.raw("END:VEVENT");
    }
}

/// `20230327T100000Z`.
fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// `20230327`.
fn ymd(date: Date) -> String {
    date.strftime("%Y%m%d").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, every line break
/// (CRLF, CR or LF) written as `\n`, other control characters dropped (TEXT does not allow them).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() || !crate::text::document_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: CRLF and a space before each 75-octet limit, never inside a UTF-8
/// character. Where it can, it folds between two non-blank characters, because some readers trim
/// blanks at the ends of physical lines.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 24);
    let mut rest = line;
    // The first physical line holds 75 octets; each continuation line spends one on its space.
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let cut = fold_point(rest, room);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out
}

/// The byte index at which to fold `text` so the first part is at most `room` octets: the last
/// character boundary there, moved back past blanks when the text around it is not all blank.
fn fold_point(text: &str, room: usize) -> usize {
    let mut cut = room;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let last_boundary = cut;
    let blank_around = |cut: usize| {
        text[..cut]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace)
            || text[cut..].chars().next().is_some_and(char::is_whitespace)
    };
    while blank_around(cut) {
        match text[..cut].char_indices().next_back() {
            // Keep at least a quarter of the room, so a long run of blanks still makes progress.
            Some((prev, _)) if prev > room / 4 => cut = prev,
            _ => return last_boundary,
        }
    }
    cut
}

/// The content lines of a feed, CRLF-terminated and folded.
#[derive(Default)]
struct Lines(String);

impl Lines {
    /// A line whose value needs no escaping (names, dates, constants).
    fn raw(&mut self, line: &str) {
        let _ = write!(self.0, "{}\r\n", fold(line));
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(&format!("{name}:{}", escape_text(value)));
    }

    /// A URI value is not TEXT and is not escaped; control characters (line breaks) are dropped
    /// so a link cannot end the line early.
    fn uri(&mut self, name: &str, value: &str) {
        let clean: String = value.chars().filter(|c| !c.is_control()).collect();
        self.raw(&format!("{name}:{clean}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("Họp giao ban; quý II, 2023\\A"),
            "Họp giao ban\\; quý II\\, 2023\\\\A"
        );
        assert_eq!(escape_text("a\r\nb\nc\rd"), "a\\nb\\nc\\nd");
        assert_eq!(escape_text("a\u{0}b\u{7}\tc"), "ab\tc");
    }

    #[test]
    fn all_day_events_end_the_next_day_and_moments_have_no_end() {
        let feed = CalendarFeed {
            name: "Nhiệm vụ".into(),
            events: vec![
                FeedEvent {
                    uid: "a@giaoban".into(),
                    summary: "Hạn".into(),
                    description: None,
                    when: FeedWhen::AllDay(date(2023, 12, 31)),
                    url: Some("https://example.vn/t/1\r\nX-EVIL:1".into()),
                    updated: "2023-03-01T00:00:00Z".parse().unwrap(),
                },
                FeedEvent {
                    uid: "b@giaoban".into(),
                    summary: "Nộp báo cáo".into(),
                    description: None,
                    when: FeedWhen::At {
                        start: "2023-03-27T10:00:00Z".parse().unwrap(),
                        minutes: 0,
                    },
                    url: None,
                    updated: "2023-03-01T00:00:00.5Z".parse().unwrap(),
                },
            ],
        };
        let ics = feed.to_ics();
        assert!(ics.contains("DTSTART;VALUE=DATE:20231231\r\nDTEND;VALUE=DATE:20240101\r\n"));
        assert!(ics.contains("URL:https://example.vn/t/1X-EVIL:1\r\n"));
        assert!(ics.contains("DTSTAMP:20230301T000000Z\r\n"));
        assert!(ics.contains("DTSTART:20230327T100000Z\r\nSUMMARY:Nộp báo cáo\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn folding_avoids_blanks_at_the_fold() {
        let line = format!("SUMMARY:{}end", "ab ".repeat(60));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= MAX_LINE_OCTETS);
            assert!(!physical.ends_with(' '), "{physical:?}");
            assert!(!physical.starts_with("  "), "{physical:?}");
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
    }

    proptest! {
        #[test]
        fn folding_keeps_lines_short_and_text_whole(text in "\\PC{0,300}") {
            let line = format!("DESCRIPTION:{}", escape_text(&text));
            let folded = fold(&line);
            for physical in folded.split("\r\n") {
                prop_assert!(physical.len() <= MAX_LINE_OCTETS);
            }
            prop_assert_eq!(folded.replace("\r\n ", ""), line);
        }
    }
}
