#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-rules.sh [N] [ROUNDS]: what acid's audit rules (plugin/acid.rules)
# cost: N (default 2000) fork+execs of /bin/true, ROUNDS (default 5) times
# without the rules and ROUNDS times with them, alternately; prints the
# median time per fork+exec of each, and the records and bytes per
# fork+exec the rules add to the audit log. Needs root and a running
# auditd. The rules are loaded with auditctl -R and removed again with
# auditctl -d (left alone when they were loaded before: then it says so
# and stops).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
rounds=${2:-5}
rules=$PWD/plugin/acid.rules
log=${ACID_AUDIT_LOG:-/var/log/audit/audit.log}

die() { echo "bench-rules.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
auditctl -s | grep -q '^pid [1-9]' || die "auditd is not running"
! auditctl -l | grep -q 'key=acid$' || die "acid's rules are loaded already"

loaded=false
unload() {
	$loaded || return 0
	grep '^-a ' "$rules" | while IFS= read -r line; do
		# shellcheck disable=SC2086 # a rule is its words
		auditctl ${line/#-a /-d } >/dev/null 2>&1 || true
	done
	loaded=false
}
trap unload EXIT

# one round: N fork+execs; prints nanoseconds per fork+exec
round() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < n; i++)); do /bin/true; done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / n))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

off=() on=() recs=0 bytes=0
for ((r = 0; r < rounds; r++)); do
	off+=("$(round)")
	auditctl -R "$rules" >/dev/null
	loaded=true
	before=$(stat -c %s "$log")
	on+=("$(round)")
	unload
	sleep 1 # auditd writes what is queued
	after=$(stat -c %s "$log")
	# this round's records with acid's key: the execs and forks logged
	# (the log may have rotated meanwhile: then this round is not counted)
	if [ "$after" -ge "$before" ]; then
		recs=$((recs + $(tail -c $((after - before)) "$log" |
			grep -a 'key="acid"' | sed 's/.*msg=audit(\([0-9.:]*\)).*/\1/' |
			sort -u | wc -l)))
		bytes=$((bytes + after - before))
		lines=$((${lines:-0} + $(tail -c $((after - before)) "$log" | wc -l)))
		counted=$((${counted:-0} + 1))
	fi
done
m_off=$(printf '%s\n' "${off[@]}" | median)
m_on=$(printf '%s\n' "${on[@]}" | median)
echo "fork+exec of /bin/true, $n per round, median of $rounds rounds:"
echo "  without acid's rules: $((m_off / 1000)) us"
echo "  with acid's rules:    $((m_on / 1000)) us (+$(((m_on - m_off) * 100 / m_off))%)"
if [ "${counted:-0}" -gt 0 ]; then
	awk -v e="$recs" -v l="$lines" -v b="$bytes" -v n="$((n * counted))" 'BEGIN {
		printf "  per fork+exec: %.2f events with key acid; %.1f records, %.0f log bytes (the whole machine meanwhile)\n", e / n, l / n, b / n }'
fi
