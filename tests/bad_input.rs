//! Bad input through the built binary (issue 7, item 6): each case gives a clear message naming
//! the file or value, the documented exit code (0 with a warning for a skipped file, 2 for an
//! error), keeps every passage already indexed, and stays in bounded memory.
//!
//! All sample text is our own. The big-file cases generate their input in a temp dir and measure
//! the child's peak resident memory with `/usr/bin/time -v` (or by polling `/proc/<pid>/status`
//! when that is missing).

use crate::util::*;
use igf_lens::index::Reader;
use igf_lens::model::PassageRecord;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A short raw transcript for session `WS #<code>` (2023) with accented and hyphenated names.
fn transcript(code: u32) -> String {
    format!(
        "IGF 2023 WS #{code} Quiet rooms and loud treaties (RAW)\n\
         \n\
         >> MODERATOR:  Welcome, everyone, to this small workshop on how the draft convention treats researchers.  We will keep it short and practical.\n\
         \n\
         >> JOSÉ NÚÑEZ:  Thank you.  I work on vulnerability disclosure in Montréal, and the draft could criminalise good-faith testing without any safeguard.\n\
         \n\
         >> MODERATOR:  Could you say more about safeguards for human rights in the cross-border provisions?\n\
         \n\
         >> JOSÉ NÚÑEZ:  Yes.  Dual criminality matters, and so does judicial oversight before data leaves a country.  Without them the treaty is a risk for journalists.\n"
    )
}

/// A temp dir holding `corpus/base.txt` (session WS #901) ingested into `ix`.
struct Setup {
    tmp: tempfile::TempDir,
    corpus: PathBuf,
    index: PathBuf,
    /// Passages after the first ingest.
    before: u64,
}

impl Setup {
    fn new() -> Setup {
        let tmp = tempdir();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("base.txt"), transcript(901)).unwrap();
        let index = tmp.path().join("ix");
        ingest_quiet(&index, &corpus, 0);
        let before = count(&index);
        assert_eq!(before, 4);
        Setup {
            tmp,
            corpus,
            index,
            before,
        }
    }

    /// Path of a file in the temp dir (outside the corpus).
    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `igf-lens ingest -q --index ix <corpus> <extra…>`.
    fn ingest(&self, extra: &[&Path], flags: &[&str]) -> Command {
        let mut cmd = igf_lens();
        cmd.args(["ingest", "-q"])
            .args(flags)
            .arg("--index")
            .arg(&self.index)
            .arg(&self.corpus)
            .args(extra);
        cmd
    }

    /// The passages of base.txt are all still there.
    fn assert_base_kept(&self) {
        let recs = records(&self.index);
        let base: Vec<&PassageRecord> =
            recs.iter().filter(|r| r.session == "2023-ws-901").collect();
        assert_eq!(base.len(), 4, "base passages lost");
    }
}

fn count(index: &Path) -> u64 {
    Reader::open(index).unwrap().num_passages()
}

fn records(index: &Path) -> Vec<PassageRecord> {
    Reader::open(index).unwrap().all().unwrap()
}

/// Number of passages `igf-lens search` prints for a query (JSON Lines), and its exit code.
fn search(index: &Path, args: &[&str]) -> (usize, i32) {
    let out = igf_lens()
        .arg("search")
        .args(args)
        .args(["-n", "100", "--format", "json", "--index"])
        .arg(index)
        .output()
        .unwrap();
    (
        stdout(&out).lines().count(),
        out.status.code().unwrap_or(-1),
    )
}

/// The warning line that names `file`.
fn warning_for<'a>(err: &'a str, file: &Path) -> &'a str {
    let name = file.display().to_string();
    err.lines()
        .find(|l| l.contains(&name))
        .unwrap_or_else(|| panic!("no line names {name}:\n{err}"))
}

