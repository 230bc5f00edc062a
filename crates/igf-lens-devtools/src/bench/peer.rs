//! The peer: tantivy-cli (`tantivy`, 0.24 when this was written) indexing the very passages
//! igf-lens ingests, timed on the same cores with the same thread count and memory budget.
//!
//! Input: a [`PhaseConfig`] whose `peer` is the tantivy-cli binary (the phase's process is
//! already pinned; the peer inherits its cores). Output: the `peer` measurement (the wall time
//! of `tantivy index`, its CPU time from the children's resource usage) and the peer's peak
//! resident memory.
//!
//! Steps, only the last one timed:
//! 1. the passages of a first ingest ([`corpus_records`]), written as JSON lines next to the
//!    peer's index directory, one document per line in tantivy's format as igf-lens builds it
//!    ([`igf_lens::index::document_json`]: every field of the schema, derived ones included);
//! 2. `PEER new -i DIR`, its questions answered on stdin from igf-lens's own schema
//!    ([`igf_lens::index::field_specs`], see [`new_answers`]), so the peer's schema has the
//!    same fields with the same stored, fast and indexed options; analyzed text fields get
//!    tantivy's `en_stem` (tantivy-cli offers no other analyzer), raw ones the `raw` tokenizer;
//! 3. `PEER index -i DIR -f FILE -t THREADS -m BUDGET`, then the index must hold every passage
//!    (the documents its `meta.json` counts).
//!
//! `tantivy new` asks again, forever, when an answer is refused; its output is watched and the
//! process killed at the first `Error`, or after [`NEW_TIMEOUT`].

use super::clock::children_usage;
use super::model::{Measurement, PhaseConfig};
use super::records::{corpus_records, text_bytes};
use igf_lens::error::{Error, Result};
use igf_lens::index::{document_json, field_specs, FieldKind, FieldSpec};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest `tantivy new` may take to create an empty index.
pub const NEW_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the peer phase: the `peer` measurement and the peer's peak RSS in MB.
pub(crate) fn measure_peer(cfg: &PhaseConfig) -> Result<(Vec<Measurement>, Option<f64>)> {
    let peer = cfg
        .peer
        .as_deref()
        .ok_or_else(|| Error::Other("bench: the peer phase needs --peer".into()))?;
    let records = corpus_records(&cfg.corpus, cfg.threads)?;
    let docs = cfg.index.with_extension("jsonl");
    write_documents(&records, &docs)?;
    remove_dir(&cfg.index)?;
    create_index(peer, &cfg.index, &new_answers(&field_specs()))?;
    let before = children_usage();
    let clock = Instant::now();
    let out = Command::new(peer)
        .arg("index")
        .arg("-i")
        .arg(&cfg.index)
        .arg("-f")
        .arg(&docs)
        .arg("-t")
        .arg(cfg.threads.to_string())
        .arg("-m")
        .arg(cfg.memory_budget.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io(peer, e))?;
    let wall = clock.elapsed();
    let after = children_usage();
    let _ = std::fs::remove_file(&docs);
    if !out.status.success() {
        return Err(peer_failed(peer, "index", &out.stdout, &out.stderr));
    }
    let indexed = indexed_documents(&cfg.index)?;
    if indexed != records.len() as u64 {
        return Err(Error::Other(format!(
            "bench: the peer indexed {indexed} of {} passages; its output ends:\n{}",
            records.len(),
            tail(&out.stdout, &out.stderr)
        )));
    }
    let m = Measurement {
        stage: super::model::PEER_STAGE.into(),
        bytes: text_bytes(&records),
        seconds: wall.as_secs_f64(),
        passages: records.len() as u64,
        cpu_seconds: after.cpu.saturating_sub(before.cpu).as_secs_f64(),
    };
    Ok((vec![m], after.max_rss_mb))
}

