//! Text normalisation and the one analyzer shared by tagging, indexing and queries.
//!
//! Input: any `&str`. Output: tokens (tantivy [`Token`]s with byte offsets into the original
//! text, lower-cased, accent-folded, NFKC-normalised, UK spellings mapped to US ones, stop words
//! removed except negations, English-stemmed). Because the tagger, the index and the query
//! parser all use [`analyzer`], a theme term matches exactly the passages a search for it finds.
//!
//! Invisible characters (soft hyphen, zero-width space/joiners, word joiner, BOM) never split a
//! word: `cyber\u{AD}crime` is the token `cybercrime`. All hyphens (ASCII, U+2010, U+2011,
//! doubled as a dash or not) behave alike, so `co‑moderator` (U+2011) indexes and searches
//! exactly as `co-moderator`. Non-breaking spaces are spaces. Stored text is never changed here.

use std::borrow::Cow;
use tantivy::tokenizer::{
    Language, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Name under which [`analyzer`] is registered on every tantivy index.
pub const ANALYZER_NAME: &str = "igf_en";

/// Tokens longer than this (in bytes) are dropped, as tantivy's `RemoveLongFilter` would.
const MAX_TOKEN_BYTES: usize = 60;

/// English stop words removed from the token stream. Lucene's list minus `no` and `not`, which
/// the tagger needs for negation.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
    "to", "was", "will", "with",
];

/// Characters that are dropped inside words without splitting them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Removes accents: `Wiśniewski` → `Wisniewski`, `Benítez` → `Benitez`.
pub fn fold_accents(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.nfkd().filter(|c| !is_combining_mark(*c)).collect())
}

/// Text prepared for matching names and labels: NFKC, invisible characters removed, any kind of
/// space or hyphen made ASCII, accents folded, lower case. Stored text is never passed through
/// this.
pub fn normalize_for_matching(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkc() {
        if is_invisible(c) {
            continue;
        }
        match c {
            '\u{A0}' | '\u{2007}' | '\u{202F}' => out.push(' '),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => out.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
            _ => out.push(c),
        }
    }
    fold_accents(&out).to_lowercase()
}

/// Maps a lower-case word spelt the UK way to its US spelling, so `criminalise` and
/// `criminalize`, `harmonisation` and `harmonization`, `behaviour` and `behavior` give one token.
/// The mapping only has to be consistent (it runs on the index and on queries alike), so a rule
/// that also rewrites `rise` to `rize` does no harm.
pub fn us_spelling(word: &str) -> Cow<'_, str> {
    const EXACT: &[(&str, &str)] = &[
        ("behaviour", "behavior"),
        ("behaviours", "behaviors"),
        ("favour", "favor"),
        ("favourable", "favorable"),
        ("labour", "labor"),
        ("honour", "honor"),
        ("colour", "color"),
        ("neighbour", "neighbor"),
        ("neighbouring", "neighboring"),
        ("centre", "center"),
        ("centres", "centers"),
        ("defence", "defense"),
        ("offence", "offense"),
        ("offences", "offenses"),
        ("licence", "license"),
        ("programme", "program"),
        ("programmes", "programs"),
        ("judgement", "judgment"),
        ("analyse", "analyze"),
        ("analysed", "analyzed"),
        ("analysing", "analyzing"),
    ];
    if let Some((_, us)) = EXACT.iter().find(|(uk, _)| *uk == word) {
        return Cow::Borrowed(us);
    }
    // -ise family: criminalise(d/s), criminalising, criminalisation(s), organiser(s).
    const SUFFIXES: &[(&str, &str)] = &[
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("isers", "izers"),
        ("iser", "izer"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
    ];
    if word.len() > 5 {
        for (uk, us) in SUFFIXES {
            if let Some(stem) = word.strip_suffix(uk) {
                return Cow::Owned(format!("{stem}{us}"));
            }
        }
    }
    Cow::Borrowed(word)
}