/// Runs the built binary with `args`, returning its output (stderr without the measurement)
/// and its peak resident set size in bytes.
fn run_measured(args: &[OsString]) -> (Output, u64) {
    let bin = env!("CARGO_BIN_EXE_igf-lens");
    let time = Path::new("/usr/bin/time");
    if time.is_file() {
        let out = Command::new(time)
            .arg("-v")
            .arg(bin)
            .args(args)
            .current_dir(repo())
            .output()
            .unwrap();
        let err = stderr(&out);
        let (own, report) = err.split_at(err.find("\tCommand being timed").unwrap_or(err.len()));
        let kb: u64 = report
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no peak memory in /usr/bin/time's report:\n{err}"));
        let out = Output {
            stderr: own.as_bytes().to_vec(),
            ..out
        };
        return (out, kb * 1024);
    }
    // No /usr/bin/time: poll the child's high-water mark while it runs.
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let mut pipes = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = std::thread::spawn(move || {
        use std::io::Read;
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let _ = pipes.1.read_to_end(&mut e);
        let _ = pipes.0.read_to_end(&mut o);
        (o, e)
    });
    loop {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = child.wait().unwrap();
    let (o, e) = readers.join().unwrap();
    (
        Output {
            status,
            stdout: o,
            stderr: e,
        },
        peak_kb * 1024,
    )
}

/// `ingest -q -j 2 --index <ix> <corpus> <input>`, for [`run_measured`].
fn ingest_args(s: &Setup, input: &Path) -> Vec<OsString> {
    vec![
        "ingest".into(),
        "-q".into(),
        "-j".into(),
        "2".into(),
        "--index".into(),
        s.index.clone().into(),
        s.corpus.clone().into(),
        input.into(),
    ]
}

const MB: u64 = 1_000_000;

#[test]
fn invalid_utf8_in_the_middle_keeps_the_utf8_names_and_is_ingested() {
    let s = Setup::new();
    let text = transcript(902);
    let cut = text.find("Dual criminality").unwrap();
    let mut bytes = text.as_bytes()[..cut].to_vec();
    bytes.extend_from_slice(b"\xFF\x92 ");
    bytes.extend_from_slice(&text.as_bytes()[cut..]);
    let file = s.path("broken-utf8.txt");
    std::fs::write(&file, &bytes).unwrap();
    let out = run_expect(&mut s.ingest(&[&file], &[]), 0);
    assert_eq!(stderr(&out), "");
    assert_eq!(count(&s.index), s.before + 4);
    s.assert_base_kept();
    let recs: Vec<PassageRecord> = records(&s.index)
        .into_iter()
        .filter(|r| r.session == "2023-ws-902")
        .collect();
    // The stray bytes are read as Windows-1252; the UTF-8 around them stays UTF-8.
    let dual = recs
        .iter()
        .find(|r| r.text.contains("Dual criminality"))
        .unwrap();
    assert!(dual.text.contains("ÿ’ Dual criminality"), "{}", dual.text);
    assert!(recs.iter().any(|r| r.speaker == "JOSÉ NÚÑEZ"), "{recs:?}");
    assert_eq!(
        search(&s.index, &["montreal", "--session", "ws-902"]),
        (1, 0)
    );
}

#[test]
fn a_nul_laden_binary_file_is_skipped_with_a_warning() {
    let s = Setup::new();
    let file = s.corpus.join("capture.txt");
    let mut bytes = Vec::new();
    for i in 0..4096u32 {
        bytes.extend_from_slice(&[0, 0, (i % 251) as u8, 0, b'x', 0, 0, 7]);
    }
    std::fs::write(&file, &bytes).unwrap();
    let out = run_expect(&mut s.ingest(&[], &[]), 0);
    let err = stderr(&out);
    assert_eq!(
        warning_for(&err, &file),
        format!("igf-lens: warning: skipped {}: binary file", file.display())
    );
    assert_eq!(count(&s.index), s.before);
    s.assert_base_kept();
}

#[test]
fn an_empty_file_is_skipped_with_a_warning() {
    let s = Setup::new();
    let file = s.corpus.join("empty.txt");
    std::fs::write(&file, b"").unwrap();
    let blank = s.corpus.join("blank.txt");
    std::fs::write(&blank, b"  \r\n\n\t\n").unwrap();
    let out = run_expect(&mut s.ingest(&[], &[]), 0);
    let err = stderr(&out);
    assert_eq!(
        warning_for(&err, &file),
        format!("igf-lens: warning: skipped {}: empty file", file.display())
    );
    assert_eq!(
        warning_for(&err, &blank),
        format!(
            "igf-lens: warning: skipped {}: empty file (only whitespace)",
            blank.display()
        )
    );
    assert_eq!(count(&s.index), s.before);
    s.assert_base_kept();
}

#[test]
fn a_100_mb_file_of_words_without_line_breaks_is_skipped_in_bounded_memory() {
    let s = Setup::new();
    // Words and nothing else: not a transcript, skipped after a 64 KiB look.
    let plain = s.path("one-line-words.txt");
    std::fs::write(&plain, "word ".repeat((100 * MB / 5) as usize)).unwrap();
    let (out, peak) = run_measured(&ingest_args(&s, &plain));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "igf-lens: warning: skipped {}: unknown format: not an IGF session page, transcript, caption file or JSON Lines",
            plain.display()
        )
    );
    assert!(peak < 200 * MB, "peak RSS {} MB", peak / MB);
    assert_eq!(count(&s.index), s.before);
    s.assert_base_kept();
}

