//! JSON Lines transcripts written by other tools: one object per turn.
//!
//! Input: decoded text, one JSON object per non-empty line:
//! `{"session": "IGF 2023 WS #225", "speaker": "ANNA LEE", "text": "…", "start": 12.5,
//! "end": "00:00:20.000", "stakeholder": "Civil Society", "title": "…"}`. `session`, `speaker`
//! (may be empty: an unnamed turn) and `text` are required; `start`/`end` are seconds (a number)
//! or `HH:MM:SS.mmm`; `stakeholder` is any spelling [`Stakeholder::parse`] accepts and becomes
//! [`RawTurn::stakeholder_hint`]; other fields are ignored. Output: one [`Transcript`] per
//! distinct session key, in order of first appearance. A bad line is left out and listed, with
//! what is wrong, in the first transcript's [`Transcript::damage`] (the pipeline warns naming
//! it); a file with no good line is an error naming its first bad line ([`Error::InputLine`]).
//! Nothing is skipped silently.

use super::annotation::{strip_annotations, AnnotationCounts};
use super::captions::parse_timestamp;
use super::title::{clean_title, is_title_line, parse_session_key};
use crate::error::{Error, Result};
use crate::model::{KeySource, LineDamage, RawTurn, SessionKey, Stakeholder, Transcript};
use serde_json::{Map, Value};
use std::path::Path;

/// One line of the file, read and checked.
struct JsonTurn {
    key: SessionKey,
    /// The `title` field, else a `session` that says more than the key (may be empty).
    title: String,
    speaker: String,
    text: String,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    stakeholder_hint: Option<Stakeholder>,
}

/// One transcript being read, with its annotation counts.
struct Building {
    transcript: Transcript,
    counts: AnnotationCounts,
}

/// Parses a JSON Lines transcript file.
pub fn parse_jsonl(text: &str, path: &Path) -> Result<Vec<Transcript>> {
    let mut sessions: Vec<Building> = Vec::new();
    let mut bad: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let line_no = i + 1;
        let turn = match read_line(line) {
            Ok(turn) => turn,
            Err(what) => {
                bad.push((line_no, what));
                continue;
            }
        };
        let at = sessions
            .iter()
            .position(|b| b.transcript.key.as_ref() == Some(&turn.key));
        let b = match at {
            Some(at) => &mut sessions[at],
            None => {
                sessions.push(Building {
                    transcript: Transcript {
                        key: Some(turn.key.clone()),
                        key_source: Some(KeySource::Title),
                        source: path.to_path_buf(),
                        ..Transcript::default()
                    },
                    counts: AnnotationCounts::new(),
                });
                sessions.last_mut().expect("just pushed")
            }
        };
        if b.transcript.title.is_empty() {
            b.transcript.title = turn.title;
        }
        let text = strip_annotations(&turn.text, &mut b.counts);
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        b.transcript.turns.push(RawTurn {
            label: turn.speaker,
            text,
            line: u32::try_from(line_no).unwrap_or(u32::MAX),
            start_ms: turn.start_ms,
            end_ms: turn.end_ms,
            stakeholder_hint: turn.stakeholder_hint,
        });
    }
    let mut out: Vec<Transcript> = sessions
        .into_iter()
        .filter(|b| !b.transcript.turns.is_empty())
        .map(|mut b| {
            b.transcript.annotations = b.counts.into_iter().collect();
            b.transcript
        })
        .collect();
    let Some(first) = out.first_mut() else {
        return Err(no_turns(path, bad));
    };
    first.damage = bad
        .into_iter()
        .map(|(line, what)| LineDamage {
            line,
            what: format!("{what} (line left out)"),
        })
        .collect();
    Ok(out)
}

/// The error of a file without a good line: its first bad line, else what a line needs.
fn no_turns(path: &Path, bad: Vec<(usize, String)>) -> Error {
    match bad.into_iter().next() {
        Some((line, message)) => Error::InputLine {
            path: path.to_path_buf(),
            line,
            message,
        },
        None => Error::InputFile {
            path: path.to_path_buf(),
            message: "no turns found: expected one JSON object per line with \"session\", \
                      \"speaker\" and \"text\""
                .into(),
        },
    }
}

