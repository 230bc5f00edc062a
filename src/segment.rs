//! Splitting turns into passages: sentence-aware, about 40–120 words, never cutting a sentence.
//! Input: a resolved [`Turn`]; output: the passage texts with their word counts and the byte
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

const ABBREVIATIONS: &[&str] = &[
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
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |s: usize, e: usize, out: &mut Vec<std::ops::Range<usize>>| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let trail = seg.len() - seg.trim_end().len();
        if s + lead < e - trail {
            out.push(s + lead..e - trail);
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
            push(start, i, &mut out);
            start = i + 2;
            i += 2;
            continue;
        }
        let end_mark = matches!(b, b'.' | b'!' | b'?') || bytes[i..].starts_with("…".as_bytes());
        if end_mark {
            let mark_len = if b < 0x80 { 1 } else { '…'.len_utf8() };
            let mut j = i + mark_len;
            // Closing quotes and brackets stay with the sentence.
            while j < bytes.len() {
                let c = text[j..].chars().next().unwrap_or(' ');
                if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '.' | '!' | '?') {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            let next = text[j..].chars().next();
            if next.is_some_and(char::is_whitespace) {
                let after = text[j..].trim_start().chars().next();
                let starts_new = after.is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '(')
                });
                if starts_new && !(b == b'.' && is_abbreviation(&text[start..i])) {
                    push(start, j, &mut out);
                    start = j;
                }
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    push(start, text.len(), &mut out);
    out
}

fn is_abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_lowercase();
    if w.chars().count() == 1 && w.chars().all(char::is_alphabetic) {
        return true; // an initial: "J. Smith"
    }
    ABBREVIATIONS.contains(&w.as_str())
}

/// Cuts a sentence longer than [`MAX_SENTENCE_WORDS`] into chunks of that many words.
fn cut_long(
    text: &str,
    range: std::ops::Range<usize>,
    out: &mut Vec<(std::ops::Range<usize>, u32)>,
) {
    let s = &text[range.clone()];
    let words = count_words(s);
    if words <= MAX_SENTENCE_WORDS {
        out.push((range, words));
        return;
    }
    let mut chunk_start = 0;
    let mut n = 0u32;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            if !in_word {
                if n == MAX_SENTENCE_WORDS {
                    out.push((range.start + chunk_start..range.start + i, n));
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
    out.push((last.start..last.start + trimmed, n));
}

/// Splits a turn's text into passages of about [`MIN_WORDS`]–[`MAX_WORDS`] words made of whole
/// sentences. A turn shorter than [`MIN_WORDS`] is one passage; a short tail joins the passage
/// before it when the two together stay within bounds.
pub fn split_passages(text: &str) -> Vec<Piece> {
    let mut sentences = Vec::new();
    for r in split_sentences(text) {
        cut_long(text, r, &mut sentences);
    }
    let mut groups: Vec<(usize, usize, u32)> = Vec::new(); // (start, end, words)
    for (r, w) in sentences {
        match groups.last_mut() {
            Some(g) if g.2 < MIN_WORDS || g.2 + w <= MAX_WORDS => {
                g.1 = r.end;
                g.2 += w;
            }
            _ => groups.push((r.start, r.end, w)),
        }
    }
    // A tail below half the minimum joins its predecessor when that keeps a sane size.
    if groups.len() >= 2 {
        let (s, e, w) = groups[groups.len() - 1];
        let prev = groups[groups.len() - 2];
        if w < MIN_WORDS / 2 && prev.2 + w <= MAX_WORDS + MIN_WORDS / 2 {
            groups.pop();
            let last = groups.last_mut().expect("two groups");
            last.1 = e;
            last.2 += w;
            let _ = s;
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
