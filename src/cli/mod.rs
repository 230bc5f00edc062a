//! Command-line interface: the clap tree and one dispatch. Each subcommand lives in its own
//! file with its `Args` and a `run` that calls the pipeline or one stage; nothing here touches
//! tantivy or csv directly.

use clap::{CommandFactory, Parser, Subcommand};

pub use global::Global;

pub mod agreement;
mod bounds;
pub mod code;
pub mod compare;
pub mod completions;
pub mod devtools;
pub mod eval;
pub mod export;
pub mod format;
mod global;
pub mod ingest;
pub mod kwic;
pub mod man;
pub mod model;
pub mod qda;
pub mod report;
pub mod run;
pub mod search;
pub mod sessions;
pub mod show;
pub mod speakers;
pub mod tag;
pub mod themes;
pub mod train;
pub mod verify;

/// igf-lens: ingest, tag, index and search what is said at Internet Governance Forum sessions
/// on the UN cybercrime treaty.
#[derive(Debug, Parser)]
#[command(name = "igf-lens", version, about, max_term_width = 100)]
pub struct Cli {
    /// Print no progress bars and no summaries on stderr (warnings and errors still print).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, in pipeline order.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: ingest data/ into index/, then write CSV summaries to out/.
    Run(run::Args),
    /// Ingest transcripts and session pages into an index (incremental).
    Ingest(ingest::Args),
    /// Tag text with themes and show why (no index needed).
    Tag(tag::Args),
    /// Evaluate the taxonomy against a hand-labelled gold set.
    Eval(eval::Args),
    /// Record a person's decision on a passage's tags (kept in the index's codes file, by default
    /// data/codes.csv; applied at once).
    Code(code::Args),
    /// Agreement of the automatic tagger with a person's codes (Cohen's kappa, Krippendorff's alpha).
    Agreement(agreement::Args),
    /// Work with the theme taxonomy.
    Themes(themes::Args),
    /// Train the learned model on a hand-labelled gold set.
    Train(train::Args),
    /// Search the index.
    Search(search::Args),
    /// Keyword-in-context concordance lines for a term.
    Kwic(kwic::Args),
    /// Show one passage with the turns around it.
    Show(show::Args),
    /// List speaker labels and how they were resolved.
    Speakers(speakers::Args),
    /// List sessions: transcripts, page, where the key came from, whether paired and why not.
    Sessions(sessions::Args),
    /// Compare the share of passages carrying a theme across groups, with intervals and tests.
    Compare(compare::Args),
    /// Export CSV summaries, themed excerpts, all passages, or a REFI-QDA project or codebook.
    Export(export::Args),
    /// Write a self-contained HTML report.
    Report(report::Args),
    /// Check an index's segments and manifest.
    Verify(verify::Args),
    /// Write a deterministic synthetic corpus (runs igf-lens-devtools synth; see --help).
    Synth(devtools::Args),
    /// Measure ingest throughput against a tantivy-only baseline (runs igf-lens-devtools
    /// bench; see --help).
    Bench(devtools::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print the man page, or write every command's page into a directory.
    Man(man::Args),
}

/// Runs the parsed command line. Returns the exit code on success (0, or 1 when a search found
/// nothing).
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let g = Global { quiet: cli.quiet };
    match cli.command {
        Command::Run(a) => run::run(a, g),
        Command::Ingest(a) => ingest::run(a, g),
        Command::Tag(a) => tag::run(a, g),
        Command::Eval(a) => eval::run(a, g),
        Command::Code(a) => code::run(a, g),
        Command::Agreement(a) => agreement::run(a, g),
        Command::Themes(a) => themes::run(a, g),
        Command::Train(a) => train::run(a, g),
        Command::Search(a) => search::run(a, g),
        Command::Kwic(a) => kwic::run(a, g),
        Command::Show(a) => show::run(a, g),
        Command::Speakers(a) => speakers::run(a, g),
        Command::Sessions(a) => sessions::run(a, g),
        Command::Compare(a) => compare::run(a, g),
        Command::Export(a) => export::run(a, g),
        Command::Report(a) => report::run(a, g),
        Command::Verify(a) => verify::run(a, g),
        Command::Synth(a) => devtools::run("synth", a, g),
        Command::Bench(a) => devtools::run("bench", a, g),
        Command::Completions(a) => completions::run(a, Cli::command(), g),
        Command::Man(a) => man::run(a, Cli::command(), g),
    }
}
