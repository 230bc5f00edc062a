//! Who resolution looks people up in besides the session roster: the registry of people who
//! speak across sessions (`data/speakers.csv`) and the organisations list
//! (`data/organizations.csv`), both read by one CSV loader.
//!
//! Input: CSV text (or a path) whose header names the columns, in any order and case; the
//! `source` column (the public page a row comes from) is read and kept, columns it does not know
//! are ignored. Output: a [`Registry`] (people by every folded name and alias) and
//! [`Organizations`] (patterns, longest first), each with the short hash of its file; a corpus's
//! own files extend the shipped ones ([`Registry::extend`], [`Organizations::extend`]). The same
//! loader reads any other table of the pipeline ([`read_table`]). Errors name the file and the
//! line. This module matches no label.

use super::names::name_key;
use crate::error::{Error, Result};
use crate::model::{Region, Stakeholder};
use crate::text::normalize_for_matching;
use std::collections::HashMap;
use std::path::Path;

/// The registry shipped in `data/speakers.csv`, embedded in the binary.
pub const EMBEDDED_REGISTRY: &str = include_str!("../../data/speakers.csv");
/// The organisations list shipped in `data/organizations.csv`, embedded in the binary.
pub const EMBEDDED_ORGANIZATIONS: &str = include_str!("../../data/organizations.csv");

/// A column a CSV file must or may have: its accepted names (the first is the one to write).
pub struct Column {
    names: &'static [&'static str],
    required: bool,
}

impl Column {
    /// A column every file must have.
    pub const fn required(names: &'static [&'static str]) -> Column {
        Column {
            names,
            required: true,
        }
    }

    /// A column a file may leave out (its cells read as empty).
    pub const fn optional(names: &'static [&'static str]) -> Column {
        Column {
            names,
            required: false,
        }
    }
}

/// Reads a list file and parses it with `parse`.
fn load_with<T>(path: &Path, parse: fn(&str, &Path) -> Result<T>) -> Result<T> {
    let text = Error::read_utf8(path)?;
    parse(&text, path)
}

/// One data row: the wanted columns' values, trimmed, in the order asked ("" when the column is
/// absent), and the row's line in the file.
pub struct Row {
    /// 1-based line of the row in its file.
    pub line: usize,
    values: Vec<String>,
}

impl Row {
    /// The value of the `column`-th column asked for ("" when absent).
    pub fn get(&self, column: usize) -> &str {
        self.values.get(column).map_or("", String::as_str)
    }
}

/// Reads CSV text by column names. `columns` lists what is read, in order; a required column
/// missing from the header is an error that says which header is expected.
pub fn read_table(text: &str, path: &Path, columns: &[Column]) -> Result<Vec<Row>> {
    read_rows(text, path, columns)
}

fn read_rows(text: &str, path: &Path, columns: &[Column]) -> Result<Vec<Row>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let mut at = Vec::with_capacity(columns.len());
    for c in columns {
        let i = header.iter().position(|h| c.names.contains(&h.as_str()));
        if i.is_none() && c.required {
            let wanted: Vec<&str> = columns.iter().map(|c| c.names[0]).collect();
            return Err(Error::InputLine {
                path: path.into(),
                line: 1,
                message: format!(
                    "the header must name the columns {}; found {}",
                    wanted.join(","),
                    header.join(",")
                ),
            });
        }
        at.push(i);
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, &e))?;
        rows.push(Row {
            line: rec.position().map_or(0, |p| p.line() as usize),
            values: at
                .iter()
                .map(|i| i.and_then(|i| rec.get(i)).unwrap_or("").trim().to_string())
                .collect(),
        });
    }
    Ok(rows)
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::InputLine {
        path: path.into(),
        line: e.position().map_or(0, |p| p.line() as usize),
        message: format!("{e}"),
    }
}

