#!/usr/bin/env python3
"""Fails if any crate of the workspace has a module circle: module A uses B and B, directly or
through others, uses A. Modules are files (`a/mod.rs` is `a`) and also folders (everything under
`a/` counts as `a` towards modules outside it). `use` trees and inline `crate::` paths count;
`pub use` re-exports resolve to the module that defines the item; unit tests are left out.

    scripts/module_circles.py            # every crate under crates/
    scripts/module_circles.py -v         # also prints each crate's arrows
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(src):
    """Module path (tuple of names) of each file of a library crate."""
    found = {}
    for path in src.rglob("*.rs"):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts == ["main"] or parts[:1] == ["bin"]:
            continue  # a binary's modules are not the library's
        if parts[-1] in ("lib", "mod"):
            parts = parts[:-1]
        found[tuple(parts)] = path
    return found


def code(path):
    """The file without comments and without its `#[cfg(test)]` module."""
    text = path.read_text()
    text = re.split(r"#\[cfg\(test\)\]\s*mod \w+", text)[0]
    text = re.sub(r"//[^\n]*", "", text)
    return text


def expand(tree):
    """`a::{b, c::{d, e}}` → ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    depth, start, items = 0, None, []
    brace = tree.find("{")
    if brace < 0:
        return [re.sub(r"as\w+$", "", tree)]
    prefix, inner = tree[:brace], tree[brace + 1 : tree.rfind("}")]
    part = ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(part)
            part = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        part += ch
    items.append(part)
    return [p for item in items if item for p in expand(prefix + item)]


def paths(text, here):
    """Every path the file names, absolute (`crate::…` made a tuple)."""
    found = []
    for tree in re.findall(r"\buse\s+([^;]+);", text):
        found += expand(tree)
    found += re.findall(r"\bcrate(?:::\w+)+", re.sub(r"\buse\s+[^;]+;", "", text))
    out = []
    for p in found:
        segs = [s for s in p.split("::") if s]
        if not segs:
            continue
        if segs[0] == "crate":
            out.append(tuple(segs[1:]))
        elif segs[0] == "super":
            base = list(here)
            while segs and segs[0] == "super":
                base, segs = base[:-1], segs[1:]
            out.append(tuple(base + segs))
        elif segs[0] == "self":
            out.append(tuple(list(here) + segs[1:]))
        elif len(segs) > 1 and tuple(list(here) + segs[:1]) in MODS:
            out.append(tuple(list(here) + segs))  # a child module, named without `self::`
    return out


def reexports(mods):
    """(module, item) → the path the module's `pub use` takes it from."""
    table = {}
    for name, path in mods.items():
        for tree in re.findall(r"\bpub\s+use\s+([^;]+);", code(path)):
            for p in expand(tree):
                segs = p.split("::")
                if segs[0] == "crate":
                    target = tuple(segs[1:])
                elif segs[0] in ("self", "super"):
                    continue
                elif name + (segs[0],) in mods:
                    target = name + tuple(segs)
                else:
                    continue  # another crate's item
                table[(name, target[-1])] = target
    return table


def resolve(path, mods, table, seen=0):
    """The module that defines what `path` names."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in mods:
            if cut < len(path) and (path[:cut], path[cut]) in table and seen < 8:
                return resolve(table[(path[:cut], path[cut])], mods, table, seen + 1)
            return path[:cut]
    return ()


def circles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def name(m):
    return "::".join(m) or "(crate root)"


MODS = {}


def check(crate, verbose):
    global MODS
    src = crate / "src"
    MODS = modules(src)
    table = reexports(MODS)
    arrows = set()
    for here, path in MODS.items():
        for p in paths(code(path), here):
            target = resolve(p, MODS, table)
            if target != here and target in MODS:
                arrows.add((here, target))
    # The crate root only declares modules and exports: its arrows down are not dependencies.
    arrows = {(a, b) for a, b in arrows if a != ()}
    problems = []
    files = {}
    for a, b in arrows:
        files.setdefault(a, set()).add(b)
    for comp in circles(files):
        problems.append("files " + " ↔ ".join(map(name, comp)))
    # Folders: every module under a folder stands for it towards modules outside it.
    for depth in range(1, max(map(len, MODS), default=1)):
        folders = {}
        for a, b in arrows:
            fa, fb = a[:depth], b[:depth]
            if len(a) > depth - 1 and len(b) > depth - 1 and fa != fb and fa[:-1] == fb[:-1]:
                folders.setdefault(fa, set()).add(fb)
        for comp in circles(folders):
            problems.append("folders " + " ↔ ".join(map(name, comp)))
    if verbose:
        for a, b in sorted(arrows):
            print(f"  {crate.name}: {name(a)} → {name(b)}")
    return problems


def main():
    verbose = "-v" in sys.argv
    failed = False
    for crate in sorted((ROOT / "crates").iterdir()):
        if (crate / "src").is_dir():
            for problem in check(crate, verbose):
                print(f"module circle in {crate.name}: {problem}")
                failed = True
    if failed:
        sys.exit(1)
    print("no module circles")


if __name__ == "__main__":
    main()
