//! One transcript through the CPU stages, in order: resolve speakers → detect languages →
//! split passages → tag (and analyze for the index) → a person's codes applied → passage
//! records.
//!
//! Input: a parsed [`Transcript`], the text it was parsed from (to cite each passage's line),
//! its session page when paired, and the run's [`Resources`]. Output: each [`PassageRecord`],
//! handed to an [`Emit`] callback as soon as it is made (with the tokens the tagger made), and
//! the resolved [`Session`] with each turn's word count. Reads no file and holds no passage
//! longer than it takes to emit it.

use super::resources::Resources;
use crate::error::Result;
use crate::model::{PassageRecord, Session, SessionKey, SessionPage, Transcript, Turn};
use crate::segment::Piece;
use crate::tag::Tagger;
use crate::text::Analysis;
use std::path::Path;

/// Receives each passage record as soon as it is made, with the tokens of its text when the
/// tagger made them (for [`crate::index::Writer::add_analyzed`]).
pub type Emit<'a> = dyn FnMut(PassageRecord, Option<Analysis>) -> Result<()> + 'a;

/// A transcript after [`build_records`]: its resolved session and each turn's word count (the
/// sum of its passages' words, which is [`crate::text::count_words`] of the turn).
#[derive(Debug)]
pub struct Built {
    pub session: Session,
    pub turn_words: Vec<u32>,
}

/// Stable 64-bit id of a passage: FNV-1a of its source file, turn and ordinal, cut to 53 bits
/// so that every JSON reader (JavaScript's numbers included) reads it exactly.
pub fn passage_id(source: &str, turn: u32, ordinal: u32) -> u64 {
    let h = crate::hash::fnv1a(
        source
            .bytes()
            .chain(turn.to_le_bytes())
            .chain(ordinal.to_le_bytes()),
    );
    h >> 11
}

/// Turns a parsed transcript into resolved, segmented, tagged passage records.
///
/// Each record goes to `emit` as soon as it is made, so a huge transcript never has all its
/// passages in memory; the transcript's own turns are dropped once resolved.
pub fn build_records(
    doc_text: &str,
    source: &str,
    transcript: Transcript,
    page: Option<&SessionPage>,
    res: &Resources,
    emit: &mut Emit<'_>,
) -> Result<Built> {
    let session = resolve_session(transcript, page, source, res);
    let mut lines = Lines::new(doc_text);
    let stamp = Stamp::new(&session, source, res.taxonomy.version());
    let mut turn_words = Vec::with_capacity(session.turns.len());
    for turn in &session.turns {
        let language = res.detector.detect(&turn.text, &session.language);
        lines.enter_turn(turn.line);
        let mut total = 0u32;
        for (ordinal, piece) in crate::segment::split_passages(&turn.text)
            .into_iter()
            .enumerate()
        {
            let line = lines.locate(&piece.text).unwrap_or(turn.line);
            total += piece.words;
            let (mut record, analysis) =
                stamp.record(turn, ordinal as u32, piece, line, &language, &res.tagger);
            res.corrections.apply(&mut record);
            emit(record, analysis)?;
        }
        turn_words.push(total);
    }
    Ok(Built {
        session,
        turn_words,
    })
}

/// Pairs the transcript with its page (title, date) and resolves its speakers; the session's
/// language is detected on the start of its speech.
fn resolve_session(
    transcript: Transcript,
    page: Option<&SessionPage>,
    source: &str,
    res: &Resources,
) -> Session {
    // Pairing gives every transcript it lets through a key; a caller that parses a file with no
    // identity itself gets it keyed by its file name, under the year the forum began.
    let key = transcript.key.clone().unwrap_or_else(|| SessionKey {
        year: 2006,
        code: Path::new(source)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    });
    let Transcript {
        title,
        annotations,
        source: path,
        turns,
        url,
        ..
    } = transcript;
    let turns: Vec<Turn> = crate::resolve::resolve_turns(turns, page, &res.directory);
    let language = res.detector.detect(&speech_sample(&turns), "eng");
    Session {
        title: page
            .map(|p| p.title.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or(title),
        date: page.and_then(|p| p.date.clone()),
        key,
        page: None,
        turns,
        annotations,
        source: path,
        url,
        language,
    }
}

/// The first 20 turns' text, for the session's language.
fn speech_sample(turns: &[Turn]) -> String {
    turns
        .iter()
        .flat_map(|t| [t.text.as_str(), " "])
        .take(40)
        .collect()
}

/// What every record of a session shares.
struct Stamp<'a> {
    session: &'a Session,
    id: String,
    source: &'a str,
    taxonomy: String,
}

impl<'a> Stamp<'a> {
    fn new(session: &'a Session, source: &'a str, taxonomy: &str) -> Stamp<'a> {
        Stamp {
            id: session.key.id(),
            session,
            source,
            taxonomy: taxonomy.to_string(),
        }
    }

    /// Tags a passage and makes its record.
    fn record(
        &self,
        turn: &Turn,
        ordinal: u32,
        piece: Piece,
        line: u32,
        language: &str,
        tagger: &Tagger,
    ) -> (PassageRecord, Option<Analysis>) {
        let (tagging, analysis) = tagger.tag_and_analyze(&piece.text);
        let s = self.session;
        let speaker = &turn.speaker;
        let record = PassageRecord {
            passage_id: passage_id(self.source, turn.ordinal, ordinal),
            session: self.id.clone(),
            code: s.key.code.clone(),
            year: s.key.year,
            title: s.title.clone(),
            date: s.date.clone().unwrap_or_default(),
            speaker: speaker.name.clone(),
            label: turn.label.clone(),
            stakeholder: speaker.stakeholder,
            region: speaker.region,
            role: speaker.role,
            affiliation: speaker.affiliation.clone().unwrap_or_default(),
            method: speaker.method,
            confidence: speaker.confidence,
            turn: turn.ordinal,
            ordinal,
            language: language.to_string(),
            words: piece.words,
            procedural: tagging.procedural,
            tags: tagging.tags,
            taxonomy: self.taxonomy.clone(),
            source: self.source.to_string(),
            url: s.url.clone().unwrap_or_default(),
            line,
            start_ms: turn.start_ms,
            end_ms: turn.end_ms,
            text: piece.text,
        };
        (record, analysis)
    }
}

/// Finds the source line of each passage: a cursor moves forward through the text, so each
/// passage is looked for after the previous one.
struct Lines<'a> {
    text: &'a str,
    /// Byte offsets of line starts.
    starts: Vec<usize>,
    cursor: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Lines {
            text,
            starts,
            cursor: 0,
        }
    }

    /// Moves the cursor to the start of a turn's line (1-based), never backwards.
    fn enter_turn(&mut self, line: u32) {
        let start = self
            .starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(self.cursor);
        self.cursor = self.cursor.max(start);
    }

    /// The 1-based line where a passage starts: where its first three words are found, with
    /// any white space between them, at or after the cursor.
    fn locate(&mut self, passage: &str) -> Option<u32> {
        let words: Vec<&str> = passage.split_whitespace().take(3).collect();
        let off = find_words(self.text, self.cursor, &words)?;
        self.cursor = off;
        Some(self.starts.partition_point(|&s| s <= off) as u32)
    }
}

/// Finds where the words of `needle` start in `hay` at or after `from`, allowing any white
/// space between words. Returns the byte offset.
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
}
