//! The stage order and the run. This is the only module that knows the order of the stages;
//! each stage stays ignorant of the others.
//!
//! An ingest is these steps, each a module:
//!
//! 1. [`lock`]: one ingest per index at a time; then [`codes_files`]: which codes files the run
//!    reads (under the lock, since `igf-lens code` adds to the manifest's list);
//! 2. [`manifest`]: what the previous run recorded (and whether the index is still there);
//! 3. [`sources`]`::discover`: the files under the inputs, with size and time;
//! 4. [`plan`]: the manifest diff (new, changed, unchanged, gone, unchanged but with other codes
//!    for their sessions; or everything again);
//! 5. [`sources`]`::load`: a first look at each changed file; pages kept (slim), transcripts
//!    listed with their sessions, unchanged files of the touched sessions added; what the run
//!    reads of it then held flat ([`work`]);
//! 6. [`run`]: the writer opened and stale passages deleted, then every transcript read once,
//!    deduplicated ([`dedupe`]) and taken through resolve → language → segment → tag
//!    ([`records`]) on the rayon pool, its passages streamed into the writer;
//! 7. one commit, then the manifest, streamed from the entries carried over and those the run
//!    spilled to disk as it went ([`spill`]).
//!
//! Input: an [`IngestConfig`]. Output: an [`IngestReport`] and a committed index. [`feed`] runs
//! steps 3–6 over every file into any [`Sink`], without index or manifest: what the bench's
//! baseline and the tests compare the index with.

pub mod codes_files;
pub mod config;
pub mod corrections;
pub mod dedupe;
pub mod found;
pub mod lock;
pub mod manifest;
pub mod mentions;
pub mod names;
pub mod pair;
pub mod pairs;
pub mod plan;
pub mod records;
pub mod report;
pub mod resources;
pub mod run;
pub mod seen;
pub mod sessions;
pub mod sources;
pub mod spill;
pub mod work;

pub use codes_files::CodesFiles;
pub use config::{CodesChoice, IngestConfig, DEFAULT_BUDGET_PER_THREAD};
pub use corrections::{record_code, Change, CodeRequest, Coded, CodesReport, Corrections};
pub use lock::{IngestLock, LOCK_FILE};
pub use manifest::{verify, FileEntry, FileKind, Manifest, MANIFEST_FILE};
pub use pair::{Clue, PairedBy, Pairing};
pub use pairs::Pairs;
pub use records::{build_records, passage_id, Built, Emit};
pub use report::{
    DamagedLine, Duplicate, FullReason, IngestReport, Recoded, SkipReason, SkippedFile,
};
pub use resources::{Resources, FORMAT_VERSION};
pub use run::Sink;
pub use sessions::{DuplicateRow, SessionRow};
pub use sources::{corpus_files, discover_inputs, CorpusFiles};

use crate::error::{Error, Result};
use manifest::Previous;
use plan::Plan;
use sources::{Discovered, Files, Load, Sources};
use spill::Spill;
use std::path::PathBuf;
use std::time::Instant;
use work::Work;

/// Runs an ingest: reads, processes and indexes what changed since the last run, in one commit.
pub fn ingest(cfg: &IngestConfig) -> Result<IngestReport> {
    let started = Instant::now();
    sources::refuse_own_dirs(&cfg.inputs)?;
    let corpus = sources::corpus_files(&cfg.inputs);
    let res = Resources::load_with(
        cfg.themes.as_deref(),
        &cfg.model,
        cfg.registry.as_deref(),
        cfg.organizations.as_deref(),
    )?
    .with_corpus(&corpus, cfg.pairs.as_deref())?;
    let _lock = IngestLock::acquire(&cfg.index_dir, cfg.wait, cfg.quiet)?;
    // Under the lock: `igf-lens code` adds the file it writes to the manifest's codes files.
    let codes = codes_files::pick_codes_files(cfg, &corpus.codes);
    let res = res.with_codes(&codes.read).map_err(|e| codes.explain(e))?;
    let mut report =
        pool(cfg.threads())?.install(|| ingest_locked(cfg, &res, &codes.read, started))?;
    report.codes_reused = codes.reused;
    report.codes_missing = codes.missing;
    Ok(report)
}

/// The rayon pool of a run: built once, here.
fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("cannot start the thread pool: {e}")))
}

