//! What a run did: files seen, unchanged, processed, skipped (with why), duplicates, pruned;
//! sessions, turns, passages, words, speakers resolved, tags per theme; time.
//!
//! Input: filled by the steps of [`super::ingest`]. Output: an [`IngestReport`] the CLI prints
//! and the tests read. A skipped file or an unknown speaker is data here, not an error.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Why a file (or a path given) was passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Discovery could not use the path (missing, broken symlink, empty directory, …).
    Discovery(String),
    /// The file could not be read (the I/O error).
    Unreadable(String),
    /// The file is empty.
    Empty,
    /// The bytes are not text (binary, a document format); the decoder's reason.
    NotText(String),
    /// No known format: not a page, transcript, caption file or JSON Lines.
    UnknownFormat,
    /// The file holds only a web server's PHP warnings (`Deprecated: …`): no speech, no page.
    ServerWarningsOnly,
    /// A transcript nothing identifies: no title, address, year and code in its name, and no
    /// session page matches it. Pairing's reason.
    NoIdentity(String),
    /// Reading or parsing the whole file failed (no turns, a bad line); the parser's reason.
    Unusable(String),
}

impl SkipReason {
    /// Whether the file is no transcript or page at all (empty, binary, an unknown format, an
    /// HTML page or MHTML file holding neither, server warnings): what the files of a saved
    /// page's asset folder are, passed over there without a warning each. A file read as a
    /// transcript that then fails (no identity) is not one, nor a file that cannot be read.
    pub fn is_not_a_document(&self) -> bool {
        match self {
            SkipReason::Empty
            | SkipReason::NotText(_)
            | SkipReason::UnknownFormat
            | SkipReason::ServerWarningsOnly
            | SkipReason::Unusable(_) => true,
            SkipReason::Discovery(_) | SkipReason::Unreadable(_) | SkipReason::NoIdentity(_) => {
                false
            }
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Discovery(why) | SkipReason::NotText(why) | SkipReason::Unusable(why) => {
                f.write_str(why)
            }
            SkipReason::Unreadable(e) => write!(f, "cannot read: {e}"),
            SkipReason::Empty => f.write_str("empty file"),
            SkipReason::UnknownFormat => f.write_str(
                "unknown format: not an IGF session page, transcript, caption file or JSON Lines",
            ),
            SkipReason::ServerWarningsOnly => f.write_str(
                "no speech in the file, only web-server warnings (PHP `Deprecated:`/`Warning:` \
                 lines, saved while the site was failing): save the page again",
            ),
            SkipReason::NoIdentity(why) => write!(
                f,
                "no session identity: {why}; to name it, put `# url: <its IGF address>` on its \
                 first line, or add a line `FILE,SESSION-ID` (2023-ws-225) to a pairs.csv beside \
                 it or to the file given with --pairs"
            ),
        }
    }
}

/// A file passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// A damaged line of a file that was kept: NUL bytes dropped, or a bad JSON Lines record left
/// out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedLine {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    pub what: String,
}

impl DamagedLine {
    /// A file's damaged line.
    pub fn new(path: &std::path::Path, d: &crate::model::LineDamage) -> DamagedLine {
        DamagedLine {
            path: path.to_path_buf(),
            line: d.line,
            what: d.what.clone(),
        }
    }
}

/// A transcript skipped because the same session was already read from another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub path: PathBuf,
    pub of: PathBuf,
}

/// Why every file was processed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullReason {
    /// `--rebuild`.
    Rebuild,
    /// The manifest lists files but the index beside it is gone.
    IndexMissing,
    /// The taxonomy, model, registry, organisations list, pairs file or pipeline version
    /// changed.
    ResourcesChanged,
    /// The index was built with a codes file this run was not given: its decisions are gone.
    /// (An index whose files record their codes processes only those files again:
    /// [`Recoded::Dropped`].)
    CodesDropped,
    /// The index was made by an igf-lens that recorded the codes for all files at once, and the
    /// codes changed since: every file is processed again, once, to record the codes of each.
    OlderCodes,
}

impl fmt::Display for FullReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FullReason::Rebuild => "--rebuild",
            FullReason::IndexMissing => {
                "the manifest lists files but the index next to it is missing"
            }
            FullReason::ResourcesChanged => {
                "the taxonomy, model, registry, organisations list, pairs file or schema changed since the last ingest"
            }
            FullReason::CodesDropped => {
                "the index was built with a codes file this ingest was not given, so the human \
                 decisions it applied are gone from the index; to apply them again, ingest with \
                 --codes FILE (or with the codes.csv among the inputs)"
            }
            FullReason::OlderCodes => {
                "the codes changed since the index was made by an earlier igf-lens, which \
                 recorded them for all files at once (from now on, a change of the codes \
                 processes again only the files of the sessions it touches)"
            }
        })
    }
}

