//! The coded corpus as a REFI-QDA project (`.qdpx`), for NVivo, ATLAS.ti, MAXQDA and
//! QualCoder.
//!
//! Input: the passages of the sessions to export (every passage of each, sorted by session,
//! turn and passage), which of them to code, and the [`Codebook`]. Output: a [`Project`] —
//! `project.qde` (`urn:QDA-XML:project:1.0`) and one plain-text source per session — and its
//! zip ([`qdpx_bytes`], deflate, no timestamps beyond the zip epoch, so the bytes are stable).
//!
//! - **Sources**: one `TextSource` per session, `sources/<GUID>.txt` (`internal://<GUID>.txt`):
//!   a heading line, then each turn as a paragraph `Speaker: text` (its passages joined by a
//!   space), paragraphs separated by a blank line; UTF-8 without BOM, LF.
//! - **Selections**: one `PlainTextSelection` per coded passage, `startPosition` and
//!   `endPosition` in Unicode code points from the start of the source, end exclusive, so the
//!   selected text is exactly the passage's text; its description holds the evidence and the
//!   `file:line` citation.
//! - **Codings**: one `Coding` per tag, pointing at the theme's `risk` or `opportunity` code.
//!   Its `creatingUser` is the coder ([`coder_of`]): the igf-lens `User` for every tag made
//!   by the rules or the model, and a `User` named after its coder for a person's correction.
//! - **Cases**: one per speaker (as in speakers.csv: name, group and region), with the
//!   variables stakeholder, region, role and affiliation, `SourceRef`s to their sessions and
//!   `SelectionRef`s to their coded passages.
//!
//! Every GUID comes from a stable id ([`super::guid`]): the same index gives the same file. This
//! module reads no index; the CLI hands it the records.

use super::codebook::{
    attr_text, finish, guid, polarity_guid, text_element, write, write_codes, xml_writer, Codebook,
};
use super::label::session_label;
use super::summary::{speakers, SpeakerRow};
use crate::error::{Error, Result};
use crate::model::{DecidedBy, PassageRecord, Region, Stakeholder, Tag};
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::Writer;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;

/// Namespace of a REFI-QDA project (`project.qde`).
pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";

/// The speaker variables of every case, in order.
pub const CASE_VARIABLES: [&str; 4] = ["stakeholder", "region", "role", "affiliation"];

/// Who made a coding: the `User` of the project it is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coder {
    /// Stable id the user's GUID derives from (`igf-lens`, or `human:NAME` for a person).
    pub key: String,
    /// The name shown in the QDA program.
    pub name: String,
}

/// The coder of a tag: igf-lens for the tags its rules and model made; for a person's
/// correction (`decided_by` human, recorded by `igf-lens code`), `Coder { key: "human:NAME",
/// name: NAME }` with the name of the person who corrected it (`human` when they gave none).
pub fn coder_of(tag: &Tag) -> Coder {
    if tag.decided_by != DecidedBy::Human {
        return tool_user();
    }
    let name = tag
        .coder
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("human");
    Coder {
        key: format!("human:{name}"),
        name: name.to_string(),
    }
}

/// igf-lens itself as a user: the project's creator, and the coder of every rule-made tag.
fn tool_user() -> Coder {
    Coder {
        key: "igf-lens".into(),
        name: "igf-lens".into(),
    }
}

/// A source text of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub session: String,
    pub guid: String,
    /// The source's name in the project (`IGF 2023 WS #225 “Title”`).
    pub name: String,
    pub text: String,
}

/// One coded passage: where it lies in its source, and its codings.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub guid: String,
    pub source: usize,
    /// Code points, end exclusive.
    pub start: usize,
    pub end: usize,
    pub passage_id: u64,
    /// (coding GUID, code GUID, coder) per tag.
    pub codings: Vec<(String, String, Coder)>,
    pub name: String,
    pub description: String,
    speaker_key: String,
}

/// What [`build_project`] made.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The `project.qde` document.
    pub qde: String,
    pub sources: Vec<SourceText>,
    pub selections: Vec<Selection>,
    pub cases: usize,
}

impl Project {
    /// Number of codings (tags) in the project.
    pub fn codings(&self) -> usize {
        self.selections.iter().map(|s| s.codings.len()).sum()
    }
}