/// Splits text into word tokens and normalises each one (see the module docs). Offsets point
/// into the original text, so snippets and evidence highlight what was written.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The token stream of [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
    buf: String,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        self.token.position = usize::MAX;
        WordTokenStream {
            text,
            pos: 0,
            token: &mut self.token,
            buf: String::new(),
        }
    }
}

impl WordTokenStream<'_> {
    /// Normalises `self.buf` (the raw word, invisible characters already removed) into the token.
    fn finish_token(&mut self, from: usize, to: usize) {
        let raw = &self.buf;
        let out = &mut self.token.text;
        out.clear();
        if raw.is_ascii() {
            out.push_str(raw);
            out.make_ascii_lowercase();
        } else {
            for c in fold_accents(&raw.nfkc().collect::<String>()).chars() {
                out.extend(c.to_lowercase());
            }
        }
        let changed = match us_spelling(out) {
            Cow::Owned(us) => Some(us),
            Cow::Borrowed(us) => (us != out.as_str()).then(|| us.to_string()),
        };
        if let Some(us) = changed {
            *out = us;
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let rest = &self.text[self.pos..];
            let start_rel = match rest.find(is_word_char) {
                Some(i) => i,
                None => {
                    self.pos = self.text.len();
                    return false;
                }
            };
            let start = self.pos + start_rel;
            self.buf.clear();
            let mut end = start;
            for (i, c) in self.text[start..].char_indices() {
                if is_word_char(c) {
                    self.buf.push(c);
                    end = start + i + c.len_utf8();
                } else if is_invisible(c) {
                    continue;
                } else {
                    break;
                }
            }
            self.pos = end;
            if self.buf.len() > MAX_TOKEN_BYTES {
                continue;
            }
            self.finish_token(start, end);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The analyzer used by the index, the query parser and the tagger.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|s| s.to_string()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

thread_local! {
    static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(analyzer());
}

/// Analyzes `text` with this thread's copy of [`analyzer`] (built once per thread).
pub fn analyze_text(text: &str) -> Vec<Token> {
    ANALYZER.with(|a| analyze(&mut a.borrow_mut(), text))
}

/// Analyzes `text` into tokens (text, byte offsets, positions).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Calls `f(start, end)` with the byte range of every word of `text`, split exactly as
/// [`WordTokenizer`] splits it: maximal runs of alphanumeric characters, invisible characters
/// inside a run joining it (the range then includes them). A word analyzed on its own gives
/// the token it gives in context, which lets the tagger cache tokens per distinct word.
pub fn for_each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    for_each_word_flagged(text, |from, to, _| f(from, to));
}

/// Flag of [`for_each_word_flagged`]: the gap before the word (from the end of the previous
/// one) holds punctuation that may end a sentence or a clause (`.` `!` `?` `;` `,` `:` `(`
/// `)` `-`), a newline, or a non-ASCII character.
pub(crate) const GAP_MARKED: u8 = 1;
/// Flag of [`for_each_word_flagged`]: the word holds a non-ASCII character.
pub(crate) const WORD_NON_ASCII: u8 = 2;

/// [`for_each_word`], also telling `f` what the scan saw on the way (see [`GAP_MARKED`] and
/// [`WORD_NON_ASCII`]), so callers need not read the bytes again.
pub(crate) fn for_each_word_flagged(text: &str, f: impl FnMut(usize, usize, u8)) {
    if text.is_ascii() {
        ascii_words(text.as_bytes(), f);
    } else {
        scan_words(text, f);
    }
}

/// [`for_each_word_flagged`] for ASCII text, where a word is a run of letters and digits: 64
/// bytes at a time, a bit per byte telling whether it is one, so each word costs two
/// bit scans (its start and its end) instead of a test per byte.
#[inline(always)]
pub(crate) fn ascii_words(bytes: &[u8], mut f: impl FnMut(usize, usize, u8)) {
    let n = bytes.len();
    let mut base = 0;
    // The last byte of the previous block was a letter or digit.
    let mut carry = 0u64;
    let mut start = 0;
    let mut in_word = false;
    let mut prev_end = 0;
    // Up to and including the block at `n` (all clear), so a word that ends the text ends there
    // when the text fills its last block.
    while base <= n {
        let m = alnum_mask(bytes, base);
        let before = (m << 1) | carry;
        let mut starts = m & !before;
        let mut ends = !m & before;
        loop {
            if !in_word {
                if starts == 0 {
                    break;
                }
                start = base + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                in_word = true;
            }
            if ends == 0 {
                break;
            }
            let end = base + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            in_word = false;
            let marked = bytes[prev_end..start]
                .iter()
                .any(|&b| BYTE_CLASS[b as usize] == ASCII_MARK);
            f(start, end, if marked { GAP_MARKED } else { 0 });
            prev_end = end;
        }
        carry = m >> 63;
        base += 64;
    }
}

/// Bit `k` set when `bytes[base + k]` is an ASCII letter or digit (bytes past the end: clear).
#[inline]
fn alnum_mask(bytes: &[u8], base: usize) -> u64 {
    let mut block = [0u8; 64];
    let window = match bytes.get(base..base + 64) {
        Some(w) => w,
        None => {
            let rest = &bytes[base..];
            block[..rest.len()].copy_from_slice(rest);
            &block[..]
        }
    };
    let mut m = 0u64;
    for (k, chunk) in window.chunks_exact(8).enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w);
        // One bit per byte (its high bit), gathered into the top byte by one multiplication.
        let alnum = (!not_ascii_alnum(x) & 0x8080_8080_8080_8080) >> 7;
        let byte = alnum.wrapping_mul(0x0102_0408_1020_4080) >> 56;
        m |= byte << (8 * k);
    }
    m
}

