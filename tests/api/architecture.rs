//! The layering of `src/`, read from the source: which module may name which, and no module
//! reaching back into one that reaches it (an import circle). `cli` and `web` call `services`,
//! which use `db` and `domain`; `views` render plain data; only `db` names diesel; only the web
//! side (and the development identity provider and gateway, web servers of their own) names
//! actix.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `root` (`src`, `analysis/src`; the binaries aside), by module path
/// (`web::routes::survey`).
fn modules_of(root: &str) -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().unwrap() != "bin" {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(root), &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                return None;
            }
            Some((parts.join("::"), std::fs::read_to_string(&path).unwrap()))
        })
        .collect()
}

/// The code of a file without its comments and its `#[cfg(test)]` module (tests may reach
/// anywhere).
fn code_of(source: &str) -> String {
    let source = match source.find("#[cfg(test)]") {
        Some(at) => &source[..at],
        None => source,
    };
    source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a file names: `crate::a::b`, `super::c`, `child::d` for its own children,
/// with `use` groups (`crate::a::{b, c::d}`) expanded one level.
fn named_paths(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let parent: Vec<&str> = module.split("::").collect();
    let parent = parent[..parent.len().saturating_sub(1)].join("::");
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut push = |path: String| {
        paths.insert(path);
    };
    let bytes: Vec<char> = code.chars().collect();
    for start in 0..bytes.len() {
        if !bytes[start].is_ascii_alphabetic() || (start > 0 && is_ident(bytes[start - 1])) {
            continue;
        }
        let rest: String = bytes[start..]
            .iter()
            .take_while(|c| is_ident(**c))
            .collect();
        let rest = rest.trim_end_matches(':');
        let (root, tail) = match rest.split_once("::") {
            Some(split) => split,
            None => continue,
        };
        let base = match root {
            "crate" => String::new(),
            "super" => parent.clone(),
            "self" => module.to_owned(),
            child if known.contains(&format!("{module}::{child}")) => {
                format!("{module}::{child}")
            }
            _ => continue,
        };
        let joined = |t: &str| {
            if base.is_empty() {
                t.to_owned()
            } else if t.is_empty() {
                base.clone()
            } else {
                format!("{base}::{t}")
            }
        };
        let after = &bytes[start + rest.chars().count()..];
        let group = after.iter().collect::<String>();
        if rest.ends_with("::") || group.starts_with("::{") {
            // `crate::a::{b, c::d}`: each member.
            let inner: String = group
                .trim_start_matches("::")
                .trim_start_matches('{')
                .chars()
                .take_while(|c| *c != '}')
                .collect();
            for member in inner.split(',') {
                let member = member.trim().split(" as ").next().unwrap_or("").trim();
                if !member.is_empty() && member != "self" && !member.contains('{') {
                    push(joined(&format!(
                        "{}::{member}",
                        tail.trim_end_matches("::")
                    )));
                }
            }
            push(joined(tail.trim_end_matches("::")));
        } else {
            push(joined(tail));
        }
    }
    paths
}

/// The module a path lands in: its longest prefix that is a file.
fn module_of(path: &str, known: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| known.contains(candidate))
}

/// The web crate's modules.
fn modules() -> BTreeMap<String, String> {
    modules_of("src")
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    graph_of("src")
}

