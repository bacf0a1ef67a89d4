#!/usr/bin/env bats
# Faults: each shows that nothing is lost and the answer is clear. The
# audit configuration and auditd are put back as they were found.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	auditctl -s | awk '$1 == "backlog_limit" { print $2 }' > "$BATS_FILE_TMPDIR/backlog"
	auditctl -s | awk '$1 == "backlog_wait_time" { print $2 }' > "$BATS_FILE_TMPDIR/wait"
	sysctl -n kernel.printk_ratelimit_burst > "$BATS_FILE_TMPDIR/printk-burst"
}

teardown_file() {
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
	auditctl --backlog_wait_time "$(cat "$BATS_FILE_TMPDIR/wait")" >/dev/null
	auditctl -e 1 >/dev/null
	sysctl -q -w kernel.printk_ratelimit_burst="$(cat "$BATS_FILE_TMPDIR/printk-burst")"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	unset ACID_STATE_DIR
}

teardown() {
	# whatever a test did to auditd, it runs again afterwards
	local pid
	pid=$(auditctl -s | awk '$1 == "pid" { print $2 }')
	if [ "$pid" = 0 ] || [ -z "$pid" ]; then
		"$REPO/scripts/auditd-start.sh" >/dev/null
	else
		kill -CONT "$pid" 2>/dev/null || true
	fi
	# audit enabled again, this test's rules and processes gone,
	# whatever happened
	[ ! -e "$BATS_TEST_TMPDIR/audit-off" ] || auditctl -e 1 >/dev/null
	[ ! -s "$BATS_TEST_TMPDIR/pids" ] || xargs -r kill < "$BATS_TEST_TMPDIR/pids" 2>/dev/null || true
	if [ -s "$BATS_TEST_TMPDIR/rules" ]; then
		while read -r -a rule; do
			auditctl -d "${rule[@]}" >/dev/null 2>&1 || true
		done < "$BATS_TEST_TMPDIR/rules"
	fi
	grep -q ' /tmp/acid-fault-mnt\.' /proc/mounts &&
		awk '$2 ~ /^\/tmp\/acid-fault-mnt\./ { print $2 }' /proc/mounts | xargs -r umount -l
	true
}

# refused_start BUNDLE NAME EXPECT: the container does not start, the
# runtime passes on acid-prestart's one line, which says EXPECT.
refused_start() {
	run --separate-stderr run_runc "$1" "$2"
	assert_failure
	refute_output --partial CONTAINER-RAN
	[[ "$stderr" == *"acid-prestart: register pid "*"$3"* ]] ||
		fail "stderr does not say '$3': $stderr"
	no_record "$2" || fail "a record names $2"
}

with_state_dir() { # BUNDLE DIR
	set_config "$1" '.hooks.prestart[0].env = ["ACID_STATE_DIR=" + $d] | .hooks.poststop[0].env = ["ACID_STATE_DIR=" + $d]' --arg d "$2"
}

@test "auditd stopped mid-run: the container starts and its records reach the kernel log" {
	local name b=$BATS_TEST_TMPDIR/b pid
	name=$(uname_for noauditd)
	make_bundle "$b"
	# With no auditd the kernel prints records to its log through
	# printk_ratelimit (10 in 5 s here): what else the machine logs
	# meanwhile, and the hooks' EVENT_LISTENER records (their multicast
	# subscription, two per hook), would crowd ours out. The burst is
	# raised for this test and put back in teardown_file.
	sysctl -q -w kernel.printk_ratelimit_burst=100000
	pid=$(auditd_pid)
	kill "$pid"
	for _ in $(seq 1 50); do
		[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] && break
		sleep 0.1
	done
	run run_runc "$b" "$name"
	sysctl -q -w kernel.printk_ratelimit_burst="$(cat "$BATS_FILE_TMPDIR/printk-burst")"
	assert_success
	# with no auditd the kernel prints records to its log: not lost
	run sh -c "dmesg | grep -F 'vm=\"$name\"'"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start')" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop')" 1
	assert_equal "$(registry_entries)" 0
}

