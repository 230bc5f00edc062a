//! Session identity of a file that may have no title line: where its session key comes from,
//! in order of trust.
//!
//! Input: what a parser found at the top of a file (the key of its title line, a provenance
//! line, the text before the first turn or roster) and the file's path. Output: an
//! [`Identity`]: the key and its [`KeySource`] (title → provenance line or HTML metadata → the
//! address slug or file name → the file name's code with the year the text gives), the public
//! address when known, and the year or code found on their own, which the pipeline uses to
//! match a session page (reported as a guess). Never a year outside 2005–2035 (so never year
//! 0). Also the keys of old CART header blocks and of session proposals (`No. 77 …`).
//! Deliberately reads no other file: matching pages is the pipeline's job.

use super::pattern::static_regex;
use super::title::{code_from_path, key_from_slug, named_without_year, NAME_WORDS};
use crate::model::{KeySource, SessionKey};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// Who a file says it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    pub key: Option<SessionKey>,
    pub source: Option<KeySource>,
    /// The file's public address (provenance line, HTML metadata).
    pub url: Option<String>,
    /// A year the text gives when no key could be formed (captioning disclaimer, date line).
    pub year: Option<u16>,
    /// A session code the file name gives without a year (`ws196 (1).txt` → `WS #196`).
    pub code: Option<String>,
}

/// Finds a file's identity, in order: the key of its title (`title`); the slug of its address
/// (`url`, with the source that gave it); the file name (an address slug such as
/// `igf-2022-day-3-ws-357-…`, or any name with a year and a code); the file name's code with
/// `year` (the year its text gives). What is found without a key (a year, a code) is kept for
/// matching.
pub fn identify(
    title: Option<SessionKey>,
    url: Option<(String, KeySource)>,
    path: &Path,
    year: Option<u16>,
) -> Identity {
    let mut id = Identity {
        url: url.as_ref().map(|(u, _)| u.clone()),
        year,
        ..Identity::default()
    };
    let found = title
        .map(|k| (k, KeySource::Title))
        .or_else(|| {
            let (u, source) = url.as_ref()?;
            Some((key_from_url(u)?, *source))
        })
        .or_else(|| {
            let key = super::title::key_from_path(path)?;
            Some((key, file_name_source(path)))
        });
    if let Some((key, source)) = found {
        id.key = Some(key);
        id.source = Some(source);
        return id;
    }
    id.code = code_from_path(path);
    // The file name's code, or the session name its words give (`1439-taking-stock-…`), with
    // the year the text gives.
    let named = || {
        let stem = path.file_stem()?.to_string_lossy().into_owned();
        named_without_year(&stem)
    };
    if let (Some(code), Some(year)) = (id.code.clone().or_else(named), year) {
        id.key = Some(SessionKey { year, code });
        id.source = Some(KeySource::FileName);
    }
    id
}

/// `welcome you to the Workshop 112`, `welcome everyone to WS 31`: a session's number said in
/// the opening turn.
static SPOKEN_CODE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\bwelcome\s+(?:you\s+|everyone\s+|everybody\s+|all\s+(?:of\s+you\s+)?)?(?:back\s+)?to\s+(?:the\s+|this\s+|our\s+)?(workshop|ws|open\s+forum)\s*(?:number\s+|no\.\s*|#\s*)?(\d{1,4})\b",
    )
});

/// A file nothing else names, whose opening turns (`opening`) welcome people to a numbered
/// workshop or open forum: that session, with the year the text gives. A year is never the
/// number; without a year the identity stays as it is.
pub fn spoken_identity(mut id: Identity, opening: &str) -> Identity {
    if id.key.is_some() {
        return id;
    }
    let Some(year) = id.year else {
        return id;
    };
    let Some(c) = SPOKEN_CODE.captures(opening) else {
        return id;
    };
    let Ok(n) = c[2].parse::<u16>() else {
        return id;
    };
    if c[2].len() == 4 && (2005..=2035).contains(&n) {
        return id;
    }
    let kind = if c[1].to_lowercase().starts_with("open") {
        "Open Forum #"
    } else {
        "WS #"
    };
    id.key = Some(SessionKey {
        year,
        code: format!("{kind}{n}"),
    });
    id.source = Some(KeySource::Speech);
    id
}

