//! `search`, `kwic` and `show` through the binary: on an index built from hand-made passages
//! (exact expectations) and on the sample corpus in data/ (end to end).

use crate::util::*;
use igf_lens::index::{Reader, Writer};
use igf_lens::model::{
    DecidedBy, Evidence, Method, PassageRecord, Polarity, Region, Role, Stakeholder, Tag,
};
use igf_lens::Error;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn tag(theme: &str, polarity: Polarity, score: f32) -> Tag {
    Tag {
        theme: theme.into(),
        polarity,
        score,
        decided_by: DecidedBy::Default,
        evidence: Evidence {
            terms: vec![(theme.replace('-', " ").into(), 1)],
            cue: None,
        },
        coder: None,
    }
}

/// Hand-made passages (our own sentences): three sessions, every stakeholder group, five
/// regions, tags of both polarities, caption timings in one session, and text cells that a
/// spreadsheet would read as formulas.
pub fn sample_records() -> Vec<PassageRecord> {
    struct P {
        id: u64,
        s: usize,
        turn: u32,
        ord: u32,
        speaker: &'static str,
        group: Stakeholder,
        region: Region,
        role: Role,
        tags: Vec<Tag>,
        text: &'static str,
    }
    let sessions = [
        (
            "2021-ws-10",
            "WS #10",
            2021,
            "2021-12-07",
            "Cybercrime rules and open research",
        ),
        (
            "2023-ws-225",
            "WS #225",
            2023,
            "2023-10-10",
            "Treaty talks and human rights",
        ),
        ("2024-of-3", "Open Forum #3", 2024, "", "After the vote"),
    ];
    use Polarity::{Opportunity as O, Risk as R};
    let ps = vec![
        P { id: 101, s: 0, turn: 0, ord: 0, speaker: "Ana Pérez", group: Stakeholder::CivilSociety, region: Region::Grulac, role: Role::Moderator,
            tags: vec![tag("security-research", R, 2.0)],
            text: "Welcome. Today we ask whether security researchers will be treated as criminals under the new rules." },
        P { id: 102, s: 0, turn: 1, ord: 0, speaker: "Tom Becker", group: Stakeholder::PrivateSector, region: Region::Weog, role: Role::Speaker,
            tags: vec![tag("security-research", R, 3.0), tag("scope", R, 1.0)],
            text: "Security researchers who probe systems in good faith must never be prosecuted for it." },
        P { id: 103, s: 0, turn: 1, ord: 1, speaker: "Tom Becker", group: Stakeholder::PrivateSector, region: Region::Weog, role: Role::Speaker,
            tags: vec![tag("cooperation", O, 1.5)],
            text: "=HYPERLINK(\"http://example.invalid\") is what a hostile cell could look like, and we see a chance to work with police." },
        P { id: 104, s: 0, turn: 2, ord: 0, speaker: "Li Wei", group: Stakeholder::Government, region: Region::AsiaPacific, role: Role::Speaker,
            tags: vec![tag("capacity-building", O, 2.5)],
            text: "Training for developing countries is the heart of any convention worth signing." },
        P { id: 201, s: 1, turn: 0, ord: 0, speaker: "Kwame Mensah", group: Stakeholder::TechnicalCommunity, region: Region::African, role: Role::Speaker,
            tags: vec![tag("surveillance", R, 2.0), tag("security-research", O, 1.0)],
            text: "  +Requests for data across borders worry every security researcher I know." },
        P { id: 202, s: 1, turn: 1, ord: 0, speaker: "Olga Petrova", group: Stakeholder::Intergovernmental, region: Region::EasternEuropean, role: Role::Speaker,
            tags: vec![tag("harmonization", O, 1.0), tag("cooperation", O, 2.0)],
            text: "Shared definitions make mutual legal assistance faster between states." },
        P { id: 203, s: 1, turn: 2, ord: 0, speaker: "MODERATOR", group: Stakeholder::Unknown, region: Region::Unknown, role: Role::Moderator,
            tags: vec![],
            text: "-Thank you all, we now take questions from the floor." },
        P { id: 204, s: 1, turn: 3, ord: 0, speaker: "AUDIENCE", group: Stakeholder::Unknown, region: Region::Unknown, role: Role::Audience,
            tags: vec![tag("human-rights", R, 1.0)],
            text: "＝A question on speech offences: who decides what counts as harmful?" },
        P { id: 301, s: 2, turn: 0, ord: 0, speaker: "Tom Becker", group: Stakeholder::PrivateSector, region: Region::Weog, role: Role::Speaker,
            tags: vec![tag("security-research", R, 1.0)],
            text: "@everyone: implementing laws must protect security research explicitly." },
        P { id: 302, s: 2, turn: 1, ord: 0, speaker: "Ana Pérez", group: Stakeholder::CivilSociety, region: Region::Grulac, role: Role::Speaker,
            tags: vec![tag("human-rights", R, 2.0)],
            text: "\tCriminalising speech would be the worst outcome of this treaty." },
    ];
    ps.into_iter()
        .map(|p| {
            let (session, code, year, date, title) = sessions[p.s];
            let timed = p.s == 2;
            PassageRecord {
                passage_id: p.id,
                session: session.into(),
                code: code.into(),
                year,
                title: title.into(),
                date: date.into(),
                speaker: p.speaker.into(),
                label: p.speaker.to_uppercase(),
                stakeholder: p.group,
                region: p.region,
                role: p.role,
                affiliation: String::new(),
                method: if p.group == Stakeholder::Unknown {
                    Method::Unresolved
                } else {
                    Method::Roster
                },
                confidence: 1.0,
                turn: p.turn,
                ordinal: p.ord,
                language: "eng".into(),
                words: igf_lens::text::count_words(p.text),
                procedural: false,
                tags: p.tags,
                taxonomy: "test-taxonomy".into(),
                source: format!("tests/fixtures/none/{session}.raw.txt"),
                url: String::new(),
                line: 10 + 4 * p.turn + 2 * p.ord,
                start_ms: timed.then_some(60_000 * u64::from(p.turn)),
                end_ms: timed.then_some(60_000 * u64::from(p.turn) + 45_000),
                text: p.text.into(),
            }
        })
        .collect()
}

