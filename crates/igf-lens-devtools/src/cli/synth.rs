//! `igf-lens synth`: writes a deterministic synthetic corpus of session pages and transcripts.
//!
//! Resolves where the statistics and theme terms come from (flags, else `data/`, else built
//! in), then hands over to [`crate::synth::Generator`]. Prints one summary line on stderr.

use crate::synth::{Generator, Profile, Size, Vocabulary};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Arguments of `igf-lens synth`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("size").required(true).args(["sessions", "mb"])))]
pub struct Args {
    /// Directory to write `<id>.page.txt` and `<id>.raw.txt` into (created; must hold no .txt
    /// file yet).
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of sessions to write (a page and a transcript each).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub sessions: Option<u32>,
    /// Approximate corpus size in megabytes (1 MB = 1,000,000 bytes; within one session).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=super::bounds::MAX_MB))]
    pub mb: Option<u64>,
    /// Seed: the same seed (and the same profile and terms) gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Directory of real `*.raw.txt` / `*.page.txt` files whose statistics to follow
    /// [default: data/sessions when it holds transcripts, else the built-in profile].
    #[arg(long, value_name = "DIR")]
    pub like: Option<PathBuf>,
    /// Use the built-in profile and built-in theme terms, ignoring data/ and the taxonomy: the
    /// frozen corpus `igf-lens bench` and the benches use.
    #[arg(long, conflicts_with_all = ["like", "themes"])]
    pub standard: bool,
    /// Taxonomy whose terms to sprinkle into speech [default: data/themes.toml when present,
    /// else the embedded taxonomy].
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// Threads for generation and writing (default: all cores; 0 to 64).
    #[arg(short = 'j', long, value_name = "N", value_parser = |s: &str| super::bounds::thread_count(s, 0))]
    pub threads: Option<usize>,
}

/// Runs `igf-lens synth`.
pub fn run(args: Args, quiet: bool) -> anyhow::Result<i32> {
    let generator = if args.standard {
        Generator::standard(args.seed)
    } else {
        let vocabulary = resolve_vocabulary(args.themes.as_deref())?;
        let profile = resolve_profile(args.like.as_deref(), &vocabulary)?;
        Generator::new(profile, vocabulary, args.seed)
    };
    let size = match (args.sessions, args.mb) {
        (Some(n), _) => Size::Sessions(n),
        (None, Some(mb)) => Size::Bytes(mb.saturating_mul(1_000_000)),
        (None, None) => anyhow::bail!("give --sessions N or --mb N"),
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build().context("cannot start the thread pool")?;
    let summary = pool
        .install(|| generator.write(&args.out, size))
        .with_context(|| format!("cannot write the corpus into {}", args.out.display()))?;
    if !quiet {
        eprintln!(
            "igf-lens: wrote {} sessions ({} files, {:.1} MB) to {} in {:.1} s ({:.0} MB/s); seed {}, \
             profile {}, terms from {}",
            summary.sessions,
            summary.files,
            summary.bytes as f64 / 1e6,
            summary.dir.display(),
            summary.seconds,
            summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9),
            args.seed,
            generator.profile().source,
            generator.vocabulary().source,
        );
    }
    Ok(0)
}

/// The taxonomy given, else `data/themes.toml`, else the embedded one.
fn resolve_vocabulary(themes: Option<&Path>) -> anyhow::Result<Vocabulary> {
    if let Some(path) = themes {
        return Vocabulary::load(path)
            .with_context(|| format!("cannot read --themes {}", path.display()));
    }
    let default = Path::new("data/themes.toml");
    if default.is_file() {
        return Ok(Vocabulary::load(default)?);
    }
    Ok(Vocabulary::embedded())
}

/// The directory given (which must hold transcripts), else `data/sessions` when it holds any,
/// else the built-in profile.
fn resolve_profile(like: Option<&Path>, vocabulary: &Vocabulary) -> anyhow::Result<Profile> {
    if let Some(dir) = like {
        return Profile::measure(dir, vocabulary)
            .with_context(|| format!("cannot read --like {}", dir.display()))?
            .with_context(|| format!("--like {}: no *.raw.txt transcript there", dir.display()));
    }
    let default = Path::new("data/sessions");
    if default.is_dir() {
        if let Some(p) = Profile::measure(default, vocabulary)? {
            return Ok(p);
        }
    }
    Ok(Profile::builtin())
}
