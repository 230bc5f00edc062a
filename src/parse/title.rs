//! Session identity from titles and file names: year + normalised session code, the cleaned
//! title, the day number.
//!
//! Input: a title line in any of its real forms (`IGF 2023 – Day 3 – WS #225 … – RAW`,
//! `IGF 2024-Day 2 - OF #12 …`, `IGF 2022 Day 3 WS 427 …`, `IGF 2023 Open Forum #96 …`,
//! `INTERNET GOVERNANCE FORUM 2014 … WORKSHOP 123`, a JSON Lines id `2023-ws-225`) or a file
//! name or address slug (`2023-ws-225.raw.txt`, `igf2023-ws412-captions.vtt`,
//! `igf-2022-day-3-ws-357-…`). Output: [`SessionKey`] with codes spelt one way: `WS #225`,
//! `Open Forum #96`, `Town Hall #3`, `Day 0 Event #12`, `Event #4`, `Networking Session #7`,
//! `Lightning Talk #2`, `BPF Cybersecurity`, `DC IOT`, `Dynamic Coalition on …`; sessions
//! known by a name (main sessions, tracks, NRI sessions, ceremonies) keep their name, up to
//! [`NAME_WORDS`] words: `Main Session 2 Cybersecurity, Trust and Online Safety`. Years outside
//! 2005–2035 are no years. Deliberately does not guess a code from prose.

use super::pattern::static_regex;
use crate::model::SessionKey;
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// `IGF 2023`, `IGF2023`, `IGF-2023`, `Internet Governance Forum 2014`.
static IGF_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?i)\b(?:IGF|Internet\s+Governance\s+Forum)[\s\-–—:']*((?:19|20)\d{2})\b")
});

/// A standalone year anywhere.
static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| static_regex(r"\b(20\d{2})\b"));

/// A date-coded title: `2015 11 12 Enhancing Cybersecurity … Main Meeting Hall FINISHED`.
static DATE_CODED: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^\s*(20\d{2})[\s\-]+\d{1,2}[\s\-]+\d{1,2}\b[\s\-–]*"));

/// The most words a session name keeps in its code.
pub const NAME_WORDS: usize = 10;

/// The years IGF sessions (and their preparatory WGIG meetings) can have.
const YEARS: std::ops::RangeInclusive<u16> = 2005..=2035;

/// `2023` → 2023 when it is a year an IGF session can have.
fn valid_year(s: &str) -> Option<u16> {
    s.parse().ok().filter(|y| YEARS.contains(y))
}

/// Words that make a file name or address slug with a year name a session (`…-main-session-…`):
/// without one, `2023-notes.txt` names none.
const NAMED_KINDS: [&str; 23] = [
    "main session",
    "taking stock",
    "emerging issues",
    "bpf",
    "best practices forum",
    "high level",
    "leaders track",
    "parliamentary",
    "pt session",
    "nri",
    "nris",
    "networking session",
    "lightning talk",
    "launch",
    "open mic",
    "opening ceremony",
    "closing ceremony",
    "focus session",
    "introductory session",
    "newcomers",
    "best practice forum",
    "dynamic coalition",
    "collaborative session",
];

/// A year at the very start (`2023-ws-225`, date-coded `2016 12 06 …` titles).
static LEADING_YEAR: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^\s*(?:igf\s*)?(20\d{2})\b"));

/// A year inside a file name (`igf2023`, `2023`).
static NAME_YEAR: LazyLock<Regex> = LazyLock::new(|| static_regex(r"(?i)(?:\b|igf)(20\d{2})\b"));

/// `Day 2`, `Day 0`.
static DAY: LazyLock<Regex> = LazyLock::new(|| static_regex(r"(?i)\bDay\s*(\d{1,2})\b"));

/// One numbered session type: the regex, the code prefix, and whether `#` is required in
/// titles.
struct Numbered {
    title: Regex,
    loose: Regex,
    code: &'static str,
}

