//! Issue 16 (hardening), the index items: a corpus directory that holds the index (5), a
//! second corpus directory (7), orphan files after a full disk (9), damage read silently (8).
//! Each test reproduces its item through the built binary on a small corpus.

use crate::util::*;
use std::path::{Path, PathBuf};

/// Copies the named files of `data/sessions` into `dir` (created).
fn corpus(dir: &Path, names: &[&str]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for name in names {
        std::fs::copy(repo().join("data/sessions").join(name), dir.join(name)).unwrap();
    }
    dir.to_path_buf()
}

/// `igf-lens ingest -i INDEX [ARGS] PATHS`, expecting exit code `want`.
fn ingest(index: &Path, args: &[&str], paths: &[&Path], want: i32) -> std::process::Output {
    let mut cmd = igf_lens();
    cmd.args(["ingest", "-j", "1", "-i"]).arg(index).args(args);
    for p in paths {
        cmd.arg(p);
    }
    run_expect(&mut cmd, want)
}

#[test]
fn ingest_of_a_directory_passes_over_its_index_and_export_folder() {
    let tmp = tempdir();
    let dir = corpus(tmp.path(), &["2023-ws-225.raw.txt", "2023-ws-225.page.txt"]);
    let index = dir.join("index");
    ingest(&index, &[], &[&dir], 0);
    run_expect(
        igf_lens()
            .args(["export", "summary", "-q", "-i"])
            .arg(&index)
            .arg("-o")
            .arg(dir.join("out")),
        0,
    );
    // The index's segments and the export's CSVs (speakers.csv among them) are not a corpus.
    let again = ingest(&index, &["--strict"], &[&dir], 0);
    let err = stderr(&again);
    assert!(!err.contains("warning"), "{err}");
    assert!(err.contains("2 files unchanged"), "{err}");
    for own in [index, dir.join("out")] {
        let refused = ingest(&tmp.path().join("other"), &[], &[&own], 2);
        let err = stderr(&refused);
        assert!(err.starts_with("igf-lens: "), "{err}");
        assert!(err.contains(&own.display().to_string()), "{err}");
        assert!(!tmp.path().join("other/meta.json").exists());
    }
}

/// `igf-lens synth --out DIR --mb 1 --seed SEED`: two seeds give the same session ids.
fn synth(dir: &Path, seed: &str) {
    run_expect(
        igf_lens()
            .args(["synth", "--mb", "1", "--seed", seed, "--out"])
            .arg(dir),
        0,
    );
}

/// `igf-lens verify -i INDEX`'s verdict line, expecting it sound (exit 0).
fn verdict(index: &Path) -> String {
    let out = run_expect(igf_lens().args(["verify", "-i"]).arg(index), 0);
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!text.contains("damaged"), "{text}");
    text.lines()
        .find(|l| l.starts_with("verdict:"))
        .unwrap_or_default()
        .split(" in ")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_second_corpus_directory_keeps_the_first_and_agrees_with_one_ingest_of_both() {
    let tmp = tempdir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    synth(&a, "1");
    synth(&b, "2");
    let index = tmp.path().join("ix");
    ingest(&index, &["-q"], &[&a], 0);
    let second = ingest(&index, &["-q"], &[&b], 0);
    let err = stderr(&second);
    assert!(!err.contains("no longer exist"), "{err}");
    let one_by_one = verdict(&index);
    let both = tmp.path().join("both");
    ingest(&both, &["-q"], &[&a, &b], 0);
    assert_eq!(one_by_one, verdict(&both));
    // --prune drops what is not under this run's inputs: the index is then b alone.
    ingest(&index, &["-q", "--prune"], &[&b], 0);
    let alone = tmp.path().join("alone");
    ingest(&alone, &["-q"], &[&b], 0);
    assert_eq!(verdict(&index), verdict(&alone));
}

#[test]
fn an_ingest_removes_segment_files_no_commit_refers_to() {
    let tmp = tempdir();
    let dir = corpus(&tmp.path().join("c"), &["2023-ws-225.raw.txt"]);
    let index = tmp.path().join("ix");
    ingest(&index, &["-q"], &[&dir], 0);
    // What a run stopped by a full disk leaves: segment files outside meta.json.
    let orphans = [
        "0123456789abcdef0123456789abcdef.store",
        "0123456789abcdef0123456789abcdef.idx",
        "0123456789abcdef0123456789abcdef.7.del",
    ];
    for name in orphans {
        std::fs::write(index.join(name), vec![0u8; 4096]).unwrap();
    }
    ingest(&index, &["-q"], &[&dir], 0);
    for name in orphans {
        assert!(!index.join(name).exists(), "{name} was left behind");
    }
    let text = verdict(&index);
    assert!(text.starts_with("verdict: sound"), "{text}");
    ingest(&index, &["-q", "--rebuild"], &[&dir], 0);
}

#[test]
fn an_unchanged_reingest_finds_a_flipped_byte_in_a_segment_file() {
    let tmp = tempdir();
    let dir = corpus(&tmp.path().join("c"), &["2023-ws-225.raw.txt"]);
    let index = tmp.path().join("ix");
    ingest(&index, &["-q"], &[&dir], 0);
    let store = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    bytes[40] ^= 0x20;
    std::fs::write(&store, bytes).unwrap();
    let out = ingest(&index, &[], &[&dir], 2);
    let err = stderr(&out);
    assert!(!err.contains("up to date"), "{err}");
    assert!(err.contains("damaged") && err.contains(".store"), "{err}");
    ingest(&index, &["-q", "--rebuild"], &[&dir], 0);
}

/// Flips one bit of byte `at` of `path`.
fn flip(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at] ^= 0x04;
    std::fs::write(path, bytes).unwrap();
}

