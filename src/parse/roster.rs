//! Person lines of session pages: `Name, Organisation, Stakeholder group, Regional group` in all
//! the shapes pages use (surname first, a space before the comma, empty fields, trailing `*`,
//! an affiliation hidden by a lock emoji or its mojibake, anonymised lines holding only a group
//! and a region), free-text rosters that run several people together, bullets, and the sharing
//! of what one person's entries know.
//!
//! Input: one line (or one roster). Output: [`Person`]s; [`super::page`] gives them roles.
//! Regional groups are only recognised as a field of their own (or at the start of a field in
//! free text), never inside a name.

use super::annotation::squeeze;
use crate::model::{Region, RosterEntry, Stakeholder};
use crate::text::normalize_for_matching;

/// A person named on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Person {
    pub(crate) name: String,
    pub(crate) affiliation: Option<String>,
    pub(crate) stakeholder: Stakeholder,
    pub(crate) region: Region,
}

/// A line short enough and shaped like `name[, organisation][, stakeholder][, region]`.
pub(crate) fn person_like(line: &str) -> bool {
    let line = strip_bullet(line);
    if line.is_empty() || line.chars().count() > 160 {
        return false;
    }
    let first = line.split(',').next().unwrap_or("");
    let words = first.split_whitespace().count();
    (1..=7).contains(&words)
        && line.split(',').count() <= 6
        && !line.ends_with(['?', ':'])
        && first.chars().any(char::is_alphabetic)
}

/// Whether one comma field of `line` is a stakeholder group or a regional group.
pub(crate) fn has_group_or_region(line: &str) -> bool {
    line.split(',')
        .map(|p| p.trim().trim_matches('*').trim())
        .any(|p| Stakeholder::parse(p).is_some() || strict_region(p).is_some())
}

/// A regional group written as a field of its own (not a name that happens to contain
/// "Pacific"): the five UN groups in their page spellings, bare acronyms, and the
/// intergovernmental pseudo-region.
pub(crate) fn strict_region(part: &str) -> Option<Region> {
    let slug = crate::model::slugify(part);
    let region = Region::parse(&slug)?;
    const KNOWN: [&str; 19] = [
        "africa",
        "african",
        "asia-pacific",
        "asia-and-pacific",
        "asia-and-the-pacific",
        "western-europe",
        "latin-america",
        "oceania",
        "eastern-europe",
        "eastern-european",
        "latin-america-and-caribbean",
        "latin-america-and-the-caribbean",
        "latin-american-and-caribbean",
        "western-europe-and-others",
        "western-european-and-others",
        "intergovernmental-organization",
        "intergovernmental-organisation",
        "intergovernmental-organizations",
        "intergovernmental",
    ];
    let ok = KNOWN.contains(&slug.as_str())
        || [
            "group",
            "states",
            "weog",
            "grulac",
            "eeg",
            "apg",
            "group-grulac",
            "group-weog",
        ]
        .iter()
        .any(|end| slug == *end || slug.ends_with(&format!("-{end}")));
    (ok && region != Region::Unknown).then_some(region)
}

/// Drops a leading bullet (`•`, `-`, `*`, `–`, `·`, `○`, `▪`).
pub(crate) fn strip_bullet(line: &str) -> &str {
    line.trim_start_matches(['•', '-', '*', '–', '·', '○', '▪', '●', ' '])
        .trim()
}

/// Marks that hide an affiliation: the lock emoji and its Windows-1252 / Latin-1 mojibake.
fn hidden_marker(s: &str) -> Option<usize> {
    ["🔒", "🔐", "ðŸ”", "ð\u{9f}", "\u{FFFD}"]
        .iter()
        .filter_map(|m| s.find(m))
        .min()
}

