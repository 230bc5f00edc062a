//! Speaker resolution: a transcript's speaker labels → people with a stakeholder group and
//! region. Input: [`RawTurn`]s, the session page's roster (when paired) and the [`Directory`]
//! (registry and organisations). Output: [`Turn`]s whose [`Speaker`] records the method and
//! confidence of the match.
//!
//! Labels as captioners write them: a name with its organisation after a comma or in brackets
//! (the organisation is evidence), a role plus a surname (`MODERATOR JAMIL`), any name order,
//! hyphens, one letter off; and an unnamed `>>` turn whose first words are a known name (`>>
//! Kaja Ciglic I can hear …`) gets that name as its label.
//!
//! Order for a name, first success wins: the session roster (full name; a name part that is
//! unique in the roster; a small typo), where a person the page lists without a group gets
//! the group the page gives their other spelling, else the registry's → the registry's names
//! and aliases → the label's first turn: a self-introduction ("my name is …", "I'm … with …",
//! "I work at …", "on behalf of …") matched to the roster, the registry or an organisation →
//! another speaker's introduction of them ("I give the floor to X from Y") → the organisation in
//! the label → `Unknown`. A role label (`MODERATOR`, `CHAIR`) resolves to the person who
//! introduces themselves in its first turn, else to the roster's moderator when there is
//! exactly one (never the online moderator when an onsite one is listed). Audience labels and
//! unnamed turns stay `Unknown` with role `audience` / `unnamed`.
//!
//! - `directory`: the registry and organisations files (one CSV loader);
//! - `names`: name tokens, matching and label kinds;
//! - `roster`: a page's roster merged and completed from the registry;
//! - `introduction`: introductions, one's own and by others.
//!
//! This module reads no files except through [`Registry::load`] and [`Organizations::load`].

mod directory;
mod introduction;
mod names;
mod roster;

pub use directory::{
    read_table, Column, Directory, Organizations, Person, Registry, Row, EMBEDDED_ORGANIZATIONS,
    EMBEDDED_REGISTRY,
};
pub use introduction::{
    find_introduction, find_introductions_of_others, kind_group, office_group, Introduction,
};
pub use names::{name_key, name_tokens};
pub use roster::Roster;

use crate::model::{
    Method, RawTurn, Region, Role, RosterEntry, SessionPage, Speaker, Stakeholder, Turn,
};
use crate::text::normalize_for_matching;
use names::{classify, match_name, LabelKind};
use std::collections::HashMap;

/// What resolving one session's labels looks things up in.
struct Context<'a> {
    roster: Roster,
    dir: &'a Directory,
    /// People other speakers introduced with an organisation: their name words, the group,
    /// the organisation.
    introduced: Vec<(Vec<String>, Stakeholder, String)>,
}

/// Resolves every turn of one session.
/// Takes the raw turns by value so their text moves into the resolved turns (a transcript of
/// hundreds of MB is not held twice).
pub fn resolve_turns(raw: Vec<RawTurn>, page: Option<&SessionPage>, dir: &Directory) -> Vec<Turn> {
    let roster = Roster::new(
        page.map_or(&[], |p| p.roster.as_slice()),
        &dir.registry,
        &dir.organizations,
    );
    let mut cx = Context {
        roster,
        dir,
        introduced: Vec::new(),
    };
    cx.introduced = introduced_people(&raw, dir);
    let mut cache: HashMap<String, Option<Speaker>> = HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, mut t) in raw.into_iter().enumerate() {
        if t.label.trim().is_empty() {
            if let Some((label, rest)) = cx.name_before_speech(&t.text) {
                t.label = label;
                t.text = rest;
            }
        }
        let key = normalize_for_matching(t.label.trim());
        // A generic speaker label (`PANELIST`) is worn by several people in turn: each turn is
        // its own speaker's, named by what that turn says (cached as `None`: not one person).
        let speaker = match cache.get(&key) {
            Some(Some(s)) => s.clone(),
            Some(None) => cx.resolve_label(&t.label, &t.text),
            None => {
                let s = cx.resolve_label(&t.label, &t.text);
                if !key.is_empty() {
                    let one = (!names_many(&t.label)).then(|| s.clone());
                    cache.insert(key, one);
                }
                s
            }
        };
        let speaker = match t.stakeholder_hint {
            Some(h) if h != speaker.stakeholder => Speaker {
                stakeholder: h,
                method: Method::Source,
                confidence: 1.0,
                ..speaker
            },
            _ => speaker,
        };
        out.push(Turn {
            ordinal: i as u32,
            label: t.label,
            speaker,
            text: t.text,
            line: t.line,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
        });
    }
    out
}

