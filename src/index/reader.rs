//! Reading the index: search with filters, facets, paging and snippets; whole-index reads for
//! exports; single passages and their surrounding turns.
//!
//! Input: an index directory and [`SearchRequest`]s. Output: [`SearchResults`] and
//! [`PassageRecord`]s. Never takes the writer lock and works on a read-only directory. This
//! module does not format anything for display.

use super::files::{self, ReadOnlyDir};
use super::query::{self, Lookup};
use super::schema::{self, Fields};
use super::search::{Facets, Hit, SearchRequest, SearchResults, Sort};
use super::sessions::{self, SessionEntry, SessionMatch};
use super::stored;
use super::verify::{catch_damage, check_open_time, open_failure};
use crate::error::{Error, Result};
use crate::model::PassageRecord;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Score, Searcher, SegmentOrdinal,
    SegmentReader,
};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 220;

/// Reads an index (never needs write access).
pub struct Reader {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl Reader {
    /// Opens the index at `dir`: [`Error::NoIndex`] when there is none, [`Error::IndexVersion`]
    /// when it was written with another schema version.
    pub fn open(dir: &Path) -> Result<Reader> {
        files::require_index(dir)?;
        files::check_version(dir)?;
        catch_damage(dir, || {
            let directory = ReadOnlyDir::new(files::mmap(dir)?, dir);
            let index = Index::open(directory).map_err(|e| open_failure(dir, e))?;
            check_open_time(dir, &index)?;
            index
                .tokenizers()
                .register(crate::text::ANALYZER_NAME, crate::text::analyzer());
            let (_, fields) = schema::build();
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
                .map_err(|e| open_failure(dir, e))?;
            Ok(Reader {
                dir: dir.to_path_buf(),
                index,
                reader,
                fields,
            })
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of passages in the index.
    pub fn num_passages(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn load(&self, docs: &mut stored::Docs, addr: DocAddress) -> Result<PassageRecord> {
        schema::from_doc(&self.fields, &docs.get(addr)?)
    }

    /// Runs a search: the page of hits (`offset`, `limit`), the total, and facets when asked.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let built = query::build(&self.index, &self.fields, req, self)?;
            let (page, total): (Vec<(Score, DocAddress)>, usize) = match req.sort {
                Sort::Score if req.limit == 0 => {
                    (Vec::new(), searcher.search(&*built.query, &Count)?)
                }
                Sort::Score => searcher.search(
                    &*built.query,
                    &(
                        TopDocs::with_limit(req.limit)
                            .and_offset(req.offset)
                            .order_by_score(),
                        Count,
                    ),
                )?,
                Sort::Date => {
                    let mut keyed = searcher.search(&*built.query, &DateKeys)?;
                    keyed.sort_by(|a, b| a.0.cmp(&b.0));
                    let total = keyed.len();
                    let page = keyed
                        .into_iter()
                        .skip(req.offset)
                        .take(req.limit)
                        .map(|(_, score, addr)| (score, addr))
                        .collect();
                    (page, total)
                }
            };
            let mut snippets = if req.fuzzy {
                self.fuzzy_snippets(&searcher, &*built.snippet)?
            } else {
                SnippetGenerator::create(&searcher, &*built.snippet, self.fields.text)?
            };
            snippets.set_max_num_chars(SNIPPET_CHARS);
            let mut hits = Vec::with_capacity(page.len());
            let mut docs = stored::Docs::new(&searcher);
            for (score, addr) in page {
                let record = self.load(&mut docs, addr)?;
                let (snippet, highlights) = make_snippet(&snippets, &record.text);
                hits.push(Hit {
                    score,
                    record,
                    snippet,
                    highlights,
                });
            }
            let facets = if req.facets {
                Some(searcher.search(&*built.query, &FacetCounts)?)
            } else {
                None
            };
            Ok(SearchResults {
                hits,
                total,
                facets,
            })
        })
    }

    /// A snippet generator for a fuzzy search: FuzzyTermQuery reports no terms, and the typed
    /// terms may not exist in the index, so highlight every indexed word one edit away from a
    /// query term (the words the fuzzy query matched).
    fn fuzzy_snippets(&self, searcher: &Searcher, plain: &dyn Query) -> Result<SnippetGenerator> {
        let mut wanted: Vec<String> = Vec::new();
        plain.query_terms(&mut |term, _| {
            if term.field() == self.fields.text {
                if let Some(t) = term.value().as_str() {
                    wanted.push(t.to_string());
                }
            }
        });
        let mut terms = BTreeMap::new();
        if !wanted.is_empty() {
            for seg in searcher.segment_readers() {
                let inv = seg.inverted_index(self.fields.text)?;
                let mut stream = inv
                    .terms()
                    .stream()
                    .map_err(|e| Error::Index(e.to_string()))?;
                while stream.advance() {
                    let Ok(key) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if terms.contains_key(key) || !wanted.iter().any(|w| within_one_edit(w, key)) {
                        continue;
                    }
                    let df = searcher.doc_freq(&Term::from_field_text(self.fields.text, key))?;
                    if df > 0 {
                        terms.insert(key.to_string(), 1.0 / (1.0 + df as Score));
                    }
                }
            }
        }
        let tokenizer = self.index.tokenizer_for_field(self.fields.text)?;
        Ok(SnippetGenerator::new(
            terms,
            tokenizer,
            self.fields.text,
            SNIPPET_CHARS,
        ))
    }

    /// Every passage, sorted by (session, turn, ordinal).
    pub fn all(&self) -> Result<Vec<PassageRecord>> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let mut out = Vec::with_capacity(searcher.num_docs() as usize);
            let fields = searcher.schema().num_fields() as u32;
            for seg in searcher.segment_readers() {
                stored::for_each(seg, fields, |doc| {
                    out.push(schema::from_doc(&self.fields, &doc.map_err(Error::Index)?)?);
                    Ok(())
                })?;
            }
            sort_records(&mut out);
            Ok(out)
        })
    }

    /// The passage with this id, if any.
    pub fn get(&self, passage_id: u64) -> Result<Option<PassageRecord>> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let q = TermQuery::new(
                Term::from_field_u64(self.fields.passage_id, passage_id),
                IndexRecordOption::Basic,
            );
            let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
            match top.first() {
                Some((_, addr)) => Ok(Some(self.load(&mut stored::Docs::new(&searcher), *addr)?)),
                None => Ok(None),
            }
        })
    }

    /// The passages of `session` whose turn lies within `n` turns of `turn`, sorted by
    /// (turn, ordinal).
    pub fn turn_context(&self, session: &str, turn: u32, n: u32) -> Result<Vec<PassageRecord>> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let q = TermQuery::new(
                Term::from_field_text(self.fields.session, session),
                IndexRecordOption::Basic,
            );
            let addrs = searcher.search(&q, &DocSetCollector)?;
            let lo = turn.saturating_sub(n);
            let hi = turn.saturating_add(n);
            let mut out = Vec::new();
            let mut docs = stored::Docs::new(&searcher);
            for addr in addrs {
                let r = self.load(&mut docs, addr)?;
                if (lo..=hi).contains(&r.turn) {
                    out.push(r);
                }
            }
            sort_records(&mut out);
            Ok(out)
        })
    }

    /// Theme ids carried by at least one passage, sorted.
    pub fn themes(&self) -> Result<Vec<String>> {
        self.terms(self.fields.theme)
    }

    /// Session ids in the index, sorted.
    pub fn sessions(&self) -> Result<Vec<String>> {
        self.terms(self.fields.session)
    }

    /// The sessions a `--session` value names: an id, a code, a file name or title words
    /// (see [`sessions::resolve_session`]); an error listing the nearest sessions when none.
    pub fn resolve_session(&self, input: &str) -> Result<SessionMatch> {
        let codes = self.terms(self.fields.code_key)?;
        sessions::resolve_session(input, &self.sessions()?, &codes, || self.session_entries())
    }

    /// Every session's id, code, year and title (one stored passage read per session).
    pub fn session_entries(&self) -> Result<Vec<SessionEntry>> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let mut out = Vec::new();
            let mut docs = stored::Docs::new(&searcher);
            for id in self.sessions()? {
                let q = TermQuery::new(
                    Term::from_field_text(self.fields.session, &id),
                    IndexRecordOption::Basic,
                );
                let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
                if let Some((_, addr)) = top.first() {
                    let r = self.load(&mut docs, *addr)?;
                    out.push(SessionEntry {
                        id,
                        code: r.code,
                        year: r.year,
                        title: r.title,
                    });
                }
            }
            Ok(out)
        })
    }

    fn terms(&self, field: tantivy::schema::Field) -> Result<Vec<String>> {
        catch_damage(&self.dir, || {
            let searcher = self.reader.searcher();
            let mut out = BTreeSet::new();
            for seg in searcher.segment_readers() {
                let inv = seg.inverted_index(field)?;
                let mut stream = inv
                    .terms()
                    .stream()
                    .map_err(|e| Error::Index(e.to_string()))?;
                while stream.advance() {
                    out.insert(String::from_utf8_lossy(stream.key()).into_owned());
                }
            }
            Ok(out.into_iter().collect())
        })
    }

    /// Checks that a query parses, without running it (for tests and `--explain`).
    pub fn check_query(&self, text: &str) -> Result<()> {
        catch_damage(&self.dir, || {
            let req = SearchRequest {
                query: text.to_string(),
                ..SearchRequest::default()
            };
            query::build(&self.index, &self.fields, &req, self).map(|_| ())
        })
    }

    #[cfg(test)]
    pub(crate) fn parse_raw(
        &self,
        text: &str,
    ) -> std::result::Result<Box<dyn tantivy::query::Query>, String> {
        let mut qp = tantivy::query::QueryParser::for_index(
            &self.index,
            vec![self.fields.text, self.fields.title],
        );
        qp.set_conjunction_by_default();
        qp.parse_query(text).map_err(|e| format!("{e:?}"))
    }
}