/// Builds the project from `records` (every passage of the sessions to export, sorted by
/// session, turn and passage). A passage is coded when `coded` holds its id (`None`: every
/// passage), with each of its tags that `keep` accepts.
pub fn build_project(
    records: &[PassageRecord],
    coded: Option<&HashSet<u64>>,
    keep: &dyn Fn(&Tag) -> bool,
    codebook: &Codebook,
) -> Result<Project> {
    let (sources, selections) = lay_out(records, coded, keep);
    let rows = speakers(records);
    let qde = project_xml(codebook, &sources, &selections, &rows)?;
    Ok(Project {
        qde,
        sources,
        selections,
        cases: rows.len(),
    })
}

/// The key of a speaker's case: as speakers.csv groups them.
fn speaker_key(speaker: &str, stakeholder: Stakeholder, region: Region) -> String {
    format!("{speaker}|{}|{}", stakeholder.as_str(), region.as_str())
}

/// Appends `s` to a source text, counting code points.
fn push(text: &mut String, len: &mut usize, s: &str) {
    text.push_str(s);
    *len += s.chars().count();
}

/// Writes the source texts and places the selections in them.
fn lay_out(
    records: &[PassageRecord],
    coded: Option<&HashSet<u64>>,
    keep: &dyn Fn(&Tag) -> bool,
) -> (Vec<SourceText>, Vec<Selection>) {
    let mut sources: Vec<SourceText> = Vec::new();
    let mut selections = Vec::new();
    let mut len = 0usize;
    let mut turn: Option<u32> = None;
    for r in records {
        if sources.last().is_none_or(|s| s.session != r.session) {
            let mut heading = session_label(r);
            if !r.date.is_empty() {
                heading.push_str(&format!(" ({})", r.date));
            }
            sources.push(SourceText {
                session: r.session.clone(),
                guid: guid("source", &r.session),
                name: session_label(r),
                text: String::new(),
            });
            len = 0;
            turn = None;
            if let Some(s) = sources.last_mut() {
                push(&mut s.text, &mut len, &heading);
            }
        }
        let source = sources.len() - 1;
        let Some(src) = sources.last_mut() else {
            continue;
        };
        if turn == Some(r.turn) {
            push(&mut src.text, &mut len, " ");
        } else {
            let who = if r.speaker.trim().is_empty() {
                "Unknown speaker"
            } else {
                r.speaker.trim()
            };
            push(&mut src.text, &mut len, &format!("\n\n{who}: "));
            turn = Some(r.turn);
        }
        let start = len;
        push(&mut src.text, &mut len, &r.text);
        if let Some(sel) = selection(r, source, start, len, coded, keep) {
            selections.push(sel);
        }
    }
    for s in &mut sources {
        s.text.push('\n');
    }
    (sources, selections)
}

/// The selection of a passage, when it is coded and keeps a tag.
fn selection(
    r: &PassageRecord,
    source: usize,
    start: usize,
    end: usize,
    coded: Option<&HashSet<u64>>,
    keep: &dyn Fn(&Tag) -> bool,
) -> Option<Selection> {
    if coded.is_some_and(|c| !c.contains(&r.passage_id)) {
        return None;
    }
    let tags: Vec<&Tag> = r.tags.iter().filter(|t| keep(t)).collect();
    if tags.is_empty() {
        return None;
    }
    let codings = tags
        .iter()
        .map(|t| {
            (
                guid(
                    "coding",
                    &format!("{}:{}:{}", r.passage_id, t.theme, t.polarity.as_str()),
                ),
                polarity_guid(&t.theme, t.polarity),
                coder_of(t),
            )
        })
        .collect();
    let evidence: Vec<String> = tags
        .iter()
        .map(|t| format!("{}: {}", t.label(), t.evidence.render()))
        .collect();
    Some(Selection {
        guid: guid("selection", &r.passage_id.to_string()),
        source,
        start,
        end,
        passage_id: r.passage_id,
        codings,
        name: format!("{}, turn {}, passage {}", r.speaker, r.turn, r.passage_id),
        description: format!(
            "{}\nsource: {}\ntaxonomy: {}",
            evidence.join("\n"),
            r.citation(),
            r.taxonomy
        ),
        speaker_key: speaker_key(&r.speaker, r.stakeholder, r.region),
    })
}

