#!/usr/bin/env bats
# Many containers at once, and the fail-closed policy, with real runc and
# real auditd. Changes to the audit configuration are put back.

load helpers

setup_file() {
	require_components
	auditctl -s | awk '$1 == "backlog_limit" { print $2 }' > "$BATS_FILE_TMPDIR/backlog"
	auditctl -s | awk '$1 == "enabled" { print $2 }' > "$BATS_FILE_TMPDIR/enabled"
	auditctl -b 8192 >/dev/null
}

teardown_file() {
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
	auditctl -e "$(cat "$BATS_FILE_TMPDIR/enabled")" >/dev/null
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
}

teardown() {
	# a failed test must not leave audit disabled for the next one
	auditctl -e "$(cat "$BATS_FILE_TMPDIR/enabled")" >/dev/null
}

@test "30 containers started at once: 30 register and 30 stop records" {
	local b=$BATS_TEST_TMPDIR/b base i pids=() uuids
	base=$(uname_for many)
	BUNDLE_CMD="sleep 0.2" make_bundle "$b"
	for i in $(seq 1 30); do
		run_runc "$b" "$base-$i" > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "container $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/out.$((i + 1))")"
	done
	for i in $(seq 1 30); do
		run records "$base-$i" 2
		assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start')" 1
		assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop')" 1
		printf '%s\n' "$output" | grep op=start >> "$BATS_TEST_TMPDIR/starts"
	done
	uuids=$(grep -o ' uuid=[^ ]*' "$BATS_TEST_TMPDIR/starts" | sort -u | wc -l)
	assert_equal "$uuids" 30
	assert_equal "$(registry_entries)" 0
}

# A bundle for a runtime without CAP_AUDIT_WRITE: the container itself
# must not ask for it either, or runc fails for its own reasons.
no_audit_write_bundle() {
	make_bundle "$1"
	set_config "$1" '.process.capabilities |= with_entries(.value |= map(select(. != "CAP_AUDIT_WRITE")))'
}

@test "fail-closed: audit disabled, the container does not start" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for disabled)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	auditctl -e 0 >/dev/null
	run --separate-stderr run_runc "$b" "$name"
	auditctl -e 1 >/dev/null
	assert_failure
	refute_output --partial CONTAINER-RAN
	[[ "$stderr" == *"not sent, container refused (policy fail)"*"Audit is disabled"* ]] ||
		fail "stderr: $stderr"
	assert_equal "$(registry_entries)" 0
}

@test "warn policy: audit disabled, the container starts with a warning" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for disabled-warn)
	BUNDLE_CMD="echo CONTAINER-RAN" make_bundle "$b"
	set_config "$b" '.hooks.prestart[0].env += ["ACID_POLICY=warn"] | .hooks.poststop[0].env += ["ACID_POLICY=warn"]'
	auditctl -e 0 >/dev/null
	run --separate-stderr run_runc "$b" "$name"
	auditctl -e 1 >/dev/null
	assert_success
	assert_output --partial CONTAINER-RAN
	# runc shows a hook's stderr only on failure: the warning went to
	# syslog; the entry is kept for acid gc because no stop record went out
	assert_equal "$(registry_entries)" 1
	rm -f "$STATE_DIR"/*.entry "$STATE_DIR"/pid-* "$STATE_DIR"/name-*
}

@test "fail-closed: CAP_AUDIT_WRITE dropped, the container does not start" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for nocap)
	BUNDLE_CMD="echo CONTAINER-RAN" no_audit_write_bundle "$b"
	run --separate-stderr setpriv --bounding-set -audit_write -- \
		runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name"
	assert_failure
	refute_output --partial CONTAINER-RAN
	[[ "$stderr" == *"not sent, container refused (policy fail)"*"CAP_AUDIT_WRITE"* ]] ||
		fail "stderr: $stderr"
	assert_equal "$(registry_entries)" 0
	no_record "$name" || fail "a record names $name"
}

@test "warn policy: CAP_AUDIT_WRITE dropped, the container starts" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for nocap-warn)
	BUNDLE_CMD="echo CONTAINER-RAN" no_audit_write_bundle "$b"
	set_config "$b" '.hooks.prestart[0].args += ["--policy=warn"] | .hooks.poststop[0].args += ["--policy=warn"]'
	run --separate-stderr setpriv --bounding-set -audit_write -- \
		runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name"
	assert_success
	assert_output --partial CONTAINER-RAN
	assert_equal "$(registry_entries)" 1
	rm -f "$STATE_DIR"/*.entry "$STATE_DIR"/pid-* "$STATE_DIR"/name-*
}