/// Builds an index from records with the library's writer.
pub fn build_index(dir: &Path, records: &[PassageRecord]) {
    let w = Writer::open(dir, 1, 20_000_000).expect("writer");
    for r in records {
        w.add(r).expect("add");
    }
    w.commit().expect("commit");
}

/// A temp dir with an index of [`sample_records`] at `<tmp>/index`.
pub fn sample_index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let dir = tmp.path().join("index");
    build_index(&dir, &sample_records());
    (tmp, dir)
}

/// A temp dir with the sample corpus (data/) ingested by the binary at `<tmp>/index`.
pub fn corpus_index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let dir = tmp.path().join("index");
    run_expect(
        igf_lens()
            .args(["ingest", "data", "--quiet", "--index"])
            .arg(&dir),
        0,
    );
    (tmp, dir)
}

/// Runs `search` with `--format json` and returns the hit objects (and the facets object).
pub fn search_json(index: &Path, args: &[&str], want: i32) -> (Vec<Value>, Option<Value>) {
    let out = run_expect(
        igf_lens()
            .arg("search")
            .args(args)
            .args(["--format", "json", "-n", "100000", "--index"])
            .arg(index),
        want,
    );
    let mut hits = Vec::new();
    let mut facets = None;
    for line in stdout(&out).lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if let Some(f) = v.get("facets") {
            facets = Some(f.clone());
        } else {
            hits.push(v);
        }
    }
    (hits, facets)
}

fn ids(hits: &[Value]) -> Vec<u64> {
    let mut v: Vec<u64> = hits
        .iter()
        .map(|h| h["passage_id"].as_u64().unwrap())
        .collect();
    v.sort_unstable();
    v
}

