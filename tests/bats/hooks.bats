#!/usr/bin/env bats
# acid's hooks under real runc and crun, with real auditd: the register
# record carries the init pid and the namespaces an independent probe hook
# saw, the stop record follows, the registry is empty afterwards.

load helpers

setup_file() {
	require_components
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
}

# check_container NAME BUNDLE: the two records of NAME agree with the probe.
check_container() {
	local name=$1 b=$2 recs start stop uuid kind dev ino majmin
	recs=$(records "$name" 2)
	start=$(printf '%s\n' "$recs" | grep -a 'op=start')
	stop=$(printf '%s\n' "$recs" | grep -a 'op=stop')
	[ -n "$start" ] || fail "no register record for $name"
	[ -n "$stop" ] || fail "no stop record for $name"
	assert_equal "$(printf '%s\n' "$start" | grep -c .)" 1
	assert_equal "$(printf '%s\n' "$stop" | grep -c .)" 1

	uuid=$(field uuid "$start")
	[[ "$uuid" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] ||
		fail "uuid '$uuid' is not a canonical v4 UUID"
	assert_equal "$(field uuid "$stop")" "$uuid"
	assert_equal "$(field reason "$start")" register
	assert_equal "$(field reason "$stop")" exit
	assert_equal "$(field vm-pid "$start")" "$(cat "$b/probe.pid")"
	assert_equal "$(field vm-pid "$stop")" "$(cat "$b/probe.pid")"
	assert_equal "$(field bundle "$start")" "\"$b\""

	# every namespace the probe saw, with the same device and inode
	local -A rec_field=([cgroup]=cgroup-ns [ipc]=ipc-ns [mnt]=mnt-ns
		[net]=net-ns [pid]=pid-ns [pid_for_children]=pid-child-ns
		[time]=time-ns [time_for_children]=time-child-ns
		[user]=user-ns [uts]=uts-ns)
	assert_equal "$(grep -c . "$b/probe.ns")" 10
	while read -r kind dev ino; do
		assert_equal "$(field "${rec_field[$kind]}" "$start")" "$ino"
		majmin="$((dev >> 8)):$((dev & 0xff))"
		assert_equal "$(field ns-dev "$start")" "$majmin"
	done < "$b/probe.ns"

	# stock ausearch finds both by UUID, aureport lists them
	run ausearch -m VIRT_CONTROL --uuid "$uuid" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c 'type=VIRT_CONTROL')" 2
	assert_equal "$(registry_entries)" 0
	echo "$uuid"
}

@test "runc: register and stop records match the probe, registry empty" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for runc)
	make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	check_container "$name" "$b"
	run aureport --virt
	assert_success
	assert_output --partial VIRT_CONTROL
}

@test "crun: register and stop records match the probe, registry empty" {
	command -v crun >/dev/null || fail "crun is not installed"
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for crun)
	make_bundle "$b"
	run run_crun "$b" "$name"
	assert_success
	check_container "$name" "$b"
}

@test "runc and crun at the createRuntime stage" {
	local name b=$BATS_TEST_TMPDIR/b
	make_bundle "$b" createRuntime
	name=$(uname_for runc-cr)
	run run_runc "$b" "$name"
	assert_success
	check_container "$name" "$b"
	name=$(uname_for crun-cr)
	run run_crun "$b" "$name"
	assert_success
	check_container "$name" "$b"
}

@test "two runs of one container name get different IDs" {
	local name b=$BATS_TEST_TMPDIR/b u1 u2
	name=$(uname_for twice)
	make_bundle "$b"
	run_runc "$b" "$name"
	run_runc "$b" "$name"
	run records "$name" 4
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start')" 2
	u1=$(printf '%s\n' "$output" | grep 'op=start' | sed -n 1p)
	u2=$(printf '%s\n' "$output" | grep 'op=start' | sed -n 2p)
	[ "$(field uuid "$u1")" != "$(field uuid "$u2")" ] ||
		fail "both runs got $(field uuid "$u1")"
}

@test "the org.acid.container-id annotation chooses the ID" {
	local name b=$BATS_TEST_TMPDIR/b id=6a0a1b2c-3d4e-4f50-8a61-72839405a6b7
	name=$(uname_for annot)
	make_bundle "$b"
	# upper case on input, canonical lower case in the record
	set_config "$b" '.annotations["org.acid.container-id"] = $id' \
		--arg id "${id^^}"
	run run_runc "$b" "$name"
	assert_success
	run records "$name" 2
	assert_equal "$(field uuid "$(printf '%s\n' "$output" | grep op=start)")" "$id"
	assert_equal "$(field uuid "$(printf '%s\n' "$output" | grep op=stop)")" "$id"
}

@test "an invalid annotation stops the container start, nothing recorded" {
	local name b=$BATS_TEST_TMPDIR/b before
	name=$(uname_for badannot)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	set_config "$b" '.annotations["org.acid.container-id"] = "not-a-uuid"'
	run --separate-stderr run_runc "$b" "$name"
	assert_failure
	refute_output --partial CONTAINER-RAN
	# runc passes the hook's line on (with its quotes escaped)
	[[ "$stderr" == *"acid-prestart: annotation org.acid.container-id of container "*"$name"*" is not a container ID: "*not-a-uuid* ]] ||
		fail "stderr does not name the bad annotation: $stderr"
	[ ! -e "$b/probe.pid" ] || fail "hooks after acid-prestart ran"
	sleep 1
	no_record "$name" || fail "a record names $name"
	assert_equal "$(registry_entries)" 0
}

@test "poststop for a container never registered: warning, exit 0, no record" {
	local name before
	name=$(uname_for never)
	run --separate-stderr "$POSTSTOP" poststop <<<"{\"ociVersion\":\"1.0.2\",\"id\":\"$name\",\"status\":\"stopped\",\"bundle\":\"/tmp/x\"}"
	assert_success
	assert_output ""
	[[ "$stderr" == *"warning: container \"$name\" was never registered"* ]] ||
		fail "no warning: $stderr"
	sleep 0.5
	no_record "$name" || fail "a record names $name"
}

@test "hooks print nothing on stdout" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for quiet)
	make_bundle "$b"
	set_config "$b" '.hooks.prestart[0].path = $w | .hooks.poststop[0].path = $w2' \
		--arg w "$b/wrap-pre.sh" --arg w2 "$b/wrap-post.sh"
	printf '#!/bin/sh\nexec "%s" "$@" > "%s/pre.out"\n' "$PRESTART" "$b" > "$b/wrap-pre.sh"
	printf '#!/bin/sh\nexec "%s" "$@" > "%s/post.out"\n' "$POSTSTOP" "$b" > "$b/wrap-post.sh"
	chmod +x "$b"/wrap-*.sh
	run run_runc "$b" "$name"
	assert_success
	records "$name" 2 >/dev/null
	[ -e "$b/pre.out" ] && [ -e "$b/post.out" ] || fail "hooks did not run"
	assert_equal "$(stat -c %s "$b/pre.out") $(stat -c %s "$b/post.out")" "0 0"
}