/// A file name is an address slug when it starts like the IGF's page addresses do.
fn file_name_source(path: &Path) -> KeySource {
    static SLUG: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(r"^(?:igf-(?:19|20)\d\d-|\d{2,5}-20\d\d-\d\d-\d\d-|20\d\d-\d\d-\d\d-)")
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if SLUG.is_match(&name) {
        KeySource::UrlSlug
    } else {
        KeySource::FileName
    }
}

/// A provenance line at the top of a file: `# url: …`, `Source: …`, `URL: …` (what a user or a
/// download script writes), or `# canonical: …` (what [`super::html_to_text`] writes for a
/// page's canonical link or `og:url`). Returns the address and where it came from.
pub fn provenance(line: &str) -> Option<(String, KeySource)> {
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    let bare = lower.trim_start_matches('#').trim_start();
    let (label_end, source) = [
        ("url:", KeySource::UrlLine),
        ("source:", KeySource::UrlLine),
        ("canonical:", KeySource::HtmlMeta),
    ]
    .into_iter()
    .find_map(|(p, s)| bare.starts_with(p).then_some((p.len(), s)))?;
    let at = t.len() - bare.len() + label_end;
    let value = t.get(at..)?.trim().trim_matches(['<', '>']).trim();
    let looks_like_address = value.starts_with("http://")
        || value.starts_with("https://")
        || value.starts_with("www.")
        || value.contains(".org/");
    (looks_like_address && !value.contains(char::is_whitespace))
        .then(|| (value.to_string(), source))
}

/// The key an address's slug carries: its last path segment, percent-encoded dashes decoded
/// (`…/igf-2023-%E2%80%93-day-2-%E2%80%93-main-session-2-…`).
/// A mirror host may put an article number after the slug
/// (`…/article/2015-11-11-ws-111-…-finished/3801`): a last segment of digits only is read past.
pub fn key_from_url(url: &str) -> Option<SessionKey> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let mut segment = segments.next()?;
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        segment = segments.next()?;
        if segment.contains(':') {
            return None;
        }
    }
    key_from_slug(segment)
}

/// `Tenth`, `Eigth` (sic, 2013): the ordinal of an annual meeting → its year.
static MEETING_ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(first|second|third|fourth|fifth|sixth|seventh|eighth|eigth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)\b(?:\s+(?:annual|july))?\s+(?:meeting|internet\s+governance\s+forum)",
    )
});

/// A year after a month (`from 10 to 13 November 2015`, `23 October 2013`) or after `IGF`.
static TEXT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)(?:\b(?:january|february|march|april|may|june|july|august|september|october|november|december)|\bIGF)[\s,]+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d)\b",
    )
});

/// The year a file's opening text gives: a date or `IGF 2014` in the captioning disclaimer or
/// a page's schedule, else the ordinal of the annual meeting the disclaimer names (`the Tenth
/// Annual Meeting` → 2015; the first IGF met in 2006).
pub fn year_in_text(text: &str) -> Option<u16> {
    let head: String = text.chars().take(4000).collect();
    if let Some(y) = TEXT_YEAR.captures_iter(&head).find_map(|c| {
        c[1].parse::<u16>()
            .ok()
            .filter(|y| (2005..=2035).contains(y))
    }) {
        return Some(y);
    }
    let ordinal = MEETING_ORDINAL.captures(&head)?[1].to_lowercase();
    const ORDINALS: [&str; 21] = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twenty-first",
    ];
    let n = match ordinal.as_str() {
        "eigth" => 8,
        o => ORDINALS.iter().position(|x| *x == o)? + 1,
    };
    Some(2005 + n as u16)
}

/// A time of day in a CART header: `09:00`, `14:30`, `9:00 A.M.`, `1415`.
static CART_TIME: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?im)\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.\s?m\.|\s*[ap]m\b)?|^[ \t]*\d{4}[ \t]*$")
});

