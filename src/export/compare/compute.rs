//! Counting: records into group rows (shares and intervals), pair rows (risk ratios, tests,
//! Holm) and the trend over years. The statistics are [`crate::stats`]'s.

use crate::error::{Error, Result};
use crate::model::{PassageRecord, Polarity, Region, Stakeholder};
use crate::stats::{self, Cluster, Counts2, Interval, RiskRatio, TestResult, Trend};
use std::collections::{BTreeMap, BTreeSet};

/// Groups with fewer passages than this are flagged `small`.
pub const SMALL_BELOW: u64 = 10;
/// The bootstrap's seed when none is given.
pub const DEFAULT_SEED: u64 = 17;
/// The number of bootstrap resamples when none is given.
pub const DEFAULT_RESAMPLES: usize = 2000;
/// The allowed numbers of bootstrap resamples (fewer make ragged percentiles, more only cost
/// time).
pub const RESAMPLES: std::ops::RangeInclusive<usize> = 100..=100_000;

/// What the groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Stakeholder,
    Region,
    Year,
    Session,
    Speaker,
}

impl GroupBy {
    /// The flag value and output label.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Stakeholder => "stakeholder",
            GroupBy::Region => "region",
            GroupBy::Year => "year",
            GroupBy::Session => "session",
            GroupBy::Speaker => "speaker",
        }
    }

    fn key(self, r: &PassageRecord) -> String {
        match self {
            GroupBy::Stakeholder => r.stakeholder.as_str().to_string(),
            GroupBy::Region => r.region.as_str().to_string(),
            GroupBy::Year if r.year == 0 => "unknown".to_string(),
            GroupBy::Year => r.year.to_string(),
            GroupBy::Session => r.session.clone(),
            GroupBy::Speaker if r.speaker.is_empty() => "(unnamed)".to_string(),
            GroupBy::Speaker => r.speaker.clone(),
        }
    }

    /// Display order: stakeholder groups and regions in their usual order (Unknown last),
    /// years ascending (unknown last), sessions by id (which starts with the year), speakers
    /// by name.
    fn order(self, key: &str) -> (usize, u64, String) {
        match self {
            GroupBy::Stakeholder => {
                let rank = Stakeholder::parse(key)
                    .and_then(|g| Stakeholder::ALL.iter().position(|x| *x == g))
                    .unwrap_or(Stakeholder::ALL.len());
                (rank, 0, key.to_string())
            }
            GroupBy::Region => {
                let rank = Region::parse(key)
                    .and_then(|r| Region::ALL.iter().position(|x| *x == r))
                    .unwrap_or(Region::ALL.len());
                (rank, 0, key.to_string())
            }
            GroupBy::Year => match key.parse::<u64>() {
                Ok(y) => (0, y, String::new()),
                Err(_) => (1, 0, key.to_string()),
            },
            GroupBy::Session => (0, 0, key.to_string()),
            GroupBy::Speaker => (0, 0, key.to_lowercase()),
        }
    }
}

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Passages,
    Words,
    /// Caption seconds (`end_ms − start_ms` of each passage).
    Time,
}

impl Unit {
    /// The flag value and output label.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Passages => "passages",
            Unit::Words => "words",
            Unit::Time => "time",
        }
    }

    fn weight(self, r: &PassageRecord) -> f64 {
        match self {
            Unit::Passages => 1.0,
            Unit::Words => f64::from(r.words),
            Unit::Time => match (r.start_ms, r.end_ms) {
                (Some(s), Some(e)) => e.saturating_sub(s) as f64 / 1000.0,
                _ => 0.0,
            },
        }
    }
}

/// What passages cluster by, for the cluster bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterBy {
    Session,
    Speaker,
}

impl ClusterBy {
    /// The flag value and output label.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterBy::Session => "session",
            ClusterBy::Speaker => "speaker",
        }
    }

    fn key(self, r: &PassageRecord) -> &str {
        match self {
            ClusterBy::Session => &r.session,
            ClusterBy::Speaker => &r.speaker,
        }
    }
}

/// Which tags make a unit count as tagged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// A theme id; `None`: any theme.
    pub theme: Option<String>,
    /// A polarity; `None`: either.
    pub polarity: Option<Polarity>,
}

impl Outcome {
    /// Whether the passage carries a tag of this theme and polarity.
    pub fn matches(&self, r: &PassageRecord) -> bool {
        r.tags.iter().any(|t| {
            self.theme.as_deref().is_none_or(|id| t.theme == id)
                && self.polarity.is_none_or(|p| t.polarity == p)
        })
    }

    /// `security-research:risk`, `security-research (either polarity)`, `any theme:risk`, …
    pub fn label(&self) -> String {
        let theme = self.theme.as_deref().unwrap_or("any theme");
        match self.polarity {
            Some(p) => format!("{theme}:{}", p.as_str()),
            None => format!("{theme} (either polarity)"),
        }
    }
}

