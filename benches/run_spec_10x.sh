#!/usr/bin/env bash
# What the generated code costs when the spec is ten times larger (issue 24, "What it
# must show"). In a throw-away copy of a workspace it:
#  1. multiplies the spec: every endpoint, object and enum file under spec/ gets SCALE-1
#     renamed copies (`ListTasks` -> `ListTasks2` .. `ListTasks10`, its request
#     `ListTasksRequest2`, its path `/openapi/.../list2`, the enum's and the object's
#     wire names, and every reference to an enum, an object or an endpoint inside a
#     copy pointing at the same copy), so copy k is a self-contained second API next to
#     the first. Field wire names stay as they are (they only need to be unique within
#     one object). spec/service.json is left alone: it lists no endpoints, its envelope
#     keeps `ErrorCode` and its callbacks keep their payloads (the copies of those
#     payload objects are generated as plain objects). The copies keep the original
#     files' layout, so the spec's lines grow like the spec;
#  2. runs `cargo xtask codegen` in the copy and counts what the spec now holds, its
#     lines and the generated lines (`wc -l crates/*/src/generated/*.rs`);
#  3. times `cargo build --release -p nxlink-models -p nxlink-client`, wall and
#     user+sys CPU seconds (GNU time, children included: every rustc), REPEAT times,
#     median and spread. Each run starts with the registry dependencies built and the
#     workspace crates those two need (nxlink-models, nxlink-auth, nxlink-client) out of
#     date: their lib.rs is touched, so the figure is the cost of our code (generated
#     and hand-written), not of serde or reqwest. A run that compiles anything else
#     fails the script;
#  4. runs `cargo clippy ... --all-targets -- -D warnings -D missing_docs` on
#     nxlink-models + nxlink-client, nxlink-fixture-models (the fixture spec's crate)
#     and nxlink-cli, and reports what fails (first lines); a failure does not stop the
#     script, it is the finding.
# With BASELINE=1 (the default) a second copy with the spec as it is (1x) is measured
# the same way in the same run, its builds interleaved with the 10x ones, so machine
# noise hits both alike; the 1x figures are the reference for the 10x ones.
#
#   benches/run_spec_10x.sh [WORKSPACE_DIR]   # default: the checkout this script is in
#   REPEAT=5 SCALE=10 BASELINE=0 CLIPPY=0 benches/run_spec_10x.sh
#   KEEP=1 benches/run_spec_10x.sh            # keep the copies (their path is printed)
#   CARGO_TARGET_DIR=... benches/run_spec_10x.sh
#   BEFORE=/tmp/before BASELINE=0 benches/run_spec_10x.sh   # before/after a change
#   (BEFORE_TARGET_DIR=... for the before copy's builds; default $CARGO_TARGET_DIR-before)
#
# BEFORE=DIR adds a copy of another workspace (a worktree of the commit before a change)
# multiplied the same way, tagged `before-x10`, its builds interleaved with this
# workspace's: the figure to judge a change by, since machine noise hits both alike.
#
# The workspace is only read (its tracked and untracked, not ignored, files are copied
# as they are in the working tree; without git: everything but target/ and .git).
# Builds go to WORKSPACE_DIR/target/spec-10x unless CARGO_TARGET_DIR says otherwise
# (as .ci/docs-change does), so a rerun does not rebuild the registry dependencies.
# Nothing is ever cleaned; the crates are made out of date by touching them.
# Needs bash 4+, python3 (standard library only), GNU time at /usr/bin/time.
set -Eeuo pipefail

HERE="$(cd "$(dirname "$0")/.." && pwd)"
REPO="$(cd "${1:-$HERE}" && pwd)"
SCALE=${SCALE:-10}
REPEAT=${REPEAT:-3}
BASELINE=${BASELINE:-1}
CLIPPY=${CLIPPY:-1}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target/spec-10x}"
export CARGO_TERM_COLOR=never
PACKAGES=(-p nxlink-models -p nxlink-client)

