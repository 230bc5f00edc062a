//! Format detection from decoded text: markers in the content decide, the file name only
//! breaks ties.
//!
//! Input: decoded text and its path. Output: a [`Format`]. Only the first 64 KiB are looked
//! at. Deliberately does not parse: a file detected as a transcript may still hold no turns,
//! which the parser reports.

use crate::model::Format;
use std::path::Path;

/// How much of the text is looked at.
const SNIFF_CHARS: usize = 64 * 1024;

/// Detects the format of decoded text. Content decides (HTML markers, `WEBVTT`, SRT cue numbers
/// with `-->`, JSON objects with `speaker`/`text`, `>>` turn labels / RAW titles / captioning
/// disclaimers for transcripts, `Speaker N:` / `Organizer N:` / "Policy Question" / "Key
/// Takeaways" / a UTC schedule line for session pages); the extension (`.html`, `.vtt`, `.srt`,
/// `.jsonl`, `.raw.txt`, `.page.txt`) is consulted only when the content is undecided.
pub fn detect(text: &str, path: &Path) -> Format {
    let head = prefix(text, SNIFF_CHARS);
    let hint = extension_hint(path);
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\n']);
    if looks_like_html(start, head) {
        return Format::Html;
    }
    if start.starts_with("WEBVTT") {
        return Format::WebVtt;
    }
    if let Some(f) = caption_timing(head) {
        return f;
    }
    if looks_like_jsonl(start) {
        return Format::JsonLines;
    }
    let (transcript, page) = scores(head);
    if transcript > page {
        Format::Transcript
    } else if page > transcript {
        Format::SessionPage
    } else {
        match hint {
            Some(f) => f,
            None => Format::Unknown,
        }
    }
}

/// Whether the text holds nothing but a web server's PHP warnings (`Deprecated: …`,
/// `Warning: …`, `Notice: …`, `Fatal error: …`): a page saved while the site was failing, with
/// no speech or session in it. Text with anything else after the warnings is read normally.
pub fn only_server_warnings(text: &str) -> bool {
    const WARNINGS: [&str; 5] = [
        "deprecated:",
        "warning:",
        "notice:",
        "fatal error:",
        "strict standards:",
    ];
    let mut seen = false;
    for line in lines(prefix(text, SNIFF_CHARS)) {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let head = prefix(line, 24).to_ascii_lowercase();
        if !WARNINGS.iter().any(|w| head.starts_with(w)) {
            return false;
        }
        seen = true;
    }
    seen
}

/// The longest prefix of `s` with at most `n` bytes, cut at a char boundary.
fn prefix(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The format an extension suggests.
fn extension_hint(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    Some(match ext {
        "html" | "htm" | "xhtml" => Format::Html,
        "vtt" => Format::WebVtt,
        "srt" => Format::Srt,
        "jsonl" | "ndjson" => Format::JsonLines,
        _ if name.contains(".raw.") || name.contains("transcript") || name.contains("-raw") => {
            Format::Transcript
        }
        _ if name.contains(".page.") || name.contains("session-page") => Format::SessionPage,
        _ => return None,
    })
}

/// A document that starts with markup, or holds a `<html`/`<body` element early on.
fn looks_like_html(start: &str, head: &str) -> bool {
    // Every marker starts with `<`: text without one (most transcripts) is not lower-cased.
    if start.starts_with('<') {
        let lower = prefix(start, 2048).to_ascii_lowercase();
        if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
            return true;
        }
        const TAGS: [&str; 8] = [
            "<head", "<body", "<div", "<p>", "<p ", "<meta", "<title", "<article",
        ];
        if TAGS.iter().any(|t| lower.contains(t)) {
            return true;
        }
    }
    let early = prefix(head, 8192);
    if memchr::memchr(b'<', early.as_bytes()).is_none() {
        return false;
    }
    let early = early.to_ascii_lowercase();
    early.contains("<html") && early.contains("<body")
}

