//! Speaker resolution: a transcript's speaker labels → people with a stakeholder group and
//! region. Input: [`RawTurn`]s, the session page's roster (when paired) and the [`Directory`]
//! (registry and organisations). Output: [`Turn`]s whose [`Speaker`] records the method and
//! confidence of the match.
//!
//! Order, first success wins: the session roster (full name; a name part that is unique in the
//! roster; a small typo) → the registry's names and aliases → role labels (`MODERATOR`,
//! `CHAIR` → the roster's moderator; a role plus a name → that name) → a self-introduction in
//! the label's first turn ("my name is …, from …") matched to the roster, the registry or an
//! organisation → `Unknown`. Audience labels and unnamed turns stay `Unknown` with role
//! `audience` / `unnamed`.
//!
//! - `directory`: the registry and organisations files (one CSV loader);
//! - `names`: name tokens, matching and label kinds;
//! - `introduction`: self-introductions.
//!
//! This module reads no files except through [`Registry::load`] and [`Organizations::load`].

mod directory;
mod introduction;
mod names;

pub use directory::{
    Directory, Organizations, Person, Registry, EMBEDDED_ORGANIZATIONS, EMBEDDED_REGISTRY,
};
pub use introduction::{find_introduction, Introduction};
pub use names::name_key;

use crate::model::{
    Method, RawTurn, Region, Role, RosterEntry, SessionPage, Speaker, Stakeholder, Turn,
};
use crate::text::normalize_for_matching;
use names::{classify, match_name, name_tokens, LabelKind};
use std::collections::HashMap;

/// How much a roster role says about who speaks: speaking roles first, organisers last.
fn role_rank(role: Role) -> u8 {
    match role {
        Role::Speaker => 0,
        Role::Moderator | Role::Chair => 1,
        Role::OnlineModerator => 2,
        Role::Rapporteur => 3,
        _ => 4,
    }
}

/// One entry per person: a page lists someone once per role (organiser, speaker, moderator).
/// Keeps the most telling role, and fills a missing group, region or affiliation from the other
/// entries of the same person.
fn merge_roster(roster: &[RosterEntry]) -> Vec<RosterEntry> {
    let mut out: Vec<RosterEntry> = Vec::with_capacity(roster.len());
    let mut keys: Vec<String> = Vec::with_capacity(roster.len());
    for e in roster {
        let k = name_key(&e.name);
        if k.is_empty() {
            continue;
        }
        match keys.iter().position(|x| *x == k) {
            Some(i) => {
                let cur = &mut out[i];
                let keep_role = role_rank(cur.role) <= role_rank(e.role);
                if !keep_role {
                    cur.role = e.role;
                }
                if cur.stakeholder == Stakeholder::Unknown {
                    cur.stakeholder = e.stakeholder;
                }
                if cur.region == Region::Unknown {
                    cur.region = e.region;
                }
                if cur.affiliation.is_none() {
                    cur.affiliation.clone_from(&e.affiliation);
                }
            }
            None => {
                keys.push(k);
                out.push(e.clone());
            }
        }
    }
    out
}

