//! Who resolution looks people up in besides the session roster: the registry of people who
//! speak across sessions (`data/speakers.csv`) and the organisations list
//! (`data/organizations.csv`), both read by one CSV loader.
//!
//! Input: CSV text (or a path) whose header names the columns, in any order and case; columns
//! it does not know (such as a `source` column) are ignored. Output: a [`Registry`] (people by
//! every folded name and alias) and [`Organizations`] (patterns, longest first), each with the
//! short hash of its file. Errors name the file and the line. This module matches no label.

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
struct Column {
    names: &'static [&'static str],
    required: bool,
}

impl Column {
    const fn required(names: &'static [&'static str]) -> Column {
        Column {
            names,
            required: true,
        }
    }

    const fn optional(names: &'static [&'static str]) -> Column {
        Column {
            names,
            required: false,
        }
    }
}

/// Reads a list file and parses it with `parse`.
fn load_with<T>(path: &Path, parse: fn(&str, &Path) -> Result<T>) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(&text, path)
}

/// One data row: the wanted columns' values, trimmed, in the order asked ("" when the column is
/// absent), and the row's line in the file.
struct Row {
    line: usize,
    values: Vec<String>,
}

impl Row {
    fn get(&self, column: usize) -> &str {
        self.values.get(column).map_or("", String::as_str)
    }
}

/// Reads CSV text by column names. `columns` lists what is read, in order; a required column
/// missing from the header is an error that says which header is expected.
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
}

/// People who speak across sessions (`data/speakers.csv`: name, aliases, stakeholder, region,
/// affiliation; aliases separated by `;`).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    people: Vec<Person>,
    /// Each person's name as name tokens (for typo-tolerant matching), by index.
    names: Vec<Vec<String>>,
    /// Normalised name or alias → index in `people`.
    by_key: HashMap<String, usize>,
    hash: String,
}

const REGISTRY_COLUMNS: [Column; 5] = [
    Column::required(&["name"]),
    Column::optional(&["aliases"]),
    Column::required(&["stakeholder"]),
    Column::optional(&["region"]),
    Column::optional(&["affiliation"]),
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

    /// Content hash of the registry file.
    pub fn hash(&self) -> &str {
        &self.hash
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
    let affiliation = row.get(4);
    Ok(Person {
        name: name.to_string(),
        aliases: aliases(row.get(1)),
        stakeholder,
        region,
        affiliation: (!affiliation.is_empty()).then(|| affiliation.to_string()),
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
}

/// Organisations and the stakeholder group they belong to (`data/organizations.csv`:
/// organization, aliases, stakeholder), for self-introductions ("I'm … with Access Now").
#[derive(Debug, Clone, Default)]
pub struct Organizations {
    /// Longest pattern first.
    patterns: Vec<Pattern>,
    hash: String,
}

const ORGANIZATION_COLUMNS: [Column; 3] = [
    Column::required(&["organization", "organisation", "name"]),
    Column::optional(&["aliases"]),
    Column::required(&["stakeholder"]),
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
                });
            }
        }
        patterns.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
        Ok(Organizations {
            patterns,
            hash: crate::hash::short_hex(text.as_bytes(), 8),
        })
    }

    /// Content hash of the file.
    pub fn hash(&self) -> &str {
        &self.hash
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
                "reg.csv:1: the header must name the columns name,aliases,stakeholder,region,affiliation; found person,group",
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

    #[test]
    fn embedded_registry_loads_every_person() {
        let r = Registry::embedded();
        assert_eq!(r.len(), 18);
        assert_eq!(
            r.lookup(&name_key("Tomasz Wisniewski")).map(|p| p.region),
            Some(Region::EasternEuropean)
        );
    }

    /// A `source` column (where a row came from) is being added to both files: it is read past.
    #[test]
    fn an_extra_source_column_is_ignored_in_both_files() {
        let with_source = |text: &str| -> String {
            text.lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        format!("source,{l}\n")
                    } else {
                        format!("\"https://example.org/{i}\",{l}\n")
                    }
                })
                .collect()
        };
        let path = Path::new("x.csv");
        let plain = Registry::embedded();
        let sourced = Registry::parse(&with_source(EMBEDDED_REGISTRY), path).unwrap();
        assert_eq!(sourced.people(), plain.people());
        assert_ne!(sourced.hash(), plain.hash());
        let orgs = Organizations::parse(&with_source(EMBEDDED_ORGANIZATIONS), path).unwrap();
        assert_eq!(
            orgs.find("the FIRST community").map(|x| x.1),
            Some(Stakeholder::TechnicalCommunity)
        );
        assert_eq!(
            orgs.patterns.len(),
            Organizations::embedded().patterns.len()
        );
        let at_end = "organization,aliases,stakeholder,source\nAccess Now,,Civil Society,page 3\n";
        let orgs = Organizations::parse(at_end, path).unwrap();
        assert_eq!(
            orgs.find("with Access Now"),
            Some(("Access Now", Stakeholder::CivilSociety))
        );
    }
}