static NUMBERED: LazyLock<Vec<Numbered>> = LazyLock::new(|| {
    let n = |title: &str, loose: &str, code| Numbered {
        title: static_regex(title),
        loose: static_regex(loose),
        code,
    };
    vec![
        n(
            r"(?i)\bday\s*0\s*event\s*#?\s*(\d{1,4})\b",
            r"(?i)\bday\s*0\s*event\s*#?\s*(\d{1,4})\b",
            "Day 0 Event #",
        ),
        n(
            r"(?i)\b(?:WS|workshop)\s*#?\s*(\d{1,4})\b",
            r"(?i)\b(?:WS|workshop)\s*#?\s*(\d{1,4})\b",
            "WS #",
        ),
        n(
            r"\b(?:OF|(?i:open\s+forum))\s*#?\s*(\d{1,4})\b",
            r"(?i)\b(?:of|open\s*forum)\s*#?\s*(\d{1,4})\b",
            "Open Forum #",
        ),
        n(
            r"(?i)\btown\s*hall\s*#?\s*(\d{1,4})\b",
            r"(?i)\btown\s*hall\s*#?\s*(\d{1,4})\b",
            "Town Hall #",
        ),
        n(
            r"(?i)\bnetworking\s+session\s*#?\s*(\d{1,4})\b",
            r"(?i)\bnetworking\s*session\s*#?\s*(\d{1,4})\b",
            "Networking Session #",
        ),
        n(
            r"(?i)\blightning\s+talk\s*#?\s*(\d{1,4})\b",
            r"(?i)\blightning\s*talk\s*#?\s*(\d{1,4})\b",
            "Lightning Talk #",
        ),
        n(
            r"(?i)\bevent\s*#\s*(\d{1,4})\b",
            r"(?i)\bevent\s*#?\s*(\d{1,4})\b",
            "Event #",
        ),
    ]
});

static BPF: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(?:BPF|best\s+practices?\s+forum)\b[\s\-–:]*(?:on\s+)?([A-Za-z][A-Za-z0-9&]*)",
    )
});

static DC_SHORT: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"\bDC[\s\-–]*([A-Za-z][A-Za-z0-9]*)"));

static DC_SHORT_LOOSE: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)\bDC[\s\-–]*([A-Za-z][A-Za-z0-9]*)"));

static DC_LONG: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?i)\b(?:dynamic\s+coalition|DC)\s+(?:on|for)\s+([^–—:|(\-]+)")
});

/// Finds the year and session code in a title line such as
/// `IGF 2023 – Day 3 – WS #225 Risks and … – RAW` or `IGF 2023 WS #225 Risks and …`, in a
/// date-coded title (`2015 11 12 Enhancing Cybersecurity … FINISHED`), or in a session id such
/// as `2023-ws-225`. A title with a year but no recognised code (a main session, a track, a
/// ceremony) keys on its cleaned name: `IGF 2022 Day 3 MAIN SESSION: ENABLING SAFETY, SECURITY
/// & ACCOUNTABILITY` → `Main Session: Enabling Safety, Security and Accountability`.
pub fn parse_session_key(title: &str) -> Option<SessionKey> {
    let title = title.trim();
    if let Some(m) = IGF_YEAR.captures(title) {
        let year = valid_year(&m[1])?;
        if let Some(code) = find_code(title, false) {
            return Some(SessionKey { year, code });
        }
        if m.get(0).map_or(usize::MAX, |g| g.start()) > 5 {
            return None;
        }
        let cleaned = clean_title(title);
        let rest = IGF_YEAR.find(&cleaned).map_or("", |g| &cleaned[g.end()..]);
        return named_code(rest).map(|code| SessionKey { year, code });
    }
    if let Some(m) = DATE_CODED.captures(title) {
        let year = valid_year(&m[1])?;
        let rest = &title[m.get(0).map_or(0, |g| g.end())..];
        let code = find_code(rest, false).or_else(|| named_code(&clean_title(rest)))?;
        return Some(SessionKey { year, code });
    }
    if let Some(m) = LEADING_YEAR.captures(title) {
        let year = valid_year(&m[1])?;
        let spaced = title.replace(['-', '_', '.'], " ");
        let rest = &spaced[m.get(0).map_or(0, |g| g.end())..];
        let code = find_code(&spaced, true).or_else(|| named_slug(rest))?;
        return Some(SessionKey { year, code });
    }
    // Older all-caps headers put the city and date between the forum name and the year.
    let upper = title.to_uppercase();
    if upper.contains("INTERNET GOVERNANCE FORUM") || upper.starts_with("IGF") {
        let year = ANY_YEAR
            .captures_iter(title)
            .find_map(|c| valid_year(&c[1]))?;
        let code = find_code(title, false)?;
        return Some(SessionKey { year, code });
    }
    None
}

