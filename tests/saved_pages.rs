//! Pages saved from a browser, ingested end to end from `tests/fixtures/saved-pages/` (our own
//! sentences, in the structure each browser writes): "Web Page, complete" (`NAME.html` and its
//! `NAME_files/` asset folder), "Webpage, Single File" (MHTML, quoted-printable and base64),
//! broken MHTML, Safari's web archive, and Firefox's "Text Files"; and the grouped warnings of
//! many files skipped for one reason.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// The address the transcript page was saved from.
const URL: &str =
    "https://www.intgovforum.org/en/content/igf-2031-day-3-ws-318-lanterns-in-the-server-room-raw";

fn saved(dir: &str) -> std::path::PathBuf {
    fixture(&format!("saved-pages/{dir}"))
}

/// Runs `igf-lens ingest --index INDEX ARGS… INPUT` (not quiet: the summary is read too) and
/// returns its stderr, checking the exit code.
fn ingest(input: &Path, index: &Path, args: &[&str], want: i32) -> String {
    stderr(&run_expect(
        igf_lens()
            .args(["ingest", "--index"])
            .arg(index)
            .args(args)
            .arg(input),
        want,
    ))
}

fn json_lines(args: &[&str], index: &Path) -> Vec<Value> {
    stdout(&run_expect(igf_lens().args(args).arg("-i").arg(index), 0))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn passages(index: &Path) -> Vec<Value> {
    json_lines(&["export", "passages", "--format", "jsonl"], index)
}

fn sessions(index: &Path) -> Vec<Value> {
    json_lines(&["sessions", "--format", "json"], index)
}

/// (label, text) of every passage, in order.
fn said(passages: &[Value]) -> Vec<(String, String)> {
    passages
        .iter()
        .map(|p| (s(&p["label"]).to_string(), s(&p["text"]).to_string()))
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The warning lines of stderr.
fn warnings(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("igf-lens: warning:"))
        .collect()
}

/// The passages of the plain HTML page (the reference the other saves are compared with).
fn plain_said() -> Vec<(String, String)> {
    let tmp = tempdir();
    let ix = tmp.path().join("ix");
    ingest_quiet(&ix, &saved("plain"), 0);
    let said = said(&passages(&ix));
    assert_eq!(said.len(), 6, "{said:?}");
    said
}

#[test]
fn an_asset_folder_is_counted_without_a_warning_per_file_and_a_transcript_in_it_is_read() {
    let tmp = tempdir();
    let ix = tmp.path().join("ix");
    let err = ingest(&saved("complete"), &ix, &[], 0);
    // Only the folder named like an asset folder with no page beside it gets its warning.
    assert_eq!(
        warnings(&err),
        [format!(
            "igf-lens: warning: skipped {}: unknown format: not an IGF session page, transcript, \
             caption file or JSON Lines",
            saved("complete/drafts_files/menu.js").display()
        )],
        "{err}"
    );
    assert!(
        err.contains(
            "igf-lens: 9 files (2 processed, 0 unchanged, 7 skipped, 0 duplicates, 0 pruned)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "igf-lens: 6 file(s) in saved pages' asset folders (NAME_files/ beside NAME.html) hold \
             no transcript or page: counted as skipped, without a warning each (--list-skipped \
             names them)"
        ),
        "{err}"
    );
    // The page, keyed by its title, with the address of Chrome's `saved from url` comment; the
    // transcript filed in the asset folder by mistake is read as anywhere.
    let keys: Vec<String> = sessions(&ix)
        .iter()
        .map(|r| s(&r["key"]).to_string())
        .collect();
    assert_eq!(keys, ["2031-ws-318", "2031-ws-402"]);
    let all = passages(&ix);
    let page: Vec<&Value> = all
        .iter()
        .filter(|p| p["session"] == "2031-ws-318")
        .collect();
    assert_eq!(page.len(), 6);
    assert!(page.iter().all(|p| p["url"] == URL), "{page:?}");
    // --list-skipped names each file of the asset folder.
    let err = ingest(&saved("complete"), &ix, &["--list-skipped", "-q"], 0);
    for name in [
        "app.js",
        "empty.svg",
        "font.woff2",
        "logo.png",
        "saved_resource.html",
        "style.css",
    ] {
        let path = saved("complete/ws-318_files").join(name);
        assert!(
            err.lines().any(
                |l| l.starts_with(&format!("igf-lens: skipped {}: ", path.display()))
                    && l.ends_with("(a file of a saved page's asset folder)")
            ),
            "{name}: {err}"
        );
    }
}

#[test]
fn strict_passes_over_asset_files_but_not_other_skipped_files() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(saved("complete/ws-318.html"), corpus.join("ws-318.html")).unwrap();
    copy_dir(
        &saved("complete/ws-318_files"),
        &corpus.join("ws-318_files"),
    );
    let err = ingest(&corpus, &tmp.path().join("ix"), &["--strict", "-q"], 0);
    assert!(warnings(&err).is_empty(), "{err}");
    copy_dir(
        &saved("complete/drafts_files"),
        &corpus.join("drafts_files"),
    );
    let err = ingest(&corpus, &tmp.path().join("ix2"), &["--strict", "-q"], 2);
    assert!(
        err.contains("drafts_files/menu.js: unknown format")
            && err.contains("(--strict: 1 file(s) would be skipped; nothing was indexed)"),
        "{err}"
    );
}

