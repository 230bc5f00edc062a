//! The stage order and the run: discover → sniff → parse pages → pair → parse transcripts →
//! resolve → segment → detect language → tag → index, with rayon for the CPU stages and one
//! tantivy writer fed from the pool. Also the incremental-ingest manifest, the ingest lock, and
//! the run's report (what was read, skipped, resolved, tagged).
//!
//! This is the only module that knows the order of the stages; each stage stays ignorant of the
//! others. Input: an [`IngestConfig`]; output: an [`IngestReport`] and a committed index.

use crate::error::{Error, Result};
use crate::index::Writer;
use crate::lang::LanguageDetector;
use crate::model::{
    Document, Format, PassageRecord, Role, Session, SessionKey, SessionPage, Stakeholder,
    Transcript,
};
use crate::parse::Parsed;
use crate::read::Skipped;
use crate::resolve::{Directory, Organizations, Registry};
use crate::tag::{Tagger, Taxonomy};
use crate::text::Analysis;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Name of the manifest file inside the index directory.
pub const MANIFEST_FILE: &str = "igf-lens-manifest.json";
/// Name of the ingest lock file inside the index directory.
pub const LOCK_FILE: &str = ".igf-lens-ingest.lock";
/// Bytes read from each file to tell pages from transcripts before the full parse.
const SNIFF_BYTES: usize = 64 * 1024;
/// Default writer memory budget per indexing thread.
pub const DEFAULT_BUDGET_PER_THREAD: usize = 64 * 1024 * 1024;

/// Version of what the pipeline writes into the index; bump it when passages would come out
/// differently from the same input, so the next ingest processes every file again.
pub const FORMAT_VERSION: u32 = 1;

/// Stable 64-bit id (FNV-1a) of a passage: source file, turn and ordinal.
pub fn passage_id(source: &str, turn: u32, ordinal: u32) -> u64 {
    let h = crate::hash::fnv1a(
        source
            .bytes()
            .chain(turn.to_le_bytes())
            .chain(ordinal.to_le_bytes()),
    );
    // 53 bits: exact in every JSON reader, JavaScript's numbers included.
    h >> 11
}

/// What an ingest run needs to know.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Files and directories to read.
    pub inputs: Vec<PathBuf>,
    pub index_dir: PathBuf,
    /// Worker threads (parse/tag pool and tantivy writer); 0 = the machine's cores.
    pub threads: usize,
    /// Writer memory budget in bytes, in total; 0 = [`DEFAULT_BUDGET_PER_THREAD`] per thread.
    pub memory_budget: usize,
    pub themes: Option<PathBuf>,
    pub registry: Option<PathBuf>,
    pub organizations: Option<PathBuf>,
    /// Start over: drop every passage and the manifest.
    pub rebuild: bool,
    /// Remove the passages of files that no longer exist.
    pub prune: bool,
    /// Treat skipped files as errors.
    pub strict: bool,
    /// No progress bars.
    pub quiet: bool,
    /// Wait for another ingest instead of failing with exit code 75.
    pub wait: bool,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            inputs: vec![PathBuf::from("data")],
            index_dir: PathBuf::from("index"),
            threads: 0,
            memory_budget: 0,
            themes: None,
            registry: None,
            organizations: None,
            rebuild: false,
            prune: false,
            strict: false,
            quiet: false,
            wait: false,
        }
    }
}

impl IngestConfig {
    /// Threads to use.
    pub fn threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        }
    }
    /// Total writer memory budget.
    pub fn memory_budget(&self) -> usize {
        if self.memory_budget > 0 {
            self.memory_budget
        } else {
            DEFAULT_BUDGET_PER_THREAD * self.threads()
        }
    }
}

/// The shared, read-only resources of a run: taxonomy, tagger, registry, organisations, language
/// detector. Built once, shared across the pool.
pub struct Resources {
    pub taxonomy: Taxonomy,
    pub tagger: Tagger,
    pub directory: Directory,
    pub detector: LanguageDetector,
}

impl Resources {
    /// Loads the files given, or the embedded defaults.
    pub fn load(
        themes: Option<&Path>,
        registry: Option<&Path>,
        organizations: Option<&Path>,
    ) -> Result<Resources> {
        let taxonomy = match themes {
            Some(p) => Taxonomy::load(p)?,
            None => Taxonomy::embedded(),
        };
        let registry = match registry {
            Some(p) => Registry::load(p)?,
            None => Registry::embedded(),
        };
        let organizations = match organizations {
            Some(p) => Organizations::load(p)?,
            None => Organizations::embedded(),
        };
        Ok(Resources {
            tagger: Tagger::new(&taxonomy),
            taxonomy,
            directory: Directory {
                registry,
                organizations,
            },
            detector: LanguageDetector::default(),
        })
    }

    /// Identifies everything that shapes the passages besides the input files: when it changes,
    /// every file is processed again.
    pub fn fingerprint(&self) -> String {
        format!(
            "schema={};taxonomy={};registry={};organizations={}",
            FORMAT_VERSION,
            self.taxonomy.version(),
            self.directory.registry.hash(),
            self.directory.organizations.hash()
        )
    }
}

/// A transcript skipped because the same session was already read from another file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub path: PathBuf,
    pub of: PathBuf,
}