fn has_tag(h: &Value, theme: Option<&str>, polarity: Option<&str>) -> bool {
    let fits = |want: Option<&str>, got: &Value| match want {
        None => true,
        Some(w) => got.as_str() == Some(w),
    };
    h["themes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| fits(theme, &t["theme"]) && fits(polarity, &t["polarity"]))
}

#[test]
fn every_filter_returns_only_matching_passages() {
    let (_tmp, index) = sample_index();
    let recs = sample_records();
    let expect = |keep: &dyn Fn(&PassageRecord) -> bool| -> Vec<u64> {
        let mut v: Vec<u64> = recs
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.passage_id)
            .collect();
        v.sort_unstable();
        v
    };
    type Case<'a> = (&'a [&'a str], Box<dyn Fn(&PassageRecord) -> bool>);
    let cases: Vec<Case> = vec![
        (
            &["--stakeholder", "Private Sector"],
            Box::new(|r| r.stakeholder == Stakeholder::PrivateSector),
        ),
        (
            &["--stakeholder", "civil-society"],
            Box::new(|r| r.stakeholder == Stakeholder::CivilSociety),
        ),
        (
            &["--stakeholder", "INTERGOVERNMENTAL ORGANIZATION"],
            Box::new(|r| r.stakeholder == Stakeholder::Intergovernmental),
        ),
        (
            &["--stakeholder", "unknown"],
            Box::new(|r| r.stakeholder == Stakeholder::Unknown),
        ),
        (
            &["--region", "grulac"],
            Box::new(|r| r.region == Region::Grulac),
        ),
        (
            &["--region", "Western European and Others Group (WEOG)"],
            Box::new(|r| r.region == Region::Weog),
        ),
        (
            &["--region", "african-group"],
            Box::new(|r| r.region == Region::African),
        ),
        (
            &["--theme", "security-research"],
            Box::new(|r| r.tags.iter().any(|t| t.theme == "security-research")),
        ),
        (
            &["--polarity", "opportunity"],
            Box::new(|r| r.tags.iter().any(|t| t.polarity == Polarity::Opportunity)),
        ),
        (
            &["--theme", "security-research", "--polarity", "risk"],
            Box::new(|r| {
                r.tags
                    .iter()
                    .any(|t| t.theme == "security-research" && t.polarity == Polarity::Risk)
            }),
        ),
        (
            &["--session", "WS #225"],
            Box::new(|r| r.session == "2023-ws-225"),
        ),
        (
            &["--session", "2024-of-3"],
            Box::new(|r| r.session == "2024-of-3"),
        ),
        (
            &["--speaker", "becker"],
            Box::new(|r| r.speaker == "Tom Becker"),
        ),
        (
            &["--speaker", "ana perez"],
            Box::new(|r| r.speaker == "Ana Pérez"),
        ),
        (&["--year", "2023"], Box::new(|r| r.year == 2023)),
        (
            &["--year", "2021", "--stakeholder", "private-sector"],
            Box::new(|r| r.year == 2021 && r.stakeholder == Stakeholder::PrivateSector),
        ),
    ];
    for (args, keep) in cases {
        let want = expect(&*keep);
        assert!(!want.is_empty(), "{args:?} selects nothing: a weak case");
        let (hits, _) = search_json(&index, args, 0);
        assert_eq!(ids(&hits), want, "{args:?}");
    }
    // Filters compose with a query.
    let (hits, _) = search_json(
        &index,
        &["security researchers", "--stakeholder", "private-sector"],
        0,
    );
    assert_eq!(ids(&hits), vec![102, 301]);
    for h in &hits {
        assert!(has_tag(h, Some("security-research"), None));
    }
}

#[test]
fn facet_counts_equal_hit_counts() {
    let (_tmp, index) = sample_index();
    for args in [
        &["--facets"][..],
        &["security", "--facets"],
        &["--facets", "--polarity", "risk"],
    ] {
        let (hits, facets) = search_json(&index, args, 0);
        let f = facets.expect("a facets object");
        assert_eq!(f["total"].as_u64(), Some(hits.len() as u64), "{args:?}");
        for (dim, field) in [
            ("stakeholder", "stakeholder"),
            ("region", "region"),
            ("session", "session"),
        ] {
            let mut counted: BTreeMap<String, u64> = BTreeMap::new();
            for h in &hits {
                *counted
                    .entry(h[field].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
            let got: BTreeMap<String, u64> = f[dim]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
                .collect();
            assert_eq!(got, counted, "{args:?} {dim}");
        }
        let mut by_tag: BTreeMap<String, u64> = BTreeMap::new();
        for h in &hits {
            for t in h["themes"].as_array().unwrap() {
                let label = format!(
                    "{}:{}",
                    t["theme"].as_str().unwrap(),
                    t["polarity"].as_str().unwrap()
                );
                *by_tag.entry(label).or_default() += 1;
            }
        }
        let got: BTreeMap<String, u64> = f["theme_polarity"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(got, by_tag, "{args:?} theme_polarity");
        let years: u64 = f["year"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(years, hits.len() as u64);
    }
}

#[test]
fn no_hits_exits_1_and_prints_nothing_on_stdout() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens().args(["search", "zebra", "--index"]).arg(&index),
        1,
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "igf-lens: no passage matches\n");
    let (hits, _) = search_json(&index, &["police", "--year", "2024"], 1);
    assert!(hits.is_empty());
}

#[test]
fn json_lines_carry_the_documented_fields() {
    let (_tmp, index) = sample_index();
    let (hits, _) = search_json(&index, &["\"good faith\""], 0);
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    for key in [
        "score",
        "passage_id",
        "session",
        "code",
        "year",
        "date",
        "title",
        "turn",
        "speaker",
        "stakeholder",
        "region",
        "role",
        "themes",
        "language",
        "text",
        "snippet",
        "highlights",
        "source",
        "line",
        "start_ms",
        "end_ms",
        "taxonomy",
    ] {
        assert!(h.get(key).is_some(), "missing {key} in {h}");
    }
    assert_eq!(h["passage_id"], 102);
    assert_eq!(h["source"], "tests/fixtures/none/2021-ws-10.raw.txt:14");
    assert_eq!(h["themes"][0]["theme"], "security-research");
    assert_eq!(h["themes"][0]["polarity"], "risk");
    assert_eq!(
        h["themes"][0]["evidence"],
        serde_json::json!({"terms": [{"term": "security research", "position": 1}], "cue": null})
    );
    assert_eq!(h["file"], "tests/fixtures/none/2021-ws-10.raw.txt");
    assert_eq!(h["line"], 14);
    let snippet = h["snippet"].as_str().unwrap();
    let marked: Vec<&str> = h["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(marked, vec!["good", "faith"]);
}

#[test]
fn csv_output_has_a_header_and_one_row_per_hit() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .args([
                "search", "security", "--format", "csv", "--sort", "date", "--index",
            ])
            .arg(&index),
        0,
    );
    let tmp = tempdir();
    let path = tmp.path().join("hits.csv");
    std::fs::write(&path, stdout(&out)).unwrap();
    let (header, rows) = read_csv(&path);
    assert_eq!(&header[..3], &["score", "passage_id", "session"]);
    let id = col(&header, "passage_id");
    let got: Vec<&str> = rows.iter().map(|r| r[id].as_str()).collect();
    // Date order: 2021 then 2023; the 2024 session has no date and comes last.
    assert_eq!(got, vec!["101", "102", "201", "301"]);
}

#[test]
fn table_output_fits_columns_and_pages() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .env("COLUMNS", "60")
            .args(["search", "", "-n", "3", "--offset", "2", "--index"])
            .arg(&index),
        0,
    );
    let text = stdout(&out);
    for l in text.lines() {
        assert!(l.chars().count() <= 60, "{l:?}");
    }
    assert!(
        !text.contains('\x1b'),
        "colour when stdout is not a terminal"
    );
    assert!(
        stderr(&out).ends_with("igf-lens: 3 of 10 matching passages shown (from 3)\n"),
        "{}",
        stderr(&out)
    );
    assert!(text.lines().nth(1).unwrap().starts_with("3 "), "{text}");
}

