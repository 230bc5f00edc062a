//! REFI-QDA exchange and the CLI's own documentation through the binary (issue 19): `export
//! qdpx` of the sample corpus validated against the REFI-QDA project schema with xmllint, every
//! coded selection checked against its passage; `export codebook` validated and taken back by
//! `themes import`; hostile codebooks refused; completions and man pages generated.

use crate::search::corpus_index;
use crate::util::*;
use igf_lens::export::guid;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A REFI-QDA schema: the one in `../shared/specs` when the clone has the shared folder beside
/// it (as CI does), else the copy in `tests/fixtures/refi-qda/` (the schemas are MIT-licensed,
/// REFI 2019), so the tests also run on a clone alone. The copies are kept identical to the
/// shared ones (`fixture_schemas_are_the_shared_ones`).
fn spec(name: &str) -> PathBuf {
    let shared = shared_spec(name);
    if shared.is_file() {
        shared
    } else {
        fixture("refi-qda").join(name)
    }
}

fn shared_spec(name: &str) -> PathBuf {
    repo().join("../shared/specs").join(name)
}

const SCHEMAS: [&str; 2] = ["refi-qda-project-1.0.xsd", "refi-qda-codebook-1.0.xsd"];

#[test]
fn fixture_schemas_are_the_shared_ones() {
    for name in SCHEMAS {
        let copy = std::fs::read(fixture("refi-qda").join(name)).unwrap();
        assert!(
            String::from_utf8_lossy(&copy).contains("<xsd:schema xmlns=\"urn:QDA-XML:"),
            "{name} is not a REFI-QDA schema"
        );
        // Without ../shared beside the clone there is nothing to compare with.
        if let Ok(shared) = std::fs::read(shared_spec(name)) {
            assert!(
                copy == shared,
                "tests/fixtures/refi-qda/{name} differs from ../shared/specs/{name}: copy it again"
            );
        }
    }
}

/// Validates `file` against `schema` with xmllint; panics with its output when it does not.
fn xmllint_validates(file: &Path, schema: &Path) {
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint cannot run ({e}): install it with `apt-get install -y libxml2-utils`")
        });
    assert!(
        out.status.success(),
        "{} does not validate against {}:\n{}",
        file.display(),
        schema.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("validates"));
}

/// Every entry of a zip: name → bytes, in archive order.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// A `<PlainTextSelection>` or `<TextSource>` and the code GUIDs of its codings.
#[derive(Debug, Default)]
struct Element {
    attrs: BTreeMap<String, String>,
    codes: Vec<String>,
    coders: Vec<String>,
}

/// The text sources, the selections (with their source's plainTextPath), the codable code
/// GUIDs and the user GUIDs of a project.qde.
#[allow(clippy::type_complexity)]
fn read_project(
    xml: &str,
) -> (
    Vec<Element>,
    Vec<(String, Element)>,
    BTreeSet<String>,
    BTreeSet<String>,
) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut sources = Vec::new();
    let mut selections: Vec<(String, Element)> = Vec::new();
    let mut codable = BTreeSet::new();
    let mut users = BTreeSet::new();
    let attrs = |e: &quick_xml::events::BytesStart| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.local_name().as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect()
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(&e);
                match e.local_name().as_ref() {
                    "TextSource" => sources.push(Element {
                        attrs: a,
                        ..Element::default()
                    }),
                    "PlainTextSelection" => {
                        let path = sources.last().unwrap().attrs["plainTextPath"].clone();
                        selections.push((
                            path,
                            Element {
                                attrs: a,
                                ..Element::default()
                            },
                        ));
                    }
                    "Coding" => selections
                        .last_mut()
                        .unwrap()
                        .1
                        .coders
                        .push(a["creatingUser"].clone()),
                    "CodeRef" => selections
                        .last_mut()
                        .unwrap()
                        .1
                        .codes
                        .push(a["targetGUID"].clone()),
                    "Code" if a["isCodable"] == "true" => {
                        codable.insert(a["guid"].clone());
                    }
                    "User" => {
                        users.insert(a["guid"].clone());
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (sources, selections, codable, users)
}

/// Every passage of `export passages --format json`, by id.
fn passages(index: &Path) -> BTreeMap<u64, Value> {
    let out = run_expect(
        igf_lens()
            .args(["export", "passages", "--quiet", "--index"])
            .arg(index),
        0,
    );
    stdout(&out)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["passage_id"].as_u64().unwrap(), v)
        })
        .collect()
}

