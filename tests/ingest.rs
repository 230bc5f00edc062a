//! Ingest end to end: the sample corpus, speaker attribution, incremental runs, the lock, crash
//! safety (SIGKILL mid-run), versioning and bad input.

use crate::util::*;
use igf_lens::index::{Reader, SearchRequest};
use igf_lens::model::PassageRecord;
use igf_lens::pipeline::{self, IngestConfig};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn config(inputs: Vec<PathBuf>, index: &Path) -> IngestConfig {
    IngestConfig {
        inputs,
        index_dir: index.to_path_buf(),
        threads: 2,
        quiet: true,
        ..IngestConfig::default()
    }
}

/// Copies the sample corpus into `dir` (so tests may change files).
fn copy_corpus(dir: &Path) -> PathBuf {
    let dst = dir.join("corpus");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(repo().join("data/sessions")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    dst
}

fn all(index: &Path) -> Vec<PassageRecord> {
    Reader::open(index).unwrap().all().unwrap()
}

#[test]
fn sample_corpus_ingests_with_every_session_paired_and_speakers_resolved() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    let report = pipeline::ingest(&config(vec![repo().join("data")], &index)).unwrap();
    assert_eq!(report.skipped, Vec::new());
    assert_eq!(report.files_seen, 24);
    assert_eq!(report.pages, 12);
    assert_eq!(report.sessions, 12);
    assert_eq!(report.unpaired, Vec::<String>::new());
    assert!(report.turns >= 12 * 45, "turns {}", report.turns);
    assert!(
        report.resolved_share() >= 0.95,
        "only {:.3} of words resolved",
        report.resolved_share()
    );
    let recs = all(&index);
    assert_eq!(recs.len(), report.passages);
    let sessions: BTreeSet<&str> = recs.iter().map(|r| r.session.as_str()).collect();
    assert_eq!(sessions.len(), 12);
    assert!(sessions.contains("2023-ws-225"));
    // Every stakeholder group and region appears.
    let groups: BTreeSet<&str> = recs.iter().map(|r| r.stakeholder.as_str()).collect();
    for g in [
        "Government",
        "Civil Society",
        "Private Sector",
        "Technical Community",
        "Intergovernmental Organization",
    ] {
        assert!(groups.contains(g), "no {g} passages: {groups:?}");
    }
    let regions: BTreeSet<&str> = recs.iter().map(|r| r.region.as_str()).collect();
    for r in [
        "African Group",
        "Asia-Pacific Group",
        "Eastern European Group",
        "GRULAC",
        "WEOG",
    ] {
        assert!(regions.contains(r), "no {r} passages: {regions:?}");
    }
    // Passages are 40–120 words unless a turn is shorter or a sentence longer.
    let long = recs.iter().filter(|r| r.words > 200).count();
    assert_eq!(long, 0);
}

#[test]
fn ws225_turns_are_attributed_to_the_roster_groups() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    pipeline::ingest(&config(vec![repo().join("data/sessions")], &index)).unwrap();
    let recs: Vec<PassageRecord> = all(&index)
        .into_iter()
        .filter(|r| r.session == "2023-ws-225")
        .collect();
    let by_speaker: BTreeMap<&str, (&str, &str)> = recs
        .iter()
        .map(|r| {
            (
                r.speaker.as_str(),
                (r.stakeholder.as_str(), r.region.as_str()),
            )
        })
        .collect();
    let roster = [
        ("Briony Daley Whitworth", "Government", "WEOG"),
        ("Claudio Peguero", "Government", "GRULAC"),
        ("Emmanuella Darkwah", "Government", "African Group"),
        ("Ian Tennant", "Civil Society", "WEOG"),
        ("Timea Suto", "Private Sector", "Eastern European Group"),
        ("Michael Gilles", "Government", "WEOG"),
        ("John Hering", "Private Sector", "WEOG"),
    ];
    for (name, group, region) in roster {
        assert_eq!(by_speaker.get(name), Some(&(group, region)), "{name}");
    }
    // The bare MODERATOR label is the roster's onsite moderator.
    let moderator: BTreeSet<&str> = recs
        .iter()
        .filter(|r| r.label == "MODERATOR")
        .map(|r| r.speaker.as_str())
        .collect();
    assert_eq!(moderator, BTreeSet::from(["John Hering"]));
}

