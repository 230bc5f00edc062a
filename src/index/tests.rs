//! Unit tests of the index: hand-made passages written into a temp dir and read back.

use super::*;
use crate::error::Error;
use crate::model::{
    DecidedBy, Evidence, Method, PassageRecord, Polarity, Region, Role, Stakeholder, Tag,
};
use std::path::Path;

fn tag(theme: &str, polarity: Polarity) -> Tag {
    Tag {
        theme: theme.into(),
        polarity,
        score: 1.0,
        decided_by: DecidedBy::Default,
        evidence: Evidence {
            terms: vec![(theme.replace('-', " ").into(), 0)],
            cue: None,
        },
        coder: None,
    }
}

struct R {
    id: u64,
    session: &'static str,
    turn: u32,
    ordinal: u32,
    speaker: &'static str,
    stakeholder: Stakeholder,
    region: Region,
    tags: Vec<Tag>,
    text: &'static str,
}

fn record(r: R) -> PassageRecord {
    let (code, year, date, title) = match r.session {
        "2023-ws-225" => (
            "WS #225",
            2023,
            "2023-10-10",
            "Treaty talks and human rights",
        ),
        "2022-ws-427" => ("WS #427", 2022, "2022-11-30", "Data across borders"),
        _ => ("Open Forum #12", 2021, "", "A forum on definitions"),
    };
    PassageRecord {
        passage_id: r.id,
        session: r.session.into(),
        code: code.into(),
        year,
        title: title.into(),
        date: date.into(),
        speaker: r.speaker.into(),
        label: r.speaker.to_uppercase(),
        stakeholder: r.stakeholder,
        region: r.region,
        role: Role::Speaker,
        affiliation: String::new(),
        method: Method::Roster,
        confidence: 1.0,
        turn: r.turn,
        ordinal: r.ordinal,
        language: "eng".into(),
        words: crate::text::count_words(r.text),
        procedural: false,
        tags: r.tags,
        taxonomy: "t1".into(),
        source: format!("data/sessions/{}.raw.txt", r.session),
        url: String::new(),
        line: 10 + r.turn * 4 + r.ordinal,
        start_ms: (r.session == "2021-of-12").then_some(1000 * u64::from(r.turn)),
        end_ms: (r.session == "2021-of-12").then_some(1000 * u64::from(r.turn) + 900),
        text: r.text.into(),
    }
}

fn records() -> Vec<PassageRecord> {
    use Polarity::*;
    use Region::*;
    use Stakeholder::*;
    vec![
        record(R { id: 1, session: "2023-ws-225", turn: 0, ordinal: 0, speaker: "Ana Pérez", stakeholder: CivilSociety, region: Grulac,
            tags: vec![tag("security-research", Risk)],
            text: "Welcome to our talk on the draft convention and what it means for security researchers." }),
        record(R { id: 2, session: "2023-ws-225", turn: 1, ordinal: 0, speaker: "Tom Becker", stakeholder: PrivateSector, region: Weog,
            tags: vec![tag("security-research", Risk), tag("scope", Risk)],
            text: "Security researchers who probe systems in good faith must not be criminalised by an overbroad text." }),
        record(R { id: 3, session: "2023-ws-225", turn: 1, ordinal: 1, speaker: "Tom Becker", stakeholder: PrivateSector, region: Weog,
            tags: vec![tag("cooperation", Opportunity)],
            text: "Firms like ours see a chance to strengthen cooperation with police on electronic evidence." }),
        record(R { id: 4, session: "2023-ws-225", turn: 2, ordinal: 0, speaker: "Li Wei", stakeholder: Government, region: AsiaPacific,
            tags: vec![tag("capacity-building", Opportunity)],
            text: "Training for developing countries sits at the heart of this convention." }),
        record(R { id: 5, session: "2022-ws-427", turn: 0, ordinal: 0, speaker: "Kwame Mensah", stakeholder: TechnicalCommunity, region: African,
            tags: vec![tag("surveillance", Risk)],
            text: "Requests for data across borders raise privacy worries for every user." }),
        record(R { id: 6, session: "2022-ws-427", turn: 1, ordinal: 0, speaker: "MODERATOR", stakeholder: Stakeholder::Unknown, region: Region::Unknown,
            tags: vec![],
            text: "Thank you all, we now take questions from the floor." }),
        record(R { id: 7, session: "2021-of-12", turn: 0, ordinal: 0, speaker: "Olga Petrova", stakeholder: Stakeholder::Intergovernmental, region: EasternEuropean,
            tags: vec![tag("harmonization", Opportunity), tag("cooperation", Opportunity)],
            text: "Shared definitions make mutual legal assistance faster between states." }),
    ]
}

