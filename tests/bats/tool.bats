#!/usr/bin/env bats
# The acid tool and acid-exec against real runc containers and auditd.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}
ACID_EXEC=${ACID_EXEC_BIN:-$BUILD/tools/acid-exec}

setup_file() {
	require_components
	[ -x "$ACID" ] || fail "$ACID was not built"
	[ -x "$ACID_EXEC" ] || fail "$ACID_EXEC was not built"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
}

teardown() {
	delete_runc_containers
}

# start_detached BUNDLE NAME: runc run -d; prints the init pid
start_detached() {
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$1" "$2" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $2 failed"
	runc --root "$BATS_FILE_TMPDIR/runc" state "$2" | jq -r .pid
}

@test "acid show: a process inside a running container, and a host process" {
	local name b=$BATS_TEST_TMPDIR/b init child uuid
	name=$(uname_for show)
	BUNDLE_CMD="sleep 60 & wait" make_bundle "$b"
	init=$(start_detached "$b" "$name")
	# the sleep the container's shell forked: found by ancestry
	for _ in $(seq 1 50); do
		child=$(pgrep -P "$init" sleep || true)
		[ -n "$child" ] && break
		sleep 0.1
	done
	[ -n "$child" ] || fail "no child of $init"
	run "$ACID" show "$child"
	assert_success
	assert_line "name:      $name"
	assert_line "init pid:  $init"
	assert_line "state:     running"
	uuid=$(printf '%s\n' "$output" | awk '$1 == "uuid:" { print $2 }')
	assert_equal "$(field uuid "$(records "$name" 1 | grep op=start)")" "$uuid"

	# a process joined in with setns (runc exec): found by its namespaces
	runc --root "$BATS_FILE_TMPDIR/runc" exec -d "$name" sleep 61
	local joined
	for _ in $(seq 1 50); do
		joined=$(pgrep -f 'sleep 61' || true)
		[ -n "$joined" ] && break
		sleep 0.1
	done
	run "$ACID" show --json "$joined"
	assert_success
	assert_equal "$(printf '%s' "$output" | jq -r '.[0].uuid')" "$uuid"

	# the host: this test's own shell
	run "$ACID" show $$
	assert_failure 1
	assert_output "process $$ is not in a registered container"

	run "$ACID" show 0
	assert_failure 2
	run "$ACID" show notapid
	assert_failure 2
	assert_output --partial '"notapid" is not a process ID'
}

@test "acid ls: the running container, as a table and as JSON" {
	local name b=$BATS_TEST_TMPDIR/b init
	name=$(uname_for ls)
	BUNDLE_CMD="sleep 60" make_bundle "$b"
	init=$(start_detached "$b" "$name")
	run "$ACID" ls
	assert_success
	assert_line --index 0 --regexp '^UUID +NAME +PID +STATE +SINCE +BUNDLE$'
	assert_line --regexp "^[0-9a-f-]{36}  $name +$init  running "
	run "$ACID" ls --json
	assert_success
	assert_equal "$(printf '%s' "$output" | jq -r --arg n "$name" '.[] | select(.name == $n) | "\(.pid) \(.state) \(.bundle)"')" "$init running $b"
	assert_equal "$(printf '%s' "$output" | jq -r --arg n "$name" '.[] | select(.name == $n) | .namespaces.net.ino')" \
		"$(stat -L -c %i "/proc/$init/ns/net")"
}

@test "acid ls: an empty registry is a header alone, or []" {
	export ACID_STATE_DIR=$BATS_TEST_TMPDIR/empty
	run "$ACID" ls
	assert_success
	assert_output --regexp '^UUID +NAME +PID +STATE +SINCE +BUNDLE$'
	run "$ACID" ls --json
	assert_success
	assert_equal "$(printf '%s' "$output" | jq -c .)" "[]"
}