# fill_audit_backlog N: send N user records at once, without waiting for
# ACKs. With auditd stopped, they fill its socket buffer first, then the
# kernel's queue up to the backlog limit: the rest are lost.
fill_audit_backlog() {
	python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
for i in range(int(sys.argv[1])):
    text = b"acid-backlog-fill %d\0" % i
    hdr = struct.pack("=LHHLL", 16 + len(text), 1005, 1, i + 1, 0)  # AUDIT_USER
    s.sendto(hdr + text, (0, 0))
PY
}

# watch_group NAME FILE SECONDS: in the background, a socket on the audit
# multicast group writes each VIRT_CONTROL record of container NAME that
# kauditd hands out (it does so as it takes a record off its queue, before
# it tries auditd) to FILE, one per line, for SECONDS; FILE.ready once it
# listens.
watch_group() {
	python3 - "$1" "$2" "$3" <<'PY' &
import socket, struct, sys, time
name, path, secs = sys.argv[1].encode(), sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
s.bind((0, 1))                                # AUDIT_NLGRP_READLOG
s.settimeout(0.1)
open(path + ".ready", "w").close()
end = time.time() + secs
with open(path, "wb", buffering=0) as out:
    while time.time() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:   # ENOBUFS: others' records overran it
            continue
        if len(d) > 16 and struct.unpack("=H", d[4:6])[0] == 2500 and \
           b'vm="' + name + b'"' in d:
            out.write(d[16:].rstrip(b"\0") + b"\n")
PY
}

# On this kernel (6.x) a user record is never dropped for the backlog: it
# is sent while its sender holds the audit control lock, which the kernel
# does not make wait or fail (kernel/audit.c, audit_log_start); it queues
# past the limit and the sender is slowed instead. What becomes of it once
# kauditd takes it off the queue is the kernel's: while auditd does not
# read, kauditd puts it on its retry queue, which past the same limit
# drops it, counted as lost (measured here: resumed 0.02 s after the
# fill both records reach the log, 0.3 s one, 1.5 s none). So the test
# asserts what acid answers for, deterministically: with auditd stopped
# and the queue past the limit, the hooks are not refused and kauditd
# hands both records out (a listener on the multicast group sees them
# come off the queue); with auditd reading again and the limit still 3,
# another container's records reach the log. The records the kernel
# drops later are counted as lost, and acid refuses a record during which
# that count grew (ENOBUFS, unit-tested by the code path).
@test "backlog full: acid's records queue past the limit; the kernel takes them; with auditd reading again they reach the log" {
	local name name2 b=$BATS_TEST_TMPDIR/b pid seen=$BATS_TEST_TMPDIR/seen
	name=$(uname_for backlog)
	name2=$(uname_for backlog2)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	pid=$(auditd_pid)
	auditctl -b 3 >/dev/null
	auditctl --backlog_wait_time 0 >/dev/null
	kill -STOP "$pid"   # auditd stops reading: the backlog fills
	fill_audit_backlog 5000
	[ "$(auditctl -s | awk '$1 == "backlog" { print $2 }')" -gt 3 ] ||
		{ kill -CONT "$pid"; fail "the backlog did not fill"; }
	watch_group "$name" "$seen" 20
	local watcher=$!
	for _ in $(seq 1 50); do [ -e "$seen.ready" ] && break; sleep 0.1; done
	run --separate-stderr run_runc "$b" "$name"
	# both records came off the kernel's queue (they were queued)
	for _ in $(seq 1 100); do
		[ "$(grep -c . "$seen" 2>/dev/null)" -ge 2 ] && break
		sleep 0.1
	done
	kill -CONT "$pid"
	local ran=$status out=$output err=$stderr
	run --separate-stderr run_runc "$b" "$name2"
	local ran2=$status out2=$output
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
	auditctl --backlog_wait_time "$(cat "$BATS_FILE_TMPDIR/wait")" >/dev/null
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" || true
	[ "$ran" = 0 ] || fail "the hooks refused the container with the backlog full: $err"
	[[ "$out" == *CONTAINER-RAN* ]] || fail "the container did not run: $out"
	assert_equal "$(grep -c 'op=start' "$seen")" 1
	assert_equal "$(grep -c 'op=stop' "$seen")" 1
	assert_equal "$ran2" 0
	[[ "$out2" == *CONTAINER-RAN* ]] || fail "the second container did not run: $out2"
	run records "$name2" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c op=stop)" 1
	assert_equal "$(registry_entries)" 0
}

