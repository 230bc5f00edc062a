//! `igf-lens ingest`: read transcripts and session pages into an index, incrementally.

use super::bounds;
use super::global::Global;
use crate::export;
use crate::pipeline::{self, FullReason, Recoded};
use std::path::PathBuf;

/// Arguments of `igf-lens ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to read (directories recursively). Default: data/.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub opts: IngestOpts,
}

/// Options shared by `ingest` and `run`.
#[derive(Debug, Clone, clap::Args)]
pub struct IngestOpts {
    /// Index directory (created when missing).
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Worker threads for parsing, tagging and indexing (default: the machine's cores; at
    /// most 64).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0, value_parser = bounds::threads)]
    pub threads: usize,
    /// Index writer memory budget in MB, in total (default: 64 MB per thread; at most 1048576).
    #[arg(long, value_name = "MB", default_value_t = 0, value_parser = bounds::memory)]
    pub memory: usize,
    /// Theme taxonomy (TOML) to tag with, instead of the built-in data/themes.toml.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    #[command(flatten)]
    pub model: super::model::ModelArgs,
    /// Speaker registry (CSV: name,aliases,stakeholder,region,affiliation) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub registry: Option<PathBuf>,
    /// Organisations list (CSV: organization,aliases,stakeholder) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub organizations: Option<PathBuf>,
    /// Pairs file (CSV: file,session): which session a file belongs to, over what the file says
    /// (a `pairs.csv` among the inputs is read too, before this one).
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// Codes file (CSV: key,theme,decision,coder,note, as `igf-lens code` writes it): a person's
    /// decisions on tags, applied over the tagger's (a `codes.csv` among the inputs is read too,
    /// before this one). Default: the codes files the last ingest of the index read.
    #[arg(long, value_name = "FILE", conflicts_with = "no_codes")]
    pub codes: Option<PathBuf>,
    /// Do not read again the codes files the last ingest read (a `codes.csv` among the inputs is
    /// still read): the human decisions they applied are dropped.
    #[arg(long)]
    pub no_codes: bool,
    /// Drop everything in the index and ingest all files again.
    #[arg(long)]
    pub rebuild: bool,
    /// Remove the passages of files that no longer exist.
    #[arg(long)]
    pub prune: bool,
    /// Fail (exit 2, nothing indexed) when any file would be skipped (the files of a saved
    /// page's asset folder that hold no transcript or page do not count).
    #[arg(long)]
    pub strict: bool,
    /// Name every skipped file: without it, at most 3 files are named per reason (the rest
    /// counted) and the files of saved pages' asset folders are only counted.
    #[arg(long)]
    pub list_skipped: bool,
    /// Wait for another ingest on the same index instead of exiting with code 75.
    #[arg(long)]
    pub wait: bool,
}

impl IngestOpts {
    /// The pipeline configuration for these options.
    pub fn config(&self, inputs: Vec<PathBuf>, quiet: bool) -> pipeline::IngestConfig {
        pipeline::IngestConfig {
            inputs,
            index_dir: self.index.clone(),
            threads: self.threads,
            memory_budget: self.memory * 1024 * 1024,
            themes: self.themes.clone(),
            model: self.model.choice(),
            registry: self.registry.clone(),
            organizations: self.organizations.clone(),
            pairs: self.pairs.clone(),
            codes: match (&self.codes, self.no_codes) {
                (_, true) => pipeline::CodesChoice::InputsOnly,
                (Some(p), false) => pipeline::CodesChoice::File(p.clone()),
                (None, false) => pipeline::CodesChoice::LastIngest,
            },
            rebuild: self.rebuild,
            prune: self.prune,
            strict: self.strict,
            quiet,
            wait: self.wait,
        }
    }
}

/// Prints a warning on stderr, its control characters (from file names, file contents) shown
/// as visible stand-ins.
pub fn warn(message: &str) {
    eprintln!("igf-lens: warning: {}", export::for_terminal(message));
}

/// At most this many files are named per reason a file is skipped for; the others are counted
/// (`--list-skipped` names them all).
const SKIPPED_SHOWN: usize = 3;

/// Warns about the skipped files, grouped by reason (in the order of their first file): at most
/// [`SKIPPED_SHOWN`] named per reason and the others counted on one line, unless `list_all`
/// (`--list-skipped`), which names every one, and the files of asset folders too.
fn print_skipped(r: &pipeline::IngestReport, list_all: bool) {
    let mut groups: Vec<(String, Vec<&std::path::Path>)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for s in &r.skipped {
        let reason = s.reason.to_string();
        let g = *group_of.entry(reason.clone()).or_insert_with(|| {
            groups.push((reason, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(&s.path);
    }
    for (reason, paths) in &groups {
        // One more would take the line that counts it: named instead.
        let shown = if list_all || paths.len() <= SKIPPED_SHOWN + 1 {
            paths.len()
        } else {
            SKIPPED_SHOWN
        };
        for path in &paths[..shown] {
            warn(&format!("skipped {}: {reason}", path.display()));
        }
        if shown < paths.len() {
            warn(&format!(
                "… and {} more skipped for the same reason (--list-skipped names every file)",
                paths.len() - shown
            ));
        }
    }
    if list_all {
        for a in &r.assets {
            eprintln!(
                "igf-lens: skipped {}: {} (a file of a saved page's asset folder)",
                export::for_terminal(&a.path.display().to_string()),
                export::for_terminal(&a.reason.to_string())
            );
        }
    }
}

/// Says how many skipped files lie in saved pages' asset folders (each passed over without a
/// warning).
fn print_assets(r: &pipeline::IngestReport, list_all: bool) {
    if r.assets.is_empty() {
        return;
    }
    eprintln!(
        "igf-lens: {} file(s) in saved pages' asset folders (NAME_files/ beside NAME.html) hold \
         no transcript or page: counted as skipped, without a warning each{}",
        r.assets.len(),
        if list_all {
            ""
        } else {
            " (--list-skipped names them)"
        }
    );
}

/// Prints warnings for skipped files (grouped by reason, see [`print_skipped`]) and duplicates
/// (always), and the summary (unless quiet); `list_all` is `--list-skipped`.
pub fn print_report(
    r: &pipeline::IngestReport,
    index: &std::path::Path,
    quiet: bool,
    list_all: bool,
) {
    print_skipped(r, list_all);
    for d in &r.duplicates {
        warn(&format!(
            "skipped {}: same session as {} (duplicate)",
            d.path.display(),
            d.of.display()
        ));
    }
    print_damaged(&r.damaged);
    print_reused_codes(r, quiet);
    print_codes(r.codes);
    if r.files_missing > 0 && r.files_pruned == 0 {
        eprintln!(
            "igf-lens: warning: {} file(s) ingested before no longer exist; their passages stay in the index until you run {}",
            r.files_missing,
            export::for_terminal(&pipeline::manifest::ingest_hint(index, Some("--prune")))
        );
    }
    print_codes_dropped(r);
    if quiet {
        return;
    }
    if let Some(why) = r
        .full_reprocess
        .as_ref()
        .filter(|w| **w != FullReason::CodesDropped)
    {
        eprintln!("igf-lens: every file was processed again: {why}");
    }
    print_recoded(r.recoded);
    if r.untouched {
        print_assets(r, list_all);
        eprintln!(
            "igf-lens: {} files unchanged; index {} is up to date ({:.2}s)",
            r.files_unchanged,
            index.display(),
            r.seconds
        );
        return;
    }
    let total = r.speakers_resolved + r.speakers_unresolved;
    let tags: Vec<String> = r
        .tags_by_theme
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    eprintln!(
        "igf-lens: {} files ({} processed, {} unchanged, {} skipped, {} duplicates, {} pruned)\n\
         sessions {}  pages {}  turns {}  passages {}  words {}  annotations removed {}\n\
         speakers resolved {}/{} ({:.1}% of words in named turns)\n\
         tags: {}\n\
         {:.2}s, {:.1} MB/s -> {}",
        r.files_seen,
        r.files_processed,
        r.files_unchanged,
        r.skipped_count(),
        r.duplicates.len(),
        r.files_pruned,
        r.sessions,
        r.pages,
        r.turns,
        r.passages,
        r.words,
        r.annotations,
        r.speakers_resolved,
        total,
        r.resolved_share() * 100.0,
        if tags.is_empty() {
            "none".to_string()
        } else {
            tags.join(", ")
        },
        r.seconds,
        r.mb_per_s(),
        index.display()
    );
    print_assets(r, list_all);
    if let Some(c) = r.codes {
        eprintln!(
            "igf-lens: codes: {} read, {} applied",
            c.codes,
            c.codes.saturating_sub(c.unmatched + c.unknown_theme)
        );
    }
    if !r.unpaired.is_empty() {
        eprintln!(
            "igf-lens: {} session(s) without a session page (speakers resolved through the registry): {}",
            r.unpaired.len(),
            r.unpaired.join(", ")
        );
    }
}

/// Warns about the codes files of the last ingest that are gone (always), and names those read
/// again (unless quiet).
fn print_reused_codes(r: &pipeline::IngestReport, quiet: bool) {
    for path in &r.codes_missing {
        warn(&format!(
            "the codes file {} the last ingest read no longer exists: its decisions are not applied (to apply a codes file, ingest with --codes FILE)",
            path.display()
        ));
    }
    if quiet || r.codes_reused.is_empty() {
        return;
    }
    let names: Vec<String> = r
        .codes_reused
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    eprintln!(
        "igf-lens: applying the codes of the last ingest: {} (--no-codes to ingest without them)",
        export::for_terminal(&names.join(", "))
    );
}

/// Warns that the human decisions of the index are gone from the files processed again without
/// the codes they were made with (always).
fn print_codes_dropped(r: &pipeline::IngestReport) {
    let why = FullReason::CodesDropped;
    if r.full_reprocess == Some(why) {
        warn(&format!("every file was processed again: {why}"));
    }
    if let Some(Recoded::Dropped(n)) = r.recoded {
        warn(&format!(
            "{n} file(s) with codes processed again without them: {why}"
        ));
    }
}

/// Says why unchanged files were processed again for their codes (a note; the warning of
/// [`Recoded::Dropped`] is printed even when quiet).
fn print_recoded(recoded: Option<Recoded>) {
    match recoded {
        Some(Recoded::Changed(n)) => {
            eprintln!("igf-lens: {n} file(s) processed again for changed codes");
        }
        Some(Recoded::FirstRecorded(n)) => eprintln!(
            "igf-lens: {n} file(s) with codes processed again, once: the index was made by an \
             earlier igf-lens, which did not record the codes of each file"
        ),
        Some(Recoded::Dropped(_)) | None => {}
    }
}

/// Warns about codes that matched no passage or name a theme the taxonomy lacks.
fn print_codes(codes: Option<pipeline::CodesReport>) {
    let Some(c) = codes else {
        return;
    };
    if c.unmatched > 0 {
        warn(&format!(
            "{} code(s) matched no passage: their passage's text changed (re-segmented, \
             corrected) or its file is gone; they stay in the codes file, unapplied",
            c.unmatched
        ));
    }
    if c.unknown_theme > 0 {
        warn(&format!(
            "{} code(s) name a theme the taxonomy does not have; they stay in the codes file, \
             unapplied",
            c.unknown_theme
        ));
    }
}

/// At most this many damaged lines are named per file; the rest are counted.
const DAMAGED_SHOWN: usize = 10;

/// Warns about each damaged line of the files kept (`FILE:LINE: what`), at most
/// [`DAMAGED_SHOWN`] per file.
fn print_damaged(damaged: &[pipeline::DamagedLine]) {
    for file in damaged.chunk_by(|a, b| a.path == b.path) {
        for d in file.iter().take(DAMAGED_SHOWN) {
            warn(&format!("{}:{}: {}", d.path.display(), d.line, d.what));
        }
        if file.len() > DAMAGED_SHOWN {
            warn(&format!(
                "{}: {} more damaged line(s) not shown",
                file[0].path.display(),
                file.len() - DAMAGED_SHOWN
            ));
        }
    }
}

/// Runs `igf-lens ingest`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    ingest_and_report(args.paths, &args.opts, g)?;
    Ok(0)
}

/// Refuses input paths that do not exist (a typo must not make an empty index); a broken
/// symlink exists, and gets its warning from the ingest.
fn check_inputs(inputs: &[PathBuf]) -> anyhow::Result<()> {
    for path in inputs {
        if let Err(e) = std::fs::symlink_metadata(path) {
            anyhow::bail!(
                "input {}: {e}: check the path (files and directories to read; default data/)",
                path.display()
            );
        }
    }
    Ok(())
}

/// Refuses a `--memory` that gives a thread more than tantivy takes (4095 MB).
fn check_memory(memory_mb: usize, threads: usize) -> anyhow::Result<()> {
    let per_thread = memory_mb / threads.max(1);
    if per_thread > bounds::MAX_MEMORY_MB_PER_THREAD {
        anyhow::bail!(
            "--memory {memory_mb} gives each of the {threads} thread(s) {per_thread} MB, and the index writer takes at most {} MB per thread: lower --memory or raise -j",
            bounds::MAX_MEMORY_MB_PER_THREAD
        );
    }
    Ok(())
}

/// Ingests the paths given (default `data/`) with these options and prints the report;
/// returns the configuration used (for what comes after, in `run`).
pub fn ingest_and_report(
    paths: Vec<PathBuf>,
    opts: &IngestOpts,
    g: Global,
) -> anyhow::Result<pipeline::IngestConfig> {
    let inputs = if paths.is_empty() {
        vec![PathBuf::from("data")]
    } else {
        paths
    };
    check_inputs(&inputs)?;
    let cfg = opts.config(inputs, g.quiet);
    check_memory(opts.memory, cfg.threads())?;
    let report = pipeline::ingest(&cfg)?;
    print_report(&report, &cfg.index_dir, g.quiet, opts.list_skipped);
    Ok(cfg)
}