/// Parses a stakeholder group read from line `line` of a CSV file, naming the file, line and
/// person or organisation when it is not one of the five groups.
fn stakeholder_at(path: &Path, line: usize, value: &str, name: &str) -> Result<Stakeholder> {
    Stakeholder::parse(value).ok_or_else(|| Error::InputLine {
        path: path.into(),
        line,
        message: format!(
            "unknown stakeholder group {value:?} for {name}: use one of {}",
            Stakeholder::valid_values()
        ),
    })
}

/// `a;b; c` → `["a", "b", "c"]`.
fn aliases(list: &str) -> Vec<String> {
    list.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect()
}

/// One person in the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub aliases: Vec<String>,
    pub stakeholder: Stakeholder,
    pub region: Region,
    pub affiliation: Option<String>,
    /// The public page the row comes from (its `source` column), when given.
    pub source: Option<String>,
}

/// People who speak across sessions (`data/speakers.csv`: name, aliases, stakeholder, region,
/// affiliation, source; aliases separated by `;`).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    people: Vec<Person>,
    /// Each person's name as name tokens (for typo-tolerant matching), by index.
    names: Vec<Vec<String>>,
    /// Normalised name or alias → index in `people`.
    by_key: HashMap<String, usize>,
    hash: String,
}

const REGISTRY_COLUMNS: [Column; 6] = [
    Column::required(&["name"]),
    Column::optional(&["aliases"]),
    Column::required(&["stakeholder"]),
    Column::optional(&["region"]),
    Column::optional(&["affiliation"]),
    Column::optional(&["source"]),
];

impl Registry {
    /// Loads and validates a registry file.
    pub fn load(path: &Path) -> Result<Registry> {
        load_with(path, Registry::parse)
    }

    /// The registry shipped with igf-lens.
    pub fn embedded() -> Registry {
        Registry::parse(EMBEDDED_REGISTRY, Path::new("data/speakers.csv"))
            .expect("embedded registry is valid")
    }

    /// Parses registry CSV text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Registry> {
        let mut reg = Registry {
            hash: crate::hash::short_hex(text.as_bytes(), 8),
            ..Registry::default()
        };
        for row in read_rows(text, path, &REGISTRY_COLUMNS)? {
            let person = person(&row, path)?;
            reg.add(person, path, row.line)?;
        }
        Ok(reg)
    }

    fn add(&mut self, person: Person, path: &Path, line: usize) -> Result<()> {
        let idx = self.people.len();
        for key in std::iter::once(&person.name).chain(&person.aliases) {
            let k = name_key(key);
            if let Some(&other) = self.by_key.get(&k) {
                if other != idx {
                    return Err(Error::InputLine {
                        path: path.into(),
                        line,
                        message: format!(
                            "name or alias {key:?} is already used by {}: each name and alias must be unique",
                            self.people[other].name
                        ),
                    });
                }
            }
            self.by_key.insert(k, idx);
        }
        self.names.push(super::names::name_tokens(&person.name));
        self.people.push(person);
        Ok(())
    }

    /// Content hash of the registry file (of every file, once extended).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Adds the people of another registry (a corpus's own `speakers.csv`). A person the other
    /// registry names by a name or alias already known replaces the one known by it: the corpus
    /// knows its people best.
    pub fn extend(&mut self, other: Registry) {
        for person in other.people {
            let keys: Vec<String> = std::iter::once(&person.name)
                .chain(&person.aliases)
                .map(|k| name_key(k))
                .collect();
            let idx = match keys.iter().find_map(|k| self.by_key.get(k).copied()) {
                Some(i) => {
                    self.by_key.retain(|_, v| *v != i);
                    self.names[i] = super::names::name_tokens(&person.name);
                    self.people[i] = person;
                    i
                }
                None => {
                    self.names.push(super::names::name_tokens(&person.name));
                    self.people.push(person);
                    self.people.len() - 1
                }
            };
            for k in keys {
                self.by_key.insert(k, idx);
            }
        }
        self.hash = crate::hash::short_hex(format!("{}+{}", self.hash, other.hash).as_bytes(), 8);
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The person with this folded name or alias ([`name_key`]).
    pub fn lookup(&self, key: &str) -> Option<&Person> {
        self.by_key.get(key).map(|&i| &self.people[i])
    }

    /// Every person, in file order.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Every person's name as name tokens, in file order.
    pub fn name_tokens(&self) -> &[Vec<String>] {
        &self.names
    }
}

