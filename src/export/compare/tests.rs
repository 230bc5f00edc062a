//! Tests of the comparison rows, pairs, trend and outputs on a small hand-made fixture whose
//! figures are worked out by hand in the comments.

use super::chart::comparison_section;
use super::compute::*;
use super::render::*;
use crate::export::table::Cell;
use crate::model::{DecidedBy, Evidence, Tag};
use crate::model::{PassageRecord, Polarity, Region, Stakeholder};
use crate::stats::assert_close;
use crate::stats::{self, Interval};
use crate::Error;
use Polarity::{Opportunity, Risk};

fn tag(theme: &str, polarity: Polarity) -> Tag {
    Tag {
        theme: theme.into(),
        polarity,
        score: 1.0,
        decided_by: DecidedBy::Default,
        evidence: Evidence::default(),
        coder: None,
    }
}

fn rec(
    id: u64,
    session: &str,
    speaker: &str,
    group: &str,
    words: u32,
    tags: Vec<Tag>,
) -> PassageRecord {
    PassageRecord {
        passage_id: id,
        session: session.into(),
        year: session[..4].parse().unwrap(),
        speaker: speaker.into(),
        stakeholder: Stakeholder::parse(group).expect("a stakeholder group"),
        region: Region::Weog,
        turn: id as u32,
        words,
        tags,
        ..PassageRecord::default()
    }
}

/// Civil Society: 12 passages (6 in 2022-ws-1, 6 in 2023-ws-2; Ana 8, Bo 4), of which 3 carry
/// human-rights:risk (30 words each), 1 human-rights:opportunity and 1 scope:risk (10 words
/// each, like the rest). Government: 5 passages by Cy in 2023-ws-2, 20 words each, 4 with
/// human-rights:risk.
fn fixture() -> Vec<PassageRecord> {
    let mut v = Vec::new();
    for id in 1..=12u64 {
        let session = if id <= 6 { "2022-ws-1" } else { "2023-ws-2" };
        let speaker = if id % 3 == 0 { "Bo" } else { "Ana" };
        let (words, tags) = match id {
            1..=3 => (30, vec![tag("human-rights", Risk)]),
            7 => (10, vec![tag("human-rights", Opportunity)]),
            8 => (10, vec![tag("scope", Risk)]),
            _ => (10, vec![]),
        };
        v.push(rec(id, session, speaker, "Civil Society", words, tags));
    }
    for id in 21..=25u64 {
        let tags = if id < 25 {
            vec![tag("human-rights", Risk)]
        } else {
            vec![]
        };
        v.push(rec(id, "2023-ws-2", "Cy", "Government", 20, tags));
    }
    v
}

fn opts(theme: Option<&str>, polarity: Option<Polarity>) -> CompareOptions {
    CompareOptions {
        outcome: Outcome {
            theme: theme.map(String::from),
            polarity,
        },
        ..CompareOptions::default()
    }
}

#[test]
fn shares_and_wilson_intervals_per_stakeholder_group() {
    let c = compare(&fixture(), &opts(Some("human-rights"), Some(Risk))).unwrap();
    let names: Vec<&str> = c.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(names, ["Government", "Civil Society"]);
    let (gov, cs) = (&c.groups[0], &c.groups[1]);
    // Government 4/5 = 0.8, Wilson (0.3755, 0.9638); Civil Society 3/12 = 0.25, Wilson
    // (0.0889, 0.5323): p̃ = (x + z²/2)/(n + z²), half-width z√(x(n−x)/n + z²/4)/(n + z²).
    assert_eq!(
        (gov.passages, gov.tagged_passages, gov.units, gov.tagged),
        (5, 4, 5.0, 4.0)
    );
    assert_eq!(gov.share, Some(0.8));
    assert_close(gov.ci.unwrap().low, 0.375_535, 1e-6);
    assert_close(gov.ci.unwrap().high, 0.963_776, 1e-6);
    assert_eq!(
        (cs.passages, cs.tagged_passages, cs.share),
        (12, 3, Some(0.25))
    );
    assert_close(cs.ci.unwrap().low, 0.088_942, 1e-6);
    assert_close(cs.ci.unwrap().high, 0.532_305, 1e-6);
    assert_eq!((gov.small, cs.small), (true, false));
    assert_eq!(gov.interval, IntervalKind::Wilson);
    assert_eq!((gov.clusters, gov.boot), (None, None));
    assert!(c.pairs.is_empty() && c.trend.is_none());
}