@test "registry directory missing: clear error, no container" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for missing)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/no/such/dir"
	refused_start "$b" "$name" "does not exist or is not a directory"
	[ ! -e "$BATS_TEST_TMPDIR/no" ] || fail "something was created"
}

@test "registry directory read-only: clear error, nothing written" {
	local name b=$BATS_TEST_TMPDIR/b mnt
	name=$(uname_for ro)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	mnt=$(mktemp -d /tmp/acid-fault-mnt.XXXXXX)
	mount -t tmpfs -o size=1m,mode=0700 tmpfs "$mnt"
	mount -o remount,ro "$mnt"
	with_state_dir "$b" "$mnt"
	refused_start "$b" "$name" ".lock: Read-only file system"
	assert_equal "$(ls -A "$mnt" | wc -l)" 0
	umount "$mnt" && rmdir "$mnt"
}

@test "registry filesystem full: clear error, no partial entry" {
	local name b=$BATS_TEST_TMPDIR/b mnt
	name=$(uname_for full)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	mnt=$(mktemp -d /tmp/acid-fault-mnt.XXXXXX)
	mount -t tmpfs -o size=64k,mode=0700 tmpfs "$mnt"
	: > "$mnt/.lock"   # the lock file fits; the entry will not
	dd if=/dev/zero of="$mnt/filler" bs=4k count=100 2>/dev/null || true
	with_state_dir "$b" "$mnt"
	refused_start "$b" "$name" "No space left"
	assert_equal "$(ls -A "$mnt" | grep -v -e '^filler$' -e '^\.lock$' | wc -l)" 0
	umount "$mnt" && rmdir "$mnt"
}

@test "registry directory is a symlink: refused" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for symlink)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	mkdir -m 0700 "$BATS_TEST_TMPDIR/real"
	ln -s "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/link"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/link"
	refused_start "$b" "$name" "symbolic link"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/real" | wc -l)" 0
}

@test "registry directory owned by another user, or open to others: refused" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for owner)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	mkdir -m 0700 "$BATS_TEST_TMPDIR/theirs"
	chown 65534:65534 "$BATS_TEST_TMPDIR/theirs"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/theirs"
	refused_start "$b" "$name" "unsafe"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/theirs" | wc -l)" 0
	name=$(uname_for mode)
	mkdir -m 0755 "$BATS_TEST_TMPDIR/open"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/open"
	refused_start "$b" "$name" "unsafe"
}

@test "hooks killed with SIGKILL at random points: never a half entry; acid gc repairs" {
	[ -x "$ACID" ] || fail "$ACID was not built"
	export ACID_STATE_DIR=$BATS_TEST_TMPDIR/killed
	local i pid sleeps=() files parsed t0 span
	# how long one whole run takes with this build (an ASan build is
	# several times slower): the kills land anywhere from its start to
	# a little past its end
	sleep 300 &
	sleeps+=("$!")
	printf '{"ociVersion":"1.0.2","id":"killed-%s-0","pid":%s,"bundle":"/tmp/k"}' "$$" "$!" > "$BATS_TEST_TMPDIR/state.json"
	t0=$(date +%s%N)
	"$PRESTART" prestart < "$BATS_TEST_TMPDIR/state.json"
	span=$(( ($(date +%s%N) - t0) / 1000 * 11 / 10 ))
	for i in $(seq 1 60); do
		sleep 300 &
		pid=$!
		sleeps+=("$pid")
		printf '{"ociVersion":"1.0.2","id":"killed-%s-%s","pid":%s,"bundle":"/tmp/k"}' "$$" "$i" "$pid" > "$BATS_TEST_TMPDIR/state.json"
		# killed somewhere in its work: timeout starts the clock as
		# it starts the hook
		timeout -s KILL "$(printf '0.%06d' $(( (RANDOM * 32768 + RANDOM) % span + 1 )))" \
			"$PRESTART" prestart < "$BATS_TEST_TMPDIR/state.json" 2>/dev/null || true
	done
	# every entry that exists is whole
	files=$(ls "$ACID_STATE_DIR" | grep -c '\.entry$' || true)
	parsed=$("$ACID" ls --json | jq length)
	assert_equal "$parsed" "$files"
	# the dead: gc sends their stop records and leaves nothing behind
	kill "${sleeps[@]}"
	wait "${sleeps[@]}" 2>/dev/null || true
	run "$ACID" gc
	assert_success
	assert_equal "$(ls -A "$ACID_STATE_DIR" | grep -v '^\.lock$' | wc -l)" 0
	echo "entries whole at the kill: $files of 61 (one whole run: ${span} µs with a 10% margin)" >&3
}