#[test]
fn bad_query_exits_2_with_the_position_and_a_fix() {
    let (_tmp, index) = sample_index();
    let cases = [
        (
            "treaty \"human rights",
            "  treaty \"human rights\n         ^\nfix: close the phrase",
        ),
        (
            "colour:red",
            "  colour:red\n  ^\nfix: use one of the fields text, title",
        ),
        (
            "(treaty OR rights",
            "  (treaty OR rights\n  ^\nfix: add a `)`",
        ),
        (
            "treaty AND",
            "  treaty AND\n         ^\nfix: put a term after `AND`",
        ),
    ];
    for (q, want) in cases {
        let out = run_expect(igf_lens().args(["search", q, "--index"]).arg(&index), 2);
        let err = stderr(&out);
        assert!(err.starts_with("igf-lens: search in "), "{err}");
        assert!(err.contains(want), "{q}: {err}");
        assert_eq!(stdout(&out), "");
    }
}

#[test]
fn unknown_filter_values_list_the_valid_ones() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .args(["search", "x", "--stakeholder", "Journalists", "--index"])
            .arg(&index),
        2,
    );
    assert!(stderr(&out).contains("invalid value \"Journalists\" for --stakeholder: valid values are Government (government), Civil Society (civil-society)"), "{}", stderr(&out));
    let out = run_expect(
        igf_lens()
            .args(["search", "x", "--region", "Mars", "--index"])
            .arg(&index),
        2,
    );
    assert!(
        stderr(&out).contains("GRULAC (grulac), WEOG (weog)"),
        "{}",
        stderr(&out)
    );
    let out = run_expect(
        igf_lens()
            .args(["search", "x", "--theme", "weather", "--index"])
            .arg(&index),
        2,
    );
    assert!(
        stderr(&out).contains("invalid value \"weather\" for --theme: valid values are capacity-building, cooperation, harmonization, human-rights, scope, security-research, surveillance"),
        "{}",
        stderr(&out)
    );
    let out = run_expect(
        igf_lens()
            .args(["search", "x", "--polarity", "maybe", "--index"])
            .arg(&index),
        2,
    );
    assert!(stderr(&out).contains("valid values are risk, opportunity"));
}