/// The session key a file name or an address slug carries: `2023-ws-225.raw.txt`,
/// `igf2023-ws412-captions.vtt`, `IGF_2023_Open_Forum_96.html`,
/// `igf-2023-%E2%80%93-day-2-%E2%80%93-main-session-2-…` → year and code, or `None` when the
/// name has no year, or neither a recognised code nor a word naming a kind of session
/// ([`NAMED_KINDS`]). CMS prefixes (`2058-2014-09-04-ws77-…`) are read past.
pub fn key_from_path(path: &Path) -> Option<SessionKey> {
    let name = path.file_name()?.to_string_lossy();
    key_from_slug(&name)
}

/// See [`key_from_path`]; `slug` is a file name or the last segment of an address.
pub fn key_from_slug(slug: &str) -> Option<SessionKey> {
    let spaced = spaced_slug(slug);
    let (year, end) = NAME_YEAR
        .captures_iter(&spaced)
        .find_map(|c| Some((valid_year(&c[1])?, c.get(0)?.end())))?;
    let after = &spaced[end..];
    let code = find_code(after, true).or_else(|| named_slug(after))?;
    Some(SessionKey { year, code })
}

/// The year a file name carries (`igf-2016-proposal-132.txt` → 2016).
pub fn year_from_path(path: &Path) -> Option<u16> {
    let name = path.file_name()?.to_string_lossy();
    let spaced = spaced_slug(&name);
    NAME_YEAR
        .captures_iter(&spaced)
        .find_map(|c| valid_year(&c[1]))
}

/// A session name (one of the named kinds: `Main Session - Security, Openness and Privacy`)
/// that a file name or a title line without `IGF <year>` gives; the year comes from elsewhere.
pub fn named_without_year(s: &str) -> Option<String> {
    if s.chars().count() > 150 {
        return None;
    }
    named_slug(&spaced_slug(s))
}

/// The session code a file name carries without a year (`ws196 (1).txt` → `WS #196`,
/// `OF43 berlin transcript.txt` → `Open Forum #43`).
pub fn code_from_path(path: &Path) -> Option<String> {
    let name = path.file_stem()?.to_string_lossy();
    find_code(&spaced_slug(&name), true)
}

