//! Issue 16 (hardening): what a careless or hostile input still broke. Each test reproduces one
//! item through the built binary.

use crate::util::*;
use std::path::{Path, PathBuf};

/// A temp dir with a small corpus (one transcript) ingested into `ix`.
fn small_index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(
        repo().join("data/sessions/2023-ws-225.raw.txt"),
        corpus.join("2023-ws-225.raw.txt"),
    )
    .unwrap();
    let index = tmp.path().join("ix");
    ingest_quiet(&index, &corpus, 0);
    (tmp, index)
}

/// The three commands that take `-o FILE`, writing to `out`.
fn writers(index: &Path, out: &Path) -> Vec<std::process::Command> {
    let mut report = igf_lens();
    report
        .args(["report", "-q", "-i"])
        .arg(index)
        .arg("-o")
        .arg(out);
    let mut excerpts = igf_lens();
    excerpts
        .args(["export", "excerpts", "-q", "--theme", "human-rights", "-i"])
        .arg(index)
        .arg("-o")
        .arg(out);
    let mut passages = igf_lens();
    passages
        .args(["export", "passages", "-q", "--format", "csv", "-i"])
        .arg(index)
        .arg("-o")
        .arg(out);
    vec![report, excerpts, passages]
}

#[cfg(unix)]
#[test]
fn o_writes_through_a_symlink_to_a_device_and_reports_write_errors() {
    let (tmp, index) = small_index();
    let link = tmp.path().join("full");
    std::os::unix::fs::symlink("/dev/full", &link).unwrap();
    for mut cmd in writers(&index, &link) {
        let out = run_expect(&mut cmd, 2);
        let err = stderr(&out);
        assert!(err.contains("/dev/full") || err.contains("full"), "{err}");
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "the link was replaced: {cmd:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn o_renames_over_a_symlinks_target_and_keeps_the_link() {
    let (tmp, index) = small_index();
    let target = tmp.path().join("real.out");
    std::fs::write(&target, "old").unwrap();
    let link = tmp.path().join("link.out");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for mut cmd in writers(&index, &link) {
        std::fs::write(&target, "old").unwrap();
        run_expect(&mut cmd, 0);
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "the link was replaced: {cmd:?}"
        );
        let body = std::fs::read_to_string(&target).unwrap();
        assert!(body.len() > 100, "the target was not written: {cmd:?}");
    }
}

/// Linux's `O_NONBLOCK`.
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;

#[cfg(target_os = "linux")]
#[test]
fn o_writes_into_a_fifo_without_replacing_it() {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (tmp, index) = small_index();
    let fifo = tmp.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for mut cmd in writers(&index, &fifo) {
        // Held open for reading and writing, so neither side blocks on open and the test never
        // hangs when the FIFO is (wrongly) renamed over.
        let mut pipe = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let done_r = done.clone();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 65536];
            loop {
                let finished = done_r.load(Ordering::SeqCst);
                match pipe.read(&mut buf) {
                    Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
                    _ if finished => return got,
                    _ => std::thread::yield_now(),
                }
            }
        });
        let code = cmd.status().unwrap().code();
        done.store(true, Ordering::SeqCst);
        let got = reader.join().unwrap();
        assert_eq!(code, Some(0), "{cmd:?}");
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(meta.file_type().is_fifo(), "the FIFO was replaced: {cmd:?}");
        assert!(got.len() > 100, "nothing came through the FIFO: {cmd:?}");
    }
}

/// Runs `igf-lens ARGS` and returns (exit code, stderr); a panic or abort fails the test.
fn code_and_err(args: &[&str], index: &Path) -> (i32, String) {
    let out = igf_lens()
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(out.status.code().is_some(), "{args:?} was killed: {err}");
    (out.status.code().unwrap(), err)
}

#[test]
fn huge_kwic_widths_are_refused_with_a_bound() {
    let (_tmp, index) = small_index();
    for width in ["18446744073709551614", "9223372036854775807", "4294967295"] {
        let (code, err) = code_and_err(&["kwic", "treaty", "--width", width], &index);
        assert_eq!(code, 2, "--width {width}: {err}");
        assert!(err.contains("--width") && err.contains(width), "{err}");
    }
    let (code, _) = code_and_err(&["kwic", "treaty", "--width", "60"], &index);
    assert_eq!(code, 0);
}

