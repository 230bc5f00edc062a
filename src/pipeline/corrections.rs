//! A person's codes (see [`crate::codes`]) applied to passages: during ingest to every record
//! built, at once to one passage of a live index (`igf-lens code`), and found again in the
//! index for `agreement` and `eval --codes`.
//!
//! Input: [`Codes`] and the taxonomy; passage records or an index directory. Output: records
//! whose tags carry the decisions ([`crate::model::DecidedBy::Human`] with the coder), the count
//! of codes that matched no passage, the digest of the codes that apply to a file's sessions
//! ([`Corrections::digest_for`], which its manifest entry records), and [`CodedPassage`]s. A
//! code whose theme the taxonomy no longer has is kept in the file but not applied (and
//! counted). Writes the codes file only in [`record_code`], under the index's ingest lock,
//! which moves the digests of the entries of the passage's session with it.

use super::lock::IngestLock;
use super::manifest::{FileKind, Manifest};
use crate::codes::agreement::CodedPassage;
use crate::codes::{apply_codes, passage_key, Code, Codes, CodesDigest, Decision};
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
    /// The sessions with codes, sorted, with the digest of their codes, and whether this run
    /// processed a passage of each.
    sessions: Vec<(String, CodesDigest)>,
    seen: Vec<AtomicBool>,
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
        let sessions = codes.session_digests();
        let seen = sessions.iter().map(|_| AtomicBool::new(false)).collect();
        Ok(Corrections {
            codes,
            hash,
            keys,
            matched,
            sessions,
            seen,
            unknown_theme,
        })
    }

    /// The content hash of all the codes read; `None` without codes. Only to compare with the
    /// fingerprint of an index made before the codes were recorded per file
    /// ([`super::resources::split_codes`]).
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }

    /// Whether no code was read (none at all, whatever its theme).
    pub fn is_empty(&self) -> bool {
        self.hash.is_none()
    }

    fn session(&self, id: &str) -> Option<usize> {
        self.sessions
            .binary_search_by(|(s, _)| s.as_str().cmp(id))
            .ok()
    }

    /// The digest of the codes that apply to a file of these sessions (in the file's order);
    /// `None` when none applies. What its manifest entry records.
    pub fn digest_for(&self, sessions: &[String]) -> Option<CodesDigest> {
        if self.sessions.is_empty() {
            return None;
        }
        CodesDigest::combine(
            sessions
                .iter()
                .filter_map(|s| Some((s.as_str(), self.sessions[self.session(s)?].1))),
        )
    }

    /// Whether a code applies to a passage of session `id`.
    pub fn has_session(&self, id: &str) -> bool {
        self.session(id).is_some()
    }

    /// The decisions on the passage with this key (of themes the taxonomy has).
    pub fn for_key(&self, key: &str) -> &[Code] {
        self.codes.for_key(key)
    }

    /// Applies the decisions on this passage to its tags.
    pub fn apply(&self, record: &mut PassageRecord) {
        // Most passages are of sessions nobody coded: their text is not hashed.
        let Some(s) = self.session(&record.session) else {
            return;
        };
        self.seen[s].store(true, Ordering::Relaxed);
        let key = passage_key(&record.session, &record.text);
        if let Ok(i) = self.keys.binary_search(&key) {
            self.matched[i].store(true, Ordering::Relaxed);
            apply_codes(&mut record.tags, self.codes.for_key(&key));
        }
    }

    /// What the run did with the codes: `None` without codes. A code counts as matching no
    /// passage when the run processed its session and no passage had its key, or when its
    /// session is not `held` (no file left unprocessed holds it: on a run over every file,
    /// none is held). The codes of sessions held and not processed were counted when their
    /// files were.
    pub fn report(&self, held: &dyn Fn(&str) -> bool) -> Option<CodesReport> {
        self.hash.as_ref()?;
        let counted = |key: &str| match self.session(crate::codes::session_of(key)) {
            Some(s) => self.seen[s].load(Ordering::Relaxed) || !held(&self.sessions[s].0),
            None => true,
        };
        let unmatched = self
            .keys
            .iter()
            .zip(&self.matched)
            .filter(|(k, m)| !m.load(Ordering::Relaxed) && counted(k))
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
/// the index by the same passage with every decision on it applied (those of every codes file
/// the next ingest reads, as it would apply them), and has the manifest list the codes file,
/// under the ingest lock. The manifest entries of the passage's session move to the digest of
/// its codes now ([`move_digests`]), so that the next ingest, finding the index as it would
/// make it, processes none of them again.
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
    let (theme, decision) = decision_of(req, &record)?;
    check_theme(theme, taxonomy)?;
    let key = passage_key(&record.session, &record.text);
    let code = Code {
        key: key.clone(),
        theme: theme.clone(),
        decision,
        coder: req.coder.to_string(),
        note: req.note.to_string(),
    };
    let before = codes_in_force(req, taxonomy);
    let mut codes = Codes::load_or_empty(req.codes_file)?;
    codes.set(code.clone());
    codes.save(req.codes_file)?;
    let after = codes_in_force(req, taxonomy);
    match &after {
        Some(all) => apply_codes(&mut record.tags, all.for_key(&key)),
        None => apply_codes(
            &mut record.tags,
            known_themes(codes, taxonomy).0.for_key(&key),
        ),
    };
    let writer = Writer::open(req.index_dir, 1, 0)?;
    writer.delete_passage(req.passage_id)?;
    writer.add(&record)?;
    writer.commit()?;
    let mut recode = |m: &mut Manifest| match (&before, &after) {
        (Some(before), Some(after)) if same_as_ingest(before, &code) => {
            move_digests(m, &record.session, before, after)
        }
        _ => false,
    };
    let remembered =
        super::codes_files::remember_codes_file(req.index_dir, req.codes_file, &mut recode)?;
    Ok(Coded {
        code,
        record,
        remembered,
    })
}