/// Reads one non-empty line; the error says what is wrong with it.
fn read_line(line: &str) -> std::result::Result<JsonTurn, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("expected a JSON object with \"session\", \"speaker\" and \"text\"".into());
    };
    let session = required_str(&obj, "session")?;
    let key = parse_session_key(session).ok_or_else(|| {
        format!(
            "cannot find a year and session code in \"session\": {session:?}: write it like \
             \"IGF 2023 WS #225\" or \"2023-ws-225\""
        )
    })?;
    let speaker = speaker(&obj)?;
    let text = required_str(&obj, "text")?.to_string();
    let start_ms = time_field(&obj, "start")?;
    let end_ms = time_field(&obj, "end")?;
    if let (Some(s), Some(e)) = (start_ms, end_ms) {
        if e < s {
            return Err(format!("\"end\" ({e} ms) is before \"start\" ({s} ms)"));
        }
    }
    let stakeholder_hint = stakeholder(&obj)?;
    let title = match obj.get("title") {
        Some(Value::String(t)) => clean_title(t),
        _ => {
            let t = clean_title(session);
            if t == key.to_string() || !is_title_line(session) {
                String::new()
            } else {
                t
            }
        }
    };
    Ok(JsonTurn {
        key,
        title,
        speaker,
        text,
        start_ms,
        end_ms,
        stakeholder_hint,
    })
}

/// `speaker`: a string, or null / "" for an unnamed turn.
fn speaker(obj: &Map<String, Value>) -> std::result::Result<String, String> {
    match obj.get("speaker") {
        Some(Value::String(s)) => Ok(s.trim().to_string()),
        Some(Value::Null) => Ok(String::new()),
        Some(other) => Err(format!("\"speaker\" must be a string, found {other}")),
        None => Err("missing \"speaker\" (use \"\" for an unnamed turn)".into()),
    }
}

/// `stakeholder`: optional, any spelling [`Stakeholder::parse`] accepts.
fn stakeholder(obj: &Map<String, Value>) -> std::result::Result<Option<Stakeholder>, String> {
    match obj.get("stakeholder") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Stakeholder::parse(s).map(Some).ok_or_else(|| {
            format!(
                "unknown \"stakeholder\" {s:?}: valid values are {}",
                Stakeholder::valid_values()
            )
        }),
        Some(other) => Err(format!("\"stakeholder\" must be a string, found {other}")),
    }
}

/// A required string field.
fn required_str<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> std::result::Result<&'a str, String> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("\"{field}\" must be a string, found {other}")),
        None => Err(format!("missing \"{field}\"")),
    }
}

/// A `start`/`end` number must be below this many seconds (about 31 years).
const MAX_SECONDS: f64 = 1e9;