#[test]
fn missing_index_exits_2_and_says_what_to_run() {
    let tmp = tempdir();
    let out = run_expect(
        igf_lens()
            .args(["search", "x", "--index"])
            .arg(tmp.path().join("nope")),
        2,
    );
    assert!(
        stderr(&out).contains("make one with `igf-lens ingest DATA_DIR --index "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn read_only_index_is_searchable() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, index) = sample_index();
    let lock = index.join(".tantivy-meta.lock");
    let _ = std::fs::remove_file(&lock);
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o555)).unwrap();
    let result = std::panic::catch_unwind(|| search_json(&index, &["researchers"], 0).0);
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(ids(&result.unwrap()), vec![101, 102, 201, 301]);
    assert!(!lock.exists(), "a reader created {}", lock.display());
}

#[test]
fn locked_index_refuses_a_second_writer() {
    let (_tmp, index) = sample_index();
    let first = Writer::open(&index, 1, 20_000_000).unwrap();
    match Writer::open(&index, 1, 20_000_000) {
        Err(Error::Locked(p)) => {
            assert_eq!(p, index);
            assert_eq!(Error::Locked(p).exit_code(), 75);
        }
        Err(e) => panic!("wanted Error::Locked, got {e}"),
        Ok(_) => panic!("a second writer opened"),
    }
    // Readers are not blocked by a writer.
    assert_eq!(Reader::open(&index).unwrap().num_passages(), 10);
    first.commit().unwrap();
}

#[test]
fn kwic_aligns_the_term_column() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .args(["kwic", "security researcher", "--width", "25", "--index"])
            .arg(&index),
        0,
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // "research" and "researchers" share the stem of "researcher", as in a search.
    assert_eq!(lines.len(), 4, "{text}");
    for l in &lines {
        let at: String = l.chars().skip(27).take(17).collect();
        assert_eq!(at.to_lowercase(), "security research", "{l:?}");
    }
    assert!(
        lines[0].contains("Ana Pérez (Civil Society)  tests/fixtures/none/2021-ws-10.raw.txt:10")
    );
    let out = run_expect(igf_lens().args(["kwic", "zebra", "--index"]).arg(&index), 1);
    assert_eq!(stdout(&out), "");
    let out = run_expect(igf_lens().args(["kwic", "the", "--index"]).arg(&index), 2);
    assert!(stderr(&out).contains("stop word"), "{}", stderr(&out));
}

#[test]
fn show_prints_the_turns_around_a_passage() {
    let (_tmp, index) = sample_index();
    let out = run_expect(
        igf_lens()
            .env("COLUMNS", "200")
            .args(["show", "103", "--context", "1", "--index"])
            .arg(&index),
        0,
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "IGF 2021 WS #10 “Cybercrime rules and open research” (2021-12-07)"
    );
    assert!(lines.contains(&"[turn 0] Ana Pérez (Civil Society, GRULAC, moderator) · tests/fixtures/none/2021-ws-10.raw.txt:10"));
    assert!(lines.contains(&"[turn 2] Li Wei (Government, Asia-Pacific Group, speaker) · tests/fixtures/none/2021-ws-10.raw.txt:18"));
    let marked: Vec<&&str> = lines.iter().filter(|l| l.starts_with("» ")).collect();
    assert_eq!(marked.len(), 1);
    assert!(marked[0].starts_with("» =HYPERLINK"));
    // The passage's tags, with their evidence, before the citation (issue 19).
    let themes = lines
        .iter()
        .position(|l| *l == "themes:")
        .expect("a themes: block");
    assert_eq!(
        lines[themes + 1],
        "  cooperation:opportunity            score 1.50  terms: cooperation@1  cue: default"
    );
    assert_eq!(
        lines.last().copied(),
        Some("cite as: Tom Becker (Private Sector, WEOG), IGF 2021 WS #10 “Cybercrime rules and open research”, 2021-12-07, tests/fixtures/none/2021-ws-10.raw.txt:16, passage 103")
    );
    let out = run_expect(igf_lens().args(["show", "999", "--index"]).arg(&index), 2);
    assert!(stderr(&out).contains("no passage 999"));
}

