//! The input files of a run: discover them (and the corpus's own data files), stat them, take a
//! first look at each changed one (the sniff), pair every file with its session ([`pair`]),
//! and note each session's page files (read again, slim, when a transcript of it is processed).
//!
//! Input: the paths given, which files changed ([`super::plan`]) and the pairs file. Output:
//! [`SourceFile`]s, then [`Sources`]: the page files by session id (read and merged, several
//! pages of one session into one, by [`super::work::Work::page_for`]), the transcripts to process with the sessions pairing gave them, the
//! sessions the run touches, the manifest entries of pages and skipped files, and what was
//! skipped and why.
//!
//! A page is read once here (whole, when the sniff's 64 KiB did not hold all of it). A
//! transcript is only sniffed (its first 64 KiB tell its format and session): it is read whole
//! once, by [`super::run`]. Holding transcripts from here to there would make memory grow with
//! the corpus, and they cannot be processed here, before every page is known. The one
//! exception: a transcript whose best pages tie is read here with those pages ([`text_of`]),
//! to break the tie, and dropped again; ties are rare.

pub use super::found::{Files, SourceFile};
use super::manifest::{FileEntry, FileKind, Manifest};
use super::pair::{self, Clue, PairedBy, Pairing};
use super::pairs::Pairs;
use super::report::{SkipReason, SkippedFile};
use super::spill::Spill;
use crate::error::Error;
use crate::model::{Document, Format, KeySource, SessionKey, SessionPage};
use crate::parse::Parsed;
use crate::read::OwnDir;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes read from each changed file to tell pages from transcripts before the full parse.
const SNIFF_BYTES: usize = 64 * 1024;

/// Extensions of the data files that sit beside the corpus (taxonomy, model, registry, codes,
/// notes) and of igf-lens's REFI-QDA exports (`.qdpx`, `.qdc`): passed over silently when found
/// inside a directory, read (and rejected) only when named.
const CONFIG_EXTENSIONS: &[&str] = &["toml", "csv", "md", "json", "gitkeep", "tsv", "qdpx", "qdc"];

/// The files found under the inputs, and the paths passed over.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Files,
    pub skipped: Vec<SkippedFile>,
}

/// [`crate::read::discover`], minus the configuration files found in directories.
pub fn discover_inputs(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<crate::read::Skipped>) {
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

/// Refuses an input directory that igf-lens wrote itself (an index or an export folder): it is
/// never a corpus, and walking a directory passes over such directories silently.
pub fn refuse_own_dirs(inputs: &[PathBuf]) -> Result<(), Error> {
    for input in inputs {
        if let Some(own) = input.is_dir().then(|| OwnDir::of(input)).flatten() {
            return Err(Error::Usage(format!(
                "{} holds {}, not transcripts or pages: name the corpus directory instead \
                 (walking a directory passes over indexes and export folders)",
                input.display(),
                own.describe()
            )));
        }
    }
    Ok(())
}

/// Adds to `found` the files of `old` (the previous manifest) that are not under this run's
/// inputs and still exist: an ingest of other paths keeps what was ingested before, and treats
/// it as if given again (so a session those files share with the new ones is rebuilt from all of
/// them, and the manifest and the index agree whatever the order of ingests). Only files that
/// no longer exist stay missing; `--prune` does not call this, and drops the others too.
pub fn carry_earlier(found: &mut Discovered, old: &Manifest) {
    let seen: BTreeSet<&str> = found.files.iter().map(|f| f.key).collect();
    let mut carried = Files::default();
    for key in old.files.keys().filter(|k| !seen.contains(k.as_str())) {
        let path = crate::disk::key_path(key);
        if let Some(m) = std::fs::metadata(&path).ok().filter(|m| m.is_file()) {
            carried.push(key, m.len(), crate::disk::mtime_ns(&m));
        }
    }
    for f in carried.iter() {
        found.files.push(f.key, f.size, f.mtime_ns);
    }
}

/// Discovers the files under `inputs` (see [`discover_inputs`]) and stats each.
pub fn discover(inputs: &[PathBuf]) -> Discovered {
    let (paths, skipped) = discover_inputs(inputs);
    let mut found = Discovered {
        files: Files::with_capacity(paths.len()),
        skipped: skipped
            .into_iter()
            .map(|s| SkippedFile {
                path: s.path,
                reason: SkipReason::Discovery(s.reason),
            })
            .collect(),
    };
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(m) => found.files.push(
                &crate::disk::path_key(&path),
                m.len(),
                crate::disk::mtime_ns(&m),
            ),
            Err(e) => found.skipped.push(SkippedFile {
                path,
                reason: SkipReason::Unreadable(e.to_string()),
            }),
        }
    }
    found
}

/// The data files a corpus carries beside its transcripts, found under the inputs by name:
/// `speakers.csv` (its people), `organizations.csv` (its organisations) and `pairs.csv` (which
/// session each file belongs to), in path order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusFiles {
    pub registries: Vec<PathBuf>,
    pub organizations: Vec<PathBuf>,
    pub pairs: Vec<PathBuf>,
    /// `codes.csv`: a person's decisions on tags (see [`crate::codes`]).
    pub codes: Vec<PathBuf>,
}

