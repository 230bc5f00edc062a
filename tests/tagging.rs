//! `igf-lens tag`, `eval` and `themes`: the gold-set figures, explanations, custom taxonomies
//! and validation errors.

use crate::util::{igf_lens, repo, run_expect, stderr, stdout, tempdir};
use std::io::Write;
use std::process::Stdio;

/// Macro F1 the embedded taxonomy's dictionary (`--no-model`) reaches on the short passages of
/// tests/gold/passages.csv (see the README); the test fails when a change loses more than 0.02
/// of it.
const MACRO_F1_REACHED: f64 = 0.928;

#[test]
fn gold_set_figures_do_not_regress() {
    let out = run_expect(
        igf_lens().args([
            "eval",
            "tests/gold/passages.csv",
            "--no-model",
            "--format",
            "json",
        ]),
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let macro_f1 = v["macro_f1"].as_f64().expect("macro_f1");
    let polarity = v["polarity_accuracy"].as_f64().expect("polarity_accuracy");
    assert!(
        macro_f1 >= MACRO_F1_REACHED - 0.02,
        "macro F1 {macro_f1} fell below {MACRO_F1_REACHED} - 0.02"
    );
    assert!(polarity >= 0.85, "polarity accuracy {polarity} < 0.85");
    assert!(v["passages"].as_u64().expect("passages") >= 200);
    let themes = v["themes"].as_object().expect("themes");
    assert_eq!(themes.len(), 10);
    for (id, t) in themes {
        assert!(t["support"].as_u64().expect("support") >= 8, "{id}");
        assert!(t["f1"].as_f64().expect("f1") > 0.7, "{id}: {t}");
    }
}

/// The dictionary's figures on tests/gold/holdout.csv: 100 short passages written after the
/// taxonomy was tuned and never used to tune it. They estimate how the taxonomy does on new
/// text; a change that raises the gold-set figures while lowering these is overfitting. Never
/// tune on this file. Measured after the issue-18 taxonomy fixes (0.673 / 0.741 before them).
const HOLDOUT_MACRO_F1: f64 = 0.654;
const HOLDOUT_POLARITY: f64 = 0.711;

#[test]
fn holdout_figures_do_not_regress() {
    let out = run_expect(
        igf_lens().args([
            "eval",
            "tests/gold/holdout.csv",
            "--no-model",
            "--format",
            "json",
        ]),
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let macro_f1 = v["macro_f1"].as_f64().expect("macro_f1");
    let polarity = v["polarity_accuracy"].as_f64().expect("polarity_accuracy");
    assert_eq!(v["passages"], 100);
    assert!(
        macro_f1 >= HOLDOUT_MACRO_F1 - 0.03,
        "hold-out macro F1 {macro_f1}"
    );
    assert!(
        polarity >= HOLDOUT_POLARITY - 0.05,
        "hold-out polarity accuracy {polarity}"
    );
}

/// Figures on tests/gold/holdout-frozen.csv: 244 real-length spoken passages written and
/// labelled in a separate sitting, never tuned on (see tests/gold/GUIDE.md). The learned model
/// is used only because it beats the dictionary here.
const FROZEN_MODEL: (f64, f64, f64) = (0.856, 0.908, 0.986); // macro F1, polarity, procedural F1
const FROZEN_DICTIONARY: (f64, f64) = (0.752, 0.698); // macro F1, polarity

fn eval_json(gold: &str, extra: &[&str]) -> serde_json::Value {
    let out = run_expect(
        igf_lens()
            .args(["eval", gold, "--format", "json"])
            .args(extra),
        0,
    );
    serde_json::from_str(&stdout(&out)).expect("json")
}

#[test]
fn frozen_holdout_figures_do_not_regress_and_the_model_beats_the_dictionary() {
    let gold = "tests/gold/holdout-frozen.csv";
    let model = eval_json(gold, &[]);
    let dict = eval_json(gold, &["--no-model"]);
    assert_eq!(model["passages"], 244);
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().expect(k);
    let (macro_f1, polarity) = (f(&model, "macro_f1"), f(&model, "polarity_accuracy"));
    let procedural = model["procedural"]["f1"].as_f64().expect("procedural f1");
    assert!(macro_f1 >= FROZEN_MODEL.0 - 0.02, "macro F1 {macro_f1}");
    assert!(polarity >= FROZEN_MODEL.1 - 0.03, "polarity {polarity}");
    assert!(
        procedural >= FROZEN_MODEL.2 - 0.02,
        "procedural F1 {procedural}"
    );
    let (d_macro, d_polarity) = (f(&dict, "macro_f1"), f(&dict, "polarity_accuracy"));
    assert!((d_macro - FROZEN_DICTIONARY.0).abs() < 0.03, "{d_macro}");
    assert!(
        (d_polarity - FROZEN_DICTIONARY.1).abs() < 0.03,
        "{d_polarity}"
    );
    assert!(macro_f1 > d_macro && polarity > d_polarity);
    // Polarity accuracy by what decided it adds up to the whole.
    let by = model["polarity_by_decided"]
        .as_object()
        .expect("by decided");
    let total: u64 = by.values().map(|b| b["total"].as_u64().unwrap()).sum();
    let correct: u64 = by.values().map(|b| b["correct"].as_u64().unwrap()).sum();
    assert!(total > 0 && ((correct as f64 / total as f64) - polarity).abs() < 0.001);
}

#[test]
fn eval_prints_a_table_with_micro_and_macro_rows() {
    let out = run_expect(igf_lens().args(["eval", "tests/gold/passages.csv"]), 0);
    let s = stdout(&out);
    for want in [
        "security-research",
        "capacity-building",
        "micro",
        "macro",
        "polarity accuracy",
    ] {
        assert!(s.contains(want), "{want} missing in\n{s}");
    }
}

#[test]
fn explain_shows_security_research_risk_with_evidence() {
    let out = run_expect(
        igf_lens().args([
            "tag",
            "--text",
            "The draft could criminalise the work of security researchers",
            "--explain",
            "--no-model",
        ]),
        0,
    );
    let s = stdout(&out);
    let line = s
        .lines()
        .find(|l| l.trim_start().starts_with("security-research"))
        .unwrap_or_else(|| panic!("no security-research line in\n{s}"));
    assert!(line.contains(" risk "), "{line}");
    assert!(line.contains("security researcher@7"), "{line}");
    assert!(line.contains("cue: criminalise"), "{line}");
}

#[test]
fn tag_reads_lines_from_stdin_as_json() {
    let mut child = igf_lens()
        .args(["tag", "-", "--format", "json", "--quiet", "--no-model"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"The capacity of this room is limited.\n\n>> ANA LIMA: There is no risk of fragmentation.\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[0]["tags"].as_array().map(Vec::len), Some(0));
    assert_eq!(rows[1]["line"], 3);
    assert_eq!(rows[1]["text"], "There is no risk of fragmentation.");
    assert_eq!(rows[1]["tags"][0]["theme"], "existing-instruments");
    assert_eq!(rows[1]["tags"][0]["polarity"], "opportunity");
    assert_eq!(
        rows[1]["tags"][0]["evidence"]["cue"],
        "not risk fragmentation"
    );
}

const CUSTOM: &str = r#"
[cues]
risk = ["flood"]

[[theme]]
id = "weather"
label = "Weather"
polarity = "opportunity"
terms = ["rain", "security researcher"]
"#;

#[test]
fn a_custom_taxonomy_changes_the_result() {
    let dir = tempdir();
    let path = dir.path().join("weather.toml");
    std::fs::write(&path, CUSTOM).expect("write");
    let text = "Rain may flood the offices of security researchers.";
    // The dictionary alone: the model reads a one-sentence fragment like this as procedural
    // (it was fitted to passages of 40-120 words; see the README's "Tagging quality").
    let default = run_expect(igf_lens().args(["tag", "--no-model", "--text", text]), 0);
    assert!(stdout(&default).contains("security-research:risk"));
    assert!(!stdout(&default).contains("weather"));
    let custom = run_expect(
        igf_lens()
            .args(["tag", "--text", text, "--format", "json"])
            .arg("--themes")
            .arg(&path),
        0,
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&custom).trim()).expect("json");
    assert_eq!(v["tags"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["tags"][0]["theme"], "weather");
    assert_eq!(v["tags"][0]["polarity"], "risk");
    assert_eq!(v["tags"][0]["evidence"]["cue"], "flood");
    let list = run_expect(
        igf_lens().args(["themes", "list", "--themes"]).arg(&path),
        0,
    );
    assert!(stdout(&list).contains("weather"));
    // the gold set names themes the custom taxonomy lacks: eval says which and where
    let eval = run_expect(
        igf_lens()
            .args(["eval", "tests/gold/passages.csv", "--themes"])
            .arg(&path),
        2,
    );
    assert!(
        stderr(&eval)
            .contains("passages.csv:2: theme \"existing-instruments\" is not in the taxonomy"),
        "{}",
        stderr(&eval)
    );
}

#[test]
fn themes_check_reports_problems_with_line_numbers() {
    let dir = tempdir();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[theme]]\nid = \"a\"\nlabel = \"A\"\npolarity = \"risk\"\nterms = [\"x\"]\n\n\
         [[theme]]\nid = \"a\"\nlabel = \"B\"\npolarity = \"sometimes\"\nterms = [\"of the\"]\n",
    )
    .expect("write");
    let out = run_expect(igf_lens().args(["themes", "check"]).arg(&bad), 2);
    let err = stderr(&out);
    let shown = bad.display().to_string();
    for want in [
        format!("{shown}:8: duplicate theme id \"a\" (first defined on line 2)"),
        format!("{shown}:10: unknown polarity \"sometimes\""),
        format!("{shown}:11: theme \"a\" term \"of the\" analyzes to no token"),
    ] {
        assert!(err.contains(&want), "{want} missing in\n{err}");
    }
    // tag with the same file stops at the first problem
    let out = run_expect(
        igf_lens()
            .args(["tag", "--text", "x", "--themes"])
            .arg(&bad),
        2,
    );
    assert!(
        stderr(&out).contains(":8: duplicate theme id"),
        "{}",
        stderr(&out)
    );
    let ok = run_expect(igf_lens().args(["themes", "check", "data/themes.toml"]), 0);
    assert!(
        stdout(&ok).starts_with("data/themes.toml: ok, 10 themes"),
        "{}",
        stdout(&ok)
    );
}

#[test]
fn tag_explain_shows_the_models_deciding_heads_and_their_weightiest_features() {
    let text = "Thank you so much, and now I give the floor to our next speaker.";
    let out = run_expect(igf_lens().args(["tag", "--text", text, "--explain"]), 0);
    let s = stdout(&out);
    assert!(s.contains("(procedural)"), "{s}");
    let line = s
        .lines()
        .find(|l| l.trim_start().starts_with("model procedural"))
        .unwrap_or_else(|| panic!("no model line in\n{s}"));
    assert!(line.contains("yes") && line.contains("w:thank"), "{line}");

    let out = run_expect(
        igf_lens().args(["tag", "--text", text, "--explain", "--format", "json"]),
        0,
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    let heads = v["model"].as_array().expect("model array");
    assert_eq!(heads[0]["head"], "procedural");
    assert_eq!(heads[0]["says"], "yes");
    let features = heads[0]["features"].as_array().expect("features");
    assert!(features.iter().any(|f| f["feature"] == "w:floor"), "{v}");

    // Without --explain, or without a model, there is nothing to explain.
    let out = run_expect(
        igf_lens().args(["tag", "--text", text, "--format", "json"]),
        0,
    );
    assert!(!stdout(&out).contains("\"model\""));
    let out = run_expect(
        igf_lens().args(["tag", "--text", text, "--explain", "--no-model"]),
        0,
    );
    assert!(!stdout(&out).contains("model procedural"));
}

/// `tests/real/speech-sessions.csv` lists the sessions of the real-speech sets (facts only: the
/// text stays outside the repository). A session used to tune must never be in a frozen set: the
/// tuning sets take even IGF years, the frozen ones odd years, and no address or title is in both.
#[test]
fn real_speech_sessions_keep_tuning_and_frozen_sets_apart() {
    let mut rd = csv::Reader::from_path("tests/real/speech-sessions.csv").expect("speech-sessions");
    let header: Vec<String> = rd
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let want = "set,year,session_title,url,passages,procedural,empty,theme_labels";
    assert_eq!(header.join(","), want);
    let (mut tuning, mut frozen) = (Vec::new(), Vec::new());
    for (n, row) in rd.records().enumerate() {
        let r = row.unwrap_or_else(|e| panic!("row {}: {e}", n + 2));
        let num = |i: usize| -> u32 {
            r[i].parse()
                .unwrap_or_else(|_| panic!("row {}: {:?}", n + 2, &r[i]))
        };
        let year = num(1);
        assert!((2006..=2025).contains(&year), "row {}: year {year}", n + 2);
        assert!(
            num(5) + num(6) <= num(4),
            "row {}: more procedural and empty than passages",
            n + 2
        );
        assert!(r[3].starts_with("http"), "row {}: url {:?}", n + 2, &r[3]);
        let key = (r[3].trim_end_matches('/').to_string(), r[2].to_string());
        match &r[0] {
            s if s.starts_with("tune") => {
                assert_eq!(
                    year % 2,
                    0,
                    "row {}: a tuning session of an odd year",
                    n + 2
                );
                tuning.push(key);
            }
            s if s.starts_with("frozen") => {
                assert_eq!(
                    year % 2,
                    1,
                    "row {}: a frozen session of an even year",
                    n + 2
                );
                frozen.push(key);
            }
            other => panic!("row {}: unknown set {other:?}", n + 2),
        }
    }
    assert!(tuning.len() >= 100 && frozen.len() >= 100);
    for (url, title) in &frozen {
        assert!(
            !tuning.iter().any(|(u, t)| u == url || t == title),
            "frozen session {title} ({url}) is also a tuning session"
        );
    }
}

/// A copy of the shipped model cut off at a line's end (as `head -200` leaves it) is refused,
/// with the count it lacks, instead of tagging with part of the model (every passage then read
/// as procedural); the whole file is taken.
#[test]
fn a_model_file_cut_off_at_a_line_end_is_refused_with_the_rows_it_lacks() {
    let tmp = tempdir();
    let whole = std::fs::read_to_string(repo().join("data/model.tsv")).expect("model");
    let cut: String = whole.lines().take(200).map(|l| format!("{l}\n")).collect();
    let path = tmp.path().join("cut.tsv");
    std::fs::write(&path, cut).expect("write");
    let text = "The convention must protect security researchers from prosecution.";
    let out = run_expect(
        igf_lens()
            .args(["tag", "--text", text, "--model"])
            .arg(&path),
        2,
    );
    let err = stderr(&out);
    assert!(
        err.contains(
            "cut.tsv: the `features` line announces 10500 weight rows but the file holds 166"
        ),
        "{err}"
    );
    let whole_copy = tmp.path().join("whole.tsv");
    std::fs::write(&whole_copy, whole).expect("write");
    let out = run_expect(
        igf_lens()
            .args(["tag", "--format", "json", "--text", text, "--model"])
            .arg(&whole_copy),
        0,
    );
    assert!(
        stdout(&out).contains("security-research"),
        "{}",
        stdout(&out)
    );
}
