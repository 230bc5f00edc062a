//! Language detection with whatlang, once per turn, on a bounded prefix, with an allowlist.
//! Input: turn text and the session's language; output: an ISO 639-3 code (`eng`).
//!
//! whatlang is slow with all 69 languages (about 100 µs a short text) and unreliable on texts
//! under a sentence, so: an allowlist of the languages IGF sessions are held and interpreted in,
//! at most [`PREFIX_BYTES`] of text, and the session's language whenever the text is shorter
//! than [`MIN_CHARS`] or the guess is not reliable. Passages inherit their turn's language.
//!
//! Most turns of an IGF transcript are English captions, so a cheaper check runs first: when at
//! least [`ENGLISH_SHARE`] of the prefix's words are English function words that no other
//! allowlisted language shares (`the`, `and`, `which`, …; not `in`, `was`, `a`, `no`), the turn
//! is English without asking whatlang. Other turns, and texts in other scripts, go to whatlang.

use whatlang::{Detector, Lang};

/// Texts shorter than this (in characters) take the fallback language.
pub const MIN_CHARS: usize = 60;
/// Only this many bytes of a turn are looked at.
pub const PREFIX_BYTES: usize = 240;
/// Confidence under which the fallback is used.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// Share of a prefix's words that must be English function words for the fast path.
pub const ENGLISH_SHARE: f64 = 0.25;

/// English function words that are not words of French, Spanish, Portuguese or German.
fn is_english_marker(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "and"
            | "of"
            | "to"
            | "is"
            | "that"
            | "this"
            | "we"
            | "are"
            | "have"
            | "has"
            | "with"
            | "it"
            | "for"
            | "be"
            | "our"
            | "what"
            | "which"
            | "would"
            | "should"
            | "could"
            | "there"
            | "they"
            | "from"
            | "about"
            | "not"
            | "but"
            | "you"
            | "can"
            | "been"
            | "their"
            | "these"
            | "those"
            | "at"
            | "by"
            | "or"
            | "its"
            | "how"
            | "more"
            | "very"
            | "also"
            | "i"
            | "my"
            | "think"
            | "thank"
    )
}

/// Whether `prefix` reads as English by its function words (see the module docs).
pub fn looks_english(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    let (mut words, mut markers) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        // Words are runs of alphanumerics and apostrophes; ASCII needs no decoding.
        let start = i;
        let mut ascii = true;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() || b == b'\'' {
                    i += 1;
                    continue;
                }
                break;
            }
            let c = prefix[i..].chars().next().unwrap_or(' ');
            if !c.is_alphanumeric() {
                break;
            }
            ascii = false;
            i += c.len_utf8();
        }
        if i == start {
            // A separator: skip one character.
            i += prefix[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        words += 1;
        let w = &bytes[start..i];
        if ascii && w.len() <= 8 {
            let mut buf = [0u8; 8];
            let b = &mut buf[..w.len()];
            b.copy_from_slice(w);
            b.make_ascii_lowercase();
            if std::str::from_utf8(b).is_ok_and(is_english_marker) {
                markers += 1;
            }
        }
    }
    words >= 8 && markers as f64 >= ENGLISH_SHARE * words as f64
}

/// The allowlist: the six UN languages plus Portuguese and German.
pub const LANGUAGES: &[Lang] = &[
    Lang::Eng,
    Lang::Fra,
    Lang::Spa,
    Lang::Ara,
    Lang::Rus,
    Lang::Cmn,
    Lang::Por,
    Lang::Deu,
];

/// A language detector restricted to [`LANGUAGES`]. Build once and share.
pub struct LanguageDetector {
    detector: Detector,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        LanguageDetector {
            detector: Detector::with_allowlist(LANGUAGES.to_vec()),
        }
    }
}

impl LanguageDetector {
    /// Detects the language of `text`, or returns `fallback` when the text is too short or the
    /// guess too weak.
    pub fn detect(&self, text: &str, fallback: &str) -> String {
        if text.chars().take(MIN_CHARS).count() < MIN_CHARS {
            return fallback.to_string();
        }
        let mut end = text.len().min(PREFIX_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if looks_english(&text[..end]) {
            return "eng".to_string();
        }
        match self.detector.detect(&text[..end]) {
            Some(info) if info.confidence() >= MIN_CONFIDENCE => info.lang().code().to_string(),
            _ => fallback.to_string(),
        }
    }
}

/// Detects the language of one text with a fresh detector (convenience for tools and tests;
/// the pipeline shares one [`LanguageDetector`]).
pub fn detect_language(text: &str, fallback: &str) -> String {
    LanguageDetector::default().detect(text, fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_sentences_and_falls_back_on_short_text() {
        let d = LanguageDetector::default();
        assert_eq!(
            d.detect(
                "The negotiating committee has finally agreed on the text of the convention after three years.",
                "eng"
            ),
            "eng"
        );
        assert_eq!(
            d.detect(
                "Les États membres ont adopté la convention après trois années de négociations difficiles.",
                "eng"
            ),
            "fra"
        );
        assert_eq!(
            d.detect(
                "Los Estados miembros aprobaron la convención después de tres años de negociaciones.",
                "eng"
            ),
            "spa"
        );
        assert_eq!(d.detect("Oui, merci.", "eng"), "eng");
    }

    #[test]
    fn english_fast_path_takes_english_and_leaves_other_languages_to_whatlang() {
        assert!(looks_english(
            "Thank you. I think the draft convention has a scope that is far too broad for us."
        ));
        for other in [
            "Je pense que le projet de convention a une portée beaucoup trop large pour nous tous.",
            "Creo que el proyecto de convención tiene un alcance demasiado amplio para todos.",
            "Acho que o projeto de convenção tem um alcance amplo demais para todos nós aqui.",
            "Ich denke, dass der Entwurf der Konvention einen viel zu weiten Anwendungsbereich hat.",
            "Я думаю, что проект конвенции имеет слишком широкую сферу применения для всех нас.",
        ] {
            assert!(!looks_english(other), "{other}");
        }
        let d = LanguageDetector::default();
        assert_eq!(
            d.detect(
                "Ich denke, dass der Entwurf der Konvention einen viel zu weiten Anwendungsbereich hat.",
                "eng"
            ),
            "deu"
        );
        // Short or word-poor texts are not decided by the fast path.
        assert!(!looks_english("The treaty."));
    }
}
