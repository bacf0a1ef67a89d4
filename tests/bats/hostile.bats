#!/usr/bin/env bats
# Hostile input to each hook: non-zero exit, exactly one line on stderr,
# nothing on stdout, nothing in the registry, no record.

load helpers

setup_file() {
	require_components
	export STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	# live targets: one with no children, one that has forked
	sleep 600 & echo $! > "$BATS_FILE_TMPDIR/lone.pid"
	sh -c 'sleep 600 & wait' & echo $! > "$BATS_FILE_TMPDIR/parent.pid"
	true & local dead=$!
	wait "$dead"
	echo "$dead" > "$BATS_FILE_TMPDIR/dead.pid"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/lone.pid")" 2>/dev/null || true
	pkill -P "$(cat "$BATS_FILE_TMPDIR/parent.pid")" 2>/dev/null || true
	kill "$(cat "$BATS_FILE_TMPDIR/parent.pid")" 2>/dev/null || true
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	LONE=$(cat "$BATS_FILE_TMPDIR/lone.pid")
	PARENT=$(cat "$BATS_FILE_TMPDIR/parent.pid")
	DEAD=$(cat "$BATS_FILE_TMPDIR/dead.pid")
}

# refused HOOK EXPECT-IN-STDERR [ARGS...] < input: the hook refuses the
# input with one line naming what was wrong, and leaves nothing behind.
refused() {
	local hook=$1 expect=$2 before
	shift 2
	before=$(audit_mark)
	run --separate-stderr "$hook" "$@"
	[ "$status" -ne 0 ] || fail "exit status 0 for a hostile input (stderr: $stderr)"
	assert_output ""
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] ||
		fail "want one line on stderr, got: $stderr"
	[[ "$stderr" == *"$expect"* ]] ||
		fail "stderr does not say '$expect': $stderr"
	assert_equal "$(registry_entries)" 0
	[ -z "$(ls -A "$STATE_DIR" 2>/dev/null | grep -v '^\.lock$')" ] ||
		fail "state dir not empty: $(ls -A "$STATE_DIR")"
	# a record would be on its way by now: wait for it as records() does
	sleep 0.3
	assert_equal "$(virt_records_since "$before" "$hook")" 0
}

state() { # id pid: a valid runc prestart state
	printf '{"ociVersion":"1.0.2-dev","id":"%s","status":"creating","pid":%s,"bundle":"/tmp/b"}' "$1" "$2"
}

