//! Introductions: a speaker's own ("my name is …, from …", "I'm … and I'll be moderating",
//! "I work at …", "I'm with …", "on behalf of …", "representing …", "from the Ministry of …")
//! in the first turn of a label, and introductions by others ("I give the floor to X from Y",
//! "over to X", "may I call upon X, who heads Y"), for the speakers that neither the roster nor
//! the registry name.
//!
//! Input: a turn's text. Output: [`Introduction`]s (a name and/or an organisation phrase).
//! Looking the name or the organisation up is the caller's job.

/// A self-introduction found in a turn: a name and/or an organisation phrase.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Introduction {
    pub name: Option<String>,
    pub organization: Option<String>,
}

/// How much of a turn's start is searched: moderators often name themselves only after the
/// greetings and the housekeeping.
const HEAD_CHARS: usize = 1500;

/// Finds "my name is X", "I'm X", "I am X", "this is X", with "from/with/at/of/representing Y"
/// after it, in the first sentences of a turn; else an organisation alone ("I work at Y", "I'm
/// with Y", "on behalf of Y", "representing Y").
pub fn find_introduction(text: &str) -> Option<Introduction> {
    let head: String = text.chars().take(HEAD_CHARS).collect();
    named_introduction(&head).or_else(|| organization_alone(&head))
}

/// `I work at Y`, `I'm with Y`, `on behalf of Y`, `representing Y`, `from the Ministry of Y`.
fn organization_alone(head: &str) -> Option<Introduction> {
    let lower = head.to_lowercase();
    const LINKS: [&str; 12] = [
        "i work at ",
        "i work for ",
        "i work with ",
        "i'm with ",
        "i’m with ",
        "i am with ",
        "on behalf of ",
        "i'm representing ",
        "i am representing ",
        "representing ",
        "from the ministry of ",
        "i'm from ",
    ];
    let (at, link) = LINKS
        .iter()
        .filter_map(|l| lower.find(l).map(|i| (i, *l)))
        .min_by_key(|(i, _)| *i)?;
    let start = if link == "from the ministry of " {
        at + "from the ".len()
    } else {
        at + link.len()
    };
    let phrase = clause(&head[start..]);
    (!phrase.is_empty()).then_some(Introduction {
        name: None,
        organization: Some(phrase),
    })
}

/// Text up to the end of its clause (a sentence end, a semicolon, a line break), at most 100
/// characters.
fn clause(s: &str) -> String {
    let phrase: String = s
        .chars()
        .take_while(|c| !matches!(c, '.' | ';' | '!' | '?' | '\n'))
        .take(100)
        .collect();
    // A new clause (`…, and I think`) or an infinitive (`… center to open the panel`) ends
    // the organisation's name.
    let end = phrase
        .find(", and ")
        .into_iter()
        .chain(phrase.find(", but "))
        .chain(infinitive_at(&phrase))
        .min()
        .unwrap_or(phrase.len());
    phrase[..end].trim().to_string()
}

/// Where ` to ` followed by a lower-case word (an infinitive) starts in `s`.
fn infinitive_at(s: &str) -> Option<usize> {
    s.match_indices(" to ")
        .map(|(i, _)| i)
        .find(|&i| s[i + 4..].chars().next().is_some_and(char::is_lowercase))
}

/// Words that, right after `I'm` / `I am`, start an introduction of someone else or a remark
/// (`I am inviting from Australia …`, `I'm pleased to welcome …`), not one of the speaker.
fn introduces_another(rest: &str) -> bool {
    const STARTS: [&str; 12] = [
        "invit",
        "introduc",
        "welcom",
        "call",
        "pass",
        "hand",
        "giv",
        "turn",
        "delighted",
        "pleased",
        "happy",
        "glad",
    ];
    let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
    STARTS.iter().any(|s| first.starts_with(s))
}

/// Introductions of others: a name after "the floor to", "over to", "pass it to", "invite",
/// "call upon", "welcome", "introduce" (titles skipped), with the organisation phrases its
/// sentence gives ("from Y", "of Y", "with Y", "representing Y", "who heads Y").
pub fn find_introductions_of_others(text: &str) -> Vec<Introduction> {
    const VERBS: [&str; 10] = [
        "the floor to ",
        "over to ",
        "pass it to ",
        "pass on to ",
        "hand over to ",
        "invite ",
        "inviting ",
        "call upon ",
        "call on ",
        "introduce ",
    ];
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let lower = sentence.to_lowercase();
        for verb in VERBS {
            let Some(at) = lower.find(verb) else { continue };
            let rest = &sentence[at + verb.len()..];
            // The name may follow a description: `call upon our chair from the host country,
            // Paulo Sergio Carvalho, who heads …`.
            let Some((skip, name, end)) = rest
                .char_indices()
                .filter(|(i, c)| c.is_uppercase() && (*i == 0 || rest[..*i].ends_with(' ')))
                .find_map(|(i, _)| name_at(&rest[i..]).map(|(n, e)| (i, n, e)))
            else {
                continue;
            };
            let end = skip + end;
            let org = find_organization_phrase(&rest[end..]).or_else(|| {
                // `inviting from Australia, cyber ambassador, Mr. …`: what comes before.
                let before = rest[..skip].trim();
                (!before.is_empty()).then(|| before.to_string())
            });
            if org.is_some() {
                out.push(Introduction {
                    name: Some(name),
                    organization: org,
                });
            }
            break;
        }
    }
    out
}