/// Why unchanged files were read again for their sessions' codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recoded {
    /// The codes of their sessions changed (a row added, changed or removed).
    Changed(usize),
    /// They had codes and this run has none (`--no-codes`, a recorded codes file gone): the
    /// human decisions on them are gone.
    Dropped(usize),
    /// The index was made by an igf-lens that recorded the codes for all files at once: the
    /// files the codes apply to are read once to record theirs.
    FirstRecorded(usize),
}

impl Recoded {
    /// How many files.
    pub fn files(self) -> usize {
        match self {
            Recoded::Changed(n) | Recoded::Dropped(n) | Recoded::FirstRecorded(n) => n,
        }
    }
}

/// What a run did, for the summary line and the tests.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files_seen: usize,
    pub files_unchanged: usize,
    pub files_processed: usize,
    pub files_missing: usize,
    pub files_pruned: usize,
    /// Sorted by path, then reason.
    pub skipped: Vec<SkippedFile>,
    /// Files in a saved page's asset folder (`NAME_files/` beside `NAME.html`, see
    /// [`crate::read::asset_folder`]) that hold no transcript or page (scripts, styles, images,
    /// fonts, helper frames): passed over without a warning each and without failing
    /// `--strict`, counted among the skipped files. Sorted by path.
    pub assets: Vec<SkippedFile>,
    /// Sorted by path.
    pub duplicates: Vec<Duplicate>,
    /// Damaged lines of the files kept, sorted by path and line.
    pub damaged: Vec<DamagedLine>,
    pub pages: usize,
    /// Session pages without a roster (used for their title and date; speakers resolve
    /// through the registry).
    pub pages_without_roster: Vec<PathBuf>,
    /// Session pages without a year and session code (kept: a transcript they match gives them
    /// its key).
    pub pages_without_key: Vec<PathBuf>,
    /// Transcripts paired with a page by a guess (title words, speakers, a code without a
    /// year, or the people and acronyms their speech names), and transcripts without a page.
    pub paired_by_guess: usize,
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
    /// Why every file was processed again, when it was (not on a first ingest).
    pub full_reprocess: Option<FullReason>,
    /// Unchanged files processed again for their sessions' codes, and why.
    pub recoded: Option<Recoded>,
    /// What the codes did, on a run with codes that processed files (`None` otherwise).
    pub codes: Option<super::corrections::CodesReport>,
    /// Codes files the last ingest read that this one read again, not given them
    /// ([`super::codes_files`]).
    pub codes_reused: Vec<PathBuf>,
    /// Codes files the last ingest read that no longer exist (their decisions are not applied).
    pub codes_missing: Vec<PathBuf>,
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

    /// Files passed over: those skipped with a warning and those of asset folders.
    pub fn skipped_count(&self) -> usize {
        self.skipped.len() + self.assets.len()
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

    /// Adds the counts and lists of a run's parallel part.
    pub(crate) fn absorb(&mut self, ran: IngestReport) {
        self.files_processed += ran.files_processed;
        self.bytes += ran.bytes;
        self.sessions += ran.sessions;
        self.turns += ran.turns;
        self.passages += ran.passages;
        self.words += ran.words;
        self.annotations += ran.annotations;
        self.words_resolved += ran.words_resolved;
        self.words_unresolved += ran.words_unresolved;
        self.speakers_resolved += ran.speakers_resolved;
        self.speakers_unresolved += ran.speakers_unresolved;
        self.skipped.extend(ran.skipped);
        self.assets.extend(ran.assets);
        self.duplicates.extend(ran.duplicates);
        self.damaged.extend(ran.damaged);
        self.unpaired.extend(ran.unpaired);
        for (theme, n) in ran.tags_by_theme {
            *self.tags_by_theme.entry(theme).or_default() += n;
        }
    }

    /// Sorts the lists whose order depends on the pool: skipped files by path then reason,
    /// duplicates by path, damaged lines by path and line, unpaired sessions (deduplicated).
    pub(crate) fn sort(&mut self) {
        self.skipped
            .sort_by_cached_key(|s| (s.path.clone(), s.reason.to_string()));
        self.assets.sort_by(|a, b| a.path.cmp(&b.path));
        self.duplicates.sort_by(|a, b| a.path.cmp(&b.path));
        self.damaged
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
        self.unpaired.sort();
        self.unpaired.dedup();
    }
}
