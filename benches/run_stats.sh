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

start_mock_and_postgres stats "$OUT" --records "$RECORDS" --seed 7

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
import json, os, sys

sys.path.insert(0, os.path.join(os.getcwd(), "benches"))
from rounds import rounds, table, timed

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

expected = None

def run(kind, rep):
    global expected
    args = [nxlink, "-q", "--base-url", base_url, "calls", "stats", "--task-id", task, "--format", "json"]
    wall, user, stdout = timed(args + sources[kind])
    figures = json.loads(stdout)
    if figures["records"] != task_len:
        sys.exit(f"{kind}: {figures['records']} records, expected {task_len}")
    expected = expected or figures
    if figures != expected:
        sys.exit(f"{kind}: figures differ from the first run's")
    return wall, user

results = rounds(kinds, repeat, run, runs_path)
print(f"{task_len:,} records (one task), medians of {repeat} runs; every run printed the same figures")
print()
table(results, task_len, "source", "--from JSONL", "`--from` JSONL")
PY