/// Measured on 2 cores: 15 s, 514 MB peak.
#[test]
fn a_100_mb_turn_without_line_breaks_is_ingested_in_bounded_memory() {
    let s = Setup::new();
    // One speaker label, then 100 MB of sentences on the same line: one enormous turn, read in
    // full and split into passages.
    let turn = s.path("2023-ws-999-one-line-turn.txt");
    let sentence = "The draft treaty worries researchers because good faith testing could become a crime without safeguards. ";
    let mut text = String::from(">> MODERATOR:  ");
    text.push_str(&sentence.repeat((100 * MB as usize) / sentence.len()));
    std::fs::write(&turn, &text).unwrap();
    drop(text);
    let started = Instant::now();
    let (out, peak) = run_measured(&ingest_args(&s, &turn));
    eprintln!(
        "100 MB one-line turn: {:.1}s, peak RSS {} MB",
        started.elapsed().as_secs_f64(),
        peak / MB
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(peak < 1000 * MB, "peak RSS {} MB", peak / MB);
    let n = count(&s.index);
    assert!(n > s.before + 100_000, "{n} passages");
    s.assert_base_kept();
}

#[test]
fn bom_utf16_and_windows_1252_transcripts_are_ingested_with_accents_searchable() {
    let s = Setup::new();
    let utf16 = |code: u32, big_endian: bool| -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in transcript(code).encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    // Windows-1252 has every letter of the transcript: é, Ú, Ñ map to single bytes.
    let cp1252: Vec<u8> = transcript(914)
        .chars()
        .map(|c| match c {
            'é' => 0xE9,
            'É' => 0xC9,
            'Ú' => 0xDA,
            'Ñ' => 0xD1,
            c if c.is_ascii() => c as u8,
            c => panic!("no Windows-1252 byte for {c:?} in the sample"),
        })
        .collect();
    let files: Vec<(&str, u32, Vec<u8>)> = vec![
        (
            "bom.txt",
            911,
            [b"\xEF\xBB\xBF".as_slice(), transcript(911).as_bytes()].concat(),
        ),
        ("utf16le.txt", 912, utf16(912, false)),
        ("utf16be.txt", 913, utf16(913, true)),
        ("cp1252.txt", 914, cp1252),
    ];
    for (name, _, bytes) in &files {
        std::fs::write(s.corpus.join(name), bytes).unwrap();
    }
    let out = run_expect(&mut s.ingest(&[], &[]), 0);
    assert_eq!(stderr(&out), "");
    assert_eq!(count(&s.index), s.before + 16);
    s.assert_base_kept();
    let recs = records(&s.index);
    for (name, code, _) in &files {
        let session = format!("2023-ws-{code}");
        let mine: Vec<&PassageRecord> = recs.iter().filter(|r| r.session == session).collect();
        assert_eq!(mine.len(), 4, "{name}");
        assert!(
            mine.iter().any(|r| r.speaker == "JOSÉ NÚÑEZ"),
            "{name}: {mine:?}"
        );
        assert!(mine.iter().any(|r| r.text.contains("Montréal")), "{name}");
        // Accents fold both ways: the plain and the accented spelling find the passage.
        for q in ["montreal", "Montréal"] {
            assert_eq!(
                search(&s.index, &[q, "--session", &session]),
                (1, 0),
                "{name} {q}"
            );
        }
        assert_eq!(
            search(
                &s.index,
                &["--speaker", "jose nunez", "--session", &session]
            ),
            (2, 0),
            "{name}"
        );
    }
}

#[test]
fn invisible_characters_and_u2011_do_not_split_words_in_the_index_or_in_queries() {
    let s = Setup::new();
    let text = "IGF 2023 WS #920 Hidden characters (RAW)\n\n\
        >> MODERATOR:  Our first topic is hyper\u{AD}quokka fraud, a kind of cyber\u{AD}crime that hides in payment apps.\n\n\
        >> MARIE\u{2011}CLAIRE DUBOIS:  As co\u{2011}moderator I add that blue\u{200B}wombat botnets and zebra\u{2060}finch kits come from the same forums.\n\n\
        >> MODERATOR:  And grey\u{200D}heron malware, a word we saw with a zero-width joiner.\n";
    std::fs::write(s.corpus.join("hidden.txt"), text).unwrap();
    run_expect(&mut s.ingest(&[], &[]), 0);
    assert_eq!(count(&s.index), s.before + 3);
    s.assert_base_kept();
    let cases: &[(&str, usize)] = &[
        // The plain word finds the word written with an invisible character inside.
        ("hyperquokka", 1),
        ("bluewombat", 1),
        ("zebrafinch", 1),
        ("greyheron", 1),
        // A query holding the invisible character finds it too.
        ("hyper\u{AD}quokka", 1),
        ("blue\u{200B}wombat", 1),
        // U+2011 behaves as the ASCII hyphen, in the text and in the query.
        ("co-moderator", 1),
        ("co\u{2011}moderator", 1),
        // The halves of a word joined by an invisible character are not words of their own.
        ("quokka", 0),
        ("wombat", 0),
    ];
    for &(q, want) in cases {
        let (n, code) = search(&s.index, &[q, "--session", "ws-920"]);
        assert_eq!((n, code), (want, if want > 0 { 0 } else { 1 }), "{q:?}");
    }
    // `cyber\u{AD}crime` is found by `cybercrime` (with the base transcript's mention, none).
    let (n, _) = search(&s.index, &["cybercrime", "--session", "ws-920"]);
    assert_eq!(n, 1);
    assert_eq!(
        search(
            &s.index,
            &["--speaker", "marie-claire", "--session", "ws-920"]
        ),
        (1, 0)
    );
    // Stored text keeps what was written.
    let recs = records(&s.index);
    assert!(recs.iter().any(|r| r.text.contains("cyber\u{AD}crime")));
}

/// Measured on 2 cores: 41 to 48 s and 628 MB peak (3.14x the file).
#[test]
fn a_200_mb_transcript_ingests_in_bounded_memory() {
    let s = Setup::new();
    let sentences = [
        "Researchers in Montréal test systems in good faith every day, and the draft could make that a crime unless intent is required.",
        "Capacity building matters too, since many countries lack the forensic labs to use any of these powers.",
        "Dual criminality protects journalists who receive leaked data, and judicial oversight should come before any transfer.",
        "The cross-border chapter lets one state ask another for stored data, which raises questions about safeguards.",
        "Private companies hold most of the evidence, so their role in the procedure deserves a clear legal basis.",
    ];
    let labels = [
        "MODERATOR",
        "JOSÉ NÚÑEZ",
        "ANNA KOWALSKA",
        "TOMÁS ÅBERG",
        "AUDIENCE",
    ];
    // 100 turns of 4 to 12 sentences (a few hundred words, as real turns), repeated to 200 MB.
    let mut block = String::new();
    for i in 0..100usize {
        let n = 4 + (i * 7) % 9;
        let speech: Vec<&str> = (0..n)
            .map(|k| sentences[(i + k) % sentences.len()])
            .collect();
        block.push_str(&format!(
            ">> {}:  {}\n\n",
            labels[i % labels.len()],
            speech.join("  ")
        ));
    }
    let file = s.path("long-day.txt");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        f.write_all(b"IGF 2023 WS #930 A very long day of talks (RAW)\n\n")
            .unwrap();
        for _ in 0..(200 * MB as usize) / block.len() {
            f.write_all(block.as_bytes()).unwrap();
        }
    }
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size > 199 * MB);
    let started = Instant::now();
    let (out, peak) = run_measured(&ingest_args(&s, &file));
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "200 MB transcript: {seconds:.1}s, peak RSS {} MB ({:.2} x the file)",
        peak / MB,
        peak as f64 / size as f64
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Bound: three copies of the file (its text, its turns, the passages in flight) plus the
    // index writer's own memory budget (64 MB per thread, 2 threads here) plus 64 MB for the
    // documents queued in tantivy's channel (up to 10,000) and what the allocator keeps. The
    // peak is about 3.65 x the file on a 2-core AMD EPYC machine, a little more than on the
    // machine this bound was first measured on.
    let writer_budget = 2 * 64 * MB;
    assert!(
        peak < size * 3 + writer_budget + 64 * MB,
        "peak RSS {} MB for a {} MB file",
        peak / MB,
        size / MB
    );
    let n = count(&s.index);
    assert!(n > s.before + 300_000, "{n} passages");
    s.assert_base_kept();
}

