//! Every input format and variant through the library API (`read::load` →
//! `parse::parse_document`): the hand-written fixtures in `tests/fixtures/` (exact turns, labels,
//! lines, annotations, roster entries) and the sample corpus in `data/sessions/` (keys from the
//! file names, full rosters, no turn lost).

use igf_lens::model::{
    Format, Region, Role, RosterEntry, SessionKey, SessionPage, Stakeholder, Transcript,
};
use igf_lens::parse::{is_annotation_only, key_from_path, parse_document, Parsed};
use igf_lens::read::{discover, load};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    crate::util::repo().join("tests/fixtures").join(name)
}

fn parse_path(path: &Path) -> Vec<Parsed> {
    let doc = load(path).unwrap_or_else(|e| panic!("load {}: {e}", path.display()));
    parse_document(&doc).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn transcript(name: &str) -> Transcript {
    match parse_path(&fixture(name)).as_slice() {
        [Parsed::Transcript(t)] => t.clone(),
        other => panic!("{name}: expected one transcript, got {other:?}"),
    }
}

fn page(name: &str) -> SessionPage {
    match parse_path(&fixture(name)).as_slice() {
        [Parsed::Page(p)] => p.clone(),
        other => panic!("{name}: expected one session page, got {other:?}"),
    }
}

fn key(year: u16, code: &str) -> Option<SessionKey> {
    Some(SessionKey {
        year,
        code: code.into(),
    })
}

/// (label, text, line) of every turn.
fn turns(t: &Transcript) -> Vec<(&str, &str, u32)> {
    t.turns
        .iter()
        .map(|r| (r.label.as_str(), r.text.as_str(), r.line))
        .collect()
}

fn annotations(t: &Transcript) -> Vec<(&str, u32)> {
    t.annotations
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect()
}

/// (role, name, affiliation, stakeholder, region) of every roster entry.
fn roster(p: &SessionPage) -> Vec<(Role, &str, Option<&str>, Stakeholder, Region)> {
    p.roster
        .iter()
        .map(|e: &RosterEntry| {
            (
                e.role,
                e.name.as_str(),
                e.affiliation.as_deref(),
                e.stakeholder,
                e.region,
            )
        })
        .collect()
}

/// One raw-transcript fixture and what it must parse to.
struct TranscriptCase {
    /// What the fixture is about (the behaviour it pins down).
    about: &'static str,
    fixture: &'static str,
    key: (u16, &'static str),
    /// `None` when the case does not pin the title.
    title: Option<&'static str>,
    /// (label, text, line) of every turn.
    turns: &'static [(&'static str, &'static str, u32)],
    /// Annotations removed, by kind.
    annotations: &'static [(&'static str, u32)],
}