# ------------------------------------------------ fail-closed: record lost

# add_rule ACTION,LIST -F ...: a kernel audit rule, removed in teardown.
# Every rule of these tests names this build's hook executable (exe=), so
# no one else's records are touched.
add_rule() {
	printf '%s\n' "$*" >> "$BATS_TEST_TMPDIR/rules"
	auditctl -a "$@" >/dev/null
}

# How many lines acid-prestart said, in the runtime's stderr (runc quotes
# the hook's stderr inside its own line).
hook_lines() {
	printf '%s\n' "$1" | grep -o "acid-prestart: " | wc -l
}

@test "exclude/user rule that drops VIRT_CONTROL from the hook: refused under fail, a warning under warn" {
	local name b=$BATS_TEST_TMPDIR/b
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/state"

	for list in exclude user; do
		add_rule "never,$list" -F msgtype=VIRT_CONTROL -F exe="$PRESTART"
		name=$(uname_for "drop$list")
		run --separate-stderr run_runc "$b" "$name"
		echo "$list rule, policy fail: status $status, stderr: $stderr"
		refute_output --partial CONTAINER-RAN
		assert_failure
		[[ "$stderr" == *"acid-prestart: register record for container "*"$name"*" not sent, container refused (policy fail): "*"rule on the exclude or user filter list"* ]] ||
			fail "stderr does not name the rule: $stderr"
		assert_equal "$(hook_lines "$stderr")" 1
		no_record "$name" || fail "a record names $name"
		assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 0
		auditctl -d "never,$list" -F msgtype=VIRT_CONTROL -F exe="$PRESTART"
		: > "$BATS_TEST_TMPDIR/rules"
	done

	# the same rule also matching on the sender's uid (0): still ours
	add_rule never,exclude -F msgtype=VIRT_CONTROL -F uid=0 -F exe="$PRESTART"
	set_config "$b" '.hooks.prestart[0].env += ["ACID_POLICY=warn"]'
	name=$(uname_for dropwarn)
	run --separate-stderr run_runc "$b" "$name"
	assert_success
	assert_output --partial CONTAINER-RAN
	# runc shows a hook's stderr only when it fails: the hook alone
	sleep 300 </dev/null >/dev/null 2>&1 3>&- &
	local sp=$!
	echo "$sp" >> "$BATS_TEST_TMPDIR/pids"
	name=$(uname_for dropwarn)
	printf '{"ociVersion":"1.0.2","id":"%s","pid":%s,"bundle":"/tmp/b"}' "$name" "$sp" > "$BATS_TEST_TMPDIR/state.json"
	ACID_POLICY=warn ACID_STATE_DIR=$BATS_TEST_TMPDIR/state2 run --separate-stderr "$PRESTART" prestart < "$BATS_TEST_TMPDIR/state.json"
	kill "$sp"
	assert_success
	[[ "$stderr" == "acid-prestart: warning: register record for container \"$name\" "*"container allowed (policy warn): "*"rule on the exclude or user filter list"* ]] ||
		fail "no warning: $stderr"
	assert_equal "$(hook_lines "$stderr")" 1
	no_record "$name" || fail "a record names $name"
}