fn build(dir: &Path, recs: &[PassageRecord]) {
    let w = Writer::open(dir, 1, 50_000_000).unwrap();
    for r in recs {
        w.add(r).unwrap();
    }
    w.commit().unwrap();
}

fn index() -> (tempfile::TempDir, Reader) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("index");
    build(&dir, &records());
    let reader = Reader::open(&dir).unwrap();
    (tmp, reader)
}

fn ids(reader: &Reader, req: &SearchRequest) -> Vec<u64> {
    let mut v: Vec<u64> = reader
        .search(req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.record.passage_id)
        .collect();
    v.sort_unstable();
    v
}

fn req(query: &str, filters: Filters) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        filters,
        limit: 100,
        ..SearchRequest::default()
    }
}

#[test]
fn all_returns_every_record_sorted_and_intact() {
    let (_tmp, reader) = index();
    let mut want = records();
    sort_records(&mut want);
    assert_eq!(reader.all().unwrap(), want);
    assert_eq!(reader.num_passages(), 7);
    assert_eq!(want[0].session, "2021-of-12");
}

#[test]
fn query_matches_stemmed_text_with_and_by_default() {
    let (_tmp, reader) = index();
    let cases: &[(&str, &[u64])] = &[
        ("security researchers", &[1, 2]),
        ("researcher", &[1, 2]),
        ("criminalizing", &[2]),
        ("\"security researchers\"", &[1, 2]),
        ("security cooperation", &[]),
        ("security OR cooperation", &[1, 2, 3]),
        ("convention -training", &[1]),
        ("stakeholder:\"Private Sector\"", &[2, 3]),
        ("theme:cooperation", &[3, 7]),
        ("year:[2022 TO 2023] AND privacy", &[5]),
        ("", &[1, 2, 3, 4, 5, 6, 7]),
    ];
    for (q, want) in cases {
        assert_eq!(
            ids(&reader, &req(q, Filters::default())),
            *want,
            "query {q:?}"
        );
    }
}

/// Filters with some fields set.
fn filters(edit: impl FnOnce(&mut Filters)) -> Filters {
    let mut f = Filters::default();
    edit(&mut f);
    f
}

#[test]
fn every_filter_returns_only_matching_passages() {
    let (_tmp, reader) = index();
    let cases: Vec<(Filters, &[u64])> = vec![
        (
            filters(|f| f.stakeholder = Some(Stakeholder::PrivateSector)),
            &[2, 3],
        ),
        (
            filters(|f| f.stakeholder = Some(Stakeholder::Unknown)),
            &[6],
        ),
        (filters(|f| f.region = Some(Region::Weog)), &[2, 3]),
        (filters(|f| f.region = Some(Region::EasternEuropean)), &[7]),
        (filters(|f| f.theme = Some("cooperation".into())), &[3, 7]),
        (
            filters(|f| f.theme = Some("Security Research".into())),
            &[1, 2],
        ),
        (
            filters(|f| f.polarity = Some(Polarity::Opportunity)),
            &[3, 4, 7],
        ),
        (
            filters(|f| {
                f.theme = Some("security-research".into());
                f.polarity = Some(Polarity::Opportunity)
            }),
            &[],
        ),
        (
            filters(|f| {
                f.theme = Some("scope".into());
                f.polarity = Some(Polarity::Risk)
            }),
            &[2],
        ),
        (filters(|f| f.session = Some("2022-ws-427".into())), &[5, 6]),
        (
            filters(|f| f.session = Some("WS #225".into())),
            &[1, 2, 3, 4],
        ),
        (filters(|f| f.session = Some("open-forum-12".into())), &[7]),
        (filters(|f| f.speaker = Some("becker".into())), &[2, 3]),
        (filters(|f| f.speaker = Some("ANA PEREZ".into())), &[1]),
        (filters(|f| f.speaker = Some("Ana Becker".into())), &[]),
        (filters(|f| f.year = Some(2022)), &[5, 6]),
        (
            filters(|f| {
                f.year = Some(2023);
                f.stakeholder = Some(Stakeholder::Government)
            }),
            &[4],
        ),
    ];
    for (filters, want) in cases {
        assert_eq!(ids(&reader, &req("", filters.clone())), want, "{filters:?}");
    }
    // Filters compose with the query.
    let q = req(
        "security",
        filters(|f| f.stakeholder = Some(Stakeholder::CivilSociety)),
    );
    assert_eq!(ids(&reader, &q), vec![1]);
}

