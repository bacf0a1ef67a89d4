#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-plugin.sh [BUILD_DIR] [EVENTS]: audisp-acid fed EVENTS (default
# 1,000,000) audit events on its standard input, as auditd feeds a plugin,
# and what it costs: events per second, CPU time per event, and its RSS
# after the first 1% of the events and at the end (bounded memory: the
# end should not be far above the start).
#
# The stream, made under /tmp first (deleted at the end): execve events as
# the kernel writes them here (SYSCALL with the enriched names, EXECVE, CWD,
# PATH, PROCTITLE: five records), serials counting up, pids cycling through
# a pool; every 1000 events a container starts (acid's register record),
# runs 498 events of its children (exec'ing, ppid its init) beside 500 of
# the host and stops (acid's destroy record): half the events are
# attributed to a container, and 1000 container runs start and end over
# the run. The records' clock runs 1000 events per second.
#
# BENCH_CLONE3=1: the host's events are clone3 calls instead (SYSCALL,
# PROCTITLE), made by this script (a live process) and returning its live
# child: the namespace-change check's dearest common case (every
# pthread_create and posix_spawn is a clone3; the plugin reads both
# processes' namespaces to see whether the child got new ones).
#
# AUDISP_ACID overrides BUILD_DIR/plugin/audisp-acid.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
events=${2:-1000000}
plugin=${AUDISP_ACID:-$build/plugin/audisp-acid}

die() { echo "bench-plugin.sh: $*" >&2; exit 1; }
[ -x "$plugin" ] || die "no audisp-acid at $plugin (ninja -C $build)"

work=$(mktemp -d /tmp/acid-bench-plugin.XXXXXX)

clone3=${BENCH_CLONE3:-0}
child=0
if [ "$clone3" = 1 ]; then
	sleep 3600 &
	child=$!
fi
cleanup() { rm -rf "$work"; [ "$child" = 0 ] || kill "$child" 2>/dev/null || true; }
trap cleanup EXIT

awk -v n="$events" -v now="$(date +%s)" -v clone3="$clone3" -v self="$$" -v parent="$PPID" -v child="$child" 'BEGIN {
	sec = 1796000000
	if (clone3) sec = now # the live processes started before the records
	for (e = 0; e < n; e++) {
		ms = sprintf("%d.%03d:%d", sec + int(e / 1000), e % 1000, 1000 + e)
		k = e % 1000
		c = int(e / 1000)
		init = 10000 + c % 20000
		uuid = sprintf("%08x-0000-4000-8000-%012x", c + 1, c + 1)
		if (k == 0) {
			printf "type=VIRT_CONTROL msg=audit(%s): pid=%d uid=0 auid=4294967295 ses=4294967295 msg=\x27virt=oci op=start reason=register vm=\"bench-%d\" uuid=%s vm-pid=%d ns-dev=0:4 cgroup-ns=4026531835 ipc-ns=4026532179 mnt-ns=4026532177 net-ns=4026532181 pid-ns=4026532180 pid-child-ns=4026532180 time-ns=4026531834 time-child-ns=4026531834 user-ns=4026531837 uts-ns=4026532178 bundle=\"/srv/b\" exe=\"/usr/libexec/oci/hooks.d/acid-prestart\" hostname=? addr=? terminal=? res=success\x27\x1dUID=\"root\" AUID=\"unset\"\n", ms, 9000, c, uuid, init
			continue
		}
		if (k == 999) {
			printf "type=VIRT_CONTROL msg=audit(%s): pid=%d uid=0 auid=4294967295 ses=4294967295 msg=\x27virt=oci op=stop reason=exit vm=\"bench-%d\" uuid=%s vm-pid=%d exe=\"/usr/libexec/oci/hooks.d/acid-poststop\" hostname=? addr=? terminal=? res=success\x27\x1dUID=\"root\" AUID=\"unset\"\n", ms, 9001, c, uuid, init
			continue
		}
		if (k >= 500 && clone3) {
			printf "type=SYSCALL msg=audit(%s): arch=c000003e syscall=435 success=yes exit=%d a0=7ffd6a3c1e40 a1=58 a2=0 a3=0 items=0 ppid=%d pid=%d auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"acid\"\x1dARCH=x86_64 SYSCALL=clone3 AUID=\"unset\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"\n", ms, child, parent, self
			printf "type=PROCTITLE msg=audit(%s): proctitle=62617368\n", ms
			continue
		}
		if (k < 500) {
			ppid = init; pid = 40000 + k
		} else {
			ppid = 1; pid = 50000 + k
		}
		printf "type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 success=yes exit=0 a0=55bbe43b8580 a1=55bbe438db60 a2=55bbe438ae80 a3=0 items=2 ppid=%d pid=%d auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"ls\" exe=\"/bin/busybox\" key=\"acid\"\x1dARCH=x86_64 SYSCALL=execve AUID=\"unset\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"\n", ms, ppid, pid
		printf "type=EXECVE msg=audit(%s): argc=3 a0=\"ls\" a1=\"-d\" a2=\"/bench.%d\"\n", ms, e
		printf "type=CWD msg=audit(%s): cwd=\"/\"\n", ms
		printf "type=PATH msg=audit(%s): item=0 name=\"/bin/ls\" inode=1054611 dev=00:2a mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\x1dOUID=\"root\" OGID=\"root\"\n", ms
		printf "type=PROCTITLE msg=audit(%s): proctitle=6C73002D64\n", ms
	}
}' > "$work/stream.log"
total=$(grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$work/stream.log" | sort -u | wc -l)
lines=$(wc -l < "$work/stream.log")
head_lines=$((lines / 100))
head -n "$head_lines" "$work/stream.log" > "$work/head.log"
tail -n +"$((head_lines + 1))" "$work/stream.log" > "$work/rest.log"

rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

mkfifo "$work/fifo"
start=$(date +%s.%N)
"$plugin" --no-seed --output "$work/events.json" < "$work/fifo" &
pid=$!
exec {w}> "$work/fifo"
cat "$work/head.log" >&"$w"
sleep 1 # the first 1% read
rss_start=$(rss "$pid")
cat "$work/rest.log" >&"$w"
# every event read (auparse holds the last one until the end of input)
sleep 1
rss_end=$(rss "$pid")
cpu=$(awk '{ print ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$pid/stat")
exec {w}>&-
wait "$pid"
end=$(date +%s.%N)
written=$(wc -l < "$work/events.json")
attributed=$(grep -c '"container":' "$work/events.json" || true)

awk -v n="$total" -v w="$written" -v a="$attributed" -v s="$start" -v e="$end" \
    -v c="$cpu" -v r0="$rss_start" -v r1="$rss_end" -v l="$lines" 'BEGIN {
	t = e - s - 2	# the two sleeps
	printf "audisp-acid: %d events (%d records) in, %d JSON lines out, %d attributed to a container\n", n, l, w, a
	printf "  wall %.2f s (sleeps excluded): %.0f events/s; CPU %.2f s: %.2f us/event\n", t, n / t, c, c * 1e6 / n
	printf "  RSS after 1%% of the events: %d KiB; at the end: %d KiB\n", r0, r1
}'
[ "$written" = "$total" ] || die "$written JSON lines for $total events"
