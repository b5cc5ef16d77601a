"""Shared by benches/run_sync.sh and run_stats.sh: commands timed in round-robin
rounds, and the medians as a Markdown table with each kind's throughput as a ratio to a
baseline kind of the same run."""
import resource
import statistics
import subprocess
import sys
import time


def timed(args, env=None):
    """Runs `args`; returns wall seconds, the child's user CPU seconds and its stdout.
    Exits the bench with the command's stderr when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    if done.returncode != 0:
        sys.exit(f"{args}: exit {done.returncode}: {done.stderr.decode()}")
    return wall, user, done.stdout


def rounds(kinds, repeat, run, runs_path):
    """Calls `run(kind, rep)` -> (wall, user) for every kind in each of `repeat` rounds,
    each round starting one kind later; logs each run; returns kind -> [(wall, user)]."""
    results = {kind: [] for kind in kinds}
    with open(runs_path, "w") as runs:
        for rep in range(repeat):
            for kind in kinds[rep % len(kinds):] + kinds[:rep % len(kinds)]:
                wall, user = run(kind, rep)
                results[kind].append((wall, user))
                print(f"{kind.replace(' ', '_')} rep={rep} wall_s={wall:.3f} user_s={user:.3f}", file=runs, flush=True)
                print(f"{kind} rep={rep} wall {wall:.2f} s user {user:.2f} s", file=sys.stderr)
    return results


def table(results, records, first_column, baseline, baseline_name):
    """Prints the medians: records/s, wall (each run), user CPU per record, and
    throughput as a ratio to `baseline`'s."""
    base = statistics.median(w for w, _ in results[baseline])
    print(f"| {first_column} | records/s | wall s (runs) | user CPU µs/record | throughput vs {baseline_name} |")
    print("|---|---:|---:|---:|---:|")
    for kind, runs in results.items():
        walls = [w for w, _ in runs]
        wall = statistics.median(walls)
        user = statistics.median(u for _, u in runs)
        runs_text = "/".join(f"{w:.2f}" for w in walls)
        print(f"| {kind} | {records / wall:,.0f} | {wall:.2f} ({runs_text}) | {user * 1e6 / records:.2f} | {base / wall:.2f} |")
