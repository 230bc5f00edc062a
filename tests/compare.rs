//! `compare` through the binary, on an index of hand-made passages whose figures are worked
//! out by hand (see the comments), and on the sample corpus against `stakeholder_theme.csv`.

use crate::search::{build_index, corpus_index, sample_records};
use crate::util::*;
use igf_lens::model::{DecidedBy, Evidence, PassageRecord, Polarity, Tag};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn hr(polarity: Polarity) -> Vec<Tag> {
    vec![Tag {
        theme: "human-rights".into(),
        polarity,
        score: 1.0,
        decided_by: DecidedBy::Default,
        evidence: Evidence {
            terms: vec![("human rights".into(), 0)],
            cue: None,
        },
        coder: None,
    }]
}

/// Civil Society (Ana Pérez): 12 passages, 6 in 2021-ws-10 (3 with human-rights:risk) and 6
/// in 2023-ws-225 (1 with human-rights:opportunity). Government (Li Wei): 5 in 2023-ws-225, 4
/// with human-rights:risk. Private Sector (Tom Becker): 10 in 2024-of-3, 2 with
/// human-rights:risk, the only session with caption timings.
fn records() -> Vec<PassageRecord> {
    let base = sample_records();
    let like = |id: u64| base.iter().find(|r| r.passage_id == id).unwrap().clone();
    let mut v = Vec::new();
    let mut add = |template: u64, id: u64, turn: u32, tags: Vec<Tag>| {
        let mut r = like(template);
        r.passage_id = id;
        r.turn = turn;
        r.ordinal = 0;
        r.tags = tags;
        v.push(r);
    };
    for k in 0..12u32 {
        // 101: Ana Pérez, Civil Society, 2021-ws-10 (the second half moves to 2023 below).
        let tags = match k {
            0..=2 => hr(Polarity::Risk),
            6 => hr(Polarity::Opportunity),
            _ => vec![],
        };
        add(101, 1000 + u64::from(k), 10 + k, tags);
    }
    for k in 0..5u32 {
        let tags = if k < 4 { hr(Polarity::Risk) } else { vec![] };
        add(202, 2000 + u64::from(k), 40 + k, tags);
    }
    for k in 0..10u32 {
        let tags = if k < 2 { hr(Polarity::Risk) } else { vec![] };
        add(301, 3000 + u64::from(k), 60 + k, tags);
    }
    let session_2023 = like(201);
    for r in &mut v {
        let second_half = (1006..1012).contains(&r.passage_id);
        let government = (2000..2005).contains(&r.passage_id);
        if second_half || government {
            r.session = session_2023.session.clone();
            r.code = session_2023.code.clone();
            r.year = session_2023.year;
            r.title = session_2023.title.clone();
            r.date = session_2023.date.clone();
            r.source = session_2023.source.clone();
            r.start_ms = None;
            r.end_ms = None;
        }
        if government {
            r.speaker = "Li Wei".into();
            r.label = "LI WEI".into();
            r.stakeholder = like(104).stakeholder;
            r.region = like(104).region;
        }
    }
    v
}

fn index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let dir = tmp.path().join("index");
    build_index(&dir, &records());
    (tmp, dir)
}

fn compare(index: &Path, args: &[&str], want: i32) -> std::process::Output {
    run_expect(
        igf_lens()
            .arg("compare")
            .args(args)
            .arg("--index")
            .arg(index),
        want,
    )
}

#[test]
fn groups_csv_gives_shares_wilson_intervals_and_the_small_flag() {
    let (_tmp, index) = index();
    let args = [
        "--by",
        "stakeholder",
        "--theme",
        "human-rights",
        "--polarity",
        "risk",
        "--format",
        "csv",
    ];
    let out = compare(&index, &args, 0);
    // Wilson by hand, p̃ ± half-width with z = 1.959964: 4/5 → (0.3755, 0.9638),
    // 3/12 → (0.0889, 0.5323), 2/10 → (0.0567, 0.5098).
    assert_eq!(
        stdout(&out),
        "group,passages,tagged,share,ci_low,ci_high,small,interval,n_passages\n\
         Government,5,4,0.8000,0.3755,0.9638,true,wilson,5\n\
         Civil Society,12,3,0.2500,0.0889,0.5323,false,wilson,12\n\
         Private Sector,10,2,0.2000,0.0567,0.5098,false,wilson,10\n"
    );
    // Without --polarity, Civil Society's opportunity passage counts too.
    let out = compare(&index, &args[..4], 0);
    let table = stdout(&out);
    assert!(
        table.contains("Civil Society         12       4  33.3%  [13.8%, 60.9%]\n"),
        "{table}"
    );
    assert!(table.contains("* fewer than 10 passages"), "{table}");
}