/// The largest file with extension `ext` in `index` (the segment that holds the passages).
fn largest(index: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap()
}

fn copy_index(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn search_and_export_refuse_a_flipped_byte_in_a_fast_or_fieldnorm_file() {
    let tmp = tempdir();
    let dir = corpus(
        &tmp.path().join("c"),
        &["2023-ws-225.raw.txt", "2023-ws-312.raw.txt"],
    );
    let pristine = tmp.path().join("ix");
    ingest(&pristine, &["-q"], &[&dir], 0);
    for ext in ["fast", "fieldnorm"] {
        let index = tmp.path().join(format!("ix-{ext}"));
        copy_index(&pristine, &index);
        let file = largest(&index, ext);
        flip(&file, std::fs::metadata(&file).unwrap().len() as usize / 2);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for args in [
            &["search", "treaty", "--facets"][..],
            &["export", "passages", "-o", "p.jsonl"][..],
        ] {
            let out = run_expect(
                igf_lens()
                    .current_dir(tmp.path())
                    .args(args)
                    .arg("--index")
                    .arg(&index),
                2,
            );
            let err = stderr(&out);
            assert!(
                err.contains(&format!("the index at {} is damaged", index.display()))
                    && err.contains(&format!("file {name} does not match its checksum"))
                    && err.contains("ingest --rebuild"),
                "{ext} {args:?}: {err}"
            );
        }
    }
}

#[test]
fn a_passage_altered_in_the_store_is_refused_when_read_never_returned_changed() {
    let tmp = tempdir();
    let dir = corpus(&tmp.path().join("c"), &["2023-ws-225.raw.txt"]);
    let pristine = tmp.path().join("ix");
    ingest(&pristine, &["-q"], &[&dir], 0);
    let export = |index: &Path, want: Option<i32>| {
        let mut cmd = igf_lens();
        cmd.current_dir(tmp.path())
            .args(["export", "passages", "-o", "p.jsonl", "--index"])
            .arg(index);
        let out = match want {
            Some(code) => run_expect(&mut cmd, code),
            None => cmd.output().expect("spawn igf-lens"),
        };
        (
            out,
            std::fs::read(tmp.path().join("p.jsonl")).unwrap_or_default(),
        )
    };
    let (_, original) = export(&pristine, Some(0));
    let store = largest(&pristine, "store");
    let len = std::fs::metadata(&store).unwrap().len() as usize;
    let index = tmp.path().join("ix-store");
    // One bit flipped at 24 places spread over the stored passages (the last 64 bytes are the
    // block index and footer): each read fails, and where the block still decompresses, it is
    // the passage's own checksum that refuses it. A flip the compressed block decodes to the
    // very same bytes (a copy from another offset holding the same bytes: the store's bytes
    // hold the corpus's path, so where that falls moves from run to run) changes nothing read:
    // the export is then the original's, byte for byte, and `verify` still reports the file.
    let (mut by_checksum, mut unchanged) = (0, 0);
    for k in 0..24 {
        let _ = std::fs::remove_dir_all(&index);
        let _ = std::fs::remove_file(tmp.path().join("p.jsonl"));
        copy_index(&pristine, &index);
        flip(
            &index.join(store.file_name().unwrap()),
            16 + k * (len - 80) / 24,
        );
        let (out, written) = export(&index, None);
        if out.status.code() == Some(0) {
            assert_eq!(written, original, "byte {k}: the export changed");
            run_expect(igf_lens().args(["verify", "--index"]).arg(&index), 2);
            unchanged += 1;
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "byte {k}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("the index at {} is damaged", index.display())),
            "byte {k}: {err}"
        );
        if err.contains("does not match its checksum: its text or fields were altered on disk") {
            by_checksum += 1;
        }
    }
    assert!(
        unchanged <= 2,
        "{unchanged} of 24 flips read without an error"
    );
    assert!(
        by_checksum >= 6,
        "only {by_checksum} of 24 caught by the checksum"
    );
}

/// `ingest --rebuild -i DIR` on a directory that is not an index but holds a `meta.json` (a
/// project folder of the user's, an index of another tool's with notes beside it) removed every
/// file and folder in it. Now it refuses, naming what it would have removed, and removes nothing;
/// an index directory damaged the same way but holding only index files is still rebuilt.
#[test]
fn rebuild_removes_nothing_from_a_directory_that_holds_more_than_an_index() {
    let tmp = tempdir();
    let dir = corpus(&tmp.path().join("corpus"), &["2022-of-18.raw.txt"]);
    let project = tmp.path().join("project");
    std::fs::create_dir_all(project.join("notes")).unwrap();
    std::fs::write(project.join("meta.json"), "{\"name\": \"my project\"}\n").unwrap();
    std::fs::write(project.join("notes/a.txt"), "important").unwrap();
    std::fs::write(project.join("thesis.docx"), "mine").unwrap();
    let out = ingest(&project, &["-q", "--rebuild"], &[&dir], 2);
    let err = stderr(&out);
    assert!(
        err.starts_with("igf-lens: --rebuild would remove everything in ")
            && err.contains(&project.join("notes").display().to_string())
            && err.contains("--index a directory of its own"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("notes/a.txt")).unwrap(),
        "important"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("thesis.docx")).unwrap(),
        "mine"
    );
    assert!(project.join("meta.json").exists());

    // The same garbage meta.json in a directory of index files alone: rebuilt.
    let index = tmp.path().join("ix");
    ingest(&index, &["-q"], &[&dir], 0);
    std::fs::write(index.join("meta.json"), "{\"name\": \"my project\"}\n").unwrap();
    ingest(&index, &["-q", "--rebuild"], &[&dir], 0);
    run_expect(igf_lens().args(["search", "treaty", "-i"]).arg(&index), 0);
}
