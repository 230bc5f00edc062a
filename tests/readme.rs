//! The README's examples, run: every `$ …` line of a `console` block (and of a `text` block that
//! starts with one) is run with `sh` in a copy of the sample corpus, and what it prints (stdout
//! and stderr, in order) must be the lines under it. So the README cannot drift from the binary.
//!
//! Blocks run in README order in one directory, except that the blocks of `$ igf-lens run` (which
//! builds the index) run first. Timings (`0.14s`, `(0.00s)`) and speeds (`2.4 MB/s`) vary from
//! run to run and are compared as placeholders; a line `...` in the README stands for any lines.

use std::path::Path;
use std::process::Command;

use crate::util::{repo, tempdir};

/// One `$ command` of the README, with the output shown under it.
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// The examples of the README's console blocks, by block, in README order.
fn examples(readme: &str) -> Vec<Vec<Example>> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    while let Some((_, line)) = lines.next() {
        let fence = line.trim_end();
        if fence != "```console" && fence != "```text" {
            continue;
        }
        // a text block that does not start with a command is not an example
        let is_example =
            fence == "```console" || lines.peek().is_some_and(|(_, l)| l.starts_with("$ "));
        let mut block: Vec<Example> = Vec::new();
        for (i, body) in lines.by_ref() {
            if body.trim_end() == "```" {
                break;
            }
            if !is_example {
                continue;
            }
            if let Some(cmd) = body.strip_prefix("$ ") {
                block.push(Example {
                    line: i + 1,
                    command: cmd.to_string(),
                    expected: Vec::new(),
                });
            } else if let Some(ex) = block.last_mut() {
                ex.expected.push(body.to_string());
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
    }
    blocks
}

/// Output with what varies from run to run replaced: durations and speeds.
fn normalize(text: &str) -> Vec<String> {
    let speed = regex::Regex::new(r"\d+(\.\d+)? MB/s").unwrap();
    let time = regex::Regex::new(r"\b\d+(\.\d+)?s\b").unwrap();
    let mut out: Vec<String> = text
        .lines()
        .map(|l| {
            let l = speed.replace_all(l.trim_end(), "[SPEED]");
            time.replace_all(&l, "[TIME]").into_owned()
        })
        .collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Whether `got` is `want`, where a `want` line `...` matches any number of lines.
fn matches(want: &[String], got: &[String]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|k| matches(rest, &got[k..])),
        Some((w, rest)) => got
            .split_first()
            .is_some_and(|(g, tail)| g == w && matches(rest, tail)),
    }
}

/// Copies a file or directory tree.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Runs one example's command in `dir` with the built binaries first on PATH; its stdout and
/// stderr, interleaved as printed.
fn run(dir: &Path, command: &str) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_igf-lens")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{{ {command} ; }} 2>&1"))
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("spawn sh");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut blocks = examples(&readme);
    assert!(
        blocks.iter().map(Vec::len).sum::<usize>() >= 20,
        "the README's examples were not found"
    );
    // the blocks that build the index first, then the others in README order
    blocks.sort_by_key(|b| !b.iter().any(|e| e.command == "igf-lens run"));
    let dir = tempdir();
    copy_tree(&repo().join("data"), &dir.path().join("data"));
    let qdc = "tests/fixtures/qualcoder.qdc";
    copy_tree(&repo().join(qdc), &dir.path().join(qdc));
    let mut failures = Vec::new();
    let mut blessed = Vec::new();
    for ex in blocks.iter().flatten() {
        let raw = run(dir.path(), &ex.command);
        let got = normalize(&raw);
        let want = normalize(&ex.expected.join("\n"));
        if !matches(&want, &got) {
            blessed.push((ex.line, ex.expected.len(), raw));
            failures.push(format!(
                "README.md:{}: $ {}\n--- README shows\n{}\n--- the binary prints\n{}\n",
                ex.line,
                ex.command,
                want.join("\n"),
                got.join("\n")
            ));
        }
    }
    if std::env::var_os("README_BLESS").is_some() {
        bless(&readme, blessed);
    }
    assert!(
        failures.is_empty(),
        "{} README example(s) differ (README_BLESS=1 writes what the binary prints into \
         README.md, to review with git diff):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Writes each differing example's output into the README under its command.
fn bless(readme: &str, mut outputs: Vec<(usize, usize, String)>) {
    let mut lines: Vec<String> = readme.lines().map(str::to_string).collect();
    outputs.sort_by_key(|o| std::cmp::Reverse(o.0));
    for (line, old_len, raw) in outputs {
        let new: Vec<String> = raw.trim_end().lines().map(str::to_string).collect();
        lines.splice(line..line + old_len, new);
    }
    std::fs::write(repo().join("README.md"), lines.join("\n") + "\n").unwrap();
}

#[test]
fn the_example_matcher_takes_ellipses_and_nothing_else() {
    let v = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    assert!(matches(&v("a\n...\nd"), &v("a\nb\nc\nd")));
    assert!(matches(&v("a\n...\nd"), &v("a\nd")));
    assert!(!matches(&v("a\n...\nd"), &v("a\nb\nc")));
    assert!(!matches(&v("a\nb"), &v("a\nc")));
    assert!(!matches(&v("a"), &v("a\nb")));
    assert_eq!(
        normalize("took 0.14s, 2.4 MB/s (0.00s) 12 sessions  \n\n"),
        vec!["took [TIME], [SPEED] ([TIME]) 12 sessions"]
    );
    let blocks = examples("x\n```console\n$ a b\nout\n$ c\n```\n```text\nnot\n$ x\n```\n");
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0][0].expected, vec!["out"]);
    assert_eq!(blocks[0][1].command, "c");
}

/// The columns a README table row lists: its second cell split at top-level commas, each
/// column's name being the first word (notes in parentheses and backticks left out).
fn listed_columns(row: &str) -> Vec<String> {
    let cell = row.split('|').nth(2).unwrap_or("");
    let mut cols = Vec::new();
    let (mut depth, mut current) = (0, String::new());
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => cols.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    cols.push(current);
    cols.iter()
        .map(|c| c.trim().trim_matches('`').to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn the_readme_lists_every_csv_column_in_order() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let dir = tempdir();
    copy_tree(&repo().join("data"), &dir.path().join("data"));
    run(dir.path(), "igf-lens run -q");
    run(
        dir.path(),
        "igf-lens export excerpts --theme scope -q -o out/excerpts.csv",
    );
    let files = [
        ("`passages.csv`", "passages.csv"),
        ("`stakeholder_theme.csv`", "stakeholder_theme.csv"),
        ("`session_theme.csv`", "session_theme.csv"),
        ("`speaker_theme.csv`", "speaker_theme.csv"),
        ("`sessions.csv`", "sessions.csv"),
        ("`speakers.csv`", "speakers.csv"),
        ("excerpts", "excerpts.csv"),
    ];
    for (name, file) in files {
        let prefix = format!("| {name} |");
        let row = readme
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("README has no row {prefix}"));
        let csv = std::fs::read_to_string(dir.path().join("out").join(file)).unwrap();
        let header: Vec<String> = csv
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        assert_eq!(listed_columns(row), header, "README row for {file}");
    }
}
