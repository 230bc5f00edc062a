//! Shared vocabulary of the pipeline: the types that flow between stages.
//!
//! `bytes → Document → SessionPage | Transcript → Turn (resolved) → Passage → TaggedPassage`.
//! Closed sets (stakeholder groups, regions, polarities, roles, formats) are enums with one
//! `as_str()` used by the index, the CSV files and the CLI alike. This module holds no logic
//! beyond naming and normalising those sets.

pub use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// The English month names, January first, as IGF pages write dates.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Folds a label for lookup: lower case, accents removed, punctuation and spaces squeezed to
/// single `-`. `"Civil Society"`, `"civil-society"` and `"CIVIL_SOCIETY"` all give `civil-society`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in crate::text::fold_accents(s).chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `Display`, `Serialize` and `Deserialize` of a closed set through its `as_str` and `parse`:
/// the one string form the index, the CSV files, the JSON output and the CLI share.
macro_rules! string_form {
    ($($t:ident: $what:literal),* $(,)?) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<$t, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                $t::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!("{s:?} is not {}", $what))
                })
            }
        }
    )*};
}

string_form!(
    Stakeholder: "a stakeholder group",
    Region: "a regional group",
    Role: "a role",
    Method: "a resolution method",
    KeySource: "a session key source",
    DecidedBy: "a decision source",
);

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the five IGF stakeholder groups, or `Unknown` when a speaker could not be resolved.
/// Ordered as displayed: the five groups, then `Unknown`. Serialized as [`Stakeholder::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Stakeholder {
    Government,
    CivilSociety,
    PrivateSector,
    TechnicalCommunity,
    Intergovernmental,
    #[default]
    Unknown,
}

impl Stakeholder {
    /// The five real groups, in display order (without `Unknown`).
    pub const ALL: [Stakeholder; 5] = [
        Stakeholder::Government,
        Stakeholder::CivilSociety,
        Stakeholder::PrivateSector,
        Stakeholder::TechnicalCommunity,
        Stakeholder::Intergovernmental,
    ];

    /// The name used in the index, CSV files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Stakeholder::Government => "Government",
            Stakeholder::CivilSociety => "Civil Society",
            Stakeholder::PrivateSector => "Private Sector",
            Stakeholder::TechnicalCommunity => "Technical Community",
            Stakeholder::Intergovernmental => "Intergovernmental Organization",
            Stakeholder::Unknown => "Unknown",
        }
    }

    /// The slug accepted on the command line (`civil-society`).
    pub fn slug(self) -> &'static str {
        match self {
            Stakeholder::Government => "government",
            Stakeholder::CivilSociety => "civil-society",
            Stakeholder::PrivateSector => "private-sector",
            Stakeholder::TechnicalCommunity => "technical-community",
            Stakeholder::Intergovernmental => "intergovernmental-organization",
            Stakeholder::Unknown => "unknown",
        }
    }

    /// Parses a full name in any case, a slug, or a common variant
    /// ("Intergovernmental Organisation", "IGO", "Civil society organisation", "Business").
    pub fn parse(s: &str) -> Option<Stakeholder> {
        let k = slugify(s);
        let k = k.as_str();
        Some(match k {
            "government" | "governments" | "gov" | "public-sector" => Stakeholder::Government,
            "civil-society"
            | "civil-society-organization"
            | "civil-society-organisation"
            | "cso"
            | "ngo"
            | "academia" => Stakeholder::CivilSociety,
            "private-sector" | "business" | "industry" => Stakeholder::PrivateSector,
            "technical-community" | "technical" | "tech-community" => {
                Stakeholder::TechnicalCommunity
            }
            "intergovernmental-organization"
            | "intergovernmental-organisation"
            | "intergovernmental-organizations"
            | "intergovernmental-organisations"
            | "intergovernmental"
            | "inter-governmental-organization"
            | "inter-governmental-organisation"
            | "inter-governmental-organizations"
            | "igo"
            | "international-organization"
            | "international-organisation" => Stakeholder::Intergovernmental,
            "unknown" => Stakeholder::Unknown,
            _ => return None,
        })
    }

    /// The accepted values, for error messages.
    pub fn valid_values() -> String {
        valid_values(&Stakeholder::ALL, Stakeholder::as_str, Stakeholder::slug)
    }
}