/// Whether a label names no one in particular but a part several people play in turn
/// (`PANELIST`, `SPEAKER`, `PRESENTER`).
fn names_many(label: &str) -> bool {
    matches!(classify(label), LabelKind::Role(Role::Speaker))
}

/// People the speakers introduce with an organisation the directory knows.
fn introduced_people(raw: &[RawTurn], dir: &Directory) -> Vec<(Vec<String>, Stakeholder, String)> {
    let mut out = Vec::new();
    for t in raw {
        for intro in find_introductions_of_others(&t.text) {
            let (Some(name), Some(org)) = (intro.name, intro.organization) else {
                continue;
            };
            if let Some((org_name, sh)) = dir.organizations.find(&org) {
                out.push((name_tokens(&name), sh, org_name.to_string()));
            } else if let Some(sh) = office_group(&org).or_else(|| kind_group(&org)) {
                out.push((name_tokens(&name), sh, org));
            }
        }
    }
    out
}

/// The name part of a name label: what comes before a comma or an opening bracket
/// (`Thomas SCHNEIDER (OFCOM)` → `Thomas SCHNEIDER`).
fn label_name(label: &str) -> String {
    label
        .split([',', '('])
        .next()
        .unwrap_or(label)
        .trim()
        .to_string()
}

fn from_roster(e: &RosterEntry, method: Method, confidence: f32, role: Option<Role>) -> Speaker {
    Speaker {
        name: e.name.clone(),
        stakeholder: e.stakeholder,
        region: e.region,
        role: role.unwrap_or(e.role),
        affiliation: e.affiliation.clone(),
        method,
        confidence,
    }
}

fn from_person(p: &Person, method: Method, confidence: f32, role: Role) -> Speaker {
    Speaker {
        name: p.name.clone(),
        stakeholder: p.stakeholder,
        region: p.region,
        role,
        affiliation: p.affiliation.clone(),
        method,
        confidence,
    }
}

fn unknown(label: &str, role: Role, method: Method) -> Speaker {
    Speaker {
        name: label.trim().to_string(),
        stakeholder: Stakeholder::Unknown,
        region: Region::Unknown,
        role,
        affiliation: None,
        method,
        confidence: 0.0,
    }
}

/// A speaker whose organisation gave the group.
fn by_organization(
    name: String,
    org: &str,
    stakeholder: Stakeholder,
    role: Role,
    method: Method,
    confidence: f32,
) -> Speaker {
    Speaker {
        name,
        stakeholder,
        region: Region::Unknown,
        role,
        affiliation: Some(org.to_string()),
        method,
        confidence,
    }
}

