//! Extraction from a whole document: document and meeting details, tasks ("Giao …"), figures,
//! and warnings about inconsistencies inside the document.
//!
//! Owns: [`UnitRegistry`] (unit names and aliases to match assignees against), [`extract`] and
//! its result types. Everything carries the byte span of its source so a reviewer can see where
//! it came from; nothing found is "corrected" — doubtful things become [`Warning`]s.
//!
//! The rules come from the language of administrative text, not from particular documents:
//! - a task starts at the verb "giao" (assign, [`TaskKind::Assignment`]) or "yêu cầu" (require,
//!   [`TaskKind::Request`]) followed by one or more units — a registry name or a noun phrase
//!   opening with a unit word ("phòng", "UBND", "các"…) — which end at the first action verb
//!   ("tham mưu", "tiếp thu", "chủ trì"…); "giao ban", "giao thông", "được giao" are not tasks; "chủ trì" and "phối hợp với" split
//!   lead (chủ trì) and coordinating (phối hợp) units; the deadline is the strongest date
//!   expression in the clause ([`crate::date`]); a clause with two deadlines is two tasks;
//! - a directive also stands subject first ([`TaskKind::Directive`]): "<đơn vị> cần/phải …"
//!   anywhere, "<đơn vị> <động từ> …" while the chair's directions run (after "kết luận", "theo
//!   chỉ đạo", or another task); a sentence, ';'-part or paragraph opening with an action verb
//!   after a task is a task for the same units when it is a bullet, says "đồng thời", or has its
//!   own deadline or coordination, and otherwise goes on with the task before it (a news report
//!   breaks one directive into paragraphs and ';'-parts at will); a period framing the sentence
//!   ("trong quý II, …") or a heading ("… trong Quý II như sau:") is the deadline of tasks
//!   without one;
//! - "…, <việc> do X triển khai/thực hiện": a part of an action that opens with a noun phrase
//!   and ends with "do X <verb>" is X's task (a "do X phụ trách" after a verb only qualifies
//!   its object);
//! - durations that frame an event or a campaign ("kỷ niệm 150 năm thành lập", "90 ngày cao
//!   điểm", "sơ kết 6 tháng") are not figures;
//! - units are resolved against the registry on [`match_key`] words, exactly or by a cut-off
//!   prefix of at least two words ("Phòng Tài chính Kế" → "Phòng Tài chính - Kế hoạch"), and
//!   reported as ambiguous when the prefix fits several units;
//! - a day or period without a year takes the year of the document's reference date
//!   ([`DocumentInfo::reference_date`]); with none, it is left out with a
//!   [`WarningKind::YearUnknown`] warning — no year the text does not write is ever read;
//! - the date of a cited document ("theo Công văn số 123/UBND ngày 10/3/2023") is neither a
//!   deadline nor the meeting's day;
//! - an input that is not text (random bytes decoded lossily) gives [`WarningKind::NotText`] and
//!   nothing else;
//! - every look-up made for one item (a task, a figure, a recommendation) walks a bounded part of
//!   the text or binary-searches an index built once, so the reading takes time in proportion to
//!   the text, even on one line (`tests/scaling.rs`, `giaoban-bench text --scaling`);
//! - person names are runs of capitalised words starting at a Vietnamese family name;
//! - warnings: a year that differs from the document's for the same month or quarter ("tháng 03
//!   năm 2022" in a March 2023 notice), a name spelt two ways (same letters, different marks:
//!   "Phạm Viêt Hoài"/"Phạm Viết Hoài"), a blank document number or issue day, a unit written
//!   one letter away from a known one, a misspelt syllable ("Viêt": [`crate::spelling`]).

use jiff::civil::Date;
use serde::Serialize;

use crate::date::{self, DateExpr, Found, Period, Qualifier, Recurrence};
use crate::normalize::{ascii_key, match_key, nfc};
use crate::number::{self, Quantity, Unit};
use crate::span::Span;
use crate::view::FoldedText;
use crate::view::cursor::{any_word, at_word_start, char_at, skip_spaces, word};

/// The units tasks can be assigned to, each with every name it is written under.
#[derive(Clone, Debug, Default)]
pub struct UnitRegistry {
    names: Vec<RegistryName>,
    /// Indexes into `names` by their first word: a name can only match a mention that starts with
    /// its first word, so a lookup compares against those names alone, not the whole directory.
    by_first: std::collections::HashMap<String, Vec<usize>>,
}

#[derive(Clone, Debug)]
struct RegistryName {
    id: String,
    words: Vec<String>,
}

/// Words of a name as compared: [`match_key`] split on anything that is not a letter or digit,
/// so "Tài chính - Kế hoạch", "Tài chính Kế hoạch" and "TÀI CHÍNH – KẾ HOẠCH" agree.
fn key_words(s: &str) -> Vec<String> {
    match_key(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !is_connector(w))
        .map(str::to_string)
        .collect()
}

impl UnitRegistry {
    /// `units`: (id, names and aliases). Empty names are ignored.
    pub fn new(units: &[(String, Vec<String>)]) -> Self {
        let names = units
            .iter()
            .flat_map(|(id, names)| {
                names.iter().map(move |n| RegistryName {
                    id: id.clone(),
                    words: key_words(n),
                })
            })
            .filter(|n| !n.words.is_empty())
            .collect::<Vec<RegistryName>>();
        let mut by_first: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, n) in names.iter().enumerate() {
            by_first.entry(n.words[0].clone()).or_default().push(i);
        }
        UnitRegistry { names, by_first }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Resolves a whole mention ("Phòng Tài chính Kế", "phòng TC-KH").
    pub fn resolve(&self, mention: &str) -> Resolution {
        let words = key_words(mention);
        match self.best_match(&words) {
            Some((n, _, resolution)) if n == words.len() => resolution,
            _ => Resolution::Unresolved,
        }
    }

    /// The best name matching the start of `words`: how many words it consumes and the result.
    /// A full name beats a cut one; more words beat fewer.
    /// Also says whether the best name matched in full.
    fn best_match(&self, words: &[String]) -> Option<(usize, bool, Resolution)> {
        // (consumed, full, id)
        let mut hits: Vec<(usize, bool, &str)> = Vec::new();
        let candidates = words
            .first()
            .and_then(|w| self.by_first.get(w))
            .map_or(&[][..], Vec::as_slice);
        for name in candidates.iter().map(|&i| &self.names[i]) {
            let mut matched = 0;
            while matched < name.words.len()
                && matched < words.len()
                && words[matched] == name.words[matched]
            {
                matched += 1;
            }
            if matched == name.words.len() {
                hits.push((matched, true, &name.id));
            } else if matched >= 2 {
                // A cut-off name: the text stops matching, possibly inside a word ("Kế h").
                let partial = words.get(matched).is_some_and(|w| {
                    w.len() < name.words[matched].len()
                        && name.words[matched].starts_with(w.as_str())
                });
                hits.push((matched + usize::from(partial), false, &name.id));
            }
        }
        let best = hits.iter().map(|h| (h.1, h.0)).max()?;
        let mut ids: Vec<String> = hits
            .iter()
            .filter(|h| (h.1, h.0) == best)
            .map(|h| h.2.to_string())
            .collect();
        ids.sort();
        ids.dedup();
        let (full, consumed) = best;
        let resolution = match (ids.len(), full) {
            (1, true) => Resolution::Exact { id: ids.remove(0) },
            (1, false) => Resolution::Prefix { id: ids.remove(0) },
            _ => Resolution::Ambiguous { ids },
        };
        Some((consumed, full, resolution))
    }
}

/// "và" inside a unit name is optional in practice ("Phòng Kinh tế Hạ tầng" for "Phòng Kinh tế
/// và Hạ tầng"), so names are compared without it.
fn is_connector(w: &str) -> bool {
    w == "và"
}

/// How an assignee mention was matched to the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Resolution {
    /// One of the unit's names, as written (up to case, marks placement, dashes).
    Exact { id: String },
    /// The start of one unit's name, cut off ("Phòng Tài chính Kế").
    Prefix { id: String },
    /// Fits several units equally well.
    Ambiguous { ids: Vec<String> },
    /// Not in the registry.
    Unresolved,
}

/// A piece of text with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located {
    pub text: String,
    pub span: Span,
}

/// An assignee as written, and its resolution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignee {
    pub text: String,
    pub span: Span,
    pub resolution: Resolution,
}

/// A task proposed from an assignment sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Task {
    /// chủ trì
    pub lead: Vec<Assignee>,
    /// phối hợp
    pub coordinating: Vec<Assignee>,
    pub action: Located,
    pub deadline: Option<Found<DateExpr>>,
    pub kind: TaskKind,
    /// The assignees come from the previous task ("…; Phối hợp…", "Đồng thời tham mưu…").
    pub continued: bool,
    /// The whole source of the task.
    pub span: Span,
}

/// How the text puts a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// "Giao <đơn vị> …": an explicit assignment (giao nhiệm vụ).
    Assignment,
    /// "yêu cầu <đơn vị> …": a directive to units, often broader.
    Request,
    /// "<đơn vị> cần/phải/tập trung …": a directive written subject first, in a conclusion or
    /// after another task.
    Directive,
}

impl TaskKind {
    fn trigger(self) -> &'static str {
        match self {
            TaskKind::Assignment => "giao",
            TaskKind::Request => "yêu cầu",
            TaskKind::Directive => "",
        }
    }
}

/// Every "giao" and "yêu cầu" of a text, found once: the search for the next one from any point is
/// then a binary search (searching the rest of the text again for each task made the reading of
/// a long one-line text quadratic: a trigger that does not occur again was sought to the end each
/// time). Neither word overlaps itself, so the matches are every occurrence.
struct Triggers<'s> {
    s: &'s str,
    at: [Vec<usize>; 2],
}

impl<'s> Triggers<'s> {
    const KINDS: [TaskKind; 2] = [TaskKind::Assignment, TaskKind::Request];

    fn new(s: &'s str) -> Self {
        let at = Self::KINDS.map(|k| s.match_indices(k.trigger()).map(|(i, _)| i).collect());
        Triggers { s, at }
    }

    /// What [`next_trigger`] gives, without searching the text.
    fn next(&self, from: usize) -> Option<(usize, TaskKind, usize)> {
        self.s.get(from..)?;
        Self::KINDS
            .into_iter()
            .zip(&self.at)
            .filter_map(|(k, at)| at.get(at.partition_point(|&p| p < from)).map(|&p| (p, k)))
            .min_by_key(|&(pos, _)| pos)
            .map(|(pos, k)| (pos, k, pos + k.trigger().len()))
    }
}

/// The next "giao" or "yêu cầu" at or after `from`: position, kind, and where to search next.
/// The search the extraction made before [`Triggers`], kept as the reference it is checked against.
#[cfg(test)]
fn next_trigger(s: &str, from: usize) -> Option<(usize, TaskKind, usize)> {
    let rest = s.get(from..)?;
    [TaskKind::Assignment, TaskKind::Request]
        .into_iter()
        .filter_map(|k| rest.find(k.trigger()).map(|i| (from + i, k)))
        .min_by_key(|&(pos, _)| pos)
        .map(|(pos, k)| (pos, k, pos + k.trigger().len()))
}

/// A person as named in the text, with the title written next to the name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    pub title: Option<String>,
    pub span: Span,
}

/// "Số: 45/TB-UBND"
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentNumber {
    /// `None` when left blank for the records office ("Số: /TB-UBND").
    pub number: Option<u32>,
    /// "TB-UBND"
    pub symbol: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    pub number: Option<DocumentNumber>,
    /// Place of issue, from "Cẩm Thủy, ngày … tháng … năm …".
    pub place: Option<Located>,
    pub issue_date: Option<Found<DateExpr>>,
    /// Publication stamp of a news article ("16:58 14/04/2017", "Ngày đăng: 26/06/2020").
    pub published: Option<Found<DateExpr>>,
    /// The date relative expressions were resolved against: the issue date, else the
    /// publication stamp, else the first full date in the text, else the caller's date, else the
    /// first day of the first period with a written year. A day or period without a year takes
    /// this date's year. `None`: the document gives no year, and days or periods without one are
    /// left out of the result with a [`WarningKind::YearUnknown`] warning (never a made-up year).
    pub reference_date: Option<Date>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MeetingInfo {
    pub date: Option<Found<DateExpr>>,
    /// chủ trì
    pub chairs: Vec<Person>,
    /// The body that held the meeting ("UBND huyện", "Huyện ủy Sông Lô").
    pub host: Option<Located>,
    /// The period under review ("quý I năm 2018").
    pub period: Option<Found<DateExpr>>,
}

/// A figure with what it measures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub quantity: Quantity,
    /// The words naming what is measured ("lúa", "giá trị xuất khẩu"), best effort.
    pub measure: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WarningKind {
    /// A period or date in a different year from the document's, where the same month or
    /// quarter also appears with the document's year.
    YearMismatch {
        expected: i16,
        found: i16,
    },
    /// The same name written with different diacritics.
    NameVariants {
        variants: Vec<String>,
    },
    BlankDocumentNumber,
    BlankIssueDay,
    /// Days or periods written without a year ("trước ngày 15/4", "trong quý II") in a document
    /// that gives no year (no full date, no document date from the reader): left out of the
    /// result, at these spans, until the reader gives the document's date.
    YearUnknown,
    /// The input does not read as text (random bytes, a binary file decoded as text): nothing is
    /// extracted from it.
    NotText,
    /// A unit one letter away from the catalog.
    UnitTypo {
        text: String,
        candidates: Vec<String>,
    },
    /// An assignee that fits several registry units.
    AmbiguousAssignee {
        text: String,
    },
    /// A syllable that cannot be Vietnamese as written ("Viêt"), every place it is written, with
    /// the fixes to offer, best first.
    Misspelling {
        text: String,
        suggestions: Vec<String>,
    },
}

/// Something a person should look at; never fixed automatically.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    /// Vietnamese, for the review page.
    pub message: String,
    pub spans: Vec<Span>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Extraction {
    pub document: DocumentInfo,
    pub meeting: MeetingInfo,
    pub tasks: Vec<Task>,
    pub figures: Vec<Figure>,
    pub recommendations: Vec<Recommendation>,
    pub people: Vec<Person>,
    pub warnings: Vec<Warning>,
    /// The notice's numbered sections (evaluation, shortcomings, directions…), in order.
    pub sections: Vec<crate::parts::Section>,
    /// The signature block: authority ("TL. CHỦ TỊCH"), title and name.
    pub signature: Option<crate::parts::Signature>,
    /// Nơi nhận, one entry each.
    pub recipients: Vec<Located>,
}

/// Kiến nghị, đề xuất: a lower level asking a higher one ("đề nghị huyện quan tâm, hỗ trợ …").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// The last person named before it in the same paragraph, if any.
    pub by: Option<String>,
    /// The level or body asked ("huyện", "UBND tỉnh").
    pub to: Located,
    pub content: Located,
    pub span: Span,
}