#[test]
fn an_empty_directory_a_broken_symlink_and_an_unreadable_file_are_reported() {
    let s = Setup::new();
    let empty = s.path("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let broken = s.path("gone.txt");
    std::os::unix::fs::symlink(s.path("no-such-target.txt"), &broken).unwrap();
    let out = run_expect(&mut s.ingest(&[&empty, &broken], &[]), 0);
    let err = stderr(&out);
    assert_eq!(
        warning_for(&err, &empty),
        format!(
            "igf-lens: warning: skipped {}: no files in this directory (hidden files are not read)",
            empty.display()
        )
    );
    assert_eq!(
        warning_for(&err, &broken),
        format!(
            "igf-lens: warning: skipped {}: broken symlink: its target does not exist",
            broken.display()
        )
    );
    assert_eq!(count(&s.index), s.before);
    // --strict turns the same warnings into exit 2, and still nothing is lost.
    let out = run_expect(&mut s.ingest(&[&empty, &broken], &["--strict"]), 2);
    assert!(stderr(&out).contains("--strict"), "{}", stderr(&out));
    assert_eq!(count(&s.index), s.before);

    // chmod 000 does not stop root (the tests run as root in CI): the case is checked only when
    // the file really cannot be opened.
    let locked = s.path("locked.txt");
    std::fs::write(&locked, transcript(940)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_err() {
        let out = run_expect(&mut s.ingest(&[&locked], &[]), 0);
        let err = stderr(&out);
        let line = warning_for(&err, &locked);
        assert!(line.contains("cannot read"), "{line}");
        assert!(line.to_lowercase().contains("permission denied"), "{line}");
        assert_eq!(count(&s.index), s.before);
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    s.assert_base_kept();
}

#[test]
fn a_taxonomy_with_errors_names_file_and_line_and_leaves_the_index_untouched() {
    let s = Setup::new();
    let theme = |polarity: &str, terms: &str| {
        format!(
            "[[theme]]\nid = \"a\"\nlabel = \"A\"\npolarity = \"{polarity}\"\nterms = {terms}\n"
        )
    };
    let cases: Vec<(&str, String, &str)> =
        vec![
        (
            "syntax.toml",
            format!("{}\n[[theme]]\nid = \"b\"\n", theme("risk", "[\"alpha\", \"beta\"")),
            ":7: invalid array",
        ),
        (
            "polarity.toml",
            theme("sideways", "[\"alpha\"]"),
            ":4: unknown polarity \"sideways\" for theme \"a\": valid values are risk, opportunity",
        ),
        (
            "duplicate.toml",
            theme("risk", "[\"alpha\", \"alphas\"]"),
            ":5: term \"alphas\" of theme \"a\" analyzes to the same tokens as \"alpha\"",
        ),
    ];
    for (name, body, want) in cases {
        let file = s.path(name);
        std::fs::write(&file, body).unwrap();
        // Even with --rebuild, a bad taxonomy stops the run before the index is touched.
        let out = run_expect(
            &mut s.ingest(&[], &["--rebuild", "--themes", file.to_str().unwrap()]),
            2,
        );
        let err = stderr(&out);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("igf-lens: {}{want}", file.display())),
            "{name}: {err}"
        );
        assert_eq!(count(&s.index), s.before, "{name}");
    }
    s.assert_base_kept();
}

#[test]
fn a_registry_with_errors_names_file_and_line_and_leaves_the_index_untouched() {
    let s = Setup::new();
    let header = "name,aliases,stakeholder,region,affiliation\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "group.csv",
            "José Núñez,,Civil Society,WEOG,Lab\nAnna K,,Martians,WEOG,X\n",
            ":3: unknown stakeholder group \"Martians\" for Anna K: use one of Government (government), Civil Society (civil-society)",
        ),
        (
            "region.csv",
            "José Núñez,,Civil Society,Atlantis,Lab\n",
            ":2: unknown region \"Atlantis\" for José Núñez: use one of African Group (african-group)",
        ),
        (
            "fields.csv",
            "\"José Núñez,,Civil Society\n",
            ":2: CSV error",
        ),
    ];
    for &(name, rows, want) in cases {
        let file = s.path(name);
        std::fs::write(&file, format!("{header}{rows}")).unwrap();
        let out = run_expect(
            &mut s.ingest(&[], &["--rebuild", "--registry", file.to_str().unwrap()]),
            2,
        );
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("igf-lens: {}{want}", file.display())),
            "{name}: {err}"
        );
        assert_eq!(count(&s.index), s.before, "{name}");
    }
    s.assert_base_kept();
}