@test "prestart: empty input" {
	refused "$PRESTART" "empty input" prestart < /dev/null
}
@test "prestart: whitespace only" {
	refused "$PRESTART" "state:" prestart <<<"   "
}
@test "prestart: not JSON" {
	refused "$PRESTART" "not valid JSON" prestart <<<"hello"
}
@test "prestart: truncated JSON" {
	refused "$PRESTART" "not valid JSON" prestart <<<'{"id":"x","pid":'"$LONE"
}
@test "prestart: top level is an array" {
	refused "$PRESTART" "state:" prestart <<<'[1,2]'
}
@test "prestart: id missing" {
	refused "$PRESTART" '"id" is missing' prestart <<<"{\"pid\":$LONE}"
}
@test "prestart: id is a number" {
	refused "$PRESTART" '"id"' prestart <<<"{\"id\":7,\"pid\":$LONE}"
}
@test "prestart: id is empty" {
	refused "$PRESTART" '"id"' prestart <<<"{\"id\":\"\",\"pid\":$LONE}"
}
@test "prestart: id with a newline" {
	refused "$PRESTART" '"id"' prestart <<<"{\"id\":\"a\\nb\",\"pid\":$LONE}"
}
@test "prestart: id with a control byte" {
	refused "$PRESTART" '"id"' prestart <<<"{\"id\":\"a\\u0001b\",\"pid\":$LONE}"
}
@test "prestart: id not UTF-8" {
	refused "$PRESTART" 'UTF8' prestart < <(printf '{"id":"a\xffb","pid":%s}' "$LONE")
}
@test "prestart: id longer than 1024 bytes" {
	refused "$PRESTART" '"id"' prestart < <(state "$(head -c 2000 /dev/zero | tr '\0' a)" "$LONE")
}
@test "prestart: pid is a string" {
	refused "$PRESTART" '"pid"' prestart <<<"{\"id\":\"x\",\"pid\":\"$LONE\"}"
}
@test "prestart: pid is a float" {
	refused "$PRESTART" '"pid"' prestart < <(state x 1.5)
}
@test "prestart: pid is negative" {
	refused "$PRESTART" '"pid"' prestart < <(state x -5)
}
@test "prestart: pid is huge" {
	refused "$PRESTART" '"pid"' prestart < <(state x 99999999999999999999)
}
@test "prestart: pid above PID_MAX_LIMIT" {
	refused "$PRESTART" '"pid"' prestart < <(state x 4194305)
}
@test "prestart: pid is a boolean" {
	refused "$PRESTART" '"pid"' prestart < <(state x true)
}
@test "prestart: pid missing at prestart" {
	refused "$PRESTART" '"pid" is missing or 0' prestart <<<'{"id":"x","status":"creating"}'
}
@test "prestart: pid 0 at prestart" {
	refused "$PRESTART" '"pid" is missing or 0' prestart < <(state x 0)
}
@test "prestart: pid of a process that is gone" {
	refused "$PRESTART" "No such process" prestart < <(state x "$DEAD")
}
@test "prestart: pid 1, an ancestor of the hook" {
	refused "$PRESTART" "one of its ancestors" prestart < <(state x 1)
}
@test "prestart: pid of the hook's own parent shell" {
	refused "$PRESTART" "one of its ancestors" prestart < <(state x $$)
}
@test "prestart: pid of a process that has forked" {
	refused "$PRESTART" "already has children" prestart < <(state x "$PARENT")
}
@test "prestart: relative bundle" {
	refused "$PRESTART" '"bundle"' prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"bundle\":\"rel/dir\"}"
}
@test "prestart: bundle is a number" {
	refused "$PRESTART" '"bundle"' prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"bundle\":5}"
}
@test "prestart: annotations not an object" {
	refused "$PRESTART" 'annotations' prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"annotations\":[]}"
}
@test "prestart: container-id annotation is not a UUID" {
	refused "$PRESTART" 'is not a container ID: "abc"' prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"annotations\":{\"org.acid.container-id\":\"abc\"}}"
}
@test "prestart: container-id annotation is the zero UUID" {
	refused "$PRESTART" 'is not a container ID' prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"annotations\":{\"org.acid.container-id\":\"00000000-0000-0000-0000-000000000000\"}}"
}
@test "prestart: nested 100000 levels deep" {
	refused "$PRESTART" "nested deeper" prestart < <(head -c 100000 /dev/zero | tr '\0' '[')
}
@test "prestart: larger than 1 MiB" {
	refused "$PRESTART" "larger than 1048576" prestart < <(printf '{"id":"x","pid":%s,"pad":"' "$LONE"; head -c 1100000 /dev/zero | tr '\0' a; printf '"}')
}
@test "prestart: a NUL byte in the input" {
	refused "$PRESTART" "state:" prestart < <(printf '{"id":"x\0y","pid":%s}' "$LONE")
}
@test "prestart: a second id key (smuggling)" {
	refused "$PRESTART" "more than once" prestart <<<"{\"id\":\"x\",\"pid\":$LONE,\"id\":\"y\"}"
}
@test "prestart: trailing garbage after the object" {
	refused "$PRESTART" "state:" prestart <<<"{\"id\":\"x\",\"pid\":$LONE} {}"
}
@test "prestart: createContainer runs inside the container" {
	refused "$PRESTART" "inside the container's namespaces" createContainer < <(state x "$LONE")
}
@test "prestart: startContainer from the stage environment variable" {
	stage=startContainer refused "$PRESTART" "inside the container's namespaces" < <(state x "$LONE")
}
@test "prestart: poststop is not its stage" {
	refused "$PRESTART" "runs at prestart or createRuntime" poststop < <(state x "$LONE")
}
@test "prestart: an unknown stage in the environment" {
	stage=bogus refused "$PRESTART" "stage" < <(state x "$LONE")
}
@test "prestart: an unknown argument" {
	refused "$PRESTART" 'unknown argument "--frobnicate"' --frobnicate < <(state x "$LONE")
}
@test "prestart: an unknown policy" {
	refused "$PRESTART" 'unknown policy "lenient"' --policy=lenient < <(state x "$LONE")
}
@test "poststop: empty input" {
	refused "$POSTSTOP" "empty input" poststop < /dev/null
}
@test "poststop: not JSON" {
	refused "$POSTSTOP" "not valid JSON" poststop <<<"{{{"
}
@test "poststop: id missing" {
	refused "$POSTSTOP" '"id" is missing' poststop <<<'{"status":"stopped"}'
}
@test "poststop: negative pid" {
	refused "$POSTSTOP" '"pid"' poststop < <(state x -1)
}
@test "poststop: given a start stage" {
	refused "$POSTSTOP" "runs at poststop" prestart < <(state x "$LONE")
}

@test "names with spaces, quotes and UTF-8 are accepted and hex-encoded" {
	local name uuid rec hex
	name="acid $$ \"quoted\" é-$RANDOM"
	sleep 600 & local pid=$!
	run --separate-stderr "$PRESTART" prestart < <(jq -cn --arg id "$name" --argjson pid "$pid" '{ociVersion:"1.0.2",id:$id,pid:$pid,status:"creating",bundle:"/tmp/a b"}')
	assert_success
	assert_output ""
	assert_equal "$(registry_entries)" 1
	run --separate-stderr "$POSTSTOP" poststop < <(jq -cn --arg id "$name" '{ociVersion:"1.0.2",id:$id,status:"stopped",bundle:"/tmp/a b"}')
	kill "$pid"
	assert_success
	assert_equal "$(registry_entries)" 0
	hex=$(printf '%s' "$name" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	for _ in $(seq 1 50); do
		rec=$(audit_log | grep -a "vm=$hex " | grep -a op=start || true)
		[ -n "$rec" ] && break
		sleep 0.2
	done
	[ -n "$rec" ] || fail "no record with vm=$hex"
	assert_equal "$(field bundle "$rec")" "$(printf '/tmp/a b' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
	uuid=$(field uuid "$rec")
	run ausearch -m VIRT_CONTROL --uuid "$uuid" -i
	assert_output --partial "vm=$name "
	assert_equal "$(printf '%s\n' "$output" | grep -c 'type=VIRT_CONTROL')" 2
}
