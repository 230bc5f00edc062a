//! Mentions: which of the session pages a transcript's speakers match equally well its speech
//! names, to break that tie.
//!
//! Input: a transcript's text and, per tied page, its title, roster names and text (people a
//! page lists on `Name, country` lines its roster leaves out, [`listed_people`]). Output: the
//! evidence of each page (its people the transcript names in full, or by first name, or its
//! start, and a surname of four letters or more, plus the acronyms of its title written as
//! such), and the page with clearly more of it than any other. Single words of a title (`capacity`,
//! `building`) count for nothing: the sessions of one year share them, and a session's speech
//! often names a neighbouring one's theme. Reads no file: the caller reads the texts, only
//! when a tie happens, and holds them no longer than the tie.

use crate::model::{Region, Stakeholder};
use crate::resolve::name_tokens;
use crate::text::normalize_for_matching;
use std::collections::{HashMap, HashSet};

/// How much more evidence the winner of a tie needs than every other tied page.
const CLEAR_MARGIN: usize = 2;

/// Acronyms that name the forum or a kind of session, not what a session is about.
const NOT_TOPICS: [&str; 6] = ["IGF", "BPF", "NRI", "NRIS", "RAW", "UTC"];

/// Words of a `Name, …` line that make it no person's (a group, a place, a body).
const NOT_NAMES: [&str; 30] = [
    "society",
    "sector",
    "community",
    "group",
    "government",
    "organization",
    "organisation",
    "states",
    "nations",
    "union",
    "forum",
    "session",
    "room",
    "hall",
    "speaker",
    "moderator",
    // words that open a sentence, not a name (`In Accra, …`)
    "in",
    "for",
    "at",
    "on",
    "by",
    "with",
    "from",
    "the",
    "as",
    "after",
    "during",
    "this",
    "our",
    "we",
];

/// Lower-case words a name may hold between capitalised ones (`David van Duren`).
const PARTICLES: [&str; 10] = [
    "van", "von", "de", "da", "del", "der", "den", "di", "la", "bin",
];

/// A speech as mentions are looked up in it: for each word (folded, lower case) the words just
/// before it, and its words as written (for acronyms).
pub struct Speech {
    before: HashMap<String, HashSet<String>>,
    written: HashSet<String>,
}

impl Speech {
    /// Reads a speech's words.
    pub fn new(text: &str) -> Speech {
        let words = folded_words(text);
        let mut before: HashMap<String, HashSet<String>> = HashMap::new();
        for w in words.windows(2) {
            before.entry(w[1].clone()).or_default().insert(w[0].clone());
        }
        let written = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        Speech { before, written }
    }

    /// Whether the speech names a person: every word of the name in order (two or more
    /// words), or the first name (or a short form it starts with, `Chris` for `Christopher`)
    /// followed by a surname of four letters or more.
    pub fn names_person(&self, name: &str) -> bool {
        let tokens = name_tokens(name);
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return false;
        };
        if tokens.len() < 2 {
            return false;
        }
        let preceding = |w: &String| self.before.get(w);
        let full = tokens
            .windows(2)
            .all(|w| preceding(&w[1]).is_some_and(|b| b.contains(&w[0])));
        let short_first =
            |w: &String| w == first || (w.len() >= 3 && first.starts_with(w.as_str()));
        full || (last.chars().count() >= 4
            && preceding(last).is_some_and(|b| b.iter().any(short_first)))
    }

    /// Whether the speech writes an acronym as the title does (`GC3B`).
    pub fn names_acronym(&self, acronym: &str) -> bool {
        self.written.contains(acronym)
    }
}

