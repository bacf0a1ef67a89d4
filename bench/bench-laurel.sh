#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-laurel.sh [BUILD_DIR] [CONTAINERS] [EXECS]: audisp-acid and LAUREL
# (Debian's laurel 0.5.1) as plugins of the same auditd, on the same live
# records, side by side. Run by hand (not by CI); needs root, podman, runc.
#
# Install LAUREL first, and keep the system auditd from running it:
#   apt-get install laurel
#   sed -i 's/^active *= *yes/active = no/' /etc/audit/plugins.d/laurel.conf
# (the package's plugin file says active = yes; this bench never uses it).
#
# The auditd: a private one (tests/bats/aggregator.bash: network-only, in
# its own user and mount namespace, plugin_dir its own, never the system
# auditd's), running both plugins from its plugins.d. The system auditd's
# log is followed as it is written (tail -F) and sent to it by a
# standalone audisp-remote: both plugins get every event at once, through
# auditd's own dispatcher. Both look at this machine's /proc and acid at
# its registry (bound at the aggregator's /run/acid): the sender is local.
#
# Load, with acid's rules loaded (auditctl -R plugin/acid.rules, removed at
# the end when they were not loaded before): CONTAINERS (default 5) runc
# containers and as many podman containers (acid's hooks), each exec'ing
# EXECS (default 20) marker commands (/ACIDCMP.<tag>.<kind>.<n>.<i>.<v>
# in their argv): half an ls that exits at once (v = e), a quarter the
# same from a short-lived child shell (c), a quarter a process that lives
# a second (l); the host runs the same markers meanwhile. Two more
# containers (one runc, one podman) are started before the plugins and
# run their markers with the load.
#
# Why LAUREL names no container here: 0.5.1 looks up the event's own pid
# in /proc/<pid>/cgroup when it handles the event, and writes
# CONTAINER_INFO.ID only for a 64-hex ID in that path (it does recognise
# podman's cgroupfs path /libpod_parent/libpod-<id>, on this hybrid
# cgroup host too). A marker that exits at once is gone by then (the
# events reach a plugin milliseconds later); a runc container's cgroup
# (/<name>) holds no such ID, so runc containers are never named. The
# previous version of this bench also looked for a key 0.5.1 does not
# write (container_info). Measured here: it also leaves out a process it
# learnt from its fork/exec events even while it lives (the 1 s markers):
# what it names is mostly a container process it had to read from /proc
# (the shell of the podman container started before it).
#
# LINGER=S: each container (and host script) sleeps S seconds before and
# after its markers, so that it is still running when LAUREL reads /proc.
#
# Prints, for each: marker execs seen, attributed to the right container
# (runc: acid by the container's name; LAUREL knows no runc container),
# to a wrong one, host execs taken for a container's; CPU time per event
# (utime + stime of each plugin process over the load, divided by the
# events auditd dispatched); and acid's lag from the event's time stamp
# (msg=audit(T:...)) to its JSON line appearing in the output file, p50 /
# p99 / max (goal: p99 <= 100 ms), next to the lag of the aggregator's own
# log line (the transport: tail -F, audisp-remote, auditd).
#
# AUDISP_ACID overrides BUILD_DIR/plugin/audisp-acid; LAUREL the laurel
# binary (default: laurel from PATH). KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=$(realpath "${1:-build}")
nctr=${2:-5}
nexec=${3:-20}
# LINGER seconds before and after the markers: containers that live a
# while (LAUREL reads /proc while they run); 0: short-lived ones
linger=${LINGER:-0}
plugin=${AUDISP_ACID:-$build/plugin/audisp-acid}
laurel=${LAUREL:-$(command -v laurel || true)}
log=${ACID_AUDIT_LOG:-/var/log/audit/audit.log}

