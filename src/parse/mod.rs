//! Parsing decoded documents: one parser per format. Input: [`Document`]; output: session pages
//! and transcripts ([`Parsed`]). Speakers are not resolved here, and pairing pages with
//! transcripts is the pipeline's job.
//!
//! | format | parser |
//! |---|---|
//! | raw transcript text | [`parse_transcript`] |
//! | session page text | [`parse_session_page`] |
//! | saved HTML | [`html_to_text`], then one of the two above |
//! | WebVTT / SRT captions | [`parse_captions`] |
//! | JSON Lines | [`parse_jsonl`] |

mod annotation;
mod captions;
mod html;
mod html_depth;
mod identity;
mod jsonl;
mod page;
mod page_lines;
mod pattern;
mod roster;
mod sched;
mod title;
mod transcript;

pub use annotation::{is_annotation_only, strip_annotations, AnnotationCounts};
pub use captions::parse_captions;
pub use html::html_to_text;
pub use identity::{identify, key_from_url, provenance, title_words, year_in_text, Identity};
pub use jsonl::parse_jsonl;
pub use page::parse_session_page;
pub use title::{
    clean_title, code_from_path, key_from_path, key_from_slug, parse_day, parse_session_code,
    parse_session_key,
};
pub use transcript::{parse_transcript, sniff_transcript};

use crate::error::{Error, Result};
use crate::model::{Document, Format, SessionPage, Transcript};

/// What a document holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Page(SessionPage),
    Transcript(Transcript),
}

/// Parses a document according to its detected format. A JSON Lines file may hold several
/// sessions, hence the `Vec`; every other format gives exactly one element.
///
/// Errors: [`Error::InputFile`] for an unknown format or a file that holds no turns,
/// [`Error::InputLine`] for a bad line in a caption or JSON Lines file.
pub fn parse_document(doc: &Document) -> Result<Vec<Parsed>> {
    let path = doc.path.as_path();
    match doc.format {
        Format::Transcript => Ok(vec![Parsed::Transcript(parse_transcript(&doc.text, path)?)]),
        Format::SessionPage => Ok(vec![Parsed::Page(parse_session_page(&doc.text, path)?)]),
        Format::WebVtt | Format::Srt => {
            Ok(vec![Parsed::Transcript(parse_captions(&doc.text, path)?)])
        }
        Format::JsonLines => Ok(parse_jsonl(&doc.text, path)?
            .into_iter()
            .map(Parsed::Transcript)
            .collect()),
        Format::Html => {
            let text = html_to_text(&doc.text);
            match crate::read::detect(&text, path) {
                Format::Transcript => Ok(vec![Parsed::Transcript(parse_transcript(&text, path)?)]),
                Format::SessionPage => Ok(vec![Parsed::Page(parse_session_page(&text, path)?)]),
                _ => Err(Error::InputFile {
                    path: path.to_path_buf(),
                    message: "the HTML page holds neither a transcript (`>> NAME:` turns) nor a \
                              session page (`Speaker N:` roster, policy questions)"
                        .into(),
                }),
            }
        }
        Format::Unknown => Err(Error::InputFile {
            path: path.to_path_buf(),
            message: "unknown format: expected a raw transcript (`>> NAME:` turns), a session \
                      page (`Speaker N: name, stakeholder, region`), HTML, WebVTT, SRT or JSON \
                      Lines"
                .into(),
        }),
    }
}
