//! Corrections that stick (issue 18, item 5): `igf-lens code` records a person's decision in a
//! codes file and the index shows it at once; it survives `ingest --rebuild`; `agreement` and
//! `eval --codes` compare the tagger with the codes.

use crate::util::{
    col, copy_dir, igf_lens, ingest_quiet, read_csv, repo, run_expect, stderr, stdout, tempdir,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The sample corpus ingested into a fresh index; the codes file path beside it (not yet made).
fn sample() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempdir();
    let index = tmp.path().join("index");
    ingest_quiet(&index, &repo().join("data/sessions"), 0);
    let codes = tmp.path().join("codes.csv");
    (tmp, index, codes)
}

/// Every passage of the index, as `export passages` writes them.
fn passages(index: &Path) -> Vec<Value> {
    let out = run_expect(
        igf_lens()
            .args([
                "export", "passages", "--quiet", "--format", "jsonl", "--index",
            ])
            .arg(index),
        0,
    );
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn passage(index: &Path, id: u64) -> Value {
    passages(index)
        .into_iter()
        .find(|p| p["passage_id"] == id)
        .unwrap_or_else(|| panic!("no passage {id}"))
}

fn theme<'a>(p: &'a Value, name: &str) -> Option<&'a Value> {
    p["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == name)
}

fn code(index: &Path, codes: &Path, id: u64, change: &[&str], want: i32) -> std::process::Output {
    run_expect(
        igf_lens()
            .arg("code")
            .arg(id.to_string())
            .args(change)
            .args(["--coder", "Ana", "--index"])
            .arg(index)
            .arg("--codes")
            .arg(codes),
        want,
    )
}

fn rebuild(index: &Path, codes: &Path) -> String {
    let out = run_expect(
        igf_lens()
            .args(["ingest", "--rebuild", "--index"])
            .arg(index)
            .arg("--codes")
            .arg(codes)
            .arg(repo().join("data/sessions")),
        0,
    );
    stderr(&out)
}

