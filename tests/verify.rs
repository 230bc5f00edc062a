//! `igf-lens verify` through the built binary, and damage to an index's files: verify names
//! what is damaged and how to recover (exit 2); search, kwic and exports on the damaged index
//! fail with a message, never a panic; `ingest --rebuild` recovers.

use crate::util::*;
use igf_lens::index::Reader;
use igf_lens::pipeline::MANIFEST_FILE;
use std::path::{Path, PathBuf};

/// Copies the sample sessions into `dir/corpus` and ingests them into `dir/ix` with one thread,
/// so the index is one segment with the same bytes on every run.
fn indexed_corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir(repo().join("data/sessions")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    let index = dir.join("ix");
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "-j", "1", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    (corpus, index)
}

fn verify(index: &Path, want: i32) -> (String, String) {
    let out = run_expect(igf_lens().args(["verify", "--index"]).arg(index), want);
    (stdout(&out), stderr(&out))
}

/// The segment files of an index, sorted (`<uuid>.<ext>`).
fn segment_files(index: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// A small deterministic generator (xorshift), so damage is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    /// 200 random bytes overwritten anywhere.
    Scatter,
    /// 64 bytes inverted in the middle.
    Flip,
    /// The file cut short.
    Truncate,
    /// The footer (last 40 bytes) overwritten.
    Footer,
}

fn damage(path: &Path, how: Damage, seed: u64) {
    let mut b = std::fs::read(path).unwrap();
    let n = b.len();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    match how {
        Damage::Scatter => {
            for _ in 0..200 {
                let i = rng.below(n);
                b[i] = rng.next() as u8;
            }
        }
        Damage::Flip => {
            for x in &mut b[n / 2..(n / 2 + 64).min(n)] {
                *x ^= 0xFF;
            }
        }
        Damage::Truncate => b.truncate(rng.below(n)),
        Damage::Footer => {
            for x in &mut b[n.saturating_sub(40)..] {
                *x = rng.next() as u8;
            }
        }
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn a_fresh_index_is_sound() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let n = Reader::open(&index).unwrap().num_passages();
    let segments = segment_files(&index, "store").len();
    let (out, err) = verify(&index, 0);
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!("ok: schema version {}", igf_lens::index::SCHEMA_VERSION).as_str(),
            format!(
                "ok: {segments} segment(s), {} file(s): all present, checksums match",
                segments * 6
            )
            .as_str(),
            format!("ok: {n} stored passage(s) read back; the terms of 26 indexed field(s) read in every segment").as_str(),
            format!("ok: {MANIFEST_FILE}: 24 file(s), {n} passage(s), as in the index").as_str(),
            "ok: all 24 source file(s) unchanged since the last ingest",
            format!(
                "verdict: sound: {n} passage(s) in {segments} segment(s) at {}",
                index.display()
            )
            .as_str(),
        ]
    );
    // -q keeps the verdict and drops the ok lines.
    let out = run_expect(igf_lens().args(["verify", "-q", "--index"]).arg(&index), 0);
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn verify_writes_nothing_into_the_index() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let listing = |dir: &Path| -> Vec<(String, u64, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = e.metadata().unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    m.len(),
                    m.modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = listing(&index);
    verify(&index, 0);
    assert_eq!(listing(&index), before);
}

#[test]
fn no_index_says_run_ingest_first() {
    let tmp = tempdir();
    let index = tmp.path().join("nothing");
    let (out, err) = verify(&index, 2);
    assert_eq!(out, "");
    assert_eq!(
        err.trim(),
        format!(
            "igf-lens: no index at {0}: make one with `igf-lens ingest DATA_DIR --index {0}` \
             (DATA_DIR: the directory of transcripts), or pass an existing index to --index",
            index.display()
        )
    );
}

