//! The summary tables: passages, group × theme cross-tabulations with shares, sessions,
//! speakers and speaking time.
//!
//! Input: [`PassageRecord`]s in any order. Output: [`Table`]s with deterministic row order
//! (records sorted by session, turn, ordinal; groups in a fixed order). The cross-tabulations
//! come from one function, [`crosstab`], which the HTML report uses too, so its numbers equal
//! those of `stakeholder_theme.csv`. This module writes no files.

use super::columns::{cells, headers, Column, WHO};
use super::table::{write_rows, Cell, Table};
use crate::error::Result;
use crate::model::{PassageRecord, Polarity, Region, Role, Stakeholder};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// Decimals of every share column. Shares are kept exact and only rounded when written, by
/// one format (`{:.4}`), so the CSV files and the report print the same figure.
pub const SHARE_DECIMALS: usize = 4;

pub(crate) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Records sorted by (session, turn, ordinal, passage id).
pub fn sorted(records: &[PassageRecord]) -> Vec<&PassageRecord> {
    let mut v: Vec<&PassageRecord> = records.iter().collect();
    v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    v
}

/// Columns of `passages.csv`, in groups.
const PASSAGE_COLUMNS: [&[Column]; 3] = [
    &[Column::PassageId, Column::Session, Column::Year],
    &WHO,
    &[
        Column::Language,
        Column::Words,
        Column::Procedural,
        Column::Themes,
        Column::DecidedBy,
        Column::Evidence,
        Column::FullSource,
        Column::Text,
        Column::StartMs,
        Column::EndMs,
    ],
];

/// One row of `passages.csv`.
fn passage_row(r: &PassageRecord) -> Vec<Cell> {
    cells(&PASSAGE_COLUMNS, r)
}

/// `passages.csv`: one row per passage, sorted by (session, turn, ordinal).
pub fn passages_table(records: &[PassageRecord]) -> Table {
    Table {
        header: headers(&PASSAGE_COLUMNS),
        rows: sorted(records).into_iter().map(passage_row).collect(),
    }
}

/// Writes `passages.csv` row by row (no table in memory); returns the number of rows.
pub fn write_passages_csv(
    records: &[PassageRecord],
    w: &mut dyn Write,
    excel: bool,
) -> Result<usize> {
    write_rows(
        &headers(&PASSAGE_COLUMNS),
        sorted(records).into_iter().map(passage_row),
        w,
        excel,
    )
}

/// One cell of a group × theme × polarity cross-tabulation; `K` is the group (a
/// [`Stakeholder`], a [`SessionGroup`], a [`SpeakerGroup`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CrossRow<K> {
    /// The group.
    pub group: K,
    pub theme: String,
    pub polarity: Polarity,
    /// Passages of the group tagged (theme, polarity).
    pub passages: u64,
    /// Those of them whose polarity a cue, the model or a person decided (not the theme's
    /// default).
    pub decided_passages: u64,
    /// Words in those passages.
    pub words: u64,
    /// Distinct speakers and sessions among those passages.
    pub speakers: u64,
    pub sessions: u64,
    /// `passages` over all passages of the group, and `words` over all its words
    /// (exact; written with [`SHARE_DECIMALS`] decimals).
    pub passage_share: f64,
    pub word_share: f64,
    /// All passages and words of the group (the denominators).
    pub group_passages: u64,
    pub group_words: u64,
}

/// Theme ids carried by any record, sorted.
pub fn themes(records: &[PassageRecord]) -> Vec<String> {
    let set: BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.tags.iter().map(|t| t.theme.as_str()))
        .collect();
    set.into_iter().map(String::from).collect()
}

/// A session as a group of `session_theme.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionGroup {
    pub session: String,
    pub code: String,
    pub year: u16,
}

/// A speaker as a group of `speaker_theme.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpeakerGroup {
    pub speaker: String,
    pub stakeholder: Stakeholder,
    pub region: Region,
}

/// Display order of speakers: by name (case folded, then as written), stakeholder group in its
/// display order, region by name.
fn speaker_order(
    speaker: &str,
    stakeholder: Stakeholder,
    region: Region,
) -> (String, &str, Stakeholder, &'static str) {
    (
        speaker.to_lowercase(),
        speaker,
        stakeholder,
        region.as_str(),
    )
}

#[derive(Default)]
struct Acc<'a> {
    passages: u64,
    decided: u64,
    words: u64,
    speakers: BTreeSet<&'a str>,
    sessions: BTreeSet<&'a str>,
}

