#!/usr/bin/env bats
# audisp-acid's namespace-change records (VIRT_RESOURCE resrc=ns), end to
# end: the kernel logs a container process's unshare, setns, clone and
# clone3 under the shipped rules (plugin/acid.rules, loaded for this file
# under a key of its own and removed at its end), the system auditd writes
# them to its log, audisp-acid reads that log as it is written (tail -F
# into its standard input: the string format auditd gives a plugin) and
# sends its record through the kernel into the same log, where ausearch
# finds it by the container's UUID. The witnesses are independent of the
# plugin: the process's own /proc/<pid>/ns link read inside the container,
# the host's stat of /proc/<task-pid>/ns while the process sleeps, the
# container's start record, the triggering SYSCALL record.
#
# The system auditd is shared: no plugin is added to it; the plugin and
# its tail are this file's own processes, ended by pid.

load helpers

PLUGIN=${ACID_PLUGIN_BIN:-$BUILD/plugin/audisp-acid}
ACID=${ACID_BIN:-$BUILD/tools/acid}
NSCLONE=$BUILD/tests/acid-test-nsclone
NS32=$BUILD/tests/acid-test-ns32
RULES=$REPO/plugin/acid.rules

setup_file() {
	local d=$BATS_FILE_TMPDIR key line i mark
	require_components
	for i in "$PLUGIN" "$ACID" "$NSCLONE" "$NS32"; do
		[ -x "$i" ] || fail "$i was not built"
	done
	file -L "$NSCLONE" | grep -q 'statically linked' ||
		fail "$NSCLONE is not static: it cannot run in the busybox rootfs"
	for i in tail ip mkfifo stat file; do
		command -v "$i" >/dev/null ||
			fail "required component '$i' is missing (scripts/install-deps.sh installs it)"
	done
	# the shipped rules, under this file's own key (others' tests load
	# and remove key=acid as they please)
	key=acid-ns-$$
	grep '^-a ' "$RULES" | sed "s/ -k acid\$/ -k $key/" > "$d/rules"
	[ "$(grep -c " -k $key\$" "$d/rules")" = "$(grep -c '^-a ' "$RULES")" ] ||
		fail "$RULES: a rule without -k acid at its end"
	while IFS= read -r line; do
		# shellcheck disable=SC2086 # a rule is its words
		auditctl $line >&2 || fail "auditctl $line failed"
	done < "$d/rules"

	# the plugin, fed the system log as auditd writes it
	mkdir -m 0700 "$d/state"
	mkfifo "$d/feed"
	ACID_STATE_DIR=$d/state "$PLUGIN" --no-seed --output "$d/events.json" \
		<"$d/feed" >"$d/plugin.out" 2>&1 3>&- &
	echo $! > "$d/plugin.pid"
	tail -n0 -F "$AUDIT_LOG" >"$d/feed" 2>/dev/null </dev/null 3>&- &
	echo $! > "$d/tail.pid"
	# it runs once it has written an event logged after tail opened the
	# log (tail starts at its end: a mark written before it opened the
	# file is not fed)
	for i in $(seq 1 5); do
		mark=$(audit_mark)
		wait_saw "$mark" 30 && return 0
	done
	fail "audisp-acid never wrote the event of mark $mark ($(grep -c . "$d/events.json") events written): $(cat "$d/plugin.out")"
}

teardown_file() {
	local d=$BATS_FILE_TMPDIR line p
	for p in tail plugin; do
		[ -s "$d/$p.pid" ] || continue
		kill -CONT "$(cat "$d/$p.pid")" 2>/dev/null || true
		kill "$(cat "$d/$p.pid")" 2>/dev/null || true
	done
	[ -e "$d/rules" ] || return 0
	while IFS= read -r line; do
		# shellcheck disable=SC2086 # a rule is its words
		auditctl ${line/#-a /-d } >/dev/null 2>&1 || true
	done < "$d/rules"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
	PLUGIN_PID=$(cat "$BATS_FILE_TMPDIR/plugin.pid")
	kill -0 "$PLUGIN_PID" || fail "audisp-acid (pid $PLUGIN_PID) is not running: $(cat "$BATS_FILE_TMPDIR/plugin.out")"
}

teardown() {
	kill -CONT "$(cat "$BATS_FILE_TMPDIR/tail.pid")" 2>/dev/null || true
	delete_runc_containers
	[ -z "${NETNS:-}" ] || ip netns del "$NETNS" 2>/dev/null || true
}

# section_since MARK: the log's records after serial MARK.
section_since() {
	audit_log | awk -v m="$1" 'match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
		s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
		if (s + 0 > m + 0) print }'
}

