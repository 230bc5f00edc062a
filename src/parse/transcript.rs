//! Raw captioning transcripts (`>> NAME:` turns) in every layout seen on the IGF website.
//!
//! Input: decoded text with `\n` line endings. Output: a [`Transcript`] with the session key
//! (from the title, else the file name), the cleaned title, the turns ([`RawTurn`]: label as
//! written, speech with annotations removed and paragraphs joined by `\n\n`, 1-based line of the
//! label) and the annotation counts.
//!
//! Handles: a title line, none, or one after site debris; every separator and RAW spelling (see
//! [`super::title`]); the captioning disclaimer in any wording (recognised by content, dropped);
//! `***`/asterisk rulers; blank lines or single newlines between turns; lines of spaces;
//! indented and hard-wrapped lines (joined with a space); files cut off mid-turn; labels with
//! `>>`, `>>>`, no space, indentation, one or two spaces after the colon; unnamed turns (`>>`
//! then speech) and speech before the first label (label `""`); `>>` lines holding only an
//! annotation (no turn). Deliberately does not resolve labels to people.

use super::annotation::{
    is_annotation_only, squeeze, strip_annotations, strip_annotations_into, AnnotationCounts,
};
use super::identity::{
    cart_header_key, identify, is_cart_header, provenance, spoken_identity, year_in_text, Identity,
};
use super::title::{clean_title, is_title_line, named_without_year, parse_session_key};
use crate::error::{Error, Result};
use crate::model::{KeySource, RawTurn, SessionKey, Transcript};
use crate::read::is_disclaimer;
use std::path::Path;

/// How many header lines (before the first `>>`) are searched for the title.
const TITLE_SEARCH_LINES: usize = 40;

/// Parses a raw transcript. Fails with [`Error::InputFile`] when no turn is found.
pub fn parse_transcript(text: &str, path: &Path) -> Result<Transcript> {
    let (lines, numbers) = unflatten(split_lines(text));
    let mut kinds: Vec<Line> = lines.iter().map(|l| classify_line(l)).collect();
    let url = take_provenance(&lines, &mut kinds);
    let first_marker = kinds
        .iter()
        .position(|k| matches!(k, Line::Marker(_)))
        .unwrap_or(kinds.len());
    if first_marker == kinds.len() {
        return Err(no_turns(path));
    }
    let header = read_header(&lines, &kinds[..first_marker]);

    let wrapped = is_wrapped(&lines, &kinds);
    let mut builder = Builder::new(wrapped);
    for (i, kind) in kinds.iter().enumerate().skip(header.speech_from) {
        let line_no = numbers[i];
        match kind {
            Line::Blank | Line::Ruler => builder.end_paragraph(),
            Line::Marker(after) => match split_label(after) {
                Some((label, speech)) => builder.start(label, line_no, speech),
                None if after.trim().is_empty() => builder.start("", line_no, ""),
                None if is_annotation_only(after) => {
                    let _ = strip_annotations(after, &mut builder.counts);
                    builder.end_paragraph();
                }
                None if is_bare_label(after) => builder.start(after.trim(), line_no, ""),
                None => builder.start("", line_no, after),
            },
            Line::Text(t) => {
                if i < header.skip_until {
                    continue;
                }
                builder.push_line(t, line_no);
            }
        }
    }
    let (turns, counts) = builder.finish();
    if turns.is_empty() {
        return Err(no_turns(path));
    }
    let title = header.title.as_deref().map(clean_title).unwrap_or_default();
    let id = identify(header.key, url, path, header.year);
    let id = spoken_identity(id, &opening_speech(&kinds[first_marker..]));
    Ok(assemble(id, title, turns, counts, path))
}

/// The transcript of the file at `path`: its identity, title, turns and the annotations
/// removed from them (text transcripts and captions alike; nothing left out of it).
pub(super) fn assemble(
    id: Identity,
    title: String,
    turns: Vec<RawTurn>,
    counts: AnnotationCounts,
    path: &Path,
) -> Transcript {
    Transcript {
        key: id.key,
        title,
        turns,
        annotations: counts.into_iter().collect(),
        source: path.to_path_buf(),
        url: id.url,
        key_source: id.source,
        damage: Vec::new(),
    }
}