/// Which module names which, among the modules under `root`.
fn graph_of(root: &str) -> BTreeMap<String, BTreeSet<String>> {
    let files = modules_of(root);
    let known: BTreeSet<String> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, source)| {
            let edges = named_paths(module, &code_of(source), &known)
                .iter()
                .filter_map(|p| module_of(p, &known))
                .filter(|target| target != module)
                .collect();
            (module.clone(), edges)
        })
        .collect()
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn no_module_reaches_back_into_a_module_that_reaches_it() {
    let graph = graph();
    assert!(
        graph["web::routes"].contains("web::routes::survey"),
        "the reader sees the URL map's handlers"
    );
    assert!(graph["web::routes::survey"].contains("web::state"));
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles: {found:#?}");
}

#[test]
fn staff_pages_come_in_through_one_door() {
    // The staff extractors (`web::auth::staff`) sign the user in, check the CSRF token of a
    // form and what the user may see; no handler does it again its own way.
    for (module, source) in modules() {
        if !module.starts_with("web::routes") || module == "web::routes::account" {
            continue;
        }
        let code = code_of(&source);
        for own_door in ["current_user(", "csrf_ok(", "Scope::of("] {
            assert!(
                !code.contains(own_door),
                "{module} opens its own door ({own_door}); take Staff, ProvinceStaff, AgencyStaff or Admin"
            );
        }
    }
}

#[test]
fn refusals_are_said_by_services() {
    // One refusal story: a use case refuses with `services::Refusal` (the field and a
    // catalogue id); the web only shows it, in the page's language.
    for (module, source) in modules() {
        if !module.starts_with("web") {
            continue;
        }
        let code = code_of(&source);
        for made_here in ["Refusal::new(", "Refusal::conflict("] {
            assert!(
                !code.contains(made_here),
                "{module} makes a refusal ({made_here}): let the service say it"
            );
        }
    }
}

/// The handlers of `code` that come in through a staff door: (name, lines from `fn` to its
/// closing brace at the start of a line).
fn staff_handlers(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("pub async fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(end) = lines[i..].iter().position(|l| *l == "}") else {
            continue;
        };
        let signature: String = lines[i..i + end].iter().take(4).copied().collect();
        let door = ["Staff", "ProvinceStaff", "AgencyStaff", "Admin"]
            .iter()
            .any(|door| {
                signature.contains(&format!(": {door},"))
                    || signature.contains(&format!(": {door})"))
            });
        if door {
            found.push((name, end + 1));
        }
    }
    found
}

#[test]
fn staff_handlers_parse_call_one_service_and_render() {
    // A staff handler reads what was asked, makes one service call (which assembles the page's
    // data, in one read snapshot where it reads several things) and renders: logic lives in
    // services and views, where it can be tested and reused.
    const MOST_LINES: usize = 65;
    let mut seen = 0;
    for (module, source) in modules() {
        if !module.starts_with("web::routes") {
            continue;
        }
        for (name, lines) in staff_handlers(&code_of(&source)) {
            seen += 1;
            assert!(
                lines <= MOST_LINES,
                "{module}::{name} is {lines} lines long: move its logic into a service (at most {MOST_LINES})"
            );
        }
    }
    assert!(seen > 30, "the staff handlers were found ({seen})");
}
#[test]
fn the_analysis_crate_has_no_import_circle_either() {
    let graph = graph_of("analysis/src");
    assert!(
        graph["report"].contains("lineage") && graph["input"].contains("input::answers"),
        "the reader sees the analysis crate's modules"
    );
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles: {found:#?}");
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn each_layer_names_only_the_layers_below_it() {
    // Which top-level modules each may name (beside itself, and the ones every layer may).
    let everyone = ["domain", "config", "secret", "telemetry", "clock"];
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("domain", &[][..]),
        ("db", &[][..]),
        ("views", &[][..]),
        ("services", &["db"][..]),
        ("demo", &["db", "services"][..]),
        // The web side reaches the database only through services (`services::store` hands
        // it the pool and the errors a call may fail with).
        ("web", &["services", "views"][..]),
        // The command line presents too: `hailong report` writes a view (a document).
        (
            "cli",
            &[
                "db",
                "services",
                "views",
                "demo",
                "dev_idp",
                "dev_gateway",
                "startup",
            ][..],
        ),
        ("dev_gateway", &[][..]),
        ("startup", &["db", "services", "web"][..]),
        ("dev_idp", &["views", "services"][..]),
        ("config", &["services"][..]),
        ("secret", &[][..]),
        ("telemetry", &[][..]),
        // The time the service reads (a test clock in a development build): names nothing.
        ("clock", &[][..]),
    ]);
    let mut wrong = Vec::new();
    for (module, targets) in graph() {
        let layer = top(&module);
        let may = allowed.get(layer).copied().unwrap_or(&[]);
        for target in targets {
            let to = top(&target);
            if to != layer && !may.contains(&to) && !everyone.contains(&to) {
                wrong.push(format!("{module} names {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn only_db_names_diesel_and_only_the_web_side_names_actix() {
    let mut wrong = Vec::new();
    for (module, source) in modules() {
        let code = code_of(&source);
        if code.contains("diesel") && top(&module) != "db" {
            wrong.push(format!("{module} names diesel"));
        }
        let web_side = ["web", "startup", "dev_idp", "dev_gateway"].contains(&top(&module));
        if code.contains("actix_web") && !web_side {
            wrong.push(format!("{module} names actix_web"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
