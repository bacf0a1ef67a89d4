#!/usr/bin/env bats
# acid events and acid report against real runc containers, real auditd
# and real audit rules (execve and clone/fork, loaded for this file and
# removed at its end): a container's commands are attributed to it and the
# same commands run on the host at the same time are not, by ancestry and
# by session tag (acid-exec; compared with ausearch --session); several
# runs of one name; running and lost containers; a record forged from
# inside a container; a start record forged for another container's UUID
# before it starts (a conflict: the genuine run is attributed); a
# container named like another's UUID; processes joined by links
# (exec.log: runc exec, acid-exec's session, forged links, resrc=ns);
# hostile logs; usage errors.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}
ACID_EXEC=${ACID_EXEC_BIN:-$BUILD/tools/acid-exec}
DATA=$REPO/tests/data/auditlog

setup_file() {
	require_components
	[ -x "$ACID" ] || fail "$ACID was not built"
	# this file's rules, by a key of its own; teardown_file removes them
	export RULE_KEY=acid-test-$$
	auditctl -s | awk '$1 == "backlog_limit" { print $2 }' \
		> "$BATS_FILE_TMPDIR/backlog"
	echo "$RULE_KEY" > "$BATS_FILE_TMPDIR/rule-key"
	# every fork on the machine is logged now: room for bursts
	auditctl -b 8192 >/dev/null
	auditctl -a always,exit -F arch=b64 -S execve -k "$RULE_KEY"
	auditctl -a always,exit -F arch=b64 -S clone,fork,vfork,clone3 \
		-k "$RULE_KEY"
}

teardown_file() {
	local key backlog
	key=$(cat "$BATS_FILE_TMPDIR/rule-key" 2>/dev/null) || return 0
	auditctl -d always,exit -F arch=b64 -S execve -k "$key" || true
	auditctl -d always,exit -F arch=b64 -S clone,fork,vfork,clone3 \
		-k "$key" || true
	backlog=$(cat "$BATS_FILE_TMPDIR/backlog" 2>/dev/null)
	[ -n "$backlog" ] && auditctl -b "$backlog" >/dev/null || true
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM
}

teardown() {
	local c
	for c in $(runc --root "$BATS_FILE_TMPDIR/runc" list -q 2>/dev/null); do
		runc --root "$BATS_FILE_TMPDIR/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
}

# The container's script: commands marked CTR.<what>.$TAG, a background
# child, and a fork that outlives its parent (reparented to the init).
container_cmd() {
	echo "/bin/ls -d /CTR.ls.$TAG 2>/dev/null;" \
	     "/bin/cat /dev/null /CTR.cat.$TAG 2>/dev/null;" \
	     "/bin/date +CTR.date.$TAG >/dev/null;" \
	     "/bin/date +CTR.bg.$TAG >/dev/null &" \
	     "sh -c '(sleep 0.3; /bin/date +CTR.orphan.$TAG >/dev/null; /bin/uname >/dev/null) &';" \
	     "wait; sleep 0.8"
}

# The same commands on the host, marked HOST.<what>.$TAG, meanwhile.
host_commands() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		/bin/ls -d "/HOST.ls.$TAG" 2>/dev/null || true
		/bin/cat /dev/null "/HOST.cat.$TAG" 2>/dev/null || true
		/bin/date "+HOST.date.$TAG" >/dev/null
		/bin/date "+HOST.bg.$TAG" >/dev/null &
		sh -c "(sleep 0.1; /bin/date +HOST.orphan.$TAG >/dev/null) &"
		sleep 0.1
	done
	wait
}

# serials FILE: the distinct event serials in raw records, sorted.
serials() {
	grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$1" | sed 's/.*:\([0-9]*\))/\1/' |
		sort -n -u
}