/// A registry row as a person.
fn person(row: &Row, path: &Path) -> Result<Person> {
    let (name, stakeholder, region) = (row.get(0), row.get(2), row.get(3));
    if name.is_empty() {
        return Err(Error::InputLine {
            path: path.into(),
            line: row.line,
            message: "empty name".into(),
        });
    }
    let stakeholder = stakeholder_at(path, row.line, stakeholder, name)?;
    let region = if region.is_empty() {
        Region::Unknown
    } else {
        Region::parse(region).ok_or_else(|| Error::InputLine {
            path: path.into(),
            line: row.line,
            message: format!(
                "unknown region {region:?} for {name}: use one of {}",
                Region::valid_values()
            ),
        })?
    };
    let (affiliation, source) = (row.get(4), row.get(5));
    Ok(Person {
        name: name.to_string(),
        aliases: aliases(row.get(1)),
        stakeholder,
        region,
        affiliation: (!affiliation.is_empty()).then(|| affiliation.to_string()),
        source: (!source.is_empty()).then(|| source.to_string()),
    })
}

/// One way an organisation is written.
#[derive(Debug, Clone)]
struct Pattern {
    /// As written for an acronym, folded ([`normalize_for_matching`]) otherwise.
    text: String,
    /// Acronyms (FIRST, ICC, EFF) only match as written, so "first of all" is no organisation.
    acronym: bool,
    /// The organisation's name.
    name: String,
    stakeholder: Stakeholder,
    /// The public page the row comes from, when given.
    source: Option<String>,
}

/// Organisations and the stakeholder group they belong to (`data/organizations.csv`:
/// organization, aliases, stakeholder, source), for self-introductions ("I'm … with Access
/// Now").
#[derive(Debug, Clone, Default)]
pub struct Organizations {
    /// Longest pattern first.
    patterns: Vec<Pattern>,
    hash: String,
}

const ORGANIZATION_COLUMNS: [Column; 4] = [
    Column::required(&["organization", "organisation", "name"]),
    Column::optional(&["aliases"]),
    Column::required(&["stakeholder"]),
    Column::optional(&["source"]),
];

impl Organizations {
    /// Loads and validates an organisations file.
    pub fn load(path: &Path) -> Result<Organizations> {
        load_with(path, Organizations::parse)
    }

    /// The list shipped with igf-lens.
    pub fn embedded() -> Organizations {
        Organizations::parse(EMBEDDED_ORGANIZATIONS, Path::new("data/organizations.csv"))
            .expect("embedded organisations are valid")
    }