/// Finds the corpus's own data files under `inputs` (see [`CorpusFiles`]).
pub fn corpus_files(inputs: &[PathBuf]) -> CorpusFiles {
    let (files, _) = crate::read::discover(inputs);
    let mut out = CorpusFiles::default();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match name.as_str() {
            "speakers.csv" => out.registries.push(f),
            "organizations.csv" | "organisations.csv" => out.organizations.push(f),
            "pairs.csv" => out.pairs.push(f),
            "codes.csv" => out.codes.push(f),
            _ => {}
        }
    }
    out
}

/// What the first look at a file found.
#[derive(Debug)]
pub enum Sniff {
    /// Session pages (pages are small: parsed whole here), reduced to what pairing reads of
    /// the first ([`page_clue`]), whether any lacks a roster, and the file's content hash (a
    /// page is read again when a transcript of its session is processed).
    /// Boxed: the sniffs of a chunk of files are collected at once, most of them transcripts.
    Page(Box<SniffedPage>),
    /// A transcript-like file (raw text, captions, JSON Lines, or an HTML transcript): what
    /// pairing reads of each session it holds (a JSON Lines file may hold several).
    Transcript {
        clues: Vec<Clue>,
    },
    Skipped(SkipReason),
}

/// What a run keeps of a page file it sniffed.
#[derive(Debug)]
pub struct SniffedPage {
    pub clue: Clue,
    pub no_roster: bool,
    pub hash: String,
}

/// The part of a session page that pairing and speaker resolution read (key, title, date,
/// roster, address): the long free-text sections (description, policy questions, takeaways)
/// are dropped.
pub fn slim(page: &SessionPage) -> SessionPage {
    SessionPage {
        key: page.key.clone(),
        title: page.title.clone(),
        date: page.date.clone(),
        roster: page.roster.clone(),
        source: page.source.clone(),
        url: page.url.clone(),
        key_source: page.key_source,
        ..SessionPage::default()
    }
}

/// What pairing reads of a page: its key, title, date, address and roster names.
pub fn page_clue(page: &SessionPage) -> Clue {
    let mut names: Vec<&str> = Vec::new();
    for e in &page.roster {
        if !names.contains(&e.name.as_str()) && names.len() < 60 {
            names.push(&e.name);
        }
    }
    Clue {
        key: page.key.clone(),
        source: page.key_source,
        url: page.url.clone(),
        title: page.title.clone(),
        date: page.date.clone(),
        year: page.date.as_deref().and_then(|d| d.get(..4)?.parse().ok()),
        code: None,
        names: names.into_iter().collect(),
    }
}

/// What pairing reads of a parsed transcript (captions, JSON Lines, HTML).
fn transcript_clue(t: &crate::model::Transcript) -> Clue {
    let mut names: Vec<&str> = Vec::new();
    for turn in &t.turns {
        let label = turn.label.as_str();
        if !label.is_empty() && !names.contains(&label) && names.len() < 40 {
            names.push(label);
        }
    }
    Clue {
        key: t.key.clone(),
        source: t.key_source,
        url: t.url.clone(),
        title: t.title.clone(),
        names: names.into_iter().collect(),
        ..Clue::default()
    }
}

/// Reads the first 64 KiB (`SNIFF_BYTES`) of a file, decodes and detects it; pages are read whole
/// (from the sniffed bytes when they hold all of the file) and parsed.
pub fn sniff(path: &Path) -> Sniff {
    let mut buf = Vec::with_capacity(SNIFF_BYTES);
    // One byte more than the sniff needs tells whether the read got the whole file.
    let read = File::open(path).and_then(|f| f.take(SNIFF_BYTES as u64 + 1).read_to_end(&mut buf));
    if let Err(e) = read {
        return Sniff::Skipped(SkipReason::Unreadable(e.to_string()));
    }
    let whole = buf.len() <= SNIFF_BYTES;
    buf.truncate(SNIFF_BYTES);
    if buf.is_empty() {
        return Sniff::Skipped(SkipReason::Empty);
    }
    if crate::read::archive_kind(&buf, path).is_some() {
        // An MHTML file is read whole for the HTML page in it (a web archive for its reason).
        return match whole_document(path, buf, whole) {
            Ok(doc) => sniff_page_or_html(&doc),
            Err(e) => Sniff::Skipped(SkipReason::Unusable(e.detail())),
        };
    }
    let text = match crate::read::decode(&buf) {
        Ok(t) => t,
        Err(e) => return Sniff::Skipped(SkipReason::NotText(e)),
    };
    match crate::read::detect(&text, path) {
        Format::SessionPage | Format::Html => match whole_document(path, buf, whole) {
            Ok(doc) => sniff_page_or_html(&doc),
            Err(e) => Sniff::Skipped(SkipReason::Unusable(e.detail())),
        },
        // A raw transcript's first part tells its session (title, address, file name) and its
        // first speakers: no need to parse it whole, the full parse comes later.
        Format::Transcript => {
            let (id, title, labels) = crate::parse::sniff_transcript(&text, path);
            Sniff::Transcript {
                clues: vec![Clue {
                    key: id.key,
                    source: id.source,
                    url: id.url,
                    title,
                    date: None,
                    year: id.year,
                    code: id.code,
                    names: labels.iter().collect(),
                }],
            }
        }
        format @ (Format::WebVtt | Format::Srt | Format::JsonLines) => {
            let doc = Document {
                path: path.to_path_buf(),
                text,
                format,
                hash: String::new(),
                bytes: buf.len() as u64,
                damage: Vec::new(),
            };
            // The prefix may end mid-record (JSON Lines): then the full parse decides.
            let clues = crate::parse::parse_document(&doc)
                .map(|parsed| transcript_clues(&parsed))
                .unwrap_or_default();
            Sniff::Transcript { clues }
        }
        Format::Unknown if crate::read::only_server_warnings(&text) => {
            Sniff::Skipped(SkipReason::ServerWarningsOnly)
        }
        Format::Unknown => Sniff::Skipped(SkipReason::UnknownFormat),
    }
}