/// What a transcript's first part tells without parsing its turns: its identity, title, and
/// the speaker labels it opens with (for matching it with a session page when nothing else
/// identifies it). Reads the text as [`parse_transcript`] does.
pub fn sniff_transcript(text: &str, path: &Path) -> (Identity, String, Vec<String>) {
    let (lines, _) = unflatten(split_lines(text));
    let mut kinds: Vec<Line> = lines.iter().map(|l| classify_line(l)).collect();
    let url = take_provenance(&lines, &mut kinds);
    let first_marker = kinds
        .iter()
        .position(|k| matches!(k, Line::Marker(_)))
        .unwrap_or(kinds.len());
    let header = read_header(&lines, &kinds[..first_marker]);
    let title = header.title.as_deref().map(clean_title).unwrap_or_default();
    let mut labels: Vec<String> = Vec::new();
    for k in &kinds[first_marker..] {
        if let Line::Marker(after) = k {
            let label = split_label(after)
                .map(|(l, _)| l)
                .or_else(|| is_bare_label(after).then(|| after.trim()));
            if let Some(l) = label {
                let l = squeeze(l);
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
        }
        if labels.len() >= 40 {
            break;
        }
    }
    let id = identify(header.key, url, path, header.year);
    let id = spoken_identity(id, &opening_speech(&kinds[first_marker..]));
    (id, title, labels)
}

/// The text of the first two `>>` lines from `kinds` on (where a moderator welcomes people to
/// the session), for [`spoken_identity`].
fn opening_speech(kinds: &[Line]) -> String {
    kinds
        .iter()
        .filter_map(|k| match k {
            Line::Marker(after) => Some(*after),
            _ => None,
        })
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines of a file flattened onto one line (a live caption stream saved as one paragraph) are
/// split before each `>>`, every piece keeping its line number; other lines stay as they are.
fn unflatten(lines: Vec<&str>) -> (Vec<&str>, Vec<u32>) {
    let mut out = Vec::with_capacity(lines.len());
    let mut numbers = Vec::with_capacity(lines.len());
    for (i, line) in lines.into_iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.len() < 800 || !line.contains(" >> ") {
            out.push(line);
            numbers.push(n);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest[1..].find(" >> ").map(|j| j + 1) {
            out.push(&rest[..at]);
            numbers.push(n);
            rest = &rest[at + 1..];
        }
        out.push(rest);
        numbers.push(n);
    }
    (out, numbers)
}

/// A provenance line among the first lines (`# url: …`): its address, and the line taken out
/// of the text (it is neither title nor speech).
fn take_provenance(lines: &[&str], kinds: &mut [Line]) -> Option<(String, KeySource)> {
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        if matches!(kinds[i], Line::Blank) {
            continue;
        }
        if let Some(found) = provenance(line) {
            kinds[i] = Line::Blank;
            return Some(found);
        }
        seen += 1;
        if seen >= 3 {
            break;
        }
    }
    None
}

/// `text.split('\n')`, collected, with the newlines found by `memchr`.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(&text[start..nl]);
        start = nl + 1;
    }
    lines.push(&text[start..]);
    lines
}

fn no_turns(path: &Path) -> Error {
    Error::InputFile {
        path: path.to_path_buf(),
        message: "no speaker turns found: a transcript needs lines starting with `>> NAME:` or \
                  `>>` followed by speech"
            .into(),
    }
}