/// Extracts everything from one document. `document_date` is used when the text itself gives no
/// full date to resolve "Sáng nay" or "ngày 25/6" against.
pub fn extract(text: &str, registry: &UnitRegistry, document_date: Option<Date>) -> Extraction {
    extract_choosing(text, document_date, |_| registry)
}

/// As [`extract`], the registry of units chosen once the document's header is read: which units a
/// name can mean may depend on where the document was issued (its place, number and dates are in
/// the [`DocumentInfo`] given to `choose`). One reading of the text, not one per choice.
pub fn extract_choosing<'r>(
    text: &str,
    document_date: Option<Date>,
    choose: impl FnOnce(&DocumentInfo) -> &'r UnitRegistry,
) -> Extraction {
    let mut out = Extraction::default();
    if let Some(share) = not_text(text) {
        // Random bytes, a binary file read as text: whatever digits it holds are no figures.
        out.warnings.push(Warning {
            kind: WarningKind::NotText,
            message: format!(
                "Nội dung không phải văn bản ({share}% ký tự không đọc được hoặc ký tự điều \
                 khiển): không trích xuất — hãy dán lại nội dung văn bản"
            ),
            spans: vec![Span::new(0, text.len())],
        });
        return out;
    }
    let view = FoldedText::new(text);
    let s = view.folded();

    // Pass 1: where the dates are, to choose the reference date.
    let fallback = document_date.unwrap_or(Date::new(2000, 1, 1).unwrap_or(Date::MIN));
    let first_pass = date::scan(&view, fallback);
    let header_end = header_end(s);
    let issue = first_pass
        .iter()
        .position(|f| is_issue_date(s, &view, f, header_end));
    let lines = newlines(s);
    let published = first_pass.iter().position(|f| {
        is_publication(s, &lines, &view, f) && Some(f) != issue.map(|i| &first_pass[i])
    });
    let full_date = |f: &Found<DateExpr>| match f.value {
        DateExpr::Date {
            date,
            year_inferred: false,
            relative: false,
            ..
        } => Some(date),
        _ => None,
    };
    let reference = issue
        .and_then(|i| full_date(&first_pass[i]))
        .or_else(|| published.and_then(|i| full_date(&first_pass[i])))
        .or_else(|| first_pass.iter().find_map(full_date))
        .or(document_date)
        // Last resort: the start of the first period with a written year ("tháng 6 năm 2020"),
        // so "ngày 25/6" at least gets the document's year.
        .or_else(|| {
            first_pass.iter().find_map(|f| match f.value {
                DateExpr::Period {
                    period,
                    year_inferred: false,
                } => period.first_day(),
                _ => None,
            })
        });
    out.document.reference_date = reference;

    // Pass 2: re-resolve what depended on the reference date.
    let dates = match reference {
        Some(r) if r != fallback => date::reresolve(&view, first_pass, r),
        _ => first_pass,
    };
    let mut issue_found = issue.and_then(|i| dates.get(i).copied());
    let mut published_found = published.and_then(|i| dates.get(i).copied());
    // No year anywhere (no full date in the text, none given by the caller, no period with a
    // written year): a day or period without one cannot be placed, and is left out — of the
    // deadlines, the meeting and the document — with a warning asking the reader, rather than
    // given a year the text never writes.
    let mut dates = dates;
    let mut unplaced: Vec<Span> = Vec::new();
    if reference.is_none() {
        let unknown: Vec<Span> = dates
            .iter()
            .filter(|f| date::depends_on_reference(f))
            .map(|f| f.span)
            .collect();
        if !unknown.is_empty() {
            dates.retain(|f| !date::depends_on_reference(f));
            issue_found = issue_found.filter(|f| !date::depends_on_reference(f));
            published_found = published_found.filter(|f| !date::depends_on_reference(f));
            let written: Vec<&str> = unknown
                .iter()
                .take(3)
                .map(|sp| sp.slice(text).trim())
                .collect();
            out.warnings.push(Warning {
                kind: WarningKind::YearUnknown,
                message: format!(
                    "Văn bản không ghi năm: {} ngày/kỳ không có năm (\"{}\"{}) chưa được dùng làm \
                     thời hạn — nhập ngày của văn bản hoặc ghi rõ năm",
                    unknown.len(),
                    written.join("\", \""),
                    if unknown.len() > written.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
                spans: unknown.clone(),
            });
            // Still dates: not figures.
            unplaced = unknown;
        }
    }
    // The scan finds dates left to right, so they are in order of their start already (this
    // stable sort changes nothing); the per-task look-ups below rely on it (`dates_within`).
    dates.sort_by_key(|f| f.span.start);
    out.document.issue_date = issue_found;
    out.document.published = published_found;
    if let Some(f) = issue_found {
        out.document.place = place_before(&view, f.span);
        if matches!(
            f.value,
            DateExpr::Period {
                period: Period::Month { .. },
                ..
            }
        ) {
            out.warnings.push(Warning {
                kind: WarningKind::BlankIssueDay,
                message: "Ngày ban hành để trống".into(),
                spans: vec![f.span],
            });
        }
    }
    out.document.number = document_number(&view, header_end);
    if let Some(n) = &out.document.number
        && n.number.is_none()
    {
        out.warnings.push(Warning {
            kind: WarningKind::BlankDocumentNumber,
            message: "Số văn bản để trống".into(),
            spans: vec![n.span],
        });
    }

    let registry = choose(&out.document);
    let skip = |f: &Found<DateExpr>| Some(*f) == issue_found || Some(*f) == published_found;
    // The date of a cited document ("theo Công văn số 123/UBND ngày 10/3/2023") says when that
    // document was issued: neither a deadline nor the meeting's day.
    let own: Vec<Found<DateExpr>> = dates
        .iter()
        .filter(|f| !cites_document(s, &view, f))
        .copied()
        .collect();
    out.meeting.date = own
        .iter()
        .find(|f| !skip(f) && matches!(f.value, DateExpr::Date { .. }) && f.qualifier.is_none())
        .copied();
    out.meeting.period = own
        .iter()
        .find(|f| !skip(f) && matches!(f.value, DateExpr::Period { .. }))
        .copied();
    out.meeting.host = host(&view);

    out.people = people(&view);
    out.meeting.chairs = chairs(&view, &out.people);
    // The periods that can frame a sentence ("trong quý II, …"), apart: a task looks for the
    // last one before it in its sentence by a binary search among these few.
    let framing: Vec<Found<DateExpr>> = own.iter().filter(|f| frames(f)).copied().collect();
    out.tasks = tasks(&view, registry, &own, &framing);
    directives(&view, registry, &own, &framing, &mut out.tasks);
    passive_agents(&view, registry, &own, &mut out.tasks);
    heading_deadlines(&view, &own, &mut out.tasks);
    out.recommendations = recommendations(&view, &out.people);
    let parts = crate::parts::parts(text);
    out.sections = parts.sections;
    out.signature = parts.signature;
    out.recipients = parts.recipients;
    let mut date_spans: Vec<Span> = dates.iter().map(|f| f.span).collect();
    if !unplaced.is_empty() {
        date_spans.extend(unplaced);
        date_spans.sort_by_key(|sp| sp.start);
    }
    out.figures = number::find_in_with(&view, &date_spans)
        .into_iter()
        .filter(|q| !is_time_span(&view, q))
        .map(|q| Figure {
            measure: measure(&view, &q),
            quantity: q,
        })
        .collect();

    if let Some(r) = reference {
        year_warnings(s, &view, &dates, r.year(), &skip, &mut out.warnings);
    }
    name_warnings(&out.people, &mut out.warnings);
    for f in &out.figures {
        if let Some(Unit::NearMiss { text, candidates }) = &f.quantity.unit {
            out.warnings.push(Warning {
                message: format!(
                    "Đơn vị tính \"{text}\" không rõ (gần với: {})",
                    candidates
                        .iter()
                        .map(|c| c.canonical())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                kind: WarningKind::UnitTypo {
                    text: text.clone(),
                    candidates: candidates
                        .iter()
                        .map(|c| c.canonical().to_string())
                        .collect(),
                },
                spans: vec![f.quantity.span],
            });
        }
    }
    spelling_warnings(text, &mut out.warnings);
    for t in &out.tasks {
        for a in t.lead.iter().chain(&t.coordinating) {
            if matches!(a.resolution, Resolution::Ambiguous { .. }) {
                out.warnings.push(Warning {
                    kind: WarningKind::AmbiguousAssignee {
                        text: a.text.clone(),
                    },
                    message: format!("\"{}\" khớp với nhiều đơn vị", a.text),
                    spans: vec![a.span],
                });
            }
        }
    }
    out
}

/// Whether `text` is not text at all: of its characters, more than one in [`NOT_TEXT_SHARE`] is
/// unreadable (U+FFFD, what a lossy decoding leaves of invalid bytes) or a control character other
/// than a tab, line or page break. Real documents, even pasted from a PDF with a broken glyph or
/// two, stay far below that; random bytes decoded lossily are about half such characters. `Some`:
/// the share, in percent.
fn not_text(text: &str) -> Option<usize> {
    let (mut all, mut bad) = (0usize, 0usize);
    for c in text.chars() {
        all += 1;
        if c == char::REPLACEMENT_CHARACTER
            || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        {
            bad += 1;
        }
    }
    (all >= NOT_TEXT_MIN_CHARS && bad * NOT_TEXT_SHARE > all).then(|| bad * 100 / all)
}

/// One character in this many unreadable makes [`not_text`] say so…
const NOT_TEXT_SHARE: usize = 10;
/// …in a text of at least this many characters (a short snippet is read whatever it holds).
const NOT_TEXT_MIN_CHARS: usize = 64;

/// Kinds of documents whose date may follow their name ("Công văn ngày 10/3/2023").
const CITED_KINDS: &[&str] = &[
    "công văn",
    "văn bản",
    "quyết định",
    "tờ trình",
    "nghị quyết",
    "chỉ thị",
    "thông tư",
    "nghị định",
    "kế hoạch",
];

/// Whether `f`, a day with no qualifier, is the date of a document cited just before it: after
/// its number and symbol ("số 123/UBND ngày 10/3/2023", "45/TB-UBND ngày …") or its kind
/// ("Công văn ngày 10/3/2023").
fn cites_document(s: &str, view: &FoldedText<'_>, f: &Found<DateExpr>) -> bool {
    if f.qualifier.is_some() || !matches!(f.value, DateExpr::Date { .. }) {
        return false;
    }
    let start = folded_offset(view, f.span.start);
    let before = s.get(..start).unwrap_or("").trim_end_matches([' ', ',']);
    let last = before.rsplit(' ').next().unwrap_or("");
    let numbered = last.starts_with(|c: char| c.is_ascii_digit())
        && last.contains('/')
        && last.chars().any(char::is_alphabetic);
    numbered
        || CITED_KINDS.iter().any(|k| {
            before
                .strip_suffix(k)
                .is_some_and(|rest| at_word_start(s, rest.len()))
        })
}

/// The end of the header: the first line with "thông báo", "báo cáo", "kết luận"… in
/// capitals is not needed — the first ~12 lines or 1 500 bytes, whichever is shorter.
fn header_end(s: &str) -> usize {
    let by_lines = s.match_indices('\n').nth(12).map_or(s.len(), |(i, _)| i);
    let mut cap = s.len().min(1500);
    while !s.is_char_boundary(cap) {
        cap -= 1;
    }
    by_lines.min(cap)
}

/// "<Place>, ngày … tháng … năm …" in the header.
fn is_issue_date(s: &str, view: &FoldedText<'_>, f: &Found<DateExpr>, header_end: usize) -> bool {
    let folded_start = folded_offset(view, f.span.start);
    if folded_start > header_end || word(s, folded_start, "ngày").is_none() {
        return false;
    }
    let before = s.get(..folded_start).unwrap_or("").trim_end_matches(' ');
    before.ends_with(',')
}

fn is_publication(s: &str, newlines: &[usize], view: &FoldedText<'_>, f: &Found<DateExpr>) -> bool {
    let start = folded_offset(view, f.span.start);
    let line_start = line_start(newlines, start);
    let line_prefix = s.get(line_start..start).unwrap_or("").trim();
    let stamped = matches!(f.value, DateExpr::Date { time: Some(_), .. }) && line_prefix.is_empty();
    stamped
        || ["ngày đăng", "cập nhật", "đăng ngày", "ngày cập nhật"]
            .iter()
            .any(|p| line_prefix.trim_end_matches(':').trim_end().ends_with(p))
}

/// The offsets of every '\n' of `s`, for [`line_start`].
fn newlines(s: &str) -> Vec<usize> {
    s.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// The start of the line holding byte `at` (just after the last '\n' before it): what
/// `s[..at].rfind('\n')` gives, by a binary search — that walk back, once per date or
/// recommendation, was quadratic on a text without line breaks.
fn line_start(newlines: &[usize], at: usize) -> usize {
    let before = newlines.partition_point(|&i| i < at);
    before
        .checked_sub(1)
        .and_then(|k| newlines.get(k))
        .map_or(0, |&i| i + 1)
}

/// The folded offset of an original byte offset (first folded byte at or after it).
fn folded_offset(view: &FoldedText<'_>, original: usize) -> usize {
    // Spans come from the view, so a binary search over its map finds them exactly.
    let s = view.folded();
    let (mut lo, mut hi) = (0usize, s.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if view.span(mid, mid).start < original {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    while lo < s.len() && !s.is_char_boundary(lo) {
        lo += 1;
    }
    lo
}

fn place_before(view: &FoldedText<'_>, date_span: Span) -> Option<Located> {
    let text = view.original();
    let before = text.get(..date_span.start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..)?;
    let place = line.trim_end().strip_suffix(',')?.trim();
    if place.is_empty() {
        return None;
    }
    let start = line_start + (line.len() - line.trim_start().len());
    Some(Located {
        text: place.to_string(),
        span: Span::new(start, start + place.len()),
    })
}

/// "Số: 45/TB-UBND" / "Số: /TB-UBND" / "Số 12/UBND-VX" in the header.
fn document_number(view: &FoldedText<'_>, header_end: usize) -> Option<DocumentNumber> {
    let s = view.folded();
    let text = view.original();
    let mut at = 0;
    while let Some(i) = s.get(at..header_end).and_then(|h| h.find("số")) {
        let pos = at + i;
        at = pos + "số".len();
        let Some(e) = word(s, pos, "số") else {
            continue;
        };
        let mut p = skip_spaces(s, e);
        if char_at(s, p) == Some(':') {
            p = skip_spaces(s, p + 1);
        }
        let digits_end = p + s.get(p..)?.bytes().take_while(u8::is_ascii_digit).count();
        if char_at(s, digits_end) != Some('/') {
            continue;
        }
        let sym_start = digits_end + 1;
        let sym_len: usize = s
            .get(sym_start..)?
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '/' || *c == '.')
            .map(char::len_utf8)
            .sum();
        if sym_len == 0 {
            continue;
        }
        let number = s.get(p..digits_end).and_then(|d| d.parse().ok());
        let sym_span = view.span(sym_start, sym_start + sym_len);
        let symbol = sym_span.slice(text).trim_end_matches('.').to_string();
        return Some(DocumentNumber {
            number,
            symbol,
            span: view.span(pos, sym_start + sym_len),
        });
    }
    None
}

/// Sentence bounds (folded offsets) around `at`: '.', '!', '?', newline; a '.' between digits
/// does not end a sentence. The walk the extraction used before `FoldedText::sentence_bounds`
/// (linear in the sentence, so quadratic over a text on one line), kept as the reference the
/// index is checked against.
#[cfg(test)]
fn sentence_bounds(s: &str, at: usize) -> (usize, usize) {
    let b = s.as_bytes();
    let is_end = |i: usize| match b.get(i) {
        Some(b'\n' | b'!' | b'?') => true,
        Some(b'.') => {
            !(i > 0
                && b.get(i - 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        }
        _ => false,
    };
    let mut start = at.min(b.len());
    while start > 0 && !is_end(start - 1) {
        start -= 1;
    }
    let mut end = at.min(b.len());
    while end < b.len() && !is_end(end) {
        end += 1;
    }
    (start, end)
}

fn trim_span(view: &FoldedText<'_>, start: usize, end: usize, junk: &[char]) -> Option<Located> {
    let span = view.span(start, end);
    let raw = span.slice(view.original());
    let trimmed_start = raw.trim_start_matches(|c: char| c.is_whitespace() || junk.contains(&c));
    let lead = raw.len() - trimmed_start.len();
    let trimmed = trimmed_start.trim_end_matches(|c: char| c.is_whitespace() || junk.contains(&c));
    if trimmed.is_empty() {
        return None;
    }
    Some(Located {
        text: trimmed.to_string(),
        span: Span::new(span.start + lead, span.start + lead + trimmed.len()),
    })
}

const MEETING_NOUNS: &[&str] = &[
    "cuộc họp",
    "hội nghị",
    "cuộc làm việc",
    "buổi làm việc",
    "phiên họp",
    "buổi họp",
    "họp",
    "hội thảo",
    "cuộc",
];

/// "<host> (đã|vừa) tổ chức <meeting>": the first such sentence.
fn host(view: &FoldedText<'_>) -> Option<Located> {
    let s = view.folded();
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|r| r.find("tổ chức")) {
        let pos = from + i;
        from = pos + "tổ chức".len();
        let Some(e) = word(s, pos, "tổ chức") else {
            continue;
        };
        if any_word(s, skip_spaces(s, e), MEETING_NOUNS).is_none() {
            continue;
        }
        let (sent_start, _) = view.sentence_bounds(pos);
        // Skip a leading date ("Ngày 06/4/2018, ").
        let lead = s.get(sent_start..pos)?;
        let start = match lead.find(',') {
            Some(c) if date::scan(&FoldedText::new(lead.get(..c)?), Date::MIN).len() == 1 => {
                sent_start + c + 1
            }
            _ => sent_start,
        };
        let mut end = pos;
        for aux in ["đã", "vừa", "sẽ"] {
            let before = s.get(start..end)?.trim_end_matches(' ');
            if let Some(b) = before.strip_suffix(aux)
                && b.ends_with(' ')
            {
                end = start + b.len();
            }
        }
        if let Some(found) = trim_span(view, start, end, &[',', '-', ':']) {
            return Some(found);
        }
    }
    None
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đồng", "Nông", "Phùng", "Đinh", "Đào", "Đoàn", "Lương", "Lâm",
    "Mai", "Trịnh", "Trương", "Cao", "Hà", "Tạ", "Tô", "Chu", "Quách", "Vương", "Thái", "Lưu",
    "Kiều", "Triệu", "La", "Lại", "Khổng", "Tăng", "Hứa", "Giang", "Tôn", "Thân", "Mạc", "Âu",
    "Doãn", "Hầu", "Lục", "Nghiêm", "Phí", "Viên", "Quan", "Ninh", "Diệp", "Kim", "Bạch", "Cù",
    "Vi", "Lò", "Tống", "Khúc", "Cấn", "Nhữ", "Trình", "Văn", "Đàm", "Lã", "Mạch", "Hán", "Ông",
    "Từ", "Ma", "Hoàng", "Vy", "Hồng", "Đậu", "Thạch", "Lạc",
];

/// The most frequent family names: when a capitalised run holds one of these after a place
/// name ("Thạch Hà Nguyễn Văn Khoa"), the person starts there.
const COMMON_SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Ngô", "Dương",
];

/// A capitalised word: first letter upper case, the rest lower case letters.
fn is_capitalised(w: &str) -> bool {
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_lowercase() || unicode_normalization::char::is_combining_mark(c))
        && w.chars().count() > 1
}

/// Person names: runs of capitalised words (single spaces between) of two to five words,
/// starting at a family name.
fn people(view: &FoldedText<'_>) -> Vec<Person> {
    let text = view.original();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    let flush = |words: &mut Vec<(usize, usize)>, out: &mut Vec<Person>| {
        if let Some((start, end)) = pick_name(text, words) {
            out.push(Person {
                name: text.get(start..end).unwrap_or("").to_string(),
                title: None,
                span: Span::new(start, end),
            });
        }
        words.clear();
    };
    let mut i = 0;
    let bytes = text.len();
    while i < bytes {
        let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        if c.is_alphabetic() {
            let len: usize = text
                .get(i..)
                .unwrap_or("")
                .chars()
                .take_while(|c| {
                    c.is_alphabetic() || unicode_normalization::char::is_combining_mark(*c)
                })
                .map(char::len_utf8)
                .sum();
            let w = text.get(i..i + len).unwrap_or("");
            if is_capitalised(w) {
                let joined_by_space = words
                    .last()
                    .is_some_and(|&(_, end)| text.get(end..i) == Some(" "));
                if !words.is_empty() && !joined_by_space {
                    flush(&mut words, &mut out);
                }
                words.push((i, i + len));
            } else {
                flush(&mut words, &mut out);
            }
            i += len.max(1);
        } else {
            if c != ' ' {
                flush(&mut words, &mut out);
            }
            i += c.len_utf8();
        }
    }
    flush(&mut words, &mut out);
    out
}

/// Chooses the name inside a run of capitalised words (byte ranges).
fn pick_name(text: &str, run: &[(usize, usize)]) -> Option<(usize, usize)> {
    if run.len() < 2 {
        return None;
    }
    let word = |k: usize| nfc(text.get(run[k].0..run[k].1).unwrap_or(""));
    let fits = |k: usize| (2..=5).contains(&(run.len() - k));
    let start = (0..run.len() - 1)
        .find(|&k| fits(k) && COMMON_SURNAMES.contains(&word(k).as_str()))
        .or_else(|| {
            (0..run.len() - 1).find(|&k| fits(k) && SURNAMES.contains(&word(k).as_str()))
        })?;
    // Two-word runs are mostly places ("Thạch Hà", "Bạch Thông"): only with a common surname.
    if run.len() - start == 2 && !COMMON_SURNAMES.contains(&word(start).as_str()) {
        return None;
    }
    let end = run.last()?.1;
    Some((run[start].0, end))
}

/// Chairs: people in "<names> chủ trì <meeting>" or after "sự chủ trì của".
fn chairs(view: &FoldedText<'_>, people: &[Person]) -> Vec<Person> {
    let s = view.folded();
    let text = view.original();
    let mut out: Vec<Person> = Vec::new();
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|r| r.find("chủ trì")) {
        let pos = from + i;
        from = pos + "chủ trì".len();
        let Some(e) = word(s, pos, "chủ trì") else {
            continue;
        };
        let (sent_start, sent_end) = view.sentence_bounds(pos);
        let after_of = word(s, skip_spaces(s, e), "của");
        let region = if let Some(ce) = after_of {
            // "dưới sự chủ trì của Chủ tịch UBND huyện - Phạm Viêt Hoài"
            view.span(ce, sent_end)
        } else if any_word(s, skip_spaces(s, e), MEETING_NOUNS).is_some() {
            view.span(sent_start, pos)
        } else {
            continue;
        };
        let after_of = after_of.is_some();
        // People are in text order: those starting inside the region, by binary search.
        let lo = people.partition_point(|p| p.span.start < region.start);
        let hi = people
            .partition_point(|p| p.span.start < region.end)
            .max(lo);
        crate::work::add(hi - lo);
        let inside = people[lo..hi].iter().filter(|p| region.contains(&p.span));
        let chosen: Vec<&Person> = if after_of {
            inside.take(1).collect()
        } else {
            inside.collect()
        };
        for (k, p) in chosen.iter().enumerate() {
            let title = if after_of {
                text.get(region.start..p.span.start)
            } else {
                let next = chosen.get(k + 1).map_or(region.end, |n| n.span.start);
                text.get(p.span.end..next)
            }
            .map(clean_title)
            .filter(|t| !t.is_empty());
            if !out.iter().any(|o| o.name == p.name) {
                out.push(Person {
                    name: p.name.clone(),
                    title,
                    span: p.span,
                });
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn clean_title(t: &str) -> String {
    let junk = |c: char| c.is_whitespace() || matches!(c, ',' | '-' | '–' | '—' | ':' | ';');
    let mut t = t.trim_matches(junk).to_string();
    for suffix in [" và đồng chí", " và", " đồng chí"] {
        if let Some(x) = t.strip_suffix(suffix) {
            t = x.trim_matches(junk).to_string();
        }
    }
    t
}

/// Actions that open a sentence continuing the assignment before it, without a subject of its own
/// ("Giao Phòng Y tế kiểm tra … . Báo cáo kết quả về UBND huyện …"): the same assignees.
/// Narrower than [`ACTION_VERBS`]: "Tập trung", "Tăng cường", "Cần" also open general directions.
const FOLLOW_ON_VERBS: &[&str] = &[
    "tham mưu",
    "tổng hợp",
    "báo cáo",
    "hướng dẫn",
    "đôn đốc",
    "theo dõi",
    "đề xuất",
    "hoàn thiện",
    "hoàn chỉnh",
    "trình",
    "lập",
    "soạn thảo",
    "rà soát",
    "kiểm tra",
    "xây dựng",
];

/// Words that start the action after the assignees (folded, longest first where it matters).
const ACTION_VERBS: &[&str] = &[
    "tham mưu",
    "tiếp thu",
    "chủ trì",
    "phối hợp",
    "tập trung",
    "tổng hợp",
    "rà soát",
    "xây dựng",
    "hướng dẫn",
    "triển khai",
    "thực hiện",
    "báo cáo",
    "kiểm tra",
    "đôn đốc",
    "chỉ đạo",
    "theo dõi",
    "nghiên cứu",
    "đề xuất",
    "hoàn thiện",
    "hoàn chỉnh",
    "hoàn thành",
    "tổ chức",
    "giải quyết",
    "ban hành",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "khẩn trương",
    "cần",
    "lập",
    "trình",
    "soạn thảo",
    "cập nhật",
    "thẩm định",
    "giúp",
    "làm việc",
    "quan tâm",
    "tăng cường",
    "đẩy mạnh",
    "chuẩn bị",
    "xử lý",
    "xác minh",
    "tuyên truyền",
    "vận động",
    "bố trí",
    "đảm bảo",
    "bảo đảm",
    "cung cấp",
    "gửi",
    "thống kê",
    "điều tra",
    "giám sát",
    "hỗ trợ",
    "khắc phục",
    "tiếp tục",
    "chủ động",
    "thường xuyên",
    "sớm",
    "phải",
    "nắm",
    "đánh giá",
    "tham gia",
    "liên hệ",
    "trả lời",
    "tiếp nhận",
    "thu hồi",
    "lựa chọn",
    "thông báo",
    "công bố",
    "tháo gỡ",
    "dự thảo",
    "rà",
    "tổ",
    "đăng ký",
    "nghiệm thu",
    "nâng cao",
    "phấn đấu",
    "duy trì",
    "đổi mới",
    "củng cố",
    "nghiêm túc",
    "kịp thời",
    "tích cực",
    "đặc biệt",
    "làm tốt",
    "phát huy",
    "bám sát",
    "nêu cao",
    "chấp hành",
    "phát động",
    "ưu tiên",
    "quyết liệt",
    "đẩy nhanh",
    "khảo sát",
    "nhân rộng",
    "điều chỉnh",
    "bổ sung",
    "phân công",
    "rà soát lại",
];

/// First words of a unit or person an assignment can go to.
const UNIT_HEADS: &[&str] = &[
    "phòng",
    "văn phòng",
    "ban",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "công an",
    "trung tâm",
    "chi cục",
    "đội",
    "hội",
    "huyện đoàn",
    "tỉnh đoàn",
    "đoàn",
    "mttq",
    "ubmttq",
    "mặt trận",
    "các",
    "đồng chí",
    "ông",
    "bà",
    "thanh tra",
    "kho bạc",
    "ngân hàng",
    "chi nhánh",
    "bhxh",
    "bảo hiểm",
    "đài",
    "trường",
    "sở",
    "cục",
    "tổ",
    "liên đoàn",
    "hạt",
    "chủ tịch",
    "phó chủ tịch",
    "bch",
    "bcđ",
    "bql",
    "huyện ủy",
    "huyện uỷ",
    "đảng ủy",
    "đảng uỷ",
    "hđnd",
    "viện",
    "bệnh viện",
    "trạm",
    "lãnh đạo",
    "thường trực",
    "cơ quan",
    "bí thư",
    "trưởng",
    "giám đốc",
    "chánh",
    "công ty",
    "hợp tác xã",
    "htx",
    "vp",
    "tt",
    "ct",
    "pct",
    "cán bộ",
    "ngành",
    "quân sự",
    "ban chỉ huy",
    "thành viên",
    "đơn vị",
    "cấp ủy",
    "cấp uỷ",
    "chính quyền",
    "toàn hệ thống",
    "hệ thống chính trị",
];

/// Second halves of compounds with "giao" that do not assign anything.
const GIAO_COMPOUNDS: &[&str] = &[
    "thông", "lưu", "dịch", "đất", "nhận", "kết", "thương", "tiếp", "hàng", "hữu", "thoa", "ước",
    "quyền", "khoán", "nộp", "diện", "tranh", "hoà", "hòa", "thừa",
];

/// "Ban …" units, to tell "giao Ban Quản lý dự án" from "giao ban" (a briefing meeting).
const BAN_UNITS: &[&str] = &[
    "ban quản lý",
    "ban chỉ đạo",
    "ban chỉ huy",
    "ban tuyên giáo",
    "ban dân vận",
    "ban tổ chức",
    "ban kinh tế",
    "ban pháp chế",
    "ban văn hóa",
    "ban văn hoá",
    "ban thường vụ",
    "ban dân tộc",
    "ban bồi thường",
    "ban giải phóng",
    "ban tiếp công dân",
    "ban kiểm tra",
    "ban nội chính",
    "ban đại diện",
    "ban bảo vệ",
    "ban điều hành",
    "ban vận động",
    "ban thanh tra",
    "ban qlda",
    "ban cđ",
    "ban chấp hành",
];

/// Words between assignees.
const SEPARATORS: &[&str] = &[",", "và", "cùng"];

/// Kinds of bodies enumerated after "các" ("các xã, thị trấn", "các phòng, ban, ngành"), by
/// tier: an enumeration within one tier is one collective mention ("các phòng, ban, ngành, đơn
/// vị"), across tiers it is several ("các địa phương, đơn vị" = the localities and the units).
const COLLECTIVE_NOUNS: &[(&str, u8)] = &[
    ("xã", 0),
    ("thị trấn", 0),
    ("phường", 0),
    ("phòng", 1),
    ("ban", 1),
    ("ngành", 1),
    ("đơn vị", 1),
    ("cơ quan", 1),
    ("đoàn thể", 1),
    ("địa phương", 2),
];

fn collective_tier(last_word: &str) -> Option<u8> {
    COLLECTIVE_NOUNS
        .iter()
        .find(|(c, _)| c.rsplit(' ').next() == Some(last_word))
        .map(|&(_, t)| t)
}

/// Tails that qualify a unit without changing it.
const UNIT_TAILS: &[&str] = &[
    "của huyện",
    "cấp huyện",
    "huyện",
    "của tỉnh",
    "cấp tỉnh",
    "tỉnh",
];

/// A word token of the folded text: folded byte range.
#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    /// A letter/digit word (otherwise a single punctuation character).
    word: bool,
}

fn tokens(s: &str, start: usize, end: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let Some(c) = char_at(s, i) else { break };
        if c.is_alphanumeric() {
            let len: usize = s
                .get(i..end)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            out.push(Tok {
                start: i,
                end: i + len,
                word: true,
            });
            i += len.max(1);
        } else {
            if !c.is_whitespace() {
                out.push(Tok {
                    start: i,
                    end: i + c.len_utf8(),
                    word: false,
                });
            }
            i += c.len_utf8();
        }
    }
    out
}

/// Clause end for a task starting at `at`: '.', ';', newline, or a ')' / '*' closing the
/// bracket the task sits in.
fn clause_end(s: &str, at: usize) -> usize {
    let b = s.as_bytes();
    let mut i = at;
    while i < b.len() {
        match b[i] {
            b'\n' | b';' | b')' => return i,
            b'*' if b.get(i + 1) == Some(&b')') => return i,
            b'.' if !(i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                return i;
            }
            _ => i += 1,
        }
    }
    b.len()
}

struct TaskParser<'a, 'v> {
    view: &'a FoldedText<'v>,
    registry: &'a UnitRegistry,
    toks: Vec<Tok>,
    keys: Vec<String>,
}

impl TaskParser<'_, '_> {
    fn s(&self) -> &str {
        self.view.folded()
    }

    fn word_at(&self, k: usize, w: &str) -> Option<usize> {
        let t = self.toks.get(k)?;
        let end = word(self.s(), t.start, w)?;
        // Index of the token ending at `end`.
        (k..self.toks.len())
            .find(|&j| self.toks[j].end == end)
            .map(|j| j + 1)
    }

    fn any_at(&self, k: usize, words: &[&str]) -> Option<usize> {
        words.iter().find_map(|w| self.word_at(k, w))
    }

    /// Words from token `k` for registry matching, skipping punctuation inside names ('-').
    fn words_from(&self, k: usize) -> (Vec<String>, Vec<usize>) {
        let mut words = Vec::new();
        let mut idx = Vec::new();
        let mut j = k;
        while let Some(t) = self.toks.get(j) {
            if t.word {
                if !is_connector(&self.keys[j]) {
                    words.push(self.keys[j].clone());
                    idx.push(j);
                }
            } else if !matches!(self.s().get(t.start..t.end), Some("-" | "&")) {
                break;
            }
            j += 1;
            if words.len() > 12 {
                break;
            }
        }
        (words, idx)
    }

    /// A list of assignees from token `k`: assignees and the next token index.
    fn assignees(&self, mut k: usize) -> (Vec<Assignee>, usize) {
        let mut out = Vec::new();
        while let Some((assignee, next)) = self.assignee(k) {
            out.push(assignee);
            k = next;
            if let Some(n) = self.any_at(k, UNIT_TAILS) {
                k = n;
            }
            let sep = self
                .toks
                .get(k)
                .filter(|t| self.s().get(t.start..t.end) == Some(","))
                .map(|_| k + 1)
                .or_else(|| self.any_at(k, SEPARATORS));
            match sep {
                Some(n) if self.assignee(n).is_some() => k = n,
                _ => break,
            }
        }
        (out, k)
    }

    /// "UBND các xã", "BCĐ NTM các xã", "Ban chỉ đạo cấp xã": a district body's name followed by
    /// the communes names the communes' own bodies, not the registry unit.
    fn lower_level_follows(&self, k: usize) -> bool {
        let k = self.any_at(k, &["của", "ở"]).unwrap_or(k);
        let k = self.any_at(k, &["các", "cấp"]).unwrap_or(k);
        self.any_at(
            k,
            &["xã", "thị trấn", "phường", "thôn", "xóm", "tổ dân phố"],
        )
        .is_some()
    }

    /// Whether a unit mention can end before token `k`: the text goes on with punctuation, an
    /// action verb, a separator or a level qualifier, not with more words of a name. A registry
    /// name cut off before more name words ("Ban quản lý NTM" against "Ban quản lý dự án") is
    /// another unit, not the registry's.
    fn mention_ends(&self, k: usize) -> bool {
        match self.toks.get(k) {
            None => true,
            Some(t) if !t.word => true,
            Some(_) => {
                self.any_at(k, ACTION_VERBS).is_some()
                    || self.any_at(k, SEPARATORS).is_some()
                    || self.any_at(k, UNIT_TAILS).is_some()
                    || self.any_at(k, &["của", "ở", "tại"]).is_some()
            }
        }
    }

    /// After "của (các) xã, thị trấn" from the "của" at `k`: the token index past the
    /// enumerated lower-level bodies.
    fn lower_level_end(&self, k: usize) -> usize {
        let mut j = self.any_at(k, &["của", "ở"]).unwrap_or(k);
        j = self.any_at(j, &["các", "cấp"]).unwrap_or(j);
        while let Some((n, 0)) = COLLECTIVE_NOUNS
            .iter()
            .find_map(|&(c, t)| self.word_at(j, c).map(|n| (n, t)))
        {
            j = n;
            match self.toks.get(j) {
                Some(t) if !t.word && self.s().get(t.start..t.end) == Some(",") => {
                    let after = j + 1;
                    if COLLECTIVE_NOUNS
                        .iter()
                        .any(|&(c, t)| t == 0 && self.word_at(after, c).is_some())
                    {
                        j = after;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        j
    }

    /// ", đô thị văn minh của các xã, thị trấn": more words of the same name after a comma,
    /// closed by a lower-level qualifier. The token index past it and where the qualifier
    /// starts, if so.
    fn name_after_comma(&self, comma: usize) -> Option<(usize, usize)> {
        let mut j = comma + 1;
        let mut n = 0;
        while let Some(t) = self.toks.get(j) {
            if !t.word || n > 6 {
                return None;
            }
            if self.word_at(j, "của").is_some() && self.lower_level_follows(j) {
                return (n > 0).then(|| (self.lower_level_end(j), j));
            }
            if self.any_at(j, ACTION_VERBS).is_some()
                || self.any_at(j, UNIT_HEADS).is_some()
                || self.any_at(j, MODALS).is_some()
            {
                return None;
            }
            j += 1;
            n += 1;
        }
        None
    }

    fn assignee(&self, k: usize) -> Option<(Assignee, usize)> {
        let first = self.toks.get(k)?;
        if !first.word {
            return None;
        }
        let (words, idx) = self.words_from(k);
        if let Some((n, full, resolution)) = self.registry.best_match(&words)
            && n > 0
            && let Some(&last) = idx.get(n - 1)
            && !self.lower_level_follows(last + 1)
            && (full || self.mention_ends(last + 1))
        {
            let span = self.view.span(first.start, self.toks[last].end);
            return Some((
                Assignee {
                    text: span.slice(self.view.original()).to_string(),
                    span,
                    resolution,
                },
                last + 1,
            ));
        }
        self.any_at(k, UNIT_HEADS)?;
        // A unit not in the registry: words up to an action verb, a separator or punctuation.
        let mut j = k;
        let mut qualifiers = 0;
        while let Some(t) = self.toks.get(j) {
            if !t.word {
                // "Phòng Tài chính - Kế hoạch", "Phòng TN&MT": joiners inside a name.
                if j > k
                    && matches!(self.s().get(t.start..t.end), Some("-" | "&"))
                    && self.toks.get(j + 1).is_some_and(|n| n.word)
                {
                    j += 1;
                    continue;
                }
                // "UBND các xã, thị trấn", "các phòng, ban, ngành, đơn vị": one enumerated group
                // of bodies, not several units.
                if self.s().get(t.start..t.end) == Some(",")
                    && j > k
                    && (self.any_at(k, &["các"]).is_some()
                        || self.keys.get(j - 1).is_some_and(|w| w == "xã"))
                    && let Some(tier) = self.keys.get(j - 1).and_then(|w| collective_tier(w))
                    && let Some((n, next_tier)) = COLLECTIVE_NOUNS
                        .iter()
                        .find_map(|&(c, t)| self.word_at(j + 1, c).map(|n| (n, t)))
                    && next_tier == tier
                {
                    j = n;
                    continue;
                }
                if j > k
                    && self.s().get(t.start..t.end) == Some(",")
                    && let Some((n, qualifier)) = self.name_after_comma(j)
                {
                    qualifiers += n - qualifier;
                    j = n;
                    continue;
                }
                break;
            }
            if j > k {
                // "Ban chỉ đạo", "Ban quản lý" are names, not verbs after "ban".
                if self.keys.get(j - 1).is_some_and(|w| w == "ban")
                    && let Some(n) = self.any_at(j - 1, BAN_UNITS)
                {
                    j = n;
                    continue;
                }
                // "Ban quản lý … của các xã, thị trấn": the communes' own bodies; the
                // qualifier is part of the name.
                if self.word_at(j, "của").is_some() && self.lower_level_follows(j) {
                    let n = self.lower_level_end(j);
                    qualifiers += n - j;
                    j = n;
                    continue;
                }
                // "các cấp" (at every level) stays with its noun: "đoàn thể các cấp".
                if self.keys.get(j - 1).is_some_and(|w| w == "các")
                    && let Some(n) = self.word_at(j, "cấp")
                {
                    j = n;
                    continue;
                }
                // "lãnh đạo, chỉ đạo" is the verb pair, not "lãnh đạo" (leaders) as a noun.
                let lead_verb = self.word_at(j, "lãnh đạo").is_some_and(|n| {
                    let n = if self.toks.get(n).is_some_and(|t| !t.word) {
                        n + 1
                    } else {
                        n
                    };
                    self.word_at(n, "chỉ đạo").is_some()
                });
                // "tổ công tác" is a body; only "tổ chức" is the verb.
                let team_noun =
                    self.word_at(j, "tổ").is_some() && self.word_at(j + 1, "chức").is_none();
                if lead_verb
                    || (self.any_at(j, ACTION_VERBS).is_some() && !team_noun)
                    || self.any_at(j, REPORT_MARKS).is_some()
                    || self.any_at(j, &["của", "cấp"]).is_some()
                {
                    break;
                }
                // "và" between two units separates them; inside a name it does not
                // ("Phòng Nông nghiệp và phát triển nông thôn").
                if let Some(n) = self.any_at(j, &["và", "cùng"])
                    && self.any_at(n, UNIT_HEADS).is_some()
                {
                    break;
                }
            }
            j += 1;
        }
        // No action verb within a short noun phrase: not a unit mention. A lower-level
        // qualifier ("của các xã, thị trấn") is a closed list and does not count.
        if j == k || j - k - qualifiers > 12 {
            return None;
        }
        let span = self.view.span(first.start, self.toks[j - 1].end);
        let text = span.slice(self.view.original()).to_string();
        let resolution = self.registry.resolve(&text);
        Some((
            Assignee {
                text,
                span,
                resolution,
            },
            j,
        ))
    }
}

/// Words after a subject that make its clause a directive wherever it stands.
const MODALS: &[&str] = &[
    "cần phải",
    "cần",
    "phải",
    "có trách nhiệm",
    "chịu trách nhiệm",
];

/// Words that open a clause before its subject.
const CONNECTIVES: &[&str] = &[
    "đặc biệt là",
    "đặc biệt",
    "đồng thời",
    "vì vậy",
    "do đó",
    "vậy",
    "theo đó",
    "sau đó",
    "ngoài ra",
    "bên cạnh đó",
    "trong đó",
];

/// Words that make a clause a report of what is or was, not a directive.
const REPORT_MARKS: &[&str] = &["đã", "đang", "được", "sẽ", "chưa", "không", "vẫn"];

/// Words saying that the chair's directions follow.
const DIRECTIVE_CUES: &[&str] = &[
    "kết luận",
    "theo chỉ đạo",
    "phát biểu chỉ đạo",
    "ý kiến chỉ đạo",
    "nhấn mạnh",
];

impl TaskParser<'_, '_> {
    /// Coordinating units named inside an action: "…, phối hợp (chặt chẽ) (cùng) với X …".
    fn coordination_in(&self, from: usize) -> Vec<Assignee> {
        for j in from..self.toks.len() {
            let Some(mut n) = self.word_at(j, "phối hợp") else {
                continue;
            };
            // At most two words of manner: "phối hợp chặt chẽ với".
            for _ in 0..3 {
                if let Some(e) = self.any_at(n, &["cùng với", "với", "cùng"]) {
                    let (c, _) = self.assignees(e);
                    if !c.is_empty() {
                        return c;
                    }
                    break;
                }
                if self.toks.get(n).is_some_and(|t| t.word) {
                    n += 1;
                } else {
                    break;
                }
            }
        }
        Vec::new()
    }
}

fn parser_for<'a, 'v>(
    view: &'a FoldedText<'v>,
    registry: &'a UnitRegistry,
    start: usize,
    end: usize,
) -> TaskParser<'a, 'v> {
    let s = view.folded();
    let toks = tokens(s, start, end);
    let keys = toks
        .iter()
        .map(|t| match_key(s.get(t.start..t.end).unwrap_or("")))
        .collect();
    TaskParser {
        view,
        registry,
        toks,
        keys,
    }
}

/// Skips bullets, spaces and opening connectives ("Đồng thời", "Đặc biệt", "vậy").
fn skip_openers(s: &str, mut at: usize, end: usize) -> usize {
    loop {
        while at < end
            && char_at(s, at).is_some_and(|c| c.is_whitespace() || matches!(c, '-' | '*' | '+'))
        {
            at += char_at(s, at).map_or(1, char::len_utf8);
        }
        match any_word(s, at, CONNECTIVES) {
            Some((_, e)) if e <= end => {
                at = e;
                if char_at(s, at) == Some(',') {
                    at += 1;
                }
            }
            _ => return at,
        }
    }
}

/// First words of [`UNIT_HEADS`] and [`ACTION_VERBS`], to rule most positions out at once.
static HEAD_FIRSTS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| first_words(UNIT_HEADS));
static VERB_FIRSTS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| first_words(ACTION_VERBS));

fn first_words(list: &[&'static str]) -> std::collections::HashSet<&'static str> {
    list.iter().filter_map(|w| w.split(' ').next()).collect()
}

/// Whether one of `words` is at `at`; `firsts` holds their first words.
fn opens_with(
    s: &str,
    at: usize,
    words: &[&str],
    firsts: &std::collections::HashSet<&'static str>,
) -> bool {
    let rest = s.get(at..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    firsts.contains(&rest[..len]) && any_word(s, at, words).is_some()
}

/// Where a subject may start in the clause `start..end`: its start and after its first four
/// commas or colons that do not continue an enumeration of bodies ("các phòng, ban, ngành").
fn subject_starts(s: &str, start: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
    let text = s.get(start..end).unwrap_or("");
    let after_commas = text
        .match_indices([',', ':'])
        .filter(move |&(i, _)| {
            let word_before = text[..i]
                .trim_end()
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            collective_tier(word_before).is_none()
        })
        .take(4)
        .map(move |(i, _)| skip_openers(s, skip_spaces(s, start + i + 1), end));
    std::iter::once(start).chain(after_commas)
}

/// Whether a clause has a subject of its own or reports facts: "cần", "phải", "đã", "được"…
/// among its first ten words.
fn own_subject(clause: &str) -> bool {
    clause
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
        .any(|w| matches!(w, "cần" | "phải" | "trách") || REPORT_MARKS.contains(&w))
}

/// Subject-first directives and subject-less continuations, around the tasks already found:
/// "<đơn vị> cần/phải …" anywhere; "<đơn vị> <động từ> …" while the chair's directions run
/// (after "yêu cầu", "kết luận", "theo chỉ đạo", or a task); a clause opening with an action
/// verb right after a task is another task for the same units. Clauses are sentences and
/// ';'-parts; a new paragraph that is neither ends the run.
fn directives(
    view: &FoldedText<'_>,
    registry: &UnitRegistry,
    dates: &[Found<DateExpr>],
    framing: &[Found<DateExpr>],
    out: &mut Vec<Task>,
) {
    let s = view.folded();
    let found: Vec<Task> = std::mem::take(out);
    let mut added: Vec<Task> = Vec::new();
    let mut zone = false;
    let mut prev: Option<(Vec<Assignee>, Vec<Assignee>)> = None;
    let mut p = 0;
    let mut new_paragraph = true;
    let mut cursor = 0;
    while p < s.len() {
        let end = clause_end(s, p).max(p);
        let item = view.span(p, end);
        let next_paragraph = char_at(s, end) == Some('\n');
        let next = end + 1;
        let start = skip_openers(s, p, end);
        if start >= end {
            p = next;
            new_paragraph = new_paragraph || next_paragraph;
            continue;
        }
        // "Kết luận …, X chỉ rõ", "Theo chỉ đạo của …", "Phát biểu chỉ đạo, …" open a clause.
        let cue = any_word(s, start, DIRECTIVE_CUES).is_some();
        // The tasks found so far are in text order: skip those wholly before this clause.
        while cursor < found.len() && found[cursor].span.end <= item.start {
            cursor += 1;
        }
        let covering = found
            .get(cursor..)
            .unwrap_or(&[])
            .iter()
            .take_while(|t| t.span.start < item.end)
            .filter(|t| t.span.overlaps(&item))
            .last();
        if let Some(t) = covering {
            zone = true;
            // An assignment in brackets ("(Giao phòng … )") does not carry over to what follows.
            let bracketed = view
                .original()
                .get(..t.span.start)
                .unwrap_or("")
                .trim_end_matches(|c: char| c.is_whitespace() || c == '*')
                .ends_with('(');
            prev = (!bracketed).then(|| (t.lead.clone(), t.coordinating.clone()));
            p = next;
            new_paragraph = next_paragraph;
            continue;
        }
        let before = added.len();
        // A clause after ';' is an item of its own only when it starts with a capital.
        let after_semicolon = p > 0 && char_at(s, p - 1) == Some(';');
        let capital = view
            .span(start, end)
            .slice(view.original())
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        // A subject: at the clause start or after one of its first commas or colons (not a
        // comma inside an enumeration of bodies: "các phòng, ban, ngành").
        // Cheap tests first: a subject opens with a unit word, a continuation with a verb.
        let clause_text = s.get(start..end).unwrap_or("");
        let worth = (zone
            || cue
            || ["cần", "phải", "trách nhiệm"]
                .iter()
                .any(|m| clause_text.contains(m)))
            && subject_starts(s, start, end).any(|c| opens_with(s, c, UNIT_HEADS, &HEAD_FIRSTS));
        let verb_first = prev.is_some() && opens_with(s, start, ACTION_VERBS, &VERB_FIRSTS);
        if !worth && !verb_first {
            if new_paragraph || own_subject(clause_text) {
                prev = None;
                zone = cue;
            } else if cue {
                zone = true;
            }
            new_paragraph = next_paragraph;
            p = next;
            continue;
        }
        let parser = parser_for(view, registry, start, end);
        let mut candidates = vec![0];
        candidates.extend(
            parser
                .toks
                .iter()
                .enumerate()
                .filter(|&(i, t)| {
                    !t.word
                        && matches!(s.get(t.start..t.end), Some("," | ":"))
                        && !(i > 0 && collective_tier(&parser.keys[i - 1]).is_some())
                })
                .map(|(i, _)| i + 1)
                .take(4),
        );
        // "Đề nghị …" puts a request to others, not a directive.
        if (after_semicolon && !capital) || word(s, start, "đề nghị").is_some() {
            candidates.clear();
        }
        for c in candidates {
            let c = match parser.toks.get(c) {
                Some(t) => {
                    let at = skip_openers(s, t.start, end);
                    match parser.toks.iter().position(|t| t.start >= at) {
                        Some(i) => i,
                        None => continue,
                    }
                }
                None => continue,
            };
            let (lead, mut k) = parser.assignees(c);
            if lead.is_empty() {
                continue;
            }
            let strong = match parser.any_at(k, MODALS) {
                Some(n) => {
                    k = n;
                    true
                }
                None => false,
            };
            // Without "cần"/"phải", only in the chair's directions, and not after a report
            // ("năm 2018 được Huyện ủy, HĐND … xác định").
            let reported = (0..c).any(|i| parser.any_at(i, REPORT_MARKS).is_some());
            if !strong && (!(zone || cue) || reported || parser.any_at(k, ACTION_VERBS).is_none()) {
                continue;
            }
            let mut coordinating = Vec::new();
            if let Some(n) = parser.word_at(k, "chủ trì") {
                k = n;
            }
            if let Some(n) = parser.any_at(k, &["phối hợp với", "phối hợp cùng", "phối hợp"])
            {
                let (co, n2) = parser.assignees(n);
                if !co.is_empty() {
                    coordinating = co;
                    k = n2;
                }
            }
            if coordinating.is_empty() {
                coordinating = parser.coordination_in(k);
            }
            let action_start = parser.toks.get(k).map_or(end, |t| t.start);
            let subject_start = parser.toks[c].start;
            push_tasks(
                view,
                dates,
                framing,
                subject_start,
                action_start,
                end,
                lead,
                coordinating,
                TaskKind::Directive,
                false,
                &mut added,
            );
            break;
        }
        if added.len() == before
            && let Some((lead, coordinating)) = &prev
            && any_word(s, start, ACTION_VERBS).is_some()
            && word(s, start, "giao").is_none()
            && (!after_semicolon || capital)
        {
            let mut coordinating = coordinating.clone();
            let mut action_start = start;
            let mut own_coordination = false;
            if let Some(n) = parser.any_at(0, &["phối hợp với", "phối hợp cùng", "phối hợp"])
            {
                let (co, n2) = parser.assignees(n);
                if !co.is_empty() {
                    coordinating = co;
                    own_coordination = true;
                    action_start = parser.toks.get(n2).map_or(end, |t| t.start);
                }
            }
            // A sentence, ';'-part or paragraph that goes on with the same work belongs to the
            // task before it; it is a task of its own when it is an item of a list (a bullet),
            // says "đồng thời", brings its own coordination, or its own deadline.
            let clause = view.span(start, end);
            let own_deadline = dates_within(dates, clause)
                .iter()
                .any(|f| clause.contains(&f.span) && deadline_rank(f) > 0);
            let also = any_word(s, skip_spaces(s, p), &["đồng thời"]).is_some();
            let bullet = new_paragraph
                && s.get(p..start)
                    .is_some_and(|o| o.contains(['-', '+', '*', '•']));
            let separate = bullet || also || own_coordination || own_deadline;
            if !separate {
                if let Some(last) = added.last_mut() {
                    // The text follows at the end (copying the grown action at each clause folded
                    // in was quadratic in the clauses of one long directive).
                    last.action.span = Span::new(last.action.span.start, clause.end);
                    last.span = Span::new(last.span.start, clause.end);
                }
                new_paragraph = next_paragraph;
                p = next;
                continue;
            }
            push_tasks(
                view,
                dates,
                framing,
                start,
                action_start,
                end,
                lead.clone(),
                coordinating,
                TaskKind::Directive,
                true,
                &mut added,
            );
        }
        if let Some(t) = added.get(before..).and_then(<[Task]>::last) {
            zone = true;
            prev = Some((t.lead.clone(), t.coordinating.clone()));
        } else {
            // A clause with its own subject or a report, or a new paragraph that is no
            // directive, ends the run.
            if new_paragraph || own_subject(clause_text) {
                prev = None;
                zone = cue;
            } else if cue {
                zone = true;
            }
        }
        new_paragraph = next_paragraph;
        p = next;
    }
    for t in &mut added {
        // Only a fold grows an action's span past its text.
        if t.action.text.len() != t.action.span.end - t.action.span.start {
            t.action.text = t.action.span.slice(view.original()).to_string();
        }
    }
    let mut all = found;
    all.extend(added);
    all.sort_by_key(|t| t.span.start);
    *out = all;
}

/// Verbs of carrying out work after "do <đơn vị>" ("do cơ sở triển khai").
const AGENT_VERBS: &[&str] = &[
    "triển khai",
    "thực hiện",
    "tổ chức",
    "chủ trì",
    "đảm nhiệm",
    "đảm nhận",
    "phụ trách",
];

/// "…, ngày thứ 7 xây dựng NTM do cơ sở triển khai": a comma- or ';'-part of an action that
/// opens with a noun phrase (not a verb) and ends with "do <X> <verb>" is work that X carries
/// out: X leads it. Split off after the first part, it is a task of its own with the deadline
/// found in it; as the first part of a task with no verb of its own, it gives the task to X.
/// A "do X phụ trách" inside a part that opens with a verb qualifies an object ("rà soát các
/// tiêu chí do phòng ngành phụ trách") and changes nothing.
fn passive_agents(
    view: &FoldedText<'_>,
    registry: &UnitRegistry,
    dates: &[Found<DateExpr>],
    tasks: &mut Vec<Task>,
) {
    let s = view.folded();
    let mut added = Vec::new();
    for t in tasks.iter_mut() {
        let a0 = folded_offset(view, t.action.span.start);
        let a1 = folded_offset(view, t.action.span.end);
        let action = s.get(a0..a1).unwrap_or("");
        if !action.contains("do ") {
            continue;
        }
        let mut part_start = a0;
        for (i, piece) in action.split([',', ';']).enumerate() {
            let ps = skip_spaces(s, part_start);
            let pe = part_start + piece.len();
            part_start = pe + 1;
            let Some(agent) = agent_of(view, registry, ps, pe) else {
                continue;
            };
            if opens_with(s, ps, ACTION_VERBS, &VERB_FIRSTS) {
                continue;
            }
            if i == 0 {
                // Only a piece split off another task opens without its own verb by design.
                if !t.continued {
                    break;
                }
                t.lead = vec![agent];
                t.coordinating.clear();
                break;
            }
            // Split: the task keeps what comes before the part.
            let cut = view.span(ps, ps).start;
            let kept = view.original().get(t.action.span.start..cut).unwrap_or("");
            let kept = kept.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
            let rest = Span::new(cut, t.action.span.end);
            let best = |span: Span| {
                dates_within(dates, span)
                    .iter()
                    .filter(|f| span.contains(&f.span) && deadline_rank(f) > 0)
                    .max_by_key(|f| (deadline_rank(f), std::cmp::Reverse(f.span.start)))
                    .copied()
            };
            let kept_span = Span::new(t.action.span.start, t.action.span.start + kept.len());
            if t.deadline.is_some_and(|d| rest.contains(&d.span)) {
                t.deadline = best(kept_span);
            }
            added.push(Task {
                lead: vec![agent],
                coordinating: Vec::new(),
                action: Located {
                    text: rest.slice(view.original()).to_string(),
                    span: rest,
                },
                deadline: best(rest),
                kind: t.kind,
                continued: true,
                span: Span::new(cut, t.span.end),
            });
            t.action = Located {
                text: kept.to_string(),
                span: kept_span,
            };
            t.span = Span::new(t.span.start, kept_span.end);
            break;
        }
    }
    if !added.is_empty() {
        tasks.extend(added);
        tasks.sort_by_key(|t| t.span.start);
    }
}

/// The agent X of a part `ps..pe` ending with "do X <verb of carrying out>".
fn agent_of(
    view: &FoldedText<'_>,
    registry: &UnitRegistry,
    ps: usize,
    pe: usize,
) -> Option<Assignee> {
    let s = view.folded();
    let toks = tokens(s, ps, pe);
    let n = toks.len();
    // The verb closes the part: "… do cơ sở triển khai".
    let verb_at = (1..n).rev().take(3).find(|&j| {
        any_word(s, toks[j].start, AGENT_VERBS)
            .is_some_and(|(_, e)| s.get(e..pe).is_some_and(|r| r.trim().is_empty()))
    })?;
    let do_at = (0..verb_at)
        .rev()
        .take(7)
        .find(|&j| word(s, toks[j].start, "do").is_some())?;
    let agent = &toks[do_at + 1..verb_at];
    if agent.is_empty()
        || agent.iter().any(|t| !t.word)
        || word(s, agent[0].start, "đó").is_some()
        || agent
            .iter()
            .any(|t| any_word(s, t.start, ACTION_VERBS).is_some())
    {
        return None;
    }
    let span = view.span(agent[0].start, agent[agent.len() - 1].end);
    let text = span.slice(view.original()).to_string();
    let resolution = registry.resolve(&text);
    Some(Assignee {
        text,
        span,
        resolution,
    })
}

/// A heading line ending with ':' that names a period ("Thống nhất một số nhiệm vụ … trong Quý
/// II như sau:") frames the tasks under it, up to the next heading, when they have no deadline.
fn heading_deadlines(view: &FoldedText<'_>, dates: &[Found<DateExpr>], tasks: &mut [Task]) {
    let s = view.folded();
    let junk = |c: char| c.is_whitespace() || c == '*';
    let mut lines: Vec<(usize, usize, bool, bool)> = Vec::new(); // start, end, framing, heading
    let mut at = 0;
    for line in s.split('\n') {
        let t = line.trim_matches(junk);
        let colon = t.ends_with(':');
        let heading = colon
            || line.trim_start().starts_with('*')
            || t.split_once('.')
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        lines.push((at, at + line.len(), colon && line.len() < 400, heading));
        at += line.len() + 1;
    }
    // For each line, the start of the next heading after it (a search per framing line was
    // quadratic in the lines).
    let mut next_heading = vec![s.len(); lines.len()];
    for i in (0..lines.len().saturating_sub(1)).rev() {
        next_heading[i] = if lines[i + 1].3 {
            lines[i + 1].0
        } else {
            next_heading[i + 1]
        };
    }
    for (i, &(ls, le, framing, _)) in lines.iter().enumerate() {
        if !framing {
            continue;
        }
        let span = view.span(ls, le);
        let Some(frame) = dates_within(dates, span)
            .iter()
            .find(|f| {
                span.contains(&f.span)
                    && matches!(f.value, DateExpr::Period { .. })
                    && f.qualifier == Some(Qualifier::Within)
            })
            .copied()
        else {
            continue;
        };
        let scope_end = next_heading.get(i).copied().unwrap_or(s.len());
        let scope = view.span(le, scope_end);
        // Tasks are in text order: those starting inside the scope.
        let lo = tasks.partition_point(|t| t.span.start < scope.start);
        for t in tasks.iter_mut().skip(lo) {
            if t.span.start > scope.end {
                break;
            }
            if t.deadline.is_none() && scope.contains(&t.span) {
                t.deadline = Some(frame);
            }
        }
    }
}

/// The dates that may lie inside `span` (those starting in it), in their order, for `dates` in
/// order of their start: a binary search instead of a pass over every date of the text for each
/// task, which made a text of thousands of tasks and dates quadratic. Callers still check
/// `span.contains`, so the result is what a pass over all dates gives.
fn dates_within(dates: &[Found<DateExpr>], span: Span) -> &[Found<DateExpr>] {
    let lo = dates.partition_point(|f| f.span.start < span.start);
    let hi = dates.partition_point(|f| f.span.start <= span.end).max(lo);
    &dates[lo..hi]
}

/// A period that frames what follows it in its sentence ("trong quý II, …").
fn frames(f: &Found<DateExpr>) -> bool {
    matches!(f.value, DateExpr::Period { .. }) && f.qualifier == Some(Qualifier::Within)
}

/// The strength of a date expression as a task deadline (higher wins; 0 = not a deadline).
fn deadline_rank(f: &Found<DateExpr>) -> u8 {
    let bounded = matches!(
        f.qualifier,
        Some(Qualifier::NoLaterThan | Qualifier::Before | Qualifier::On | Qualifier::Until)
    );
    match f.value {
        DateExpr::Date { .. } if bounded => 6,
        DateExpr::Recurring(Recurrence::Weekly {
            weekday: Some(_), ..
        })
        | DateExpr::Recurring(Recurrence::Monthly { day: Some(_), .. }) => 5,
        DateExpr::Period { .. } if f.qualifier.is_some() => 4,
        DateExpr::Date { .. } => 3,
        DateExpr::Standing | DateExpr::Recurring(_) => 1,
        _ => 0,
    }
}

fn tasks(
    view: &FoldedText<'_>,
    registry: &UnitRegistry,
    dates: &[Found<DateExpr>],
    framing: &[Found<DateExpr>],
) -> Vec<Task> {
    let s = view.folded();
    let mut out: Vec<Task> = Vec::new();
    let mut from = 0;
    let triggers = Triggers::new(s);
    while let Some((pos, kind, after)) = triggers.next(from) {
        from = after;
        let Some(after_trigger) = word(s, pos, kind.trigger()) else {
            continue;
        };
        let before = s.get(..pos).unwrap_or("").trim_end_matches(' ');
        let next = skip_spaces(s, after_trigger);
        let after_giao = match kind {
            TaskKind::Assignment => {
                if ["được", "đã", "đã được", "chỉ tiêu", "kế hoạch", "nhiệm vụ"]
                    .iter()
                    .any(|w| before.ends_with(w))
                {
                    continue;
                }
                // Compounds of "giao" that are not assignments: "giao ban" (briefing meeting)
                // unless a "Ban …" unit follows, "giao thông", "giao lưu"…
                if any_word(s, next, GIAO_COMPOUNDS).is_some()
                    || (word(s, next, "ban").is_some() && any_word(s, next, BAN_UNITS).is_none())
                {
                    continue;
                }
                after_trigger
            }
            TaskKind::Directive => continue,
            // "yêu cầu: Lãnh đạo các xã, thị trấn cần …"
            TaskKind::Request => {
                if ["theo", "đáp ứng", "đúng", "các", "những"]
                    .iter()
                    .any(|w| before.ends_with(w))
                {
                    continue;
                }
                if char_at(s, next) == Some(':') {
                    next + 1
                } else {
                    after_trigger
                }
            }
        };
        let end = clause_end(s, pos);
        let toks = tokens(s, after_giao, end);
        let keys = toks
            .iter()
            .map(|t| match_key(s.get(t.start..t.end).unwrap_or("")))
            .collect();
        let parser = TaskParser {
            view,
            registry,
            toks,
            keys,
        };
        let mut k = 0;
        if let Some(n) = parser.any_at(k, &["nhiệm vụ cho", "cho"]) {
            k = n;
        }
        let (lead, next) = parser.assignees(k);
        if lead.is_empty() {
            continue;
        }
        let mut k = next;
        let mut coordinating = Vec::new();
        if let Some(n) = parser.word_at(k, "chủ trì") {
            k = n;
            if parser
                .toks
                .get(k)
                .is_some_and(|t| s.get(t.start..t.end) == Some(","))
            {
                k += 1;
            }
        }
        if let Some(n) = parser.any_at(k, &["phối hợp với", "phối hợp cùng", "phối hợp"])
        {
            let (c, n2) = parser.assignees(n);
            if !c.is_empty() {
                coordinating = c;
                k = n2;
            }
        }
        if coordinating.is_empty() {
            coordinating = parser.coordination_in(k);
        }
        let action_start = parser.toks.get(k).map_or(end, |t| t.start);
        push_tasks(
            view,
            dates,
            framing,
            pos,
            action_start,
            end,
            lead,
            coordinating,
            kind,
            false,
            &mut out,
        );
        from = end.max(from);
        // Continuations: "…; Phối hợp …" or "Đồng thời tham mưu …" with the same assignees.
        let mut cont = end;
        loop {
            let mut p = cont;
            if char_at(s, p) == Some(';') {
                p += 1;
                // Only a capitalised clause after ';' is an item of its own.
                let q = skip_spaces(s, p);
                if !view
                    .span(q, q + 4)
                    .slice(view.original())
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                {
                    break;
                }
            } else if char_at(s, p) == Some('.') || char_at(s, p) == Some('\n') {
                let mut new_paragraph = false;
                while matches!(char_at(s, p), Some('.' | '\n' | ' ')) {
                    new_paragraph |= char_at(s, p) == Some('\n');
                    p += 1;
                }
                if let Some(e) = word(s, p, "đồng thời") {
                    p = e;
                } else if new_paragraph
                    || any_word(s, p, FOLLOW_ON_VERBS).is_none()
                    || !view
                        .span(p, p + 4)
                        .slice(view.original())
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                {
                    // A follow-on instruction: the next sentence of the same paragraph,
                    // without a subject, opening on an action ("Giao X … . Tham mưu …").
                    break;
                }
            } else {
                break;
            }
            p = skip_spaces(s, p);
            if any_word(s, p, ACTION_VERBS).is_none() || word(s, p, "giao").is_some() {
                break;
            }
            let Some(last) = out.last() else { break };
            let (lead, mut coordinating) = (last.lead.clone(), last.coordinating.clone());
            let e = clause_end(s, p);
            // "…; Phối hợp MTTQ và các đoàn thể chỉ đạo …": the same lead, with the units
            // after "phối hợp (với)" as coordinating.
            let mut action_start = p;
            if any_word(s, p, &["phối hợp"]).is_some() {
                let toks = tokens(s, p, e);
                let keys = toks
                    .iter()
                    .map(|t| match_key(s.get(t.start..t.end).unwrap_or("")))
                    .collect();
                let parser = TaskParser {
                    view,
                    registry,
                    toks,
                    keys,
                };
                if let Some(n) = parser.any_at(0, &["phối hợp với", "phối hợp cùng", "phối hợp"])
                {
                    let (c, n2) = parser.assignees(n);
                    if !c.is_empty() {
                        coordinating = c;
                        action_start = parser.toks.get(n2).map_or(e, |t| t.start);
                    }
                }
            }
            push_tasks(
                view,
                dates,
                framing,
                p,
                action_start,
                e,
                lead,
                coordinating,
                kind,
                true,
                &mut out,
            );
            from = e.max(from);
            cont = e;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn push_tasks(
    view: &FoldedText<'_>,
    dates: &[Found<DateExpr>],
    framing: &[Found<DateExpr>],
    start: usize,
    action_start: usize,
    end: usize,
    lead: Vec<Assignee>,
    coordinating: Vec<Assignee>,
    kind: TaskKind,
    continued: bool,
    out: &mut Vec<Task>,
) {
    let clause = view.span(action_start, end);
    // A period framing the sentence before its subject ("Để thực hiện … trong quý II, X yêu
    // cầu …", "Theo chỉ đạo …, trong quý II, X tiếp tục …") is the deadline when the clause
    // has none of its own.
    let (frame_start, _) = view.sentence_bounds(start);
    let frame = view.span(frame_start, start);
    // The last one before the subject: from the end, so only those ending past it are passed.
    let mut looked = 0;
    let framing = dates_within(framing, frame)
        .iter()
        .rfind(|f| {
            looked += 1;
            frame.contains(&f.span)
        })
        .copied();
    crate::work::add(looked);
    let in_clause = dates_within(dates, clause);
    crate::work::add(in_clause.len());
    let inside: Vec<Found<DateExpr>> = in_clause
        .iter()
        .filter(|f| {
            clause.contains(&f.span)
                && deadline_rank(f) > 0
                && !(deadline_rank(f) == 1 && subordinate_rhythm(view, action_start, f))
        })
        .copied()
        .collect();
    // Two strong deadlines in one clause are two tasks: split after each.
    let strong: Vec<&Found<DateExpr>> = inside.iter().filter(|f| deadline_rank(f) >= 5).collect();
    // Deadlines listed one after the other ("vào ngày 10, 20, 30 hằng tháng") are one action
    // due on each: one task per deadline, each with the whole piece as its action.
    let text = view.original();
    // (Weekdays listed after a weekly rule are not: "tiếp dân vào thứ 2 hàng tuần, ngày thứ 6
    // đối thoại …" gives each its own action.)
    let monthly = |f: &Found<DateExpr>| {
        matches!(
            f.value,
            DateExpr::Recurring(Recurrence::Monthly { day: Some(_), .. })
        )
    };
    let listed = |a: &Found<DateExpr>, b: &Found<DateExpr>| {
        monthly(a)
            && monthly(b)
            && text
                .get(a.span.end..b.span.start)
                .is_some_and(|gap| matches!(gap.trim(), "," | "và" | ", và" | ";"))
    };
    let mut runs: Vec<Vec<&Found<DateExpr>>> = Vec::new();
    for f in strong {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|prev| listed(prev, f)) => run.push(f),
            _ => runs.push(vec![f]),
        }
    }
    let mut pieces: Vec<(usize, usize, Option<Found<DateExpr>>)> = Vec::new();
    if runs.len() >= 2 || runs.iter().any(|r| r.len() >= 2) {
        let mut piece_start = clause.start;
        let n_runs = runs.len();
        for (n, run) in runs.iter().enumerate() {
            let Some(last) = run.last() else { continue };
            let piece_end = if n + 1 == n_runs {
                clause.end
            } else {
                last.span.end
            };
            if run.len() == 1 {
                pieces.push((piece_start, piece_end, None));
            } else {
                pieces.extend(run.iter().map(|f| (piece_start, piece_end, Some(**f))));
            }
            piece_start = last.span.end;
        }
    } else {
        pieces.push((clause.start, clause.end, None));
    }
    for (n, (ps, pe, listed_deadline)) in pieces.into_iter().enumerate() {
        let piece = Span::new(ps, pe);
        // `inside` is in text order: the piece's dates by binary search, not a pass over the
        // clause's dates for each piece (quadratic in a clause of many deadlines).
        let in_piece = dates_within(&inside, piece);
        crate::work::add(in_piece.len());
        let mut deadline = in_piece
            .iter()
            .filter(|f| piece.contains(&f.span))
            .max_by_key(|f| (deadline_rank(f), std::cmp::Reverse(f.span.start)))
            .copied()
            .or(framing);
        if listed_deadline.is_some() {
            deadline = listed_deadline;
        }
        // "giao ban hàng tuần, hàng tháng, hàng quý": a regime at several rhythms is standing.
        if let Some(d) = deadline
            && deadline_rank(&d) == 1
            && in_piece
                .iter()
                .filter(|f| piece.contains(&f.span) && matches!(f.value, DateExpr::Recurring(_)))
                .count()
                >= 2
        {
            deadline = Some(Found {
                value: DateExpr::Standing,
                ..d
            });
        }
        let raw = piece.slice(text);
        let junk = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | '-' | '*' | '(' | ')');
        let lead_trim = raw.len() - raw.trim_start_matches(junk).len();
        let action_text = raw.trim_matches(junk);
        let action = Located {
            text: action_text.to_string(),
            span: Span::new(ps + lead_trim, ps + lead_trim + action_text.len()),
        };
        let task_start = if n == 0 {
            view.span(start, start).start
        } else {
            ps
        };
        out.push(Task {
            lead: lead.clone(),
            coordinating: coordinating.clone(),
            action,
            deadline,
            kind,
            continued: continued || n > 0,
            span: Span::new(task_start, pe),
        });
    }
}

/// Whether a rhythm or "thường xuyên" in an action belongs to a part of it rather than to the
/// task: after "để" it is the purpose's ("… để cụ thể hóa vào chương trình công tác hàng
/// tháng"); "thường xuyên" right before a verb that follows an object modifies that verb
/// ("phân công cán bộ thường xuyên bám sát"), while at the start of the action, after a comma
/// or "và", or standing alone it is the task's regime.
fn subordinate_rhythm(view: &FoldedText<'_>, action_start: usize, f: &Found<DateExpr>) -> bool {
    let s = view.folded();
    let fs = folded_offset(view, f.span.start);
    let before = s.get(action_start..fs).unwrap_or("");
    let mut words = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    if words.any(|w| w == "để") {
        return true;
    }
    if f.value != DateExpr::Standing {
        return false;
    }
    let fe = folded_offset(view, f.span.end);
    let trimmed = before.trim_end();
    let main_verb = trimmed.is_empty()
        || trimmed.ends_with([',', ';', ':'])
        || trimmed
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|w| w == "và");
    !main_verb && opens_with(s, skip_spaces(s, fe), ACTION_VERBS, &VERB_FIRSTS)
}

/// Words before a duration that make it the span of an anniversary, a review or a campaign
/// ("kỷ niệm 150 năm", "tổng kết 10 năm", "trong 90 ngày"), not a measured result.
const SPAN_BEFORE: &[&str] = &[
    "kỷ niệm",
    "tổng kết",
    "sơ kết",
    "chào mừng",
    "trong",
    "sau",
    "qua",
    "hướng tới",
];

/// Words after a duration with the same effect ("150 năm thành lập", "90 ngày cao điểm").
const SPAN_AFTER: &[&str] = &[
    "thành lập",
    "thực hiện",
    "triển khai",
    "cao điểm",
    "xây dựng",
    "hình thành",
    "ra đời",
    "truyền thống",
];

/// A number of years, months or days framing an event or a period is a time span, not an
/// indicator figure.
fn is_time_span(view: &FoldedText<'_>, q: &Quantity) -> bool {
    let Some(Unit::Known(u)) = &q.unit else {
        return false;
    };
    if u.dimension() != number::Dimension::Duration {
        return false;
    }
    let s = view.folded();
    let start = folded_offset(view, q.span.start);
    let end = folded_offset(view, q.span.end);
    let before = s.get(..start).unwrap_or("").trim_end_matches(' ');
    let spanned_before = SPAN_BEFORE.iter().any(|w| {
        before
            .strip_suffix(w)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with(|c: char| !c.is_alphanumeric()))
    });
    spanned_before || any_word(s, skip_spaces(s, end), SPAN_AFTER).is_some()
}

/// What a figure measures: the words right after the unit up to punctuation (at most five),
/// otherwise the last words before the number in its clause.
fn measure(view: &FoldedText<'_>, q: &Quantity) -> Option<String> {
    let text = view.original();
    let is_stop = |t: &str, i: usize, c: char| match c {
        ',' | '.' => {
            // "3.089", "9,8": not clause punctuation.
            let prev = t.get(..i).and_then(|p| p.chars().next_back());
            let next = t.get(i + 1..).and_then(|n| n.chars().next());
            !(prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit()))
        }
        ';' | ':' | '(' | ')' | '\n' | '“' | '”' | '"' | '…' => true,
        _ => false,
    };
    let usable = |w: &&str| w.chars().all(char::is_alphabetic);
    // After an attached comparison ("09 doanh nghiệp đạt 20% kế hoạch"), not inside it.
    let end = q
        .comparison
        .map_or(q.span.end, |c| c.span.end.max(q.span.end));
    // The look around the number is bounded (the five words taken lie well inside
    // `MEASURE_REACH` bytes): a walk to the clause's end or start made a text of figures without
    // punctuation quadratic. A window cut inside a word ends at the last space before the cut.
    let mut reach = (end + MEASURE_REACH).min(text.len());
    while !text.is_char_boundary(reach) {
        reach -= 1;
    }
    let mut after = text.get(end..reach)?;
    if reach < text.len() {
        after = after
            .rsplit_once(char::is_whitespace)
            .map_or("", |(a, _)| a);
    }
    crate::work::add(after.len());
    let after_end = after
        .char_indices()
        .find(|&(i, c)| is_stop(after, i, c))
        .map_or(after.len(), |(i, _)| i);
    let tail: Vec<&str> = after
        .get(..after_end)
        .unwrap_or("")
        .split_whitespace()
        .take_while(|w| !STOP_AFTER.contains(w) && usable(w))
        .take(5)
        .collect();
    if !tail.is_empty() {
        return Some(tail.join(" "));
    }
    let mut from = q.span.start.saturating_sub(MEASURE_REACH);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut before = text.get(from..q.span.start)?;
    if from > 0 {
        before = before
            .split_once(char::is_whitespace)
            .map_or("", |(_, b)| b);
    }
    crate::work::add(before.len());
    let clause_start = before
        .char_indices()
        .rev()
        .find(|&(i, c)| is_stop(before, i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut words: Vec<&str> = before
        .get(clause_start..)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    while let Some(last) = words.last() {
        if STOP_BEFORE.contains(last) || !usable(last) {
            words.pop();
        } else {
            break;
        }
    }
    let start = words.len().saturating_sub(5);
    let m = words[start..].join(" ");
    (!m.is_empty()).then_some(m)
}

/// How far [`measure`] looks on either side of a figure, in bytes.
const MEASURE_REACH: usize = 400;

const STOP_AFTER: &[&str] = &[
    "đạt", "bằng", "tăng", "giảm", "với", "của", "trong", "cho", "tại", "và", "là", "được",
];

const STOP_BEFORE: &[&str] = &[
    "đạt", "ước", "bằng", "là", "khoảng", "trên", "gần", "hơn", "được", "với", "số", "tiền", "cho",
    "ra", "có",
];

fn year_warnings(
    s: &str,
    view: &FoldedText<'_>,
    dates: &[Found<DateExpr>],
    doc_year: i16,
    skip: &dyn Fn(&Found<DateExpr>) -> bool,
    warnings: &mut Vec<Warning>,
) {
    // (shape, year): shape 0 = year, 100+m = month, 200+q = quarter.
    let shaped: Vec<(&Found<DateExpr>, u16, i16)> = dates
        .iter()
        .filter(|f| !skip(f))
        .filter_map(|f| match f.value {
            DateExpr::Period {
                period,
                year_inferred: false,
            } => Some((
                f,
                match period {
                    Period::Month { month, .. } => 100 + month as u16,
                    Period::Quarter { quarter, .. } => 200 + quarter as u16,
                    Period::Half { half, .. } => 300 + half as u16,
                    _ => return None,
                },
                period.year(),
            )),
            _ => None,
        })
        .collect();
    // The first period of each shape in the document's year, found once (a search per period
    // was quadratic in the periods of the text).
    let mut in_doc_year: std::collections::HashMap<u16, Span> = std::collections::HashMap::new();
    for &(g, shape, year) in &shaped {
        if year == doc_year {
            in_doc_year.entry(shape).or_insert(g.span);
        }
    }
    for &(f, shape, year) in &shaped {
        if year == doc_year {
            continue;
        }
        let Some(&other) = in_doc_year.get(&shape) else {
            continue;
        };
        // A comparison with another year is legitimate.
        let start = folded_offset(view, f.span.start);
        let mut ctx_start = start.saturating_sub(40);
        while !s.is_char_boundary(ctx_start) {
            ctx_start -= 1;
        }
        let ctx = s.get(ctx_start..start).unwrap_or("");
        if ["so với", "cùng kỳ", "năm trước", "từ", "đến", "giai đoạn"]
            .iter()
            .any(|w| ctx.contains(w))
        {
            continue;
        }
        warnings.push(Warning {
            kind: WarningKind::YearMismatch {
                expected: doc_year,
                found: year,
            },
            message: format!(
                "Năm {year} khác với năm của văn bản ({doc_year}) cho cùng kỳ: \"{}\"",
                f.span.slice(view.original())
            ),
            spans: vec![f.span, other],
        });
    }
}

/// One warning per misspelt word form, with every place it is written.
fn spelling_warnings(text: &str, warnings: &mut Vec<Warning>) {
    let mut grouped: Vec<crate::spelling::Misspelling> = Vec::new();
    let mut spans: Vec<Vec<Span>> = Vec::new();
    // Form → its group: a look-up, not a pass over the groups for each misspelling.
    let mut index: std::collections::HashMap<(String, Vec<String>), usize> =
        std::collections::HashMap::new();
    for m in crate::spelling::misspellings(text) {
        match index.entry((m.text.clone(), m.suggestions.clone())) {
            std::collections::hash_map::Entry::Occupied(e) => spans[*e.get()].push(m.span),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(grouped.len());
                spans.push(vec![m.span]);
                grouped.push(m);
            }
        }
    }
    for (m, spans) in grouped.into_iter().zip(spans) {
        warnings.push(Warning {
            message: format!(
                "Có thể sai chính tả: «{}» (đề nghị: {})",
                m.text,
                m.suggestions
                    .iter()
                    .map(|s| format!("«{s}»"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            kind: WarningKind::Misspelling {
                text: m.text,
                suggestions: m.suggestions,
            },
            spans,
        });
    }
}

fn name_warnings(people: &[Person], warnings: &mut Vec<Warning>) {
    // ascii key → variants (match key, first spelling as written, spans)
    type Variants = Vec<(String, String, Vec<Span>)>;
    let mut groups: Vec<(String, Variants)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in people {
        let loose = ascii_key(&p.name);
        let exact = match_key(&p.name);
        let at = *index.entry(loose.clone()).or_insert_with(|| {
            groups.push((loose, Vec::new()));
            groups.len() - 1
        });
        let variants = &mut groups[at].1;
        match variants.iter_mut().find(|(k, _, _)| *k == exact) {
            Some((_, _, spans)) => spans.push(p.span),
            None => variants.push((exact, p.name.clone(), vec![p.span])),
        }
    }
    for (_, variants) in groups {
        if variants.len() < 2 {
            continue;
        }
        let names: Vec<String> = variants.iter().map(|(_, n, _)| n.clone()).collect();
        warnings.push(Warning {
            message: format!("Tên viết nhiều cách: {}", names.join(" / ")),
            kind: WarningKind::NameVariants { variants: names },
            spans: variants
                .iter()
                .flat_map(|(_, _, s)| s.iter().copied())
                .collect(),
        });
    }
}

/// Bodies above the speaker that a recommendation is addressed to.
const HIGHER_LEVELS: &[&str] = &[
    "ubnd huyện",
    "ubnd tỉnh",
    "ủy ban nhân dân huyện",
    "uỷ ban nhân dân huyện",
    "ủy ban nhân dân tỉnh",
    "uỷ ban nhân dân tỉnh",
    "thường trực huyện ủy",
    "thường trực huyện uỷ",
    "ban thường vụ huyện ủy",
    "ban thường vụ huyện uỷ",
    "huyện ủy",
    "huyện uỷ",
    "tỉnh ủy",
    "tỉnh uỷ",
    "huyện",
    "tỉnh",
    "trung ương",
    "chính phủ",
    "cấp trên",
    "các cấp",
    "các bộ",
    "bộ",
    "sở",
    "các sở",
];

/// "đề nghị / kiến nghị / đề xuất <higher level> <content>".
fn recommendations(view: &FoldedText<'_>, people: &[Person]) -> Vec<Recommendation> {
    let s = view.folded();
    let text = view.original();
    let mut out = Vec::new();
    let mut from = 0;
    // Every trigger found once, in order (a search of the rest of the text for each one, for
    // each recommendation, made a long text quadratic); the words do not overlap one another.
    let mut triggers: Vec<(usize, &str)> = ["đề nghị", "kiến nghị", "đề xuất"]
        .iter()
        .flat_map(|t| s.match_indices(t))
        .collect();
    triggers.sort_unstable();
    let newlines = newlines(text);
    let mut next = 0;
    while let Some(&(pos, trigger)) = triggers.get(next) {
        next += 1;
        if pos < from {
            continue;
        }
        from = pos + trigger.len();
        let Some(e) = word(s, pos, trigger) else {
            continue;
        };
        let to_start = skip_spaces(s, e);
        let Some((_, to_end)) = any_word(s, to_start, HIGHER_LEVELS) else {
            continue;
        };
        let end = clause_end(s, to_end);
        let Some(content) = trim_span(view, to_end, end, &[',', ':', '-']) else {
            continue;
        };
        let span = view.span(pos, end);
        let paragraph_start = line_start(&newlines, span.start);
        // People are in text order and do not overlap: the last one ending before it.
        let before = people.partition_point(|p| p.span.end <= span.start);
        let by = before
            .checked_sub(1)
            .and_then(|i| people.get(i))
            .filter(|p| p.span.start >= paragraph_start)
            .map(|p| p.name.clone());
        let to = view.span(to_start, to_end);
        out.push(Recommendation {
            by,
            to: Located {
                text: to.slice(text).to_string(),
                span: to,
            },
            content,
            span,
        });
        from = end.max(from);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// The indexes that replaced two walks over the text (issue 20, finding 5) answer as the
    /// walks did, from every offset of texts full of sentence ends, decimal points and triggers.
    #[test]
    fn sentence_and_trigger_indexes_answer_as_the_walks_did() {
        let texts = [
            String::new(),
            "Giao Phòng TC-KH chủ trì; yêu cầu xã Cẩm Ngọc hoàn thành 1.5 ha trước 30.6. Xong!\nGiao ban? yêu cầu".to_owned(),
            "giaogiao yêu cầuyêu cầu... 3.14.15 .5. 7.\n\n?!".to_owned(),
            include_str!("../tests/seeds/003_9ad25394f7ee9cae.txt").to_owned(),
        ];
        for text in &texts {
            let view = FoldedText::new(text);
            let s = view.folded();
            let triggers = Triggers::new(s);
            for at in 0..=s.len() + 2 {
                assert_eq!(
                    view.sentence_bounds(at),
                    sentence_bounds(s, at),
                    "{at} in {s:?}"
                );
                assert_eq!(triggers.next(at), next_trigger(s, at), "{at} in {s:?}");
            }
        }
    }

    fn registry() -> UnitRegistry {
        UnitRegistry::new(&[
            (
                "tckh".into(),
                vec!["Phòng Tài chính - Kế hoạch".into(), "Phòng TC-KH".into()],
            ),
            (
                "tnmt".into(),
                vec![
                    "Phòng Tài nguyên và Môi trường".into(),
                    "Phòng TN&MT".into(),
                ],
            ),
            (
                "bqlda".into(),
                vec!["Ban Quản lý dự án đầu tư xây dựng huyện".into()],
            ),
            ("vhtt".into(), vec!["Phòng Văn hóa và Thông tin".into()]),
            ("vhtdtt".into(), vec!["Phòng Văn hóa Thể thao".into()]),
        ])
    }

    /// The registry is chosen once, after the header: the place of issue is known by then, and
    /// the tasks are matched against the registry chosen (here one that knows no unit, then the
    /// full one), giving what `extract` gives with that registry.
    #[test]
    fn the_registry_is_chosen_once_from_the_header() {
        let text = "UBND HUYỆN CẨM THỦY\nSố: 45/TB-UBND\nCẩm Thủy, ngày 24 tháng 3 năm 2023\n\
                    THÔNG BÁO\nGiao Phòng Tài chính - Kế hoạch tổng hợp báo cáo chậm nhất ngày 27/03/2023.";
        let full = registry();
        let empty = UnitRegistry::new(&[]);
        let mut seen = Vec::new();
        let x = extract_choosing(text, None, |doc| {
            seen.push(doc.place.as_ref().map(|p| p.text.clone()));
            &empty
        });
        assert_eq!(seen, vec![Some("Cẩm Thủy".to_owned())]);
        assert!(matches!(
            x.tasks[0].lead[0].resolution,
            Resolution::Unresolved
        ));
        let y = extract_choosing(text, None, |_| &full);
        assert_eq!(y, extract(text, &full, None));
        assert_eq!(
            y.tasks[0].lead[0].resolution,
            Resolution::Exact { id: "tckh".into() }
        );
    }

    #[test]
    fn registry_resolution() {
        let r = registry();
        assert_eq!(
            r.resolve("phòng TC-KH"),
            Resolution::Exact { id: "tckh".into() }
        );
        assert_eq!(
            r.resolve("PHÒNG TÀI CHÍNH – KẾ HOẠCH"),
            Resolution::Exact { id: "tckh".into() }
        );
        assert_eq!(
            r.resolve("Phòng Tài chính Kế"),
            Resolution::Prefix { id: "tckh".into() }
        );
        assert_eq!(
            r.resolve("Phòng Tài chính Kế h"),
            Resolution::Prefix { id: "tckh".into() }
        );
        assert_eq!(
            r.resolve("Phòng TN&MT"),
            Resolution::Exact { id: "tnmt".into() }
        );
        assert_eq!(
            r.resolve("Phòng Văn hoá"),
            Resolution::Ambiguous {
                ids: vec!["vhtdtt".into(), "vhtt".into()]
            }
        );
        assert_eq!(r.resolve("Phòng Y tế"), Resolution::Unresolved);
        assert_eq!(r.resolve(""), Resolution::Unresolved);
    }

    #[test]
    fn lead_and_coordinating_units_with_deadline() {
        let text = "Giao UBND các xã, thị trấn chủ trì, phối hợp với Phòng Tài nguyên và Môi trường rà soát hiện trạng sử dụng đất, báo cáo UBND huyện trước ngày 30/6/2023.";
        let x = extract(text, &registry(), Some(date(2023, 5, 2)));
        assert_eq!(x.tasks.len(), 1);
        let t = &x.tasks[0];
        assert_eq!(t.lead.len(), 1);
        assert_eq!(t.lead[0].text, "UBND các xã, thị trấn");
        assert_eq!(
            t.coordinating[0].resolution,
            Resolution::Exact { id: "tnmt".into() }
        );
        assert!(t.action.text.starts_with("rà soát hiện trạng"));
        assert!(matches!(
            t.deadline.map(|d| d.value),
            Some(DateExpr::Date { date: d, .. }) if d == date(2023, 6, 30)
        ));
    }

    #[test]
    fn giao_ban_is_a_meeting_but_giao_ban_quan_ly_is_an_assignment() {
        let r = registry();
        assert!(
            extract("Duy trì chế độ giao ban hàng tuần của BCĐ.", &r, None)
                .tasks
                .is_empty()
        );
        assert!(
            extract("hoàn thành các chỉ tiêu được giao.", &r, None)
                .tasks
                .is_empty()
        );
        assert!(
            extract("đảm bảo an toàn giao thông trên địa bàn.", &r, None)
                .tasks
                .is_empty()
        );
        let x = extract(
            "Giao Ban Quản lý dự án đầu tư xây dựng huyện khẩn trương hoàn thành hồ sơ trong quý III.",
            &r,
            Some(date(2023, 5, 2)),
        );
        assert_eq!(x.tasks.len(), 1);
        assert_eq!(
            x.tasks[0].lead[0].resolution,
            Resolution::Exact { id: "bqlda".into() }
        );
        assert_eq!(
            x.tasks[0].deadline.and_then(|d| d.qualifier),
            Some(Qualifier::Within)
        );
    }

    #[test]
    fn ambiguous_assignee_is_warned() {
        let x = extract(
            "Giao Phòng Văn hóa tổ chức tuyên truyền.",
            &registry(),
            None,
        );
        assert!(matches!(
            x.tasks[0].lead[0].resolution,
            Resolution::Ambiguous { .. }
        ));
        assert!(
            x.warnings
                .iter()
                .any(|w| matches!(w.kind, WarningKind::AmbiguousAssignee { .. }))
        );
    }

    #[test]
    fn standing_task() {
        let x = extract(
            "Giao Phòng TC-KH thường xuyên theo dõi, đôn đốc tiến độ giải ngân.",
            &registry(),
            None,
        );
        assert_eq!(
            x.tasks[0].deadline.map(|d| d.value),
            Some(DateExpr::Standing)
        );
    }

    #[test]
    fn people_and_name_variants() {
        let text = "Đồng chí Nguyễn Văn An chủ trì cuộc họp tại Thạch Hà. Kết luận của đồng chí Nguyễn Văn Ân.";
        let x = extract(text, &registry(), None);
        assert_eq!(x.meeting.chairs.len(), 1);
        assert_eq!(x.meeting.chairs[0].name, "Nguyễn Văn An");
        let names: Vec<&str> = x.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Nguyễn Văn An", "Nguyễn Văn Ân"]);
        assert!(
            x.warnings
                .iter()
                .any(|w| matches!(w.kind, WarningKind::NameVariants { .. }))
        );
        // Upper-case signature and tone placement are the same name, not a variant.
        let x = extract(
            "Ông Lê Văn Thuỷ và ông LÊ VĂN THỦY; Lê Văn Thủy.",
            &registry(),
            None,
        );
        assert!(x.warnings.is_empty(), "{:?}", x.warnings);
    }

    #[test]
    fn place_names_are_not_people() {
        let x = extract(
            "Huyện Bạch Thông, xã Thạch Xuân và Thạch Hà.",
            &registry(),
            None,
        );
        assert!(x.people.is_empty(), "{:?}", x.people);
    }

    #[test]
    fn reference_date_falls_back_to_a_written_period() {
        let text = "Giao ban tháng 6 năm 2020. Chiều ngày 25/6, Huyện ủy tổ chức hội nghị.";
        let x = extract(text, &registry(), None);
        assert_eq!(x.document.reference_date, Some(date(2020, 6, 1)));
        assert!(matches!(
            x.meeting.date.map(|d| d.value),
            Some(DateExpr::Date { date: d, .. }) if d == date(2020, 6, 25)
        ));
        // A caller's date wins over the guess.
        let x = extract(text, &registry(), Some(date(2020, 6, 26)));
        assert_eq!(x.document.reference_date, Some(date(2020, 6, 26)));
    }

    #[test]
    fn recommendations_go_upwards() {
        let text = "Bí thư Đảng ủy xã Đỉnh Bàn Ngô Văn Ngọc. Về kiến nghị, đề xuất đề nghị huyện sớm cho Quyết định trưởng đoàn công tác.\nĐề nghị các phòng, ban, ngành nghiêm túc triển khai thực hiện.";
        let x = extract(text, &registry(), None);
        assert_eq!(x.recommendations.len(), 1, "{:?}", x.recommendations);
        let r = &x.recommendations[0];
        assert_eq!(r.by.as_deref(), Some("Ngô Văn Ngọc"));
        assert_eq!(r.to.text, "huyện");
        assert_eq!(r.content.text, "sớm cho Quyết định trưởng đoàn công tác");
    }

    #[test]
    fn empty_and_garbage() {
        let r = registry();
        assert_eq!(extract("", &r, None), Extraction::default());
        let _ = extract("giao", &r, None);
        let _ = extract("Giao ,", &r, None);
        let _ = extract("Số: /", &r, None);
        let _ = extract("\u{0301}giao\u{0301} phòng\u{200B}", &r, None);
    }

    const SEED: &str = include_str!("../tests/seeds/004_b6c01a3b0295957f.txt");

    proptest! {
        #[test]
        fn extract_never_panics(s in "\\PC*") {
            let x = extract(&s, &registry(), None);
            for t in &x.tasks {
                prop_assert!(s.get(t.span.start..t.span.end).is_some());
            }
        }

        #[test]
        fn extract_never_panics_on_cut_seed(a in 0usize..8200, b in 0usize..8200) {
            let (a, b) = (a.min(b), a.max(b));
            let mut a = a.min(SEED.len());
            let mut b = b.min(SEED.len());
            while !SEED.is_char_boundary(a) { a -= 1; }
            while !SEED.is_char_boundary(b) { b -= 1; }
            let piece = &SEED[a..b];
            let x = extract(piece, &registry(), None);
            for f in &x.figures {
                prop_assert!(piece.get(f.quantity.span.start..f.quantity.span.end).is_some());
            }
        }

        #[test]
        fn extract_never_panics_on_assignment_soup(
            s in "(Giao|giao|phòng|Phòng|Tài chính|Kế|hoạch|chủ trì|phối hợp với|và|, |; |\\.|trước|ngày|[0-9]{1,4}|/|thứ 5|hàng tuần|UBND|các xã|thị trấn| ){0,30}"
        ) {
            let _ = extract(&s, &registry(), None);
        }
    }
}