/// One of the five UN regional groups, `Intergovernmental` (used by IGF pages as a region for
/// international organisations), or `Unknown`. Serialized as [`Region::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Region {
    African,
    AsiaPacific,
    EasternEuropean,
    Grulac,
    Weog,
    Intergovernmental,
    #[default]
    Unknown,
}

impl Region {
    /// The five UN regional groups plus the intergovernmental pseudo-region.
    pub const ALL: [Region; 6] = [
        Region::African,
        Region::AsiaPacific,
        Region::EasternEuropean,
        Region::Grulac,
        Region::Weog,
        Region::Intergovernmental,
    ];

    /// The name used in the index, CSV files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::African => "African Group",
            Region::AsiaPacific => "Asia-Pacific Group",
            Region::EasternEuropean => "Eastern European Group",
            Region::Grulac => "GRULAC",
            Region::Weog => "WEOG",
            Region::Intergovernmental => "Intergovernmental Organization",
            Region::Unknown => "Unknown",
        }
    }

    /// The slug accepted on the command line (`grulac`).
    pub fn slug(self) -> &'static str {
        match self {
            Region::African => "african-group",
            Region::AsiaPacific => "asia-pacific-group",
            Region::EasternEuropean => "eastern-european-group",
            Region::Grulac => "grulac",
            Region::Weog => "weog",
            Region::Intergovernmental => "intergovernmental-organization",
            Region::Unknown => "unknown",
        }
    }

    /// Normalises the many spellings found on session pages: "Western European and Others Group
    /// (WEOG)", "Western European and other States", "WEOG", "Eastern Europe", "Latin American and
    /// Caribbean Group (GRULAC)", "Asia Pacific", "Oceania", "Africa", slugs, any case.
    pub fn parse(s: &str) -> Option<Region> {
        let k = slugify(s);
        if k.is_empty() {
            return None;
        }
        let has = |w: &str| k.split('-').any(|p| p == w);
        if has("weog") || k.starts_with("western-europe") {
            Some(Region::Weog)
        } else if has("grulac") || k.starts_with("latin-america") || has("caribbean") {
            Some(Region::Grulac)
        } else if k.starts_with("eastern-europe") || has("eeg") {
            Some(Region::EasternEuropean)
        } else if k.starts_with("asia") || has("oceania") || has("pacific") || has("apg") {
            Some(Region::AsiaPacific)
        } else if k.starts_with("africa") {
            Some(Region::African)
        } else if k.starts_with("intergovernmental") || k.starts_with("international-org") {
            Some(Region::Intergovernmental)
        } else if k == "unknown" {
            Some(Region::Unknown)
        } else {
            None
        }
    }

    /// The accepted values, for error messages.
    pub fn valid_values() -> String {
        valid_values(&Region::ALL, Region::as_str, Region::slug)
    }
}

/// `Name (slug), …, Unknown`: the values a flag accepts, for error messages.
fn valid_values<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    slug: fn(T) -> &'static str,
) -> String {
    let mut v: Vec<String> = all
        .iter()
        .map(|&x| format!("{} ({})", name(x), slug(x)))
        .collect();
    v.push("Unknown".into());
    v.join(", ")
}

/// Whether a tag marks a risk or an opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Risk,
    Opportunity,
}

impl Polarity {
    /// `risk` or `opportunity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Risk => "risk",
            Polarity::Opportunity => "opportunity",
        }
    }
    /// Parses `risk` / `opportunity` in any case.
    pub fn parse(s: &str) -> Option<Polarity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "risk" | "risks" => Some(Polarity::Risk),
            "opportunity" | "opportunities" => Some(Polarity::Opportunity),
            _ => None,
        }
    }
    /// The other polarity.
    pub fn flip(self) -> Polarity {
        match self {
            Polarity::Risk => Polarity::Opportunity,
            Polarity::Opportunity => Polarity::Risk,
        }
    }
}