/// SRT (`00:00:01,000 --> …`, cue numbers) or header-less WebVTT (`00:00:01.000 --> …`), when a
/// timing line appears among the first non-empty lines.
fn caption_timing(head: &str) -> Option<Format> {
    let lines: Vec<&str> = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((left, _)) = line.split_once("-->") else {
            continue;
        };
        let left = left.trim();
        let is_time = left.len() >= 7
            && left
                .chars()
                .all(|c| c.is_ascii_digit() || ":.,".contains(c))
            && left.contains(':');
        if !is_time {
            continue;
        }
        let numbered = i > 0 && lines[i - 1].chars().all(|c| c.is_ascii_digit());
        return Some(if left.contains(',') || numbered {
            Format::Srt
        } else {
            Format::WebVtt
        });
    }
    None
}

/// The first non-empty line is a JSON object naming `speaker` or `text`.
fn looks_like_jsonl(start: &str) -> bool {
    let first = start.lines().next().unwrap_or("").trim();
    first.starts_with('{') && (first.contains("\"speaker\"") || first.contains("\"text\""))
}

/// Evidence for (transcript, session page), from line-level markers.
fn scores(head: &str) -> (u32, u32) {
    let mut labels = 0u32;
    let mut page_lines = 0u32;
    let mut transcript = 0u32;
    let mut page = 0u32;
    // The lower-cased line, when it is needed whole (early lines, non-ASCII lines).
    let mut lower_buf = String::new();
    for (i, raw) in lines(head).enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with(">>") {
            labels += 1;
            continue;
        }
        if line.len() > 800 {
            // A caption stream flattened onto one line: its turns are ` >> ` inside it.
            labels += u32::try_from(line.matches(" >> ").count()).unwrap_or(u32::MAX);
        }
        if is_roster_line(line) || is_roster_bullet(line) {
            page_lines += 1;
            continue;
        }
        if i >= 60 && line.is_ascii() {
            // Past the title and disclaimer zone only the start of the line matters: compare
            // its first bytes, lower-cased, without copying the line.
            page += late_line_score(line);
            continue;
        }
        let lower: &str = if line.is_ascii() {
            lower_buf.clear();
            lower_buf.push_str(line);
            lower_buf.make_ascii_lowercase();
            &lower_buf
        } else {
            lower_buf = line.to_lowercase();
            &lower_buf
        };
        if i < 40 && is_raw_title(line) {
            transcript += 6;
        }
        if i < 60 && is_disclaimer(lower) {
            transcript += 6;
        }
        if lower.starts_with("policy question") {
            page += 4;
        }
        if i < 60 && is_page_field(lower) {
            page += 3;
        }
        if i < 40 && is_page_title(line)
            || i < 3 && (is_named_page_title(line) || is_proposal_title(line))
        {
            page += 3;
        }
        if lower.starts_with("key takeaways") || lower.starts_with("call to action") {
            page += 3;
        }
        if matches!(
            lower,
            "onsite moderator" | "online moderator" | "rapporteur" | "moderator" | "speakers"
        ) {
            page += 2;
        }
        // sched.com, where the 2016 and 2017 schedules were: its address, its welcome line,
        // its event pages' furniture.
        if i < 12
            && (lower.starts_with("welcome to igf20")
                || lower == "back to schedule"
                || lower == "time and place:"
                || i < 3 && lower.contains(".sched.com/"))
        {
            page += 6;
        }
        if i < 8 && is_listing_line(line) {
            page += 6;
        }
        if i < 30 && lower.contains(" utc)") && lower.contains(" - ") {
            page += 4;
        }
        // A page whose title was lost starts with the site's bare `Session` heading; its
        // agenda follows.
        if i < 3 && lower == "session" || i < 60 && lower == "session agenda" {
            page += 4;
        }
    }
    transcript += 3 * labels.min(20);
    page += 3 * page_lines.min(20);
    (transcript, page)
}