# plugin_saw SERIAL: the plugin has written the event SERIAL of the log
# (the local node's: the file holds no other).
plugin_saw() {
	grep -qF "{\"serial\":$1," "$BATS_FILE_TMPDIR/events.json" 2>/dev/null
}

# wait_saw SERIAL [TENTHS]: until the plugin has written it (default 10 s).
wait_saw() {
	local i
	for i in $(seq 1 "${2:-100}"); do
		plugin_saw "$1" && return 0
		sleep 0.1
	done
	return 1
}

# start BUNDLE NAME: runc run -d; prints the start record.
start() {
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$1" "$2" </dev/null >"$1/runc.out" 2>&1 ||
		fail "runc run -d $2 failed: $(cat "$1/runc.out")"
	records "$2" 1 | grep -a op=start || fail "no start record for $2"
}

# wait_file FILE: until it holds a line (10 s).
wait_file() {
	local i
	for i in $(seq 1 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 was never written"
}

# ns_records UUID MIN: the resrc=ns records of UUID in the audit log, as
# ausearch finds them (--uuid), waiting up to 10 s for MIN of them.
ns_records() {
	local i out
	for i in $(seq 1 50); do
		out=$(ausearch -m VIRT_RESOURCE --uuid "$1" --raw 2>/dev/null |
			grep -a ' resrc=ns ' || true)
		[ "$(printf '%s' "$out" | grep -c .)" -ge "$2" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# kinds RECORD: the namespace kinds it names, old and new: "net:old,new ..."
kinds() {
	printf '%s\n' "$1" | grep -o ' \(old\|new\)-[a-z-]*-ns=' | tr -d ' =' | sort -u | tr '\n' ' '
}

# nspid HOSTPID: the pid the process has in its innermost pid namespace.
nspid() {
	awk '$1 == "NSpid:" { print $NF }' "/proc/$1/status"
}

# trigger_syscall RECORD: the SYSCALL record of its trigger= event (asked
# again when auditd rotated its log under ausearch's feet).
trigger_syscall() {
	local t i
	t=$(field trigger "$1")
	[ -n "$t" ] || fail "no trigger= in $1"
	for i in 1 2 3 4 5; do
		ausearch -a "${t#*:}" --raw 2>/dev/null |
			grep -a "^type=SYSCALL msg=audit($t)" && return 0
		sleep 0.2
	done
	return 1
}

# check_common RECORD NAME START: the record's head and tail: the
# container's name, UUID and init as its start record gives them, sent by
# this file's plugin (the kernel's pid= and exe=).
check_common() {
	local r=$1 name=$2 start=$3
	assert_equal "$(field vm "$r")" "\"$name\""
	assert_equal "$(field uuid "$r")" "$(field uuid "$start")"
	assert_equal "$(field vm-pid "$r")" "$(field vm-pid "$start")"
	[[ "$r" == "type=VIRT_RESOURCE msg=audit("*"): pid="*" msg='virt=oci resrc=ns reason="* ]] ||
		fail "not a resrc=ns record: $r"
	assert_equal "$(printf '%s\n' "$r" | grep -o ' pid=[0-9]*' | head -n1)" " pid=$PLUGIN_PID"
	assert_equal "$(field exe "$r")" "\"$(realpath "$PLUGIN")\""
	[[ "$r" == *" hostname=? addr=? terminal=? res=success'"* ]] ||
		fail "not libaudit's trailer: $r"
	assert_equal "$(printf '%s\n' "$r" | grep -o ' task-pid=' | wc -l)" 1
}

# check_attributed RECORD UUID: the record is the container's: acid events
# UUID lists it (from the log), and the plugin's JSON gives its event
# container.id UUID (the plugin read its own record back from the log).
check_attributed() {
	local r=$1 uuid=$2 id serial
	id=$(printf '%s\n' "$r" | grep -o 'msg=audit([0-9.]*:[0-9]*)' | head -n1)
	serial=${id##*:}; serial=${serial%)}
	# acid events' own inputs: auditd's log and every rotated file (a
	# busy machine rotated the start record past .2 in CI); asked twice,
	# since a rotation while it reads can hide a record
	"$ACID" events "$uuid" > "$BATS_TEST_TMPDIR/events.out" 2>&1 ||
		"$ACID" events "$uuid" > "$BATS_TEST_TMPDIR/events.out" 2>&1 ||
		fail "acid events $uuid failed: $(cat "$BATS_TEST_TMPDIR/events.out")"
	grep -aF "type=VIRT_RESOURCE $id:" "$BATS_TEST_TMPDIR/events.out" >/dev/null ||
		fail "acid events $uuid does not list $id: $(cat "$BATS_TEST_TMPDIR/events.out")"
	wait_saw "$serial" || fail "the plugin never wrote the event of its own record $id"
	assert_equal "$(grep -F "{\"serial\":$serial," "$BATS_FILE_TMPDIR/events.json" |
		jq -r 'select(.audit.type == "VIRT_RESOURCE") | .container.id')" "$uuid"
}

@test "unshare -n in a registered runc container: old net-ns is the container's, new is what /proc shows for that process" {
	local b=$BATS_TEST_TMPDIR/b name start uuid r pid ino task sys
	name=$(uname_for nsun)
	ns_bundle "$b" 'unshare -n sh -c '\''echo $$ $(readlink /proc/$$/ns/net) > /tmp/un.out; sleep 6'\'''
	start=$(start "$b" "$name")
	uuid=$(field uuid "$start")
	wait_file "$b/out/un.out"
	read -r pid ino < "$b/out/un.out"
	ino=${ino#net:[}; ino=${ino%]}
	[ "$ino" != "$(field net-ns "$start")" ] || fail "unshare -n kept the container's net namespace"

	r=$(ns_records "$uuid" 1)
	assert_equal "$(printf '%s\n' "$r" | grep -c .)" 1
	check_common "$r" "$name" "$start"
	assert_equal "$(field reason "$r")" unshare
	assert_equal "$(kinds "$r")" "new-net-ns old-net-ns "
	assert_equal "$(field old-net-ns "$r")" "$(field net-ns "$start")"
	assert_equal "$(field new-net-ns "$r")" "$ino"
	[[ "$r" != *task=gone* ]] || fail "the process lives, yet: $r"
	# task-pid is that process, as the host sees it while it sleeps
	task=$(field task-pid "$r")
	assert_equal "$(nspid "$task")" "$pid"
	assert_equal "$(stat -L -c %i "/proc/$task/ns/net")" "$ino"
	# the trigger is its unshare(CLONE_NEWNET): the kernel's record
	sys=$(trigger_syscall "$r")
	[ -n "$sys" ] || fail "no SYSCALL record for trigger $(field trigger "$r")"
	assert_equal "$(field syscall "$sys")" 272
	assert_equal "$(field a0 "$sys")" 40000000
	assert_equal "$(field pid "$sys")" "$task"
	check_attributed "$r" "$uuid"
}

@test "setns (nsenter -n) into a host-made net namespace: old is the container's, new that namespace; a setns into its own namespace is no change" {
	local b=$BATS_TEST_TMPDIR/b name start uuid r pid ino task sys noop
	name=$(uname_for nsset)
	NETNS=acid-ns-$TAG
	ip netns add "$NETNS" || fail "ip netns add $NETNS failed"
	ino=$(stat -L -c %i "/run/netns/$NETNS")
	ns_bundle "$b" 'nsenter -n/proc/1/ns/net sh -c '\''echo $$ > /tmp/noop.out; sleep 6'\'' &
		sleep 0.5; nsenter -n/tmp/netns sh -c '\''echo $$ $(readlink /proc/$$/ns/net) > /tmp/set.out; sleep 6'\''; wait'
	set_config "$b" '.mounts += [{ destination: "/tmp/netns", type: "bind",
		source: $ns, options: ["bind"] }]' --arg ns "/run/netns/$NETNS"
	start=$(start "$b" "$name")
	uuid=$(field uuid "$start")
	wait_file "$b/out/set.out"
	read -r pid r < "$b/out/set.out"
	assert_equal "$r" "net:[$ino]"

	# one record: the setns into the container's own namespace (the
	# first nsenter, alive) changed nothing
	r=$(ns_records "$uuid" 1)
	sleep 0.5
	r=$(ns_records "$uuid" 1)
	assert_equal "$(printf '%s\n' "$r" | grep -c .)" 1
	check_common "$r" "$name" "$start"
	assert_equal "$(field reason "$r")" setns
	assert_equal "$(kinds "$r")" "new-net-ns old-net-ns "
	assert_equal "$(field old-net-ns "$r")" "$(field net-ns "$start")"
	assert_equal "$(field new-net-ns "$r")" "$ino"
	[[ "$r" != *task=gone* ]] || fail "the process lives, yet: $r"
	task=$(field task-pid "$r")
	assert_equal "$(nspid "$task")" "$pid"
	assert_equal "$(stat -L -c %i "/proc/$task/ns/net")" "$ino"
	sys=$(trigger_syscall "$r")
	assert_equal "$(field syscall "$sys")" 308
	assert_equal "$(field a1 "$sys")" 40000000
	assert_equal "$(field pid "$sys")" "$task"
	check_attributed "$r" "$uuid"
	# the no-op nsenter's own setns was logged and seen, and is no record
	noop=$(cat "$b/out/noop.out")
	[ -n "$noop" ] || fail "the first nsenter did not run"
}

@test "clone and clone3 with CLONE_NEWUTS: reason=clone, task-pid the child (the syscall's exit), new uts-ns the child's" {
	local b=$BATS_TEST_TMPDIR/b name start uuid r rec how pid ino task sys
	name=$(uname_for nscl)
	ns_bundle "$b" '/tmp/nsclone clone 6 > /tmp/clone.out & /tmp/nsclone clone3 6 > /tmp/clone3.out & wait'
	cp "$NSCLONE" "$b/out/nsclone"
	start=$(start "$b" "$name")
	uuid=$(field uuid "$start")
	wait_file "$b/out/clone.out"
	wait_file "$b/out/clone3.out"

	r=$(ns_records "$uuid" 2) || fail "no resrc=ns record: $(ausearch -m VIRT_RESOURCE --uuid "$uuid" --raw 2>&1)"
	assert_equal "$(printf '%s\n' "$r" | grep -c .)" 2
	for how in clone clone3; do
		read -r pid ino < "$b/out/$how.out"
		ino=${ino#uts:[}; ino=${ino%]}
		[ "$ino" != "$(field uts-ns "$start")" ] || fail "$how kept the container's uts namespace"
		rec=$(printf '%s\n' "$r" | grep -a " new-uts-ns=$ino ") ||
			fail "no record with new-uts-ns=$ino ($how): $r"
		check_common "$rec" "$name" "$start"
		assert_equal "$(field reason "$rec")" clone
		assert_equal "$(kinds "$rec")" "new-uts-ns old-uts-ns "
		assert_equal "$(field old-uts-ns "$rec")" "$(field uts-ns "$start")"
		[[ "$rec" != *task=gone* ]] || fail "the child lives, yet: $rec"
		# task-pid: the child, sleeping; the trigger: its parent's
		# clone/clone3 that returned it
		task=$(field task-pid "$rec")
		assert_equal "$(nspid "$task")" "$pid"
		assert_equal "$(stat -L -c %i "/proc/$task/ns/uts")" "$ino"
		sys=$(trigger_syscall "$rec")
		# exit= is the child's pid where its parent runs: the container's
		assert_equal "$(field exit "$sys")" "$pid"
		assert_equal "$(field pid "$sys")" "$(awk '$1 == "PPid:" { print $2 }' "/proc/$task/status")"
		if [ "$how" = clone ]; then
			assert_equal "$(field syscall "$sys")" 56
			# flags: CLONE_NEWUTS | SIGCHLD
			assert_equal "$(field a0 "$sys")" 4000011
		else
			assert_equal "$(field syscall "$sys")" 435
		fi
	done
}

@test "the 32-bit ABI (b32 rules): an i386 program's unshare(CLONE_NEWUTS) gives the record too" {
	local b=$BATS_TEST_TMPDIR/b name start uuid r task sys
	name=$(uname_for ns32)
	ns_bundle "$b" '/tmp/ns32; echo $? > /tmp/ns32.rc; sleep 2'
	cp "$NS32" "$b/out/ns32"
	start=$(start "$b" "$name")
	uuid=$(field uuid "$start")
	r=$(ns_records "$uuid" 1) || fail "no resrc=ns record: $(ausearch -m VIRT_RESOURCE --uuid "$uuid" --raw 2>&1)"
	assert_equal "$(printf '%s\n' "$r" | grep -c .)" 1
	check_common "$r" "$name" "$start"
	assert_equal "$(field reason "$r")" unshare
	assert_equal "$(kinds "$r")" "new-uts-ns old-uts-ns "
	assert_equal "$(field old-uts-ns "$r")" "$(field uts-ns "$start")"
	[[ "$r" != *task=gone* ]] || fail "the process lives, yet: $r"
	task=$(field task-pid "$r")
	# the i386 program, sleeping, in the namespace the record names
	assert_equal "$(readlink "/proc/$task/exe")" /tmp/ns32
	assert_equal "$(stat -L -c %i "/proc/$task/ns/uts")" "$(field new-uts-ns "$r")"
	sys=$(trigger_syscall "$r")
	assert_equal "$(field arch "$sys")" 40000003
	assert_equal "$(field syscall "$sys")" 310
	assert_equal "$(field a0 "$sys")" 4000000
	assert_equal "$(field pid "$sys")" "$task"
	wait_file "$b/out/ns32.rc"
	assert_equal "$(cat "$b/out/ns32.rc")" 0
}

@test "a process gone before it is read: task=gone and new-net-ns=?, never an inode; read in time, only the true inode" {
	local b=$BATS_TEST_TMPDIR/b name start uuid r first second tailpid sys
	tailpid=$(cat "$BATS_FILE_TMPDIR/tail.pid")
	name=$(uname_for nsgone)
	ns_bundle "$b" 'unshare -n true; echo 1 > /tmp/free.done
		while [ ! -e /tmp/go ]; do sleep 0.1; done
		unshare -n true; echo 2 > /tmp/stopped.done; sleep 6'
	start=$(start "$b" "$name")
	uuid=$(field uuid "$start")
	wait_file "$b/out/free.done"
	# the plugin as fast as it is: it may have read the namespace of the
	# process before it exited, or not; either form is true, no other
	first=$(ns_records "$uuid" 1)
	assert_equal "$(printf '%s\n' "$first" | grep -c .)" 1
	check_common "$first" "$name" "$start"
	assert_equal "$(field reason "$first")" unshare
	assert_equal "$(kinds "$first")" "new-net-ns old-net-ns "
	assert_equal "$(field old-net-ns "$first")" "$(field net-ns "$start")"
	if [[ "$first" == *" task=gone "* ]]; then
		assert_equal "$(field new-net-ns "$first")" "?"
	else
		[[ "$(field new-net-ns "$first")" =~ ^[0-9]+$ ]] || fail "new-net-ns is neither ? nor an inode: $first"
		[ "$(field new-net-ns "$first")" != "$(field net-ns "$start")" ] ||
			fail "new-net-ns is the container's own: $first"
	fi

	# the plugin held back (its input stopped) until the process is gone
	kill -STOP "$tailpid"
	touch "$b/out/go"
	wait_file "$b/out/stopped.done"
	sleep 0.3
	kill -CONT "$tailpid"
	r=$(ns_records "$uuid" 2)
	assert_equal "$(printf '%s\n' "$r" | grep -c .)" 2
	second=$(printf '%s\n' "$r" | grep -avF "$first")
	check_common "$second" "$name" "$start"
	assert_equal "$(field reason "$second")" unshare
	assert_equal "$(kinds "$second")" "new-net-ns old-net-ns "
	assert_equal "$(field old-net-ns "$second")" "$(field net-ns "$start")"
	assert_equal "$(field new-net-ns "$second")" "?"
	[[ "$second" == *" task=gone exe="* ]] || fail "no task=gone: $second"
	# its task-pid: the pid the kernel's unshare record names, gone
	sys=$(trigger_syscall "$second") || fail "no SYSCALL record for trigger $(field trigger "$second")"
	assert_equal "$(field pid "$sys")" "$(field task-pid "$second")"
	assert_equal "$(field syscall "$sys")" 272
	check_attributed "$second" "$uuid"
}

@test "the host's unshare, setns, clone and clone3 get no record, nor do runc exec and nsenter -t joining the registered container that runs" {
	local b=$BATS_TEST_TMPDIR/b name start mark end pids p i
	name=$(uname_for nshost)
	ns_bundle "$b" 'sleep 20'
	start=$(start "$b" "$name")
	NETNS=acid-ns-$TAG
	ip netns add "$NETNS" || fail "ip netns add $NETNS failed"
	mark=$(audit_mark)
	# the same calls on the host, each process alive a while
	sh -c 'echo $$; exec unshare -n sleep 1' > "$BATS_TEST_TMPDIR/p1" &
	sh -c 'echo $$; exec nsenter --net=/run/netns/'"$NETNS"' sleep 1' > "$BATS_TEST_TMPDIR/p2" &
	"$NSCLONE" clone 1 > "$BATS_TEST_TMPDIR/p3" &
	"$NSCLONE" clone3 1 > "$BATS_TEST_TMPDIR/p4" &
	sh -c 'echo $$; exec unshare -n true' > "$BATS_TEST_TMPDIR/p5"
	wait
	# processes that join it from the host: their setns calls are a
	# joining (the link record's business), half-joined meanwhile
	runc --root "$BATS_FILE_TMPDIR/runc" exec "$name" sh -c 'sleep 0.5' ||
		fail "runc exec $name failed"
	nsenter -t "$(field vm-pid "$start")" -a sh -c 'sleep 0.5' ||
		fail "nsenter -t -a failed"
	# setns(fd, 0) into its pid and mount namespaces, as crun exec
	# calls it, and alive a while: placed in it, its own pid namespace
	# still the host's
	"$NSCLONE" join "$(field vm-pid "$start")" 1 || fail "$NSCLONE join failed"
	end=$(audit_mark)
	# the plugin has read past them (it acts on a record before it
	# writes the event that follows)...
	wait_saw "$end" || fail "audisp-acid never wrote the event of mark $end"
	# ...and whatever it sent meanwhile is in the log before this mark
	end=$(audit_mark)
	# the kernel logged the host's calls, and the plugin was fed them
	section_since "$mark" > "$BATS_TEST_TMPDIR/section.log"
	for p in $(cat "$BATS_TEST_TMPDIR"/p[125]); do
		grep -aqE "^type=SYSCALL .* syscall=(272|308) success=yes .* pid=$p " "$BATS_TEST_TMPDIR/section.log" ||
			fail "no unshare/setns SYSCALL record of host pid $p"
	done
	for p in $(awk '{ print $1 }' "$BATS_TEST_TMPDIR"/p[34]); do
		grep -aqE "^type=SYSCALL .* syscall=(56|435) success=yes exit=$p " "$BATS_TEST_TMPDIR/section.log" ||
			fail "no clone SYSCALL record returning host pid $p"
	done
	# no resrc=ns record from this plugin since the mark
	section_since "$mark" | grep -a '^type=VIRT_RESOURCE ' |
		grep -a " pid=$PLUGIN_PID " > "$BATS_TEST_TMPDIR/sent.log" || true
	assert_equal "$(cat "$BATS_TEST_TMPDIR/sent.log")" ""
	# and none for the running container
	run ausearch -m VIRT_RESOURCE --uuid "$(field uuid "$start")" --raw
	refute_output --partial "resrc=ns"
}

@test "the live plugin ends with its input; it never failed to send or read, and no sanitizer spoke" {
	local i
	kill "$(cat "$BATS_FILE_TMPDIR/tail.pid")"
	for i in $(seq 1 100); do
		kill -0 "$PLUGIN_PID" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$PLUGIN_PID" 2>/dev/null || fail "audisp-acid (pid $PLUGIN_PID) did not end with its input"
	run cat "$BATS_FILE_TMPDIR/plugin.out"
	refute_output --partial "namespace change"
	refute_output --partial "reading the namespaces"
	refute_output --partial "not recorded"
	refute_output --partial "Sanitizer"
	refute_output --partial "runtime error"
}
