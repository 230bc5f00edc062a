//! The input files of a run: discover them, stat them, take a first look at each changed one
//! (the sniff), keep each session page's slim form, and pair transcripts with pages by session.
//!
//! Input: the paths given, and which files changed ([`super::plan`]). Output: [`SourceFile`]s,
//! then [`Sources`]: the slim pages by session id, the transcripts to process with the
//! sessions they name, the sessions the run touches, the manifest entries of pages and skipped
//! files, and what was skipped and why.
//!
//! A page is read once here (whole, when the sniff's 64 KiB did not hold all of it). A
//! transcript is only sniffed (its first 64 KiB tell its format and session): it is read whole
//! once, by [`super::run`]. Holding transcripts from here to there would make memory grow with
//! the corpus, and they cannot be processed here, before every page is known.

use super::manifest::{FileEntry, FileKind, Manifest};
use super::report::{SkipReason, SkippedFile};
use crate::error::Error;
use crate::model::{Document, Format, SessionKey, SessionPage};
use crate::parse::Parsed;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes read from each changed file to tell pages from transcripts before the full parse.
const SNIFF_BYTES: usize = 64 * 1024;

/// Extensions of the data files that sit beside the corpus (taxonomy, registry, notes): passed
/// over silently when found inside a directory, read (and rejected) only when named.
const CONFIG_EXTENSIONS: &[&str] = &["toml", "csv", "md", "json", "gitkeep"];

/// One input file as found on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// The path as given (relative paths stay relative; used in citations).
    pub path: PathBuf,
    /// The path as a string: the file's key in the manifest and the index.
    pub key: String,
    pub size: u64,
    pub mtime_ns: u128,
}

/// The files found under the inputs, and the paths passed over.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
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

/// Discovers the files under `inputs` (see [`discover_inputs`]) and stats each.
pub fn discover(inputs: &[PathBuf]) -> Discovered {
    let (paths, skipped) = discover_inputs(inputs);
    let mut found = Discovered {
        files: Vec::with_capacity(paths.len()),
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
            Ok(m) => found.files.push(SourceFile {
                key: path.to_string_lossy().into_owned(),
                size: m.len(),
                mtime_ns: crate::disk::mtime_ns(&m),
                path,
            }),
            Err(e) => found.skipped.push(SkippedFile {
                path,
                reason: SkipReason::Unreadable(e.to_string()),
            }),
        }
    }
    found
}

/// What the first look at a file found.
#[derive(Debug)]
pub enum Sniff {
    /// Session pages (pages are small: parsed whole here), reduced to what pairing and
    /// resolution read ([`slim`]), with the file's content hash.
    Page {
        pages: Vec<SessionPage>,
        hash: String,
    },
    /// A transcript-like file (raw text, captions, JSON Lines, or an HTML transcript), with the
    /// session ids its first part names.
    Transcript {
        sessions: Vec<String>,
    },
    Skipped(SkipReason),
}

/// The part of a session page that pairing and speaker resolution read (key, title, date,
/// roster): a run holds one per session until its end, so the long free-text sections
/// (description, policy questions, takeaways) are not kept.
pub fn slim(page: &SessionPage) -> SessionPage {
    SessionPage {
        key: page.key.clone(),
        title: page.title.clone(),
        date: page.date.clone(),
        roster: page.roster.clone(),
        source: page.source.clone(),
        ..SessionPage::default()
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
    let text = match crate::read::decode(&buf) {
        Ok(t) => t,
        Err(e) => return Sniff::Skipped(SkipReason::NotText(e)),
    };
    match crate::read::detect(&text, path) {
        Format::SessionPage | Format::Html => {
            let doc = if whole {
                crate::read::from_bytes(path, buf)
            } else {
                crate::read::load(path)
            };
            match doc {
                Ok(doc) => sniff_page_or_html(&doc),
                Err(e) => Sniff::Skipped(SkipReason::Unusable(e.detail())),
            }
        }
        // Raw transcripts name their session in the title (or the file name): no need to parse
        // the prefix, the full parse comes later.
        Format::Transcript => Sniff::Transcript {
            sessions: title_session(&text, path).into_iter().collect(),
        },
        format @ (Format::WebVtt | Format::Srt | Format::JsonLines) => {
            let doc = Document {
                path: path.to_path_buf(),
                text,
                format,
                hash: String::new(),
                bytes: buf.len() as u64,
            };
            // The prefix may end mid-record (JSON Lines): then the full parse decides.
            let sessions = crate::parse::parse_document(&doc)
                .map(|parsed| transcript_sessions(&parsed))
                .unwrap_or_default();
            Sniff::Transcript { sessions }
        }
        Format::Unknown => Sniff::Skipped(SkipReason::UnknownFormat),
    }
}

/// The session a raw transcript's first lines (or its file name) name.
fn title_session(text: &str, path: &Path) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(12)
        .filter(|l| l.contains("IGF"))
        .find_map(crate::parse::parse_session_key)
        .or_else(|| crate::parse::key_from_path(path))
        .map(|k| k.id())
}

fn transcript_sessions(parsed: &[Parsed]) -> Vec<String> {
    parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::Transcript(t) => t.key.as_ref().map(SessionKey::id),
            Parsed::Page(_) => None,
        })
        .collect()
}