# check_commands OUTPUT: every marked container command is in the -i
# output of acid events as an EXECVE record, and no host command is.
check_commands() {
	local out=$1 what
	for what in ls cat date bg orphan; do
		printf '%s\n' "$out" | grep -q "^type=EXECVE .* a[0-9]*=[+/]CTR\.$what\.$TAG " ||
			fail "no EXECVE of the container's $what command (CTR.$what.$TAG)"
	done
	printf '%s\n' "$out" | grep -q '^type=EXECVE .* a0=/bin/uname $' ||
		fail "no EXECVE of the orphan's /bin/uname"
	printf '%s\n' "$out" | grep -q '^type=PROCTITLE .* proctitle=/bin/date +CTR\.orphan\.' ||
		fail "no PROCTITLE of the orphan's date"
	if printf '%s\n' "$out" | grep "HOST\.[a-z]*\.$TAG"; then
		fail "a host process is attributed to the container"
	fi
}

@test "acid events NAME: the container's commands, and none of the host's (ancestry)" {
	local name b=$BATS_TEST_TMPDIR/b uuid hostpid out
	name=$(uname_for events)
	BUNDLE_CMD=$(container_cmd) make_bundle "$b"
	host_commands &
	hostpid=$!
	run run_runc "$b" "$name"
	wait "$hostpid"
	assert_success
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"

	run --separate-stderr "$ACID" events "$name" -i
	assert_success
	out=$output
	check_commands "$out"
	# its own two records, as ausearch -i prints them
	assert_equal "$(printf '%s\n' "$out" | grep -c '^type=VIRT_CONTROL')" 2
	assert_equal "$(printf '%s\n' "$out" | grep '^type=VIRT_CONTROL')" \
		"$(ausearch -m VIRT_CONTROL --uuid "$uuid" -i | grep '^type=VIRT_CONTROL')"
	# each event once, as ausearch prints them: ---- before each
	assert_equal "$(printf '%s\n' "$out" | grep -c '^----$')" \
		"$(printf '%s\n' "$out" | grep -o 'msg=audit([^)]*)' | sort -u | wc -l)"

	# the UUID selects the same; the raw lines are the log's own
	"$ACID" events "$name" > "$BATS_TEST_TMPDIR/by-name"
	"$ACID" events "$uuid" > "$BATS_TEST_TMPDIR/by-uuid"
	"$ACID" events "${uuid^^}" --raw > "$BATS_TEST_TMPDIR/by-UUID"
	cmp "$BATS_TEST_TMPDIR/by-name" "$BATS_TEST_TMPDIR/by-uuid"
	cmp "$BATS_TEST_TMPDIR/by-name" "$BATS_TEST_TMPDIR/by-UUID"
	while IFS= read -r line; do
		grep -qaxF -- "$line" "$AUDIT_LOG" /var/log/audit/audit.log.* 2>/dev/null ||
			fail "not a line of the log: $line"
	done < "$BATS_TEST_TMPDIR/by-name"

	# the fast reader and libauparse on every line agree
	"$ACID" events "$name" --no-prefilter > "$BATS_TEST_TMPDIR/ref"
	cmp "$BATS_TEST_TMPDIR/by-name" "$BATS_TEST_TMPDIR/ref"

	# the report: ended, with these events counted
	run --separate-stderr "$ACID" report
	assert_success
	local line events n
	line=$(printf '%s\n' "$output" | grep -F " $uuid  $name ")
	[ -n "$line" ] || fail "acid report has no line for $uuid"
	[[ "$line" =~ [0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8}\ +[0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8} ]] ||
		fail "no start and stop time in: $line"
	events=$(printf '%s\n' "$line" | awk '{ print $(NF - 1) }')
	n=$(serials "$BATS_TEST_TMPDIR/by-name" | wc -l)
	# its own two records are listed by events, not counted by report
	assert_equal "$events" "$((n - 2))"
}

