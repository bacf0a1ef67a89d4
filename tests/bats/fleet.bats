#!/usr/bin/env bats
# A fleet on one machine: a second auditd runs as a network-only
# aggregator (local_events = no, tcp_listen_port on a free port, in its
# own user and mount namespace with a private /run, so that it cannot touch
# the system auditd's pid file or the kernel's audit settings), and two
# nodes send it the same workload, the way a fleet's nodes forward their
# records: the aggregator writes one log with node= on every line, where
# pids, sessions and serials collide. acid events and acid report on that
# log keep the nodes apart.
#
# Node A is the system auditd itself, configured as a real node is
# (tests/bats/system-node.bash): name_format = user with a name of this
# run's, the au-remote plugin active, audisp-remote sending to the
# aggregator; restarted on that configuration (never reloaded), and on the
# original one again as soon as the workload is in. The workload is real:
# a runc container with acid's hooks, under a narrow audit rule (execve by
# the container's own uid). Node B is a second machine running the same
# workload: a standalone audisp-remote (its own audisp-remote.conf
# bind-mounted over the compiled-in path in a private mount namespace)
# sends everything node A sent (same pids, serials, stamps), as node B,
# the container under another ID.
#
# While node A runs (0.3 to 0.9 s here), the system log has node= on
# every line, and each of the two restarts loses the machine's records of
# a few tens of milliseconds (system-node.bash says why): the test prints
# both.
#
# Nothing is left behind: the system's audit files are put back byte for
# byte and checked, its auditd restarted on them and checked to log
# without node=, in the test and again in teardown and teardown_file when
# a test failed before; the aggregator and the sender are killed by pid;
# the rule is removed.

load helpers
load aggregator
load system-node

ACID=${ACID_BIN:-$BUILD/tools/acid}
DATA=$REPO/tests/data/auditlog
# the container runs as this uid: the rule logs its execs and nobody else's
FLEET_UID=47113

setup_file() {
	local i
	require_components
	[ -x "$ACID" ] || fail "$ACID was not built"
	for i in auditd audisp-remote unshare setsid python3; do
		command -v "$i" >/dev/null ||
			fail "required component '$i' is missing (scripts/install-deps.sh installs it)"
	done
	[ ! -e "$SYSNODE_SAVE" ] ||
		fail "$SYSNODE_SAVE exists: another fleet test owns the system auditd, or one was killed before it restored it (originals in $SYSNODE_SAVE/orig; to put them back: . tests/bats/system-node.bash && sysnode_restore)"
	AGG=$BATS_FILE_TMPDIR/agg
	# the aggregator (tests/bats/aggregator.bash), with no plugin
	agg_start "$AGG" || fail "the aggregator auditd did not start"
	export RULE_KEY=acid-fleet-$$
	echo "$RULE_KEY" > "$BATS_FILE_TMPDIR/rule-key"
	auditctl -a always,exit -F arch=b64 -S execve -F uid=$FLEET_UID -k "$RULE_KEY" >/dev/null
	# node names of this run's: the system log keeps node A's lines
	export NODE_A=fleet-a-$$-$RANDOM NODE_B=fleet-b-$$-$RANDOM
	# what sysnode_restore may put back: only what this run saved
	export SYSNODE_OWNER=$BATS_FILE_TMPDIR
}

teardown_file() {
	local key rc=0
	# the system auditd first: its log carries node= until then
	sysnode_restore || rc=1
	agg_stop "$BATS_FILE_TMPDIR/agg"
	key=$(cat "$BATS_FILE_TMPDIR/rule-key" 2>/dev/null) || return "$rc"
	auditctl -d always,exit -F arch=b64 -S execve -F uid=$FLEET_UID -k "$key" >/dev/null 2>&1 || true
	return "$rc"
}

teardown() {
	delete_runc_containers
	sysnode_restore
}

