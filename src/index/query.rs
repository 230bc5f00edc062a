//! Turning a [`SearchRequest`] into a tantivy query, and explaining queries that do not parse.
//!
//! Input: the request (query text in tantivy's syntax, filters, fuzziness). Output: the query
//! that selects passages, and a non-fuzzy twin for snippets. A query that does not parse
//! becomes an [`Error::Query`] showing the query, a caret under the position, and a fix:
//! tantivy's own errors carry no position, so [`diagnose`] finds it. This module does not
//! run searches.

use super::schema::{Fields, QUERYABLE_FIELDS};
use super::search::{Filters, ProceduralFilter, SearchRequest};
use super::sessions::SessionMatch;
use crate::error::{Error, Result};
use crate::model::{slugify, Polarity};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, QueryParser,
    QueryParserError, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{Index, TantivyError};

/// The query for a request, and the one to build snippets from.
pub(crate) struct Built {
    pub query: Box<dyn Query>,
    pub snippet: Box<dyn Query>,
}

/// What the filters need to ask the index: the theme ids present (asked only when a theme
/// filter is given), and the session ids a `--session` spelling names.
pub(crate) trait Lookup {
    fn themes(&self) -> Result<Vec<String>>;
    fn resolve_session(&self, input: &str) -> Result<SessionMatch>;
}

/// Builds the query for `req`.
pub(crate) fn build(
    index: &Index,
    f: &Fields,
    req: &SearchRequest,
    lookup: &dyn Lookup,
) -> Result<Built> {
    let text = req.query.trim();
    let (main, snippet): (Box<dyn Query>, Box<dyn Query>) = if text.is_empty() {
        // no words to rank by: every passage scores 0, with filters or without
        (unscored(Box::new(AllQuery)), Box::new(AllQuery))
    } else {
        if let Some(d) = check_syntax(text) {
            return Err(d.into_error(text));
        }
        if only_stop_words(text) {
            return Err(Error::InvalidValue {
                what: "QUERY".into(),
                value: text.into(),
                valid: "a query with at least one word that is not a stop word (the, and, of… \
                        are not indexed, so a query of them alone matches nothing)"
                    .into(),
            });
        }
        let plain = parser(index, f, false)
            .parse_query(text)
            .map_err(|e| diagnose(text, &e).into_error(text))?;
        if let Some(d) = check_exists(index, text, plain.as_ref()) {
            return Err(d.into_error(text));
        }
        if req.fuzzy {
            let fuzzy = parser(index, f, true)
                .parse_query(text)
                .map_err(|e| diagnose(text, &e).into_error(text))?;
            (fuzzy, plain)
        } else {
            (plain.box_clone(), plain)
        }
    };
    let filters = filter_clauses(f, &req.filters, lookup)?;
    if filters.is_empty() {
        return Ok(Built {
            query: main,
            snippet,
        });
    }
    let mut clauses = vec![(Occur::Must, main)];
    clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
    Ok(Built {
        query: Box::new(BooleanQuery::new(clauses)),
        snippet,
    })
}

/// Whether the query is words alone (no field, wildcard or range) and every one of them is a
/// stop word. The analyzer drops them all, so tantivy matches nothing for one word and refuses
/// several as a query that "only excludes terms", neither of which says why.
fn only_stop_words(q: &str) -> bool {
    if q.contains([':', '*', '[', '{']) || !q.chars().any(char::is_alphanumeric) {
        return false;
    }
    crate::text::analyze(&mut crate::text::analyzer(), q).is_empty()
}

/// The parser for the query text. Bare words search the passage text only: every passage of
/// a session shares its title, so letting bare words match the title would return whole
/// sessions whose passages never use the words. `title:word` searches titles explicitly.
fn parser(index: &Index, f: &Fields, fuzzy: bool) -> QueryParser {
    let mut qp = QueryParser::for_index(index, vec![f.text]);
    qp.set_conjunction_by_default();
    if fuzzy {
        qp.set_field_fuzzy(f.text, false, 1, true);
    }
    qp
}

