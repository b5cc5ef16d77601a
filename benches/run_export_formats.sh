#!/usr/bin/env bash
# Export CPU per record by output format (issue 24): `nxlink calls export` (the release
# binary) writing every record of one task as JSON lines and as CSV, against a release
# `nxlink-mock` in its own process on 127.0.0.1 with no added latency, and the floor of
# any owned-type export of the same bytes, all in one run. Prints a markdown table.
#
#   benches/run_export_formats.sh                     # REPEAT=5, pageSize 1000
#   BEFORE=/tmp/before-target/release/nxlink benches/run_export_formats.sh
#
# Each run is `nxlink -q --base-url URL calls export --task-id TASK --format F
# --page-size 1000` (concurrency 4, the default) with stdout on /dev/null (a 64 KiB
# `BufWriter`, as for any pipe or file). Its user CPU is the child's own, from
# `wait4`; per record = user CPU / records (160,252: the whole task in a 400,000-record
# dataset, seed 7; the fixed cost of starting the command, ~2 ms, is 0.01 µs of it).
# The floor is `nxlink-bench-export --write-floor`: one real page of the same size
# decoded with `serde_json::from_slice` into a plain owned derive and written back as
# JSON lines (the same bytes the JSONL export writes for it), as many times as the
# export has pages, user CPU per record.
#
# Runs go round-robin (floor, then each build and format, the order rotating every
# round), so the machine's noise falls on all of them; medians of REPEAT rounds. With
# BEFORE=path (an earlier build of `nxlink`), both builds run in every round and each
# format's output is first checked to be byte-for-byte the same from both (sha256 of
# a full export). Raw runs go to $OUT/runs.txt (default target/bench-export-formats).
#
# CALLGRIND=1 adds instruction counts, which the machine's load does not move: each
# build's full export in each format once under `valgrind --tool=callgrind` (a few
# minutes each), per record = (instructions - those of a `--limit 1` export of the
# same build) / records; and the part inside `RecordOutput::write` (encoding and
# writing, callgrind's inclusive count; 0 if a build inlined it away). The floor's
# count is the inclusive count of its page closure (decode, write, drop) over
# `--write-floor 12` (13 pages with the untimed first) / records.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-5}
RECORDS=${RECORDS:-400000}
SEED=${SEED:-7}
PAGE_SIZE=${PAGE_SIZE:-1000}
FORMATS=${FORMATS:-"jsonl csv"}   # or "jsonl csv parquet" (needs python3 -m pip install pyarrow)
# Extra mock flags, e.g. MOCK_FLAGS=--quirks for untidy JSON (the floor then fails:
# a plain derive refuses it).
MOCK_FLAGS=${MOCK_FLAGS:-}
OUT=${OUT:-$ROOT/target/bench-export-formats}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock \
    -p nxlink-cli --bin nxlink -p nxlink-benches --bin nxlink-bench-export >&2
AFTER=${AFTER:-$ROOT/target/release/nxlink}
BEFORE=${BEFORE:-}
HARNESS=$ROOT/target/release/nxlink-bench-export
. benches/lib.sh
# shellcheck disable=SC2086 # MOCK_FLAGS is a list of flags
start_mock "$OUT" --records "$RECORDS" --seed "$SEED" $MOCK_FLAGS
trap stop_mock EXIT

export NXLINK_ACCESS_KEY=AK-demo-0000000000000000001-0001
export NXLINK_ACCESS_SECRET=nxlink-mock-demo-secret
python3 - "$OUT" "$BASE_URL" "$TASK" "$TASK_LEN" "$PAGE_SIZE" "$REPEAT" "$FORMATS" \
    "$HARNESS" "$AFTER" "$BEFORE" "$MOCK_FLAGS" "${CALLGRIND:-0}" <<'EOF'
import hashlib, os, re, statistics, subprocess, sys