#[test]
fn without_polarity_either_counts_and_without_theme_any_theme_counts() {
    let either = compare(&fixture(), &opts(Some("human-rights"), None)).unwrap();
    assert_eq!(either.groups[1].tagged_passages, 4);
    let any = compare(&fixture(), &opts(None, None)).unwrap();
    assert_eq!(any.groups[1].tagged_passages, 5);
    let any_risk = compare(&fixture(), &opts(None, Some(Risk))).unwrap();
    assert_eq!(any_risk.groups[1].tagged_passages, 4);
    assert_eq!(opts(None, Some(Risk)).outcome.label(), "any theme:risk");
    assert_eq!(
        opts(Some("scope"), None).outcome.label(),
        "scope (either polarity)"
    );
}

#[test]
fn pairwise_gives_risk_ratio_fisher_and_holm() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.pairwise = true;
    let c = compare(&fixture(), &o).unwrap();
    assert_eq!(c.pairs.len(), 1);
    let p = &c.pairs[0];
    assert_eq!(
        (p.group_a.as_str(), p.group_b.as_str()),
        ("Government", "Civil Society")
    );
    // RR = (4/5)/(3/12) = 3.2; SE(ln RR) = √(1/4 − 1/5 + 1/3 − 1/12) = √0.3;
    // 3.2 · exp(∓1.959964 · √0.3) = (1.09377, 9.36208).
    let rr = p.risk_ratio.unwrap();
    assert_close(rr.estimate, 3.2, 1e-12);
    assert_close(rr.interval.low, 1.093_774, 1e-6);
    assert_close(rr.interval.high, 9.362_078, 1e-6);
    // Expected count 5·7/17 = 2.06 < 5: Fisher. Tables with margins (5, 12; 7, 10) have
    // weights C(7,x)·C(10,5−x) = 252, 1470, 2520, 1575, 350, 21 for x = 0..5 (sum 6188 =
    // C(17,5)); observed x = 4 (350): p = (252 + 350 + 21)/6188 = 0.100679.
    assert_eq!(p.test.kind, stats::TestKind::Fisher);
    assert_close(p.test.p_value, 623.0 / 6188.0, 1e-12);
    // One pair: Holm leaves it as it is.
    assert_eq!(p.p_holm, p.test.p_value);
    assert!(p.small);
}

#[test]
fn holm_runs_across_all_pairs() {
    let mut recs = fixture();
    for r in &mut recs {
        if r.passage_id > 10 && r.stakeholder == Stakeholder::CivilSociety {
            r.stakeholder = Stakeholder::PrivateSector;
        }
    }
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.pairwise = true;
    let c = compare(&recs, &o).unwrap();
    assert_eq!(c.pairs.len(), 3);
    let raw: Vec<f64> = c.pairs.iter().map(|p| p.test.p_value).collect();
    let adjusted = stats::holm(&raw);
    for (p, adj) in c.pairs.iter().zip(adjusted) {
        assert_eq!(p.p_holm, adj);
        assert!(p.p_holm >= p.test.p_value && p.p_holm <= 1.0);
    }
}