/// A slug or file name with its separators as spaces, its extension dropped, and the
/// percent-encoded dashes of addresses decoded: `igf-2023-%E2%80%93-day-2` → `igf 2023 – day 2`.
fn spaced_slug(slug: &str) -> String {
    let decoded = slug
        .replace("%E2%80%93", "–")
        .replace("%e2%80%93", "–")
        .replace("%20", " ");
    let stem = match decoded.rsplit_once('.') {
        Some((stem, ext))
            if (1..=5).contains(&ext.len()) && ext.chars().all(char::is_alphanumeric) =>
        {
            stem.to_string()
        }
        _ => decoded,
    };
    stem.chars()
        .map(|c| {
            if matches!(c, '-' | '_' | '.' | '+') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The recognised code in a title or header block (see [`find_code`]).
pub(crate) fn find_code_in(s: &str) -> Option<String> {
    find_code(s, false)
}

/// The code of a session known by its name (see [`named_code`]).
pub(crate) fn named_from(s: &str) -> Option<String> {
    named_code(s)
}

/// The session code a person types, with no year: `WS #225`, `ws225`, `OF 7`, `Open Forum #7`,
/// `town-hall-12` → the code as titles spell it (`WS #225`, `Open Forum #7`, `Town Hall #12`),
/// or `None` when `s` names no code.
pub fn parse_session_code(s: &str) -> Option<String> {
    let spaced = s.replace(['-', '_', '.'], " ");
    find_code(&spaced, true)
}

/// The recognised code in `s`: the first one carrying `#` wins, else the first one found.
/// `loose` (file names, ids) makes every pattern case-insensitive and `#` optional.
fn find_code(s: &str, loose: bool) -> Option<String> {
    // (has '#', start, code)
    let mut found: Vec<(bool, usize, String)> = Vec::new();
    for kind in NUMBERED.iter() {
        let re = if loose { &kind.loose } else { &kind.title };
        for c in re.captures_iter(s) {
            let (Some(whole), Some(num)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let mut code = kind.code;
            if kind.code == "Event #" && preceded_by_day0(s, whole.start()) {
                // `IGF 2024 - Day 0 - Workshop Room 2 - Event #10`: a Day 0 Event.
                code = "Day 0 Event #";
            }
            if kind.code == "WS #"
                && !whole.as_str().contains('#')
                && (followed_by_room(s, whole.end()) || room_before_code(s, &whole))
            {
                continue;
            }
            let n: u32 = match num.as_str().parse() {
                Ok(n) => n,
                Err(_) => continue,
            };
            // `consumer-workshop-2010`: a year is never a session's number.
            if num.as_str().len() == 4 && u16::try_from(n).is_ok_and(|y| YEARS.contains(&y)) {
                continue;
            }
            found.push((
                whole.as_str().contains('#'),
                whole.start(),
                format!("{code}{n}"),
            ));
        }
    }
    if let Some(c) = BPF.captures(s) {
        if let (Some(w), Some(word)) = (c.get(0), c.get(1)) {
            found.push((
                false,
                w.start(),
                format!("BPF {}", title_case(word.as_str())),
            ));
        }
    }
    let dc = if loose { &*DC_SHORT_LOOSE } else { &*DC_SHORT };
    if let Some(c) = dc.captures(s) {
        // `DC on Lantern Rights` is the long form's name (below), not a DC called `On`.
        let connective = c
            .get(1)
            .is_some_and(|w| ["on", "for"].contains(&w.as_str().to_lowercase().as_str()));
        if let (Some(w), Some(word), false) = (c.get(0), c.get(1), connective) {
            found.push((
                false,
                w.start(),
                format!("DC {}", word.as_str().to_uppercase()),
            ));
        }
    }
    if let Some(c) = DC_LONG.captures(s) {
        if let (Some(w), Some(words)) = (c.get(0), c.get(1)) {
            let words: Vec<String> = words
                .as_str()
                .split_whitespace()
                .take(5)
                .map(title_case)
                .collect();
            if !words.is_empty() {
                found.push((
                    false,
                    w.start(),
                    format!("Dynamic Coalition on {}", words.join(" ")),
                ));
            }
        }
    }
    found
        .into_iter()
        .min_by_key(|(hash, start, _)| (!*hash, *start))
        .map(|(_, _, code)| code)
}

/// Whether a `Day 0` segment comes before `start` (`Day 0 - Workshop Room 2 - Event #10`).
fn preceded_by_day0(s: &str, start: usize) -> bool {
    let before = s[..start].to_lowercase().replace(['-', '_', '–'], " ");
    let words: Vec<&str> = before.split_whitespace().collect();
    words.windows(2).any(|w| w == ["day", "0"]) || words.contains(&"day0")
}

/// `Workshop 9 OF 1` (an address slug of 2024: `…-day-2-workshop-9-of-1-…`) or `Workshop 9
/// DC-DNSI Beyond Borders` names the room `Workshop 9` (IGF 2024's rooms were Workshop 1–10)
/// before the session's own code: a `workshop N` without `#` directly followed by another
/// session code (numbered, `WS #N`, a BPF, a Dynamic Coalition, a networking session).
fn room_before_code(s: &str, whole: &regex::Match<'_>) -> bool {
    if !whole.as_str().to_lowercase().starts_with("workshop") {
        return false;
    }
    let after = s[whole.end()..].trim_start_matches([' ', '–', '-', '—', ':']);
    let at_start = |re: &Regex| re.find(after).is_some_and(|m| m.start() == 0);
    let lower = after.to_lowercase();
    NUMBERED
        .iter()
        .filter(|k| k.code != "WS #" || lower.starts_with("ws"))
        .any(|k| at_start(&k.loose))
        || at_start(&BPF)
        || at_start(&DC_SHORT_LOOSE)
        || at_start(&DC_LONG)
        || ["networking", "lightning talk", "open forum", "town hall"]
            .iter()
            .any(|w| lower.starts_with(w))
}

/// `WS 4 – Room B-1` names a room, not a workshop.
fn followed_by_room(s: &str, end: usize) -> bool {
    let after = s[end..]
        .trim_start_matches([' ', '–', '-', '—'])
        .to_lowercase();
    after.starts_with("room")
}

/// A room written before a session's name when the title has no separators
/// (`IGF 2024 Day 2 Press Room PT Session 5 …`, `Plenary-Main Session …`).
static LEADING_ROOM: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)^(?:(?:workshop|conference|caucus|large\s+briefing|briefing|press|main\s+meeting|annex|convention|estrel)\s+)?(?:room|salle|raum|saal|hall|plenary|auditorium)(?:\s+(?:[IVXLC]+-?[A-Z]?|\d+|[A-Z](?:-\d)?)\b)?[\s\-–—:]*",
    )
});