/// [`for_each_word_flagged`] for any text, a byte (or a character) at a time.
pub(crate) fn scan_words(text: &str, mut f: impl FnMut(usize, usize, u8)) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    let mut gap = 0u8;
    while i < len {
        let b = bytes[i];
        let class = BYTE_CLASS[b as usize];
        if class == ASCII_OTHER {
            i += 1;
            continue;
        }
        if class == ASCII_MARK {
            gap = GAP_MARKED;
            i += 1;
            continue;
        }
        // The first non-ASCII byte of the word, if any.
        let mut non_ascii = usize::MAX;
        if class == NON_ASCII {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                gap = GAP_MARKED;
                i += c.len_utf8();
                continue;
            }
            non_ascii = i;
        }
        let start = i;
        let mut end = i;
        let mut j = i;
        while j < len {
            // Eight bytes at a time while they are ASCII letters and digits.
            if let Some(chunk) = bytes.get(j..j + 8) {
                let mut w = [0u8; 8];
                w.copy_from_slice(chunk);
                let stop = not_ascii_alnum(u64::from_le_bytes(w));
                let run = (stop.trailing_zeros() / 8) as usize;
                if run > 0 {
                    j += run;
                    end = j;
                    if run == 8 {
                        continue;
                    }
                }
            }
            let Some(&b) = bytes.get(j) else {
                break;
            };
            let class = BYTE_CLASS[b as usize];
            if class == ASCII_WORD {
                j += 1;
                end = j;
            } else if class != NON_ASCII {
                break;
            } else {
                let c = text[j..].chars().next().unwrap_or(' ');
                if is_word_char(c) {
                    non_ascii = non_ascii.min(j);
                    j += c.len_utf8();
                    end = j;
                } else if is_invisible(c) {
                    non_ascii = non_ascii.min(j);
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
        }
        let word = if non_ascii < end { WORD_NON_ASCII } else { 0 };
        f(start, end, gap | word);
        gap = 0;
        i = end;
    }
}

