# Shared by the benches/run_*.sh scripts (sourced, not run): the demo task, and the
# release mock started in its own process on 127.0.0.1.
#
#   . "$(dirname "$0")/lib.sh"
#   start_mock "$OUT" --records "$RECORDS" --seed 7     # any nxlink-mock flags
#   trap stop_mock EXIT                                  # or call it from your own trap
#
# start_mock sets MOCK_PID, BASE_URL and TASK_LEN (the demo task's records), and fails
# with the mock's stderr when it exits before listing the task. $MOCK is the mock binary
# (default: this repository's release build; another build compares before and after).
#
#   start_postgres "$WORK"      # a PostgreSQL server in $WORK/data; sets PG_BIN, PG_PORT
#   stop_postgres "$WORK"
#
#   start_mock_and_postgres NAME "$OUT" [mock flags]   # both, in a new $WORK
#                                                      # (/tmp/nxlink-bench-NAME.*), all
#                                                      # stopped and removed on exit
#
# The server runs as `nobody` under root (PostgreSQL refuses root), on a free port of
# 127.0.0.1, with its default durability (fsync and synchronous_commit on), and trusts
# local connections: `postgres://postgres@127.0.0.1:$PG_PORT/DB`.

# The demo task: the mock's dataset gives it about 40% of its records.
TASK=8bdf2a84-fc89-483e-ba1e-35a54285c7d0

start_mock() {
    local out=$1
    shift
    MOCK=${MOCK:-${CARGO_TARGET_DIR:-$ROOT/target}/release/nxlink-mock}
    RUST_LOG=warn "$MOCK" --port 0 "$@" >"$out/mock.out" 2>"$out/mock.err" &
    MOCK_PID=$!
    # A large dataset takes a while to generate: up to two minutes.
    for _ in $(seq 1 1200); do
        grep -q "$TASK" "$out/mock.out" 2>/dev/null && break
        kill -0 "$MOCK_PID" 2>/dev/null || { cat "$out/mock.err" >&2; return 1; }
        sleep 0.1
    done
    BASE_URL=$(sed -n 's/^nxlink-mock listening on //p' "$out/mock.out")
    TASK_LEN=$(grep "$TASK" "$out/mock.out" | sed 's/.*(\([0-9]*\) records).*/\1/')
    [ -n "$BASE_URL" ] && [ -n "$TASK_LEN" ] || { echo "the mock did not list $TASK: see $out/mock.out" >&2; return 1; }
    echo "mock at $BASE_URL (pid $MOCK_PID): task $TASK has $TASK_LEN records" >&2
}

stop_mock() {
    kill "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
}

start_postgres() {
    local work=$1
    PG_BIN=${NXLINK_TEST_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
    [ -x "$PG_BIN/pg_ctl" ] || { echo "no PostgreSQL server: apt-get update && apt-get install -y postgresql" >&2; return 1; }
    PG_USER=""
    if [ "$(id -u)" = 0 ]; then PG_USER=nobody; chown "$PG_USER" "$work"; fi
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    (cd "$work" && as_pg "$PG_BIN/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --no-instructions >"$work/initdb.log")
    (cd "$work" && as_pg "$PG_BIN/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
        -o "-p $PG_PORT -k $work -c listen_addresses=127.0.0.1" start >/dev/null)
    echo "$("$PG_BIN/postgres" --version) on port $PG_PORT" >&2
}

stop_postgres() {
    local work=$1
    [ -n "${PG_BIN:-}" ] || return 0
    (cd "$work" && as_pg "$PG_BIN/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1) || true
}

# Runs a PostgreSQL tool as the server's owner.
as_pg() { if [ -n "${PG_USER:-}" ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

start_mock_and_postgres() {
    local name=$1 out=$2
    shift 2
    WORK=$(mktemp -d "/tmp/nxlink-bench-$name.XXXXXX")
    trap 'stop_mock; stop_postgres "$WORK"; rm -rf "$WORK"' EXIT
    start_mock "$out" "$@"
    start_postgres "$WORK"
}