/// A trailing room segment left by titles without separators (`… (CSIRTs) Workshop Room 6`).
static TRAILING_ROOM: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)[\s\-–—]+(?:(?:workshop|conference|caucus|main\s+meeting|press)\s+)?(?:room|salle|raum|hall)(?:\s+(?:[IVXLC]+|\d+))?\s*$",
    )
});

/// The code of a session known by its name: the cleaned title after the year (day and room
/// segments, RAW markers gone), at most [`NAME_WORDS`] words, `&` read as `and`, capitals
/// folded to Title Case when the whole name is in capitals.
fn named_code(rest: &str) -> Option<String> {
    let mut s = rest.trim_start_matches([' ', '–', '-', '—', ':']);
    if let Some(m) = DAY.find(s).filter(|m| m.start() == 0) {
        s = &s[m.end()..];
    }
    let s = s.trim_start_matches([' ', '–', '-', '—', ':']);
    let s = match LEADING_ROOM.find(s) {
        Some(m) if m.end() < s.len() => &s[m.end()..],
        _ => s,
    };
    let s = TRAILING_ROOM.replace(s, "");
    let words: Vec<&str> = s
        .split_whitespace()
        .map(|w| if w == "&" { "and" } else { w })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(NAME_WORDS)
        .collect();
    // A name made only of generic words (`Session`, `sub theme that this workshop falls under`)
    // names no session.
    const GENERIC: [&str; 20] = [
        "session",
        "sessions",
        "main",
        "workshop",
        "workshops",
        "report",
        "page",
        "igf",
        "the",
        "of",
        "day",
        "sub",
        "theme",
        "subtheme",
        "that",
        "this",
        "fall",
        "falls",
        "under",
        "and",
    ];
    let named = words.iter().any(|w| {
        let bare: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        bare.chars().any(char::is_alphabetic) && !GENERIC.contains(&bare.to_lowercase().as_str())
    });
    if !named {
        return None;
    }
    let joined = words.join(" ");
    let joined = joined.trim_end_matches([',', ':', ';', '-', '–', '—', '(']);
    Some(fold_capitals(joined))
}

/// A named session in a file name or slug: only when a word names a kind of session
/// ([`NAMED_KINDS`]), so that `2023-notes.txt` names none.
fn named_slug(rest: &str) -> Option<String> {
    let lower = format!(
        " {} ",
        rest.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    // `bpf5` (a numbered best practice forum in a 2014 file name) is a `bpf`.
    let kind = NAMED_KINDS
        .iter()
        .any(|k| lower.contains(&format!(" {k} ")))
        || lower.split_whitespace().any(|w| {
            w.strip_prefix("bpf")
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        });
    if !kind {
        return None;
    }
    let rest = rest.trim_start_matches(|c: char| c == ' ' || c.is_ascii_digit());
    let rest = rest.trim_end_matches(|c: char| c == ' ' || c.is_ascii_digit());
    let rest = rest.trim_end_matches(" raw").trim_end_matches(" page");
    named_code(rest)
}

/// `MAIN SESSION: ENABLING SAFETY AND ACCOUNTABILITY` → `Main Session: Enabling Safety and
/// Accountability`; names with lower-case letters stay as written. Short words stay in
/// capitals (BPF, NRI, UN), small joining words go lower case.
fn fold_capitals(name: &str) -> String {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let upper = name.chars().filter(|c| c.is_uppercase()).count();
    if letters == 0 || upper * 10 < letters * 9 {
        return name.to_string();
    }
    const SMALL: [&str; 11] = [
        "and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "by",
    ];
    name.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let bare: String = w.chars().filter(|c| c.is_alphabetic()).collect();
            let lower = w.to_lowercase();
            if i > 0 && SMALL.contains(&bare.to_lowercase().as_str()) {
                lower
            } else if bare.chars().count() <= 3 {
                w.to_string()
            } else {
                capitalise_first_letter(&lower)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `(security):` → `(Security):`: the first letter in upper case, wherever it stands.
fn capitalise_first_letter(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut done = false;
    for c in w.chars() {
        if !done && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            done = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// `cybersecurity` → `Cybersecurity`, `IoT` stays `IoT`.
fn title_case(w: &str) -> String {
    let mut chars = w.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Trailing RAW and FINISHED markers in all their spellings.
static RAW_MARKER: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)(?:\s*[-–—]+\s*|\s+|\s*\()(?:RAW|FINISHED)\)?\s*$"));

/// `… FINISHED (2024)`: the year a mirror host appends to a title, not the session's.
static MIRROR_YEAR: LazyLock<Regex> = LazyLock::new(|| static_regex(r"\s*\((?:19|20)\d\d\)$"));

/// A spaced dash separating title segments.
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| static_regex(r"\s+[–—-]+\s+"));

/// `IGF 2024-Day 2`, `IGF 2023 Day 3`.
static YEAR_DAY: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)^(IGF\s*\d{4})\s*[-–—:]*\s*Day\s*(\d{1,2})\s*[-–—:]*\s*"));

/// A segment naming a room: `Room 4`, `Salle XII`, `Plenary`, `Workshop Room 4`.
static ROOM_SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)^(?:(?:workshop|conference|caucus|briefing|large\s+briefing|main|main\s+meeting|annex|convention|estrel|press)\s+)?(?:room|salle|raum|saal|plenary|hall|auditorium)\b[^#]{0,20}$",
    )
});

