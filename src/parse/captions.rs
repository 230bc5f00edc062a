//! Caption files: WebVTT and SRT.
//!
//! Input: decoded caption text. Output: a [`Transcript`] whose turns carry `start_ms`/`end_ms`
//! from the cue timings. Speakers come from `<v Name>` voice tags, `>> NAME:` or `NAME:`
//! prefixes; a cue without a speaker continues the previous one, and consecutive cues of one
//! speaker merge into one turn (a bare `>>` starts a new unnamed turn). Styling tags, inline
//! timestamps and `{\an8}`-style codes are removed, entities decoded, annotations stripped and
//! counted. The session key comes from a `NOTE` line, the `WEBVTT` header or a first cue holding
//! an IGF title (that cue is not speech), else from the file name. Deliberately lenient about
//! cue settings and identifiers, strict about timings: a timing that does not parse is an
//! [`Error::InputLine`], so no speech is dropped silently.

use super::annotation::{strip_annotations, AnnotationCounts};
use super::title::{clean_title, is_title_line, parse_session_key};
use super::transcript::{assemble, looks_like_label};
use crate::error::{Error, Result};
use crate::model::{RawTurn, Transcript};
use std::path::Path;

/// Parses a WebVTT or SRT file.
pub fn parse_captions(text: &str, path: &Path) -> Result<Transcript> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut title, mut i) = header(&lines);
    let mut merger = Merger::default();
    let mut first_cue = true;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        let block = &lines[start..i];
        match block_kind(block) {
            Block::Note(note) => {
                if title.is_none() && is_title_line(&note) {
                    title = Some(note);
                }
                continue;
            }
            Block::Skipped => continue,
            Block::Cue => {}
        }
        let (timing_line, from, to) = cue_timing(&lines, start, path)?;
        let payload: Vec<(usize, &str)> = (timing_line + 1..i).map(|j| (j + 1, lines[j])).collect();
        if std::mem::take(&mut first_cue) && title.is_none() {
            if let Some(t) = title_cue(&payload) {
                title = Some(t);
                continue;
            }
        }
        for (line_no, line) in payload {
            for segment in split_speakers(line) {
                let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
                merger.push(segment, from, to, line_no);
            }
        }
    }
    let (turns, counts) = merger.finish();
    if turns.is_empty() {
        return Err(Error::InputFile {
            path: path.to_path_buf(),
            message: "no caption cues with speech found".into(),
        });
    }
    let id = super::identity::identify(
        title.as_deref().and_then(parse_session_key),
        None,
        path,
        None,
    );
    let title = title.as_deref().map(clean_title).unwrap_or_default();
    Ok(assemble(id, title, turns, counts, path))
}

/// The WEBVTT header block, if any: the title on its signature line (when it reads as one) and
/// the index of the first line after the block (0 without a header).
fn header(lines: &[&str]) -> (Option<String>, usize) {
    let Some(sig) = lines
        .first()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| l.starts_with("WEBVTT"))
    else {
        return (None, 0);
    };
    let rest = sig["WEBVTT".len()..]
        .trim_start_matches([' ', '\t', '-'])
        .trim();
    let title = is_title_line(rest).then(|| rest.to_string());
    let end = lines
        .iter()
        .position(|l| l.trim().is_empty())
        .unwrap_or(lines.len());
    (title, end)
}

/// What a block of non-blank lines is.
enum Block {
    /// A `NOTE` block, with its text joined on one line.
    Note(String),
    /// A `STYLE` or `REGION` block.
    Skipped,
    /// Anything else: a cue (its timing is checked when read).
    Cue,
}

fn block_kind(block: &[&str]) -> Block {
    let first = block[0].trim();
    if first == "NOTE" || first.starts_with("NOTE ") || first.starts_with("NOTE\t") {
        let note = block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        return Block::Note(note["NOTE".len()..].trim().to_string());
    }
    if first == "STYLE" || first == "REGION" {
        return Block::Skipped;
    }
    Block::Cue
}

/// The timing of the cue starting at `start` (on its first or second line, after an
/// identifier): the timing line's index and its start and end in milliseconds.
fn cue_timing(lines: &[&str], start: usize, path: &Path) -> Result<(usize, u64, u64)> {
    let in_block = lines[start..]
        .iter()
        .take(2)
        .take_while(|l| !l.trim().is_empty());
    let Some(t) = in_block.into_iter().position(|l| l.contains("-->")) else {
        return Err(Error::InputLine {
            path: path.to_path_buf(),
            line: start + 1,
            message: format!(
                "expected a cue timing line like `00:00:01.000 --> 00:00:04.000`, found {:?}",
                truncate(lines[start].trim(), 60)
            ),
        });
    };
    let timing_line = start + t;
    let (from, to) = parse_timing(lines[timing_line]).ok_or_else(|| Error::InputLine {
        path: path.to_path_buf(),
        line: timing_line + 1,
        message: format!(
            "bad cue timing {:?}: expected `HH:MM:SS.mmm --> HH:MM:SS.mmm` (SRT: `,` before \
             the milliseconds)",
            truncate(lines[timing_line].trim(), 60)
        ),
    })?;
    Ok((timing_line, from, to))
}