#[test]
fn every_kind_of_segment_damage_is_reported_never_panics_and_rebuild_recovers() {
    let tmp = tempdir();
    let (corpus, pristine) = indexed_corpus(tmp.path());
    let n = Reader::open(&pristine).unwrap().num_passages();
    let exts = ["store", "term", "idx", "pos", "fast", "fieldnorm"];
    let kinds = [
        Damage::Scatter,
        Damage::Flip,
        Damage::Truncate,
        Damage::Footer,
    ];
    let mut case = 0u64;
    // Reads that failed with the damage message, and those among them where tantivy panicked
    // (caught at the index boundary).
    let (mut failed, mut caught) = (0, 0);
    for ext in exts {
        for how in kinds {
            case += 1;
            let index = tmp.path().join(format!("ix-{ext}-{how:?}"));
            copy_dir(&pristine, &index);
            let target = segment_files(&index, ext).remove(0);
            let name = target.file_name().unwrap().to_string_lossy().into_owned();
            damage(&target, how, case);
            let what = format!("{ext} {how:?}");

            // verify: one damaged line naming the file, the verdict, the way out.
            let (out, err) = verify(&index, 2);
            let damaged: Vec<&str> = out.lines().filter(|l| l.starts_with("damaged: ")).collect();
            assert_eq!(damaged.len(), 1, "{what}: {out}");
            assert!(
                damaged[0].starts_with(&format!("damaged: segment {}: file {name} ", &name[..8])),
                "{what}: {out}"
            );
            assert!(
                damaged[0].ends_with(" does not match its checksum")
                    || damaged[0].ends_with(
                        " has no valid footer: it was cut short or its end is overwritten"
                    ),
                "{what}: {out}"
            );
            assert_eq!(
                out.lines().last(),
                Some(format!("verdict: damaged: 1 problem(s) at {}", index.display()).as_str()),
                "{what}"
            );
            assert_eq!(
                err.trim(),
                format!(
                    "igf-lens: the index at {} is damaged: rebuild it from the source files with `igf-lens ingest --rebuild --index {} {}`",
                    index.display(),
                    index.display(),
                    corpus.display()
                ),
                "{what}"
            );

            // Reading commands: an answer or a message, never a panic. Damage a query never
            // touches may go unnoticed; damage it touches says how to recover.
            let reads: [&[&str]; 5] = [
                &["search", "treaty", "-n", "50", "--format", "json"],
                &[
                    "search",
                    "cybercrime",
                    "--facets",
                    "--sort",
                    "date",
                    "--format",
                    "json",
                ],
                &[
                    "search",
                    "human rights",
                    "--fuzzy",
                    "-n",
                    "5",
                    "--format",
                    "json",
                ],
                &["kwic", "treaty"],
                &["export", "passages"],
            ];
            for args in reads {
                let out = igf_lens()
                    .args(args)
                    .arg("--index")
                    .arg(&index)
                    .output()
                    .unwrap();
                let code = out.status.code();
                let err = stderr(&out);
                assert!(!err.contains("panicked"), "{what} {args:?}: {err}");
                assert!(
                    matches!(code, Some(0..=2)),
                    "{what} {args:?}: {code:?} {err}"
                );
                if code == Some(2) {
                    failed += 1;
                    caught += usize::from(err.contains("failed inside the search engine"));
                    assert!(
                        err.contains(&format!("the index at {} is damaged", index.display()))
                            && err.contains("ingest --rebuild"),
                        "{what} {args:?}: {err}"
                    );
                }
            }

            // The way out works.
            run_expect(
                igf_lens()
                    .args(["ingest", "-q", "--rebuild", "--index"])
                    .arg(&index)
                    .arg(&corpus),
                0,
            );
            let (out, _) = verify(&index, 0);
            assert!(
                out.contains(&format!("verdict: sound: {n} passage(s)")),
                "{what}: {out}"
            );
            std::fs::remove_dir_all(&index).unwrap();
        }
    }
    // A damaged footer fails every read (segments are opened with their footers checked): six
    // files × five reads at least. How many more fail, and how many of those through a caught
    // panic (measured: 2 to 8 of 84 to 91), depends on hash-map order inside the process.
    assert!(failed >= 30, "only {failed} reads failed");
    eprintln!("damaged indexes: {failed} reads failed, {caught} through a caught panic");
}

#[test]
fn ingest_into_a_damaged_index_says_how_to_rebuild() {
    let tmp = tempdir();
    let (corpus, index) = indexed_corpus(tmp.path());
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    // A changed transcript makes the ingest open the writer.
    let raw = corpus.join("2023-ws-312.raw.txt");
    let mut text = std::fs::read_to_string(&raw).unwrap();
    text.push('\n');
    std::fs::write(&raw, text).unwrap();
    let out = ingest_quiet(&index, &corpus, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the index at {} is damaged", index.display()))
            && err.contains(&format!(
                "`igf-lens ingest --rebuild --index {} {}`",
                index.display(),
                corpus.display()
            )),
        "{err}"
    );
    // The advice works.
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--rebuild", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    verify(&index, 0);
}