@test "acid events UUID under acid-exec: the session tag, as ausearch --session sees it" {
	[ -x "$ACID_EXEC" ] || fail "$ACID_EXEC was not built (acid-exec)"
	local name b=$BATS_TEST_TMPDIR/b start stop ses uuid first last hostpid
	name=$(uname_for session)
	BUNDLE_CMD=$(container_cmd) make_bundle "$b"
	host_commands &
	hostpid=$!
	run "$ACID_EXEC" runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name" </dev/null
	wait "$hostpid"
	assert_success
	start=$(records "$name" 2 | grep -a op=start)
	stop=$(records "$name" 2 | grep -a op=stop)
	ses=$(field ses-tag "$start")
	uuid=$(field uuid "$start")
	[[ "$ses" =~ ^[0-9]+$ ]] || fail "no ses-tag in the start record: $start"
	first=$(printf '%s\n' "$start" | sed 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/')
	last=$(printf '%s\n' "$stop" | sed 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/')

	run --separate-stderr "$ACID" events "$uuid" -i
	assert_success
	check_commands "$output"

	"$ACID" events "$uuid" --raw > "$BATS_TEST_TMPDIR/acid"
	ausearch --session "$ses" --raw > "$BATS_TEST_TMPDIR/ausearch"
	serials "$BATS_TEST_TMPDIR/acid" > "$BATS_TEST_TMPDIR/a"
	serials "$BATS_TEST_TMPDIR/ausearch" > "$BATS_TEST_TMPDIR/s"
	[ -s "$BATS_TEST_TMPDIR/a" ] || fail "acid events found nothing"
	# all acid lists is in the session; all of the session between the
	# start and stop records is in what acid lists
	run comm -23 "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/s"
	assert_output ""
	awk -v f="$first" -v l="$last" '$1 >= f && $1 <= l' "$BATS_TEST_TMPDIR/s" \
		> "$BATS_TEST_TMPDIR/s-life"
	run comm -13 "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/s-life"
	assert_output ""
	# the same records, line for line
	run --separate-stderr "$ACID" events "$uuid" --no-prefilter --raw
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/acid")"
}

@test "acid events NAME: every run of that name; acid report: one line each" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for twice)
	BUNDLE_CMD="/bin/date +CTR.twice.$TAG >/dev/null" make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	run run_runc "$b" "$name"
	assert_success
	records "$name" 4 >/dev/null
	run --separate-stderr "$ACID" events "$name" -i
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c "^type=VIRT_CONTROL .* op=start ")" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c "^type=VIRT_CONTROL .* op=stop ")" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c "^type=EXECVE .* a1=+CTR\.twice\.$TAG ")" 2
	run --separate-stderr "$ACID" report
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c "  $name  ")" 2
}

@test "acid report: running while the init lives, lost when it died without a stop" {
	local name b=$BATS_TEST_TMPDIR/b pid uuid line
	name=$(uname_for running)
	BUNDLE_CMD="sleep 60" make_bundle "$b"
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$b" "$name" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $name failed"
	pid=$(runc --root "$BATS_FILE_TMPDIR/runc" state "$name" | jq -r .pid)
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"

	run --separate-stderr "$ACID" report
	assert_success
	line=$(printf '%s\n' "$output" | grep -F " $uuid ")
	[[ "$line" == *"  running  "* ]] || fail "not running: $line"

	# the init dies; no poststop has run yet: no stop record
	kill -KILL "$pid"
	for _ in $(seq 1 50); do
		[ -d "/proc/$pid" ] || break
		sleep 0.1
	done
	run --separate-stderr "$ACID" report
	assert_success
	line=$(printf '%s\n' "$output" | grep -F " $uuid ")
	[[ "$line" == *"  lost  "* ]] || fail "not lost: $line"
	runc --root "$BATS_FILE_TMPDIR/runc" delete -f "$name" >/dev/null 2>&1 || true
}

# build_forger: /forge in the test rootfs, a static program that sends
# acid's start record for a container that does not exist (runc's default
# spec gives a container CAP_AUDIT_WRITE, so the kernel takes it).
#   /forge NAME UUID [VM-PID]   (VM-PID: 1 unless given)
build_forger() {
	command -v cc >/dev/null || fail "cc is missing (the forger is built here)"
	cat > "$BATS_FILE_TMPDIR/forge.c" <<'C'
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		char text[1024];
	} m = { 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);

	if (argc < 3 || argc > 4 || fd < 0)
		return 2;
	snprintf(m.text, sizeof(m.text), "virt=oci op=start reason=register "
		 "vm=\"%s\" uuid=%s vm-pid=%s exe=\"/forge\" hostname=? "
		 "addr=? terminal=? res=success", argv[1], argv[2],
		 argc == 4 ? argv[3] : "1");
	m.h.nlmsg_len = NLMSG_LENGTH(strlen(m.text) + 1);
	m.h.nlmsg_type = 2500; /* VIRT_CONTROL */
	m.h.nlmsg_flags = NLM_F_REQUEST;
	return sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k,
		      sizeof(k)) < 0;
}
C
	cc -static -O2 -o "$(rootfs)/forge" "$BATS_FILE_TMPDIR/forge.c" ||
		fail "cannot build the forger (static libc: libc6-dev)"
}

