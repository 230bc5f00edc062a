//! Session pages of the IGF website, saved as text, in both layouts: the classic one (title,
//! UTC date line, room, tracks, `Organizer N:`/`Speaker N:` lines, moderator headings, format
//! line, blocks) and the newer one indented by four spaces with field names (Time, Room,
//! Subtheme, Moderator, Format, …) on lines of their own.
//!
//! Input: decoded text. Output: a [`SessionPage`]: key (title, else file name), title (joined
//! when split over two lines), ISO start date, room, tracks, roster, format, policy questions,
//! description, expected outcomes, key takeaways, calls to action.
//!
//! Roster rules: `Organizer N:` lines give organizers (an affiliation hidden by a lock emoji or
//! its mojibake is `None`; anonymised lines holding only a stakeholder group and a region name
//! nobody and are skipped); `Speaker N: Name, Stakeholder, Region` lines, free text running
//! name/organisation/region together, or bullets give speakers; moderators, online moderators
//! and rapporteurs come from their headings or, where the headings were lost, from position (a
//! bare `name, stakeholder, region` line after the speakers is the moderator, a later block the
//! online moderator, then the rapporteur). Repeated lines are listed once; one person in two
//! roles is listed once per role, and entries of one person share what each knows (stakeholder,
//! region, affiliation). Deliberately does not match roster names against transcript labels.

use super::pattern::static_regex;
use crate::error::{Error, Result};
use crate::model::{KeySource, Role, RosterEntry, SessionKey, SessionPage, Stakeholder};
use crate::text::normalize_for_matching;
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use super::annotation::squeeze;
use super::identity::{identify, proposal, provenance, year_in_text, Identity};
use super::page_lines::{
    is_page_debris, is_person_bullet, is_room_line, parse_date, question_like, split_questions,
    strip_marker, url_name, year_in_title,
};
use super::roster::{
    has_group_or_region, parse_dash_roster, parse_free_roster, parse_honorific_roster,
    parse_person, parse_pipe_roster, person_like, share_known_fields, starts_with_honorific,
    strip_bullet, Person,
};
use super::sched::{fill_identity, is_sched, read_sched};
use super::title::{
    clean_title, find_code_in, is_title_line, named_from, named_without_year, parse_session_key,
    year_from_path,
};

/// Parses a session page. Fails only when the text holds nothing but whitespace; a page without
/// a roster parses (with an empty roster) and the pipeline reports it.
pub fn parse_session_page(text: &str, path: &Path) -> Result<SessionPage> {
    let mut lines: Vec<&str> = text.lines().map(str::trim).collect();
    if lines.iter().all(|l| l.is_empty()) {
        return Err(Error::InputFile {
            path: path.to_path_buf(),
            message: "empty session page".into(),
        });
    }
    let url = take_provenance(&mut lines);
    let address = url.as_ref().map(|(u, _)| u.clone());
    let sched =
        is_sched(&lines, address.as_deref()).then(|| read_sched(&lines, address.as_deref()));
    let mut p = PageParser::new(&lines);
    p.run();
    let (mut id, mut title) =
        page_identity(&lines, p.title.as_deref(), p.date.as_deref(), url, path);
    if let Some(s) = sched {
        (id, title) = fill_identity(id, title, &s);
        // sched.com lists names surname first, which the page parser misreads: its own
        // roster, when it finds one, replaces the parser's.
        if !s.roster.is_empty() {
            p.roster.clear();
            p.seen.clear();
            for (person, role) in s.roster {
                p.add(person, role);
            }
        }
    }
    let mut roster = p.roster;
    share_known_fields(&mut roster);
    Ok(SessionPage {
        key: id.key,
        url: id.url,
        key_source: id.source,
        title,
        date: p.date,
        room: p.room,
        tracks: p.tracks,
        roster,
        format: p.format,
        policy_questions: split_questions(&p.policy),
        description: p.description.join("\n\n"),
        expected_outcomes: p.outcomes.join("\n\n"),
        key_takeaways: p.takeaways.into_iter().map(|s| strip_marker(&s)).collect(),
        call_to_action: p.actions.into_iter().map(|s| strip_marker(&s)).collect(),
        source: path.to_path_buf(),
    })
}

/// A provenance line among a page's first lines (`# url: …`): its address; the line is
/// blanked (it is neither title nor content).
fn take_provenance(lines: &mut [&str]) -> Option<(String, KeySource)> {
    let mut seen = 0;
    for line in lines.iter_mut() {
        if line.is_empty() {
            continue;
        }
        if let Some(found) = provenance(line) {
            *line = "";
            return Some(found);
        }
        seen += 1;
        if seen >= 3 {
            break;
        }
    }
    None
}