/// The whole file as a document: from the sniffed bytes when they hold all of it (`whole`),
/// else read again.
fn whole_document(path: &Path, buf: Vec<u8>, whole: bool) -> Result<Document, Error> {
    if whole {
        crate::read::from_bytes(path, buf)
    } else {
        crate::read::load(path)
    }
}

fn transcript_clues(parsed: &[Parsed]) -> Vec<Clue> {
    parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::Transcript(t) => Some(transcript_clue(t)),
            Parsed::Page(_) => None,
        })
        .collect()
}

/// A whole page (or an HTML file, which holds a page or a transcript).
fn sniff_page_or_html(doc: &Document) -> Sniff {
    match crate::parse::parse_document(doc) {
        Ok(parsed) => {
            let pages: Vec<&SessionPage> = parsed
                .iter()
                .filter_map(|p| match p {
                    Parsed::Page(pg) => Some(pg),
                    Parsed::Transcript(_) => None,
                })
                .collect();
            match pages.first() {
                None => Sniff::Transcript {
                    clues: transcript_clues(&parsed),
                },
                Some(first) => Sniff::Page(Box::new(SniffedPage {
                    clue: page_clue(first),
                    no_roster: pages.iter().any(|p| p.roster.is_empty()),
                    hash: doc.hash.clone(),
                })),
            }
        }
        Err(e) => Sniff::Skipped(SkipReason::Unusable(e.detail())),
    }
}

/// What a run reads: the page files (by session id), the transcripts to process with the
/// sessions pairing gave them, and the bookkeeping of the files looked at.
#[derive(Debug, Default)]
pub struct Sources {
    /// Session id → its page files (read, and their rosters merged, by
    /// [`super::work::Work::page_for`] once [`super::work::Work::take`] holds them flat).
    pub pages: HashMap<String, Vec<PageFile>>,
    /// Transcripts to process, by index into the discovered files, with their sessions.
    pub transcripts: BTreeMap<usize, Vec<String>>,
    /// What processing takes from the pairing of each paired single-session transcript (by
    /// file index). Its clue and pairing, for its manifest entry, wait in the run's spill
    /// ([`Spill::park`]), parked as pairing decides them: not in memory while every page's
    /// sniff is.
    pub given: HashMap<usize, Given>,
    /// Sessions the run touches: those of changed files (old and new), of new pages, of pruned
    /// files, and of files whose pairing changed.
    pub affected: BTreeSet<String>,
    /// Page files read.
    pub page_files: usize,
    /// Pages without a roster, and pages without a session key (kept for matching).
    pub pages_without_roster: Vec<PathBuf>,
    pub pages_without_key: Vec<PathBuf>,
    /// Files passed over, and why.
    pub skipped: Vec<SkippedFile>,
    /// Files of saved pages' asset folders that hold no transcript or page, and why: passed
    /// over without a warning each ([`IngestReport::assets`](super::IngestReport::assets)).
    pub assets: Vec<SkippedFile>,
    /// Manifest entries of the pages and the skipped files, by key, that are not in the
    /// spill yet (the changed pages' go there as they are paired).
    pub entries: Vec<(String, FileEntry)>,
}

/// What a transcript's processing takes from its pairing: the session key it gives a file of
/// one transcript, and whether that key was a guess (counted in the report).
#[derive(Debug, Clone)]
pub struct Given {
    pub key: Option<(SessionKey, Option<KeySource>)>,
    pub guess: bool,
}

impl Given {
    fn of(p: &Pairing) -> Given {
        Given {
            key: p.key.clone().map(|k| (k, p.source)),
            guess: p.by.is_some_and(PairedBy::is_guess),
        }
    }
}