#[test]
fn filters_do_not_change_scores() {
    let (_tmp, reader) = index();
    let plain = reader
        .search(&req("researchers", Filters::default()))
        .unwrap();
    let filtered = reader
        .search(&req(
            "researchers",
            Filters {
                year: Some(2023),
                ..Filters::default()
            },
        ))
        .unwrap();
    let score = |r: &SearchResults, id| {
        r.hits
            .iter()
            .find(|h| h.record.passage_id == id)
            .unwrap()
            .score
    };
    assert_eq!(score(&plain, 2), score(&filtered, 2));
}

#[test]
fn unknown_theme_lists_the_themes_in_the_index() {
    let (_tmp, reader) = index();
    let err = reader
        .search(&req(
            "",
            Filters {
                theme: Some("weather".into()),
                ..Filters::default()
            },
        ))
        .unwrap_err();
    match err {
        Error::InvalidValue { what, value, valid } => {
            assert_eq!(what, "--theme");
            assert_eq!(value, "weather");
            assert_eq!(
                valid,
                "capacity-building, cooperation, harmonization, scope, security-research, surveillance"
            );
        }
        other => panic!("wanted InvalidValue, got {other:?}"),
    }
}

#[test]
fn parse_helpers_list_valid_values() {
    assert_eq!(
        parse_stakeholder("civil-society").unwrap(),
        Stakeholder::CivilSociety
    );
    assert_eq!(parse_region("grulac").unwrap(), Region::Grulac);
    assert_eq!(parse_polarity("Risk").unwrap(), Polarity::Risk);
    let e = parse_stakeholder("Journalists").unwrap_err().to_string();
    assert!(e.contains("Civil Society (civil-society)"), "{e}");
    let e = parse_region("Mars").unwrap_err().to_string();
    assert!(e.contains("GRULAC (grulac)"), "{e}");
    let e = parse_polarity("maybe").unwrap_err().to_string();
    assert!(e.ends_with("valid values are risk, opportunity"), "{e}");
}

