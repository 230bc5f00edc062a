//! `export` and `report` through the binary: CSV columns and agreement between tables,
//! formula neutralisation, the manifest, excerpts' citations, and the report's numbers.

use crate::search::{corpus_index, sample_index, sample_records};
use crate::util::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn export_summary(index: &Path, out: &Path, extra: &[&str]) {
    run_expect(
        igf_lens()
            .args(["export", "summary", "--quiet", "--index"])
            .arg(index)
            .arg("--out")
            .arg(out)
            .args(extra),
        0,
    );
}

/// (passages, decided passages, words) per (stakeholder, theme, polarity).
type Cells = BTreeMap<(String, String, String), (u64, u64, u64)>;

/// Counts (passages, decided passages, words) per (stakeholder, theme, polarity) and
/// (passages, words) per stakeholder from passages.csv, whose `decided_by` lists a source per
/// tag in the order of `themes`.
fn counts_from_passages(out: &Path) -> (Cells, BTreeMap<String, (u64, u64)>) {
    let (h, rows) = read_csv(&out.join("passages.csv"));
    let (sh, th, wd) = (col(&h, "stakeholder"), col(&h, "themes"), col(&h, "words"));
    let by = col(&h, "decided_by");
    let mut cells = Cells::new();
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in &rows {
        let words: u64 = r[wd].parse().unwrap();
        let g = groups.entry(r[sh].clone()).or_default();
        g.0 += 1;
        g.1 += words;
        let labels: Vec<&str> = r[th].split(';').filter(|s| !s.is_empty()).collect();
        let sources: Vec<&str> = r[by].split(';').filter(|s| !s.is_empty()).collect();
        assert_eq!(labels.len(), sources.len(), "{:?}", r);
        let mut seen = BTreeSet::new();
        for (label, source) in labels.into_iter().zip(sources) {
            if !seen.insert(label) {
                continue;
            }
            let (theme, pol) = label.split_once(':').unwrap();
            let c = cells
                .entry((r[sh].clone(), theme.to_string(), pol.to_string()))
                .or_default();
            c.0 += 1;
            c.1 += u64::from(source != "default");
            c.2 += words;
        }
    }
    (cells, groups)
}

fn check_stakeholder_theme_agrees_with_passages(out: &Path) {
    let (cells, groups) = counts_from_passages(out);
    let (h, rows) = read_csv(&out.join("stakeholder_theme.csv"));
    assert_eq!(
        h,
        vec![
            "stakeholder",
            "theme",
            "polarity",
            "passages",
            "decided_passages",
            "words",
            "speakers",
            "sessions",
            "passage_share",
            "word_share"
        ]
    );
    let mut nonzero = 0;
    for r in &rows {
        let key = (r[0].clone(), r[1].clone(), r[2].clone());
        let (p, d, w) = cells.get(&key).copied().unwrap_or((0, 0, 0));
        assert_eq!(r[3], p.to_string(), "{key:?} passages");
        assert_eq!(r[4], d.to_string(), "{key:?} decided_passages");
        assert_eq!(r[5], w.to_string(), "{key:?} words");
        let (gp, gw) = groups[&r[0]];
        assert_eq!(
            r[8],
            format!("{:.4}", p as f64 / gp as f64),
            "{key:?} passage_share"
        );
        assert_eq!(
            r[9],
            format!("{:.4}", w as f64 / gw as f64),
            "{key:?} word_share"
        );
        if p > 0 {
            nonzero += 1;
        }
    }
    assert_eq!(
        nonzero,
        cells.len(),
        "every (group, theme, polarity) of passages.csv has a row"
    );
}

/// The report's `stakeholder-theme` table rows, as cell texts.
fn report_rows(html: &str) -> Vec<Vec<String>> {
    let start = html
        .find("<table id=\"stakeholder-theme\">")
        .expect("the numbers table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let s = &cell[cell.find('>').unwrap() + 1..];
                    s[..s.find("</td>").unwrap()].replace("&amp;", "&")
                })
                .collect()
        })
        .collect()
}

fn check_report_matches_csv(index: &Path, out: &Path) {
    let report = out.join("report.html");
    run_expect(
        igf_lens()
            .args(["report", "--quiet", "--index"])
            .arg(index)
            .arg("--out")
            .arg(&report),
        0,
    );
    let html = std::fs::read_to_string(&report).unwrap();
    let (h, rows) = read_csv(&out.join("stakeholder_theme.csv"));
    let pick = [
        "stakeholder",
        "theme",
        "polarity",
        "passages",
        "decided_passages",
        "words",
        "passage_share",
        "word_share",
    ];
    let want: Vec<Vec<String>> = rows
        .iter()
        .map(|r| pick.iter().map(|c| r[col(&h, c)].clone()).collect())
        .collect();
    assert_eq!(report_rows(&html), want);
    // The heatmap, the session bars, and one comparison chart per theme.
    let themes: BTreeSet<&str> = rows.iter().map(|r| r[col(&h, "theme")].as_str()).collect();
    assert_eq!(html.matches("<svg").count(), 2 + themes.len());
    for theme in &themes {
        assert!(
            html.contains(&format!("<h3 id=\"compare-{theme}\">")),
            "{theme}"
        );
    }
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "the report loads nothing"
    );
}