/// Everything a comparison is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareOptions {
    pub by: GroupBy,
    pub outcome: Outcome,
    pub unit: Unit,
    pub cluster: Option<ClusterBy>,
    /// Bootstrap resamples (within [`RESAMPLES`]).
    pub resamples: usize,
    pub seed: u64,
    /// Also test every pair of groups.
    pub pairwise: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            by: GroupBy::Stakeholder,
            outcome: Outcome::default(),
            unit: Unit::Passages,
            cluster: None,
            resamples: DEFAULT_RESAMPLES,
            seed: DEFAULT_SEED,
            pairwise: false,
        }
    }
}

/// Which interval `ci_low`/`ci_high` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalKind {
    /// The Wilson score interval (passages as independent units).
    Wilson,
    /// The bootstrap percentile interval over passages (for words and seconds).
    BootstrapPassages,
}

impl IntervalKind {
    /// `wilson` or `bootstrap-passages`, as in the `interval` column.
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalKind::Wilson => "wilson",
            IntervalKind::BootstrapPassages => "bootstrap-passages",
        }
    }
}

/// One group's share.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    pub group: String,
    /// The group's units: passages, words or seconds.
    pub units: f64,
    /// The units of tagged passages.
    pub tagged: f64,
    /// `tagged / units`; `None` when the group has no units (no timed seconds).
    pub share: Option<f64>,
    /// The 95 % interval of [`GroupRow::interval`]'s kind.
    pub ci: Option<Interval>,
    pub interval: IntervalKind,
    /// Fewer than [`SMALL_BELOW`] passages.
    pub small: bool,
    pub passages: u64,
    pub tagged_passages: u64,
    /// With `--cluster`: the group's number of clusters and the cluster bootstrap interval.
    pub clusters: Option<u64>,
    pub boot: Option<Interval>,
}

/// A test between two groups (counts of passages).
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    pub group_a: String,
    pub group_b: String,
    pub counts: Counts2,
    pub share_a: f64,
    pub share_b: f64,
    /// `None` when neither group has a tagged passage.
    pub risk_ratio: Option<RiskRatio>,
    pub test: TestResult,
    /// Holm-adjusted over all the pairs of the comparison.
    pub p_holm: f64,
    /// Either group is small.
    pub small: bool,
}

/// The trend test over years, with the years it used.
#[derive(Debug, Clone, PartialEq)]
pub struct YearTrend {
    pub years: Vec<u16>,
    /// `None` when it cannot be computed (one year, or no variance).
    pub test: Option<Trend>,
}

/// A whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub options: CompareOptions,
    pub groups: Vec<GroupRow>,
    /// Every pair (A before B in group order), with `--pairwise`.
    pub pairs: Vec<PairRow>,
    /// With `--by year` and `--unit passages`.
    pub trend: Option<YearTrend>,
}

/// Compares the groups of `records`. Errors: flags that cannot work together, and
/// `--unit time` on sessions without caption timings (naming them).
pub fn compare(records: &[PassageRecord], opts: &CompareOptions) -> Result<Comparison> {
    check_options(opts)?;
    if opts.unit == Unit::Time {
        check_timings(records)?;
    }
    let mut by_group: BTreeMap<String, Vec<&PassageRecord>> = BTreeMap::new();
    for r in records {
        by_group.entry(opts.by.key(r)).or_default().push(r);
    }
    let mut keyed: Vec<(String, Vec<&PassageRecord>)> = by_group.into_iter().collect();
    keyed.sort_by_cached_key(|(k, _)| opts.by.order(k));
    let groups: Vec<GroupRow> = keyed
        .iter()
        .map(|(name, recs)| group_row(name, recs, opts))
        .collect();
    let pairs = if opts.pairwise {
        pair_rows(&groups)
    } else {
        Vec::new()
    };
    let trend =
        (opts.by == GroupBy::Year && opts.unit == Unit::Passages).then(|| year_trend(&groups));
    Ok(Comparison {
        options: opts.clone(),
        groups,
        pairs,
        trend,
    })
}

fn check_options(opts: &CompareOptions) -> Result<()> {
    if !RESAMPLES.contains(&opts.resamples) {
        return Err(Error::InvalidValue {
            what: "--resamples".into(),
            value: opts.resamples.to_string(),
            valid: format!("{} to {}", RESAMPLES.start(), RESAMPLES.end()),
        });
    }
    if opts.pairwise && opts.unit != Unit::Passages {
        return Err(Error::Usage(format!(
            "--pairwise tests counts of passages and cannot be combined with --unit {}: use \
             --unit passages, or compare the groups' bootstrap intervals",
            opts.unit.as_str()
        )));
    }
    let same = matches!(
        (opts.by, opts.cluster),
        (GroupBy::Session, Some(ClusterBy::Session)) | (GroupBy::Speaker, Some(ClusterBy::Speaker))
    );
    if same {
        return Err(Error::Usage(format!(
            "--cluster {0} with --by {0} makes each group a single cluster, which a bootstrap \
             cannot resample: cluster by the other one, or leave out --cluster",
            opts.by.as_str()
        )));
    }
    Ok(())
}

