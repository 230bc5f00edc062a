//! A passage with the turns around it, for quoting in context (`igf-lens show`).
//!
//! Input: the cited [`PassageRecord`] and the passages of the turns around it (from
//! [`crate::index::Reader::turn_context`]). Output: text with a session header, each turn
//! under its speaker, the cited passage marked with `»`, the cited passage's tags with their
//! evidence, and a citation line. This module does not read the index.

use super::hits::wrap;
use super::label::{citation, group_and_region, session_label};
use super::terminal::for_terminal;
use crate::model::{DecidedBy, PassageRecord, Tag};

/// Renders the context of `target`, wrapped to `width` columns, for a terminal: control
/// characters of the data are shown as visible stand-ins ([`for_terminal`]).
pub fn render_context(target: &PassageRecord, context: &[PassageRecord], width: usize) -> String {
    let out = context_text(target, context, width);
    for_terminal(&out).into_owned()
}

fn context_text(target: &PassageRecord, context: &[PassageRecord], width: usize) -> String {
    let width = width.max(40);
    let mut out = String::new();
    out.push_str(&session_label(target));
    if !target.date.is_empty() {
        out.push_str(&format!(" ({})", target.date));
    }
    out.push_str("\n\n");
    let mut current_turn: Option<u32> = None;
    for p in context {
        if current_turn != Some(p.turn) {
            if current_turn.is_some() {
                out.push('\n');
            }
            current_turn = Some(p.turn);
            let mut who = group_and_region(p.stakeholder, p.region);
            who.push(p.role.as_str());
            out.push_str(&format!(
                "[turn {}] {} ({}) · {}\n",
                p.turn,
                p.speaker,
                who.join(", "),
                p.full_citation()
            ));
        }
        let mark = if p.passage_id == target.passage_id {
            "» "
        } else {
            "  "
        };
        for line in wrap(&p.text, width - 2) {
            let words: Vec<&str> = line.iter().map(|r| &p.text[r.clone()]).collect();
            out.push_str(mark);
            out.push_str(&words.join(" "));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&render_tags(&target.tags));
    out.push_str(&format!("\ncite as: {}\n", citation(target)));
    out
}

/// The tags of a passage, one per line: `theme:polarity`, score, the matched terms with their
/// token positions, and the cue that decided the polarity (`default` when none did).
pub fn render_tags(tags: &[Tag]) -> String {
    if tags.is_empty() {
        return "themes: none\n".into();
    }
    let mut out = String::from("themes:\n");
    for t in tags {
        out.push_str(&format!(
            "  {:<34} score {:.2}  terms: {}  {}\n",
            t.label(),
            t.score,
            t.evidence.join_terms(", "),
            decided(t)
        ));
    }
    out
}

/// What decided a tag's polarity, for people: `cue: WORD`, `cue: default` (the theme's default),
/// or `decided by: model` / `decided by: human`, with the dictionary's cue when there was one
/// (so a model that overrode a cue shows it).
pub fn decided(t: &Tag) -> String {
    let cue = t.evidence.cue.as_deref();
    match (t.decided_by, cue) {
        (DecidedBy::Cue | DecidedBy::Default, _) => format!("cue: {}", cue.unwrap_or("default")),
        (d, Some(c)) => format!("decided by: {d} (dictionary cue: {c})"),
        (d, None) => format!("decided by: {d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;
    use crate::model::{Region, Stakeholder};

    #[test]
    fn a_turn_header_leaves_out_a_region_that_repeats_the_group() {
        let mut r = test_records()[0].clone();
        r.stakeholder = Stakeholder::Government;
        r.region = Region::Weog;
        assert!(render_context(&r, std::slice::from_ref(&r), 80)
            .contains("[turn 0] Ana Pérez (Government, WEOG, speaker) · s/2023.txt:5"));
        r.stakeholder = Stakeholder::Intergovernmental;
        r.region = Region::Intergovernmental;
        assert!(render_context(&r, std::slice::from_ref(&r), 80).contains(
            "[turn 0] Ana Pérez (Intergovernmental Organization, speaker) · s/2023.txt:5"
        ));
    }

    #[test]
    fn a_passage_without_tags_says_so() {
        assert_eq!(render_tags(&[]), "themes: none\n");
    }

    #[test]
    fn marks_the_cited_passage_and_groups_turns() {
        let recs = test_records();
        let ctx: Vec<PassageRecord> = recs
            .iter()
            .filter(|r| r.session == "2023-ws-225")
            .cloned()
            .collect();
        let target = &ctx[1];
        let out = render_context(target, &ctx, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "IGF 2023 WS #225 “Talks on the treaty” (2023-10-10)"
        );
        assert_eq!(
            lines[2],
            "[turn 0] Ana Pérez (Civil Society, GRULAC, speaker) · s/2023.txt:5"
        );
        assert_eq!(lines[3], format!("  {}", ctx[0].text));
        assert_eq!(
            lines[5],
            "[turn 1] Tom Becker (Private Sector, WEOG, speaker) · s/2023.txt:9"
        );
        assert_eq!(lines[6], format!("» {}", ctx[1].text));
        assert_eq!(lines[7], format!("  {}", ctx[2].text));
        assert_eq!(lines[9], "themes:");
        assert_eq!(
            lines[10],
            "  security-research:risk             score 1.00  terms: security research@0  cue: default"
        );
        assert_eq!(
            lines[11],
            "  scope:risk                         score 1.00  terms: scope@0  cue: default"
        );
        assert_eq!(
            lines.last().copied(),
            Some("cite as: Tom Becker (Private Sector, WEOG), IGF 2023 WS #225 “Talks on the treaty”, 2023-10-10, s/2023.txt:9, passage 2")
        );
    }
}