/// A page's session identity and title, in order: a numbered code in its title line; a
/// proposal number (`No. 77 …`) or a code line (`Workshop # 15 Report`) near the top with the
/// year of its title line, schedule or text; a named session in its title line; its address
/// or file name ([`identify`]); else the year with the first title-like line, or with the file
/// name's words.
fn page_identity(
    lines: &[&str],
    title_line: Option<&str>,
    date: Option<&str>,
    url: Option<(String, KeySource)>,
    path: &Path,
) -> (Identity, String) {
    let head: Vec<&str> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .take(30)
        .copied()
        .collect();
    let title_key = title_line.and_then(parse_session_key);
    let year = date
        .and_then(|d| d.get(..4)?.parse().ok())
        .or_else(|| title_line.and_then(year_in_title))
        .or_else(|| year_in_text(&head.join("\n")));
    // The page's first line after site debris, when it reads like a title (saved pages that
    // lost their `IGF …` title line often open with the bare title).
    let first_line = head
        .iter()
        .find(|l| !is_page_debris(l))
        .filter(|l| {
            heading(l).is_none()
                && parse_date(l).is_none()
                && l.chars().count() <= 150
                && l.split_whitespace().count() >= 3
                && !l.ends_with(['.', ':'])
                && !NUMBERED_PERSON.is_match(l)
        })
        .copied();
    let proposal = head.iter().find_map(|l| proposal(l));
    // A room line (`WS 1 – Annex Hall 1`, `Workshop Room 4`), or the line under a `Room`
    // heading, names a place, never the session.
    let code_line = head
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            let under_room = *i > 0 && head[i - 1].trim().eq_ignore_ascii_case("room");
            !(l.chars().count() > 60
                || NUMBERED_PERSON.is_match(l)
                || is_room_line(l)
                || under_room)
        })
        .find_map(|(_, l)| find_code_in(l));
    let with_year = |code: String| year.map(|year| SessionKey { year, code });
    let titled = |key: SessionKey, title: String| {
        let id = Identity {
            key: Some(key),
            source: Some(KeySource::Title),
            url: url.as_ref().map(|(u, _)| u.clone()),
            year,
            code: None,
        };
        (id, title)
    };
    let clean = |t: &str| clean_title(t);
    if let Some(k) = title_key.clone().filter(|k| k.code.contains('#')) {
        return titled(k, title_line.map(clean).unwrap_or_default());
    }
    if let Some((code, title)) = &proposal {
        // A proposal page rarely says its year; its file name may.
        let year = year.or_else(|| year_from_path(path));
        if let Some(year) = year {
            let key = SessionKey {
                year,
                code: code.clone(),
            };
            return titled(key, title.clone());
        }
    }
    if let Some(k) = code_line.clone().and_then(with_year) {
        let title = first_line.or(title_line).map(clean).unwrap_or_default();
        return titled(k, title);
    }
    if let Some(k) = title_key {
        return titled(k, title_line.map(clean).unwrap_or_default());
    }
    let fallback_title = proposal
        .map(|(_, t)| t)
        .or_else(|| first_line.map(clean))
        .unwrap_or_default();
    let url_source = url.as_ref().map(|(_, s)| *s);
    let id = identify(None, url, path, year);
    if id.key.is_some() {
        return (id, fallback_title);
    }
    let first_name = first_line.and_then(named_from);
    named_identity(id, first_name, url_source, path, fallback_title)
}

/// A page nothing numbers: the session name of its first line, else of its address's words
/// (`…/content/navigating%20global%20cyber…`), else of its file name when that names a kind of
/// session (never `page01`), each with the page's year.
fn named_identity(
    mut id: Identity,
    first_name: Option<String>,
    url_source: Option<KeySource>,
    path: &Path,
    title: String,
) -> (Identity, String) {
    let from_url = id.url.as_deref().and_then(url_name);
    let with_year = |code: String| id.year.map(|year| SessionKey { year, code });
    let stem = || named_without_year(&path.file_stem()?.to_string_lossy());
    let found = if let Some(k) = first_name.and_then(with_year) {
        Some((k, KeySource::Title))
    } else if let (Some(k), Some(source)) = (from_url.clone().and_then(with_year), url_source) {
        Some((k, source))
    } else {
        stem().and_then(with_year).map(|k| (k, KeySource::FileName))
    };
    if let Some((k, source)) = found {
        id.key = Some(k);
        id.source = Some(source);
    }
    let title = if title.is_empty() {
        from_url.unwrap_or_default()
    } else {
        title
    };
    (id, title)
}

/// The block a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before any heading, or unlabelled text after the roster (the description).
    Free,
    Time,
    Room,
    Tracks,
    Organizers,
    Speakers,
    Role(Role),
    Format,
    Policy,
    Description,
    Outcomes,
    Takeaways,
    Action,
    /// A block that is read past (SDGs, agenda, diversity, session report, …).
    Skip,
}

