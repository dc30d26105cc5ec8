//! The modules of the web crate depend on each other in one direction only (issue 22): the
//! features (`src/features/<feature>/`) use the shared modules at the top of `src/` and, where
//! needed, another feature; the shared modules never use a feature nor the crate root; `lib.rs`
//! only wires them; and no two modules or features reach each other in a circle.
//!
//! The graph is read from the source text, so it needs no dependency: every file under
//! `crates/web/src` belongs to a node — `lib` (`lib.rs`), a shared module `<m>` (`<m>.rs` or
//! `<m>/…`), or a feature `features::<f>` (`features/<f>/…`). A mention of `crate::<m>` (also
//! inside `crate::{…}`) is an edge to the shared module `<m>`; `crate::features::<f>`, and inside
//! a feature `super::<f>` (from its `mod.rs`) or `super::super::<f>` (from its other files), an edge
//! to the feature `<f>`; and `crate::<anything else>` (an item of the crate root) an edge to `lib`. Comments count too: a doc link is a dependency as well.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The node a file belongs to, from its path relative to `src/`.
fn node_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    match parts.as_slice() {
        [lib] if lib == "lib" => "lib".to_owned(),
        [features, feature, ..] if features == "features" && feature != "mod" => {
            format!("features::{feature}")
        }
        [first, ..] => first.clone(),
        [] => unreachable!("a file has a name"),
    }
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The parts of a `{a, b::c, d as e}` group at its top level, each from its start.
fn group_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 1;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(text[start..i].trim());
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// The node a path written after `crate::` names.
fn target_of(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let first = ident_at(path);
    if first.is_empty() || first == "self" {
        return None;
    }
    if first == "features" {
        let feature = path
            .strip_prefix("features::")
            .map(ident_at)
            .unwrap_or_default();
        return (!feature.is_empty()).then(|| format!("features::{feature}"));
    }
    Some(if modules.contains(first) {
        first.to_owned()
    } else {
        "lib".to_owned()
    })
}

/// The nodes one file's text depends on.
fn edges_of(
    node: &str,
    is_mod_rs: bool,
    text: &str,
    modules: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let preceded_by_ident = |at: usize| {
        text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for (at, _) in text.match_indices("crate::") {
        if preceded_by_ident(at) {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if rest.starts_with('{') {
            for item in group_items(rest) {
                out.extend(target_of(item, modules));
            }
        } else {
            out.extend(target_of(rest, modules));
        }
    }
    if node.starts_with("features::") {
        // From a feature's `mod.rs`, `super::` is `features`; from its other files, `super::super::`.
        let up = if is_mod_rs {
            "super::"
        } else {
            "super::super::"
        };
        for (at, _) in text.match_indices(up) {
            if preceded_by_ident(at) || text[..at].ends_with("super::") {
                continue;
            }
            let feature = ident_at(&text[at + up.len()..]);
            if !feature.is_empty() && feature != "super" {
                out.insert(format!("features::{feature}"));
            }
        }
    }
    out.remove(node);
    out
}

/// The graph of the files given as (path relative to `src/`, text).
fn graph_of(files: &[(PathBuf, String)]) -> Graph {
    let modules: BTreeSet<String> = files
        .iter()
        .map(|(rel, _)| node_of(rel))
        .filter(|n| n != "lib" && !n.contains("::"))
        .collect();
    let mut graph = Graph::new();
    for (rel, text) in files {
        let node = node_of(rel);
        let is_mod_rs = rel.file_name().is_some_and(|n| n == "mod.rs");
        let edges = edges_of(&node, is_mod_rs, text, &modules);
        graph.entry(node).or_default().extend(edges);
    }
    graph
}

/// A circle of the graph, as the nodes along it (the first repeated at the end), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_owned(), Mark::OnPath);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::OnPath => {
                    let from = path.iter().position(|n| n == next).expect("on the path");
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(next, graph, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New
            && let Some(c) = visit(node, graph, &mut marks, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// The edges that break the layering: a shared module using a feature or the crate root, or a
/// feature using the crate root.
fn layering_faults(graph: &Graph) -> Vec<String> {
    let mut faults = Vec::new();
    for (from, tos) in graph {
        if from == "lib" || from == "features" {
            continue;
        }
        for to in tos {
            let shared_uses_feature = !from.starts_with("features::") && to.starts_with("features");
            if shared_uses_feature || to == "lib" {
                faults.push(format!("{from} → {to}"));
            }
        }
    }
    faults
}

fn source_files() -> Vec<(PathBuf, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src").to_path_buf();
                out.push((rel, std::fs::read_to_string(&path).expect("read")));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

fn show(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(from, tos)| {
            let tos: Vec<&str> = tos.iter().map(String::as_str).collect();
            format!("  {from} → {}", tos.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn web_modules_have_no_circle() {
    let graph = graph_of(&source_files());
    assert!(
        graph.keys().filter(|n| n.starts_with("features::")).count() >= 8
            && ["lib", "error", "auth", "layout", "features::work"]
                .iter()
                .all(|n| graph.contains_key(*n)),
        "the graph does not look like the crate's:\n{}",
        show(&graph)
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "a circle between the web crate's modules: {}\nthe graph:\n{}",
            cycle.join(" → "),
            show(&graph)
        );
    }
    let faults = layering_faults(&graph);
    assert!(
        faults.is_empty(),
        "shared modules must not use features or the crate root, nor features the root: {}\nthe graph:\n{}",
        faults.join("; "),
        show(&graph)
    );
    println!("{}", show(&graph));
}

/// The reader finds what it must: grouped imports, feature paths, `super::super::`, items of the
/// crate root; and a circle through them is reported.
#[test]
fn the_reader_sees_edges_and_circles() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let files = vec![
        file(
            "lib.rs",
            "pub mod a; pub mod b; pub mod features; pub struct State;",
        ),
        file("a.rs", "use crate::{b::X, error};"),
        file("b.rs", "/// See [`crate::error`].\nfn f() {}"),
        file("error.rs", "fn g(_: crate::State) {}"),
        file("features/mod.rs", "pub mod one; pub mod two;"),
        file(
            "features/one/mod.rs",
            "use super::two::Thing; use crate::a; mod pages;",
        ),
        file(
            "features/one/pages.rs",
            "use super::api; use crate::features::one::x;",
        ),
        file("features/one/more.rs", "use super::super::two::Other;"),
        file(
            "features/two/api.rs",
            "use crate::features::one::Y; notcrate::a::Z;",
        ),
    ];
    let graph = graph_of(&files);
    let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
    assert_eq!(graph["a"], set(&["b", "error"]));
    assert_eq!(graph["b"], set(&["error"]));
    assert_eq!(graph["error"], set(&["lib"]));
    assert_eq!(graph["features::one"], set(&["features::two", "a"]));
    assert_eq!(graph["features::two"], set(&["features::one"]));
    let cycle = find_cycle(&graph).expect("one ↔ two is a circle");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.len() == 3, "{cycle:?}");
    assert_eq!(layering_faults(&graph), vec!["error → lib".to_owned()]);
}