fn term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// A filter matches or not; it must not change scores.
fn unscored(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn filter_clauses(
    f: &Fields,
    filters: &Filters,
    lookup: &dyn Lookup,
) -> Result<Vec<Box<dyn Query>>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Some(s) = filters.stakeholder {
        out.push(term(f.stakeholder, s.as_str()));
    }
    if let Some(r) = filters.region {
        out.push(term(f.region, r.as_str()));
    }
    match (&filters.theme, filters.polarity) {
        (Some(theme), polarity) => {
            let id = slugify(theme);
            let present = lookup.themes()?;
            if !present.contains(&id) {
                return Err(Error::InvalidValue {
                    what: "--theme".into(),
                    value: theme.clone(),
                    valid: if present.is_empty() {
                        "none: no passage in this index carries a theme".into()
                    } else {
                        present.join(", ")
                    },
                });
            }
            let field = if filters.decided { f.decided } else { f.theme };
            match polarity {
                Some(p) => out.push(term(
                    if filters.decided {
                        f.decided
                    } else {
                        f.theme_polarity
                    },
                    &format!("{id}:{}", p.as_str()),
                )),
                None => out.push(term(field, &id)),
            }
        }
        (None, Some(p)) if filters.decided => out.push(term(f.decided, p.as_str())),
        (None, Some(p)) => out.push(term(f.polarity, p.as_str())),
        (None, None) if filters.decided => {
            let any = [Polarity::Risk, Polarity::Opportunity]
                .into_iter()
                .map(|p| (Occur::Should, term(f.decided, p.as_str())));
            out.push(Box::new(BooleanQuery::new(any.collect())));
        }
        (None, None) => {}
    }
    match filters.procedural {
        ProceduralFilter::Include => {}
        ProceduralFilter::Exclude => out.push(term(f.procedural, "false")),
        ProceduralFilter::Only => out.push(term(f.procedural, "true")),
    }
    if let Some(s) = &filters.session {
        let m = lookup.resolve_session(s)?;
        let ids = m.ids.iter().map(|id| (Occur::Should, term(f.session, id)));
        let codes = m.codes.iter().map(|c| (Occur::Should, term(f.code_key, c)));
        out.push(Box::new(BooleanQuery::new(ids.chain(codes).collect())));
    }
    if let Some(name) = &filters.speaker {
        let tokens = crate::text::analyze(&mut crate::text::analyzer(), name);
        if tokens.is_empty() {
            return Err(Error::InvalidValue {
                what: "--speaker".into(),
                value: name.clone(),
                valid: "a speaker's name or part of it (e.g. a surname)".into(),
            });
        }
        let must: Vec<(Occur, Box<dyn Query>)> = tokens
            .iter()
            .map(|t| (Occur::Must, term(f.speaker_name, &t.text)))
            .collect();
        out.push(Box::new(BooleanQuery::new(must)));
    }
    if let Some(y) = filters.year {
        out.push(Box::new(TermQuery::new(
            Term::from_field_u64(f.year, u64::from(y)),
            IndexRecordOption::Basic,
        )));
    }
    Ok(out.into_iter().map(unscored).collect())
}

/// Where a query goes wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnosis {
    /// Byte offset into the query.
    pub pos: usize,
    pub problem: String,
    pub fix: String,
}

