//! The names of a pairing clue (a page's roster names, a transcript's first speaker labels),
//! held in two allocations: their text end to end, and where each ends.
//!
//! Input: names, in order. Output: the same names, in order ([`Names::iter`]); in JSON, the
//! array of strings a `Vec<String>` gives (the manifest's bytes). A run holds the clue of every
//! file at once while it pairs them, a few dozen names each: as separate strings (even inline,
//! 24 bytes each) they took about twice the memory. Holds nothing else; does not dedupe.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A list of names in two allocations.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// The names end to end.
    text: Box<str>,
    /// Where each name ends in `text` (bytes).
    ends: Box<[u32]>,
}

impl Names {
    /// The names, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&e| e as usize));
        starts
            .zip(self.ends.iter())
            .map(|(start, &end)| self.text.get(start..end as usize).unwrap_or_default())
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// No names.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Names {
    /// The names, in order; names past 4 GB of text in all (never in a clue) are left out.
    fn from_iter<I: IntoIterator<Item = S>>(names: I) -> Names {
        let mut text = String::new();
        let mut ends = Vec::new();
        for name in names {
            let name = name.as_ref();
            let Ok(end) = u32::try_from(text.len() + name.len()) else {
                break;
            };
            text.push_str(name);
            ends.push(end);
        }
        Names {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Names {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Names, D::Error> {
        Ok(Vec::<String>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_in_order_with_empty_and_non_ascii_ones() {
        let given = ["Ana", "", "Hana Nyström", "Ødegård, Agnieszka", "", "A"];
        let names: Names = given.iter().collect();
        assert_eq!(names.len(), 6);
        assert_eq!(names.iter().collect::<Vec<_>>(), given);
        assert_eq!(format!("{names:?}"), format!("{given:?}"));
    }

    #[test]
    fn no_names_is_empty() {
        let names = Names::default();
        assert!(names.is_empty());
        assert_eq!(names.iter().count(), 0);
        assert_eq!(names, std::iter::empty::<&str>().collect());
        assert_eq!(serde_json::to_string(&names).unwrap(), "[]");
    }

    #[test]
    fn json_is_the_array_of_strings() {
        let names: Names = ["Ana", "Bo \"B\"", "Ça"].iter().collect();
        let json = serde_json::to_string(&names).unwrap();
        assert_eq!(json, r#"["Ana","Bo \"B\"","Ça"]"#);
        let back: Names = serde_json::from_str(&json).unwrap();
        assert_eq!(back, names);
    }
}