#[test]
fn ingest_of_an_unchanged_corpus_still_notices_a_damaged_or_missing_index() {
    let tmp = tempdir();
    let (corpus, index) = indexed_corpus(tmp.path());
    let meta = std::fs::read(index.join("meta.json")).unwrap();
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    // No file changed, yet the run must not say the index is up to date.
    let out = ingest_quiet(&index, &corpus, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the index at {} is damaged", index.display()))
            && err.contains("--rebuild"),
        "{err}"
    );
    // An index removed from under its manifest is rebuilt from every file.
    std::fs::write(index.join("meta.json"), &meta).unwrap();
    let verdict = |out: String| out.lines().last().unwrap_or_default().to_string();
    let before = verdict(verify(&index, 0).0);
    assert!(before.starts_with("verdict: sound: "), "{before}");
    std::fs::remove_file(index.join("meta.json")).unwrap();
    let out = run_expect(
        igf_lens()
            .args(["ingest", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    assert!(
        stderr(&out).contains("the index next to it is missing"),
        "{}",
        stderr(&out)
    );
    // The same passages again (the segments differ, so compare the passage count).
    let after = verdict(verify(&index, 0).0);
    let count = |v: &str| {
        v.split(" passage(s)")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(count(&after), count(&before));
}

#[test]
fn a_missing_segment_file_is_reported() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let pos = segment_files(&index, "pos").remove(0);
    let name = pos.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(&pos).unwrap();
    let (out, _) = verify(&index, 2);
    assert!(
        out.lines()
            .any(|l| l == format!("damaged: segment {}: file {name} is missing", &name[..8])),
        "{out}"
    );
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    assert!(stderr(&out).contains("is damaged"), "{}", stderr(&out));
}

#[test]
fn a_damaged_manifest_or_version_file_is_reported() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let manifest = index.join(MANIFEST_FILE);
    let saved = std::fs::read(&manifest).unwrap();
    std::fs::write(&manifest, b"{\"fingerprint\": \"x\", \"files\": {").unwrap();
    let (out, _) = verify(&index, 2);
    let damaged: Vec<&str> = out.lines().filter(|l| l.starts_with("damaged")).collect();
    assert_eq!(damaged.len(), 1, "{out}");
    assert!(
        damaged[0].starts_with(&format!("damaged: {MANIFEST_FILE} does not parse (")),
        "{out}"
    );
    std::fs::write(&manifest, &saved).unwrap();

    let version = index.join(igf_lens::index::VERSION_FILE);
    std::fs::write(
        &version,
        r#"{"schema_version": 999, "analyzer": "x", "written_by": "y"}"#,
    )
    .unwrap();
    let (out, _) = verify(&index, 2);
    assert_eq!(
        out.lines().next(),
        Some(
            format!(
                "damaged: schema version 999 in {}, this igf-lens reads version {}",
                igf_lens::index::VERSION_FILE,
                igf_lens::index::SCHEMA_VERSION
            )
            .as_str()
        )
    );
    std::fs::remove_file(&version).unwrap();
    let (out, _) = verify(&index, 2);
    assert_eq!(
        out.lines().next(),
        Some(
            format!(
                "damaged: {} is missing: the schema version is unknown",
                igf_lens::index::VERSION_FILE
            )
            .as_str()
        )
    );
}

#[test]
fn a_manifest_whose_passage_count_differs_from_the_index_is_damage() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let n = Reader::open(&index).unwrap().num_passages();
    let path = index.join(MANIFEST_FILE);
    let mut m = igf_lens::pipeline::Manifest::load(&index).unwrap();
    let entry = m
        .files
        .values_mut()
        .find(|e| e.kind == igf_lens::pipeline::FileKind::Transcript)
        .unwrap();
    entry.passages += 3;
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let (out, _) = verify(&index, 2);
    assert!(
        out.lines().any(|l| l
            == format!(
                "damaged: {MANIFEST_FILE} records {} passage(s) but the index holds {n}",
                n + 3
            )),
        "{out}"
    );
}

#[test]
fn changed_and_deleted_source_files_are_warnings_with_the_command_to_run() {
    let tmp = tempdir();
    let (corpus, index) = indexed_corpus(tmp.path());
    let changed = corpus.join("2022-of-18.raw.txt");
    let old_size = std::fs::metadata(&changed).unwrap().len();
    let mut text = std::fs::read_to_string(&changed).unwrap();
    text.push_str("\n>> MODERATOR:  One more word about the quokka protocol.\n");
    std::fs::write(&changed, &text).unwrap();
    let deleted = corpus.join("2021-of-7.raw.txt");
    std::fs::remove_file(&deleted).unwrap();
    let deleted_passages = igf_lens::pipeline::Manifest::load(&index).unwrap().files
        [&deleted.to_string_lossy().into_owned()]
        .passages;
    // Same size, new content, new time.
    let touched = corpus.join("2023-ws-225.page.txt");
    let mut bytes = std::fs::read(&touched).unwrap();
    let i = bytes.iter().position(|b| b.is_ascii_lowercase()).unwrap();
    bytes[i] = bytes[i].to_ascii_uppercase();
    std::fs::write(&touched, &bytes).unwrap();

    let (out, err) = verify(&index, 0);
    assert_eq!(err, "");
    let warnings: Vec<&str> = out.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: {} no longer exists ({deleted_passages} passage(s) from it stay in the index): run `igf-lens ingest --prune --index {} {}` to drop them",
                deleted.display(),
                index.display(),
                corpus.display()
            ),
            format!(
                "warning: {} changed since the last ingest (size {old_size} → {}): run `igf-lens ingest --index {} {}` to read it again",
                changed.display(),
                text.len(),
                index.display(),
                corpus.display()
            ),
            format!(
                "warning: {} changed since the last ingest (same size, new content): run `igf-lens ingest --index {} {}` to read it again",
                touched.display(),
                index.display(),
                corpus.display()
            ),
        ]
    );
    assert!(out
        .lines()
        .last()
        .unwrap()
        .ends_with("; 3 warning(s): the index is out of date with its source files, see above"));
    // After the runs it asks for, the index matches its sources again.
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--prune", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    let (out, _) = verify(&index, 0);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("warning")).count(),
        0,
        "{out}"
    );
}