/// `--unit time` needs every passage timed: names the sessions with an untimed passage.
fn check_timings(records: &[PassageRecord]) -> Result<()> {
    let mut sessions = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for r in records {
        sessions.insert(r.session.as_str());
        if r.start_ms.is_none() || r.end_ms.is_none() {
            missing.insert(r.session.as_str());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::MissingTimings {
        missing: missing.into_iter().map(String::from).collect(),
        total: sessions.len(),
    })
}

fn group_row(name: &str, recs: &[&PassageRecord], opts: &CompareOptions) -> GroupRow {
    let unit = opts.unit;
    let (mut units, mut tagged, mut tagged_passages) = (0.0, 0.0, 0u64);
    for r in recs {
        let w = unit.weight(r);
        units += w;
        if opts.outcome.matches(r) {
            tagged += w;
            tagged_passages += 1;
        }
    }
    let passages = recs.len() as u64;
    let share = (units > 0.0).then(|| tagged / units);
    let (ci, interval) = match unit {
        Unit::Passages => (
            stats::wilson(tagged_passages, passages),
            IntervalKind::Wilson,
        ),
        Unit::Words | Unit::Time => {
            let each: Vec<Cluster> = recs
                .iter()
                .map(|r| cluster_of(&[r], unit, &opts.outcome))
                .collect();
            let seed = stats::seed_for(opts.seed, &format!("passage\u{1f}{name}"));
            (
                stats::bootstrap_share(&each, opts.resamples, seed),
                IntervalKind::BootstrapPassages,
            )
        }
    };
    let (clusters, boot) = match opts.cluster {
        Some(by) => {
            let mut sums: BTreeMap<&str, Vec<&PassageRecord>> = BTreeMap::new();
            for r in recs {
                sums.entry(by.key(r)).or_default().push(r);
            }
            let clusters: Vec<Cluster> = sums
                .values()
                .map(|c| cluster_of(c, unit, &opts.outcome))
                .collect();
            let seed = stats::seed_for(opts.seed, &format!("{}\u{1f}{name}", by.as_str()));
            (
                Some(clusters.len() as u64),
                stats::bootstrap_share(&clusters, opts.resamples, seed),
            )
        }
        None => (None, None),
    };
    GroupRow {
        group: name.to_string(),
        units,
        tagged,
        share,
        ci,
        interval,
        small: passages < SMALL_BELOW,
        passages,
        tagged_passages,
        clusters,
        boot,
    }
}

fn cluster_of(recs: &[&PassageRecord], unit: Unit, outcome: &Outcome) -> Cluster {
    let mut c = Cluster {
        tagged: 0.0,
        total: 0.0,
    };
    for r in recs {
        let w = unit.weight(r);
        c.total += w;
        if outcome.matches(r) {
            c.tagged += w;
        }
    }
    c
}

fn pair_rows(groups: &[GroupRow]) -> Vec<PairRow> {
    let mut pairs = Vec::new();
    for (i, a) in groups.iter().enumerate() {
        for b in &groups[i + 1..] {
            let counts = Counts2 {
                a: a.tagged_passages,
                n_a: a.passages,
                b: b.tagged_passages,
                n_b: b.passages,
            };
            let share = |x: u64, n: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 };
            pairs.push(PairRow {
                group_a: a.group.clone(),
                group_b: b.group.clone(),
                counts,
                share_a: share(counts.a, counts.n_a),
                share_b: share(counts.b, counts.n_b),
                risk_ratio: stats::risk_ratio(counts),
                test: stats::test_two_groups(counts),
                p_holm: 1.0,
                small: a.small || b.small,
            });
        }
    }
    let p: Vec<f64> = pairs.iter().map(|r| r.test.p_value).collect();
    for (row, adjusted) in pairs.iter_mut().zip(stats::holm(&p)) {
        row.p_holm = adjusted;
    }
    pairs
}

/// The Cochran–Armitage test over the groups whose name is a year, with the years as scores.
fn year_trend(groups: &[GroupRow]) -> YearTrend {
    let mut years = Vec::new();
    let mut counts = Vec::new();
    for g in groups {
        if let Ok(y) = g.group.parse::<u16>() {
            years.push(y);
            counts.push((f64::from(y), g.tagged_passages, g.passages));
        }
    }
    YearTrend {
        years,
        test: stats::cochran_armitage(&counts),
    }
}