/// What a run did, for the summary line and the tests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    pub files_seen: usize,
    pub files_unchanged: usize,
    pub files_processed: usize,
    pub files_missing: usize,
    pub files_pruned: usize,
    pub skipped: Vec<(PathBuf, String)>,
    pub duplicates: Vec<Duplicate>,
    pub pages: usize,
    /// Sessions (re)indexed in this run.
    pub sessions: usize,
    /// Transcripts without a matching session page.
    pub unpaired: Vec<String>,
    pub turns: usize,
    pub passages: usize,
    pub words: u64,
    pub annotations: u64,
    /// Words in turns of named speakers that resolved / did not (audience and unnamed excluded).
    pub words_resolved: u64,
    pub words_unresolved: u64,
    /// Distinct (session, label) pairs that resolved / did not.
    pub speakers_resolved: usize,
    pub speakers_unresolved: usize,
    pub tags_by_theme: BTreeMap<String, usize>,
    pub bytes: u64,
    pub seconds: f64,
    /// Why every file was processed again, when it was.
    pub full_reprocess: Option<String>,
    /// True when nothing changed and the index was not touched.
    pub untouched: bool,
}

impl IngestReport {
    /// Megabytes of input per second.
    pub fn mb_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
    /// Share of words (audience and unnamed excluded) attributed to a stakeholder group.
    pub fn resolved_share(&self) -> f64 {
        let total = self.words_resolved + self.words_unresolved;
        if total == 0 {
            1.0
        } else {
            self.words_resolved as f64 / total as f64
        }
    }
}

/// One input file in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime_ns: u128,
    pub hash: String,
    /// `page`, `transcript`, `duplicate`, `skipped`.
    pub kind: String,
    /// Session id(s) the file belongs to.
    pub sessions: Vec<String>,
    pub passages: usize,
}

/// The record of what the index holds, kept in the index directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub fingerprint: String,
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// Reads the manifest of an index directory (empty when there is none).
    pub fn load(index_dir: &Path) -> Result<Manifest> {
        let path = index_dir.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
                path: index_dir.to_path_buf(),
                message: format!("{MANIFEST_FILE} does not parse ({e})"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Writes the manifest atomically (temp file, fsync, rename, fsync the directory).
    pub fn save(&self, index_dir: &Path) -> Result<()> {
        let path = index_dir.join(MANIFEST_FILE);
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Other(e.to_string()))?;
        crate::disk::write_bytes(&path, &json)
    }
}

/// The ingest lock: one ingest per index at a time. Released when dropped or when the process
/// dies (an OS advisory lock, so a file left by a killed process is no obstacle).
pub struct IngestLock {
    _file: File,
}

