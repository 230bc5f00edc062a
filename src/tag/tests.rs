//! Unit tests of the tagger: the embedded taxonomy on typical sentences, small custom
//! taxonomies for weights, thresholds and context, and validation errors with their lines.

use super::*;
use crate::model::{Polarity, Tag};

fn embedded() -> Tagger {
    Tagger::new(&Taxonomy::embedded())
}

fn labels(tagger: &Tagger, text: &str) -> Vec<String> {
    tagger.tag(text).tags.iter().map(Tag::label).collect()
}

fn custom(toml: &str) -> Tagger {
    let tax = Taxonomy::parse(toml, Path::new("custom.toml")).expect("valid custom taxonomy");
    Tagger::new(&tax)
}

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
    assert_eq!(tax.version(), version_check(EMBEDDED_THEMES));
    assert_eq!(tax.negation_window(), 3);
}

fn version_check(text: &str) -> String {
    taxonomy::version_of(text)
}

#[test]
fn typical_sentences_get_the_expected_tags() {
    struct Case {
        text: &'static str,
        want: &'static [&'static str],
    }
    let cases = [
        Case {
            text: "The draft could criminalise the work of security researchers",
            want: &["security-research:risk"],
        },
        Case {
            text: "This would not undermine human rights.",
            want: &["human-rights:opportunity"],
        },
        Case {
            text: "There is no risk of fragmentation.",
            want: &["existing-instruments:opportunity"],
        },
        Case {
            text: "Mutual legal assistance is slow and outdated.",
            want: &["cooperation:risk"],
        },
        Case {
            text: "Technical assistance for developing countries is a real benefit.",
            want: &["capacity-building:opportunity"],
        },
        // hedges keep the polarity of their cue
        Case {
            text: "A multistakeholder approach could help the convention.",
            want: &["multistakeholder:opportunity"],
        },
        Case {
            text: "Real-time interception might erode trust.",
            want: &["surveillance:risk"],
        },
        // two themes, two clauses, each with its own cue
        Case {
            text: "Capacity building is welcome, but the new surveillance powers worry us.",
            want: &["capacity-building:opportunity", "surveillance:risk"],
        },
        // near misses
        Case {
            text: "The capacity of this room is limited.",
            want: &[],
        },
        Case {
            text: "Many thanks for the cooperation between our two moderators.",
            want: &[],
        },
        Case {
            text: "We do not own the rights to the recording.",
            want: &[],
        },
        Case {
            text: "The scope of today's session is the state of play.",
            want: &[],
        },
        // context alone never tags
        Case {
            text: "The treaty and the convention were discussed by delegations.",
            want: &[],
        },
        Case {
            text: "",
            want: &[],
        },
    ];
    let tagger = embedded();
    for c in cases {
        assert_eq!(labels(&tagger, c.text), c.want, "{:?}", c.text);
    }
}

#[test]
fn uk_and_us_spellings_and_inflections_match_one_term() {
    let tagger = embedded();
    for text in [
        "Harmonised definitions of core offences help.",
        "Harmonized definitions of core offenses help.",
        "Harmonising the definitions of core offences helps.",
    ] {
        assert_eq!(
            labels(&tagger, text),
            ["harmonization:opportunity"],
            "{text}"
        );
    }
}

#[test]
fn evidence_names_terms_positions_and_cue() {
    let tags = embedded().tag("The draft could criminalise the work of security researchers");
    assert_eq!(tags.tags.len(), 1);
    let t = &tags.tags[0];
    assert_eq!(t.theme, "security-research");
    assert_eq!(t.polarity, Polarity::Risk);
    assert_eq!(
        t.evidence.terms,
        vec![("draft".into(), 1), ("security researcher".into(), 7)]
    );
    assert_eq!(t.evidence.cue.as_deref(), Some("criminalise"));
    assert_eq!(t.score, 1.5);
    let negated = embedded().tag("This would not undermine human rights.");
    assert_eq!(
        negated.tags[0].evidence.cue.as_deref(),
        Some("not undermine")
    );
    let default = embedded().tag("Penetration testing is common.");
    assert_eq!(default.tags[0].evidence.cue, None);
    assert_eq!(default.tags[0].polarity, Polarity::Risk);
}

