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
