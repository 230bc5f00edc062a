//! The parallel part of a run: every transcript read once, deduplicated within its session
//! group, taken through the CPU stages, and its passages streamed into one sink (the index
//! writer) from the rayon pool.
//!
//! Input: the transcripts of [`Sources`] (grouped by [`dedupe::groups`]), the run's
//! [`Resources`], and a [`Sink`]. Output: [`Ran`]: the counts for the report; the manifest
//! entries of the files processed, skipped and found duplicate go to the run's [`Spill`] as
//! each file is done. Each file's result is added up as soon as the file is done, so what a
//! run holds grows with the number of distinct speakers, not with the corpus. Also the writer a run feeds ([`open_writer`]).

use super::config::IngestConfig;
use super::dedupe::{self, Outcome};
use super::lock::LOCK_FILE;
use super::manifest::{FileEntry, FileKind, Manifest};
use super::pair::{Clue, Pairing};
use super::plan::{self, Plan};
use super::records::{self, Built};
use super::report::{DamagedLine, Duplicate, IngestReport, SkipReason, SkippedFile};
use super::resources::Resources;
use super::seen::FlagSet;
use super::sources::{Files, Sources};
use super::spill::Spill;
use super::work::Work;
use crate::error::{Error, Result};
use crate::index::Writer;
use crate::model::{Document, KeySource, PassageRecord, Role, SessionKey, Stakeholder};
use crate::parse::Parsed;
use crate::text::Analysis;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Where a run's passages go: the index writer, or memory.
pub trait Sink: Sync {
    /// Takes one passage, with the tokens of its text when the tagger made them.
    fn put(&self, record: PassageRecord, analysis: Option<Analysis>) -> Result<()>;
}

impl Sink for Writer {
    fn put(&self, record: PassageRecord, analysis: Option<Analysis>) -> Result<()> {
        self.add_analyzed(&record, analysis)
    }
}

/// Keeps the records in memory (tests, the bench's tantivy-only baseline).
impl Sink for Mutex<Vec<PassageRecord>> {
    fn put(&self, record: PassageRecord, _: Option<Analysis>) -> Result<()> {
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
        Ok(())
    }
}

/// What a run works on.
pub struct Job<'a> {
    pub files: &'a Files,
    /// The transcripts to process, their sessions and keys, and the sessions' page files.
    pub work: &'a Work,
    pub res: &'a Resources,
    pub sink: &'a dyn Sink,
    /// A file that fails is an error (nothing is committed), not a skipped file.
    pub strict: bool,
    /// No progress bar.
    pub quiet: bool,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Ran {
    /// Counts, skipped files and duplicates (to add to the run's report).
    pub report: IngestReport,
}

/// Runs every transcript of `job` into its sink, in parallel. With `strict`, the error of the
/// first failing file in path order is returned, with the number of files that failed. The
/// manifest entries of the files go to `spill` (none: they are dropped), where the load parked
/// the transcripts' clues and pairings for them.
pub fn run(job: &Job<'_>, spill: Option<&mut Spill>) -> Result<Ran> {
    let groups = dedupe::groups(job.work.first_sessions());
    let total: u64 = job.work.files().map(|i| job.files.file(i).size).sum();
    let pb = progress(job.quiet, total, "ingesting");
    let fold = Mutex::new(Fold {
        spill,
        ..Fold::default()
    });
    (0..groups.len()).into_par_iter().for_each(|n| {
        for (i, outcome) in process_group(job, groups.get(n)) {
            pb.inc(job.files.file(i).size);
            let guess = job.work.guessed(i);
            fold.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .add(job, i, outcome, guess);
        }
    });
    pb.finish_and_clear();
    fold.into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .finish()
}

/// The transcripts of `sources` that a run would skip, read and parsed (not processed) on the
/// pool, in path order: what `--strict` counts when other files already failed, before
/// anything is written.
pub fn failing_transcripts(files: &Files, work: &Work) -> Vec<SkippedFile> {
    let ids: Vec<usize> = work.files().collect();
    let mut out: Vec<(usize, SkippedFile)> = ids
        .par_iter()
        .filter_map(|&i| {
            let why = match load(&files.file(i).path(), true) {
                Err(e) => e.detail(),
                Ok((_, parsed)) if !parsed.iter().any(|p| matches!(p, Parsed::Transcript(_))) => {
                    "no speaker turns found".into()
                }
                Ok(_) => return None,
            };
            Some((
                i,
                SkippedFile {
                    path: files.file(i).path(),
                    reason: SkipReason::Unusable(why),
                },
            ))
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, s)| s).collect()
}

/// What became of one transcript file.
enum FileOutcome {
    Done(Box<FileResult>),
    Failed(Error),
    /// A copy of this other file (index into the files found).
    Duplicate {
        of: usize,
    },
}