// ---- end to end on the sample corpus ----

#[test]
fn corpus_private_sector_search_returns_only_private_sector() {
    let (_tmp, index) = corpus_index();
    let (hits, _) = search_json(
        &index,
        &["security researchers", "--stakeholder", "Private Sector"],
        0,
    );
    assert!(hits.len() >= 3, "{} hits", hits.len());
    for h in &hits {
        assert_eq!(h["stakeholder"], "Private Sector", "{h}");
        let text = h["text"].as_str().unwrap().to_lowercase();
        assert!(
            text.contains("secur") && text.contains("research"),
            "{text}"
        );
    }
    let tagged = hits
        .iter()
        .filter(|h| has_tag(h, Some("security-research"), None))
        .count();
    assert!(
        tagged * 2 >= hits.len(),
        "only {tagged} of {} tagged security-research",
        hits.len()
    );
}

#[test]
fn corpus_filters_and_facets_agree() {
    let (_tmp, index) = corpus_index();
    let (all, facets) = search_json(&index, &["--facets"], 0);
    let f = facets.unwrap();
    assert_eq!(f["total"].as_u64(), Some(all.len() as u64));
    // Each stakeholder filter returns exactly the facet's count, and only that group.
    for (group, n) in f["stakeholder"].as_object().unwrap() {
        let slug = Stakeholder::parse(group).unwrap().slug();
        let (hits, _) = search_json(&index, &["--stakeholder", slug], 0);
        assert_eq!(hits.len() as u64, n.as_u64().unwrap(), "{group}");
        assert!(
            hits.iter().all(|h| h["stakeholder"] == group.as_str()),
            "{group}"
        );
    }
    for (region, n) in f["region"].as_object().unwrap() {
        let (hits, _) = search_json(&index, &["--region", region], 0);
        assert_eq!(hits.len() as u64, n.as_u64().unwrap(), "{region}");
        assert!(
            hits.iter().all(|h| h["region"] == region.as_str()),
            "{region}"
        );
    }
    for (label, n) in f["theme_polarity"].as_object().unwrap() {
        let (theme, polarity) = label.split_once(':').unwrap();
        let (hits, _) = search_json(&index, &["--theme", theme, "--polarity", polarity], 0);
        assert_eq!(hits.len() as u64, n.as_u64().unwrap(), "{label}");
        assert!(
            hits.iter().all(|h| has_tag(h, Some(theme), Some(polarity))),
            "{label}"
        );
    }
    for (year, n) in f["year"].as_object().unwrap() {
        let (hits, _) = search_json(&index, &["--year", year], 0);
        assert_eq!(hits.len() as u64, n.as_u64().unwrap(), "{year}");
        let y: u64 = year.parse().unwrap();
        assert!(hits.iter().all(|h| h["year"] == y));
    }
    let (hits, _) = search_json(&index, &["--session", "WS #225", "--year", "2023"], 0);
    assert_eq!(
        hits.len() as u64,
        f["session"]["2023-ws-225"].as_u64().unwrap()
    );
}

#[test]
fn corpus_kwic_lines_align_and_cite_real_lines() {
    let (_tmp, index) = corpus_index();
    let out = run_expect(
        igf_lens()
            .args(["kwic", "treaty", "--width", "30", "-n", "40", "--index"])
            .arg(&index),
        0,
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 10, "{text}");
    for l in &lines {
        let at: String = l.chars().skip(32).take(5).collect();
        assert_eq!(at.to_lowercase(), "treat", "{l:?}");
    }
}

#[test]
fn cli_tree_has_no_conflicting_flags() {
    use clap::CommandFactory;
    // Catches, e.g., a subcommand's `-q` shadowing the global `-q/--quiet`.
    igf_lens::cli::Cli::command().debug_assert();
}

