//! The one JSON shape of a passage, shared by `search --format json` and `export passages
//! --format json` (JSON Lines), so a script reads both the same way.
//!
//! Input: a [`PassageRecord`]. Output: a JSON object with the fields documented once in the
//! README ("The passage JSON"): the record's fields under their CSV names, `themes` as an array of
//! `{"theme", "polarity", "decided_by", "score", "evidence": {"terms": [{"term", "position"}], "cue"}}`,
//! `source` as `file:line` with `file` and `line` beside it. Search adds `score`, `snippet` and
//! `highlights` to the same object (see [`super::hit_json`]). This module does not write files.

use super::table::{Cell, Table};
use crate::model::{PassageRecord, Tag};
use serde_json::{json, Map, Value};

/// An `f32` as a JSON number with three decimals (an `f32` widened to `f64` would print as
/// `0.800000011920929`).
pub(crate) fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// One tag: `{"theme", "polarity", "decided_by", "score", "evidence": {"terms": [{"term",
/// "position"}], "cue"}}`, `cue` being `null` when no cue decided the polarity, `decided_by`
/// saying what did (`cue`, `default`, `model`, `human`), and `coder` added for a human's code. `tag --format json`
/// writes its tags in this shape too.
pub fn theme_json(t: &Tag) -> Value {
    let terms: Vec<Value> = t
        .evidence
        .terms
        .iter()
        .map(|(term, position)| json!({ "term": term, "position": position }))
        .collect();
    let mut v = json!({
        "theme": t.theme,
        "polarity": t.polarity.as_str(),
        "decided_by": t.decided_by.as_str(),
        "score": round3(t.score),
        "evidence": { "terms": terms, "cue": t.evidence.cue },
    });
    if let Some(c) = &t.coder {
        v["coder"] = json!(c);
    }
    v
}

/// The JSON object of one passage (one line of `export passages --format json`).
pub fn passage_json(r: &PassageRecord) -> Map<String, Value> {
    let value = json!({
        "passage_id": r.passage_id,
        "session": r.session,
        "code": r.code,
        "year": r.year,
        "date": r.date,
        "title": r.title,
        "turn": r.turn,
        "ordinal": r.ordinal,
        "speaker": r.speaker,
        "label": r.label,
        "stakeholder": r.stakeholder,
        "region": r.region,
        "role": r.role,
        "affiliation": r.affiliation,
        "method": r.method,
        "confidence": round3(r.confidence),
        "procedural": r.procedural,
        "themes": r.tags.iter().map(theme_json).collect::<Vec<_>>(),
        "taxonomy": r.taxonomy,
        "language": r.language,
        "words": r.words,
        "text": r.text,
        "source": r.citation(),
        "file": r.source,
        "line": r.line,
        "url": (!r.url.is_empty()).then_some(r.url.as_str()),
        "start_ms": r.start_ms,
        "end_ms": r.end_ms,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The rows of a table as JSON objects keyed by column name (`--format json` of table outputs
/// such as `speakers`): text as strings (not neutralised: JSON is not read by spreadsheets),
/// numbers as numbers (with the table's decimals), empty cells as `null`.
pub fn table_json(table: &Table) -> Vec<Value> {
    table
        .rows
        .iter()
        .map(|row| {
            let map: Map<String, Value> = table
                .header
                .iter()
                .zip(row)
                .map(|(name, cell)| ((*name).to_string(), cell_json(cell)))
                .collect();
            Value::Object(map)
        })
        .collect()
}

fn cell_json(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => json!(s),
        Cell::Int(v) => json!(v),
        Cell::Float(v, decimals) => {
            let scale = 10f64.powi(i32::try_from(*decimals).unwrap_or(6).min(12));
            json!((v * scale).round() / scale)
        }
        Cell::Exact(v) => json!(v),
        Cell::Empty => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn passage_json_cites_file_line_and_gives_evidence_as_an_object() {
        let r = &test_records()[1];
        let v = Value::Object(passage_json(r));
        assert_eq!(v["source"], "s/2023.txt:9");
        assert_eq!(v["file"], "s/2023.txt");
        assert_eq!(v["line"], 9);
        assert_eq!(v["themes"][1]["theme"], "scope");
        assert_eq!(v["themes"][1]["polarity"], "risk");
        assert_eq!(v["themes"][0]["score"], 1.0);
        assert_eq!(
            v["themes"][0]["evidence"],
            json!({"terms": [{"term": "security research", "position": 0}], "cue": null})
        );
        assert_eq!(v["start_ms"], Value::Null);
        assert!(v.get("tags").is_none());
    }

    #[test]
    fn table_rows_become_objects_with_typed_values() {
        let mut t = Table::new(vec!["name", "n", "share", "ms"]);
        t.rows.push(vec![
            Cell::text("=cmd"),
            Cell::Int(3),
            Cell::Float(0.123456, 2),
            Cell::Empty,
        ]);
        assert_eq!(
            table_json(&t),
            vec![json!({"name": "=cmd", "n": 3, "share": 0.12, "ms": null})]
        );
    }
}