out, base_url, task, task_len, page_size, repeat, formats, harness, after, before, mock_flags, callgrind = sys.argv[1:]
runs_path = os.path.join(out, "runs.txt")
task_len, page_size, repeat, formats = int(task_len), int(page_size), int(repeat), formats.split()
builds = [("after", after)] + ([("before", before)] if before else [])
pages = -(-task_len // page_size)

def export_cmd(binary, fmt):
    return [binary, "-q", "--base-url", base_url, "calls", "export", "--task-id", task,
            "--format", fmt, "--page-size", str(page_size)]

def timed(cmd, stdout):
    """Runs cmd; its own user and system CPU seconds (wait4) and its stdout."""
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed ({status}): {err}")
    return usage.ru_utime, usage.ru_stime

# Untimed: every build's full export in every format, counted and hashed.
digests = {}
for name, binary in builds:
    for fmt in formats:
        proc = subprocess.run(export_cmd(binary, fmt), stdout=subprocess.PIPE, check=True)
        if fmt == "parquet":
            # Rows, not lines: read by pyarrow from the bytes written to stdout.
            import io, pyarrow.parquet
            lines = pyarrow.parquet.read_metadata(io.BytesIO(proc.stdout)).num_rows
        else:
            lines = proc.stdout.count(b"\n")
        want = task_len + (fmt == "csv")
        if lines != want:
            sys.exit(f"{name} {fmt}: {lines} lines, expected {want}")
        digests[(name, fmt)] = hashlib.sha256(proc.stdout).hexdigest()
        print(f"check {name} {fmt}: {lines} lines, {len(proc.stdout)} bytes, sha256 {digests[(name, fmt)][:16]}", file=sys.stderr)
for fmt in formats:
    if len({digests[(name, fmt)] for name, _ in builds}) != 1:
        sys.exit(f"{fmt}: the builds wrote different bytes")

runs = []
cases = [(name, binary, fmt) for name, binary in builds for fmt in formats]
with open(runs_path, "w") as log, open(os.devnull, "wb") as null:
    for rep in range(repeat):
        floor = {}
        if not mock_flags:
            line = subprocess.run([harness, "--base-url", base_url, "--task-id", task, "--page-size", str(page_size),
                                   "--write-floor", str(pages)], stdout=subprocess.PIPE, check=True, text=True).stdout
            floor = dict(p.split("=", 1) for p in line.split())
            runs.append(("floor", "-", rep, float(floor["floor_us"]), float(floor["parse_us"])))
            print(f"floor rep={rep} {line.strip()}", file=log, flush=True)
        shift = rep % len(cases)
        for name, binary, fmt in cases[shift:] + cases[:shift]:
            user, system = timed(export_cmd(binary, fmt), null)
            runs.append((name, fmt, rep, user * 1e6 / task_len, system * 1e6 / task_len))
            print(f"{name} {fmt} rep={rep} user_s={user:.4f} sys_s={system:.4f} records={task_len}", file=log, flush=True)
        print(f"round {rep + 1}/{repeat} done", file=sys.stderr)

def values(name, fmt, index=3):
    return [r[index] for r in runs if r[0] == name and r[1] == fmt]

def med(name, fmt, index=3):
    return statistics.median(values(name, fmt, index))

def paired(name, fmt, ref_name, ref_fmt):
    """Median over rounds of the ratio within the round."""
    a = {r[2]: r[3] for r in runs if r[0] == name and r[1] == fmt}
    b = {r[2]: r[3] for r in runs if r[0] == ref_name and r[1] == ref_fmt}
    return statistics.median(a[k] / b[k] for k in a if k in b)

print(f"{task_len:,} records, pageSize {page_size}, concurrency 4, no added latency"
      f"{', mock ' + mock_flags if mock_flags else ''}; medians of {repeat} rounds")
print()
has_floor = any(r[0] == "floor" for r in runs)
print("| build | format | user CPU µs/record (runs) | sys µs/record | vs JSONL, same build (paired) |"
      + (" vs floor (paired) |" if has_floor else ""))
print("|---|---|---:|---:|---:|" + ("---:|" if has_floor else ""))
for name, _ in builds:
    for fmt in formats:
        runs_text = "/".join(f"{v:.2f}" for v in values(name, fmt))
        vs_jsonl = f"{paired(name, fmt, name, 'jsonl'):.2f}x" if "jsonl" in formats else "n/a"
        row = f"| {name} | {fmt} | **{med(name, fmt):.2f}** ({runs_text}) | {med(name, fmt, 4):.2f} | {vs_jsonl} |"
        if has_floor:
            row += f" {paired(name, fmt, 'floor', '-'):.2f}x |"
        print(row)
if has_floor:
    runs_text = "/".join(f"{v:.2f}" for v in values("floor", "-"))
    print(f"| floor: `from_slice` into a plain owned derive + write JSON lines | - | **{med('floor', '-'):.2f}** ({runs_text}) | - | - | 1.00x |")
    print(f"| (the floor's decode alone) | - | {med('floor', '-', 4):.2f} | - | - | - |")
if before:
    print()
    for fmt in formats:
        print(f"{fmt}: after / before, paired by round: {paired('after', fmt, 'before', fmt):.3f}")

def instructions(cmd, name):
    """Instructions of cmd under callgrind, and the inclusive count of RecordOutput::write."""
    path = os.path.join(out, f"callgrind.{name}")
    with open(os.devnull, "wb") as null:
        proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={path}"] + cmd,
                              stdout=null, stderr=subprocess.PIPE, text=True, check=True)
    total = int(re.search(r"Collected : (\d+)", proc.stderr).group(1))
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                               stdout=subprocess.PIPE, text=True, check=True).stdout
    write = sum(int(m.group(1).replace(",", "")) for m in
                re.finditer(r"^\s*([\d,]+) \([^)]*\)\s+\S*nxlink::output::RecordOutput::write\b", annotated, re.M))
    return total, write