#[test]
fn an_index_whose_meta_json_is_garbage_does_not_open_and_rebuild_recovers() {
    let tmp = tempdir();
    let (corpus, index) = indexed_corpus(tmp.path());
    let n = Reader::open(&index).unwrap().num_passages();
    std::fs::write(index.join("meta.json"), "{garbage\n").unwrap();
    let (out, _) = verify(&index, 2);
    let damaged: Vec<&str> = out.lines().filter(|l| l.starts_with("damaged")).collect();
    assert_eq!(damaged.len(), 1, "{out}");
    assert!(
        damaged[0].starts_with("damaged: the index does not open: ")
            && damaged[0].contains("meta.json"),
        "{out}"
    );
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    assert!(
        stderr(&out).starts_with(&format!(
            "igf-lens: the index at {} is damaged: ",
            index.display()
        )),
        "{}",
        stderr(&out)
    );
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--rebuild", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    assert_eq!(Reader::open(&index).unwrap().num_passages(), n);
    verify(&index, 0);
}

/// A footer whose JSON ends early (a quote overwritten, so its last string never closes) is
/// reported as a footer that is not valid, like a footer cut off, not as a raw read error.
#[test]
fn a_footer_whose_json_ends_early_is_reported_as_no_valid_footer() {
    let tmp = tempdir();
    let (_, index) = indexed_corpus(tmp.path());
    let target = segment_files(&index, "term").remove(0);
    let mut bytes = std::fs::read(&target).unwrap();
    let at = bytes
        .windows(5)
        .rposition(|w| w == b"\"crc\"")
        .expect("the footer names its checksum");
    bytes[at + 4] = b'x';
    std::fs::write(&target, bytes).unwrap();
    let (out, _) = verify(&index, 2);
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    let want = format!(
        "damaged: segment {}: file {name} has no valid footer: it was cut short or its end is \
         overwritten",
        &name[..8]
    );
    assert!(out.lines().any(|l| l == want), "{out}");
}