/// What decided a tag's polarity: a cue of the taxonomy, the theme's default (no cue), the
/// learned model, or a person, who then decided the tag itself too (no command records a
/// person's correction yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecidedBy {
    Cue,
    Default,
    Model,
    Human,
}

impl DecidedBy {
    /// Every value, in the order tables list them.
    pub const ALL: [DecidedBy; 4] = [
        DecidedBy::Cue,
        DecidedBy::Default,
        DecidedBy::Model,
        DecidedBy::Human,
    ];

    /// `cue`, `default`, `model` or `human`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Cue => "cue",
            DecidedBy::Default => "default",
            DecidedBy::Model => "model",
            DecidedBy::Human => "human",
        }
    }

    /// Parses the [`DecidedBy::as_str`] form in any case.
    pub fn parse(s: &str) -> Option<DecidedBy> {
        let s = s.trim();
        DecidedBy::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether something other than the theme's default decided (a cue, the model or a person).
    pub fn is_decided(self) -> bool {
        self != DecidedBy::Default
    }
}

/// The part a person plays in a session. Serialized as [`Role::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Role {
    Speaker,
    Moderator,
    OnlineModerator,
    Rapporteur,
    Organizer,
    Chair,
    Audience,
    Unnamed,
    #[default]
    Unknown,
}

impl Role {
    /// The name used in the index and CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Speaker => "speaker",
            Role::Moderator => "moderator",
            Role::OnlineModerator => "online-moderator",
            Role::Rapporteur => "rapporteur",
            Role::Organizer => "organizer",
            Role::Chair => "chair",
            Role::Audience => "audience",
            Role::Unnamed => "unnamed",
            Role::Unknown => "unknown",
        }
    }
    /// Parses the `as_str` form.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match slugify(s).as_str() {
            "speaker" | "panelist" | "panellist" => Role::Speaker,
            "moderator" | "onsite-moderator" | "on-site-moderator" => Role::Moderator,
            "online-moderator" => Role::OnlineModerator,
            "rapporteur" => Role::Rapporteur,
            "organizer" | "organiser" => Role::Organizer,
            "chair" | "chairman" | "chairperson" => Role::Chair,
            "audience" => Role::Audience,
            "unnamed" => Role::Unnamed,
            "unknown" => Role::Unknown,
            _ => return None,
        })
    }
}

/// A session's identity: the year and a normalised code such as `WS #225`, `Open Forum #12`,
/// `Town Hall #3`; sessions known by a name (main sessions, tracks, BPF/DC/NRI sessions,
/// ceremonies) keep their name: `Main Session 2 Cybersecurity, Trust and Online Safety`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SessionKey {
    pub year: u16,
    pub code: String,
}

impl SessionKey {
    /// A stable id for the index and CSV files: `2023-ws-225`. A session known by its name
    /// (a code without `#`) drops the small joining words, so that the spellings of one name
    /// on its page, in its transcript's title and in its address agree:
    /// `Main Session 2: Cybersecurity, Trust & Online Safety` → `2023-main-session-2-cybersecurity-trust-online-safety`.
    pub fn id(&self) -> String {
        let slug = slugify(&self.code);
        if self.code.contains('#') {
            return format!("{}-{slug}", self.year);
        }
        const SMALL: [&str; 11] = [
            "and", "the", "of", "for", "on", "in", "to", "a", "an", "with", "by",
        ];
        let kept: Vec<&str> = slug.split('-').filter(|w| !SMALL.contains(w)).collect();
        format!("{}-{}", self.year, kept.join("-"))
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IGF {} {}", self.year, self.code)
    }
}

/// Where a file's session key came from, most trusted first. Serialized as
/// [`KeySource::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeySource {
    /// The title line (or the title block of an old CART header).
    Title,
    /// A provenance line at the top of the text: `# url: …`, `Source: …`, `URL: …`.
    UrlLine,
    /// A saved HTML page's canonical link or `og:url`.
    HtmlMeta,
    /// The file name, when it is the page's address slug (`igf-2022-day-3-ws-357-…`).
    UrlSlug,
    /// Any other file name (`ws196 (1).txt`), with the year from the captioning disclaimer
    /// when the name has none.
    FileName,
    /// The session's number as its opening turn says it (`welcome you to the Workshop 112`),
    /// with the year the text gives, when nothing else names the session.
    Speech,
    /// The session page whose code, title words and roster names best match the file: a
    /// guess, reported as one.
    PageMatch,
    /// A row of the pairs file (`pairs.csv`, `--pairs`).
    PairsFile,
}