impl Context<'_> {
    /// Looks a name up in the roster, then the registry.
    fn lookup_name(&self, tokens: &[String], role: Option<Role>) -> Option<Speaker> {
        let roster = &self.roster;
        if let Some((i, method, conf)) = match_name(tokens, &roster.names) {
            // A person listed under several roles: prefer the speaking entry's group (identical
            // in practice), keep the label's role when it gave one. A group the page did not
            // give came from the registry, and the method says so.
            let method = match roster.group_from[i] {
                m @ (Method::Registry | Method::Organization) => m,
                _ => method,
            };
            return Some(from_roster(&roster.entries[i], method, conf, role));
        }
        let reg = &self.dir.registry;
        let role = role.unwrap_or(Role::Speaker);
        if let Some(p) = reg.lookup(&tokens.join(" ")) {
            return Some(from_person(p, Method::Registry, 0.9, role));
        }
        match match_name(tokens, reg.name_tokens()) {
            Some((i, Method::Roster, _)) => {
                Some(from_person(&reg.people()[i], Method::Registry, 0.9, role))
            }
            Some((i, _, conf)) => Some(from_person(
                &reg.people()[i],
                Method::Registry,
                conf * 0.9,
                role,
            )),
            None => None,
        }
    }

    /// A registry row is another session's (often another year's) fact; the speaker's own
    /// words in this one win over it: when their first turn says whom they work for ("I work
    /// at …", "on behalf of …") and that organisation's group differs from the registry's,
    /// the organisation gives the group. A roster match (this session's page) is kept.
    fn own_words_over_registry(&self, s: Speaker, label: &str, first_text: &str) -> Speaker {
        if s.method != Method::Registry {
            return s;
        }
        match self.introduce(first_text, Role::Speaker, false, Some(label_name(label))) {
            Some(e)
                if e.method == Method::Organization
                    && e.stakeholder != Stakeholder::Unknown
                    && e.stakeholder != s.stakeholder =>
            {
                Speaker {
                    stakeholder: e.stakeholder,
                    affiliation: e.affiliation,
                    method: Method::Organization,
                    confidence: e.confidence,
                    ..s
                }
            }
            _ => s,
        }
    }

    /// An unnamed turn that opens with a known name and no colon (`Kaja Ciglic I can hear …`):
    /// the name (two to four capitalised words that are a roster or registry name, in full) and
    /// the speech after it.
    fn name_before_speech(&self, text: &str) -> Option<(String, String)> {
        let words: Vec<&str> = text.split_whitespace().take(4).collect();
        for n in (2..=words.len().min(4)).rev() {
            let head = &words[..n];
            let capitalised = head.iter().all(|w| {
                w.chars().next().is_some_and(char::is_uppercase) && !w.ends_with(['.', '?', '!'])
            });
            if !capitalised {
                continue;
            }
            let tokens = name_tokens(&head.join(" "));
            let on_roster = matches!(
                match_name(&tokens, &self.roster.names),
                Some((_, Method::Roster, _))
            );
            if on_roster || self.dir.registry.lookup(&tokens.join(" ")).is_some() {
                let mut rest = text.trim_start();
                for w in head {
                    rest = rest[w.len()..].trim_start();
                }
                let rest = rest.trim_start_matches([',', ':', '-', '–']).trim_start();
                return Some((
                    head.join(" ").trim_end_matches(',').to_string(),
                    rest.to_string(),
                ));
            }
        }
        None
    }

    fn resolve_label(&self, label: &str, first_text: &str) -> Speaker {
        match classify(label) {
            // A bare `>>` whose speaker names themselves (`>> My name is Ann Lee, I work for …`).
            LabelKind::Unnamed => self
                .introduce(first_text, Role::Speaker, false, None)
                .unwrap_or_else(|| unknown(label, Role::Unnamed, Method::Unnamed)),
            LabelKind::Audience => unknown(label, Role::Audience, Method::Audience),
            LabelKind::Name(tokens, org) => {
                self.resolve_name(label, &tokens, org.as_deref(), first_text)
            }
            LabelKind::RoleName(role, tokens) => {
                if let Some(s) = self.lookup_name(&tokens, Some(role)) {
                    let on_roster = matches!(
                        s.method,
                        Method::Roster | Method::RosterPartial | Method::RosterFuzzy
                    );
                    return Speaker {
                        method: if on_roster { Method::Role } else { s.method },
                        ..s
                    };
                }
                self.introduce(first_text, role, true, None)
                    .unwrap_or_else(|| unknown(label, role, Method::Unresolved))
            }
            LabelKind::Role(role) => self.resolve_role(label, role, first_text),
        }
    }

    /// A name label: the roster or registry; a person known there without a group gets it
    /// from their introduction; else the introduction, another speaker's introduction of
    /// them, or the organisation written in the label.
    fn resolve_name(
        &self,
        label: &str,
        tokens: &[String],
        org: Option<&str>,
        first_text: &str,
    ) -> Speaker {
        let found = self.lookup_name(tokens, None);
        if let Some(s) = found
            .as_ref()
            .filter(|s| s.stakeholder != Stakeholder::Unknown)
        {
            return self.own_words_over_registry(s.clone(), label, first_text);
        }
        let evidence = self
            .introduce(first_text, Role::Speaker, false, Some(label_name(label)))
            .filter(|s| s.stakeholder != Stakeholder::Unknown)
            .or_else(|| self.introduced_by_others(label, tokens))
            .or_else(|| {
                let (org_name, sh) = self.dir.organizations.find(org?)?;
                Some(by_organization(
                    label_name(label),
                    org_name,
                    sh,
                    Role::Speaker,
                    Method::Organization,
                    0.6,
                ))
            });
        match (found, evidence) {
            // Known by name, grouped by what they (or others) say.
            (Some(s), Some(e)) => Speaker {
                stakeholder: e.stakeholder,
                affiliation: s.affiliation.or(e.affiliation),
                method: e.method,
                confidence: e.confidence,
                ..s
            },
            (Some(s), None) => s,
            (None, Some(e)) => e,
            (None, None) => unknown(label, Role::Speaker, Method::Unresolved),
        }
    }

    /// Another speaker introduced this label's person with an organisation the directory knows.
    fn introduced_by_others(&self, label: &str, tokens: &[String]) -> Option<Speaker> {
        let (_, sh, org) = self.introduced.iter().find(|(name, _, _)| {
            !name.is_empty()
                && tokens.last().is_some_and(|t| name.contains(t))
                && name.iter().filter(|w| tokens.contains(w)).count() >= name.len().min(2)
        })?;
        Some(by_organization(
            label_name(label),
            org,
            *sh,
            Role::Speaker,
            Method::Introduced,
            0.4,
        ))
    }

    /// A role label: the person who introduces themselves in its first turn, else the roster's
    /// only holder of the role (an onsite moderator before an online one).
    fn resolve_role(&self, label: &str, role: Role, first_text: &str) -> Speaker {
        // A name they give wins; an organisation alone ("here at ICANN we …") only when the
        // roster does not name the role's holder.
        let intro = self.introduce(first_text, role, true, None);
        if let Some(s) = intro.as_ref().filter(|s| !s.name.starts_with('(')) {
            return s.clone();
        }
        if let Some(s) = self.roster_holder(role) {
            return s;
        }
        intro.unwrap_or_else(|| unknown(label, role, Method::Unresolved))
    }

    /// The roster's only holder of a role (an onsite moderator before an online one).
    fn roster_holder(&self, role: Role) -> Option<Speaker> {
        let wanted: &[Role] = match role {
            Role::OnlineModerator => &[Role::OnlineModerator, Role::Moderator],
            Role::Rapporteur => &[Role::Rapporteur],
            Role::Speaker => &[],
            _ => &[Role::Moderator, Role::Chair, Role::OnlineModerator],
        };
        for w in wanted {
            let hits: Vec<usize> = (0..self.roster.entries.len())
                .filter(|&i| self.roster.entries[i].role == *w)
                .collect();
            if let [i] = hits.as_slice() {
                return Some(from_roster(
                    &self.roster.entries[*i],
                    Method::Role,
                    0.8,
                    Some(role),
                ));
            }
            if hits.len() > 1 {
                break;
            }
        }
        None
    }

    /// Resolves a speaker from a self-introduction in their first turn: the name it gives
    /// (looked up in the roster and the registry), and the organisation it names. With
    /// `keep_name`, a name found nowhere still names the speaker (a generic label's person).
    /// `label_name` is the name a name label already gives: an introduction that names only
    /// an organisation ("I work for the Ministry of Justice") keeps it as the speaker's name.
    fn introduce(
        &self,
        text: &str,
        role: Role,
        keep_name: bool,
        label_name: Option<String>,
    ) -> Option<Speaker> {
        let intro = find_introduction(text)?;
        // An organisation the list does not hold still says its group by its kind
        // (`Ministry of …`, `… University`, `… Inc.`).
        let org = intro.organization.as_deref().and_then(|o| {
            self.dir
                .organizations
                .find(o)
                .or_else(|| Some((o, office_group(o).or_else(|| kind_group(o))?)))
        });
        if let Some(name) = &intro.name {
            if let Some(s) = self.lookup_name(&name_tokens(name), Some(role)) {
                let s = Speaker {
                    method: Method::SelfIntroduction,
                    confidence: (s.confidence * 0.8).min(0.8),
                    ..s
                };
                return Some(match org {
                    Some((o, sh)) if s.stakeholder == Stakeholder::Unknown => Speaker {
                        stakeholder: sh,
                        affiliation: s.affiliation.clone().or_else(|| Some(o.to_string())),
                        ..s
                    },
                    _ => s,
                });
            }
        }
        match (org, intro.name) {
            (Some((o, sh)), name) => {
                let name = name.or(label_name).unwrap_or_else(|| format!("({o})"));
                Some(by_organization(
                    name,
                    o,
                    sh,
                    role,
                    Method::Organization,
                    0.5,
                ))
            }
            (None, Some(name)) if keep_name => Some(Speaker {
                confidence: 0.5,
                ..unknown(&name, role, Method::SelfIntroduction)
            }),
            (None, _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, sh: Stakeholder, region: Region, role: Role) -> RosterEntry {
        RosterEntry {
            name: name.into(),
            affiliation: None,
            stakeholder: sh,
            region,
            role,
        }
    }

    fn page() -> SessionPage {
        SessionPage {
            roster: vec![
                entry(
                    "Briony Daley Whitworth",
                    Stakeholder::Government,
                    Region::Weog,
                    Role::Speaker,
                ),
                entry(
                    "Claudio Peguero",
                    Stakeholder::Government,
                    Region::Grulac,
                    Role::Speaker,
                ),
                entry(
                    "Timea Suto",
                    Stakeholder::PrivateSector,
                    Region::EasternEuropean,
                    Role::Speaker,
                ),
                entry(
                    "John Hering",
                    Stakeholder::PrivateSector,
                    Region::Weog,
                    Role::Moderator,
                ),
                entry(
                    "Pavlina Pavlova",
                    Stakeholder::CivilSociety,
                    Region::Weog,
                    Role::OnlineModerator,
                ),
                entry(
                    "Kerry-Ann Barrett",
                    Stakeholder::Intergovernmental,
                    Region::Intergovernmental,
                    Role::Speaker,
                ),
            ],
            ..SessionPage::default()
        }
    }

    fn turn(label: &str, text: &str) -> RawTurn {
        RawTurn {
            label: label.into(),
            text: text.into(),
            line: 1,
            start_ms: None,
            end_ms: None,
            stakeholder_hint: None,
        }
    }

    fn resolve_one(label: &str, text: &str) -> Speaker {
        let p = page();
        resolve_turns(vec![turn(label, text)], Some(&p), &Directory::embedded())
            .remove(0)
            .speaker
    }

    #[test]
    fn labels_resolve_in_order() {
        struct Case {
            label: &'static str,
            text: &'static str,
            name: &'static str,
            stakeholder: Stakeholder,
            method: Method,
            role: Role,
        }
        let cases = [
            Case {
                label: "CLAUDIO PEGUERO",
                text: "Thanks.",
                name: "Claudio Peguero",
                stakeholder: Stakeholder::Government,
                method: Method::Roster,
                role: Role::Speaker,
            },
            Case {
                label: "AMBASSADOR PEGUERO",
                text: "Thanks.",
                name: "Claudio Peguero",
                stakeholder: Stakeholder::Government,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "SUTO",
                text: "Yes.",
                name: "Timea Suto",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "Briony Whitworth",
                text: "Yes.",
                name: "Briony Daley Whitworth",
                stakeholder: Stakeholder::Government,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "TIMEA SUTTO",
                text: "Yes.",
                name: "Timea Suto",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::RosterFuzzy,
                role: Role::Speaker,
            },
            Case {
                label: "KERRY\u{2011}ANN BARRETT",
                text: "Yes.",
                name: "Kerry-Ann Barrett",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Roster,
                role: Role::Speaker,
            },
            Case {
                label: "MODERATOR",
                text: "Welcome.",
                name: "John Hering",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::Role,
                role: Role::Moderator,
            },
            Case {
                label: "MODERATOR HERING",
                text: "Welcome.",
                name: "John Hering",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::Role,
                role: Role::Moderator,
            },
            Case {
                label: "MARTHA STICKINGS",
                text: "A question.",
                name: "Martha Stickings",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Registry,
                role: Role::Speaker,
            },
            Case {
                label: "DR. ALEXANDER SEGER",
                text: "A point.",
                name: "Alexander Seger",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Registry,
                role: Role::Speaker,
            },
            Case {
                label: "JORGE ALVAREZ",
                text: "Hello, I'm Jorge Alvarez with Access Now, and I have a question.",
                name: "Jorge Alvarez",
                stakeholder: Stakeholder::CivilSociety,
                method: Method::Organization,
                role: Role::Speaker,
            },
            Case {
                label: "FLOOR SPEAKER X",
                text: "My name is Sheetal Kumar, from a rights group.",
                name: "Sheetal Kumar",
                stakeholder: Stakeholder::CivilSociety,
                method: Method::SelfIntroduction,
                role: Role::Speaker,
            },
            Case {
                label: "AUDIENCE MEMBER",
                text: "My name is Lindiwe Mokoena.",
                name: "AUDIENCE MEMBER",
                stakeholder: Stakeholder::Unknown,
                method: Method::Audience,
                role: Role::Audience,
            },
            Case {
                label: "",
                text: "Testing, testing.",
                name: "",
                stakeholder: Stakeholder::Unknown,
                method: Method::Unnamed,
                role: Role::Unnamed,
            },
            Case {
                label: "ZARA QUILLFEATHER",
                text: "Good morning.",
                name: "ZARA QUILLFEATHER",
                stakeholder: Stakeholder::Unknown,
                method: Method::Unresolved,
                role: Role::Speaker,
            },
        ];
        for c in cases {
            let s = resolve_one(c.label, c.text);
            assert_eq!(
                (s.name.as_str(), s.stakeholder, s.method, s.role),
                (c.name, c.stakeholder, c.method, c.role),
                "label {:?}",
                c.label
            );
        }
    }

    #[test]
    fn a_person_listed_twice_is_one_roster_entry_with_the_speaking_role() {
        let mut p = page();
        p.roster.insert(
            0,
            RosterEntry {
                name: "Timea Suto".into(),
                affiliation: Some("ICC".into()),
                stakeholder: Stakeholder::Unknown,
                region: Region::Unknown,
                role: Role::Organizer,
            },
        );
        let t = resolve_turns(vec![turn("SUTO", "Yes.")], Some(&p), &Directory::embedded());
        let s = &t[0].speaker;
        assert_eq!(
            (
                s.role,
                s.stakeholder,
                s.region,
                s.affiliation.as_deref(),
                s.method
            ),
            (
                Role::Speaker,
                Stakeholder::PrivateSector,
                Region::EasternEuropean,
                Some("ICC"),
                Method::RosterPartial
            )
        );
    }

    #[test]
    fn moderator_label_maps_to_roster_moderator_or_self_introduction() {
        let s = resolve_one("MODERATOR", "Good afternoon.");
        assert_eq!(s.name, "John Hering");
        let no_page = resolve_turns(
            vec![turn(
                "MODERATOR",
                "Good afternoon, my name is Pavlina Pavlova and I will moderate.",
            )],
            None,
            &Directory::embedded(),
        );
        assert_eq!(no_page[0].speaker.name, "Pavlina Pavlova");
        assert_eq!(no_page[0].speaker.method, Method::SelfIntroduction);
        assert_eq!(no_page[0].speaker.role, Role::Moderator);
    }

    #[test]
    fn the_speakers_own_organisation_wins_over_a_registry_row_of_another_session() {
        let dir = Directory::embedded();
        let said = resolve_turns(
            vec![turn(
                "TIMEA SUTO",
                "Thank you. I work for the Ministry of Justice, and I will be brief.",
            )],
            None,
            &dir,
        );
        let s = &said[0].speaker;
        assert_eq!(
            (
                s.name.as_str(),
                s.stakeholder,
                s.method,
                s.affiliation.as_deref()
            ),
            (
                "Timea Suto",
                Stakeholder::Government,
                Method::Organization,
                Some("Ministry of Justice")
            )
        );
        let silent = resolve_turns(vec![turn("TIMEA SUTO", "Thank you.")], None, &dir);
        assert_eq!(
            (silent[0].speaker.stakeholder, silent[0].speaker.method),
            (Stakeholder::PrivateSector, Method::Registry)
        );
    }

    #[test]
    fn each_panelist_turn_is_its_own_speakers_and_none_inherits_another() {
        let turns = resolve_turns(
            vec![
                turn(
                    "PANELIST",
                    "Hello, I'm Ada Quist and I work for the Ministry of Justice.",
                ),
                turn("MODERATOR", "Thank you. Next, please."),
                turn(
                    "PANELIST",
                    "Thanks. My name is Bo Lind, I work for Lindcraft Inc.",
                ),
                turn("PANELIST", "I agree with what was said before."),
            ],
            None,
            &Directory::embedded(),
        );
        let got: Vec<(&str, Stakeholder)> = turns
            .iter()
            .map(|t| (t.speaker.name.as_str(), t.speaker.stakeholder))
            .collect();
        assert_eq!(got[0], ("Ada Quist", Stakeholder::Government));
        assert_eq!(got[2], ("Bo Lind", Stakeholder::PrivateSector));
        assert_eq!(got[3].1, Stakeholder::Unknown, "{got:?}");
        assert_ne!(got[3].0, "Bo Lind");
    }
}