/// The `igf-lens ingest …` command in backquotes in `message` (the last one).
fn printed_command(message: &str) -> String {
    let start = message
        .rfind("`igf-lens ingest")
        .unwrap_or_else(|| panic!("no ingest command in: {message}"));
    let rest = &message[start + 1..];
    rest[..rest.find('`').unwrap()].to_string()
}

/// Runs a command as printed by a hint, with `sh`, from `cwd` (which has no `data/`), the
/// built binary standing for `igf-lens`.
fn run_printed(command: &str, cwd: &Path) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_igf-lens");
    let rest = command.strip_prefix("igf-lens ").unwrap();
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{bin}' {rest} -q"))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_commands_hints_print_work_for_an_index_and_data_elsewhere() {
    let tmp = tempdir();
    // Neither the index nor the corpus is where ingest looks by default, and the corpus's
    // name needs quoting; the commands run from a directory without data/.
    let corpus = tmp.path().join("my corpus");
    copy_dir(&repo().join("data/sessions"), &corpus);
    let index = tmp.path().join("ix");
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg(&corpus),
        0,
    );
    let n = Reader::open(&index).unwrap().num_passages();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let sound = |what: &str| {
        let (out, _) = verify(&index, 0);
        assert!(
            out.contains(&format!("verdict: sound: {n} passage(s)")),
            "{what}: {out}"
        );
    };
    let want = format!(
        "igf-lens ingest --rebuild --index {} '{}'",
        index.display(),
        corpus.display()
    );

    // An index of another schema version: the error of a reader, then its command.
    std::fs::write(
        index.join(igf_lens::index::VERSION_FILE),
        r#"{"schema_version": 999, "analyzer": "x", "written_by": "y"}"#,
    )
    .unwrap();
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    let command = printed_command(&stderr(&out));
    run_expect_output(run_printed(&command, &elsewhere), 0);
    sound("old version");
    assert_eq!(command, want);

    // A damaged index: the reader's error and verify's verdict print the same command.
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    let from_search = printed_command(&stderr(&out));
    let (_, err) = verify(&index, 2);
    let command = printed_command(&err);
    run_expect_output(run_printed(&command, &elsewhere), 0);
    sound("damaged");
    assert_eq!(command, want);
    assert_eq!(from_search, want);

    // A deleted transcript: verify's warning names the prune command, which drops it.
    let deleted = corpus.join("2021-of-7.raw.txt");
    std::fs::remove_file(&deleted).unwrap();
    let (out, _) = verify(&index, 0);
    let warning = out.lines().find(|l| l.starts_with("warning: ")).unwrap();
    let command = printed_command(warning);
    run_expect_output(run_printed(&command, &elsewhere), 0);
    let (out, _) = verify(&index, 0);
    assert!(!out.contains("warning: "), "{out}");
    assert!(Reader::open(&index).unwrap().num_passages() < n);
    assert_eq!(
        command,
        format!(
            "igf-lens ingest --prune --index {} '{}'",
            index.display(),
            corpus.display()
        )
    );

    // An index whose manifest does not record its paths (made before they were): DATA_DIR,
    // explained.
    let mut m = igf_lens::pipeline::Manifest::load(&index).unwrap();
    m.inputs.clear();
    m.save(&index).unwrap();
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let (_, err) = verify(&index, 2);
    assert!(
        err.trim_end().ends_with(&format!(
            "`igf-lens ingest --rebuild --index {} DATA_DIR` (DATA_DIR: the files and \
             directories it was made from)",
            index.display()
        )),
        "{err}"
    );
}