const TRANSCRIPTS: &[TranscriptCase] = &[
    TranscriptCase {
        about: "transcript without title keys on the file name and drops the disclaimer",
        fixture: "transcript-no-title-2023-ws-901.txt",
        key: (2023, "WS #901"),
        title: Some(""),
        turns: &[
            (
                "MODERATOR",
                "Good afternoon and welcome to this workshop on evidence across borders.",
                5,
            ),
            ("LENA ORTIZ", "Thank you. I will keep my remarks short.", 7),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "site debris before the title is dropped",
        fixture: "transcript-debris-before-title.txt",
        key: (2022, "WS #455"),
        title: Some("IGF 2022 WS #455 Keeping researchers out of court"),
        turns: &[
            (
                "CHAIR",
                "Let us begin. Our first speaker joins us remotely.",
                9,
            ),
            ("PEDRO ALVES", "Good morning. Can you hear me?", 11),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "compact separators glued raw marker and eight asterisk ruler",
        fixture: "transcript-compact-separators.txt",
        key: (2024, "WS #88"),
        title: Some("IGF 2024 WS#88 Open data and safe harbours"),
        turns: &[
            ("MODERATOR", "We are live, and the room is nearly full.", 4),
            ("ANA SOUZA", "Two spaces after the marker on this line.", 5),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "single newlines between turns keep paragraphs unnamed turns and annotation lines",
        fixture: "transcript-single-newlines.txt",
        key: (2021, "Open Forum #14"),
        title: Some("IGF 2021 OF 14 Digital evidence and the courts"),
        turns: &[
            (
                "JUDGE MARTA KOVAC",
                "Good morning. Courts now see digital evidence in almost every case.\n\n\
                 The hard part is proving where the data came from.",
                4,
            ),
            ("", "Can I ask something from the back?", 6),
            ("JUDGE MARTA KOVAC", "Of course, please go ahead.", 7),
            (
                "SAMIR NADER",
                "Thank you. My question is about cloud providers.",
                9,
            ),
        ],
        annotations: &[("applause", 1)],
    },
    TranscriptCase {
        about: "indented hard wrapped lines join and the room segment leaves the title",
        fixture: "transcript-indented-wrapped.txt",
        key: (2019, "WS #310"),
        title: Some("IGF 2019 WS #310 Norms, crime and the network"),
        turns: &[
            (
                "MODERATOR",
                "Welcome back after the break. We will now turn to the question of how offences \
                 are defined in national law and whether the draft keeps them narrow.\n\n\
                 So my first question goes to our speaker from the regional registry.",
                8,
            ),
            (
                "INGRID SOLBERG",
                "Thank you. Registries see abuse reports every day, and most of them are not \
                 crimes at all.",
                17,
            ),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "a file cut off mid turn keeps the partial turn and no empty one",
        fixture: "transcript-cut-off.txt",
        key: (2023, "Town Hall #5"),
        title: None,
        turns: &[
            (
                "MODERATOR",
                "We have five minutes left, so one last round.",
                7,
            ),
            (
                "TEVITA FALE",
                "For small islands the treaty matters mostly for the help that comes with it, \
                 and for",
                9,
            ),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "every label form is read as written",
        fixture: "transcript-label-variants.txt",
        key: (2023, "Open Forum #61"),
        title: None,
        turns: &[
            (
                "MODERATOR SMITH",
                "Welcome. We start with the ambassador.",
                7,
            ),
            ("H.E. AMBASSADOR NDUNG'U", "Thank you, chair.", 8),
            ("ST. AMOUR", "No space after the marker on this one.", 9),
            (
                "KERRY\u{2011}ANN BARRETT",
                "Three markers, and a non-breaking hyphen.",
                10,
            ),
            ("Ms. Olga de la Fuente", "Title Case with a particle.", 11),
            (
                "J. P. MORALES, COUNCIL OF EUROPE",
                "Name and organisation.",
                12,
            ),
            ("CHAIR", "Back to the room.", 13),
            ("AUDIENCE MEMBER", "A question from the third row.", 14),
            ("", "So I think: the scope is still too wide.", 15),
            ("PANELIST", "Short answer.", 16),
            ("SECRETARIAT MARIA LOPEZ", "A note on timing.", 17),
            ("", "Hello, is this on?", 18),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "annotations are removed from speech and counted per kind",
        fixture: "transcript-annotations.txt",
        key: (2022, "WS #77"),
        title: None,
        turns: &[
            ("", "Testing, one, two. Can the room hear us?", 9),
            ("MODERATOR", "Welcome, everyone. We are glad you came.", 13),
            (
                "",
                "Hello from the video room. Sorry, we lost you for a moment.",
                15,
            ),
            (
                "RUTH ADEYEMI",
                "Thank you for the floor. The treaty covers stored data.",
                18,
            ),
            ("LIAM CHEN", "Is that better? Good. This one.", 23),
        ],
        annotations: &[
            ("applause", 2),
            ("audio-problem", 1),
            ("echo", 1),
            ("garbled", 1),
            ("indicating", 1),
            ("laughter", 1),
            ("no-audio", 1),
            ("off-mic", 1),
            ("other-language", 1),
            ("recording", 1),
            ("side-discussion", 1),
            ("stand-by", 1),
            ("static", 1),
            ("unclear", 1),
        ],
    },
    TranscriptCase {
        about: "old cart header block gives the key and title",
        fixture: "transcript-old-cart.txt",
        key: (2014, "WS #204"),
        title: Some("CROSS-BORDER REQUESTS FOR DATA"),
        turns: &[
            (
                "MODERATOR",
                "Good morning. Let us start with the first question.",
                8,
            ),
            (
                "DANIEL WEBER",
                "Thank you. Requests for data take months today.",
                9,
            ),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "utf16le with bom decodes",
        fixture: "transcript-utf16le.txt",
        key: (2023, "WS #640"),
        title: Some("IGF 2023 WS #640 Accents and \u{201c}quotes\u{201d}"),
        turns: &[
            (
                "JOSÉ GARCÍA",
                "We can\u{2019}t ignore the data held abroad.",
                7,
            ),
            ("ZOË MÜLLER", "Agreed, and I\u{2019}d add one point.", 9),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "windows 1252 decodes curly apostrophes dashes and accents",
        fixture: "transcript-cp1252.txt",
        key: (2021, "WS #12"),
        title: Some("IGF 2021 WS #12 Café policy and crime"),
        turns: &[
            ("RENÉ DUPONT", "We don\u{2019}t agree on the scope.", 7),
            ("MODERATOR", "Thank you, René.", 9),
        ],
        annotations: &[],
    },
    TranscriptCase {
        about: "crlf and lone cr line endings count lines like lf",
        fixture: "transcript-crlf.txt",
        key: (2022, "Networking Session #9"),
        title: None,
        turns: &[
            ("AMIRA SALEH", "Windows line endings here.", 7),
            (
                "BEN OKORO",
                "And an old Mac line ending here.\n\nSecond line of the turn.",
                9,
            ),
        ],
        annotations: &[],
    },
];

#[test]
fn raw_transcript_fixtures_parse_to_their_turns() {
    for c in TRANSCRIPTS {
        let t = transcript(c.fixture);
        let what = format!("{} ({})", c.fixture, c.about);
        assert_eq!(t.key, key(c.key.0, c.key.1), "{what}");
        if let Some(title) = c.title {
            assert_eq!(t.title, title, "{what}");
        }
        assert_eq!(turns(&t), c.turns, "{what}");
        assert_eq!(annotations(&t), c.annotations, "{what}");
    }
}

#[test]
fn crlf_and_lone_cr_are_gone_after_loading() {
    let doc = load(&fixture("transcript-crlf.txt")).unwrap();
    assert!(!doc.text.contains('\r'));
    assert_eq!(doc.format, Format::Transcript);
}

/// One session-page fixture and its roster.
struct PageCase {
    /// What the fixture is about (the behaviour it pins down).
    about: &'static str,
    fixture: &'static str,
    key: (u16, &'static str),
    title: &'static str,
    /// (role, name, affiliation, stakeholder, region) of every roster entry, in page order.
    roster: &'static [(
        Role,
        &'static str,
        Option<&'static str>,
        Stakeholder,
        Region,
    )],
}

#[rustfmt::skip]
const PAGES: &[PageCase] = {
    use Region as R;
    use Role::*;
    use Stakeholder as S;
    &[
    PageCase {
        about: "classic page with hidden anonymised repeated and surname first roster lines",
        fixture: "page-classic.txt",
        key: (2023, "WS #518"),
        title: "IGF 2023 WS #518 Who holds the keys: encryption and the cybercrime treaty",
        roster: &[
            (
                Organizer,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
            (
                Organizer,
                "Tariq Mahmood",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Organizer,
                "Noor Aziz",
                None,
                S::CivilSociety,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
            (Speaker, "Chidi Okafor", None, S::Government, R::African),
            (
                Speaker,
                "Mei Lin Chen",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (Speaker, "Valentina Rossi", None, S::Unknown, R::Weog),
            (
                Speaker,
                "Dmitri Volkov",
                None,
                S::TechnicalCommunity,
                R::EasternEuropean
            ),
            (
                Moderator,
                "Tariq Mahmood",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                OnlineModerator,
                "Noor Aziz",
                None,
                S::CivilSociety,
                R::AsiaPacific
            ),
            (
                Rapporteur,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
        ],
    },
    PageCase {
        about: "indented layout with field names on their own lines",
        fixture: "page-indented.txt",
        key: (2024, "Open Forum #77"),
        title: "IGF 2024 Open Forum #77 Evidence, borders and the cloud: implementing the new \
         convention in small states",
        roster: &[
            (
                Organizer,
                "Mele Fifita",
                Some("Pacific Justice Network"),
                S::Government,
                R::AsiaPacific
            ),
            (
                Organizer,
                "Arjun Mehta",
                Some("Cloud Providers Forum"),
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Mele Fifita",
                Some("Pacific Justice Network"),
                S::Government,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Arjun Mehta",
                Some("Cloud Providers Forum"),
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Ines Carvalho",
                None,
                S::Intergovernmental,
                R::Intergovernmental
            ),
            (
                Moderator,
                "Mele Fifita",
                Some("Pacific Justice Network"),
                S::Government,
                R::AsiaPacific
            ),
            (
                OnlineModerator,
                "Arjun Mehta",
                Some("Cloud Providers Forum"),
                S::PrivateSector,
                R::AsiaPacific
            ),
            (Rapporteur, "Tomas Varga", None, S::Unknown, R::Unknown),
        ],
    },
    PageCase {
        about: "free text and bulleted rosters",
        fixture: "page-free-text-roster.txt",
        key: (2025, "Lightning Talk #140"),
        title: "IGF 2025 Lightning Talk #140 Ransomware reporting across borders",
        roster: &[
            (
                Speaker,
                "Omar Haddad",
                Some("Cyber Response Lab / CRL"),
                S::Unknown,
                R::Weog
            ),
            (
                Speaker,
                "Leila Nasser",
                Some("Cyber Response Lab / CRL"),
                S::Unknown,
                R::Weog
            ),
            (
                Speaker,
                "Kenji Ito",
                Some("Japan Incident Forum"),
                S::Unknown,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Fatima Diallo",
                Some("West Africa CERT Network"),
                S::Unknown,
                R::African
            ),
            (
                Speaker,
                "Rosa Jiménez",
                Some("Hospital Security Alliance"),
                S::Unknown,
                R::Unknown
            ),
            (
                Speaker,
                "Mikko Laine",
                Some("Nordic Payments Council"),
                S::Unknown,
                R::Unknown
            ),
            (
                Moderator,
                "Omar Haddad",
                Some("Cyber Response Lab / CRL"),
                S::Unknown,
                R::Weog
            ),
            (
                Rapporteur,
                "Leila Nasser",
                Some("Cyber Response Lab / CRL"),
                S::Unknown,
                R::Weog
            ),
        ],
    },
    PageCase {
        about: "html session page keeps main content only",
        fixture: "page.html",
        key: (2023, "WS #518"),
        title: "IGF 2023 WS #518 Who holds the keys: encryption & the cybercrime treaty",
        roster: &[
            (
                Organizer,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
            (
                Organizer,
                "Tariq Mahmood",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Speaker,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
            (Speaker, "Chidi Okafor", None, S::Government, R::African),
            (
                Speaker,
                "Mei Lin Chen",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Moderator,
                "Tariq Mahmood",
                None,
                S::PrivateSector,
                R::AsiaPacific
            ),
            (
                Rapporteur,
                "Helena Brandt",
                Some("Open Crypto Alliance"),
                S::CivilSociety,
                R::Weog
            ),
        ],
    },
    ]
};

#[test]
fn session_page_fixtures_parse_to_their_rosters() {
    for c in PAGES {
        let p = page(c.fixture);
        let what = format!("{} ({})", c.fixture, c.about);
        assert_eq!(p.key, key(c.key.0, c.key.1), "{what}");
        assert_eq!(p.title, c.title, "{what}");
        assert_eq!(roster(&p), c.roster, "{what}");
    }
}

#[test]
fn classic_page_keeps_date_room_tracks_format_and_sections() {
    let p = page("page-classic.txt");
    assert_eq!(p.date.as_deref(), Some("2023-10-11"));
    assert_eq!(p.room.as_deref(), Some("WS 6 – Room C"));
    assert_eq!(
        p.tracks,
        [
            "Cybersecurity, Cybercrime & Online Safety",
            "Encryption and lawful access"
        ]
    );
    assert_eq!(p.format.as_deref(), Some("Round Table - U-shape - 90 Min"));
    assert_eq!(
        p.policy_questions,
        [
            "Should the treaty say anything at all about encryption?",
            "What safeguards would stop a request for decrypted data from becoming a backdoor?",
            "Who pays when a provider refuses an order that conflicts with another country's law?",
        ]
    );
    assert!(p
        .description
        .starts_with("Encryption protects payments, medical records"));
    assert!(p.description.ends_with("a provider in one room."));
    assert_eq!(
        p.expected_outcomes,
        "A one-page note listing the articles that touch encryption and wording that would keep \
         it safe."
    );
    assert_eq!(
        p.key_takeaways,
        [
            "Nobody in the room wanted the treaty to mandate weaker encryption.",
            "Speakers disagreed on whether silence in the text is safer than an explicit safeguard.",
        ]
    );
    assert_eq!(
        p.call_to_action,
        ["Delegations should table an explicit encryption safeguard before the next round."]
    );
}

#[test]
fn lost_moderator_headings_are_read_by_position() {
    let p = page("page-lost-headings.txt");
    assert_eq!(p.key, key(2022, "WS #233"));
    use Region as R;
    use Role::*;
    use Stakeholder as S;
    assert_eq!(
        roster(&p),
        [
            (
                Organizer,
                "Grace Mwangi",
                Some("Consumer Shield Kenya"),
                S::CivilSociety,
                R::African
            ),
            (
                Organizer,
                "Paulo Ferreira",
                Some("Banco Digital"),
                S::PrivateSector,
                R::Grulac
            ),
            (
                Speaker,
                "Grace Mwangi",
                Some("Consumer Shield Kenya"),
                S::CivilSociety,
                R::African
            ),
            (
                Speaker,
                "Paulo Ferreira",
                Some("Banco Digital"),
                S::PrivateSector,
                R::Grulac
            ),
            (Speaker, "Yuki Tanaka", None, S::Government, R::AsiaPacific),
            (
                Moderator,
                "Paulo Ferreira",
                Some("Banco Digital"),
                S::PrivateSector,
                R::Grulac
            ),
            (
                OnlineModerator,
                "Sara Lindholm",
                None,
                S::TechnicalCommunity,
                R::Weog
            ),
            (
                Rapporteur,
                "Kwame Asante",
                None,
                S::CivilSociety,
                R::African
            ),
        ]
    );
    assert_eq!(p.format.as_deref(), Some("Panel - 90 Min"));
    assert_eq!(
        p.policy_questions,
        [
            "How much online fraud crosses borders?",
            "Which tools do banks and police already share?",
            "What would a treaty add that existing networks do not?",
        ]
    );
    assert!(p
        .description
        .starts_with("Online fraud is the crime most people"));
}

#[test]
fn indented_layout_reads_field_names_on_their_own_lines() {
    let p = page("page-indented.txt");
    assert_eq!(p.date.as_deref(), Some("2024-12-19"));
    assert_eq!(p.room.as_deref(), Some("Workshop Room 8"));
    assert_eq!(
        p.tracks,
        [
            "Building Digital Trust and Resilience",
            "Cybercrime and cross-border evidence"
        ]
    );
    assert_eq!(p.format.as_deref(), Some("Round Table - 60 Min"));
    assert_eq!(
        p.policy_questions,
        [
            "What do small states need to answer a request for stored data within weeks?",
            "Which parts of the convention can be applied without new laws?",
        ]
    );
    assert_eq!(
        p.description,
        "Small island states receive few requests for data, but each one takes months to \
         answer. This open forum looks at what the new convention changes for them in practice."
    );
    assert_eq!(
        p.expected_outcomes,
        "A checklist for ministries preparing ratification."
    );
    assert_eq!(
        p.key_takeaways,
        [
            "Small states need templates more than new institutions.",
            "Cloud providers can shorten response times with one regional contact point.",
        ]
    );
    assert_eq!(
        p.call_to_action,
        ["Donors should fund shared legal templates for the region."]
    );
}

#[test]
fn free_text_roster_page_keeps_format_and_description() {
    let p = page("page-free-text-roster.txt");
    assert_eq!(p.format.as_deref(), Some("Lightning Talk - 30 Min"));
    assert!(p
        .description
        .starts_with("Hospitals and city councils hit by ransomware"));
}

#[test]
fn html_session_page_keeps_main_content_only() {
    let doc = load(&fixture("page.html")).unwrap();
    assert_eq!(doc.format, Format::Html);
    let p = page("page.html");
    assert_eq!(p.date.as_deref(), Some("2023-10-11"));
    assert_eq!(p.room.as_deref(), Some("WS 6 – Room C"));
    // The template, noscript and footer speakers are not content.
    assert_eq!(
        p.policy_questions,
        [
            "Should the treaty say anything at all about encryption?",
            "Who pays when an order conflicts with another country\u{2019}s law?",
        ]
    );
    assert_eq!(
        p.description,
        "Encryption protects payments and the messages of journalists \u{2014} the draft never \
         names it."
    );
    assert_eq!(
        p.key_takeaways,
        ["Nobody in the room wanted weaker encryption."]
    );
}

#[test]
fn html_transcript_decodes_entities_and_ignores_navigation_and_scripts() {
    let t = transcript("transcript.html");
    assert_eq!(t.key, key(2022, "Open Forum #45"));
    assert_eq!(t.title, "IGF 2022 Open Forum #45 Saved as a web page");
    assert_eq!(
        turns(&t),
        [
            (
                "MODERATOR",
                "Good evening & welcome.\n\nWe start with our first guest, who is online.",
                9
            ),
            (
                "AYESHA KHAN",
                "Thank you. It\u{2019}s late here, so I\u{2019}ll be brief.",
                13
            ),
        ]
    );
    assert_eq!(annotations(&t), [("applause", 1)]);
}

/// (label, text, line, start, end) of a turn.
type Timed<'a> = (&'a str, &'a str, u32, Option<u64>, Option<u64>);

/// [`Timed`] of every turn.
fn timed(t: &Transcript) -> Vec<Timed<'_>> {
    t.turns
        .iter()
        .map(|r| {
            (
                r.label.as_str(),
                r.text.as_str(),
                r.line,
                r.start_ms,
                r.end_ms,
            )
        })
        .collect()
}

#[test]
fn webvtt_voice_tags_and_name_prefixes_merge_into_timed_turns_keyed_by_file_name() {
    let t = transcript("igf2023-ws412-captions.vtt");
    assert_eq!(t.key, key(2023, "WS #412"));
    assert_eq!(
        timed(&t),
        [
            (
                "Hannah Okoye",
                "Welcome to our session on evidence that crosses borders. Our first speaker \
                 joins from Nairobi.",
                10,
                Some(1000),
                Some(9000)
            ),
            (
                "Peter Njoroge",
                "Thanks, Hannah. Can you hear me? Requests for data still travel by diplomatic \
                 post.",
                21,
                Some(9000),
                Some(15000)
            ),
            (
                "HANNAH OKOYE",
                "We hear you & the room agrees.",
                27,
                Some(15000),
                Some(18000)
            ),
        ]
    );
    assert_eq!(annotations(&t), [("applause", 1)]);
}

#[test]
fn srt_title_cue_names_the_session_and_markers_split_speakers() {
    let doc = load(&fixture("captions.srt")).unwrap();
    assert_eq!(doc.format, Format::Srt);
    let t = transcript("captions.srt");
    assert_eq!(t.key, key(2022, "Open Forum #18"));
    assert_eq!(
        t.title,
        "IGF 2022 Open Forum #18 Cross-border access to electronic evidence"
    );
    assert_eq!(
        timed(&t),
        [
            (
                "MODERATOR",
                "Good morning, everyone. Let us begin with the first question.",
                7,
                Some(3000),
                Some(9500)
            ),
            (
                "NADIA HADDAD",
                "Thank you. The protocol is now open for signature.",
                15,
                Some(9500),
                Some(12000)
            ),
            (
                "",
                "Can the online room hear us?",
                20,
                Some(12000),
                Some(14000)
            ),
        ]
    );
}

#[test]
fn json_lines_give_one_transcript_per_session_in_order_of_first_appearance() {
    let parsed = parse_path(&fixture("turns.jsonl"));
    let ts: Vec<&Transcript> = parsed
        .iter()
        .map(|p| match p {
            Parsed::Transcript(t) => t,
            Parsed::Page(_) => panic!("jsonl gave a page"),
        })
        .collect();
    assert_eq!(ts.len(), 2);
    assert_eq!(ts[0].key, key(2023, "WS #225"));
    assert_eq!(ts[0].title, "IGF 2023 WS #225 Risks and opportunities");
    let hinted: Vec<(Timed, Option<Stakeholder>)> = ts[0]
        .turns
        .iter()
        .map(|r| {
            (
                (
                    r.label.as_str(),
                    r.text.as_str(),
                    r.line,
                    r.start_ms,
                    r.end_ms,
                ),
                r.stakeholder_hint,
            )
        })
        .collect();
    assert_eq!(
        hinted,
        [
            (
                ("MODERATOR", "Welcome, everyone.", 1, Some(0), Some(4500)),
                None
            ),
            (
                (
                    "IAN TENNANT",
                    "Access is not the same as influence.",
                    2,
                    Some(4500),
                    Some(9000)
                ),
                Some(Stakeholder::CivilSociety)
            ),
            (
                (
                    "TIMEA SUTO",
                    "Business wants legal certainty.",
                    5,
                    None,
                    None
                ),
                Some(Stakeholder::PrivateSector)
            ),
        ]
    );
    assert_eq!(annotations(ts[0]), [("applause", 1)]);
    assert_eq!(ts[1].key, key(2024, "Open Forum #31"));
    assert_eq!(ts[1].title, "");
    assert_eq!(
        turns(ts[1]),
        [("", "A question from the floor about ratification.", 4)]
    );
}

#[test]
fn empty_binary_and_unknown_files_each_give_one_error_naming_the_reason() {
    let empty = fixture("empty.txt");
    assert_eq!(
        load(&empty).unwrap_err().to_string(),
        format!("{}: empty file", empty.display())
    );
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("slides.txt");
    std::fs::write(&binary, b"%PDF-1.7\n\x00\x01\x02binary stream\x00\x00").unwrap();
    assert_eq!(
        load(&binary).unwrap_err().to_string(),
        format!(
            "{}: binary file (looks like PDF): convert it to text first",
            binary.display()
        )
    );
    let unknown = fixture("unknown.txt");
    let doc = load(&unknown).unwrap();
    assert_eq!(doc.format, Format::Unknown);
    let err = parse_document(&doc).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: unknown format: expected a raw transcript (`>> NAME:` turns), a session page \
             (`Speaker N: name, stakeholder, region`), HTML, WebVTT, SRT or JSON Lines",
            unknown.display()
        )
    );
}

#[test]
fn content_decides_the_format_not_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "transcript-cut-off.txt",
            "notes.page.txt",
            Format::Transcript,
        ),
        ("page-classic.txt", "saved.raw.txt", Format::SessionPage),
        ("captions.srt", "captions.txt", Format::Srt),
        ("turns.jsonl", "turns.txt", Format::JsonLines),
        ("page.html", "page.txt", Format::Html),
    ];
    for (src, name, want) in cases {
        let path = dir.path().join(name);
        std::fs::copy(fixture(src), &path).unwrap();
        assert_eq!(load(&path).unwrap().format, want, "{src} as {name}");
    }
}

#[test]
fn discover_lists_fixtures_sorted_and_skips_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b.raw.txt", "a.page.txt", ".hidden.txt"] {
        std::fs::write(dir.path().join(name), ">> A: b").unwrap();
    }
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/c.vtt"), "WEBVTT").unwrap();
    let (files, skipped) = discover(&[dir.path().to_path_buf()]);
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["a.page.txt", "b.raw.txt", "sub/c.vtt"]);
    assert_eq!(skipped, []);
}

/// Every sample session file parses to the key its name carries; pages give every speaker and
/// every moderator heading's person, with a stakeholder group and a region; transcripts lose no
/// turn (turns = `>>` lines minus `>>` lines holding only an annotation).
/// The key a file gives names the session its file name names: the same key, or for a session
/// known by its name, the file name's words as the start of the name.
fn assert_same_session(got: &Option<SessionKey>, want: &Option<SessionKey>, name: &str) {
    let (Some(got), Some(want)) = (got, want) else {
        panic!("{name}: {got:?} against {want:?}");
    };
    if want.code.contains('#') {
        assert_eq!(got, want, "{name}");
    } else {
        assert!(
            got.id().starts_with(&want.id()),
            "{name}: {} against {}",
            got.id(),
            want.id()
        );
    }
}

#[test]
fn sample_corpus_parses_to_file_name_keys_full_rosters_and_every_turn() {
    let dir = crate::util::repo().join("data/sessions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    let (mut pages, mut transcripts) = (0, 0);
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".page.txt") || name.ends_with(".raw.txt")) {
            continue;
        }
        let want = key_from_path(path);
        assert!(want.is_some(), "{name}: the file name carries no key");
        let text = std::fs::read_to_string(path).unwrap();
        match parse_path(path).as_slice() {
            [Parsed::Page(p)] => {
                pages += 1;
                assert_same_session(&p.key, &want, &name);
                assert!(
                    !p.title.is_empty() && p.date.is_some() && p.format.is_some(),
                    "{name}"
                );
                let speaker_lines: std::collections::BTreeSet<&str> = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("Speaker "))
                    .filter_map(|l| l.split_once(": ").map(|(_, rest)| rest))
                    .filter_map(|rest| rest.split(',').next())
                    .map(str::trim)
                    .collect();
                let speakers = p.roster.iter().filter(|e| e.role == Role::Speaker).count();
                assert_eq!(speakers, speaker_lines.len(), "{name}: speakers");
                for (heading, role) in [
                    ("Onsite Moderator", Role::Moderator),
                    ("Online Moderator", Role::OnlineModerator),
                    ("Rapporteur", Role::Rapporteur),
                ] {
                    if text.lines().any(|l| l.trim() == heading) {
                        assert!(
                            p.roster.iter().any(|e| e.role == role),
                            "{name}: no {role:?} under {heading:?}"
                        );
                    }
                }
                assert!(p.roster.iter().any(|e| e.role == Role::Moderator), "{name}");
                for e in p.roster.iter().filter(|e| e.role != Role::Organizer) {
                    assert_ne!(e.stakeholder, Stakeholder::Unknown, "{name}: {e:?}");
                    assert_ne!(e.region, Region::Unknown, "{name}: {e:?}");
                }
            }
            [Parsed::Transcript(t)] => {
                transcripts += 1;
                assert_same_session(&t.key, &want, &name);
                assert!(!t.title.is_empty(), "{name}");
                let markers: Vec<&str> = text
                    .lines()
                    .map(str::trim_start)
                    .filter(|l| l.starts_with(">>"))
                    .collect();
                let annotation_only = markers
                    .iter()
                    .filter(|l| is_annotation_only(l.trim_start_matches('>')))
                    .count();
                assert_eq!(
                    t.turns.len(),
                    markers.len() - annotation_only,
                    "{name}: turns"
                );
                for turn in &t.turns {
                    assert!(!turn.text.contains("(Laughter)"), "{name}:{}", turn.line);
                    assert!(!turn.text.contains("authoritative"), "{name}:{}", turn.line);
                }
            }
            other => panic!("{name}: expected one page or transcript, got {other:?}"),
        }
    }
    if !paths.is_empty() {
        assert!(
            pages > 0 && transcripts > 0,
            "{pages} pages, {transcripts} transcripts"
        );
    }
}
