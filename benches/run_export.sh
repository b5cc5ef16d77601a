#!/usr/bin/env bash
# Export throughput: the client's record stream vs a sequential stdlib-Python script,
# 200,000 records of one task from an `nxlink-mock` in its own process on loopback,
# 20 ms added per request. Prints a markdown table (medians of REPEAT runs; every
# figure is measured in this run).
#
#   benches/run_export.sh                 # REPEAT=3 LIMIT=200000 LATENCY_MS=20
#   REPEAT=5 CONFIGS="8:100" benches/run_export.sh
#
# Columns: records/s and wall time of the export; ideal = pages x latency / concurrency;
# ratio = wall / ideal (target <= 1.5); speedup = Python wall / client wall at the same
# pageSize (target >= 6 at concurrency 8, pageSize 100); user CPU of the client process
# across the export / records (target <= 1 us), and that figure over the user CPU of a
# plain `serde_json::from_slice` derive decode of the same number of records from one
# real page of the same size, measured in the same run (`--decode-floor`). Raw runs go
# to $OUT (default target/bench-export).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-3}
LIMIT=${LIMIT:-200000}
LATENCY_MS=${LATENCY_MS:-20}
RECORDS=${RECORDS:-520000}     # DEMO_TASK_ID gets ~40%: >= 200,000 (checked below)
SEED=${SEED:-7}
CONFIGS=${CONFIGS:-"1:100 4:100 8:100 1:1000 4:1000 8:1000"}   # concurrency:pageSize
PY_PAGE_SIZES=${PY_PAGE_SIZES:-"100 1000"}
OUT=${OUT:-$ROOT/target/bench-export}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-benches --bin nxlink-bench-export >&2
# MOCK=path runs another nxlink-mock build (e.g. one from before a change) instead of this repo's.
# HARNESS=path runs another nxlink-bench-export build (e.g. one from before a change).
HARNESS=${HARNESS:-$ROOT/target/release/nxlink-bench-export}
. benches/lib.sh
start_mock "$OUT" --records "$RECORDS" --seed "$SEED" --latency-ms "$LATENCY_MS"
trap stop_mock EXIT
if [ "$TASK_LEN" -lt "$LIMIT" ]; then
    echo "task has fewer than $LIMIT records: raise RECORDS" >&2
    exit 1
fi

RUNS=$OUT/runs.txt
: >"$RUNS"
# Round-robin over the settings, so that noise from other work on the machine is
# spread over all of them rather than hitting one.
for rep in $(seq 1 "$REPEAT"); do
    for config in $CONFIGS; do
        c=${config%%:*}; ps=${config##*:}
        line=$("$HARNESS" --base-url "$BASE_URL" --task-id "$TASK" --concurrency "$c" --page-size "$ps" --limit "$LIMIT")
        echo "rust c=$c ps=$ps rep=$rep $line" | tee -a "$RUNS" >&2
    done
    for ps in $(for config in $CONFIGS; do echo "${config##*:}"; done | sort -un); do
        line=$("$HARNESS" --base-url "$BASE_URL" --task-id "$TASK" --page-size "$ps" --decode-floor $((LIMIT / ps)))
        echo "floor c=0 ps=$ps rep=$rep $line" | tee -a "$RUNS" >&2
    done
    for ps in $PY_PAGE_SIZES; do
        line=$(python3 "$ROOT/benches/baseline_export.py" --base-url "$BASE_URL" --task-id "$TASK" --page-size "$ps" --limit "$LIMIT")
        echo "python c=1 ps=$ps rep=$rep $line" | tee -a "$RUNS" >&2
    done
done

echo "mock binary: $MOCK"
python3 - "$RUNS" "$LATENCY_MS" "$LIMIT" <<'EOF'
import statistics, sys
from collections import defaultdict

runs_path, latency_ms, limit = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
runs = defaultdict(list)
for line in open(runs_path):
    parts = line.split()
    kind, fields = parts[0], dict(p.split("=", 1) for p in parts[1:])
    runs[(kind, int(fields["c"]), int(fields["ps"]))].append(fields)

def med(rows, key):
    return statistics.median(float(r[key]) for r in rows)

floors = {ps: rows for (kind, _, ps), rows in runs.items() if kind == "floor"}
runs = {key: rows for key, rows in runs.items() if key[0] != "floor"}
for (kind, c, ps), rows in runs.items():
    counts = {r["records"] for r in rows}
    sums = {r["checksum"] for r in rows}
    if counts != {str(limit)} or len(sums) != 1:
        sys.exit(f"{kind} c={c} ps={ps}: records {counts}, checksums {sums}")
checks = {rows[0]["checksum"] for rows in runs.values()}
if len(checks) != 1:
    sys.exit(f"client and script exported different records: {checks}")

def row(kind, c, ps):
    rows = runs[(kind, c, ps)]
    wall, user = med(rows, "wall_s"), med(rows, "user_s")
    pages = -(-limit // ps)
    ideal = pages * latency_ms / 1000 / c
    py = runs.get(("python", 1, ps))
    speed = f"{med(py, 'wall_s') / wall:.2f}x" if py else "n/a"
    label = "client stream" if kind == "rust" else "Python stdlib script (sequential)"
    walls = "/".join(f"{float(r['wall_s']):.2f}" for r in rows)
    cpu = user * 1e6 / limit
    floor = floors.get(ps) if kind == "rust" else None
    vs_decode = f"{cpu / med(floor, 'strict_us'):.2f}x" if floor and "strict_us" in floor[0] else "n/a"
    return (f"| {label} | {c} | {ps} | {limit / wall:,.0f} | {wall:.2f} ({walls}) | {ideal:.2f} | "
            f"{wall / ideal:.2f} | {speed} | {cpu:.2f} | {vs_decode} |")

print(f"{limit:,} records, {latency_ms:.0f} ms per request, medians of {len(next(iter(runs.values())))} runs")
print()
print("| exporter | concurrency | pageSize | records/s | wall s (runs) | ideal s | wall/ideal | speedup vs Python (same pageSize) | user CPU µs/record | vs plain decode |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for key in sorted(runs, key=lambda k: (k[0] != "python", k[2], k[1])):
    print(row(*key))
if floors:
    keys = [k for k in ("parse_only_us", "borrowed_us", "lenient_us", "strict_us", "value_us") if k in next(iter(floors.values()))[0]]
    print()
    print("Decoding one real page of the same size, user CPU µs per record (medians):")
    print()
    print("| pageSize | " + " | ".join(k[:-3] for k in keys) + " |")
    print("|---:|" + "---:|" * len(keys))
    for ps, rows in sorted(floors.items()):
        print(f"| {ps} | " + " | ".join(f"{med(rows, k):.3f}" for k in keys) + " |")
EOF
