//! Language detection with whatlang, once per turn, on a bounded prefix, with an allowlist.
//! Input: turn text and the session's language; output: an ISO 639-3 code (`eng`).
//!
//! whatlang is slow with all 69 languages (about 100 µs a short text) and unreliable on texts
//! under a sentence, so: an allowlist of the languages IGF sessions are held and interpreted in,
//! at most [`PREFIX_BYTES`] of text, and the session's language whenever the text is shorter
//! than [`MIN_CHARS`] or the guess is not reliable. Passages inherit their turn's language.

use whatlang::{Detector, Lang};

/// Texts shorter than this (in characters) take the fallback language.
pub const MIN_CHARS: usize = 60;
/// Only this many bytes of a turn are looked at.
pub const PREFIX_BYTES: usize = 240;
/// Confidence under which the fallback is used.
pub const MIN_CONFIDENCE: f64 = 0.5;

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
}
