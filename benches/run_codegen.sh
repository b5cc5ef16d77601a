#!/usr/bin/env bash
# Codegen and build figures:
#  1. wall time of the generator after it is built: `./target/debug/xtask codegen --check`
#     (and through cargo: `cargo xtask codegen --check`), median of REPEAT, against
#     `xtask --help` (process start, no spec loaded) measured in the same run;
#  2. lines of generated code (`wc -l crates/*/src/generated/*.rs`) against the lines of
#     spec/*.json they come from;
#  3. what lenient decoding adds to the release compile time of nxlink-models: the crate
#     as it is vs a copy whose `deserialize_with = ...` attributes are stripped (plain
#     serde derive). Both are copies under $WORK (never the repo), each with its own
#     target dir, dependencies built first; then `touch src/lib.rs` and
#     `cargo build -p nxlink-models --release`, REPEAT times, interleaved; median.
#
#   benches/run_codegen.sh            # REPEAT=5
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPEAT=${REPEAT:-5}
WORK=${WORK:-/tmp/nxlink-bench-codegen}

# Prints the wall seconds of "$@" (output discarded; fails the script if it fails).
# $EPOCHREALTIME (bash 5) reads the clock without starting a process.
timed() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    t1=$EPOCHREALTIME
    python3 -c "print(f'{$t1 - $t0:.4f}')"
}
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.4f}")' "$@"; }

echo "building xtask (debug)..." >&2
cargo build --quiet -p xtask >&2
XTASK=$ROOT/target/debug/xtask

help_runs=(); check_runs=(); cargo_help_runs=(); cargo_check_runs=()
for _ in $(seq 1 "$REPEAT"); do
    help_runs+=("$(timed "$XTASK" --help)")
    check_runs+=("$(timed "$XTASK" codegen --check)")
    cargo_help_runs+=("$(timed cargo run --quiet -p xtask -- --help)")
    cargo_check_runs+=("$(timed cargo xtask codegen --check)")
done
help=$(median "${help_runs[@]}"); check=$(median "${check_runs[@]}")
cargo_help=$(median "${cargo_help_runs[@]}"); cargo_check=$(median "${cargo_check_runs[@]}")

# Regenerating for real (write mode) in a copy, so the repo is never written.
rm -rf "$WORK/gen" && mkdir -p "$WORK/gen"
git ls-files -z | xargs -0 -I{} cp --parents {} "$WORK/gen/"
gen_runs=()
for _ in $(seq 1 "$REPEAT"); do
    rm -f "$WORK"/gen/crates/*/src/generated/*.rs
    gen_runs+=("$(cd "$WORK/gen" && timed "$XTASK" codegen)")
done
gen=$(median "${gen_runs[@]}")
(cd "$WORK/gen" && "$XTASK" codegen --check >/dev/null) || { echo "regenerated copy is not fresh" >&2; exit 1; }

generated_lines=$(cat crates/*/src/generated/*.rs | wc -l)
generated_files=$(ls crates/*/src/generated/*.rs | wc -l)
spec_lines=$(find spec -name '*.json' ! -name 'spec.schema.json' -print0 | xargs -0 cat | wc -l)

# Compile time of nxlink-models, lenient vs stripped.
for variant in lenient stripped; do
    dir=$WORK/$variant
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        git ls-files -z | xargs -0 -I{} cp --parents {} "$dir/"
    fi
done
# Strip on the copy only: whole-line attributes and inline ones.
sed -i -e '/^ *deserialize_with = "[^"]*",\?$/d' -e 's/, *deserialize_with = "[^"]*"//' \
    "$WORK"/stripped/crates/nxlink-models/src/generated/*.rs
left=$( (grep -c deserialize_with "$WORK"/stripped/crates/nxlink-models/src/generated/*.rs || true) | awk -F: '{s+=$2} END {print s}')
[ "$left" = 0 ] || { echo "stripping left $left deserialize_with" >&2; exit 1; }
stripped_count=$(grep -c deserialize_with crates/nxlink-models/src/generated/*.rs | awk -F: '{s+=$2} END {print s}')
for variant in lenient stripped; do
    echo "building dependencies of nxlink-models ($variant copy)..." >&2
    (cd "$WORK/$variant" && CARGO_TARGET_DIR=$WORK/$variant/target cargo build --quiet --release -p nxlink-models >&2)
done
lenient_runs=(); stripped_runs=()
for _ in $(seq 1 "$REPEAT"); do
    for variant in lenient stripped; do
        touch "$WORK/$variant/crates/nxlink-models/src/lib.rs"
        t=$(cd "$WORK/$variant" && CARGO_TARGET_DIR=$WORK/$variant/target timed cargo build --release -p nxlink-models)
        if [ "$variant" = lenient ]; then lenient_runs+=("$t"); else stripped_runs+=("$t"); fi
    done
done
lenient=$(median "${lenient_runs[@]}"); stripped=$(median "${stripped_runs[@]}")
rlib_lenient=$(stat -c %s "$WORK"/lenient/target/release/libnxlink_models.rlib)
rlib_stripped=$(stat -c %s "$WORK"/stripped/target/release/libnxlink_models.rlib)

python3 - <<EOF
def runs(xs): return "/".join(f"{float(x):.3f}" for x in xs.split())
print(f"medians of $REPEAT runs")
print()
print("| measurement | value | baseline (same run) | ratio |")
print("|---|---:|---:|---:|")
print(f"| \`./target/debug/xtask codegen --check\` wall s | {$check:.3f} ({runs('${check_runs[*]}')}) | \`xtask --help\` {$help:.3f} | {$check / $help:.1f}x |")
print(f"| \`cargo xtask codegen --check\` wall s (cargo's freshness check included) | {$cargo_check:.3f} ({runs('${cargo_check_runs[*]}')}) | \`cargo run -p xtask -- --help\` {$cargo_help:.3f} | {$cargo_check / $cargo_help:.2f}x |")
print(f"| \`xtask codegen\` writing every file (in a copy) wall s | {$gen:.3f} ({runs('${gen_runs[*]}')}) | \`xtask --help\` {$help:.3f} | {$gen / $help:.1f}x |")
print(f"| generated lines (\`wc -l crates/*/src/generated/*.rs\`, $generated_files files) | {$generated_lines:,} | spec/*.json lines {$spec_lines:,} | {$generated_lines / $spec_lines:.1f}x |")
print(f"| \`cargo build -p nxlink-models --release\` after \`touch lib.rs\`, lenient (as is) wall s | {$lenient:.2f} ({runs('${lenient_runs[*]}')}) | stripped of $stripped_count \`deserialize_with\` {$stripped:.2f} ({runs('${stripped_runs[*]}')}) | {$lenient / $stripped:.2f}x (+{$lenient - $stripped:.2f} s) |")
print(f"| libnxlink_models.rlib bytes, lenient | {$rlib_lenient:,} | stripped {$rlib_stripped:,} | {$rlib_lenient / $rlib_stripped:.2f}x |")
EOF