/// The first substantive passage with no theme, and the first with exactly one theme.
fn pick(all: &[Value]) -> (u64, u64, String) {
    let none = all
        .iter()
        .find(|p| p["themes"].as_array().unwrap().is_empty() && p["words"].as_u64() > Some(20))
        .unwrap();
    let one = all
        .iter()
        .find(|p| p["themes"].as_array().unwrap().len() == 1)
        .unwrap();
    (
        none["passage_id"].as_u64().unwrap(),
        one["passage_id"].as_u64().unwrap(),
        one["themes"][0]["theme"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_code_shows_as_human_in_search_and_exports_and_survives_rebuild() {
    let (tmp, index, codes) = sample();
    let (bare, _, theme_id) = pick(&passages(&index));
    let out = code(
        &index,
        &codes,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        0,
    );
    assert!(
        stdout(&out).contains(&format!("{theme_id}:risk")),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(&codes).unwrap();
    assert!(
        text.starts_with("key,theme,decision,coder,note\n"),
        "{text}"
    );
    assert!(text.contains(&format!(",{theme_id},risk,Ana,")), "{text}");

    // search JSON
    let t = searched_coded_hit(&index, bare, &theme_id);
    assert_eq!(t["polarity"], "risk");

    // passages.csv and excerpts
    let out_dir = tmp.path().join("out");
    run_expect(
        igf_lens()
            .args(["export", "summary", "--quiet", "--index"])
            .arg(&index)
            .arg("--out")
            .arg(&out_dir),
        0,
    );
    let (h, rows) = read_csv(&out_dir.join("passages.csv"));
    let row = rows
        .iter()
        .find(|r| r[col(&h, "passage_id")] == bare.to_string())
        .unwrap();
    assert_eq!(row[col(&h, "themes")], format!("{theme_id}:risk"));
    assert_eq!(row[col(&h, "decided_by")], "human");
    let out = run_expect(
        igf_lens()
            .args(["export", "excerpts", "--theme", &theme_id, "--index"])
            .arg(&index),
        0,
    );
    let file = tmp.path().join("excerpts.csv");
    std::fs::write(&file, stdout(&out)).unwrap();
    let (h, rows) = read_csv(&file);
    let row = rows
        .iter()
        .find(|r| r[col(&h, "passage_id")] == bare.to_string())
        .unwrap();
    assert_eq!(row[col(&h, "decided_by")], "human");

    // the report counts it among the tags a person decided
    let report = tmp.path().join("report.html");
    run_expect(
        igf_lens()
            .args(["report", "--quiet", "--index"])
            .arg(&index)
            .arg("--out")
            .arg(&report),
        0,
    );
    let html = std::fs::read_to_string(&report).unwrap();
    let human = regex::Regex::new(
        r#"<tr><td>all themes</td>(?:<td class="n">\d+</td>){4}<td class="n">(\d+)</td>"#,
    )
    .unwrap();
    assert_eq!(&human.captures(&html).expect("decided table")[1], "1");

    // ingest --rebuild keeps it, and says what it did with the codes
    let err = rebuild(&index, &codes);
    assert!(err.contains("codes: 1 read, 1 applied"), "{err}");
    let t = theme(&passage(&index, bare), &theme_id).cloned().unwrap();
    assert_eq!(
        (t["decided_by"].as_str(), t["coder"].as_str()),
        (Some("human"), Some("Ana"))
    );
}

#[test]
fn a_removed_tag_stays_removed_after_rebuild_and_stale_codes_are_counted() {
    let (_tmp, index, codes) = sample();
    let (_, tagged, theme_id) = pick(&passages(&index));
    code(&index, &codes, tagged, &["--remove", &theme_id], 0);
    assert!(theme(&passage(&index, tagged), &theme_id).is_none());
    let err = rebuild(&index, &codes);
    assert!(
        theme(&passage(&index, tagged), &theme_id).is_none(),
        "{err}"
    );
    // A code whose passage text is not in the corpus is reported, not dropped.
    let mut text = std::fs::read_to_string(&codes).unwrap();
    text.push_str("2023-ws-999/0123456789abcdef,scope,risk,Ben,\n");
    std::fs::write(&codes, &text).unwrap();
    let err = rebuild(&index, &codes);
    assert!(err.contains("1 code(s) matched no passage"), "{err}");
    assert_eq!(std::fs::read_to_string(&codes).unwrap(), text);
}

#[test]
fn bad_codes_exit_2_and_a_locked_index_exits_75() {
    let (_tmp, index, codes) = sample();
    let (bare, _, theme_id) = pick(&passages(&index));
    let out = code(
        &index,
        &codes,
        1,
        &["--add", &format!("{theme_id}:risk")],
        2,
    );
    assert!(stderr(&out).contains("no passage 1 in"), "{}", stderr(&out));
    let out = code(&index, &codes, bare, &["--add", "no-such-theme:risk"], 2);
    let err = stderr(&out);
    assert!(
        err.contains("unknown theme \"no-such-theme\"") && err.contains(&theme_id),
        "{err}"
    );
    let out = code(
        &index,
        &codes,
        bare,
        &["--add", &format!("{theme_id}:good")],
        2,
    );
    assert!(stderr(&out).contains("valid values are risk, opportunity"));
    let out = code(
        &index,
        &codes,
        bare,
        &["--polarity", &format!("{theme_id}:risk")],
        2,
    );
    assert!(stderr(&out).contains("use --add"), "{}", stderr(&out));
    assert!(!codes.exists());
    let lock = std::fs::File::create(index.join(".igf-lens-ingest.lock")).unwrap();
    lock.lock().unwrap();
    code(
        &index,
        &codes,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        75,
    );
    drop(lock);
    assert!(!codes.exists());
}

/// Ten passages coded for one theme against what the tagger gave:
/// (auto, person) = (p, p) ×3, (p, absent) ×1, (absent, p) ×1, (absent, absent) ×5.
/// By hand (categories absent / p):
/// - kappa: p_o = 8/10; each side says p on 4 of 10: p_e = 0.4² + 0.6² = 0.52;
///   kappa = (0.8 − 0.52) / 0.48 = 0.583333;
/// - alpha: n = 20 values, 8 p and 12 absent; Σ_{c≠k} n_c n_k = 2·8·12 = 192; 2 disagreeing
///   units; alpha = 1 − 19·2·2 / 192 = 0.604167;
/// - eval: true positives 3, false positives 1, false negatives 1: precision = recall = F1 =
///   0.75; polarity right on all 3 true positives.
#[test]
fn agreement_and_eval_compare_the_tagger_with_the_codes() {
    let (_tmp, index, codes) = sample();
    let all = passages(&index);
    let (_, _, theme_id) = pick(&all);
    let with: Vec<(u64, String)> = all
        .iter()
        .filter(|p| p["words"].as_u64() > Some(20))
        .filter_map(|p| {
            let t = theme(p, &theme_id)?;
            Some((
                p["passage_id"].as_u64()?,
                t["polarity"].as_str()?.to_string(),
            ))
        })
        .collect();
    // One polarity throughout, so that the units fall in two categories.
    let pol = with[0].1.clone();
    let with: Vec<(u64, String)> = with.into_iter().filter(|w| w.1 == pol).take(4).collect();
    let without: Vec<u64> = all
        .iter()
        .filter(|p| theme(p, &theme_id).is_none() && p["words"].as_u64() > Some(20))
        .filter_map(|p| p["passage_id"].as_u64())
        .take(6)
        .collect();
    assert_eq!((with.len(), without.len()), (4, 6));
    for (id, _) in &with[..3] {
        code(
            &index,
            &codes,
            *id,
            &["--add", &format!("{theme_id}:{pol}")],
            0,
        );
    }
    code(&index, &codes, with[3].0, &["--remove", &theme_id], 0);
    code(
        &index,
        &codes,
        without[0],
        &["--add", &format!("{theme_id}:{pol}")],
        0,
    );
    for id in &without[1..] {
        code(&index, &codes, *id, &["--remove", &theme_id], 0);
    }
    let out = run_expect(
        igf_lens()
            .args(["agreement", "--format", "json", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&codes),
        0,
    );
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["passages"], 10);
    let row = &v["themes"][0];
    assert_eq!(
        (row["theme"].as_str(), row["passages"].as_u64()),
        (Some(theme_id.as_str()), Some(10))
    );
    assert_eq!(row["agreed"], 8);
    assert!(
        (row["kappa"].as_f64().unwrap() - 0.583_333).abs() < 1e-6,
        "{row}"
    );
    assert!(
        (row["alpha"].as_f64().unwrap() - 0.604_167).abs() < 1e-6,
        "{row}"
    );
    let out = run_expect(
        igf_lens()
            .args(["agreement", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&codes),
        0,
    );
    assert!(stdout(&out).contains("  0.583   0.604"), "{}", stdout(&out));

    let out = run_expect(
        igf_lens()
            .args(["eval", "--format", "json", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&codes),
        0,
    );
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["passages"], 10);
    let s = &v["themes"][theme_id.as_str()];
    assert_eq!(
        (
            s["true_positives"].as_u64(),
            s["false_positives"].as_u64(),
            s["false_negatives"].as_u64()
        ),
        (Some(3), Some(1), Some(1)),
        "{s}"
    );
    assert_eq!(s["f1"], 0.75);
    assert_eq!(v["polarity_accuracy"], 1.0);
}

/// An index built with codes, ingested again with `--no-codes`, says so: the human decisions
/// are gone from it, and the warning (shown even with `--quiet`) says from how many files and
/// how to apply them again. Only those files are processed again; every file was, before.
#[test]
fn an_ingest_told_no_codes_warns_that_the_human_decisions_are_gone() {
    let (_tmp, index, codes) = sample();
    let (bare, theme_id) = coded_and_rebuilt(&index, &codes);
    // Only the files the codes applied to are processed again (every file, before).
    let (files, coded) = manifest_counts(&index, &session_of(&index, bare));
    let err = ingest_sample(&index, &["--no-codes"]);
    assert!(
        err.contains(&format!(
            "igf-lens: warning: {coded} file(s) with codes processed again without them: the \
             index was built with a codes file"
        )) && err.contains("--codes FILE")
            && err.contains(&processed_unchanged(coded, files - coded))
            && !err.contains("every file")
            && !err.contains("applying the codes"),
        "{err}"
    );
    assert_eq!(theme(&passage(&index, bare), &theme_id), None);
    // Nothing recorded any more: the next ingest has no codes to apply again.
    assert_eq!(recorded_codes_files(&index), Vec::<String>::new());
    // --codes and --no-codes contradict each other.
    let out = run_expect(
        igf_lens()
            .args(["ingest", "--no-codes", "--codes"])
            .arg(&codes)
            .arg("--index")
            .arg(&index),
        2,
    );
    assert!(
        stderr(&out).contains("'--no-codes' cannot be used with '--codes <FILE>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn eval_with_codes_that_match_no_passage_of_the_index_is_an_error_not_a_table_of_zeros() {
    let (tmp, index, codes) = sample();
    // Codes made on the sample index, for a passage of WS #312 ...
    let id = passages(&index)
        .iter()
        .find(|p| {
            p["source"]
                .as_str()
                .is_some_and(|s| s.contains("2023-ws-312"))
        })
        .and_then(|p| p["passage_id"].as_u64())
        .unwrap();
    code(&index, &codes, id, &["--add", "surveillance:risk"], 0);
    // ... against an index of one other session only.
    let other_in = tmp.path().join("other");
    std::fs::create_dir(&other_in).unwrap();
    for f in ["2021-of-7.raw.txt", "2021-of-7.page.txt"] {
        std::fs::copy(repo().join("data/sessions").join(f), other_in.join(f)).unwrap();
    }
    let other = tmp.path().join("other-index");
    ingest_quiet(&other, &other_in, 0);
    let eval = |idx: &Path, codes: &Path| {
        run_expect(
            igf_lens()
                .args(["eval", "--index"])
                .arg(idx)
                .arg("--codes")
                .arg(codes),
            2,
        )
    };
    let err = stderr(&eval(&other, &codes));
    assert!(
        err.contains("no coded passage is in the index at")
            && err.contains("1 code(s) match none of its passages")
            && err.contains("codes.csv"),
        "{err}"
    );
    // A codes file with its header and no codes.
    let empty = tmp.path().join("empty.csv");
    std::fs::write(&empty, "key,theme,decision,coder,note\n").unwrap();
    let err = stderr(&eval(&index, &empty));
    assert!(err.contains("0 code(s) match none"), "{err}");
    // The index the codes were made on still evaluates.
    run_expect(
        igf_lens()
            .args(["eval", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&codes),
        0,
    );
}

/// A header and no code: a codes file an ingest can be given before anything is coded.
const NO_CODES_YET: &str = "key,theme,decision,coder,note\n";

/// `igf-lens ARGS` run in `dir`, exiting 0.
fn in_dir(dir: &Path, args: &[&str]) -> std::process::Output {
    run_expect(igf_lens().current_dir(dir).args(args), 0)
}

/// The `codes_files` the index's manifest records (none when it has no such field).
fn recorded_codes_files(index: &Path) -> Vec<String> {
    manifest(index)["codes_files"]
        .as_array()
        .map(|a| a.iter().map(|f| f.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// How the tag `theme_id` of passage `id` was decided (`None`: the passage lacks the theme).
fn decided_by(index: &Path, id: u64, theme_id: &str) -> Option<String> {
    theme(&passage(index, id), theme_id).and_then(|t| t["decided_by"].as_str().map(String::from))
}

/// The tag of `theme_id` on passage `id` among the hits of a `search --format json`: Ana's,
/// decided by a person.
fn coded_hit(out: &std::process::Output, id: u64, theme_id: &str) -> Value {
    let hit: Value = stdout(out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["passage_id"] == id)
        .expect("the coded passage is found by its theme");
    let t = theme(&hit, theme_id).cloned().unwrap();
    assert_eq!(
        (t["decided_by"].as_str(), t["coder"].as_str()),
        (Some("human"), Some("Ana"))
    );
    t
}

/// [`coded_hit`] among the hits of `search --theme THEME --session SESSION --format json` on
/// `index`, SESSION that of passage `id`.
fn searched_coded_hit(index: &Path, id: u64, theme_id: &str) -> Value {
    let session = passage(index, id)["session"].as_str().unwrap().to_string();
    let out = run_expect(
        igf_lens()
            .args(["search", "--theme", theme_id, "--session", &session])
            .args(["--format", "json", "-n", "1000", "--index"])
            .arg(index),
        0,
    );
    coded_hit(&out, id, theme_id)
}

/// A passage with no theme coded `THEME:risk` in `codes`, the index rebuilt with them: the tag
/// is the person's. Returns the passage id and the theme.
fn coded_and_rebuilt(index: &Path, codes: &Path) -> (u64, String) {
    let (bare, _, theme_id) = pick(&passages(index));
    code(
        index,
        codes,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        0,
    );
    rebuild(index, codes);
    assert_eq!(decided_by(index, bare, &theme_id).as_deref(), Some("human"));
    (bare, theme_id)
}

/// Issue 18, item 5: codes given once stick. `code` without `--codes` writes the file the
/// index was built with (not data/codes.csv), and an ingest not given `--codes`, `--rebuild`
/// too, applies that file again, and says so. On the code before, `code` wrote data/codes.csv
/// and the rebuild dropped the decision.
#[test]
fn code_writes_the_codes_file_of_the_index_and_a_rebuild_not_given_it_applies_it_again() {
    let tmp = tempdir();
    let dir = tmp.path();
    copy_dir(&repo().join("data/sessions"), &dir.join("corpus"));
    std::fs::write(dir.join("my.csv"), NO_CODES_YET).unwrap();
    in_dir(dir, &["ingest", "-q", "--codes", "my.csv", "corpus"]);
    let index = dir.join("index");
    let (bare, _, theme_id) = pick(&passages(&index));
    let add = format!("{theme_id}:risk");
    let id = bare.to_string();
    let out = in_dir(dir, &["code", &id, "--add", &add, "--coder", "Ana"]);
    assert_eq!(
        stdout(&out).lines().next(),
        Some(format!("{bare} {theme_id} risk -> my.csv").as_str())
    );
    let text = std::fs::read_to_string(dir.join("my.csv")).unwrap();
    assert!(text.contains(&format!(",{theme_id},risk,Ana,")), "{text}");
    assert!(!dir.join("data").exists());

    let out = in_dir(dir, &["ingest", "--rebuild", "corpus"]);
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "igf-lens: applying the codes of the last ingest: my.csv (--no-codes to ingest without them)\n"
        ) && err.contains("codes: 1 read, 1 applied")
            && !err.contains("warning"),
        "{err}"
    );
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    let session = passage(&index, bare)["session"]
        .as_str()
        .unwrap()
        .to_string();
    let out = in_dir(
        dir,
        &[
            "search",
            "--theme",
            &theme_id,
            "--session",
            &session,
            "--format",
            "json",
            "-n",
            "1000",
        ],
    );
    coded_hit(&out, bare, &theme_id);
    let out = in_dir(dir, &["export", "excerpts", "--theme", &theme_id]);
    let file = dir.join("excerpts.csv");
    std::fs::write(&file, stdout(&out)).unwrap();
    let (h, rows) = read_csv(&file);
    let row = rows
        .iter()
        .find(|r| r[col(&h, "passage_id")] == id)
        .unwrap();
    assert_eq!(row[col(&h, "decided_by")], "human");
    assert_eq!(recorded_codes_files(&index), ["my.csv"]);
}

/// Issue 18, item 5: an index built from a directory holding a codes.csv, ingested again
/// through a subdirectory (as `ingest data/sessions` after `ingest`), keeps the decisions and
/// processes nothing again: the codes are the same, so is the fingerprint. On the code before,
/// every file was processed again without the codes, with a warning.
#[test]
fn an_ingest_of_a_subdirectory_keeps_the_codes_csv_of_the_directory_and_processes_nothing() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    let sessions = corpus.join("sessions");
    copy_dir(&repo().join("data/sessions"), &sessions);
    let index = tmp.path().join("index");
    ingest_quiet(&index, &corpus, 0);
    let (bare, _, theme_id) = pick(&passages(&index));
    let codes = corpus.join("codes.csv");
    code(
        &index,
        &codes,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        0,
    );
    ingest_quiet(&index, &corpus, 0);
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );

    let out = run_expect(
        igf_lens()
            .args(["ingest", "--index"])
            .arg(&index)
            .arg(&sessions),
        0,
    );
    let files = std::fs::read_dir(&sessions)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "txt")
        .count();
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        lines[0],
        format!(
            "igf-lens: applying the codes of the last ingest: {} (--no-codes to ingest without them)",
            codes.display()
        )
    );
    let up_to_date = format!(
        "igf-lens: {files} files unchanged; index {} is up to date (",
        index.display()
    );
    assert!(lines[1].starts_with(&up_to_date), "{err}");
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
}

/// Issue 18, item 5: a codes file the last ingest read that is gone is named in a warning, then
/// the ingest goes on as one not given codes (the files they applied to again, the decisions
/// gone, said so).
/// On the code before, only the second warning was printed.
#[test]
fn a_recorded_codes_file_that_is_gone_is_named_and_its_decisions_dropped() {
    let (tmp, index, codes) = sample();
    let (bare, theme_id) = coded_and_rebuilt(&index, &codes);
    std::fs::remove_file(&codes).unwrap();
    let out = run_expect(
        igf_lens()
            .current_dir(tmp.path())
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg(repo().join("data/sessions")),
        0,
    );
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            format!(
                "igf-lens: warning: the codes file {} the last ingest read no longer exists: its decisions are not applied (to apply a codes file, ingest with --codes FILE)",
                codes.display()
            )
            .as_str()
        ),
        "{err}"
    );
    let (_, coded) = manifest_counts(&index, &session_of(&index, bare));
    assert!(
        lines.len() == 2
            && lines[1].starts_with(&format!(
                "igf-lens: warning: {coded} file(s) with codes processed again without them: the \
                 index was built with a codes file"
            )),
        "{err}"
    );
    assert_eq!(decided_by(&index, bare, &theme_id), None);
    // Forgotten: the next ingest warns no more.
    let out = run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg(repo().join("data/sessions")),
        0,
    );
    assert_eq!(stderr(&out), "");
}

/// Issue 18, item 5: from another directory, a relative codes file the index was built with is
/// the one in the directory ingest ran in, for `code` and for the next ingest. On the code
/// before, `code` wrote data/codes.csv under the current directory.
#[test]
fn from_another_directory_the_recorded_codes_file_is_found_where_ingest_ran() {
    let tmp = tempdir();
    let project = tmp.path().join("project");
    copy_dir(&repo().join("data/sessions"), &project.join("corpus"));
    std::fs::write(project.join("my.csv"), NO_CODES_YET).unwrap();
    in_dir(&project, &["ingest", "-q", "--codes", "my.csv", "corpus"]);
    let index = project.join("index");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let (bare, _, theme_id) = pick(&passages(&index));
    let ix = index.to_str().unwrap();
    let out = in_dir(
        &elsewhere,
        &[
            "code",
            &bare.to_string(),
            "--add",
            &format!("{theme_id}:opportunity"),
            "--index",
            ix,
        ],
    );
    let my = project.join("my.csv");
    assert_eq!(
        stdout(&out).lines().next(),
        Some(format!("{bare} {theme_id} opportunity -> {}", my.display()).as_str())
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    let text = passage(&index, bare)["text"].clone();
    // Rebuilt: the files' keys (and so the passage ids) from here are not those from project.
    let corpus = project.join("corpus");
    let out = in_dir(
        &elsewhere,
        &[
            "ingest",
            "--rebuild",
            "--index",
            ix,
            corpus.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "igf-lens: applying the codes of the last ingest: {} (--no-codes to ingest without them)\n",
            my.display()
        )) && err.contains("codes: 1 read, 1 applied"),
        "{err}"
    );
    let coded = passages(&index)
        .into_iter()
        .find(|p| p["text"] == text)
        .unwrap();
    let t = theme(&coded, &theme_id).cloned().unwrap();
    assert_eq!(
        (t["decided_by"].as_str(), t["polarity"].as_str()),
        (Some("human"), Some("opportunity"))
    );
    // Recorded as read from here: absolute, since this ingest ran elsewhere.
    assert_eq!(recorded_codes_files(&index), [my.to_str().unwrap()]);
}

/// `agreement` with no codes recorded yet says how to make them, naming the file it looked for.
#[test]
fn agreement_without_a_codes_file_says_how_to_record_codes() {
    let (tmp, index, _codes) = sample();
    let missing = tmp.path().join("none.csv");
    let out = run_expect(
        igf_lens()
            .args(["agreement", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&missing),
        2,
    );
    let err = stderr(&out);
    assert!(
        err.contains(
            "none.csv: no codes file there yet: record a person's decisions with `igf-lens code"
        ),
        "{err}"
    );
}

/// `agreement` without `--codes` compares the tagger with every codes file the index was built
/// with (a `codes.csv` among the inputs and the `--codes` file), as the ingest applied them;
/// it read only the last one before.
#[test]
fn agreement_without_codes_reads_every_codes_file_the_index_was_built_with() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    copy_dir(&repo().join("data/sessions"), &corpus.join("sessions"));
    let index = tmp.path().join("index");
    ingest_quiet(&index, &corpus, 0);
    let (bare, tagged, theme_id) = pick(&passages(&index));
    let among_inputs = corpus.join("codes.csv");
    let extra = tmp.path().join("extra.csv");
    code(
        &index,
        &among_inputs,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        0,
    );
    code(&index, &extra, tagged, &["--remove", &theme_id], 0);
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg("--codes")
            .arg(&extra)
            .arg(&corpus),
        0,
    );
    let out = run_expect(
        igf_lens()
            .args(["agreement", "--format", "json", "--index"])
            .arg(&index),
        0,
    );
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["passages"], 2, "{v}");
    assert_eq!(v["unmatched_codes"], 0, "{v}");
}