#[test]
fn tag_tokens_agrees_with_tag_and_tags_are_sorted_by_theme_id() {
    let tagger = embedded();
    let text = "Surveillance powers and mutual legal assistance threaten human rights.";
    let tokens = crate::text::analyze(&mut crate::text::analyzer(), text);
    let a = tagger.tag(text);
    assert_eq!(a, tagger.tag_tokens(text, &tokens));
    let ids: Vec<&str> = a.tags.iter().map(|t| t.theme.as_str()).collect();
    assert_eq!(ids, ["cooperation", "human-rights", "surveillance"]);
}

/// `tag` (words cached per thread) and `tag_tokens` on the analyzer's tokens must agree on
/// every passage: the sample corpus, the gold sets, and texts made to trip the word splitter.
#[test]
fn cached_word_path_gives_what_the_analyzer_path_gives() {
    let tagger = embedded();
    let mut analyzer = crate::text::analyzer();
    let mut texts: Vec<String> = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sessions");
    for entry in std::fs::read_dir(&dir).expect("data/sessions") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with(".raw.txt") {
            let body = std::fs::read_to_string(&path).expect("UTF-8 transcript");
            texts.extend(body.lines().map(str::to_string));
        }
    }
    for gold in [
        include_str!("../../tests/gold/passages.csv"),
        include_str!("../../tests/gold/holdout.csv"),
    ] {
        texts.extend(gold.lines().map(str::to_string));
    }
    let long = "x".repeat(70);
    texts.extend([
        format!("The {long} draft would not criminalise security researchers."),
        "Cyber\u{AD}crime laws could UNDERMINE human rights; the ＵＮ convention, e.g. art. 6."
            .to_string(),
        "Ensuring \u{200B}safeguards and the rule of law is not a risk. It is an opportunity!"
            .to_string(),
        "Surveillance powers — and mutual legal assistance — threaten human rights…".to_string(),
    ]);
    let mut tagged = 0;
    for text in &texts {
        let tokens = crate::text::analyze(&mut analyzer, text);
        let expected = tagger.tag_tokens(text, &tokens);
        tagged += usize::from(!expected.tags.is_empty());
        assert_eq!(tagger.tag(text), expected, "{text}");
    }
    assert!(tagged > 500, "only {tagged} texts tagged");
    // A second taxonomy on the same thread must not reuse the first one's word cache.
    let weather = custom(WEATHER);
    let text = "Heavy rain and strong wind are forecast.";
    let tokens = crate::text::analyze(&mut analyzer, text);
    assert_eq!(weather.tag(text), weather.tag_tokens(text, &tokens));
    assert_eq!(
        tagger.tag(&texts[0]),
        tagger.tag_tokens(&texts[0], &crate::text::analyze(&mut analyzer, &texts[0]))
    );
}

#[test]
fn tagger_is_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Tagger>();
    check::<Taxonomy>();
}

const WEATHER: &str = r#"
[cues]
risk = ["storm"]
opportunity = ["sunny"]
negation = ["not"]

[context]
terms = ["forecast"]

[[theme]]
id = "weather"
label = "Weather"
polarity = "opportunity"
threshold = 2.0
terms = ["rain", { term = "cloud cover", weight = 1.5 }, { term = "drizzle", weight = 0.5 }]
"#;

