#!/usr/bin/env python3
"""Import circles between the files of a Rust crate.

usage: import-cycles.py SRC_DIR [--tests] [--modules] [--edges]

Every `use` (re-exports included) and every `crate::`/`super::`/`self::` path written in code is an
edge from the file that writes it to the file that defines the module it names (the longest prefix
of the path that is a file: `crate::index::Writer` goes to index/mod.rs, `crate::index::writer::X`
to index/writer.rs). `mod x;` declarations are not edges. Comments, doc comments and string
literals are ignored; so is code after a `#[cfg(test)]` line that opens a module, and a file
declared as `#[cfg(test)] mod name;` (unit tests), unless --tests is given. Prints each circle (a strongly connected group of files) and exits 1 when
there is one. With --modules, files are merged into their top-level module first (`index/*.rs`
is `index`), so a circle between two stages shows even when no two files form one.
"""
import os
import re
import sys


def strip(text):
    """Removes comments and string/char literals, keeping line structure."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if text[i] == "\n" else "")
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            end = text.find('"' + m.group(1), i + len(m.group(0)))
            end = n if end < 0 else end + 1 + len(m.group(1))
            out.append('""' + "\n" * text[i:end].count("\n"))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text[i:j].count("\n"))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 12]) or (c == "'" and re.match(r"'\\u\{[0-9a-fA-F]+\}'", text[i:i + 14])):
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def without_tests(text):
    lines = text.split("\n")
    for i, l in enumerate(lines):
        if l.strip() == "#[cfg(test)]" and i + 1 < len(lines) and re.match(r"\s*(pub(\(crate\))? )?mod \w+", lines[i + 1]):
            return "\n".join(lines[:i])
    return text


def expand(tree):
    """`a::{b, c::{d, self}}` -> [a::b, a::c::d, a::c]."""
    tree = re.sub(r"\s+", "", tree)
    depth, start = 0, None
    for k, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                start = k
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                prefix, inner, rest = tree[:start], tree[start + 1:k], tree[k + 1:]
                parts, d, cur = [], 0, ""
                for c2 in inner:
                    if c2 == "," and d == 0:
                        parts.append(cur)
                        cur = ""
                        continue
                    d += c2 == "{"
                    d -= c2 == "}"
                    cur += c2
                parts.append(cur)
                out = []
                for p in parts:
                    if not p:
                        continue
                    for e in expand(p):
                        out.append(prefix[:-2] if e == "self" else prefix + e)
                return out
    return [re.sub(r"\bas\w+$", "", tree.split(" as ")[0])]


def inline_modules(text):
    """A function from an offset to the inline modules (`mod tests { ... }`) around it."""
    spans = []  # (start, end, name)
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += text[i] == "{"
            depth -= text[i] == "}"
            i += 1
        spans.append((m.end(), i, m.group(1)))

    def at(offset):
        return [name for start, end, name in spans if start <= offset < end]
    return at


def module_of(rel):
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main") and (parts[-1] != "main" or len(parts) > 1):
        parts = parts[:-1]
    if parts == ["main"]:
        return ["main"]
    return parts


def main():
    src = sys.argv[1].rstrip("/")
    with_tests = "--tests" in sys.argv
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                files[os.path.relpath(p, src)] = p
    by_module = {tuple(module_of(r)): r for r in files}

    def file_for(path):
        for k in range(len(path), -1, -1):
            if tuple(path[:k]) in by_module:
                return by_module[tuple(path[:k])]
        return None

    # Files declared as `#[cfg(test)] mod name;` hold unit tests too.
    test_files = set()
    for rel, p in files.items():
        text = open(p, encoding="utf-8").read()
        me = module_of(rel)
        for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text):
            f = by_module.get(tuple(me + [m.group(1)]))
            if f:
                test_files.add(f)
    edges = {r: set() for r in files}
    for rel, p in files.items():
        if rel in test_files and not with_tests:
            continue
        text = strip(open(p, encoding="utf-8").read())
        if not with_tests:
            text = without_tests(text)
        me_file = module_of(rel)
        inline = inline_modules(text)
        found = []  # (offset, path)
        for m in re.finditer(r"\b(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text):
            found += [(m.start(), p) for p in expand(m.group(1))]
        code = re.sub(r"\b(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", lambda m: " " * len(m.group(0)), text)
        found += [(m.start(), m.group(0)) for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", code)]
        # A child module named without `self::` (only a module's own file can do that).
        found += [(m.start(), m.group(0)) for m in re.finditer(r"(?<![:\w])(\w+)(?:::\w+)+", code)
                  if tuple(me_file + [m.group(1)]) in by_module]
        for offset, path in found:
            me = me_file + inline(offset)
            segs = [s for s in path.split("::") if s]
            if not segs:
                continue
            if segs[0] == "crate":
                target = segs[1:]
            elif segs[0] in ("super", "self"):
                target = list(me)
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        target = target[:-1]
                    segs = segs[1:]
                target += segs
            elif tuple(me + [segs[0]]) in by_module:
                target = me + segs
            else:
                continue  # another crate
            f = file_for(target)
            if f and f != rel:
                edges[rel].add(f)

    if "--modules" in sys.argv:
        # The same graph between top-level modules (`index/reader.rs` is `index`): modules import
        # only down the stage order, so this one has no circle either.
        top = lambda f: f.split("/")[0].removesuffix(".rs")
        merged = {}
        for v, ws in edges.items():
            merged.setdefault(top(v), set()).update(top(w) for w in ws if top(w) != top(v))
        edges = merged
        files = merged

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    if "--edges" in sys.argv:
        for v in sorted(edges):
            for w in sorted(edges[v]):
                print(f"{v} -> {w}")
    n_edges = sum(len(e) for e in edges.values())
    for comp in sccs:
        inner = [f"{v} -> {w}" for v in comp for w in sorted(edges[v]) if w in comp]
        print("circle: " + ", ".join(comp))
        for e in inner:
            print("    " + e)
    what = "with unit tests" if with_tests else "outside unit tests"
    unit = "modules" if "--modules" in sys.argv else "files"
    print(f"{len(files)} {unit}, {n_edges} import edges between {unit} ({what}), {len(sccs)} circle(s)")
    sys.exit(1 if sccs else 0)


if __name__ == "__main__":
    main()