#[test]
fn qdpx_of_the_sample_corpus_validates_and_every_selection_is_its_passage_issue_19() {
    let (tmp, index) = corpus_index();
    let file = tmp.path().join("corpus.qdpx");
    let out = run_expect(
        igf_lens()
            .args(["export", "qdpx", "--index"])
            .arg(&index)
            .arg("-o")
            .arg(&file),
        0,
    );
    assert!(
        stderr(&out).contains("(12 sources, 52 cases, "),
        "{}",
        stderr(&out)
    );
    let entries = unzip(&file);
    assert_eq!(entries[0].0, "project.qde");
    let qde_path = tmp.path().join("project.qde");
    std::fs::write(&qde_path, &entries[0].1).unwrap();
    xmllint_validates(&qde_path, &spec("refi-qda-project-1.0.xsd"));

    let texts: BTreeMap<String, String> = entries
        .iter()
        .map(|(name, bytes)| {
            assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has a BOM");
            assert!(!bytes.contains(&b'\r'), "{name} has a CR");
            (name.clone(), String::from_utf8(bytes.clone()).unwrap())
        })
        .collect();
    let (sources, selections, codable, users) = read_project(&texts["project.qde"]);
    assert_eq!(sources.len(), 12);
    assert_eq!(texts.len(), 13);
    for s in &sources {
        let path = &s.attrs["plainTextPath"];
        let name = format!("sources/{}", path.strip_prefix("internal://").unwrap());
        assert!(texts.contains_key(&name), "{name}");
        assert_eq!(path, &format!("internal://{}.txt", s.attrs["guid"]));
    }

    let passages = passages(&index);
    let by_guid: BTreeMap<String, &Value> = passages
        .iter()
        .map(|(id, v)| (guid("selection", &id.to_string()), v))
        .collect();
    let tagged = passages
        .values()
        .filter(|v| !v["themes"].as_array().unwrap().is_empty());
    assert_eq!(selections.len(), tagged.count());
    let mut codings = 0;
    for (path, sel) in &selections {
        let name = format!("sources/{}", path.strip_prefix("internal://").unwrap());
        let start: usize = sel.attrs["startPosition"].parse().unwrap();
        let end: usize = sel.attrs["endPosition"].parse().unwrap();
        let selected: String = texts[&name].chars().skip(start).take(end - start).collect();
        let passage = by_guid[&sel.attrs["guid"]];
        assert_eq!(selected, passage["text"].as_str().unwrap(), "{sel:?}");
        let want: BTreeSet<String> = passage["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                igf_lens::export::polarity_guid(
                    t["theme"].as_str().unwrap(),
                    igf_lens::model::Polarity::parse(t["polarity"].as_str().unwrap()).unwrap(),
                )
            })
            .collect();
        assert_eq!(sel.codes.iter().cloned().collect::<BTreeSet<_>>(), want);
        assert!(sel.codes.iter().all(|c| codable.contains(c)));
        assert!(sel.coders.iter().all(|u| users.contains(u)));
        codings += sel.codes.len();
    }
    assert!(codings > selections.len());

    // Deterministic: a second export gives the same bytes.
    let again = tmp.path().join("again.qdpx");
    run_expect(
        igf_lens()
            .args(["export", "qdpx", "-q", "--index"])
            .arg(&index)
            .arg("-o")
            .arg(&again),
        0,
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn qdpx_filters_choose_the_sessions_and_the_codings() {
    let (tmp, index) = corpus_index();
    let file = tmp.path().join("one.qdpx");
    let out = run_expect(
        igf_lens()
            .args([
                "export",
                "qdpx",
                "--session",
                "2021-of-7",
                "--theme",
                "capacity-building",
                "--index",
            ])
            .arg(&index)
            .arg("-o")
            .arg(&file),
        0,
    );
    assert!(stderr(&out).contains("(1 source, "), "{}", stderr(&out));
    let entries = unzip(&file);
    let qde = String::from_utf8(entries[0].1.clone()).unwrap();
    let (sources, selections, _, _) = read_project(&qde);
    assert_eq!(sources.len(), 1);
    assert!(sources[0].attrs["name"].starts_with("IGF 2021 Open Forum #7"));
    let allowed: BTreeSet<String> = [
        igf_lens::model::Polarity::Risk,
        igf_lens::model::Polarity::Opportunity,
    ]
    .into_iter()
    .map(|p| igf_lens::export::polarity_guid("capacity-building", p))
    .collect();
    assert!(!selections.is_empty());
    assert!(selections
        .iter()
        .all(|(_, s)| s.codes.iter().all(|c| allowed.contains(c))));
    let out = run_expect(
        igf_lens()
            .args(["export", "qdpx", "--speaker", "nobody at all", "--index"])
            .arg(&index)
            .arg("-o")
            .arg(tmp.path().join("none.qdpx")),
        1,
    );
    assert!(stderr(&out).contains("no passage matches"));
    assert!(!tmp.path().join("none.qdpx").exists());
}

#[test]
fn codebook_validates_and_round_trips_through_themes_import_issue_19() {
    let tmp = tempdir();
    let qdc = tmp.path().join("themes.qdc");
    run_expect(
        igf_lens()
            .args(["export", "codebook", "-q", "-o"])
            .arg(&qdc),
        0,
    );
    xmllint_validates(&qdc, &spec("refi-qda-codebook-1.0.xsd"));
    let skeleton = tmp.path().join("skeleton.toml");
    let out = run_expect(
        igf_lens()
            .args(["themes", "import"])
            .arg(&qdc)
            .arg("-o")
            .arg(&skeleton),
        0,
    );
    assert!(stderr(&out).contains("10 themes from"), "{}", stderr(&out));
    let got: toml::Value = toml::from_str(&std::fs::read_to_string(&skeleton).unwrap()).unwrap();
    let want: toml::Value = toml::from_str(igf_lens::tag::EMBEDDED_THEMES).unwrap();
    let (got, want) = (
        got["theme"].as_array().unwrap(),
        want["theme"].as_array().unwrap(),
    );
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        for key in ["id", "label", "description", "polarity"] {
            assert_eq!(g[key], w[key], "{key} of {}", w["id"]);
        }
        assert_eq!(g["terms"].as_array().map(Vec::len), Some(0));
    }
    // The skeleton only lacks terms.
    let out = run_expect(igf_lens().args(["themes", "check"]).arg(&skeleton), 2);
    let problems: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("igf-lens: "))
        .map(String::from)
        .collect();
    assert_eq!(problems.len(), 10, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.contains("has an empty term list")),
        "{problems:?}"
    );
}