/// The ingest under the lock, `codes` the codes files `res` was given (for the manifest).
fn ingest_locked(
    cfg: &IngestConfig,
    res: &Resources,
    codes: &[PathBuf],
    started: Instant,
) -> Result<IngestReport> {
    // Files a failed run left (a full disk, a kill) would fill the disk again: gone first.
    crate::index::remove_orphans(&cfg.index_dir)?;
    spill::remove_stale(&cfg.index_dir)?;
    let previous = manifest::previous(&cfg.index_dir, cfg.rebuild)?;
    // A damaged segment is neither "up to date" nor a base to commit on: checksums first.
    if !cfg.rebuild {
        crate::index::check_checksums(&cfg.index_dir)?;
    }
    let mut found = sources::discover(&cfg.inputs);
    if !cfg.prune {
        sources::carry_earlier(&mut found, &previous.manifest);
    }
    // Paths that discovery skipped fail --strict even when no file changed.
    fail_strict(cfg, &found.skipped, "path(s)")?;
    let mut plan = plan_run(cfg, res, &previous, &found.files, codes);
    let pruned = if cfg.prune {
        plan.missing.clone()
    } else {
        Vec::new()
    };
    let mut report = first_report(&found, &plan);
    if plan.changed.is_empty() && pruned.is_empty() && !plan.full {
        return untouched(cfg, plan, &previous, report, started);
    }
    // The new entries, and the transcripts' clues and pairings, wait on disk, not in memory,
    // until the manifest is written (removed again when the run stops before).
    let mut spill = Spill::create(&cfg.index_dir, found.files.len())?;
    let load = Load {
        files: &found.files,
        changed: &plan.changed,
        old: &previous.manifest,
        carried: &plan.manifest,
        pruned: &pruned,
        full: plan.full,
        pairs: &res.pairs,
    };
    let mut sources = sources::load(&load, Some(&mut spill))?;
    // What the run reads of the load, held flat: the maps' strings and vectors per file would
    // stay strewn among the load's freed memory for the whole run.
    let work = Work::take(&mut sources)?;
    // Made again now, in allocations of their exact size (its vectors grew as discovery went).
    found.files = found.files.shrunk();
    report.pages = sources.page_files;
    report.pages_without_roster = sources.pages_without_roster.clone();
    report.pages_without_key = sources.pages_without_key.clone();
    report.skipped.extend(sources.skipped.iter().cloned());
    report.assets = std::mem::take(&mut sources.assets);
    if cfg.strict && !report.skipped.is_empty() {
        // The count covers the transcripts that would fail too, not only those failed so far.
        let failing = run::failing_transcripts(&found.files, &work);
        report.skipped.extend(failing);
        report.sort();
    }
    fail_strict(cfg, &report.skipped, "file(s)")?;
    spill.put_keyed(&found.files, std::mem::take(&mut sources.entries))?;
    if work.is_empty() && pruned.is_empty() && !plan.full {
        // New pages or skipped files were looked at: the manifest is saved with their entries.
        keep_or_prune_missing(&mut plan, &previous, &[], &mut report);
        spill.save(&plan.manifest, &found.files, &cfg.index_dir)?;
        report.untouched = true;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    let writer = run::open_writer(
        cfg,
        &plan,
        &previous.manifest,
        &found.files,
        &sources,
        &work,
    )?;
    // The sessions touched tell the writer what to delete; the run does not read them.
    drop(sources);
    keep_or_prune_missing(&mut plan, &previous, &pruned, &mut report);
    // What grows with the corpus goes as soon as it is no longer needed.
    drop(previous);
    let ran = run_loaded(cfg, &found.files, &work, res, &writer, Some(&mut spill))?;
    drop(work);
    report.absorb(ran.report);
    report.sort();
    report.codes = codes_report(res, &plan);
    // One commit, then the manifest: a crash in between only makes the next run redo files.
    writer.commit()?;
    spill.save(&plan.manifest, &found.files, &cfg.index_dir)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Step 4: what the run does ([`plan::diff`]), its manifest recording how it was asked
/// ([`manifest::record_run`]), `codes` the codes files `res` was given.
fn plan_run(
    cfg: &IngestConfig,
    res: &Resources,
    previous: &Previous,
    files: &Files,
    codes: &[PathBuf],
) -> Plan {
    let fingerprint = res.fingerprint();
    let mut plan = plan::diff(previous, files, &fingerprint, cfg.rebuild, &res.corrections);
    manifest::record_run(&mut plan.manifest, cfg, &previous.manifest, codes);
    plan
}

/// Step 6 over what `sources` loaded, into `sink`, as `cfg` says (`strict`, `quiet`): each
/// file's manifest entry goes into `spill` (none for `feed`, which keeps no manifest).
fn run_loaded(
    cfg: &IngestConfig,
    files: &Files,
    work: &Work,
    res: &Resources,
    sink: &dyn Sink,
    spill: Option<&mut Spill>,
) -> Result<run::Ran> {
    let job = run::Job {
        files,
        work,
        res,
        sink,
        strict: cfg.strict,
        quiet: cfg.quiet,
    };
    run::run(&job, spill)
}

/// `--strict`: the first skipped path is an error, and nothing is indexed.
fn fail_strict(cfg: &IngestConfig, skipped: &[SkippedFile], what: &str) -> Result<()> {
    match sources::strict_failure(skipped, what) {
        Some(e) if cfg.strict => Err(e),
        _ => Ok(()),
    }
}

/// The report's counts known before any file is read.
fn first_report(found: &Discovered, plan: &Plan) -> IngestReport {
    IngestReport {
        files_seen: found.files.len(),
        files_unchanged: plan.unchanged(&found.files),
        files_missing: plan.missing.len(),
        skipped: found.skipped.clone(),
        full_reprocess: plan.full_reason,
        recoded: plan.recoded,
        ..IngestReport::default()
    }
}

/// What a run that processed files did with its codes ([`Corrections::report`]): the sessions
/// it did not process are held by the files it carried over, every one's on a partial run (a
/// code of a session held and not processed was counted when its files were), none on a run
/// over every file.
fn codes_report(res: &Resources, plan: &Plan) -> Option<CodesReport> {
    let codes = &res.corrections;
    if codes.is_empty() {
        return None;
    }
    let held: std::collections::BTreeSet<&str> = if plan.full {
        Default::default()
    } else {
        plan.manifest
            .files
            .values()
            .filter(|e| e.kind == FileKind::Transcript)
            .flat_map(|e| e.sessions.iter().map(String::as_str))
            .filter(|s| codes.has_session(s))
            .collect()
    };
    codes.report(&|s| held.contains(s))
}

/// Missing files keep their entries (their passages stay in the index) unless pruned.
fn keep_or_prune_missing(
    plan: &mut Plan,
    previous: &Previous,
    pruned: &[String],
    report: &mut IngestReport,
) {
    if pruned.is_empty() {
        for m in &plan.missing {
            let e = previous.manifest.files[m].clone();
            plan.manifest.files.insert(m.clone(), e);
        }
    } else {
        report.files_pruned = pruned.len();
    }
}

/// A run that finds nothing changed: the manifest keeps the missing files' entries and is saved
/// when it differs from the previous one.
fn untouched(
    cfg: &IngestConfig,
    mut plan: Plan,
    previous: &Previous,
    mut report: IngestReport,
    started: Instant,
) -> Result<IngestReport> {
    keep_or_prune_missing(&mut plan, previous, &[], &mut report);
    if plan.manifest != previous.manifest {
        plan.manifest.save(&cfg.index_dir)?;
    }
    report.untouched = true;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Runs steps 3–6 of an ingest over every file under `inputs` into `sink`, as a first ingest
/// would (every file read, duplicates dropped, a failing file skipped), on a pool of `threads`
/// threads (0: the machine's cores). No index, manifest or lock is involved.
pub fn feed(
    inputs: &[PathBuf],
    threads: usize,
    res: &Resources,
    sink: &dyn Sink,
) -> Result<IngestReport> {
    let cfg = IngestConfig {
        threads,
        quiet: true,
        ..IngestConfig::default()
    };
    pool(cfg.threads())?.install(|| {
        let found = sources::discover(inputs);
        let all: Vec<usize> = (0..found.files.len()).collect();
        let load = Load {
            files: &found.files,
            changed: &all,
            old: &Manifest::default(),
            carried: &Manifest::default(),
            pruned: &[],
            full: true,
            pairs: &res.pairs,
        };
        let mut sources: Sources = sources::load(&load, None)?;
        let work = Work::take(&mut sources)?;
        let ran = run_loaded(&cfg, &found.files, &work, res, sink, None)?;
        let mut report = IngestReport {
            files_seen: found.files.len(),
            pages: sources.page_files,
            pages_without_roster: sources.pages_without_roster.clone(),
            pages_without_key: sources.pages_without_key.clone(),
            skipped: found.skipped,
            ..IngestReport::default()
        };
        report.skipped.extend(sources.skipped);
        report.assets = sources.assets;
        report.absorb(ran.report);
        report.sort();
        Ok(report)
    })
}
