//! Splitting turns into passages: sentence-aware, about 40–120 words, never cutting a sentence.
//! Input: a resolved [`crate::model::Turn`]; output: the passage texts with their word counts and the byte
//! offset where each starts in the turn text. Ids, languages and source lines are added by the
//! pipeline.
//!
//! Sentences end at `.`, `!`, `?` or `…` followed by white space and an upper-case letter, a digit
//! or a quote, except after common abbreviations (`Mr.`, `Dr.`, `e.g.`, `No.`, single initials).
//! Paragraph breaks always end a sentence. A run-on "sentence" of more than
//! [`MAX_SENTENCE_WORDS`] words (caption text without punctuation) is cut at that length, so a
//! file with no full stops still gives bounded passages.

use crate::text::count_words;

/// Passages aim for at least this many words …
pub const MIN_WORDS: u32 = 40;
/// … and at most this many, unless one sentence alone is longer.
pub const MAX_WORDS: u32 = 120;
/// A sentence longer than this is cut (caption run-ons).
pub const MAX_SENTENCE_WORDS: u32 = 200;

const ABBREVIATIONS: [&str; 33] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "eg", "ie",
    "art", "para", "fig", "al", "jr", "sr", "amb", "hon", "gen", "govt", "dept", "approx", "inc",
    "ltd", "co", "u.s", "u.k", "u.n", "h.e",
];

/// One passage cut from a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Byte offset of the passage start in the turn text.
    pub start: usize,
    pub text: String,
    pub words: u32,
}

/// Splits text into sentences: byte ranges, trimmed.
pub fn split_sentences(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for_each_sentence(text, |r| out.push(r));
    out
}

/// Bytes the sentence scanner stops at: sentence marks, the first byte of `…`, and `\n`. Every
/// other byte (including all UTF-8 continuation bytes) is passed over.
const STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[b'\n' as usize] = true;
    t[0xE2] = true;
    t
};

/// The char starting at byte `j` of `text` (a char boundary), if any.
fn char_at(text: &str, j: usize) -> Option<char> {
    match text.as_bytes().get(j) {
        None => None,
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text[j..].chars().next(),
    }
}

/// Calls `f` with the byte range of every sentence of `text`, in order, as [`split_sentences`]
/// returns them.
fn for_each_sentence(text: &str, mut f: impl FnMut(std::ops::Range<usize>)) {
    let bytes = text.as_bytes();
    let mut push = |s: usize, e: usize| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let trail = seg.len() - seg.trim_end().len();
        if s + lead < e - trail {
            f(s + lead..e - trail);
        }
    };
    let mut start = 0;
    let mut i = 0;
    loop {
        while i < bytes.len() && !STOP[usize::from(bytes[i])] {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let b = bytes[i];
        if b == b'\n' {
            if bytes.get(i + 1) == Some(&b'\n') {
                push(start, i);
                start = i + 2;
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        let mark_len = if b < 0x80 {
            1
        } else if bytes[i..].starts_with("…".as_bytes()) {
            '…'.len_utf8()
        } else {
            i += 1;
            continue;
        };
        let mut j = i + mark_len;
        // Closing quotes and brackets stay with the sentence.
        while let Some(c) = char_at(text, j) {
            if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '.' | '!' | '?') {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        if char_at(text, j).is_some_and(char::is_whitespace) {
            let after = text[j..].trim_start().chars().next();
            let starts_new = after.is_some_and(|c| {
                c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '(')
            });
            if starts_new && !(b == b'.' && is_abbreviation(&text[start..i])) {
                push(start, j);
                start = j;
            }
        }
        i = j;
    }
    push(start, text.len());
}

/// Whether the word just before a full stop (the end of `before`: a run of alphanumerics and
/// dots) is an abbreviation or an initial (also read by the tagger's sentence breaks).
pub(crate) fn is_abbreviation(before: &str) -> bool {
    let bytes = before.as_bytes();
    let mut k = bytes.len();
    while k > 0 {
        let b = bytes[k - 1];
        if b >= 0x80 {
            return is_abbreviation_unicode(before);
        }
        if b.is_ascii_alphanumeric() || b == b'.' {
            k -= 1;
            if bytes.len() - k > MAX_ABBREVIATION_LEN {
                // More characters than any abbreviation or an initial has, whatever comes
                // before them.
                return false;
            }
        } else {
            break;
        }
    }
    let w = &before[k..];
    if w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic() {
        return true; // an initial: "J. Smith"
    }
    if w.len() > MAX_ABBREVIATION_LEN {
        return false;
    }
    let key = pack(w.as_bytes()) | (0x2020_2020_2020_2020 & pack_mask(w.len()));
    ABBREVIATION_KEYS.binary_search(&key).is_ok()
}

/// Up to 8 bytes packed into an integer, the first in the low byte, zeros after the last. No
/// two words of alphanumerics and dots (never NUL) of up to 8 bytes pack alike.
const fn pack(bytes: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        key |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    key
}

/// The bytes of a packed word of `len` bytes.
const fn pack_mask(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    }
}

/// [`ABBREVIATIONS`] packed (see [`pack`]), sorted, with every byte ORed with `0x20`, which is how a
/// word of ASCII letters, digits and dots is compared case-insensitively: the bit lower-cases
/// a letter and leaves digits and `.` as they are.
const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < keys.len() {
        let a = ABBREVIATIONS[i].as_bytes();
        keys[i] = pack(a) | (0x2020_2020_2020_2020 & pack_mask(a.len()));
        i += 1;
    }
    // Sorted, for a binary search (insertion sort: this runs at compile time).
    let mut i = 1;
    while i < keys.len() {
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    keys
};

/// Length of the longest of [`ABBREVIATIONS`].
const MAX_ABBREVIATION_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        if ABBREVIATIONS[i].len() > max {
            max = ABBREVIATIONS[i].len();
        }
        i += 1;
    }
    max
};