/// Texts with as many words as their length can hold (one byte between two), every word the
/// start of a term and of a cue, in both word splitters (ASCII and not): the matcher's room for
/// the starts is sized by that bound, and must never be short of it.
#[test]
fn texts_packed_with_term_starts_tag_as_the_analyzer_path_does() {
    let tagger = custom(
        r#"
[cues]
risk = ["q"]
opportunity = ["z"]

[[theme]]
id = "letters"
label = "Letters"
polarity = "risk"
terms = ["q", "z", { term = "q z", weight = 1.5 }]
"#,
    );
    let mut analyzer = crate::text::analyzer();
    for text in [
        "q,".repeat(5000),
        "q z ".repeat(3000),
        "é q,".repeat(2000),
        format!("ü{}", "z.".repeat(4000)),
    ] {
        // Tagged first, on a thread of its own: its scratch has not grown for another text.
        let got = std::thread::scope(|s| s.spawn(|| tagger.tag(&text)).join());
        let tokens = crate::text::analyze(&mut analyzer, &text);
        let expected = tagger.tag_tokens(&text, &tokens);
        assert_eq!(expected.tags.len(), 1, "{}", &text[..20]);
        assert_eq!(got.ok(), Some(expected), "{}", &text[..20]);
    }
}

#[test]
fn weights_threshold_and_context_decide_what_is_tagged() {
    let tagger = custom(WEATHER);
    let cases: &[(&str, Option<f32>)] = &[
        ("rain", None),                                    // 1.0 < 2.0
        ("rain and rain again", None),                     // a repeated term counts once
        ("rain with cloud cover", Some(2.5)),              // 1.0 + 1.5
        ("drizzle and rain", None),                        // 1.5
        ("drizzle, rain, the forecast", Some(2.0)),        // + context 0.5
        ("the forecast, the forecast", None),              // context alone never tags
        ("clouds covering the hills and rain", Some(2.5)), // stemmed phrase
    ];
    for (text, want) in cases {
        let got = tagger.tag(text).tags.first().map(|t| t.score);
        assert_eq!(got, *want, "{text:?}");
    }
    let t = &tagger.tag("rain and cloud cover, not a storm").tags[0];
    assert_eq!(
        (t.polarity, t.evidence.cue.as_deref()),
        (Polarity::Opportunity, Some("not storm"))
    );
    let t = &tagger.tag("rain and cloud cover. A storm later.").tags[0];
    assert_eq!(
        (t.polarity, t.evidence.cue.as_deref()),
        (Polarity::Opportunity, None)
    );
}

#[test]
fn many_distinct_tokens_use_the_wider_encoding() {
    // 300 distinct one-word terms push the vocabulary past one byte per token.
    let words: Vec<String> = (0..300).map(|i| format!("\"zq{i}x\"")).collect();
    let toml = format!(
        "[[theme]]\nid = \"big\"\nlabel = \"Big\"\npolarity = \"risk\"\nterms = [{}, \"last phrase here\"]\n",
        words.join(", ")
    );
    let tagger = custom(&toml);
    assert!(tagger.taxonomy().vocabulary_len() > 255);
    assert_eq!(labels(&tagger, "nothing here zq7 zq299x"), ["big:risk"]);
    assert_eq!(labels(&tagger, "the last phrase of here"), ["big:risk"]);
    assert!(labels(&tagger, "last here phrase").is_empty());
}

#[test]
fn validation_errors_name_the_line() {
    let base = "[[theme]]\nid = \"a\"\nlabel = \"A\"\npolarity = \"risk\"\nterms = [\"x\"]\n";
    let cases: &[(String, &str)] = &[
        (
            format!("{base}\n[[theme]]\nid = \"a\"\nlabel = \"B\"\npolarity = \"risk\"\nterms = [\"y\"]\n"),
            "t.toml:8: duplicate theme id \"a\" (first defined on line 2)",
        ),
        (
            base.replace("terms = [\"x\"]", "terms = []"),
            "t.toml:5: theme \"a\" has an empty term list",
        ),
        (
            base.replace("\"risk\"", "\"danger\""),
            "t.toml:4: unknown polarity \"danger\" for theme \"a\": valid values are risk, opportunity",
        ),
        (
            base.replace("[\"x\"]", "[\"x\",\n  \"of the\"]"),
            "t.toml:6: theme \"a\" term \"of the\" analyzes to no token",
        ),
        (
            base.replace("label = \"A\"", "label = \"A\"\ncolour = \"red\""),
            "t.toml:4: unknown field `colour`",
        ),
        (
            format!("[cues]\nrisk = [\"worry\"]\nopportunity = [\"worried\"]\n{base}"),
            "t.toml:3: global cue \"worried\" is listed as opportunity here and as risk",
        ),
        (
            base.replace("terms = [\"x\"]", "terms = [{ term = \"x\", weight = -1 }]"),
            "t.toml:5: weight of term \"x\" in theme \"a\" must be a positive number",
        ),
        (
            base.replace("id = \"a\"", "id = \"Not A Slug\""),
            "t.toml:2: theme id \"Not A Slug\" is not a slug",
        ),
        (
            base.replace("polarity = \"risk\"", "polarity = \"risk\"\nthreshold = 3.0"),
            "t.toml:6: theme \"a\" can never be tagged",
        ),
        (
            base.replace("terms = [\"x\"]", "terms = [\"x\", \"X\"]"),
            "t.toml:5: term \"X\" of theme \"a\" analyzes to the same tokens as \"x\" (line 5)",
        ),
        (String::new(), "t.toml: no [[theme]] tables"),
        ("[[theme]\n".to_string(), "t.toml:1:"),
    ];
    for (text, want) in cases {
        let err = Taxonomy::parse(text, Path::new("t.toml"))
            .expect_err(want)
            .to_string();
        assert!(err.starts_with(want), "got {err:?}, want {want:?}");
    }
}

