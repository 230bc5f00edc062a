//! What a run reads of its load, held flat: the transcripts to process (with their sessions and
//! the key pairing gave each) and the page files of each session, in a few vectors and one
//! text (each distinct session id and key code once), with no allocation per file.
//!
//! Input: the per-file maps [`super::sources::load`] builds ([`Sources`]). Output: [`Work`],
//! which the run asks for a transcript's sessions and key ([`Work::sessions`],
//! [`Work::given`]) and a session's page ([`Work::page_for`]). The maps hold a string or a
//! vector per file: a run over 104,250 files (2 GB) kept about 22 MB of them, in small
//! allocations strewn among the freed memory of the load, for the whole run. Held flat, the
//! same takes about 6 MB in a handful of allocations. Decides nothing; reads a page only in `page_for`.

use super::sources::{merge_page, slim, Files, Given, PageFile, Sources};
use crate::error::{Error, Result};
use crate::model::{KeySource, SessionKey, SessionPage};
use crate::parse::Parsed;
use std::collections::{BTreeMap, HashMap};

/// Where a string is in [`Work`]'s text. Offsets and file indices are held in 32 bits:
/// [`Work::take`] refuses a run past 4 GiB of distinct session ids and codes, or 4 billion
/// files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

/// A session key whose code is held in [`Work`]'s text.
#[derive(Debug, Clone, Copy)]
struct KeyAt {
    year: u16,
    code: Span,
}

/// A transcript to process.
#[derive(Debug, Clone, Copy)]
struct Transcript {
    /// Index into the files found.
    file: u32,
    /// Where its sessions end in [`Work`]'s session list (they start where the previous
    /// transcript's end).
    sessions_end: u32,
    /// What its pairing gave it, when it is a paired file of one transcript.
    given: Option<GivenAt>,
}

/// A [`Given`] whose key's code is held in the text.
#[derive(Debug, Clone, Copy)]
struct GivenAt {
    key: Option<(KeyAt, Option<KeySource>)>,
    guess: bool,
}

/// A session's page file: the id of the session it is filed under, the file, and the key
/// pairing gave it.
#[derive(Debug, Clone, Copy)]
struct Page {
    id: Span,
    file: u32,
    key: Option<KeyAt>,
}

/// The transcripts to process and the sessions' page files, held flat (see the module doc).
#[derive(Debug, Default)]
pub struct Work {
    /// By file index, ascending.
    transcripts: Vec<Transcript>,
    /// Every transcript's session ids, transcript after transcript.
    sessions: Vec<Span>,
    /// By session id, then in the order they were filed.
    pages: Vec<Page>,
    /// Each distinct session id and key code, once (a transcript's session, its key's code,
    /// its page's session and key are mostly the same two strings).
    text: String,
}

/// The strings [`Work::take`] has put in the text, while it takes the maps.
type Seen = HashMap<String, Span>;

impl Work {
    /// Takes the per-file maps out of `sources` (left empty) and holds them flat.
    pub fn take(sources: &mut Sources) -> Result<Work> {
        let transcripts = std::mem::take(&mut sources.transcripts);
        let mut given = std::mem::take(&mut sources.given);
        let pages = std::mem::take(&mut sources.pages);
        let mut w = Work {
            transcripts: Vec::with_capacity(transcripts.len()),
            sessions: Vec::with_capacity(transcripts.len()),
            pages: Vec::with_capacity(pages.values().map(Vec::len).sum()),
            ..Work::default()
        };
        let mut seen = Seen::new();
        w.add_transcripts(transcripts, &mut given, &mut seen)?;
        w.add_pages(pages, &mut seen)?;
        w.text.shrink_to_fit();
        Ok(w)
    }

    fn add_transcripts(
        &mut self,
        transcripts: BTreeMap<usize, Vec<String>>,
        given: &mut HashMap<usize, Given>,
        seen: &mut Seen,
    ) -> Result<()> {
        for (file, sessions) in transcripts {
            for s in sessions {
                let span = self.hold(s, seen)?;
                self.sessions.push(span);
            }
            let given = match given.remove(&file) {
                Some(g) => Some(GivenAt {
                    key: match g.key {
                        Some((k, source)) => Some((self.hold_key(k, seen)?, source)),
                        None => None,
                    },
                    guess: g.guess,
                }),
                None => None,
            };
            self.transcripts.push(Transcript {
                file: small(file)?,
                sessions_end: small(self.sessions.len())?,
                given,
            });
        }
        Ok(())
    }