/// The acronyms of a title: words of three characters or more with two capitals or more and
/// no lower-case letter (`GC3B`, `WSIS`), in a title that is not written in capitals
/// throughout; the forum's own and the kinds of session left out.
pub fn title_acronyms(title: &str) -> Vec<&str> {
    if !title.chars().any(char::is_lowercase) {
        return Vec::new();
    }
    let mut out: Vec<&str> = Vec::new();
    for w in title.split(|c: char| !c.is_alphanumeric()) {
        let capitals = w.chars().filter(char::is_ascii_uppercase).count();
        let acronym = w.chars().count() >= 3
            && capitals >= 2
            && !w.chars().any(char::is_lowercase)
            && !NOT_TOPICS.contains(&w);
        if acronym && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The people a page lists on lines of their own that its roster may leave out: a line that
/// opens with a name of two to four words (capitalised, or particles such as `van`) and a
/// comma, `Liesyl Franz, United States`, the name not a stakeholder group, region or body.
pub fn listed_people(page_text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for line in page_text.lines() {
        let Some((name, _)) = line.trim().split_once(',') else {
            continue;
        };
        let name = name.trim();
        let words: Vec<&str> = name.split_whitespace().collect();
        let capitalised = |w: &&str| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.')
        };
        let person = (2..=4).contains(&words.len())
            && words.iter().filter(|w| capitalised(w)).count() >= 2
            && words
                .iter()
                .all(|w| capitalised(w) || PARTICLES.contains(w))
            && !words
                .iter()
                .any(|w| NOT_NAMES.contains(&w.to_lowercase().as_str()))
            && Stakeholder::parse(name).is_none()
            && Region::parse(name).is_none();
        if person && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A page's evidence in a speech: its people the speech names (one person once, however many
/// ways the page writes the name), plus its title's acronyms the speech writes, each counted
/// once.
pub fn evidence<N: AsRef<str>>(speech: &Speech, title: &str, names: &[N]) -> usize {
    let mut people: Vec<Vec<String>> = Vec::new();
    for n in names {
        let tokens = name_tokens(n.as_ref());
        if !people.contains(&tokens) && speech.names_person(n.as_ref()) {
            people.push(tokens);
        }
    }
    let people = people.len();
    let acronyms = title_acronyms(title)
        .into_iter()
        .filter(|a| speech.names_acronym(a))
        .count();
    people + acronyms
}

/// The page (by position) whose evidence is clearly more than every other's; `None` while
/// two stay close.
pub fn clear_winner(evidence: &[usize]) -> Option<usize> {
    let (best, &most) = evidence
        .iter()
        .enumerate()
        .max_by_key(|(i, e)| (**e, usize::MAX - i))?;
    let clear = evidence
        .iter()
        .enumerate()
        .all(|(i, &e)| i == best || e + CLEAR_MARGIN <= most);
    clear.then_some(best)
}

/// A text's words, folded and lower case; a possessive `'s` is dropped and other apostrophes
/// join (`O'Brien` → `obrien`), as in roster names.
fn folded_words(text: &str) -> Vec<String> {
    normalize_for_matching(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| {
            let w = w.trim_matches('\'');
            w.strip_suffix("'s").unwrap_or(w).replace('\'', "")
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_named_in_full_or_by_first_name_and_a_long_surname() {
        let speech = Speech::new(
            "With me is Dr. Ilse Brandt, and online Ana Ruiz. Kofi's colleague Kofi Mensah's \
             team sent Mei Chen their notes. O'Brien? Yes, Sean O'Brien. Jo Li agreed.",
        );
        let cases = [
            ("Ilse Brandt", true),
            ("ILSE BRANDT", true),
            ("Ilse Maria Brandt", true),
            ("Ana Ruiz", true),
            ("Ana Maria Ruiz", true),
            ("Jo Li", true),
            ("Jo Ann Li", false),
            ("Seanan O'Brien", true),
            ("Se O'Brien", false),
            ("Kofi Mensah", true),
            ("Mei Chen", true),
            ("Sean O'Brien", true),
            ("Brandt", false),
            ("Ilse Weber", false),
            ("Bo Li", false),
        ];
        for (name, named) in cases {
            assert_eq!(speech.names_person(name), named, "{name}");
        }
    }

    #[test]
    fn people_listed_on_lines_of_their_own_are_found_and_groups_are_not() {
        let page = "IGF 2031 Open Forum #9 Lantern drills, tides\n\
            Tuesday, 9th November, 2031\n\
            Runa Falk, Tidewatch, civil society, WEOG Kofi Ansah, Ghana\n\
            \n\
            Matthias Wren, Freedonia\n\
            David van Duren, Lantern Guild, \n\
            Civil Society, Western European and Others Group (WEOG)\n\
            Private Sector, African Group\n\
            Latin American and Caribbean Group, GRULAC\n\
            In Harbour Town, lanterns are lit twice.\n\
            Matthias Wren, Freedonia\n\
            Organizer 1: Ilse Brandt, Lantern Guild\n";
        assert_eq!(
            listed_people(page),
            ["Runa Falk", "Matthias Wren", "David van Duren"]
        );
    }

    #[test]
    fn acronyms_come_from_titles_not_in_capitals_throughout() {
        assert_eq!(
            title_acronyms("IGF 2031 Open Forum #9 LTN3: lantern drills, WSIS and AI"),
            ["LTN3", "WSIS"]
        );
        assert_eq!(
            title_acronyms("LANTERN DRILLS FOR HARBOUR TOWNS"),
            Vec::<&str>::new()
        );
        let speech = Speech::new("The LTN3 meeting, not the ltn3 file.");
        assert!(speech.names_acronym("LTN3"));
        assert!(!speech.names_acronym("WSIS"));
    }

    #[test]
    fn evidence_counts_each_person_and_acronym_once() {
        let speech = Speech::new(
            "Ilse Brandt and Kofi Mensah will present LTN3. Again: LTN3, Ilse Brandt. \
             Building capacity for harbour towns.",
        );
        let a = ["Ilse Brandt", "Kofi Mensah", "Pia Hart"];
        let b = ["Pia Hart", "Oskar Lind"];
        assert_eq!(evidence(&speech, "LTN3: lantern drills", &a), 3);
        assert_eq!(
            evidence(&speech, "Building capacity for harbour towns", &b),
            0
        );
    }

    #[test]
    fn a_winner_needs_a_clear_margin_over_every_other_page() {
        assert_eq!(clear_winner(&[3, 0]), Some(0));
        assert_eq!(clear_winner(&[1, 3, 0]), Some(1));
        assert_eq!(clear_winner(&[2, 1]), None);
        assert_eq!(clear_winner(&[3, 3]), None);
        assert_eq!(clear_winner(&[0, 0]), None);
        assert_eq!(clear_winner(&[]), None);
    }
}