@test "forged?: acid's record sent from inside a container is flagged" {
	local name b=$BATS_TEST_TMPDIR/b fake uuid line
	build_forger
	name=$(uname_for forger)
	fake=$(cat /proc/sys/kernel/random/uuid)
	BUNDLE_CMD="/bin/date +CTR.before.$TAG >/dev/null; /forge forged-$name $fake; echo forge=\$?" \
		make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	assert_line "forge=0"
	records "forged-$name" 1 >/dev/null
	records "$name" 2 >/dev/null

	# the forged container is flagged, the forger's is not
	run --separate-stderr "$ACID" report
	assert_success
	line=$(printf '%s\n' "$output" | grep -F " $fake ")
	[[ "$line" == *"  forged?" ]] || fail "not flagged: $line"
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	line=$(printf '%s\n' "$output" | grep -F " $uuid ")
	[[ "$line" == *"  -" ]] || fail "the forger's own container is flagged: $line"

	# the forged record is an event of the container that sent it
	run --separate-stderr "$ACID" events "$name" -i
	assert_success
	assert_line --regexp "^type=VIRT_CONTROL .* vm=forged-$name uuid=$fake "
	# (the live log may hold other tests' records: other warnings too)
	run --separate-stderr "$ACID" events "$fake"
	assert_success
	printf '%s\n' "$stderr" | grep -qxF "acid events: warning: container $fake (\"forged-$name\"): an acid record of it was sent by a process inside a container (forged?)" ||
		fail "no forged? warning for $fake in: $stderr"
}

# report_lines UUID: acid report's lines of container UUID.
report_lines() {
	printf '%s\n' "$output" | grep -F " $1 " || true
}

@test "conflict: a start record forged for a UUID before its container starts; the genuine run gets the events" {
	local fb=$BATS_TEST_TMPDIR/forger vb=$BATS_TEST_TMPDIR/victim
	local victim vname fname lines forged genuine
	build_forger
	victim=$(cat /proc/sys/kernel/random/uuid)
	vname=$(uname_for victim)
	fname=$(uname_for claimer)
	# a container claims the victim's ID and name first...
	BUNDLE_CMD="/forge $vname $victim; echo forge=\$?" make_bundle "$fb"
	run run_runc "$fb" "$fname"
	assert_success
	assert_line "forge=0"
	# ...then the victim starts with that ID
	BUNDLE_CMD=$(container_cmd) make_bundle "$vb"
	set_config "$vb" '.annotations["org.acid.container-id"] = $id' --arg id "$victim"
	run run_runc "$vb" "$vname"
	assert_success
	# the forged start, the genuine start and stop
	records "$vname" 3 >/dev/null

	run --separate-stderr "$ACID" report
	assert_success
	lines=$(report_lines "$victim")
	assert_equal "$(printf '%s\n' "$lines" | grep -c .)" 2
	forged=$(printf '%s\n' "$lines" | grep -F "forged?" || true)
	genuine=$(printf '%s\n' "$lines" | grep -vF "forged?" || true)
	[ -n "$forged" ] && [ -n "$genuine" ] ||
		fail "not one forged and one genuine run of $victim: $lines"
	[[ "$forged" == *"  displaced  "* && "$forged" == *"  forged?,conflict" ]] ||
		fail "the forged claim is not flagged: $forged"
	[[ "$genuine" == *"  conflict" ]] || fail "the genuine run is not flagged: $genuine"
	[[ "$genuine" =~ [0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8}\ +[0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8} ]] ||
		fail "the genuine run did not end with its stop record: $genuine"
	[ "$(printf '%s\n' "$genuine" | awk '{ print $(NF - 1) }')" -gt 0 ] ||
		fail "no events for the genuine run: $genuine"

	# its commands are attributed: by UUID and by name
	run --separate-stderr "$ACID" events "$victim" -i
	assert_success
	check_commands "$output"
	printf '%s\n' "$stderr" | grep -qF "acid events: warning: container $victim (\"$vname\"): two start records claim its ID (conflict): this run, sent from outside any container, is preferred" ||
		fail "no conflict warning for the genuine run in: $stderr"
	printf '%s\n' "$stderr" | grep -qF "acid events: warning: container $victim (\"$vname\"): two start records claim its ID (conflict): this claim was displaced" ||
		fail "no conflict warning for the forged claim in: $stderr"
	run --separate-stderr "$ACID" events "$vname" -i
	assert_success
	check_commands "$output"
}