/// The high bit of every byte of `x` (eight bytes of text, the first in the low byte) that is
/// not an ASCII letter or digit, the others clear: a range test on all eight bytes at once.
#[inline]
fn not_ascii_alnum(x: u64) -> u64 {
    const fn rep(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    const HIGH: u64 = rep(0x80);
    // Seven bits per byte, so adding a constant below 0x80 never carries into the next byte.
    let low = x & rep(0x7F);
    // `| 0x20` lower-cases a letter and moves no other byte into `a..=z`.
    let lower = low | rep(0x20);
    let alpha = (lower + rep(0x80 - b'a')) & !(lower + rep(0x7F - b'z'));
    let digit = (low + rep(0x80 - b'0')) & !(low + rep(0x7F - b'9'));
    !((alpha | digit) & !x) & HIGH
}

/// [`BYTE_CLASS`] values: an ASCII letter or digit, any other ASCII byte, a byte of a
/// non-ASCII character (decoded to decide).
const ASCII_WORD: u8 = 0;
const ASCII_OTHER: u8 = 1;
const NON_ASCII: u8 = 2;
/// An ASCII byte that may end a sentence or a clause (see [`GAP_MARKED`]).
const ASCII_MARK: u8 = 3;

/// The class of every byte, so the word loop of [`for_each_word`] tests one table entry.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = if (b as u8).is_ascii_alphanumeric() {
            ASCII_WORD
        } else if matches!(
            b as u8,
            b'.' | b'!' | b'?' | b';' | b',' | b':' | b'(' | b')' | b'-' | b'\n'
        ) {
            ASCII_MARK
        } else {
            ASCII_OTHER
        };
        b += 1;
    }
    t
};

/// The analysis of one text made ahead of indexing (by the tagger, which splits and analyzes
/// every word anyway), handed to the index writer so the indexer does not analyze the text a
/// second time. Holds exactly the tokens [`analyze`] gives for [`Analysis::text`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    text: String,
    /// The token texts, one after the other.
    stems: String,
    tokens: Vec<PreToken>,
}

/// One token of an [`Analysis`]: byte range in the text, position, and where its text is
/// (see [`PreToken::stem`]). The tagger keeps its tokens in this form too, so they are handed
/// over in one copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PreToken {
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) position: u32,
    /// Where the token text is: with [`STEM_IN_TEXT`], the first `stem & 0xFF` bytes of the
    /// word itself (most stems are a prefix of the word: `right` in `rights`), so nothing is
    /// copied; otherwise `stems[off..off + len]` with `off = stem >> 8`, `len = stem & 0xFF`.
    pub(crate) stem: u32,
}

/// [`PreToken::stem`] flag: the token text is a prefix of the word in the text.
pub(crate) const STEM_IN_TEXT: u32 = 1 << 31;
/// [`PreToken::stem`] offsets in `stems` are below this.
pub(crate) const MAX_STEMS: usize = 1 << 23;

impl PreToken {
    /// The `stem` of a token text at `off..off + len` in `stems` (`len` < 256,
    /// `off` < [`MAX_STEMS`]; a larger `off` makes [`Analysis::from_parts`] give up).
    pub(crate) fn stem_at(off: usize, len: usize) -> u32 {
        debug_assert!(len < 256);
        ((off.min(MAX_STEMS - 1) as u32) << 8) | len as u32
    }
}

impl Analysis {
    /// The analysis of `text` from its tokens and the token texts they point to in `stems`
    /// (see [`PreToken::stem`]). `None` when the text is too long for the compact offsets
    /// (then it is analyzed as usual).
    pub(crate) fn from_parts(text: &str, stems: &str, tokens: &[PreToken]) -> Option<Analysis> {
        u32::try_from(text.len()).ok()?;
        if stems.len() >= MAX_STEMS {
            return None;
        }
        Some(Analysis {
            text: text.to_string(),
            stems: stems.to_string(),
            tokens: tokens.to_vec(),
        })
    }

    /// Starts the analysis of `text` (tokens are pushed in order with [`Analysis::push`]).
    /// `None` when the text is too long for the compact offsets (then it is analyzed as usual).
    pub fn start(text: &str) -> Option<Analysis> {
        u32::try_from(text.len()).ok()?;
        Some(Analysis {
            text: text.to_string(),
            stems: String::with_capacity(text.len()),
            tokens: Vec::with_capacity(text.len() / 6 + 1),
        })
    }

