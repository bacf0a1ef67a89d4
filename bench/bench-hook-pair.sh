#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-hook-pair.sh [BUILD_DIR] [ROUNDS]: what acid's hook pair costs, as
# processes, without a runtime around them: acid-prestart then
# acid-poststop on a live target (a sleeping child), against the
# do-nothing C pair (acid-bench-noop-hook twice), each process spawned and
# waited for, the state JSON on its standard input. The two pairs are
# alternated, the order swapped every round; ROUNDS (default 200) pairs.
# Prints the medians, the median of the per-round differences (what the
# hooks add to a container start) and of the per-round ratios.
#
# bench-hooks.sh measures the same against whole runc container starts,
# whose scatter (one start 0.5x-2.4x another) hides a few hundred
# microseconds; this one shows them. Needs root and a running auditd
# (every round registers and logs one container, vm="acid-bench-pair-*";
# the backlog limit is raised to 8192 for the run and put back).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
rounds=${2:-200}
for b in hooks/acid-prestart hooks/acid-poststop bench/acid-bench-noop-hook \
	 bench/acid-bench-noop-hook-static; do
	[ -x "$build/$b" ] || { echo "bench-hook-pair.sh: no $build/$b (ninja -C $build)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/acid-bench-pair.XXXXXX)
old_backlog=$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')
trap 'auditctl -b "$old_backlog" >/dev/null; rm -rf "$work"' EXIT
auditctl -b 8192 >/dev/null

python3 - "$build" "$rounds" "$work" <<'PY'
import json, os, statistics, subprocess, sys, time

build, rounds, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
       "ACID_STATE_DIR": os.path.join(work, "state")}
target = subprocess.Popen(["sleep", "100000"])
state = json.dumps({"ociVersion": "1.0.2", "id": f"acid-bench-pair-{os.getpid()}",
                    "status": "created", "pid": target.pid,
                    "bundle": work}).encode()


def run(argv):
    """one hook process, the state on its stdin: microseconds"""
    r, w = os.pipe()
    os.write(w, state)
    os.close(w)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env,
                         file_actions=[(os.POSIX_SPAWN_DUP2, r, 0)])
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(r)
    if status:
        target.kill()
        sys.exit(f"bench-hook-pair.sh: {argv[0]} failed (wait status {status})")
    return (t1 - t0) / 1000


def acid():
    pre = run([build + "/hooks/acid-prestart", "prestart"])
    post = run([build + "/hooks/acid-poststop", "poststop"])
    return pre, post


def noop(name):
    return run([build + "/bench/" + name, "prestart"]) + \
        run([build + "/bench/" + name, "poststop"])


warm = 5
pre, post, pair, base, sbase = [], [], [], [], []
for i in range(rounds + warm):
    t = {}
    for j in range(3):
        k = (i + j) % 3
        if k == 0:
            t[0] = acid()
        elif k == 1:
            t[1] = noop("acid-bench-noop-hook")
        else:
            t[2] = noop("acid-bench-noop-hook-static")
    if i >= warm:
        pre.append(t[0][0])
        post.append(t[0][1])
        pair.append(t[0][0] + t[0][1])
        base.append(t[1])
        sbase.append(t[2])
target.kill()
m = statistics.median
print(f"hook pair as processes, {rounds} rotating rounds (median us)")
print(f"  acid-prestart {m(pre):8.0f}   acid-poststop {m(post):8.0f}")
print(f"  acid pair     {m(pair):8.0f}   noop pair     {m(base):8.0f}   "
      f"static noop pair {m(sbase):8.0f}")
for what, b in (("noop (libc shared)", base), ("static noop", sbase)):
    print(f"  acid - {what} per round: median "
          f"{m(a - x for a, x in zip(pair, b)):.0f} us;"
          f" ratio {m(a / x for a, x in zip(pair, b)):.2f}x")
PY