[[ -f "$REPO/Cargo.toml" && -d "$REPO/spec" ]] || { echo "run_spec_10x: $REPO is not an nxlink-rs workspace" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run_spec_10x: needs GNU time at /usr/bin/time" >&2; exit 2; }
[[ "$SCALE" =~ ^[0-9]+$ && "$SCALE" -ge 2 ]] || { echo "run_spec_10x: SCALE must be 2 or more" >&2; exit 2; }

START=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nxlink-spec-10x.XXXXXX")"
cleanup() {
    if [[ "${KEEP:-}" == 1 ]]; then
        echo "run_spec_10x: copies kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'echo "run_spec_10x: FAILED at line $LINENO (exit $?) after $((SECONDS - START)) s" >&2' ERR

log() { printf '\n==> %s (%d s)\n' "$*" "$((SECONDS - START))" >&2; }

# Copies the working tree of $REPO to $1: tracked files (minus those deleted) and
# untracked ones that are not ignored, with fresh modification times (tar -m).
copy_repo() {
    local dest=$1
    mkdir -p "$dest"
    if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$REPO" ls-files -z --cached --others --exclude-standard --deduplicate |
            while IFS= read -r -d '' file; do
                if [[ -e "$REPO/$file" || -L "$REPO/$file" ]]; then printf '%s\0' "$file"; fi
            done |
            tar -C "$REPO" --null --files-from=- -cf - | tar -xmf - -C "$dest"
    else
        tar -C "$REPO" --exclude=./target --exclude=./.git -cf - . | tar -xmf - -C "$dest"
    fi
    echo "copied $(find "$dest" -type f | wc -l) files to $dest" >&2
}

# The target dir of the copy $1. A BEFORE copy gets its own (BEFORE_TARGET_DIR, default
# $CARGO_TARGET_DIR-before): cargo tells the units of two copies apart by their relative
# paths, not by the copy, so two sources of the same crate in one target dir would be
# taken for one another (the generator of one run in the other).
target_of() {
    case "$(basename "$1")" in
        before-*) echo "${BEFORE_TARGET_DIR:-$CARGO_TARGET_DIR-before}" ;;
        *) echo "$CARGO_TARGET_DIR" ;;
    esac
}

# Writes SCALE-1 renamed copies of every endpoint, object and enum file of $1/spec.
multiply_spec() {
    python3 - "$1/spec" "$SCALE" <<'EOF'
import json, pathlib, re, sys

spec, scale = pathlib.Path(sys.argv[1]), int(sys.argv[2])
files = {}
for path in sorted(spec.rglob("*.json")):
    if path.name == "spec.schema.json":
        continue
    text = path.read_text()
    data = json.loads(text)
    if data.get("kind") in ("endpoint", "object", "enum"):
        files[path] = (text, data)

# Every type name (and endpoint name) the spec defines: copy k renames them all, and
# every reference to one, with the suffix k.
names = set()
for _, data in files.values():
    names.add(data["name"])
    if data["kind"] == "endpoint":
        names.add(data["request"]["name"])
REFERENCE_KEYS = {"enum", "object", "endpoint"}  # {"enum": N}, {"object": N}, lookup.endpoint

def rename(value, k, key=None):
    if isinstance(value, dict):
        return {key: rename(item, k, key) for key, item in value.items()}
    if isinstance(value, list):
        return [rename(item, k, key) for item in value]
    if isinstance(value, str) and key in REFERENCE_KEYS and value in names:
        return f"{value}{k}"
    return value

def copy_of(data, k):
    """Copy k, as data: what the file must hold."""
    copy = rename(data, k)
    copy["name"] = f"{data['name']}{k}"
    if data["kind"] == "endpoint":
        copy["request"]["name"] = f"{data['request']['name']}{k}"
        copy["path"] = f"{data['path']}{k}"
    if "wire" in data:
        copy["wire"] = f"{data['wire']}{k}"
    return copy

def text_of(text, data, k):
    """Copy k as text, the original's layout kept (so spec lines scale by the same
    factor as the spec): the same renames done on the text. Checked against copy_of by
    the caller."""
    def suffix(m):
        return f"{m[1]}{m[2]}{k}{m[3]}" if m[2] in names else m[0]
    text = re.sub(r'("(?:name|enum|object|endpoint)"\s*:\s*")([A-Za-z0-9_]+)(")', suffix, text)
    for key in ("wire", "path"):
        if key in data:
            pattern = r'("%s"\s*:\s*)%s' % (key, re.escape(json.dumps(data[key])))
            text = re.sub(pattern, lambda m: m[1] + json.dumps(f"{data[key]}{k}"), text, count=1)
    return text

written = relaid = 0
for path, (text, data) in files.items():
    for k in range(2, scale + 1):
        expected = copy_of(data, k)
        out = text_of(text, data, k)
        if json.loads(out) != expected:
            # The text rename hit something else: write the data, laid out anew.
            out = json.dumps(expected, indent=2 if "\n" in text.strip() else None, ensure_ascii=False) + "\n"
            relaid += 1
        target = path.with_name(f"{path.stem}{k}.json")
        if target.exists():
            sys.exit(f"{target} exists already: the spec must not hold copies before it is multiplied")
        target.write_text(out)
        written += 1
print(f"spec x{scale}: {len(files)} endpoint/object/enum files, {written} copies written"
      f" ({relaid} laid out anew)", file=sys.stderr)
EOF
}

