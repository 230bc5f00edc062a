//! Session pages from the IGF's sched.com schedules (IGF 2016 and 2017): an event page (the
//! title, then `Time and place:` and `Description:`; or `Loading…`, `Welcome to IGF2017! …`,
//! `Back To Schedule`, a date line, the title, `Organization:`, `Title:`, `Description:`) and
//! a listing page (`Welcome to IGF2016! …`, a filter line, a date, a time, then `WS26: Title`,
//! the description, `Speakers provisionally confirmed:` with surname-first names one per line,
//! and `Session Organizers` as `avatar for NAME`, NAME, `Role, ORGANISATION`).
//!
//! Input: a page's trimmed lines (provenance line blanked) and its address. Output: [`Sched`]:
//! the year (the host `igf2016.sched.com` or the `Welcome to IGF2016!` line), the session code
//! (`WS26:` prefix, `(WS31)` or a BPF/DC name in the title), the title and the roster.
//! Deliberately fills only what the page parser left empty; does not read the description.

use super::identity::Identity;
use super::roster::Person;
use super::title::{find_code_in, named_from};
use crate::model::{KeySource, Region, Role, SessionKey, Stakeholder};

/// What a sched.com page gives.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Sched {
    pub(super) year: Option<u16>,
    pub(super) code: Option<String>,
    pub(super) title: Option<String>,
    pub(super) roster: Vec<(Person, Role)>,
}

/// How many non-empty lines at the top may hold the site's furniture.
const FURNITURE_LINES: usize = 12;

/// Whether a page comes from sched.com: its address, or the site's furniture near the top.
pub(super) fn is_sched(lines: &[&str], url: Option<&str>) -> bool {
    if url.is_some_and(|u| u.to_ascii_lowercase().contains(".sched.com")) {
        return true;
    }
    lines
        .iter()
        .filter(|l| !l.is_empty())
        .take(FURNITURE_LINES)
        .any(|l| {
            let lower = l.to_lowercase();
            welcome_year(&lower).is_some()
                || lower == "back to schedule"
                || lower == "time and place:"
        })
}

/// `welcome to igf2016! …` → 2016.
fn welcome_year(lower: &str) -> Option<u16> {
    let rest = lower.strip_prefix("welcome to igf")?.trim_start();
    year_of(rest.get(..4)?)
}

fn year_of(s: &str) -> Option<u16> {
    s.parse().ok().filter(|y| (2005..=2035).contains(y))
}

/// `https://igf2016.sched.com/…` → 2016.
fn host_year(url: &str) -> Option<u16> {
    let lower = url.to_ascii_lowercase();
    let at = lower.find(".sched.com")?;
    let host = lower[..at].rsplit('/').next()?;
    year_of(host.strip_prefix("igf")?.get(..4)?)
}

/// Reads a sched.com page (see the module's contract).
pub(super) fn read_sched(lines: &[&str], url: Option<&str>) -> Sched {
    let year = url.and_then(host_year).or_else(|| {
        lines
            .iter()
            .take(40)
            .find_map(|l| welcome_year(&l.to_lowercase()))
    });
    let (code, title) = code_and_title(lines);
    let code = code.or_else(|| title.as_deref().and_then(find_code_in));
    let mut roster = provisional_speakers(lines);
    roster.extend(avatar_blocks(lines));
    Sched {
        year,
        code,
        title,
        roster,
    }
}

/// The session's code and title: a `WS26: Title` line, else a `Title:` field, else the line
/// after the date line (`Sunday, December 17 • 09:00 - 10:00`), else the first line when
/// `Time and place:` follows it.
fn code_and_title(lines: &[&str]) -> (Option<String>, Option<String>) {
    let text: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
    for l in text.iter().take(40) {
        if let Some((code, title)) = ws_prefix(l) {
            return (Some(code), Some(title));
        }
    }
    let field = text.iter().take(40).find_map(|l| {
        let v = l.strip_prefix("Title:")?.trim();
        (!v.is_empty()).then(|| v.to_string())
    });
    if field.is_some() {
        return (None, field);
    }
    let after_date = text
        .windows(2)
        .take(20)
        .find(|w| w[0].contains(" • ") && w[0].chars().any(|c| c.is_ascii_digit()))
        .map(|w| w[1].to_string());
    if after_date.is_some() {
        return (None, after_date);
    }
    let first = text
        .windows(2)
        .next()
        .filter(|w| w[1].eq_ignore_ascii_case("time and place:"))
        .map(|w| w[0].to_string());
    (None, first)
}

/// `WS26: Cybersecurity - Initiatives …` → (`WS #26`, the title).
fn ws_prefix(line: &str) -> Option<(String, String)> {
    let (head, title) = line.split_once(':')?;
    let digits = head
        .strip_prefix("WS")?
        .trim_start_matches([' ', '#'])
        .trim();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    let title = title.trim();
    (!title.is_empty()).then(|| (format!("WS #{n}"), title.to_string()))
}

/// A name as sched.com lists it: `Palma Salas , Marcelo` → `Marcelo Palma Salas`.
fn given_first(line: &str) -> Option<String> {
    let (surname, given) = line.split_once(',')?;
    let (surname, given) = (surname.trim(), given.trim());
    let words = surname.split_whitespace().count() + given.split_whitespace().count();
    let ok = !surname.is_empty()
        && !given.is_empty()
        && !given.contains(',')
        && words <= 6
        && line
            .chars()
            .all(|c| c.is_alphabetic() || " ,.'-\u{2019}".contains(c));
    ok.then(|| format!("{given} {surname}"))
}