/// The field a heading line names.
fn heading(line: &str) -> Option<Section> {
    if line.chars().count() > 90 {
        return None;
    }
    let mut base = line.to_lowercase().replace("(s)", "s");
    if let Some(i) = base.find(" (") {
        base.truncate(i);
    }
    let base = base.trim().trim_end_matches(':').trim();
    Some(match base {
        "time" | "date" | "date and time" => Section::Time,
        "room" | "venue" | "location" => Section::Room,
        "subtheme" | "subthemes" | "sub-theme" | "sub-themes" | "theme" | "themes" | "issues"
        | "track" | "tracks" | "thematic track" | "thematic tracks" => Section::Tracks,
        "organizers" | "organisers" | "organizer" | "organiser" | "organizing team"
        | "co-organizers" | "organizer name" | "organiser name" => Section::Organizers,
        "speakers"
        | "speaker"
        | "panelists"
        | "panellists"
        | "presenters"
        | "additional speakers"
        | "confirmed speakers"
        | "speakers provisionally confirmed"
        | "updated lineup of speakers"
        | "resource persons" => Section::Speakers,
        "moderator"
        | "moderators"
        | "onsite moderator"
        | "on-site moderator"
        | "onsite moderators"
        | "in-person moderator"
        | "facilitator" => Section::Role(Role::Moderator),
        "online moderator" | "online moderators" | "remote moderator" => {
            Section::Role(Role::OnlineModerator)
        }
        "rapporteur" | "rapporteurs" => Section::Role(Role::Rapporteur),
        "format" | "session format" => Section::Format,
        // The bare `Session` line that opens 2022–2025 pages: what follows is the page itself.
        "session" => Section::Free,
        "policy questions" | "policy question" => Section::Policy,
        "description" | "session description" | "session content" => Section::Description,
        "expected outcomes" | "expected outcome" => Section::Outcomes,
        "key takeaways" | "key takeaway" => Section::Takeaways,
        "call to action" | "calls to action" | "call-to-action" => Section::Action,
        "sdgs"
        | "sdg"
        | "targets"
        | "relevance to theme"
        | "relevance to internet governance"
        | "diversity"
        | "interventions"
        | "agenda"
        | "online participation"
        | "discussion facilitation"
        | "session report"
        | "report"
        | "connection with previous messages"
        | "language"
        | "languages"
        | "organizer entity"
        | "hybrid format"
        | "content of the session"
        | "additional information"
        | "background paper"
        | "other" => Section::Skip,
        _ => return None,
    })
}

/// Paragraph openers that label their own content (`Hybrid Format: …`).
fn inline_label(line: &str) -> Option<Section> {
    let lower = line.to_lowercase();
    const SKIPPED: [&str; 10] = [
        "what will participants gain",
        "hybrid format:",
        "targets:",
        "format description:",
        "relevance to theme:",
        "relevance to internet governance:",
        "online participation:",
        "discussion facilitation:",
        "diversity:",
        "check-in and access this session",
    ];
    if SKIPPED.iter().any(|p| lower.starts_with(p)) {
        return Some(Section::Skip);
    }
    if lower.starts_with("description:") {
        return Some(Section::Description);
    }
    None
}

/// `Panel - 90 Min`, `Round Table - U-shape - 90 Min`, `Panel - Auditorium - 90 Min`.
static FORMAT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?i)^[A-Za-z][A-Za-z /&\-]{1,60}?\s*[-–]\s*\d{2,3}\s*min(?:utes|s)?\.?$")
});

/// `Duration (minutes): 60`.
static DURATION: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)^duration\s*\(?minutes\)?\s*:\s*(\d{1,3})"));

/// `Organizer 1: …`, `Speaker 3: …`, `Speaker: …` (proposals, no number).
static NUMBERED_PERSON: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)^(organi[sz]er|speaker)\s*\d{0,3}\s*:\s*(.*)$"));

/// `Proposer's Name: Mr. Carlos Alberto Afonso`, `Co-Proposer's Name: Ms. Timea Suto`.
static PROPOSER: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?i)^(?:co-)?proposer'?s\s+name\s*:\s*(?:(?:mr|ms|mrs|dr|prof)\.?\s+)?(\S.*)$")
});

/// A bullet of an `UPDATED LINEUP` block: `• Moderator onsite: Zahid JAMIL, barrister at law`,
/// `• Moderator online and rapporteur: …`, `• Speaker 3 John HERING, Microsoft`.
/// A listing bullet: `• Name (Organisation)` (friendsoftheigf.org session pages), a name of
/// two to five capitalised words.
static NAME_ORG_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"^[•●▪·*\-]\s*(\p{Lu}[\p{L}'’.\-]*(?:\s+\p{Lu}[\p{L}'’.\-]*){1,4})\s*\(([^()]{2,120})\)\s*$",
    )
});