#[test]
fn facet_counts_cover_all_matches_not_just_the_page() {
    let (_tmp, reader) = index();
    let r = reader
        .search(&SearchRequest {
            query: "".into(),
            limit: 2,
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(r.hits.len(), 2);
    assert_eq!(r.total, 7);
    let f = r.facets.unwrap();
    assert_eq!(f.total, 7);
    assert_eq!(f.stakeholder.values().sum::<usize>(), 7);
    assert_eq!(f.region.values().sum::<usize>(), 7);
    assert_eq!(f.session.values().sum::<usize>(), 7);
    assert_eq!(f.year.values().sum::<usize>(), 7);
    assert_eq!(f.stakeholder["Private Sector"], 2);
    assert_eq!(f.year["2023"], 4);
    assert_eq!(f.session["2022-ws-427"], 2);
    assert_eq!(f.theme_polarity["cooperation:opportunity"], 2);
    assert_eq!(f.theme_polarity["security-research:risk"], 2);
    assert_eq!(f.theme_polarity.len(), 6);
}

#[test]
fn sort_by_date_then_session_turn_with_undated_last_and_paging() {
    let (_tmp, reader) = index();
    let all = |offset, limit| SearchRequest {
        sort: Sort::Date,
        offset,
        limit,
        ..SearchRequest::default()
    };
    let order = |r: SearchResults| {
        r.hits
            .iter()
            .map(|h| h.record.passage_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        order(reader.search(&all(0, 10)).unwrap()),
        vec![5, 6, 1, 2, 3, 4, 7]
    );
    let page = reader.search(&all(2, 3)).unwrap();
    assert_eq!(page.total, 7);
    assert_eq!(order(page), vec![1, 2, 3]);
    let by_score = |offset| SearchRequest {
        query: "convention OR researchers".into(),
        offset,
        limit: 1,
        ..SearchRequest::default()
    };
    let first = reader.search(&by_score(0)).unwrap();
    let second = reader.search(&by_score(1)).unwrap();
    assert_eq!(first.total, 3);
    assert!(first.hits[0].score >= second.hits[0].score);
    assert_ne!(
        first.hits[0].record.passage_id,
        second.hits[0].record.passage_id
    );
}

#[test]
fn fuzzy_finds_typos_and_keeps_a_highlighted_snippet() {
    let (_tmp, reader) = index();
    let strict = req("securty", Filters::default());
    assert_eq!(ids(&reader, &strict), Vec::<u64>::new());
    let fuzzy = SearchRequest {
        fuzzy: true,
        ..req("sekurity reserchers", Filters::default())
    };
    let r = reader.search(&fuzzy).unwrap();
    let mut got: Vec<u64> = r.hits.iter().map(|h| h.record.passage_id).collect();
    got.sort_unstable();
    assert_eq!(got, vec![1, 2]);
    // The snippet comes from the non-fuzzy query: "researchers" is highlighted.
    for h in &r.hits {
        let marked: Vec<&str> = h.highlights.iter().map(|x| &h.snippet[x.clone()]).collect();
        assert!(
            marked.iter().any(|m| m.eq_ignore_ascii_case("researchers")),
            "{marked:?}"
        );
    }
}

#[test]
fn snippet_highlights_point_at_matched_words() {
    let (_tmp, reader) = index();
    let r = reader
        .search(&req("criminalizing", Filters::default()))
        .unwrap();
    let h = &r.hits[0];
    let marked: Vec<&str> = h.highlights.iter().map(|x| &h.snippet[x.clone()]).collect();
    assert_eq!(marked, vec!["criminalised"]);
    // No text match: the snippet is the start of the text, without highlights.
    let r = reader
        .search(&req(
            "",
            Filters {
                year: Some(2021),
                ..Filters::default()
            },
        ))
        .unwrap();
    assert_eq!(r.hits[0].snippet, records()[6].text);
    assert!(r.hits[0].highlights.is_empty());
}

#[test]
fn get_and_turn_context() {
    let (_tmp, reader) = index();
    assert_eq!(reader.get(3).unwrap().unwrap().speaker, "Tom Becker");
    assert_eq!(reader.get(99).unwrap(), None);
    let ctx = reader.turn_context("2023-ws-225", 1, 1).unwrap();
    assert_eq!(
        ctx.iter().map(|r| r.passage_id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    let ctx = reader.turn_context("2023-ws-225", 2, 0).unwrap();
    assert_eq!(
        ctx.iter().map(|r| r.passage_id).collect::<Vec<_>>(),
        vec![4]
    );
    assert_eq!(
        reader.sessions().unwrap(),
        vec!["2021-of-12", "2022-ws-427", "2023-ws-225"]
    );
}

#[test]
fn bad_query_is_a_query_error_with_a_caret() {
    let (_tmp, reader) = index();
    let cases = [
        ("treaty \"human rights", 9),
        ("colour:red", 2),
        ("treaty AND", 9),
        ("year:abc", 7),
    ];
    for (q, caret_col) in cases {
        match reader.search(&req(q, Filters::default())) {
            Err(Error::Query(msg)) => {
                let lines: Vec<&str> = msg.lines().collect();
                assert_eq!(lines[1], format!("  {q}"), "{msg}");
                assert_eq!(lines[2].find('^'), Some(caret_col), "{msg}");
                assert!(lines[3].starts_with("fix: "), "{msg}");
            }
            other => panic!("{q}: wanted Error::Query, got {other:?}"),
        }
    }
}

#[test]
fn second_writer_is_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let first = Writer::open(tmp.path(), 1, 20_000_000).unwrap();
    match Writer::open(tmp.path(), 1, 20_000_000) {
        Err(Error::Locked(p)) => assert_eq!(p, tmp.path()),
        Err(other) => panic!("wanted Locked, got {other:?}"),
        Ok(_) => panic!("wanted Locked, got a second writer"),
    }
    first.commit().unwrap();
    // Released after commit: a new writer opens.
    Writer::open(tmp.path(), 1, 20_000_000)
        .unwrap()
        .commit()
        .unwrap();
}

#[test]
fn reader_refuses_missing_index_and_other_versions() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        Reader::open(tmp.path()),
        Err(Error::NoIndex { .. })
    ));
    build(tmp.path(), &records()[..1]);
    std::fs::write(
        tmp.path().join(VERSION_FILE),
        r#"{"schema_version": 0, "analyzer": "igf_en", "written_by": "old"}"#,
    )
    .unwrap();
    match Reader::open(tmp.path()) {
        Err(Error::IndexVersion { found, .. }) => assert_eq!(found, "0"),
        Err(other) => panic!("wanted IndexVersion, got {other:?}"),
        Ok(_) => panic!("wanted IndexVersion, got a reader"),
    }
    assert!(matches!(
        Writer::open(tmp.path(), 1, 20_000_000),
        Err(Error::IndexVersion { .. })
    ));
}

#[test]
fn reader_takes_no_lock_on_a_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("index");
    build(&dir, &records());
    let lock = dir.join(".tantivy-meta.lock");
    let _ = std::fs::remove_file(&lock);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let result = Reader::open(&dir).and_then(|r| r.search(&req("researchers", Filters::default())));
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(result.unwrap().total, 2);
    assert!(!lock.exists(), "the reader created {}", lock.display());
}