#[test]
fn by_year_adds_the_cochran_armitage_trend() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.by = GroupBy::Year;
    let c = compare(&fixture(), &o).unwrap();
    let rows: Vec<(&str, u64, u64)> = c
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.tagged_passages, g.passages))
        .collect();
    assert_eq!(rows, [("2022", 3, 6), ("2023", 4, 11)]);
    // By hand: N = 17, p̄ = 7/17, centred scores −11/17 and 6/17;
    // z = (−11·3 + 6·4)/17 / √(7/17 · 10/17 · (6·121 + 11·36)/289) = −0.545941.
    let trend = c.trend.unwrap();
    assert_eq!(trend.years, [2022, 2023]);
    let t = trend.test.unwrap();
    assert_close(t.z, -0.545_941, 1e-6);
    assert_close(t.chi_square, 0.298_052, 1e-6);
    assert_close(t.p_value, 0.585_106, 1e-6);
    // Words: no trend test (it counts passages).
    o.unit = Unit::Words;
    assert_eq!(compare(&fixture(), &o).unwrap().trend, None);
}

#[test]
fn words_are_weighted_and_get_a_reproducible_passage_bootstrap() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.unit = Unit::Words;
    let c = compare(&fixture(), &o).unwrap();
    let cs = &c.groups[1];
    // 3 tagged passages of 30 words, 9 others of 10: 90 of 180.
    assert_eq!((cs.units, cs.tagged, cs.share), (180.0, 90.0, Some(0.5)));
    assert_eq!(cs.interval, IntervalKind::BootstrapPassages);
    assert_eq!(cs.passages, 12);
    let again = compare(&fixture(), &o).unwrap();
    assert_eq!(again.groups[1].ci, cs.ci);
    // A resample without any of the 3 tagged passages has probability (9/12)^12 = 3.2 %, more
    // than 2.5 %: the low bound is 0. The high bound is what seed 17 gives, fixed.
    let ci = cs.ci.unwrap();
    assert_eq!((ci.low, ci.high), (0.0, 0.75));
}

#[test]
fn cluster_bootstrap_counts_clusters_and_one_cluster_is_a_point() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.cluster = Some(ClusterBy::Session);
    let c = compare(&fixture(), &o).unwrap();
    let (gov, cs) = (&c.groups[0], &c.groups[1]);
    assert_eq!((gov.clusters, cs.clusters), (Some(1), Some(2)));
    assert_eq!(
        gov.boot,
        Some(Interval {
            low: 0.8,
            high: 0.8
        })
    );
    // Two sessions: 3/6 and 0/6. Resamples hold both, or one twice: 0, 0.25 or 0.5.
    let boot = cs.boot.unwrap();
    assert_eq!((boot.low, boot.high), (0.0, 0.5));
    assert_eq!(compare(&fixture(), &o).unwrap().groups[1].boot, cs.boot);
}

#[test]
fn time_needs_timings_and_names_the_sessions_without_them() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.unit = Unit::Time;
    let err = compare(&fixture(), &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--unit time needs caption timings (start_ms/end_ms), and 2 of 2 sessions lack them: \
         2022-ws-1, 2023-ws-2; use --unit passages or words, or restrict to timed sessions \
         with --session"
    );
    let mut recs = fixture();
    for r in &mut recs {
        // 2 s per Civil Society passage, tagged or not; 5 s per Government passage.
        let ms = if r.stakeholder.as_str() == "Government" {
            5000
        } else {
            2000
        };
        r.start_ms = Some(u64::from(r.turn) * 10_000);
        r.end_ms = Some(u64::from(r.turn) * 10_000 + ms);
    }
    let c = compare(&recs, &o).unwrap();
    assert_eq!((c.groups[0].units, c.groups[0].tagged), (25.0, 20.0));
    assert_eq!((c.groups[1].units, c.groups[1].tagged), (24.0, 6.0));
}