#[test]
fn second_ingest_of_an_unchanged_corpus_touches_nothing() {
    let tmp = tempdir();
    let corpus = copy_corpus(tmp.path());
    let index = tmp.path().join("ix");
    let first = pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    let second = pipeline::ingest(&config(vec![corpus], &index)).unwrap();
    assert!(second.untouched);
    assert_eq!(second.files_unchanged, 24);
    assert_eq!(second.files_processed, 0);
    assert_eq!(all(&index).len(), first.passages);
}

#[test]
fn a_changed_transcript_replaces_its_passages_and_prune_removes_deleted_files() {
    let tmp = tempdir();
    let corpus = copy_corpus(tmp.path());
    let index = tmp.path().join("ix");
    pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    let before = all(&index);
    let raw = corpus.join("2022-of-18.raw.txt");
    let mut text = std::fs::read_to_string(&raw).unwrap();
    text.push_str("\n>> MODERATOR:  One last word about the quokka protocol before we close.\n");
    std::fs::write(&raw, text).unwrap();
    let r = pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    assert_eq!(r.files_processed, 1);
    assert_eq!(r.files_unchanged, 23);
    let after = all(&index);
    assert_eq!(after.len(), before.len() + 1);
    let quokka: Vec<&PassageRecord> = after.iter().filter(|p| p.text.contains("quokka")).collect();
    assert_eq!(quokka.len(), 1);
    assert_eq!(quokka[0].session, "2022-open-forum-18");

    // Delete a transcript: without --prune its passages stay (with a warning count) …
    std::fs::remove_file(corpus.join("2021-of-7.raw.txt")).unwrap();
    let r = pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    assert_eq!(r.files_missing, 1);
    assert!(all(&index).iter().any(|p| p.session == "2021-open-forum-7"));
    // … and with --prune they go.
    let mut cfg = config(vec![corpus], &index);
    cfg.prune = true;
    let r = pipeline::ingest(&cfg).unwrap();
    assert_eq!(r.files_pruned, 1);
    assert!(!all(&index).iter().any(|p| p.session == "2021-open-forum-7"));
}

#[test]
fn a_changed_session_page_re_attributes_its_unchanged_transcript() {
    let tmp = tempdir();
    let corpus = copy_corpus(tmp.path());
    let index = tmp.path().join("ix");
    pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    let group_of = |index: &Path| -> BTreeSet<String> {
        all(index)
            .into_iter()
            .filter(|r| r.session == "2023-ws-225" && r.speaker == "Claudio Peguero")
            .map(|r| r.stakeholder.as_str().to_string())
            .collect()
    };
    assert_eq!(group_of(&index), BTreeSet::from(["Government".to_string()]));
    let page = corpus.join("2023-ws-225.page.txt");
    let text = std::fs::read_to_string(&page).unwrap().replace(
        "Claudio Peguero, Government,",
        "Claudio Peguero, Technical Community,",
    );
    std::fs::write(&page, text).unwrap();
    let r = pipeline::ingest(&config(vec![corpus], &index)).unwrap();
    assert_eq!(
        r.files_processed, 1,
        "only the paired transcript is processed again"
    );
    assert_eq!(
        group_of(&index),
        BTreeSet::from(["Technical Community".to_string()])
    );
}