/// The theme and decision of a request, checked against the passage it is on.
fn decision_of<'r>(
    req: &'r CodeRequest<'_>,
    record: &PassageRecord,
) -> Result<(&'r String, Decision)> {
    Ok(match &req.change {
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
    })
}

/// The codes the next ingest of the request's index applies, the request's codes file among
/// them ([`super::codes_files::codes_files_in_force`]); `None` when one does not read (the
/// ingest will say why).
fn codes_in_force(req: &CodeRequest<'_>, taxonomy: &Taxonomy) -> Option<Corrections> {
    let mut all = Codes::default();
    for path in super::codes_files::codes_files_in_force(req.index_dir, req.codes_file) {
        all.extend(Codes::load_or_empty(&path).ok()?);
    }
    Corrections::new(all, taxonomy).ok()
}

/// Whether the passage `code` applied `code` to, taken from the index, is now what an ingest
/// makes of it, given that it held the decisions of `before`: not when `code` puts back a
/// theme `before` had removed, since the tagger's score and evidence for it are not in the
/// index any more (an ingest gives them back).
fn same_as_ingest(before: &Corrections, code: &Code) -> bool {
    let removed = before
        .for_key(&code.key)
        .iter()
        .any(|c| c.theme == code.theme && c.decision == Decision::Absent);
    !(removed && matches!(code.decision, Decision::Present(_)))
}