/// A whole page (or an HTML file, which holds a page or a transcript).
fn sniff_page_or_html(doc: &Document) -> Sniff {
    match crate::parse::parse_document(doc) {
        Ok(parsed) => {
            let pages: Vec<SessionPage> = parsed
                .iter()
                .filter_map(|p| match p {
                    Parsed::Page(pg) => Some(slim(pg)),
                    Parsed::Transcript(_) => None,
                })
                .collect();
            if pages.is_empty() {
                Sniff::Transcript {
                    sessions: transcript_sessions(&parsed),
                }
            } else {
                Sniff::Page {
                    pages,
                    hash: doc.hash.clone(),
                }
            }
        }
        Err(e) => Sniff::Skipped(SkipReason::Unusable(e.detail())),
    }
}

/// What a run reads: the pages (slim, by session id), the transcripts to process, and the
/// bookkeeping of the files looked at.
#[derive(Debug, Default)]
pub struct Sources {
    /// Session id → its page (the first in path order when several name it).
    pub pages: HashMap<String, SessionPage>,
    /// Transcripts to process, by index into the discovered files, with the sessions they name.
    pub transcripts: BTreeMap<usize, Vec<String>>,
    /// Sessions the run touches: those of changed files (old and new), of new pages and of
    /// pruned files.
    pub affected: BTreeSet<String>,
    /// Page files read.
    pub page_files: usize,
    /// Files passed over, and why.
    pub skipped: Vec<SkippedFile>,
    /// Manifest entries of the pages and the skipped files, by key.
    pub entries: Vec<(String, FileEntry)>,
}

/// What [`load`] starts from.
pub struct Load<'a> {
    /// Every discovered file.
    pub files: &'a [SourceFile],
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
}

/// Sniffs the changed files (in parallel), keeps their pages, lists their transcripts, then
/// adds the unchanged transcripts of the sessions touched (their page may have changed) and
/// reads the unchanged pages those sessions still lack.
pub fn load(l: &Load<'_>) -> Sources {
    let sniffed: Vec<(usize, Sniff)> = l
        .changed
        .par_iter()
        .map(|&i| (i, sniff(&l.files[i].path)))
        .collect();
    let mut s = Sources::default();
    let mut unreadable = BTreeSet::new();
    for (i, sniff) in sniffed {
        if !s.add_sniffed(l, i, sniff) {
            unreadable.insert(i);
        }
    }
    for &i in l.changed.iter().filter(|i| !unreadable.contains(i)) {
        if let Some(e) = l.old.files.get(&l.files[i].key) {
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
    s
}

impl Sources {
    /// Files one sniffed file into the sources; false when it could not be read.
    fn add_sniffed(&mut self, l: &Load<'_>, i: usize, sniff: Sniff) -> bool {
        let f = &l.files[i];
        let entry = |kind, sessions, hash| FileEntry::new(kind, f.size, f.mtime_ns, hash, sessions);
        match sniff {
            Sniff::Page { pages, hash } => {
                let ids: Vec<String> = pages
                    .iter()
                    .filter_map(|p| p.key.as_ref().map(SessionKey::id))
                    .collect();
                if ids.is_empty() {
                    self.skip(&f.path, SkipReason::PageWithoutKey);
                }
                for p in pages {
                    if p.roster.is_empty() {
                        self.skip(&f.path, SkipReason::PageWithoutRoster);
                    }
                    if let Some(k) = &p.key {
                        self.pages.entry(k.id()).or_insert(p);
                    }
                }
                self.page_files += 1;
                self.entries
                    .push((f.key.clone(), entry(FileKind::Page, ids, hash)));
            }
            Sniff::Transcript { sessions } => {
                self.transcripts.insert(i, sessions);
            }
            Sniff::Skipped(why) => {
                self.skip(&f.path, why);
                let old = l.old.files.get(&f.key);
                let kept = old.filter(|e| e.kind != FileKind::Skipped && !l.full);
                // A file that was read before and is unreadable now keeps its passages (and
                // its old entry, so the next run looks at it again).
                let e = match kept {
                    Some(e) => e.clone().unreadable(),
                    None => entry(FileKind::Skipped, Vec::new(), String::new()),
                };
                self.entries.push((f.key.clone(), e));
                return false;
            }
        }
        true
    }

    fn skip(&mut self, path: &Path, reason: SkipReason) {
        self.skipped.push(SkippedFile {
            path: path.to_path_buf(),
            reason,
        });
    }

    /// Unchanged transcripts of affected sessions are processed again (their page may have
    /// changed); unchanged pages of affected sessions are read again for their rosters, unless
    /// every session they name already has a page from this run (the first page in path order
    /// wins, and changed files come first).
    fn add_unchanged(&mut self, l: &Load<'_>) {
        let changed: BTreeSet<usize> = l.changed.iter().copied().collect();
        for (i, f) in l.files.iter().enumerate() {
            if changed.contains(&i) {
                continue;
            }
            let Some(e) = l.carried.files.get(&f.key) else {
                continue;
            };
            if !e.sessions.iter().any(|s| self.affected.contains(s)) {
                continue;
            }
            match e.kind {
                FileKind::Transcript | FileKind::Duplicate => {
                    self.transcripts.insert(i, e.sessions.clone());
                }
                FileKind::Page if e.sessions.iter().any(|s| !self.pages.contains_key(s)) => {
                    self.reread_page(&f.path);
                }
                FileKind::Page | FileKind::Skipped => {}
            }
        }
    }

    /// An unchanged page's rosters, for the sessions that have no page yet.
    fn reread_page(&mut self, path: &Path) {
        let Ok(doc) = crate::read::load(path) else {
            return;
        };
        let Ok(parsed) = crate::parse::parse_document(&doc) else {
            return;
        };
        for p in parsed {
            if let Parsed::Page(p) = p {
                if let Some(k) = &p.key {
                    self.pages.entry(k.id()).or_insert_with(|| slim(&p));
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