@test "a claim naming the runtime's ancestor as its init does not make later containers look forged" {
	local fb=$BATS_TEST_TMPDIR/forger vb=$BATS_TEST_TMPDIR/later fake name line
	build_forger
	fake=$(cat /proc/sys/kernel/random/uuid)
	name=$(uname_for later)
	# the claimed init: this test's shell, an ancestor of every runc,
	# hook and container started below
	BUNDLE_CMD="/forge claim-$name $fake $BASHPID; echo forge=\$?" make_bundle "$fb"
	run run_runc "$fb" "$(uname_for poisoner)"
	assert_success
	assert_line "forge=0"
	BUNDLE_CMD="/bin/date +CTR.later.$TAG >/dev/null" make_bundle "$vb"
	run run_runc "$vb" "$name"
	assert_success
	records "$name" 2 >/dev/null
	records "claim-$name" 1 >/dev/null

	run --separate-stderr "$ACID" report
	assert_success
	line=$(printf '%s\n' "$output" | grep -F "  $name  ")
	# its own hooks sent its records from outside any container
	[[ "$line" == *"  -" ]] || fail "the later container is flagged: $line"
	[[ "$line" =~ [0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8}\ +[0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9:]{8} ]] ||
		fail "its stop record did not end it: $line"
	line=$(printf '%s\n' "$output" | grep -F " $fake ")
	[[ "$line" == *"  forged?" ]] || fail "the claim is not flagged: $line"
}

@test "acid events UUID: a container named like another's UUID is not selected; --name selects it" {
	local rb=$BATS_TEST_TMPDIR/real ib=$BATS_TEST_TMPDIR/impostor real rname
	real=$(cat /proc/sys/kernel/random/uuid)
	rname=$(uname_for real)
	BUNDLE_CMD="/bin/date +CTR.real.$TAG >/dev/null" make_bundle "$rb"
	set_config "$rb" '.annotations["org.acid.container-id"] = $id' --arg id "$real"
	run run_runc "$rb" "$rname"
	assert_success
	# runc takes a UUID-shaped container id
	BUNDLE_CMD="/bin/date +CTR.impostor.$TAG >/dev/null" make_bundle "$ib"
	run run_runc "$ib" "$real"
	assert_success
	records "$real" 2 >/dev/null
	records "$rname" 2 >/dev/null

	run --separate-stderr "$ACID" events "$real" -i
	assert_success
	assert_line --regexp "^type=EXECVE .* a1=\+CTR\.real\.$TAG "
	[[ "$output" != *"CTR.impostor.$TAG"* ]] || fail "the impostor's events are listed"
	assert_equal "$(printf '%s\n' "$output" | grep -c '^type=VIRT_CONTROL')" 2
	assert_equal "$(printf '%s\n' "$output" | grep '^type=VIRT_CONTROL' | grep -cF " uuid=$real ")" 2
	# upper case names the same ID
	run --separate-stderr "$ACID" events "${real^^}" -i
	[[ "$output" != *"CTR.impostor.$TAG"* ]] || fail "the impostor's events are listed (upper case)"

	run --separate-stderr "$ACID" events --name "$real" -i
	assert_success
	assert_line --regexp "^type=EXECVE .* a1=\+CTR\.impostor\.$TAG "
	[[ "$output" != *"CTR.real.$TAG"* ]] || fail "--name: the real one's events are listed"
}