#[test]
fn check_reports_every_problem_in_line_order() {
    let text = "[[theme]]\nid = \"a\"\nlabel = \"A\"\npolarity = \"bad\"\nterms = [\"the\"]\n";
    let errs = Taxonomy::check(text, Path::new("t.toml")).expect_err("invalid");
    let lines: Vec<String> = errs
        .iter()
        .map(|e| e.to_string()[..8].to_string())
        .collect();
    assert_eq!(lines, ["t.toml:4", "t.toml:5"]);
}

#[test]
fn version_changes_with_content_not_line_endings() {
    let a = Taxonomy::parse(WEATHER, Path::new("w")).expect("valid");
    let b = Taxonomy::parse(&WEATHER.replace('\n', "\r\n"), Path::new("w")).expect("valid");
    let c = Taxonomy::parse(&format!("{WEATHER}# note\n"), Path::new("w")).expect("valid");
    assert_eq!(a.version(), b.version());
    assert_ne!(a.version(), c.version());
}

/// Rough throughput of the matching part (tokens already analyzed), on the gold passages
/// repeated: `cargo test --release --lib tag::tests::matching_throughput -- --ignored --nocapture`.
/// The criterion bench in `benches/` is the reference figure.
#[test]
#[ignore]
fn matching_throughput() {
    let gold = include_str!("../../tests/gold/passages.csv");
    let lines: Vec<&str> = gold.lines().skip(1).collect();
    // Pipeline passages are 40-120 words: join four gold rows into one.
    let joined: Vec<String> = lines.chunks(4).map(|c| c.join(" ")).collect();
    let passages: Vec<&str> = if std::env::var("SHORT").is_ok() {
        lines
    } else {
        joined.iter().map(String::as_str).collect()
    };
    let mut analyzer = crate::text::analyzer();
    let analyzed: Vec<(&str, Vec<tantivy::tokenizer::Token>)> = passages
        .iter()
        .map(|p| (*p, crate::text::analyze(&mut analyzer, p)))
        .collect();
    let bytes: usize = passages.iter().map(|p| p.len()).sum();
    let tagger = embedded();
    let rounds = 200;
    // The matching part alone: token ids and every term and cue match.
    let compiled = &tagger.taxonomy().compiled;
    let (mut toks, mut ids, mut found) = (Vec::new(), Vec::new(), Vec::new());
    let start = std::time::Instant::now();
    let mut matches = 0usize;
    for _ in 0..rounds {
        for (_, tokens) in &analyzed {
            compiled.encode(tokens, &mut toks, &mut ids);
            compiled.term_matches(&ids, &mut found);
            matches += found.len();
            compiled.cue_matches(&ids, &mut found);
            matches += found.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "term and cue matching: {mb:.1} MB in {secs:.3} s = {:.0} MB/s ({matches} matches)",
        mb / secs
    );
    let start = std::time::Instant::now();
    let mut tags = 0usize;
    for _ in 0..rounds {
        for (text, tokens) in &analyzed {
            tags += tagger.tag_tokens(text, tokens).tags.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "tag_tokens (matching, scores, polarity, evidence): {mb:.1} MB in {secs:.3} s = {:.0} MB/s ({tags} tags)",
        mb / secs
    );
    let start = std::time::Instant::now();
    for _ in 0..20 {
        for p in &passages {
            tags += tagger.tag(p).tags.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * 20) as f64 / 1e6;
    println!(
        "analysis + matching: {mb:.1} MB in {secs:.3} s = {:.1} MB/s ({tags} tags in all)",
        mb / secs
    );
}

mod cached_words {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "security",
        "researchers",
        "not",
        "criminalise",
        "human",
        "rights",
        "the",
        "of",
        "surveillance",
        "could",
        "undermine",
        "safeguards",
        "cyber\u{AD}crime",
        "Wiśniewski",
        "ＵＮ",
        "co\u{2011}operation",
        ".",
        ",",
        " ",
        "  ",
        "\n",
        "\n\n",
        "—",
        "e.g.",
        "Mr.",
        "\u{200B}",
        "harmonisation",
        "no",
        "risk",
        "x1",
        "42",
        "(",
        ")",
        ";",
        "…",
        "!",
        "ﬁnal",
        "Straße",
        "pneumonoultramicroscopicsilicovolcanoconiosisandthenafewmorelettersforgoodmeasure",
        // Ten ligatures of 3 bytes that NFKC expands to over 300 bytes: a token text too long
        // for the word cache, analyzed again where it occurs.
        "\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}",
    ];

    proptest! {
        #[test]
        fn cached_path_agrees_with_the_analyzer_path(
            picks in proptest::collection::vec(0..PIECES.len(), 0..60),
            spaced in proptest::collection::vec(any::<bool>(), 60),
        ) {
            let mut text = String::new();
            for (k, &i) in picks.iter().enumerate() {
                text.push_str(PIECES[i]);
                if spaced[k] {
                    text.push(' ');
                }
            }
            let tagger = embedded();
            let tokens = crate::text::analyze(&mut crate::text::analyzer(), &text);
            prop_assert_eq!(tagger.tag(&text), tagger.tag_tokens(&text, &tokens));
            // The tokens handed to the index writer are the analyzer's, to the byte.
            let (tags, analysis) = tagger.tag_and_analyze(&text);
            prop_assert_eq!(tags, tagger.tag(&text));
            // Every short text gets one, unless a token text is 256 bytes or more (then the
            // index writer analyzes the text itself).
            match analysis {
                Some(analysis) => {
                    prop_assert_eq!(analysis.text(), text.as_str());
                    prop_assert_eq!(analysis.tokens(), tokens);
                }
                None => prop_assert!(tokens.iter().any(|t| t.text.len() >= 256)),
            }
        }
    }
}

proptest::proptest! {
    /// Matching only where `find_starts` says a pattern may begin finds every match.
    #[test]
    fn matching_from_starts_finds_every_match(
        raw in proptest::collection::vec(0u32..400, 0..200),
    ) {
        let tax = Taxonomy::embedded();
        let c = &tax.compiled;
        let n = c.vocabulary_len() as u32;
        // Ids of the taxonomy's vocabulary, unknown words and a few past its end.
        let ids: Vec<u32> = raw
            .iter()
            .map(|&x| if x >= n + 20 { super::matcher::UNKNOWN } else { x })
            .collect();
        let mut starts = super::matcher::Starts::default();
        c.find_starts(&ids, &mut starts);
        let (mut all, mut at) = (Vec::new(), Vec::new());
        c.term_matches(&ids, &mut all);
        c.term_matches_at(&ids, &starts, &mut at);
        proptest::prop_assert_eq!(&all, &at);
        c.cue_matches(&ids, &mut all);
        c.cue_matches_at(&ids, &starts, &mut at);
        proptest::prop_assert_eq!(&all, &at);
    }
}
