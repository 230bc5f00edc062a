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
    strip_annotations_into(text, counts, &mut out);
    out
}

/// [`strip_annotations`] appending to `out` instead of returning a new string.
pub(crate) fn strip_annotations_into(text: &str, counts: &mut AnnotationCounts, out: &mut String) {
    let mut sq = Squeezer::new(out);
    let mut rest = text;
    while let Some(pos) = memchr::memchr2(b'(', b'[', rest.as_bytes()) {
        let open = rest.as_bytes()[pos];
        let close = if open == b'(' { b')' } else { b']' };
        let after = &rest[pos + 1..];
        let end = closing_bracket(after, close);
        let kinds = end.map(|e| classify(&after[..e])).unwrap_or_default();
        match end {
            Some(e) if !kinds.is_empty() => {
                for k in kinds {
                    match counts.get_mut(k) {
                        Some(n) => *n += 1,
                        None => {
                            counts.insert(k.to_string(), 1);
                        }
                    }
                }
                sq.push(&rest[..pos]);
                let tail = &after[e + 1..];
                let glued_left = sq.ends_alphanumeric();
                let glued_right = tail.chars().next().is_some_and(char::is_alphanumeric);
                if glued_left || glued_right {
                    sq.space();
                }
                rest = tail;
            }
            _ => {
                sq.push(&rest[..pos + 1]);
                rest = after;
            }
        }
    }
    sq.push(rest);
}

/// Byte offset in `after` (the text after an opening bracket) of the `close` bracket, when it
/// comes within [`MAX_ANNOTATION_CHARS`] + 1 chars and before any other opening bracket.
fn closing_bracket(after: &str, close: u8) -> Option<usize> {
    let mut chars = 0;
    for (i, &b) in after.as_bytes().iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if chars > MAX_ANNOTATION_CHARS {
                return None;
            }
            chars += 1;
        }
        if b == close {
            return Some(i);
        }
        if b == b'(' || b == b'[' {
            return None;
        }
    }
    None
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
    Squeezer::new(&mut out).push(s);
    out
}

/// How a byte starts a char with respect to [`char::is_whitespace`]: 0 never white space (ASCII
/// non-space, UTF-8 continuation bytes and lead bytes of blocks without spaces), 1 ASCII white
/// space, 2 the lead byte of a multi-byte char that may be white space.
const SPACE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    let mut b = b'\t';
    while b <= b'\r' {
        t[b as usize] = 1;
        b += 1;
    }
    // U+0085, U+00A0; U+1680; U+2000–U+200A, U+2028, U+2029, U+202F, U+205F; U+3000.
    t[0xC2] = 2;
    t[0xE1] = 2;
    t[0xE2] = 2;
    t[0xE3] = 2;
    t
};

/// Byte length of the white-space char starting at byte `i` of `s`, or 0 when there is none
/// (`i` may be inside a char: it is then never white space).
#[inline]
fn space_len(s: &str, i: usize) -> usize {
    match SPACE_CLASS[usize::from(s.as_bytes()[i])] {
        0 => 0,
        1 => 1,
        _ => match s[i..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
    }
}

/// Finds two ASCII spaces in a row.
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));

/// Whether the only white space in `s` is ASCII spaces.
fn only_plain_spaces(s: &str) -> bool {
    // ASCII text without control bytes has no other white space (min/max reductions
    // vectorise); anything else gets a look at each byte that may start white space.
    let (lo, hi) = s
        .as_bytes()
        .iter()
        .fold((u8::MAX, 0u8), |(lo, hi), &b| (lo.min(b), hi.max(b)));
    (lo >= b' ' && hi < 0x80)
        || !s
            .bytes()
            .enumerate()
            .any(|(i, b)| b != b' ' && SPACE_CLASS[usize::from(b)] != 0 && space_len(s, i) > 0)
}

/// Appends text to a string with white-space runs squeezed to one space and trimmed at both
/// ends, as [`squeeze`] would give for everything pushed, concatenated. Only what it appends
/// is looked at: text already in the string stays as it is.
struct Squeezer<'o> {
    out: &'o mut String,
    /// Length of `out` before the first push.
    base: usize,
    /// White space was seen after the last word written.
    pending: bool,
}