/// The lines of `s` as [`str::lines`] gives them (`\n` or `\r\n` ends a line, no empty line
/// after a final newline), with the newlines found by `memchr`.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut newlines = memchr::memchr_iter(b'\n', s.as_bytes());
    std::iter::from_fn(move || match newlines.next() {
        Some(nl) => {
            let line = &s[start..nl];
            start = nl + 1;
            Some(line.strip_suffix('\r').unwrap_or(line))
        }
        None if start < s.len() => {
            let line = &s[start..];
            start = s.len();
            Some(line)
        }
        None => None,
    })
}

/// The session-page evidence of an ASCII line from line 60 on: what [`scores`] gives it, from
/// at most its first 16 bytes.
fn late_line_score(line: &str) -> u32 {
    const HEAD: usize = 16;
    let mut head = [0u8; HEAD];
    let n = line.len().min(HEAD);
    head[..n].copy_from_slice(&line.as_bytes()[..n]);
    head[..n].make_ascii_lowercase();
    let head = &head[..n];
    let whole = line.len() <= HEAD;
    let mut page = 0;
    if head.starts_with(b"policy question") {
        page += 4;
    }
    if head.starts_with(b"key takeaways") || head.starts_with(b"call to action") {
        page += 3;
    }
    if whole
        && matches!(
            head,
            b"onsite moderator" | b"online moderator" | b"rapporteur" | b"moderator" | b"speakers"
        )
    {
        page += 2;
    }
    page
}

/// A lower-cased line or paragraph that reads like the captioning disclaimer of an IGF
/// transcript, in any of its wordings: it names captioning (or CART, real-time text,
/// transcription) and warns about accuracy ("authoritative record", "verbatim", "not been
/// edited", "inaudible passages", "rough draft").
pub(crate) fn is_disclaimer(lower: &str) -> bool {
    const SOURCE: [&str; 7] = [
        "caption",
        "cart ",
        "cart)",
        "real-time",
        "realtime",
        "transcri",
        "stenograph",
    ];
    const CAVEAT: [&str; 13] = [
        "outputs of the",
        "output of the",
        "authoritative",
        "verbatim",
        "not been edited",
        "unedited",
        "inaudible passages",
        "rough draft",
        "transcription errors",
        "may be incomplete",
        "not be relied",
        "posted as an aid",
        "not a totally",
    ];
    SOURCE.iter().any(|w| lower.contains(w)) && CAVEAT.iter().any(|w| lower.contains(w))
}

/// Field names and site furniture of session pages and workshop proposals in their layouts
/// since 2010 (`Proposer's Name:`, `Organizer Name`, `Workshop Theme:`, `About this Session`,
/// `Duration (minutes):`, `Go to Report`, `Speaker: Name`, …), lower-cased.
fn is_page_field(lower: &str) -> bool {
    const STARTS: [&str; 23] = [
        "proposer's name",
        "co-proposer's",
        "proposer's organization",
        "organizer name",
        "organizer entity",
        "workshop theme",
        "concise description",
        "consise description",
        "session format:",
        "duration (minutes)",
        "duration of proposed",
        "format description:",
        "about this session",
        "go to report",
        "go back",
        "speaker:",
        "speakers:",
        "moderators:",
        "panelists:",
        "onsite moderator",
        "[back to best practice",
        "additional speakers",
        "organizational affiliation:",
    ];
    STARTS.iter().any(|p| lower.starts_with(p))
        || lower.contains("workshop # ") && lower.ends_with("report")
        || lower.contains("sub theme that this workshop")
        || lower.contains("subtheme that this workshop")
}

/// A page's title: `IGF 2023 WS #225 …`, `IGF 2022 Day 0 Event #16 …`, `IGF 2025 Lightning
/// Talk #219 …` (a session type and number after the year, no RAW marker and no `Day N –`
/// segment of a transcript title).
fn is_page_title(line: &str) -> bool {
    after_page_year(line).is_some_and(|rest| rest.contains('#'))
}