impl KeySource {
    /// Every source, most trusted first.
    pub const ALL: [KeySource; 8] = [
        KeySource::Title,
        KeySource::UrlLine,
        KeySource::HtmlMeta,
        KeySource::UrlSlug,
        KeySource::FileName,
        KeySource::Speech,
        KeySource::PageMatch,
        KeySource::PairsFile,
    ];

    /// The name used in the manifest and by `igf-lens sessions`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::Title => "title",
            KeySource::UrlLine => "url-line",
            KeySource::HtmlMeta => "html-meta",
            KeySource::UrlSlug => "url-slug",
            KeySource::FileName => "file-name",
            KeySource::Speech => "opening-speech",
            KeySource::PageMatch => "page-match-guess",
            KeySource::PairsFile => "pairs-file",
        }
    }

    /// Parses the [`KeySource::as_str`] form.
    pub fn parse(s: &str) -> Option<KeySource> {
        KeySource::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The format of an input file, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    SessionPage,
    Transcript,
    Html,
    WebVtt,
    Srt,
    JsonLines,
    Unknown,
}

impl Format {
    /// Name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::SessionPage => "session-page",
            Format::Transcript => "transcript",
            Format::Html => "html",
            Format::WebVtt => "webvtt",
            Format::Srt => "srt",
            Format::JsonLines => "jsonl",
            Format::Unknown => "unknown",
        }
    }
}

/// A line of an input file that was damaged: read around (NUL bytes dropped) or left out (a
/// bad JSON Lines record). Reported as a warning naming the line; the rest of the file is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDamage {
    /// 1-based line in the file.
    pub line: usize,
    /// What was wrong and what was done, in a message (`NUL bytes dropped`).
    pub what: String,
}

/// A file read from disk and decoded to text.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as given (relative paths stay relative; used in citations).
    pub path: PathBuf,
    /// Decoded text with line endings normalised to `\n`.
    pub text: String,
    /// Format detected from the content.
    pub format: Format,
    /// Content hash (hex sha-256 of the raw bytes).
    pub hash: String,
    /// Size in bytes on disk.
    pub bytes: u64,
    /// Lines the decoder read around (NUL bytes dropped).
    pub damage: Vec<LineDamage>,
}

/// One person named on a session page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub name: String,
    pub affiliation: Option<String>,
    pub stakeholder: Stakeholder,
    pub region: Region,
    pub role: Role,
}

/// A parsed session page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    pub key: Option<SessionKey>,
    pub title: String,
    /// ISO date `YYYY-MM-DD` of the session start, when the page gives it.
    pub date: Option<String>,
    pub room: Option<String>,
    pub tracks: Vec<String>,
    pub roster: Vec<RosterEntry>,
    /// e.g. `Panel - 90 Min`.
    pub format: Option<String>,
    pub policy_questions: Vec<String>,
    pub description: String,
    pub expected_outcomes: String,
    pub key_takeaways: Vec<String>,
    pub call_to_action: Vec<String>,
    pub source: PathBuf,
    /// The page's public address, when the file names it (provenance line, HTML metadata).
    pub url: Option<String>,
    /// Where `key` came from.
    pub key_source: Option<KeySource>,
}

/// One speaker turn as written in a transcript, before resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawTurn {
    /// The label as written (`MODERATOR`, `BRIONY DALEY WHITWORTH`), empty for unnamed turns.
    pub label: String,
    /// The speech, annotations removed, paragraphs joined with `\n\n`.
    pub text: String,
    /// 1-based line of the label (or of the first speech line) in the source file.
    pub line: u32,
    /// Start and end of the turn in milliseconds, for caption files.
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    /// Stakeholder given by the source itself (JSON Lines), used before any lookup.
    pub stakeholder_hint: Option<Stakeholder>,
}