#[test]
fn huge_thread_counts_are_refused_with_a_bound() {
    let (tmp, index) = small_index();
    for jobs in ["1000", "18446744073709551615"] {
        let out = igf_lens()
            .args(["ingest", "-q", "-j", jobs, "--index"])
            .arg(&index)
            .arg(tmp.path().join("corpus"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "-j {jobs}: {err}");
        assert!(err.contains("--threads") || err.contains("-j"), "{err}");
        assert!(err.contains(jobs), "{err}");
    }
}

#[test]
fn a_huge_result_count_is_not_called_damage() {
    let (_tmp, index) = small_index();
    for n in ["1152921504606846976", "18446744073709551615"] {
        let (code, err) = code_and_err(&["search", "treaty", "-q", "-n", n], &index);
        assert_eq!(code, 0, "-n {n}: {err}");
        assert!(!err.contains("damaged"), "{err}");
        let (code, err) = code_and_err(&["search", "treaty", "-q", "--offset", n], &index);
        assert!(code == 0 || code == 1, "--offset {n}: {err}");
        assert!(!err.contains("damaged"), "{err}");
    }
}

#[test]
fn an_offset_past_the_last_match_says_which_offsets_there_are() {
    let (_tmp, index) = small_index();
    let (code, err) = code_and_err(&["search", "treaty", "-n", "1"], &index);
    assert_eq!(code, 0, "{err}");
    let total: usize = err
        .split(" of ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {err:?}"));
    for offset in [total.to_string(), "18446744073709551615".to_string()] {
        let (code, err) = code_and_err(&["search", "treaty", "--offset", &offset], &index);
        assert_eq!(code, 0, "--offset {offset}: {err}");
        let want = format!(
            "0 of {total} matching passages shown: --offset is past the last (offsets 0 to {})",
            total - 1
        );
        assert!(err.contains(&want), "--offset {offset}: {err}");
        assert!(!err.contains("(from"), "{err}");
    }
}

#[test]
fn a_fuzzy_query_with_thousands_of_words_is_refused() {
    let (_tmp, index) = small_index();
    let words: Vec<String> = (0..2000).map(|i| format!("word{i}")).collect();
    let query = words.join(" ");
    let (code, err) = code_and_err(&["search", &query, "--fuzzy"], &index);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--fuzzy") && err.contains("2000"), "{err}");
    let (code, err) = code_and_err(&["search", "treatie", "--fuzzy", "-q"], &index);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_huge_memory_budget_is_refused_with_a_bound() {
    let (tmp, index) = small_index();
    for (memory, want) in [("18446744073709551615", "--memory"), ("100000", "4095")] {
        let out = igf_lens()
            .args(["ingest", "-q", "-j", "1", "--memory", memory, "--index"])
            .arg(&index)
            .arg(tmp.path().join("corpus"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "--memory {memory}: {err}");
        assert!(err.contains(want) && err.contains(memory), "{err}");
    }
}

#[test]
fn a_missing_input_path_is_an_error_naming_it() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    let missing = tmp.path().join("sesions");
    let out = run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg(&missing),
        2,
    );
    let err = stderr(&out);
    assert!(
        err.contains("igf-lens:") && err.contains("sesions"),
        "{err}"
    );
    assert!(!index.join("meta.json").exists(), "an index was created");
}

#[test]
fn run_on_an_empty_corpus_says_what_to_do() {
    let tmp = tempdir();
    let corpus = tmp.path().join("empty");
    std::fs::create_dir_all(&corpus).unwrap();
    let out_dir = tmp.path().join("out");
    let out = run_expect(
        igf_lens()
            .args(["run", "-q", "--index"])
            .arg(tmp.path().join("ix"))
            .arg("--out")
            .arg(&out_dir)
            .arg(&corpus),
        2,
    );
    let err = stderr(&out);
    assert!(
        err.contains("no passages") && err.contains("empty"),
        "{err}"
    );
    assert!(!out_dir.join("sessions.csv").exists(), "CSVs were written");
}

/// Control characters a hostile transcript could carry: set the window title (OSC), clear the
/// screen, ring the bell, and the C1 form of `ESC[`.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{7}\u{9b}31m";