#[test]
fn summary_tables_agree_and_report_numbers_equal_stakeholder_theme() {
    let (tmp, index) = sample_index();
    let out = tmp.path().join("out");
    export_summary(&index, &out, &[]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "manifest.json",
            "passages.csv",
            "session_theme.csv",
            "sessions.csv",
            "speaker_theme.csv",
            "speakers.csv",
            "speaking_time.csv",
            "stakeholder_theme.csv"
        ]
    );
    check_stakeholder_theme_agrees_with_passages(&out);
    check_report_matches_csv(&index, &out);
    // Private Sector: 3 passages (102, 103, 301); security-research:risk in 102 and 301.
    let (h, rows) = read_csv(&out.join("stakeholder_theme.csv"));
    let row = rows
        .iter()
        .find(|r| r[0] == "Private Sector" && r[1] == "security-research" && r[2] == "risk")
        .unwrap();
    assert_eq!(row[col(&h, "passages")], "2");
    assert_eq!(row[col(&h, "passage_share")], "0.6667");
    assert_eq!(row[col(&h, "sessions")], "2");
    // Speaking time from caption timings: two 45-second turns in 2024-of-3.
    let (h, rows) = read_csv(&out.join("speaking_time.csv"));
    assert_eq!(
        h,
        vec![
            "stakeholder",
            "speaking_seconds",
            "share",
            "speakers",
            "turns"
        ]
    );
    assert_eq!(
        rows,
        vec![
            vec!["Civil Society", "45.0", "0.5000", "1", "1"],
            vec!["Private Sector", "45.0", "0.5000", "1", "1"],
        ]
    );
}

#[test]
fn formula_cells_are_neutralised_and_numbers_stay_numbers() {
    let (tmp, index) = sample_index();
    let out = tmp.path().join("out");
    export_summary(&index, &out, &[]);
    let (h, rows) = read_csv(&out.join("passages.csv"));
    let (id, text, words, speaker) = (
        col(&h, "passage_id"),
        col(&h, "text"),
        col(&h, "words"),
        col(&h, "speaker"),
    );
    let by_id: BTreeMap<&str, &Vec<String>> = rows.iter().map(|r| (r[id].as_str(), r)).collect();
    let cases = [
        ("103", "'=HYPERLINK(\"http://example.invalid\")"),
        ("201", "'  +Requests"),
        ("203", "'-Thank you"),
        ("204", "'＝A question"),
        ("301", "'@everyone"),
        ("302", "'\tCriminalising"),
        ("101", "Welcome."),
    ];
    for (pid, start) in cases {
        assert!(
            by_id[pid][text].starts_with(start),
            "{pid}: {:?}",
            by_id[pid][text]
        );
    }
    for r in &rows {
        assert!(r[words].parse::<u64>().is_ok(), "words {:?}", r[words]);
        assert!(r[id].parse::<u64>().is_ok(), "passage_id {:?}", r[id]);
        assert!(!r[speaker].starts_with('\''), "speaker {:?}", r[speaker]);
    }
    let raw = std::fs::read(out.join("passages.csv")).unwrap();
    assert!(raw.starts_with(b"passage_id,"), "no BOM without --excel");
    // Excerpts too, and --excel adds a BOM.
    let file = tmp.path().join("ex.csv");
    run_expect(
        igf_lens()
            .args([
                "export",
                "excerpts",
                "--quiet",
                "--theme",
                "cooperation",
                "--excel",
                "--index",
            ])
            .arg(&index)
            .arg("--out")
            .arg(&file),
        0,
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\")"),
        "{text}"
    );
}