impl<'o> Squeezer<'o> {
    fn new(out: &'o mut String) -> Self {
        let base = out.len();
        Squeezer {
            out,
            base,
            pending: false,
        }
    }

    /// Appends `s`, squeezed.
    fn push(&mut self, s: &str) {
        if only_plain_spaces(s) {
            self.push_plain(s);
        } else {
            self.push_any(s);
        }
    }

    /// Appends a word (no white space in it, not empty), after a space if white space came
    /// before it.
    fn word(&mut self, w: &str) {
        if self.pending && self.out.len() > self.base {
            self.out.push(' ');
        }
        self.pending = false;
        self.out.push_str(w);
    }

    /// [`Squeezer::push`] for text whose only white space is ASCII spaces: runs of words
    /// separated by single spaces are copied whole, cut where two or more spaces follow.
    fn push_plain(&mut self, s: &str) {
        let mut rest = s.trim_start_matches(' ');
        if rest.len() < s.len() {
            self.pending = true;
        }
        while !rest.is_empty() {
            // `rest` starts with a non-space.
            match DOUBLE_SPACE.find(rest.as_bytes()) {
                Some(k) => {
                    self.word(&rest[..k]);
                    rest = rest[k..].trim_start_matches(' ');
                    self.pending = true;
                }
                None => {
                    let run = rest.trim_end_matches(' ');
                    self.word(run);
                    if run.len() < rest.len() {
                        self.pending = true;
                    }
                    break;
                }
            }
        }
    }

    /// [`Squeezer::push`] for any text.
    fn push_any(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let n = space_len(s, i);
            if n > 0 {
                self.pending = true;
                i += n;
                continue;
            }
            // A run of words separated by single ASCII spaces is copied at once.
            let start = i;
            let mut j = i + 1;
            loop {
                // Pass over the bytes that never start white space.
                match bytes[j..]
                    .iter()
                    .position(|&b| SPACE_CLASS[usize::from(b)] != 0)
                {
                    Some(k) => j += k,
                    None => {
                        j = bytes.len();
                        break;
                    }
                }
                if space_len(s, j) == 0 {
                    j += 1;
                } else if bytes[j] == b' ' && j + 1 < bytes.len() && space_len(s, j + 1) == 0 {
                    j += 2;
                } else {
                    break;
                }
            }
            if self.pending && self.out.len() > self.base {
                self.out.push(' ');
            }
            self.pending = false;
            self.out.push_str(&s[start..j]);
            i = j;
        }
    }

    /// Appends white space (a space if a word follows).
    fn space(&mut self) {
        self.pending = true;
    }

    /// Whether what was appended so far, before squeezing, ends with an alphanumeric char.
    fn ends_alphanumeric(&self) -> bool {
        !self.pending
            && self.out[self.base..]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    }
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