static LINEUP_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)^[•●▪·*\-]\s*(moderator\s+onsite|onsite\s+moderator|moderator\s+online\s+and\s+rapporteur|moderator\s+online|online\s+moderator|moderator|rapporteur|speaker\s*\d{0,3})\s*:?\s+(\S.*)$",
    )
});

/// A role and its people on one line: `Speakers: Ann Lee, Example Labs, civil society, WEOG`.
static INLINE_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)^(speakers?|panell?ists?|presenters?|onsite\s+moderators?|online\s+moderators?|moderators?|rapporteurs?)\s*:\s*(\S.*)$",
    )
});

/// An SDG line: `16. Peace, Justice …`, `GOAL 16: …`, `SDG 16. …`, `16.2`.
static SDG: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)^(?:sdg\s*|goal\s*)?\d{1,2}(?:\.\d{1,2})?[.:]?(?:\s|$)"));

/// Line-by-line reader of a page.
struct PageParser<'a> {
    lines: &'a [&'a str],
    title: Option<String>,
    date: Option<String>,
    room: Option<String>,
    tracks: Vec<String>,
    roster: Vec<RosterEntry>,
    seen: HashSet<(String, Role)>,
    format: Option<String>,
    format_word: Option<String>,
    duration: Option<String>,
    policy: Vec<String>,
    description: Vec<String>,
    outcomes: Vec<String>,
    takeaways: Vec<String>,
    actions: Vec<String>,
}

/// Where the walk over a page's lines is.
struct Walk<'a> {
    section: Section,
    /// Among the people lines; `roster_done` once they have ended.
    roster_zone: bool,
    roster_done: bool,
    /// The role the next person line takes by position (headings lost).
    implied: Option<Role>,
    first_after_heading: bool,
    /// A blank line since the last roster line.
    gap: bool,
    /// Index of the line that gave the date.
    last_date_line: Option<usize>,
    /// The paragraph being read, and the section it belongs to.
    para: Vec<&'a str>,
    para_section: Section,
}

impl Default for Walk<'_> {
    fn default() -> Self {
        Walk {
            section: Section::Free,
            roster_zone: false,
            roster_done: false,
            implied: None,
            first_after_heading: false,
            gap: false,
            last_date_line: None,
            para: Vec::new(),
            para_section: Section::Free,
        }
    }
}

impl Walk<'_> {
    /// Leaves the roster (when in it): no person line follows.
    fn end_roster(&mut self) {
        if self.roster_zone {
            self.roster_done = true;
        }
        self.roster_zone = false;
    }
}