fn person(name: String, affiliation: Option<String>) -> Person {
    Person {
        name,
        affiliation,
        stakeholder: Stakeholder::Unknown,
        region: Region::Unknown,
    }
}

/// The names under `Speakers provisionally confirmed:`, one per line, surname first, up to the
/// next heading or prose line.
fn provisional_speakers(lines: &[&str]) -> Vec<(Person, Role)> {
    let Some(start) = lines.iter().position(|l| {
        let lower = l.to_lowercase();
        lower.starts_with("speakers provisionally confirmed") || lower == "confirmed speakers:"
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for l in lines[start + 1..].iter().filter(|l| !l.is_empty()) {
        match given_first(l) {
            Some(name) => out.push((person(name, None), Role::Speaker)),
            None => break,
        }
    }
    out
}

/// The people of `avatar for NAME` blocks: NAME, then `Role, ORGANISATION` (the organisation
/// is the last comma-separated part). Under `Session Organizers` they organise; under
/// `Moderators` they moderate; otherwise (`Speakers`) they speak.
fn avatar_blocks(lines: &[&str]) -> Vec<(Person, Role)> {
    let mut out = Vec::new();
    let mut role = Role::Speaker;
    let mut i = 0;
    while i < lines.len() {
        let lower = lines[i].to_lowercase();
        match lower.as_str() {
            "session organizers" | "session organisers" | "organizers" => role = Role::Organizer,
            "moderators" | "moderator" => role = Role::Moderator,
            "speakers" | "speaker" => role = Role::Speaker,
            _ => {}
        }
        let Some(name) = lines[i].strip_prefix("avatar for ").map(str::trim) else {
            i += 1;
            continue;
        };
        let affiliation = lines[i + 1..]
            .iter()
            .find(|l| !l.is_empty() && **l != name)
            .filter(|l| !l.starts_with("avatar for ") && l.chars().count() <= 150)
            .and_then(|l| Some(l.rsplit_once(',')?.1.trim().to_string()))
            .filter(|a| !a.is_empty());
        if !name.is_empty() {
            out.push((person(name.to_string(), affiliation), role));
        }
        i += 1;
    }
    out
}

/// A sched.com page's identity where the page parser found none: the year with the code (or
/// the title's session name), and the title when the page parser found none.
pub(super) fn fill_identity(mut id: Identity, title: String, s: &Sched) -> (Identity, String) {
    if id.key.is_none() {
        let code = s
            .code
            .clone()
            .or_else(|| s.title.as_deref().and_then(named_from));
        if let (Some(year), Some(code)) = (s.year.or(id.year), code) {
            id.key = Some(SessionKey { year, code });
            id.source = Some(KeySource::Title);
        }
    }
    let title = match (&s.title, title.is_empty()) {
        (Some(t), true) => t.clone(),
        _ => title,
    };
    (id, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Sched) -> Vec<(&str, Option<&str>, Role)> {
        s.roster
            .iter()
            .map(|(p, r)| (p.name.as_str(), p.affiliation.as_deref(), *r))
            .collect()
    }

    #[test]
    fn a_listing_page_gives_code_title_speakers_and_organizers() {
        let lines = [
            "",
            "Welcome to IGF2031! Make your plan below and join in!",
            "Lanterns [clear filter]",
            "Tuesday, December 9",
            "09:00 CST",
            "WS41: Lanterns - Light in and by the harbour towns",
            "This workshop looks at lanterns.",
            "Speakers provisionally confirmed:",
            "",
            "Quill, Amara",
            "Van Oost , Pieter",
            "Session Organizers",
            "avatar for Tomas Reed",
            "",
            "Tomas Reed",
            "",
            "Keeper of Lamps, Harbour Light Society",
            "Tomas keeps the lamps.",
        ];
        let s = read_sched(&lines, None);
        assert!(is_sched(&lines, None));
        assert_eq!(s.year, Some(2031));
        assert_eq!(s.code.as_deref(), Some("WS #41"));
        assert_eq!(
            s.title.as_deref(),
            Some("Lanterns - Light in and by the harbour towns")
        );
        assert_eq!(
            names(&s),
            vec![
                ("Amara Quill", None, Role::Speaker),
                ("Pieter Van Oost", None, Role::Speaker),
                ("Tomas Reed", Some("Harbour Light Society"), Role::Organizer),
            ]
        );
    }

    #[test]
    fn event_pages_give_their_title_and_the_host_year() {
        let lines = [
            "Loading…",
            "Welcome to IGF2030! Plan your days below!",
            "Back To Schedule",
            "Sunday, December 15 • 09:00 - 10:00",
            "Lantern Keepers: are towns ready for the dark?",
            "Organization: Harbour Light Society",
            "Title: Lantern Keepers: are towns ready for the dark?",
            "Description:",
        ];
        let s = read_sched(&lines, None);
        assert_eq!(s.year, Some(2030));
        assert_eq!(
            s.title.as_deref(),
            Some("Lantern Keepers: are towns ready for the dark?")
        );
        let lines = [
            "BPF on Lanterns - Making room for every lamp",
            "Time and place:",
            "0900 – 1000 Monday 5th December (Day 0) - Workshop Room 10",
            "Description:",
        ];
        assert!(is_sched(&lines, None));
        let s = read_sched(
            &lines,
            Some("https://igf2029.sched.com/event/Ab1/bpf-on-lanterns"),
        );
        assert_eq!(s.year, Some(2029));
        assert_eq!(s.code.as_deref(), Some("BPF Lanterns"));
        assert!(!is_sched(&["A page", "Time and place is up to you"], None));
    }
}