/// What one line of a transcript is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Line<'a> {
    /// Empty or only spaces.
    Blank,
    /// `***`, an 8-asterisk ruler, `* * *`.
    Ruler,
    /// A line starting (after indentation) with `>>`; holds what follows the `>`s.
    Marker(&'a str),
    /// Anything else, trimmed.
    Text(&'a str),
}

fn classify_line(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    if t.chars().all(|c| c == '*' || c == ' ') && t.matches('*').count() >= 3 {
        return Line::Ruler;
    }
    if let Some(after) = t.strip_prefix(">>") {
        return Line::Marker(after.trim_start_matches('>').trim_start());
    }
    Line::Text(t)
}

/// What the lines before the first `>>` hold.
#[derive(Debug, Default)]
struct Header {
    /// The title as written (the title line, or the session's lines of an old CART header).
    title: Option<String>,
    /// The key of the title line, or of an old CART header.
    key: Option<SessionKey>,
    /// The year the header gives (the disclaimer's meeting), for files without a key.
    year: Option<u16>,
    /// Index of the first line that may hold speech.
    speech_from: usize,
    /// Text lines before this index are header (title block, disclaimer, debris).
    skip_until: usize,
}

/// A title line without `IGF <year>` that names a kind of session (`Main Session - Security,
/// Openness and Privacy`) gives the key, with the year of the header's text.
fn named_title(h: &mut Header, head: &[&str]) {
    let (None, None, Some(year)) = (&h.key, &h.title, h.year) else {
        return;
    };
    if let Some((line, code)) = head
        .first()
        .filter(|l| !is_disclaimer(&l.to_lowercase()))
        .and_then(|l| Some((*l, named_without_year(l)?)))
    {
        h.key = Some(SessionKey { year, code });
        h.title = Some(line.to_string());
    }
}

/// Finds the title, the disclaimer and site debris before the first `>>` line. Whatever text
/// follows them is speech before the first label.
fn read_header(lines: &[&str], kinds: &[Line]) -> Header {
    let mut h = Header::default();
    let title_idx = kinds
        .iter()
        .enumerate()
        .take(TITLE_SEARCH_LINES)
        .find(|(_, k)| matches!(k, Line::Text(t) if is_title_line(t)))
        .map(|(i, _)| i);
    let mut skip_until = 0;
    if let Some(i) = title_idx {
        h.title = Some(lines[i].trim().to_string());
        skip_until = i + 1;
    }
    // Paragraphs (split by blank lines and rulers) that read like the disclaimer end the header.
    let mut disclaimer_end = None;
    let mut para_start: Option<usize> = None;
    let close = |start: usize, end: usize, disclaimer_end: &mut Option<usize>| {
        let joined = lines[start..end]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if is_disclaimer(&joined) {
            // Only the lines up to the last one carrying disclaimer wording are dropped: in
            // files without blank lines speech may follow on the next line. The lines that
            // finish its sentence go too: a disclaimer hard-wrapped (Firefox's "Text Files")
            // ends on a line of common words (`of what was said.`).
            let mut last = (start..end)
                .rev()
                .find(|&j| has_disclaimer_word(&lines[j].to_lowercase()))
                .unwrap_or(end - 1);
            while last + 1 < end && wraps_on(lines[last], lines[last + 1]) {
                last += 1;
            }
            *disclaimer_end = Some(last + 1);
        }
    };
    for (i, k) in kinds.iter().enumerate() {
        match k {
            Line::Text(_) if Some(i) != title_idx => {
                para_start.get_or_insert(i);
            }
            _ => {
                if let Some(s) = para_start.take() {
                    close(s, i, &mut disclaimer_end);
                }
            }
        }
    }
    if let Some(s) = para_start.take() {
        close(s, kinds.len(), &mut disclaimer_end);
    }
    // The header: the lines up to the disclaimer's end, or (without a disclaimer) every line
    // before the first turn, which is speech unless it reads as an old CART header.
    let end = disclaimer_end
        .unwrap_or(kinds.len())
        .max(title_idx.map_or(0, |t| t + 1));
    let head: Vec<&str> = lines[..end]
        .iter()
        .zip(&kinds[..end])
        .filter(|(l, k)| matches!(k, Line::Text(_)) && !is_debris(l))
        .map(|(l, _)| l.trim())
        .collect();
    let cart = is_cart_header(&head);
    h.key = h.title.as_deref().and_then(parse_session_key);
    if h.key.is_none() && cart {
        // Old CART headers put the meeting, place, date and time, then the session's code and
        // title, on lines of their own between the title and the disclaimer (or, in a live
        // caption stream, before the first turn).
        if let Some((key, title)) = cart_header_key(&head) {
            h.key = Some(key);
            h.title = Some(title);
            skip_until = skip_until.max(end);
        }
    }
    if disclaimer_end.is_some() || cart {
        h.year = year_in_text(&head.join("\n"));
    }
    named_title(&mut h, &head);
    if let Some(d) = disclaimer_end {
        skip_until = skip_until.max(d);
    }
    // Site debris (PHP warnings, banners) with no title or disclaimer after it.
    for (i, k) in kinds.iter().enumerate() {
        if i < skip_until {
            continue;
        }
        match k {
            Line::Text(t) if is_debris(t) => skip_until = i + 1,
            Line::Text(_) => break,
            _ => {}
        }
    }
    h.skip_until = skip_until;
    h.speech_from = 0;
    h
}

/// Words of the disclaimer, used to find where it ends.
fn has_disclaimer_word(lower: &str) -> bool {
    [
        "caption",
        "cart",
        "authoritative",
        "verbatim",
        "transcri",
        "accurate",
        " aid",
        "record",
        "edited",
        "inaudible",
        "real-time",
        "realtime",
        "rough draft",
        "intervention",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether `next` carries on the sentence of `line` (a hard-wrapped paragraph): `line` does not
/// end a sentence and `next` starts in lower case (speech after the disclaimer starts a
/// sentence).
fn wraps_on(line: &str, next: &str) -> bool {
    !line.trim_end().ends_with(['.', '!', '?']) && next.trim_start().starts_with(char::is_lowercase)
}

/// Website debris seen before titles: PHP notices, banners, navigation leftovers.
fn is_debris(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    ["warning:", "notice:", "deprecated:", "fatal error:"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.contains("legacy site")
        || lower.contains("welcome to the united nations")
        || lower.contains("skip to main content")
        || lower.starts_with("you are here")
}

/// Words that open a sentence rather than name a speaker.
const NOT_LABELS: [&str; 25] = [
    "OK",
    "OKAY",
    "YES",
    "NO",
    "SO",
    "AND",
    "BUT",
    "WELL",
    "HELLO",
    "HI",
    "RIGHT",
    "NOTE",
    "THANK YOU",
    "THANKS",
    "GOOD MORNING",
    "GOOD AFTERNOON",
    "GOOD EVENING",
    "WELCOME",
    "PLEASE",
    "SORRY",
    "EXACTLY",
    "ABSOLUTELY",
    "INDEED",
    "YEAH",
    "GREAT",
];

/// Role words that make a label even in lower or Title case.
const ROLE_WORDS: [&str; 22] = [
    "moderator",
    "co-moderator",
    "chair",
    "chairman",
    "chairperson",
    "chairwoman",
    "host",
    "audience",
    "participant",
    "panelist",
    "panellist",
    "announcer",
    "secretariat",
    "speaker",
    "attendee",
    "interpreter",
    "facilitator",
    "presenter",
    "rapporteur",
    "narrator",
    "video",
    "voice",
];

/// Name particles that may stay lower case in a Title Case name.
const PARTICLES: [&str; 22] = [
    "de", "da", "del", "della", "di", "van", "von", "der", "den", "la", "le", "du", "dos", "das",
    "bin", "binti", "al", "el", "y", "ibn", "ter", "of",
];

/// Splits `NAME: speech` when the part before the colon looks like a speaker label: short (at
/// most 6 words, 10 with an organisation after a comma or in brackets), no sentence
/// punctuation, and mostly capitals, Title Case, a role word, or one capitalised word (a first
/// name). Returns the trimmed label and the speech after it.
pub(crate) fn split_label(after: &str) -> Option<(&str, &str)> {
    let colon = after.find(':')?;
    let label = after[..colon].trim();
    if !looks_like_label(label) {
        return None;
    }
    Some((label, after[colon + 1..].trim()))
}

/// A `>>` line holding only a label and no colon (`>> IRENE KHAN`, speech on the next line):
/// capitals throughout (or a role word), two to six words, no sentence punctuation.
fn is_bare_label(after: &str) -> bool {
    let t = after.trim();
    if t.ends_with(['.', '?', '!', ',', ';']) || t.contains(':') || !looks_like_label(t) {
        return false;
    }
    let words = t.split_whitespace().count();
    let (letters, upper) = t
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(l, u), c| {
            (l + 1, u + usize::from(c.is_uppercase()))
        });
    let role = lower_is_one_of(bare(t.split_whitespace().next().unwrap_or("")), &ROLE_WORDS);
    upper * 10 >= letters * 9 && ((2..=6).contains(&words) || role)
}

/// See [`split_label`].
pub(crate) fn looks_like_label(label: &str) -> bool {
    if label.is_empty() || (label.len() > 80 && label.chars().count() > 80) {
        return false;
    }
    // `Thomas SCHNEIDER (Federal Office of Communications)`: the name is judged, the
    // organisation in brackets rides along.
    if let Some(open) = label.find(" (").filter(|_| label.ends_with(')')) {
        let org = &label[open + 2..label.len() - 1];
        return !org.contains(['(', ')'])
            && org.split_whitespace().count() <= 8
            && looks_like_label(label[..open].trim());
    }
    let ascii = label.is_ascii();
    if label
        .bytes()
        .any(|b| matches!(b, b'?' | b'!' | b';' | b'"' | b'>' | b'<' | b'[' | b']'))
        || (!ascii && label.contains(['“', '”']))
    {
        return false;
    }
    let mut words = [""; 10];
    let mut n = 0;
    for w in label.split_whitespace() {
        if n == words.len() {
            return false;
        }
        words[n] = w;
        n += 1;
    }
    let words = &words[..n];
    let max_words = if label.contains(',') { 10 } else { 6 };
    if words.len() > max_words {
        return false;
    }
    // Dots only in abbreviations and initials (MR., H.E., J., ST.).
    if words
        .iter()
        .any(|w| w.contains('.') && w.chars().filter(|c| c.is_alphabetic()).count() > 5)
    {
        return false;
    }
    let (mut letters, mut upper) = (0usize, 0usize);
    for c in label.chars() {
        if c.is_alphabetic() {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
    }
    if letters == 0 {
        return false;
    }
    let not_label = if ascii {
        NOT_LABELS.iter().any(|w| label.eq_ignore_ascii_case(w))
    } else {
        NOT_LABELS.contains(&label.to_uppercase().as_str())
    };
    if not_label {
        return false;
    }
    if upper * 10 >= letters * 7 {
        return true;
    }
    if lower_is_one_of(bare(words[0]), &ROLE_WORDS) && words.len() <= 4 {
        return words[1..].iter().all(|w| starts_upper(w));
    }
    if words.len() == 1 {
        // A first name alone (`Aicha`): capitalised, then lower case.
        let w = bare(words[0]);
        return w.chars().count() >= 3 && is_capitalised_word(w) && label.len() == words[0].len();
    }
    let title_case = words.len() >= 2
        && starts_upper(words[0])
        && words.iter().all(|w| {
            let b = bare(w);
            starts_upper(w) || b.is_empty() || lower_is_one_of(b, &PARTICLES)
        });
    title_case && words.len() <= 5
}

/// Whether `word` in lower case is one of `list` (lower-case ASCII words).
fn lower_is_one_of(word: &str, list: &[&str]) -> bool {
    if word.is_ascii() {
        list.iter().any(|w| word.eq_ignore_ascii_case(w))
    } else {
        list.contains(&word.to_lowercase().as_str())
    }
}

/// A word without the punctuation around it.
fn bare(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

/// `Aicha`, `Jean-Luc`: an upper-case letter, then only lower-case letters (and hyphens or
/// apostrophes).
fn is_capitalised_word(w: &str) -> bool {
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_lowercase() || matches!(c, '-' | '\'' | '’'))
}

fn starts_upper(w: &str) -> bool {
    w.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether lines are hard-wrapped at a fixed width: many consecutive text lines break
/// mid-sentence. Then every line break inside a paragraph is a space; otherwise a line ending a
/// sentence ends its paragraph (files with single newlines between paragraphs).
fn is_wrapped(lines: &[&str], kinds: &[Line]) -> bool {
    let (mut pairs, mut mid_sentence) = (0usize, 0usize);
    for i in 1..kinds.len() {
        let prev_text = matches!(kinds[i - 1], Line::Text(_) | Line::Marker(_));
        if prev_text && matches!(kinds[i], Line::Text(_)) {
            pairs += 1;
            if !ends_sentence(lines[i - 1].trim_end()) {
                mid_sentence += 1;
            }
        }
    }
    pairs >= 3 && mid_sentence * 3 >= pairs
}

/// A line that ends with sentence punctuation (or a closing quote or bracket).
fn ends_sentence(line: &str) -> bool {
    line.chars().last().is_some_and(|c| {
        matches!(
            c,
            '.' | '?' | '!' | '…' | ':' | ';' | '"' | '”' | '\'' | '’' | ')' | ']'
        )
    })
}

/// A turn being built; its paragraphs are kept in the [`Builder`]'s buffer.
struct Open<'a> {
    label: &'a str,
    line: u32,
    /// Started by a `>>` line (then `line` is that line), not by speech before any label
    /// (then the line of the first paragraph kept is used).
    marked: bool,
}

/// Accumulates turns line by line.
struct Builder<'a> {
    wrapped: bool,
    open: Option<Open<'a>>,
    /// The paragraphs of the open turn, back to back, the lines of each joined by a space.
    buf: String,
    /// The finished paragraphs of the open turn: the line each starts on and its range in
    /// `buf`.
    paragraphs: Vec<(u32, usize, usize)>,
    /// The paragraph being built, when it has a line: where it starts in `buf`, and on which
    /// line.
    current: Option<(usize, u32)>,
    turns: Vec<RawTurn>,
    counts: AnnotationCounts,
}

impl<'a> Builder<'a> {
    fn new(wrapped: bool) -> Self {
        Builder {
            wrapped,
            open: None,
            buf: String::new(),
            paragraphs: Vec::new(),
            current: None,
            turns: Vec::new(),
            counts: AnnotationCounts::new(),
        }
    }

    fn start(&mut self, label: &'a str, line: u32, speech: &str) {
        self.start_turn(label, line, speech, true);
    }

    fn start_turn(&mut self, label: &'a str, line: u32, speech: &str, marked: bool) {
        self.close();
        self.open = Some(Open {
            label,
            line,
            marked,
        });
        let speech = speech.trim();
        if !speech.is_empty() {
            self.push_line(speech, line);
        }
    }

    /// Adds a line of speech (trimmed, not empty) to the open turn, opening an unlabelled one
    /// if there is none.
    fn push_line(&mut self, text: &str, line: u32) {
        if self.open.is_none() {
            self.start_turn("", line, "", false);
        }
        if let Some((start, _)) = self.current {
            // The paragraph ends with the last line pushed (never empty).
            if !self.wrapped && ends_sentence(&self.buf[start..]) {
                self.end_paragraph();
            }
        }
        if self.current.is_some() {
            self.buf.push(' ');
        } else {
            self.current = Some((self.buf.len(), line));
        }
        self.buf.push_str(text);
    }

    fn end_paragraph(&mut self) {
        if let Some((start, line)) = self.current.take() {
            self.paragraphs.push((line, start, self.buf.len()));
        }
    }

    fn close(&mut self) {
        self.end_paragraph();
        let Some(open) = self.open.take() else {
            return;
        };
        let mut text = String::with_capacity(self.buf.len());
        let mut first_line = None;
        for &(line, start, end) in &self.paragraphs {
            let p = &self.buf[start..end];
            // Only a paragraph naming captions can be the disclaimer (lower-casing maps no
            // other char to the ASCII letters of "caption").
            if contains_caption(p) && is_disclaimer(&p.to_lowercase()) {
                continue;
            }
            let before = text.len();
            if first_line.is_some() {
                text.push_str("\n\n");
            }
            let body = text.len();
            strip_annotations_into(p, &mut self.counts, &mut text);
            if text[body..].chars().any(char::is_alphanumeric) {
                first_line.get_or_insert(line);
            } else {
                text.truncate(before);
            }
        }
        self.buf.clear();
        self.paragraphs.clear();
        let Some(first_line) = first_line else {
            return;
        };
        self.turns.push(RawTurn {
            label: squeeze(open.label),
            text,
            line: if open.marked { open.line } else { first_line },
            start_ms: None,
            end_ms: None,
            stakeholder_hint: None,
        });
    }

    fn finish(mut self) -> (Vec<RawTurn>, AnnotationCounts) {
        self.close();
        (self.turns, self.counts)
    }
}

/// Whether `s` holds "caption" in any mix of ASCII cases.
fn contains_caption(s: &str) -> bool {
    const WORD: &[u8; 7] = b"caption";
    let b = s.as_bytes();
    let Some(n) = b.len().checked_sub(WORD.len() - 1) else {
        return false;
    };
    // Every position is checked, without branches, so the loop vectorises: `x | 0x20` is the
    // letter's lower case, and only the two cases of a letter give it.
    let col = |k: usize| &b[k..k + n];
    let (c0, c1, c2, c3, c4, c5, c6) = (col(0), col(1), col(2), col(3), col(4), col(5), col(6));
    let mut found = false;
    for i in 0..n {
        found |= ((c0[i] | 0x20) == WORD[0])
            & ((c1[i] | 0x20) == WORD[1])
            & ((c2[i] | 0x20) == WORD[2])
            & ((c3[i] | 0x20) == WORD[3])
            & ((c4[i] | 0x20) == WORD[4])
            & ((c5[i] | 0x20) == WORD[5])
            & ((c6[i] | 0x20) == WORD[6]);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionKey;
    use proptest::prelude::*;

    /// A transcript assembled from pieces that exercise labels, paragraphs, disclaimers and
    /// annotations.
    fn transcript_soup() -> impl Strategy<Value = String> {
        let atoms = prop_oneof![
            Just(">> "),
            Just(">>"),
            Just(">>> "),
            Just("   >> "),
            Just("MODERATOR: "),
            Just("Olga Cavalli: "),
            Just("Maria de la Cruz: "),
            Just("Moderator Smith: "),
            Just("So I think: "),
            Just("OK: "),
            Just("ſo: "),
            Just("SPEA\u{212A}ER Lee: "),
            Just("İbrahim Öz: "),
            Just("ANNA, UN: "),
            Just("J. McDONALD: "),
            Just("What? "),
            Just("\n"),
            Just("\n\n"),
            Just("\n \n"),
            Just("***\n"),
            Just("* * *\n"),
            Just("words of speech "),
            Just("ends here. "),
            Just("ends here.\n"),
            Just("Captioning verbatim record. "),
            Just("CAPTION not been edited. "),
            Just("capt\u{130}on verbatim "),
            Just("(Applause) "),
            Just("[ Laughter ]"),
            Just("(off mic)"),
            Just("(?)"),
            Just("(a) "),
            Just("Wiśniewski "),
            Just("  "),
            Just("\u{a0}"),
            Just("\t"),
            Just("é"),
            Just(":"),
            Just("…\n"),
            Just("IGF 2023 – Day 1 – WS #7 Generated – RAW\n"),
        ];
        proptest::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
    }

    /// What every parse must give: turns in line order, each with a line inside the file, no
    /// text that is not in the file (words are cut at white space, `>` and `:`), and no turn
    /// text with white space at its ends.
    fn check_parse(s: &str) -> Result<(), TestCaseError> {
        let Ok(t) = parse_transcript(s, Path::new("x.txt")) else {
            return Ok(());
        };
        let lines = s.split('\n').count() as u32;
        let source: std::collections::HashSet<&str> = s
            .split(|c: char| c.is_whitespace() || c == '>' || c == ':')
            .collect();
        let mut last = 0;
        for turn in &t.turns {
            prop_assert!(turn.line >= last && turn.line >= 1 && turn.line <= lines);
            last = turn.line;
            prop_assert_eq!(turn.text.trim(), turn.text.as_str());
            for w in turn
                .text
                .split(|c: char| c.is_whitespace() || c == '>' || c == ':')
            {
                let bare = w.trim_matches(|c: char| "()[]?".contains(c));
                prop_assert!(
                    source.contains(w) || source.iter().any(|s| s.contains(bare)),
                    "invented {:?}",
                    w
                );
            }
        }
        Ok(())
    }

    fn parse(text: &str) -> Transcript {
        parse_transcript(text, Path::new("t.txt")).unwrap()
    }

    fn turns(t: &Transcript) -> Vec<(&str, &str, u32)> {
        t.turns
            .iter()
            .map(|r| (r.label.as_str(), r.text.as_str(), r.line))
            .collect()
    }

    #[test]
    fn label_forms() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("MODERATOR:  Hello", Some(("MODERATOR", "Hello"))),
            (
                "BRIONY DALEY WHITWORTH: Thanks",
                Some(("BRIONY DALEY WHITWORTH", "Thanks")),
            ),
            ("NDUNG'U: yes", Some(("NDUNG'U", "yes"))),
            ("ST. AMOUR: yes", Some(("ST. AMOUR", "yes"))),
            (
                "KERRY\u{2011}ANN BARRETT: yes",
                Some(("KERRY\u{2011}ANN BARRETT", "yes")),
            ),
            ("H.E. MR. JOHN DOE: yes", Some(("H.E. MR. JOHN DOE", "yes"))),
            ("Olga Cavalli: yes", Some(("Olga Cavalli", "yes"))),
            ("Maria de la Cruz: yes", Some(("Maria de la Cruz", "yes"))),
            ("Moderator: yes", Some(("Moderator", "yes"))),
            (
                "ANNA SMITH, COUNCIL OF EUROPE: yes",
                Some(("ANNA SMITH, COUNCIL OF EUROPE", "yes")),
            ),
            ("MODERATOR SMITH: yes", Some(("MODERATOR SMITH", "yes"))),
            ("AUDIENCE MEMBER: yes", Some(("AUDIENCE MEMBER", "yes"))),
            ("J. McDONALD: yes", Some(("J. McDONALD", "yes"))),
            ("So I think: yes", None),
            ("Yes: I agree", None),
            ("OK: let us go", None),
            ("The time is 10:30 now", None),
            ("What is the answer? It is: this", None),
            ("We have three goals for the next year: one", None),
            ("Hello", None),
        ];
        for (input, want) in cases {
            assert_eq!(split_label(input), *want, "{input}");
        }
    }

    #[test]
    fn canonical_transcript_with_title_disclaimer_and_ruler() {
        let text = "IGF 2023 – Day 3 – WS #225 Our treaty session – RAW\n\n\
            The following are the outputs of the captioning taken during an IGF intervention. \
            It should not be treated as an authoritative record.\n\n***\n\n \n\n\
            >> MODERATOR:  Welcome all.  (Applause)\n\n\
            Second paragraph here.\n\n\
            >> ANNA LEE:  Thanks.\n";
        let t = parse(text);
        assert_eq!(
            t.key,
            Some(SessionKey {
                year: 2023,
                code: "WS #225".into()
            })
        );
        assert_eq!(t.title, "IGF 2023 WS #225 Our treaty session");
        assert_eq!(
            turns(&t),
            [
                ("MODERATOR", "Welcome all.\n\nSecond paragraph here.", 9),
                ("ANNA LEE", "Thanks.", 13),
            ]
        );
        assert_eq!(t.annotations, [("applause".to_string(), 1)]);
    }

    #[test]
    fn a_hard_wrapped_disclaimer_is_dropped_to_the_end_of_its_sentence() {
        // Firefox's "Text Files": navigation lines, the title, paragraphs wrapped at 72 columns.
        let text = "   Skip to main content\n\n     * Home\n\n\
            IGF 2031 – Day 3 – WS #318 Lanterns – RAW\n\n\
            \x20  This text was produced by real-time captioning during the session. It\n\
            \x20  is unedited and may hold errors, so it is not an authoritative record\n\
            \x20  of what was said.\n\n\
            \x20  >> MODERATOR:  Good morning, and thank you for coming this\n\
            \x20  early.\n";
        let t = parse(text);
        assert_eq!(
            turns(&t),
            [(
                "MODERATOR",
                "Good morning, and thank you for coming this early.",
                11
            )]
        );
        // Without blank lines, speech after a disclaimer ending a sentence is kept.
        let single = "IGF 2031 – Day 3 – WS #318 Lanterns – RAW\n\
            This text comes from real-time captioning and is not an authoritative record\n\
            Good morning before anyone was labelled.\n\
            >> BO: Done.\n";
        let t = parse(single);
        assert_eq!(turns(&t)[0].1, "Good morning before anyone was labelled.");
    }

    #[test]
    fn unnamed_turns_speech_before_label_and_annotation_only_lines() {
        let text = "Good morning before anyone was labelled.\n\n\
            >> Hello? Can you hear me?\n\n\
            >> (Applause)\n\n\
            >>\nSpeech on the next line.\n\n\
            >> BO: Done.\n\n>> ANNA:\n";
        let t = parse(text);
        assert_eq!(
            turns(&t),
            [
                ("", "Good morning before anyone was labelled.", 1),
                ("", "Hello? Can you hear me?", 3),
                ("", "Speech on the next line.", 7),
                ("BO", "Done.", 10),
            ]
        );
        assert_eq!(t.annotations, [("applause".to_string(), 1)]);
    }

    #[test]
    fn single_newlines_keep_paragraphs_and_wrapped_lines_join() {
        let single = ">> ANNA: First paragraph ends here.\nSecond paragraph.\n>> BO: Reply.\n";
        assert_eq!(
            turns(&parse(single)),
            [
                ("ANNA", "First paragraph ends here.\n\nSecond paragraph.", 1),
                ("BO", "Reply.", 3)
            ]
        );
        let wrapped =
            "   >> ANNA:  We think the scope of the\n   treaty should stay narrow and\n   \
            the safeguards strong.\n\n   A new paragraph starts\n   here.\n   >> BO: Fine.\n";
        assert_eq!(
            turns(&parse(wrapped)),
            [
                (
                    "ANNA",
                    "We think the scope of the treaty should stay narrow and the safeguards \
                     strong.\n\nA new paragraph starts here.",
                    1
                ),
                ("BO", "Fine.", 7)
            ]
        );
    }

    #[test]
    fn no_turns_is_an_error_naming_the_reason() {
        let err = parse_transcript(
            "IGF 2023 WS #1 Title\n\nNothing here.\n",
            Path::new("x.txt"),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("x.txt: no speaker turns found"), "{err}");
    }

    /// Labels and speech words for generated transcripts.
    const LABELS: [&str; 6] = [
        "MODERATOR",
        "ANNA LEE",
        "BO NDUNG'U",
        "DR. KIM",
        "Olga Cavalli",
        "AUDIENCE",
    ];
    const WORDS: [&str; 12] = [
        "treaty",
        "scope",
        "safeguards",
        "data",
        "we",
        "think",
        "cooperation",
        "is",
        "narrow",
        "rights",
        "states",
        "access",
    ];

    /// A generated turn: label index, speech words and sentence ends.
    fn turn_strategy() -> impl Strategy<Value = (usize, Vec<usize>)> {
        (
            0..LABELS.len(),
            proptest::collection::vec(0..WORDS.len(), 1..30),
        )
    }

    fn render(turns: &[(usize, Vec<usize>)], layout: u8) -> String {
        let mut s = String::new();
        if layout & 1 == 0 {
            s.push_str("IGF 2023 – Day 1 – WS #7 Generated – RAW\n\n");
        }
        for (label, words) in turns {
            let indent = if layout & 2 == 0 { "" } else { "   " };
            let marker = if layout & 4 == 0 { ">> " } else { ">>" };
            s.push_str(&format!("{indent}{marker}{}:  ", LABELS[*label]));
            for (i, w) in words.iter().enumerate() {
                s.push_str(WORDS[*w]);
                s.push(if i % 7 == 6 && layout & 8 != 0 {
                    '\n'
                } else {
                    ' '
                });
            }
            s.push_str(if layout & 16 == 0 { "\n\n" } else { "\n" });
        }
        s
    }

    proptest! {

        #[test]
        fn parsing_any_soup_gives_ordered_turns_of_the_files_words(s in transcript_soup()) {
            check_parse(&s)?;
        }

        #[test]
        fn lines_split_as_split_does(s in "[a\n\r é]{0,40}") {
            prop_assert_eq!(split_lines(&s), s.split('\n').collect::<Vec<_>>());
        }

        #[test]
        fn parsing_arbitrary_text_gives_ordered_turns(s in any::<String>()) {
            check_parse(&s)?;
        }

        /// A label in capitals, in Title Case, or a role word before a name, followed by a
        /// colon, splits off its speech; a sentence with a question or quote before the colon
        /// does not.
        #[test]
        fn labels_split_off_their_speech(
            caps in "[A-Z]{2,9}( [A-Z]{2,9}){0,3}",
            title in "[A-Z][a-z]{1,8}( (de|van))?( [A-Z][a-z]{1,8}){1,2}",
            name in "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?",
            role in prop_oneof![Just("Moderator"), Just("Chair"), Just("Rapporteur")],
            speech in "[a-z ,.]{0,40}",
            question in "[A-Za-z ]{1,20}[?!\"]",
        ) {
            let role_name = format!("{role} {name}");
            for label in [caps.as_str(), title.as_str(), role_name.as_str()] {
                prop_assume!(!NOT_LABELS.contains(&label.to_uppercase().as_str()));
                let line = format!(" {label}:  {speech}");
                prop_assert_eq!(split_label(&line), Some((label, speech.trim())));
            }
            let line = format!("{question} so: {speech}");
            prop_assert_eq!(split_label(&line), None);
        }

        #[test]
        fn caption_is_found_as_lower_casing_finds_it(
            atoms in proptest::collection::vec(
                prop_oneof![
                    Just("caption"), Just("CAPTION"), Just("Caption"), Just("cAPtIoN"),
                    Just("capt"), Just("ion"), Just("capti"), Just("on"), Just("c"), Just("n"),
                    Just("\u{130}"), Just("\u{212a}"), Just("é"), Just(" "), Just("capt\u{130}on"),
                ],
                0..8,
            )
        ) {
            let s = atoms.concat();
            prop_assert_eq!(contains_caption(&s), s.to_lowercase().contains("caption"));
        }
        #[test]
        fn parse_never_panics_on_arbitrary_text(s in any::<String>()) {
            let _ = parse_transcript(&s, Path::new("x.txt"));
        }

        #[test]
        fn every_speech_word_survives_any_layout(
            turns in proptest::collection::vec(turn_strategy(), 1..12),
            layout in 0u8..32,
        ) {
            let text = render(&turns, layout);
            let t = parse_transcript(&text, Path::new("x.txt")).unwrap();
            prop_assert_eq!(t.turns.len(), turns.len());
            for (got, (label, words)) in t.turns.iter().zip(&turns) {
                prop_assert_eq!(&got.label, LABELS[*label]);
                let want: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
                let got_words: Vec<&str> = got.text.split_whitespace().collect();
                prop_assert_eq!(got_words, want);
            }
        }

        #[test]
        fn mutated_transcripts_never_panic_or_invent_words(
            turns in proptest::collection::vec(turn_strategy(), 1..8),
            cut in any::<proptest::sample::Index>(),
            insert_at in any::<proptest::sample::Index>(),
            delete_at in any::<proptest::sample::Index>(),
            delete_len in 0usize..20,
        ) {
            let mut text = render(&turns, 0);
            let chars: Vec<char> = text.chars().collect();
            let at = insert_at.index(chars.len() + 1);
            let mut mutated: String = chars[..at].iter().collect();
            mutated.push_str(">>");
            mutated.extend(&chars[at..]);
            let chars: Vec<char> = mutated.chars().collect();
            let d = delete_at.index(chars.len() + 1);
            let end = (d + delete_len).min(chars.len());
            text = chars[..d].iter().chain(&chars[end..]).collect();
            let keep = cut.index(text.chars().count() + 1);
            let text: String = text.chars().take(keep).collect();
            if let Ok(t) = parse_transcript(&text, Path::new("x.txt")) {
                let source: std::collections::HashSet<&str> = text
                    .split(|c: char| c.is_whitespace() || c == '>' || c == ':')
                    .collect();
                for turn in &t.turns {
                    for w in turn.text.split(|c: char| c.is_whitespace() || c == '>' || c == ':') {
                        prop_assert!(source.contains(w), "invented word {w:?} in {text:?}");
                    }
                }
            }
        }
    }
}