/// Cross-tabulates records by a group key × theme × polarity.
///
/// With `full_grid`, every group × every theme present × both polarities gets a row (zeros
/// included); otherwise only non-empty cells. Groups come in the order of `order` applied to
/// their keys, themes sorted, risk before opportunity.
pub fn crosstab<K: Ord + Clone, O: Ord>(
    records: &[PassageRecord],
    key: impl Fn(&PassageRecord) -> K,
    order: impl Fn(&K) -> O,
    full_grid: bool,
) -> Vec<CrossRow<K>> {
    let mut totals: BTreeMap<K, (u64, u64)> = BTreeMap::new();
    let mut cells: BTreeMap<(K, String, Polarity), Acc> = BTreeMap::new();
    for r in records {
        let k = key(r);
        let t = totals.entry(k.clone()).or_default();
        t.0 += 1;
        t.1 += u64::from(r.words);
        let mut seen: BTreeSet<(&str, Polarity)> = BTreeSet::new();
        for tag in &r.tags {
            if !seen.insert((tag.theme.as_str(), tag.polarity)) {
                continue;
            }
            let a = cells
                .entry((k.clone(), tag.theme.to_string(), tag.polarity))
                .or_default();
            a.passages += 1;
            a.decided += u64::from(tag.decided_by.is_decided());
            a.words += u64::from(r.words);
            a.speakers.insert(r.speaker.as_str());
            a.sessions.insert(r.session.as_str());
        }
    }
    let mut groups: Vec<K> = totals.keys().cloned().collect();
    groups.sort_by_key(|g| order(g));
    let theme_ids = themes(records);
    let mut out = Vec::new();
    for g in groups {
        let (gp, gw) = totals[&g];
        for theme in &theme_ids {
            for polarity in [Polarity::Risk, Polarity::Opportunity] {
                let acc = cells.get(&(g.clone(), theme.clone(), polarity));
                if acc.is_none() && !full_grid {
                    continue;
                }
                let decided_passages = acc.map_or(0, |a| a.decided);
                let (passages, words, speakers, sessions) = acc.map_or((0, 0, 0, 0), |a| {
                    (
                        a.passages,
                        a.words,
                        a.speakers.len() as u64,
                        a.sessions.len() as u64,
                    )
                });
                out.push(CrossRow {
                    group: g.clone(),
                    theme: theme.clone(),
                    polarity,
                    passages,
                    decided_passages,
                    words,
                    speakers,
                    sessions,
                    passage_share: share(passages, gp),
                    word_share: share(words, gw),
                    group_passages: gp,
                    group_words: gw,
                });
            }
        }
    }
    out
}

/// Stakeholder group × theme × polarity, full grid, groups in display order.
pub fn stakeholder_theme(records: &[PassageRecord]) -> Vec<CrossRow<Stakeholder>> {
    crosstab(records, |r| r.stakeholder, |g| *g, true)
}

fn cross_cells<K>(row: &CrossRow<K>) -> Vec<Cell> {
    vec![
        Cell::text(&row.theme),
        Cell::text(row.polarity.as_str()),
        Cell::Int(row.passages),
        Cell::Int(row.decided_passages),
        Cell::Int(row.words),
        Cell::Int(row.speakers),
        Cell::Int(row.sessions),
        Cell::Float(row.passage_share, SHARE_DECIMALS),
        Cell::Float(row.word_share, SHARE_DECIMALS),
    ]
}

const CROSS_COLUMNS: [&str; 9] = [
    "theme",
    "polarity",
    "passages",
    "decided_passages",
    "words",
    "speakers",
    "sessions",
    "passage_share",
    "word_share",
];

/// `stakeholder_theme.csv`.
pub fn stakeholder_theme_table(records: &[PassageRecord]) -> Table {
    let mut header = vec!["stakeholder"];
    header.extend(CROSS_COLUMNS);
    let mut t = Table::new(header);
    for row in stakeholder_theme(records) {
        let mut cells = vec![Cell::text(row.group.as_str())];
        cells.extend(cross_cells(&row));
        t.rows.push(cells);
    }
    t
}

/// Session × theme × polarity (non-empty cells), by session id.
pub fn session_theme(records: &[PassageRecord]) -> Vec<CrossRow<SessionGroup>> {
    crosstab(
        records,
        |r| SessionGroup {
            session: r.session.clone(),
            code: r.code.clone(),
            year: r.year,
        },
        |g| g.session.clone(),
        false,
    )
}