/// The `project.qde` document.
fn project_xml(
    codebook: &Codebook,
    sources: &[SourceText],
    selections: &[Selection],
    speakers: &[SpeakerRow],
) -> Result<String> {
    let mut coders: BTreeSet<&Coder> = selections
        .iter()
        .flat_map(|s| s.codings.iter().map(|c| &c.2))
        .collect();
    let tool = tool_user();
    coders.insert(&tool);
    let mut w = xml_writer();
    let origin = format!("igf-lens {}", env!("CARGO_PKG_VERSION"));
    let tool_guid = guid("user", &tool.key);
    let root = BytesStart::new("Project").with_attributes([
        ("xmlns", PROJECT_NS),
        ("name", "igf-lens coded corpus"),
        ("origin", origin.as_str()),
        ("creatingUserGUID", tool_guid.as_str()),
    ]);
    write(&mut w, Event::Start(root))?;
    write(&mut w, Event::Start(BytesStart::new("Users")))?;
    for c in &coders {
        let g = guid("user", &c.key);
        let name = attr_text(&c.name);
        let user = BytesStart::new("User").with_attributes([
            ("guid", g.as_str()),
            ("name", name.as_ref()),
            ("id", c.key.as_str()),
        ]);
        write(&mut w, Event::Empty(user))?;
    }
    write(&mut w, Event::End(BytesEnd::new("Users")))?;
    write(&mut w, Event::Start(BytesStart::new("CodeBook")))?;
    write_codes(&mut w, &codebook.codes)?;
    write(&mut w, Event::End(BytesEnd::new("CodeBook")))?;
    write_variables(&mut w)?;
    write_cases(&mut w, sources, selections, speakers)?;
    write_sources(&mut w, sources, selections, &tool_guid)?;
    text_element(
        &mut w,
        "Description",
        "Passages of Internet Governance Forum sessions coded by igf-lens with themes of the UN \
         cybercrime treaty (risk or opportunity). Each coded selection is one passage; its \
         description gives the terms and the cue that decided each code, and the file:line it \
         comes from.",
    )?;
    write(&mut w, Event::End(BytesEnd::new("Project")))?;
    finish(w)
}

fn write_variables(w: &mut Writer<Vec<u8>>) -> Result<()> {
    write(w, Event::Start(BytesStart::new("Variables")))?;
    for name in CASE_VARIABLES {
        let g = guid("variable", name);
        let v = BytesStart::new("Variable").with_attributes([
            ("guid", g.as_str()),
            ("name", name),
            ("typeOfVariable", "Text"),
        ]);
        write(w, Event::Start(v))?;
        text_element(
            w,
            "Description",
            &format!("The speaker's {name}, as igf-lens resolved it."),
        )?;
        write(w, Event::End(BytesEnd::new("Variable")))?;
    }
    write(w, Event::End(BytesEnd::new("Variables")))
}