impl Lookup for Reader {
    fn themes(&self) -> Result<Vec<String>> {
        Reader::themes(self)
    }
    fn resolve_session(&self, input: &str) -> Result<SessionMatch> {
        Reader::resolve_session(self, input)
    }
}

/// Sorts records by (session, turn, ordinal), the order of every export.
pub fn sort_records(records: &mut [PassageRecord]) {
    records.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
}

/// The snippet of `text` and its highlight ranges: the best fragment, with `… ` before it
/// and ` …` after it when it does not reach the start or end of the text; the start of the
/// text when nothing in it matched.
fn make_snippet(generator: &SnippetGenerator, text: &str) -> (String, Vec<std::ops::Range<usize>>) {
    let s = generator.snippet(text);
    if s.fragment().is_empty() {
        let lead = lead(text, SNIPPET_CHARS);
        let cut = lead.len() < text.len();
        return (if cut { format!("{lead} …") } else { lead }, Vec::new());
    }
    let range = s.fragment_range();
    let words = |s: &str| s.chars().any(char::is_alphanumeric);
    let prefix = if words(&text[..range.start]) {
        "… "
    } else {
        ""
    };
    let suffix = if words(&text[range.end..]) {
        " …"
    } else {
        ""
    };
    let shift = prefix.len();
    let highlights = s
        .highlighted()
        .iter()
        .map(|h| h.start + shift..h.end + shift)
        .collect();
    (format!("{prefix}{}{suffix}", s.fragment()), highlights)
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of two
/// neighbouring characters (what tantivy's fuzzy terms with distance 1 accept).
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    match (a.len(), b.len()) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => a[0] == b[1] && a[1] == b[0],
        _ => false,
    }
}