    /// Parses organisations CSV text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Organizations> {
        let mut patterns = Vec::new();
        for row in read_rows(text, path, &ORGANIZATION_COLUMNS)? {
            let name = row.get(0);
            if name.is_empty() {
                return Err(Error::InputLine {
                    path: path.into(),
                    line: row.line,
                    message: "empty organization name".into(),
                });
            }
            let stakeholder = stakeholder_at(path, row.line, row.get(2), name)?;
            let source = Some(row.get(3)).filter(|s| !s.is_empty()).map(String::from);
            for p in std::iter::once(name.to_string()).chain(aliases(row.get(1))) {
                let acronym = p
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase());
                patterns.push(Pattern {
                    text: if acronym {
                        p
                    } else {
                        normalize_for_matching(&p)
                    },
                    acronym,
                    name: name.to_string(),
                    stakeholder,
                    source: source.clone(),
                });
            }
        }
        patterns.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
        Ok(Organizations {
            patterns,
            hash: crate::hash::short_hex(text.as_bytes(), 8),
        })
    }

    /// Content hash of the file (of every file, once extended).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Adds the organisations of another list (a corpus's own `organizations.csv`); where both
    /// write an organisation the same way, the other list's group wins.
    pub fn extend(&mut self, other: Organizations) {
        let mut patterns = other.patterns;
        patterns.append(&mut self.patterns);
        patterns.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
        self.patterns = patterns;
        self.hash = crate::hash::short_hex(format!("{}+{}", self.hash, other.hash).as_bytes(), 8);
    }

    /// Every organisation once, in no particular order: (name, group, source).
    pub fn entries(&self) -> Vec<(&str, Stakeholder, Option<&str>)> {
        let mut seen = std::collections::HashSet::new();
        self.patterns
            .iter()
            .filter(|p| seen.insert(p.name.as_str()))
            .map(|p| (p.name.as_str(), p.stakeholder, p.source.as_deref()))
            .collect()
    }

    /// Finds the longest organisation named in `phrase` (word-bounded).
    pub fn find(&self, phrase: &str) -> Option<(&str, Stakeholder)> {
        let folded = normalize_for_matching(phrase);
        self.patterns
            .iter()
            .find(|p| contains_word(if p.acronym { phrase } else { &folded }, &p.text))
            .map(|p| (p.name.as_str(), p.stakeholder))
    }
}

/// Whether `needle` occurs in `hay` between non-alphanumeric characters (or the ends).
fn contains_word(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before = hay[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        from = s + needle.len().max(1);
        if from >= hay.len() {
            break;
        }
    }
    false
}

/// What resolution looks people up in.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub registry: Registry,
    pub organizations: Organizations,
}