/// Resolves every turn of one session.
/// Takes the raw turns by value so their text moves into the resolved turns (a transcript of
/// hundreds of MB is not held twice).
pub fn resolve_turns(raw: Vec<RawTurn>, page: Option<&SessionPage>, dir: &Directory) -> Vec<Turn> {
    let roster = merge_roster(page.map_or(&[], |p| p.roster.as_slice()));
    let roster = roster.as_slice();
    let roster_names: Vec<Vec<String>> = roster.iter().map(|r| name_tokens(&r.name)).collect();
    let mut cache: HashMap<String, Speaker> = HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, t) in raw.into_iter().enumerate() {
        let key = normalize_for_matching(t.label.trim());
        let speaker = match cache.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = resolve_label(&t.label, &t.text, roster, &roster_names, dir);
                if !key.is_empty() {
                    cache.insert(key, s.clone());
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

/// Looks a name up in the roster, then the registry.
fn lookup_name(
    tokens: &[String],
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
    role: Option<Role>,
) -> Option<Speaker> {
    if let Some((i, method, conf)) = match_name(tokens, roster_names) {
        // A person listed under several roles: prefer the speaking entry's group (identical in
        // practice), keep the label's role when it gave one.
        return Some(from_roster(&roster[i], method, conf, role));
    }
    let reg = &dir.registry;
    if let Some(p) = reg.lookup(&tokens.join(" ")) {
        return Some(from_person(
            p,
            Method::Registry,
            0.9,
            role.unwrap_or(Role::Speaker),
        ));
    }
    match match_name(tokens, reg.name_tokens()) {
        Some((i, Method::Roster, _)) => Some(from_person(
            &reg.people()[i],
            Method::Registry,
            0.9,
            role.unwrap_or(Role::Speaker),
        )),
        Some((i, _, conf)) => Some(from_person(
            &reg.people()[i],
            Method::Registry,
            conf * 0.9,
            role.unwrap_or(Role::Speaker),
        )),
        None => None,
    }
}

fn resolve_label(
    label: &str,
    first_text: &str,
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
) -> Speaker {
    match classify(label) {
        LabelKind::Unnamed => unknown(label, Role::Unnamed, Method::Unnamed),
        LabelKind::Audience => unknown(label, Role::Audience, Method::Audience),
        LabelKind::Name(tokens, org) => {
            if let Some(s) = lookup_name(&tokens, roster, roster_names, dir, None) {
                return s;
            }
            if let Some(s) = introduce(first_text, roster, roster_names, dir, Role::Speaker) {
                return s;
            }
            if let Some((name, sh)) = org.as_deref().and_then(|o| dir.organizations.find(o)) {
                return Speaker {
                    name: label.split(',').next().unwrap_or(label).trim().to_string(),
                    stakeholder: sh,
                    region: Region::Unknown,
                    role: Role::Speaker,
                    affiliation: Some(name.to_string()),
                    method: Method::Organization,
                    confidence: 0.6,
                };
            }
            unknown(label, Role::Speaker, Method::Unresolved)
        }
        LabelKind::RoleName(role, tokens) => {
            if let Some(s) = lookup_name(&tokens, roster, roster_names, dir, Some(role)) {
                let on_roster = matches!(
                    s.method,
                    Method::Roster | Method::RosterPartial | Method::RosterFuzzy
                );
                return Speaker {
                    method: if on_roster { Method::Role } else { s.method },
                    ..s
                };
            }
            introduce(first_text, roster, roster_names, dir, role)
                .unwrap_or_else(|| unknown(label, role, Method::Unresolved))
        }
        LabelKind::Role(role) => {
            let wanted: &[Role] = match role {
                Role::OnlineModerator => &[Role::OnlineModerator, Role::Moderator],
                Role::Rapporteur => &[Role::Rapporteur],
                Role::Speaker => &[],
                _ => &[Role::Moderator, Role::Chair, Role::OnlineModerator],
            };
            for w in wanted {
                let hits: Vec<&RosterEntry> = roster.iter().filter(|e| e.role == *w).collect();
                if hits.len() == 1 {
                    return from_roster(hits[0], Method::Role, 0.8, Some(role));
                }
                if hits.len() > 1 {
                    break;
                }
            }
            introduce(first_text, roster, roster_names, dir, role)
                .unwrap_or_else(|| unknown(label, role, Method::Unresolved))
        }
    }
}

/// Resolves a speaker from a self-introduction in their first turn.
fn introduce(
    text: &str,
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
    role: Role,
) -> Option<Speaker> {
    let intro = find_introduction(text)?;
    if let Some(name) = &intro.name {
        if let Some(s) = lookup_name(&name_tokens(name), roster, roster_names, dir, Some(role)) {
            return Some(Speaker {
                method: Method::SelfIntroduction,
                confidence: (s.confidence * 0.8).min(0.8),
                ..s
            });
        }
    }
    let org = intro.organization.as_deref()?;
    let (org_name, sh) = dir.organizations.find(org)?;
    Some(Speaker {
        name: intro.name.unwrap_or_else(|| format!("({org_name})")),
        stakeholder: sh,
        region: Region::Unknown,
        role,
        affiliation: Some(org_name.to_string()),
        method: Method::Organization,
        confidence: 0.5,
    })
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
                label: "NADIA HADDAD",
                text: "A question.",
                name: "Nadia Haddad",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Registry,
                role: Role::Speaker,
            },
            Case {
                label: "DR. MENSAH-BOATENG",
                text: "A point.",
                name: "Samuel Mensah-Boateng",
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
                text: "My name is Lindiwe Mokoena, from a rights group.",
                name: "Lindiwe Mokoena",
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
}
