//! A taxonomy skeleton from a REFI-QDA codebook made by another tool (`igf-lens themes import`).
//!
//! Input: a `.qdc` codebook (root `CodeBook`) or a project's `project.qde` (root `Project`, its
//! `CodeBook` is read), as untrusted bytes. Output: the codes ([`ImportedCode`]), the themes
//! they become ([`SkeletonTheme`]) and a taxonomy TOML ([`taxonomy_skeleton`]) with every
//! theme's id, label, description and default polarity, and an empty term list to fill.
//!
//! Untrusted XML: the file is read only up to [`MAX_CODEBOOK_BYTES`]; a document type
//! declaration (`<!DOCTYPE …>`, where entities are declared) is refused, so neither entity
//! expansion (billion laughs) nor external entities can happen; an entity other than XML's five
//! (`&amp;` …) and character references is refused; nesting is bounded ([`MAX_DEPTH`]) and so
//! is the number of codes ([`MAX_CODES`]). The parser (quick-xml) expands no entity by itself.
//!
//! Mapping: every code becomes a theme, except children named `risk` or `opportunity`, which
//! are the polarities of their parent (as `export codebook` writes them). A theme's id is the
//! one in its description's last line `igf-lens id: ID; default polarity: P` when present
//! (codebooks exported by igf-lens), else its name as a slug, prefixed by its parent's id when
//! nested (`privacy-encryption`); ids are made unique with `-2`, `-3`. This module does not
//! check the skeleton (see [`super::Taxonomy::check`]).

use super::taxonomy::{line_of, Taxonomy};
use super::theme::CueRole;
use crate::error::{Error, Result};
use crate::model::{slugify, Polarity};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

/// How a theme's description names its igf-lens id (the start of its last line).
pub const ID_LINE_PREFIX: &str = "igf-lens id: ";

/// Largest codebook read (16 MiB; codebooks are kilobytes).
pub const MAX_CODEBOOK_BYTES: u64 = 16 * 1024 * 1024;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;

/// Most codes accepted.
pub const MAX_CODES: usize = 10_000;

/// A code as read from a codebook.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedCode {
    pub name: String,
    pub description: String,
    pub children: Vec<ImportedCode>,
}

/// A theme of the skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonTheme {
    pub id: String,
    pub label: String,
    pub description: String,
    pub polarity: Polarity,
    /// Names of the enclosing codes, outermost first (empty at the top level).
    pub parents: Vec<String>,
}