impl IngestLock {
    /// Takes the lock on `index_dir`, creating the directory. Busy → [`Error::Locked`], or, with
    /// `wait`, waits.
    pub fn acquire(index_dir: &Path, wait: bool, quiet: bool) -> Result<IngestLock> {
        Error::create_dir_all(index_dir)?;
        let path = index_dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(IngestLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if wait => {
                    if !told && !quiet {
                        eprintln!(
                            "igf-lens: waiting for another ingest on {} to finish",
                            index_dir.display()
                        );
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked(index_dir.to_path_buf()))
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}

/// What the first look at a file found.
#[derive(Debug)]
enum Sniffed {
    /// A parsed session page (pages are small: parsed whole in the first pass), reduced to
    /// what pairing and resolution read (see [`for_pairing`]), with the file's content hash.
    Page(Vec<SessionPage>, String),
    /// A transcript-like file (raw text, captions, JSON Lines, or an HTML transcript), with the
    /// session ids its first part names.
    Transcript(Vec<String>),
    Skipped(String),
}

/// The part of a session page that pairing and speaker resolution read (key, title, date,
/// roster): an ingest holds one per session until the end of the run, so the long free-text
/// sections (description, policy questions, takeaways) are not kept.
fn for_pairing(page: &SessionPage) -> SessionPage {
    SessionPage {
        key: page.key.clone(),
        title: page.title.clone(),
        date: page.date.clone(),
        roster: page.roster.clone(),
        source: page.source.clone(),
        ..SessionPage::default()
    }
}

fn sniff(path: &Path) -> Sniffed {
    let mut buf = Vec::with_capacity(SNIFF_BYTES);
    // One byte more than the sniff needs tells whether the read got the whole file.
    let read = File::open(path).and_then(|f| f.take(SNIFF_BYTES as u64 + 1).read_to_end(&mut buf));
    if let Err(e) = read {
        return Sniffed::Skipped(format!("cannot read: {e}"));
    }
    let whole = buf.len() <= SNIFF_BYTES;
    buf.truncate(SNIFF_BYTES);
    if buf.is_empty() {
        return Sniffed::Skipped("empty file".into());
    }
    let text = match crate::read::decode(&buf) {
        Ok(t) => t,
        Err(e) => return Sniffed::Skipped(e),
    };
    let format = crate::read::detect(&text, path);
    match format {
        Format::SessionPage | Format::Html => {
            // A page is usually a few kilobytes: when the sniff read all of it, it is not read
            // again.
            let doc = if whole {
                crate::read::from_bytes(path, buf)
            } else {
                crate::read::load(path)
            };
            let doc = match doc {
                Ok(d) => d,
                Err(e) => return Sniffed::Skipped(reason(&e)),
            };
            match crate::parse::parse_document(&doc) {
                Ok(parsed) => {
                    let pages: Vec<SessionPage> = parsed
                        .iter()
                        .filter_map(|p| match p {
                            Parsed::Page(pg) => Some(for_pairing(pg)),
                            Parsed::Transcript(_) => None,
                        })
                        .collect();
                    if !pages.is_empty() {
                        return Sniffed::Page(pages, doc.hash);
                    }
                    let ids = parsed
                        .iter()
                        .filter_map(|p| match p {
                            Parsed::Transcript(t) => t.key.as_ref().map(SessionKey::id),
                            Parsed::Page(_) => None,
                        })
                        .collect();
                    Sniffed::Transcript(ids)
                }
                Err(e) => Sniffed::Skipped(reason(&e)),
            }
        }
        // Raw transcripts name their session in the title (or the file name): no need to parse
        // the prefix, the full parse comes later.
        Format::Transcript => Sniffed::Transcript(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .take(12)
                .filter(|l| l.contains("IGF"))
                .find_map(crate::parse::parse_session_key)
                .or_else(|| crate::parse::key_from_path(path))
                .map(|k| vec![k.id()])
                .unwrap_or_default(),
        ),
        Format::WebVtt | Format::Srt | Format::JsonLines => {
            let doc = Document {
                path: path.to_path_buf(),
                text,
                format,
                hash: String::new(),
                bytes: buf.len() as u64,
            };
            match crate::parse::parse_document(&doc) {
                Ok(parsed) => Sniffed::Transcript(
                    parsed
                        .iter()
                        .filter_map(|p| match p {
                            Parsed::Transcript(t) => t.key.as_ref().map(SessionKey::id),
                            Parsed::Page(_) => None,
                        })
                        .collect(),
                ),
                // The prefix may end mid-record (JSON Lines); the full parse decides.
                Err(_) => Sniffed::Transcript(Vec::new()),
            }
        }
        Format::Unknown => Sniffed::Skipped(
            "unknown format: not an IGF session page, transcript, caption file or JSON Lines"
                .into(),
        ),
    }
}

fn reason(e: &Error) -> String {
    match e {
        Error::InputFile { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Passages and counts produced from one transcript file.
#[derive(Debug, Default)]
struct FileResult {
    passages: usize,
    tags_by_theme: BTreeMap<String, usize>,
    /// Content hash of the file (from the read that parsed it).
    hash: String,
    sessions: Vec<String>,
    turns: usize,
    words: u64,
    annotations: u64,
    words_resolved: u64,
    words_unresolved: u64,
    /// Named speakers of the file: (session, label) key, resolved or not.
    labels: Vec<(u128, bool)>,
    unpaired: Vec<String>,
}

/// A (session, speaker label) pair as a 128-bit key: two hashes of the pair with different
/// seeds, so a run counts distinct speakers without holding their labels (a collision between
/// two of a corpus's speakers is about as likely as a disk error).
fn label_key(session: &str, label: &str) -> u128 {
    crate::hash::fast_hash128(&[session.as_bytes(), label.as_bytes()])
}

/// The results of transcript files, added up as files finish.
struct Fold {
    report: IngestReport,
    manifest: Manifest,
    labels_seen: HashMap<u128, bool>,
    /// Errors of files that failed (with `--strict`), by file index.
    failed: Vec<(usize, Error)>,
}

impl Fold {
    fn add(
        &mut self,
        stat: &(PathBuf, String, u64, u128),
        r: Result<FileResult>,
        sessions: Option<&Vec<String>>,
        strict: bool,
        index: usize,
    ) {
        let (path, key, size, mtime) = stat;
        let report = &mut self.report;
        match r {
            Ok(fr) => {
                report.files_processed += 1;
                report.bytes += size;
                report.turns += fr.turns;
                report.passages += fr.passages;
                report.words += fr.words;
                report.annotations += fr.annotations;
                report.words_resolved += fr.words_resolved;
                report.words_unresolved += fr.words_unresolved;
                report.unpaired.extend(fr.unpaired);
                for (l, ok) in fr.labels {
                    *self.labels_seen.entry(l).or_insert(ok) |= ok;
                }
                for (t, n) in fr.tags_by_theme {
                    *report.tags_by_theme.entry(t).or_default() += n;
                }
                report.sessions += fr.sessions.len();
                self.manifest.files.insert(
                    key.clone(),
                    FileEntry {
                        size: *size,
                        mtime_ns: *mtime,
                        hash: fr.hash,
                        kind: "transcript".into(),
                        sessions: fr.sessions,
                        passages: fr.passages,
                    },
                );
            }
            Err(e) => {
                if strict {
                    self.failed.push((index, e));
                } else {
                    report.skipped.push((path.clone(), reason(&e)));
                    self.manifest.files.insert(
                        key.clone(),
                        FileEntry {
                            size: *size,
                            mtime_ns: *mtime,
                            hash: String::new(),
                            kind: "skipped".into(),
                            sessions: sessions.cloned().unwrap_or_default(),
                            passages: 0,
                        },
                    );
                }
            }
        }
    }
}

/// Byte offsets of line starts, for turning offsets into 1-based line numbers.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// Finds where the words of `needle` (first few) start in `hay` at or after `from`, allowing
/// any white space between words. Returns the byte offset.
fn find_words(hay: &str, from: usize, needle: &[&str]) -> Option<usize> {
    let first = *needle.first()?;
    let mut pos = from;
    while let Some(i) = hay.get(pos..)?.find(first) {
        let start = pos + i;
        let mut cur = start + first.len();
        let mut ok = true;
        for w in &needle[1..] {
            let rest = &hay[cur..];
            let skipped = rest.len() - rest.trim_start().len();
            if rest[skipped..].starts_with(w) {
                cur += skipped + w.len();
            } else {
                ok = false;
                break;
            }
        }
        if ok {
            return Some(start);
        }
        pos = start + first.len();
    }
    None
}

/// Receives each passage record as soon as it is made, with the tokens of its text when the
/// tagger made them (for [`Writer::add_analyzed`]).
pub type Emit<'a> = dyn FnMut(PassageRecord, Option<Analysis>) -> Result<()> + 'a;

/// Turns a parsed transcript into resolved, segmented, tagged passage records.
///
/// Each record goes to `emit` as soon as it is made, so a huge transcript never has all its
/// passages in memory; the transcript's own turns are dropped once resolved. Returns the
/// session with the word count of each turn (the sum of its passages' words, which is
/// [`crate::text::count_words`] of the turn: the passages split it between words).
pub fn build_records(
    doc_text: &str,
    source: &str,
    transcript: Transcript,
    page: Option<&SessionPage>,
    res: &Resources,
    emit: &mut Emit<'_>,
) -> Result<(Session, Vec<u32>)> {
    let key = transcript.key.clone().unwrap_or_else(|| SessionKey {
        year: 0,
        code: Path::new(source)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    });
    let Transcript {
        title: transcript_title,
        annotations,
        source: transcript_source,
        turns: raw_turns,
        ..
    } = transcript;
    let turns = crate::resolve::resolve_turns(raw_turns, page, &res.directory);
    let sample: String = turns
        .iter()
        .flat_map(|t| [t.text.as_str(), " "])
        .take(40)
        .collect::<String>();
    let session_lang = res.detector.detect(&sample, "eng");
    let session = Session {
        title: page
            .map(|p| p.title.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or(transcript_title),
        date: page.and_then(|p| p.date.clone()),
        key: key.clone(),
        page: None,
        turns,
        annotations,
        source: transcript_source,
        language: session_lang,
    };
    let starts = line_starts(doc_text);
    let mut cursor = 0usize;
    let session_id = key.id();
    let version = res.taxonomy.version().to_string();
    let mut turn_words = Vec::with_capacity(session.turns.len());
    for turn in &session.turns {
        let lang = res.detector.detect(&turn.text, &session.language);
        let mut turn_total = 0u32;
        let turn_start = starts
            .get(turn.line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(cursor);
        cursor = cursor.max(turn_start);
        for (ordinal, piece) in crate::segment::split_passages(&turn.text)
            .into_iter()
            .enumerate()
        {
            let words: Vec<&str> = piece.text.split_whitespace().take(3).collect();
            let line = match find_words(doc_text, cursor, &words) {
                Some(off) => {
                    cursor = off;
                    (starts.partition_point(|&s| s <= off)) as u32
                }
                None => turn.line,
            };
            let (tags, analysis) = res.tagger.tag_and_analyze(&piece.text);
            turn_total += piece.words;
            emit(
                PassageRecord {
                    passage_id: passage_id(source, turn.ordinal, ordinal as u32),
                    session: session_id.clone(),
                    code: key.code.clone(),
                    year: key.year,
                    title: session.title.clone(),
                    date: session.date.clone().unwrap_or_default(),
                    speaker: turn.speaker.name.clone(),
                    label: turn.label.clone(),
                    stakeholder: turn.speaker.stakeholder,
                    region: turn.speaker.region,
                    role: turn.speaker.role,
                    affiliation: turn.speaker.affiliation.clone().unwrap_or_default(),
                    method: turn.speaker.method,
                    confidence: turn.speaker.confidence,
                    turn: turn.ordinal,
                    ordinal: ordinal as u32,
                    language: lang.clone(),
                    words: piece.words,
                    tags,
                    taxonomy: version.clone(),
                    source: source.to_string(),
                    line,
                    start_ms: turn.start_ms,
                    end_ms: turn.end_ms,
                    text: piece.text,
                },
                analysis,
            )?;
        }
        turn_words.push(turn_total);
    }
    Ok((session, turn_words))
}

/// [`build_records`] into a `Vec` (for benchmarks and tools; ingest streams instead).
pub fn collect_records(
    doc_text: &str,
    source: &str,
    transcript: &Transcript,
    page: Option<&SessionPage>,
    res: &Resources,
) -> Vec<PassageRecord> {
    let mut out = Vec::new();
    let _ = build_records(
        doc_text,
        source,
        transcript.clone(),
        page,
        res,
        &mut |r, _| {
            out.push(r);
            Ok(())
        },
    );
    out
}

fn process_transcript_file(
    path: &Path,
    pages: &HashMap<String, SessionPage>,
    res: &Resources,
    emit: &mut Emit<'_>,
) -> Result<FileResult> {
    let doc = crate::read::load(path)?;
    let parsed = crate::parse::parse_document(&doc)?;
    let source = path.to_string_lossy().into_owned();
    let mut out = FileResult {
        hash: doc.hash.clone(),
        ..FileResult::default()
    };
    let mut any = false;
    for p in parsed {
        let Parsed::Transcript(t) = p else { continue };
        any = true;
        let page = t.key.as_ref().and_then(|k| pages.get(&k.id()));
        let annotations: u64 = t.annotations.iter().map(|(_, n)| u64::from(*n)).sum();
        let mut count = 0usize;
        let mut tags_by_theme = std::mem::take(&mut out.tags_by_theme);
        let (session, turn_words) =
            build_records(&doc.text, &source, t, page, res, &mut |rec, analysis| {
                count += 1;
                for tag in &rec.tags {
                    match tags_by_theme.get_mut(tag.theme.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            tags_by_theme.insert(tag.theme.to_string(), 1);
                        }
                    }
                }
                emit(rec, analysis)
            })?;
        out.tags_by_theme = tags_by_theme;
        out.passages += count;
        if page.is_none() {
            out.unpaired.push(session.key.id());
        }
        out.annotations += annotations;
        out.turns += session.turns.len();
        let mut seen = BTreeSet::new();
        let session_id = session.key.id();
        for (turn, &w) in session.turns.iter().zip(&turn_words) {
            let w = u64::from(w);
            out.words += w;
            let named = !matches!(turn.speaker.role, Role::Audience | Role::Unnamed);
            let resolved = turn.speaker.stakeholder != Stakeholder::Unknown;
            if named {
                if resolved {
                    out.words_resolved += w;
                } else {
                    out.words_unresolved += w;
                }
                if seen.insert(turn.label.to_lowercase()) {
                    out.labels
                        .push((label_key(&session_id, &turn.label), resolved));
                }
            }
        }
        out.sessions.push(session_id);
    }
    if !any {
        return Err(Error::InputFile {
            path: path.to_path_buf(),
            message: "no speaker turns found".into(),
        });
    }
    Ok(out)
}

/// Word 3-shingles of a transcript, for duplicate detection.
fn shingles(t: &Transcript) -> BTreeSet<u64> {
    let words: Vec<String> = t
        .turns
        .iter()
        .flat_map(|turn| turn.text.split_whitespace())
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .map(|w| crate::hash::fnv1a(w.join(" ").bytes()))
        .collect()
}

/// Jaccard similarity of two shingle sets.
fn similarity(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Near-identical transcripts share at least this share of word 3-shingles.
pub const DUPLICATE_SIMILARITY: f64 = 0.8;

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

/// Extensions of the data files that sit beside the corpus (taxonomy, registry, notes): passed
/// over silently when found inside a directory, read (and rejected) only when named.
const CONFIG_EXTENSIONS: &[&str] = &["toml", "csv", "md", "json", "gitkeep"];

/// [`crate::read::discover`], minus the configuration files found in directories.
pub fn discover_inputs(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let (mut files, skipped) = crate::read::discover(inputs);
    files.retain(|f| {
        inputs.contains(f)
            || !f
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| CONFIG_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
    });
    (files, skipped)
}

/// Runs an ingest: reads, processes and indexes what changed since the last run, in one commit.
pub fn ingest(cfg: &IngestConfig) -> Result<IngestReport> {
    let started = Instant::now();
    let res = Resources::load(
        cfg.themes.as_deref(),
        cfg.registry.as_deref(),
        cfg.organizations.as_deref(),
    )?;
    let _lock = IngestLock::acquire(&cfg.index_dir, cfg.wait, cfg.quiet)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads())
        .build()
        .map_err(|e| Error::Other(format!("cannot start the thread pool: {e}")))?;
    pool.install(|| ingest_locked(cfg, &res, started))
}

fn ingest_locked(cfg: &IngestConfig, res: &Resources, started: Instant) -> Result<IngestReport> {
    let mut report = IngestReport::default();
    let mut old = if cfg.rebuild {
        Manifest::default()
    } else {
        Manifest::load(&cfg.index_dir)?
    };
    // The manifest vouches for what the index holds only if the index is there and opens: a
    // damaged one is reported (with how to rebuild it) even when no file changed, and a missing
    // one makes every file be read again.
    let mut index_missing = false;
    if !old.files.is_empty() {
        match crate::index::Reader::open(&cfg.index_dir) {
            Ok(_) => {}
            Err(Error::NoIndex(_)) => {
                old = Manifest::default();
                index_missing = true;
            }
            Err(e) => return Err(e),
        }
    }
    let fingerprint = res.fingerprint();
    let full = cfg.rebuild || old.fingerprint != fingerprint || old.files.is_empty();
    if cfg.rebuild {
        report.full_reprocess = Some("--rebuild".into());
    } else if index_missing {
        report.full_reprocess =
            Some("the manifest lists files but the index next to it is missing".into());
    } else if !old.files.is_empty() && old.fingerprint != fingerprint {
        report.full_reprocess = Some(
            "the taxonomy, registry, organisations list or schema changed since the last ingest"
                .into(),
        );
    }

    // 1. Discover and stat.
    let (files, skipped) = discover_inputs(&cfg.inputs);
    for s in skipped {
        report.skipped.push((s.path, s.reason));
    }
    report.files_seen = files.len();
    let mut stats: Vec<(PathBuf, String, u64, u128)> = Vec::with_capacity(files.len());
    for f in &files {
        match std::fs::metadata(f) {
            Ok(m) => stats.push((
                f.clone(),
                f.to_string_lossy().into_owned(),
                m.len(),
                crate::disk::mtime_ns(&m),
            )),
            Err(e) => report
                .skipped
                .push((f.clone(), format!("cannot read: {e}"))),
        }
    }
    // Paths that discovery already skipped (broken symlinks, empty directories) fail --strict
    // even when no file changed and the run would stop early.
    if cfg.strict && !report.skipped.is_empty() {
        let (p, why) = &report.skipped[0];
        return Err(Error::InputFile {
            path: p.clone(),
            message: format!(
                "{why} (--strict: {} path(s) would be skipped; nothing was indexed)",
                report.skipped.len()
            ),
        });
    }
    let current: BTreeSet<&str> = stats.iter().map(|s| s.1.as_str()).collect();
    let missing: Vec<String> = old
        .files
        .keys()
        .filter(|k| !current.contains(k.as_str()))
        .cloned()
        .collect();
    report.files_missing = missing.len();

    // 2. Which files changed (size or mtime differ; unchanged content just refreshes the stamp).
    let mut manifest = Manifest {
        fingerprint: fingerprint.clone(),
        files: BTreeMap::new(),
    };
    let mut changed: Vec<usize> = Vec::new();
    for (i, (_, key, size, mtime)) in stats.iter().enumerate() {
        match old.files.get(key) {
            // Skipped files are looked at again each run: they are still wrong and get their
            // warning (and fail --strict) until fixed.
            Some(e) if !full && e.kind != "skipped" && e.size == *size && e.mtime_ns == *mtime => {
                manifest.files.insert(key.clone(), e.clone());
            }
            _ => changed.push(i),
        }
    }
    if !full {
        // Same size, new time: compare content hashes before calling a file changed.
        let same: Vec<usize> = changed
            .par_iter()
            .copied()
            .filter(|&i| {
                let (path, key, size, _) = &stats[i];
                old.files.get(key).is_some_and(|e| {
                    e.size == *size
                        && std::fs::read(path).is_ok_and(|b| crate::hash::sha256_hex(&b) == e.hash)
                })
            })
            .collect();
        for i in &same {
            let (_, key, _, mtime) = &stats[*i];
            let mut e = old.files[key].clone();
            e.mtime_ns = *mtime;
            manifest.files.insert(key.clone(), e);
        }
        changed.retain(|i| !same.contains(i));
    }
    report.files_unchanged = stats.len() - changed.len();
    let pruning = cfg.prune && !missing.is_empty();
    if changed.is_empty() && !pruning && !full {
        // Keep the entries of missing files: their passages are still in the index.
        for m in &missing {
            manifest.files.insert(m.clone(), old.files[m].clone());
        }
        if manifest != old {
            manifest.save(&cfg.index_dir)?;
        }
        report.untouched = true;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    // 3. Sniff changed files; parse pages.
    let sniffed: Vec<(usize, Sniffed)> = changed
        .par_iter()
        .map(|&i| (i, sniff(&stats[i].0)))
        .collect();
    let mut new_pages: HashMap<String, SessionPage> = HashMap::new();
    let mut file_sessions: HashMap<usize, Vec<String>> = HashMap::new();
    let mut transcript_files: Vec<usize> = Vec::new();
    let mut bad: BTreeSet<usize> = BTreeSet::new();
    for (i, s) in sniffed {
        let (path, key, size, mtime) = &stats[i];
        let entry = |kind: &str, sessions: Vec<String>, hash: String| FileEntry {
            size: *size,
            mtime_ns: *mtime,
            hash,
            kind: kind.into(),
            sessions,
            passages: 0,
        };
        match s {
            Sniffed::Page(pages, hash) => {
                let ids: Vec<String> = pages
                    .iter()
                    .filter_map(|p| p.key.as_ref().map(SessionKey::id))
                    .collect();
                if ids.is_empty() {
                    report.skipped.push((
                        path.clone(),
                        "session page without an IGF year and session code in its title".into(),
                    ));
                }
                for p in pages {
                    if p.roster.is_empty() {
                        report.skipped.push((path.clone(), "session page without a roster: its speakers resolve through the registry only".into()));
                    }
                    if let Some(k) = &p.key {
                        new_pages.entry(k.id()).or_insert(p);
                    }
                }
                report.pages += 1;
                manifest.files.insert(key.clone(), entry("page", ids, hash));
            }
            Sniffed::Transcript(ids) => {
                file_sessions.insert(i, ids);
                transcript_files.push(i);
            }
            Sniffed::Skipped(why) => {
                report.skipped.push((path.clone(), why));
                bad.insert(i);
                match old.files.get(key).filter(|e| e.kind != "skipped" && !full) {
                    // A file that was read before and is unreadable now keeps its passages (and
                    // its old entry, so the next run looks at it again).
                    Some(e) => {
                        let mut e = e.clone();
                        e.size = u64::MAX;
                        manifest.files.insert(key.clone(), e);
                    }
                    None => {
                        manifest
                            .files
                            .insert(key.clone(), entry("skipped", Vec::new(), String::new()));
                    }
                }
            }
        }
    }
    if cfg.strict && !report.skipped.is_empty() {
        let (p, why) = &report.skipped[0];
        return Err(Error::InputFile {
            path: p.clone(),
            message: format!(
                "{why} (--strict: {} file(s) would be skipped; nothing was indexed)",
                report.skipped.len()
            ),
        });
    }

    // 4. Sessions touched by this run: those of changed files, old and new, and of pruned files.
    let mut affected: BTreeSet<String> = BTreeSet::new();
    for &i in changed.iter().filter(|i| !bad.contains(i)) {
        if let Some(e) = old.files.get(&stats[i].1) {
            affected.extend(e.sessions.iter().cloned());
        }
    }
    affected.extend(new_pages.keys().cloned());
    for ids in file_sessions.values() {
        affected.extend(ids.iter().cloned());
    }
    if pruning {
        for m in &missing {
            affected.extend(old.files[m].sessions.iter().cloned());
        }
    }
    // Unchanged transcripts of affected sessions are processed again (their page may have
    // changed); unchanged pages of affected sessions are read again for their rosters.
    let mut pages = new_pages;
    if !full {
        for (i, (path, key, _, _)) in stats.iter().enumerate() {
            if changed.contains(&i) {
                continue;
            }
            let Some(e) = manifest.files.get(key) else {
                continue;
            };
            if !e.sessions.iter().any(|s| affected.contains(s)) {
                continue;
            }
            match e.kind.as_str() {
                "transcript" | "duplicate" => {
                    file_sessions.insert(i, e.sessions.clone());
                    transcript_files.push(i);
                }
                "page" => {
                    if let Ok(doc) = crate::read::load(path) {
                        if let Ok(parsed) = crate::parse::parse_document(&doc) {
                            for p in parsed {
                                if let Parsed::Page(p) = p {
                                    if let Some(k) = &p.key {
                                        pages.entry(k.id()).or_insert_with(|| for_pairing(&p));
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    transcript_files.sort_unstable();
    transcript_files.dedup();
    if transcript_files.is_empty() && !pruning && !full {
        for m in &missing {
            manifest.files.insert(m.clone(), old.files[m].clone());
        }
        manifest.save(&cfg.index_dir)?;
        report.untouched = true;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    // 5. Open the writer; delete what is replaced.
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
    if full {
        writer.delete_all()?;
    } else {
        let mut sources: BTreeSet<&str> = BTreeSet::new();
        for (k, e) in &old.files {
            if e.sessions.iter().any(|s| affected.contains(s)) && e.kind != "page" {
                sources.insert(k.as_str());
            }
        }
        for &i in &transcript_files {
            sources.insert(stats[i].1.as_str());
        }
        for s in sources {
            writer.delete_source(s)?;
        }
    }
    if pruning {
        report.files_pruned = missing.len();
    } else {
        for m in &missing {
            manifest.files.insert(m.clone(), old.files[m].clone());
        }
    }

    // 6. Duplicates: transcripts naming the same session are compared; near-identical ones are
    // read once (the first in path order).
    let mut by_session: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &transcript_files {
        if let Some(first) = file_sessions.get(&i).and_then(|s| s.first()) {
            by_session.entry(first.clone()).or_default().push(i);
        }
    }
    let mut duplicate_of: HashMap<usize, usize> = HashMap::new();
    for group in by_session.values().filter(|g| g.len() > 1) {
        let parsed: Vec<(usize, Option<BTreeSet<u64>>)> = group
            .par_iter()
            .map(|&i| {
                let sh = crate::read::load(&stats[i].0)
                    .ok()
                    .and_then(|d| crate::parse::parse_document(&d).ok())
                    .and_then(|p| {
                        p.into_iter().find_map(|x| match x {
                            Parsed::Transcript(t) => Some(shingles(&t)),
                            Parsed::Page(_) => None,
                        })
                    });
                (i, sh)
            })
            .collect();
        for (a, (ia, sa)) in parsed.iter().enumerate() {
            if duplicate_of.contains_key(ia) {
                continue;
            }
            let Some(sa) = sa else { continue };
            for (ib, sb) in &parsed[a + 1..] {
                if let Some(sb) = sb {
                    if !duplicate_of.contains_key(ib) && similarity(sa, sb) >= DUPLICATE_SIMILARITY
                    {
                        duplicate_of.insert(*ib, *ia);
                    }
                }
            }
        }
    }

    // 7. Process transcripts in parallel, streaming passages into the writer.
    let work: Vec<usize> = transcript_files
        .iter()
        .copied()
        .filter(|i| !duplicate_of.contains_key(i))
        .collect();
    let total_bytes: u64 = work.iter().map(|&i| stats[i].2).sum();
    let pb = progress(cfg.quiet, total_bytes, "ingesting");
    // Each file's result is folded in as soon as it is done, so what the run holds grows with
    // the number of distinct speakers, not with the files' results.
    let folded = Mutex::new(Fold {
        report: std::mem::take(&mut report),
        manifest: std::mem::take(&mut manifest),
        labels_seen: HashMap::new(),
        failed: Vec::new(),
    });
    work.par_iter().for_each(|&i| {
        let r = process_transcript_file(&stats[i].0, &pages, res, &mut |rec, analysis| {
            writer.add_analyzed(&rec, analysis)
        });
        pb.inc(stats[i].2);
        let mut f = folded.lock().unwrap_or_else(PoisonError::into_inner);
        f.add(&stats[i], r, file_sessions.get(&i), cfg.strict, i);
    });
    pb.finish_and_clear();
    let Fold {
        report: folded_report,
        manifest: folded_manifest,
        labels_seen,
        mut failed,
    } = folded.into_inner().unwrap_or_else(PoisonError::into_inner);
    report = folded_report;
    manifest = folded_manifest;
    // With --strict, the error of the first failing file in path order is the one reported.
    failed.sort_by_key(|(i, _)| *i);
    let failed = failed.into_iter().map(|(_, e)| e);
    if let Some(e) = { failed }.next() {
        // Nothing is committed: the writer is dropped with its documents.
        return Err(e);
    }
    for (dup, of) in &duplicate_of {
        let (path, key, size, mtime) = &stats[*dup];
        report.duplicates.push(Duplicate {
            path: path.clone(),
            of: stats[*of].0.clone(),
        });
        manifest.files.insert(
            key.clone(),
            FileEntry {
                size: *size,
                mtime_ns: *mtime,
                hash: String::new(),
                kind: "duplicate".into(),
                sessions: file_sessions.get(dup).cloned().unwrap_or_default(),
                passages: 0,
            },
        );
    }
    report.duplicates.sort_by(|a, b| a.path.cmp(&b.path));
    report.speakers_resolved = labels_seen.values().filter(|v| **v).count();
    report.speakers_unresolved = labels_seen.values().filter(|v| !**v).count();
    drop(labels_seen);
    report.unpaired.sort();
    report.unpaired.dedup();
    report.skipped.sort();

    // 8. One commit, then the manifest (a crash in between only makes the next run redo files).
    writer.commit()?;
    manifest.save(&cfg.index_dir)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// With `--rebuild`, an index that cannot be opened (another schema version, damaged) is
/// removed so a fresh one can be written. Only a directory that holds an index is touched.
fn clear_incompatible_index(dir: &Path) -> Result<()> {
    match crate::index::Reader::open(dir) {
        Err(Error::IndexVersion { .. }) | Err(Error::Corrupt { .. }) | Err(Error::Index(_)) => {}
        _ => return Ok(()),
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        if name == LOCK_FILE || name == ".gitkeep" {
            continue;
        }
        let p = entry.path();
        let res = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        res.map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// Runs every stage but indexing, in memory, over the inputs of `cfg` (for benchmarks and
/// tools; ingest streams instead).
pub fn prepare(cfg: &IngestConfig) -> Result<Vec<PassageRecord>> {
    let res = Resources::load(
        cfg.themes.as_deref(),
        cfg.registry.as_deref(),
        cfg.organizations.as_deref(),
    )?;
    let (files, _) = discover_inputs(&cfg.inputs);
    let sniffed: Vec<(PathBuf, Sniffed)> =
        files.par_iter().map(|f| (f.clone(), sniff(f))).collect();
    let mut pages = HashMap::new();
    let mut transcripts = Vec::new();
    for (p, s) in sniffed {
        match s {
            Sniffed::Page(ps, _) => {
                for pg in ps {
                    if let Some(k) = &pg.key {
                        pages.entry(k.id()).or_insert(pg);
                    }
                }
            }
            Sniffed::Transcript(_) => transcripts.push(p),
            Sniffed::Skipped(_) => {}
        }
    }
    let mut out: Vec<PassageRecord> = transcripts
        .par_iter()
        .flat_map_iter(|p| {
            let mut recs = Vec::new();
            let ok = process_transcript_file(p, &pages, &res, &mut |r, _| {
                recs.push(r);
                Ok(())
            });
            if ok.is_err() {
                recs.clear();
            }
            recs
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.session, &a.source, a.turn, a.ordinal).cmp(&(&b.session, &b.source, b.turn, b.ordinal))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_words_crosses_line_breaks_and_indentation() {
        let hay = ">> A:  one two\n   three four five\n";
        assert_eq!(find_words(hay, 0, &["two", "three", "four"]), Some(11));
        assert_eq!(find_words(hay, 12, &["two"]), None);
    }

    #[test]
    fn passage_ids_are_stable_and_distinct() {
        assert_eq!(passage_id("a.txt", 1, 0), passage_id("a.txt", 1, 0));
        assert_ne!(passage_id("a.txt", 1, 0), passage_id("a.txt", 1, 1));
        assert_ne!(passage_id("a.txt", 1, 0), passage_id("b.txt", 1, 0));
        assert!(passage_id("x", 9, 9) < 1 << 53);
    }

    #[test]
    fn similarity_is_jaccard() {
        let a: BTreeSet<u64> = [1, 2, 3, 4].into();
        let b: BTreeSet<u64> = [2, 3, 4, 5].into();
        assert!((similarity(&a, &b) - 0.6).abs() < 1e-9);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    proptest! {
        /// Ingest counts a turn's words as the sum of its passages' words.
        #[test]
        fn passage_words_add_up_to_the_turn(s in "([a-zA-Z\u{e9}\u{ad}0-9]{1,12}[ .,!?\n\u{2026}-]{1,3}){0,400}") {
            let sum: u32 = crate::segment::split_passages(&s).iter().map(|p| p.words).sum();
            prop_assert_eq!(sum, crate::text::count_words(&s));
        }

        #[test]
        fn passage_words_add_up_in_long_sentences(s in "([a-z\u{e9}]{1,8}[ \u{ad}]){100,300}") {
            let sum: u32 = crate::segment::split_passages(&s).iter().map(|p| p.words).sum();
            prop_assert_eq!(sum, crate::text::count_words(&s));
        }

        #[test]
        fn passage_words_add_up_on_any_text(s in any::<String>()) {
            let sum: u32 = crate::segment::split_passages(&s).iter().map(|p| p.words).sum();
            prop_assert_eq!(sum, crate::text::count_words(&s));
        }
    }
}