@test "exclude/user rules that do not drop the hook's records: no refusal" {
	local name b=$BATS_TEST_TMPDIR/b
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	with_state_dir "$b" "$BATS_TEST_TMPDIR/state"
	# another executable, another type, another uid, an always rule on
	# the user list before a never rule of another executable
	add_rule never,exclude -F msgtype=VIRT_CONTROL -F exe=/bin/true
	add_rule never,exclude -F msgtype=VIRT_RESOURCE -F exe="$PRESTART"
	add_rule never,exclude -F msgtype=VIRT_CONTROL -F uid=4242 -F exe="$PRESTART"
	add_rule never,user -F msgtype!=VIRT_CONTROL -F exe="$PRESTART"
	add_rule never,user -F msgtype=VIRT_CONTROL -F exe="$POSTSTOP"
	name=$(uname_for keep)
	run --separate-stderr run_runc "$b" "$name"
	assert_success
	assert_output --partial CONTAINER-RAN
	# (the rule for acid-poststop drops its record: it may say so)
	assert_equal "$(hook_lines "$stderr")" 0
	run records "$name" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
}

# hook_in_gdb NAME GDB-COMMANDS...: acid-prestart for a lone process (a
# sleep, as a container's init), run under gdb with the commands given
# (-ex each; RUN starts the hook). The breakpoints name libacid's netlink
# steps (lib/netlink.c): nl_send(fd, type, ...) is one sendto() of a
# request (type 1000, the status, with the rule list behind it) or of the
# record (type 2500: as root, alone on the context's socket subscribed to
# the audit multicast group, where the record is to be seen coming back;
# without CAP_AUDIT_READ, with the status after it behind it);
# nl_wait(fd, ...) reads the answers to the last send (the ACK and the
# record itself, on the subscribed socket). Sets HOOK_STATUS (the hook's exit status), HOOK_ERR
# (its stderr), SLEEP_PID. The target and ACID_STATE_DIR are the test's.
hook_in_gdb() {
	local name=$1 out
	shift
	command -v gdb >/dev/null || fail "gdb is missing (scripts/install-deps.sh installs it)"
	# (its descriptors closed: bats waits for whatever holds them)
	sleep 300 </dev/null >/dev/null 2>&1 3>&- &
	SLEEP_PID=$!
	echo "$SLEEP_PID" >> "$BATS_TEST_TMPDIR/pids"
	printf '{"ociVersion":"1.0.2","id":"%s","pid":%s,"bundle":"/tmp/b"}' \
		"$name" "$SLEEP_PID" > "$BATS_TEST_TMPDIR/state.json"
	local ex=()
	for c in "$@"; do
		[ "$c" != RUN ] || c="run prestart < $BATS_TEST_TMPDIR/state.json 2> $BATS_TEST_TMPDIR/hook.err"
		ex+=(-ex "$c")
	done
	# LeakSanitizer cannot work under ptrace: an ASan build would abort
	out=$(ACID_STATE_DIR=$BATS_TEST_TMPDIR/state \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		gdb -q -batch -nx \
		-ex 'set breakpoint pending on' -ex 'set confirm off' \
		"${ex[@]}" --args "$PRESTART" 2>&1 </dev/null)
	HOOK_ERR=$(cat "$BATS_TEST_TMPDIR/hook.err")
	echo "gdb: $out" >&2
	echo "hook stderr: $HOOK_ERR" >&2
	case $out in
	*"exited normally"*) HOOK_STATUS=0 ;;
	*"exited with code "*) HOOK_STATUS=$(printf '%s\n' "$out" | sed -n 's/.*exited with code \([0-9]*\).*/\1/p' | tail -n1); HOOK_STATUS=$((10#$HOOK_STATUS)) ;;
	*) fail "the hook did not run to its end under gdb: $out" ;;
	esac
}

# uuid_records UUID: the VIRT_CONTROL records of one container ID.
uuid_records() {
	audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "uuid=$1 " || true
}

