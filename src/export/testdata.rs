//! Records for the unit tests of the export modules: two sessions, four groups, timed and
//! untimed passages, tags of both polarities.

use crate::model::{PassageRecord, Polarity};

pub(crate) fn test_records() -> Vec<PassageRecord> {
    use crate::model::{DecidedBy, Evidence, Method, Region, Role, Stakeholder, Tag};
    let tag = |theme: &str, polarity| Tag {
        theme: theme.into(),
        polarity,
        score: 1.0,
        decided_by: DecidedBy::Default,
        evidence: Evidence {
            terms: vec![(theme.replace('-', " ").into(), 0)],
            cue: None,
        },
        coder: None,
    };
    let base = |id: u64, session: &str, turn: u32, ordinal: u32, speaker: &str| {
        let y2023 = session == "2023-ws-225";
        PassageRecord {
            passage_id: id,
            session: session.into(),
            code: if y2023 { "WS #225" } else { "Open Forum #1" }.into(),
            year: if y2023 { 2023 } else { 2022 },
            title: if y2023 {
                "Talks on the treaty"
            } else {
                "A forum"
            }
            .into(),
            date: if y2023 { "2023-10-10" } else { "2022-11-29" }.into(),
            speaker: speaker.into(),
            label: speaker.to_uppercase(),
            role: Role::Speaker,
            method: Method::Roster,
            confidence: 1.0,
            turn,
            ordinal,
            language: "eng".into(),
            words: 10,
            taxonomy: "tax1".into(),
            source: if y2023 { "s/2023.txt" } else { "s/2022.txt" }.into(),
            ..PassageRecord::default()
        }
    };
    let group = |mut r: PassageRecord, s: &str, g: &str| {
        r.stakeholder = Stakeholder::parse(s).unwrap();
        r.region = Region::parse(g).unwrap();
        r
    };
    let mut v = vec![
        group(
            base(1, "2023-ws-225", 0, 0, "Ana Pérez"),
            "Civil Society",
            "GRULAC",
        ),
        group(
            base(2, "2023-ws-225", 1, 0, "Tom Becker"),
            "Private Sector",
            "WEOG",
        ),
        group(
            base(3, "2023-ws-225", 1, 1, "Tom Becker"),
            "Private Sector",
            "WEOG",
        ),
        group(
            base(10, "2022-of-1", 0, 0, "Tom Becker"),
            "Private Sector",
            "WEOG",
        ),
        group(
            base(11, "2022-of-1", 1, 0, "MODERATOR"),
            "Unknown",
            "Unknown",
        ),
    ];
    v[0].tags = vec![tag("security-research", Polarity::Risk)];
    v[1].tags = vec![
        tag("security-research", Polarity::Risk),
        tag("scope", Polarity::Risk),
    ];
    v[2].tags = vec![tag("cooperation", Polarity::Opportunity)];
    v[3].tags = vec![tag("security-research", Polarity::Risk)];
    v[4].role = Role::Moderator;
    let lines = [5, 9, 11, 3, 7];
    let texts = [
        "Welcome all, today we ask what the treaty means for people who test systems.",
        "Good faith testers must not be treated as criminals under an overbroad text.",
        "We also see a real chance to work with police on evidence across borders.",
        "People who report flaws in software deserve a safe harbour in the new law.",
        "Thank you, we now open the floor to questions from the room and online.",
    ];
    for (k, r) in v.iter_mut().enumerate() {
        r.line = lines[k];
        r.text = texts[k].into();
    }
    v[3].start_ms = Some(0);
    v[3].end_ms = Some(5000);
    v[4].start_ms = Some(5000);
    v[4].end_ms = Some(7500);
    v
}
