#!/usr/bin/env bash
# `nxlink contacts append` of N contacts (default 100,000) in batches of 100 against an
# `nxlink-mock` in its own process that answers every request after a fixed latency
# (default 20 ms). Reports wall time against the ideal (requests x latency /
# concurrency, the command sending 8 batches at a time) and the command's peak RSS
# (GNU time). Target (issue 16): within 1.5x of the ideal, under 64 MB.
#
#   benches/run_append.sh                    # N=100000 LATENCY_MS=20
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-100000}
BATCH=${BATCH:-100}
LATENCY_MS=${LATENCY_MS:-20}
CONCURRENCY=8   # fixed in `contacts append`
OUT=${OUT:-$ROOT/target/bench-append}
mkdir -p "$OUT"

echo "building release binaries..." >&2
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-cli --bin nxlink >&2
NXLINK=$ROOT/target/release/nxlink

. benches/lib.sh
start_mock "$OUT" --records 1000 --latency-ms "$LATENCY_MS"
trap stop_mock EXIT

python3 - "$N" >"$OUT/contacts.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("phoneNumber,name,tier")
for i in range(n):
    print(f"852{i:08d},Contact {i},t{i % 7}")
PY

export NXLINK_ACCESS_KEY=AK-demo-0000000000000000001-0001
export NXLINK_ACCESS_SECRET=nxlink-mock-demo-secret
/usr/bin/time -v -o "$OUT/time.txt" "$NXLINK" --quiet --base-url "$BASE_URL" contacts append \
    --task-id "$TASK" --batch-size "$BATCH" --file "$OUT/contacts.csv" >"$OUT/stdout.txt"
cat "$OUT/stdout.txt" >&2
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
python3 - "$N" "$BATCH" "$LATENCY_MS" "$CONCURRENCY" "$wall" "$peak" <<'PY'
import sys
n, batch, latency, conc, wall, peak = sys.argv[1:]
requests = -(-int(n) // int(batch))
ideal = requests * int(latency) / 1000 / int(conc)
parts = [float(p) for p in wall.split(":")]
seconds = parts[-1] + 60 * (parts[-2] if len(parts) > 1 else 0) + 3600 * (parts[-3] if len(parts) > 2 else 0)
print(f"contacts={n} batch={batch} latency_ms={latency} concurrency={conc} requests={requests}")
print(f"wall={seconds:.2f}s ideal={ideal:.2f}s ratio={seconds / ideal:.2f}x peak_rss={int(peak) / 1024:.1f} MB")
PY