/// What `tantivy new` asks, answered for each field: its name, its type, then stored, fast
/// and indexed; for an indexed text field whether it is tokenized (analyzed fields only) and,
/// if so, with frequencies and positions (both yes); then whether another field follows.
pub fn new_answers(specs: &[FieldSpec]) -> String {
    let yn = |b: bool| if b { "Y" } else { "N" };
    let mut lines: Vec<&str> = Vec::new();
    for (i, f) in specs.iter().enumerate() {
        lines.push(&f.name);
        lines.push(match f.kind {
            FieldKind::Text => "Text",
            FieldKind::U64 => "u64",
            FieldKind::F64 => "f64",
        });
        lines.extend([yn(f.stored), yn(f.fast), yn(f.indexed)]);
        if f.kind == FieldKind::Text && f.indexed {
            lines.push(yn(f.analyzed));
            if f.analyzed {
                lines.extend(["Y", "Y"]);
            }
        }
        lines.push(yn(i + 1 < specs.len()));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn write_documents(records: &[igf_lens::model::PassageRecord], path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    for r in records {
        writeln!(w, "{}", document_json(r)?).map_err(|e| Error::io(path, e))?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// `PEER new -i DIR` with `answers` on its stdin.
fn create_index(peer: &Path, dir: &Path, answers: &str) -> Result<()> {
    let mut child = Command::new(peer)
        .arg("new")
        .arg("-i")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(peer, e))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A peer that exits early closes its end: its exit status tells what happened.
        let _ = stdin.write_all(answers.as_bytes());
    }
    let stdout = child.stdout.take();
    let watcher = std::thread::spawn(move || watch_output(stdout));
    let started = Instant::now();
    while !watcher.is_finished() && started.elapsed() < NEW_TIMEOUT {
        std::thread::sleep(Duration::from_millis(20));
    }
    let hung = !watcher.is_finished();
    if hung {
        let _ = child.kill();
    }
    let (refused, output) = watcher.join().unwrap_or((true, Vec::new()));
    if refused {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| Error::io(peer, e))?;
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_end(&mut stderr);
    }
    if hung {
        return Err(Error::Other(format!(
            "bench: the peer `{} new` did not finish within {} s",
            peer.display(),
            NEW_TIMEOUT.as_secs()
        )));
    }
    if refused || !status.success() {
        return Err(peer_failed(peer, "new", &output, &stderr));
    }
    Ok(())
}

/// Reads `tantivy new`'s output until it ends or refuses an answer (a line with `Error`);
/// returns whether it refused one and what it printed.
fn watch_output(stdout: Option<std::process::ChildStdout>) -> (bool, Vec<u8>) {
    let mut seen = Vec::new();
    let Some(out) = stdout else {
        return (false, seen);
    };
    let mut reader = BufReader::new(out);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
        seen.extend_from_slice(&line);
        if String::from_utf8_lossy(&line).contains("Error") {
            return (true, seen);
        }
        line.clear();
    }
    (false, seen)
}

/// Documents in an index, from its `meta.json` (the sum of its segments' `max_doc`).
fn indexed_documents(dir: &Path) -> Result<u64> {
    let path = dir.join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let meta: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Other(format!("{}: not JSON: {e}", path.display())))?;
    let segments = meta["segments"]
        .as_array()
        .ok_or_else(|| Error::Other(format!("{}: no segments list", path.display())))?;
    Ok(segments.iter().filter_map(|s| s["max_doc"].as_u64()).sum())
}

fn peer_failed(peer: &Path, step: &str, stdout: &[u8], stderr: &[u8]) -> Error {
    Error::Other(format!(
        "bench: the peer `{} {step}` failed; its output ends:\n{}",
        peer.display(),
        tail(stdout, stderr)
    ))
}

/// The last lines a process printed, for an error message.
fn tail(stdout: &[u8], stderr: &[u8]) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(stdout),
        String::from_utf8_lossy(stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}

fn remove_dir(dir: &PathBuf) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(dir, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, kind: FieldKind, flags: [bool; 4]) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            kind,
            stored: flags[0],
            fast: flags[1],
            indexed: flags[2],
            analyzed: flags[3],
        }
    }

    #[test]
    fn answers_follow_tantivy_cli_questions() {
        let specs = [
            spec("text", FieldKind::Text, [true, false, true, true]),
            spec("session", FieldKind::Text, [true, true, true, false]),
            spec("tags", FieldKind::Text, [true, false, false, false]),
            spec("year", FieldKind::U64, [true, true, true, false]),
            spec("confidence", FieldKind::F64, [true, false, false, false]),
        ];
        let want = [
            "text",
            "Text",
            "Y",
            "N",
            "Y",
            "Y",
            "Y",
            "Y",
            "Y", // tokenized, freqs, positions
            "session",
            "Text",
            "Y",
            "Y",
            "Y",
            "N",
            "Y", // raw
            "tags",
            "Text",
            "Y",
            "N",
            "N",
            "Y", // stored only
            "year",
            "u64",
            "Y",
            "Y",
            "Y",
            "Y", //
            "confidence",
            "f64",
            "Y",
            "N",
            "N",
            "N", // last field
        ];
        assert_eq!(new_answers(&specs), want.join("\n") + "\n");
    }

    #[test]
    fn meta_json_documents_are_summed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("meta.json"),
            r#"{"segments":[{"max_doc":3,"deletes":null},{"max_doc":4}],"schema":[]}"#,
        )
        .unwrap();
        assert_eq!(indexed_documents(dir.path()).unwrap(), 7);
        std::fs::write(dir.path().join("meta.json"), "{}").unwrap();
        assert!(indexed_documents(dir.path()).is_err());
    }
}
