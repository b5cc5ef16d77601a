#!/usr/bin/env python3
"""Writes the planted-bug patches (or with `--table`, the RELIABILITY.md table of them) of audit/planted/ from the table in audit/bugs.py.

Each bug is a one-spot edit (a string replaced once in one file); this script writes the
edit as a unified diff against the file as it stands, without touching the file. Run it from anywhere
after changing audit/bugs.py; `.ci/planted` then replays the patches.
"""
import difflib
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "audit"))
from bugs import BUGS  # noqa: E402

def short(cite):
    """`crates/nxlink-client/tests/x.rs::t` as RELIABILITY.md writes it."""
    for long, prefix in [("crates/nxlink-client/", "client/"), ("crates/nxlink-cli/", "cli/"), ("crates/nxlink-mock/", "mock/"),
                         ("crates/nxlink-mock-cli/", "mock-cli/"), ("crates/nxlink-auth/", "auth/"),
                         ("crates/nxlink-models/", "models/")]:
        if cite.startswith(long):
            return prefix + cite[len(long):]
    return cite


def table():
    rows = ["| # | planted bug | kind | the test that fails | last run |", "|---|---|---|---|---|"]
    for number, bug in enumerate(BUGS, start=1):
        tests = ", ".join(f"`{short(c)}`" for c in bug["caught_by"])
        rows.append(f"| {number} | `{bug['name']}`: {bug['planted']} | {bug['kind']} | {tests} | caught |")
    return "\n".join(rows) + "\n"


if sys.argv[1:] == ["--reliability"]:
    # Rewrites the "Planted by hand" table of RELIABILITY.md from this list.
    path = os.path.join(root, "RELIABILITY.md")
    text = open(path, encoding="utf-8").read()
    start = text.index("| # | planted bug |")
    end = text.index("\n\n", start) + 1
    open(path, "w", encoding="utf-8").write(text[:start] + table() + text[end:])
    sys.exit(0)

if sys.argv[1:] == ["--table"]:
    print(table(), end="")
    sys.exit(0)

out_dir = os.path.join(root, "audit", "planted")
os.makedirs(out_dir, exist_ok=True)
for old in os.listdir(out_dir):
    if old.endswith(".patch"):
        os.remove(os.path.join(out_dir, old))

for number, bug in enumerate(BUGS, start=1):
    path = os.path.join(root, bug["file"])
    text = open(path, encoding="utf-8").read()
    count = text.count(bug["old"])
    if count != 1:
        sys.exit(f"{bug['name']}: the text to replace occurs {count} times in {bug['file']}, expected once")
    edited = text.replace(bug["old"], bug["new"], 1)
    # Against the file as it is now, committed or not.
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            edited.splitlines(keepends=True),
            fromfile="a/" + bug["file"],
            tofile="b/" + bug["file"],
        )
    )
    header = [f"Planted: {bug['planted']}", f"Kind: {bug['kind']}"]
    header += [f"Caught-by: {cite}" for cite in bug["caught_by"]]
    header += [f"Test: {bug['test']}", ""]
    name = f"{number:02d}-{bug['name']}.patch"
    open(os.path.join(out_dir, name), "w", encoding="utf-8").write("\n".join(header) + "\n" + diff)
    print(name)
