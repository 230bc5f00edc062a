//! The single lines of a session page that are read on their own, with no state of the page
//! parser: site furniture at the top, room lines, bulleted roster lines, dates, the session
//! name of an address, the year of a title; and the splitting of a policy block into
//! questions.
//!
//! Input: one line (or the policy block's paragraphs). Output: what that line says. A leaf:
//! imports no part of the page parser.

use super::pattern::static_regex;
use super::roster::{has_group_or_region, strip_bullet};
use super::title::named_from;
use regex::Regex;
use std::sync::LazyLock;

/// Lines at the top of saved pages that are site furniture, not the session's title.
pub(super) fn is_page_debris(line: &str) -> bool {
    let lower = line.to_lowercase();
    const STARTS: [&str; 16] = [
        "a php error was encountered",
        "severity:",
        "message:",
        "filename:",
        "line number:",
        "deprecated:",
        "warning:",
        "notice:",
        "welcome to the united nations",
        "you are here",
        "go back",
        "go to report",
        "check-in and access",
        "[back to",
        "[link to",
        "about this session",
    ];
    STARTS.iter().any(|p| lower.starts_with(p)) || matches!(lower.as_str(), "session" | "time")
}

/// A bulleted `Name, organisation, stakeholder group[, region]` line: at least three fields,
/// a stakeholder group or region among the last two, a name of two to five words first.
pub(super) fn is_person_bullet(line: &str) -> bool {
    let Some(body) = line
        .trim_start()
        .strip_prefix(['-', '*', '\u{2022}'])
        .map(str::trim_start)
    else {
        return false;
    };
    let fields: Vec<&str> = body.split(',').map(str::trim).collect();
    let name_words = fields.first().map_or(0, |f| f.split_whitespace().count());
    fields.len() >= 3
        && (2..=5).contains(&name_words)
        && body.len() < 250
        && fields[fields.len() - 2..]
            .iter()
            .any(|f| has_group_or_region(f))
}

/// The session name in an address's last segment, its separators and `%20` as spaces.
pub(super) fn url_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let segment = path.trim_end_matches('/').rsplit('/').next()?;
    let words = segment.replace("%20", " ").replace(['-', '_', '+'], " ");
    if words.split_whitespace().count() < 2 {
        return None;
    }
    named_from(&words)
}

/// A line that names a room: `Room 3`, `Workshop Room 4`, `Annex Hall 1`, `Salle XII`.
pub(super) fn is_room_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["room", "hall", "salle", "annex", "auditorium", "plenary"]
        .iter()
        .any(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
}

/// The year of a title line (`IGF 2015 Session`).
pub(super) fn year_in_title(title: &str) -> Option<u16> {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(r"(?i)\b(?:IGF|Internet\s+Governance\s+Forum)[\s\-–]*((?:19|20)\d{2})\b")
    });
    YEAR.captures(title)?[1]
        .parse()
        .ok()
        .filter(|y| (2005..=2035).contains(y))
}

static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b",
    )
});

static DATE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    )
});

/// `Tuesday, 10th October, 2023 (23:30 UTC) - …` → `2023-10-10` (the start).
pub(super) fn parse_date(line: &str) -> Option<String> {
    let month = |m: &str| -> Option<u32> {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        MONTHS
            .iter()
            .position(|x| m.eq_ignore_ascii_case(x))
            .map(|i| i as u32 + 1)
    };
    let dmy = DATE_DMY.captures(line).map(|c| {
        (
            c.get(0).map_or(0, |m| m.start()),
            c[1].to_string(),
            c[2].to_string(),
            c[3].to_string(),
        )
    });
    let mdy = DATE_MDY.captures(line).map(|c| {
        (
            c.get(0).map_or(0, |m| m.start()),
            c[2].to_string(),
            c[1].to_string(),
            c[3].to_string(),
        )
    });
    let (_, day, mon, year) = match (dmy, mdy) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    let day: u32 = day.parse().ok()?;
    let mon = month(&mon)?;
    let year: u32 = year.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{mon:02}-{day:02}"))
}

/// A line that opens a list item: `A.`, `1.`, `2)`, `•`, `-`.
pub(super) fn is_item_start(line: &str) -> bool {
    if line.starts_with(['•', '-', '*', '–', '·', '○', '▪', '●']) {
        return true;
    }
    let mut chars = line.chars();
    let first = chars.next();
    let rest: String = chars.take(3).collect();
    match first {
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            line[digits..].starts_with(['.', ')']) && line[digits + 1..].starts_with(' ')
        }
        Some(c) if c.is_ascii_alphabetic() => rest.starts_with(". ") || rest.starts_with(") "),
        _ => false,
    }
}

/// A follow-up paragraph of the policy block: a list item or a question.
pub(super) fn question_like(line: &str) -> bool {
    is_item_start(line) || line.trim_end().ends_with('?')
}

/// Removes a list marker (`1.`, `A.`, `b)`, `•`).
pub(super) fn strip_marker(item: &str) -> String {
    let t = item.trim();
    if t.starts_with(['•', '-', '*', '–', '·', '○', '▪', '●']) {
        return strip_bullet(t).to_string();
    }
    if is_item_start(t) {
        if let Some(i) = t.find(['.', ')']) {
            return t[i + 1..].trim().to_string();
        }
    }
    t.to_string()
}

/// Inline list markers: ` B. `, ` 2) `.
static INLINE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?:^|\s)([A-Ha-h]|[1-9])[.)]\s+"));

/// Splits the policy block into questions: list items, inline `A. … B. … C. …` runs (only when
/// the letters or numbers follow in order from `A`/`1`), or several `?`-ended sentences.
pub(super) fn split_questions(blocks: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for block in blocks {
        let marks: Vec<(usize, usize, char)> = INLINE_MARKER
            .captures_iter(block)
            .filter_map(|c| {
                let whole = c.get(0)?;
                let m = c.get(1)?.as_str().chars().next()?;
                Some((whole.start(), whole.end(), m))
            })
            .collect();
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut expect: Option<char> = None;
        for (start, end, m) in marks {
            let ok = match expect {
                None => start == 0 && matches!(m, 'A' | 'a' | '1'),
                Some(e) => m == e,
            };
            if ok {
                cuts.push((start, end));
                expect = char::from_u32(m as u32 + 1);
            }
        }
        if cuts.len() >= 2 || (cuts.len() == 1 && blocks.len() > 1) {
            for (k, &(_, body_start)) in cuts.iter().enumerate() {
                let body_end = cuts.get(k + 1).map_or(block.len(), |c| c.0);
                let q = block[body_start..body_end].trim();
                if !q.is_empty() {
                    out.push(q.to_string());
                }
            }
            continue;
        }
        let block = strip_marker(block);
        let questions = block.matches('?').count();
        if questions >= 2 {
            let mut rest = block.as_str();
            while let Some(i) = rest.find('?') {
                let q = rest[..=i].trim();
                if !q.is_empty() {
                    out.push(q.to_string());
                }
                rest = &rest[i + 1..];
            }
            let tail = rest.trim();
            if !tail.is_empty() {
                out.push(tail.to_string());
            }
        } else if !block.is_empty() {
            out.push(block);
        }
    }
    out
}