if callgrind == "1":
    print()
    print("Callgrind, instructions per record (full export; fixed cost = a `--limit 1` export, subtracted):")
    print()
    floor_instructions = None
    if not mock_flags:
        path = os.path.join(out, "callgrind.floor")
        line = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={path}", harness,
                               "--base-url", base_url, "--task-id", task, "--page-size", str(page_size),
                               "--write-floor", "12"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, check=True).stdout
        per_page = int(dict(p.split("=", 1) for p in line.split())["records_per_page"])
        annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                                   stdout=subprocess.PIPE, text=True, check=True).stdout
        closure = re.search(r"^\s*([\d,]+) \([^)]*\)\s+\S*write_floor::\{\{closure\}\}::\{\{closure\}\}", annotated, re.M)
        floor_instructions = int(closure.group(1).replace(",", "")) / (13 * per_page)
        print(f"callgrind floor closure={closure.group(1)} per_page={per_page}", file=sys.stderr)
    print("| build | format | instructions/record | in `RecordOutput::write` | the rest | vs JSONL |"
          + (" vs floor |" if floor_instructions else ""))
    print("|---|---|---:|---:|---:|---:|" + ("---:|" if floor_instructions else ""))
    for name, binary in builds:
        fixed, _ = instructions(export_cmd(binary, "jsonl") + ["--limit", "1"], f"{name}.fixed")
        per = {}
        for fmt in formats:
            total, write = instructions(export_cmd(binary, fmt), f"{name}.{fmt}")
            per[fmt] = (total - fixed) / task_len
            print(f"callgrind {name} {fmt} total={total} fixed={fixed} write={write}", file=sys.stderr)
            vs = f"{per[fmt] / per['jsonl']:.2f}x" if "jsonl" in per else "n/a"
            vs_floor = f" {per[fmt] / floor_instructions:.2f}x |" if floor_instructions else ""
            print(f"| {name} | {fmt} | {per[fmt] / 1000:.2f} k | {write / task_len / 1000:.2f} k | "
                  f"{(per[fmt] - write / task_len) / 1000:.2f} k | {vs} |{vs_floor}", flush=True)
    if floor_instructions:
        print(f"| floor | - | {floor_instructions / 1000:.2f} k | - | - | - | 1.00x |")
EOF
