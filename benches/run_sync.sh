#!/usr/bin/env bash
# `nxlink calls sync` throughput (issue 26): a first (full) sync of one task into a fresh
# SQLite file and into a fresh PostgreSQL database, against the plain JSONL export of the
# same task in the same run, as records/s and as a ratio to the export. Release
# binaries; a release `nxlink-mock` in its own process on 127.0.0.1, no added latency;
# RECORDS=400000 gives the demo task 160,252 records (seed 7).
#
#   benches/run_sync.sh                  # REPEAT=3 RECORDS=400000 PAGE_SIZE=1000
#
# Each run: `nxlink -q --base-url URL calls export --task-id T --format jsonl
# --page-size 1000 > /dev/null`, then `nxlink -q ... calls sync --task-id T --page-size
# 1000 --db sqlite:FRESH.db` and `--db postgres://...FRESH` (concurrency 4, the
# default), round-robin, medians of REPEAT rounds. Wall time and the child's user CPU.
# PostgreSQL is a server this script starts (initdb, pg_ctl; as `nobody` under root,
# since it refuses root) in a temporary directory with its default durability
# (fsync on, synchronous_commit on): each page is one committed transaction in both
# databases, as in real use. SQLite runs in WAL mode with synchronous=NORMAL.
# Raw runs go to $OUT/runs.txt (default target/bench-sync).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-3}
RECORDS=${RECORDS:-400000}
PAGE_SIZE=${PAGE_SIZE:-1000}
SEED=${SEED:-7}
OUT=${OUT:-$ROOT/target/bench-sync}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-cli --bin nxlink >&2
NXLINK=${NXLINK:-$TARGET_DIR/release/nxlink}
. benches/lib.sh

start_mock_and_postgres sync "$OUT" --records "$RECORDS" --seed "$SEED"

python3 - "$NXLINK" "$BASE_URL" "$TASK" "$TASK_LEN" "$PAGE_SIZE" "$REPEAT" "$WORK" "$PG_BIN" "$PG_PORT" "$OUT/runs.txt" <<'PY'
import os, subprocess, sys

sys.path.insert(0, os.path.join(os.getcwd(), "benches"))
from rounds import rounds, table, timed

nxlink, base_url, task, task_len, page_size, repeat, work, pg_bin, pg_port, runs_path = sys.argv[1:]
task_len, repeat = int(task_len), int(repeat)
env = dict(os.environ, NXLINK_ACCESS_KEY="AK-demo-0000000000000000001-0001", NXLINK_ACCESS_SECRET="nxlink-mock-demo-secret")
for var in ("NXLINK_REGION", "NXLINK_BASE_URL", "NXLINK_CONFIG", "NXLINK_DB"):
    env.pop(var, None)

def psql(sql):
    subprocess.run([f"{pg_bin}/psql", "-X", "-q", "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "postgres",
                    "-c", sql], check=True, capture_output=True)

def count_sqlite(path):
    import sqlite3
    return sqlite3.connect(path).execute("SELECT count(*) FROM call_records").fetchone()[0]

def count_pg(db):
    out = subprocess.run([f"{pg_bin}/psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", db,
                          "-c", "SELECT count(*) FROM call_records"], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())

common = [nxlink, "-q", "--base-url", base_url, "calls"]
kinds = ["export jsonl", "sync sqlite", "sync postgres"]

def run(kind, rep):
    if kind == "export jsonl":
        args = common + ["export", "--task-id", task, "--format", "jsonl", "--page-size", page_size]
        check = lambda: task_len
    elif kind == "sync sqlite":
        path = f"{work}/bench-{rep}.db"
        args = common + ["sync", "--task-id", task, "--page-size", page_size, "--db", f"sqlite:{path}"]
        check = lambda: count_sqlite(path)
    else:
        db = f"bench_{rep}"
        psql(f"DROP DATABASE IF EXISTS {db}")
        psql(f"CREATE DATABASE {db}")
        args = common + ["sync", "--task-id", task, "--page-size", page_size, "--db",
                         f"postgres://postgres@127.0.0.1:{pg_port}/{db}"]
        check = lambda: count_pg(db)
    wall, user, _ = timed(args, env)
    rows = check()
    if rows != task_len:
        sys.exit(f"{kind}: {rows} rows, expected {task_len}")
    return wall, user

results = rounds(kinds, repeat, run, runs_path)
print(f"{task_len:,} records (one task), pageSize {page_size}, concurrency 4, medians of {repeat} runs")
print()
table(results, task_len, "command", "export jsonl", "JSONL export")
PY
