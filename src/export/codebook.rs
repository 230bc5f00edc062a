//! The REFI-QDA codebook: the taxonomy's themes as codes that NVivo, ATLAS.ti, MAXQDA and
//! QualCoder read, and the XML both the `.qdc` codebook and the project's `<CodeBook>` are
//! written with.
//!
//! Input: a [`Taxonomy`] (and theme ids found in an index that the taxonomy lacks). Output: a
//! [`Codebook`] of [`Code`]s — one non-codable code per theme (its label as name, its
//! description, a colour), with two codable children `risk` and `opportunity` — and its `.qdc`
//! XML (`urn:QDA-XML:codebook:1.0`), UTF-8 without BOM, LF line ends.
//!
//! GUIDs are derived from stable ids ([`guid`]: SHA-256 of a kind and an id, shaped as an
//! RFC 9562 version-8 UUID), so the same taxonomy always gives the same codebook, and a
//! project's codings point at the same codes as a codebook exported beside it. A theme's
//! description ends with a line `igf-lens id: ID; default polarity: P`
//! ([`crate::tag::import::ID_LINE_PREFIX`]), which `themes import` reads back, so ids survive a
//! trip through another tool. This module writes no files.

use crate::error::{Error, Result};
use crate::hash::uuid_v8;
use crate::model::Polarity;
use crate::tag::import::ID_LINE_PREFIX;
use crate::tag::Taxonomy;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::borrow::Cow;

/// Namespace of a REFI-QDA codebook (`.qdc`).
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// Colours of the themes, in taxonomy order (those of the report's charts).
const THEME_COLORS: [&str; 12] = [
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
    "#9C755F", "#BAB0AC", "#1F77B4", "#8C564B",
];

/// Colours of the polarity codes (the report's risk red and opportunity blue).
fn polarity_color(p: Polarity) -> &'static str {
    match p {
        Polarity::Risk => "#C82828",
        Polarity::Opportunity => "#1E64C8",
    }
}

/// A deterministic GUID for an object of `kind` (`code`, `source`, `selection`, …) with a
/// stable `id`: the first 16 bytes of SHA-256(`igf-lens:{kind}:{id}`), version 8, RFC 9562
/// variant, upper case (as most QDA programs write them).
pub fn guid(kind: &str, id: &str) -> String {
    uuid_v8(format!("igf-lens:{kind}:{id}").as_bytes())
}

/// The GUID of a theme's code.
pub fn theme_guid(theme: &str) -> String {
    guid("code", theme)
}

/// The GUID of a theme's `risk` or `opportunity` code (what codings point at).
pub fn polarity_guid(theme: &str, p: Polarity) -> String {
    guid("code", &format!("{theme}:{}", p.as_str()))
}

/// One code of a codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub guid: String,
    pub name: String,
    /// May be empty (then no `<Description>` is written).
    pub description: String,
    /// `#RRGGBB`.
    pub color: Option<String>,
    pub codable: bool,
    pub children: Vec<Code>,
}

/// The codes of a codebook, top level first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codebook {
    pub codes: Vec<Code>,
}

impl Codebook {
    /// The taxonomy's themes in file order, then `extra` theme ids (found in an index but not
    /// in the taxonomy) with their id as name. Each theme is a non-codable code with codable
    /// children `risk` and `opportunity`.
    pub fn from_taxonomy(tax: &Taxonomy, extra: &[String]) -> Codebook {
        let mut codes: Vec<Code> = tax
            .themes()
            .iter()
            .map(|t| {
                let mut description = t.description().trim().to_string();
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(&format!(
                    "{ID_LINE_PREFIX}{}; default polarity: {}",
                    t.id(),
                    t.default_polarity().as_str()
                ));
                theme_code(t.id(), t.label(), description)
            })
            .collect();
        for id in extra {
            if tax.theme(id).is_none() {
                let description = format!(
                    "A theme of the index that the taxonomy {} does not define.\n\n{ID_LINE_PREFIX}{id}",
                    tax.path().display()
                );
                codes.push(theme_code(id, id, description));
            }
        }
        for (k, c) in codes.iter_mut().enumerate() {
            c.color = Some(THEME_COLORS[k % THEME_COLORS.len()].to_string());
        }
        Codebook { codes }
    }