/// The sentences of a text: split after `.`, `?`, `!` and line breaks, but not after the
/// abbreviations of titles (`Mr.`, `Dr.`).
fn sentences(text: &str) -> Vec<&str> {
    const ABBREVIATIONS: [&str; 7] = ["mr", "mrs", "ms", "dr", "prof", "st", "no"];
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '?' | '!' | '\n') {
            continue;
        }
        if c == '.' {
            let word = text[start..i]
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            if ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                continue;
            }
        }
        out.push(&text[start..i + c.len_utf8()]);
        start = i + c.len_utf8();
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A person's name at the start of `s` (after titles such as `Mr.`, `Ambassador`, and after a
/// description ending in a comma): two to four capitalised words, and where it ends.
fn name_at(s: &str) -> Option<(String, usize)> {
    const TITLES: [&str; 10] = [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "professor",
        "ambassador",
        "minister",
        "sir",
        "madam",
    ];
    let mut words = Vec::new();
    let mut end = 0;
    let mut pos = 0;
    for w in s.split_inclusive(char::is_whitespace) {
        let word = w.trim().trim_end_matches([',', '.', ';', ':']);
        pos += w.len();
        let bare = word.trim_end_matches('.').to_lowercase();
        if words.is_empty() && TITLES.contains(&bare.as_str()) {
            continue;
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase) && word.len() > 1;
        if capitalised && words.len() < 4 {
            words.push(word.to_string());
            end = pos;
            if w.trim_end().ends_with([',', '.', ';', ':']) {
                break;
            }
        } else {
            break;
        }
    }
    (words.len() >= 2).then(|| (words.join(" "), end.min(s.len())))
}

/// The group an office held says (`cyber ambassador`, `Minister of …`, `member of
/// parliament`): governments send ambassadors, ministers and members of parliament. Used only
/// when no organisation is named.
pub fn office_group(phrase: &str) -> Option<crate::model::Stakeholder> {
    let lower = phrase.to_lowercase();
    const OFFICES: [&str; 7] = [
        "ambassador",
        "minister",
        "member of parliament",
        "parliamentarian",
        "senator",
        "secretary of state",
        "permanent representative",
    ];
    OFFICES
        .iter()
        .any(|o| lower.contains(o))
        .then_some(crate::model::Stakeholder::Government)
}

/// The group an organisation's kind says when the organisations list does not hold it: a
/// ministry, agency or parliament is government; a company is private sector; a CERT or an
/// Internet registry is technical community; a university, foundation or association is civil
/// society (as IGF pages list academia).
pub fn kind_group(org: &str) -> Option<crate::model::Stakeholder> {
    use crate::model::Stakeholder as S;
    let lower = format!(
        " {} ",
        org.to_lowercase().replace(['.', ',', '(', ')'], " ")
    );
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(&format!(" {w} ")));
    // An independent global commission (of experts, of eminent persons) is no government's.
    let independent = has(&["global commission", "independent commission"]);
    if independent {
        None
    } else if has(&[
        "ministry",
        "federal",
        "office",
        "government",
        "parliament",
        "department",
        "agency",
        "authority",
        "commission",
        "embassy",
        "regulator",
        "defense",
        "defence",
        "military",
        "police",
        "ministère",
        "ministerio",
    ]) {
        Some(S::Government)
    } else if has(&["cert", "csirt", "nic", "registry", "ietf", "icann"]) {
        Some(S::TechnicalCommunity)
    } else if has(&[
        "inc",
        "ltd",
        "llc",
        "corporation",
        "corp",
        "company",
        "gmbh",
        "plc",
        "technologies",
    ]) {
        Some(S::PrivateSector)
    } else if has(&[
        "university",
        "universidad",
        "université",
        "institute",
        "foundation",
        "association",
        "ngo",
        "centre",
        "center",
        "network",
        "coalition",
        "lab",
        "school",
    ]) {
        Some(S::CivilSociety)
    } else {
        None
    }
}