/// The first cue's text, when it is an IGF title rather than speech.
fn title_cue(payload: &[(usize, &str)]) -> Option<String> {
    let joined = payload
        .iter()
        .map(|(_, l)| {
            strip_tags(l)
                .into_iter()
                .map(|(_, t)| t)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ");
    is_title_line(&joined).then(|| joined.trim().to_string())
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// `00:01:02.500 --> 00:01:04.000 align:start` → (62500, 64000).
fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (left, right) = line.split_once("-->")?;
    let from = parse_timestamp(left.trim())?;
    let to = parse_timestamp(right.split_whitespace().next()?)?;
    Some((from, to.max(from)))
}

/// `HH:MM:SS.mmm`, `MM:SS.mmm`, `HH:MM:SS,mmm` (SRT), `SS.mmm` → milliseconds.
pub(crate) fn parse_timestamp(s: &str) -> Option<u64> {
    let s = s.trim();
    let (clock, frac) = match s.rsplit_once(['.', ',']) {
        Some((c, f)) => (c, f),
        None => (s, ""),
    };
    let ms: u64 = if frac.is_empty() {
        0
    } else {
        if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let padded = format!("{frac:0<3}");
        padded.parse().ok()?
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    let mut secs: u64 = 0;
    for (k, p) in parts.iter().enumerate() {
        if !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: u64 = p.parse().ok()?;
        if k > 0 && v >= 60 {
            return None;
        }
        secs = secs.checked_mul(60)?.checked_add(v)?;
    }
    secs.checked_mul(1000)?.checked_add(ms)
}

/// A piece of a cue spoken by one speaker.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    /// Who speaks, when the cue says.
    speaker: Option<String>,
    /// A `>>` marker: a new speaker even without a name.
    new_turn: bool,
    text: String,
}

/// Splits a payload line into speaker segments: voice tags, then `>> NAME:` / `NAME:` prefixes.
fn split_speakers(line: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for (voice, text) in strip_tags(line) {
        let t = decode_entities(text.trim());
        if voice.is_none() && t.starts_with(">>") {
            let after = t.trim_start_matches('>').trim_start();
            match after.split_once(':') {
                Some((label, speech)) if looks_like_label(label.trim()) => out.push(Segment {
                    speaker: Some(label.trim().to_string()),
                    new_turn: true,
                    text: speech.trim().to_string(),
                }),
                _ => out.push(Segment {
                    speaker: None,
                    new_turn: true,
                    text: after.to_string(),
                }),
            }
            continue;
        }
        if voice.is_none() {
            if let Some((label, speech)) = t.split_once(':') {
                if looks_like_label(label.trim()) && label.trim().len() > 1 {
                    out.push(Segment {
                        speaker: Some(label.trim().to_string()),
                        new_turn: false,
                        text: speech.trim().to_string(),
                    });
                    continue;
                }
            }
        }
        out.push(Segment {
            speaker: voice,
            new_turn: false,
            text: t,
        });
    }
    out
}

/// Removes markup from a payload line, returning (voice, text) runs: `<v Ann>Hi</v> there` →
/// [(Some("Ann"), "Hi"), (None, " there")].
fn strip_tags(line: &str) -> Vec<(Option<String>, String)> {
    let mut runs: Vec<(Option<String>, String)> = Vec::new();
    let mut voice: Option<String> = None;
    let mut text = String::new();
    let mut rest = line;
    loop {
        let next_tag = rest.find('<');
        let next_code = rest.find("{\\");
        let cut = match (next_tag, next_code) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        text.push_str(&rest[..cut]);
        let closer = if rest[cut..].starts_with('<') {
            '>'
        } else {
            '}'
        };
        let Some(len) = rest[cut..].find(closer) else {
            // An unclosed `<` is text.
            text.push_str(&rest[cut..]);
            rest = "";
            break;
        };
        let tag = &rest[cut + 1..cut + len];
        rest = &rest[cut + len + 1..];
        if closer == '>' {
            if let Some(name) = voice_name(tag) {
                if !text.trim().is_empty() {
                    runs.push((voice.clone(), std::mem::take(&mut text)));
                }
                text.clear();
                voice = Some(name);
            } else if tag.trim() == "/v" {
                if !text.trim().is_empty() {
                    runs.push((voice.clone(), std::mem::take(&mut text)));
                }
                text.clear();
                voice = None;
            }
        }
    }
    text.push_str(rest);
    if !text.trim().is_empty() || runs.is_empty() {
        runs.push((voice, text));
    }
    runs
}

/// `v Ann Lee` / `v.loud Ann Lee` → `Ann Lee`.
fn voice_name(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with([' ', '.', '\t']) {
        return None;
    }
    let name = rest.split_once([' ', '\t']).map_or("", |(_, n)| n).trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The entities WebVTT allows, plus numeric ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &after[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lrm" => Some('\u{200e}'),
            "rlm" => Some('\u{200f}'),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Merges cue segments into turns.
#[derive(Default)]
struct Merger {
    current: Option<RawTurn>,
    turns: Vec<RawTurn>,
    counts: AnnotationCounts,
}

impl Merger {
    fn push(&mut self, seg: Segment, from: u64, to: u64, line: u32) {
        let same = match (&self.current, &seg.speaker) {
            (None, _) => false,
            (Some(_), None) => !seg.new_turn,
            (Some(cur), Some(s)) => !seg.new_turn && cur.label == *s,
        };
        if same {
            if let Some(cur) = self.current.as_mut() {
                if !seg.text.is_empty() {
                    if !cur.text.is_empty() {
                        cur.text.push(' ');
                    }
                    cur.text.push_str(&seg.text);
                }
                cur.end_ms = Some(to.max(cur.end_ms.unwrap_or(0)));
            }
            return;
        }
        self.close();
        self.current = Some(RawTurn {
            label: seg.speaker.unwrap_or_default(),
            text: seg.text,
            line,
            start_ms: Some(from),
            end_ms: Some(to),
            stakeholder_hint: None,
        });
    }

    fn close(&mut self) {
        if let Some(mut turn) = self.current.take() {
            turn.text = strip_annotations(&turn.text, &mut self.counts);
            if turn.text.chars().any(char::is_alphanumeric) {
                // A speaker who continues after an annotation-only turn of their own merges.
                match self.turns.last_mut() {
                    Some(prev) if prev.label == turn.label && !turn.label.is_empty() => {
                        prev.text.push(' ');
                        prev.text.push_str(&turn.text);
                        prev.end_ms = turn.end_ms;
                    }
                    _ => self.turns.push(turn),
                }
            }
        }
    }

    fn finish(mut self) -> (Vec<RawTurn>, AnnotationCounts) {
        self.close();
        (self.turns, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionKey;
    use proptest::prelude::*;

    #[test]
    fn timestamps_in_every_form() {
        let cases = [
            ("00:00:01.000", Some(1000)),
            ("01:02:03.456", Some(3_723_456)),
            ("00:01,5", Some(1500)),
            ("02:03.040", Some(123_040)),
            ("12.5", Some(12_500)),
            ("00:61:00.000", None),
            ("a:b", None),
            ("", None),
            ("00:00:01.0000", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_timestamp(s), want, "{s}");
        }
    }

    /// label, text, line, start, end.
    type Timed<'a> = (&'a str, &'a str, u32, Option<u64>, Option<u64>);

    #[test]
    fn voice_tags_prefixes_and_continuation_merge_into_turns() {
        let vtt = "WEBVTT\n\nNOTE IGF 2023 WS #412 Cross-border evidence\n\n\
            00:00:01.000 --> 00:00:03.000\n<v Ann Lee>We should start.\n\n\
            00:00:03.000 --> 00:00:05.000\n<v Ann Lee>Thank you all.</v>\n\n\
            00:00:05.000 --> 00:00:07.500\nand welcome. [Applause]\n\n\
            00:00:08.000 --> 00:00:09.000 align:start\nBO KIM: Thanks &amp; hello.\n\n\
            00:00:09.000 --> 00:00:10.000\n>> A question from the floor.\n";
        let t = parse_captions(vtt, Path::new("x.vtt")).unwrap();
        assert_eq!(
            t.key,
            Some(SessionKey {
                year: 2023,
                code: "WS #412".into()
            })
        );
        let got: Vec<Timed> = t
            .turns
            .iter()
            .map(|r| {
                (
                    r.label.as_str(),
                    r.text.as_str(),
                    r.line,
                    r.start_ms,
                    r.end_ms,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Ann Lee",
                    "We should start. Thank you all. and welcome.",
                    6,
                    Some(1000),
                    Some(7500)
                ),
                ("BO KIM", "Thanks & hello.", 15, Some(8000), Some(9000)),
                (
                    "",
                    "A question from the floor.",
                    18,
                    Some(9000),
                    Some(10000)
                ),
            ]
        );
        assert_eq!(t.annotations, [("applause".to_string(), 1)]);
    }

    #[test]
    fn a_bad_timing_names_the_line() {
        let srt =
            "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:0x,000 --> 00:00:03,000\nBye.\n";
        let err = parse_captions(srt, Path::new("c.srt"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.srt:6: bad cue timing \"00:00:0x,000 --> 00:00:03,000\": expected \
             `HH:MM:SS.mmm --> HH:MM:SS.mmm` (SRT: `,` before the milliseconds)"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_captions(&s, Path::new("x.vtt"));
        }

        #[test]
        fn never_panics_on_cue_like_text(
            cues in proptest::collection::vec(("[0-9:.,]{1,14}", "[ -~]{0,30}"), 0..10)
        ) {
            let text: String = cues
                .iter()
                .map(|(t, p)| format!("{t} --> {t}\n{p}\n\n"))
                .collect();
            let _ = parse_captions(&format!("WEBVTT\n\n{text}"), Path::new("x.vtt"));
        }
    }
}