/// What follows `IGF <year>` in a line that may be a page's title, in upper case and from the
/// start of the year (so `2023 WS #225 …`); `None` for a transcript's (RAW) title or a line
/// with no four-digit year after `IGF`.
fn after_page_year(line: &str) -> Option<String> {
    let upper = line.to_uppercase();
    if !upper.starts_with("IGF ") || is_raw_title(line) {
        return None;
    }
    let rest = upper[4..].trim_start();
    let year = rest
        .get(..4)
        .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()));
    year.then(|| rest.to_string())
}

/// The title of a page of a session known by its name: `IGF 2024 BPF Cybersecurity`,
/// `IGF 2021 Main Session …`, `IGF 2019 Dynamic Coalition …` (no RAW marker, no `Day N`).
fn is_named_page_title(line: &str) -> bool {
    const KINDS: [&str; 8] = [
        "BPF",
        "BEST PRACTICE",
        "DYNAMIC COALITION",
        "DC",
        "MAIN SESSION",
        "NRI",
        "HIGH-LEVEL",
        "PARLIAMENTARY",
    ];
    after_page_year(line).is_some_and(|rest| {
        let after = rest.get(4..).unwrap_or("").trim_start();
        KINDS.iter().any(|k| after.starts_with(k))
    })
}

/// The date-and-kind line under a session's title in the friendsoftheigf.org listing
/// (`9 December 2016 - A Workshop on Other in Guadalajara, Mexico`): day, month name, year,
/// ` - A ` and a session kind.
pub(crate) fn is_listing_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let (Some(day), Some(month), Some(year), Some(dash), Some(a)) = (
        words.next(),
        words.next(),
        words.next(),
        words.next(),
        words.next(),
    ) else {
        return false;
    };
    (1..=2).contains(&day.len())
        && day.bytes().all(|b| b.is_ascii_digit())
        && crate::model::MONTH_NAMES.contains(&month)
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(dash, "-" | "\u{2013}")
        && matches!(a, "A" | "An")
        && words.next().is_some()
}

/// A workshop proposal's title line: `No. 132 Title …`, `(No.84) Title …`.
fn is_proposal_title(line: &str) -> bool {
    let rest = line.trim_start_matches('(').trim_start();
    let Some(rest) = rest.strip_prefix("No.") else {
        return false;
    };
    let rest = rest.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (1..=4).contains(&digits) && rest[digits..].trim_start_matches(')').starts_with(' ')
}

/// `Speaker 3: …` or `Organizer 1: …`.
fn is_roster_line(line: &str) -> bool {
    for word in ["Speaker ", "Organizer ", "Organiser "] {
        if let Some(rest) = line.strip_prefix(word) {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            return digits > 0 && rest[digits..].starts_with(':');
        }
    }
    false
}

/// A free-text roster line: `- Name, organisation, civil society, WEOG` (a bullet or a bare
/// line of at least three comma-separated fields, the last naming a stakeholder group or a
/// regional group).
fn is_roster_bullet(line: &str) -> bool {
    const GROUPS: [&str; 14] = [
        "civil society",
        "private sector",
        "government",
        "technical community",
        "intergovernmental",
        "weog",
        "grulac",
        "african group",
        "asia-pacific",
        "asia pacific",
        "eastern europe",
        "latin america",
        "western europe",
        "academia",
    ];
    let body = line.trim_start_matches(['-', '*', '\u{2022}', ' ']);
    if body.len() > 200 || body.matches(',').count() < 2 {
        return false;
    }
    let last = body.rsplit(',').next().unwrap_or("").trim().to_lowercase();
    !last.is_empty() && last.len() < 60 && GROUPS.iter().any(|g| last.contains(g))
}