# The window with audit disabled is kept as short as gdb allows: from a
# breakpoint to the next, never over a sleep.
@test "audit disabled just before the record is sent: refused, not reported as sent" {
	local name id
	name=$(uname_for offsend)
	id=$(cat /proc/sys/kernel/random/uuid)
	printf '%s' 1 > "$BATS_TEST_TMPDIR/audit-off"
	# stop at the record's send (the checks are done); disable; let it
	# go; enable again as soon as the send returned (the status after
	# the record went in the same send)
	hook_in_gdb "$name" \
		'tbreak nl_send if type == 2500' RUN \
		'shell auditctl -e 0 >/dev/null' \
		'tbreak nl_wait' 'continue' \
		'shell auditctl -e 1 >/dev/null' 'continue'
	auditctl -e 1 >/dev/null
	rm -f "$BATS_TEST_TMPDIR/audit-off"
	kill "$SLEEP_PID"
	[ "$HOOK_STATUS" != 0 ] || fail "the hook reported the record sent (exit 0), yet the kernel dropped it; stderr: $HOOK_ERR"
	# (the record was never seen on the multicast group, and audit is on
	# again when the hook asks: it says the record may have been
	# dropped, ENOBUFS; on the checked path, ECONNABORTED)
	[[ "$HOOK_ERR" == *"acid-prestart: register record for container \"$name\" "*"not sent, container refused (policy fail): "*"the record may have been dropped"* ]] ||
		fail "stderr: $HOOK_ERR"
	# the kernel dropped it; the hook answers "may have been dropped",
	# not "not sent": it ended the container with a stop record
	# (reason=failed), so a start never stands alone
	run records "$name" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 0
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=failed')" 1
	assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 0
}

@test "the answer to a record the kernel took is lost: the start record gets its stop" {
	local name
	name=$(uname_for lostack)
	# at the wait for the record's ACK (the kernel has the record by
	# then: it handles a netlink request within sendto), the socket is
	# closed under the hook, so the ACK never comes
	hook_in_gdb "$name" \
		'tbreak nl_send if type == 2500' RUN \
		'tbreak nl_wait' 'continue' \
		'call (int)close(fd)' 'continue'
	kill "$SLEEP_PID"
	[ "$HOOK_STATUS" != 0 ] || fail "the hook reported success; stderr: $HOOK_ERR"
	[[ "$HOOK_ERR" == *"acid-prestart: register record for container \"$name\" "*"not sent, container refused (policy fail): "* ]] ||
		fail "stderr: $HOOK_ERR"
	run records "$name" 2
	echo "records: $output"
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=failed')" 1
	assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 0
}

@test "audit disabled after the kernel took the record: the status asked with it stands, the stop waits in the registry for acid gc" {
	local name
	[ -x "$ACID" ] || fail "$ACID was not built"
	name=$(uname_for offafter)
	printf '%s' 1 > "$BATS_TEST_TMPDIR/audit-off"
	# at the wait for the record's answers (the kernel has taken the
	# record, and on the checked path the status after it, in the one
	# send), disable. The kernel queued the record while audit was on
	# (kauditd hands it to the multicast group all the same; on the
	# checked path the status taken with it says so): the record is in
	# the log, and the hook says so
	hook_in_gdb "$name" \
		'tbreak nl_send if type == 2500' RUN \
		'tbreak nl_wait' 'continue' \
		'shell auditctl -e 0 >/dev/null' 'continue'
	[ "$HOOK_STATUS" = 0 ] || fail "the hook refused a record the kernel logged; stderr: $HOOK_ERR"
	assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 1
	# the container's process is gone while audit is off: its stop
	# cannot be sent, and the entry waits in the registry
	kill "$SLEEP_PID"
	wait "$SLEEP_PID" 2>/dev/null || true
	ACID_STATE_DIR=$BATS_TEST_TMPDIR/state run "$ACID" gc
	assert_failure
	assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 1
	auditctl -e 1 >/dev/null
	rm -f "$BATS_TEST_TMPDIR/audit-off"
	run records "$name" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c op=stop)" 0
	# audit on again: gc ends it in the log
	ACID_STATE_DIR=$BATS_TEST_TMPDIR/state run "$ACID" gc
	assert_success
	run records "$name" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=lost')" 1
	assert_equal "$(registry_entries "$BATS_TEST_TMPDIR/state")" 0
}