/// `SESSION 23`, `Session 15`: the numbered session of an old CART header.
static CART_SESSION: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)\bsession\s+(\d{1,3})\b"));

/// A date in a CART header: `04 SEPTEMBER 2014`, `23 October 2013`, `OCTOBER 23, 1013`,
/// `15 SEPTEMBER 10`.
static CART_DATE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(?:\d{1,2}\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+\d{2,4}\b",
    )
});

/// Whether the text before a transcript's disclaimer is an old CART header: the meeting's name,
/// place, theme, date and time, then the session's code and title, in capitals, one per line
/// (2010–2014), or all on one line when the file was flattened.
pub fn is_cart_header(lines: &[&str]) -> bool {
    let joined = lines.join("\n");
    let head = match DISCLAIMER.find(&joined) {
        Some(m) => &joined[..m.start()],
        None => joined.as_str(),
    };
    let upper = head.to_uppercase();
    let meeting = upper.contains("INTERNET GOVERNANCE FORUM")
        || upper.contains("MEETING OF THE")
        || upper.lines().any(|l| {
            let l = l.trim();
            l.len() == 8 && l.starts_with("IGF ") && l[4..].bytes().all(|b| b.is_ascii_digit())
        });
    meeting
        && (head.lines().filter(|l| !l.trim().is_empty()).count() >= 2
            || CART_TIME.is_match(&upper)
            || CART_DATE.is_match(&upper))
}

/// Where the captioning disclaimer starts, in any of its openings.
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(?:note:\s*)?(?:the following (?:is|are) the outputs?|this is (?:the )?(?:output of the )?real-?time|this text is being provided)",
    )
});

/// The key and title of an old CART header ([`is_cart_header`]): the year from a date or the
/// meeting's ordinal; the code from the block (`WS 77`), else `Session #N` (`SESSION 23`), else
/// the session's name; the title is what follows the last date or time (`BPF3 ESTABLISHING AND
/// SUPPORTING CERTS …` keys as that name).
pub fn cart_header_key(lines: &[&str]) -> Option<(SessionKey, String)> {
    static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| static_regex(r"\b(20\d\d)\b"));
    // The block ends at the disclaimer: its opening words, or a line after the first that
    // reads like one (`This is a CART rough draft …`; a flattened file holds all on one line).
    let block = lines
        .iter()
        .position(|l| crate::read::is_disclaimer(&l.to_lowercase()))
        .filter(|&i| i > 0)
        .map_or(lines, |i| &lines[..i]);
    let joined = block.join("\n");
    let joined = match DISCLAIMER.find(&joined) {
        Some(m) => &joined[..m.start()],
        None => joined.as_str(),
    };
    let year = super::title::parse_session_key(joined)
        .map(|k| k.year)
        .or_else(|| year_in_text(joined))
        .or_else(|| {
            ANY_YEAR
                .captures_iter(joined)
                .find_map(|c| c[1].parse().ok().filter(|y| (2005..=2035).contains(y)))
        })?;
    // The title: what follows the last date or time.
    let after_code_line = || {
        // No date or time: the title follows the line holding the code.
        let mut at = 0;
        for line in joined.split_inclusive('\n') {
            at += line.len();
            if super::title::find_code_in(line).is_some() || CART_SESSION.is_match(line) {
                return at;
            }
        }
        0
    };
    let tail_start = CART_TIME
        .find_iter(joined)
        .chain(CART_DATE.find_iter(joined))
        .map(|m| m.end())
        .max()
        .unwrap_or_else(after_code_line);
    let tail = joined[tail_start..].trim_start_matches(|c: char| !c.is_alphanumeric());
    let tail: String = tail.split_whitespace().collect::<Vec<_>>().join(" ");
    let code_in_block = super::title::find_code_in(joined);
    let (code, title) = if let Some(code) = code_in_block {
        (code, strip_code_words(&tail))
    } else if let Some(c) = CART_SESSION.captures(joined) {
        let n: u32 = c[1].parse().ok()?;
        (format!("Session #{n}"), strip_code_words(&tail))
    } else {
        let name = super::title::named_from(&tail)?;
        (name, tail.clone())
    };
    let title = if title.is_empty() { tail } else { title };
    Some((SessionKey { year, code }, title))
}