    /// Every codable code's GUID, for checks.
    pub fn codable_guids(&self) -> Vec<&str> {
        fn walk<'a>(codes: &'a [Code], out: &mut Vec<&'a str>) {
            for c in codes {
                if c.codable {
                    out.push(&c.guid);
                }
                walk(&c.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.codes, &mut out);
        out
    }
}

fn theme_code(id: &str, label: &str, description: String) -> Code {
    let child = |p: Polarity| Code {
        guid: polarity_guid(id, p),
        name: p.as_str().to_string(),
        description: String::new(),
        color: Some(polarity_color(p).to_string()),
        codable: true,
        children: Vec::new(),
    };
    Code {
        guid: theme_guid(id),
        name: label.to_string(),
        description,
        color: None,
        codable: false,
        children: vec![child(Polarity::Risk), child(Polarity::Opportunity)],
    }
}

/// The `.qdc` document: `<CodeBook origin="igf-lens …"><Codes>…</Codes></CodeBook>`.
pub fn codebook_xml(codebook: &Codebook) -> Result<String> {
    let mut w = xml_writer();
    let origin = format!("igf-lens {}", env!("CARGO_PKG_VERSION"));
    let root = BytesStart::new("CodeBook")
        .with_attributes([("xmlns", CODEBOOK_NS), ("origin", origin.as_str())]);
    write(&mut w, Event::Start(root))?;
    write_codes(&mut w, &codebook.codes)?;
    write(&mut w, Event::End(BytesEnd::new("CodeBook")))?;
    finish(w)
}

/// Writes `<Codes>` with every code (the same in a codebook and in a project).
pub(crate) fn write_codes(w: &mut Writer<Vec<u8>>, codes: &[Code]) -> Result<()> {
    write(w, Event::Start(BytesStart::new("Codes")))?;
    for c in codes {
        write_code(w, c)?;
    }
    write(w, Event::End(BytesEnd::new("Codes")))
}

fn write_code(w: &mut Writer<Vec<u8>>, c: &Code) -> Result<()> {
    let name = attr_text(&c.name);
    let mut start = BytesStart::new("Code").with_attributes([
        ("guid", c.guid.as_str()),
        ("name", name.as_ref()),
        ("isCodable", if c.codable { "true" } else { "false" }),
    ]);
    if let Some(color) = &c.color {
        start.push_attribute(("color", color.as_str()));
    }
    if c.description.is_empty() && c.children.is_empty() {
        return write(w, Event::Empty(start));
    }
    write(w, Event::Start(start))?;
    if !c.description.is_empty() {
        text_element(w, "Description", &c.description)?;
    }
    for child in &c.children {
        write_code(w, child)?;
    }
    write(w, Event::End(BytesEnd::new("Code")))
}

// ---- XML helpers shared with the project writer ----

/// A writer indenting by two spaces, after `<?xml version="1.0" encoding="UTF-8"?>`.
pub(crate) fn xml_writer() -> Writer<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    w
}

/// Writes one event.
pub(crate) fn write(w: &mut Writer<Vec<u8>>, e: Event<'_>) -> Result<()> {
    w.write_event(e)
        .map_err(|e| Error::Other(format!("cannot write XML: {e}")))
}

/// `<name>text</name>`, the text made valid XML 1.0 and escaped.
pub(crate) fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> Result<()> {
    write(w, Event::Start(BytesStart::new(name)))?;
    write(w, Event::Text(BytesText::new(&xml_text(text))))?;
    write(w, Event::End(BytesEnd::new(name)))
}

/// The document as a string ending with a newline.
pub(crate) fn finish(w: Writer<Vec<u8>>) -> Result<String> {
    let mut s = String::from_utf8(w.into_inner())
        .map_err(|e| Error::Other(format!("XML is not UTF-8: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Whether XML 1.0 allows `c` in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text for element content: CR LF and lone CR become LF, characters XML 1.0 forbids (most
/// control characters) are dropped.
pub(crate) fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| xml_char(c) && c != '\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|c| xml_char(*c))
            .collect(),
    )
}

/// Text for an attribute value: like [`xml_text`], with line breaks and tabs as spaces (a parser
/// turns them into spaces anyway).
pub(crate) fn attr_text(s: &str) -> Cow<'_, str> {
    let t = xml_text(s);
    if t.contains(['\n', '\t']) {
        Cow::Owned(t.replace(['\n', '\t'], " "))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_version_8_uuids() {
        let g = guid("code", "security-research");
        assert_eq!(g, guid("code", "security-research"));
        assert_ne!(g, guid("code", "scope"));
        assert_ne!(g, guid("source", "security-research"));
        let parts: Vec<&str> = g.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "{g}");
        assert!(
            matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'A' | b'B'),
            "{g}"
        );
        assert!(g
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()));
    }

    #[test]
    fn every_theme_has_codable_risk_and_opportunity_children() {
        let tax = Taxonomy::embedded();
        let cb = Codebook::from_taxonomy(&tax, &["weather".to_string()]);
        assert_eq!(cb.codes.len(), tax.themes().len() + 1);
        let first = &cb.codes[0];
        assert_eq!(first.name, tax.themes()[0].label());
        assert!(!first.codable);
        assert_eq!(first.color.as_deref(), Some("#4E79A7"));
        assert!(first.description.starts_with(tax.themes()[0].description()));
        assert!(first.description.ends_with(&format!(
            "\n\nigf-lens id: {}; default polarity: {}",
            tax.themes()[0].id(),
            tax.themes()[0].default_polarity().as_str()
        )));
        let names: Vec<&str> = first.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["risk", "opportunity"]);
        assert!(first.children.iter().all(|c| c.codable));
        assert_eq!(
            first.children[0].guid,
            polarity_guid(tax.themes()[0].id(), Polarity::Risk)
        );
        let last = cb.codes.last().unwrap();
        assert_eq!(last.name, "weather");
        assert!(last.description.ends_with("igf-lens id: weather"));
        assert_eq!(cb.codable_guids().len(), 2 * cb.codes.len());
    }

    #[test]
    fn codebook_xml_is_utf8_lf_with_escaped_text() {
        let mut cb = Codebook::default();
        let mut c = theme_code(
            "x",
            "Rights & <speech>\tnow",
            "Line one\r\nline \u{1}two".into(),
        );
        c.color = Some("#123456".into());
        cb.codes.push(c);
        let xml = codebook_xml(&cb).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""));
        assert!(!xml.contains('\r'));
        assert!(!xml.contains('\u{1}'));
        assert!(
            xml.contains("name=\"Rights &amp; &lt;speech&gt; now\""),
            "{xml}"
        );
        assert!(
            xml.contains("<Description>Line one\nline two</Description>"),
            "{xml}"
        );
        assert!(xml.contains(&format!(
            "<Code guid=\"{}\" name=\"risk\" isCodable=\"true\" color=\"#C82828\"/>",
            polarity_guid("x", Polarity::Risk)
        )));
        assert!(xml.ends_with("</CodeBook>\n"));
    }
}