#[test]
fn pairwise_csv_gives_risk_ratios_fisher_and_holm() {
    let (_tmp, index) = index();
    let out = compare(
        &index,
        &[
            "--by",
            "stakeholder",
            "--theme",
            "human-rights",
            "--polarity",
            "risk",
            "--pairwise",
            "--format",
            "csv",
        ],
        0,
    );
    let path = index.with_file_name("pairs.csv");
    std::fs::write(&path, out.stdout).unwrap();
    let (h, rows) = read_csv(&path);
    assert_eq!(
        h[..10],
        [
            "group_a",
            "group_b",
            "share_a",
            "share_b",
            "risk_ratio",
            "rr_low",
            "rr_high",
            "p_value",
            "p_holm",
            "test"
        ]
    );
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Government", "Civil Society"),
            ("Government", "Private Sector"),
            ("Civil Society", "Private Sector")
        ]
    );
    let num = |r: usize, c: &str| -> f64 { rows[r][col(&h, c)].parse().unwrap() };
    // Government against Civil Society: RR = 0.8/0.25 = 3.2, interval 3.2·exp(∓1.96·√0.3) =
    // (1.0938, 9.3621). Fisher (an expected count is 2.06): p = (252 + 350 + 21)/6188.
    assert_eq!(rows[0][col(&h, "risk_ratio")], "3.2000");
    assert_eq!(rows[0][col(&h, "rr_low")], "1.0938");
    assert_eq!(rows[0][col(&h, "rr_high")], "9.3621");
    assert_eq!(rows[0][col(&h, "test")], "fisher");
    assert!((num(0, "p_value") - 623.0 / 6188.0).abs() < 1e-12);
    // Government against Private Sector: weights C(6,x)·C(9,5−x) = 126, 756, 1260, 720, 135,
    // 6 (sum 3003); observed 135: p = (126 + 135 + 6)/3003 = 0.088911.
    assert!((num(1, "p_value") - 267.0 / 3003.0).abs() < 1e-12);
    // Civil Society against Private Sector: 3/12 and 2/10, every table at least as likely
    // as another one: p = 1.
    assert_eq!(num(2, "p_value"), 1.0);
    // Holm: 0.088911·3 = 0.26673, 0.100679·2 = 0.20136 → raised to 0.26673, 1·1 = 1.
    assert!((num(0, "p_holm") - 3.0 * 267.0 / 3003.0).abs() < 1e-12);
    assert!((num(1, "p_holm") - 3.0 * 267.0 / 3003.0).abs() < 1e-12);
    assert_eq!(num(2, "p_holm"), 1.0);
    for r in 0..3 {
        assert!(num(r, "p_value") <= num(r, "p_holm") && num(r, "p_holm") <= 1.0);
    }
}

#[test]
fn json_by_year_has_the_trend_and_flags_and_the_bootstrap_is_reproducible() {
    let (_tmp, index) = index();
    let args = [
        "--by",
        "year",
        "--theme",
        "human-rights",
        "--polarity",
        "risk",
        "--cluster",
        "speaker",
        "--format",
        "json",
    ];
    let out = compare(&index, &args, 0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups: Vec<(String, u64, u64, bool)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["group"].as_str().unwrap().to_string(),
                g["tagged"].as_u64().unwrap(),
                g["passages"].as_u64().unwrap(),
                g["small"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("2021".to_string(), 3, 6, true),
            ("2023".to_string(), 4, 11, false),
            ("2024".to_string(), 2, 10, false)
        ]
    );
    // Cochran–Armitage by hand with the years as scores: N = 27, p̄ = 1/3, mean year
    // 54619/27, centred scores −52/27, 2/27, 29/27; numerator (−52·3 + 2·4 + 29·2)/27 = −10/3;
    // Σ n(t − t̄)² = (6·2704 + 11·4 + 10·841)/729 = 33.852; z = (−10/3)/√(2/9 · 33.852) =
    // −1.215329, z² = 1.477024, p = 0.224241 (cross-checked with SciPy).
    let t = &v["trend"];
    assert_eq!(t["test"], "cochran-armitage");
    assert_eq!(t["years"], serde_json::json!([2021, 2023, 2024]));
    assert!((t["z"].as_f64().unwrap() + 1.215_329).abs() < 1e-6);
    assert!((t["p_value"].as_f64().unwrap() - 0.224_241).abs() < 1e-6);
    // One speaker in 2021 (one cluster): the cluster interval is a point.
    assert_eq!(v["groups"][0]["clusters"], 1);
    assert_eq!(v["groups"][0]["boot_low"], 0.5);
    assert_eq!(v["groups"][0]["boot_high"], 0.5);
    assert_eq!(
        (v["seed"].as_u64(), v["resamples"].as_u64()),
        (Some(17), Some(2000))
    );
    // Same seed, same bytes; the seed given is the one reported.
    let again = compare(&index, &args, 0);
    assert_eq!(again.stdout, out.stdout);
    let mut other_seed = args.to_vec();
    other_seed.extend(["--seed", "5"]);
    let other: Value = serde_json::from_slice(&compare(&index, &other_seed, 0).stdout).unwrap();
    assert_eq!(other["seed"], 5);
    // The trend alone, as CSV.
    let csv = stdout(&compare(
        &index,
        &[&args[..6], &["--trend", "--format", "csv"]].concat(),
        0,
    ));
    assert!(csv.starts_with("test,years,first_year,last_year,z,chi_square,p_value\ncochran-armitage,2021;2023;2024,2021,2024,-1.2153,1.4770,0.22424"), "{csv}");
}