/// A parsed transcript (raw captioning text, captions, or JSON Lines).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub key: Option<SessionKey>,
    pub title: String,
    pub turns: Vec<RawTurn>,
    /// Non-speech annotations removed, by kind (`applause`, `laughter`, …).
    pub annotations: Vec<(String, u32)>,
    pub source: PathBuf,
    /// The transcript's public address, when the file names it (provenance line, HTML
    /// metadata).
    pub url: Option<String>,
    /// Where `key` came from.
    pub key_source: Option<KeySource>,
    /// Lines of the file the parser left out, and why (JSON Lines: on the file's first
    /// transcript).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damage: Vec<LineDamage>,
}

/// How a speaker label was resolved. Serialized as [`Method::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Method {
    /// The source gave the stakeholder group (JSON Lines).
    Source,
    Roster,
    RosterPartial,
    RosterFuzzy,
    Registry,
    Role,
    SelfIntroduction,
    /// Another speaker introduced them ("I give the floor to X from Y").
    Introduced,
    Organization,
    Audience,
    Unnamed,
    #[default]
    Unresolved,
}

impl Method {
    /// Every method, in the order resolution tries them.
    pub const ALL: [Method; 12] = [
        Method::Source,
        Method::Roster,
        Method::RosterPartial,
        Method::RosterFuzzy,
        Method::Registry,
        Method::Role,
        Method::SelfIntroduction,
        Method::Introduced,
        Method::Organization,
        Method::Audience,
        Method::Unnamed,
        Method::Unresolved,
    ];

    /// Parses the [`Method::as_str`] form.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The name used in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Source => "source",
            Method::Roster => "roster",
            Method::RosterPartial => "roster-partial",
            Method::RosterFuzzy => "roster-fuzzy",
            Method::Registry => "registry",
            Method::Role => "role",
            Method::SelfIntroduction => "self-introduction",
            Method::Introduced => "introduced",
            Method::Organization => "organization",
            Method::Audience => "audience",
            Method::Unnamed => "unnamed",
            Method::Unresolved => "unresolved",
        }
    }
}

/// The person behind a turn, as far as it could be resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Display name (the roster's spelling when resolved, else the raw label).
    pub name: String,
    pub stakeholder: Stakeholder,
    pub region: Region,
    pub role: Role,
    pub affiliation: Option<String>,
    pub method: Method,
    /// 0.0–1.0.
    pub confidence: f32,
}

/// A resolved turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// 0-based position in the transcript.
    pub ordinal: u32,
    pub label: String,
    pub speaker: Speaker,
    pub text: String,
    pub line: u32,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
}

/// A session after pairing: the page (when found) and its resolved turns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub key: SessionKey,
    pub title: String,
    pub date: Option<String>,
    pub page: Option<SessionPage>,
    pub turns: Vec<Turn>,
    pub annotations: Vec<(String, u32)>,
    pub source: PathBuf,
    /// The transcript's public address, when known.
    pub url: Option<String>,
    /// The session-level language (ISO 639-3), used when a turn is too short to detect.
    pub language: String,
}

/// A span of a turn: a few sentences, 40–120 words when the turn allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: a hash of (session id, turn, passage ordinal).
    pub id: u64,
    pub session: SessionKey,
    pub turn: u32,
    /// 0-based position of this passage within its turn.
    pub ordinal: u32,
    pub text: String,
    /// 1-based source line where the passage text starts.
    pub line: u32,
    /// ISO 639-3 code (`eng`).
    pub language: String,
    pub words: u32,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
}

/// Why a tag was given: the terms that matched and the cue that set the polarity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Matched terms as written in the taxonomy, with the token position of each match.
    pub terms: Vec<(CompactString, u32)>,
    /// The polarity cue that decided (as in the taxonomy, prefixed `not ` when negated), or
    /// `None` when the theme's default applied.
    pub cue: Option<CompactString>,
}