#[test]
fn flags_that_cannot_work_together_are_usage_errors() {
    let mut o = opts(None, None);
    o.unit = Unit::Words;
    o.pairwise = true;
    assert!(
        matches!(compare(&fixture(), &o), Err(Error::Usage(m)) if m.starts_with("--pairwise tests counts of passages"))
    );
    let mut o = opts(None, None);
    o.by = GroupBy::Session;
    o.cluster = Some(ClusterBy::Session);
    assert!(
        matches!(compare(&fixture(), &o), Err(Error::Usage(m)) if m.starts_with("--cluster session with --by session"))
    );
    let mut o = opts(None, None);
    o.resamples = 10;
    assert_eq!(
        compare(&fixture(), &o).unwrap_err().to_string(),
        "invalid value \"10\" for --resamples: valid values are 100 to 100000"
    );
}

#[test]
fn groups_csv_has_the_documented_columns_and_values() {
    let c = compare(&fixture(), &opts(Some("human-rights"), Some(Risk))).unwrap();
    let csv = String::from_utf8(groups_table(&c).to_csv(false).unwrap()).unwrap();
    assert_eq!(
        csv,
        "group,passages,tagged,share,ci_low,ci_high,small,interval,n_passages\n\
         Government,5,4,0.8000,0.3755,0.9638,true,wilson,5\n\
         Civil Society,12,3,0.2500,0.0889,0.5323,false,wilson,12\n"
    );
}

#[test]
fn pairs_and_trend_tables_and_json_agree_with_the_rows() {
    let mut o = opts(Some("human-rights"), Some(Risk));
    o.pairwise = true;
    let c = compare(&fixture(), &o).unwrap();
    let pairs = pairs_table(&c);
    assert_eq!(pairs.header, PAIR_COLUMNS.to_vec());
    assert_eq!(pairs.rows[0][4], Cell::Float(3.2, 4));
    assert_eq!(pairs.rows[0][9], Cell::text("fisher"));
    assert_eq!(pairs.rows[0][7].render(), (623.0f64 / 6188.0).to_string());
    let v = comparison_json(&c);
    assert_eq!(v["by"], "stakeholder");
    assert_eq!(v["theme"], "human-rights");
    assert_eq!(v["polarity"], "risk");
    assert_eq!(v["groups"][0]["small"], true);
    assert_eq!(v["groups"][1]["tagged"], 3);
    assert_eq!(v["pairs"][0]["test"], "fisher");
    assert_eq!(v["pairs"][0]["statistic"], serde_json::Value::Null);
    assert!(v.get("trend").is_none());
    o.by = GroupBy::Year;
    o.pairwise = false;
    let c = compare(&fixture(), &o).unwrap();
    let t = trend_table(&c);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0][1], Cell::text("2022;2023"));
    assert_eq!(
        comparison_json(&c)["trend"]["years"],
        serde_json::json!([2022, 2023])
    );
}

#[test]
fn terminal_output_flags_small_groups_with_a_legend() {
    let c = compare(&fixture(), &opts(Some("human-rights"), Some(Risk))).unwrap();
    let text = render_comparison(&c);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "human-rights:risk by stakeholder · unit: passages · 17 passages in 2 groups",
            "stakeholder    passages  tagged  share   95% Wilson CI",
            "Government            5       4  80.0%  [37.6%, 96.4%]  *",
            "Civil Society        12       3  25.0%  [ 8.9%, 53.2%]",
            "* fewer than 10 passages: the interval is wide, read with care",
        ]
    );
}

#[test]
fn report_section_draws_one_chart_per_theme_with_n_in_the_labels() {
    let html = comparison_section(&fixture()).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("Government (n = 5) †"));
    assert!(html.contains("Civil Society (n = 12)"));
    assert!(html.contains("<h3 id=\"compare-human-rights\">human-rights</h3>"));
    // Either polarity: 4 of Civil Society's passages carry human-rights.
    assert!(html.contains(
        "<tr><td>Civil Society (n = 12)</td><td class=\"n\">12</td><td class=\"n\">4</td><td class=\"n\">0.3333</td>"
    ));
}
