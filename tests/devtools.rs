//! `igf-lens synth` and `igf-lens bench` run the `igf-lens-devtools` binary built beside
//! `igf-lens` (its own tests are in `crates/igf-lens-devtools/tests`): arguments, output and
//! exit code pass through.

use crate::util::{igf_lens, run_expect, stdout, tempdir};

#[test]
fn synth_runs_the_devtools_binary_with_its_arguments() {
    let tmp = tempdir();
    run_expect(
        igf_lens()
            .args([
                "-q",
                "synth",
                "--standard",
                "--sessions",
                "2",
                "--seed",
                "5",
                "--out",
            ])
            .arg(tmp.path()),
        0,
    );
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2019-ws-1.page.txt",
            "2019-ws-1.raw.txt",
            "2020-ws-2.page.txt",
            "2020-ws-2.raw.txt"
        ]
    );
}

#[test]
fn bench_help_and_errors_come_from_the_devtools_binary() {
    let help = run_expect(igf_lens().args(["bench", "--help"]), 0);
    assert!(
        stdout(&help).contains("--threads <LIST>"),
        "{}",
        stdout(&help)
    );
    // A bad flag is the tool's usage error (clap's exit code 2).
    let bad = run_expect(igf_lens().args(["synth", "--no-such-flag"]), 2);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--no-such-flag"), "{err}");
}

/// `synth --mb 100000` and `bench --mb 100000` wrote until the disk was full (10 GB a minute
/// here, then `No space left on device`, and a killed bench left its corpus in the temporary
/// directory); `--mb 18446744073709551615` overflowed; `-j 100000` never finished starting its
/// threads. Now the free space is checked before anything is written, and the flags are
/// bounded.
#[test]
fn synth_and_bench_refuse_what_the_disk_cannot_hold_and_bound_their_flags() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    let out = run_expect(
        igf_lens()
            .args(["synth", "--standard", "--mb", "10000000", "--out"])
            .arg(&corpus),
        2,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "igf-lens: cannot write the corpus into {0}: the corpus needs about 10000000 MB, and \
         the file system holding {0} has ",
        corpus.display()
    );
    assert!(err.starts_with(&want), "{err}");
    assert!(
        err.ends_with("MB spare): lower --mb or --sessions, or free space there\n"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&corpus).map_or(0, |d| d.count()), 0);

    let keep = tmp.path().join("bench");
    let out = run_expect(
        igf_lens()
            .args(["bench", "--no-peer", "--mb", "10000000", "--keep"])
            .arg(&keep),
        2,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "igf-lens: bench --mb 10000000 (the corpus and two indexes) needs about 40000000 \
             MB, and the file system holding {} has ",
            keep.display()
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&keep).map_or(0, |d| d.count()), 0);

    for (args, want) in [
        (
            &["synth", "--mb", "18446744073709551615", "--out", "x"][..],
            "error: invalid value '18446744073709551615' for '--mb <N>': \
             18446744073709551615 is not in 1..=10000000",
        ),
        (
            &["synth", "--sessions", "2", "-j", "100000", "--out", "x"][..],
            "error: invalid value '100000' for '--threads <N>': a thread count is a whole \
             number from 0 to 64",
        ),
        (
            &["bench", "--mb", "1", "-j", "1,100000"][..],
            "error: invalid value '100000' for '--threads <LIST>': a thread count is a whole \
             number from 1 to 64",
        ),
    ] {
        let out = run_expect(igf_lens().args(args).current_dir(tmp.path()), 2);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(want), "{args:?}: {err}");
    }
}

/// A bench that is killed (Ctrl-C, the OOM killer) cannot remove its scratch directory, with
/// its corpus and indexes (gigabytes at `--mb 1000`); the next bench removes it, naming it, and
/// removes its own when it ends.
#[test]
fn bench_removes_the_scratch_directory_a_killed_bench_left_and_its_own() {
    let tmp = tempdir();
    let dead = tmp.path().join("igf-lens-bench-4000000001");
    std::fs::create_dir_all(dead.join("corpus")).expect("mkdir");
    std::fs::write(dead.join("corpus/a.txt"), "x").expect("write");
    std::fs::write(tmp.path().join("igf-lens-bench-4000000001.lock"), "").expect("write");
    let out = run_expect(
        igf_lens()
            .args([
                "bench",
                "--no-peer",
                "--mb",
                "1",
                "-j",
                "1",
                "--format",
                "csv",
            ])
            .env("TMPDIR", tmp.path()),
        0,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "bench: removed {}, the scratch directory of a bench that was killed",
        dead.display()
    );
    assert!(err.contains(&want), "{err}");
    assert!(stdout(&out).contains(",end_to_end,"), "{}", stdout(&out));
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