/// `session_theme.csv`: shares are of the session's passages and words.
pub fn session_theme_table(records: &[PassageRecord]) -> Table {
    let mut header = vec!["session", "code", "year"];
    header.extend(CROSS_COLUMNS);
    let mut t = Table::new(header);
    for row in session_theme(records) {
        let mut cells = vec![
            Cell::text(&row.group.session),
            Cell::text(&row.group.code),
            Cell::Int(u64::from(row.group.year)),
        ];
        cells.extend(cross_cells(&row));
        t.rows.push(cells);
    }
    t
}

/// `speaker_theme.csv`: speaker × theme × polarity (non-empty cells); shares are of the
/// speaker's passages and words.
pub fn speaker_theme_table(records: &[PassageRecord]) -> Table {
    let rows = crosstab(
        records,
        |r| SpeakerGroup {
            speaker: r.speaker.clone(),
            stakeholder: r.stakeholder,
            region: r.region,
        },
        |g| {
            let (folded, speaker, stakeholder, region) =
                speaker_order(&g.speaker, g.stakeholder, g.region);
            (folded, speaker.to_string(), stakeholder, region)
        },
        false,
    );
    let mut header = vec!["speaker", "stakeholder", "region"];
    header.extend(CROSS_COLUMNS);
    let mut t = Table::new(header);
    for row in rows {
        let g = &row.group;
        let mut cells = vec![
            Cell::text(&g.speaker),
            Cell::text(g.stakeholder.as_str()),
            Cell::text(g.region.as_str()),
        ];
        cells.extend(cross_cells(&row));
        t.rows.push(cells);
    }
    t
}

/// Speaking time of each turn that has caption timings: (session, turn) → milliseconds, from
/// the earliest start to the latest end among the turn's passages.
fn turn_durations(records: &[PassageRecord]) -> BTreeMap<(&str, u32), u64> {
    let mut spans: BTreeMap<(&str, u32), (u64, u64)> = BTreeMap::new();
    for r in records {
        if let (Some(s), Some(e)) = (r.start_ms, r.end_ms) {
            let span = spans.entry((r.session.as_str(), r.turn)).or_insert((s, e));
            span.0 = span.0.min(s);
            span.1 = span.1.max(e);
        }
    }
    spans
        .into_iter()
        .map(|(k, (s, e))| (k, e.saturating_sub(s)))
        .collect()
}

fn seconds(ms: u64) -> f64 {
    (ms as f64 / 100.0).round() / 10.0
}

/// `sessions.csv`: one row per session.
pub fn sessions_table(records: &[PassageRecord]) -> Table {
    #[derive(Default)]
    struct S<'a> {
        first: Option<&'a PassageRecord>,
        turns: BTreeSet<u32>,
        passages: u64,
        words: u64,
        speakers: BTreeSet<&'a str>,
        unresolved: BTreeSet<&'a str>,
        tagged: u64,
        sources: BTreeSet<&'a str>,
    }
    let mut by: BTreeMap<&str, S> = BTreeMap::new();
    for r in sorted(records) {
        let s = by.entry(r.session.as_str()).or_default();
        s.first.get_or_insert(r);
        s.turns.insert(r.turn);
        s.passages += 1;
        s.words += u64::from(r.words);
        s.speakers.insert(r.speaker.as_str());
        if is_unresolved(r.stakeholder, r.role) {
            s.unresolved.insert(r.speaker.as_str());
        }
        if !r.tags.is_empty() {
            s.tagged += 1;
        }
        s.sources.insert(r.source.as_str());
    }
    let mut timed_by_session: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for ((session, _), ms) in turn_durations(records) {
        timed_by_session.entry(session).or_default().push(ms);
    }
    let mut t = Table::new(vec![
        "session",
        "code",
        "year",
        "date",
        "title",
        "turns",
        "passages",
        "words",
        "speakers",
        "unresolved_speakers",
        "tagged_passages",
        "speaking_seconds",
        "source",
    ]);
    for (id, s) in by {
        let Some(r) = s.first else { continue };
        let timed: &[u64] = timed_by_session.get(id).map_or(&[], Vec::as_slice);
        t.rows.push(vec![
            Cell::text(id),
            Cell::text(&r.code),
            Cell::Int(u64::from(r.year)),
            Cell::text(&r.date),
            Cell::text(&r.title),
            Cell::Int(s.turns.len() as u64),
            Cell::Int(s.passages),
            Cell::Int(s.words),
            Cell::Int(s.speakers.len() as u64),
            Cell::Int(s.unresolved.len() as u64),
            Cell::Int(s.tagged),
            if timed.is_empty() {
                Cell::Empty
            } else {
                Cell::Float(seconds(timed.iter().sum()), 1)
            },
            Cell::text(s.sources.into_iter().collect::<Vec<_>>().join(";")),
        ]);
    }
    t
}