/// [`is_abbreviation`] for a word that may hold non-ASCII characters.
fn is_abbreviation_unicode(before: &str) -> bool {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '.')
        .last()
        .map_or(before.len(), |(i, _)| i);
    let w = before[start..].to_lowercase();
    if w.chars().count() == 1 && w.chars().all(char::is_alphabetic) {
        return true; // an initial: "J. Smith"
    }
    ABBREVIATIONS.contains(&w.as_str())
}

/// [`count_words`] with a shortcut for ASCII text, where a word is a run of ASCII letters and
/// digits.
fn count_words_in(s: &str, ascii: bool) -> u32 {
    if !ascii && !s.is_ascii() {
        return count_words(s);
    }
    let mut n = 0u32;
    let mut prev = false;
    for &b in s.as_bytes() {
        let word = b.is_ascii_alphanumeric();
        n += u32::from(word && !prev);
        prev = word;
    }
    n
}

/// Cuts a sentence longer than [`MAX_SENTENCE_WORDS`] into chunks of that many words, passing
/// each chunk with its word count to `out`. `ascii` says whether `text` is all ASCII.
fn cut_long(
    text: &str,
    range: std::ops::Range<usize>,
    ascii: bool,
    out: &mut impl FnMut(std::ops::Range<usize>, u32),
) {
    let s = &text[range.clone()];
    let words = count_words_in(s, ascii);
    if words <= MAX_SENTENCE_WORDS {
        out(range, words);
        return;
    }
    let mut chunk_start = 0;
    let mut n = 0u32;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            if !in_word {
                if n == MAX_SENTENCE_WORDS {
                    out(range.start + chunk_start..range.start + i, n);
                    chunk_start = i;
                    n = 0;
                }
                n += 1;
                in_word = true;
            }
        } else if !crate::text::is_invisible(c) {
            in_word = false;
        }
    }
    let last = range.start + chunk_start..range.end;
    let trimmed = text[last.clone()].trim_end().len();
    out(last.start..last.start + trimmed, n);
}