/// How a rule recognises an annotation's text (lower-cased, trimmed of punctuation).
#[derive(Debug, Clone, Copy)]
enum Pat {
    /// Contains the words.
    Has(&'static str),
    /// Starts with them.
    Starts(&'static str),
    /// Is exactly them.
    Is(&'static str),
}

use Pat::{Has, Is, Starts};

/// Each kind of annotation and the texts that name it (any one is enough).
const RULES: &[(&str, &[Pat])] = &[
    (
        "applause",
        &[Has("applause"), Has("applauding"), Has("clapping")],
    ),
    (
        "laughter",
        &[
            Has("laughter"),
            Has("laughs"),
            Has("laughing"),
            Has("chuckl"),
        ],
    ),
    (
        "off-mic",
        &[
            Has("off mic"),
            Has("off-mic"),
            Has("off microphone"),
            Has("mic off"),
            Has("microphone off"),
            Has("away from mic"),
            Has("away from the mic"),
            Has("no mic"),
        ],
    ),
    (
        "no-audio",
        &[
            Starts("no audio"),
            Starts("no sound"),
            Is("silence"),
            Is("muted"),
        ],
    ),
    ("echo", &[Is("echo"), Starts("echo "), Has("echoing")]),
    ("static", &[Is("static"), Starts("static ")]),
    ("garbled", &[Has("garbled")]),
    (
        "crosstalk",
        &[
            Has("crosstalk"),
            Has("cross-talk"),
            Has("overlapping"),
            Has("multiple speakers"),
        ],
    ),
    (
        "side-discussion",
        &[
            Has("side discussion"),
            Has("side conversation"),
            Has("side talk"),
        ],
    ),
    (
        "recording",
        &[Starts("recording"), Has("recording in progress")],
    ),
    (
        "indicating",
        &[
            Starts("indicating"),
            Starts("indicates"),
            Starts("pointing"),
            Starts("gestur"),
            Starts("nodding"),
            Starts("nods"),
        ],
    ),
    (
        "stand-by",
        &[
            Has("stand by"),
            Has("standby"),
            Has("stand-by"),
            Has("standing by"),
            Has("will begin"),
            Has("will start"),
            Has("will resume"),
            Has("about to begin"),
            Has("waiting to start"),
            Has("waiting for the session"),
        ],
    ),
    (
        "pause",
        &[
            Is("break"),
            Is("pause"),
            Starts("pause "),
            Has("coffee break"),
        ],
    ),
    (
        "music",
        &[Is("music"), Starts("music "), Has("music playing")],
    ),
    (
        "video",
        &[
            Is("video"),
            Starts("video play"),
            Starts("video presentation"),
            Starts("playing video"),
        ],
    ),
    (
        "inaudible",
        &[
            Is("unclear"),
            Starts("inaudible"),
            Starts("unintelligible"),
            Starts("indiscernible"),
        ],
    ),
];

/// What a media stream is called, and what goes wrong with it: a text naming one of each is an
/// audio problem (unless it says there is no audio at all).
const MEDIA: [&str; 5] = ["audio", "sound", "connection", "video", "feed"];
const TROUBLE: [&str; 15] = [
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
];
/// Words that say someone speaks another language (with one of [`LANGUAGES`]).
const SPEAKS: [&str; 5] = ["speaking", "speaks", "spoken", "interpret", "translat"];

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
    let names = |p: &Pat| match *p {
        Has(w) => t.contains(w),
        Starts(w) => t.starts_with(w),
        Is(w) => t == w,
    };
    let mut kinds: Vec<&'static str> = RULES
        .iter()
        .filter(|(_, pats)| pats.iter().any(names))
        .map(|(kind, _)| *kind)
        .collect();
    if !kinds.contains(&"no-audio")
        && MEDIA.iter().any(|w| has(w))
        && TROUBLE.iter().any(|w| has(w))
    {
        kinds.push("audio-problem");
    }
    let speaks = SPEAKS.iter().any(|w| has(w)) || t.starts_with("in ");
    if (speaks && LANGUAGES.iter().any(|l| has(l))) || LANGUAGES.contains(&t.as_str()) {
        kinds.push("other-language");
    }
    if kinds.is_empty()
        && (t.starts_with("no interpretation") || t.starts_with("through interpret"))
    {
        kinds.push("other-language");
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Speech with annotations, stray and nested brackets, glued words and every kind of
    /// white space.
    fn annotated_soup() -> impl Strategy<Value = String> {
        let atoms = prop_oneof![
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just("Applause"),
            Just("laughter."),
            Just("off mic"),
            Just("?"),
            Just("speaking Spanish"),
            Just("no audio"),
            Just("a"),
            Just("AHC"),
            Just("word"),
            Just("Wiśniewski"),
            Just(" "),
            Just("  "),
            Just("\t"),
            Just("\n"),
            Just("\u{b}"),
            Just("\u{c}"),
            Just("\r"),
            Just("\u{85}"),
            Just("\u{a0}"),
            Just("\u{1680}"),
            Just("\u{2003}"),
            Just("\u{2028}"),
            Just("\u{202f}"),
            Just("\u{205f}"),
            Just("\u{3000}"),
            Just("\u{200b}"),
            Just("—"),
            Just("…"),
            Just("é"),
            Just("中"),
            Just("."),
            Just("-"),
        ];
        proptest::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
    }

    /// What every stripping must give: trimmed text without two white-space chars in a row
    /// (it is squeezed), a count only for what was removed, and, when appending, the text
    /// already there untouched.
    fn check_stripping(s: &str) -> Result<(), TestCaseError> {
        let mut counts = AnnotationCounts::new();
        let got = strip_annotations(s, &mut counts);
        prop_assert_eq!(got.trim(), got.as_str());
        prop_assert!(!got.contains("  "));
        prop_assert!(
            got.chars().all(|c| c == ' ' || !c.is_whitespace()),
            "{:?}",
            got
        );
        if counts.is_empty() {
            prop_assert_eq!(&got, &squeeze(s), "nothing removed: only squeezed");
        }
        let mut out = String::from("kept (x");
        let mut again = AnnotationCounts::new();
        strip_annotations_into(s, &mut again, &mut out);
        prop_assert_eq!(out, format!("kept (x{got}"));
        prop_assert_eq!(again, counts);
        Ok(())
    }

    /// Annotations a caption file writes, with their kind.
    const KNOWN: [(&str, &str); 8] = [
        ("Applause", "applause"),
        ("laughter.", "laughter"),
        ("Off mic", "off-mic"),
        ("no audio", "no-audio"),
        ("Speaking Spanish", "other-language"),
        ("inaudible", "inaudible"),
        ("Side discussion", "side-discussion"),
        ("?", "unclear"),
    ];

    #[test]
    fn an_annotation_at_the_length_limit_is_removed_and_one_past_it_kept() {
        let inner = |n: usize| format!("applause{}", "a".repeat(n - 8));
        let mut counts = AnnotationCounts::new();
        let at = format!("x ({}) y", inner(MAX_ANNOTATION_CHARS));
        assert_eq!(strip_annotations(&at, &mut counts), "x y");
        let past = format!("x ({}) y", inner(MAX_ANNOTATION_CHARS + 2));
        assert_eq!(strip_annotations(&past, &mut counts), past);
        assert_eq!(counts.get("applause"), Some(&1));
    }

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

        /// A turn's words are all kept: speech with known annotations between its words (in
        /// round or square brackets, any spacing) comes out as the words alone, one space
        /// apart, and each annotation is counted under its kind.
        #[test]
        fn stripping_keeps_every_word_and_counts_every_annotation(
            parts in proptest::collection::vec(
                ("[A-Za-z\u{e9}][a-z,.']{0,8}", proptest::option::of((0..KNOWN.len(), any::<bool>(), " {0,2}"))),
                1..40,
            ),
        ) {
            let (mut text, mut words) = (String::new(), Vec::new());
            let mut want = AnnotationCounts::new();
            for (word, note) in &parts {
                text.push_str(word);
                text.push(' ');
                words.push(word.as_str());
                if let Some((k, square, pad)) = note {
                    let (open, close) = if *square { ('[', ']') } else { ('(', ')') };
                    text.push_str(&format!("{open}{pad}{}{pad}{close} ", KNOWN[*k].0));
                    *want.entry(KNOWN[*k].1.to_string()).or_default() += 1;
                }
            }
            let mut counts = AnnotationCounts::new();
            prop_assert_eq!(strip_annotations(&text, &mut counts), words.join(" "));
            prop_assert_eq!(counts, want);
        }

        /// Brackets around words of the speech are speech: kept as written.
        #[test]
        fn bracketed_speech_is_kept(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("ii"), Just("AHC"), Just("UNODC"), Just("the convention"),
                    Just("treaty"), Just("Art. 5"), Just("see below"),
                ],
                1..6,
            ),
            square in any::<bool>(),
        ) {
            let inner = words.join(" ");
            let (open, close) = if square { ('[', ']') } else { ('(', ')') };
            let text = format!("could {open}{inner}{close} undermine it");
            let mut counts = AnnotationCounts::new();
            prop_assert_eq!(strip_annotations(&text, &mut counts), text);
            prop_assert!(counts.is_empty());
        }

        #[test]
        fn stripping_any_soup_is_squeezed_and_appends(s in annotated_soup()) {
            check_stripping(&s)?;
        }

        #[test]
        fn stripping_space_only_text_is_squeezed(
            atoms in proptest::collection::vec(
                prop_oneof![
                    Just(" "), Just("  "), Just("   "), Just("word"), Just("(Applause)"),
                    Just("(?)"), Just("("), Just(")"), Just("["), Just("a"), Just("é"), Just("—"),
                    Just("\u{a0}"),
                ],
                0..40,
            )
        ) {
            check_stripping(&atoms.concat())?;
        }

        #[test]
        fn stripping_arbitrary_text_is_squeezed(s in any::<String>()) {
            check_stripping(&s)?;
        }

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
