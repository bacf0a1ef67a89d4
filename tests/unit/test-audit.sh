#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-audit.sh ORCHESTRATOR - the records as the running kernel and auditd
# keep them. Runs the example orchestrator (libacid's usage documentation)
# with a unique name; the registered child execs a shell that writes the
# inodes of its own /proc/self/ns/* (the registered process's namespaces,
# since the shell *is* that process after exec). Then ausearch must find,
# by the printed uuid, one start record with vm-pid=<pid> and those inodes
# and one stop record reason=exit; aureport --virt must list both events.
#
# Needs root and a running auditd: without one this test fails, loudly.
# Output is TAP.

orch=$1
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
# check DESCRIPTION COMMAND...: the command's status is the verdict
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "1..$n"
	[ -n "$tmp" ] && rm -rf "$tmp"
	[ "$failed" -eq 0 ] && exit 0
	echo "# $failed of $n checks failed"
	exit 1
}

if [ -z "$orch" ] || [ ! -x "$orch" ]; then
	not_ok "usage: test-audit.sh ORCHESTRATOR (got '$orch')"
	finish
fi
for tool in auditctl ausearch aureport stat; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		not_ok "$tool is not installed (package auditd)"
		finish
	fi
done

# --- auditd must be running, and audit enabled ---------------------------
status=$(auditctl -s 2>&1)
apid=$(printf '%s\n' "$status" | awk '$1 == "pid" { print $2 }')
enabled=$(printf '%s\n' "$status" | awk '$1 == "enabled" { print $2 }')
if [ -z "$apid" ] || [ "$apid" = 0 ]; then
	not_ok "auditd is NOT running (auditctl -s: pid ${apid:-?}); start it:" \
		"mkdir -p /var/log/audit && auditd -s enable"
	printf '%s\n' "$status" | sed 's/^/# /'
	finish
fi
ok "auditd is running (pid $apid)"
if [ "$enabled" != 1 ] && [ "$enabled" != 2 ]; then
	not_ok "audit is disabled in the kernel (auditctl -s: enabled $enabled)"
	finish
fi
ok "audit is enabled (enabled $enabled)"

# --- one container --------------------------------------------------------
tmp=$(mktemp -d /tmp/acid-unit-audit-XXXXXX) || exit 2
chmod 700 "$tmp"
mkdir -m 700 "$tmp/state"
unset ACID_PROC_ROOT
ACID_STATE_DIR=$tmp/state
export ACID_STATE_DIR
name="acid-unit-audit-$$-$(date +%s%N)"
nsfile=$tmp/ns

out=$("$orch" --name "$name" -- \
	sh -c 'stat -L -c "%n %i" /proc/self/ns/* > "$0"' "$nsfile" \
	2>"$tmp/err")
rc=$?
check "orchestrator exit status $rc, want 0 (stderr: $(cat "$tmp/err"))" \
	[ "$rc" -eq 0 ]
uuid=$(printf '%s\n' "$out" |
	sed -n 's/^uuid=\([0-9a-f-]\{36\}\) pid=[0-9][0-9]*$/\1/p')
pid=$(printf '%s\n' "$out" |
	sed -n 's/^uuid=[0-9a-f-]\{36\} pid=\([0-9][0-9]*\)$/\1/p')
if [ -z "$uuid" ] || [ -z "$pid" ]; then
	not_ok "orchestrator printed 'uuid=<uuid> pid=<pid>': got '$out'"
	finish
fi
ok "orchestrator registered pid $pid as $uuid"
check "the container wrote its namespaces ($(wc -l < "$nsfile" 2>/dev/null) lines)" \
	test -s "$nsfile"
entries=$(find "$tmp/state" -name '*.entry' | wc -l)
check "the entry was removed after the stop record ($entries left)" \
	[ "$entries" -eq 0 ]

# --- the records, once auditd has written them -----------------------------
raw=$tmp/raw
i=0
while :; do
	ausearch -m VIRT_CONTROL --uuid "$uuid" --raw >"$raw" 2>/dev/null
	if grep -q 'op=start' "$raw" && grep -q 'op=stop' "$raw"; then
		break
	fi
	i=$((i + 1))
	if [ "$i" -ge 50 ]; then
		not_ok "ausearch -m VIRT_CONTROL --uuid $uuid found no start" \
			"and stop records within 5 s: $(cat "$raw")"
		finish
	fi
	sleep 0.1
done
ok "ausearch -m VIRT_CONTROL --uuid $uuid finds the records"

start=$(grep 'op=start' "$raw")
stop=$(grep 'op=stop' "$raw")
nstart=$(printf '%s\n' "$start" | wc -l)
nstop=$(printf '%s\n' "$stop" | wc -l)
check "one start record (got $nstart)" [ "$nstart" -eq 1 ]
check "one stop record (got $nstop)" [ "$nstop" -eq 1 ]

# has RECORD FIELD=VALUE: the field, whole, among the record's fields
has() {
	case " $1 " in
	*" $2 "* | *"'$2 "* | *" $2'"*) return 0 ;;
	*) return 1 ;;
	esac
}
for f in "virt=oci" "op=start" "reason=register" "vm=\"$name\"" \
	"uuid=$uuid" "vm-pid=$pid" "res=success"; do
	check "start record has $f" has "$start" "$f"
done
for f in "virt=oci" "op=stop" "reason=exit" "vm=\"$name\"" "uuid=$uuid" \
	"vm-pid=$pid" "res=success"; do
	check "stop record has $f" has "$stop" "$f"
done
check "start record is type VIRT_CONTROL" has "$start" "type=VIRT_CONTROL"

# each namespace the container saw, by inode
kinds=0
while read -r path ino; do
	kind=${path##*/}
	case $kind in
	pid_for_children) field=pid-child-ns ;;
	time_for_children) field=time-child-ns ;;
	*) field=$kind-ns ;;
	esac
	kinds=$((kinds + 1))
	got=$(printf '%s\n' "$start" | tr ' ' '\n' | sed -n "s/^$field=//p")
	check "start record $field=${got:-<none>}, the container's $kind is $ino" \
		[ "$got" = "$ino" ]
done <"$nsfile"
check "the container listed its namespaces ($kinds kinds)" [ "$kinds" -ge 7 ]
dev=$(stat -L -c '%Hd:%Ld' /proc/self/ns/net)
check "start record has ns-dev=$dev (the nsfs device)" \
	has "$start" "ns-dev=$dev"

# the interpreted search the spec names finds them too
check "ausearch -m VIRT_CONTROL --uuid $uuid -i finds them" \
	sh -c "ausearch -m VIRT_CONTROL --uuid '$uuid' -i 2>/dev/null |
		grep -q 'op=stop'"

# --- aureport --virt lists both events ------------------------------------
for rec in "$start" "$stop"; do
	serial=$(printf '%s\n' "$rec" |
		sed -n 's/^.*msg=audit([0-9.]*:\([0-9]*\)).*$/\1/p')
	if [ -z "$serial" ]; then
		not_ok "no event serial in: $rec"
		continue
	fi
	check "aureport --virt lists event $serial" sh -c \
		"aureport --virt 2>/dev/null |
		 grep -Eq 'VIRT_CONTROL yes $serial\$'"
	check "aureport --virt of the ausearch output lists event $serial" \
		sh -c "ausearch -m VIRT_CONTROL --uuid '$uuid' --raw 2>/dev/null |
		 aureport --virt 2>/dev/null | grep -Eq 'VIRT_CONTROL yes $serial\$'"
done

finish