/// A data file with bytes that are not UTF-8 (a codes, pairs or registry file saved as
/// Windows-1252, a taxonomy, a gold set) said only "stream did not contain valid UTF-8": no
/// line, no fix. It names the line and column of the first such byte and says to save the file
/// as UTF-8, and the index is untouched.
#[test]
fn a_data_file_that_is_not_utf8_names_the_line_and_column() {
    let s = Setup::new();
    // (flag, file, its bytes, the byte at fault, its column on line 2)
    let cases: &[(&str, &str, &[u8], &str, usize)] = &[
        (
            "--codes",
            "codes.csv",
            b"key,theme,decision,coder,note\n2023-ws-901/0d97d320890df0e1,scope,absent,Jos\xe9,\n",
            "0xE9",
            46,
        ),
        (
            "--pairs",
            "pairs.csv",
            b"file,session\nbase.txt,IGF 2023 WS #901 \x96 RAW\n",
            "0x96",
            27,
        ),
        (
            "--registry",
            "speakers.csv",
            b"name,aliases,stakeholder,region,affiliation\nJos\xe9 N,,Government,WEOG,\n",
            "0xE9",
            4,
        ),
    ];
    for &(flag, name, bytes, byte, col) in cases {
        let file = s.path(name);
        std::fs::write(&file, bytes).unwrap();
        let out = run_expect(&mut s.ingest(&[], &[flag, file.to_str().unwrap()]), 2);
        let err = stderr(&out);
        assert_eq!(
            err.trim_end(),
            format!(
                "igf-lens: {}:2: byte {byte} at column {col} is not UTF-8: save the file as UTF-8 text",
                file.display()
            ),
            "{flag}"
        );
        assert_eq!(count(&s.index), s.before, "{flag}");
    }
    let gold = s.path("gold.csv");
    std::fs::write(&gold, b"id,text,labels\n1,ok,\n2,caf\xe9,scope:risk\n").unwrap();
    let out = run_expect(igf_lens().arg("eval").arg(&gold), 2);
    assert!(
        stderr(&out).starts_with(&format!(
            "igf-lens: {}:3: byte 0xE9 at column 6 is not UTF-8",
            gold.display()
        )),
        "{}",
        stderr(&out)
    );
    let themes = s.path("themes.toml");
    std::fs::write(&themes, b"[[theme]]\nid = \"caf\xe9\"\n").unwrap();
    let out = run_expect(igf_lens().args(["themes", "check"]).arg(&themes), 2);
    assert!(
        stderr(&out).starts_with(&format!(
            "igf-lens: {}:2: byte 0xE9 at column 10 is not UTF-8",
            themes.display()
        )),
        "{}",
        stderr(&out)
    );
    s.assert_base_kept();
}

#[test]
fn a_query_with_a_syntax_error_shows_the_query_and_the_position() {
    let s = Setup::new();
    // (query, problem, column of the caret under the query)
    let cases: &[(&str, &str, usize)] = &[
        (
            "treaty AND (safeguards",
            "this `(` opens a group that is never closed",
            11,
        ),
        (
            "\"unclosed phrase",
            "this quote opens a phrase that is never closed",
            0,
        ),
        ("speaker:", "`speaker:` has no value", 8),
        ("nosuchfield:foo", "there is no field `nosuchfield`", 0),
        (
            "year:[2020 TO",
            "this `[` opens a range that is never closed",
            5,
        ),
        ("AND", "`AND` has nothing on its left", 0),
    ];
    for &(query, problem, col) in cases {
        let err = query_error(&s, query, col);
        assert_eq!(
            err.lines().next(),
            Some(
                format!(
                    "igf-lens: search in {}: query does not parse: {problem}",
                    s.index.display()
                )
                .as_str()
            ),
            "{query}: {err}"
        );
    }
    assert_eq!(count(&s.index), s.before);
}

/// `search QUERY` on the sample index exits 2, and its message goes on with the query, a caret
/// under column `col` of it and a line with the fix. Returns the message.
fn query_error(s: &Setup, query: &str, col: usize) -> String {
    let out = run_expect(
        igf_lens().args(["search", query, "--index"]).arg(&s.index),
        2,
    );
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.get(1).copied(),
        Some(format!("  {query}").as_str()),
        "{query}: {err}"
    );
    assert_eq!(
        lines.get(2).copied(),
        Some(format!("  {}^", " ".repeat(col)).as_str()),
        "{query}: {err}"
    );
    assert!(
        lines.get(3).is_some_and(|l| l.starts_with("fix: ")),
        "{query}: {err}"
    );
    err
}