/// Whether a speaker counts as unresolved: no stakeholder group, and not an audience member or
/// an unnamed voice (those are expected to stay unknown).
pub fn is_unresolved(stakeholder: Stakeholder, role: Role) -> bool {
    stakeholder == Stakeholder::Unknown && !matches!(role, Role::Audience | Role::Unnamed)
}

/// One speaker (name, stakeholder group, region) across the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerRow {
    pub speaker: String,
    /// Distinct transcript labels, `;`-separated.
    pub labels: String,
    pub stakeholder: Stakeholder,
    pub region: Region,
    /// Distinct roles (their `as_str`), `;`-separated in alphabetical order; likewise
    /// affiliations and methods.
    pub roles: String,
    pub affiliations: String,
    pub methods: String,
    /// Lowest resolution confidence over the speaker's passages.
    pub confidence: f64,
    pub resolved: bool,
    pub unresolved: bool,
    pub sessions: u64,
    pub session_ids: String,
    pub turns: u64,
    pub passages: u64,
    pub words: u64,
    /// Seconds of caption-timed speech, `None` without timings.
    pub speaking_seconds: Option<f64>,
    pub speaking_share: Option<f64>,
}

fn join(set: &BTreeSet<&str>) -> String {
    set.iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(";")
}

/// Speakers, grouped by (name, stakeholder, region), sorted by name.
pub fn speakers(records: &[PassageRecord]) -> Vec<SpeakerRow> {
    #[derive(Default)]
    struct A<'a> {
        labels: BTreeSet<&'a str>,
        roles: BTreeSet<Role>,
        affiliations: BTreeSet<&'a str>,
        methods: BTreeSet<&'static str>,
        confidence: Option<f32>,
        sessions: BTreeSet<&'a str>,
        turns: BTreeSet<(&'a str, u32)>,
        passages: u64,
        words: u64,
    }
    let mut by: BTreeMap<(&str, Stakeholder, Region), A> = BTreeMap::new();
    for r in records {
        let a = by
            .entry((r.speaker.as_str(), r.stakeholder, r.region))
            .or_default();
        a.labels.insert(&r.label);
        a.roles.insert(r.role);
        a.affiliations.insert(&r.affiliation);
        a.methods.insert(r.method.as_str());
        a.confidence = Some(a.confidence.map_or(r.confidence, |c| c.min(r.confidence)));
        a.sessions.insert(&r.session);
        a.turns.insert((&r.session, r.turn));
        a.passages += 1;
        a.words += u64::from(r.words);
    }
    let durations = turn_durations(records);
    let total_ms: u64 = durations.values().sum();
    let mut out: Vec<SpeakerRow> = by
        .into_iter()
        .map(|((speaker, stakeholder, region), a)| {
            let timed: Vec<u64> = a
                .turns
                .iter()
                .filter_map(|t| durations.get(t).copied())
                .collect();
            let ms: u64 = timed.iter().sum();
            let unresolved = a.roles.iter().all(|&role| is_unresolved(stakeholder, role));
            let roles: BTreeSet<&str> = a.roles.iter().map(|r| r.as_str()).collect();
            SpeakerRow {
                speaker: speaker.to_string(),
                labels: join(&a.labels),
                stakeholder,
                region,
                roles: join(&roles),
                affiliations: join(&a.affiliations),
                methods: join(&a.methods),
                confidence: (f64::from(a.confidence.unwrap_or(0.0)) * 100.0).round() / 100.0,
                resolved: stakeholder != Stakeholder::Unknown,
                unresolved,
                sessions: a.sessions.len() as u64,
                session_ids: join(&a.sessions),
                turns: a.turns.len() as u64,
                passages: a.passages,
                words: a.words,
                speaking_seconds: (!timed.is_empty()).then(|| seconds(ms)),
                speaking_share: (!timed.is_empty() && total_ms > 0).then(|| share(ms, total_ms)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        speaker_order(&a.speaker, a.stakeholder, a.region).cmp(&speaker_order(
            &b.speaker,
            b.stakeholder,
            b.region,
        ))
    });
    out
}

/// `speakers.csv`.
pub fn speakers_table(records: &[PassageRecord]) -> Table {
    let mut t = Table::new(vec![
        "speaker",
        "labels",
        "stakeholder",
        "region",
        "role",
        "affiliation",
        "method",
        "confidence",
        "resolved",
        "sessions",
        "turns",
        "passages",
        "words",
        "speaking_seconds",
        "speaking_share",
    ]);
    for s in speakers(records) {
        t.rows.push(vec![
            Cell::text(s.speaker),
            Cell::text(s.labels),
            Cell::text(s.stakeholder.as_str()),
            Cell::text(s.region.as_str()),
            Cell::text(s.roles),
            Cell::text(s.affiliations),
            Cell::text(s.methods),
            Cell::Float(s.confidence, 2),
            Cell::text(if s.resolved { "yes" } else { "no" }),
            Cell::Int(s.sessions),
            Cell::Int(s.turns),
            Cell::Int(s.passages),
            Cell::Int(s.words),
            s.speaking_seconds
                .map_or(Cell::Empty, |x| Cell::Float(x, 1)),
            s.speaking_share
                .map_or(Cell::Empty, |x| Cell::Float(x, SHARE_DECIMALS)),
        ]);
    }
    t
}

/// `speaking_time.csv`: caption-timed speaking time per stakeholder group and its share of all
/// timed speech; `None` when no passage has timings.
pub fn speaking_time_table(records: &[PassageRecord]) -> Option<Table> {
    let durations = turn_durations(records);
    if durations.is_empty() {
        return None;
    }
    let total: u64 = durations.values().sum();
    // Each turn belongs to one speaker: take the group of its first passage.
    let mut group_of: BTreeMap<(&str, u32), (Stakeholder, &str)> = BTreeMap::new();
    for r in sorted(records) {
        group_of
            .entry((r.session.as_str(), r.turn))
            .or_insert((r.stakeholder, r.speaker.as_str()));
    }
    // Keyed by the group: its order is the display order.
    let mut by: BTreeMap<Stakeholder, (u64, BTreeSet<&str>, u64)> = BTreeMap::new();
    for (turn, ms) in &durations {
        let (group, speaker) = group_of
            .get(turn)
            .copied()
            .unwrap_or((Stakeholder::Unknown, ""));
        let e = by.entry(group).or_default();
        e.0 += ms;
        e.1.insert(speaker);
        e.2 += 1;
    }
    let mut t = Table::new(vec![
        "stakeholder",
        "speaking_seconds",
        "share",
        "speakers",
        "turns",
    ]);
    for (g, (ms, speakers, turns)) in by {
        t.rows.push(vec![
            Cell::text(g.as_str()),
            Cell::Float(seconds(ms), 1),
            Cell::Float(share(ms, total), SHARE_DECIMALS),
            Cell::Int(speakers.len() as u64),
            Cell::Int(turns),
        ]);
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn stakeholder_theme_is_a_full_grid_with_shares_of_the_group() {
        let recs = test_records();
        let rows = stakeholder_theme(&recs);
        // 3 groups × 3 themes × 2 polarities.
        assert_eq!(rows.len(), 18);
        let get = |g: &str, t: &str, p| {
            rows.iter()
                .find(|r| r.group.as_str() == g && r.theme == t && r.polarity == p)
                .unwrap()
                .clone()
        };
        let ps = get("Private Sector", "security-research", Polarity::Risk);
        assert_eq!((ps.passages, ps.group_passages), (2, 3));
        assert_eq!(format!("{:.4}", ps.passage_share), "0.6667");
        assert_eq!(ps.words, 20);
        assert_eq!(ps.word_share, 20.0 / 30.0);
        assert_eq!(ps.speakers, 1);
        assert_eq!(ps.sessions, 2);
        let zero = get("Civil Society", "scope", Polarity::Opportunity);
        assert_eq!((zero.passages, zero.passage_share), (0, 0.0));
        // Groups in display order, Unknown last.
        assert_eq!(rows[0].group, Stakeholder::CivilSociety);
        assert_eq!(rows[17].group, Stakeholder::Unknown);
    }

    #[test]
    fn a_tag_repeated_in_one_passage_counts_once() {
        let mut recs = test_records();
        let dup = recs[0].tags[0].clone();
        recs[0].tags.push(dup);
        let rows = stakeholder_theme(&recs);
        let cs = rows
            .iter()
            .find(|r| {
                r.group == Stakeholder::CivilSociety
                    && r.theme == "security-research"
                    && r.polarity == Polarity::Risk
            })
            .unwrap();
        assert_eq!(cs.passages, 1);
        assert_eq!(cs.decided_passages, 0);
    }

    #[test]
    fn decided_passages_count_tags_a_cue_model_or_person_decided() {
        let mut recs = test_records();
        recs[0].tags[0].decided_by = crate::model::DecidedBy::Human;
        let t = stakeholder_theme_table(&recs);
        let col = t.column("decided_passages").unwrap();
        let decided: u64 = t
            .rows
            .iter()
            .map(|r| match r[col] {
                Cell::Int(n) => n,
                _ => 0,
            })
            .sum();
        assert_eq!(decided, 1);
        for table in [session_theme_table(&recs), speaker_theme_table(&recs)] {
            assert!(table.column("decided_passages").is_some());
        }
        let p = passages_table(&recs);
        let d = p.column("decided_by").unwrap();
        assert!(p.rows.iter().any(|r| r[d] == Cell::text("human")));
    }

    #[test]
    fn sessions_and_speakers_count_turns_words_and_time() {
        let recs = test_records();
        let t = sessions_table(&recs);
        assert_eq!(t.rows.len(), 2);
        let row = &t.rows[0];
        assert_eq!(row[0], Cell::text("2022-of-1"));
        assert_eq!(row[t.column("turns").unwrap()], Cell::Int(2));
        assert_eq!(row[t.column("passages").unwrap()], Cell::Int(2));
        assert_eq!(row[t.column("unresolved_speakers").unwrap()], Cell::Int(1));
        assert_eq!(
            row[t.column("speaking_seconds").unwrap()],
            Cell::Float(7.5, 1)
        );
        assert_eq!(
            t.rows[1][t.column("speaking_seconds").unwrap()],
            Cell::Empty
        );

        let sp = speakers(&recs);
        let names: Vec<&str> = sp.iter().map(|s| s.speaker.as_str()).collect();
        assert_eq!(names, vec!["Ana Pérez", "MODERATOR", "Tom Becker"]);
        let tom = &sp[2];
        assert_eq!(
            (tom.sessions, tom.turns, tom.passages, tom.words),
            (2, 2, 3, 30)
        );
        assert_eq!(tom.speaking_seconds, Some(5.0));
        assert_eq!(tom.speaking_share, Some(5.0 / 7.5));
        assert!(tom.resolved && !tom.unresolved);
        assert!(!sp[1].resolved && sp[1].unresolved);
    }

    #[test]
    fn speaking_time_is_per_group_with_shares() {
        let recs = test_records();
        let t = speaking_time_table(&recs).unwrap();
        assert_eq!(
            t.rows,
            vec![
                vec![
                    Cell::text("Private Sector"),
                    Cell::Float(5.0, 1),
                    Cell::Float(2.0 / 3.0, 4),
                    Cell::Int(1),
                    Cell::Int(1)
                ],
                vec![
                    Cell::text("Unknown"),
                    Cell::Float(2.5, 1),
                    Cell::Float(1.0 / 3.0, 4),
                    Cell::Int(1),
                    Cell::Int(1)
                ],
            ]
        );
        let untimed: Vec<PassageRecord> =
            recs.into_iter().filter(|r| r.start_ms.is_none()).collect();
        assert_eq!(speaking_time_table(&untimed), None);
    }

    #[test]
    fn passages_table_is_sorted_and_has_citations() {
        let recs = test_records();
        let t = passages_table(&recs);
        let ids: Vec<&Cell> = t.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(
            ids,
            vec![
                &Cell::Int(10),
                &Cell::Int(11),
                &Cell::Int(1),
                &Cell::Int(2),
                &Cell::Int(3)
            ]
        );
        let src = t.column("source").unwrap();
        assert_eq!(t.rows[2][src], Cell::text("s/2023.txt:5"));
        let themes = t.column("themes").unwrap();
        assert_eq!(
            t.rows[3][themes],
            Cell::text("security-research:risk;scope:risk")
        );
    }
}
