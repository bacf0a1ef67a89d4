#!/usr/bin/env bats
# A fleet on one machine: a second auditd runs as a network-only
# aggregator (local_events = no, tcp_listen_port on a free port, in its
# own user and mount namespace with a private /run, so that it cannot touch
# the system auditd's pid file or the kernel's audit settings), and two
# nodes send it the same workload through audisp-remote (audispd-plugins),
# the way a fleet's nodes forward their records: the aggregator writes one
# log with node= on every line, where pids, sessions and serials collide.
# acid events and acid report on that log keep the nodes apart.
#
# The workload is real: a runc container with acid's hooks, under a
# narrow audit rule (execve by the container's own uid), logged by the
# system auditd. Node A's audisp-remote sends its records as a node with
# name_format = user and name = node-a sends them ("node=node-a " before
# each); node B's sends the same records (same pids, serials, stamps) as
# node-b, the container under another ID, as a second machine running the
# same workload would. Both audisp-remote run standalone, reading their
# records on stdin, each with its own audisp-remote.conf (the path is
# compiled in: it is bind-mounted in a private mount namespace). The system
# auditd's configuration is never changed: with name_format set, its own
# log would carry node= for every record written meanwhile, and every
# later acid report of this machine would show a NODE column.
#
# Nothing is left behind: teardown_file kills the aggregator and the
# senders by pid and removes the rule.

load helpers
load aggregator

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
	AGG=$BATS_FILE_TMPDIR/agg
	# the aggregator (tests/bats/aggregator.bash), with no plugin
	agg_start "$AGG" || fail "the aggregator auditd did not start"
	export RULE_KEY=acid-fleet-$$
	echo "$RULE_KEY" > "$BATS_FILE_TMPDIR/rule-key"
	auditctl -a always,exit -F arch=b64 -S execve -F uid=$FLEET_UID -k "$RULE_KEY" >/dev/null
}

teardown_file() {
	local key
	agg_stop "$BATS_FILE_TMPDIR/agg"
	key=$(cat "$BATS_FILE_TMPDIR/rule-key" 2>/dev/null) || return 0
	auditctl -d always,exit -F arch=b64 -S execve -F uid=$FLEET_UID -k "$key" >/dev/null 2>&1 || true
}

teardown() {
	delete_runc_containers
}

# agg_count PATTERN: lines of the aggregator's log matching PATTERN.
agg_count() {
	grep -ac -- "$1" "$BATS_FILE_TMPDIR/agg/audit.log" || true
}