    fn add_pages(&mut self, pages: HashMap<String, Vec<PageFile>>, seen: &mut Seen) -> Result<()> {
        for (id, files) in pages {
            let id = self.hold(id, seen)?;
            for f in files {
                let key = match f.key {
                    Some(k) => Some(self.hold_key(k, seen)?),
                    None => None,
                };
                self.pages.push(Page {
                    id,
                    file: small(f.file)?,
                    key,
                });
            }
        }
        // Stable: a session's files keep the order they were filed in (the first gives the
        // title and date).
        let mut pages = std::mem::take(&mut self.pages);
        pages.sort_by(|a, b| self.str(a.id).cmp(self.str(b.id)));
        self.pages = pages;
        Ok(())
    }

    /// Where `s` is in the text, put there when it is not yet.
    fn hold(&mut self, s: String, seen: &mut Seen) -> Result<Span> {
        if let Some(span) = seen.get(&s) {
            return Ok(*span);
        }
        let start = small(self.text.len())?;
        self.text.push_str(&s);
        let span = Span {
            start,
            end: small(self.text.len())?,
        };
        seen.insert(s, span);
        Ok(span)
    }

    fn hold_key(&mut self, key: SessionKey, seen: &mut Seen) -> Result<KeyAt> {
        Ok(KeyAt {
            year: key.year,
            code: self.hold(key.code, seen)?,
        })
    }

    fn str(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    fn key(&self, at: KeyAt) -> SessionKey {
        SessionKey {
            year: at.year,
            code: self.str(at.code).to_string(),
        }
    }

    /// No transcript to process.
    pub fn is_empty(&self) -> bool {
        self.transcripts.is_empty()
    }

    /// The transcripts to process (indices into the files found), ascending.
    pub fn files(&self) -> impl Iterator<Item = usize> + '_ {
        self.transcripts.iter().map(|t| t.file as usize)
    }