#[test]
fn excerpts_have_citation_columns_and_follow_filters() {
    let (tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .args([
                "export",
                "excerpts",
                "--quiet",
                "--theme",
                "security-research",
                "--polarity",
                "risk",
                "--index",
            ])
            .arg(&index),
        0,
    );
    let file = tmp.path().join("ex.csv");
    std::fs::write(&file, stdout(&out)).unwrap();
    let (h, rows) = read_csv(&file);
    assert_eq!(
        h,
        vec![
            "session",
            "code",
            "title",
            "date",
            "speaker",
            "stakeholder",
            "region",
            "theme",
            "polarity",
            "decided_by",
            "evidence",
            "text",
            "source",
            "line",
            "start_ms",
            "end_ms",
            "passage_id"
        ]
    );
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r[col(&h, "passage_id")].as_str())
        .collect();
    assert_eq!(ids, vec!["101", "102", "301"]);
    let r = &rows[2];
    assert_eq!(
        r[col(&h, "source")],
        "tests/fixtures/none/2024-of-3.raw.txt"
    );
    assert_eq!(r[col(&h, "line")], "10");
    assert_eq!(r[col(&h, "start_ms")], "0");
    assert_eq!(r[col(&h, "end_ms")], "45000");
    assert_eq!(
        r[col(&h, "evidence")],
        "terms=security research@1; cue=default"
    );
    let out = run_expect(
        igf_lens()
            .args([
                "export",
                "excerpts",
                "--quiet",
                "--theme",
                "security-research",
                "--stakeholder",
                "civil-society",
                "--query",
                "criminals",
                "--index",
            ])
            .arg(&index),
        0,
    );
    std::fs::write(&file, stdout(&out)).unwrap();
    let (h, rows) = read_csv(&file);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col(&h, "passage_id")], "101");
    let out = run_expect(
        igf_lens()
            .args(["export", "excerpts", "--stakeholder", "government"])
            .arg("--index")
            .arg(&index),
        2,
    );
    assert!(stderr(&out).contains("needs --theme"));
}

#[test]
fn passages_jsonl_has_one_object_per_passage() {
    let (tmp, index) = sample_index();
    let file = tmp.path().join("p.jsonl");
    run_expect(
        igf_lens()
            .args([
                "export", "passages", "--quiet", "--format", "jsonl", "--index",
            ])
            .arg(&index)
            .arg("--out")
            .arg(&file),
        0,
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut want = sample_records();
    igf_lens::index::sort_records(&mut want);
    let want: Vec<serde_json::Value> = want
        .iter()
        .map(|r| serde_json::Value::Object(igf_lens::export::passage_json(r)))
        .collect();
    assert_eq!(rows, want);
    assert_eq!(
        rows[0]["source"],
        format!("{}:{}", rows[0]["file"].as_str().unwrap(), rows[0]["line"])
    );
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn manifest_records_versions_counts_and_hashes() {
    let (tmp, index) = sample_index();
    let out = tmp.path().join("out");
    export_summary(&index, &out, &["--registry", "data/speakers.csv"]);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["igf_lens_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["counts"]["passages"], 10);
    assert_eq!(m["counts"]["sessions"], 3);
    assert_eq!(m["taxonomy"], serde_json::json!(["test-taxonomy"]));
    assert_eq!(m["registry"]["path"], "data/speakers.csv");
    assert_eq!(m["registry"]["sha256"].as_str().unwrap().len(), 64);
    // The sources of hand-made records do not exist: listed, without a hash.
    assert_eq!(m["inputs"].as_array().unwrap().len(), 3);
    assert!(m["inputs"][0]["sha256"].is_null());
    for f in m["files"].as_array().unwrap() {
        let bytes = std::fs::read(out.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            igf_lens::hash::sha256_hex(&bytes)
        );
    }
}

// ---- end to end on the sample corpus ----

#[test]
fn corpus_summary_agrees_and_report_matches() {
    let (tmp, index) = corpus_index();
    let out = tmp.path().join("out");
    export_summary(&index, &out, &[]);
    check_stakeholder_theme_agrees_with_passages(&out);
    check_report_matches_csv(&index, &out);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let (_, rows) = read_csv(&out.join("passages.csv"));
    assert_eq!(m["counts"]["passages"].as_u64(), Some(rows.len() as u64));
    // Every input (transcripts and pages) is hashed as it is now, and unchanged since ingest.
    let inputs = m["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 24);
    for i in inputs {
        assert_eq!(i["sha256"].as_str().map(str::len), Some(64), "{i}");
        assert_eq!(i["sha256"], i["ingest_sha256"], "{i}");
    }
    assert_eq!(m["ingest"]["taxonomy"], m["taxonomy"][0]);
    // A second export writes the same bytes.
    let before = std::fs::read(out.join("stakeholder_theme.csv")).unwrap();
    export_summary(&index, &out, &[]);
    assert_eq!(
        std::fs::read(out.join("stakeholder_theme.csv")).unwrap(),
        before
    );
}

/// Normalises text for comparing a passage with its source lines.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn corpus_excerpts_quote_text_found_at_the_cited_file_and_line() {
    let (tmp, index) = corpus_index();
    let file = tmp.path().join("ex.csv");
    run_expect(
        igf_lens()
            .args([
                "export",
                "excerpts",
                "--quiet",
                "--theme",
                "security-research",
                "--index",
            ])
            .arg(&index)
            .arg("--out")
            .arg(&file),
        0,
    );
    let (h, rows) = read_csv(&file);
    assert!(rows.len() >= 20, "{} excerpts", rows.len());
    let (src, line, text, theme) = (
        col(&h, "source"),
        col(&h, "line"),
        col(&h, "text"),
        col(&h, "theme"),
    );
    for r in &rows {
        assert_eq!(r[theme], "security-research");
        let content = std::fs::read_to_string(repo().join(&r[src])).unwrap();
        let n: usize = r[line].parse().unwrap();
        let lines: Vec<&str> = content.lines().collect();
        assert!(n >= 1 && n <= lines.len(), "{}:{n}", r[src]);
        // The quote's first words are on the cited line (after a `>> LABEL:` when there is one).
        let cited = words(lines[n - 1]);
        let quoted = words(r[text].trim_start_matches('\''));
        let head: Vec<String> = quoted.iter().take(4).cloned().collect();
        assert!(
            cited.windows(head.len()).any(|w| w == head.as_slice()),
            "{}:{n}: {:?} not in {:?}",
            r[src],
            head,
            lines[n - 1]
        );
    }
}

#[test]
fn search_json_and_export_jsonl_agree_field_by_field_issue_19() {
    let (tmp, index) = corpus_index();
    let file = tmp.path().join("passages.jsonl");
    run_expect(
        igf_lens()
            .args([
                "export", "passages", "--quiet", "--format", "jsonl", "--index",
            ])
            .arg(&index)
            .arg("-o")
            .arg(&file),
        0,
    );
    let exported: BTreeMap<u64, serde_json::Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["passage_id"].as_u64().unwrap(), v)
        })
        .collect();
    let (hits, _) = crate::search::search_json(&index, &["security researchers"], 0);
    assert!(hits.len() >= 3, "{hits:?}");
    let search_only: BTreeSet<&str> = ["score", "snippet", "highlights"].into();
    for hit in &hits {
        let row = &exported[&hit["passage_id"].as_u64().unwrap()];
        let (hit, row) = (hit.as_object().unwrap(), row.as_object().unwrap());
        let hit_keys: BTreeSet<&str> = hit.keys().map(String::as_str).collect();
        let row_keys: BTreeSet<&str> = row.keys().map(String::as_str).collect();
        assert_eq!(
            hit_keys
                .difference(&row_keys)
                .copied()
                .collect::<BTreeSet<_>>(),
            search_only
        );
        assert!(row_keys.is_subset(&hit_keys));
        for (key, value) in row {
            assert_eq!(
                &hit[key], value,
                "field {key} of passage {}",
                row["passage_id"]
            );
        }
        // The documented shapes.
        let source = format!("{}:{}", row["file"].as_str().unwrap(), row["line"]);
        assert_eq!(row["source"], source.as_str());
        // A tag the dictionary found shows its terms; the model may add a theme no term named.
        for t in row["themes"].as_array().unwrap() {
            assert!(t["decided_by"].is_string(), "{t}");
            assert!(t["evidence"].get("cue").is_some(), "{t}");
            if t["decided_by"] == "model" && t["evidence"]["terms"] == serde_json::json!([]) {
                continue;
            }
            assert!(t["evidence"]["terms"][0]["term"].is_string(), "{t}");
            assert!(t["evidence"]["terms"][0]["position"].is_u64(), "{t}");
        }
    }
}

