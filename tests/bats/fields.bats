#!/usr/bin/env bats
# Free text that poses as a field. Stock ausearch finds uuid=, exe=, pid=
# in a user record by substring (the first one in the text wins), and
# libaudit's audit_encode_nv_string leaves '=' alone: a container name
# "x-uuid=<victim>" made `ausearch --uuid <victim>` return the attacker's
# record and hid its own uuid=; a bundle path holding exe=/usr/sbin/sshd
# made `ausearch -x /usr/sbin/sshd` match. acid register, a runc container
# (runc refuses '=' in a container id, not in a bundle path) and a crun
# container (crun takes '=' in an id) try it against the real auditd.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	command -v crun >/dev/null || fail "crun is missing"
	[ -x "$ACID" ] || fail "$ACID was not built"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
}

teardown() {
	delete_runc_containers
	[ -n "${SLEEPERS:-}" ] && kill $SLEEPERS 2>/dev/null || true
}

new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# ausearch_uuid UUID: the raw VIRT_CONTROL records stock ausearch gives
# for --uuid UUID (none: empty).
ausearch_uuid() {
	ausearch -m VIRT_CONTROL --uuid "$1" --raw 2>/dev/null || true
}

# The records of UUID as stock ausearch finds them: exactly N, every one
# carrying uuid=UUID and nothing else's.
assert_ausearch_uuid() {
	local uuid=$1 n=$2 out
	out=$(ausearch_uuid "$uuid")
	assert_equal "$(printf '%s\n' "$out" | grep -c '^type=VIRT_CONTROL')" "$n"
	if printf '%s\n' "$out" | grep '^type=VIRT_CONTROL' | grep -vF " uuid=$uuid "; then
		fail "ausearch --uuid $uuid returned a record of another container (above)"
	fi
}

# No record of container UUID matches ausearch -x EXE.
assert_no_exe_match() {
	local exe=$1 uuid=$2
	if ausearch -x "$exe" --raw 2>/dev/null | grep -F " uuid=$uuid "; then
		fail "ausearch -x $exe matched the record of $uuid (above)"
	fi
}

# The records sent so far are in the log (auditd writes them in order).
sync_log() {
	audit_mark >/dev/null
}

# The hex form auditd writes for a value that needs encoding.
hex() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

@test "acid register: a name holding uuid= and a bundle holding exe= stay one field each" {
	local victim attacker name vname bundle pid1 pid2 out reason
	sleep 60 &
	pid1=$!
	sleep 60 &
	pid2=$!
	SLEEPERS="$pid1 $pid2"
	vname=victim-$TAG
	run --separate-stderr "$ACID" register --pid "$pid1" --name "$vname"
	assert_success
	victim=$output
	name="x-uuid=$victim"
	bundle=$BATS_TEST_TMPDIR/b-exe=/usr/sbin/sshd
	mkdir -p "$bundle"
	run --separate-stderr "$ACID" register --pid "$pid2" --name "$name" --bundle "$bundle"
	assert_success
	attacker=$output
	# a stop reason of the longest length acid accepts
	reason=$(printf 'a%.0s' $(seq 1 32))
	"$ACID" unregister --id "$attacker" --reason "$reason"
	"$ACID" unregister --id "$victim" --reason exit
	sync_log

	# the victim's search gives the victim's two records, no more
	assert_ausearch_uuid "$victim" 2
	# the attacker's own uuid= is found: its start and stop records
	assert_ausearch_uuid "$attacker" 2
	assert_no_exe_match /usr/sbin/sshd "$attacker"

	# hex in the log, as auditd's encoding
	out=$(ausearch_uuid "$attacker")
	[[ "$out" == *" vm=$(hex "$name") uuid=$attacker "* ]] ||
		fail "vm= is not the upper-case hex of '$name': $out"
	[[ "$out" == *" bundle=$(hex "$bundle") "* ]] ||
		fail "bundle= is not the upper-case hex of '$bundle': $out"
	# ausearch -i decodes vm= (auparse takes it as an encoded field)
	run ausearch -m VIRT_CONTROL --uuid "$attacker" -i
	assert_output --partial " vm=$name uuid=$attacker "

	# acid's reader decodes both, and takes the 32-byte reason
	run --separate-stderr "$ACID" events "$attacker"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '^type=VIRT_CONTROL')" 2
	[[ "$stderr" != *"$attacker"* ]] || fail "a warning about $attacker: $stderr"
	run --separate-stderr "$ACID" report
	assert_success
	out=$(printf '%s\n' "$output" | grep -F " $attacker ")
	[[ "$out" == *" $attacker  $name  "* ]] || fail "report: $out"
	[[ "$out" != *"running"* && "$out" != *"lost"* ]] || fail "not ended: $out"
}

@test "runc: a bundle path holding exe=/usr/sbin/sshd does not match ausearch -x" {
	local b=$BATS_TEST_TMPDIR/x-exe=/usr/sbin/sshd name uuid out
	name=$(uname_for fields-runc)
	uuid=$(new_uuid)
	make_bundle "$b"
	set_config "$b" '.annotations["org.acid.container-id"] = $id' --arg id "$uuid"
	run run_runc "$b" "$name"
	assert_success
	sync_log
	assert_ausearch_uuid "$uuid" 2
	assert_no_exe_match /usr/sbin/sshd "$uuid"
	out=$(ausearch_uuid "$uuid" | grep -a op=start)
	assert_equal "$(field bundle "$out")" "$(hex "$b")"
	assert_equal "$(field vm "$out")" "\"$name\""
}

@test "crun: a container named x-uuid=<victim's uuid> is not found as the victim" {
	local vb=$BATS_TEST_TMPDIR/victim ab=$BATS_TEST_TMPDIR/a-exe=/usr/sbin/sshd
	local victim attacker vname name out
	vname=$(uname_for fields-victim)
	victim=$(new_uuid)
	attacker=$(new_uuid)
	make_bundle "$vb"
	set_config "$vb" '.annotations["org.acid.container-id"] = $id' --arg id "$victim"
	run run_runc "$vb" "$vname"
	assert_success
	name="x-uuid=$victim"
	make_bundle "$ab"
	set_config "$ab" '.annotations["org.acid.container-id"] = $id' --arg id "$attacker"
	run run_crun "$ab" "$name"
	assert_success
	sync_log

	assert_ausearch_uuid "$victim" 2
	assert_ausearch_uuid "$attacker" 2
	assert_no_exe_match /usr/sbin/sshd "$attacker"
	out=$(ausearch_uuid "$attacker" | grep -a op=start)
	assert_equal "$(field vm "$out")" "$(hex "$name")"

	# acid's reader: the name decoded, the victim found by its uuid alone
	run --separate-stderr "$ACID" events "$attacker" -i
	assert_success
	assert_line --regexp "^type=VIRT_CONTROL .* vm=x-uuid=$victim uuid=$attacker "
	run --separate-stderr "$ACID" events "$victim" --raw
	assert_success
	[[ "$output" != *"$attacker"* ]] || fail "the attacker's records in the victim's events"
}