#[test]
fn themes_import_reads_a_codebook_of_another_tool() {
    let out = run_expect(
        igf_lens()
            .args(["themes", "import"])
            .arg(fixture("qualcoder.qdc")),
        0,
    );
    let v: toml::Value = toml::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = v["theme"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "data-access",
            "data-access-encryption",
            "data-access-real-time-collection",
            "journalists-activists"
        ]
    );
    assert_eq!(
        v["theme"][3]["label"].as_str(),
        Some("Journalists & activists")
    );
    assert_eq!(
        v["theme"][0]["description"].as_str(),
        Some("Requests for data across borders, by police or courts.")
    );
}

#[test]
fn hostile_codebooks_are_refused_with_a_clear_message_issue_19() {
    for name in ["billion-laughs.qdc", "external-entity.qdc"] {
        let out = run_expect(igf_lens().args(["themes", "import"]).arg(fixture(name)), 2);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{name}:2: a document type declaration (<!DOCTYPE …>) is refused: igf-lens reads imported XML without DTDs or entity declarations")),
            "{name}: {err}"
        );
        assert!(stdout(&out).is_empty());
    }
    // Too big: refused before parsing.
    let tmp = tempdir();
    let big = tmp.path().join("big.qdc");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(igf_lens::tag::import::MAX_CODEBOOK_BYTES + 1)
        .unwrap();
    let out = run_expect(igf_lens().args(["themes", "import"]).arg(&big), 2);
    assert!(
        stderr(&out).contains("larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn completions_name_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run_expect(igf_lens().args(["completions", shell]), 0);
        let script = stdout(&out);
        for word in [
            "ingest",
            "search",
            "kwic",
            "export",
            "qdpx",
            "codebook",
            "completions",
            "man",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
        let flag = if shell == "fish" {
            "-l session"
        } else {
            "--session"
        };
        assert!(script.contains(flag), "{shell} lacks {flag}");
    }
    let bash = stdout(&run_expect(igf_lens().args(["completions", "bash"]), 0));
    assert!(
        bash.contains("complete -F _igf__lens -o bashdefault -o default igf-lens"),
        "{bash}"
    );
    let fish = stdout(&run_expect(igf_lens().args(["completions", "fish"]), 0));
    assert!(fish.contains("complete -c igf-lens"));
    let out = run_expect(igf_lens().args(["completions", "tcsh"]), 2);
    assert!(stderr(&out).contains("invalid value 'tcsh'"));
}

#[test]
fn man_pages_document_every_command() {
    let main = stdout(&run_expect(igf_lens().arg("man"), 0));
    assert!(main.contains(".TH igf-lens 1"), "{main}");
    assert!(main.contains("igf\\-lens\\-search(1)"), "{main}");
    let tmp = tempdir();
    let dir = tmp.path().join("man1");
    run_expect(igf_lens().args(["man", "-q", "-o"]).arg(&dir), 0);
    let names: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in [
        "igf-lens.1",
        "igf-lens-search.1",
        "igf-lens-export-qdpx.1",
        "igf-lens-themes-import.1",
        "igf-lens-completions.1",
        "igf-lens-man.1",
    ] {
        assert!(names.contains(page), "{page} missing from {names:?}");
    }
    let qdpx = std::fs::read_to_string(dir.join("igf-lens-export-qdpx.1")).unwrap();
    assert!(qdpx.contains("REFI\\-QDA project"), "{qdpx}");
    assert!(qdpx.contains("\\-\\-session"), "{qdpx}");
}