/// Parks the clue and pairing of transcript `i` in `spill` as two lines (the clue's JSON, the
/// pairing's), to be taken back when the run writes its entry. `clue_json` is the clue's JSON
/// when the load parked it while pairing waited ([`Sniffed::Parked`]).
fn park(
    spill: &mut Spill,
    i: usize,
    clue: &Clue,
    clue_json: Option<String>,
    pairing: &Pairing,
) -> Result<(), Error> {
    let mut text = match clue_json {
        Some(json) => json,
        None => serde_json::to_string(clue).map_err(|e| Error::Other(e.to_string()))?,
    };
    text.push('\n');
    let json = serde_json::to_string(pairing).map_err(|e| Error::Other(e.to_string()))?;
    text.push_str(&json);
    spill.park(i, &text)
}

/// The clue the load parked for transcript `i` ([`Sniffed::Parked`]), and its JSON.
fn unpark_clue(spill: &mut Spill, i: usize) -> Result<(Clue, String), Error> {
    let lost = || {
        Error::Other(format!(
            "the sniff of file {i} is missing from the run's spill"
        ))
    };
    let json = spill.unpark(i)?.ok_or_else(lost)?;
    let clue = serde_json::from_str(&json).map_err(|e| Error::Other(e.to_string()))?;
    Ok((clue, json))
}

/// What [`load`] starts from.
pub struct Load<'a> {
    /// Every discovered file.
    pub files: &'a Files,
    /// Indices of the files whose content may have changed.
    pub changed: &'a [usize],
    /// The manifest of the previous run.
    pub old: &'a Manifest,
    /// The entries carried into this run's manifest (unchanged files).
    pub carried: &'a Manifest,
    /// Keys of missing files whose passages this run drops (`--prune`).
    pub pruned: &'a [String],
    /// Every file is processed.
    pub full: bool,
    /// The pairs files' rows.
    pub pairs: &'a Pairs,
}

/// Changed files sniffed at once: enough to keep both cores busy, few enough that the load
/// does not hold every transcript's sniff (a transcript's clue goes to the spill at once).
const SNIFF_CHUNK: usize = 4096;

/// A changed transcript file as the load holds it until pairing.
enum Sniffed {
    /// The clue of a file of one session, held (a load without a spill).
    Held(Clue),
    /// The clue of a file of one session, parked in the spill until pairing reads it; its key
    /// is kept (a pairs-file id is read as the key some file gives).
    Parked(Option<SessionKey>),
    /// A file of several sessions (JSON Lines), or of none: its sessions' ids. Not paired.
    Many(Vec<String>),
}

impl Sniffed {
    /// Holds the clues of changed file `i`, parking a single clue in `spill` when there is one.
    fn of(clues: Vec<Clue>, i: usize, spill: &mut Option<&mut Spill>) -> Result<Sniffed, Error> {
        let clue = match <[Clue; 1]>::try_from(clues) {
            Ok([clue]) => clue,
            Err(clues) => {
                let ids = clues
                    .iter()
                    .filter_map(|c| c.key.as_ref().map(SessionKey::id));
                return Ok(Sniffed::Many(ids.collect()));
            }
        };
        match spill {
            Some(spill) => {
                let json = serde_json::to_string(&clue).map_err(|e| Error::Other(e.to_string()))?;
                spill.park(i, &json)?;
                Ok(Sniffed::Parked(clue.key))
            }
            None => Ok(Sniffed::Held(clue)),
        }
    }

    /// The key the file's clue gives, for a file of one session.
    fn key(&self) -> Option<&SessionKey> {
        match self {
            Sniffed::Held(clue) => clue.key.as_ref(),
            Sniffed::Parked(key) => key.as_ref(),
            Sniffed::Many(_) => None,
        }
    }
}

/// The changed files as sniffed, sorted by kind.
#[derive(Default)]
struct Fresh {
    pages: Vec<(usize, Box<SniffedPage>)>,
    transcripts: Vec<(usize, Sniffed)>,
}

/// A transcript as pairing gave it, to file ([`Sources::file_transcript`]).
struct PairedTranscript<'c> {
    /// Index into the files found.
    i: usize,
    changed: bool,
    clue: &'c Clue,
    /// The clue's JSON, when it was parked while pairing waited.
    json: Option<String>,
    pairing: Pairing,
}