#[test]
fn delete_source_and_delete_all_take_effect_at_commit() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), &records());
    let w = Writer::open(tmp.path(), 1, 20_000_000).unwrap();
    w.delete_source("data/sessions/2023-ws-225.raw.txt")
        .unwrap();
    w.commit().unwrap();
    let reader = Reader::open(tmp.path()).unwrap();
    assert_eq!(reader.num_passages(), 3);
    let w = Writer::open(tmp.path(), 1, 20_000_000).unwrap();
    w.delete_all().unwrap();
    w.commit().unwrap();
    assert_eq!(Reader::open(tmp.path()).unwrap().num_passages(), 0);
}

#[test]
fn writer_is_shared_across_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let w = Writer::open(tmp.path(), 2, 40_000_000).unwrap();
    let recs = records();
    std::thread::scope(|s| {
        for chunk in recs.chunks(3) {
            let w = &w;
            s.spawn(move || chunk.iter().for_each(|r| w.add(r).unwrap()));
        }
    });
    w.commit().unwrap();
    assert_eq!(Reader::open(tmp.path()).unwrap().num_passages(), 7);
}

/// tantivy rejects these without saying where: the reason `check_syntax` exists.
#[test]
fn tantivy_rejects_malformed_queries_without_a_position() {
    let (_tmp, reader) = index();
    for q in ["treaty AND", "\"open", "(a OR b", "a)", "OR a"] {
        let err = reader.parse_raw(q).map(|_| ()).unwrap_err();
        assert_eq!(err, format!("SyntaxError({q:?})"));
    }
}

/// Terms (as indexed bytes) with their positions, per passage id.
type Postings = std::collections::BTreeMap<u64, Vec<(Vec<u8>, Vec<u32>)>>;

/// Every term of an analyzed field with its positions, per passage id.
fn field_postings(dir: &Path, field: &str) -> Postings {
    use tantivy::postings::Postings as _;
    use tantivy::schema::IndexRecordOption;
    use tantivy::{DocSet, TERMINATED};
    let index = tantivy::Index::open_in_dir(dir).unwrap();
    let field = index.schema().get_field(field).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let mut out = Postings::new();
    for seg in searcher.segment_readers() {
        let ids = seg.fast_fields().u64("passage_id").unwrap();
        let inv = seg.inverted_index(field).unwrap();
        let mut stream = inv.terms().stream().unwrap();
        while stream.advance() {
            let mut postings = inv
                .read_postings_from_terminfo(
                    stream.value(),
                    IndexRecordOption::WithFreqsAndPositions,
                )
                .unwrap();
            while postings.doc() != TERMINATED {
                let mut positions = Vec::new();
                postings.positions(&mut positions);
                let id = ids.first(postings.doc()).unwrap();
                out.entry(id)
                    .or_default()
                    .push((stream.key().to_vec(), positions));
                postings.advance();
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

#[test]
fn passages_indexed_with_the_taggers_tokens_index_exactly_as_the_analyzer_does() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = crate::pipeline::IngestConfig {
        inputs: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sessions")],
        index_dir: tmp.path().join("handed"),
        threads: 2,
        quiet: true,
        ..Default::default()
    };
    // The pipeline hands the tagger's tokens to the writer...
    let report = crate::pipeline::ingest(&cfg).unwrap();
    // ...the plain path analyzes every text in the indexer.
    let plain = tmp.path().join("plain");
    let writer = Writer::open(&plain, 2, 60_000_000).unwrap();
    // The same passages, from the same steps of the pipeline, into memory.
    let res = crate::pipeline::Resources::load(None, None, None).unwrap();
    let sink = std::sync::Mutex::new(Vec::new());
    crate::pipeline::feed(&cfg.inputs, 2, &res, &sink).unwrap();
    let records = sink.into_inner().unwrap();
    for r in &records {
        writer.add(r).unwrap();
    }
    writer.commit().unwrap();
    assert_eq!(records.len(), report.passages);
    // The passage text from the tagger's tokens, titles and speaker names from the tokens
    // kept for recent short texts: all as the analyzer indexes them.
    for (field, least) in [("text", 800), ("title", 800), ("speaker_name", 700)] {
        let handed = field_postings(&cfg.index_dir, field);
        let analyzed = field_postings(&plain, field);
        assert!(handed.len() > least, "{field}: {} passages", handed.len());
        assert_eq!(handed.len(), analyzed.len(), "{field}");
        for (id, terms) in &analyzed {
            assert_eq!(handed.get(id), Some(terms), "{field} of passage {id}");
        }
    }
}
