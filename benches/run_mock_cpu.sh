#!/usr/bin/env bash
# Where the export's time goes, two probes (each a ratio against a baseline measured here):
#  1. mock CPU per page: utime+stime of the nxlink-mock process (/proc/PID/stat) across
#     an export of PAGES pages of 100 records, for this repo's mock and, when
#     OTHER_MOCK names another build (e.g. one from before a change), for that one too,
#     on the same dataset;
#  2. the client's decode cost on one real 1,000-record page: user CPU µs per record of
#     the lenient typed decode, an untyped serde_json::Value decode, and the parse
#     alone (IgnoredAny) as the floor (`nxlink-bench-export --decode-floor`).
#
#   benches/run_mock_cpu.sh                       # REPEAT=3
#   OTHER_MOCK=/path/to/nxlink-mock benches/run_mock_cpu.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-3}
RECORDS=${RECORDS:-520000}
PAGES=${PAGES:-200}
TASK=8bdf2a84-fc89-483e-ba1e-35a54285c7d0
OUT=${OUT:-$ROOT/target/bench-mock-cpu}
mkdir -p "$OUT"
cargo build --release --quiet -p nxlink-mock-cli --bin nxlink-mock -p nxlink-benches --bin nxlink-bench-export >&2
HARNESS=$ROOT/target/release/nxlink-bench-export
TICK=$(getconf CLK_TCK)

start_mock() { # $1 binary, $2 name; sets PID and URL
    RUST_LOG=warn "$1" --port 0 --records "$RECORDS" --seed 7 >"$OUT/$2.out" 2>"$OUT/$2.err" &
    PID=$!
    for _ in $(seq 1 600); do grep -q "$TASK" "$OUT/$2.out" 2>/dev/null && break; sleep 0.1; done
    URL=$(sed -n 's/^nxlink-mock listening on //p' "$OUT/$2.out")
}
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT
mock_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

mocks=("repo:$ROOT/target/release/nxlink-mock")
[ -n "${OTHER_MOCK:-}" ] && mocks+=("other:$OTHER_MOCK")
for entry in "${mocks[@]}"; do
    name=${entry%%:*}; bin=${entry#*:}
    start_mock "$bin" "$name"
    for rep in $(seq 1 "$REPEAT"); do
        a=$(mock_ticks "$PID")
        "$HARNESS" --base-url "$URL" --task-id "$TASK" --concurrency 1 --page-size 100 --limit $((PAGES * 100)) >/dev/null
        b=$(mock_ticks "$PID")
        echo "mock=$name rep=$rep ms_per_page=$(python3 -c "print(f'{($b - $a) * 1000 / $TICK / $PAGES:.2f}')")"
    done
    if [ "$name" = repo ]; then
        for rep in $(seq 1 "$REPEAT"); do
            echo "decode rep=$rep $("$HARNESS" --base-url "$URL" --task-id "$TASK" --page-size 1000 --decode-floor 200)"
        done
    fi
    kill "$PID"; wait "$PID" 2>/dev/null || true
    PID=
done
