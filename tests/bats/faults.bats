#!/usr/bin/env bats
# Faults: each shows that nothing is lost and the answer is clear. The
# audit configuration and auditd are put back as they were found.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	auditctl -s | awk '$1 == "backlog_limit" { print $2 }' > "$BATS_FILE_TMPDIR/backlog"
	auditctl -s | awk '$1 == "backlog_wait_time" { print $2 }' > "$BATS_FILE_TMPDIR/wait"
}

teardown_file() {
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
	auditctl --backlog_wait_time "$(cat "$BATS_FILE_TMPDIR/wait")" >/dev/null
	auditctl -e 1 >/dev/null
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
	pid=$(auditd_pid)
	kill "$pid"
	for _ in $(seq 1 50); do
		[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] && break
		sleep 0.1
	done
	run run_runc "$b" "$name"
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

# On this kernel (6.x) a user record is never dropped for the backlog: it
# is sent while its sender holds the audit control lock, which the kernel
# does not make wait or fail (kernel/audit.c, audit_log_start); it queues
# past the limit and the sender is slowed instead. The records the kernel
# does drop (a full retry queue) are counted as lost, and acid refuses a
# record during which that count grew (ENOBUFS, unit-tested by the code
# path; not reproducible on demand here, because the drop comes later).
@test "backlog full: acid's records queue past the limit and reach the log when auditd reads again" {
	local name b=$BATS_TEST_TMPDIR/b pid
	name=$(uname_for backlog)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	pid=$(auditd_pid)
	auditctl -b 3 >/dev/null
	auditctl --backlog_wait_time 0 >/dev/null
	kill -STOP "$pid"   # auditd stops reading: the backlog fills
	fill_audit_backlog 5000
	[ "$(auditctl -s | awk '$1 == "backlog" { print $2 }')" -gt 3 ] ||
		fail "the backlog did not fill"
	run --separate-stderr run_runc "$b" "$name"
	kill -CONT "$pid"
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
	auditctl --backlog_wait_time "$(cat "$BATS_FILE_TMPDIR/wait")" >/dev/null
	assert_success
	assert_output --partial CONTAINER-RAN
	run records "$name" 2
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
	refused_start "$b" "$name" "read-only"
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
