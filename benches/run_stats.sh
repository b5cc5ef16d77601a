#!/usr/bin/env bash
# `nxlink calls stats` by source (issue 26): the demo task's figures from the API, and
# from each place `--from` reads: a JSONL export, a Parquet file, a day-partitioned
# Parquet dataset, and the SQLite and PostgreSQL databases `calls sync` filled. Release
# binaries; a release `nxlink-mock` in its own process on 127.0.0.1, no added latency;
# RECORDS=400000 gives the demo task 160,252 records (seed 7). Medians of REPEAT rounds,
# round-robin; each source's throughput also as a ratio to `--from` the JSONL file in
# the same run. Every run must print the same JSON as the API's (checked), so a source
# that reads less is not measured as faster.
#
#   benches/run_stats.sh                 # REPEAT=3 RECORDS=400000
#
# Raw runs go to $OUT/runs.txt (default target/bench-stats).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-3}
RECORDS=${RECORDS:-400000}
OUT=${OUT:-$ROOT/target/bench-stats}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-cli --bin nxlink >&2
NXLINK=${NXLINK:-$TARGET_DIR/release/nxlink}
. benches/lib.sh

WORK=$(mktemp -d /tmp/nxlink-bench-stats.XXXXXX)
cleanup() {
    stop_mock
    stop_postgres "$WORK"
    rm -rf "$WORK"
}
trap cleanup EXIT
start_mock "$OUT" --records "$RECORDS" --seed 7
start_postgres "$WORK"

export NXLINK_ACCESS_KEY=AK-demo-0000000000000000001-0001
export NXLINK_ACCESS_SECRET=nxlink-mock-demo-secret
unset NXLINK_REGION NXLINK_BASE_URL NXLINK_CONFIG NXLINK_DB
calls=("$NXLINK" -q --base-url "$BASE_URL" calls)
scan=(--task-id "$TASK" --page-size 1000)
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench"
echo "writing the sources..." >&2
"${calls[@]}" export "${scan[@]}" --format jsonl -o "$WORK/calls.jsonl"
"${calls[@]}" export "${scan[@]}" --format parquet -o "$WORK/calls.parquet"
"${calls[@]}" export "${scan[@]}" --format parquet --partition-by day -o "$WORK/dataset"
"${calls[@]}" sync "${scan[@]}" --db "sqlite:$WORK/calls.db"
"$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE bench"
"${calls[@]}" sync "${scan[@]}" --db "$PG_URL"

python3 - "$NXLINK" "$BASE_URL" "$TASK" "$TASK_LEN" "$REPEAT" "$WORK" "$PG_URL" "$OUT/runs.txt" <<'PY'
import json, os, resource, statistics, subprocess, sys, time

nxlink, base_url, task, task_len, repeat, work, pg_url, runs_path = sys.argv[1:]
task_len, repeat = int(task_len), int(repeat)
sources = {
    "the API": [],
    "--from JSONL": ["--from", f"{work}/calls.jsonl"],
    "--from Parquet file": ["--from", f"{work}/calls.parquet"],
    "--from Parquet dataset": ["--from", f"{work}/dataset"],
    "--from SQLite": ["--from", f"sqlite:{work}/calls.db"],
    "--from PostgreSQL": ["--from", pg_url],
}
kinds = list(sources)

def timed(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    if done.returncode != 0:
        sys.exit(f"{args}: exit {done.returncode}: {done.stderr.decode()}")
    return wall, user, json.loads(done.stdout)

results = {kind: [] for kind in kinds}
expected = None
with open(runs_path, "w") as runs:
    for rep in range(repeat):
        order = kinds[rep % len(kinds):] + kinds[:rep % len(kinds)]
        for kind in order:
            args = [nxlink, "-q", "--base-url", base_url, "calls", "stats", "--task-id", task, "--format", "json"]
            wall, user, figures = timed(args + sources[kind])
            if figures["records"] != task_len:
                sys.exit(f"{kind}: {figures['records']} records, expected {task_len}")
            expected = expected or figures
            if figures != expected:
                sys.exit(f"{kind}: figures differ from the first run's")
            results[kind].append((wall, user))
            print(f"{kind.replace(' ', '_')} rep={rep} wall_s={wall:.3f} user_s={user:.3f}", file=runs, flush=True)
            print(f"{kind} rep={rep} wall {wall:.2f} s user {user:.2f} s", file=sys.stderr)

base = statistics.median(w for w, _ in results["--from JSONL"])
print(f"{task_len:,} records (one task), medians of {repeat} runs; every run printed the same figures")
print()
print("| source | records/s | wall s (runs) | user CPU µs/record | throughput vs `--from` JSONL |")
print("|---|---:|---:|---:|---:|")
for kind in kinds:
    walls = [w for w, _ in results[kind]]
    wall = statistics.median(walls)
    user = statistics.median(u for _, u in results[kind])
    runs_text = "/".join(f"{w:.2f}" for w in walls)
    print(f"| {kind} | {task_len / wall:,.0f} | {wall:.2f} ({runs_text}) | {user * 1e6 / task_len:.2f} | {base / wall:.2f} |")
PY