impl<'a> PageParser<'a> {
    fn new(lines: &'a [&'a str]) -> Self {
        PageParser {
            lines,
            title: None,
            date: None,
            room: None,
            tracks: Vec::new(),
            roster: Vec::new(),
            seen: HashSet::new(),
            format: None,
            format_word: None,
            duration: None,
            policy: Vec::new(),
            description: Vec::new(),
            outcomes: Vec::new(),
            takeaways: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// Index of the title line, joining a continuation line into `self.title`; returns the
    /// index of the first line after the title.
    fn read_title(&mut self) -> usize {
        let lines = self.lines;
        let found = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .take(25)
            .find(|(_, l)| is_title_line(l) && !l.to_lowercase().starts_with("check-in"));
        let Some((i, line)) = found else {
            return 0;
        };
        let mut title = line.to_string();
        let mut next = i + 1;
        if let Some(cont) = lines.get(i + 1) {
            let continues = !cont.is_empty()
                && cont.chars().count() < 120
                && heading(cont).is_none()
                && parse_date(cont).is_none()
                && !NUMBERED_PERSON.is_match(cont)
                && !FORMAT_LINE.is_match(cont)
                && !title.ends_with(['.', '?', '!']);
            if continues {
                title.push(' ');
                title.push_str(cont);
                next = i + 2;
            }
        }
        self.title = Some(title);
        next
    }

    /// Walks the lines after the title: headings switch sections, the schedule gives the date
    /// and room, person lines fill the roster (by heading, or by position where headings were
    /// lost), the rest is prose of the current section.
    fn run(&mut self) {
        let start = self.read_title();
        let lines = self.lines;
        let mut w = Walk::default();
        for (idx, &line) in lines.iter().enumerate().skip(start) {
            if line.is_empty() {
                w.gap = true;
                self.flush(&mut w.para, w.para_section);
                continue;
            }
            let handled = self.heading_line(&mut w, line)
                || self.schedule_line(&mut w, line, idx)
                || self.person_or_format_line(&mut w, line)
                || self.free_roster_line(&mut w, line)
                || self.section_line(&mut w, line, idx);
            if !handled {
                self.prose_line(&mut w, line);
            }
        }
        self.flush(&mut w.para, w.para_section);
    }

    /// A heading: the section it opens, and whether the roster starts or ends there.
    fn heading_line(&mut self, w: &mut Walk<'a>, line: &str) -> bool {
        let Some(h) = heading(line) else {
            return false;
        };
        self.flush(&mut w.para, w.para_section);
        w.section = h;
        w.first_after_heading = true;
        w.gap = false;
        match h {
            Section::Role(r) => {
                w.roster_zone = true;
                w.implied = Some(r);
            }
            Section::Organizers | Section::Speakers => w.roster_zone = true,
            Section::Format
            | Section::Policy
            | Section::Description
            | Section::Outcomes
            | Section::Takeaways
            | Section::Action => w.end_roster(),
            _ => {}
        }
        true
    }

    /// Dates and rooms: they sit right under the title or under Time/Room. `idx` is the
    /// line's index.
    fn schedule_line(&mut self, w: &mut Walk<'a>, line: &str, idx: usize) -> bool {
        if self.date.is_none()
            && (w.section == Section::Time
                || (!w.roster_zone && !w.roster_done && line.to_lowercase().contains("utc"))
                || idx < 8 && crate::read::is_listing_line(line))
        {
            if let Some(d) = parse_date(line) {
                self.date = Some(d);
                w.last_date_line = Some(idx);
                w.gap = false;
                return true;
            }
        }
        if w.section == Section::Room && self.room.is_none() {
            self.room = Some(squeeze(line));
            w.section = Section::Free;
            return true;
        }
        if self.room.is_none()
            && w.last_date_line.is_some_and(|d| d + 1 == idx)
            && w.section != Section::Time
            && !NUMBERED_PERSON.is_match(line)
        {
            self.room = Some(squeeze(line));
            return true;
        }
        if w.section == Section::Time {
            w.section = Section::Free;
        }
        false
    }

    /// `Speaker N: …` / `Organizer N: …` lines, the duration and the session format.
    fn person_or_format_line(&mut self, w: &mut Walk<'a>, line: &str) -> bool {
        if let Some(c) = NUMBERED_PERSON.captures(line) {
            self.flush(&mut w.para, w.para_section);
            let role = if c[1].to_lowercase().starts_with("organi") {
                Role::Organizer
            } else {
                Role::Speaker
            };
            if role == Role::Speaker {
                w.implied = None;
            }
            if let Some(person) = parse_person(&c[2], role == Role::Organizer) {
                self.add(person, role);
            }
            w.roster_zone = true;
            w.gap = false;
            return true;
        }
        if let Some(d) = DURATION.captures(line) {
            self.duration = Some(d[1].to_string());
            self.finish_format();
            return true;
        }
        if FORMAT_LINE.is_match(line) && self.format.is_none() {
            self.flush(&mut w.para, w.para_section);
            self.format = Some(squeeze(line));
            w.end_roster();
            w.section = Section::Free;
            return true;
        }
        false
    }

    /// Rosters written as free text: a proposal's people (`Proposer's Name:`, honorific
    /// lines), the bullets of an `UPDATED LINEUP` block with their roles, a role and its people
    /// on one line, pipe rosters, and dash rosters under a speakers heading.
    fn free_roster_line(&mut self, w: &mut Walk<'a>, line: &str) -> bool {
        let mut found: Vec<(Person, Role)> = Vec::new();
        if let Some(c) = PROPOSER.captures(line) {
            found.extend(parse_person(&c[1], true).map(|p| (p, Role::Organizer)));
        } else if starts_with_honorific(line)
            && line
                .split(',')
                .any(|f| Stakeholder::parse(f.trim()).is_some())
        {
            found.extend(
                parse_honorific_roster(line)
                    .into_iter()
                    .map(|p| (p, Role::Organizer)),
            );
        } else if let Some(c) = LINEUP_BULLET.captures(line) {
            let roles = lineup_roles(&c[1]);
            if let Some(p) = parse_person(&c[2], false) {
                found.extend(roles.into_iter().map(|r| (p.clone(), r)));
            }
        } else if let Some(c) = INLINE_ROLE.captures(line) {
            let role = lineup_roles(&c[1])
                .first()
                .copied()
                .unwrap_or(Role::Speaker);
            found.extend(people_of(&c[2]).into_iter().map(|p| (p, role)));
        } else if line.matches(" | ").count() >= 3 {
            let role = match w.section {
                Section::Speakers => Role::Speaker,
                Section::Role(r) => r,
                _ => Role::Organizer,
            };
            found.extend(parse_pipe_roster(line).into_iter().map(|p| (p, role)));
        } else if let Some(c) = NAME_ORG_BULLET.captures(line) {
            let role = match w.section {
                Section::Role(r) => r,
                Section::Organizers => Role::Organizer,
                _ => Role::Speaker,
            };
            found.extend(parse_person(&format!("{}, {}", &c[1], &c[2]), false).map(|p| (p, role)));
        } else if is_person_bullet(line) {
            // `- Name, organisation, civil society, WEOG` under any heading (a steering
            // committee, a lineup): a speaker unless the heading says otherwise.
            let role = match w.section {
                Section::Role(r) => r,
                Section::Organizers => Role::Organizer,
                _ => Role::Speaker,
            };
            found.extend(parse_person(line, false).map(|p| (p, role)));
        } else if w.section == Section::Speakers && !has_group_or_region(line) {
            found.extend(
                parse_dash_roster(line)
                    .into_iter()
                    .map(|p| (p, Role::Speaker)),
            );
        } else if w.section == Section::Free && !w.roster_zone {
            // Organizers whose heading was lost, run onto one line after the description:
            // `Ann Lee, Org, civil society, EEG Bo Kim, Country, government, WEOG`.
            found.extend(
                headless_organizers(line)
                    .into_iter()
                    .map(|p| (p, Role::Organizer)),
            );
        }
        if found.is_empty() {
            return false;
        }
        self.flush(&mut w.para, w.para_section);
        for (p, r) in found {
            self.add(p, r);
        }
        w.roster_zone = true;
        w.gap = false;
        true
    }

    /// Whether the next line with text after `idx` is a moderator or rapporteur heading.
    fn role_heading_follows(&self, idx: usize) -> bool {
        self.lines[idx + 1..]
            .iter()
            .find(|l| !l.is_empty())
            .is_some_and(|l| matches!(heading(l), Some(Section::Role(_))))
    }

    /// A line read by the section it is in (roster lines, format words, tracks); false when
    /// it is prose after all. `idx` is the line's index.
    fn section_line(&mut self, w: &mut Walk<'a>, line: &str, idx: usize) -> bool {
        if w.section == Section::Speakers
            && w.gap
            && has_group_or_region(line)
            && self.role_heading_follows(idx)
        {
            // `Additional Speakers`, a gap, then a person right before `Online Moderator`: the
            // moderator whose heading was lost.
            w.section = Section::Free;
        }
        match w.section {
            Section::Role(r) if w.roster_zone => {
                if let Some(person) = parse_person(line, false).filter(|_| person_like(line)) {
                    let role = if let Some(named) = role_named_in(line) {
                        named
                    } else if w.first_after_heading || !w.gap {
                        r
                    } else {
                        next_role(r)
                    };
                    w.section = Section::Role(role);
                    self.add(person, role);
                    w.first_after_heading = false;
                    w.gap = false;
                    return true;
                }
                // Not a person: the roster is over.
                w.end_roster();
                w.section = Section::Free;
            }
            Section::Organizers if person_like(line) => {
                if let Some(person) = parse_person(strip_bullet(line), true) {
                    self.add(person, Role::Organizer);
                }
                return true;
            }
            Section::Speakers => {
                if person_like(line) || has_group_or_region(line) {
                    for person in parse_free_roster(line) {
                        self.add(person, Role::Speaker);
                    }
                    w.gap = false;
                    return true;
                }
                w.section = Section::Free;
            }
            Section::Free if w.roster_zone && has_group_or_region(line) && person_like(line) => {
                if let Some(person) = parse_person(line, false) {
                    let role = match w.implied {
                        None => Role::Moderator,
                        Some(r) if w.gap => next_role(r),
                        Some(r) => r,
                    };
                    w.implied = Some(role);
                    self.add(person, role);
                    w.gap = false;
                    return true;
                }
            }
            Section::Format if line.split_whitespace().count() <= 8 => {
                if self.format_word.is_none() {
                    self.format_word = Some(squeeze(line));
                    self.finish_format();
                }
                return true;
            }
            Section::Format if line.to_lowercase().starts_with("format description") => {
                return true;
            }
            Section::Format => w.section = Section::Free,
            Section::Tracks => {
                if line.split_whitespace().count() <= 14 {
                    self.tracks.push(squeeze(strip_bullet(line)));
                    return true;
                }
                w.section = Section::Free;
            }
            _ => {}
        }
        false
    }

    /// Prose: labelled paragraphs, tracks between the schedule and the roster, list items.
    fn prose_line(&mut self, w: &mut Walk<'a>, line: &'a str) {
        if w.roster_zone && line.split_whitespace().count() > 20 {
            w.end_roster();
        }
        if let Some(s) = inline_label(line) {
            self.flush(&mut w.para, w.para_section);
            w.para_section = s;
            if s == Section::Description {
                let rest = line.split_once(':').map_or("", |(_, r)| r.trim());
                if !rest.is_empty() {
                    w.para.push(rest);
                }
            } else {
                w.para.push(line);
            }
            if matches!(w.section, Section::Policy | Section::Outcomes) {
                w.section = Section::Free;
            }
            return;
        }
        if w.section == Section::Free
            && !w.roster_zone
            && !w.roster_done
            && self.roster.is_empty()
            && line.split_whitespace().count() <= 12
            && !line.ends_with('.')
        {
            // Short lines between the schedule and the roster: tracks.
            self.tracks.push(squeeze(line));
            return;
        }
        if w.section == Section::Free && line.chars().count() < 100 && SDG.is_match(line) {
            return;
        }
        if w.para.is_empty() {
            w.para_section = match w.section {
                Section::Policy if !self.policy.is_empty() && !question_like(line) => {
                    w.section = Section::Free;
                    Section::Free
                }
                s => s,
            };
        }
        // In lists every line is an item (pages are not hard-wrapped).
        if matches!(
            w.para_section,
            Section::Policy | Section::Takeaways | Section::Action
        ) && !w.para.is_empty()
        {
            self.flush(&mut w.para, w.para_section);
        }
        w.para.push(line);
    }

    /// Stores a finished paragraph in the block it belongs to.
    fn flush(&mut self, para: &mut Vec<&str>, section: Section) {
        if para.is_empty() {
            return;
        }
        let text = squeeze(&para.join(" "));
        para.clear();
        match section {
            Section::Policy => self.policy.push(text),
            Section::Free | Section::Description if self.roster_or_schedule_seen() => {
                self.description.push(text)
            }
            Section::Outcomes => self.outcomes.push(text),
            Section::Takeaways => self.takeaways.push(text),
            Section::Action => self.actions.push(text),
            _ => {}
        }
    }

    fn roster_or_schedule_seen(&self) -> bool {
        !self.roster.is_empty() || self.date.is_some() || self.format.is_some()
    }

    fn finish_format(&mut self) {
        match (&self.format_word, &self.duration) {
            (Some(w), Some(d)) if !w.to_lowercase().contains("min") => {
                self.format = Some(format!("{w} - {d} Min"));
            }
            (Some(w), _) => self.format = Some(w.clone()),
            (None, _) => {}
        }
    }

    fn add(&mut self, person: Person, role: Role) {
        let key = (normalize_for_matching(&person.name), role);
        if !self.seen.insert(key) {
            return;
        }
        self.roster.push(RosterEntry {
            name: person.name,
            affiliation: person.affiliation,
            stakeholder: person.stakeholder,
            region: person.region,
            role,
        });
    }
}

/// A line outside any roster heading that runs two or more people together, each with a
/// stakeholder group and a regional group; else nobody (prose that names groups).
fn headless_organizers(line: &str) -> Vec<Person> {
    if !has_group_or_region(line) || line.contains(". ") {
        return Vec::new();
    }
    let people = parse_free_roster(line);
    let complete = people.len() >= 2
        && people.iter().all(|p| {
            p.stakeholder != Stakeholder::Unknown
                && p.region != crate::model::Region::Unknown
                && p.name.split_whitespace().count() >= 2
        });
    if complete {
        people
    } else {
        Vec::new()
    }
}

/// The roles a lineup bullet or inline label names.
fn lineup_roles(label: &str) -> Vec<Role> {
    let l = label.to_lowercase();
    if l.contains("online") && l.contains("rapporteur") {
        vec![Role::OnlineModerator, Role::Rapporteur]
    } else if l.contains("online") {
        vec![Role::OnlineModerator]
    } else if l.contains("rapporteur") {
        vec![Role::Rapporteur]
    } else if l.contains("moderator") {
        vec![Role::Moderator]
    } else {
        vec![Role::Speaker]
    }
}

/// The role a person line names in its last field (`Jane Doe, Ministry, Rapporteur`, `…, Host
/// and In Person Moderator`, `…, Online Moderators`).
fn role_named_in(line: &str) -> Option<Role> {
    let last = line.rsplit(',').next()?.to_lowercase();
    if last.contains("online moderator") || last.contains("remote moderator") {
        Some(Role::OnlineModerator)
    } else if last.contains("rapporteur") {
        Some(Role::Rapporteur)
    } else if last.contains("moderator") {
        Some(Role::Moderator)
    } else {
        None
    }
}

/// The people of an inline roster: a pipe roster, people run together and split at their
/// regions, or one person.
fn people_of(text: &str) -> Vec<Person> {
    if text.matches(" | ").count() >= 3 {
        return parse_pipe_roster(text);
    }
    let people = parse_free_roster(text);
    if people.is_empty() {
        parse_person(text, false).into_iter().collect()
    } else {
        people
    }
}

/// The role that follows `r` when moderator headings were lost.
fn next_role(r: Role) -> Role {
    match r {
        Role::Speaker => Role::Moderator,
        Role::Moderator => Role::OnlineModerator,
        _ => Role::Rapporteur,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_give_the_iso_start() {
        let cases = [
            ("Tuesday, 10th October, 2023 (23:30 UTC) - Wednesday, 11th October, 2023 (02:00 UTC)", Some("2023-10-10")),
            ("Thursday, 1st December, 2022 (10:50 UTC) - Thursday, 1st December, 2022 (12:20 UTC)", Some("2022-12-01")),
            ("December 17, 2024 10:30 UTC", Some("2024-12-17")),
            ("Workshop Room 2", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_date(line).as_deref(), want, "{line}");
        }
    }

    #[test]
    fn policy_questions_split_by_letters_bullets_and_question_marks() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["A. Why this? B. How so? C. Who decides?"],
                &["Why this?", "How so?", "Who decides?"],
            ),
            (&["1. One thing 2. Another"], &["One thing", "Another"]),
            (&["- First?", "- Second?"], &["First?", "Second?"]),
            (
                &["How to do a? Why is b? How to c?"],
                &["How to do a?", "Why is b?", "How to c?"],
            ),
            (
                &["A single question about plan B. It stays whole?"],
                &["A single question about plan B. It stays whole?"],
            ),
        ];
        for (blocks, want) in cases {
            let blocks: Vec<String> = blocks.iter().map(|s| s.to_string()).collect();
            assert_eq!(split_questions(&blocks), *want, "{blocks:?}");
        }
    }

    /// Organizers whose heading was lost, run together on one line after the description
    /// (issue 15): each becomes an organizer with their group; prose naming groups does not.
    #[test]
    fn organizers_run_together_without_a_heading_are_read() {
        let text = "IGF 2031 Open Forum #9 Lantern drills for harbour towns\n\n\
            Thursday, 12th October, 2031 (02:30 UTC) - Thursday, 12th October, 2031 (03:30 UTC)\n\
            Harbour Hall 2\n\nRound Table - 60 Min\n\n\
            The forum gathers lantern keepers to compare drills and share what failed last winter.\n\n\
            Government, civil society and private sector, WEOG and GRULAC, all take part in the drills.\n\n\
            Mirela Dobos, Lantern Guild, civil society, EEG Kofi Ansah, Ghana, government, WEOG\n";
        let p = parse_session_page(text, Path::new("x.txt")).unwrap();
        let got: Vec<(&str, Stakeholder, Role)> = p
            .roster
            .iter()
            .map(|e| (e.name.as_str(), e.stakeholder, e.role))
            .collect();
        assert_eq!(
            got,
            [
                ("Mirela Dobos", Stakeholder::CivilSociety, Role::Organizer),
                ("Kofi Ansah", Stakeholder::Government, Role::Organizer),
            ]
        );
    }

    /// Found by the `page` fuzz target: the room rule computed `i - 2` on the first line of a
    /// page without a title (an overflow in debug builds).
    #[test]
    fn a_page_without_title_or_schedule_parses_to_nothing_much() {
        let p = parse_session_page("Shopping list\nmilk\nbread\n", Path::new("x.txt")).unwrap();
        assert_eq!(p.key, None);
        assert_eq!(p.title, "");
        assert_eq!(p.room, None);
        assert_eq!(p.roster, []);
        assert_eq!(p.tracks, ["Shopping list", "milk", "bread"]);
    }

    proptest! {
        #[test]
        fn page_parser_never_panics(s in any::<String>()) {
            let _ = parse_session_page(&s, Path::new("x.page.txt"));
        }

        #[test]
        fn page_parser_never_panics_on_page_like_lines(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("Speaker 1: Ann Lee, Civil Society, WEOG".to_string()),
                    Just("Organizer 2: Bo Kim 🔒".to_string()),
                    Just("Online Moderator".to_string()),
                    Just("Rapporteur".to_string()),
                    Just("Policy Question(s)".to_string()),
                    Just("A. Why? B. How?".to_string()),
                    Just("Panel - 90 Min".to_string()),
                    Just("Key Takeaways".to_string()),
                    Just(String::new()),
                    "[ -~]{0,40}",
                ],
                0..40,
            )
        ) {
            let _ = parse_session_page(&lines.join("\n"), Path::new("x.page.txt"));
        }
    }
}