#[test]
fn a_second_ingest_exits_75_while_the_index_is_locked() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    let lock = pipeline::IngestLock::acquire(&index, false, true).unwrap();
    let out = run_expect(
        igf_lens()
            .args(["ingest", "data/sessions", "-q", "--index"])
            .arg(&index),
        75,
    );
    let err = stderr(&out);
    assert!(
        err.contains("is locked: another ingest is running"),
        "{err}"
    );
    assert!(err.contains(&index.display().to_string()), "{err}");
    drop(lock);
    // The lock file stays on disk and is no obstacle once its holder is gone.
    assert!(index.join(pipeline::LOCK_FILE).exists());
    run_expect(
        igf_lens()
            .args(["ingest", "data/sessions", "-q", "--index"])
            .arg(&index),
        0,
    );
}

#[test]
fn wait_flag_waits_for_the_other_ingest() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    let lock = pipeline::IngestLock::acquire(&index, false, true).unwrap();
    let child = igf_lens()
        .args(["ingest", "data/sessions", "-q", "--wait", "--index"])
        .arg(&index)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(Reader::open(&index).unwrap().num_passages() > 0);
}

#[test]
fn missing_index_says_run_ingest_first() {
    let tmp = tempdir();
    let index = tmp.path().join("nothing-here");
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "igf-lens: no index at {0}: make one with `igf-lens ingest DATA_DIR --index {0}` \
             (DATA_DIR: the directory of transcripts), or pass an existing index to --index",
            index.display()
        )
    );
}

#[test]
fn bad_files_are_skipped_with_a_warning_and_strict_makes_them_errors() {
    let tmp = tempdir();
    let corpus = tmp.path().join("in");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(
        repo().join("data/sessions/2022-of-18.raw.txt"),
        corpus.join("2022-of-18.raw.txt"),
    )
    .unwrap();
    std::fs::write(corpus.join("empty.txt"), "").unwrap();
    std::fs::write(
        corpus.join("binary.bin"),
        [0u8, 159, 146, 150, 0, 0, 1, 2, 0, 0].repeat(50),
    )
    .unwrap();
    std::fs::write(
        corpus.join("notes.txt"),
        "Shopping list: apples, pears.\nCall Anna.\n",
    )
    .unwrap();
    let index = tmp.path().join("ix");
    let out = ingest_quiet(&index, &corpus, 0);
    let err = stderr(&out);
    for f in ["empty.txt", "binary.bin", "notes.txt"] {
        let line = err
            .lines()
            .find(|l| l.contains(f))
            .unwrap_or_else(|| panic!("no warning for {f}: {err}"));
        assert!(line.starts_with("igf-lens: warning: skipped "), "{line}");
    }
    assert!(err.contains("empty file"), "{err}");
    assert!(err.contains("binary"), "{err}");
    let n = Reader::open(&index).unwrap().num_passages();
    assert!(n > 0);

    // --strict: exit 2 and nothing new indexed.
    std::fs::copy(
        repo().join("data/sessions/2021-of-7.raw.txt"),
        corpus.join("2021-of-7.raw.txt"),
    )
    .unwrap();
    let out = run_expect(
        igf_lens()
            .args(["ingest", "-q", "--strict", "--index"])
            .arg(&index)
            .arg(&corpus),
        2,
    );
    assert!(stderr(&out).contains("--strict"), "{}", stderr(&out));
    assert_eq!(Reader::open(&index).unwrap().num_passages(), n);
}

#[test]
fn an_index_from_another_schema_version_asks_for_rebuild() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    pipeline::ingest(&config(
        vec![repo().join("data/sessions/2022-of-18.raw.txt")],
        &index,
    ))
    .unwrap();
    let vf = index.join(igf_lens::index::VERSION_FILE);
    let text = std::fs::read_to_string(&vf).unwrap();
    let bumped = text.replace(&format!("{}", igf_lens::index::SCHEMA_VERSION), "999");
    assert_ne!(text, bumped);
    std::fs::write(&vf, bumped).unwrap();
    let out = run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        2,
    );
    assert!(
        stderr(&out).contains("ingest --rebuild"),
        "{}",
        stderr(&out)
    );
    run_expect(
        igf_lens()
            .args([
                "ingest",
                "-q",
                "--rebuild",
                "data/sessions/2022-of-18.raw.txt",
                "--index",
            ])
            .arg(&index),
        0,
    );
    run_expect(
        igf_lens().args(["search", "treaty", "--index"]).arg(&index),
        0,
    );
}