/// A transcript file read and parsed.
type Loaded = Result<(Document, Vec<Parsed>)>;

/// Reads and parses a transcript file; with `strict`, a damaged line fails it.
fn load(path: &Path, strict: bool) -> Loaded {
    let doc = crate::read::load(path)?;
    let parsed = crate::parse::parse_document(&doc)?;
    if strict {
        let transcripts = parsed.iter().filter_map(|p| match p {
            Parsed::Transcript(t) => Some(&t.damage),
            Parsed::Page(_) => None,
        });
        let first = std::iter::once(&doc.damage)
            .chain(transcripts)
            .flatten()
            .min_by_key(|d| d.line);
        if let Some(d) = first {
            return Err(Error::InputLine {
                path: path.to_path_buf(),
                line: d.line,
                message: format!("{} (--strict: a damaged line fails the file)", d.what),
            });
        }
    }
    Ok((doc, parsed))
}

/// Reads each file of a group once, decides duplicates, processes the rest.
fn process_group(job: &Job<'_>, group: &[usize]) -> Vec<(usize, FileOutcome)> {
    let loaded: Vec<Loaded> = group
        .iter()
        .map(|&i| load(&job.files.file(i).path(), job.strict))
        .collect();
    let outcomes = if group.len() > 1 {
        let shingles: Vec<_> = loaded
            .iter()
            .map(|l| {
                let (_, parsed) = l.as_ref().ok()?;
                parsed.iter().find_map(|p| match p {
                    Parsed::Transcript(t) => Some(dedupe::shingles(t)),
                    Parsed::Page(_) => None,
                })
            })
            .collect();
        dedupe::decide(&shingles)
    } else {
        vec![Outcome::Keep]
    };
    group
        .iter()
        .zip(loaded)
        .zip(outcomes)
        .map(|((&i, loaded), outcome)| {
            let o = match (outcome, loaded) {
                (Outcome::DuplicateOf(j), _) => FileOutcome::Duplicate { of: group[j] },
                (Outcome::Keep, Err(e)) => FileOutcome::Failed(e),
                (Outcome::Keep, Ok((doc, parsed))) => {
                    let key = job.work.given(i).and_then(|g| g.key);
                    match process_file(&doc, parsed, key.as_ref(), job) {
                        Ok(r) => FileOutcome::Done(Box::new(r)),
                        Err(e) => FileOutcome::Failed(e),
                    }
                }
            };
            (i, o)
        })
        .collect()
}

/// A named speaker of a file: its (session, label) key and whether it resolved. The key is a
/// 64-bit hash, of which the run holds 63 bits per distinct speaker of the corpus ([`FlagSet`];
/// a million keys collide with odds of about 1 in 15 million).
#[derive(Debug, Clone, Copy)]
struct SpeakerSeen {
    key: u64,
    resolved: bool,
}

/// The seed of the speakers' keys.
const SPEAKER_SEED: u64 = 0x243F_6A88_85A3_08D3;

/// Passages and counts produced from one transcript file.
#[derive(Debug, Default)]
struct FileResult {
    /// The file's share of the run's counts (sessions, turns, passages, words, annotations,
    /// tags, unpaired sessions).
    counts: IngestReport,
    /// Content hash of the file.
    hash: String,
    sessions: Vec<String>,
    speakers: Vec<SpeakerSeen>,
}

/// Takes every transcript of a parsed file through [`records::build_records`] into the sink,
/// under the session pairing gave it (a file holding one transcript) or its own.
fn process_file(
    doc: &Document,
    parsed: Vec<Parsed>,
    key: Option<&(SessionKey, Option<KeySource>)>,
    job: &Job<'_>,
) -> Result<FileResult> {
    let (work, res, sink) = (job.work, job.res, job.sink);
    let source = crate::disk::path_key(&doc.path);
    let mut out = FileResult {
        hash: doc.hash.clone(),
        ..FileResult::default()
    };
    let damaged = |d: &crate::model::LineDamage| DamagedLine::new(&doc.path, d);
    out.counts.damaged.extend(doc.damage.iter().map(damaged));
    let mut any = false;
    let single = parsed
        .iter()
        .filter(|p| matches!(p, Parsed::Transcript(_)))
        .count()
        == 1;
    for p in parsed {
        let Parsed::Transcript(mut t) = p else {
            continue;
        };
        any = true;
        out.counts.damaged.extend(t.damage.iter().map(damaged));
        if let Some((key, source)) = key.filter(|_| single) {
            t.key = Some(key.clone());
            t.key_source = *source;
        }
        let page = t
            .key
            .as_ref()
            .and_then(|k| work.page_for(&k.id(), job.files));
        let page = page.as_ref();
        out.counts.annotations += t
            .annotations
            .iter()
            .map(|(_, n)| u64::from(*n))
            .sum::<u64>();
        let mut tags = std::mem::take(&mut out.counts.tags_by_theme);
        let mut count = 0usize;
        let built = records::build_records(&doc.text, &source, t, page, res, &mut |rec, a| {
            count += 1;
            for tag in &rec.tags {
                match tags.get_mut(tag.theme.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        tags.insert(tag.theme.to_string(), 1);
                    }
                }
            }
            sink.put(rec, a)
        })?;
        out.counts.tags_by_theme = tags;
        out.counts.passages += count;
        if page.is_none() {
            out.counts.unpaired.push(built.session.key.id());
        }
        out.count_session(&built);
    }
    if !any {
        return Err(Error::InputFile {
            path: doc.path.clone(),
            message: "no speaker turns found".into(),
        });
    }
    Ok(out)
}