/// The first `max` characters of `text`, cut at a word boundary.
fn lead(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    }
}

/// Order for `--sort date`: dated passages first, by date, then session, turn, ordinal.
type DateKey = (bool, String, String, u64, u64);

/// Collects the date sort key of every matching passage (from fast fields, no doc loading).
struct DateKeys;

struct DateKeysSegment {
    segment: SegmentOrdinal,
    date: Option<StrColumn>,
    session: Option<StrColumn>,
    turn: Column<u64>,
    ordinal: Column<u64>,
    docs: Vec<(DocId, Score)>,
}

fn str_col(seg: &SegmentReader, name: &str) -> tantivy::Result<Option<StrColumn>> {
    seg.fast_fields().str(name)
}

/// Resolves a string fast field's value for a doc, caching ord → string.
fn first_str(col: &Option<StrColumn>, doc: DocId, cache: &mut HashMap<u64, String>) -> String {
    let Some(col) = col else {
        return String::new();
    };
    let Some(ord) = col.term_ords(doc).next() else {
        return String::new();
    };
    cache
        .entry(ord)
        .or_insert_with(|| {
            let mut s = String::new();
            let _ = col.ord_to_str(ord, &mut s);
            s
        })
        .clone()
}

impl Collector for DateKeys {
    type Fruit = Vec<(DateKey, Score, DocAddress)>;
    type Child = DateKeysSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<DateKeysSegment> {
        Ok(DateKeysSegment {
            segment,
            date: str_col(seg, "date")?,
            session: str_col(seg, "session")?,
            turn: seg.fast_fields().u64("turn")?,
            ordinal: seg.fast_fields().u64("ordinal")?,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for DateKeysSegment {
    type Fruit = Vec<(DateKey, Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs.push((doc, score));
    }

    fn harvest(self) -> Self::Fruit {
        let mut dates = HashMap::new();
        let mut sessions = HashMap::new();
        self.docs
            .iter()
            .map(|&(doc, score)| {
                let date = first_str(&self.date, doc, &mut dates);
                let key = (
                    date.is_empty(),
                    date,
                    first_str(&self.session, doc, &mut sessions),
                    self.turn.first(doc).unwrap_or_default(),
                    self.ordinal.first(doc).unwrap_or_default(),
                );
                (key, score, DocAddress::new(self.segment, doc))
            })
            .collect()
    }
}

/// Counts matching passages by stakeholder, region, theme:polarity, session and year.
struct FacetCounts;

/// Facet dimensions read from string fast fields, in [`Facets`] order.
const STR_FACETS: [&str; 4] = ["stakeholder", "region", "theme_polarity", "session"];

struct FacetCountsSegment {
    cols: Vec<Option<StrColumn>>,
    counts: Vec<HashMap<u64, usize>>,
    year: Column<u64>,
    years: BTreeMap<u64, usize>,
    total: usize,
}

impl Collector for FacetCounts {
    type Fruit = Facets;
    type Child = FacetCountsSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<FacetCountsSegment> {
        let cols = STR_FACETS
            .iter()
            .map(|name| str_col(seg, name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(FacetCountsSegment {
            counts: vec![HashMap::new(); cols.len()],
            cols,
            year: seg.fast_fields().u64("year")?,
            years: BTreeMap::new(),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut out = Facets::default();
        for f in fruits {
            out.total += f.total;
            for (into, from) in [
                (&mut out.stakeholder, f.stakeholder),
                (&mut out.region, f.region),
                (&mut out.theme_polarity, f.theme_polarity),
                (&mut out.session, f.session),
                (&mut out.year, f.year),
            ] {
                for (k, v) in from {
                    *into.entry(k).or_default() += v;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetCountsSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.total += 1;
        for (col, counts) in self.cols.iter().zip(self.counts.iter_mut()) {
            if let Some(col) = col {
                for ord in col.term_ords(doc) {
                    *counts.entry(ord).or_default() += 1;
                }
            }
        }
        if let Some(y) = self.year.first(doc) {
            *self.years.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> Facets {
        let mut named: Vec<BTreeMap<String, usize>> = Vec::new();
        for (col, counts) in self.cols.iter().zip(self.counts) {
            let mut m = BTreeMap::new();
            if let Some(col) = col {
                for (ord, n) in counts {
                    let mut s = String::new();
                    let _ = col.ord_to_str(ord, &mut s);
                    *m.entry(s).or_default() += n;
                }
            }
            named.push(m);
        }
        let mut it = named.into_iter();
        Facets {
            total: self.total,
            stakeholder: it.next().unwrap_or_default(),
            region: it.next().unwrap_or_default(),
            theme_polarity: it.next().unwrap_or_default(),
            session: it.next().unwrap_or_default(),
            year: self
                .years
                .into_iter()
                .map(|(y, n)| (y.to_string(), n))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_one_edit_accepts_one_edit_or_swap() {
        let cases = [
            ("secur", "secur", true),
            ("sekur", "secur", true),
            ("reserch", "research", true),
            ("research", "reserch", true),
            ("reseacrh", "research", true),
            ("securti", "secur", false),
            ("abc", "cab", false),
            ("", "a", true),
            ("ab", "ba", true),
        ];
        for (a, b, want) in cases {
            assert_eq!(within_one_edit(a, b), want, "{a} {b}");
        }
    }

    #[test]
    fn lead_cuts_at_a_word_boundary() {
        assert_eq!(lead("short text", 50), "short text");
        assert_eq!(lead("alpha beta gamma delta", 14), "alpha beta");
    }
}
