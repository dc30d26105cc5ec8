//! Vietnamese text engine: normalisation, numbers, dates and extraction from administrative text.
//! Pure: no I/O, no async, never panics on any input.
//!
//! Every scanner works on the text exactly as written and reports byte spans into it, so the
//! review page can highlight the source; matching happens on a folded view (NFC, lowercase,
//! dashes and odd spaces folded) built once per text by [`view::FoldedText`].
//!
//! - [`normalize`]: NFC, the comparison key ([`normalize::match_key`]), the search key
//!   ([`normalize::ascii_key`]), decoding file bytes;
//! - [`number`]: exact decimals, Vietnamese number parsing and formatting, units, figures;
//! - [`date`]: dates, times, periods, recurring and standing deadlines;
//! - [`extract`]: document and meeting details, tasks, figures, recommendations, warnings;
//! - [`parts`]: a notice's sections, signature block and recipients;
//! - [`spelling`]: misspelt syllables (a stop final with a tone it cannot carry) and their fixes.
//!
//! ```
//! use giaoban_vntext::extract::{UnitRegistry, extract};
//! use giaoban_vntext::date::DateExpr;
//!
//! let registry = UnitRegistry::new(&[(
//!     "tckh".to_string(),
//!     vec!["Phòng Tài chính - Kế hoạch".to_string()],
//! )]);
//! let text = "Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp. Giao Phòng Tài chính Kế \
//!             tiếp thu ý kiến chậm nhất vào ngày 27/03/2023.";
//! let x = extract(text, &registry, None);
//! let task = &x.tasks[0];
//! assert_eq!(task.lead[0].text, "Phòng Tài chính Kế");
//! assert!(matches!(task.deadline.map(|d| d.value), Some(DateExpr::Date { .. })));
//! ```

pub mod date;
pub mod extract;
pub mod normalize;
pub mod number;
pub mod parts;
pub mod span;
pub mod spelling;
pub mod view;

pub use span::Span;

/// A meter of the look-ups made for each item found (the text around a figure, the dates of a
/// task's clause, the people of a sentence): what they walk, in items or bytes, summed over every
/// extraction in the process. It lets a test check, without a clock, that the work per item stays
/// bounded as a text grows (tests/scaling.rs); one relaxed atomic addition per look-up.
#[doc(hidden)]
pub mod work {
    use std::sync::atomic::{AtomicU64, Ordering};

    static WALKED: AtomicU64 = AtomicU64::new(0);

    /// What the look-ups walked so far.
    pub fn walked() -> u64 {
        WALKED.load(Ordering::Relaxed)
    }

    pub(crate) fn add(n: usize) {
        WALKED.fetch_add(n as u64, Ordering::Relaxed);
    }
}