/// `field:*` (any value) on a field tantivy cannot answer it for (text, title, polarity, …)
/// parsed, then failed when the search ran, and was reported as a damaged index with the advice
/// to rebuild it. It is a query error with its position; on the other fields it still works.
#[test]
fn any_value_on_a_field_that_cannot_answer_it_is_a_query_error_not_damage() {
    let s = Setup::new();
    let cases: &[(&str, &str, usize)] = &[
        ("title:*", "title", 0),
        ("treaty AND (polarity:* OR budapest)", "polarity", 12),
    ];
    for &(query, field, col) in cases {
        let err = query_error(&s, query, col);
        assert!(
            err.starts_with(&format!(
                "igf-lens: search in {}: query does not parse: `{field}:*` (any value) works only on the fields ",
                s.index.display()
            )),
            "{query}: {err}"
        );
        assert!(!err.contains("damaged"), "{query}: {err}");
    }
    assert_eq!(search(&s.index, &["speaker:*"]).1, 0);
}

#[test]
fn unknown_filter_values_exit_2_and_list_the_valid_values() {
    let s = Setup::new();
    let cases: &[(&str, &str, &str)] = &[
        (
            "--stakeholder",
            "martians",
            "invalid value \"martians\" for --stakeholder: valid values are Government (government), Civil Society (civil-society), Private Sector (private-sector), Technical Community (technical-community), Intergovernmental Organization (intergovernmental-organization), Unknown",
        ),
        (
            "--region",
            "atlantis",
            "invalid value \"atlantis\" for --region: valid values are African Group (african-group), Asia-Pacific Group (asia-pacific-group), Eastern European Group (eastern-european-group), GRULAC (grulac), WEOG (weog), Intergovernmental Organization (intergovernmental-organization), Unknown",
        ),
        (
            "--polarity",
            "sideways",
            "invalid value \"sideways\" for --polarity: valid values are risk, opportunity",
        ),
    ];
    for &(flag, value, want) in cases {
        for cmd in [vec!["search", "treaty"], vec!["kwic", "treaty"]] {
            let out = run_expect(
                igf_lens()
                    .args(&cmd)
                    .args([flag, value, "--index"])
                    .arg(&s.index),
                2,
            );
            assert_eq!(
                stderr(&out).trim(),
                format!("igf-lens: {want}"),
                "{cmd:?} {flag}"
            );
        }
    }
    // Themes are checked against the index: the valid values are the themes it carries.
    let themes = Reader::open(&s.index).unwrap().themes().unwrap();
    assert!(!themes.is_empty());
    let out = run_expect(
        igf_lens()
            .args(["search", "treaty", "--theme", "no-such-theme", "--index"])
            .arg(&s.index),
        2,
    );
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "igf-lens: search in {}: invalid value \"no-such-theme\" for --theme: valid values are {}",
            s.index.display(),
            themes.join(", ")
        )
    );
    assert_eq!(count(&s.index), s.before);
}