/// Builds a corpus big enough that an ingest takes a while, by renumbering the sample sessions.
fn big_corpus(dir: &Path, copies: usize) -> PathBuf {
    use igf_lens_devtools::synth::{Generator, Profile, Size, Vocabulary};
    let dst = dir.join("big");
    // What `igf-lens synth --seed 7` writes: statistics of data/sessions, terms of the taxonomy.
    let vocabulary = Vocabulary::load(&repo().join("data/themes.toml")).unwrap();
    let profile = Profile::measure(&repo().join("data/sessions"), &vocabulary)
        .unwrap()
        .unwrap();
    Generator::new(profile, vocabulary, 7)
        .write(&dst, Size::Sessions(copies as u32))
        .unwrap();
    dst
}

#[test]
fn sigkill_at_any_point_leaves_the_previous_commit_and_the_next_ingest_completes() {
    let tmp = tempdir();
    let corpus = big_corpus(tmp.path(), 120);
    let index = tmp.path().join("ix");
    // A first, complete commit of part of the corpus.
    let first = igf_lens()
        .args(["ingest", "-q", "-j", "1", "--index"])
        .arg(&index)
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let full = Reader::open(&index).unwrap().num_passages();
    assert!(full > 0);
    // Kill rebuilds at several points: the index must still open with the full count.
    for delay_ms in [30u64, 150, 400, 900] {
        let mut child = igf_lens()
            .args(["ingest", "-q", "-j", "1", "--rebuild", "--index"])
            .arg(&index)
            .arg(&corpus)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let reader =
            Reader::open(&index).unwrap_or_else(|e| panic!("after kill at {delay_ms} ms: {e}"));
        assert_eq!(reader.num_passages(), full, "after kill at {delay_ms} ms");
        let hits = reader
            .search(&SearchRequest {
                query: "cybercrime".into(),
                limit: 5,
                ..SearchRequest::default()
            })
            .unwrap();
        assert!(hits.total > 0);
    }
    // The next ingest completes with the full counts.
    let started = Instant::now();
    let again = igf_lens()
        .args(["ingest", "-q", "-j", "1", "--index"])
        .arg(&index)
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let _ = started;
    assert_eq!(Reader::open(&index).unwrap().num_passages(), full);
}

