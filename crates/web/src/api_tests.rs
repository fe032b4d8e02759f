//! The OpenAPI document against the routes the code registers: every API
//! route is documented, nothing undocumented is served, and every `{param}`
//! of a path is declared as a path parameter.

use std::collections::BTreeSet;
use std::path::Path;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// (METHOD, /api/path) for every `.route("/v1/…" | "/openapi.json", …)`
/// call in the web crate's sources (the API router is nested at `/api`).
fn registered() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut files = vec![];
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    for f in files {
        let src = std::fs::read_to_string(&f).expect("source is readable");
        let mut rest = src.as_str();
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let args = balanced(rest);
            let Some(path) = args
                .trim_start()
                .strip_prefix('"')
                .and_then(|a| a.split('"').next())
            else {
                continue;
            };
            if !(path.starts_with("/v1/") || path == "/openapi.json") {
                continue;
            }
            let methods = methods_in(args);
            assert!(!methods.is_empty(), "no method found for {path} in {f:?}");
            for m in methods {
                out.insert((m.to_uppercase(), format!("/api{path}")));
            }
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("api_tests.rs") {
            out.push(p);
        }
    }
}

/// The text up to the parenthesis closing the one just opened.
fn balanced(s: &str) -> &str {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[..i];
                }
            }
            _ => {}
        }
    }
    s
}

/// The method routers named in a route's arguments: `get(`, `.post(`, …
fn methods_in(args: &str) -> Vec<&'static str> {
    let mut found = vec![];
    for m in METHODS {
        let pat = format!("{m}(");
        let mut from = 0;
        while let Some(i) = args[from..].find(&pat) {
            let at = from + i;
            let before = args[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                found.push(m);
                break;
            }
            from = at + pat.len();
        }
    }
    found
}

fn documented() -> serde_json::Value {
    serde_json::to_value(super::document()).expect("document serializes")
}

#[test]
fn every_route_is_documented_and_nothing_else() {
    let doc = documented();
    let mut in_doc = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                in_doc.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    let routes = registered();
    assert!(
        routes.len() > 40,
        "the scan found too few routes: {routes:?}"
    );
    let missing: Vec<_> = routes.difference(&in_doc).collect();
    let extra: Vec<_> = in_doc.difference(&routes).collect();
    assert!(missing.is_empty(), "served but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not served: {extra:?}");
}

#[test]
fn path_parameters_match_the_path() {
    let doc = documented();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let in_path: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap_or("").to_string())
            .collect();
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: BTreeSet<String> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap_or("").to_string())
                .collect();
            assert_eq!(declared, in_path, "{m} {path}: path parameters");
            for p in params.iter().filter(|p| p["in"] == "path") {
                assert_eq!(p["required"], true, "{m} {path}: {} required", p["name"]);
            }
        }
    }
}

#[test]
fn every_operation_declares_its_errors_as_json() {
    let doc = documented();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if path == "/api/openapi.json" {
            continue;
        }
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            for status in ["400", "401", "403", "404", "422"] {
                let schema = &op["responses"][status]["content"]["application/json"]["schema"];
                assert_eq!(
                    schema["$ref"], "#/components/schemas/ErrorBody",
                    "{m} {path} {status}"
                );
            }
            if op.get("requestBody").is_some() {
                assert!(op["responses"].get("415").is_some(), "{m} {path} 415");
            }
        }
    }
}

#[test]
fn the_scan_reads_route_calls() {
    let args = r#""/v1/x", get(a::b).post(c).layer(DefaultBodyLimit::max(3))"#;
    assert_eq!(methods_in(args), vec!["get", "post"]);
    assert_eq!(balanced("a(b)c) d"), "a(b)c");
    assert_eq!(
        methods_in("\"/v1/y\", delete(api::api_delete_route)"),
        vec!["delete"]
    );
    assert!(methods_in("\"/v1/z\", budget(x)").is_empty());
}

/// Every schema of the document is its type's name, so two types of one
/// name would silently share a schema (one endpoint documented with the
/// other's shape): every `ToSchema` type's name is unique.
#[test]
fn schema_names_are_unique() {
    let mut files = vec![];
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut seen = std::collections::BTreeMap::new();
    let mut dup = vec![];
    for f in files {
        let src = std::fs::read_to_string(&f).expect("source is readable");
        let mut derives_schema = false;
        for line in src.lines() {
            let t = line.trim();
            if t.starts_with("#[derive(") {
                derives_schema = t.contains("ToSchema");
                continue;
            }
            if t.starts_with("#[") || t.starts_with("///") {
                continue;
            }
            if derives_schema {
                let name = t
                    .split_whitespace()
                    .skip_while(|w| *w != "struct" && *w != "enum")
                    .nth(1)
                    .map(|n| n.trim_end_matches(['{', ';', '(']).to_string());
                if let Some(n) = name
                    && let Some(prev) = seen.insert(n.clone(), f.display().to_string())
                {
                    dup.push(format!("{n}: {prev} and {}", f.display()));
                }
            }
            derives_schema = false;
        }
    }
    assert!(seen.len() > 50, "found {} schema types", seen.len());
    assert!(dup.is_empty(), "schema names used twice: {dup:?}");
}
