//! Unit tests of the tagger on the embedded taxonomy and on small custom ones.

use super::*;
use crate::model::Polarity;

#[test]
fn embedded_taxonomy_is_valid_and_has_the_fixed_ids() {
    let tax = Taxonomy::parse(EMBEDDED_THEMES, Path::new("data/themes.toml")).expect("valid");
    let mut ids = tax.theme_ids();
    ids.sort();
    assert_eq!(
        ids,
        vec![
            "capacity-building",
            "cooperation",
            "existing-instruments",
            "harmonization",
            "human-rights",
            "industry-obligations",
            "multistakeholder",
            "scope",
            "security-research",
            "surveillance",
        ]
    );
    assert_eq!(tax.version().len(), 12);
}

#[test]
#[ignore]
fn print_stems() {
    let words = std::env::var("WORDS").unwrap_or_default();
    let mut a = crate::text::analyzer();
    for w in words.split(',') {
        let t: Vec<String> = crate::text::analyze(&mut a, w).into_iter().map(|t| t.text).collect();
        println!("{w:?} => {t:?}");
    }
}