    /// Appends the token `stem` for the word `from..to` at `position`. Panics when `stem` is
    /// 256 bytes or longer, or the token texts pass 8 MiB (see [`Analysis::try_push`]).
    pub fn push(&mut self, from: usize, to: usize, position: usize, stem: &str) {
        assert!(
            self.try_push(from, to, position, stem),
            "a token text of {} bytes does not fit an analysis",
            stem.len()
        );
    }

    /// [`Analysis::push`], or false (and nothing appended) when `stem` is 256 bytes or longer
    /// (a ligature that normalization expands) or the token texts would pass 8 MiB.
    pub fn try_push(&mut self, from: usize, to: usize, position: usize, stem: &str) -> bool {
        if stem.len() >= 256 || self.stems.len() + stem.len() >= MAX_STEMS {
            return false;
        }
        let off = self.stems.len();
        self.stems.push_str(stem);
        self.tokens.push(PreToken {
            from: from as u32,
            to: to as u32,
            position: u32::try_from(position).unwrap_or(u32::MAX),
            stem: PreToken::stem_at(off, stem.len()),
        });
        true
    }

    /// The text analyzed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The tokens, as [`analyze`] gives them.
    pub fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::with_capacity(self.tokens.len());
        let mut token = Token::default();
        let mut i = 0;
        while self.fill(i, &mut token) {
            out.push(token.clone());
            i += 1;
        }
        out
    }

    /// Writes token `i` into `token`; false past the last one.
    fn fill(&self, i: usize, token: &mut Token) -> bool {
        let Some(t) = self.tokens.get(i) else {
            return false;
        };
        let len = (t.stem & 0xFF) as usize;
        let text = if t.stem & STEM_IN_TEXT != 0 {
            let from = t.from as usize;
            self.text.get(from..from + len).unwrap_or_default()
        } else {
            let off = ((t.stem & !STEM_IN_TEXT) >> 8) as usize;
            self.stems.get(off..off + len).unwrap_or_default()
        };
        token.text.clear();
        token.text.push_str(text);
        token.offset_from = t.from as usize;
        token.offset_to = t.to as usize;
        token.position = t.position as usize;
        token.position_length = 1;
        true
    }

    /// A token stream over the analysis (what the index writer's tokenizer returns for it).
    pub fn into_stream(self) -> AnalysisStream {
        AnalysisStream {
            analysis: self,
            next: 0,
            token: Token::default(),
        }
    }

    /// A token stream over the analysis, borrowed.
    pub fn stream(&self) -> AnalysisStream<&Analysis> {
        AnalysisStream {
            analysis: self,
            next: 0,
            token: Token::default(),
        }
    }
}

/// The tokens of an [`Analysis`] (owned or borrowed) as a tantivy [`TokenStream`].
pub struct AnalysisStream<A = Analysis> {
    analysis: A,
    next: usize,
    token: Token,
}