# run_lines NODE NAME [LOG]: the lines of node NODE in LOG (default:
# stdin) that belong to the events of container NAME's run: its two acid
# records and every event of uid $FLEET_UID (the rule's), whole events, in
# the log's order.
run_lines() {
	awk -v p="node=$1 " -v vm="vm=\"$2\"" -v u=" uid=$FLEET_UID " '
		index($0, p) != 1 { next }
		{ if (!match($0, /msg=audit\([0-9.]+:[0-9]+\)/)) next
		  s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
		  line[++n] = $0; ser[n] = s; rest = substr($0, length(p) + 1) }
		rest ~ /^type=VIRT_CONTROL/ && index(rest, vm) { want[s] = 1 }
		rest ~ /^type=SYSCALL/ && index(rest, u) { want[s] = 1 }
		END { for (i = 1; i <= n; i++) if (ser[i] in want) print line[i] }' "${3:--}"
}

# agg_count PATTERN: lines of the aggregator's log matching PATTERN.
agg_count() {
	grep -ac -- "$1" "$BATS_FILE_TMPDIR/agg/audit.log" || true
}

@test "fleet: the system auditd as node A and an audisp-remote as node B send one workload (same pids); acid keeps them apart" {
	local name b=$BATS_TEST_TMPDIR/b uuid uuid_b i n out t0 t1
	local agg=$BATS_FILE_TMPDIR/agg/audit.log a_lines=$BATS_TEST_TMPDIR/a-lines
	local b_sent=$BATS_TEST_TMPDIR/node-b
	export SYSNODE_TIMING=$BATS_FILE_TMPDIR/timing
	name=$(uname_for fleet)
	BUNDLE_CMD="/bin/ls -d /FLEET.ls.$name 2>/dev/null; /bin/cat /dev/null; /bin/date +FLEET.$name >/dev/null" \
		make_bundle "$b"
	set_config "$b" '.process.user = { uid: ($u | tonumber), gid: ($u | tonumber) }' --arg u "$FLEET_UID"

	# node A: the system auditd, for as short a time as the run takes
	t0=$(date +%s%N)
	sysnode_become "$NODE_A" "$(cat "$BATS_FILE_TMPDIR/agg/port")" ||
		fail "the system auditd did not become node $NODE_A"
	run run_runc "$b" "$name"
	assert_success
	# the run as the aggregator received it from node A
	for i in $(seq 1 200); do
		run_lines "$NODE_A" "$name" "$agg" > "$a_lines"
		grep -qa "op=stop.*vm=\"$name\"" "$a_lines" &&
			grep -qa "FLEET\.$name" "$a_lines" && break
		sleep 0.05
	done
	sysnode_restore || fail "the system's audit configuration was not restored"
	t1=$(date +%s%N)
	# node A registered to let go: the system log had node= on its lines;
	# each restart: SIGTERM to registered, no record logged
	awk -v all=$(((t1 - t0) / 1000000)) '
		{ e[NR] = $1; k[NR] = $2; g[NR] = $3; r[NR] = $4 }
		END { printf "# system auditd as node A: %d ms (become to restored and checked: %d ms); restarts: ", (g[2] - r[1]) / 1e6, all
		      for (i = 1; i <= NR; i++)
			printf "%s%d ms deaf (stop %d + start %d, %d ms before SIGTERM)", (i > 1 ? ", " : ""), (r[i] - k[i]) / 1e6, (g[i] - k[i]) / 1e6, (r[i] - g[i]) / 1e6, (k[i] - e[i]) / 1e6
		      print "" }' "$SYSNODE_TIMING" >&3

	# the system auditd as found, with the test's rule still in the kernel
	auditctl -l | grep -q -- "-F key=$RULE_KEY\$" ||
		fail "the test's audit rule did not survive the restarts: $(auditctl -l)"
	grep -qa "^node=$NODE_A type=EXECVE .*FLEET\.ls\.$name" "$a_lines" ||
		fail "node A's container execs are not in the aggregator's log ($(agg_count "^node=$NODE_A ") lines of node A): $(cat "$a_lines")"
	uuid=$(field uuid "$(grep -a "^node=$NODE_A type=VIRT_CONTROL .*op=start" "$a_lines")")
	[ -n "$uuid" ] || fail "no start record for $name"
	# node A wrote the same lines in its own log, node= on each
	audit_log | run_lines "$NODE_A" "$name" | cmp - "$a_lines"

	# node B: everything node A sent, its container under another ID
	uuid_b=$(cat /proc/sys/kernel/random/uuid)
	grep -a "^node=$NODE_A " "$agg" |
		sed -e "s/^node=$NODE_A /node=$NODE_B /" -e "s/$uuid/$uuid_b/g" > "$b_sent"
	n=$(grep -c . "$b_sent")
	agg_remote "$BATS_FILE_TMPDIR/agg" b
	exec 6>"$BATS_FILE_TMPDIR/agg/remote-b.in"
	cat "$b_sent" >&6
	for i in $(seq 1 100); do
		[ "$(agg_count "^node=$NODE_B ")" -ge "$n" ] && break
		sleep 0.1
	done
	exec 6>&-
	assert_equal "$(agg_count "^node=$NODE_B ")" "$n"
	# the aggregator writes each line as its node sent it
	grep -a "^node=$NODE_B " "$agg" | cmp - "$b_sent"

	# node B's container: its events, none of node A's (same pids, stamps)
	run --separate-stderr "$ACID" events --input "$agg" "$uuid_b"
	assert_success
	out=$output
	[ -n "$out" ] || fail "acid events $uuid_b: nothing"
	if printf '%s\n' "$out" | grep -av "^node=$NODE_B "; then
		fail "acid events for node B's container lists lines not node B's"
	fi
	printf '%s\n' "$out" | grep -qa "^node=$NODE_B type=EXECVE .*FLEET\.ls\.$name" ||
		fail "node B's container misses its ls: $out"
	assert_equal "$(printf '%s\n' "$out" | grep -ac 'type=VIRT_CONTROL')" 2
	# node A's: the same events, all node A's
	run --separate-stderr "$ACID" events --input "$agg" "$uuid"
	assert_success
	if printf '%s\n' "$output" | grep -av "^node=$NODE_A "; then
		fail "acid events for node A's container lists lines not node A's"
	fi
	assert_equal "$(printf '%s\n' "$output" | sed -e "s/^node=$NODE_A //" -e "s/$uuid/$uuid_b/g")" \
		"$(printf '%s\n' "$out" | sed "s/^node=$NODE_B //")"
	# by name: both runs (one name on two nodes), each line with its node
	run --separate-stderr "$ACID" events --input "$agg" "$name"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c "^node=$NODE_A ")" \
		"$(printf '%s\n' "$out" | grep -c .)"
	assert_equal "$(printf '%s\n' "$output" | grep -c "^node=$NODE_B ")" \
		"$(printf '%s\n' "$out" | grep -c .)"

	# the report: both containers, each with its node, the same counts
	run --separate-stderr "$ACID" report --input "$agg"
	assert_success
	assert_line --index 2 --regexp '^#  +NODE +ID +NAME +START +STOP +DURATION +EVENTS +FLAGS$'
	assert_line --regexp "^[0-9]+\. +$NODE_A +$uuid +$name +.* [0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[1-9][0-9]* +-\$"
	assert_line --regexp "^[0-9]+\. +$NODE_B +$uuid_b +$name +.* [0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[1-9][0-9]* +-\$"
	assert_equal "$(printf '%s\n' "$output" | grep -F " $uuid " | awk '{ print $(NF - 1) }')" \
		"$(printf '%s\n' "$output" | grep -F " $uuid_b " | awk '{ print $(NF - 1) }')"
}

@test "fleet.log: acid report shows NODE only when the logs have nodes" {
	run --separate-stderr "$ACID" report --input "$DATA/fleet.log"
	assert_success
	assert_line --index 2 --regexp '^#  +NODE +ID +NAME +START +STOP +DURATION +EVENTS +FLAGS$'
	assert_line --regexp '^1\.  node-a       33333333-4444-4555-8666-777777777777  tagged  .*  +3  -$'
	assert_line --regexp '^2\.  node-b       33333333-4444-4555-8666-77777777bbbb  tagged  .*  no stop  +\?  +4  -$'
	assert_line --regexp '^5\.  host-139599  33333333-4444-4555-8666-999999999999  hashed  .*  +3  -$'
	assert_equal "$(printf '%s\n' "$output" | grep -c '^[0-9]*\. ')" 5
	# a machine's own log: the columns it always had
	run --separate-stderr "$ACID" report --input "$DATA/session.log"
	assert_success
	assert_line --index 2 --regexp '^#  +ID +NAME +START +STOP +DURATION +EVENTS +FLAGS$'
	refute_output --partial NODE
}
