//! A person's codes (see [`crate::codes`]) applied to passages: during ingest to every record
//! built, at once to one passage of a live index (`igf-lens code`), and found again in the
//! index for `agreement` and `eval --codes`.
//!
//! Input: [`Codes`] and the taxonomy; passage records or an index directory. Output: records
//! whose tags carry the decisions ([`crate::model::DecidedBy::Human`] with the coder), the count
//! of codes that matched no passage, and [`CodedPassage`]s. A code whose theme the taxonomy no
//! longer has is kept in the file but not applied (and counted). Writes the codes file only in
//! [`record_code`], under the index's ingest lock.

use super::lock::IngestLock;
use crate::codes::agreement::CodedPassage;
use crate::codes::{apply_codes, passage_key, Code, Codes, Decision};
use crate::error::{Error, Result};
use crate::index::{Reader, Writer};
use crate::model::{PassageRecord, Polarity};
use crate::tag::Taxonomy;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The codes of a run, ready to apply from many threads.
#[derive(Debug, Default)]
pub struct Corrections {
    codes: Codes,
    /// The content hash of every code read (`None`: no code at all).
    hash: Option<String>,
    /// Passage keys, sorted, and whether some passage of this run had each.
    keys: Vec<String>,
    matched: Vec<AtomicBool>,
    /// Codes left out because their theme is not in the taxonomy.
    unknown_theme: usize,
}

impl Corrections {
    /// The codes whose theme `taxonomy` has; the others are counted.
    pub fn new(all: Codes, taxonomy: &Taxonomy) -> Result<Corrections> {
        let hash = if all.is_empty() {
            None
        } else {
            Some(all.hash()?)
        };
        let (codes, unknown_theme) = known_themes(all, taxonomy);
        let keys: Vec<String> = codes.keys().map(str::to_string).collect();
        let matched = keys.iter().map(|_| AtomicBool::new(false)).collect();
        Ok(Corrections {
            codes,
            hash,
            keys,
            matched,
            unknown_theme,
        })
    }

    /// The content hash of the codes, for the ingest fingerprint; `None` without codes, so an
    /// index built without them stays up to date.
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }

    /// Applies the decisions on this passage to its tags.
    pub fn apply(&self, record: &mut PassageRecord) {
        if self.keys.is_empty() {
            return;
        }
        let key = passage_key(&record.session, &record.text);
        if let Ok(i) = self.keys.binary_search(&key) {
            self.matched[i].store(true, Ordering::Relaxed);
            apply_codes(&mut record.tags, self.codes.for_key(&key));
        }
    }

    /// What the run did with the codes: `None` without codes.
    pub fn report(&self) -> Option<CodesReport> {
        self.hash.as_ref()?;
        let matched: Vec<bool> = self
            .matched
            .iter()
            .map(|m| m.load(Ordering::Relaxed))
            .collect();
        let unmatched = self
            .keys
            .iter()
            .zip(&matched)
            .filter(|(_, m)| !**m)
            .map(|(k, _)| self.codes.for_key(k).len())
            .sum();
        Some(CodesReport {
            codes: self.codes.len() + self.unknown_theme,
            unmatched,
            unknown_theme: self.unknown_theme,
        })
    }
}

/// What an ingest did with the codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodesReport {
    /// Codes read.
    pub codes: usize,
    /// Codes whose passage key matched no passage of the run (its text changed, or its file
    /// is gone).
    pub unmatched: usize,
    /// Codes not applied because the taxonomy has no such theme.
    pub unknown_theme: usize,
}

/// Splits off the codes whose theme `taxonomy` lacks; returns the rest and how many went.
fn known_themes(all: Codes, taxonomy: &Taxonomy) -> (Codes, usize) {
    let ids = taxonomy.theme_ids();
    let mut kept = Codes::default();
    let mut dropped = 0;
    for code in all.iter() {
        if ids.contains(&code.theme.as_str()) {
            kept.set(code.clone());
        } else {
            dropped += 1;
        }
    }
    (kept, dropped)
}

/// The theme id of a change, or an error listing the valid ones.
fn check_theme(theme: &str, taxonomy: &Taxonomy) -> Result<()> {
    let ids = taxonomy.theme_ids();
    if ids.contains(&theme) {
        return Ok(());
    }
    Err(Error::Other(format!(
        "unknown theme {theme:?}: the taxonomy {} has {}",
        taxonomy.path().display(),
        ids.join(", ")
    )))
}

