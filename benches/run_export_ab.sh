#!/usr/bin/env bash
# Client CPU per record, before vs after a change: benches/run_export.sh run once per
# build per round, the order alternating between rounds so that both builds share the
# machine's noise; one mock build serves both (a fresh mock process per run); the Python
# script is skipped. Prints medians of ROUNDS runs of user CPU µs per record for each
# concurrency:pageSize, and of the lenient decode of one real page (`--decode-floor`).
#
#   BEFORE=/tmp/before-target/release/nxlink-bench-export benches/run_export_ab.sh
#   AFTER=path MOCK=path ROUNDS=5 CONFIGS="8:100 8:1000" benches/run_export_ab.sh
#
# AFTER defaults to this repo's release build; raw runs go to $OUT/runs.txt
# (default target/bench-export-ab).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
: "${BEFORE:?BEFORE=path of the earlier build of nxlink-bench-export}"
AFTER=${AFTER:-$ROOT/target/release/nxlink-bench-export}
ROUNDS=${ROUNDS:-5}
CONFIGS=${CONFIGS:-"8:100 8:1000"}
OUT=${OUT:-$ROOT/target/bench-export-ab}
mkdir -p "$OUT"
: >"$OUT/runs.txt"
for round in $(seq 1 "$ROUNDS"); do
    order="before after"
    [ $((round % 2)) -eq 0 ] && order="after before"
    for which in $order; do
        harness=$BEFORE
        [ "$which" = after ] && harness=$AFTER
        echo "round $round: $which ($harness)" >&2
        OUT="$OUT/$which" HARNESS="$harness" REPEAT=1 CONFIGS="$CONFIGS" PY_PAGE_SIZES=" " \
            benches/run_export.sh >/dev/null
        sed "s/^/$which round=$round /" "$OUT/$which/runs.txt" >>"$OUT/runs.txt"
    done
done

echo "before: $BEFORE"
echo "after:  $AFTER"
python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    parts = line.split()
    which, kind, fields = parts[0], parts[2], dict(p.split("=", 1) for p in parts[3:])
    runs[(kind, int(fields["c"]), int(fields["ps"]), which)].append(fields)

def cell(rows, value):
    values = [value(r) for r in rows]
    return statistics.median(values), "/".join(f"{v:.2f}" for v in values)

print()
print("| measurement | before µs/record (runs) | after µs/record (runs) | change |")
print("|---|---:|---:|---:|")
for kind, c, ps in sorted({k[:3] for k in runs}, key=lambda k: (k[0] == "floor", k[2], k[1])):
    if kind == "rust":
        label, value = f"export c{c} / ps{ps}, user CPU", lambda r: float(r["user_s"]) * 1e6 / int(r["records"])
    else:
        label, value = f"lenient decode of one ps{ps} page", lambda r: float(r["lenient_us"])
    b, bruns = cell(runs[(kind, c, ps, "before")], value)
    a, aruns = cell(runs[(kind, c, ps, "after")], value)
    print(f"| {label} | {b:.2f} ({bruns}) | {a:.2f} ({aruns}) | {100 * (a / b - 1):+.1f}% |")
PY