#[test]
fn the_same_session_published_twice_is_ingested_once_and_reported_as_a_duplicate() {
    let tmp = tempdir();
    let corpus = tmp.path().join("in");
    std::fs::create_dir_all(&corpus).unwrap();
    let raw = std::fs::read_to_string(repo().join("data/sessions/2022-of-18.raw.txt")).unwrap();
    std::fs::write(corpus.join("a-2022-of-18.raw.txt"), &raw).unwrap();
    // The "edited" copy: indented labels and no asterisk line, same speech.
    let edited: String = raw
        .replace("\n***\n", "\n")
        .lines()
        .map(|l| {
            if l.starts_with(">>") {
                format!("  {l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(corpus.join("b-2022-of-18-edited.txt"), edited).unwrap();
    let index = tmp.path().join("ix");
    let r = pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
    assert_eq!(r.duplicates.len(), 1);
    assert_eq!(r.duplicates[0].path, corpus.join("b-2022-of-18-edited.txt"));
    assert_eq!(r.duplicates[0].of, corpus.join("a-2022-of-18.raw.txt"));
    let sources: BTreeSet<String> = all(&index).into_iter().map(|p| p.source).collect();
    assert_eq!(sources.len(), 1);
}

/// A copy cut off part way (`head -c 14000` of a transcript saved next to it) is the same
/// session: caught by containment, whichever copy comes first, and the full copy is kept.
#[test]
fn a_cut_off_copy_is_a_duplicate_by_containment_and_the_full_copy_is_kept() {
    let raw = std::fs::read(repo().join("data/sessions/2023-ws-225.raw.txt")).unwrap();
    let cut = String::from_utf8_lossy(&raw[..14000]).into_owned();
    for (full_name, cut_name) in [("2023-ws-225.raw.txt", "copy.txt"), ("z.txt", "a-copy.txt")] {
        let tmp = tempdir();
        let corpus = tmp.path().join("in");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join(full_name), &raw).unwrap();
        std::fs::write(corpus.join(cut_name), &cut).unwrap();
        let index = tmp.path().join("ix");
        let r = pipeline::ingest(&config(vec![corpus.clone()], &index)).unwrap();
        assert_eq!(r.duplicates.len(), 1, "{cut_name}");
        assert_eq!(r.duplicates[0].path, corpus.join(cut_name));
        assert_eq!(r.duplicates[0].of, corpus.join(full_name));
        let sources: BTreeSet<String> = all(&index).into_iter().map(|p| p.source).collect();
        assert_eq!(sources.len(), 1, "{cut_name}");
    }
}

/// The structures of real IGF material (issue 15), in `tests/fixtures/real-structures`: a
/// transcript without a title keyed by its address slug, its page keyed by a `# url:` line and
/// starting with Time/Room, with a free-text roster (bullets, an UPDATED LINEUP block, moderator
/// headings with the name on the next line); two main sessions of one year, one without `IGF
/// <year>` in its title; a transcript nothing identifies, named by `pairs.csv`; labels as
/// captioners write them; moderators who introduce themselves; introductions by others.
#[test]
fn real_structures_are_keyed_paired_and_attributed() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    let corpus = fixture("real-structures");
    pipeline::ingest(&config(vec![corpus], &index)).unwrap();
    let rows = pipeline::sessions::list(&index).unwrap();
    let got: BTreeMap<String, (Option<String>, bool, String)> = rows
        .iter()
        .map(|r| {
            let name = |p: &str| {
                Path::new(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            };
            (
                r.key.clone().unwrap_or_default(),
                (
                    r.page.as_deref().map(name),
                    r.paired,
                    r.key_source
                        .map(|k| k.as_str().to_string())
                        .unwrap_or_default(),
                ),
            )
        })
        .collect();
    let want = |page: Option<&str>, paired: bool, source: &str| {
        (page.map(str::to_string), paired, source.to_string())
    };
    assert_eq!(
        got,
        BTreeMap::from([
            (
                "2024-ws-357".to_string(),
                want(Some("page-a.txt"), true, "url-slug")
            ),
            (
                "2024-main-session-lantern-trust-safety".to_string(),
                want(None, false, "title")
            ),
            (
                "2024-main-session-harbour-rules-online-safety".to_string(),
                want(None, false, "title")
            ),
            (
                "2024-day-0-event-258".to_string(),
                want(Some("proposal-258.txt"), true, "pairs-file")
            ),
        ])
    );
    let passages = all(&index);
    let by_label: BTreeMap<(String, String), (String, String, String)> = passages
        .iter()
        .filter(|p| p.session == "2024-ws-357")
        .map(|p| {
            (
                (
                    p.label.clone(),
                    p.text.split_whitespace().next().unwrap_or("").to_string(),
                ),
                (
                    p.speaker.clone(),
                    p.stakeholder.as_str().to_string(),
                    p.method.as_str().to_string(),
                ),
            )
        })
        .collect();
    let who = |label: &str| -> Vec<(String, String, String)> {
        by_label
            .iter()
            .filter(|((l, _), _)| l == label)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let one = |s: &str, g: &str, m: &str| (s.to_string(), g.to_string(), m.to_string());
    assert_eq!(
        who("PELLEGRINO ASTOR"),
        [one("Pellegrino Astor", "Government", "roster")]
    );
    assert_eq!(
        who("Teodora Vlasic"),
        [one("Teodora Vlasic", "Civil Society", "roster")]
    );
    assert_eq!(
        who("Ilse BRANDT (Federal Office for Information Security)"),
        [one("Ilse Brandt", "Government", "roster")]
    );
    assert_eq!(
        who("VLASIC TEODORA"),
        [one("Teodora Vlasic", "Civil Society", "roster")]
    );
    assert_eq!(
        who("MODERATOR VASQUEZ"),
        [one("Oriane Vasquez", "Private Sector", "role")]
    );
    assert_eq!(
        who("KWAME ADJEI"),
        [one("KWAME ADJEI", "Government", "introduced")]
    );
    let moderator = who("MODERATOR");
    assert!(
        moderator
            .iter()
            .all(|(s, g, _)| s == "Oriane Vasquez" && g == "Private Sector"),
        "{moderator:?}"
    );
    // Every passage of a file whose address is known carries it.
    let harbour: Vec<&PassageRecord> = passages
        .iter()
        .filter(|p| p.session == "2024-main-session-harbour-rules-online-safety")
        .collect();
    assert!(!harbour.is_empty());
    for p in harbour {
        assert_eq!(
            p.url,
            "https://www.intgovforum.org/en/content/igf-2024-day-4-main-session-harbour-rules-for-online-safety-raw"
        );
        assert!(p.full_citation().ends_with(&format!("<{}>", p.url)));
    }
}

/// More structures of real IGF material (issue 15), in `tests/fixtures/real-structures-2`: a
/// transcript nothing names (neutral file name, no title line) whose one speaker is on a
/// single page's roster, that roster's organizers run together on one line after the
/// description; a workshop proposal page (`No. 61 …`, no year but in its file name) as the page
/// of its workshop's transcript.
#[test]
fn neutral_transcripts_and_proposal_pages_pair() {
    let tmp = tempdir();
    let index = tmp.path().join("ix");
    pipeline::ingest(&config(vec![fixture("real-structures-2")], &index)).unwrap();
    let rows = pipeline::sessions::list(&index).unwrap();
    let got: BTreeMap<String, (Option<String>, bool)> = rows
        .iter()
        .map(|r| {
            let page = r.page.as_deref().map(|p| {
                Path::new(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            });
            (r.key.clone().unwrap_or_default(), (page, r.paired))
        })
        .collect();
    assert_eq!(
        got,
        BTreeMap::from([
            (
                "2031-open-forum-9".to_string(),
                (Some("igf-2031-open-forum-9-page.txt".to_string()), true)
            ),
            (
                "2029-ws-61".to_string(),
                (Some("igf-2029-proposal-61-page.txt".to_string()), true)
            ),
        ])
    );
    let mirela: Vec<(String, String)> = all(&index)
        .into_iter()
        .filter(|p| p.label == "MIRELA DOBOS")
        .map(|p| (p.speaker, p.stakeholder.as_str().to_string()))
        .collect();
    assert_eq!(
        mirela,
        [("Mirela Dobos".to_string(), "Civil Society".to_string())]
    );
}

/// A clue's names are held inline when short: a short name, one of exactly 24 bytes, a longer
/// one and non-ASCII ones serialize as the plain strings they are (the manifest's bytes), and a
/// packed clue unpacks to the same names.
#[test]
fn clue_names_short_and_long_serialize_as_plain_strings() {
    use igf_lens::pipeline::pair::{Clue, PackedClue};
    let names = [
        "Ana",
        "Exactly twenty-four byte",
        "A name much longer than twenty-four bytes",
        "Hana Nyström",
        "Agnieszka Mensah-Owusu-Ødegård",
    ];
    let clue = Clue {
        title: "A title".into(),
        names: names.iter().collect(),
        ..Clue::default()
    };
    let json = serde_json::to_value(&clue).unwrap();
    assert_eq!(json["names"], serde_json::json!(names));
    let back: Clue = serde_json::from_value(json).unwrap();
    assert_eq!(back, clue);
    let unpacked = PackedClue::pack(&clue).unpack().unwrap();
    let got: Vec<&str> = unpacked.names.iter().collect();
    assert_eq!(got, names);
}
