//! A person's decisions on the tags of passages ("codes"), kept outside the index in a CSV file
//! (`data/codes.csv` unless the index was built with another) so that they survive `ingest --rebuild`, a change of taxonomy
//! and a re-segmentation.
//!
//! The file has the header `key,theme,decision,coder,note`, one row per passage and theme:
//! - `key`: `SESSION/HASH`, the session id and the first 16 hex digits of the SHA-256 of the
//!   passage's text with its white space collapsed to single spaces ([`passage_key`]). Passage
//!   ids are not used: they follow the file name, turn and ordinal, which a re-segmentation or a
//!   renamed file moves. A passage whose text changes no longer matches its codes; they stay in
//!   the file and ingest counts them as matching no passage;
//! - `theme`: a theme id of the taxonomy;
//! - `decision`: `risk` or `opportunity` (the passage carries the theme with that polarity), or
//!   `absent` (it does not carry the theme);
//! - `coder`, `note`: who decided, and why (free text, may be empty).
//!
//! Input: the file's text, or decisions to record. Output: [`Codes`], the tags of a passage
//! corrected by them ([`apply_codes`]), and the file written back atomically, sorted by key and
//! theme. This module does not check themes against a taxonomy (its callers do) and reads no
//! index.

pub mod agreement;

use crate::csv_input::{line_error, CsvHeader};
use crate::error::{Error, Result};
use crate::model::{DecidedBy, Evidence, Polarity, Tag};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The codes file `igf-lens code` writes when given none and the index records none.
pub const DEFAULT_CODES: &str = "data/codes.csv";

/// The header of a codes file.
pub const HEADER: [&str; 5] = ["key", "theme", "decision", "coder", "note"];

/// What a person decided about one theme on one passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// The passage carries the theme, with this polarity.
    Present(Polarity),
    /// The passage does not carry the theme.
    Absent,
}

impl Decision {
    /// `risk`, `opportunity` or `absent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Present(p) => p.as_str(),
            Decision::Absent => "absent",
        }
    }

    /// Parses the [`Decision::as_str`] form in any case.
    pub fn parse(s: &str) -> Option<Decision> {
        if s.trim().eq_ignore_ascii_case("absent") {
            return Some(Decision::Absent);
        }
        Polarity::parse(s).map(Decision::Present)
    }
}

/// One row of the codes file.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// [`passage_key`] of the passage.
    pub key: String,
    /// A theme id of the taxonomy.
    pub theme: String,
    /// What the person decided.
    pub decision: Decision,
    /// Who decided (may be empty).
    pub coder: String,
    /// Why (may be empty).
    pub note: String,
}

/// The key of a passage: `SESSION/` and the first 16 hex digits of the SHA-256 of its text with
/// white space collapsed (so re-wrapped lines keep their key).
pub fn passage_key(session: &str, text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    format!(
        "{session}/{}",
        crate::hash::short_hex(words.join(" ").as_bytes(), 8)
    )
}

/// Every decision of a codes file, by passage key, each passage's sorted by theme.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codes {
    by_key: BTreeMap<String, Vec<Code>>,
}

impl Codes {
    /// Reads a codes file.
    pub fn load(path: &Path) -> Result<Codes> {
        let text = Error::read_utf8(path)?;
        Codes::parse(&text, path)
    }

    /// Reads a codes file, or nothing when there is none yet.
    pub fn load_or_empty(path: &Path) -> Result<Codes> {
        if path.exists() {
            Codes::load(path)
        } else {
            Ok(Codes::default())
        }
    }

