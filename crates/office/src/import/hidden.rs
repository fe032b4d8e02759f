//! Hidden rows of an .xlsx workbook, which calamine does not report: the
//! sheet files are found through `xl/workbook.xml` and its relationships, and
//! each `<row>` element marked `hidden="1"` is listed. A small tag scanner,
//! not a full XML parser: anything it cannot follow gives no hidden rows
//! (the rows are still imported; only the notice is missed).

use std::collections::HashMap;
use std::io::{Cursor, Read};

/// The largest sheet file scanned (uncompressed), so a crafted file cannot
/// make the scan allocate without bound.
const MAX_XML: u64 = 512 * 1024 * 1024;

/// The hidden rows (Excel numbers, 1-based, ascending) of each sheet of an
/// .xlsx file that has any, by sheet name.
pub(crate) fn hidden_rows(bytes: &[u8]) -> HashMap<String, Vec<usize>> {
    let mut out = HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let Some(workbook) = read(&mut zip, "xl/workbook.xml") else {
        return out;
    };
    let Some(rels) = read(&mut zip, "xl/_rels/workbook.xml.rels") else {
        return out;
    };
    let targets: HashMap<String, String> = tags(&rels, "Relationship")
        .filter_map(|a| Some((attr(a, "Id")?, attr(a, "Target")?)))
        .collect();
    for a in tags(&workbook, "sheet") {
        let (Some(name), Some(id)) = (attr(a, "name"), rel_id(a)) else {
            continue;
        };
        let Some(target) = targets.get(&id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(xml) = read(&mut zip, &path) else {
            continue;
        };
        let mut rows: Vec<usize> = tags(&xml, "row")
            .filter(|a| matches!(attr(a, "hidden").as_deref(), Some("1" | "true")))
            .filter_map(|a| attr(a, "r")?.parse().ok())
            .collect();
        if !rows.is_empty() {
            rows.sort_unstable();
            rows.dedup();
            out.insert(name, rows);
        }
    }
    out
}

fn read(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, path: &str) -> Option<String> {
    let f = zip.by_name(path).ok()?;
    let mut s = String::new();
    f.take(MAX_XML).read_to_string(&mut s).ok()?;
    Some(s)
}

/// The attribute text of every `<name ...>` element (also `<x:name ...>`).
fn tags<'a>(xml: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let mut rest = xml;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find('<')?;
            rest = &rest[at + 1..];
            let end = rest.find('>')?;
            let tag = &rest[..end];
            let tag_name_end = tag
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(tag.len());
            let tag_name = &tag[..tag_name_end];
            let local = tag_name.rsplit(':').next().unwrap_or(tag_name);
            if local == name {
                rest = &rest[end..];
                return Some(&tag[tag_name_end..]);
            }
        }
    })
}

/// An attribute's value (entities for &, <, >, " and ' decoded).
fn attr(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let eq = rest.find('=')?;
        let k = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let body = &after[1..];
        let close = body.find(quote)?;
        if k == key {
            return Some(unescape(&body[..close]));
        }
        rest = &body[close + 1..];
    }
}

/// The relationship id of a `<sheet>`: its `r:id` (any prefix).
fn rel_id(attrs: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let eq = rest.find('=')?;
        let k = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let body = &after[1..];
        let close = body.find(quote)?;
        if k.ends_with(":id") {
            return Some(unescape(&body[..close]));
        }
        rest = &body[close + 1..];
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_tags() {
        let xml = r#"<x:sheets><x:sheet name="项目 &amp; 地块" sheetId="1" r:id="rId3"/><sheet name='b' r:id="rId4"/></x:sheets>"#;
        let v: Vec<(Option<String>, Option<String>)> = tags(xml, "sheet")
            .map(|a| (attr(a, "name"), rel_id(a)))
            .collect();
        assert_eq!(
            v,
            [
                (Some("项目 & 地块".into()), Some("rId3".into())),
                (Some("b".into()), Some("rId4".into()))
            ]
        );
        assert_eq!(tags(xml, "sheets").count(), 1);
        assert_eq!(attr(r#" a="1" b"#, "b"), None);
    }

    #[test]
    fn not_a_zip_has_no_hidden_rows() {
        assert!(hidden_rows(b"not a zip").is_empty());
    }
}