impl Evidence {
    /// Compact form for CSV and the index: `terms=security researcher@4,hacker@9; cue=criminalise`.
    pub fn render(&self) -> String {
        match &self.cue {
            Some(c) => format!("{}; cue={}", self.render_terms(), c),
            None => format!("{}; cue=default", self.render_terms()),
        }
    }

    /// `terms=security researcher@4,hacker@9`.
    pub fn render_terms(&self) -> String {
        format!("terms={}", self.join_terms(","))
    }

    /// The matched terms with their positions, `term@position`, joined by `sep`:
    /// `security researcher@4, hacker@9` with `", "`.
    pub fn join_terms(&self, sep: &str) -> String {
        let terms: Vec<String> = self.terms.iter().map(|(t, p)| format!("{t}@{p}")).collect();
        terms.join(sep)
    }
}

/// A theme given to a passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub theme: CompactString,
    pub polarity: Polarity,
    pub score: f32,
    /// What decided the polarity (and, for [`DecidedBy::Human`], the tag).
    pub decided_by: DecidedBy,
    pub evidence: Evidence,
    /// The person who decided, for [`DecidedBy::Human`] (may be empty when they gave no name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coder: Option<CompactString>,
}

impl Tag {
    /// `theme:polarity`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.theme, self.polarity.as_str())
    }

    /// The evidence with what decided: `terms=…; cue=criminalise`, `terms=…; cue=default`,
    /// `terms=…; decided_by=model` or `terms=…; decided_by=human (Ana)`.
    pub fn explain(&self) -> String {
        match self.decided_by {
            DecidedBy::Cue | DecidedBy::Default => self.evidence.render(),
            DecidedBy::Model => format!("{}; decided_by=model", self.evidence.render_terms()),
            DecidedBy::Human => match self.coder.as_deref().filter(|c| !c.is_empty()) {
                Some(c) => format!("{}; decided_by=human ({c})", self.evidence.render_terms()),
                None => format!("{}; decided_by=human", self.evidence.render_terms()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stakeholder_parses_names_slugs_and_variants() {
        let cases = [
            ("Civil Society", Stakeholder::CivilSociety),
            ("civil-society", Stakeholder::CivilSociety),
            ("PRIVATE SECTOR", Stakeholder::PrivateSector),
            (
                "Intergovernmental Organisation",
                Stakeholder::Intergovernmental,
            ),
            ("technical community", Stakeholder::TechnicalCommunity),
            ("government", Stakeholder::Government),
        ];
        for (input, want) in cases {
            assert_eq!(Stakeholder::parse(input), Some(want), "{input}");
        }
        assert_eq!(Stakeholder::parse("Journalists"), None);
    }

    #[test]
    fn region_normalises_page_spellings() {
        let cases = [
            ("Western European and Others Group (WEOG)", Region::Weog),
            ("Western European and other States", Region::Weog),
            ("WEOG", Region::Weog),
            (
                "Latin American and Caribbean Group (GRULAC)",
                Region::Grulac,
            ),
            ("Eastern Europe", Region::EasternEuropean),
            ("Eastern European Group", Region::EasternEuropean),
            ("Asia-Pacific Group", Region::AsiaPacific),
            ("Oceania", Region::AsiaPacific),
            ("African Group", Region::African),
            ("Intergovernmental Organization", Region::Intergovernmental),
            ("grulac", Region::Grulac),
        ];
        for (input, want) in cases {
            assert_eq!(Region::parse(input), Some(want), "{input}");
        }
        assert_eq!(Region::parse("Mars"), None);
    }

    #[test]
    fn closed_sets_round_trip_through_their_string_form() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
        where
            T: Copy + PartialEq + std::fmt::Debug + Serialize + for<'de> Deserialize<'de>,
        {
            for &x in all {
                assert_eq!(parse(as_str(x)), Some(x), "{x:?}");
                let json = serde_json::to_string(&x).unwrap();
                assert_eq!(json, format!("{:?}", as_str(x)));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), x);
            }
        }
        let stakeholders = [Stakeholder::ALL.as_slice(), &[Stakeholder::Unknown]].concat();
        check(&stakeholders, Stakeholder::as_str, Stakeholder::parse);
        let regions = [Region::ALL.as_slice(), &[Region::Unknown]].concat();
        check(&regions, Region::as_str, Region::parse);
        let roles = [
            Role::Speaker,
            Role::Moderator,
            Role::OnlineModerator,
            Role::Rapporteur,
            Role::Organizer,
            Role::Chair,
            Role::Audience,
            Role::Unnamed,
            Role::Unknown,
        ];
        check(&roles, Role::as_str, Role::parse);
        check(&Method::ALL, Method::as_str, Method::parse);
        check(&KeySource::ALL, KeySource::as_str, KeySource::parse);
        assert!(serde_json::from_str::<Stakeholder>("\"Journalism\"").is_err());
    }

    #[test]
    fn session_key_id_is_a_slug() {
        let k = SessionKey {
            year: 2023,
            code: "WS #225".into(),
        };
        assert_eq!(k.id(), "2023-ws-225");
    }

    #[test]
    fn evidence_renders_terms_and_cue() {
        let e = Evidence {
            terms: vec![("security researcher".into(), 4)],
            cue: Some("criminalise".into()),
        };
        assert_eq!(e.render(), "terms=security researcher@4; cue=criminalise");
    }
}