#[test]
fn the_commands_hints_print_repeat_the_ingest_options_and_work_from_another_directory() {
    let tmp = tempdir();
    // The corpus and a taxonomy of one's own (the shipped one with a line added, so its hash
    // differs), named relative to the directory ingest runs in; the index is elsewhere.
    let project = tmp.path().join("project");
    copy_dir(&repo().join("data/sessions"), &project.join("my corpus"));
    let text = std::fs::read_to_string(repo().join("data/themes.toml")).unwrap() + "# ours\n";
    std::fs::write(project.join("my themes.toml"), &text).unwrap();
    let ours = format!(
        "taxonomy={};model=;",
        igf_lens::tag::taxonomy::version_of(&text)
    );
    let index = tmp.path().join("ix");
    let ingest = ["ingest", "-q", "--themes", "my themes.toml", "--no-model"];
    run_expect(
        igf_lens()
            .current_dir(&project)
            .args(ingest)
            .arg("--index")
            .arg(&index)
            .arg("my corpus"),
        0,
    );
    let fingerprint = || {
        igf_lens::pipeline::Manifest::load(&index)
            .unwrap()
            .fingerprint
    };
    let made = fingerprint();
    assert!(made.contains(&ours), "{made}");
    let n = Reader::open(&index).unwrap().num_passages();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let ix = index.display();

    // Sound, looked at from elsewhere: the files' relative keys are found from the directory
    // ingest ran in, not reported gone.
    let (out, err) = verify_from(&index, &elsewhere, 0);
    assert!(
        out.contains("source file(s) unchanged since the last ingest")
            && !err.contains("no longer exists"),
        "{out}{err}"
    );

    // A damaged index. From the directory ingest ran in, the command names the paths as given.
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let (_, err) = verify_from(&index, &project, 2);
    assert_eq!(
        printed_command(&err),
        format!("igf-lens ingest --rebuild --index {ix} --themes 'my themes.toml' --no-model 'my corpus'")
    );
    // From elsewhere, where they are not found, it names them from that directory, and works.
    let (_, err) = verify_from(&index, &elsewhere, 2);
    let command = printed_command(&err);
    assert_eq!(
        command,
        format!(
            "igf-lens ingest --rebuild --index {ix} --themes '{}' --no-model '{}'",
            project.join("my themes.toml").display(),
            project.join("my corpus").display()
        )
    );
    run_expect_output(run_printed(&command, &elsewhere), 0);
    let (out, _) = verify_from(&index, &elsewhere, 0);
    assert!(
        out.contains(&format!("verdict: sound: {n} passage(s)")),
        "{out}"
    );
    assert_eq!(
        fingerprint(),
        made,
        "the same taxonomy and model as the first ingest"
    );

    // A later ingest without the options tags with the shipped taxonomy, and its hints say so.
    run_expect(
        igf_lens()
            .current_dir(&project)
            .args(["ingest", "-q", "--index"])
            .arg(&index)
            .arg("my corpus"),
        0,
    );
    assert!(!fingerprint().contains(&ours), "{}", fingerprint());
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let (_, err) = verify_from(&index, &project, 2);
    assert_eq!(
        printed_command(&err),
        format!("igf-lens ingest --rebuild --index {ix} 'my corpus'")
    );
}

/// Paths that begin with `-` (given after `--`, or as `--index=-ix`) are printed in a hint as
/// `./-name`, which the command line takes for a path, not a flag. On the code before, the hint
/// printed `--index -ix -corpus`, which fails.
#[test]
fn a_hint_prints_a_path_that_begins_with_a_dash_as_a_path() {
    let tmp = tempdir();
    copy_dir(&repo().join("data/sessions"), &tmp.path().join("-corpus"));
    run_expect(
        igf_lens()
            .current_dir(tmp.path())
            .args(["ingest", "-q", "--index=-ix", "--", "-corpus"]),
        0,
    );
    let index = tmp.path().join("-ix");
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let out = run_expect(
        igf_lens()
            .current_dir(tmp.path())
            .args(["verify", "--index=-ix"]),
        2,
    );
    let command = printed_command(&stderr(&out));
    assert_eq!(command, "igf-lens ingest --rebuild --index ./-ix ./-corpus");
    run_expect_output(run_printed(&command, tmp.path()), 0);
    let (out, _) = verify_from(&index, tmp.path(), 0);
    assert!(out.contains("verdict: sound"), "{out}");
}

/// `igf-lens verify --index INDEX` run from `cwd`.
fn verify_from(index: &Path, cwd: &Path, want: i32) -> (String, String) {
    let out = run_expect(
        igf_lens()
            .current_dir(cwd)
            .args(["verify", "--index"])
            .arg(index),
        want,
    );
    (stdout(&out), stderr(&out))
}

/// Checks a finished command's exit code, showing its output when it is not `want`.
fn run_expect_output(out: std::process::Output, want: i32) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
