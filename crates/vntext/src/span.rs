//! Byte spans into the original text, shared by every scanner.

use serde::Serialize;

/// A half-open byte range `start..end` into the text given to a scanner, always on `char`
/// boundaries of that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The covered text, or `""` when the span does not fit `text` (never panics).
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Whether the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies inside `self`.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The same span counted in `char`s (Unicode scalar values), for front ends that index text
    /// by character. Offsets past the end or inside a character are clamped.
    pub fn to_char_span(&self, text: &str) -> (usize, usize) {
        let count = |byte: usize| {
            let byte = byte.min(text.len());
            text.char_indices().take_while(|(i, _)| *i < byte).count()
        };
        (count(self.start), count(self.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_span_counts_vietnamese_letters_once() {
        let text = "Ngày 06/4/2018";
        let span = Span::new(0, "Ngày".len());
        assert_eq!(span.slice(text), "Ngày");
        assert_eq!(span.to_char_span(text), (0, 4));
    }

    #[test]
    fn slice_out_of_range_is_empty() {
        assert_eq!(Span::new(3, 100).slice("abc"), "");
        assert_eq!(Span::new(1, 2).slice("đ"), "");
    }
}