/// A transcript to pair: changed (its sniff) or unchanged (the clue its manifest entry kept).
#[derive(Clone, Copy)]
enum ToPair<'a> {
    Changed(&'a Sniffed),
    Unchanged(&'a Clue),
}

/// Sniffs the changed files (in parallel, a chunk at a time), pairs every file (the unchanged
/// ones from what the manifest kept of them), keeps the pages, lists the transcripts to process
/// (those changed, and those whose pairing changed), then adds the unchanged transcripts of the
/// sessions touched (their page may have changed) and reads the unchanged pages those sessions
/// lack. A changed transcript's clue goes to `spill` as soon as it is sniffed, and comes back
/// from it one at a time to be paired (the load holds every page's sniff, but of the
/// transcripts only their keys); its clue and pairing are then parked for its entry, and the
/// changed pages' entries spilled as they are filed (no spill: clues and pairings are held,
/// then dropped, and the entries kept in [`Sources`]).
pub fn load(l: &Load<'_>, mut spill: Option<&mut Spill>) -> Result<Sources, Error> {
    let mut s = Sources::default();
    let mut unreadable = BTreeSet::new();
    let fresh = s.sniff_changed(l, &mut spill, &mut unreadable)?;
    s.pair(l, fresh, &mut spill)?;
    for &i in l.changed.iter().filter(|i| !unreadable.contains(i)) {
        if let Some(e) = l.old.files.get(l.files.key(i)) {
            s.affected.extend(e.sessions.iter().cloned());
        }
    }
    s.affected.extend(s.pages.keys().cloned());
    for ids in s.transcripts.values() {
        s.affected.extend(ids.iter().cloned());
    }
    for m in l.pruned {
        s.affected.extend(l.old.files[m].sessions.iter().cloned());
    }
    if !l.full {
        s.add_unchanged(l);
    }
    Ok(s)
}

/// A session page file of a session, read again when one of the session's transcripts is
/// processed (a run holds no page), with the key pairing gave it (over the page's own).
#[derive(Debug, Clone)]
pub struct PageFile {
    /// Index into the files found.
    pub file: usize,
    pub key: Option<SessionKey>,
}

impl Sources {
    /// Sniffs the changed files, [`SNIFF_CHUNK`] at a time (each chunk in parallel): pages are
    /// kept, transcripts' clues parked ([`Sniffed::of`]), unusable files skipped (and listed in
    /// `unreadable`).
    fn sniff_changed(
        &mut self,
        l: &Load<'_>,
        spill: &mut Option<&mut Spill>,
        unreadable: &mut BTreeSet<usize>,
    ) -> Result<Fresh, Error> {
        let mut fresh = Fresh::default();
        for chunk in l.changed.chunks(SNIFF_CHUNK) {
            let sniffed: Vec<(usize, Sniff)> = chunk
                .par_iter()
                .map(|&i| (i, sniff(&l.files.file(i).path())))
                .collect();
            for (i, sniff) in sniffed {
                match sniff {
                    Sniff::Page(page) => fresh.pages.push((i, page)),
                    Sniff::Transcript { clues } => {
                        fresh.transcripts.push((i, Sniffed::of(clues, i, spill)?));
                    }
                    Sniff::Skipped(why) => {
                        let path = l.files.file(i).path();
                        if why.is_not_a_document() && crate::read::asset_folder(&path).is_some() {
                            self.assets.push(SkippedFile { path, reason: why });
                            self.add_entry(l, i);
                        } else {
                            self.add_skipped(l, i, why);
                        }
                        unreadable.insert(i);
                    }
                }
            }
        }
        Ok(fresh)
    }

    /// A file that could not be used: reported, and its old entry kept when it was read before.
    fn add_skipped(&mut self, l: &Load<'_>, i: usize, why: SkipReason) {
        self.skip(&l.files.file(i).path(), why);
        self.add_entry(l, i);
    }

    /// The manifest entry of a file passed over: a skipped file's, or its old entry when it was
    /// read before.
    fn add_entry(&mut self, l: &Load<'_>, i: usize) {
        let f = l.files.file(i);
        let old = l.old.files.get(f.key);
        let kept = old.filter(|e| e.kind != FileKind::Skipped && !l.full);
        // A file that was read before and is unreadable now keeps its passages (and its old
        // entry, so the next run looks at it again).
        let e = match kept {
            Some(e) => e.clone().unreadable(),
            None => FileEntry::new(FileKind::Skipped, f.size, f.mtime_ns, String::new(), vec![]),
        };
        self.entries.push((f.key.to_string(), e));
    }

    /// Pairs every page and single-session transcript (the changed ones from their sniff, the
    /// unchanged ones from their manifest clue), then files the results: each transcript as
    /// soon as it is paired (its clue read back from the spill and parked again with its
    /// pairing), the pages once every transcript is.
    fn pair(
        &mut self,
        l: &Load<'_>,
        fresh: Fresh,
        spill: &mut Option<&mut Spill>,
    ) -> Result<(), Error> {
        let index: HashMap<&str, usize> = l
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key, i))
            .collect();
        let fresh_idx: BTreeSet<usize> = fresh
            .pages
            .iter()
            .map(|(i, _)| *i)
            .chain(fresh.transcripts.iter().map(|(i, _)| *i))
            .collect();
        // Unchanged files, from what the manifest kept of them.
        let carried: Vec<(usize, &FileEntry)> = l
            .carried
            .files
            .iter()
            .filter_map(|(k, e)| Some((*index.get(k.as_str())?, e)))
            .filter(|(i, e)| !fresh_idx.contains(i) && e.clue.is_some())
            .collect();
        drop(fresh_idx);
        let mut page_in: Vec<(usize, &Clue)> =
            fresh.pages.iter().map(|(i, p)| (*i, &p.clue)).collect();
        let mut tr_in: Vec<(usize, ToPair<'_>)> = fresh
            .transcripts
            .iter()
            .map(|(i, t)| (*i, ToPair::Changed(t)))
            .collect();
        for (i, e) in &carried {
            let clue = e.clue.as_ref().expect("filtered on clue");
            match e.kind {
                FileKind::Page => page_in.push((*i, clue)),
                FileKind::Transcript | FileKind::Duplicate => {
                    tr_in.push((*i, ToPair::Unchanged(clue)));
                }
                FileKind::Skipped => {}
            }
        }
        for (i, t) in &fresh.transcripts {
            if let Sniffed::Many(ids) = t {
                self.transcripts.insert(*i, ids.clone());
            }
        }
        let key_of = |i: usize| l.files.key(i);
        let pages: Vec<pair::Input<'_>> = page_in.iter().map(|(i, c)| (key_of(*i), *c)).collect();
        let known: Vec<&SessionKey> = page_in
            .iter()
            .filter_map(|(_, c)| c.key.as_ref())
            .chain(tr_in.iter().filter_map(|(_, t)| match t {
                ToPair::Changed(s) => s.key(),
                ToPair::Unchanged(c) => c.key.as_ref(),
            }))
            .collect();
        let text = |file: &str| text_of(&l.files.file(*index.get(file)?).path());
        let mut pairer = pair::Pairer::new(&pages, known, l.pairs, &text);
        for (i, t) in tr_in {
            self.pair_transcript(l, i, t, &mut pairer, spill)?;
        }
        let paired_pages = pairer.finish();
        let page_idx: Vec<usize> = page_in.iter().map(|(i, _)| *i).collect();
        drop((pages, page_in));
        // The changed pages' clues move into their entries, not copied: no page's clue is held
        // twice at the load's peak. The pages' pairings stay in the order of `page_idx`, not in
        // a map by file (another copy of them at the load's peak).
        self.file_pages(l, fresh.pages, &paired_pages, &page_idx, spill)
    }

    /// Pairs transcript `i` (its clue taken back from the spill when the load parked it) and
    /// files it ([`Sources::file_transcript`]).
    fn pair_transcript(
        &mut self,
        l: &Load<'_>,
        i: usize,
        t: ToPair<'_>,
        pairer: &mut pair::Pairer<'_>,
        spill: &mut Option<&mut Spill>,
    ) -> Result<(), Error> {
        let unparked;
        let (clue, json, changed) = match t {
            // listed under its sessions by `pair`, not paired
            ToPair::Changed(Sniffed::Many(_)) => return Ok(()),
            ToPair::Changed(Sniffed::Held(clue)) => (clue, None, true),
            ToPair::Changed(Sniffed::Parked(_)) => {
                let spill = spill
                    .as_deref_mut()
                    .ok_or_else(|| Error::Other("a sniff parked without a spill".into()))?;
                let (clue, json) = unpark_clue(spill, i)?;
                unparked = clue;
                (&unparked, Some(json), true)
            }
            ToPair::Unchanged(clue) => (clue, None, false),
        };
        let pairing = pairer.transcript(l.files.key(i), clue);
        let t = PairedTranscript {
            i,
            changed,
            clue,
            json,
            pairing,
        };
        self.file_transcript(l, t, spill)
    }

    /// Keeps the changed pages under the session pairing gave them (rosters of one session's
    /// pages merged), and updates the entries of unchanged pages whose session changed.
    /// `pairings[j]` is the pairing of file `page_in[j]`; the changed pages (`fresh`) come
    /// first in `page_in`, in their order.
    fn file_pages(
        &mut self,
        l: &Load<'_>,
        fresh: Vec<(usize, Box<SniffedPage>)>,
        pairings: &[Pairing],
        page_in: &[usize],
        spill: &mut Option<&mut Spill>,
    ) -> Result<(), Error> {
        let id_of =
            |j: usize| -> Option<String> { pairings.get(j)?.key.as_ref().map(SessionKey::id) };
        for (j, (i, page)) in fresh.into_iter().enumerate() {
            debug_assert_eq!(page_in.get(j), Some(&i));
            let f = l.files.file(i);
            let id = id_of(j);
            let pairing = pairings.get(j).cloned();
            if page.no_roster {
                self.pages_without_roster.push(f.path());
            }
            if let Some(id) = &id {
                self.pages.entry(id.clone()).or_default().push(PageFile {
                    file: i,
                    key: pairing.as_ref().and_then(|x| x.key.clone()),
                });
            }
            if id.is_none() {
                self.pages_without_key.push(f.path());
            }
            self.page_files += 1;
            let SniffedPage { clue, hash, .. } = *page;
            let e = FileEntry::new(
                FileKind::Page,
                f.size,
                f.mtime_ns,
                hash,
                id.into_iter().collect(),
            )
            .paired(Some(clue), pairing);
            match spill {
                Some(spill) => spill.put(i, &e)?,
                None => self.entries.push((f.key.to_string(), e)),
            }
        }
        for (j, i) in page_in.iter().enumerate() {
            let f = l.files.file(*i);
            let Some(old) = l.carried.files.get(f.key) else {
                continue;
            };
            let id: Vec<String> = id_of(j).into_iter().collect();
            if old.kind == FileKind::Page && old.sessions != id {
                self.affected.extend(old.sessions.iter().cloned());
                self.affected.extend(id.iter().cloned());
                let mut e = old.clone();
                e.sessions = id;
                e.pairing = pairings.get(j).cloned();
                self.entries.push((f.key.to_string(), e));
            }
        }
        Ok(())
    }

    /// Files a transcript as pairing gave it: a changed one nothing identifies is skipped with
    /// how to name it; a changed one, and one whose pairing changed, is to be processed; the
    /// clue and pairing of a paired one are parked in `spill` for its entry.
    fn file_transcript(
        &mut self,
        l: &Load<'_>,
        t: PairedTranscript<'_>,
        spill: &mut Option<&mut Spill>,
    ) -> Result<(), Error> {
        let PairedTranscript {
            i,
            changed,
            clue,
            json,
            pairing,
        } = t;
        let f = l.files.file(i);
        let Some(key) = pairing.key.clone() else {
            if changed {
                let why = pairing.why_unpaired.clone().unwrap_or_default();
                self.add_skipped(l, i, SkipReason::NoIdentity(why));
                if let Some((_, e)) = self.entries.last_mut() {
                    e.clue = Some(clue.clone());
                    e.pairing = Some(pairing);
                }
            }
            return Ok(());
        };
        let id = key.id();
        let before = l.carried.files.get(f.key);
        let moved = before.is_some_and(|e| {
            e.sessions.first() != Some(&id)
                || e.pairing.as_ref().and_then(|p| p.page.as_ref()) != pairing.page.as_ref()
        });
        if moved {
            if let Some(e) = before {
                self.affected.extend(e.sessions.iter().cloned());
            }
        }
        if changed || moved {
            self.transcripts.insert(i, vec![id]);
        }
        self.given.insert(i, Given::of(&pairing));
        match spill {
            Some(spill) => park(spill, i, clue, json, &pairing),
            None => Ok(()),
        }
    }

    fn skip(&mut self, path: &Path, reason: SkipReason) {
        self.skipped.push(SkippedFile {
            path: path.to_path_buf(),
            reason,
        });
    }

    /// Unchanged transcripts of affected sessions are processed again (their page may have
    /// changed); unchanged pages of affected sessions are read again for their rosters, unless
    /// every session they name already has a page from this run (changed files come first).
    fn add_unchanged(&mut self, l: &Load<'_>) {
        let changed: BTreeSet<usize> = l.changed.iter().copied().collect();
        let updated: HashMap<&str, &FileEntry> =
            self.entries.iter().map(|(k, e)| (k.as_str(), e)).collect();
        let mut reread: Vec<(usize, Vec<String>)> = Vec::new();
        let mut again: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, f) in l.files.iter().enumerate() {
            if changed.contains(&i) || self.transcripts.contains_key(&i) {
                continue;
            }
            let Some(e) = updated.get(f.key).copied().or(l.carried.files.get(f.key)) else {
                continue;
            };
            if !e.sessions.iter().any(|s| self.affected.contains(s)) {
                continue;
            }
            match e.kind {
                FileKind::Transcript | FileKind::Duplicate => again.push((i, e.sessions.clone())),
                FileKind::Page if e.sessions.iter().any(|s| !self.pages.contains_key(s)) => {
                    reread.push((i, e.sessions.clone()));
                }
                FileKind::Page | FileKind::Skipped => {}
            }
        }
        self.transcripts.extend(again);
        // unchanged pages of those sessions, read when their transcripts are
        for (file, ids) in reread {
            if let Some(id) = ids.first() {
                let file = PageFile { file, key: None };
                self.pages.entry(id.clone()).or_default().push(file);
            }
        }
    }
}