/// Splits a turn's text into passages of about [`MIN_WORDS`]–[`MAX_WORDS`] words made of whole
/// sentences. A turn shorter than [`MIN_WORDS`] is one passage; a short tail joins the passage
/// before it when the two together stay within bounds.
pub fn split_passages(text: &str) -> Vec<Piece> {
    let ascii = text.is_ascii();
    let mut groups: Vec<(usize, usize, u32)> = Vec::new(); // (start, end, words)
    let mut add = |r: std::ops::Range<usize>, w: u32| match groups.last_mut() {
        Some(g) if g.2 < MIN_WORDS || g.2 + w <= MAX_WORDS => {
            g.1 = r.end;
            g.2 += w;
        }
        _ => groups.push((r.start, r.end, w)),
    };
    for_each_sentence(text, |r| cut_long(text, r, ascii, &mut add));
    // A tail below half the minimum joins its predecessor when that keeps a sane size.
    if groups.len() >= 2 {
        let (_, e, w) = groups[groups.len() - 1];
        let prev = groups[groups.len() - 2];
        if w < MIN_WORDS / 2 && prev.2 + w <= MAX_WORDS + MIN_WORDS / 2 {
            groups.pop();
            let last = groups.last_mut().expect("two groups");
            last.1 = e;
            last.2 += w;
        }
    }
    groups
        .into_iter()
        .map(|(s, e, w)| Piece {
            start: s,
            text: text[s..e].to_string(),
            words: w,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text rich in what the splitter looks at: marks, quotes, brackets, abbreviations,
    /// initials, paragraph breaks, multi-byte letters and spaces.
    fn sentence_soup() -> impl Strategy<Value = String> {
        let atoms = prop_oneof![
            Just("Mr."),
            Just("mr."),
            Just("e.g."),
            Just("U.S."),
            Just("J."),
            Just("No."),
            Just("ETC."),
            Just("Wiś."),
            Just("İ."),
            Just("\u{212A}."),
            Just("ß."),
            Just("word"),
            Just("Word"),
            Just("42"),
            Just("."),
            Just("!"),
            Just("?"),
            Just("…"),
            Just("?!"),
            Just("\""),
            Just("'"),
            Just(")"),
            Just("]"),
            Just("”"),
            Just("’"),
            Just("“"),
            Just("‘"),
            Just("("),
            Just(" "),
            Just("  "),
            Just("\n"),
            Just("\n\n"),
            Just("\u{a0}"),
            Just("\u{2003}"),
            Just("\u{200b}"),
            Just("É"),
            Just("élan"),
            Just("Ωmega"),
            Just("\u{e2}"),
            Just("and"),
            Just("\t"),
        ];
        proptest::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
    }

    /// A long run-on text with occasional marks, so sentences get cut at the word limit.
    fn run_on() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                8 => Just("and "), 1 => Just("x\u{200b}y "), 1 => Just("Ünd "), 1 => Just("So. "),
                1 => Just("\n\n"), 1 => Just("— "), 1 => Just("(a) "),
            ],
            0..700,
        )
        .prop_map(|v| v.concat())
    }

    /// The sentences of `text` as byte ranges, checked against what every split must be: in
    /// order, not overlapping, on character boundaries, trimmed, and leaving out nothing but
    /// white space.
    fn checked_sentences(text: &str) -> Result<Vec<std::ops::Range<usize>>, TestCaseError> {
        let sentences = split_sentences(text);
        let mut covered = 0;
        for r in &sentences {
            prop_assert!(r.start >= covered && r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s, s.trim(), "a sentence is trimmed");
            prop_assert!(
                text[covered..r.start].trim().is_empty(),
                "only white space between sentences: {:?}",
                &text[covered..r.start]
            );
            covered = r.end;
        }
        prop_assert!(text[covered..].trim().is_empty());
        Ok(sentences)
    }

    /// The passages of `text`, checked: each is the text at its offset, they follow each other
    /// in order, their words add up to the text's, every one but the last has at least
    /// [`MIN_WORDS`], and none is longer than a sentence cut at [`MAX_SENTENCE_WORDS`] could
    /// make it.
    fn checked_passages(text: &str) -> Result<Vec<Piece>, TestCaseError> {
        let pieces = split_passages(text);
        let mut end = 0;
        for (i, p) in pieces.iter().enumerate() {
            prop_assert!(p.start >= end);
            prop_assert_eq!(&text[p.start..p.start + p.text.len()], p.text.as_str());
            prop_assert!(
                p.words <= MIN_WORDS - 1 + MAX_SENTENCE_WORDS,
                "{} words",
                p.words
            );
            if i + 1 < pieces.len() {
                prop_assert!(p.words >= MIN_WORDS, "passage {i} of {} words", p.words);
            }
            end = p.start + p.text.len();
        }
        let sum: u32 = pieces.iter().map(|p| p.words).sum();
        prop_assert_eq!(sum, count_words(text), "the turn's words are all kept");
        Ok(pieces)
    }

    proptest! {
        /// Passages never cut a sentence: each starts where a sentence starts and ends where
        /// one ends (a soup is shorter than the run-on limit).
        #[test]
        fn passages_are_whole_sentences(s in sentence_soup()) {
            let sentences = checked_sentences(&s)?;
            let starts: Vec<usize> = sentences.iter().map(|r| r.start).collect();
            let ends: Vec<usize> = sentences.iter().map(|r| r.end).collect();
            for p in checked_passages(&s)? {
                prop_assert!(starts.contains(&p.start), "{:?} starts mid-sentence", p.text);
                prop_assert!(ends.contains(&(p.start + p.text.len())), "{:?} ends mid-sentence", p.text);
            }
        }

        #[test]
        fn any_text_splits_into_sentences_and_passages(s in any::<String>()) {
            checked_sentences(&s)?;
            checked_passages(&s)?;
        }

        #[test]
        fn run_on_text_gives_bounded_passages(s in run_on()) {
            checked_passages(&s)?;
        }

        #[test]
        fn passage_words_add_up_in_long_sentences(s in "([a-z\u{e9}]{1,8}[ \u{ad}]){100,300}") {
            checked_passages(&s)?;
        }

        #[test]
        fn passage_words_add_up_with_soft_hyphens_and_digits(
            s in "([a-zA-Z\u{e9}\u{ad}0-9]{1,12}[ .,!?\n\u{2026}-]{1,3}){0,400}"
        ) {
            checked_passages(&s)?;
        }

        /// An abbreviation from the list, in any case, after anything that ends a word, is one;
        /// so is a single letter (an initial).
        #[test]
        fn listed_abbreviations_and_initials_are_abbreviations(
            prefix in "([A-Za-z]{0,6} ){0,3}",
            i in 0..ABBREVIATIONS.len(),
            upper in proptest::collection::vec(any::<bool>(), 8),
            initial in "[A-Za-z]",
        ) {
            let a: String = ABBREVIATIONS[i]
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
                .collect();
            let with_initial = format!("{}{}", prefix, initial);
            prop_assert!(is_abbreviation(&format!("{}{}", prefix, a)), "{}", a);
            prop_assert!(is_abbreviation(&with_initial), "{}", with_initial);
        }

        /// A word of two letters or more that is not in the list is no abbreviation.
        #[test]
        fn other_words_are_not_abbreviations(prefix in "([A-Za-z]{0,6} ){0,3}", w in "[a-zA-Z]{2,10}") {
            prop_assume!(!ABBREVIATIONS.contains(&w.to_lowercase().as_str()));
            let before = format!("{}{}", prefix, w);
            prop_assert!(!is_abbreviation(&before), "{}", before);
        }
    }

    #[test]
    fn abbreviations_are_the_word_before_the_stop() {
        let cases = [
            ("Mr", true),
            ("thank you, Dr", true),
            ("see e.g", true),
            ("the U.S", true),
            ("J", true),
            ("Wiś", false),
            ("approx", true),
            ("approxx", false),
            ("Mrs.Smith", false),
            ("x 12", false),
            ("4", false),
            ("mr0", false),
            ("", false),
        ];
        for (before, want) in cases {
            assert_eq!(is_abbreviation(before), want, "{before:?}");
        }
    }

    #[test]
    fn sentences_respect_abbreviations_and_initials() {
        let t = "Thank you, Mr. Peguero. I agree with Dr. J. Smith on this. Next point? Yes.";
        let s: Vec<&str> = split_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            vec![
                "Thank you, Mr. Peguero.",
                "I agree with Dr. J. Smith on this.",
                "Next point?",
                "Yes."
            ]
        );
    }

    #[test]
    fn multibyte_text_never_splits_inside_a_character() {
        let t = "Wiśniewski said “no”… Then the co‑chair spoke. Done";
        let s: Vec<&str> = split_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            vec!["Wiśniewski said “no”…", "Then the co‑chair spoke.", "Done"]
        );
    }

    #[test]
    fn paragraph_breaks_end_sentences() {
        let t = "first part without a stop\n\nSecond paragraph.";
        let s: Vec<&str> = split_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(s, vec!["first part without a stop", "Second paragraph."]);
    }

    fn sentence(n: usize) -> String {
        let mut s = vec!["word"; n].join(" ");
        s.insert_str(0, "Start ");
        s.push('.');
        s
    }

    #[test]
    fn passages_stay_within_bounds_and_keep_sentences_whole() {
        // Ten sentences of 31 words: passages of two sentences (62) or three (93).
        let text: Vec<String> = (0..10).map(|_| sentence(30)).collect();
        let text = text.join(" ");
        let pieces = split_passages(&text);
        let words: Vec<u32> = pieces.iter().map(|p| p.words).collect();
        assert_eq!(words, vec![93, 93, 93, 31]);
        for p in &pieces {
            assert!(p.text.ends_with('.'), "{}", p.text);
            assert_eq!(&text[p.start..p.start + p.text.len()], p.text);
        }
        assert_eq!(words.iter().sum::<u32>(), count_words(&text));
    }

    #[test]
    fn a_short_turn_is_one_passage() {
        let p = split_passages("Thank you very much. Over to you, Claudio.");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].words, 8);
    }

    #[test]
    fn run_on_text_is_cut_at_the_sentence_limit() {
        let text = vec!["and"; 450].join(" ");
        let p = split_passages(&text);
        let words: Vec<u32> = p.iter().map(|p| p.words).collect();
        assert_eq!(words, vec![200, 200, 50]);
    }
}