/// One change `igf-lens code` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The passage carries the theme with this polarity (`--add`).
    Add(String, Polarity),
    /// The passage does not carry the theme (`--remove`).
    Remove(String),
    /// The theme the passage carries has this polarity (`--polarity`).
    Polarity(String, Polarity),
}

/// What `igf-lens code` is asked to do.
#[derive(Debug, Clone)]
pub struct CodeRequest<'a> {
    /// The index holding the passage.
    pub index_dir: &'a Path,
    /// The codes file the decision goes into (created when missing).
    pub codes_file: &'a Path,
    /// The passage decided on.
    pub passage_id: u64,
    /// What the person decided.
    pub change: Change,
    /// Who decided, and why.
    pub coder: &'a str,
    pub note: &'a str,
    /// Wait for a running ingest instead of failing with [`Error::Locked`].
    pub wait: bool,
    pub quiet: bool,
}

/// What `igf-lens code` did.
#[derive(Debug, Clone)]
pub struct Coded {
    /// The decision recorded.
    pub code: Code,
    /// The passage as now indexed.
    pub record: PassageRecord,
    /// Whether the index's manifest lists the codes file, so that the next ingest not given
    /// `--codes` reads it ([`super::codes_files::remember_codes_file`]).
    pub remembered: bool,
}

/// Records a decision: checks it, writes it into the codes file, then replaces the passage in
/// the index by the same passage with every decision on it applied, and has the manifest list
/// the codes file, under the ingest lock. The fingerprint stays: the codes it was made with
/// have changed, so the next ingest processes every file again with them.
pub fn record_code(req: &CodeRequest<'_>, taxonomy: &Taxonomy) -> Result<Coded> {
    let reader = Reader::open(req.index_dir)?;
    let _lock = IngestLock::acquire(req.index_dir, req.wait, req.quiet)?;
    let Some(mut record) = reader.get(req.passage_id)? else {
        return Err(Error::Other(format!(
            "no passage {} in {}: take ids from the passage_id field of `igf-lens search --format json`",
            req.passage_id,
            req.index_dir.display()
        )));
    };
    drop(reader);
    let (theme, decision) = match &req.change {
        Change::Add(t, p) => (t, Decision::Present(*p)),
        Change::Remove(t) => (t, Decision::Absent),
        Change::Polarity(t, p) => {
            if !record.tags.iter().any(|x| x.theme == t.as_str()) {
                return Err(Error::Other(format!(
                    "passage {} has no theme {t:?}, so it has no polarity to change: use --add {t}:{}",
                    req.passage_id,
                    p.as_str()
                )));
            }
            (t, Decision::Present(*p))
        }
    };
    check_theme(theme, taxonomy)?;
    let key = passage_key(&record.session, &record.text);
    let code = Code {
        key: key.clone(),
        theme: theme.clone(),
        decision,
        coder: req.coder.to_string(),
        note: req.note.to_string(),
    };
    let mut codes = Codes::load_or_empty(req.codes_file)?;
    codes.set(code.clone());
    codes.save(req.codes_file)?;
    let (known, _) = known_themes(codes, taxonomy);
    apply_codes(&mut record.tags, known.for_key(&key));
    let writer = Writer::open(req.index_dir, 1, 0)?;
    writer.delete_passage(req.passage_id)?;
    writer.add(&record)?;
    writer.commit()?;
    let remembered = super::codes_files::remember_codes_file(req.index_dir, req.codes_file)?;
    Ok(Coded {
        code,
        record,
        remembered,
    })
}

/// The passages of the index that carry codes (codes of themes the taxonomy lacks left out),
/// in index order, and the number of codes whose key matched no passage.
pub fn coded_passages(
    index_dir: &Path,
    codes: &Codes,
    taxonomy: &Taxonomy,
) -> Result<(Vec<CodedPassage>, usize)> {
    let (codes, _) = known_themes(codes.clone(), taxonomy);
    let records = Reader::open(index_dir)?.all()?;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for r in records {
        let key = passage_key(&r.session, &r.text);
        let on = codes.for_key(&key);
        if on.is_empty() {
            continue;
        }
        seen.insert(key);
        out.push(CodedPassage {
            passage_id: r.passage_id,
            text: r.text,
            codes: on.to_vec(),
        });
    }
    let unmatched = codes
        .keys()
        .filter(|k| !seen.contains(*k))
        .map(|k| codes.for_key(k).len())
        .sum();
    Ok((out, unmatched))
}
