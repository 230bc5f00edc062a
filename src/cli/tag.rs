//! `igf-lens tag`: tags raw text with themes and shows why.
//!
//! Input: `--text "…"`, a file, or standard input (`-`), one passage per non-empty line (a
//! transcript's `>> NAME:` labels are left out of the text tagged). Output on stdout: a table of
//! passages and their `theme:polarity` tags, with `--explain` the evidence of each tag, or with
//! `--format json` one JSON object per passage. No index is read or written.

use super::global::Global;
use super::model::ModelArgs;
use crate::error::Error;
use crate::export::for_terminal;
use crate::model::{Tag, Tagging};
use crate::tag::explain::{model_reasons, HeadReason};
use crate::tag::learned::HeadKind;
use crate::tag::{load_tagger, load_taxonomy, Tagger};
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Output formats of `tag` and `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// JSON for programs (`jsonl` is accepted too).
    #[value(alias = "jsonl")]
    Json,
}

/// Arguments of `igf-lens tag`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File to tag, one passage per line; `-` (or nothing) reads standard input.
    #[arg(value_name = "FILE|-", conflicts_with = "text")]
    pub file: Option<PathBuf>,
    /// Tag this text (one passage) instead of a file.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// Show each tag's evidence: matched terms with their token positions, the cue that decided
    /// the polarity (or `default`), and the score; with a model, each deciding head's
    /// probability and the passage's features that weighed most (also in `--format json`, under
    /// `model`).
    #[arg(long)]
    pub explain: bool,
    /// Output format: `json` prints one object per passage (evidence always included).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Taxonomy file to use instead of the embedded data/themes.toml.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// One passage to tag: its 1-based line in the input and its text.
struct Passage {
    line: usize,
    text: String,
}

/// Splits input into passages: non-empty lines, without a leading `>> LABEL:` speaker label.
fn passages(input: &str) -> Vec<Passage> {
    input
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let text = strip_label(l.trim()).trim();
            (!text.is_empty()).then(|| Passage {
                line: i + 1,
                text: text.to_string(),
            })
        })
        .collect()
}

fn strip_label(line: &str) -> &str {
    let Some(rest) = line.strip_prefix(">>") else {
        return line;
    };
    let rest = rest.trim_start_matches('>');
    match rest.find(':') {
        // Only an upper-case label counts (`>> JANE DOE:`), not speech with a colon.
        Some(i) if !rest[..i].chars().any(char::is_lowercase) && i < 80 => &rest[i + 1..],
        _ => rest,
    }
}

/// Runs `igf-lens tag`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let taxonomy = load_taxonomy(args.themes.as_deref())?;
    let tagger = load_tagger(&taxonomy, &args.model.choice())?;
    let input = match (&args.text, &args.file) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) if p.as_os_str() != "-" => {
            let file =
                std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            let bytes = Error::read_limited(file, p)?;
            Error::utf8(p, bytes)?
        }
        _ => {
            let stdin = Path::new("standard input");
            let bytes = Error::read_limited(std::io::stdin(), stdin)?;
            Error::utf8(stdin, bytes)?
        }
    };
    let passages = if args.text.is_some() {
        vec![Passage {
            line: 1,
            text: input.trim().to_string(),
        }]
    } else {
        passages(&input)
    };
    let tagged: Vec<(Passage, Tagging)> = passages
        .into_iter()
        .map(|p| {
            let tags = tagger.tag(&p.text);
            (p, tags)
        })
        .collect();

    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            for (p, t) in &tagged {
                let v = serde_json::json!({
                    "line": p.line,
                    "text": p.text,
                    "taxonomy": taxonomy.version(),
                    "procedural": t.procedural,
                    "tags": t.tags.iter().map(crate::export::theme_json).collect::<Vec<_>>(),
                });
                let v = match args.explain {
                    true => with_model_json(v, &model_reasons(&tagger, &p.text, t, TOP_PARTS)),
                    false => v,
                };
                writeln!(out, "{v}")?;
            }
        }
        Format::Table if args.explain => {
            for (i, (p, tagging)) in tagged.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_explained(&mut out, &tagger, p, tagging)?;
            }
        }
        Format::Table => {
            writeln!(out, "{:<6} {:<50} text", "line", "themes")?;
            for (p, t) in &tagged {
                let labels: Vec<String> = t.tags.iter().map(Tag::label).collect();
                let themes = if t.procedural {
                    "procedural".to_string()
                } else if labels.is_empty() {
                    "-".to_string()
                } else {
                    labels.join(";")
                };
                writeln!(
                    out,
                    "{:<6} {:<50} {}",
                    p.line,
                    themes,
                    excerpt(&for_terminal(&p.text), 60)
                )?;
            }
        }
    }
    out.flush()?;
    if !g.quiet && args.text.is_none() {
        let with = tagged.iter().filter(|(_, t)| !t.tags.is_empty()).count();
        eprintln!(
            "igf-lens: tagged {} passage{}, {} with at least one theme (taxonomy {} {})",
            tagged.len(),
            if tagged.len() == 1 { "" } else { "s" },
            with,
            taxonomy.path().display(),
            taxonomy.version()
        );
    }
    Ok(0)
}

/// How many of a head's features `--explain` shows.
const TOP_PARTS: usize = 6;

/// One passage with `--explain`: its tags with their evidence, then each deciding head of the
/// model with its probability and the features that weighed most.
fn write_explained(
    out: &mut impl Write,
    tagger: &Tagger,
    p: &Passage,
    tagging: &Tagging,
) -> std::io::Result<()> {
    writeln!(out, "line {}: {}", p.line, for_terminal(&p.text))?;
    if tagging.procedural {
        writeln!(out, "  (procedural)")?;
    } else if tagging.tags.is_empty() {
        writeln!(out, "  (no theme)")?;
    }
    for t in &tagging.tags {
        let decided = crate::export::decided(t);
        writeln!(
            out,
            "  {:<22} {:<11} score {:.2}  terms: {}  {decided}",
            t.theme,
            t.polarity.as_str(),
            t.score,
            t.evidence.join_terms(", "),
        )?;
    }
    for r in model_reasons(tagger, &p.text, tagging, TOP_PARTS) {
        let parts: Vec<String> = r
            .parts
            .iter()
            .map(|x| format!("{:+.2} {}", x.weight, x.feature))
            .collect();
        writeln!(
            out,
            "  model {:<28} p {:.2} (threshold {:.2}, {})  {}",
            r.head,
            r.probability,
            r.threshold,
            verdict(&r),
            parts.join(", ")
        )?;
    }
    Ok(())
}

/// What a head's probability means: yes/no, or risk/opportunity for the polarity head.
fn verdict(r: &HeadReason) -> &'static str {
    match (r.kind, r.yes()) {
        (HeadKind::Polarity, true) => "risk",
        (HeadKind::Polarity, false) => "opportunity",
        (_, true) => "yes",
        (_, false) => "no",
    }
}

/// A passage's JSON with the model's deciding heads under `model`.
fn with_model_json(mut v: serde_json::Value, reasons: &[HeadReason]) -> serde_json::Value {
    let heads: Vec<serde_json::Value> = reasons
        .iter()
        .map(|r| {
            serde_json::json!({
                "head": r.head,
                "probability": r.probability,
                "threshold": r.threshold,
                "says": verdict(r),
                "bias": r.bias,
                "features": r.parts.iter().map(|x| serde_json::json!({
                    "feature": x.feature,
                    "weight": x.weight,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    v["model"] = serde_json::Value::Array(heads);
    v
}

/// The first `max` characters of `s`, with `…` when cut.
fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_non_empty_lines_without_speaker_labels() {
        let got = passages(
            "First line.\n\n  >> JANE DOE: Hello there.\n>>MODERATOR:  Next\nNote: keep\n",
        );
        let got: Vec<(usize, &str)> = got.iter().map(|p| (p.line, p.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "First line."),
                (3, "Hello there."),
                (4, "Next"),
                (5, "Note: keep")
            ]
        );
    }

    #[test]
    fn excerpt_cuts_on_characters() {
        assert_eq!(excerpt("abcdef", 4), "abc…");
        assert_eq!(excerpt("ab", 4), "ab");
    }
}