/// No terminal control but tab and newline.
fn assert_no_controls(what: &str, s: &str) {
    let bad: Vec<char> = s
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n'))
        .collect();
    assert!(bad.is_empty(), "{what} printed controls {bad:?}:\n{s}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let line = |speaker: &str, text: &str| {
        serde_json::json!({
            "session": "IGF 2023 WS #777",
            "title": format!("IGF 2023 WS #777 Hostile{HOSTILE} titles"),
            "speaker": speaker,
            "text": text,
        })
        .to_string()
    };
    let text = format!(
        "{}\n{}\n",
        line(
            &format!("ANNA{HOSTILE} LEE"),
            &format!("The draft treaty{HOSTILE} could criminalise security research without safeguards for anyone.")
        ),
        line(
            "BO KIM",
            "The treaty needs human rights safeguards and judicial oversight of data requests."
        ),
    );
    std::fs::write(corpus.join("hostile.jsonl"), text).unwrap();
    std::fs::write(corpus.join(format!("empty{HOSTILE}.txt")), "").unwrap();
    let index = tmp.path().join("ix");
    let out = ingest_quiet(&index, &corpus, 0);
    assert!(stderr(&out).contains("skipped"), "{}", stderr(&out));
    assert_no_controls("ingest warnings", &stderr(&out));

    let run = |args: &[&str]| {
        let out = run_expect(igf_lens().args(args).arg("-i").arg(&index), 0);
        assert_no_controls(&format!("{args:?} (stderr)"), &stderr(&out));
        stdout(&out)
    };
    let table = run(&["search", "treaty"]);
    assert!(table.contains('␛'), "{table}");
    assert_no_controls("search", &table);
    assert_no_controls("kwic", &run(&["kwic", "treaty"]));
    assert_no_controls("speakers", &run(&["speakers"]));
    let json = run(&["search", "treaty", "--format", "json"]);
    let hits: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let hostile = hits
        .iter()
        .find(|h| h["text"].as_str().unwrap().contains(HOSTILE))
        .unwrap_or_else(|| panic!("JSON lost the data: {json}"));
    assert!(hostile["speaker"].as_str().unwrap().contains(HOSTILE));
    let id = hostile["passage_id"].as_u64().unwrap().to_string();
    let shown = run(&["show", &id]);
    assert!(shown.contains("criminalise"), "{shown}");
    assert_no_controls("show", &shown);
    let csv = run(&["search", "treaty", "--format", "csv"]);
    assert!(csv.contains(HOSTILE), "CSV lost the data: {csv}");
}

/// `tag FILE` (table and `--explain`) and `eval --errors` printed the text they read as it
/// was, so a hostile file could set the window title or clear the screen; they show control
/// characters as visible stand-ins like the other tables, and JSON keeps the data.
#[test]
fn tag_and_eval_tables_show_the_controls_of_what_they_read_as_stand_ins() {
    let tmp = tempdir();
    let text = format!("The draft treaty{HOSTILE} could criminalise security research.\n");
    let file = tmp.path().join("hostile.txt");
    std::fs::write(&file, &text).unwrap();
    for extra in [&[][..], &["--explain"][..]] {
        let out = run_expect(igf_lens().arg("tag").arg(&file).args(extra), 0);
        let table = stdout(&out);
        assert!(table.contains("treaty␛]0;pwned␇"), "{extra:?}: {table}");
        assert_no_controls(&format!("tag {extra:?}"), &table);
    }
    let json = stdout(&run_expect(
        igf_lens().arg("tag").arg(&file).args(["--format", "json"]),
        0,
    ));
    let v: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert!(v["text"].as_str().unwrap().contains(HOSTILE), "{json}");

    let gold = tmp.path().join("gold.csv");
    let mut w = csv::Writer::from_path(&gold).unwrap();
    w.write_record(["id", "text", "labels"]).unwrap();
    w.write_record([&format!("p{HOSTILE}"), text.trim_end(), "cooperation:risk"])
        .unwrap();
    w.flush().unwrap();
    let out = run_expect(
        igf_lens()
            .arg("eval")
            .arg(&gold)
            .args(["--errors", "--no-model"]),
        0,
    );
    let table = stdout(&out);
    assert!(table.contains("treaty␛]0;pwned␇"), "{table}");
    assert_no_controls("eval --errors", &table);
}

/// A short raw transcript of session `WS #<code>` (2023), ten lines.
fn raw_transcript(code: u32) -> String {
    format!(
        "IGF 2023 WS #{code} Treaties and the people who test systems (RAW)\n\
         \n\
         >> MODERATOR:  Welcome to this workshop on what the draft convention means for researchers.\n\
         \n\
         >> ANNA LEE:  The draft could criminalise good-faith security testing without any safeguard for researchers.\n\
         \n\
         >> BO KIM:  Dual criminality and judicial oversight matter before data leaves a country.\n\
         \n\
         >> ANNA LEE:  Without them the treaty is a risk for journalists and human rights defenders.\n"
    )
}

/// The passages of an index.
fn passages(index: &Path) -> Vec<igf_lens::model::PassageRecord> {
    igf_lens::index::Reader::open(index).unwrap().all().unwrap()
}

