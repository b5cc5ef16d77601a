#!/usr/bin/env bash
# Peak memory of `nxlink calls export --format jsonl` for 100,000 and 1,000,000
# records of one task, against an `nxlink-mock` in its own process. Target: at most
# 64 MB and about the same for both sizes (the export streams, it does not collect).
#
#   benches/run_memory.sh                  # REPEAT=3, pageSize 100 and 1000, concurrency 4
#   SIZES="100000" PAGE_SIZES=1000 benches/run_memory.sh
#   FORMATS="jsonl parquet" SIZES=1000000 PAGE_SIZES=1000 REPEAT=1 benches/run_memory.sh
#
# A Parquet export goes to a file ($OUT/export.parquet, -o) and its rows are counted
# with pyarrow; JSON lines go through a pipe and are counted with wc -l.
# Peak RSS is GNU time's "Maximum resident set size" (/usr/bin/time -v) of the nxlink
# process; records go to /dev/null. The baseline row is `nxlink --version` (same
# binary, no export), measured in the same run. Raw runs go to $OUT.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-3}
SIZES=${SIZES:-"100000 1000000"}
PAGE_SIZES=${PAGE_SIZES:-"100 1000"}
CONCURRENCY=${CONCURRENCY:-4}
FORMATS=${FORMATS:-jsonl}
RECORDS=${RECORDS:-2600000}     # DEMO_TASK_ID gets ~40%: >= 1,000,000 (checked below)
OUT=${OUT:-$ROOT/target/bench-memory}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-cli --bin nxlink >&2
# MOCK=path runs another nxlink-mock build (e.g. one from before a change) instead of this repo's.
NXLINK=$ROOT/target/release/nxlink

. benches/lib.sh
start_mock "$OUT" --records "$RECORDS" --seed 7
trap stop_mock EXIT
for n in $SIZES; do
    if [ "$TASK_LEN" -lt "$n" ]; then echo "task has fewer than $n records: raise RECORDS" >&2; exit 1; fi
done

export NXLINK_ACCESS_KEY=AK-demo-0000000000000000001-0001
export NXLINK_ACCESS_SECRET=nxlink-mock-demo-secret
RUNS=$OUT/runs.txt
: >"$RUNS"
peak_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall_of() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }

for rep in $(seq 1 "$REPEAT"); do
    /usr/bin/time -v "$NXLINK" --version >/dev/null 2>"$OUT/time.txt"
    echo "baseline n=0 ps=0 rep=$rep peak_kb=$(peak_kb "$OUT/time.txt") wall=$(wall_of "$OUT/time.txt") lines=0" | tee -a "$RUNS" >&2
    for fmt in $FORMATS; do
    for ps in $PAGE_SIZES; do
        for n in $SIZES; do
            # Records are counted to check the export is complete; the measured process
            # is nxlink alone (time -v reports its own peak).
            if [ "$fmt" = parquet ]; then
                rm -f "$OUT/export.parquet"
                /usr/bin/time -v -o "$OUT/time.txt" "$NXLINK" --quiet --base-url "$BASE_URL" calls export \
                    --task-id "$TASK" --format parquet --page-size "$ps" --concurrency "$CONCURRENCY" --limit "$n" \
                    -o "$OUT/export.parquet"
                lines=$(python3 -c 'import sys, pyarrow.parquet as pq; print(pq.read_metadata(sys.argv[1]).num_rows)' \
                    "$OUT/export.parquet")
            else
                lines=$( /usr/bin/time -v -o "$OUT/time.txt" "$NXLINK" --quiet --base-url "$BASE_URL" calls export \
                    --task-id "$TASK" --format "$fmt" --page-size "$ps" --concurrency "$CONCURRENCY" --limit "$n" | wc -l )
            fi
            echo "export n=$n ps=$ps fmt=$fmt rep=$rep peak_kb=$(peak_kb "$OUT/time.txt") wall=$(wall_of "$OUT/time.txt") lines=$lines" \
                | tee -a "$RUNS" >&2
        done
    done
    done
done

python3 - "$RUNS" "$CONCURRENCY" <<'EOF'
import statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    parts = line.split()
    fields = dict(p.split("=", 1) for p in parts[1:])
    runs[(parts[0], int(fields["n"]), int(fields["ps"]), fields.get("fmt", "-"))].append(fields)
for (kind, n, ps, fmt), rows in runs.items():
    if kind == "export" and any(int(r["lines"]) != n for r in rows):
        sys.exit(f"export n={n} ps={ps}: wrote {[r['lines'] for r in rows]} lines")

base = statistics.median(int(r["peak_kb"]) for r in runs[("baseline", 0, 0, "-")])
print(f"concurrency {sys.argv[2]}, medians of {len(runs[('baseline', 0, 0, '-')])} runs; baseline = `nxlink --version` in the same run")
print()
print("| run | pageSize | records | peak RSS MB (runs) | vs baseline | wall (median) |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| `nxlink --version` (baseline) | - | 0 | {base / 1024:.1f} | 1.00x | - |")
for (kind, n, ps, fmt), rows in sorted(runs.items(), key=lambda kv: (kv[0][3], kv[0][2], kv[0][1])):
    if kind != "export":
        continue
    peak = statistics.median(int(r["peak_kb"]) for r in rows)
    each = "/".join(f"{int(r['peak_kb']) / 1024:.1f}" for r in rows)
    wall = sorted(r["wall"] for r in rows)[len(rows) // 2]
    print(f"| `calls export --format {fmt}` | {ps} | {n:,} | {peak / 1024:.1f} ({each}) | {peak / base:.2f}x | {wall} |")
EOF