    /// Parses the text of a codes file; `path` names it in errors. A later row for the same
    /// passage and theme replaces an earlier one.
    pub fn parse(text: &str, path: &Path) -> Result<Codes> {
        let err = |line: usize, message: String| line_error(path, line, message);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let expected = HEADER.join(",");
        let header = CsvHeader::read(&mut rdr, path, &expected)?;
        let col = |name: &str| header.col(name);
        let cols = [col("key")?, col("theme")?, col("decision")?];
        let (coder, note) = (col("coder").ok(), col("note").ok());
        let mut codes = Codes::default();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                err(line, format!("malformed CSV record: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let field = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
            let key = field(Some(cols[0]));
            if !key.contains('/') {
                return Err(err(
                    line,
                    format!(
                        "key {key:?} is not SESSION/HASH: record decisions with `igf-lens code`"
                    ),
                ));
            }
            let theme = field(Some(cols[1]));
            if theme.is_empty() {
                return Err(err(
                    line,
                    "empty theme: give a theme id of the taxonomy".into(),
                ));
            }
            let raw = field(Some(cols[2]));
            let decision = Decision::parse(raw).ok_or_else(|| {
                err(
                    line,
                    format!("unknown decision {raw:?}: valid values are risk, opportunity, absent"),
                )
            })?;
            codes.set(Code {
                key: key.to_string(),
                theme: theme.to_string(),
                decision,
                coder: field(coder).to_string(),
                note: field(note).to_string(),
            });
        }
        Ok(codes)
    }

    /// Records a decision, replacing any earlier one on the same passage and theme.
    pub fn set(&mut self, code: Code) {
        let row = self.by_key.entry(code.key.clone()).or_default();
        match row.binary_search_by(|c| c.theme.cmp(&code.theme)) {
            Ok(i) => row[i] = code,
            Err(i) => row.insert(i, code),
        }
    }

    /// The decisions on the passage with this key, sorted by theme.
    pub fn for_key(&self, key: &str) -> &[Code] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// Every decision, sorted by key and theme.
    pub fn iter(&self) -> impl Iterator<Item = &Code> {
        self.by_key.values().flatten()
    }

    /// The passage keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }

    /// Number of decisions.
    pub fn len(&self) -> usize {
        self.by_key.values().map(Vec::len).sum()
    }

    /// No decision at all.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Adds the decisions of another file; its rows win over these.
    pub fn extend(&mut self, other: Codes) {
        for code in other.by_key.into_values().flatten() {
            self.set(code);
        }
    }

    /// The file's text: the header, then every decision sorted by key and theme.
    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let fail = |e: csv::Error| Error::Other(format!("cannot write the codes: {e}"));
        w.write_record(HEADER).map_err(fail)?;
        for c in self.iter() {
            w.write_record([
                c.key.as_str(),
                c.theme.as_str(),
                c.decision.as_str(),
                c.coder.as_str(),
                c.note.as_str(),
            ])
            .map_err(fail)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Other(format!("cannot write the codes: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Other(format!("cannot write the codes: {e}")))
    }

    /// Writes the file atomically (the old file or the new one, never half of one).
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = self.to_csv()?;
        crate::disk::write_atomic(path, |w| {
            w.write_all(text.as_bytes())
                .map_err(|e| Error::io(PathBuf::from(path), e))
        })
    }

    /// A short content hash of the decisions (16 hex digits): what the ingest fingerprint of
    /// igf-lens before per-file codes digests carried (see [`CodesDigest`]).
    pub fn hash(&self) -> Result<String> {
        Ok(crate::hash::short_hex(self.to_csv()?.as_bytes(), 8))
    }

    /// The digest of each session's decisions (the SESSION part of their keys), sorted by
    /// session; a session without decisions has none.
    pub fn session_digests(&self) -> Vec<(String, CodesDigest)> {
        let mut out: Vec<(String, CodesDigest)> = Vec::new();
        let mut text = String::new();
        let mut flush = |session: &str, text: &mut String| {
            if !text.is_empty() {
                out.push((session.to_string(), CodesDigest::of(text.as_bytes())));
                text.clear();
            }
        };
        let mut current = "";
        for (key, row) in &self.by_key {
            let session = session_of(key);
            if session != current {
                flush(current, &mut text);
                current = session;
            }
            for c in row {
                // Unit and record separators: no field of a CSV row read back holds them
                // unescaped in a way that makes two sets of rows alike.
                for field in [&*c.key, &c.theme, c.decision.as_str(), &c.coder, &c.note] {
                    text.push_str(field);
                    text.push('\u{1f}');
                }
                text.push('\u{1e}');
            }
        }
        flush(current, &mut text);
        out
    }
}

/// The session a passage key names: its part before the last `/`.
pub fn session_of(key: &str) -> &str {
    key.rsplit_once('/').map_or(key, |(session, _)| session)
}

/// A digest of the decisions on the passages of one or more sessions (64 bits of a SHA-256):
/// what an ingest manifest records, per file, of the codes that applied to its passages, so
/// that a change of the codes processes again only the files of the sessions it touches. In
/// the manifest, 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodesDigest(std::num::NonZeroU64);

impl CodesDigest {
    /// The digest of `bytes` (never 0, so that an absent digest costs no room).
    fn of(bytes: &[u8]) -> CodesDigest {
        let n = crate::hash::short_u64(bytes);
        CodesDigest(std::num::NonZeroU64::new(n).unwrap_or(std::num::NonZeroU64::MIN))
    }

    /// The digest of a file's decisions from those of its sessions (`session`, digest), in the
    /// file's order; `None` when no session of it has any.
    pub fn combine<'a>(
        sessions: impl IntoIterator<Item = (&'a str, CodesDigest)>,
    ) -> Option<CodesDigest> {
        let mut text = String::new();
        for (session, d) in sessions {
            text.push_str(&format!("{session}\u{1f}{d}\u{1e}"));
        }
        (!text.is_empty()).then(|| CodesDigest::of(text.as_bytes()))
    }
}

impl std::fmt::Display for CodesDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for CodesDigest {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<CodesDigest, String> {
        let bad = || format!("{s:?} is not a codes digest (16 hex digits, not all 0)");
        if s.len() != 16 {
            return Err(bad());
        }
        let n = u64::from_str_radix(s, 16).map_err(|_| bad())?;
        std::num::NonZeroU64::new(n)
            .map(CodesDigest)
            .ok_or_else(bad)
    }
}

impl serde::Serialize for CodesDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CodesDigest {
    fn deserialize<D: serde::Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<CodesDigest, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Applies a passage's decisions to its tags: an `absent` decision removes the theme, a polarity
/// sets it (adding the theme when the tagger did not give it). Every tag a decision touches is
/// [`DecidedBy::Human`], with its coder; tags stay sorted by theme id. Returns whether any tag
/// changed.
pub fn apply_codes(tags: &mut Vec<Tag>, codes: &[Code]) -> bool {
    let before = tags.clone();
    for code in codes {
        let at = tags.iter().position(|t| t.theme == code.theme.as_str());
        match (code.decision, at) {
            (Decision::Absent, Some(i)) => {
                tags.remove(i);
            }
            (Decision::Absent, None) => {}
            (Decision::Present(p), Some(i)) => {
                let t = &mut tags[i];
                t.polarity = p;
                t.decided_by = DecidedBy::Human;
                t.coder = Some(code.coder.as_str().into());
            }
            (Decision::Present(p), None) => {
                let i = tags.partition_point(|t| t.theme.as_str() < code.theme.as_str());
                tags.insert(
                    i,
                    Tag {
                        theme: code.theme.as_str().into(),
                        polarity: p,
                        score: 0.0,
                        decided_by: DecidedBy::Human,
                        evidence: Evidence::default(),
                        coder: Some(code.coder.as_str().into()),
                    },
                );
            }
        }
    }
    *tags != before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(key: &str, theme: &str, d: Decision) -> Code {
        Code {
            key: key.into(),
            theme: theme.into(),
            decision: d,
            coder: "Ana".into(),
            note: String::new(),
        }
    }

    fn tag(theme: &str, p: Polarity) -> Tag {
        Tag {
            theme: theme.into(),
            polarity: p,
            score: 1.0,
            decided_by: DecidedBy::Cue,
            evidence: Evidence::default(),
            coder: None,
        }
    }

    #[test]
    fn keys_ignore_white_space_but_not_words() {
        let a = passage_key("2023-ws-1", "Some  words\nhere.");
        assert_eq!(a, passage_key("2023-ws-1", " Some words here. "));
        assert_ne!(a, passage_key("2023-ws-1", "Some words there."));
        assert_ne!(a, passage_key("2023-ws-2", "Some words here."));
        let (session, hash) = a.split_once('/').unwrap();
        assert_eq!(session, "2023-ws-1");
        assert_eq!(hash.len(), 16);
    }

    #[test]
    fn codes_round_trip_sorted_and_later_rows_win() {
        let text = "key,theme,decision,coder,note\n\
                    s/b,scope,risk,Ana,\n\
                    s/a,rights,absent,Ben,\"not, really\"\n\
                    s/b,scope,opportunity,Ana,changed my mind\n";
        let codes = Codes::parse(text, Path::new("codes.csv")).unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(
            codes.for_key("s/b")[0].decision,
            Decision::Present(Polarity::Opportunity)
        );
        let out = codes.to_csv().unwrap();
        assert_eq!(
            out,
            "key,theme,decision,coder,note\n\
             s/a,rights,absent,Ben,\"not, really\"\n\
             s/b,scope,opportunity,Ana,changed my mind\n"
        );
        assert_eq!(Codes::parse(&out, Path::new("x")).unwrap(), codes);
    }

    #[test]
    fn each_session_has_a_digest_of_its_own_rows_only() {
        let text = "key,theme,decision,coder,note\n\
                    2021-of-7/aa,scope,risk,Ana,\n\
                    2021-of-7/bb,rights,absent,Ana,\n\
                    2023-ws-1/cc,scope,risk,Ana,\n";
        let codes = Codes::parse(text, Path::new("codes.csv")).unwrap();
        let d = codes.session_digests();
        let ids: Vec<&str> = d.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(ids, ["2021-of-7", "2023-ws-1"]);
        assert_eq!(session_of("2021-of-7/aa"), "2021-of-7");
        // A change in one session moves its digest, not the other's.
        let mut other = codes.clone();
        other.set(code("2023-ws-1/cc", "scope", Decision::Absent));
        let e = other.session_digests();
        assert_eq!(d[0], e[0]);
        assert_ne!(d[1].1, e[1].1);
        // So does a new coder or note: they are shown with the tag, or kept with it.
        let mut noted = codes.clone();
        noted.set(Code {
            note: "why".into(),
            ..code("2023-ws-1/cc", "scope", Decision::Present(Polarity::Risk))
        });
        assert_ne!(d[1].1, noted.session_digests()[1].1);
        assert!(Codes::default().session_digests().is_empty());
        // A file's digest: none without coded sessions; its sessions' in its order.
        assert_eq!(CodesDigest::combine([]), None);
        let (a, b) = (("a", d[0].1), ("b", d[1].1));
        let ab = CodesDigest::combine([a, b]).unwrap();
        assert_ne!(Some(ab), CodesDigest::combine([b, a]));
        assert_ne!(Some(ab), CodesDigest::combine([a]));
        // On disk: 16 hex digits, read back; anything else is refused.
        let json = serde_json::to_string(&ab).unwrap();
        assert_eq!(json.len(), 18, "{json}");
        assert_eq!(serde_json::from_str::<CodesDigest>(&json).unwrap(), ab);
        for bad in ["\"\"", "\"0000000000000000\"", "\"xyz\"", "12"] {
            assert!(serde_json::from_str::<CodesDigest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_rows_name_the_file_line_and_value() {
        let cases = [
            ("key,theme\n", "codes.csv:1: no `decision` column"),
            ("key,theme,decision\nnokey,scope,risk\n", "codes.csv:2: key \"nokey\""),
            ("key,theme,decision\ns/a,,risk\n", "codes.csv:2: empty theme"),
            (
                "key,theme,decision\ns/a,scope,maybe\n",
                "codes.csv:2: unknown decision \"maybe\": valid values are risk, opportunity, absent",
            ),
        ];
        for (text, want) in cases {
            let got = Codes::parse(text, Path::new("codes.csv"))
                .unwrap_err()
                .to_string();
            assert!(got.starts_with(want), "{text:?}: {got}");
        }
    }

    #[test]
    fn decisions_add_remove_and_repolarise_tags() {
        let mut tags = vec![tag("rights", Polarity::Risk), tag("scope", Polarity::Risk)];
        let codes = [
            code("k", "access", Decision::Present(Polarity::Opportunity)),
            code("k", "rights", Decision::Absent),
            code("k", "scope", Decision::Present(Polarity::Opportunity)),
            code("k", "zzz", Decision::Absent),
        ];
        assert!(apply_codes(&mut tags, &codes));
        let got: Vec<(String, DecidedBy)> =
            tags.iter().map(|t| (t.label(), t.decided_by)).collect();
        assert_eq!(
            got,
            [
                ("access:opportunity".to_string(), DecidedBy::Human),
                ("scope:opportunity".to_string(), DecidedBy::Human)
            ]
        );
        assert_eq!(tags[1].coder.as_deref(), Some("Ana"));
        assert_eq!(tags[1].score, 1.0);
        let mut same = vec![tag("scope", Polarity::Risk)];
        assert!(!apply_codes(
            &mut same,
            &[code("k", "rights", Decision::Absent)]
        ));
    }
}