/// A file's text, read whole (for a tie of pages, [`pair::pair_all`]): an HTML file's as
/// plain text; `None` when it cannot be read.
fn text_of(path: &Path) -> Option<String> {
    let doc = crate::read::load(path).ok()?;
    Some(match doc.format {
        Format::Html => crate::parse::html_to_text(&doc.text),
        _ => doc.text,
    })
}

/// Adds a page to its session: the first page gives the title and date, every page adds the
/// roster entries the session's pages do not list yet (two versions of one page, a proposal
/// and a schedule page).
pub(super) fn merge_page(pages: &mut HashMap<String, SessionPage>, id: &str, page: SessionPage) {
    match pages.get_mut(id) {
        None => {
            pages.insert(id.to_string(), page);
        }
        Some(known) => {
            if known.title.is_empty() {
                known.title = page.title;
            }
            if known.date.is_none() {
                known.date = page.date;
            }
            if known.url.is_none() {
                known.url = page.url;
            }
            for e in page.roster {
                let same = |k: &crate::model::RosterEntry| {
                    k.role == e.role
                        && crate::resolve::name_key(&k.name) == crate::resolve::name_key(&e.name)
                };
                if !known.roster.iter().any(same) {
                    known.roster.push(e);
                }
            }
        }
    }
}