# "endpoints objects enums spec_lines generated_lines" of the copy $1.
count() {
    local dir=$1 kinds spec_lines gen_lines
    kinds=$(python3 - "$dir/spec" <<'EOF'
import json, pathlib, sys
counts = {"endpoint": 0, "object": 0, "enum": 0}
for path in pathlib.Path(sys.argv[1]).rglob("*.json"):
    if path.name != "spec.schema.json":
        kind = json.loads(path.read_text()).get("kind")
        if kind in counts:
            counts[kind] += 1
print(counts["endpoint"], counts["object"], counts["enum"])
EOF
)
    spec_lines=$(find "$dir/spec" -name '*.json' ! -name 'spec.schema.json' -print0 | xargs -0 cat | wc -l)
    gen_lines=$(cat "$dir"/crates/*/src/generated/*.rs | wc -l)
    echo "$kinds $spec_lines $gen_lines"
}

# Generated lines per crate of the copy $1, for the log.
per_crate() {
    local d
    for d in "$1"/crates/*/src/generated; do
        printf '  %s: %s files, %s lines\n' "${d#"$1"/}" "$(ls "$d"/*.rs | wc -l)" "$(cat "$d"/*.rs | wc -l)" >&2
    done
}

# lib.rs of every workspace crate nxlink-models and nxlink-client build on (themselves
# included), one a line: what a run touches so exactly those rebuild.
own_crates() {
    (cd "$1" && export CARGO_TARGET_DIR="$(target_of "$1")" && cargo metadata --format-version 1 --locked) | python3 -c '
import json, sys
meta = json.load(sys.stdin)
members = {p["id"]: p for p in meta["packages"] if p["source"] is None}
deps = {n["id"]: [d["pkg"] for d in n["deps"] if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
        for n in meta["resolve"]["nodes"]}
todo = [i for i, p in members.items() if p["name"] in ("nxlink-models", "nxlink-client")]
seen = set()
while todo:
    i = todo.pop()
    if i in seen or i not in members:
        continue
    seen.add(i)
    todo.extend(deps.get(i, []))
for i in sorted(seen, key=lambda i: members[i]["name"]):
    lib = [t for t in members[i]["targets"] if "lib" in t["kind"]]
    print(members[i]["name"], lib[0]["src_path"])
'
}

declare -A CRATES
# One timed build in the copy $1; appends "wall cpu" to $2.
timed_build() {
    local dir=$1 out=$2 name src compiled extra
    while read -r name src; do touch "$src"; done <<<"${CRATES[$dir]}"
    (cd "$dir" && export CARGO_TARGET_DIR="$(target_of "$dir")" && /usr/bin/time -f '%e %U %S' -o "$WORK/time" cargo build --release --locked "${PACKAGES[@]}" 2>"$WORK/build.log")
    compiled=$(sed -n 's/^ *Compiling \([^ ]*\) .*/\1/p' "$WORK/build.log" | sort | tr '\n' ' ')
    extra=$(sed -n 's/^ *Compiling \([^ ]*\) .*/\1/p' "$WORK/build.log" | grep -v '^nxlink-' || true)
    if [[ -n "$extra" ]]; then
        echo "a timed build compiled more than our crates: $extra" >&2
        return 1
    fi
    # GNU time may print a "Command exited with non-zero status" line first.
    tail -n 1 "$WORK/time" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }' >>"$out"
    echo "  $(basename "$dir"): $(tail -n 1 "$out" | awk '{ printf "wall %s s, cpu %s s", $1, $2 }') (compiled: $compiled)" >&2
}

# Runs clippy with "$@" (the -p arguments) in the copy $DIR; records a line in
# CLIPPY_RESULTS and the failures' first lines in CLIPPY_FAILURES. Fails the script if
# the crate $2 was not checked (a result replayed from an earlier check is no result).
CLIPPY_RESULTS=()
CLIPPY_FAILURES=()
clippy() {
    local label=$1 must=$2 code=0 out checked errors
    shift 2
    out="$WORK/clippy-${label// /-}.log"
    (cd "$DIR" && export CARGO_TARGET_DIR="$(target_of "$DIR")" && cargo clippy --locked "$@" --all-targets -- -D warnings -D missing_docs) >"$out" 2>&1 || code=$?
    checked=$(sed -n 's/^ *Checking \(nxlink[^ ]*\) .*/\1/p' "$out" | sort -u | tr '\n' ' ')
    echo "  $label: exit $code, checked: ${checked:-nothing} (log: $out)" >&2
    if [[ " $checked " != *" $must "* ]]; then
        echo "clippy did not check $must: the result would be an earlier one's" >&2
        return 1
    fi
    if [[ $code -eq 0 ]]; then
        CLIPPY_RESULTS+=("$label: clean (checked: ${checked% })")
    else
        errors=$(grep -c '^error' "$out" || true)
        CLIPPY_RESULTS+=("$label: FAILED (exit $code, $errors error lines; checked: ${checked% })")
        CLIPPY_FAILURES+=("--- $label (cargo clippy --locked $* --all-targets -- -D warnings -D missing_docs), first errors:")
        # The first few diagnostics, each with its location line.
        CLIPPY_FAILURES+=("$(grep -A1 -E '^(error|warning)' "$out" | grep -v '^--$' | head -n 24)")
    fi
}

COPIES=()
log "copy $REPO"
if [[ "$BASELINE" == 1 ]]; then
    copy_repo "$WORK/x1"
    COPIES+=("$WORK/x1")
fi
copy_repo "$WORK/x$SCALE"
COPIES+=("$WORK/x$SCALE")
if [[ -n "${BEFORE:-}" ]]; then
    REPO_AFTER=$REPO
    REPO="$(cd "$BEFORE" && pwd)"
    log "copy $REPO (before)"
    copy_repo "$WORK/before-x$SCALE"
    COPIES=("$WORK/before-x$SCALE" "${COPIES[@]}")
    REPO=$REPO_AFTER
fi

log "multiply the spec x$SCALE"
for dir in "${COPIES[@]}"; do
    [[ "$(basename "$dir")" == *x"$SCALE" ]] && multiply_spec "$dir"
done

declare -A COUNTS
for dir in "${COPIES[@]}"; do
    log "cargo xtask codegen in $(basename "$dir")"
    (cd "$dir" && export CARGO_TARGET_DIR="$(target_of "$dir")" && cargo xtask codegen >&2)
    COUNTS[$dir]=$(count "$dir")
    per_crate "$dir"
    CRATES[$dir]=$(own_crates "$dir")
done

log "build the dependencies (release), untimed"
for dir in "${COPIES[@]}"; do
    (cd "$dir" && export CARGO_TARGET_DIR="$(target_of "$dir")" && cargo build --release --locked --quiet "${PACKAGES[@]}")
done

log "timed builds: cargo build --release ${PACKAGES[*]}, $REPEAT runs each, interleaved"
for dir in "${COPIES[@]}"; do : >"$WORK/$(basename "$dir").times"; done
for run in $(seq 1 "$REPEAT"); do
    echo " run $run" >&2
    for dir in "${COPIES[@]}"; do
        timed_build "$dir" "$WORK/$(basename "$dir").times"
    done
done

if [[ "$CLIPPY" == 1 ]]; then
    for dir in "${COPIES[@]}"; do
        DIR=$dir
        tag=$(basename "$dir")
        log "clippy -D warnings -D missing_docs in $tag"
        # The copies share a target dir and the same relative paths, and cargo judges
        # a workspace crate fresh by the times of the files its last check read: the
        # other copy's check is newer than this copy's files. Fresh times on every
        # source file of this copy make each crate linted here be checked again.
        find "$dir" -name '*.rs' -exec touch {} +
        clippy "$tag nxlink-models+nxlink-client" nxlink-models -p nxlink-models -p nxlink-client
        clippy "$tag nxlink-fixture-models" nxlink-fixture-models -p nxlink-fixture-models
        clippy "$tag nxlink-cli" nxlink-cli -p nxlink-cli
    done
fi

log "summary"
for dir in "${COPIES[@]}"; do
    printf '%s %s\n' "$(basename "$dir")" "${COUNTS[$dir]}"
done >"$WORK/counts"
python3 - "$WORK" "$REPEAT" "$REPO" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo none)" \
    "$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')" <<'EOF'
