//! Self-introductions: "my name is …, from …", "I'm … with …" in the first turn of a label,
//! for the speakers that neither the roster nor the registry name.
//!
//! Input: a turn's text. Output: an [`Introduction`] (a name and/or an organisation phrase).
//! Looking the name or the organisation up is the caller's job.

/// A self-introduction found in a turn: a name and/or an organisation phrase.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Introduction {
    pub name: Option<String>,
    pub organization: Option<String>,
}

/// Finds "my name is X", "I'm X", "I am X", "this is X", with "from/with/at/of/representing Y"
/// after it, in the first few sentences of a turn.
pub fn find_introduction(text: &str) -> Option<Introduction> {
    let head: String = text.chars().take(400).collect();
    let lower = head.to_lowercase();
    const OPENERS: &[&str] = &["my name is ", "i'm ", "i am ", "this is ", "i’m "];
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
            let org = find_organization_phrase(after).or_else(|| {
                (name_words.is_empty())
                    .then(|| find_organization_phrase(rest))
                    .flatten()
            });
            let name = (name_words.len() >= 2
                || (name_words.len() == 1 && *opener == "my name is "))
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
    ];
    // The earliest link wins; at one position the longest ("from the " over "from ").
    let mut best: Option<(usize, usize)> = None;
    for l in LINKS {
        if let Some(i) = lower.find(l) {
            let better = best.is_none_or(|(bi, bl)| i < bi || (i == bi && l.len() > bl));
            if i < 120 && better {
                best = Some((i, l.len()));
            }
        }
    }
    let start = best.map(|(i, l)| i + l)?;
    let phrase: String = s[start..]
        .chars()
        .take_while(|c| !matches!(c, '.' | ';' | '!' | '?' | '\n'))
        .take(100)
        .collect();
    let phrase = phrase.trim();
    (!phrase.is_empty()).then(|| phrase.to_string())
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
}
