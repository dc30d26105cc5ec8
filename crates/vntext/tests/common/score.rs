//! Scoring shared by `tests/f1.rs` (the five seeds) and `tests/corpus.rs` (the development
//! corpus, `corpus/`): gold loading, the normalised forms of deadlines and figures, and the
//! matching rules described in `tests/f1.rs`'s header. Each test binary uses part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use giaoban_vntext::date::{DateExpr, Period, Recurrence};
use giaoban_vntext::extract::{Assignee, Extraction, Resolution, UnitRegistry};
use giaoban_vntext::normalize::match_key;
use giaoban_vntext::number::{Amount, Quantity, Unit};
use jiff::civil::Weekday;
use serde_json::Value;

pub fn manifest(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Every `[[unit]]` of the demo unit tree, named by its `name`, with its short name, aliases and
/// abbreviations. Keyed by name so that the same department of several districts is one unit.
pub fn registry() -> (UnitRegistry, usize) {
    let path = manifest("../giaoban/demo/units.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut units: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let list = doc
        .get("unit")
        .and_then(|u| u.as_array())
        .expect("units.toml has [[unit]] tables");
    for unit in list {
        let Some(name) = unit.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let names = units.entry(name.to_string()).or_default();
        names.push(name.to_string());
        if let Some(s) = unit.get("short_name").and_then(|n| n.as_str()) {
            names.push(s.to_string());
        }
        for field in ["aliases", "abbreviations"] {
            for a in unit
                .get(field)
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(a) = a.as_str() {
                    names.push(a.to_string());
                }
            }
        }
    }
    let n = list.len();
    let units: Vec<(String, Vec<String>)> = units.into_iter().collect();
    (UnitRegistry::new(&units), n)
}

/// A mention's words for comparison, without a trailing level qualifier ("các ban, ngành, đơn
/// vị cấp huyện" = "các ban, ngành, đơn vị" in a district's document).
pub fn words(s: &str) -> String {
    let mut w: Vec<String> = match_key(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if w.len() > 2
        && matches!(w[w.len() - 2].as_str(), "cấp" | "của")
        && matches!(w[w.len() - 1].as_str(), "huyện" | "tỉnh")
    {
        w.truncate(w.len() - 2);
    }
    w.join(" ")
}

// ------------------------------------------------------------------ normalised forms

pub fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

pub fn hhmm(t: Option<jiff::civil::Time>) -> String {
    t.map(|t| format!("@{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_default()
}

/// A date expression in the gold files' notation.
pub fn deadline_form(d: &DateExpr) -> String {
    match d {
        DateExpr::Date { date, time, .. } => match time {
            Some(t) => format!("{date} {:02}:{:02}", t.hour(), t.minute()),
            None => date.to_string(),
        },
        DateExpr::Recurring(r) => match r {
            Recurrence::Daily { time } => format!("daily{}", hhmm(*time)),
            Recurrence::Weekly { weekday: w, time } => format!(
                "weekly{}{}",
                w.map(|w| format!(":{}", weekday(w))).unwrap_or_default(),
                hhmm(*time)
            ),
            Recurrence::Monthly { day, time } => format!(
                "monthly{}{}",
                day.map(|d| format!(":{d}")).unwrap_or_default(),
                hhmm(*time)
            ),
            Recurrence::Quarterly => "quarterly".into(),
            Recurrence::Yearly => "yearly".into(),
        },
        DateExpr::Period { period, .. } => match *period {
            Period::Year { year } => format!("year:{year}"),
            Period::Quarter { year, quarter } => format!("quarter:{year}-{quarter}"),
            Period::Month { year, month } => format!("month:{year}-{month:02}"),
            Period::Half { year, half } => format!("half:{year}-{half}"),
            Period::FirstMonths { year, months } => format!("first-months:{year}-{months}"),
        },
        DateExpr::Standing => "standing".into(),
    }
}

pub fn figure_form(q: &Quantity) -> (String, String) {
    let value = match q.amount {
        Amount::Exact(d) => d.normalized().to_string(),
        Amount::Range { low, high } => {
            format!("{}-{}", low.normalized(), high.normalized())
        }
        Amount::Ratio { part, whole } => {
            format!("{}/{}", part.normalized(), whole.normalized())
        }
    };
    let unit = match &q.unit {
        None => String::new(),
        Some(Unit::Known(u)) => u.canonical().to_string(),
        Some(Unit::Per { unit, per }) => format!("{}/{}", unit.canonical(), per.canonical()),
        Some(Unit::NearMiss { text, candidates }) => match candidates.as_slice() {
            [one] => one.canonical().to_string(),
            _ => format!("?{text}"),
        },
        Some(Unit::Unknown(text)) => format!("?{text}"),
    };
    (value, unit)
}

// ------------------------------------------------------------------ gold

pub struct GoldUnit {
    pub name: String,
    pub written: String,
}

pub struct GoldTask {
    pub lead: Vec<GoldUnit>,
    pub coordinating: Vec<GoldUnit>,
    pub deadline: Option<String>,
    pub action: String,
}

pub struct GoldFigure {
    pub value: String,
    pub unit: String,
    pub optional: bool,
}

pub struct Gold {
    pub date: Option<String>,
    pub chairs: BTreeSet<String>,
    pub tasks: Vec<GoldTask>,
    pub figures: Vec<GoldFigure>,
}

pub fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(|s| s.as_str()).map(str::to_string)
}

pub fn units_of(v: &Value, key: &str) -> Vec<GoldUnit> {
    v.get(key)
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .map(|u| GoldUnit {
            name: str_of(u, "name").unwrap_or_default(),
            written: str_of(u, "written").unwrap_or_default(),
        })
        .collect()
}

pub fn load_gold(stem: &str) -> Gold {
    load_gold_file(&manifest(&format!("tests/gold/{stem}.json")))
}

/// A gold file by its path (the seeds' `tests/gold/*.json` and the corpus's `corpus/labels/*.json`
/// share the format).
pub fn load_gold_file(path: &str) -> Gold {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let meeting = &v["meeting"];
    Gold {
        date: str_of(meeting, "date"),
        chairs: meeting["chairs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| str_of(c, "name"))
            .collect(),
        tasks: v["tasks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| GoldTask {
                lead: units_of(t, "lead"),
                coordinating: units_of(t, "coordinating"),
                deadline: str_of(t, "deadline"),
                action: str_of(t, "action").unwrap_or_default(),
            })
            .collect(),
        figures: v["figures"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| GoldFigure {
                value: str_of(f, "value").unwrap_or_default(),
                unit: str_of(f, "unit").unwrap_or_default(),
                optional: f["optional"].as_bool().unwrap_or(false),
            })
            .collect(),
    }
}

// ------------------------------------------------------------------ matching

pub fn unit_matches(pred: &Assignee, gold: &GoldUnit) -> bool {
    let by_registry = match &pred.resolution {
        Resolution::Exact { id } | Resolution::Prefix { id } => *id == gold.name,
        Resolution::Ambiguous { ids } => ids.iter().all(|id| *id == gold.name),
        Resolution::Unresolved => false,
    };
    by_registry || (!gold.written.is_empty() && words(&pred.text) == words(&gold.written))
}

pub fn units_match(pred: &[Assignee], gold: &[GoldUnit]) -> bool {
    if pred.len() != gold.len() {
        return false;
    }
    let mut used = vec![false; pred.len()];
    gold.iter().all(
        |g| match (0..pred.len()).find(|&i| !used[i] && unit_matches(&pred[i], g)) {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        },
    )
}

#[derive(Default, Clone, Copy)]
pub struct Count {
    pub tp: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Count {
    pub fn add(&mut self, o: Count) {
        self.tp += o.tp;
        self.predicted += o.predicted;
        self.gold += o.gold;
    }
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            if self.gold == 0 { 1.0 } else { 0.0 }
        } else {
            self.tp as f64 / self.predicted as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            if self.predicted == 0 { 1.0 } else { 0.0 }
        } else {
            self.tp as f64 / self.gold as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub fn row(&self) -> String {
        format!(
            "{:>4} {:>4} {:>4}  {:>5.3} {:>5.3} {:>5.3}",
            self.tp,
            self.predicted,
            self.gold,
            self.precision(),
            self.recall(),
            self.f1()
        )
    }
}

pub fn score_tasks(x: &Extraction, gold: &Gold, log: &mut String) -> Count {
    let mut matched = vec![false; gold.tasks.len()];
    let mut tp = 0;
    for t in &x.tasks {
        let deadline = t.deadline.map(|d| deadline_form(&d.value));
        let hit = (0..gold.tasks.len()).find(|&i| {
            !matched[i]
                && units_match(&t.lead, &gold.tasks[i].lead)
                && units_match(&t.coordinating, &gold.tasks[i].coordinating)
                && gold.tasks[i].deadline == deadline
        });
        let names = |a: &[Assignee]| {
            a.iter()
                .map(|a| format!("{} [{:?}]", a.text, a.resolution))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            log,
            "  task {} lead={} coord={} deadline={:?}\n       {}",
            if hit.is_some() { "OK  " } else { "FP  " },
            names(&t.lead),
            names(&t.coordinating),
            deadline,
            t.action.text.chars().take(90).collect::<String>()
        );
        if let Some(i) = hit {
            matched[i] = true;
            tp += 1;
        }
    }
    for (g, m) in gold.tasks.iter().zip(&matched) {
        if !m {
            let names = |u: &[GoldUnit]| {
                u.iter()
                    .map(|u| u.written.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(
                log,
                "  task MISS lead={} coord={} deadline={:?}\n       {}",
                names(&g.lead),
                names(&g.coordinating),
                g.deadline,
                g.action.chars().take(90).collect::<String>()
            );
        }
    }
    Count {
        tp,
        predicted: x.tasks.len(),
        gold: gold.tasks.len(),
    }
}

pub fn score_figures(x: &Extraction, gold: &Gold, log: &mut String) -> Count {
    let mut matched = vec![false; gold.figures.len()];
    let (mut tp, mut predicted) = (0, 0);
    for f in &x.figures {
        let (value, unit) = figure_form(&f.quantity);
        let hit = (0..gold.figures.len()).find(|&i| {
            !matched[i] && gold.figures[i].value == value && gold.figures[i].unit == unit
        });
        let verdict = match hit {
            Some(i) if gold.figures[i].optional => "opt ",
            Some(_) => "OK  ",
            None => "FP  ",
        };
        let _ = writeln!(log, "  figure {verdict} {value} {unit}");
        match hit {
            Some(i) => {
                matched[i] = true;
                if !gold.figures[i].optional {
                    tp += 1;
                    predicted += 1;
                }
            }
            None => predicted += 1,
        }
    }
    for (g, m) in gold.figures.iter().zip(&matched) {
        if !m && !g.optional {
            let _ = writeln!(log, "  figure MISS {} {}", g.value, g.unit);
        }
    }
    Count {
        tp,
        predicted,
        gold: gold.figures.iter().filter(|f| !f.optional).count(),
    }
}

/// The meeting date in the gold files' notation (a plain date, or the period/recurrence form).
pub fn meeting_date(x: &Extraction) -> Option<String> {
    x.meeting.date.map(|d| match d.value {
        DateExpr::Date { date, .. } => date.to_string(),
        other => deadline_form(&other),
    })
}

/// The chairs' names the engine found.
pub fn meeting_chairs(x: &Extraction) -> BTreeSet<String> {
    x.meeting.chairs.iter().map(|p| p.name.clone()).collect()
}