/// Reads a codebook file (at most [`MAX_CODEBOOK_BYTES`]) and parses it.
pub fn load_codebook(path: &Path) -> Result<Vec<ImportedCode>> {
    let too_big = || Error::InputFile {
        path: path.to_path_buf(),
        message: format!(
            "larger than {} MiB: not a codebook igf-lens reads (codebooks are kilobytes)",
            MAX_CODEBOOK_BYTES / (1024 * 1024)
        ),
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().is_ok_and(|m| m.len() > MAX_CODEBOOK_BYTES) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CODEBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_CODEBOOK_BYTES {
        return Err(too_big());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| Error::InputFile {
        path: path.to_path_buf(),
        message: format!(
            "not UTF-8 ({e}): REFI-QDA files are UTF-8; save the codebook as UTF-8 and import it again"
        ),
    })?;
    parse_codebook(text, path)
}

/// What the parser is inside of.
struct Open {
    name: String,
    /// The code being read, when this element is a `Code`.
    code: Option<ImportedCode>,
}

/// Parses codebook XML. `path` names the file in errors, which carry the line.
pub fn parse_codebook(xml: &str, path: &Path) -> Result<Vec<ImportedCode>> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let at = |offset: u64, message: String| {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(xml.len());
        // The event starts after the whitespace that ended the previous one.
        let skipped = xml[offset..].len() - xml[offset..].trim_start().len();
        Error::InputLine {
            path: path.to_path_buf(),
            line: line_of(xml, offset + skipped),
            message,
        }
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut top: Vec<ImportedCode> = Vec::new();
    let mut codes = 0usize;
    let mut in_description = false;
    loop {
        let start = reader.buffer_position();
        let err = |message: String| at(start, message);
        let event = reader
            .read_event()
            .map_err(|e| at(reader.error_position(), format!("not well-formed XML: {e}")))?;
        match event {
            Event::DocType(_) => {
                return Err(err(refusal("a document type declaration (<!DOCTYPE …>)")))
            }
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(err(format!(
                    "elements nested deeper than {MAX_DEPTH} levels"
                )));
            }
            Event::Start(e) => {
                let open = open_element(&e, &stack).map_err(err)?;
                in_description =
                    open.name == "Description" && stack.last().is_some_and(|p| p.code.is_some());
                codes += usize::from(open.code.is_some());
                stack.push(open);
            }
            Event::Empty(e) => {
                let open = open_element(&e, &stack).map_err(err)?;
                if let Some(code) = open.code {
                    codes += 1;
                    attach(&mut stack, &mut top, code);
                }
            }
            Event::End(_) => {
                in_description = false;
                if let Some(Open {
                    code: Some(code), ..
                }) = stack.pop()
                {
                    attach(&mut stack, &mut top, code);
                }
            }
            Event::Text(t) if in_description => push_description(&mut stack, &t.xml10_content()),
            Event::CData(t) if in_description => push_description(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let text = resolve_reference(&r).map_err(err)?;
                if in_description {
                    push_description(&mut stack, &text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if codes > MAX_CODES {
            return Err(err(format!("more than {MAX_CODES} codes")));
        }
    }
    if let Some(open) = stack.last() {
        return Err(at(
            reader.buffer_position(),
            format!("the file ends inside <{}>", open.name),
        ));
    }
    Ok(top)
}

/// The message for markup igf-lens does not read.
fn refusal(what: &str) -> String {
    format!(
        "{what} is refused: igf-lens reads imported XML without DTDs or entity declarations, so \
         that no entity is expanded (billion laughs) or fetched (external entities); export the \
         codebook again without a DOCTYPE"
    )
}

/// Checks an opening tag and starts a code when it is one.
fn open_element(e: &BytesStart<'_>, stack: &[Open]) -> std::result::Result<Open, String> {
    let name = e.local_name().as_ref().to_string();
    let parent = stack.last().map(|o| o.name.as_str());
    if stack.is_empty() && name != "CodeBook" && name != "Project" {
        return Err(format!(
            "the root element is <{name}>: a REFI-QDA codebook (.qdc) has <CodeBook>, a project \
             (.qde) <Project>"
        ));
    }
    let inside_codebook = stack.iter().any(|o| o.name == "CodeBook");
    let code = (name == "Code" && inside_codebook && matches!(parent, Some("Codes" | "Code")))
        .then(|| code_from(e))
        .transpose()?;
    Ok(Open { name, code })
}

fn code_from(e: &BytesStart<'_>) -> std::result::Result<ImportedCode, String> {
    for a in e.attributes() {
        let a = a.map_err(|x| format!("bad attribute: {x}"))?;
        if a.key.local_name().as_ref() == "name" {
            let name = a.normalized_value(XmlVersion::Implicit1_0).map_err(|x| {
                format!(
                    "bad name attribute: {x}; {}",
                    refusal("an entity other than XML's five")
                )
            })?;
            return Ok(ImportedCode {
                name: name.trim().to_string(),
                ..ImportedCode::default()
            });
        }
    }
    Err("a <Code> without a name attribute".into())
}

/// `&#233;`, `&amp;`… as text; any other entity is refused.
fn resolve_reference(r: &BytesRef<'_>) -> std::result::Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c.to_string()),
        Ok(None) => {}
        Err(e) => return Err(format!("bad character reference: {e}")),
    }
    let name = r.xml10_content();
    resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| refusal(&format!("the entity reference &{name};")))
}

fn push_description(stack: &mut [Open], text: &str) {
    let code = stack.iter_mut().rev().find_map(|o| o.code.as_mut());
    if let Some(code) = code {
        code.description.push_str(text);
    }
}

/// Hands a finished code to its parent code, or to the top level.
fn attach(stack: &mut [Open], top: &mut Vec<ImportedCode>, code: ImportedCode) {
    match stack.iter_mut().rev().find_map(|o| o.code.as_mut()) {
        Some(parent) => parent.children.push(code),
        None => top.push(code),
    }
}

/// `risk` / `opportunity` (and plurals, any case): a polarity child.
fn polarity_name(name: &str) -> Option<Polarity> {
    Polarity::parse(name)
}

/// The id line of a description, if its last line is one: (description without it, id,
/// default polarity).
fn split_id_line(description: &str) -> (String, Option<String>, Option<Polarity>) {
    let trimmed = description.trim_end();
    let (rest, last) = match trimmed.rsplit_once('\n') {
        Some((rest, last)) => (rest, last),
        None => ("", trimmed),
    };
    let Some(line) = last.trim().strip_prefix(ID_LINE_PREFIX) else {
        return (trimmed.trim().to_string(), None, None);
    };
    let (id, polarity) = match line.split_once(';') {
        Some((id, p)) => (
            id.trim(),
            p.trim()
                .strip_prefix("default polarity:")
                .and_then(|p| Polarity::parse(p.trim())),
        ),
        None => (line.trim(), None),
    };
    let id = slugify(id);
    (
        rest.trim().to_string(),
        (!id.is_empty()).then_some(id),
        polarity,
    )
}

/// The themes the codes become, depth first.
pub fn skeleton_themes(codes: &[ImportedCode]) -> Vec<SkeletonTheme> {
    let mut out = Vec::new();
    let mut used = BTreeSet::new();
    collect(codes, &[], "", &mut out, &mut used);
    out
}

fn collect(
    codes: &[ImportedCode],
    parents: &[String],
    parent_id: &str,
    out: &mut Vec<SkeletonTheme>,
    used: &mut BTreeSet<String>,
) {
    for code in codes {
        if !parents.is_empty() && polarity_name(&code.name).is_some() && code.children.is_empty() {
            continue;
        }
        let (description, marked, polarity) = split_id_line(&code.description);
        let base = marked.unwrap_or_else(|| {
            let slug = slugify(&format!("{parent_id} {}", code.name));
            if slug.is_empty() {
                format!("code-{}", out.len() + 1)
            } else {
                slug
            }
        });
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let label = if code.name.is_empty() {
            id.clone()
        } else {
            code.name.clone()
        };
        out.push(SkeletonTheme {
            id: id.clone(),
            label,
            description,
            polarity: polarity.unwrap_or(Polarity::Risk),
            parents: parents.to_vec(),
        });
        let mut inner = parents.to_vec();
        inner.push(code.name.clone());
        collect(&code.children, &inner, &id, out, used);
    }
}

/// A TOML string (quoted and escaped).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of strings, wrapped near 100 columns.
fn toml_list(key: &str, items: &[&str]) -> String {
    let mut out = format!("{key} = [");
    let mut line_len = out.len();
    for (k, item) in items.iter().enumerate() {
        let q = quote(item);
        if k > 0 && line_len + q.len() + 2 > 98 {
            out.push_str("\n  ");
            line_len = 2;
        } else if k > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(&q);
        out.push(',');
        line_len += q.len() + 1;
    }
    out.push_str("]\n");
    out
}

/// The skeleton taxonomy: a header saying what to do, the global cues of `cues_from` (the
/// built-in taxonomy's, so polarity works at once), and one `[[theme]]` per theme with
/// `terms = []` to fill.
pub fn taxonomy_skeleton(themes: &[SkeletonTheme], source: &Path, cues_from: &Taxonomy) -> String {
    let mut out = format!(
        "# igf-lens theme taxonomy: a skeleton made by `igf-lens themes import` from {}.\n\
         # Fill every `terms = []` with the words and phrases that mark the theme (see the README,\n\
         # \"Theme taxonomy\"), check the file with `igf-lens themes check FILE`, then use it with\n\
         # `--themes FILE`. The cues below are those of the built-in taxonomy; edit them to suit.\n\n",
        source.display()
    );
    out.push_str(&format!(
        "[cues]\nnegation_window = {}\n",
        cues_from.negation_window()
    ));
    for role in [
        CueRole::Risk,
        CueRole::Opportunity,
        CueRole::Negation,
        CueRole::Hedge,
        CueRole::Neutral,
    ] {
        let items: Vec<&str> = cues_from
            .cues()
            .iter()
            .filter(|c| c.role() == role)
            .map(|c| c.text())
            .collect();
        if !items.is_empty() {
            out.push_str(&toml_list(role.as_str(), &items));
        }
    }
    for t in themes {
        out.push_str("\n[[theme]]\n");
        if !t.parents.is_empty() {
            out.push_str(&format!(
                "# from: {} > {}\n",
                t.parents.join(" > "),
                t.label
            ));
        }
        out.push_str(&format!("id = {}\n", quote(&t.id)));
        out.push_str(&format!("label = {}\n", quote(&t.label)));
        if !t.description.is_empty() {
            out.push_str(&format!("description = {}\n", quote(&t.description)));
        }
        out.push_str(&format!("polarity = {}\n", quote(t.polarity.as_str())));
        out.push_str("terms = []\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Result<Vec<ImportedCode>> {
        parse_codebook(xml, Path::new("in.qdc"))
    }

    const NESTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder">
  <Codes>
    <Code guid="A0000000-0000-0000-0000-000000000001" name="Privacy &amp; data" isCodable="true">
      <Description>Personal data, &#233;lite &lt;encryption&gt;</Description>
      <Code guid="A0000000-0000-0000-0000-000000000002" name="Encryption" isCodable="true"/>
      <Code guid="A0000000-0000-0000-0000-000000000003" name="Risk" isCodable="true"/>
    </Code>
    <Code guid="A0000000-0000-0000-0000-000000000004" name="Privacy, data" isCodable="true"/>
  </Codes>
</CodeBook>"#;

    #[test]
    fn nested_codes_become_themes_with_parent_prefixed_ids() {
        let codes = parse(NESTED).unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(codes[0].name, "Privacy & data");
        assert_eq!(codes[0].description, "Personal data, élite <encryption>");
        let themes = skeleton_themes(&codes);
        let ids: Vec<&str> = themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["privacy-data", "privacy-data-encryption", "privacy-data-2"]
        );
        assert_eq!(themes[1].parents, vec!["Privacy & data".to_string()]);
        assert_eq!(themes[1].label, "Encryption");
    }

    #[test]
    fn the_id_line_gives_the_id_and_default_polarity() {
        let (d, id, p) = split_id_line(
            "Cross-border data.\n\nigf-lens id: surveillance; default polarity: opportunity\n",
        );
        assert_eq!(d, "Cross-border data.");
        assert_eq!(id.as_deref(), Some("surveillance"));
        assert_eq!(p, Some(Polarity::Opportunity));
        let (d, id, p) = split_id_line("Just words.");
        assert_eq!((d.as_str(), id, p), ("Just words.", None, None));
    }

    #[test]
    fn billion_laughs_is_refused_before_any_expansion() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CodeBook><Codes><Code guid="A0000000-0000-0000-0000-000000000001" name="&lol3;" isCodable="true"/></Codes></CodeBook>"#;
        let err = parse(xml).unwrap_err().to_string();
        assert!(
            err.starts_with("in.qdc:2: a document type declaration (<!DOCTYPE …>) is refused"),
            "{err}"
        );
    }

    #[test]
    fn an_undeclared_entity_is_refused() {
        let xml = "<CodeBook><Codes><Code guid=\"x\" name=\"a\" isCodable=\"true\"><Description>&xxe;</Description></Code></Codes></CodeBook>";
        let err = parse(xml).unwrap_err().to_string();
        assert!(
            err.contains("the entity reference &xxe; is refused"),
            "{err}"
        );
        let xml = "<CodeBook><Codes><Code guid=\"x\" name=\"&xxe;\" isCodable=\"true\"/></Codes></CodeBook>";
        let err = parse(xml).unwrap_err().to_string();
        assert!(err.contains("bad name attribute"), "{err}");
    }

    #[test]
    fn other_xml_and_broken_xml_are_refused_with_the_line() {
        let cases = [
            (
                "<html><body/></html>",
                "in.qdc:1: the root element is <html>",
            ),
            (
                "<CodeBook><Codes>\n<Code name=\"a\">\n</Codes></CodeBook>",
                "in.qdc:3: not well-formed XML",
            ),
            (
                "<CodeBook><Codes><Code guid=\"x\"/></Codes></CodeBook>",
                "a <Code> without a name attribute",
            ),
            ("<CodeBook><Codes>", "the file ends inside <Codes>"),
        ];
        for (xml, want) in cases {
            let err = parse(xml).unwrap_err().to_string();
            assert!(err.contains(want), "{xml}: {err}");
        }
        let deep = format!("<CodeBook>{}", "<Codes>".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep)
            .unwrap_err()
            .to_string()
            .contains("nested deeper than 64"));
    }

    #[test]
    fn a_project_file_gives_its_codebook_and_ignores_other_codes() {
        let xml = r#"<Project name="p" xmlns="urn:QDA-XML:project:1.0"><CodeBook><Codes>
            <Code guid="A0000000-0000-0000-0000-000000000001" name="Scope" isCodable="false"/>
          </Codes></CodeBook><Sets><Set guid="A0000000-0000-0000-0000-000000000009" name="s"/></Sets></Project>"#;
        let codes = parse(xml).unwrap();
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].name, "Scope");
    }

    #[test]
    fn skeleton_is_toml_with_empty_term_lists_and_the_builtin_cues() {
        let themes = skeleton_themes(&parse(NESTED).unwrap());
        let toml_text = taxonomy_skeleton(&themes, Path::new("in.qdc"), &Taxonomy::embedded());
        let v: toml::Value = toml::from_str(&toml_text).unwrap();
        let t = &v["theme"][0];
        assert_eq!(t["id"].as_str(), Some("privacy-data"));
        assert_eq!(t["label"].as_str(), Some("Privacy & data"));
        assert_eq!(
            t["description"].as_str(),
            Some("Personal data, élite <encryption>")
        );
        assert_eq!(t["polarity"].as_str(), Some("risk"));
        assert_eq!(t["terms"].as_array().map(Vec::len), Some(0));
        assert!(v["cues"]["risk"].as_array().is_some_and(|a| a.len() > 10));
        assert!(toml_text.contains("# from: Privacy & data > Encryption\n"));
        let errors = Taxonomy::check(&toml_text, Path::new("in.toml")).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors
            .iter()
            .all(|e| e.to_string().contains("empty term list")));
    }
}