/// `WS 77 CYBERCRIME …` → `CYBERCRIME …`; `Session 15 CYBERCRIME …` → `CYBERCRIME …`.
fn strip_code_words(tail: &str) -> String {
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| static_regex(r"(?i)^(?:ws|workshop|session)\s*#?\s*\d{1,4}\b[\s:\-–]*"));
    CODE.replace(tail, "").trim().to_string()
}

/// `No. 77 Cybercrime cooperation …`, `(No.84) How can cooperation …`: a session proposal's
/// number (workshops were numbered by proposal until 2015) and its title.
pub fn proposal(line: &str) -> Option<(String, String)> {
    static NO: LazyLock<Regex> =
        LazyLock::new(|| static_regex(r"^\(?\s*No\.\s*(\d{1,4})\s*\)?\s+(\S.*)$"));
    let c = NO.captures(line.trim())?;
    let n: u32 = c[1].parse().ok()?;
    let title: String = c[2]
        .split_whitespace()
        .take(40)
        .collect::<Vec<_>>()
        .join(" ");
    Some((format!("WS #{n}"), title))
}

/// The words of a title that say what a session is about, for matching transcripts with pages:
/// lower case, accents folded, short and common words dropped.
pub fn title_words(title: &str) -> Vec<String> {
    const COMMON: [&str; 24] = [
        "igf",
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "this",
        "that",
        "session",
        "day",
        "raw",
        "room",
        "workshop",
        "open",
        "forum",
        "main",
        "event",
        "hall",
        "txt",
        "page",
        "transcript",
        "copy",
        "what",
    ];
    let folded = crate::text::normalize_for_matching(title);
    let mut words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !COMMON.contains(w))
        .map(String::from)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(NAME_WORDS * 4);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(year: u16, code: &str) -> Option<SessionKey> {
        Some(SessionKey {
            year,
            code: code.into(),
        })
    }

    #[test]
    fn provenance_lines_in_their_spellings() {
        let cases: &[(&str, Option<(&str, KeySource)>)] = &[
            (
                "# url: https://www.intgovforum.org/en/content/igf-2023-ws-9-x",
                Some((
                    "https://www.intgovforum.org/en/content/igf-2023-ws-9-x",
                    KeySource::UrlLine,
                )),
            ),
            (
                "Source: https://intgovforum.org/en/content/a",
                Some(("https://intgovforum.org/en/content/a", KeySource::UrlLine)),
            ),
            (
                "URL: <https://intgovforum.org/x>",
                Some(("https://intgovforum.org/x", KeySource::UrlLine)),
            ),
            (
                "# canonical: https://intgovforum.org/y",
                Some(("https://intgovforum.org/y", KeySource::HtmlMeta)),
            ),
            ("Source: our own notes on the session", None),
            ("IGF 2023 WS #9 Title", None),
        ];
        for (line, want) in cases {
            let got = provenance(line);
            assert_eq!(got.as_ref().map(|(u, s)| (u.as_str(), *s)), *want, "{line}");
        }
    }

    #[test]
    fn address_slugs_carry_keys() {
        let cases: &[(&str, Option<SessionKey>)] = &[
            (
                "https://www.intgovforum.org/en/content/igf-2022-day-3-ws-357-cyberattacks-and-e-evidence-%E2%80%93-attribution",
                key(2022, "WS #357"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2024-day-1-workshop-room-3-of-48-the-counter-ransomware-initiative-raw",
                key(2024, "Open Forum #48"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2024-day-2-workshop-9-of-1-challenges-of-cyberdefense",
                key(2024, "Open Forum #1"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2017-day-2-workshop-9-lantern-ferries",
                key(2017, "WS #9"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2021-open-forum-85-something",
                key(2021, "Open Forum #85"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2024-day-0-workshop-room-2-event-10-first-aid-online",
                key(2024, "Day 0 Event #10"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2022-day-2-networking-session-13-support-is3c",
                key(2022, "Networking Session #13"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2020-%E2%80%93-day-10-%E2%80%93-ws350-something",
                key(2020, "WS #350"),
            ),
            (
                "https://www.intgovforum.org/es/content/igf-2023-%E2%80%93-day-2-%E2%80%93-main-session-2-cybersecurity-trust-online-safety-%E2%80%93-raw",
                key(2023, "main session 2 cybersecurity trust online safety"),
            ),
            (
                "https://intgovforum.org/en/content/igf-2023-town-hall-127-creating-global-standards",
                key(2023, "Town Hall #127"),
            ),
            (
                "https://www.intgovforum.org/en/content/2058-2014-09-04-ws77-frameworks-for-dev-countries-room-10",
                key(2014, "WS #77"),
            ),
            (
                "https://mirror.example/article/2029-11-11-ws-111-lantern-rooms-workshop-room-4-finished/3801",
                key(2029, "WS #111"),
            ),
            ("https://friends.example/transcript/275", None),
            ("https://www.intgovforum.org/en/content/about-us", None),
        ];
        for (url, want) in cases {
            assert_eq!(&key_from_url(url), want, "{url}");
        }
    }

    #[test]
    fn years_come_from_dates_and_meeting_ordinals() {
        let cases: &[(&str, Option<u16>)] = &[
            ("taken during the Tenth Annual Meeting of the Internet Governance Forum (IGF) in João Pessoa, Brazil, from 10 to 13 November 2015.", Some(2015)),
            ("taken during the Eleventh Annual Meeting of the Internet Governance Forum (IGF) in Jalisco", Some(2016)),
            ("taken during the Eigth Meeting of the IGF, in Bali", Some(2013)),
            ("This is realtime captioning taken during the IGF 2014 Istanbul, Turkey, meetings.", Some(2014)),
            ("EIGHTH INTERNET GOVERNANCE FORUM BALI OCTOBER 23, 1013", Some(2013)),
            ("captioning taken during an IGF intervention.", None),
        ];
        for (text, want) in cases {
            assert_eq!(year_in_text(text), *want, "{text}");
        }
    }

    #[test]
    fn files_without_a_title_are_identified_in_order() {
        struct Case {
            about: &'static str,
            url: Option<&'static str>,
            path: &'static str,
            year: Option<u16>,
            key: Option<SessionKey>,
            source: Option<KeySource>,
            code: Option<&'static str>,
        }
        let cases = [
            Case {
                about: "the provenance line's slug",
                url: Some("https://intgovforum.org/en/content/igf-2023-day-2-ws-107-stronger-together-raw"),
                path: "a.txt",
                year: None,
                key: key(2023, "WS #107"),
                source: Some(KeySource::UrlLine),
                code: None,
            },
            Case {
                about: "an address slug as file name",
                url: None,
                path: "dir/igf-2017-day-2-room-xxv-ws61-between-a-rock.txt",
                year: None,
                key: key(2017, "WS #61"),
                source: Some(KeySource::UrlSlug),
                code: None,
            },
            Case {
                about: "a file name with a code and the disclaimer's year",
                url: None,
                path: "ws196 (1).txt",
                year: Some(2016),
                key: key(2016, "WS #196"),
                source: Some(KeySource::FileName),
                code: Some("WS #196"),
            },
            Case {
                about: "a code without a year is kept for matching",
                url: None,
                path: "WS202 Riyadh cybercrime treaty.txt",
                year: None,
                key: None,
                source: None,
                code: Some("WS #202"),
            },
            Case {
                about: "nothing",
                url: None,
                path: "day0-fraud-transcript.txt",
                year: None,
                key: None,
                source: None,
                code: None,
            },
        ];
        for c in cases {
            let id = identify(
                None,
                c.url.map(|u| (u.to_string(), KeySource::UrlLine)),
                Path::new(c.path),
                c.year,
            );
            assert_eq!((id.key, id.source), (c.key, c.source), "{}", c.about);
            assert_eq!(id.code.as_deref(), c.code, "{}", c.about);
            assert_eq!(id.url.as_deref(), c.url, "{}", c.about);
        }
    }

    /// A header block and the key and title it gives.
    type CartCase<'a> = (&'a [&'a str], Option<(SessionKey, &'a str)>);

    #[test]
    fn old_cart_headers_give_year_code_and_title() {
        let cases: &[CartCase<'_>] = &[
            (
                &[
                    "NINTH ANNUAL MEETING OF THE",
                    "INTERNET GOVERNANCE FORUM 2014",
                    "ISTANBUL, TURKEY",
                    "05 SEPTEMBER 2014",
                    "09:00",
                    "WS 12",
                    "OUR TITLE ABOUT TREATIES",
                ],
                Some((SessionKey { year: 2014, code: "WS #12".into() }, "OUR TITLE ABOUT TREATIES")),
            ),
            (
                &[
                    "IGF 2010",
                    "VILNIUS, LITHUANIA",
                    "15 SEPTEMBER 10",
                    "SESSION 41",
                    "1415",
                    "A TITLE ON COOPERATION",
                ],
                Some((SessionKey { year: 2010, code: "Session #41".into() }, "A TITLE ON COOPERATION")),
            ),
            (
                &["EIGHTH INTERNET GOVERNANCE FORUM SOMEWHERE OCTOBER 24, 1013 9:00 A.M. Session 3 A FLAT TITLE LINE"],
                Some((SessionKey { year: 2013, code: "Session #3".into() }, "A FLAT TITLE LINE")),
            ),
            (
                &[
                    "A FOCUS SESSION (SAFETY): LAWS AND NORMS",
                    "EIGHTH INTERNET GOVERNANCE FORUM",
                    "24 October 2013",
                    "10:30",
                    "A FOCUS SESSION (SAFETY): LAWS AND NORMS",
                ],
                Some((
                    SessionKey { year: 2013, code: "A Focus Session (Safety): Laws and Norms".into() },
                    "A FOCUS SESSION (SAFETY): LAWS AND NORMS",
                )),
            ),
        ];
        for (lines, want) in cases {
            assert!(is_cart_header(lines), "{lines:?}");
            let got = cart_header_key(lines);
            assert_eq!(
                got.as_ref().map(|(k, t)| (k.clone(), t.as_str())),
                want.as_ref().map(|(k, t)| (k.clone(), *t)),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn an_opening_welcome_names_the_workshop_only_when_nothing_else_does() {
        let bare = Identity {
            year: Some(2029),
            ..Identity::default()
        };
        let got = spoken_identity(
            bare.clone(),
            "I'm Mira.  It is a joy to welcome you to the Workshop 77.  Our panel",
        );
        assert_eq!(
            (got.key, got.source),
            (key(2029, "WS #77"), Some(KeySource::Speech))
        );
        let got = spoken_identity(bare.clone(), "welcome everyone to Open Forum #12 on lamps");
        assert_eq!(got.key, key(2029, "Open Forum #12"));
        for text in [
            "welcome you to the Workshop 2029",
            "as Workshop 77 said yesterday",
        ] {
            assert_eq!(spoken_identity(bare.clone(), text).key, None, "{text}");
        }
        let no_year = Identity::default();
        assert_eq!(spoken_identity(no_year, "welcome to workshop 7").key, None);
        let keyed = Identity {
            key: key(2030, "WS #1"),
            year: Some(2029),
            ..Identity::default()
        };
        assert_eq!(
            spoken_identity(keyed, "welcome to workshop 7").key,
            key(2030, "WS #1")
        );
    }

    #[test]
    fn proposals_are_numbered_workshops() {
        assert_eq!(
            proposal("No. 12 Law and order online"),
            Some(("WS #12".into(), "Law and order online".into()))
        );
        assert_eq!(
            proposal("(No.34) How can we cooperate?"),
            Some(("WS #34".into(), "How can we cooperate?".into()))
        );
        assert_eq!(proposal("Not a proposal"), None);
    }
}