/// Moves the codes digest of every transcript entry of `manifest` holding `session` from that
/// of `before` to that of `after`; an entry that did not record `before`'s (its file was made
/// with other codes) keeps its own, so the next ingest processes it again. Returns whether any
/// moved.
fn move_digests(
    manifest: &mut Manifest,
    session: &str,
    before: &Corrections,
    after: &Corrections,
) -> bool {
    let mut moved = false;
    for e in manifest.files.values_mut() {
        if e.kind != FileKind::Transcript || !e.sessions.iter().any(|s| s == session) {
            continue;
        }
        let now = after.digest_for(&e.sessions);
        if e.codes == before.digest_for(&e.sessions) && e.codes != now {
            e.codes = now;
            moved = true;
        }
    }
    moved
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Polarity;
    use crate::pipeline::manifest::FileEntry;

    fn corrections(rows: &str) -> Corrections {
        let text = format!("key,theme,decision,coder,note\n{rows}");
        let all = Codes::parse(&text, Path::new("codes.csv")).unwrap();
        Corrections::new(all, &Taxonomy::embedded()).unwrap()
    }

    fn record(session: &str, text: &str) -> PassageRecord {
        PassageRecord {
            session: session.into(),
            text: text.into(),
            ..PassageRecord::default()
        }
    }

    #[test]
    fn a_code_matches_no_passage_when_its_session_was_processed_without_it_or_is_held_by_no_file() {
        let hit = passage_key("2021-of-7", "We need capacity.");
        let rows = format!(
            "{hit},scope,risk,Ana,\n\
             2021-of-7/00000000000000aa,scope,risk,Ana,\n\
             2023-ws-1/00000000000000bb,scope,risk,Ana,\n\
             2019-ws-9/00000000000000cc,scope,risk,Ana,\n"
        );
        let c = corrections(&rows);
        let mut r = record("2021-of-7", "We need  capacity.");
        c.apply(&mut r);
        assert_eq!(r.tags.len(), 1, "applied");
        c.apply(&mut record("2030-ws-1", "Not coded."));
        let unmatched = |held: &dyn Fn(&str) -> bool| c.report(held).unwrap().unmatched;
        // A run over every file: every code without its passage.
        assert_eq!(unmatched(&|_| false), 3);
        // A partial run that processed 2021-of-7 and left 2023-ws-1 in a file it did not
        // process: its code was counted when that file was processed.
        assert_eq!(unmatched(&|s| s == "2023-ws-1"), 2);
        assert_eq!(corrections("").report(&|_| false), None);
    }

    #[test]
    fn code_moves_the_digests_of_the_files_that_held_the_codes_before_only() {
        let before = corrections("2021-of-7/00000000000000aa,scope,risk,Ana,\n");
        let after = corrections(
            "2021-of-7/00000000000000aa,scope,risk,Ana,\n\
             2021-of-7/00000000000000bb,scope,absent,Ana,\n",
        );
        let of7 = vec!["2021-of-7".to_string()];
        let entry = |kind, sessions: &[String], codes| FileEntry {
            codes,
            ..FileEntry::new(kind, 1, 1, String::new(), sessions.to_vec())
        };
        let mut m = Manifest::default();
        let in_sync = entry(FileKind::Transcript, &of7, before.digest_for(&of7));
        let behind = entry(FileKind::Transcript, &of7, None);
        let two = vec!["2023-ws-1".to_string(), "2021-of-7".to_string()];
        let jsonl = entry(FileKind::Transcript, &two, before.digest_for(&two));
        let page = entry(FileKind::Page, &of7, None);
        for (k, e) in [("a", &in_sync), ("b", &behind), ("c", &jsonl), ("d", &page)] {
            m.files.insert(k.into(), e.clone());
        }
        assert!(move_digests(&mut m, "2021-of-7", &before, &after));
        assert_eq!(m.files["a"].codes, after.digest_for(&of7));
        assert_eq!(
            m.files["b"].codes, None,
            "made with other codes: read again"
        );
        assert_eq!(m.files["c"].codes, after.digest_for(&two));
        assert_eq!(m.files["d"].codes, None);
        assert!(!move_digests(&mut m, "2021-of-7", &before, &after));
        // Putting back a theme a person removed: the tagger's score is gone from the index.
        let code = |d| Code {
            key: "2021-of-7/00000000000000bb".into(),
            theme: "scope".into(),
            decision: d,
            coder: "Ana".into(),
            note: String::new(),
        };
        assert!(!same_as_ingest(
            &after,
            &code(Decision::Present(Polarity::Risk))
        ));
        assert!(same_as_ingest(&after, &code(Decision::Absent)));
        assert!(same_as_ingest(
            &before,
            &code(Decision::Present(Polarity::Risk))
        ));
    }
}