/// One case per speaker.
fn write_cases(
    w: &mut Writer<Vec<u8>>,
    sources: &[SourceText],
    selections: &[Selection],
    speakers: &[SpeakerRow],
) -> Result<()> {
    if speakers.is_empty() {
        return Ok(());
    }
    let source_guids: BTreeMap<&str, &str> = sources
        .iter()
        .map(|s| (s.session.as_str(), s.guid.as_str()))
        .collect();
    let mut by_speaker: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in selections {
        by_speaker.entry(&s.speaker_key).or_default().push(&s.guid);
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for s in speakers {
        *names.entry(&s.speaker).or_default() += 1;
    }
    write(w, Event::Start(BytesStart::new("Cases")))?;
    for s in speakers {
        let key = speaker_key(&s.speaker, s.stakeholder, s.region);
        let name = if names.get(s.speaker.as_str()).copied().unwrap_or(0) > 1 {
            format!("{} ({})", s.speaker, s.stakeholder)
        } else {
            s.speaker.clone()
        };
        let g = guid("case", &key);
        let name = attr_text(&name);
        write(
            w,
            Event::Start(
                BytesStart::new("Case")
                    .with_attributes([("guid", g.as_str()), ("name", name.as_ref())]),
            ),
        )?;
        let values = [
            s.stakeholder.as_str(),
            s.region.as_str(),
            s.roles.as_str(),
            s.affiliations.as_str(),
        ];
        for (var, value) in CASE_VARIABLES.iter().zip(values) {
            if !value.is_empty() {
                write_variable_value(w, var, value)?;
            }
        }
        for session in s.session_ids.split(';').filter(|x| !x.is_empty()) {
            if let Some(g) = source_guids.get(session) {
                empty_ref(w, "SourceRef", g)?;
            }
        }
        for g in by_speaker.get(key.as_str()).into_iter().flatten() {
            empty_ref(w, "SelectionRef", g)?;
        }
        write(w, Event::End(BytesEnd::new("Case")))?;
    }
    write(w, Event::End(BytesEnd::new("Cases")))
}

fn write_variable_value(w: &mut Writer<Vec<u8>>, variable: &str, value: &str) -> Result<()> {
    write(w, Event::Start(BytesStart::new("VariableValue")))?;
    empty_ref(w, "VariableRef", &guid("variable", variable))?;
    text_element(w, "TextValue", value)?;
    write(w, Event::End(BytesEnd::new("VariableValue")))
}

/// `<Name targetGUID="…"/>`.
fn empty_ref(w: &mut Writer<Vec<u8>>, name: &str, target: &str) -> Result<()> {
    write(
        w,
        Event::Empty(BytesStart::new(name).with_attributes([("targetGUID", target)])),
    )
}

/// Opens `<tag guid="…" name="…" … creatingUser="…">`: an element the project's user created,
/// with its own attributes (`extra`) between its name and the user.
fn start_object(
    w: &mut Writer<Vec<u8>>,
    tag: &str,
    guid: &str,
    name: &str,
    extra: &[(&str, &str)],
    user: &str,
) -> Result<()> {
    let name = attr_text(name);
    let attributes = [("guid", guid), ("name", name.as_ref())]
        .into_iter()
        .chain(extra.iter().copied())
        .chain([("creatingUser", user)]);
    write(
        w,
        Event::Start(BytesStart::new(tag).with_attributes(attributes)),
    )
}

/// One `TextSource` per session, with its selections and their codings.
fn write_sources(
    w: &mut Writer<Vec<u8>>,
    sources: &[SourceText],
    selections: &[Selection],
    tool_guid: &str,
) -> Result<()> {
    if sources.is_empty() {
        return Ok(());
    }
    write(w, Event::Start(BytesStart::new("Sources")))?;
    for (k, s) in sources.iter().enumerate() {
        let path = format!("internal://{}.txt", s.guid);
        let source = [("plainTextPath", path.as_str())];
        start_object(w, "TextSource", &s.guid, &s.name, &source, tool_guid)?;
        text_element(w, "Description", &format!("session {}", s.session))?;
        for sel in selections.iter().filter(|x| x.source == k) {
            write_selection(w, sel, tool_guid)?;
        }
        write(w, Event::End(BytesEnd::new("TextSource")))?;
    }
    write(w, Event::End(BytesEnd::new("Sources")))
}

fn write_selection(w: &mut Writer<Vec<u8>>, sel: &Selection, tool_guid: &str) -> Result<()> {
    let (start, end) = (sel.start.to_string(), sel.end.to_string());
    let span = [
        ("startPosition", start.as_str()),
        ("endPosition", end.as_str()),
    ];
    start_object(
        w,
        "PlainTextSelection",
        &sel.guid,
        &sel.name,
        &span,
        tool_guid,
    )?;
    text_element(w, "Description", &sel.description)?;
    for (coding, code, coder) in &sel.codings {
        let user = guid("user", &coder.key);
        write(
            w,
            Event::Start(
                BytesStart::new("Coding")
                    .with_attributes([("guid", coding.as_str()), ("creatingUser", user.as_str())]),
            ),
        )?;
        empty_ref(w, "CodeRef", code)?;
        write(w, Event::End(BytesEnd::new("Coding")))?;
    }
    write(w, Event::End(BytesEnd::new("PlainTextSelection")))
}

/// The `.qdpx` zip: `project.qde` at the root, then `sources/<GUID>.txt`, deflated, every entry
/// dated at the zip epoch (1980-01-01) so the same project gives the same bytes.
pub fn qdpx_bytes(project: &Project) -> Result<Vec<u8>> {
    let zip_err = |e: zip::result::ZipError| Error::Other(format!("cannot write the zip: {e}"));
    let io_err = |e: std::io::Error| Error::Other(format!("cannot write the zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    zip.start_file("project.qde", options).map_err(zip_err)?;
    zip.write_all(project.qde.as_bytes()).map_err(io_err)?;
    for s in &project.sources {
        zip.start_file(format!("sources/{}.txt", s.guid), options)
            .map_err(zip_err)?;
        zip.write_all(s.text.as_bytes()).map_err(io_err)?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Writes the `.qdpx` file at `path` (atomically).
pub fn write_qdpx(project: &Project, path: &std::path::Path) -> Result<()> {
    crate::disk::write_bytes(path, &qdpx_bytes(project)?)
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn a_human_correction_is_coded_by_its_coder() {
        let mut tag = Tag {
            theme: "scope".into(),
            polarity: crate::model::Polarity::Risk,
            score: 0.0,
            decided_by: DecidedBy::Cue,
            evidence: crate::model::Evidence::default(),
            coder: None,
        };
        assert_eq!(coder_of(&tag), tool_user());
        tag.decided_by = DecidedBy::Human;
        tag.coder = Some("Ana".into());
        assert_eq!(
            coder_of(&tag),
            Coder {
                key: "human:Ana".into(),
                name: "Ana".into()
            }
        );
        tag.coder = None;
        assert_eq!(coder_of(&tag).key, "human:human");
    }
    use crate::tag::Taxonomy;

    fn project(coded: Option<&HashSet<u64>>) -> Project {
        let mut recs = test_records();
        crate::index::sort_records(&mut recs);
        let cb = Codebook::from_taxonomy(&Taxonomy::embedded(), &[]);
        build_project(&recs, coded, &|_| true, &cb).unwrap()
    }

    fn selected(p: &Project, sel: &Selection) -> String {
        let text = &p.sources[sel.source].text;
        text.chars()
            .skip(sel.start)
            .take(sel.end - sel.start)
            .collect()
    }

    #[test]
    fn each_selection_covers_exactly_its_passage() {
        let p = project(None);
        let recs = test_records();
        assert_eq!(p.sources.len(), 2);
        assert_eq!(p.selections.len(), 4);
        for sel in &p.selections {
            let r = recs
                .iter()
                .find(|r| r.passage_id == sel.passage_id)
                .unwrap();
            assert_eq!(selected(&p, sel), r.text);
        }
        assert_eq!(p.codings(), 5);
        let ws225 = p
            .sources
            .iter()
            .find(|s| s.session == "2023-ws-225")
            .unwrap();
        assert_eq!(
            ws225.text,
            "IGF 2023 WS #225 “Talks on the treaty” (2023-10-10)\n\
             \n\
             Ana Pérez: Welcome all, today we ask what the treaty means for people who test systems.\n\
             \n\
             Tom Becker: Good faith testers must not be treated as criminals under an overbroad text. \
             We also see a real chance to work with police on evidence across borders.\n"
        );
    }

    #[test]
    fn offsets_count_code_points_not_bytes() {
        let mut recs = test_records();
        recs.truncate(2);
        recs[0].speaker = "Ünal Çelik".into();
        recs[0].text = "Émigré voices — ünïcode ✓ first.".into();
        let cb = Codebook::from_taxonomy(&Taxonomy::embedded(), &[]);
        let p = build_project(&recs, None, &|_| true, &cb).unwrap();
        for sel in &p.selections {
            let r = recs
                .iter()
                .find(|r| r.passage_id == sel.passage_id)
                .unwrap();
            assert_eq!(selected(&p, sel), r.text);
        }
    }

    #[test]
    fn only_the_chosen_passages_and_tags_are_coded() {
        let only: HashSet<u64> = [2].into();
        let mut recs = test_records();
        crate::index::sort_records(&mut recs);
        let cb = Codebook::from_taxonomy(&Taxonomy::embedded(), &[]);
        let p = build_project(&recs, Some(&only), &|t| t.theme == "scope", &cb).unwrap();
        assert_eq!(p.selections.len(), 1);
        assert_eq!(p.selections[0].passage_id, 2);
        assert_eq!(p.codings(), 1);
        assert_eq!(
            p.selections[0].codings[0].1,
            polarity_guid("scope", crate::model::Polarity::Risk)
        );
    }

    #[test]
    fn project_xml_has_users_codebook_cases_and_sources_in_schema_order() {
        let p = project(None);
        let order: Vec<usize> = [
            "<Users>",
            "<CodeBook>",
            "<Variables>",
            "<Cases>",
            "<Sources>",
            "<Description>Passages of",
        ]
        .iter()
        .map(|e| p.qde.find(e).unwrap_or_else(|| panic!("{e} missing")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(p.qde.contains(&format!(
            "<User guid=\"{}\" name=\"igf-lens\" id=\"igf-lens\"/>",
            guid("user", "igf-lens")
        )));
        assert!(p.qde.contains("<TextValue>Private Sector</TextValue>"));
        assert!(p.qde.contains("name=\"Tom Becker\""));
        assert!(!p.qde.contains('\r'));
        assert_eq!(p.cases, 3);
        // Deterministic: the same input gives the same bytes.
        assert_eq!(qdpx_bytes(&p).unwrap(), qdpx_bytes(&project(None)).unwrap());
    }
}