/// What the tagger says of one passage: whether it is procedural, and its tags (none when it is),
/// sorted by theme id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tagging {
    pub procedural: bool,
    pub tags: Vec<Tag>,
}

/// One passage with everything known about it, flat: the unit the index stores, searches
/// return, and exports write. Field names are the stable JSON/CSV names documented in the README;
/// the closed sets stay enums until one of those edges writes them as their `as_str` form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PassageRecord {
    pub passage_id: u64,
    /// `2023-ws-225`.
    pub session: String,
    /// `WS #225`.
    pub code: String,
    pub year: u16,
    pub title: String,
    /// ISO date, empty when unknown.
    pub date: String,
    pub speaker: String,
    /// The label as written in the transcript.
    pub label: String,
    pub stakeholder: Stakeholder,
    pub region: Region,
    pub role: Role,
    pub affiliation: String,
    /// How the speaker was resolved (`roster`, `registry`, …) and how sure (0–1).
    pub method: Method,
    pub confidence: f32,
    pub turn: u32,
    pub ordinal: u32,
    pub language: String,
    pub words: u32,
    /// Running the session, not its substance (floor-giving, introductions, thanks,
    /// housekeeping, technical checks, time-keeping): such a passage carries no tags and is
    /// left out of theme counts unless asked for.
    pub procedural: bool,
    pub tags: Vec<Tag>,
    /// Content hash of the taxonomy that produced `tags`.
    pub taxonomy: String,
    /// Source file as given to ingest.
    pub source: String,
    /// The source's public address, empty when unknown.
    pub url: String,
    pub line: u32,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub text: String,
}

impl PassageRecord {
    /// `theme:polarity;theme:polarity`, sorted as tagged.
    pub fn themes_label(&self) -> String {
        self.tags
            .iter()
            .map(Tag::label)
            .collect::<Vec<_>>()
            .join(";")
    }

    /// What decided each tag, in the order of [`PassageRecord::themes_label`]: `cue;model`.
    pub fn decided_label(&self) -> String {
        self.tags
            .iter()
            .map(|t| t.decided_by.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Evidence of every tag: `theme: terms=…; cue=… | theme: …`.
    pub fn evidence_label(&self) -> String {
        self.tags
            .iter()
            .map(|t| format!("{}: {}", t.theme, t.explain()))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// The order of every export: session, turn, passage (the id breaks ties).
    pub fn order_key(&self) -> (&str, u32, u32, u64) {
        (
            self.session.as_str(),
            self.turn,
            self.ordinal,
            self.passage_id,
        )
    }

    /// `file:line`.
    pub fn citation(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }

    /// `file:line`, followed by the public address when it is known: `file:line <url>`.
    pub fn full_citation(&self) -> String {
        if self.url.is_empty() {
            self.citation()
        } else {
            format!("{} <{}>", self.citation(), self.url)
        }
    }
}