@test "fleet: two nodes send one workload (same pids) through audisp-remote; acid keeps them apart" {
	local name b=$BATS_TEST_TMPDIR/b mark uuid uuid_b i n_a n_b out
	local recs=$BATS_TEST_TMPDIR/records agg=$BATS_FILE_TMPDIR/agg/audit.log
	name=$(uname_for fleet)
	mark=$(audit_mark)
	BUNDLE_CMD="/bin/ls -d /FLEET.ls.$name 2>/dev/null; /bin/cat /dev/null; /bin/date +FLEET.$name >/dev/null" \
		make_bundle "$b"
	set_config "$b" '.process.user = { uid: ($u | tonumber), gid: ($u | tonumber) }' --arg u "$FLEET_UID"
	run run_runc "$b" "$name"
	assert_success
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	# the run's records as the system auditd wrote them: its two acid
	# records and every record of the events of uid $FLEET_UID after the
	# mark (the rule's), whole events, in the log's order
	for i in $(seq 1 30); do
		audit_log | awk -v m="$mark" -v vm="vm=\"$name\"" -v u=" uid=$FLEET_UID " '
			{ if (!match($0, /msg=audit\([0-9.]+:[0-9]+\)/)) next
			  s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
			  s += 0; if (s <= m) next
			  line[++n] = $0; ser[n] = s }
			/^type=VIRT_CONTROL/ && index($0, vm) { want[s] = 1 }
			/^type=SYSCALL/ && index($0, u) { want[s] = 1 }
			END { for (i = 1; i <= n; i++) if (ser[i] in want) print line[i] }' > "$recs"
		grep -qa "op=stop.*vm=\"$name\"" "$recs" &&
			grep -qa "FLEET\.$name" "$recs" && break
		sleep 0.2
	done
	grep -qa "^type=EXECVE .*FLEET\.ls\.$name" "$recs" ||
		fail "the container's execs are not in the system log: $(cat "$recs")"
	# node B: another ID for the same run (a second machine's container)
	uuid_b=$(cat /proc/sys/kernel/random/uuid)
	sed "s/^/node=node-a /" "$recs" > "$BATS_TEST_TMPDIR/node-a"
	sed -e "s/$uuid/$uuid_b/g" -e "s/^/node=node-b /" "$recs" > "$BATS_TEST_TMPDIR/node-b"
	n_a=$(grep -c . "$BATS_TEST_TMPDIR/node-a")

	# both senders at once: their lines interleave in the aggregator's log
	agg_remote "$BATS_FILE_TMPDIR/agg" a
	agg_remote "$BATS_FILE_TMPDIR/agg" b
	exec 5>"$BATS_FILE_TMPDIR/agg/remote-a.in" 6>"$BATS_FILE_TMPDIR/agg/remote-b.in"
	paste -d '\n' "$BATS_TEST_TMPDIR/node-a" "$BATS_TEST_TMPDIR/node-b" |
		while IFS= read -r line; do
			case $line in
			node=node-a\ *) printf '%s\n' "$line" >&5 ;;
			node=node-b\ *) printf '%s\n' "$line" >&6 ;;
			esac
		done
	for i in $(seq 1 100); do
		[ "$(agg_count '^node=node-a ')" -ge "$n_a" ] &&
			[ "$(agg_count '^node=node-b ')" -ge "$n_a" ] && break
		sleep 0.1
	done
	exec 5>&- 6>&-
	assert_equal "$(agg_count '^node=node-a ')" "$n_a"
	assert_equal "$(agg_count '^node=node-b ')" "$n_a"
	# the aggregator writes each line as its node sent it
	grep -a '^node=node-b ' "$agg" | cmp - "$BATS_TEST_TMPDIR/node-b"

	# node B's container: its events, none of node A's (same pids, stamps)
	run --separate-stderr "$ACID" events --input "$agg" "$uuid_b"
	assert_success
	out=$output
	[ -n "$out" ] || fail "acid events $uuid_b: nothing"
	if printf '%s\n' "$out" | grep -av '^node=node-b '; then
		fail "acid events for node B's container lists lines not node B's"
	fi
	printf '%s\n' "$out" | grep -qa "^node=node-b type=EXECVE .*FLEET\.ls\.$name" ||
		fail "node B's container misses its ls: $out"
	assert_equal "$(printf '%s\n' "$out" | grep -ac 'type=VIRT_CONTROL')" 2
	# node A's: the same events, all node A's
	run --separate-stderr "$ACID" events --input "$agg" "$uuid"
	assert_success
	if printf '%s\n' "$output" | grep -av '^node=node-a '; then
		fail "acid events for node A's container lists lines not node A's"
	fi
	assert_equal "$(printf '%s\n' "$output" | sed 's/^node=node-a //')" \
		"$(printf '%s\n' "$out" | sed -e 's/^node=node-b //' -e "s/$uuid_b/$uuid/g")"
	# by name: both runs (one name on two nodes), each line with its node
	run --separate-stderr "$ACID" events --input "$agg" "$name"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '^node=node-a ')" \
		"$(printf '%s\n' "$out" | grep -c .)"
	assert_equal "$(printf '%s\n' "$output" | grep -c '^node=node-b ')" \
		"$(printf '%s\n' "$out" | grep -c .)"

	# the report: both containers, each with its node, the same counts
	run --separate-stderr "$ACID" report --input "$agg"
	assert_success
	assert_line --index 2 --regexp '^#  +NODE +ID +NAME +START +STOP +DURATION +EVENTS +FLAGS$'
	assert_line --regexp "^[0-9]+\. +node-a +$uuid +$name +.* [0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[1-9][0-9]* +-$"
	assert_line --regexp "^[0-9]+\. +node-b +$uuid_b +$name +.* [0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[1-9][0-9]* +-$"
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