impl FileResult {
    /// Adds a session's turns, words and named speakers.
    fn count_session(&mut self, built: &Built) {
        let session = &built.session;
        self.counts.turns += session.turns.len();
        let id = session.key.id();
        let mut seen = BTreeSet::new();
        for (turn, &w) in session.turns.iter().zip(&built.turn_words) {
            let w = u64::from(w);
            self.counts.words += w;
            if matches!(turn.speaker.role, Role::Audience | Role::Unnamed) {
                continue;
            }
            let resolved = turn.speaker.stakeholder != Stakeholder::Unknown;
            if resolved {
                self.counts.words_resolved += w;
            } else {
                self.counts.words_unresolved += w;
            }
            if seen.insert(turn.label.to_lowercase()) {
                self.speakers.push(SpeakerSeen {
                    key: crate::hash::fast_hash(
                        SPEAKER_SEED,
                        &[id.as_bytes(), turn.label.as_bytes()],
                    ),
                    resolved,
                });
            }
        }
        self.counts.sessions += 1;
        self.sessions.push(id);
    }
}

/// The results of transcript files, added up as files finish.
#[derive(Default)]
struct Fold<'s> {
    ran: Ran,
    /// Distinct (session, label) keys: resolved in any file?
    speakers: FlagSet,
    /// Files that failed (with `--strict`), by file index.
    failed: Vec<(usize, SkippedFile)>,
    /// Where the entries go (and where the transcripts' clues wait for them).
    spill: Option<&'s mut Spill>,
    /// The first entry that could not be spilled.
    error: Option<Error>,
}

impl Fold<'_> {
    /// Keeps the manifest entry of file `i`.
    fn keep(&mut self, i: usize, entry: FileEntry) {
        if let Some(spill) = self.spill.as_deref_mut() {
            if let Err(e) = spill.put(i, &entry) {
                self.error.get_or_insert(e);
            }
        }
    }

    /// The clue and pairing parked for file `i` ([`park`]), taken back for its entry.
    fn unpark(&mut self, i: usize) -> (Option<Clue>, Option<Pairing>) {
        let Some(spill) = self.spill.as_deref_mut() else {
            return (None, None);
        };
        let text = match spill.unpark(i) {
            Ok(text) => text.unwrap_or_default(),
            Err(e) => {
                self.error.get_or_insert(e);
                String::new()
            }
        };
        let (clue, pairing) = text.split_once('\n').unwrap_or_default();
        (
            serde_json::from_str(clue).ok(),
            serde_json::from_str(pairing).ok(),
        )
    }

    fn add(&mut self, job: &Job<'_>, i: usize, outcome: FileOutcome, guess: bool) {
        let f = job.files.file(i);
        let sessions = || job.work.sessions(i);
        let (clue, pairing) = self.unpark(i);
        let entry = |kind, clue| {
            FileEntry::new(kind, f.size, f.mtime_ns, String::new(), sessions())
                .paired(clue, pairing.clone())
        };
        let report = &mut self.ran.report;
        match outcome {
            FileOutcome::Done(fr) => {
                if guess {
                    report.paired_by_guess += 1;
                }
                self.add_result(job, i, *fr, clue, pairing)
            }
            FileOutcome::Failed(e) if job.strict => self.failed.push((
                i,
                SkippedFile {
                    path: f.path(),
                    reason: SkipReason::Unusable(e.detail()),
                },
            )),
            FileOutcome::Failed(e) => {
                report.skipped.push(SkippedFile {
                    path: f.path(),
                    reason: SkipReason::Unusable(e.detail()),
                });
                self.keep(i, entry(FileKind::Skipped, clue));
            }
            FileOutcome::Duplicate { of } => {
                report.duplicates.push(Duplicate {
                    path: f.path(),
                    of: job.files.file(of).path(),
                });
                let mut e = entry(FileKind::Duplicate, clue);
                e.duplicate_of = Some(job.files.key(of).to_string());
                self.keep(i, e);
            }
        }
    }

    fn add_result(
        &mut self,
        job: &Job<'_>,
        i: usize,
        fr: FileResult,
        clue: Option<Clue>,
        pairing: Option<Pairing>,
    ) {
        let f = job.files.file(i);
        let codes = &job.res.corrections;
        for s in fr.speakers {
            self.speakers.insert(s.key, s.resolved);
        }
        let entry = FileEntry {
            passages: fr.counts.passages,
            codes: codes.digest_for(&fr.sessions),
            ..FileEntry::new(
                FileKind::Transcript,
                f.size,
                f.mtime_ns,
                fr.hash,
                fr.sessions,
            )
            .paired(clue, pairing)
        };
        self.keep(i, entry);
        self.ran.report.absorb(IngestReport {
            files_processed: 1,
            bytes: f.size,
            ..fr.counts
        });
    }

    fn finish(mut self) -> Result<Ran> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.failed.sort_by_key(|(i, _)| *i);
        let failed: Vec<SkippedFile> = self.failed.into_iter().map(|(_, s)| s).collect();
        if let Some(e) = super::sources::strict_failure(&failed, "file(s)") {
            return Err(e);
        }
        let report = &mut self.ran.report;
        (report.speakers_resolved, report.speakers_unresolved) = self.speakers.counts();
        Ok(self.ran)
    }
}