die() { echo "bench-laurel.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
[ -x "$plugin" ] || die "no audisp-acid at $plugin (ninja -C $build)"
[ -n "$laurel" ] && [ -x "$laurel" ] || die "laurel is not installed (apt-get install laurel, then set active = no in /etc/audit/plugins.d/laurel.conf)"
for c in runc podman jq auditd audisp-remote unshare setsid python3 perl; do
	command -v "$c" >/dev/null || die "$c is not installed"
done
auditctl -s | grep -q '^pid [1-9]' || die "auditd is not running"

# shellcheck source=../tests/bats/aggregator.bash
# shellcheck disable=SC1091 # (tests/bats/aggregator.bash)
. "$repo/tests/bats/aggregator.bash"
work=$(mktemp -d /tmp/acid-bench-laurel.XXXXXX)
tag=$$-$RANDOM
rules_ours=false
pids=()
cleanup() {
	local p c
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	agg_stop "$work/agg"
	for c in $(runc --root "$work/runc" list -q 2>/dev/null); do
		runc --root "$work/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
	if $rules_ours; then
		grep '^-a ' "$repo/plugin/acid.rules" | while IFS= read -r line; do
			# shellcheck disable=SC2086 # a rule is its words
			auditctl ${line/#-a /-d } >/dev/null 2>&1 || true
		done
	fi
	[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# the containers' rootfs and hooks
"$repo/scripts/make-rootfs.sh" "$work/rootfs" >/dev/null
export ACID_STATE_DIR=$work/state
mkdir -p "$work/hooks.d"
for h in acid-prestart acid-poststop; do
	jq --arg p "$build/hooks/$h" --arg s "ACID_STATE_DIR=$ACID_STATE_DIR" \
		'.hook.path = $p | .hook.env = [$s]' \
		"$build/examples/$h.json" > "$work/hooks.d/$h.json"
done
script() { # KIND N: the markers of one container or of the host
	local k=$1 n=$2 i m s="sleep $linger; "
	# started before the plugins: the markers once the bench says go
	case $k in *pre) s="while [ ! -e /go.$tag ]; do sleep 0.1; done; " ;; esac
	for ((i = 0; i < nexec; i++)); do
		m=/ACIDCMP.$tag.$k.$n.$i
		case $((i % 4)) in
		# an exec that exits at once
		0 | 2) s+="/bin/ls -d $m.e >/dev/null 2>&1; " ;;
		# the same from a short-lived child shell
		1) s+="sh -c '/bin/ls -d $m.c' >/dev/null 2>&1; " ;;
		# a process that lives a second (sh with the marker as its
		# \$0), in the background
		3) s+="sh -c 'sleep 1' $m.l & " ;;
		esac
	done
	echo "$s wait; sleep $linger"
}
bundle() { # DIR N [KIND]
	mkdir -p "$1"
	jq --arg pre "$build/hooks/acid-prestart" --arg post "$build/hooks/acid-poststop" \
	   --arg state "ACID_STATE_DIR=$ACID_STATE_DIR" --arg cmd "$(script "${3:-runc}" "$2")" \
	   --arg rootfs "$work/rootfs" '
		.process.args = ["sh", "-c", $cmd] | .root.path = $rootfs
		| .hooks = {
			prestart: [{ path: $pre, args: ["acid-prestart", "prestart"], env: [$state] }],
			poststop: [{ path: $post, args: ["acid-poststop", "poststop"], env: [$state] }] }' \
		"$repo/examples/config.json" > "$1/config.json"
}

cat > "$work/laurel.toml" <<EOF
directory = "$work/laurel"
user = "root"
statusreport-period = 0
[auditlog]
file = "audit.log"
size = 1000000000
generations = 2
[transform]
execve-argv = [ "array" ]
[enrich]
pid = true
container = true
script = false
EOF
mkdir -p "$work/laurel"

if ! auditctl -l | grep -q 'key=acid$'; then
	auditctl -R "$repo/plugin/acid.rules" >/dev/null
	rules_ours=true
fi

