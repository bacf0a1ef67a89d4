#!/usr/bin/env bats
# audisp-acid run by a real auditd, as its plugin: a private auditd
# (tests/bats/aggregator.bash: network-only, its own namespaces, its own
# plugin_dir, distribute_network = yes) starts audisp-acid from its
# plugins.d and feeds it through its dispatcher, in string format, what an
# audisp-remote sender sends it: the real records of a runc container and
# a podman container started with this build's hooks under the shipped
# rules (plugin/acid.rules, loaded with auditctl -R on the system auditd
# for this file and removed at its end), of a marker each exec'd inside,
# and of the host running the same marker. The sender names its node (as
# audisp-remote's name_format does on a fleet), so the plugin sees every
# record with node= before it, the containers' start records too.
#
# The system auditd is shared: no plugin is added to it (that was
# tests/system/plugin-auditd.bats, which 3.0.9's dispatcher made fragile
# after reloads). Nothing is left behind: teardown_file stops the sender
# and the aggregator (and with it the plugin) by pid, and removes exactly
# the rules it added.

load helpers
load plugin-helpers
load aggregator

PLUGIN=${ACID_PLUGIN_BIN:-$BUILD/plugin/audisp-acid}
RULES=$REPO/plugin/acid.rules

setup_file() {
	local i
	require_components
	[ -x "$PLUGIN" ] || fail "$PLUGIN was not built"
	for i in auditd audisp-remote unshare setsid python3 podman; do
		command -v "$i" >/dev/null ||
			fail "required component '$i' is missing (scripts/install-deps.sh installs it)"
	done
	# acid's rules loaded already (by the admin or another test file):
	# used as they are, and left in place
	if auditctl -l | grep -q 'key=acid$'; then
		echo no > "$BATS_FILE_TMPDIR/rules-ours"
	else
		auditctl -R "$RULES" >&2 || fail "auditctl -R $RULES failed"
		echo yes > "$BATS_FILE_TMPDIR/rules-ours"
	fi
	AGG=$BATS_FILE_TMPDIR/agg
	agg_plugin "$AGG" acid "$PLUGIN" "--output $AGG/events.json"
	agg_start "$AGG" || fail "the aggregator auditd did not start"
}

teardown_file() {
	local line
	agg_stop "$BATS_FILE_TMPDIR/agg"
	[ "$(cat "$BATS_FILE_TMPDIR/rules-ours" 2>/dev/null)" = yes ] || return 0
	grep '^-a ' "$RULES" | while IFS= read -r line; do
		# shellcheck disable=SC2086 # a rule is its words
		auditctl ${line/#-a /-d } >/dev/null 2>&1 || true
	done
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
	AGG=$BATS_FILE_TMPDIR/agg
}

teardown() {
	delete_runc_containers
}

# whole_lines FILE: its lines written whole so far (not one being written).
whole_lines() {
	perl -ne 'print if /\n\z/' "$1"
}

# node_event JSON NODE SERIAL: the event SERIAL of NODE, once written.
node_event() {
	whole_lines "$1" | jq -c --arg n "$2" --argjson s "$3" \
		'select(.audit.serial == $s and .audit.node == $n)'
}

@test "a real auditd runs audisp-acid: runc and podman containers' execs (sent by a named node) carry container.id and name, the host's none" {
	local name b=$BATS_TEST_TMPDIR/b hooks=$BATS_TEST_TMPDIR/hooks.d h
	local mark end uuid puuid cid hostpid phostpid pid node=acid-node-$TAG
	local json=$AGG/events.json in=$BATS_TEST_TMPDIR/in.log i n

	# auditd started the plugin from its plugins.d: its child, writing
	for i in $(seq 1 50); do
		pid=$(pgrep -P "$(cat "$AGG/auditd.pid")" -x audisp-acid || true)
		[ -n "$pid" ] && [ -e "$json" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || fail "the aggregator auditd did not start audisp-acid"
	[ -e "$json" ] || fail "audisp-acid (pid $pid) did not open $json"
	assert_equal "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "$PLUGIN --output $json "

	mark=$(audit_mark)
	# a runc container with the build's hooks, and the host: one marker
	name=$(uname_for agg)
	BUNDLE_CMD="/bin/ls -d /MARK.$TAG 2>/dev/null; true" make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	hostpid=$(host_marker)
	# a podman container with the build's hooks: another marker
	mkdir -p "$hooks"
	for h in acid-prestart acid-poststop; do
		[ -f "$BUILD/examples/$h.json" ] || fail "$BUILD/examples/$h.json was not built"
		jq --arg p "$BUILD/hooks/$h" --arg s "ACID_STATE_DIR=$STATE_DIR" \
			'.hook.path = $p | .hook.env = [$s]' \
			"$BUILD/examples/$h.json" > "$hooks/$h.json"
	done
	run podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$hooks" \
		run --rm --cidfile "$BATS_TEST_TMPDIR/cid" --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" /bin/sh -c "/bin/ls -d /MARK.$TAG-p 2>/dev/null; true" </dev/null
	assert_success
	phostpid=$(TAG=$TAG-p host_marker)
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	puuid=$(field uuid "$(records "$cid" 2 | grep -a op=start)")
	[ -n "$puuid" ] || fail "no start record for podman container $cid"
	end=$(audit_mark)

	# the records as the system auditd wrote them, sent by node $node
	section "$mark" "$end" | sed "s/^/node=$node /" > "$in"
	grep -aq "^node=$node type=EXECVE .*/MARK\.$TAG\"" "$in" ||
		fail "the markers' execs are not in the system log"
	n=$(grep -c . "$in")
	agg_remote "$AGG" "n$TAG"
	exec 5>"$AGG/remote-n$TAG.in"
	cat "$in" >&5
	# auditd dispatches what it received; the plugin writes the end mark's
	# event once it is complete
	for i in $(seq 1 300); do
		[ -n "$(node_event "$json" "$node" "$end")" ] && break
		sleep 0.1
	done
	exec 5>&-
	assert_equal "$(grep -ac "^node=$node " "$AGG/audit.log")" "$n"
	[ -n "$(node_event "$json" "$node" "$end")" ] ||
		fail "audisp-acid did not write the end mark's event ($end) of $node"
	# this node's events only (the file holds the aggregator's own too)
	whole_lines "$json" | jq -c --arg n "$node" 'select(.audit.node == $n)' > "$BATS_TEST_TMPDIR/node.json"

	# the runc container's exec: its id and name; the host's: none
	check_marker "$BATS_TEST_TMPDIR/node.json" "$uuid" "$name" "$hostpid"
	# the podman container's: its id and name (podman's container ID)
	TAG=$TAG-p check_marker "$BATS_TEST_TMPDIR/node.json" "$puuid" "$cid" "$phostpid"
	# every event that came in went out, once
	assert_equal "$(jq -r .audit.serial "$BATS_TEST_TMPDIR/node.json" | sort -n | uniq -d)" ""
	assert_equal "$(jq -r .audit.serial "$BATS_TEST_TMPDIR/node.json" | sort -n)" \
		"$(grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$in" | sed 's/.*:\([0-9]*\))/\1/' | sort -n -u)"
	# the plugin is still running: auditd's dispatcher still feeds it
	kill -0 "$pid" || fail "audisp-acid (pid $pid) ended"
}