/// A title as people read it: RAW/FINISHED markers, the `Day N` segment and room segments
/// removed, separators after the year dropped, spaces squeezed. Page and transcript titles of one
/// session clean to the same string when they share wording:
/// `IGF 2023 – Day 3 – WS #225 Risks and … – RAW` → `IGF 2023 WS #225 Risks and …`.
pub fn clean_title(line: &str) -> String {
    let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = MIRROR_YEAR
        .find(&squeezed)
        .map_or(squeezed.as_str(), |m| &squeezed[..m.start()]);
    loop {
        let before = s.len();
        if let Some(m) = RAW_MARKER.find(s) {
            s = &s[..m.start()];
        }
        if s.len() == before {
            break;
        }
    }
    let s = s.trim_end_matches(['-', '–', '—', ' ', '|']);
    // `Day 0 Event #N` is a session type, not a day segment.
    let day0_event = YEAR_DAY.captures(s).is_some_and(|c| {
        let end = c.get(0).map_or(0, |m| m.end());
        &c[2] == "0" && s[end..].to_lowercase().starts_with("event")
    });
    let s = if day0_event {
        std::borrow::Cow::Borrowed(s)
    } else {
        YEAR_DAY.replace(s, "$1 – ")
    };
    let mut segments: Vec<&str> = SEPARATOR
        .split(&s)
        .map(str::trim)
        .filter(|seg| !seg.is_empty())
        .filter(|seg| !ROOM_SEGMENT.is_match(seg))
        // A room glued to the name (`Workshop Room 4- WS190 …`, `Press Room PT Session 5 …`).
        .map(|seg| match LEADING_ROOM.find(seg) {
            Some(m) if m.end() < seg.len() && m.start() == 0 => &seg[m.end()..],
            _ => seg,
        })
        .filter(|seg| {
            let lower = seg.to_lowercase();
            !(lower.starts_with("day ") && lower.len() <= 6)
        })
        .collect();
    if segments.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let first = segments.remove(0);
    out.push_str(first);
    let first_is_bare_year = IGF_YEAR
        .find(first)
        .is_some_and(|m| m.start() == 0 && m.end() == first.len());
    for (i, seg) in segments.iter().enumerate() {
        out.push_str(if i == 0 && first_is_bare_year {
            " "
        } else {
            " – "
        });
        out.push_str(seg);
    }
    out
}

/// The day number of a transcript title (`IGF 2023 – Day 3 – …` → 3).
pub fn parse_day(title: &str) -> Option<u8> {
    DAY.captures(title)?.get(1)?.as_str().parse().ok()
}