impl Diagnosis {
    fn new(pos: usize, problem: impl Into<String>, fix: impl Into<String>) -> Diagnosis {
        Diagnosis {
            pos,
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    /// The error shown to the user: problem, the query, a caret under the position, the fix.
    pub fn into_error(self, query: &str) -> Error {
        let pos = self.pos.min(query.len());
        let col = query.char_indices().take_while(|(i, _)| *i < pos).count();
        Error::Query(format!(
            "query does not parse: {}\n  {}\n  {}^\nfix: {}",
            self.problem,
            query,
            " ".repeat(col),
            self.fix
        ))
    }
}

/// One whitespace-separated piece of a query, outside quotes.
#[derive(Debug)]
struct Piece<'a> {
    pos: usize,
    text: &'a str,
}

/// Splits a query into pieces at whitespace, keeping quoted phrases whole.
fn pieces(q: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut in_quote = false;
    let mut prev = '\0';
    for (i, c) in q.char_indices() {
        if c == '"' && prev != '\\' {
            in_quote = !in_quote;
        }
        if c.is_whitespace() && !in_quote {
            if let Some(s) = start.take() {
                out.push(Piece {
                    pos: s,
                    text: &q[s..i],
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
        prev = c;
    }
    if let Some(s) = start {
        out.push(Piece {
            pos: s,
            text: &q[s..],
        });
    }
    out
}

fn is_operator(s: &str) -> bool {
    matches!(s, "AND" | "OR" | "NOT" | "&&" | "||")
}

/// Finds structural problems before tantivy sees the query: unbalanced quotes, parentheses
/// and range brackets, dangling operators, `field:` on an unknown field or without a value.
pub(crate) fn check_syntax(q: &str) -> Option<Diagnosis> {
    check_quotes(q)
        .or_else(|| check_brackets(q))
        .or_else(|| check_operators(q))
        .or_else(|| check_fields(q))
}

/// A quote that opens a phrase never closed.
fn check_quotes(q: &str) -> Option<Diagnosis> {
    let mut open_quote: Option<usize> = None;
    let mut prev = '\0';
    for (i, c) in q.char_indices() {
        if c == '"' && prev != '\\' {
            open_quote = if open_quote.is_some() { None } else { Some(i) };
        }
        prev = c;
    }
    open_quote.map(|pos| {
        Diagnosis::new(
            pos,
            "this quote opens a phrase that is never closed",
            "close the phrase with a second `\"`, or remove this one",
        )
    })
}

/// Parentheses and range brackets, outside quotes: each closed, by its own kind.
fn check_brackets(q: &str) -> Option<Diagnosis> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut in_quote = false;
    let mut prev = '\0';
    for (i, c) in q.char_indices() {
        if c == '"' && prev != '\\' {
            in_quote = !in_quote;
        }
        prev = c;
        if in_quote {
            continue;
        }
        match c {
            '(' | '[' | '{' => stack.push((c, i)),
            ')' => match stack.pop() {
                Some(('(', _)) => {}
                Some((open, at)) => return Some(unclosed(open, at)),
                None => {
                    return Some(Diagnosis::new(
                        i,
                        "this `)` closes a group that was never opened",
                        "remove it, or add a `(` where the group starts",
                    ))
                }
            },
            ']' | '}' => match stack.pop() {
                Some(('[', _)) | Some(('{', _)) => {}
                Some((open, at)) => return Some(unclosed(open, at)),
                None => {
                    return Some(Diagnosis::new(
                        i,
                        format!("this `{c}` closes a range that was never opened"),
                        "write a range as `year:[2021 TO 2023]`, or remove the bracket",
                    ))
                }
            },
            _ => {}
        }
    }
    stack.pop().map(|(open, at)| unclosed(open, at))
}

/// Operators with nothing on one side, piece by piece (parentheses stripped from the edges).
fn check_operators(q: &str) -> Option<Diagnosis> {
    let words: Vec<(usize, &str)> = pieces(q)
        .iter()
        .map(|p| {
            let lead = p.text.len() - p.text.trim_start_matches('(').len();
            (p.pos + lead, p.text.trim_matches(|c| c == '(' || c == ')'))
        })
        .collect();
    for (k, &(pos, w)) in words.iter().enumerate() {
        if !is_operator(w) {
            continue;
        }
        let prev_word = k.checked_sub(1).map(|j| words[j].1);
        let next_word = words.get(k + 1).map(|x| x.1);
        if w != "NOT"
            && (prev_word.is_none() || prev_word.is_some_and(|p| is_operator(p) && p != "NOT"))
        {
            return Some(Diagnosis::new(
                pos,
                format!("`{w}` has nothing on its left"),
                format!("put a term before `{w}`, or remove it"),
            ));
        }
        if next_word.is_none() || next_word.is_some_and(|n| is_operator(n) && n != "NOT") {
            return Some(Diagnosis::new(
                pos,
                format!("`{w}` has nothing on its right"),
                format!("put a term after `{w}`, or remove it"),
            ));
        }
    }
    None
}

/// `field:value` pieces: a field the index has, and a value after the colon.
fn check_fields(q: &str) -> Option<Diagnosis> {
    for p in &pieces(q) {
        let body = p.text.trim_start_matches(['(', '+', '-']);
        let lead = p.text.len() - body.len();
        if body.starts_with('"') {
            continue;
        }
        let Some(colon) = body.find(':') else {
            continue;
        };
        let field = &body[..colon];
        let value = body[colon + 1..].trim_end_matches(')');
        if field.is_empty() {
            continue;
        }
        if !QUERYABLE_FIELDS.contains(&field) && !INTERNAL_FIELDS.contains(&field) {
            return Some(Diagnosis::new(
                p.pos + lead,
                format!("there is no field `{field}`"),
                format!(
                    "use one of the fields {}, or put the term in quotes (`\"{body}\"`) to search for it as text",
                    QUERYABLE_FIELDS.join(", ")
                ),
            ));
        }
        if value.is_empty() {
            return Some(Diagnosis::new(
                p.pos + lead + colon + 1,
                format!("`{field}:` has no value"),
                format!("give a value after the colon, e.g. `{field}:\"…\"`, or remove `{field}:`"),
            ));
        }
    }
    None
}

/// `field:*` (any value) parses on every field, but tantivy answers it only on fast fields and
/// fails on the others when the search runs, where the failure would read as a damaged index.
fn check_exists(index: &Index, q: &str, query: &dyn Query) -> Option<Diagnosis> {
    if !q.contains('*') {
        return None;
    }
    let schema = index.schema();
    let Err(TantivyError::SchemaError(_)) =
        query.weight(EnableScoring::disabled_from_schema(&schema))
    else {
        return None;
    };
    let fast = |name: &&str| {
        schema
            .get_field(name)
            .is_ok_and(|f| schema.get_field_entry(f).is_fast())
    };
    let (pos, field) = QUERYABLE_FIELDS
        .iter()
        .filter(|n| !fast(n))
        .filter_map(|n| q.find(&format!("{n}:*")).map(|i| (i, *n)))
        .min()
        .unwrap_or((0, "this field"));
    let with_any: Vec<&str> = QUERYABLE_FIELDS.iter().copied().filter(fast).collect();
    Some(Diagnosis::new(
        pos,
        format!(
            "`{field}:*` (any value) works only on the fields {}",
            with_any.join(", ")
        ),
        format!("drop `{field}:*`, or give the field a value (`{field}:WORD`)"),
    ))
}

/// Fields that exist but are not advertised (filters use them).
const INTERNAL_FIELDS: &[&str] = &["code_key", "speaker_name", "label", "method", "taxonomy"];

fn unclosed(open: char, at: usize) -> Diagnosis {
    if open == '(' {
        Diagnosis::new(
            at,
            "this `(` opens a group that is never closed",
            "add a `)` where the group ends, or remove this one",
        )
    } else {
        Diagnosis::new(
            at,
            format!("this `{open}` opens a range that is never closed"),
            "close the range, e.g. `year:[2021 TO 2023]`",
        )
    }
}

/// Explains an error tantivy reported for a query that passed [`check_syntax`].
pub(crate) fn diagnose(q: &str, e: &QueryParserError) -> Diagnosis {
    let find_field = |name: &str| q.find(&format!("{name}:")).unwrap_or(0);
    match e {
        QueryParserError::FieldDoesNotExist(name) => Diagnosis::new(
            find_field(name),
            format!("there is no field `{name}`"),
            format!("use one of the fields {}", QUERYABLE_FIELDS.join(", ")),
        ),
        QueryParserError::ExpectedInt(_) => {
            let pos = ["year:", "turn:", "passage_id:"]
                .iter()
                .filter_map(|f| q.find(f).map(|i| i + f.len()))
                .min()
                .unwrap_or(0);
            Diagnosis::new(
                pos,
                "this field holds numbers",
                "give a whole number, e.g. `year:2023` or `year:[2021 TO 2023]`",
            )
        }
        QueryParserError::AllButQueryForbidden => Diagnosis::new(
            0,
            "the query only excludes terms",
            "add a term to look for, e.g. `treaty -budapest`, or use a filter flag instead",
        ),
        QueryParserError::RangeMustNotHavePhrase => Diagnosis::new(
            q.find('[').or_else(|| q.find('{')).unwrap_or(0),
            "a range bound cannot be a phrase",
            "use single terms as bounds, e.g. `year:[2021 TO 2023]`",
        ),
        QueryParserError::PhrasePrefixRequiresAtLeastTwoTerms { phrase, .. } => Diagnosis::new(
            q.find(phrase.as_str()).unwrap_or(0),
            "a phrase prefix (`\"…\"*`) needs at least two words",
            "add a word to the phrase, or drop the `*`",
        ),
        other => Diagnosis::new(
            0,
            other.to_string(),
            "check the syntax (phrases in \"quotes\", AND/OR/NOT in capitals, `field:value`), or put the whole query in quotes",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        query: &'static str,
        pos: usize,
        problem: &'static str,
    }

    #[test]
    fn a_query_of_stop_words_alone_is_told_apart() {
        for q in ["the", "the of", "\"the of\" AND a", "-the"] {
            assert!(only_stop_words(q), "{q}");
        }
        for q in [
            "the treaty",
            "-budapest",
            "speaker:the",
            "*",
            "year:[2021 TO 2023]",
            "🙂",
        ] {
            assert!(!only_stop_words(q), "{q}");
        }
    }

    #[test]
    fn check_syntax_points_at_the_fault() {
        let cases = [
            Case {
                query: "\"security researchers",
                pos: 0,
                problem: "never closed",
            },
            Case {
                query: "treaty \"human rights",
                pos: 7,
                problem: "never closed",
            },
            Case {
                query: "(treaty OR convention",
                pos: 0,
                problem: "`(` opens a group",
            },
            Case {
                query: "treaty)",
                pos: 6,
                problem: "`)` closes a group",
            },
            Case {
                query: "year:[2021 TO 2023",
                pos: 5,
                problem: "`[` opens a range",
            },
            Case {
                query: "treaty AND",
                pos: 7,
                problem: "nothing on its right",
            },
            Case {
                query: "OR treaty",
                pos: 0,
                problem: "nothing on its left",
            },
            Case {
                query: "treaty AND OR rights",
                pos: 7,
                problem: "nothing on its right",
            },
            Case {
                query: "treaty NOT",
                pos: 7,
                problem: "nothing on its right",
            },
            Case {
                query: "colour:red treaty",
                pos: 0,
                problem: "no field `colour`",
            },
            Case {
                query: "treaty -author:x",
                pos: 8,
                problem: "no field `author`",
            },
            Case {
                query: "speaker: treaty",
                pos: 8,
                problem: "`speaker:` has no value",
            },
        ];
        for c in cases {
            let d = check_syntax(c.query).unwrap_or_else(|| panic!("{} should fail", c.query));
            assert_eq!(d.pos, c.pos, "{}", c.query);
            assert!(d.problem.contains(c.problem), "{}: {}", c.query, d.problem);
        }
    }

    #[test]
    fn check_syntax_accepts_valid_queries() {
        for q in [
            "security researchers",
            "\"security researchers\"",
            "treaty AND (rights OR freedoms)",
            "treaty NOT budapest",
            "+treaty -budapest",
            "stakeholder:\"Civil Society\" treaty",
            "year:[2021 TO 2023]",
            "\"time 10:30 today\"",
            "theme:security-research",
            "NOT budapest AND treaty",
            "treaty AND NOT budapest",
        ] {
            assert_eq!(check_syntax(q), None, "{q}");
        }
    }

    #[test]
    fn error_shows_query_and_caret_under_the_position() {
        let e = check_syntax("treaty \"human rights")
            .unwrap()
            .into_error("treaty \"human rights");
        let msg = e.to_string();
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines[1], "  treaty \"human rights");
        assert_eq!(lines[2], "         ^");
        assert!(lines[3].starts_with("fix: close the phrase"));
    }

    #[test]
    fn caret_counts_characters_not_bytes() {
        let q = "débat \"ouvert";
        let msg = check_syntax(q).unwrap().into_error(q).to_string();
        assert_eq!(msg.lines().nth(2), Some("        ^"));
    }
}
