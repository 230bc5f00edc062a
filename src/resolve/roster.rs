//! A session page's roster made ready for matching: one entry per person, each knowing what any
//! of that person's lines know, and the group the registry gives a person the page lists
//! without one.
//!
//! Input: the page's [`RosterEntry`]s and the [`Registry`]. Output: a [`Roster`]: merged
//! entries, their name tokens, and where each entry's stakeholder group came from (the page or
//! the registry). Matching labels against it is the caller's job.

use super::directory::{Organizations, Registry};
use super::names::{match_name, name_key, name_tokens};
use crate::model::{Method, Region, Role, RosterEntry, Stakeholder};

/// The roster of one session, merged and completed.
#[derive(Debug, Default)]
pub struct Roster {
    pub entries: Vec<RosterEntry>,
    /// Each entry's name as tokens.
    pub names: Vec<Vec<String>>,
    /// Where each entry's stakeholder group came from: the page ([`Method::Roster`]), or the
    /// registry ([`Method::Registry`]) for a person the page lists without one, else the
    /// organisation the page gives them ([`Method::Organization`]).
    pub group_from: Vec<Method>,
}

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

impl Roster {
    /// Merges a page's entries (see the module docs).
    pub fn new(entries: &[RosterEntry], registry: &Registry, orgs: &Organizations) -> Roster {
        let mut merged = merge(entries);
        let tokens: Vec<Vec<String>> = merged.iter().map(|e| name_tokens(&e.name)).collect();
        share_between_spellings(&mut merged, &tokens);
        let mut group_from = vec![Method::Roster; merged.len()];
        for (i, e) in merged.iter_mut().enumerate() {
            if e.stakeholder != Stakeholder::Unknown {
                continue;
            }
            let person = registry.lookup(&name_key(&e.name)).or_else(|| {
                match match_name(&tokens[i], registry.name_tokens()) {
                    Some((j, Method::Roster, _)) => registry.people().get(j),
                    _ => None,
                }
            });
            if let Some(p) = person.filter(|p| p.stakeholder != Stakeholder::Unknown) {
                e.stakeholder = p.stakeholder;
                if e.region == Region::Unknown {
                    e.region = p.region;
                }
                if e.affiliation.is_none() {
                    e.affiliation.clone_from(&p.affiliation);
                }
                group_from[i] = Method::Registry;
            } else if let Some((_, sh)) = e.affiliation.as_deref().and_then(|a| orgs.find(a)) {
                // `Head, UNIDIR support team …`: the organisation the page names says it.
                e.stakeholder = sh;
                group_from[i] = Method::Organization;
            }
        }
        Roster {
            entries: merged,
            names: tokens,
            group_from,
        }
    }

    /// True when the page listed nobody.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One entry per person: a page lists someone once per role (organiser, speaker, moderator).
/// Keeps the most telling role, and fills a missing group, region or affiliation from the other
/// entries of the same person.
fn merge(roster: &[RosterEntry]) -> Vec<RosterEntry> {
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
                if role_rank(e.role) < role_rank(cur.role) {
                    cur.role = e.role;
                }
                fill(cur, e);
            }
            None => {
                keys.push(k);
                out.push(e.clone());
            }
        }
    }
    out
}

/// Fills what `into` lacks from `from`.
fn fill(into: &mut RosterEntry, from: &RosterEntry) {
    if into.stakeholder == Stakeholder::Unknown {
        into.stakeholder = from.stakeholder;
    }
    if into.region == Region::Unknown {
        into.region = from.region;
    }
    if into.affiliation.is_none() {
        into.affiliation.clone_from(&from.affiliation);
    }
}

/// One person written two ways on one page (`Carlos Afonso` as proposer, `Carlos Alberto
/// Afonso` as speaker): entries whose names share the surname and whose shorter name's words
/// are all in the longer one share their group, region and affiliation.
fn share_between_spellings(entries: &mut [RosterEntry], tokens: &[Vec<String>]) {
    for i in 0..entries.len() {
        if entries[i].stakeholder != Stakeholder::Unknown {
            continue;
        }
        let donor = (0..entries.len()).find(|&j| {
            j != i
                && entries[j].stakeholder != Stakeholder::Unknown
                && same_person(&tokens[i], &tokens[j])
        });
        if let Some(j) = donor {
            let from = entries[j].clone();
            fill(&mut entries[i], &from);
        }
    }
}

/// Two spellings of one name: two or more words, the same last word, the shorter's words all
/// in the longer.
fn same_person(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 2 && short.last() == long.last() && short.iter().all(|w| long.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, sh: Stakeholder, role: Role) -> RosterEntry {
        RosterEntry {
            name: name.into(),
            affiliation: None,
            stakeholder: sh,
            region: Region::Unknown,
            role,
        }
    }

    #[test]
    fn spellings_share_groups_and_the_registry_fills_the_rest() {
        let registry = Registry::parse(
            "name,stakeholder,region\nBo Kim,Government,WEOG\n",
            std::path::Path::new("r.csv"),
        )
        .unwrap();
        let orgs = Organizations::parse(
            "organization,aliases,stakeholder\nHarbour Lights Office,Harbour Lights,Government\n",
            std::path::Path::new("o.csv"),
        )
        .unwrap();
        let r = Roster::new(
            &[
                entry("Carlos Afonso", Stakeholder::CivilSociety, Role::Organizer),
                entry("Carlos Alberto Afonso", Stakeholder::Unknown, Role::Speaker),
                entry("Bo Kim", Stakeholder::Unknown, Role::Moderator),
                entry("Cy Diaz", Stakeholder::Unknown, Role::Speaker),
                entry("Bo Kim", Stakeholder::Unknown, Role::Organizer),
                RosterEntry {
                    affiliation: Some("Head, Harbour Lights support team".into()),
                    ..entry("Dee Ray", Stakeholder::Unknown, Role::Speaker)
                },
            ],
            &registry,
            &orgs,
        );
        let got: Vec<(&str, Stakeholder, Role, Method)> = r
            .entries
            .iter()
            .zip(&r.group_from)
            .map(|(e, m)| (e.name.as_str(), e.stakeholder, e.role, *m))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Carlos Afonso",
                    Stakeholder::CivilSociety,
                    Role::Organizer,
                    Method::Roster
                ),
                (
                    "Carlos Alberto Afonso",
                    Stakeholder::CivilSociety,
                    Role::Speaker,
                    Method::Roster
                ),
                (
                    "Bo Kim",
                    Stakeholder::Government,
                    Role::Moderator,
                    Method::Registry
                ),
                (
                    "Cy Diaz",
                    Stakeholder::Unknown,
                    Role::Speaker,
                    Method::Roster
                ),
                (
                    "Dee Ray",
                    Stakeholder::Government,
                    Role::Speaker,
                    Method::Organization
                ),
            ]
        );
    }
}