/// `igf-lens ingest ARGS --index INDEX data/sessions`, exiting 0: what it printed on stderr.
fn ingest_sample(index: &Path, args: &[&str]) -> String {
    let out = run_expect(
        igf_lens()
            .arg("ingest")
            .args(args)
            .arg("--index")
            .arg(index)
            .arg(repo().join("data/sessions")),
        0,
    );
    stderr(&out)
}

/// The session of passage `id`.
fn session_of(index: &Path, id: u64) -> String {
    passage(index, id)["session"].as_str().unwrap().to_string()
}

/// The files the manifest of `index` lists, and how many of them are transcripts of `session`.
fn manifest_counts(index: &Path, session: &str) -> (usize, usize) {
    let m = manifest(index);
    let files = m["files"].as_object().unwrap();
    let of_session = files
        .values()
        .filter(|e| e["kind"] == "transcript")
        .filter(|e| {
            e["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == session)
        })
        .count();
    (files.len(), of_session)
}

fn manifest(index: &Path) -> Value {
    let text = std::fs::read_to_string(index.join(igf_lens::pipeline::MANIFEST_FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The counts of an ingest summary's first line.
fn processed_unchanged(processed: usize, unchanged: usize) -> String {
    format!("({processed} processed, {unchanged} unchanged,")
}

/// The line of an ingest that found nothing to do.
fn up_to_date(index: &Path, files: usize) -> String {
    format!(
        "igf-lens: {files} files unchanged; index {} is up to date (",
        index.display()
    )
}

/// After `code`, the index is what an ingest with the codes makes: the next ingest processes
/// nothing, and the tag stays the person's in search, in `export passages` and after
/// `--rebuild` (which reads the codes file `code` wrote, recorded in the manifest). On the code
/// before, the next ingest processed every file again.
#[test]
fn after_code_an_ingest_processes_nothing_and_the_tag_stays_human() {
    let (_tmp, index, codes) = sample();
    let (bare, tagged, theme_id) = pick(&passages(&index));
    code(
        &index,
        &codes,
        bare,
        &["--add", &format!("{theme_id}:risk")],
        0,
    );
    let (files, coded) = manifest_counts(&index, &session_of(&index, bare));
    assert!(coded > 0);
    let err = ingest_sample(&index, &[]);
    assert!(err.contains(&up_to_date(&index, files)), "{err}");
    assert_eq!(
        searched_coded_hit(&index, bare, &theme_id)["polarity"],
        "risk"
    );
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    let err = ingest_sample(&index, &["--rebuild"]);
    assert!(err.contains("codes: 1 read, 1 applied"), "{err}");
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    // And so on: a second decision, then an ingest: nothing again.
    code(&index, &codes, tagged, &["--remove", &theme_id], 0);
    let err = ingest_sample(&index, &[]);
    assert!(err.contains(&up_to_date(&index, files)), "{err}");
    assert_eq!(theme(&passage(&index, tagged), &theme_id), None);
}

/// A hand edit of the codes file for one session processes again only that session's files
/// (and says so), with the tag applied; the row removed, those files again, the tag gone. A
/// code for a session no file holds changes nothing, and is counted as matching no passage by
/// the runs that process files; a code of a session not processed is not (it was counted when
/// its files were). On the code before, every file was processed again each time.
#[test]
fn a_hand_edit_of_the_codes_processes_again_only_the_files_of_its_session() {
    let (_tmp, index, codes) = sample();
    let (bare, theme_id) = coded_and_rebuilt(&index, &codes);
    let first = session_of(&index, bare);
    let other = passages(&index)
        .into_iter()
        .find(|p| {
            p["session"] != first.as_str()
                && p["words"].as_u64() > Some(20)
                && theme(p, &theme_id).is_none()
        })
        .unwrap();
    let id = other["passage_id"].as_u64().unwrap();
    let session = other["session"].as_str().unwrap();
    let key = igf_lens::codes::passage_key(session, other["text"].as_str().unwrap());
    let (files, n) = manifest_counts(&index, session);
    assert!(n > 0);
    let made = std::fs::read_to_string(&codes).unwrap();
    let ghost = "2019-ws-999/0123456789abcdef,scope,risk,Ben,\n";
    std::fs::write(&codes, format!("{made}{ghost}")).unwrap();
    let err = ingest_sample(&index, &[]);
    assert!(err.contains(&up_to_date(&index, files)), "{err}");
    std::fs::write(
        &codes,
        format!("{made}{ghost}{key},{theme_id},opportunity,Ben,\n"),
    )
    .unwrap();
    let err = ingest_sample(&index, &[]);
    assert!(
        err.contains(&format!(
            "igf-lens: {n} file(s) processed again for changed codes\n"
        )) && err.contains(&processed_unchanged(n, files - n))
            && err.contains("warning: 1 code(s) matched no passage")
            && err.contains("codes: 3 read, 2 applied"),
        "{err}"
    );
    let t = theme(&passage(&index, id), &theme_id).cloned().unwrap();
    assert_eq!(
        (t["decided_by"].as_str(), t["polarity"].as_str()),
        (Some("human"), Some("opportunity"))
    );
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    // -q hides the note, not the warning.
    std::fs::write(&codes, format!("{made}{ghost}")).unwrap();
    let err = ingest_sample(&index, &["-q"]);
    assert!(
        !err.contains("changed codes") && err.contains("1 code(s) matched no passage"),
        "{err}"
    );
    assert_eq!(theme(&passage(&index, id), &theme_id), None);
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    let err = ingest_sample(&index, &[]);
    assert!(err.contains(&up_to_date(&index, files)), "{err}");
}

/// An index made by an igf-lens that put the codes' hash in its fingerprint and recorded no
/// codes per file: with the same codes, only the files they apply to are processed again, once;
/// with other codes, every file, once, said why. Then the next ingest processes nothing. On the
/// code before, every file was processed again for "changed resources" (its fingerprint had a
/// codes hash already, which the test's made two).
#[test]
fn an_index_with_the_codes_in_its_fingerprint_is_processed_again_once_as_its_codes_allow() {
    let (_tmp, index, codes) = sample();
    let (bare, theme_id) = coded_and_rebuilt(&index, &codes);
    let (files, coded) = manifest_counts(&index, &session_of(&index, bare));
    let hash = igf_lens::codes::Codes::load(&codes)
        .unwrap()
        .hash()
        .unwrap();
    let older = |hash: &str| {
        let mut m = manifest(&index);
        let fp = format!("{};codes={hash}", m["fingerprint"].as_str().unwrap());
        m["fingerprint"] = fp.into();
        for e in m["files"].as_object_mut().unwrap().values_mut() {
            e.as_object_mut().unwrap().remove("codes");
        }
        let path = index.join(igf_lens::pipeline::MANIFEST_FILE);
        std::fs::write(path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    };
    older(&hash);
    let err = ingest_sample(&index, &[]);
    assert!(
        err.contains(&format!(
            "igf-lens: {coded} file(s) with codes processed again, once: the index was made by an \
             earlier igf-lens"
        )) && err.contains(&processed_unchanged(coded, files - coded)),
        "{err}"
    );
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    assert!(!manifest(&index)["fingerprint"]
        .as_str()
        .unwrap()
        .contains("codes"));
    assert!(ingest_sample(&index, &[]).contains(&up_to_date(&index, files)));
    // Made with other codes: which files they applied to is not known.
    older("0123456789abcdef");
    let err = ingest_sample(&index, &[]);
    assert!(
        err.contains(
            "igf-lens: every file was processed again: the codes changed since the index was made \
             by an earlier igf-lens"
        ) && err.contains(" 0 unchanged,"),
        "{err}"
    );
    assert_eq!(
        decided_by(&index, bare, &theme_id).as_deref(),
        Some("human")
    );
    assert!(ingest_sample(&index, &[]).contains(&up_to_date(&index, files)));
}