#[test]
fn mhtml_pages_are_keyed_paired_and_read_as_the_same_page_saved_as_html() {
    let want = plain_said();
    // Quoted-printable transcript and base64 session page, both saved by Chrome.
    let tmp = tempdir();
    let ix = tmp.path().join("ix");
    let err = ingest(&saved("single-file"), &ix, &["-q"], 0);
    assert!(warnings(&err).is_empty(), "{err}");
    let rows = sessions(&ix);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (
            s(&row["key"]),
            s(&row["title"]),
            row["paired"].as_bool(),
            s(&row["url"])
        ),
        (
            "2031-ws-318",
            "IGF 2031 WS #318 Lanterns in the server room",
            Some(true),
            URL
        ),
        "{row}"
    );
    assert!(s(&row["page"]).ends_with("ws-318-page.mht"), "{row}");
    let all = passages(&ix);
    assert_eq!(said(&all), want);
    assert!(all.iter().all(|p| p["url"] == URL && p["year"] == 2031));
    // The page's roster resolves the speakers.
    let lina = all.iter().find(|p| p["label"] == "LINA ØSTBY").unwrap();
    assert_eq!(
        (
            s(&lina["speaker"]),
            s(&lina["stakeholder"]),
            s(&lina["method"])
        ),
        ("Lina Østby", "Civil Society", "roster"),
        "{lina}"
    );
    // The transcript base64-encoded, alone.
    let ix = tmp.path().join("ix-b64");
    ingest_quiet(&ix, &saved("base64"), 0);
    let all = passages(&ix);
    assert_eq!(said(&all), want);
    assert!(all
        .iter()
        .all(|p| p["url"] == URL && p["session"] == "2031-ws-318"));
}

#[test]
fn broken_mhtml_and_web_archives_are_skipped_saying_what_to_do() {
    let tmp = tempdir();
    let err = ingest(&saved("broken"), &tmp.path().join("ix"), &["-q"], 0);
    let again = "save the page again (Save Page As… > Webpage, Single File, or Webpage, Complete \
                 for a .html file)";
    assert_eq!(
        warnings(&err),
        [
            format!(
                "igf-lens: warning: skipped {}: an MHTML file with no HTML page in it (its parts \
                 cannot be told apart: the boundary its header names is not found in it, so the \
                 file is damaged or was edited): {again}",
                saved("broken/ws-318-boundary.mhtml").display()
            ),
            format!(
                "igf-lens: warning: skipped {}: an MHTML file with no HTML page in it (none of its \
                 parts is `text/html`): {again}",
                saved("broken/ws-318-no-html.mhtml").display()
            ),
            format!(
                "igf-lens: warning: skipped {}: a Safari web archive (binary), which igf-lens \
                 does not read: in Safari, save the page again with File > Save As… and Format: \
                 Page Source (a .html file)",
                saved("broken/ws-318.webarchive").display()
            ),
        ],
        "{err}"
    );
    let err = ingest(
        &saved("broken"),
        &tmp.path().join("ix2"),
        &["-q", "--strict"],
        2,
    );
    assert!(
        err.contains("ws-318-boundary.mhtml: an MHTML file with no HTML page in it")
            && err.contains("(--strict: 3 file(s) would be skipped; nothing was indexed)"),
        "{err}"
    );
}

#[test]
fn many_files_skipped_for_one_reason_are_named_three_and_counted() {
    let tmp = tempdir();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for i in 1..=7 {
        std::fs::write(corpus.join(format!("script-{i}.js")), "var menu = 1;\n").unwrap();
    }
    for name in ["a.txt", "b.txt"] {
        std::fs::write(corpus.join(name), "").unwrap();
    }
    std::fs::copy(saved("plain/ws-318.html"), corpus.join("ws-318.html")).unwrap();
    let err = ingest(&corpus, &tmp.path().join("ix"), &["-q"], 0);
    let unknown = "unknown format: not an IGF session page, transcript, caption file or JSON Lines";
    let named = |name: &str, why: &str| {
        format!(
            "igf-lens: warning: skipped {}: {why}",
            corpus.join(name).display()
        )
    };
    assert_eq!(
        warnings(&err),
        [
            named("a.txt", "empty file"),
            named("b.txt", "empty file"),
            named("script-1.js", unknown),
            named("script-2.js", unknown),
            named("script-3.js", unknown),
            "igf-lens: warning: … and 4 more skipped for the same reason (--list-skipped names \
             every file)"
                .to_string(),
        ],
        "{err}"
    );
    let err = ingest(
        &corpus,
        &tmp.path().join("ix"),
        &["-q", "--list-skipped"],
        0,
    );
    let listed: Vec<&str> = warnings(&err);
    assert_eq!(listed.len(), 9, "{err}");
    assert!(
        listed.contains(&named("script-7.js", unknown).as_str()),
        "{err}"
    );
}

#[test]
fn a_page_saved_by_firefox_as_text_gives_the_turns_of_the_html_page() {
    let want = plain_said();
    let tmp = tempdir();
    let ix = tmp.path().join("ix");
    let err = ingest(&saved("firefox-text"), &ix, &["-q"], 0);
    assert!(warnings(&err).is_empty(), "{err}");
    let all = passages(&ix);
    assert!(all.iter().all(|p| p["session"] == "2031-ws-318"));
    let got = said(&all);
    // The wrapped lines are joined and the wrapped disclaimer dropped: the same turns. The
    // site's footer text, which the browser saves after the last turn, stays in it.
    assert_eq!(got.len(), want.len(), "{got:?}");
    assert_eq!(got[..5], want[..5]);
    assert_eq!(got[5].0, want[5].0);
    assert!(got[5].1.starts_with(&want[5].1), "{:?}", got[5]);
}