@test "conflict.log: the report flags both claims; a UUID selects IDs only, --name names" {
	local id=c0c0c0c0-1111-4222-8333-444444444444
	run --separate-stderr "$ACID" report --input "$DATA/conflict.log"
	assert_success
	assert_line --regexp "^2\. +$id +web +.* displaced +- +1  forged\?,conflict$"
	assert_line --regexp "^3\. +$id +web +[0-9/]+ [0-9:]+ +[0-9/]+ [0-9:]+ +[0-9:.]+ +2  conflict$"
	assert_line --regexp "^4\. +$id +web +.* displaced +- +0  forged\?,conflict$"
	assert_line --regexp "^5\. +d0d0d0d0-5555-4666-8777-888888888888 +$id .*  -$"

	run --separate-stderr "$ACID" events "$id" --input "$DATA/conflict.log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -o 'msg=audit([0-9.]*:[0-9]*)' | sed 's/.*://; s/)//' | sort -u | tr '\n' ' ')" \
		"500 501 502 503 505 506 507 "
	run --separate-stderr "$ACID" events --name "$id" --input "$DATA/conflict.log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -o 'msg=audit([0-9.]*:[0-9]*)' | sed 's/.*://; s/)//' | sort -u | tr '\n' ' ')" \
		"508 509 510 "
	run --separate-stderr "$ACID" events --name="$id" --input "$DATA/conflict.log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '^type=VIRT_CONTROL')" 2

	run --separate-stderr "$ACID" events --input "$DATA/conflict.log" --name
	assert_failure 2
	assert_equal "$stderr" "acid events: --name needs a NAME"
	run --separate-stderr "$ACID" events --name web "$id" --input "$DATA/conflict.log"
	assert_failure 2
	assert_equal "$stderr" "acid events: one container only: \"web\" and \"$id\" (see --help)"
}