/// Parses `Name, Organisation, Stakeholder, Region` (any field may be missing or empty; the
/// name may be surname-first). `None` for lines that name nobody (anonymised organizers).
pub(crate) fn parse_person(raw: &str, organizer: bool) -> Option<Person> {
    let raw = strip_bullet(raw).trim_end_matches(['.', ';']).trim();
    let (visible, hidden) = match hidden_marker(raw) {
        Some(i) => (&raw[..i], true),
        None => (raw, false),
    };
    let mut parts: Vec<String> = visible
        .split(',')
        .map(|p| squeeze(p.trim().trim_matches('*')))
        .collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    let mut end = parts.len();
    let mut region = Region::Unknown;
    let mut stakeholder = Stakeholder::Unknown;
    if end > 1 {
        if let Some(r) = strict_region(&parts[end - 1]) {
            region = r;
            end -= 1;
        }
    }
    if end > 1 && parts[end - 1].is_empty() {
        end -= 1;
    } else if end > 1 {
        if let Some(s) = Stakeholder::parse(&parts[end - 1]) {
            stakeholder = s;
            end -= 1;
        }
    }
    while end > 1 && parts[end - 1].is_empty() {
        end -= 1;
    }
    // Anonymised: only a group and a region.
    if end == 0 || parts[0].is_empty() {
        return None;
    }
    if end == 1 && (Stakeholder::parse(&parts[0]).is_some() || strict_region(&parts[0]).is_some()) {
        return None;
    }
    let mut name_parts: Vec<String> = parts[..end].to_vec();
    // `Smith, Anna, Civil Society, …`: surname, given name.
    if !organizer
        && name_parts.len() == 2
        && name_parts[0].split_whitespace().count() == 1
        && (1..=2).contains(&name_parts[1].split_whitespace().count())
        && name_parts[1].split_whitespace().all(is_title_word)
    {
        let surname = name_parts.remove(0);
        name_parts[0] = format!("{} {}", name_parts[0], surname);
    }
    let name = fold_caps_words(&reorder_caps_surname(&name_parts[0]));
    let capitalised = name
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_uppercase);
    if !capitalised || name.split_whitespace().count() > 8 {
        return None;
    }
    let affiliation = if hidden {
        None
    } else {
        let a: Vec<&str> = name_parts[1..]
            .iter()
            .map(String::as_str)
            .filter(|p| !p.is_empty())
            .collect();
        (!a.is_empty()).then(|| a.join(", "))
    };
    Some(Person {
        name,
        affiliation,
        stakeholder,
        region,
    })
}

/// `Anna`, `Kerry‑Ann`: a capitalised word with lower-case letters after the first.
fn is_title_word(w: &str) -> bool {
    let mut letters = w.chars().filter(|c| c.is_alphabetic());
    letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase)
}

/// `KOVALCHUK Olena` → `Olena Kovalchuk`: an all-capitals surname written first.
fn reorder_caps_surname(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let caps = |w: &&str| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    let n_caps = words.iter().take_while(|w| caps(w)).count();
    if n_caps == 0 || n_caps == words.len() || !words[n_caps..].iter().all(|w| is_title_word(w)) {
        return words.join(" ");
    }
    let surname: Vec<String> = words[..n_caps]
        .iter()
        .map(|w| {
            let mut out = String::new();
            let mut start = true;
            for c in w.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = !c.is_alphabetic();
            }
            out
        })
        .collect();
    format!("{} {}", words[n_caps..].join(" "), surname.join(" "))
}

/// Splits a free-text roster line (`Ann Lee, Org A, WEOG Bo Kim, Org B, African Group`) into
/// people: a regional group ends one person, and words after it start the next. A bulleted line
/// is one person.
pub(crate) fn parse_free_roster(line: &str) -> Vec<Person> {
    let stripped = strip_bullet(line);
    if stripped.len() != line.len() {
        return parse_person(stripped, false).into_iter().collect();
    }
    let mut people = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let finish = |current: &mut Vec<String>, people: &mut Vec<Person>| {
        if !current.is_empty() {
            if let Some(p) = parse_person(&current.join(", "), false) {
                people.push(p);
            }
            current.clear();
        }
    };
    for part in stripped.split(',') {
        let part = part.trim();
        if strict_region(part).is_some() {
            current.push(part.to_string());
            finish(&mut current, &mut people);
            continue;
        }
        if let Some((region, rest)) = split_region_prefix(part) {
            current.push(region);
            finish(&mut current, &mut people);
            current.push(rest);
            continue;
        }
        current.push(part.to_string());
    }
    finish(&mut current, &mut people);
    people
}

