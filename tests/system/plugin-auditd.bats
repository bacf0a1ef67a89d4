#!/usr/bin/env bats
# audisp-acid run by the system auditd itself: a plugins.d file added for
# this test only, loaded with SIGHUP (auditd 3.0.9 starts a new plugin on
# reload), a runc container and the host exec a marker, the JSON has the
# container's exec with its container.id and name and the host's without;
# the file removed and SIGHUP again: auditd stops the plugin.
#
# NOT run by scripts/run-tests.sh or .ci/run (bats tests/bats does not
# read this directory): on a shared machine it changes the plugins of the
# auditd everyone uses, and auditd 3.0.9's dispatcher was seen here to
# stop feeding newly added plugins after a few add/remove cycles (the
# plugin starts, its stdin socket stays silent) until auditd restarts.
# Run it on a machine of your own, with a freshly started auditd:
#   ACID_BUILD=$PWD/build bats tests/system/plugin-auditd.bats
# acid's rules (plugin/acid.rules) must be loaded (auditctl -R), as the
# plugin's users load them.

load ../bats/helpers
load ../bats/plugin-helpers

PLUGIN=${ACID_PLUGIN_BIN:-$BUILD/plugin/audisp-acid}

setup_file() {
	require_components
	[ -x "$PLUGIN" ] || fail "$PLUGIN was not built"
	auditctl -l | grep -q 'key=acid$' ||
		fail "acid's rules are not loaded: auditctl -R $REPO/plugin/acid.rules"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
}

teardown() {
	delete_runc_containers
	local conf
	conf=$(cat "$BATS_TEST_TMPDIR/plugin-conf" 2>/dev/null) || return 0
	# a failed test's plugin file; one SIGHUP only when it was still there
	if [ -e "$conf" ]; then
		rm -f "$conf"
		kill -HUP "$(auditd_pid)" 2>/dev/null || true
	fi
}

@test "the system auditd runs audisp-acid (plugins.d file for this test only, SIGHUP): runc container and host" {
	local conf=/etc/audit/plugins.d/acid-test-$TAG.conf json=$BATS_TEST_TMPDIR/live.json
	local name b=$BATS_TEST_TMPDIR/b uuid hostpid mark pid i
	name=$(uname_for live)
	echo "$conf" > "$BATS_TEST_TMPDIR/plugin-conf"
	# auditd 3.0.9 passes at most two args to a plugin
	cat > "$conf" <<EOF
active = yes
direction = out
path = $PLUGIN
type = always
args = --output $json
format = string
EOF
	chmod 0640 "$conf"
	kill -HUP "$(auditd_pid)"
	for i in $(seq 1 50); do
		[ -e "$json" ] && break
		sleep 0.1
	done
	[ -e "$json" ] || fail "auditd did not start the plugin of $conf"
	pid=$(pgrep -f -x "$PLUGIN --output $json")
	[ -n "$pid" ] || fail "no audisp-acid process writing $json"

	BUNDLE_CMD="/bin/ls -d /MARK.$TAG 2>/dev/null; true" make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	hostpid=$(host_marker)
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	mark=$(audit_mark)
	# the plugin writes the mark's event once it is complete
	for i in $(seq 1 50); do
		jq -e --argjson s "$mark" 'select(.audit.serial == $s)' "$json" \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	check_marker "$json" "$uuid" "$name" "$hostpid"

	# removed and reloaded (once): auditd stops it, SIGTERM: it exits
	rm -f "$conf"
	kill -HUP "$(auditd_pid)"
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || fail "auditd left audisp-acid ($pid) running"
}
