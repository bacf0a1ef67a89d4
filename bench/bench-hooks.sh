#!/bin/bash
# bench-hooks.sh [BUILD_DIR] [PAIRS]: container start-to-exit of `true`
# under runc, four ways side by side in one run:
#   none  - no hooks
#   noop  - a do-nothing C hook pair (bench/noop-hook.c) at prestart and
#           poststop, built the default way (the C library shared)
#   snoop - the same linked as acid's hooks are (static-pie)
#   acid  - acid-prestart and acid-poststop
# The machine is noisy (one start varies 0.5x-2.4x), so the four are run
# in a random order each round, PAIRS rounds (default 100), and the
# figures are the medians of the per-round ratios and differences, plus
# medians and p90 of the times.
# Target (issue 11): acid / noop <= 1.03 (issue 3's was 1.10). One round's
# ratio scatters by ~20% here: 100 rounds tell 1.03 from 1.05 only
# roughly; 1000 do it to about +-0.012 (about 15 s a hundred rounds).
#
# ACID_BENCH_EXCLUDE_LISTENER=1: for the run, the exclude rules the README
# gives (-a never,exclude -F msgtype=EVENT_LISTENER -F exe=<hook>) for
# this build's two hooks, removed again at the end. Without them every
# hook run costs the log six records besides acid's own (its subscription
# to the multicast group and its end, each an EVENT_LISTENER with the
# SYSCALL and PROCTITLE of its bind or close), which auditd writes
# while the next container starts.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
pairs=${2:-100}
work=$(mktemp -d /tmp/acid-bench.XXXXXX)
old_backlog=$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')
excluded=()
cleanup() {
	local h
	for h in "${excluded[@]}"; do
		auditctl -d never,exclude -F msgtype=EVENT_LISTENER -F exe="$h" >/dev/null ||
			echo "bench-hooks.sh: could not remove the exclude rule for $h" >&2
	done
	auditctl -b "$old_backlog" >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
auditctl -b 8192 >/dev/null
if [ "${ACID_BENCH_EXCLUDE_LISTENER:-0}" = 1 ]; then
	for h in "$build/hooks/acid-prestart" "$build/hooks/acid-poststop"; do
		auditctl -a never,exclude -F msgtype=EVENT_LISTENER -F exe="$h" >/dev/null
		excluded+=("$h")
	done
	echo "EVENT_LISTENER records of the hooks excluded for the run"
fi

scripts/make-rootfs.sh "$work/rootfs"
mk() { # NAME HOOKS-JSON
	mkdir -p "$work/$1"
	jq --arg r "$work/rootfs" --argjson hooks "$2" \
		'.process.args = ["true"] | .root.path = $r | .hooks = $hooks' \
		examples/config.json > "$work/$1/config.json"
}
state="ACID_STATE_DIR=$work/state"
mk none '{}'
mk noop "$(jq -n --arg p "$build/bench/acid-bench-noop-hook" \
	'{prestart: [{path: $p, args: ["noop", "prestart"]}], poststop: [{path: $p, args: ["noop", "poststop"]}]}')"
mk snoop "$(jq -n --arg p "$build/bench/acid-bench-noop-hook-static" \
	'{prestart: [{path: $p, args: ["noop", "prestart"]}], poststop: [{path: $p, args: ["noop", "poststop"]}]}')"
mk acid "$(jq -n --arg pre "$build/hooks/acid-prestart" --arg post "$build/hooks/acid-poststop" --arg s "$state" \
	'{prestart: [{path: $pre, args: ["acid-prestart", "prestart"], env: [$s]}], poststop: [{path: $post, args: ["acid-poststop", "poststop"], env: [$s]}]}')"

now() { date +%s%N; }
one() { # KIND -> prints microseconds
	local t0 t1
	t0=$(now)
	runc --root "$work/runc" run -b "$work/$1" "bench-$1-$RANDOM$RANDOM" </dev/null >/dev/null
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}

kinds=(none noop snoop acid)
for _ in 1 2 3; do for k in "${kinds[@]}"; do one "$k" >/dev/null; done; done # warm up
: > "$work/times"
for i in $(seq 1 "$pairs"); do
	# a fresh random order every round: neither first place nor the
	# place after acid's (auditd still writing its records) is any one
	# kind's more than another's
	declare -A t=()
	for k in $(printf '%s\n' "${kinds[@]}" | shuf); do
		t[$k]=$(one "$k")
	done
	echo "${t[none]} ${t[noop]} ${t[snoop]} ${t[acid]}" >> "$work/times"
done

left=$(ls "$work/state" 2>/dev/null | grep -c '\.entry$' || true)
python3 - "$work/times" "$pairs" "$left" <<'PY'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
none, noop, snoop, acid = zip(*rows)
def q(v, p): s = sorted(v); return s[min(len(s) - 1, int(p * len(s)))]
print(f"container start-to-exit of `true` under runc, {sys.argv[2]} rounds, each in a random order")
print(f"{'':8}{'median ms':>12}{'p90 ms':>10}")
for name, v in (("none", none), ("noop", noop), ("snoop", snoop), ("acid", acid)):
    print(f"{name:8}{statistics.median(v)/1000:12.1f}{q(v, .9)/1000:10.1f}")
r_acid_noop = statistics.median(a / n for a, n in zip(acid, noop))
r_noop_none = statistics.median(n / z for n, z in zip(noop, none))
r_acid_none = statistics.median(a / z for a, z in zip(acid, none))
print(f"median of per-round ratios: noop/none {r_noop_none:.3f}  acid/none {r_acid_none:.3f}  acid/noop {r_acid_noop:.3f}")
r_acid_snoop = statistics.median(a / n for a, n in zip(acid, snoop))
print(f"against the static do-nothing pair: acid/snoop {r_acid_snoop:.3f}")
print(f"target acid/noop <= 1.03: {'met' if r_acid_noop <= 1.03 else 'NOT met'}")
for name, b in (("noop", noop), ("snoop", snoop)):
    d = [a - n for a, n in zip(acid, b)]
    print(f"acid - {name} per round: median {statistics.median(d)/1000:.2f} ms")
print(f"registry entries left: {sys.argv[3]}")
PY