#[test]
fn a_bad_json_lines_line_is_skipped_with_a_warning_naming_it() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let good = |speaker: &str, text: &str| {
        serde_json::json!({"session": "IGF 2023 WS #779", "speaker": speaker, "text": text})
            .to_string()
    };
    let file = corpus.join("turns.jsonl");
    std::fs::write(
        &file,
        format!(
            "{}\n{{\"session\": \"IGF 2023 WS #779\", \"speaker\": oops\n{}\n",
            good(
                "ANNA LEE",
                "The draft could criminalise good-faith security research."
            ),
            good(
                "BO KIM",
                "Judicial oversight matters before data leaves a country."
            ),
        ),
    )
    .unwrap();
    let index = tmp.path().join("ix");
    let err = stderr(&ingest_quiet(&index, &corpus, 0));
    let warning = format!("{}:2: ", file.display());
    assert!(err.contains(&warning), "no warning naming line 2: {err}");
    assert!(err.contains("not valid JSON"), "{err}");
    let mut speakers: Vec<String> = passages(&index).into_iter().map(|r| r.speaker).collect();
    speakers.sort();
    speakers.dedup();
    assert_eq!(speakers, ["ANNA LEE", "BO KIM"]);
}

#[test]
fn a_transcript_with_a_few_nul_bytes_is_kept_and_the_lines_are_named() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let text = raw_transcript(780);
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    // A few NULs inside line 5 and a run of them (a block the disk lost) at the end of line 7.
    lines[4].splice(20..20, [0u8; 4]);
    lines[6].extend([0u8; 40]);
    let file = corpus.join("damaged.raw.txt");
    std::fs::write(&file, lines.join(&b'\n')).unwrap();
    let index = tmp.path().join("ix");
    let err = stderr(&ingest_quiet(&index, &corpus, 0));
    assert!(!err.contains("binary"), "{err}");
    for line in [5, 7] {
        let want = format!("{}:{line}: ", file.display());
        assert!(err.contains(&want), "no warning naming line {line}: {err}");
    }
    let recs = passages(&index);
    assert!(
        recs.iter().any(|r| r.text.contains("judicial oversight")),
        "{recs:?}"
    );
    assert!(recs.iter().all(|r| !r.text.contains('\0')));
}

#[cfg(unix)]
#[test]
fn fifos_and_symlink_loops_met_in_a_directory_are_warned_about() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("ws781.raw.txt"), raw_transcript(781)).unwrap();
    let fifo = corpus.join("pipe.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let looped = corpus.join("sub/loop");
    std::os::unix::fs::symlink("..", &looped).unwrap();
    let index = tmp.path().join("ix");
    let err = stderr(&ingest_quiet(&index, &corpus, 0));
    for path in [&fifo, &looped] {
        let line = err
            .lines()
            .find(|l| l.contains(&path.display().to_string()))
            .unwrap_or_else(|| panic!("no warning for {}: {err}", path.display()));
        assert!(line.starts_with("igf-lens: warning: "), "{line}");
    }
    assert!(!passages(&index).is_empty());
}

#[test]
fn strict_counts_every_file_that_would_be_skipped() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("ws782.raw.txt"), raw_transcript(782)).unwrap();
    std::fs::write(corpus.join("a-empty.txt"), "").unwrap();
    std::fs::write(
        corpus.join("b-binary.bin"),
        [0u8, 159, 146, 150, 0, 0, 1, 2].repeat(50),
    )
    .unwrap();
    // A transcript by its title, with no turn: found out only by the full parse.
    std::fs::write(
        corpus.join("c-notes.raw.txt"),
        "IGF 2023 WS #785 Treaties and words (RAW)\n\nNothing but words here, no speaker at all.\n",
    )
    .unwrap();
    let index = tmp.path().join("ix");
    let err = stderr(&ingest_quiet(&index, &corpus, 0));
    let skipped = err.lines().filter(|l| l.contains("skipped")).count();
    assert_eq!(skipped, 3, "{err}");
    let strict = tmp.path().join("ix-strict");
    let out = run_expect(
        igf_lens()
            .args(["ingest", "-q", "--strict", "--index"])
            .arg(&strict)
            .arg(&corpus),
        2,
    );
    let err = stderr(&out);
    assert!(err.contains("3 file(s) would be skipped"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_non_utf8_file_name_is_not_later_called_gone() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-ws783.raw.txt");
    let file = corpus.join(name);
    std::fs::write(&file, raw_transcript(783)).unwrap();
    let index = tmp.path().join("ix");
    ingest_quiet(&index, &corpus, 0);
    // Another path ingested into the same index keeps the first file, which still exists.
    let other = tmp.path().join("ws784.raw.txt");
    std::fs::write(&other, raw_transcript(784)).unwrap();
    let err = stderr(&run_expect(
        igf_lens()
            .args(["ingest", "--index"])
            .arg(&index)
            .arg(&other),
        0,
    ));
    assert!(!err.contains("no longer exist"), "{err}");
    let sessions: std::collections::BTreeSet<String> =
        passages(&index).into_iter().map(|r| r.session).collect();
    assert!(sessions.contains("2023-ws-783"), "{sessions:?}");
    let out = run_expect(igf_lens().arg("verify").arg("-i").arg(&index), 0);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("no longer exists"), "{all}");
    assert!(!all.contains("warning"), "{all}");
}