import pathlib, statistics, sys
work, repeat, repo, commit, dirty = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
rows = {}
for line in (work / "counts").read_text().split("\n"):
    if line:
        tag, *numbers = line.split()
        rows[tag] = [int(n) for n in numbers]
def stats(tag, column):
    xs = [float(line.split()[column]) for line in (work / f"{tag}.times").read_text().split("\n") if line]
    return statistics.median(xs), min(xs), max(xs), xs
print(f"workspace {repo} at {commit}{dirty}; cargo build --release -p nxlink-models -p nxlink-client, {repeat} runs, median [min-max]")
print()
print("| spec | endpoints | objects | enums | spec lines | generated lines | build CPU s (user+sys) | build wall s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
medians = {}
for tag, (endpoints, objects, enums, spec_lines, gen_lines) in rows.items():
    cpu, cpu_lo, cpu_hi, cpus = stats(tag, 1)
    wall, wall_lo, wall_hi, walls = stats(tag, 0)
    medians[tag] = (cpu, wall, gen_lines)
    print(f"| {tag} | {endpoints} | {objects} | {enums} | {spec_lines:,} | {gen_lines:,} "
          f"| **{cpu:.1f}** [{cpu_lo:.1f}-{cpu_hi:.1f}] | {wall:.1f} [{wall_lo:.1f}-{wall_hi:.1f}] |")
tags = list(rows)
if len(tags) == 2:
    (c1, w1, g1), (cn, wn, gn) = medians[tags[0]], medians[tags[1]]
    print()
    print(f"{tags[1]} / {tags[0]}: generated lines {gn / g1:.2f}x, build CPU {cn / c1:.2f}x (+{cn - c1:.1f} s), "
          f"wall {wn / w1:.2f}x (+{wn - w1:.1f} s)")
    print(f"CPU per 1,000 added generated lines: {(cn - c1) / (gn - g1) * 1000:.2f} s")
EOF
if [[ "$CLIPPY" == 1 ]]; then
    echo
    echo "clippy --all-targets -- -D warnings -D missing_docs:"
    printf '  %s\n' "${CLIPPY_RESULTS[@]}"
    if [[ ${#CLIPPY_FAILURES[@]} -gt 0 ]]; then
        echo
        printf '%s\n' "${CLIPPY_FAILURES[@]}"
    fi
fi
echo
echo "run_spec_10x: done in $((SECONDS - START)) s"