/// Whether a line reads like a session title: `IGF 2023 …`, `Internet Governance Forum 2014`,
/// or a date-coded title ending in `FINISHED`.
pub(crate) fn is_title_line(line: &str) -> bool {
    let t = line.trim();
    if t.len() > 400 {
        return false;
    }
    if let Some(m) = IGF_YEAR.find(t) {
        return m.start() < 60;
    }
    let t = MIRROR_YEAR.find(t).map_or(t, |m| &t[..m.start()]);
    let upper = t.to_uppercase();
    upper.ends_with("FINISHED") && LEADING_YEAR.is_match(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn key(year: u16, code: &str) -> Option<SessionKey> {
        Some(SessionKey {
            year,
            code: code.into(),
        })
    }

    #[test]
    fn every_session_number_spelling_normalises() {
        let cases: &[(&str, Option<SessionKey>)] = &[
            (
                "IGF 2023 – Day 3 – WS #225 Risks and opportunities – RAW",
                key(2023, "WS #225"),
            ),
            (
                "IGF 2023 WS #225 Risks and opportunities",
                key(2023, "WS #225"),
            ),
            (
                "IGF 2022 Day 3 WS 427 Protecting researchers",
                key(2022, "WS #427"),
            ),
            ("IGF 2021 – WS223 Title --RAW", key(2021, "WS #223")),
            (
                "IGF 2021 - Day 2 - WS#12 Something - RAW",
                key(2021, "WS #12"),
            ),
            ("IGF 2024-Day 2 -OF #12 Title", key(2024, "Open Forum #12")),
            (
                "IGF 2024 – Day 1 – OF 7 Title – RAW",
                key(2024, "Open Forum #7"),
            ),
            (
                "IGF 2023 Open Forum #96 Capacity building",
                key(2023, "Open Forum #96"),
            ),
            ("IGF 2023 Town Hall #3 Title", key(2023, "Town Hall #3")),
            (
                "IGF 2023 Day 0 Event #12 Title",
                key(2023, "Day 0 Event #12"),
            ),
            (
                "IGF 2024 Launch / Award Event #34 Launch of a paper",
                key(2024, "Event #34"),
            ),
            (
                "IGF 2022 Day 2 Networking Session #13 Support",
                key(2022, "Networking Session #13"),
            ),
            (
                "IGF 2025 Lightning Talk #219 Collaboration",
                key(2025, "Lightning Talk #219"),
            ),
            (
                "IGF 2024 Main Session Cybersecurity, trust and the new UN convention",
                key(2024, "Main Session Cybersecurity, trust and the new UN convention"),
            ),
            (
                "IGF 2023 – Day 2 – MAIN SESSION 2 Cybersecurity, Trust & Online Safety – RAW",
                key(2023, "MAIN SESSION 2 Cybersecurity, Trust and Online Safety"),
            ),
            (
                "IGF 2022 Day 3 MAIN SESSION: ENABLING SAFETY, SECURITY & ACCOUNTABILITY",
                key(2022, "Main Session: Enabling Safety, Security and Accountability"),
            ),
            (
                "IGF 2024 Day 2 Press Room PT Session 5 Collaborative approaches to address online harms RAW",
                key(2024, "PT Session 5 Collaborative approaches to address online harms"),
            ),
            (
                "IGF 2024 - Day 0 - Workshop Room 2 - Event #10 First Aid Online",
                key(2024, "Day 0 Event #10"),
            ),
            (
                "2015 11 12 Enhancing Cybersecurity and Building Digital Trust Main Meeting Hall FINISHED",
                key(2015, "Enhancing Cybersecurity and Building Digital Trust"),
            ),
            ("IGF 2015 Session", None),
            ("IGF 2014 sub theme that this workshop falls under", None),
            ("IGF 2023 BPF Cybersecurity", key(2023, "BPF Cybersecurity")),
            (
                "IGF 2023 – Day 1 – DC-IoT Good practice – RAW",
                key(2023, "DC IOT"),
            ),
            (
                "IGF 2022 Dynamic Coalition on Internet Rights – RAW",
                key(2022, "Dynamic Coalition on Internet Rights"),
            ),
            (
                "IGF 2030 – Day 2 – DC on Lantern Rights – RAW",
                key(2030, "Dynamic Coalition on Lantern Rights"),
            ),
            (
                "IGF 2022 Day 1 Newcomers Session – RAW",
                key(2022, "Newcomers Session"),
            ),
            ("IGF2019 WS #101 Cybercrime", key(2019, "WS #101")),
            (
                "INTERNET GOVERNANCE FORUM ISTANBUL 3 SEPTEMBER 2014 WORKSHOP 123",
                key(2014, "WS #123"),
            ),
            ("2023-ws-225", key(2023, "WS #225")),
            ("2023-open-forum-96", key(2023, "Open Forum #96")),
            (
                "IGF 2023 – WS 4 – Room B-1 – WS #225 Title",
                key(2023, "WS #225"),
            ),
            (
                "IGF 2031-Day 3-Workshop 9 DC-LAMP Lanterns Across Borders",
                key(2031, "DC LAMP"),
            ),
            (
                "IGF 2031 Day 2 Workshop 4 WS #88 Harbour lights",
                key(2031, "WS #88"),
            ),
            (
                "IGF 2031 Day 2 Workshop 4 BPF Cybersecurity",
                key(2031, "BPF Cybersecurity"),
            ),
            ("IGF 2031 Day 2 Workshop 4 Harbour lights", key(2031, "WS #4")),
            (
                "2029 11 11 WS 111 Lantern Rooms Workshop Room 4 FINISHED (2031)",
                key(2029, "WS #111"),
            ),
            ("Tuesday, 10th October, 2023 (23:30 UTC)", None),
            ("Risks of 5G in 2023", None),
            ("", None),
        ];
        for (title, want) in cases {
            assert_eq!(&parse_session_key(title), want, "{title}");
        }
        // A mirror's `(2031)` after FINISHED is neither the year nor part of the title.
        let mirrored = "2029 11 11 WS 111 Lantern Rooms Workshop Room 4 FINISHED (2031)";
        assert!(is_title_line(mirrored));
        assert!(
            !clean_title(mirrored).contains("2031"),
            "{}",
            clean_title(mirrored)
        );
    }

    #[test]
    fn file_names_carry_keys() {
        let cases: &[(&str, Option<SessionKey>)] = &[
            ("data/sessions/2023-ws-225.raw.txt", key(2023, "WS #225")),
            ("2023-ws-225.page.txt", key(2023, "WS #225")),
            ("igf2023-ws412-captions.vtt", key(2023, "WS #412")),
            ("2023-of-96.raw.txt", key(2023, "Open Forum #96")),
            ("IGF_2023_Open_Forum_96.html", key(2023, "Open Forum #96")),
            (
                "2024-main-session-cybersecurity.raw.txt",
                key(2024, "main session cybersecurity"),
            ),
            ("2024-main-session.raw.txt", None),
            (
                "2058-2014-09-04-ws77-frameworks-for-dev-countries-room-10.txt",
                key(2014, "WS #77"),
            ),
            (
                "igf-2021-day-4-main-session-trust-matters-exploring-0.txt",
                key(2021, "main session trust matters exploring"),
            ),
            ("2023-day-0-event-12.vtt", key(2023, "Day 0 Event #12")),
            ("2023-town-hall-3.srt", key(2023, "Town Hall #3")),
            ("notes.txt", None),
            ("2023-notes.txt", None),
            ("lantern-workshop-2029.txt", None),
            ("2029-workshop-2029.txt", None),
            (
                "igf-2031-day-3-workshop-9-dc-lamp-lanterns-across-borders.txt",
                key(2031, "DC LAMP"),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(&key_from_path(&PathBuf::from(path)), want, "{path}");
        }
        // A year in a name is never a session's number.
        for name in [
            "lantern-workshop-2029.txt",
            "ws2031.txt",
            "open-forum-2030.txt",
        ] {
            assert_eq!(code_from_path(&PathBuf::from(name)), None, "{name}");
        }
        assert_eq!(
            code_from_path(&PathBuf::from("ws1999.txt")).as_deref(),
            Some("WS #1999")
        );
    }

    #[test]
    fn titles_clean_to_one_form() {
        let cases = [
            (
                "IGF 2023 – Day 3 – WS #225 Risks and opportunities of a new UN cybercrime treaty – RAW",
                "IGF 2023 WS #225 Risks and opportunities of a new UN cybercrime treaty",
            ),
            ("IGF 2024-Day 2 - WS #12 Title  here - RAW", "IGF 2024 WS #12 Title here"),
            ("IGF 2022 Day 3 WS #357 A – b (RAW)", "IGF 2022 WS #357 A – b"),
            ("IGF 2021 – Room 4 – OF #5 Title--RAW", "IGF 2021 OF #5 Title"),
            ("IGF 2019 – Day 2 – Salle XII – WS #1 Title – RAW", "IGF 2019 WS #1 Title"),
            ("IGF 2023 WS #225 Risks", "IGF 2023 WS #225 Risks"),
            ("IGF 2021 Day 0 Event #20 Scope", "IGF 2021 Day 0 Event #20 Scope"),
            (
                "IGF 2021 – Day 0 – Day 0 Event #20 Scope – RAW",
                "IGF 2021 Day 0 Event #20 Scope",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(clean_title(line), want, "{line}");
        }
        assert_eq!(parse_day("IGF 2023 – Day 3 – WS #225"), Some(3));
        assert_eq!(parse_day("IGF 2023 WS #225"), None);
    }

    proptest! {
        #[test]
        fn key_and_title_functions_never_panic(s in any::<String>()) {
            let _ = parse_session_key(&s);
            let _ = clean_title(&s);
            let _ = key_from_path(Path::new(&s));
            let _ = is_title_line(&s);
        }
    }
}