# two containers started before the plugins (LAUREL's best case: it reads
# their processes from /proc when it starts; acid seeds them from the
# registry): their markers run once the load runs
pre() { # N: wait for the start records of N containers
	local i
	for i in $(seq 1 100); do
		set -- "$1" "$ACID_STATE_DIR"/*.entry
		[ -e "${2:-}" ] && [ $(($# - 1)) -ge "$1" ] && return 0
		sleep 0.1
	done
	die "the containers started before the plugins did not register"
}
bundle "$work/bpre" 0 runcpre
runc --root "$work/runc" run -b "$work/bpre" "acidcmp-$tag-pre" </dev/null >/dev/null 2>&1 &
pre_load=($!)
pre 1
podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$work/hooks.d" \
	run --rm --cidfile "$work/cidpre" --annotation org.acid.audit=true \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	--rootfs "$work/rootfs" /bin/sh -c "$(script podmanpre 0)" </dev/null >/dev/null 2>&1 &
pre_load+=($!)
pre 2
sleep 1

# the aggregator auditd, both plugins in its plugins.d (auditd 3.0.9
# passes at most two args); this bench's registry is its /run/acid, where
# audisp-acid seeds from
agg=$work/agg
agg_plugin "$agg" acid "$plugin" "--output $work/acid.json"
agg_plugin "$agg" laurel "$laurel" "--config $work/laurel.toml"
agg_start "$agg" "$ACID_STATE_DIR" || die "the aggregator auditd did not start"
for i in $(seq 1 50); do
	apid=$(pgrep -P "$(cat "$agg/auditd.pid")" -x audisp-acid || true)
	lpid=$(pgrep -P "$(cat "$agg/auditd.pid")" -x laurel || true)
	[ -n "$apid" ] && [ -n "$lpid" ] && break
	sleep 0.1
done
[ -n "$apid" ] || die "the aggregator did not start audisp-acid"
[ -n "$lpid" ] || die "the aggregator did not start laurel: $(cat "$agg/auditd.out")"
# arrival times of the lines of acid's output and of the aggregator's log
# (polled every 2 ms; a line's time is the first poll that sees it whole)
cat > "$work/arrivals.py" <<'PY'
import os, re, signal, sys, time
out = open(sys.argv[1], "w")
files = [(name, path, 0, b"") for name, path in zip(sys.argv[2::2], sys.argv[3::2])]
stamp = re.compile(rb"^type=(?!DAEMON_)\S+ msg=audit\((\d+\.\d+):(\d+)\)")
js = re.compile(rb'"audit":\{"serial":(\d+),"type":"(?!DAEMON_).*?msg=audit\((\d+\.\d+):')
run = [True]
signal.signal(signal.SIGTERM, lambda *a: run.__setitem__(0, False))
while run[0]:
    now = time.time()
    for k, (name, path, off, rest) in enumerate(files):
        try:
            with open(path, "rb") as f:
                f.seek(off)
                data = f.read()
        except OSError:
            continue
        if not data:
            continue
        off += len(data)
        lines = (rest + data).split(b"\n")
        rest = lines.pop()
        for l in lines:
            if name == "json":
                m = js.search(l)
                if m:
                    out.write("json %s %s %.6f\n" % (m.group(1).decode(), m.group(2).decode(), now))
            else:
                m = stamp.search(l)
                if m:
                    out.write("agg %s %s %.6f\n" % (m.group(2).decode(), m.group(1).decode(), now))
        files[k] = (name, path, off, rest)
    time.sleep(0.002)
out.close()
PY
python3 "$work/arrivals.py" "$work/arrivals" json "$work/acid.json" agg "$agg/audit.log" &
rpid=$!
pids+=("$rpid")
# the sender: the system log as it is written (no node name: this
# machine's records, as the system auditd would hand them to its plugins;
# a named node's containers are not in this machine's registry)
agg_remote "$agg" bench
tail -n0 -F "$log" > "$agg/remote-bench.in" 2>/dev/null &
tpid=$!
pids+=("$tpid")
sleep 2

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_acid0=$(cpu "$apid")
cpu_laurel0=$(cpu "$lpid")
# the load
for ((n = 0; n < nctr; n++)); do
	bundle "$work/b$n" "$n"
	runc --root "$work/runc" run -b "$work/b$n" "acidcmp-$tag-$n" </dev/null >/dev/null 2>&1 &
	load=($!)
	podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$work/hooks.d" \
		run --rm --cidfile "$work/cid$n" --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$work/rootfs" /bin/sh -c "$(script podman "$n")" </dev/null >/dev/null 2>&1 &
	load+=($!)
	sh -c "$(script host "$n")" &
	load+=($!)
	wait "${load[@]}" || true
done
touch "$work/rootfs/go.$tag"
wait "${pre_load[@]}" || true
# (the rules are the whole workload: a run whose rules someone removed
# meanwhile, e.g. a test suite's auditctl -D, measures nothing)
[ "$(auditctl -l | grep -c 'key=acid$')" -ge "$(grep -c '^-a ' "$repo/plugin/acid.rules")" ] ||
	die "acid's rules were removed during the run (auditctl -D by someone else?): run it again"
# the end: a marker record, waited for in acid's output (both plugins
# get each event at the same time)
endtag=acid-bench-end-$tag
auditctl -m "$endtag"
for i in $(seq 1 300); do
	grep -qF "$endtag" "$work/acid.json" 2>/dev/null && break
	sleep 0.1
done
grep -qF "$endtag" "$work/acid.json" || die "acid's output never got the end marker"
sleep 2	# LAUREL's output: written as it goes, flushed
tck=$(getconf CLK_TCK)
cpu_acid=$(awk -v a="$(cpu "$apid")" -v b="$cpu_acid0" -v t="$tck" 'BEGIN { print (a - b) / t }')
cpu_laurel=$(awk -v a="$(cpu "$lpid")" -v b="$cpu_laurel0" -v t="$tck" 'BEGIN { print (a - b) / t }')
kill "$tpid" 2>/dev/null || true
kill "$rpid" 2>/dev/null || true
wait "$rpid" 2>/dev/null || true
agg_stop "$agg"
# the events auditd dispatched to both during the load (the sender's)
ev_in=$(grep -av '^type=DAEMON_' "$agg/audit.log" | grep -ao 'msg=audit([0-9.]*:[0-9]*)' | sort -u | wc -l)

# --------------------------------------------------------------- counts
acid=$work/acid.json
lau=$work/laurel/audit.log
# acid: marker exec events -> "marker<TAB>container name or -"
jq -r --arg t "/ACIDCMP.$tag." 'select(any(.audit.records[]; .type == "EXECVE" and (.text | contains($t))))
	| [(.audit.records[] | select(.type == "EXECVE") | .text | capture("a[0-9]+=\"(?<m>/ACIDCMP[^\"]*)\"").m),
	   (.container.name // "-")] | @tsv' "$acid" > "$work/acid.tsv"
# LAUREL: marker exec events -> "marker<TAB>container id or -" (0.5.1
# writes CONTAINER_INFO.ID, the 64-hex ID it finds in /proc/<pid>/cgroup
# of the event's pid when it handles the event; later versions put a
# container_info in the process's entries)
jq -r --arg t "/ACIDCMP.$tag." 'select(.EXECVE.ARGV? and (.EXECVE.ARGV | any(startswith($t))))
	| [(.EXECVE.ARGV[] | select(startswith($t))),
	   (.CONTAINER_INFO.ID? // ([.. | objects | .container_info? // empty | .id?] | map(select(. != null)) | first) // "-")] | @tsv' \
	"$lau" > "$work/laurel.tsv" 2>/dev/null || true

for ((n = 0; n < nctr; n++)); do
	cid=$(cat "$work/cid$n" 2>/dev/null || echo none)
	echo "runc	$n	acidcmp-$tag-$n"
	echo "podman	$n	$cid"
done > "$work/names.tsv"
echo "runcpre	0	acidcmp-$tag-pre" >> "$work/names.tsv"
echo "podmanpre	0	$(cat "$work/cidpre" 2>/dev/null || echo none)" >> "$work/names.tsv"

count() { # FILE KIND OK-FIELD [VARIANT]: markers of KIND attributed, right, wrong
	awk -F'\t' -v kind="$2" -v field="$3" -v tag="$tag" -v var="${4:-}" '
		FILENAME == ARGV[1] { want[$1 "." $2] = $3; next }
		{ split($1, m, "."); k = m[3]; n = m[4]
		  if (k != kind || (var != "" && m[6] != var)) next
		  seen++
		  if ($2 == "-") next
		  w = want[k "." n]
		  if (k == "host") { wrong++; next }
		  if ((field == "name" && $2 == w) || (field == "id" && index($2, w) == 1 && w != "")) right++
		  else if (field == "id" && k ~ /^runc/) right_unnamed++
		  else wrong++ }
		END { printf "%d %d %d %d\n", seen, right, wrong, right_unnamed }' \
		"$work/names.tsv" "$1"
}
ev_a=$(grep -vc '"type":"DAEMON_' "$acid" || true)
ev_l=$(grep -c . "$lau" || true)
# lag: event time stamp -> its line in acid's output / in auditd's log
lag() { # KIND
	awk -v k="$1" '$1 == k && !seen[$2]++ { print ($4 - $3) * 1000 }' "$work/arrivals" | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) { print "- - - 0"; exit }
			i50 = int(NR * 0.5); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
			printf "%.1f %.1f %.1f %d\n", v[i50], v[i99], v[NR], NR }'
}
pct() { # numbers on stdin -> p50 p99 max count
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "- - - 0"; exit }
		i50 = int(NR * 0.5); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
		printf "%.1f %.1f %.1f %d\n", v[i50], v[i99], v[NR], NR }'
}
# acid's own share: its JSON line after the event's first line in auditd's log
read -r o50 o99 omax _ < <(awk '$1 == "agg" && !($2 in a) { a[$2] = $4 }
	$1 == "json" && !($2 in j) { j[$2] = $4 }
	END { for (s in j) if (s in a) print (j[s] - a[s]) * 1000 }' "$work/arrivals" | pct)
read -r j50 j99 jmax jn < <(lag json)
read -r g50 g99 gmax gn < <(lag agg)

printf '%-44s %14s %14s\n' "one auditd, same records: marker execs" audisp-acid laurel
row() { printf '%-44s %14s %14s\n' "$@"; }
wrong_a=0 wrong_l=0
for kind in runc podman runcpre podmanpre; do
	case $kind in
	runc) what="runc ($nctr x $nexec)" ;;
	podman) what="podman ($nctr x $nexec)" ;;
	runcpre) what="runc started before the plugins (1 x $nexec)" ;;
	podmanpre) what="podman started before the plugins (1 x $nexec)" ;;
	esac
	field=id
	case $kind in runc*) field=name ;; esac
	read -r as ar aw _ < <(count "$work/acid.tsv" "$kind" "$field")
	read -r ls lr lw lu < <(count "$work/laurel.tsv" "$kind" id)
	row "$what: seen" "$as" "$ls"
	row "  ... attributed to the right container" "$ar" "$((lr + lu))"
	for v in e c l; do
		case $v in
		e) vw="exits at once" ;;
		c) vw="exits at once, from a child shell" ;;
		l) vw="lives 1 s" ;;
		esac
		read -r _ ar _ _ < <(count "$work/acid.tsv" "$kind" "$field" "$v")
		read -r _ lr _ lu < <(count "$work/laurel.tsv" "$kind" id "$v")
		row "    ... $vw" "$ar" "$((lr + lu))"
	done
	wrong_a=$((wrong_a + aw)) wrong_l=$((wrong_l + lw))
done
read -r a_hs _ a_hw _ < <(count "$work/acid.tsv" host name)
read -r l_hs _ l_hw _ < <(count "$work/laurel.tsv" host id)
row "host ($nctr x $nexec): seen" "$a_hs" "$l_hs"
row "  ... taken for a container's" "$a_hw" "$l_hw"
row "container execs given a wrong container" "$wrong_a" "$wrong_l"
row "events naming a container (any)" "$(grep -c '"container":{' "$acid" || true)" \
	"$(grep -c '"CONTAINER_INFO":{\|"container_info":{' "$lau" || true)"
printf '%-44s %14s %14s\n' "events dispatched by auditd" "$ev_in" "$ev_in"
printf '%-44s %14s %14s\n' "events written" "$ev_a" "$ev_l"
printf '%-44s %14s %14s\n' "CPU s (user+sys) over the load" "$cpu_acid" "$cpu_laurel"
awk -v a="$cpu_acid" -v l="$cpu_laurel" -v e="$ev_in" 'BEGIN {
	printf "%-44s %14.1f %14.1f\n", "CPU us per dispatched event", e ? a * 1e6 / e : 0, e ? l * 1e6 / e : 0 }'
printf '%-44s %14s %14s\n' "lag event -> JSON line, ms p50/p99/max" "$j50/$j99/$jmax" "-"
printf '%-44s %14s %14s\n' "(transport: event -> aggregator's log)" "$g50/$g99/$gmax" ""
printf '%-44s %14s %14s\n' "acid's share: auditd's log -> JSON line" "$o50/$o99/$omax" ""
printf '%-44s %14s\n' "events timed (acid / aggregator log)" "$jn/$gn"