impl Directory {
    /// The registry and organisations shipped with igf-lens.
    pub fn embedded() -> Directory {
        Directory {
            registry: Registry::embedded(),
            organizations: Organizations::embedded(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronym_organisations_match_only_as_written() {
        let orgs = Organizations::embedded();
        assert_eq!(orgs.find("first of all, thanks"), None);
        assert_eq!(
            orgs.find("the FIRST community").map(|x| x.1),
            Some(Stakeholder::TechnicalCommunity)
        );
        assert_eq!(
            orgs.find("the Ministry of Justice of Kenya").map(|x| x.0),
            Some("Ministry of Justice")
        );
    }

    #[test]
    fn registry_errors_name_the_line() {
        let cases = [
            (
                "name,aliases,stakeholder,region,affiliation\nA B,,Government,WEOG,\nC D,,Journalism,WEOG,\n",
                "reg.csv:3: unknown stakeholder group \"Journalism\"",
            ),
            (
                "name,aliases,stakeholder\nA B,,Government\n,,Government\n",
                "reg.csv:3: empty name",
            ),
            (
                "person,group\nA B,Government\n",
                "reg.csv:1: the header must name the columns name,aliases,stakeholder,region,affiliation,source; found person,group",
            ),
            (
                "name,aliases,stakeholder\nA B,Bee,Government\nC D,bee,Government\n",
                "reg.csv:3: name or alias \"bee\" is already used by A B",
            ),
        ];
        for (text, want) in cases {
            let err = Registry::parse(text, Path::new("reg.csv"))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{err}");
        }
    }

    /// The number of data records in a shipped CSV, counted by the csv crate rather than
    /// by our loader, so that a row the loader drops or merges fails the tests below.
    fn csv_rows(text: &str) -> usize {
        csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .filter(|r| {
                r.as_ref()
                    .is_ok_and(|r| r.iter().any(|f| !f.trim().is_empty()))
            })
            .count()
    }

    #[test]
    fn embedded_registry_loads_every_person() {
        let r = Registry::embedded();
        assert_eq!(r.len(), csv_rows(EMBEDDED_REGISTRY));
        assert_eq!(
            r.lookup(&name_key("Timea Suto"))
                .map(|p| (p.stakeholder, p.region)),
            Some((Stakeholder::PrivateSector, Region::EasternEuropean))
        );
        // The invented people of the sample corpus are not real people: they live in the
        // sample corpus's own registry (`data/sessions/speakers.csv`), not in the shipped one.
        assert_eq!(r.lookup(&name_key("Lindiwe Mokoena")), None);
    }

    /// Every shipped row names the public page its facts come from.
    #[test]
    fn every_shipped_row_names_its_public_source() {
        let public = |s: Option<&str>| {
            s.is_some_and(|s| s.starts_with("https://") || s.starts_with("http://"))
        };
        let r = Registry::embedded();
        let unsourced: Vec<&str> = r
            .people()
            .iter()
            .filter(|p| !public(p.source.as_deref()))
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(unsourced, Vec::<&str>::new());
        let orgs = Organizations::embedded();
        let entries = orgs.entries();
        assert_eq!(entries.len(), csv_rows(EMBEDDED_ORGANIZATIONS));
        let unsourced: Vec<&str> = entries
            .iter()
            .filter(|(_, _, s)| !public(*s))
            .map(|(n, _, _)| *n)
            .collect();
        assert_eq!(unsourced, Vec::<&str>::new());
    }

    /// The `source` column is read wherever it stands, and a file without it still loads.
    #[test]
    fn the_source_column_is_read_in_any_position_and_optional() {
        let path = Path::new("x.csv");
        let first = "source,name,stakeholder\nhttps://example.org/a,Ann Lee,Government\n";
        let r = Registry::parse(first, path).unwrap();
        assert_eq!(
            r.people()[0].source.as_deref(),
            Some("https://example.org/a")
        );
        let none = Registry::parse("name,stakeholder\nAnn Lee,Government\n", path).unwrap();
        assert_eq!(none.people()[0].source, None);
        let at_end = "organization,aliases,stakeholder,source\nAccess Now,,Civil Society,page 3\n";
        let orgs = Organizations::parse(at_end, path).unwrap();
        assert_eq!(
            orgs.find("with Access Now"),
            Some(("Access Now", Stakeholder::CivilSociety))
        );
        assert_eq!(orgs.entries()[0].2, Some("page 3"));
    }

    /// A corpus's own registry adds its people and replaces those it names again.
    #[test]
    fn a_corpus_registry_extends_and_overrides_the_shipped_one() {
        let path = Path::new("x.csv");
        let mut base = Registry::parse(
            "name,aliases,stakeholder\nAnn Lee,Lee,Government\nBo Kim,,Civil Society\n",
            path,
        )
        .unwrap();
        let corpus = Registry::parse(
            "name,aliases,stakeholder\nAnn Lee,A. Lee,Private Sector\nCy Diaz,,Technical Community\n",
            path,
        )
        .unwrap();
        let hash = base.hash().to_string();
        base.extend(corpus);
        assert_eq!(base.len(), 3);
        let group = |n: &str| base.lookup(&name_key(n)).map(|p| p.stakeholder);
        assert_eq!(group("Ann Lee"), Some(Stakeholder::PrivateSector));
        assert_eq!(group("A. Lee"), Some(Stakeholder::PrivateSector));
        assert_eq!(group("Lee"), None);
        assert_eq!(group("Cy Diaz"), Some(Stakeholder::TechnicalCommunity));
        assert_eq!(group("Bo Kim"), Some(Stakeholder::CivilSociety));
        assert_ne!(base.hash(), hash);
        let mut orgs =
            Organizations::parse("organization,stakeholder\nAcme,Private Sector\n", path).unwrap();
        orgs.extend(
            Organizations::parse("organization,stakeholder\nAcme,Civil Society\n", path).unwrap(),
        );
        assert_eq!(
            orgs.find("at Acme").map(|x| x.1),
            Some(Stakeholder::CivilSociety)
        );
    }
}