/// The sessions a `--session` spelling selects, read from the facets of a filter-only search.
fn sessions_selected(index: &Path, spelling: &str) -> Vec<String> {
    let (_, facets) = search_json(index, &["--session", spelling, "--facets"], 0);
    let facets = facets.expect("a facets object");
    let mut v: Vec<String> = facets["session"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    v.sort();
    v
}

#[test]
fn corpus_session_accepts_the_key_the_code_the_file_name_and_title_words_issue_19() {
    let (_tmp, index) = corpus_index();
    let table: [(&str, &[&str]); 9] = [
        ("2023-ws-225", &["2023-ws-225"]),
        ("WS #225", &["2023-ws-225"]),
        ("OF 7", &["2021-open-forum-7"]),
        ("Open Forum #7", &["2021-open-forum-7"]),
        ("2021-of-7", &["2021-open-forum-7"]),
        ("2022-town-hall-12.raw.txt", &["2022-town-hall-12"]),
        (
            "2024-main-session-cybersecurity",
            &["2024-main-session-cybersecurity-trust-new-un-convention"],
        ),
        ("harmonising cybercrime legislation", &["2021-open-forum-7"]),
        (
            "ws",
            &[
                "2021-ws-128",
                "2022-ws-427",
                "2023-ws-225",
                "2023-ws-312",
                "2024-ws-164",
            ],
        ),
    ];
    for (spelling, want) in table {
        assert_eq!(sessions_selected(&index, spelling), want, "{spelling}");
    }
    let out = run_expect(
        igf_lens()
            .args(["search", "--session", "WS 226", "--index"])
            .arg(&index),
        2,
    );
    let err = stderr(&out);
    assert!(
        err.contains("invalid value \"WS 226\" for --session: valid values are a session's id (2023-ws-225), code (WS #225, OF 7, Open Forum #7), file name (2021-of-7) or title words; nearest: "),
        "{err}"
    );
    assert!(err.contains("2023-ws-225 (IGF 2023 WS #225 “"), "{err}");
}

#[test]
fn corpus_kwic_writes_json_and_csv_rows_with_sources() {
    let (_tmp, index) = corpus_index();
    let json = run_expect(
        igf_lens()
            .args([
                "kwic",
                "Budapest Convention",
                "-n",
                "3",
                "--format",
                "jsonl",
                "--index",
            ])
            .arg(&index),
        0,
    );
    let rows: Vec<Value> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["keyword"], "Budapest Convention");
    assert_eq!(
        rows[0]["source"],
        "data/sessions/2021-day-0-event-20.raw.txt:23"
    );
    assert_eq!(rows[0]["line"], 23);
    let csv = run_expect(
        igf_lens()
            .args([
                "kwic",
                "Budapest Convention",
                "-n",
                "3",
                "--format",
                "csv",
                "--index",
            ])
            .arg(&index),
        0,
    );
    let text = stdout(&csv);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("left,keyword,right,speaker,stakeholder,session,source,line,passage_id")
    );
    assert_eq!(lines.count(), 3);
    // Not a terminal: no colour, whatever NO_COLOR says.
    let table = run_expect(
        igf_lens()
            .env_remove("NO_COLOR")
            .args(["kwic", "Budapest Convention", "-n", "3", "--index"])
            .arg(&index),
        0,
    );
    assert!(!stdout(&table).contains('\x1b'));
}

#[test]
fn corpus_speakers_writes_json_rows() {
    let (_tmp, index) = corpus_index();
    let out = run_expect(
        igf_lens()
            .args(["speakers", "--format", "json", "--index"])
            .arg(&index),
        0,
    );
    let rows: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let timea = rows
        .iter()
        .find(|r| r["speaker"] == "Timea Suto")
        .expect("Timea Suto");
    assert_eq!(timea["stakeholder"], "Private Sector");
    assert!(timea["words"].as_u64().unwrap() > 0);
}

#[test]
fn an_empty_query_scores_every_passage_zero_with_or_without_filters() {
    let (_dir, index) = sample_index();
    for args in [&[""][..], &["", "--year", "2023"][..]] {
        let (hits, _) = search_json(&index, args, 0);
        assert!(!hits.is_empty(), "{args:?}");
        assert!(
            hits.iter().all(|h| h["score"].as_f64() == Some(0.0)),
            "{args:?}: {}",
            hits[0]["score"]
        );
    }
}