/// `WEOG Rowena Schoo` → (`WEOG`, `Rowena Schoo`): the longest leading words that are a regional
/// group, when capitalised words follow.
fn split_region_prefix(part: &str) -> Option<(String, String)> {
    let words: Vec<&str> = part.split_whitespace().collect();
    for k in (1..words.len()).rev() {
        let head = words[..k].join(" ");
        if strict_region(&head).is_some() && words[k].chars().next().is_some_and(char::is_uppercase)
        {
            return Some((head, words[k..].join(" ")));
        }
    }
    None
}

/// `Zahid JAMIL` → `Zahid Jamil`: a name that mixes cases has its all-capitals words folded to
/// Title Case (a name written wholly in capitals stays as written).
pub(crate) fn fold_caps_words(name: &str) -> String {
    let caps = |w: &str| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.iter().all(|w| caps(w)) {
        return words.join(" ");
    }
    words
        .iter()
        .map(|w| {
            if !caps(w) {
                return (*w).to_string();
            }
            let mut out = String::new();
            let mut start = true;
            for c in w.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = !c.is_alphabetic();
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Honorifics that open each person of a proposal's roster (`Mr., Carlos, AFONSO, …`,
/// `Ms Sophie Tomlinson, …`).
const HONORIFICS: [&str; 7] = ["mr", "ms", "mrs", "miss", "dr", "prof", "amb"];

/// Whether a line opens with an honorific: `Mr.,`, `Ms `, `Dr. `.
pub(crate) fn starts_with_honorific(line: &str) -> bool {
    let first = line.split([' ', ',']).next().unwrap_or("");
    HONORIFICS.contains(&first.trim_end_matches('.').to_lowercase().as_str())
}

/// A person from comma fields in any order: the stakeholder group wherever it stands (the
/// region after it when it is one), the name from the fields before it (one-word fields
/// joined: `Carlos, AFONSO` → `Carlos Afonso`), the fields after it the affiliation.
pub(crate) fn parse_fields(raw: &str) -> Option<Person> {
    let parts: Vec<String> = raw
        .split(',')
        .map(|p| squeeze(p.trim()))
        .filter(|p| !p.is_empty())
        .collect();
    let at = parts.iter().position(|p| Stakeholder::parse(p).is_some())?;
    let stakeholder = Stakeholder::parse(&parts[at])?;
    let (region, rest_from) = match parts.get(at + 1).and_then(|p| strict_region(p)) {
        Some(r) => (r, at + 2),
        None => (Region::Unknown, at + 1),
    };
    let name_parts = &parts[..at];
    let name = if name_parts.iter().all(|p| !p.contains(' ')) {
        name_parts.join(" ")
    } else {
        name_parts.first()?.clone()
    };
    let name = fold_caps_words(&name);
    if name.is_empty() || !name.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let affiliation = parts[rest_from..].join(", ");
    Some(Person {
        name,
        affiliation: (!affiliation.is_empty()).then_some(affiliation),
        stakeholder,
        region,
    })
}

/// A proposal's roster: people opened by honorifics, one per line or several run together
/// (`Mr Belisario Contreras, Intergovernmental Organization, OAS Ms Sophie Tomlinson, Private
/// Sector, ICC BASIS`).
pub(crate) fn parse_honorific_roster(line: &str) -> Vec<Person> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for word in line.split_inclusive([' ', ',']) {
        let bare = word.trim_end_matches([' ', ',']).trim_end_matches('.');
        if HONORIFICS.contains(&bare.to_lowercase().as_str())
            && (at == 0 || line[..at].ends_with(' '))
        {
            starts.push(at);
        }
        at += word.len();
    }
    starts.push(line.len());
    starts
        .windows(2)
        .filter_map(|w| {
            let chunk = line[w[0]..w[1]].trim();
            let body = chunk
                .split_once([' ', ','])
                .map_or("", |(_, rest)| rest)
                .trim_start_matches([',', '.', ' ']);
            parse_fields(body).or_else(|| parse_person(body, false))
        })
        .collect()
}

/// A pipe roster run onto one line: `Name | Role at Org | Stakeholder | Region Name | …`, the
/// next person's name following the previous person's region in the same field.
pub(crate) fn parse_pipe_roster(line: &str) -> Vec<Person> {
    let fields: Vec<&str> = line.split('|').map(str::trim).collect();
    let mut people = Vec::new();
    let mut name = fields.first().map(|f| f.to_string()).unwrap_or_default();
    let mut i = 1;
    while i + 2 < fields.len() + 1 && !name.is_empty() {
        let role = fields.get(i).copied().unwrap_or("");
        let group = fields.get(i + 1).copied().unwrap_or("");
        let tail = fields.get(i + 2).copied().unwrap_or("");
        let stakeholder = Stakeholder::parse(group)
            .or_else(|| group.rsplit(',').find_map(|g| Stakeholder::parse(g.trim())))
            .unwrap_or(Stakeholder::Unknown);
        let (region, next) = split_region_and_name(tail);
        people.push(Person {
            name: fold_caps_words(&name),
            affiliation: (!role.is_empty()).then(|| role.to_string()),
            stakeholder,
            region,
        });
        name = next;
        i += 3;
    }
    people
}

/// `GRULAC, WEOG Joon Baek` → (Unknown: two regions, `Joon Baek`); `Asia and the Pacific Fatuma
/// Faarah` → (Asia-Pacific, `Fatuma Faarah`); `WEOG` → (WEOG, "").
fn split_region_and_name(field: &str) -> (Region, String) {
    let (regions, last) = match field.rsplit_once(',') {
        Some((head, last)) => (head.split(',').count() + 1, last.trim()),
        None => (1, field.trim()),
    };
    let (region, name) = match split_region_prefix(last) {
        Some((r, name)) => (strict_region(&r), name),
        None => (strict_region(last), String::new()),
    };
    let region = if regions > 1 { None } else { region };
    (region.unwrap_or(Region::Unknown), name)
}

/// A dash roster run onto one line: `Anna Lee – UNICEF Bo Kim – CEO, Some Foundation Cy Diaz -
/// civil society`: each segment but the last ends with the next person's name (its last two
/// capitalised words); the rest of a segment describes the person before.
pub(crate) fn parse_dash_roster(line: &str) -> Vec<Person> {
    let segments: Vec<&str> = line
        .split(" – ")
        .flat_map(|s| s.split(" - "))
        .flat_map(|s| s.split("- "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if segments.len() < 3 {
        return Vec::new();
    }
    let mut people = Vec::new();
    let mut name = segments[0].to_string();
    for (k, seg) in segments.iter().enumerate().skip(1) {
        let words: Vec<&str> = seg.split_whitespace().collect();
        let last = k + 1 == segments.len();
        let take = if last { 0 } else { trailing_name_words(&words) };
        let description = words[..words.len() - take].join(" ");
        let stakeholder = Stakeholder::parse(&description).unwrap_or(Stakeholder::Unknown);
        people.push(Person {
            name: fold_caps_words(&name),
            affiliation: (stakeholder == Stakeholder::Unknown && !description.is_empty())
                .then_some(description),
            stakeholder,
            region: Region::Unknown,
        });
        if take == 0 {
            break;
        }
        name = words[words.len() - take..].join(" ");
    }
    people
}

/// How many words at the end of a segment are a name: the last two when both are capitalised
/// words (`… Geneva Aicha Jeridi` → `Aicha Jeridi`).
fn trailing_name_words(words: &[&str]) -> usize {
    let cap = |w: &&str| {
        let mut c = w.chars();
        c.next().is_some_and(char::is_uppercase) && c.any(char::is_lowercase)
    };
    if words.len() >= 2 && words[words.len() - 2..].iter().all(cap) {
        2
    } else {
        0
    }
}

/// Entries of one person (same name, any role) share what each knows: an organizer line gives
/// the affiliation, a speaker or moderator line the stakeholder group and region.
pub(crate) fn share_known_fields(roster: &mut [RosterEntry]) {
    let keys: Vec<String> = roster
        .iter()
        .map(|e| normalize_for_matching(&e.name))
        .collect();
    for i in 0..roster.len() {
        for j in 0..roster.len() {
            if i == j || keys[i] != keys[j] {
                continue;
            }
            let other = roster[j].clone();
            let e = &mut roster[i];
            if e.stakeholder == Stakeholder::Unknown && other.stakeholder != Stakeholder::Unknown {
                e.stakeholder = other.stakeholder;
            }
            if e.region == Region::Unknown && other.region != Region::Unknown {
                e.region = other.region;
            }
            if e.affiliation.is_none() && other.affiliation.is_some() {
                e.affiliation = other.affiliation;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, aff: Option<&str>, s: Stakeholder, r: Region) -> Option<Person> {
        Some(Person {
            name: name.into(),
            affiliation: aff.map(String::from),
            stakeholder: s,
            region: r,
        })
    }

    #[test]
    fn person_lines_in_every_real_shape() {
        use Region as R;
        use Stakeholder as S;
        let cases: &[(&str, bool, Option<Person>)] = &[
            (
                "Ann Lee, Government, Western European and Others Group (WEOG)",
                false,
                person("Ann Lee", None, S::Government, R::Weog),
            ),
            (
                "Ann Lee , Civil Society, African Group",
                false,
                person("Ann Lee", None, S::CivilSociety, R::African),
            ),
            (
                "Ann Lee, , WEOG",
                false,
                person("Ann Lee", None, S::Unknown, R::Weog),
            ),
            (
                "Ann Lee, Civil Society,",
                false,
                person("Ann Lee", None, S::CivilSociety, R::Unknown),
            ),
            (
                "Lee, Ann, Private Sector, GRULAC",
                false,
                person("Ann Lee", None, S::PrivateSector, R::Grulac),
            ),
            (
                "LEE Ann, Government, Eastern Europe",
                false,
                person("Ann Lee", None, S::Government, R::EasternEuropean),
            ),
            (
                "Bo Kim, Example Labs",
                true,
                person("Bo Kim", Some("Example Labs"), S::Unknown, R::Unknown),
            ),
            (
                "Bo Kim 🔒",
                true,
                person("Bo Kim", None, S::Unknown, R::Unknown),
            ),
            (
                "Bo Kim, ðŸ”’",
                true,
                person("Bo Kim", None, S::Unknown, R::Unknown),
            ),
            ("Private Sector, African Group", true, None),
            (
                "Intergovernmental Organization, Intergovernmental Organization",
                true,
                None,
            ),
            (
                "Pei Lin, Intergovernmental Organization, Intergovernmental Organization*",
                false,
                person("Pei Lin", None, S::Intergovernmental, R::Intergovernmental),
            ),
            (
                "Pacific Lee, Civil Society",
                false,
                person("Pacific Lee", None, S::CivilSociety, R::Unknown),
            ),
        ];
        for (line, org, want) in cases {
            assert_eq!(&parse_person(line, *org), want, "{line}");
        }
    }

    #[test]
    fn free_text_roster_splits_on_regions() {
        let got: Vec<(String, Option<String>, Region)> = parse_free_roster(
            "Ann Lee, Example Labs / EL, WEOG Bo Kim, Example Labs / EL, WEOG Cy Diaz, Other Org, African Group",
        )
        .into_iter()
        .map(|p| (p.name, p.affiliation, p.region))
        .collect();
        assert_eq!(
            got,
            [
                (
                    "Ann Lee".into(),
                    Some("Example Labs / EL".into()),
                    Region::Weog
                ),
                (
                    "Bo Kim".into(),
                    Some("Example Labs / EL".into()),
                    Region::Weog
                ),
                ("Cy Diaz".into(), Some("Other Org".into()), Region::African),
            ]
        );
    }
}