/// A transcript title: starts with `IGF` and carries a RAW marker or a `Day N` segment.
fn is_raw_title(line: &str) -> bool {
    // Upper-casing maps non-ASCII chars to ASCII letters too (`ı` → `I`), so only an ASCII
    // start can be checked in place.
    if let Some(start) = line.as_bytes().get(..3) {
        if start.is_ascii() && !start.eq_ignore_ascii_case(b"igf") {
            return false;
        }
    }
    let upper = line.to_uppercase();
    if !upper.starts_with("IGF") {
        return false;
    }
    let raw = upper.ends_with("RAW")
        || upper.contains("- RAW")
        || upper.contains("– RAW")
        || upper.contains("(RAW)")
        || upper.contains("--RAW");
    raw || upper.contains("DAY ") && upper.contains(" – ") || upper.contains("FINISHED")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    #[test]
    fn content_decides_and_extension_breaks_ties() {
        let cases: &[(&str, &str, Format)] = &[
            ("<!DOCTYPE html><html><body><p>hi</p></body></html>", "a.txt", Format::Html),
            ("  <div class=\"x\"><p>text</p></div>", "a.txt", Format::Html),
            ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n", "a.txt", Format::WebVtt),
            ("00:00:01.000 --> 00:00:02.000\nhello\n", "a", Format::WebVtt),
            ("1\n00:00:01,000 --> 00:00:02,500\nhello\n", "a.txt", Format::Srt),
            (
                "{\"session\":\"IGF 2023 WS #1\",\"speaker\":\"A\",\"text\":\"hi\"}\n",
                "a.txt",
                Format::JsonLines,
            ),
            (">> MODERATOR: Hello.\n\n>> ANNA: Hi.\n", "a.txt", Format::Transcript),
            (
                "IGF 2023 – Day 2 – WS #9 Something – RAW\n\nplain words only\n",
                "x",
                Format::Transcript,
            ),
            (
                "The following are the outputs of the captioning taken during an IGF intervention.\n",
                "x",
                Format::Transcript,
            ),
            (
                "IGF 2023 WS #9 Title\n\nSpeaker 1: Ann Lee, Government, African Group\n",
                "x.txt",
                Format::SessionPage,
            ),
            (
                "IGF 2023 WS #9 Title\n\nTuesday, 10th October, 2023 (02:00 UTC) - Tuesday, 10th October, 2023 (03:30 UTC)\n",
                "x.txt",
                Format::SessionPage,
            ),
            (
                "No. 61 Where lantern keepers and harbour masters meet?\n\nMira Holt\n\n\nOrganizational Affiliation: Example Harbour Trust\n\n90 minutes\n",
                "notes.txt",
                Format::SessionPage,
            ),
            ("just some words\n", "notes.txt", Format::Unknown),
            ("just some words\n", "2023-ws-1.raw.txt", Format::Transcript),
            ("just some words\n", "2023-ws-1.page.txt", Format::SessionPage),
            ("just some words\n", "x.jsonl", Format::JsonLines),
        ];
        for (text, path, want) in cases {
            assert_eq!(detect(text, &PathBuf::from(path)), *want, "{text:?}");
        }
    }

    #[test]
    fn sched_pages_are_pages_and_php_warnings_alone_are_named() {
        for text in [
            "Lantern rooms for all\nTime and place:\n0900 Monday\nDescription:\nWords.\n",
            "Loading…\nWelcome to IGF2030! Plan below!\nBack To Schedule\nA title\n",
            "# url: https://igf2030.sched.com/list/x\nWelcome to IGF2030! Plan!\nWS4: A title\n",
        ] {
            assert_eq!(
                detect(text, Path::new("x.txt")),
                Format::SessionPage,
                "{text}"
            );
        }
        let warning = "Deprecated: curly braces are deprecated in /x/driver.php on line 9\n\n";
        assert!(only_server_warnings(&warning.repeat(3)));
        let followed = format!("{warning}IGF 2029 WS #18 Lamps – RAW\n\n>> ANA: Hi.\n");
        assert!(!only_server_warnings(&followed));
        assert_eq!(detect(&followed, Path::new("x.txt")), Format::Transcript);
        assert!(!only_server_warnings("\n\n"));
    }

    #[test]
    fn speech_about_key_takeaways_stays_a_transcript() {
        let text = ">> ANNA: Key Takeaways\n\n>> BO: Policy Questions are fine.\n>> ANNA: ok\n";
        assert_eq!(detect(text, Path::new("x.page.txt")), Format::Transcript);
    }

    proptest! {

        /// A transcript (`>> LABEL:` turns, with or without a RAW title) is a transcript
        /// whatever the file is called: content decides.
        #[test]
        fn turns_make_a_transcript_whatever_the_name(
            titled in any::<bool>(),
            turns in proptest::collection::vec(("[A-Z]{2,10}( [A-Z]{2,10})?", "([a-z]{1,8} ){2,20}[a-z]{1,8}"), 2..20),
            name in prop_oneof![Just("x.txt"), Just("2023-ws-1.page.txt"), Just("notes"), Just("a.srt")],
        ) {
            let mut text = String::new();
            if titled {
                text.push_str("IGF 2023 Day 2 WS #12 Risks of the treaty - RAW\n\n");
            }
            for (label, speech) in &turns {
                text.push_str(&format!(">> {label}: {speech}.\n\n"));
            }
            prop_assert_eq!(detect(&text, Path::new(name)), Format::Transcript);
        }

        /// A session page (title, roster lines, policy questions) is a session page whatever
        /// the file is called.
        #[test]
        fn a_roster_makes_a_page_whatever_the_name(
            people in proptest::collection::vec("[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", 2..12),
            name in prop_oneof![Just("x.txt"), Just("2023-ws-1.raw.txt"), Just("notes")],
        ) {
            let mut text = String::from("IGF 2023 WS #12 Risks of the treaty\n\nSpeakers\n");
            for (i, p) in people.iter().enumerate() {
                text.push_str(&format!("Speaker {}: {p}, Civil Society, African Group\n", i + 1));
            }
            text.push_str("\nPolicy Question(s)\nWhat now?\n");
            prop_assert_eq!(detect(&text, Path::new(name)), Format::SessionPage);
        }

        /// A RAW title is a line that starts with IGF (any case) and carries a RAW marker or a
        /// `Day N` segment; a line that does not start with IGF never is one.
        #[test]
        fn raw_titles_start_with_igf_and_carry_a_marker(
            middle in "[A-Za-z0-9 #]{0,30}",
            marker in prop_oneof![Just(" - RAW"), Just(" – RAW"), Just(" (RAW)"), Just("--RAW"), Just(" RAW")],
            igf in prop_oneof![Just("IGF"), Just("igf"), Just("Igf")],
            other in "[^iI\u{131}\u{130}][a-zA-Z ]{0,30}",
        ) {
            let title = format!("{igf} {middle}{marker}");
            prop_assert!(is_raw_title(&title), "{}", title);
            prop_assert!(!is_raw_title(&other), "{}", other);
        }

        /// The disclaimer names captioning (or transcription) and warns about accuracy, in any
        /// order and wording around them; without a source word it is no disclaimer.
        #[test]
        fn disclaimers_name_a_source_and_a_caveat(
            before in "[a-z ]{0,20}",
            between in "[a-z ]{0,20}",
            source in prop_oneof![Just("captioning"), Just("cart "), Just("real-time text"), Just("transcript")],
            caveat in prop_oneof![Just("verbatim"), Just("not been edited"), Just("authoritative"), Just("rough draft")],
            plain in "[a-bd-z ]{0,60}",
        ) {
            let (one, two) = (before.clone() + source + &between + caveat, before + caveat + &between + source);
            prop_assert!(is_disclaimer(&one), "{}", one);
            prop_assert!(is_disclaimer(&two), "{}", two);
            let none = plain + caveat;
            prop_assert!(!is_disclaimer(&none), "{}", none);
        }

        #[test]
        fn lines_split_as_std_does(s in "[a\n\r é]{0,40}") {
            prop_assert_eq!(lines(&s).collect::<Vec<_>>(), s.lines().collect::<Vec<_>>());
        }

        #[test]
        fn detect_never_panics(s in any::<String>(), name in "[a-z.]{0,12}") {
            let _ = detect(&s, Path::new(&name));
        }
    }
}