@test "acid register and unregister: records and entry for a plain process" {
	local pid uuid
	sleep 60 &
	pid=$!
	run --separate-stderr "$ACID" register --pid "$pid" --name "reg-$$-$RANDOM" --bundle /srv/x
	assert_success
	uuid=$output
	[[ "$uuid" =~ ^[0-9a-f-]{36}$ ]] || fail "printed '$uuid'"
	run "$ACID" register --pid "$pid"
	assert_failure 1
	assert_output --partial "already registered"
	run "$ACID" unregister --id "$uuid" --reason destroy
	assert_success
	kill "$pid"
	run ausearch -m VIRT_CONTROL --uuid "$uuid" --raw
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start reason=register')" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=destroy')" 1
	assert_equal "$(registry_entries)" 0

	run "$ACID" register --pid 99999999
	assert_failure 2
	run "$ACID" register --pid 1 --id nope
	assert_failure 2
	assert_output --partial '--id "nope" is not a container ID'
	run "$ACID" unregister --name x --pid 1
	assert_failure 2
	run "$ACID" unregister --reason 'Bad Reason' --name x
	assert_failure 2
}

@test "acid gc: a container killed so that poststop never ran gets reason=lost" {
	local name b=$BATS_TEST_TMPDIR/b init uuid
	name=$(uname_for gc)
	BUNDLE_CMD="sleep 60" make_bundle "$b"
	init=$(start_detached "$b" "$name")
	run "$ACID" gc
	assert_success
	assert_output ""      # a live container is never touched
	kill -KILL "$init"
	for _ in $(seq 1 50); do
		[ -d "/proc/$init" ] || break
		sleep 0.1
	done
	run "$ACID" ls
	assert_line --regexp "  $name +$init  lost "
	run "$ACID" gc
	assert_success
	assert_output --partial "lost "
	assert_output --partial " $name (pid $init): stop record sent, entry removed"
	assert_equal "$(registry_entries)" 0
	uuid=$(field uuid "$(records "$name" 2 | grep op=start)")
	[ -n "$uuid" ] || fail "no register record for $name"
	run ausearch -m VIRT_CONTROL --uuid "$uuid" --raw
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=lost')" 1
	# runc delete now runs poststop: a warning, no second stop record
	runc --root "$BATS_FILE_TMPDIR/runc" delete "$name"
	sleep 0.5
	run ausearch -m VIRT_CONTROL --uuid "$uuid" --raw
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop')" 1
}

@test "acid-exec: the container's register record carries the runtime's session" {
	local name b=$BATS_TEST_TMPDIR/b rec ses
	name=$(uname_for exec)
	BUNDLE_CMD="cat /proc/self/sessionid > /dev/stderr" make_bundle "$b"
	run --separate-stderr "$ACID_EXEC" runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name"
	assert_success
	ses=$stderr
	[[ "$ses" =~ ^[0-9]+$ ]] && [ "$ses" != 4294967295 ] || fail "container session '$ses'"
	rec=$(records "$name" 2 | grep op=start)
	assert_equal "$(field ses-tag "$rec")" "$ses"
	# the hook itself ran in that session: the record's own ses= field
	assert_equal "$(field ses "$rec")" "$ses"
	run ausearch --session "$ses" -m VIRT_CONTROL --raw
	assert_output --partial "vm=\"$name\""
}

@test "acid-exec: exit status and signals pass through; --help states the auid effect" {
	run "$ACID_EXEC" sh -c 'exit 7'
	assert_failure 7
	run "$ACID_EXEC" sh -c 'kill -TERM $$'
	assert_failure 143
	run "$ACID_EXEC" --help
	assert_success
	assert_output --partial "audit uid (auid)"
	run -127 "$ACID_EXEC" /nonexistent/runtime
	run "$ACID_EXEC" --uid abc true
	assert_failure 2
}

@test "acid-exec: without CAP_AUDIT_CONTROL, a clear error and nothing run" {
	run --separate-stderr setpriv --bounding-set -audit_control -- "$ACID_EXEC" sh -c 'echo RAN'
	assert_failure 1
	refute_output --partial RAN
	[[ "$stderr" == "acid-exec: cannot start a new audit session for uid "*"CAP_AUDIT_CONTROL"* ]] ||
		fail "stderr: $stderr"
}