/// The introduction that names the speaker: "my name is X", "I'm X", "I am X", "this is X".
fn named_introduction(head: &str) -> Option<Introduction> {
    let lower = head.to_lowercase();
    const OPENERS: &[&str] = &[
        "my name is ",
        "my name's ",
        "i'm ",
        "i am ",
        "this is ",
        "i’m ",
    ];
    for opener in OPENERS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(opener) {
            let at = from + i;
            from = at + opener.len();
            if at > 0
                && lower[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let rest = &head[at + opener.len()..];
            if introduces_another(rest) {
                continue;
            }
            let mut name_words = Vec::new();
            let mut consumed = 0;
            for w in rest.split_inclusive(|c: char| c.is_whitespace()) {
                let word = w.trim().trim_end_matches([',', '.', ';', ':']);
                let first = word.chars().next();
                let is_name = first.is_some_and(|c| c.is_uppercase())
                    && word.len() > 1
                    && !matches!(word, "I" | "I'm" | "The" | "A");
                if is_name && name_words.len() < 4 {
                    name_words.push(word.to_string());
                    consumed += w.len();
                    if w.trim_end().ends_with([',', '.', ';', ':']) {
                        break;
                    }
                } else {
                    break;
                }
            }
            let after = &rest[consumed.min(rest.len())..];
            // After a name, the rest of its clause may name the organisation anywhere
            // (`I'm Ann Lee, head of policy at Example Labs`).
            let org = find_organization_phrase(after)
                .or_else(|| {
                    (name_words.is_empty())
                        .then(|| find_organization_phrase(rest))
                        .flatten()
                })
                .or_else(|| {
                    let c = clause(after);
                    (!name_words.is_empty() && !c.is_empty()).then_some(c)
                });
            let name = (name_words.len() >= 2
                || (name_words.len() == 1 && opener.starts_with("my name")))
            .then(|| name_words.join(" "));
            if name.is_some() || org.is_some() {
                return Some(Introduction {
                    name,
                    organization: org,
                });
            }
        }
    }
    None
}

fn find_organization_phrase(s: &str) -> Option<String> {
    let lower = s.to_lowercase();
    const LINKS: &[&str] = &[
        "from the ",
        "from ",
        "with the ",
        "with ",
        "at the ",
        "at ",
        "of the ",
        "representing the ",
        "representing ",
        "work for the ",
        "work for ",
        "work at ",
        "working for ",
        "i work with ",
        "who heads ",
        "on behalf of ",
    ];
    // The earliest link that starts a word wins ("at " is no link inside "that "); at one
    // position the longest ("from the " over "from ").
    let mut best: Option<(usize, usize)> = None;
    for l in LINKS {
        let found = lower.match_indices(l).map(|(i, _)| i).find(|&i| {
            i == 0
                || !lower[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        });
        if let Some(i) = found {
            let better = best.is_none_or(|(bi, bl)| i < bi || (i == bi && l.len() > bl));
            if i < 120 && better {
                best = Some((i, l.len()));
            }
        }
    }
    let start = best.map(|(i, l)| i + l)?;
    let phrase = clause(&s[start..]);
    (!phrase.is_empty()).then_some(phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn introductions_are_found() {
        let i = find_introduction(
            "Thank you. My name is Ana Lucía Benítez, from the Ministry of Foreign Affairs.",
        )
        .unwrap();
        assert_eq!(i.name.as_deref(), Some("Ana Lucía Benítez"));
        assert_eq!(
            i.organization.as_deref(),
            Some("Ministry of Foreign Affairs")
        );
        assert_eq!(find_introduction("I am not sure this works."), None);
    }

    /// Real shapes (issue 15): a host who invites someone else, an organisation followed by
    /// a new clause, an introduction of another whose organisation ends at an infinitive.
    #[test]
    fn introductions_stop_where_the_speaker_stops_describing_themselves() {
        assert_eq!(
            find_introduction(
                "Good morning. Today I am inviting from Freedonia, harbour ambassador, Mr. Oskar Lind."
            ),
            None
        );
        let i = find_introduction(
            "My name is Ada Quill. I'm the Chair of the Lantern Council, and I think we can start.",
        )
        .unwrap();
        assert_eq!(i.organization.as_deref(), Some("Lantern Council"));
        let others = find_introductions_of_others(
            "May I call upon our chair, Bruno Vale Costa, who heads the coastal defense center to open the panel.",
        );
        assert_eq!(
            others[0].organization.as_deref(),
            Some("the coastal defense center")
        );
        assert_eq!(
            kind_group("the coastal defense center"),
            Some(crate::model::Stakeholder::Government)
        );
        assert_eq!(kind_group("Global Commission on Lanterns"), None);
    }
}
