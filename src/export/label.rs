//! How output names a passage's session and speaker: the session label (`IGF 2023 WS #225
//! “Title”`), a speaker's group and region (the region left out when it only repeats the group),
//! and the one-line citation built from both. Shared by `show`, search output, the report and
//! the REFI-QDA sources.
//!
//! Input: a [`PassageRecord`] (or a group and region). Output: strings. This module formats
//! nothing else and imports no other part of `export`.

use crate::model::{PassageRecord, Region, Stakeholder};

/// A speaker's stakeholder group and region, without the region when it only repeats the group
/// (speakers of intergovernmental organisations have "Intergovernmental Organization" as both).
pub fn group_and_region(stakeholder: Stakeholder, region: Region) -> Vec<&'static str> {
    if region.as_str() == stakeholder.as_str() {
        vec![stakeholder.as_str()]
    } else {
        vec![stakeholder.as_str(), region.as_str()]
    }
}

/// `IGF 2023 WS #225 “Title”`, without repeating the year and code when the title already
/// starts with them (as session pages write it).
pub fn session_label(r: &PassageRecord) -> String {
    let head = format!("IGF {} {}", r.year, r.code);
    match r.title.strip_prefix(&head) {
        Some(rest) if !rest.trim().is_empty() => format!("{head} “{}”", rest.trim()),
        Some(_) => head,
        None if r.title.is_empty() => head,
        None => format!("{head} “{}”", r.title),
    }
}

/// A one-line citation: speaker (group, region), session, title, date, file:line, passage id.
pub fn citation(r: &PassageRecord) -> String {
    let mut s = format!(
        "{} ({}), {}",
        r.speaker,
        group_and_region(r.stakeholder, r.region).join(", "),
        session_label(r)
    );
    if !r.date.is_empty() {
        s.push_str(&format!(", {}", r.date));
    }
    s.push_str(&format!(
        ", {}, passage {}",
        r.full_citation(),
        r.passage_id
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn citation_drops_a_region_that_repeats_the_group() {
        let mut r = test_records()[0].clone();
        r.stakeholder = Stakeholder::Intergovernmental;
        r.region = Region::Intergovernmental;
        assert!(citation(&r)
            .starts_with("Ana Pérez (Intergovernmental Organization), IGF 2023 WS #225"));
        r.stakeholder = Stakeholder::Government;
        r.region = Region::Weog;
        assert!(citation(&r).starts_with("Ana Pérez (Government, WEOG), "));
        r.region = Region::Unknown;
        assert!(citation(&r).starts_with("Ana Pérez (Government, Unknown), "));
    }

    #[test]
    fn session_label_does_not_repeat_the_code() {
        let mut r = test_records()[0].clone();
        assert_eq!(session_label(&r), "IGF 2023 WS #225 “Talks on the treaty”");
        r.title = "IGF 2023 WS #225 Talks on the treaty".into();
        assert_eq!(session_label(&r), "IGF 2023 WS #225 “Talks on the treaty”");
        r.title = String::new();
        assert_eq!(session_label(&r), "IGF 2023 WS #225");
    }
}