    /// Each transcript to process with its first session (none: nothing identifies it).
    pub fn first_sessions(&self) -> impl Iterator<Item = (usize, Option<&str>)> + '_ {
        (0..self.transcripts.len()).map(|n| (self.transcripts[n].file as usize, self.ids(n).next()))
    }

    /// The session ids of the `n`th transcript.
    fn ids(&self, n: usize) -> impl Iterator<Item = &str> + '_ {
        let first = n
            .checked_sub(1)
            .map_or(0, |p| self.transcripts[p].sessions_end);
        let last = self.transcripts[n].sessions_end;
        let spans = self.sessions.get(first as usize..last as usize);
        spans.unwrap_or_default().iter().map(|&s| self.str(s))
    }

    fn find(&self, file: usize) -> Option<usize> {
        self.transcripts
            .binary_search_by_key(&file, |t| t.file as usize)
            .ok()
    }

    /// The sessions of transcript `file` (empty when it is not processed).
    pub fn sessions(&self, file: usize) -> Vec<String> {
        self.find(file)
            .map(|n| self.ids(n).map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// What pairing gave transcript `file`, when it is a paired file of one transcript.
    pub fn given(&self, file: usize) -> Option<Given> {
        let g = self.transcripts[self.find(file)?].given?;
        Some(Given {
            key: g.key.map(|(at, source)| (self.key(at), source)),
            guess: g.guess,
        })
    }

    /// Whether transcript `file`'s key was a guess of pairing's (no key made, unlike
    /// [`Work::given`]).
    pub fn guessed(&self, file: usize) -> bool {
        self.find(file)
            .and_then(|n| self.transcripts[n].given)
            .is_some_and(|g| g.guess)
    }

    /// The session page of session `id`, read from its files now: the first gives the title and
    /// date, each adds the roster entries the others lack. None when the session has no page or
    /// no page file can be read any more.
    pub fn page_for(&self, id: &str, found: &Files) -> Option<SessionPage> {
        let from = self.pages.partition_point(|p| self.str(p.id) < id);
        let mut merged: HashMap<String, SessionPage> = HashMap::new();
        for f in self.pages[from..]
            .iter()
            .take_while(|p| self.str(p.id) == id)
        {
            let Some(file) = found.get(f.file as usize) else {
                continue;
            };
            let Ok(doc) = crate::read::load(&file.path()) else {
                continue;
            };
            let Ok(parsed) = crate::parse::parse_document(&doc) else {
                continue;
            };
            for p in parsed {
                if let Parsed::Page(p) = p {
                    let mut p = slim(&p);
                    p.key = f.key.map(|k| self.key(k)).or(p.key);
                    merge_page(&mut merged, id, p);
                }
            }
        }
        merged.remove(id)
    }
}

/// `n` in 32 bits (offsets into the text, file indices).
fn small(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| {
        Error::Other(format!(
            "{n} is past what a run holds (4 GiB of session ids, 4 billion files): \
             ingest the corpus in parts"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::found::SourceFile;

    fn key(year: u16, code: &str) -> SessionKey {
        SessionKey {
            year,
            code: code.to_string(),
        }
    }

    fn file(path: &str) -> SourceFile<'_> {
        SourceFile {
            key: path,
            size: 0,
            mtime_ns: 0,
        }
    }

    /// Four transcripts (files 5, 1, 9, 3: one of two sessions, one of none, one paired by a
    /// guess) and three page files of two sessions, the maps as the load leaves them.
    fn sources() -> Sources {
        let mut s = Sources::default();
        s.transcripts.insert(5, vec!["2021-of-7".into()]);
        s.transcripts
            .insert(1, vec!["2021-ws-128".into(), "2021-of-7".into()]);
        s.transcripts.insert(9, vec![]);
        s.transcripts.insert(3, vec!["2021-ws-128".into()]);
        s.given.insert(
            5,
            Given {
                key: Some((key(2021, "OF #7"), Some(KeySource::FileName))),
                guess: false,
            },
        );
        s.given.insert(
            3,
            Given {
                key: Some((key(2021, "WS #128"), None)),
                guess: true,
            },
        );
        s.given.insert(
            9,
            Given {
                key: None,
                guess: false,
            },
        );
        s.pages.insert(
            "2021-of-7".into(),
            vec![PageFile {
                file: 0,
                key: Some(key(2021, "OF #7")),
            }],
        );
        s.pages.insert(
            "2021-ws-128".into(),
            vec![
                PageFile { file: 2, key: None },
                PageFile {
                    file: 0,
                    key: Some(key(2021, "WS #128")),
                },
            ],
        );
        s
    }

    #[test]
    fn transcripts_come_back_in_file_order_with_their_sessions_and_keys() {
        let mut s = sources();
        let w = Work::take(&mut s).unwrap();
        assert!(s.transcripts.is_empty() && s.given.is_empty() && s.pages.is_empty());
        assert!(!w.is_empty());
        assert_eq!(w.files().collect::<Vec<_>>(), [1, 3, 5, 9]);
        let firsts: Vec<_> = w.first_sessions().collect();
        assert_eq!(
            firsts,
            [
                (1, Some("2021-ws-128")),
                (3, Some("2021-ws-128")),
                (5, Some("2021-of-7")),
                (9, None)
            ]
        );
        assert_eq!(w.sessions(1), ["2021-ws-128", "2021-of-7"]);
        assert_eq!(w.sessions(9), Vec::<String>::new());
        assert_eq!(
            w.sessions(4),
            Vec::<String>::new(),
            "not a transcript of the run"
        );
        let g = w.given(5).unwrap();
        assert_eq!(g.key, Some((key(2021, "OF #7"), Some(KeySource::FileName))));
        assert!(!g.guess);
        let g = w.given(3).unwrap();
        assert_eq!(g.key, Some((key(2021, "WS #128"), None)));
        assert!(g.guess);
        assert_eq!(
            [1, 3, 5, 9, 4].map(|i| w.guessed(i)),
            [false, true, false, false, false]
        );
        assert_eq!(w.given(9).unwrap().key, None);
        assert!(w.given(1).is_none(), "a file of two sessions is given none");
        assert!(Work::take(&mut Sources::default()).unwrap().is_empty());
    }

    #[test]
    fn a_sessions_page_files_are_read_in_the_order_filed_under_the_key_pairing_gave() {
        let dir = tempfile::tempdir().unwrap();
        let of7 = dir.path().join("of7.page.txt");
        std::fs::copy("data/sessions/2021-of-7.page.txt", &of7).unwrap();
        let ws128 = dir.path().join("ws128.page.txt");
        std::fs::copy("data/sessions/2021-ws-128.page.txt", &ws128).unwrap();
        let (of7_key, ws128_key) = (of7.to_string_lossy(), ws128.to_string_lossy());
        let found: Files = [file(&of7_key), file("missing.page.txt"), file(&ws128_key)]
            .into_iter()
            .collect();
        let w = Work::take(&mut sources()).unwrap();
        // Filed under 2021-ws-128: its own page first (title, date), then the page of OF #7
        // that pairing gave WS #128's key, whose roster it adds.
        let page = w.page_for("2021-ws-128", &found).unwrap();
        assert!(page.title.contains("who gets a seat"), "{}", page.title);
        assert_eq!(page.key, Some(key(2021, "WS #128")));
        let own = crate::parse::parse_document(&crate::read::load(&ws128).unwrap()).unwrap();
        let Some(Parsed::Page(own)) = own.into_iter().next() else {
            panic!("not a page")
        };
        assert!(page.roster.len() > own.roster.len());
        let of7_page = w.page_for("2021-of-7", &found).unwrap();
        assert!(of7_page.title.contains("Harmonising"), "{}", of7_page.title);
        assert!(w.page_for("2021-ws-999", &found).is_none());
        // A file no longer there is passed over.
        let mut s = sources();
        s.pages.get_mut("2021-of-7").unwrap()[0].file = 1;
        assert!(Work::take(&mut s)
            .unwrap()
            .page_for("2021-of-7", &found)
            .is_none());
    }
}
