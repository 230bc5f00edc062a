//! Keyword-in-context (concordance) lines, as AntConc prints them.
//!
//! Input: [`PassageRecord`]s and a term (a word or a phrase). Output: [`KwicLine`]s, one per
//! occurrence, found with the shared analyzer (so `researcher` finds `researchers` and
//! `criminalise` finds `criminalizing`), and their rendering with the term in one column
//! (marked in colour when asked), as a [`Table`] for CSV or as JSON objects. This module does
//! not search the index; the CLI hands it the passages that match, and decides on colour.

use super::table::{Cell, Table};
use super::terminal::for_terminal;
use crate::error::{Error, Result};
use crate::model::{PassageRecord, Stakeholder};
use crate::text::{analyze, analyzer};

/// One occurrence of the term with its context.
#[derive(Debug, Clone, PartialEq)]
pub struct KwicLine {
    /// Up to `width` characters before the term, whitespace squeezed.
    pub left: String,
    /// The occurrence as written.
    pub keyword: String,
    /// Up to `width` characters after the term.
    pub right: String,
    pub passage_id: u64,
    /// The session id (`2023-ws-225`).
    pub session: String,
    pub speaker: String,
    pub stakeholder: Stakeholder,
    /// `file:line`.
    pub citation: String,
    /// The line of the passage in its file.
    pub line: u32,
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds every occurrence of `term` in the records' text, in record order.
///
/// Fails with [`Error::InvalidValue`] when the term has no indexable word (only stop words or
/// punctuation).
pub fn concordance(records: &[PassageRecord], term: &str, width: usize) -> Result<Vec<KwicLine>> {
    let mut a = analyzer();
    let want = analyze(&mut a, term);
    if want.is_empty() {
        return Err(Error::InvalidValue {
            what: "TERM".into(),
            value: term.into(),
            valid: "a word or phrase with at least one word that is not a stop word (the, and, of… are not indexed)".into(),
        });
    }
    let base = want[0].position;
    let rel: Vec<(usize, &str)> = want
        .iter()
        .map(|t| (t.position - base, t.text.as_str()))
        .collect();
    let mut out = Vec::new();
    for r in records {
        let toks = analyze(&mut a, &r.text);
        for (i, first) in toks.iter().enumerate() {
            if first.text != rel[0].1 {
                continue;
            }
            let mut end = first.offset_to;
            let mut ok = true;
            for &(dpos, text) in &rel[1..] {
                match toks[i..]
                    .iter()
                    .find(|t| t.position == first.position + dpos)
                {
                    Some(t) if t.text == text => end = t.offset_to,
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let left = squeeze(&r.text[..first.offset_from]);
            let right = squeeze(&r.text[end..]);
            let left_n = left.chars().count();
            out.push(KwicLine {
                left: left.chars().skip(left_n.saturating_sub(width)).collect(),
                keyword: squeeze(&r.text[first.offset_from..end]),
                right: right.chars().take(width).collect(),
                passage_id: r.passage_id,
                session: r.session.clone(),
                speaker: r.speaker.clone(),
                stakeholder: r.stakeholder,
                citation: r.citation(),
                line: r.line,
            });
        }
    }
    Ok(out)
}

/// Bold red on, and reset: the marks of a keyword on a terminal (as search marks its matches).
const MARK_ON: &str = "\x1b[1;31m";
const MARK_OFF: &str = "\x1b[0m";

/// Renders lines with the left context right-aligned to `width`, the keyword padded to the
/// longest keyword, and the right context padded to `width`, then speaker, group and citation:
/// the keyword starts in the same column on every line. With `color`, the keyword is marked
/// with ANSI bold red (the padding stays outside the marks, so columns do not move). Control
/// characters of the data are shown as visible stand-ins ([`for_terminal`]).
pub fn render_kwic(lines: &[KwicLine], width: usize, color: bool) -> String {
    let kw = lines
        .iter()
        .map(|l| l.keyword.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        let left_pad = width.saturating_sub(l.left.chars().count());
        let kw_pad = kw - l.keyword.chars().count();
        let right_pad = width.saturating_sub(l.right.chars().count());
        let (on, off) = if color { (MARK_ON, MARK_OFF) } else { ("", "") };
        out.push_str(&format!(
            "{}{}  {on}{}{off}{}  {}{}  {} ({})  {}\n",
            " ".repeat(left_pad),
            for_terminal(&l.left),
            for_terminal(&l.keyword),
            " ".repeat(kw_pad),
            for_terminal(&l.right),
            " ".repeat(right_pad),
            for_terminal(&l.speaker),
            l.stakeholder,
            for_terminal(&l.citation)
        ));
    }
    out
}

/// Concordance lines as a table (`kwic --format csv`): left, keyword, right, speaker,
/// stakeholder, session, source (`file:line`), line, passage_id.
pub fn kwic_table(lines: &[KwicLine]) -> Table {
    let mut t = Table::new(vec![
        "left",
        "keyword",
        "right",
        "speaker",
        "stakeholder",
        "session",
        "source",
        "line",
        "passage_id",
    ]);
    for l in lines {
        t.rows.push(vec![
            Cell::text(&l.left),
            Cell::text(&l.keyword),
            Cell::text(&l.right),
            Cell::text(&l.speaker),
            Cell::text(l.stakeholder.as_str()),
            Cell::text(&l.session),
            Cell::text(&l.citation),
            Cell::Int(u64::from(l.line)),
            Cell::Int(l.passage_id),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: u64, text: &str) -> PassageRecord {
        PassageRecord {
            passage_id: id,
            speaker: "Ana".into(),
            stakeholder: Stakeholder::CivilSociety,
            source: "f.txt".into(),
            line: id as u32,
            text: text.into(),
            ..PassageRecord::default()
        }
    }

    #[test]
    fn finds_stemmed_words_and_phrases() {
        let recs = vec![
            rec(
                1,
                "We trust security researchers. A researcher\nfinds bugs.",
            ),
            rec(2, "Nothing here about security."),
            rec(
                3,
                "Criminalizing testing harms security researchers everywhere.",
            ),
        ];
        let words: Vec<String> = concordance(&recs, "researcher", 10)
            .unwrap()
            .into_iter()
            .map(|l| l.keyword)
            .collect();
        assert_eq!(words, vec!["researchers", "researcher", "researchers"]);
        let phrase = concordance(&recs, "security researchers", 12).unwrap();
        assert_eq!(phrase.len(), 2);
        assert_eq!(phrase[0].left, "We trust");
        assert_eq!(phrase[0].keyword, "security researchers");
        assert_eq!(phrase[0].right, ". A research");
        assert_eq!(phrase[1].left, "esting harms");
        assert_eq!(phrase[1].citation, "f.txt:3");
        let uk = concordance(&recs, "criminalise", 10).unwrap();
        assert_eq!(uk[0].keyword, "Criminalizing");
    }

    #[test]
    fn phrase_with_a_stop_word_keeps_its_gap() {
        let recs = vec![rec(1, "the rights of users and rights users")];
        let lines = concordance(&recs, "rights of users", 5).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].keyword, "rights of users");
    }

    #[test]
    fn stop_words_alone_are_refused() {
        assert!(matches!(
            concordance(&[], "the", 10),
            Err(Error::InvalidValue { .. })
        ));
    }

    #[test]
    fn rendered_keywords_share_one_column() {
        let recs = vec![
            rec(1, "A long run of words before security researchers act."),
            rec(2, "Few security researcher."),
        ];
        let lines = concordance(&recs, "security researcher", 20).unwrap();
        let out = render_kwic(&lines, 20, false);
        let cols: Vec<usize> = out.lines().map(|l| l.find("security").unwrap()).collect();
        assert_eq!(cols, vec![22, 22]);
        let after: Vec<usize> = out
            .lines()
            .map(|l| l.find(" (Civil Society)").unwrap())
            .collect();
        assert_eq!(after[0], after[1]);
    }

    #[test]
    fn colour_marks_the_keyword_only_and_keeps_the_columns() {
        let recs = vec![
            rec(1, "A long run of words before security researchers act."),
            rec(2, "Few security researcher."),
        ];
        let lines = concordance(&recs, "security researcher", 20).unwrap();
        let plain = render_kwic(&lines, 20, false);
        let painted = render_kwic(&lines, 20, true);
        assert_eq!(
            painted.lines().nth(1).unwrap(),
            format!(
                "{}Few  \x1b[1;31msecurity researcher\x1b[0m   .{}  Ana (Civil Society)  f.txt:2",
                " ".repeat(17),
                " ".repeat(19)
            )
        );
        assert_eq!(painted.replace(MARK_ON, "").replace(MARK_OFF, ""), plain);
    }

    #[test]
    fn table_has_one_row_per_occurrence_with_its_source() {
        let recs = vec![rec(
            7,
            "Security researchers and more security researchers.",
        )];
        let t = kwic_table(&concordance(&recs, "security researchers", 10).unwrap());
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1], Cell::text("security researchers"));
        assert_eq!(t.rows[1][6], Cell::text("f.txt:7"));
        assert_eq!(t.rows[1][8], Cell::Int(7));
    }
}