#[test]
fn writing_under_a_regular_file_exits_2_naming_the_file_in_the_way() {
    let s = Setup::new();
    // A path under a regular file cannot be created, even by root.
    let blocker = s.path("somefile");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out_dir = blocker.join("out");
    let out = run_expect(
        igf_lens()
            .args(["export", "summary", "-q", "--index"])
            .arg(&s.index)
            .arg("-o")
            .arg(&out_dir),
        2,
    );
    let err = stderr(&out);
    assert_eq!(
        err.trim(),
        format!(
            "igf-lens: cannot write the summary into {0}: cannot create the directory {0}: {1} \
             is a file, not a directory; choose another path",
            out_dir.display(),
            blocker.display()
        )
    );
    // The same for a CSV export and for an index, naming the file in the way.
    let csv = blocker.join("sub").join("excerpts.csv");
    let out = run_expect(
        igf_lens()
            .args([
                "export",
                "excerpts",
                "-q",
                "--theme",
                "security-research",
                "--index",
            ])
            .arg(&s.index)
            .arg("-o")
            .arg(&csv),
        2,
    );
    assert!(
        stderr(&out).contains(&format!(
            "{} is a file, not a directory; choose another path",
            blocker.display()
        )),
        "{}",
        stderr(&out)
    );
    let out = run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(blocker.join("ix"))
            .arg(&s.corpus),
        2,
    );
    assert!(
        stderr(&out).contains(&format!(
            "cannot create the directory {}: {} is a file",
            blocker.join("ix").display(),
            blocker.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "not a directory"
    );
    assert_eq!(count(&s.index), s.before);
    s.assert_base_kept();
}

#[test]
fn command_line_errors_say_igf_lens_like_every_other_error() {
    let out = run_expect(igf_lens().args(["search", "--bogus"]), 2);
    let err = stderr(&out);
    assert!(
        err.starts_with("igf-lens: unexpected argument '--bogus'"),
        "{err}"
    );
    assert!(err.contains("Usage: igf-lens search"), "{err}");
    let out = run_expect(igf_lens().args(["kwic", "x", "--width", "abc"]), 2);
    assert!(
        stderr(&out).starts_with("igf-lens: invalid value 'abc' for '--width <N>'"),
        "{}",
        stderr(&out)
    );
    let out = run_expect(igf_lens().args(["search", "--help"]), 0);
    assert!(stdout(&out).contains("Usage: igf-lens search"));
    assert!(stderr(&out).is_empty());
}

/// Stderr of `igf-lens ARGS --index INDEX`, which must exit 2.
fn index_error(args: &[&str], index: &Path) -> String {
    let out = run_expect(igf_lens().args(args).arg("--index").arg(index), 2);
    stderr(&out).trim().to_string()
}

#[test]
fn an_index_path_that_holds_no_index_gets_a_hint_that_works() {
    let s = Setup::new();
    let commands: [&[&str]; 3] = [&["sessions"], &["search", "treaty"], &["verify"]];
    // A file: --index takes a directory.
    let file = s.corpus.join("base.txt");
    for args in commands {
        assert_eq!(
            index_error(args, &file),
            format!(
                "igf-lens: no index at {}: it is a file, and --index takes a directory: make an \
                 index with `igf-lens ingest DATA_DIR --index DIR` (DATA_DIR: the directory of \
                 transcripts) and pass that DIR",
                file.display()
            ),
            "{args:?}"
        );
    }
    // A directory of transcripts: ingest it into another directory.
    for args in commands {
        assert_eq!(
            index_error(args, &s.corpus),
            format!(
                "igf-lens: no index at {0}: it is a directory without one; to index the \
                 transcripts in it, run `igf-lens ingest {0} --index DIR` and pass that DIR to \
                 --index",
                s.corpus.display()
            ),
            "{args:?}"
        );
    }
    // Nothing there: the hint, run as given, makes the index the command then reads.
    let fresh = s.path("fresh");
    for args in commands {
        assert_eq!(
            index_error(args, &fresh),
            format!(
                "igf-lens: no index at {}: make one with `igf-lens ingest DATA_DIR --index {}` \
                 (DATA_DIR: the directory of transcripts), or pass an existing index to --index",
                fresh.display(),
                fresh.display()
            ),
            "{args:?}"
        );
    }
    let hinted = |index: &Path| {
        run_expect(
            igf_lens()
                .args(["ingest", "-q"])
                .arg(&s.corpus)
                .arg("--index")
                .arg(index),
            0,
        )
    };
    hinted(&fresh);
    run_expect(igf_lens().args(["sessions", "-i"]).arg(&fresh), 0);
    // An index without its manifest: `sessions` says how to write it, and that works.
    std::fs::remove_file(s.index.join("igf-lens-manifest.json")).unwrap();
    assert_eq!(
        index_error(&["sessions"], &s.index),
        format!(
            "igf-lens: no ingest manifest in {}: write it with `igf-lens ingest DATA_DIR --index \
             {}` (DATA_DIR: the transcripts the index was made from)",
            s.index.display(),
            s.index.display()
        )
    );
    hinted(&s.index);
    run_expect(igf_lens().args(["sessions", "-i"]).arg(&s.index), 0);
}

#[test]
fn a_jsonl_time_too_large_is_out_of_range_and_a_negative_one_is_below_zero() {
    let s = Setup::new();
    let line = |time: &str| {
        format!(
            "{{\"session\":\"IGF 2023 WS #902\",\"speaker\":\"ANNA\",\"text\":\"Safeguards \
             matter.\",{time}}}\n"
        )
    };
    let cases = [
        (
            "huge.jsonl",
            "\"start\":1e308",
            "\"start\" 1e+308 is out of range: a time must be from 0 to under 1000000000 \
             seconds (about 31 years), or \"HH:MM:SS.mmm\"",
        ),
        (
            "overflow.jsonl",
            "\"start\":1,\"end\":18446744073709551616",
            "\"end\" 1.8446744073709552e+19 is out of range: a time must be from 0 to under \
             1000000000 seconds (about 31 years), or \"HH:MM:SS.mmm\"",
        ),
        (
            "negative.jsonl",
            "\"start\":-1",
            "\"start\" must be a number of seconds ≥ 0, found -1",
        ),
    ];
    for (name, time, _) in cases {
        std::fs::write(s.corpus.join(name), line(time)).unwrap();
    }
    let out = run_expect(&mut s.ingest(&[], &[]), 0);
    let err = stderr(&out);
    for (name, _, message) in cases {
        let file = s.corpus.join(name);
        assert_eq!(
            warning_for(&err, &file),
            format!(
                "igf-lens: warning: skipped {0}: {0}:1: {message}",
                file.display()
            )
        );
    }
    assert_eq!(count(&s.index), s.before);
    s.assert_base_kept();
}

/// The message of a text input refused for its size (`Error::read_limited`).
fn too_big(path: &str) -> String {
    format!(
        "igf-lens: {path}: more than 512 MB (or a device that never ends, such as /dev/zero): \
         igf-lens reads text inputs of up to 512 MB; give the right file, or split it"
    )
}

/// A taxonomy, registry, gold set, codes file or `tag` input read whole had no bound:
/// `eval /dev/zero`, `tag --themes /dev/zero`, `ingest --registry /dev/zero` and
/// `code --codes /dev/full` read until memory ran out and the kernel killed igf-lens (exit 137).
/// Now 512 MB are read at most, and the file is named.
#[cfg(target_os = "linux")]
#[test]
fn a_text_input_that_never_ends_is_refused_not_read_until_memory_runs_out() {
    let s = Setup::new();
    let index = s.index.clone().into_os_string();
    let cases: [&[&str]; 3] = [
        &["eval", "/dev/zero"],
        &["tag", "--themes", "/dev/zero", "--text", "treaty"],
        &["ingest", "-q", "--registry", "/dev/zero", "--index"],
    ];
    for args in cases {
        let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
        if args[0] == "ingest" {
            args.extend([index.clone(), s.corpus.clone().into_os_string()]);
        }
        let (out, peak) = run_measured(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        // The first line: /usr/bin/time adds its own about the exit status.
        let err = stderr(&out);
        assert_eq!(
            err.lines().next(),
            Some(too_big("/dev/zero").as_str()),
            "{args:?}"
        );
        assert!(peak < 2_000 * MB, "{args:?}: peak {} MB", peak / MB);
    }
    // The standard input of `tag -` is bounded the same way.
    let out = igf_lens()
        .args(["tag", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), too_big("standard input") + "\n");
    assert_eq!(count(&s.index), s.before);
}

/// `search 'the of'` said "the query only excludes terms" (exit 2), `search the` "no passage
/// matches" (exit 1): a query of stop words alone now says so, as `kwic` does.
#[test]
fn a_query_of_stop_words_alone_says_they_are_not_indexed() {
    let s = Setup::new();
    for query in ["the of", "the", "the AND of"] {
        let out = run_expect(
            igf_lens()
                .args(["search", "--index"])
                .arg(&s.index)
                .arg(query),
            2,
        );
        assert_eq!(
            stderr(&out),
            format!(
                "igf-lens: search in {}: invalid value {query:?} for QUERY: valid values are a \
                 query with at least one word that is not a stop word (the, and, of… are not \
                 indexed, so a query of them alone matches nothing)\n",
                s.index.display()
            )
        );
    }
    // A stop word beside another word, or excluded from a query that has one, is no error.
    assert_eq!(search(&s.index, &["the treaty"]), (1, 0));
}

/// A tree 1,500 directories deep is walked and its transcript ingested. (It took 46 s to
/// discover: every entry's path was canonicalized anew, one `readlink` per component, d² system
/// calls on paths of length d; 1.5 s now. The time is printed, not asserted: timings belong to
/// the benchmarks.)
#[test]
fn a_very_deep_directory_is_walked_and_its_transcript_ingested() {
    let s = Setup::new();
    let top = s.path("deep");
    let mut dir = top.clone();
    for _ in 0..1500 {
        dir.push("d");
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("t.txt"), transcript(950)).unwrap();
    let started = Instant::now();
    run_expect(&mut s.ingest(&[&top], &[]), 0);
    eprintln!("a tree 1,500 directories deep: {:?}", started.elapsed());
    assert_eq!(count(&s.index), s.before + 4);
}

/// Two symlinks to each other were "broken symlink: its target too many levels of symbolic
/// links"; now the warning says the link cannot be followed, and why.
#[test]
fn a_loop_of_symlinks_is_a_symlink_that_cannot_be_followed() {
    let s = Setup::new();
    let (a, b) = (s.path("loop-a.txt"), s.path("loop-b.txt"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = run_expect(&mut s.ingest(&[&a], &[]), 0);
    assert_eq!(
        warning_for(&stderr(&out), &a),
        format!(
            "igf-lens: warning: skipped {}: cannot follow the symlink: too many levels of \
             symbolic links",
            a.display()
        )
    );
    assert_eq!(count(&s.index), s.before);
}

/// `export passages -o DIR` wrote the whole export to a temporary file beside DIR, then failed
/// with "DIR: Is a directory (os error 21)"; it is now refused first, with what to give.
#[test]
fn an_output_path_that_is_a_directory_is_refused_with_the_fix() {
    let s = Setup::new();
    let dir = s.path("a-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let out = run_expect(
        igf_lens()
            .args(["export", "passages", "-i"])
            .arg(&s.index)
            .arg("-o")
            .arg(&dir),
        2,
    );
    assert_eq!(
        stderr(&out),
        format!(
            "igf-lens: {}: is a directory, not a file: give the path of a file to write (one \
             inside it, say)\n",
            dir.display()
        )
    );
    assert_eq!(
        std::fs::read_dir(s.tmp.path()).unwrap().count(),
        3,
        "a temporary file left"
    );
}

/// Bounds of numeric flags: `train --steps 18446744073709551615` ran for ever and `--l2` took
/// any number of penalties (each a cross-validation of every head); `show -C` refused a large
/// number as "too large to fit in target type" where `-n` takes any (as all).
#[test]
fn train_steps_and_penalties_are_bounded_and_show_context_takes_any_count() {
    let gold = repo().join("tests/gold/tune.csv");
    let tmp = tempdir();
    let model = tmp.path().join("m.tsv");
    let out = run_expect(
        igf_lens()
            .arg("train")
            .arg(&gold)
            .args(["--steps", "18446744073709551615", "-o"])
            .arg(&model),
        2,
    );
    assert!(
        stderr(&out).starts_with(
            "igf-lens: invalid value '18446744073709551615' for '--steps <STEPS>': the \
             gradient steps per fit is 1 to 10000"
        ),
        "{}",
        stderr(&out)
    );
    let many: Vec<String> = (1..=21).map(|i| i.to_string()).collect();
    let out = run_expect(
        igf_lens()
            .arg("train")
            .arg(&gold)
            .args(["--l2", &many.join(","), "-o"])
            .arg(&model),
        2,
    );
    assert_eq!(
        stderr(&out),
        "igf-lens: --l2 takes at most 20 penalties (each one is cross-validated for every \
         head), and 21 were given: keep the ones worth trying, e.g. 0.3,1,3,10\n"
    );
    assert!(!model.exists());

    let s = Setup::new();
    let id = records(&s.index)[0].passage_id.to_string();
    let out = run_expect(
        igf_lens()
            .args(["show", "-C", "18446744073709551615", "-i"])
            .arg(&s.index)
            .arg(&id),
        0,
    );
    assert!(
        stdout(&out).starts_with("IGF 2023 WS #901"),
        "{}",
        stdout(&out)
    );
}
