#!/usr/bin/env python3
"""Measure igf-lens on a folder of real IGF pages kept outside the repository.

The folder holds the saved files (`files/`), a manifest of what each file truly is
(`manifest.csv`) and hand-made ground truth (`truth/turns.csv`, `truth/rosters.csv`); their
columns are documented in the README (section "Measured on real IGF material"). Nothing of the
files' text is read here: only igf-lens's own outputs and the truth tables.

usage: measure_real.py REAL_DIR [--bin target/release/igf-lens] [--json]

Prints: files skipped and why; transcripts whose session key is not their real one; pairs
(transcript + page of one session) joined; words of roster-listed speakers attributed to the
roster's stakeholder group; share of named-turn words left Unknown; and the precision of the
stakeholder groups igf-lens did assign (against the truth).
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict

ROLE_WORDS = {
    "moderator", "chair", "chairman", "chairperson", "co-moderator", "panelist", "panellist",
    "audience", "audience member", "attendee", "participant", "host", "announcer", "speaker",
    "facilitator", "presenter", "interpreter", "video", "narrator", "floor", "online moderator",
    "remote moderator", "remote participant", "male speaker", "female speaker", "secretariat",
    "rapporteur",
}


def norm(s):
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode not in (0, 1):
        sys.exit(f"measure_real: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return p


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def source_file(rec):
    src = rec.get("source") or ""
    if isinstance(src, dict):
        src = src.get("file", "")
    m = re.match(r"^(.*):(\d+)$", src)
    if m and rec.get("line") is not None:
        src = m.group(1)
    return os.path.basename(src)


def skipped_files(stderr):
    out = {}
    for line in stderr.splitlines():
        m = re.search(r"skipped (.+?): (.*)$", line)
        if m:
            out[os.path.basename(m.group(1))] = m.group(2)
    return out


def key_is_real(key, row):
    """A key is real when it carries the true year and the session's number (or, for sessions
    known by name, at least one word of the name) and is not made of the file name."""
    if not key or not key.startswith(row["year"] + "-"):
        return False
    code = norm(row["session_code"])
    nums = re.findall(r"\d+", re.sub(r"\bday 0\b", "", code))
    # a trailing number that is not part of the session's name (e.g. "Main Session 2") is
    # optional; a workshop/forum number is required
    if re.match(r"^(ws|workshop|of|open forum|town hall|day 0 event|event|networking session|"
                r"lightning talk|pt session|bpf)\b", code) and nums:
        return nums[-1] in re.findall(r"\d+", key[len(row["year"]):])
    stem = norm(os.path.splitext(row["file"])[0])
    generic = {row["year"], "main", "session", "sessions", "igf", "day", "the", "of", "and", "on",
               "event", "track", "forum"}
    words = set(norm(key).split()) - generic
    name_words = set(code.split()) | set(norm(row["session_title"]).split())
    return bool(words & name_words) and norm(key[len(row["year"]) + 1:]) != stem


def map_passages_to_turns(passages, truth_rows):
    """Each passage to the truth turn it belongs to: the last turn marker at or before its line;
    where several turns share a line (flattened files), by label in order."""
    by_line = defaultdict(list)
    for t in truth_rows:
        by_line[int(t["line"])].append(t)
    lines = sorted(by_line)
    cursor = defaultdict(int)
    out = []
    for p in sorted(passages, key=lambda p: (p.get("turn", 0), p.get("ordinal", 0))):
        line = int(p.get("line") or 0)
        cands = [ln for ln in lines if ln <= line]
        if not cands:
            continue
        rows = by_line[cands[-1]]
        if len(rows) == 1:
            out.append((p, rows[0]))
            continue
        label = norm(p.get("label", ""))
        i = cursor[cands[-1]]
        while i < len(rows) and norm(rows[i]["label"]) != label:
            i += 1
        if i < len(rows):
            cursor[cands[-1]] = i
            out.append((p, rows[i]))
    return out


def is_named(label):
    n = norm(label)
    return bool(n) and n not in ROLE_WORDS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("real_dir")
    ap.add_argument("--bin", default="target/release/igf-lens")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files = os.path.join(args.real_dir, "files")
    manifest = read_csv(os.path.join(args.real_dir, "manifest.csv"))
    turns = read_csv(os.path.join(args.real_dir, "truth", "turns.csv"))
    tmp = tempfile.mkdtemp(prefix="igf-real-")
    idx = os.path.join(tmp, "idx")
    ing = run([args.bin, "ingest", files, "-i", idx, "-q"])
    skipped = skipped_files(ing.stderr)
    pj = os.path.join(tmp, "p.jsonl")
    run([args.bin, "export", "passages", "--format", "jsonl", "-i", idx, "-o", pj])
    passages = [json.loads(l) for l in open(pj, encoding="utf-8") if l.strip()]
    sess = run([args.bin, "sessions", "--format", "json", "-i", idx], check=False)
    sessions = None
    if sess.returncode == 0:
        sessions = [json.loads(l) for l in sess.stdout.splitlines() if l.strip().startswith("{")]
        if len(sessions) == 1 and isinstance(sessions[0].get("sessions"), list):
            sessions = sessions[0]["sessions"]

    by_file = defaultdict(list)
    for p in passages:
        by_file[source_file(p)].append(p)
    rep = {"files": len(manifest), "skipped": {}, "duplicates": []}
    dup_files = set()
    for f, why in sorted(skipped.items()):
        if "duplicate" in why or "same session" in why:
            dup_files.add(f)
            rep["duplicates"].append(f)
        else:
            rep["skipped"][f] = why
    rows = {r["file"]: r for r in manifest}
    rep["pages_with_roster_skipped"] = sorted(
        f for f in rep["skipped"] if rows.get(f, {}).get("kind") == "page"
        and "no-roster" not in rows[f]["variant"] and "overview" not in rows[f]["variant"])

    # session keys of transcripts
    bad_keys = []
    n_tr = 0
    for r in manifest:
        if r["kind"] != "transcript" or r["file"] in dup_files:
            continue
        n_tr += 1
        keys = {p["session"] for p in by_file.get(r["file"], [])}
        key = next(iter(keys)) if len(keys) == 1 else None
        if not key_is_real(key, r):
            bad_keys.append((r["file"], key or ("skipped: " + rep["skipped"].get(r["file"], "no passages"))))
    rep["transcripts_kept"] = n_tr
    rep["transcripts_without_real_key"] = bad_keys

    # pairs
    if sessions is not None:
        pairs = defaultdict(lambda: {"t": set(), "p": set()})
        for r in manifest:
            if r["pair_id"]:
                pairs[r["pair_id"]]["t" if r["kind"] == "transcript" else "p"].add(r["file"])
        pairs = {k: v for k, v in pairs.items() if v["t"] and v["p"]}
        joined, missed = [], []
        for pid, v in sorted(pairs.items()):
            ok = False
            for s in sessions:
                tfiles = {os.path.basename(t) for t in (s.get("transcripts") or [])}
                page = os.path.basename(s.get("page") or "")
                if tfiles & v["t"] and page in v["p"]:
                    ok = True
            (joined if ok else missed).append(pid)
        rep["pairs"] = len(pairs)
        rep["pairs_joined"] = len(joined)
        rep["pairs_missed"] = missed

    # attribution, word-weighted within each truth turn
    truth_by_file = defaultdict(list)
    for t in turns:
        truth_by_file[t["file"]].append(t)
    roster_words = roster_ok = 0
    named_words = named_unknown = 0
    # named-turn words whose truth gives no group (the reader could not tell it either), and
    # those of them left Unknown
    named_no_truth = named_no_truth_unknown = 0.0
    # named-turn words left Unknown although the truth gives a group: what attribution missed
    named_missed = 0.0
    assigned = assigned_ok = 0
    wrong = defaultdict(int)
    for f, trows in truth_by_file.items():
        if f in dup_files:
            continue
        got = defaultdict(lambda: defaultdict(int))
        for p, t in map_passages_to_turns(by_file.get(f, []), trows):
            got[id(t)][p.get("stakeholder") or "Unknown"] += int(p.get("words") or 0)
        for t in trows:
            w = int(t["words"])
            dist = got.get(id(t), {})
            total = sum(dist.values())
            share = (lambda g: dist.get(g, 0) / total if total else 0.0)
            # only people whose group the roster itself gives: a roster entry without a group
            # cannot give it (truth rows with another basis are measured as named turns)
            if t["on_roster"] == "yes" and t["basis"] == "roster" and t["stakeholder"]:
                roster_words += w
                roster_ok += w * share(t["stakeholder"])
            if is_named(t["label"]):
                named_words += w
                named_unknown += w * (share("Unknown") if total else 1.0)
                if not t["stakeholder"]:
                    named_no_truth += w
                    named_no_truth_unknown += w * (share("Unknown") if total else 1.0)
                else:
                    named_missed += w * (share("Unknown") if total else 1.0)
            if t["stakeholder"] and total:
                for g, gw in dist.items():
                    if g == "Unknown":
                        continue
                    assigned += w * gw / total
                    if g == t["stakeholder"]:
                        assigned_ok += w * gw / total
                    else:
                        wrong[f"{t['label']} ({f[:40]}): {g} != {t['stakeholder']}"] += 1
    rep["roster_words"] = roster_words
    rep["roster_words_right"] = round(roster_ok)
    rep["roster_share"] = round(roster_ok / roster_words, 3) if roster_words else None
    rep["named_words"] = named_words
    rep["named_unknown_share"] = round(named_unknown / named_words, 3) if named_words else None
    rep["named_no_truth_share"] = round(named_no_truth / named_words, 3) if named_words else None
    rep["named_no_truth_unknown_share"] = (
        round(named_no_truth_unknown / named_words, 3) if named_words else None
    )
    rep["named_missed_share"] = round(named_missed / named_words, 3) if named_words else None
    rep["assigned_precision"] = round(assigned_ok / assigned, 3) if assigned else None
    rep["wrong_groups"] = sorted(wrong)
    if args.json:
        print(json.dumps(rep, indent=2))
        return
    print(f"files {rep['files']}: skipped {len(rep['skipped'])}, duplicates {len(rep['duplicates'])}")
    for f, why in rep["skipped"].items():
        print(f"  skipped {f}: {why}")
    print(f"pages with a roster skipped: {len(rep['pages_with_roster_skipped'])}")
    print(f"transcripts kept {n_tr}, without their real key: {len(bad_keys)}")
    for f, k in bad_keys:
        print(f"  {f}: {k}")
    if "pairs" in rep:
        print(f"pairs joined: {rep['pairs_joined']}/{rep['pairs']}  missed: {', '.join(rep['pairs_missed'])}")
    else:
        print("pairs: `igf-lens sessions --format json` not available")
    print(f"roster-listed speakers' words with the roster's group: {rep['roster_words_right']}/{roster_words}"
          f" = {rep['roster_share']}")
    print(f"named-turn words left Unknown: {rep['named_unknown_share']} of {named_words}")
    print(f"  Unknown where the truth gives a group: {rep['named_missed_share']};"
          f" where it gives none: {rep['named_no_truth_unknown_share']}"
          f" (the truth gives none for {rep['named_no_truth_share']} of named-turn words)")
    print(f"precision of assigned groups (truth known): {rep['assigned_precision']}")
    for w in rep["wrong_groups"]:
        print(f"  wrong: {w}")


if __name__ == "__main__":
    main()