#[test]
fn export_passages_accepts_json_and_the_old_jsonl_spelling() {
    let (_tmp, index) = sample_index();
    let mut outputs = Vec::new();
    for format in ["json", "jsonl"] {
        let out = run_expect(
            igf_lens()
                .args([
                    "export", "passages", "--quiet", "--format", format, "--index",
                ])
                .arg(&index),
            0,
        );
        outputs.push(stdout(&out));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0].lines().count(), 10);
}

/// `-o -` means stdout, as Unix tools read it: no file named `-` is created.
#[test]
fn dash_as_the_output_file_is_stdout() {
    let (tmp, index) = sample_index();
    let plain = stdout(&run_expect(
        igf_lens()
            .args(["export", "passages", "--quiet", "--index"])
            .arg(&index),
        0,
    ));
    for args in [
        &["export", "passages", "--quiet", "-o", "-", "--index"][..],
        &[
            "export", "excerpts", "--quiet", "--theme", "scope", "-o", "-", "--index",
        ][..],
    ] {
        let out = run_expect(igf_lens().current_dir(tmp.path()).args(args).arg(&index), 0);
        assert!(!stdout(&out).is_empty(), "{args:?} wrote nothing to stdout");
        if args[1] == "passages" {
            assert_eq!(stdout(&out), plain);
        }
        assert!(
            !tmp.path().join("-").exists(),
            "{args:?} created a file named -"
        );
    }
}