/// The first of these errors as the `--strict` failure: nothing is indexed.
pub fn strict_failure(skipped: &[SkippedFile], what: &str) -> Option<Error> {
    let first = skipped.first()?;
    Some(Error::InputFile {
        path: first.path.clone(),
        message: format!(
            "{} (--strict: {} {what} would be skipped; nothing was indexed)",
            first.reason,
            skipped.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A made-up surname for session `k`: letters only (names are matched as words).
    fn surname(k: usize) -> String {
        let letters: String = k
            .to_string()
            .bytes()
            .map(|d| char::from(b'a' + (d - b'0')))
            .collect();
        format!("Ko{letters}")
    }

    /// `n` sessions of 2030, each a page and a raw transcript of two speakers, and a page that
    /// names no session listing both speakers of session 5.
    fn corpus(dir: &Path, n: usize) {
        for k in 1..=n {
            let (a, b) = (format!("Ana {}", surname(k)), format!("Ben {}", surname(k)));
            let page = format!(
                "IGF 2030 WS #{k} Harbour lights {k}\n\nSpeaker 1: {a}, Civil Society, African Group\n\
                 Speaker 2: {b}, Government, Asia-Pacific Group\n"
            );
            std::fs::write(dir.join(format!("2030-ws-{k}.page.txt")), page).unwrap();
            let raw = format!(
                "IGF 2030 – Day 1 – WS #{k} Harbour lights {k} – RAW\n\n>> {}:  Welcome, all.\n\n\
                 >> {}:  Thank you.\n",
                a.to_uppercase(),
                b.to_uppercase()
            );
            std::fs::write(dir.join(format!("2030-ws-{k}.raw.txt")), raw).unwrap();
        }
        let (a, b) = (format!("Ana {}", surname(5)), format!("Ben {}", surname(5)));
        let lost = format!(
            "Speaker 1: {a}, Civil Society, African Group\nSpeaker 2: {b}, Government, Asia-Pacific Group\n"
        );
        std::fs::write(dir.join("lost-title.txt"), lost).unwrap();
    }

    fn given(s: &Sources) -> BTreeMap<usize, String> {
        s.given
            .iter()
            .map(|(i, g)| (*i, format!("{g:?}")))
            .collect()
    }

    fn pages(s: &Sources) -> BTreeMap<String, String> {
        s.pages
            .iter()
            .map(|(id, p)| (id.clone(), format!("{p:?}")))
            .collect()
    }

    #[test]
    fn a_load_of_several_chunks_with_its_sniffs_parked_pairs_as_one_holding_them() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("corpus");
        std::fs::create_dir(&dir).unwrap();
        let n = SNIFF_CHUNK / 2 + 10;
        corpus(&dir, n);
        let found = discover(&[dir]);
        let all: Vec<usize> = (0..found.files.len()).collect();
        assert!(all.len() > SNIFF_CHUNK, "{} files", all.len());
        let (old, pairs) = (Manifest::default(), Pairs::default());
        let l = Load {
            files: &found.files,
            changed: &all,
            old: &old,
            carried: &old,
            pruned: &[],
            full: true,
            pairs: &pairs,
        };
        let held = load(&l, None).unwrap();
        let ix = tmp.path().join("ix");
        std::fs::create_dir(&ix).unwrap();
        let mut spill = Spill::create(&ix, found.files.len()).unwrap();
        let parked = load(&l, Some(&mut spill)).unwrap();
        assert_eq!(parked.transcripts, held.transcripts);
        assert_eq!(given(&parked), given(&held));
        assert_eq!(pages(&parked), pages(&held));
        assert_eq!(parked.transcripts.len(), n);
        assert_eq!(parked.given.len(), n);
        assert_eq!(parked.page_files, n + 1);
        assert_eq!(parked.skipped.len(), 0, "{:?}", parked.skipped);
        let lost = found
            .files
            .iter()
            .position(|f| f.key.ends_with("lost-title.txt"));
        let ws5: Vec<usize> = parked.pages["2030-ws-5"].iter().map(|p| p.file).collect();
        assert_eq!(
            ws5.len(),
            2,
            "the page that lost its title joins session 5: {ws5:?}"
        );
        assert!(ws5.contains(&lost.unwrap()));
        // Each transcript's clue and pairing wait in the spill for its entry, and nothing else.
        for (&i, ids) in &parked.transcripts {
            let text = spill.unpark(i).unwrap().expect("parked");
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 2, "{text}");
            let clue: Clue = serde_json::from_str(lines[0]).unwrap();
            let pairing: Pairing = serde_json::from_str(lines[1]).unwrap();
            assert_eq!(clue.key.map(|k| k.id()).as_ref(), ids.first());
            assert_eq!(pairing.by, Some(PairedBy::Key));
        }
    }
}