@test "exec.log: runc exec's process is its container's from the event its link names; session links, forged links, resrc=ns" {
	local j=55555555-6666-4777-8888-999999999991 s=55555555-6666-4777-8888-999999999992
	local serials='msg=audit([0-9.]*:[0-9]*)'
	# the logs read twice: 214 (the execve the plugin's link names) and
	# 224-227 (the joiner from its first setns, 5440 by CLONE_PARENT)
	run --separate-stderr "$ACID" events joined --input "$DATA/exec.log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -o "$serials" | sed 's/.*://; s/)//' | sort -u | tr '\n' ' ')" \
		"201 202 203 214 215 217 218 224 225 226 227 228 229 240 246 247 248 "
	assert_line --regexp '^type=EXECVE .* a2="cat /CTR.exec"'
	[[ "$output" != *"/HOST.exec"* ]] || fail "the host's same command is listed"
	assert_line --regexp "^type=VIRT_RESOURCE .*resrc=ns reason=unshare vm=\"joined\" uuid=$j .*task-pid=5399 old-net-ns=4026532181 new-net-ns=4026532301"
	# a pipe is read once: from the link record on, and it says so
	run --separate-stderr bash -c "cat '$DATA/exec.log' | '$ACID' events joined --input /dev/stdin --raw"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -o "$serials" | sed 's/.*://; s/)//' | sort -u | tr '\n' ' ')" \
		"201 202 203 217 218 228 229 240 246 247 248 "
	[[ "$stderr" == *"an input cannot be read twice (a pipe): 3 processes linked to a container count from the link record on"* ]] ||
		fail "no warning about the pipe: $stderr"

	# acid-exec's session link, the plugin's link without trigger, a
	# forged link sent from inside joined
	run --separate-stderr "$ACID" events sess --input "$DATA/exec.log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -o "$serials" | sed 's/.*://; s/)//' | sort -u | tr '\n' ' ')" \
		"230 231 233 234 235 237 238 240 250 "
	[[ "$output" != *"/HOST.forged"* ]] || fail "the forged link was applied"
	[[ "$stderr" == *"link record (serial 240) for container $s (\"sess\") sent by pid 5399 inside a container: not applied (forged?)"* ]] ||
		fail "no forged-link warning: $stderr"

	run --separate-stderr "$ACID" report --input "$DATA/exec.log"
	assert_success
	assert_line --regexp "^1\. +$j +joined +.* +13  -$"
	assert_line --regexp "^2\. +$s +sess +.* +4  forged\?$"
	assert_line --regexp "^3\. +55555555-6666-4777-8888-999999999993 +quiet +.* +0  forged\?$"
	# late's process (runc exec, linked from its execve on) sent fake's
	# start record: from inside
	assert_line --regexp "^4\. +55555555-6666-4777-8888-999999999994 +late +.* +2  -$"
	assert_line --regexp "^5\. +55555555-6666-4777-8888-999999999995 +fake +.* +0  forged\?$"
	assert_equal "$stderr" "acid report: warning: 4 warnings (2 forged acid record, 2 link or ns record of no open run); --verbose shows each"
	# read once (a pipe), 8420 is late's only from the link on
	run --separate-stderr bash -c "cat '$DATA/exec.log' | '$ACID' report --input /dev/stdin"
	assert_success
	assert_line --regexp "^4\. +55555555-6666-4777-8888-999999999994 +late +.* +0  -$"
	assert_line --regexp "^5\. +55555555-6666-4777-8888-999999999995 +fake +.* +0  -$"
	run --separate-stderr "$ACID" report --input "$DATA/exec.log" --verbose
	assert_success
	[[ "$stderr" == *"exec.log:115: link record (serial 242, op=exec reason=setns task-pid=6002) for container 55555555-6666-4777-8888-999999999999, which is not running: ignored"* ]] ||
		fail "no warning for the unknown ID: $stderr"
	[[ "$stderr" == *"(serial 243, op=exec reason=setns task-pid=6003) for container $j, which is not running on this node: ignored"* ]] ||
		fail "no warning for the other node's link: $stderr"

	# JSON: the same attribution; the namespace change is joined's event
	run --separate-stderr "$ACID" events joined --input "$DATA/exec.log" --json
	assert_success
	assert_equal "$(printf '%s\n' "$output" | jq -r 'select(.audit.serial == 214) | "\(.container.id) \(.process.pid) \(.process.parent.pid)"')" "$j 5420 5411"
	assert_equal "$(printf '%s\n' "$output" | jq -r 'select(.audit.serial == 246) | "\(.audit.type) \(.container.name)"')" "VIRT_RESOURCE joined"
	run --separate-stderr "$ACID" report --input "$DATA/exec.log" --json
	assert_success
	assert_equal "$(printf '%s\n' "$output" | jq -r 'select(.audit.serial == 227 or .audit.serial == 238) | .container.name' | tr '\n' ' ')" "joined sess "
	assert_equal "$(printf '%s\n' "$output" | jq -r 'select(.audit.serial == 216 or .audit.serial == 219 or .audit.serial == 241 or .audit.serial == 244) | .container.name' | tr '\n' ' ')" "null null null null "
}

@test "hostile logs: acid events and acid report warn, skip, and read the rest" {
	local log=$BATS_TEST_TMPDIR/hostile.log i
	{
		cat "$DATA/hostile.log"
		echo
		head -c 300000 /dev/urandom | tr -d '\n\000'
		echo
		for i in $(seq 1 30); do echo "junk line $i"; done
		cat "$DATA/ancestry.log"
	} > "$log"

	run --separate-stderr "$ACID" report --input "$log"
	assert_success
	assert_line --partial "  survivor  "
	assert_line --partial "  web-1  "
	# one line that counts the warnings by kind
	assert_equal "$stderr" "acid report: warning: 47 records skipped (36 not an audit record, 11 invalid acid record); --verbose shows each"
	run --separate-stderr "$ACID" report --input "$log" --verbose
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c '^acid report: warning: ')" 47
	[[ "${stderr_lines[0]}" == "acid report: warning: $log:1: not an audit record"* ]] ||
		fail "first warning: ${stderr_lines[0]}"

	run --separate-stderr "$ACID" events web-1 --input "$log" --raw
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -ao 'msg=audit([^)]*)' | sort -u | wc -l)" 9
	[ -n "$stderr" ] || fail "no warnings on stderr"

	run --separate-stderr "$ACID" events survivor --input "$log" -i
	assert_success
	assert_line --partial "a1=+SURVIVOR.date "

	# a name in the log made of escape sequences is printed escaped
	run --separate-stderr "$ACID" report --input "$DATA/hostile.log"
	assert_success
	assert_line --partial '\033[31mred'
	[[ "$output" != *$'\033'* ]] || fail "an escape sequence reached the terminal"
}

