//! The leader's bar chart on the home page: overdue, due-soon and on-track tasks by lead unit, as
//! server-drawn SVG (no script). The drawing is 340 units wide and scales to its box
//! (`viewBox`, `width="100%"`), so at a 390 px phone's width a 14-unit label is still ≥ 12 px
//! (13 px measured by the browser test).

use giaoban_app::dashboard::UnitBar;

/// Width of the drawing, in its own units.
pub const WIDTH: u32 = 340;
/// Font size of every label, in the drawing's units.
pub const FONT: u32 = 14;
const ROW: u32 = 40;
pub const TOP: u32 = 26;
const BAR_H: u32 = 14;
/// Room kept right of the longest bar for its total.
const TOTAL_ROOM: u32 = 44;

/// One segment of a bar: where it starts, how wide, its count and the list it opens.
pub struct Segment {
    pub x: u32,
    pub w: u32,
    pub count: usize,
    pub href: String,
    pub class: &'static str,
}

/// One unit's row: its name above, its bar below.
pub struct Row {
    pub name: String,
    pub name_y: u32,
    pub bar_y: u32,
    pub segments: Vec<Segment>,
    pub total: usize,
    pub total_x: u32,
    pub total_y: u32,
}

pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub font: u32,
    pub rows: Vec<Row>,
}

/// A name cut to fit the drawing's width at [`FONT`] (about 40 characters).
fn short(name: &str) -> String {
    const MAX: usize = 40;
    if name.chars().count() <= MAX {
        name.to_owned()
    } else {
        let mut s: String = name.chars().take(MAX - 1).collect();
        s.push('…');
        s
    }
}

/// The chart of `units` (in their order), or `None` when there is nothing to draw.
pub fn chart(units: &[UnitBar]) -> Option<Chart> {
    let rows = units
        .iter()
        .map(|u| {
            (
                u.unit_name.as_str(),
                vec![
                    (u.overdue.count, u.overdue.href.as_str(), "bar-overdue"),
                    (u.due_soon.count, u.due_soon.href.as_str(), "bar-due-soon"),
                    (u.on_track.count, u.on_track.href.as_str(), "bar-on-track"),
                ],
            )
        })
        .collect::<Vec<_>>();
    if rows.iter().all(|(_, segs)| segs.iter().all(|s| s.0 == 0)) {
        return None;
    }
    stacked(&rows, TOP)
}

/// One row of a stacked chart: its name and its segments (count, the list it opens, CSS class).
pub type BarRow<'a> = (&'a str, Vec<(usize, &'a str, &'static str)>);

/// A chart of stacked bars, one per row (in their order), below `top` units kept for a legend;
/// `None` when there is no row (rows of zero are drawn, with their 0).
pub fn stacked(items: &[BarRow<'_>], top: u32) -> Option<Chart> {
    let max = items
        .iter()
        .map(|(_, segs)| segs.iter().map(|s| s.0).sum::<usize>())
        .max()?
        .max(1);
    let span = WIDTH - TOTAL_ROOM;
    let scale = |n: usize| -> u32 {
        let w = u64::try_from(n).unwrap_or(u64::MAX) * u64::from(span)
            / u64::try_from(max).unwrap_or(1).max(1);
        // A non-zero count is never drawn thinner than 3 units.
        u32::try_from(w)
            .unwrap_or(span)
            .max(if n > 0 { 3 } else { 0 })
    };
    let mut rows = Vec::new();
    for (i, (name, segs)) in items.iter().enumerate() {
        let row_top = top + u32::try_from(i).unwrap_or(0) * ROW;
        let mut x = 0;
        let mut segments = Vec::new();
        for &(count, href, class) in segs {
            let w = scale(count);
            if w > 0 {
                segments.push(Segment {
                    x,
                    w,
                    count,
                    href: href.to_owned(),
                    class,
                });
            }
            x += w;
        }
        rows.push(Row {
            name: short(name),
            name_y: row_top + FONT,
            bar_y: row_top + FONT + 4,
            segments,
            total: segs.iter().map(|s| s.0).sum(),
            total_x: x + 4,
            total_y: row_top + FONT + 4 + BAR_H - 2,
        });
    }
    Some(Chart {
        width: WIDTH,
        height: top + u32::try_from(rows.len()).unwrap_or(0) * ROW,
        font: FONT,
        rows,
    })
}

/// Height of a bar, for the template.
pub const fn bar_height() -> u32 {
    BAR_H
}
