#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/run.sh [BUILD_DIR]  - run the acid benchmarks and print the figures.
#
# Builds nothing: run `ninja -C BUILD_DIR` first (default BUILD_DIR: build).
# Needs root and a running auditd. The register benchmark sends a few
# thousand VIRT_CONTROL records; the kernel's audit backlog limit is raised
# to 8192 for the run (a low limit loses records) and put back afterwards,
# also on failure or interruption. The records it sent are counted in the
# audit log afterwards (their vm= names start with "acid-bench-").
#
# Extra options for each program, e.g. a smaller run:
#   ACID_BENCH_REGISTER_ARGS="-n 500 -r 200" ACID_BENCH_LOOKUP_ARGS="-t 1" \
#       ACID_BENCH_FLOOR_ARGS="-n 80" bench/run.sh build
# acid-bench-floor (libacid's lifecycle against the same work done with
# bare system calls, issue 11) sends records too: it runs only when
# records can be sent.
set -euo pipefail

build=${1:-build}
reg=$build/bench/acid-bench-register
floor=$build/bench/acid-bench-floor
lookup=$build/bench/acid-bench-lookup
backlog=8192

die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (registration needs CAP_AUDIT_CONTROL)"
if [ ! -x "$reg" ] || [ ! -x "$floor" ] || [ ! -x "$lookup" ]; then
	die "no benchmarks in '$build' (build them first: ninja -C $build)"
fi
command -v auditctl >/dev/null || die "auditctl not found (package auditd)"

status=$(auditctl -s)
field() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$status"; }
enabled=$(field enabled)
old_backlog=$(field backlog_limit)
[ -n "$old_backlog" ] || die "could not read backlog_limit from auditctl -s"

# shellcheck disable=SC2206 # word splitting of the extra options is wanted
reg_args=(${ACID_BENCH_REGISTER_ARGS:-})
# shellcheck disable=SC2206
lookup_args=(${ACID_BENCH_LOOKUP_ARGS:-})
# shellcheck disable=SC2206
floor_args=(${ACID_BENCH_FLOOR_ARGS:---parts 200})
records=yes
raised=no

restore() {
	if [ "$raised" = yes ]; then
		if auditctl -b "$old_backlog" >/dev/null; then
			echo "run.sh: audit backlog limit restored to $old_backlog"
		else
			echo "run.sh: could not restore the audit backlog limit" \
			     "to $old_backlog (auditctl -b $old_backlog)" >&2
		fi
		raised=no
	fi
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ "$enabled" != 1 ] && [ "$enabled" != 2 ]; then
	echo "run.sh: kernel audit is disabled (enabled=$enabled): no records sent"
	records=no
elif [ "$(field pid)" = 0 ]; then
	echo "run.sh: no audit daemon (pid 0): no records sent" \
	     "(start one: mkdir -p /var/log/audit && auditd -s enable)"
	records=no
elif [ "$old_backlog" -lt "$backlog" ]; then
	if auditctl -b "$backlog" >/dev/null; then
		raised=yes
		echo "run.sh: audit backlog limit raised from $old_backlog to $backlog for the run"
	else
		echo "run.sh: could not raise the audit backlog limit" \
		     "(locked audit configuration?): no records sent"
		records=no
	fi
fi
[ "$records" = yes ] || reg_args+=(--no-records)

echo "run.sh: $(uname -r), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo
start_date=$(LC_ALL=C date '+%x')
start_time=$(LC_ALL=C date '+%T')
"$reg" "${reg_args[@]}"

if [ "$records" = yes ] && command -v ausearch >/dev/null; then
	sleep 2 # auditd writes asynchronously
	n=$(LC_ALL=C ausearch --input-logs -m VIRT_CONTROL \
		-ts "$start_date" "$start_time" --raw \
		2>/dev/null | grep -c 'vm="acid-bench-' || true)
	echo "run.sh: VIRT_CONTROL records named acid-bench-* in the audit log since $start_date $start_time: $n"
fi
if [ "$records" = yes ]; then
	echo
	"$floor" "${floor_args[@]}"
else
	echo "run.sh: acid-bench-floor skipped (it needs to send records)"
fi
restore

echo
"$lookup" "${lookup_args[@]}"
