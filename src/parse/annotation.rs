//! Non-speech annotations in captioned text: `(Applause)`, `[ Applause ]`, `(Laughter.)`,
//! `(off mic)`, `(no audio)`, `(audio froze)`, `[side discussion]`, `(speaking Spanish)`,
//! `(?)` and their kin.
//!
//! Input: one paragraph of speech. Output: the paragraph without the annotations (spaces
//! squeezed) and a count per kind. Brackets that hold words of the speech ("(a) undermine",
//! "(AHC)", "[the convention]") are kept: only contents that match a known kind are removed.

use std::collections::BTreeMap;

/// Longest bracketed content (in chars) still considered an annotation.
const MAX_ANNOTATION_CHARS: usize = 80;

/// Counts of removed annotations by kind, sorted by kind.
pub type AnnotationCounts = BTreeMap<String, u32>;

/// Removes the annotations from `text`, adding each one's kind to `counts`. Whitespace runs are
/// squeezed to one space and the result is trimmed; a word glued to `(?)` is kept apart from
/// its neighbour.
pub fn strip_annotations(text: &str, counts: &mut AnnotationCounts) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(['(', '[']) {
        let open = rest.as_bytes()[pos];
        let close = if open == b'(' { ')' } else { ']' };
        let after = &rest[pos + 1..];
        let end = after
            .char_indices()
            .take(MAX_ANNOTATION_CHARS + 1)
            .find(|&(_, c)| c == close || c == '(' || c == '[')
            .filter(|&(_, c)| c == close)
            .map(|(i, _)| i);
        let kinds = end.map(|e| classify(&after[..e])).unwrap_or_default();
        match end {
            Some(e) if !kinds.is_empty() => {
                for k in kinds {
                    *counts.entry(k.to_string()).or_insert(0) += 1;
                }
                out.push_str(&rest[..pos]);
                let tail = &after[e + 1..];
                let glued_left = out.chars().last().is_some_and(char::is_alphanumeric);
                let glued_right = tail.chars().next().is_some_and(char::is_alphanumeric);
                if glued_left || glued_right {
                    out.push(' ');
                }
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..pos + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    squeeze(&out)
}

/// Whether `text` holds nothing but annotations (and spaces/punctuation).
pub fn is_annotation_only(text: &str) -> bool {
    let mut scratch = AnnotationCounts::new();
    let stripped = strip_annotations(text, &mut scratch);
    !scratch.is_empty() && !stripped.chars().any(char::is_alphanumeric)
}

/// Whitespace runs squeezed to one space, trimmed.
pub(crate) fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Languages named in "speaking Spanish"-style notes.
const LANGUAGES: [&str; 14] = [
    "spanish",
    "french",
    "arabic",
    "russian",
    "chinese",
    "mandarin",
    "portuguese",
    "japanese",
    "german",
    "swahili",
    "another language",
    "other language",
    "native language",
    "non-english",
];

/// The annotation kinds an inner text names (empty when it is speech).
fn classify(inner: &str) -> Vec<&'static str> {
    let t = inner
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || ".,;:!-–".contains(c))
        .to_lowercase();
    if t.is_empty() {
        return Vec::new();
    }
    if t.chars().all(|c| c == '?' || c.is_whitespace()) {
        return vec!["unclear"];
    }
    if t.split_whitespace().count() > 10 {
        return Vec::new();
    }
    let has = |w: &str| t.contains(w);
    let starts = |w: &str| t.starts_with(w);
    let mut kinds = Vec::new();
    if has("applause") || has("applauding") || has("clapping") {
        kinds.push("applause");
    }
    if has("laughter") || has("laughs") || has("laughing") || has("chuckl") {
        kinds.push("laughter");
    }
    if has("off mic")
        || has("off-mic")
        || has("off microphone")
        || has("mic off")
        || has("microphone off")
        || has("away from mic")
        || has("away from the mic")
        || has("no mic")
    {
        kinds.push("off-mic");
    }
    if starts("no audio") || starts("no sound") || t == "silence" || t == "muted" {
        kinds.push("no-audio");
    } else if (has("audio") || has("sound") || has("connection") || has("video") || has("feed"))
        && [
            "cut",
            "froze",
            "frozen",
            "drop",
            "lost",
            "difficult",
            "issue",
            "problem",
            "break",
            "glitch",
            "distort",
            "low",
            "poor",
            "back",
            "interrupt",
        ]
        .iter()
        .any(|w| has(w))
    {
        kinds.push("audio-problem");
    }
    if t == "echo" || starts("echo ") || has("echoing") {
        kinds.push("echo");
    }
    if t == "static" || starts("static ") {
        kinds.push("static");
    }
    if has("garbled") {
        kinds.push("garbled");
    }
    if has("crosstalk") || has("cross-talk") || has("overlapping") || has("multiple speakers") {
        kinds.push("crosstalk");
    }
    if has("side discussion") || has("side conversation") || has("side talk") {
        kinds.push("side-discussion");
    }
    if starts("recording") || has("recording in progress") {
        kinds.push("recording");
    }
    if starts("indicating")
        || starts("indicates")
        || starts("pointing")
        || starts("gestur")
        || starts("nodding")
        || starts("nods")
    {
        kinds.push("indicating");
    }
    if has("stand by")
        || has("standby")
        || has("stand-by")
        || has("standing by")
        || has("will begin")
        || has("will start")
        || has("will resume")
        || has("about to begin")
        || has("waiting to start")
        || has("waiting for the session")
    {
        kinds.push("stand-by");
    }
    if t == "break" || t == "pause" || starts("pause ") || has("coffee break") {
        kinds.push("pause");
    }
    if t == "music" || starts("music ") || has("music playing") {
        kinds.push("music");
    }
    if t == "video"
        || starts("video play")
        || starts("video presentation")
        || starts("playing video")
    {
        kinds.push("video");
    }
    if matches!(
        t.as_str(),
        "inaudible" | "unintelligible" | "indiscernible" | "unclear" | "inaudible words"
    ) || starts("inaudible")
        || starts("unintelligible")
        || starts("indiscernible")
    {
        kinds.push("inaudible");
    }
    let speaks = has("speaking")
        || has("speaks")
        || has("spoken")
        || starts("in ")
        || has("interpret")
        || has("translat");
    if (speaks && LANGUAGES.iter().any(|l| has(l))) || LANGUAGES.contains(&t.as_str()) {
        kinds.push("other-language");
    }
    if kinds.is_empty() && (starts("no interpretation") || starts("through interpret")) {
        kinds.push("other-language");
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Input, text left, counts by kind.
    type Case = (&'static str, &'static str, &'static [(&'static str, u32)]);

    #[test]
    fn annotations_are_removed_and_counted_by_kind() {
        let cases: &[Case] = &[
            ("Thank you.  (Applause)", "Thank you.", &[("applause", 1)]),
            (
                "Thank you. [ Applause ] Next.",
                "Thank you. Next.",
                &[("applause", 1)],
            ),
            ("Good. (Laughter.) So.", "Good. So.", &[("laughter", 1)]),
            (
                "(Laughter and applause)",
                "",
                &[("applause", 1), ("laughter", 1)],
            ),
            (
                "We passed the Act (?)in 2020.",
                "We passed the Act in 2020.",
                &[("unclear", 1)],
            ),
            ("the Act(?) in", "the Act in", &[("unclear", 1)]),
            ("yes (off mic) no", "yes no", &[("off-mic", 1)]),
            ("(no audio)", "", &[("no-audio", 1)]),
            (
                "(audio cut out) and (Audio froze)",
                "and",
                &[("audio-problem", 2)],
            ),
            (
                "[side discussion] right",
                "right",
                &[("side-discussion", 1)],
            ),
            (
                "(Echo) (static) [garbled]",
                "",
                &[("echo", 1), ("garbled", 1), ("static", 1)],
            ),
            ("(Recording in progress)", "", &[("recording", 1)]),
            ("(Indicating) this one", "this one", &[("indicating", 1)]),
            (
                "(Please stand by, the session will begin shortly)",
                "",
                &[("stand-by", 1)],
            ),
            (
                "(Speaking Spanish) Gracias",
                "Gracias",
                &[("other-language", 1)],
            ),
            (
                "(speaking in another language)",
                "",
                &[("other-language", 1)],
            ),
            ("(Inaudible) words", "words", &[("inaudible", 1)]),
            (
                "could (a) undermine the (AHC) and [the convention]",
                "could (a) undermine the (AHC) and [the convention]",
                &[],
            ),
            ("unbalanced (applause", "unbalanced (applause", &[]),
            (
                "nested (a (Applause) b)",
                "nested (a b)",
                &[("applause", 1)],
            ),
        ];
        for (input, want, want_counts) in cases {
            let mut counts = AnnotationCounts::new();
            let got = strip_annotations(input, &mut counts);
            assert_eq!(&got, want, "{input}");
            let got_counts: Vec<(&str, u32)> =
                counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            assert_eq!(&got_counts, want_counts, "{input}");
        }
    }

    #[test]
    fn annotation_only_lines_are_recognised() {
        assert!(is_annotation_only("(Applause)"));
        assert!(is_annotation_only(" [ Applause ]. "));
        assert!(!is_annotation_only("(Applause) Thanks"));
        assert!(!is_annotation_only(""));
        assert!(!is_annotation_only("(a)"));
    }

    proptest! {
        #[test]
        fn stripping_never_panics_and_keeps_plain_words(s in any::<String>()) {
            let mut counts = AnnotationCounts::new();
            let out = strip_annotations(&s, &mut counts);
            if !s.contains(['(', '[']) {
                prop_assert_eq!(out, squeeze(&s));
            }
        }
    }
}