/// `start`/`end`: seconds as a number, or a `HH:MM:SS.mmm` string; absent or null is `None`.
/// A negative number and one too large to be a time (or not finite) are errors that say which.
fn time_field(obj: &Map<String, Value>, field: &str) -> std::result::Result<Option<u64>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(secs) if (0.0..MAX_SECONDS).contains(&secs) => {
                Ok(Some((secs * 1000.0).round() as u64))
            }
            Some(secs) if secs < 0.0 => Err(format!(
                "\"{field}\" must be a number of seconds ≥ 0, found {n}"
            )),
            _ => Err(format!(
                "\"{field}\" {n} is out of range: a time must be from 0 to under {MAX_SECONDS} \
                 seconds (about 31 years), or \"HH:MM:SS.mmm\""
            )),
        },
        Some(Value::String(s)) => parse_timestamp(s).map(Some).ok_or_else(|| {
            format!("\"{field}\" {s:?} is not a time: use seconds (12.5) or \"HH:MM:SS.mmm\"")
        }),
        Some(other) => Err(format!(
            "\"{field}\" must be seconds or \"HH:MM:SS.mmm\", found {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// label, text, line, start, end, stakeholder hint.
    type Row = (
        String,
        String,
        u32,
        Option<u64>,
        Option<u64>,
        Option<Stakeholder>,
    );

    #[test]
    fn groups_turns_by_session_in_order_of_first_appearance() {
        let text = r#"{"session":"IGF 2023 WS #225","speaker":"ANNA LEE","text":"We agree. (Applause)","start":1.5,"end":"00:00:04.250","stakeholder":"civil society"}

{"session":"2024-ws-164","speaker":"","text":"A question.","title":"IGF 2024 WS #164 After adoption"}
{"session":"IGF 2023 – Day 3 – WS #225 Risks – RAW","speaker":"BO","text":"Fine.","extra":1}
"#;
        let ts = parse_jsonl(text, Path::new("t.jsonl")).unwrap();
        let got: Vec<(String, String, Vec<Row>)> = ts
            .iter()
            .map(|t| {
                (
                    t.key.as_ref().unwrap().to_string(),
                    t.title.clone(),
                    t.turns
                        .iter()
                        .map(|r| {
                            (
                                r.label.clone(),
                                r.text.clone(),
                                r.line,
                                r.start_ms,
                                r.end_ms,
                                r.stakeholder_hint,
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "IGF 2023 WS #225".to_string(),
                    "IGF 2023 WS #225 Risks".to_string(),
                    vec![
                        (
                            "ANNA LEE".into(),
                            "We agree.".into(),
                            1,
                            Some(1500),
                            Some(4250),
                            Some(Stakeholder::CivilSociety)
                        ),
                        ("BO".into(), "Fine.".into(), 4, None, None, None),
                    ]
                ),
                (
                    "IGF 2024 WS #164".to_string(),
                    "IGF 2024 WS #164 After adoption".to_string(),
                    vec![("".into(), "A question.".into(), 3, None, None, None)]
                ),
            ]
        );
        assert_eq!(ts[0].annotations, [("applause".to_string(), 1)]);
    }

    #[test]
    fn bad_lines_name_line_and_problem() {
        let cases = [
            ("not json", "t.jsonl:1: not valid JSON: expected ident at line 1 column 2"),
            ("[1]", "t.jsonl:1: expected a JSON object with \"session\", \"speaker\" and \"text\""),
            (r#"{"speaker":"A","text":"x"}"#, "t.jsonl:1: missing \"session\""),
            (
                r#"{"session":"notes","speaker":"A","text":"x"}"#,
                "t.jsonl:1: cannot find a year and session code in \"session\": \"notes\": write it like \"IGF 2023 WS #225\" or \"2023-ws-225\"",
            ),
            (r#"{"session":"IGF 2023 WS #1","text":"x"}"#, "t.jsonl:1: missing \"speaker\" (use \"\" for an unnamed turn)"),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":5}"#, "t.jsonl:1: \"text\" must be a string, found 5"),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":"x","start":"soon"}"#, "t.jsonl:1: \"start\" \"soon\" is not a time: use seconds (12.5) or \"HH:MM:SS.mmm\""),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":"x","start":5,"end":2}"#, "t.jsonl:1: \"end\" (2000 ms) is before \"start\" (5000 ms)"),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":"x","start":-0.5}"#, "t.jsonl:1: \"start\" must be a number of seconds ≥ 0, found -0.5"),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":"x","end":1e300}"#, "t.jsonl:1: \"end\" 1e+300 is out of range: a time must be from 0 to under 1000000000 seconds (about 31 years), or \"HH:MM:SS.mmm\""),
            (r#"{"session":"IGF 2023 WS #1","speaker":"A","text":"x","stakeholder":"Press"}"#, "t.jsonl:1: unknown \"stakeholder\" \"Press\": valid values are Government (government), Civil Society (civil-society), Private Sector (private-sector), Technical Community (technical-community), Intergovernmental Organization (intergovernmental-organization), Unknown"),
        ];
        for (line, want) in cases {
            let err = parse_jsonl(line, Path::new("t.jsonl"))
                .unwrap_err()
                .to_string();
            assert_eq!(err, want, "{line}");
        }
    }

    #[test]
    fn a_bad_line_among_good_ones_is_left_out_and_named() {
        let text = r#"{"session":"IGF 2023 WS #1","speaker":"ANNA","text":"First."}
{"session":"IGF 2023 WS #1","speaker":
{"session":"IGF 2023 WS #2","speaker":"BO","text":"Second."}
{"session":"IGF 2023 WS #1","speaker":"CY","text":5}
"#;
        let ts = parse_jsonl(text, Path::new("t.jsonl")).unwrap();
        let labels: Vec<&str> = ts
            .iter()
            .flat_map(|t| t.turns.iter().map(|r| r.label.as_str()))
            .collect();
        assert_eq!(labels, ["ANNA", "BO"]);
        let lines: Vec<usize> = ts[0].damage.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 4]);
        assert!(
            ts[0].damage[0].what.starts_with("not valid JSON"),
            "{:?}",
            ts[0].damage
        );
        assert_eq!(
            ts[0].damage[1].what,
            "\"text\" must be a string, found 5 (line left out)"
        );
        assert!(ts[1].damage.is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_jsonl(&s, Path::new("x.jsonl"));
        }
    }
}