fn progress(quiet: bool, len: u64, msg: &'static str) -> ProgressBar {
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let pb = ProgressBar::with_draw_target(Some(len), target);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(msg);
    pb
}

/// Opens the index writer of a run and deletes what the run replaces: everything on a full
/// run, else the passages of the stale sources ([`plan::stale_sources`]). With `--rebuild`,
/// an index that cannot be opened (another schema version, damaged) is removed first.
pub fn open_writer(
    cfg: &IngestConfig,
    plan: &Plan,
    old: &Manifest,
    files: &Files,
    sources: &Sources,
    work: &Work,
) -> Result<Writer> {
    if cfg.rebuild {
        clear_incompatible_index(&cfg.index_dir)?;
    }
    if !cfg.quiet && !cfg.index_dir.join("meta.json").exists() {
        eprintln!(
            "igf-lens: creating a new index at {}",
            cfg.index_dir.display()
        );
    }
    let writer = Writer::open(&cfg.index_dir, cfg.threads(), cfg.memory_budget())?;
    writer.reuse_short_analyses();
    if plan.full {
        writer.delete_all()?;
    } else {
        for s in plan::stale_sources(old, &sources.affected, work.files(), files) {
            writer.delete_source(s)?;
        }
    }
    Ok(writer)
}

/// Removes an index that cannot be opened, so a fresh one can be written. Only a directory
/// that holds an index is touched, and the lock file stays. A directory that also holds
/// anything an index does not (a `meta.json` of the user's own beside their files) is refused,
/// naming the first such entry, and nothing is removed.
fn clear_incompatible_index(dir: &Path) -> Result<()> {
    match crate::index::Reader::open(dir) {
        Err(Error::IndexVersion { .. }) | Err(Error::Corrupt { .. }) | Err(Error::Index(_)) => {}
        _ => return Ok(()),
    }
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        entries.push(entry.map_err(|e| Error::io(dir, e))?.path());
    }
    entries.sort();
    if let Some(stranger) = entries.iter().find(|p| !is_index_file(p)) {
        return Err(Error::Other(format!(
            "--rebuild would remove everything in {}, but {} is not part of an index: give \
             --index a directory of its own, or move {} out of it",
            dir.display(),
            stranger.display(),
            stranger.file_name().map_or_else(
                || stranger.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            )
        )));
    }
    for p in entries {
        let name = p.file_name().unwrap_or_default();
        if name == LOCK_FILE || name == ".gitkeep" || name == super::spill::SPILL_FILE {
            continue;
        }
        std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// Whether `path`, an entry of an index directory, is a file an index holds: tantivy's
/// (`meta.json`, `.managed.json`, its locks, its temporary files `.tmp…`, segment files named
/// by a 32-hex-digit id) or igf-lens's (version file, manifest, lock, spill, temporary files
/// `.NAME.tmp-PID`), or the repository's `.gitkeep`.
fn is_index_file(path: &Path) -> bool {
    if path.is_dir() {
        return false;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    const NAMES: &[&str] = &[
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
        ".gitkeep",
        LOCK_FILE,
        super::spill::SPILL_FILE,
        super::manifest::MANIFEST_FILE,
        crate::index::VERSION_FILE,
    ];
    let id = name.split('.').next().unwrap_or_default();
    NAMES.contains(&name)
        || name.starts_with(".tmp")
        || (name.starts_with('.') && name.contains(".tmp-"))
        || (id.len() == 32 && id.len() < name.len() && id.bytes().all(|b| b.is_ascii_hexdigit()))
}