@test "acid events and report: usage errors exit 2, failures 1, one line each" {
	run --separate-stderr "$ACID" events
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == "acid events: "* ]] || fail "$stderr"

	run --separate-stderr "$ACID" events --bogus x
	assert_failure 2
	assert_equal "$stderr" 'acid events: unknown option "--bogus" (see --help)'

	run --separate-stderr "$ACID" events a b
	assert_failure 2
	run --separate-stderr "$ACID" events -i --raw web-1
	assert_failure 2
	assert_equal "$stderr" "acid events: -i, --raw and --json exclude each other"
	run --separate-stderr "$ACID" events web-1 --input
	assert_failure 2

	run --separate-stderr "$ACID" events "nosuch-$TAG" --input "$DATA/ancestry.log"
	assert_failure 1
	assert_equal "$stderr" "acid events: no container \"nosuch-$TAG\" in the audit logs"
	assert_output ""

	run --separate-stderr "$ACID" events web-1 --input /nonexistent/audit.log
	assert_failure 1
	assert_equal "$stderr" 'acid events: cannot read "/nonexistent/audit.log": No such file or directory'

	run --separate-stderr "$ACID" events --help
	assert_success
	assert_line --index 0 --partial "usage: acid events"
	assert_equal "$stderr" ""

	run --separate-stderr "$ACID" report --help
	assert_success
	assert_line --index 0 --partial "usage: acid report"
	run --separate-stderr "$ACID" report extra
	assert_failure 2
	assert_equal "$stderr" 'acid report: unexpected argument "extra" (see --help)'
	run --separate-stderr "$ACID" report --input /nonexistent/audit.log
	assert_failure 1

	# the UUID in upper case, and the 32-hex form, name the same one
	run --separate-stderr "$ACID" events 11111111-2222-4333-8444-555555555555 --input "$DATA/ancestry.log"
	assert_success
	local lower=$output
	run --separate-stderr "$ACID" events 11111111222243338444555555555555 --input "$DATA/ancestry.log"
	assert_equal "$output" "$lower"
	run --separate-stderr "$ACID" events 11111111-2222-4333-8444-555555555555 --input "$DATA/ancestry.log" --no-prefilter
	assert_equal "$output" "$lower"
}

@test "warnings: one line counting those about other records; the asked container's stay; --verbose shows each" {
	local id=77777777-8888-4999-8aaa-bbbbbbbbbbbb
	local in=(--input "$DATA/hostile.log" --input "$DATA/hijack.log")

	# a container not in the logs: the summary, then the answer
	run --separate-stderr "$ACID" events "nosuch-$TAG" "${in[@]}"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "acid events: warning: 16 records skipped (5 not an audit record, 11 invalid acid record); 4 other warnings (2 forged acid record, 2 conflicting start record); --verbose shows each
acid events: no container \"nosuch-$TAG\" in the audit logs"

	# the warnings about victim's ID stay, each one; the rest are counted
	run --separate-stderr "$ACID" events victim "${in[@]}"
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "hijack.log:1[234]: start record (serial 20[34]) for container $id")" 3
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "hijack.log:14: stop record (serial 205) for container $id")" 1
	printf '%s\n' "$stderr" | grep -qxF "acid events: warning: 16 records skipped (5 not an audit record, 11 invalid acid record); --verbose shows each" ||
		fail "no summary line for the others: $stderr"
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "^acid events: warning: $DATA/")" 4
	# by ID the same
	run --separate-stderr "$ACID" events "$id" "${in[@]}"
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "^acid events: warning: $DATA/")" 4

	# --verbose: every warning with its place, no summary
	run --separate-stderr "$ACID" events victim "${in[@]}" --verbose
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "^acid events: warning: $DATA/[a-z]*\.log:[0-9]*: ")" 20
	[[ "$stderr" != *"--verbose shows each"* ]] || fail "a summary with --verbose: $stderr"
	run --separate-stderr "$ACID" report "${in[@]}" --verbose
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c "^acid report: warning: $DATA/[a-z]*\.log:[0-9]*: ")" 20
	assert_equal "${#stderr_lines[@]}" 20
}