#[test]
fn errors_and_empty_matches_have_their_exit_codes() {
    let (_tmp, index) = index();
    let out = compare(&index, &["--by", "stakeholder", "--theme", "nope"], 2);
    assert_eq!(
        stderr(&out),
        "igf-lens: invalid value \"nope\" for --theme: valid values are human-rights\n"
    );
    let out = compare(&index, &["--by", "stakeholder", "--year", "2030"], 1);
    assert_eq!(stderr(&out), "igf-lens: no passage matches\n");
    assert_eq!(stdout(&out), "");
    let out = compare(&index, &["--by", "stakeholder", "--unit", "time"], 2);
    assert!(
        stderr(&out).contains("2 of 3 sessions lack them: 2021-ws-10, 2023-ws-225;"),
        "{}",
        stderr(&out)
    );
    // The timed session alone: 10 passages of 45 s, 2 tagged with a theme.
    let out = compare(
        &index,
        &[
            "--by",
            "stakeholder",
            "--unit",
            "time",
            "--session",
            "2024-of-3",
            "--format",
            "csv",
        ],
        0,
    );
    let text = stdout(&out);
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.starts_with("Private Sector,450.0,90.0,0.2000,"),
        "{text}"
    );
    assert!(row.contains(",false,bootstrap-passages,10"), "{text}");
    compare(&index, &["--by", "speaker", "--cluster", "speaker"], 2);
    compare(&index, &["--by", "stakeholder", "--resamples", "100001"], 2);
    compare(
        &index,
        &["--by", "stakeholder", "--unit", "words", "--pairwise"],
        2,
    );
    compare(&index, &["--by", "nothing"], 2);
}

#[test]
fn corpus_counts_agree_with_stakeholder_theme_csv() {
    let (tmp, index) = corpus_index();
    let out_dir = tmp.path().join("out");
    run_expect(
        igf_lens()
            .args(["export", "summary", "-q", "--index"])
            .arg(&index)
            .arg("--out")
            .arg(&out_dir),
        0,
    );
    let (h, rows) = read_csv(&out_dir.join("stakeholder_theme.csv"));
    let out = compare(
        &index,
        &[
            "--by",
            "stakeholder",
            "--theme",
            "surveillance",
            "--polarity",
            "risk",
            "--format",
            "csv",
        ],
        0,
    );
    let path = tmp.path().join("compare.csv");
    std::fs::write(&path, out.stdout).unwrap();
    let (ch, crow) = read_csv(&path);
    assert!(!crow.is_empty());
    for r in &crow {
        let cell = rows
            .iter()
            .find(|x| {
                x[col(&h, "stakeholder")] == r[0]
                    && x[col(&h, "theme")] == "surveillance"
                    && x[col(&h, "polarity")] == "risk"
            })
            .unwrap_or_else(|| panic!("no stakeholder_theme row for {}", r[0]));
        assert_eq!(r[col(&ch, "tagged")], cell[col(&h, "passages")], "{}", r[0]);
        assert_eq!(
            r[col(&ch, "share")],
            cell[col(&h, "passage_share")],
            "{}",
            r[0]
        );
    }
}

#[test]
fn corpus_session_takes_the_spellings_search_takes_issue_19() {
    let (_tmp, index) = corpus_index();
    let by_id = stdout(&compare(
        &index,
        &[
            "--by",
            "stakeholder",
            "--session",
            "2021-of-7",
            "--format",
            "csv",
        ],
        0,
    ));
    assert!(by_id.starts_with("group,passages,"), "{by_id}");
    assert!(by_id.lines().count() > 2, "{by_id}");
    for spelling in ["OF 7", "Open Forum #7", "IGF 2021 OF 7"] {
        let out = compare(
            &index,
            &[
                "--by",
                "stakeholder",
                "--session",
                spelling,
                "--format",
                "csv",
            ],
            0,
        );
        assert_eq!(stdout(&out), by_id, "--session {spelling}");
    }
    let err = stderr(&compare(
        &index,
        &["--by", "stakeholder", "--session", "WS 999"],
        2,
    ));
    assert!(
        err.contains("invalid value \"WS 999\" for --session"),
        "{err}"
    );
    assert!(err.contains("nearest: "), "{err}");
}