impl<A: std::borrow::Borrow<Analysis>> TokenStream for AnalysisStream<A> {
    fn advance(&mut self) -> bool {
        if self.analysis.borrow().fill(self.next, &mut self.token) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Whether a word from [`for_each_word`] is dropped by the analyzer for its length (it then
/// takes no token position either).
pub fn is_too_long(word: &str) -> bool {
    if word.is_ascii() {
        return word.len() > MAX_TOKEN_BYTES;
    }
    let bytes: usize = word
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(char::len_utf8)
        .sum();
    bytes > MAX_TOKEN_BYTES
}

/// Counts words the way CSV summaries count them: runs of alphanumerics (invisible characters
/// joining), so figures agree with the index.
pub fn count_words(text: &str) -> u32 {
    let mut n = 0u32;
    for_each_word(text, |_, _| n += 1);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        analyze(&mut analyzer(), s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn uk_and_us_spellings_give_one_token() {
        assert_eq!(texts("criminalising"), texts("criminalizing"));
        assert_eq!(texts("criminalisation"), texts("criminalization"));
        assert_eq!(texts("harmonise"), texts("harmonize"));
        assert_eq!(texts("behaviour"), texts("behavior"));
        assert_eq!(texts("offences"), texts("offenses"));
    }

    #[test]
    fn invisible_characters_do_not_split_words() {
        assert_eq!(texts("cyber\u{AD}crime"), vec!["cybercrim"]);
        assert_eq!(texts("cyber\u{200B}crime"), vec!["cybercrim"]);
        assert_eq!(texts("cyber\u{2060}crime"), vec!["cybercrim"]);
    }

    #[test]
    fn all_hyphens_behave_like_the_ascii_hyphen() {
        assert_eq!(texts("co\u{2011}moderator"), texts("co-moderator"));
        assert_eq!(texts("Kerry\u{2011}Ann"), texts("Kerry-Ann"));
        assert_eq!(texts("word\u{2011}\u{2011}word"), texts("word -- word"));
    }

    #[test]
    fn accents_fold_and_full_width_normalises() {
        assert_eq!(texts("Wiśniewski"), texts("Wisniewski"));
        assert_eq!(texts("ＵＮＯＤＣ"), texts("unodc"));
    }

    #[test]
    fn negations_survive_stop_words() {
        assert_eq!(
            texts("this would not undermine the treaty"),
            vec!["would", "not", "undermin", "treati"]
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let s = "Le co\u{2011}modérateur dit";
        let toks = analyze(&mut analyzer(), s);
        let words: Vec<&str> = toks
            .iter()
            .map(|t| &s[t.offset_from..t.offset_to])
            .collect();
        assert_eq!(words, vec!["Le", "co", "modérateur", "dit"]);
    }

    #[test]
    fn eight_byte_test_agrees_with_the_byte_test() {
        for fill in [b'a', b'Z', b'5', b' ', 0xC3] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    let stop = not_ascii_alnum(u64::from_le_bytes(w));
                    for (i, &x) in w.iter().enumerate() {
                        let flagged = stop >> (8 * i + 7) & 1 == 1;
                        assert_eq!(flagged, !x.is_ascii_alphanumeric(), "{w:?} byte {i}");
                    }
                    assert_eq!(stop & !0x8080_8080_8080_8080, 0);
                }
            }
        }
    }

    #[test]
    fn for_each_word_splits_as_the_tokenizer_does() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        for s in [
            "The draft, criminalising e-mail: co\u{2011}moderator Wiśniewski ＵＮＯＤＣ.",
            "cyber\u{AD}crime \u{AD}lead trail\u{200B} x\u{200B}\u{200B}y 42nd",
            &format!("before {long} after"),
            "日本語 text, ελληνικά, and 'quoted' words — done…",
            "",
            "   ",
        ] {
            let mut words = Vec::new();
            let mut position = 0usize;
            for_each_word(s, |a, b| {
                if !is_too_long(&s[a..b]) {
                    words.push((a, b, position));
                    position += 1;
                }
            });
            let mut a = TextAnalyzer::builder(WordTokenizer::default()).build();
            let expected: Vec<(usize, usize, usize)> = analyze(&mut a, s)
                .into_iter()
                .map(|t| (t.offset_from, t.offset_to, t.position))
                .collect();
            assert_eq!(words, expected, "{s}");
        }
    }

    proptest::proptest! {
        /// The ASCII fast path finds the words, and flags the gaps, the general scan does.
        #[test]
        fn ascii_words_match_the_general_scan(s in "[a-zA-Z0-9 .,;:!?()'\"/\n-]{0,300}") {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            ascii_words(s.as_bytes(), |a, b, g| fast.push((a, b, g)));
            scan_words(&s, |a, b, g| slow.push((a, b, g)));
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn count_words_joins_invisible_characters() {
        assert_eq!(count_words("cyber\u{AD}crime is a co-operation issue"), 6);
        assert_eq!(count_words("Wiśniewski, ＵＮＯＤＣ and 日本 x\u{200B}y"), 5);
        // Le, co, modérateur, dit, cyber­crime (one word), 42, fois
        assert_eq!(
            count_words("Le co\u{2011}modérateur dit: cyber\u{AD}crime — 42 fois."),
            7
        );
    }
}
