#!/usr/bin/env bats
# audisp-acid and the processes that join a registered container without
# acid-exec: a real `runc exec`, `crun exec`, `podman exec` and nsenter
# into containers started with this build's hooks, under the shipped rules
# (plugin/acid.rules, loaded with auditctl -R for this file when absent and
# then removed at its end).
#
# The plugin runs live, as auditd's dispatcher would run it: the system
# log as auditd writes it (tail -F from its end, string format, the same
# lines) on its standard input, from before the containers start until the
# end of the file. So it sees each joiner's setns and clone records while
# the processes live, reads their namespaces from /proc, and sends its link
# records to the real kernel audit, into the system log, where the tests
# read them with stock ausearch. (A private aggregator auditd, as
# plugin-auditd.bats runs, lives in its own network namespace, where the
# kernel takes no audit records: the links could not be sent from there;
# and the system auditd is shared, so no plugin is added to it.)
#
# Afterwards the same log section goes through acid events UUID: the link
# makes the exec'd process the container's there too (read twice: the
# process's records before its link are the container's from the
# trigger on).
#
# The exec'd command sleeps a second before it execs the marker: the
# process must still live when the plugin reads the records (one that is
# gone gets no link, by design). The marker is in the environment, so only
# the exec'd ls names it in its EXECVE record, not the runtime's.

load helpers
load plugin-helpers

PLUGIN=${ACID_PLUGIN_BIN:-$BUILD/plugin/audisp-acid}
ACID=${ACID_BIN:-$BUILD/tools/acid}
RULES=$REPO/plugin/acid.rules
JOINSELF=$BUILD/tests/acid-test-joinself

setup_file() {
	local c live=$BATS_FILE_TMPDIR/live i mark
	require_components
	[ -x "$PLUGIN" ] || fail "$PLUGIN was not built"
	[ -x "$ACID" ] || fail "$ACID was not built"
	[ -x "$JOINSELF" ] || fail "$JOINSELF was not built"
	for c in crun podman nsenter tail ausearch; do
		command -v "$c" >/dev/null ||
			fail "required component '$c' is missing (scripts/install-deps.sh installs it)"
	done
	if auditctl -l | grep -q 'key=acid$'; then
		echo no > "$BATS_FILE_TMPDIR/rules-ours"
	else
		auditctl -R "$RULES" >&2 || fail "auditctl -R $RULES failed"
		echo yes > "$BATS_FILE_TMPDIR/rules-ours"
	fi
	# the live plugin: its registry is the hooks' (make_bundle's)
	mkdir -p "$live"
	mkfifo "$live/in"
	ACID_STATE_DIR=$BATS_FILE_TMPDIR/state "$PLUGIN" --output "$live/events.json" \
		< "$live/in" 2> "$live/plugin.err" 3>&- &
	echo $! > "$live/plugin.pid"
	tail -F -n 0 "$AUDIT_LOG" > "$live/in" 2>/dev/null 3>&- &
	echo $! > "$live/tail.pid"
	# live: a mark reaches the plugin's output (tail may open the log
	# after the first one was written: marks until one does)
	for i in $(seq 1 10); do
		mark=$(audit_mark)
		wait_serial "$live/events.json" "$mark" 20 && return 0
	done
	fail "the live plugin did not write the event of an audit mark"
}

# wait_serial JSON SERIAL [TENTHS]: the event SERIAL is in JSON's whole
# lines (waited up to TENTHS tenths of a second, default 100).
wait_serial() {
	local i
	for i in $(seq 1 "${3:-100}"); do
		[ -n "$(perl -ne 'print if /\n\z/' "$1" 2>/dev/null |
			jq -c --argjson s "$2" 'select(.audit.serial == $s)')" ] && return 0
		sleep 0.1
	done
	return 1
}

teardown_file() {
	local live=$BATS_FILE_TMPDIR/live pid i line
	# the input ends: the plugin flushes and exits
	pid=$(cat "$live/tail.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	pid=$(cat "$live/plugin.pid" 2>/dev/null)
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
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
	LIVE=$BATS_FILE_TMPDIR/live
	JSON=$LIVE/events.json
}

teardown() {
	delete_runc_containers
	local c
	for c in $(crun --root "$BATS_FILE_TMPDIR/crun" list -q 2>/dev/null); do
		crun --root "$BATS_FILE_TMPDIR/crun" delete -f "$c" >/dev/null 2>&1 || true
	done
	if [ -s "$BATS_TEST_TMPDIR/podman.name" ]; then
		podman rm -f -t 0 "$(cat "$BATS_TEST_TMPDIR/podman.name")" >/dev/null 2>&1 || true
	fi
}

# The command each runtime execs: it lives a second, then execs the
# marker named by $M (so that only ls's EXECVE record names it).
EXEC_CMD='/bin/sleep 1; exec /bin/ls -d "$M"'

# marker_events MARK N: the live plugin's events of the execs of MARK
# (ls -d MARK: their EXECVE record's a2), once there are N (waited up to
# 20 s). The runtime's exec exits 1 (ls finds no MARK): what it said on
# stderr is shown when the events are missing.
marker_events() {
	local i out=
	for i in $(seq 1 200); do
		# (ls's argument 2, exactly; the marker without its slash here,
		# so that this jq's own EXECVE record does not name it)
		out=$(perl -ne 'print if /\n\z/' "$JSON" | jq -c --arg m "${1#/}" \
			'select(any(.audit.records[]; .type == "EXECVE" and (.text | contains(" a2=\"/" + $m + "\""))))')
		[ "$(printf '%s' "$out" | grep -c .)" -ge "$2" ] && break
		sleep 0.1
	done
	[ "$(printf '%s' "$out" | grep -c .)" = "$2" ] ||
		fail "the live plugin wrote not $2 events of the exec of $1 (the exec said: $(cat "$BATS_TEST_TMPDIR/exec.err" 2>/dev/null)): $out"
	printf '%s\n' "$out"
}

# link_records UUID [MIN]: the plugin's op=exec records of container UUID,
# as stock ausearch finds them (waited for up to 10 s for MIN, default 1).
link_records() {
	local i out=
	for i in $(seq 1 50); do
		out=$(ausearch -m VIRT_CONTROL --uuid "$1" --raw 2>/dev/null |
			grep -a ' op=exec ' | grep -aF "exe=\"$(realpath "$PLUGIN")\"" || true)
		[ "$(printf '%s' "$out" | grep -c .)" -ge "${2:-1}" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# host_exec MARK: the host runs the same marker; prints its pid.
host_exec() {
	M=$1 sh -c 'echo $$; exec /bin/ls -d "$M" >/dev/null 2>&1' || true
}

# check_joined UUID NAME MARK HOSTPID FROM: of the two execs of MARK, the
# one the runtime's exec'd process made (its parent on the host) is
# container UUID's (NAME) in the plugin's JSON, the host's (HOSTPID) no
# container's; a link record names the exec'd process (op=exec
# reason=setns task-pid=<its pid> vm-pid=<the init> trigger=<event id>, no
# ses-tag, sent by the plugin), found by ausearch --uuid; every event of
# that pid from the trigger on is the container's. And afterwards, from
# the log (the serials after FROM, an audit mark from before the
# container started): acid events UUID lists the exec's event, by the
# link (read twice: the exec was logged before its link), not the host's.
check_joined() {
	local uuid=$1 name=$2 mark=$3 hostpid=$4 from=$5 evs ev pid links link trig tserial end
	evs=$(marker_events "$mark" 2)
	ev=$(jq -c --argjson p "$hostpid" 'select(.process.pid == $p)' <<<"$evs")
	[ -n "$ev" ] || fail "the host's exec of $mark (pid $hostpid) is not in the JSON: $evs"
	assert_equal "$(jq -r 'has("container")' <<<"$ev")" false
	ev=$(jq -c --argjson p "$hostpid" 'select(.process.pid != $p)' <<<"$evs")
	pid=$(jq -r .process.pid <<<"$ev")
	assert_equal "$(jq -r .container.id <<<"$ev")" "$uuid"
	assert_equal "$(jq -r .container.name <<<"$ev")" "$name"
	assert_equal "$(jq -r .audit.type <<<"$ev")" SYSCALL

	links=$(link_records "$uuid") || fail "no op=exec record of $uuid from the plugin in the log"
	link=$(printf '%s\n' "$links" | grep -a " task-pid=$pid " || true)
	[ -n "$link" ] || fail "no link names the exec'd process $pid: $links"
	[ "$(printf '%s\n' "$link" | grep -c .)" = 1 ] || fail "$pid linked twice: $link"
	assert_equal "$(field reason "$link")" setns
	assert_equal "$(field uuid "$link")" "$uuid"
	assert_equal "$(field vm-pid "$link")" \
		"$(field vm-pid "$(records "$name" 1 | grep -a op=start)")"
	! grep -aq ' ses-tag=' <<<"$link" || fail "a setns link with a ses-tag: $link"
	trig=$(field trigger "$link")
	[[ "$trig" =~ ^[0-9]+\.[0-9]{3}:[0-9]+$ ]] || fail "trigger=$trig in $link"
	tserial=${trig##*:}
	# the marker's exec came after the trigger; from the trigger on every
	# event of that process is the container's
	[ "$(jq -r .audit.serial <<<"$ev")" -ge "$tserial" ] ||
		fail "the marker's event precedes its trigger $trig"
	perl -ne 'print if /\n\z/' "$JSON" > "$BATS_TEST_TMPDIR/json"
	run jq -r --argjson p "$pid" --argjson t "$tserial" --arg u "$uuid" \
		'select(.process.pid == $p and .audit.serial >= $t and .container.id != $u) | .audit.serial' \
		"$BATS_TEST_TMPDIR/json"
	assert_output ""

	# offline: the log section, through acid events
	end=$(audit_mark)
	section "$from" "$end" > "$BATS_TEST_TMPDIR/section.log"
	"$ACID" events --json --input "$BATS_TEST_TMPDIR/section.log" "$uuid" \
		> "$BATS_TEST_TMPDIR/events.json" || fail "acid events $uuid failed"
	run jq -r --argjson p "$pid" --arg m "${mark#/}" \
		'select(.process.pid == $p and any(.audit.records[]; .type == "EXECVE" and (.text | contains(" a2=\"/" + $m + "\"")))) | .container.id' \
		"$BATS_TEST_TMPDIR/events.json"
	assert_output "$uuid"
	run jq -r --argjson p "$hostpid" 'select(.process.pid == $p) | .audit.serial' \
		"$BATS_TEST_TMPDIR/events.json"
	assert_output ""
}

# A runc container started detached with this build's hooks (registered).
start_runc() { # BUNDLE NAME
	BUNDLE_CMD="sleep 120" make_bundle "$1"
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$1" "$2" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $2 failed"
}

@test "runc exec into a registered container: the exec'd marker is the container's in the live plugin's JSON, linked in the log (op=exec reason=setns), and in acid events UUID from the log; the host's marker is not" {
	local b=$BATS_TEST_TMPDIR/b name uuid hostpid mark=/MARK.$TAG from
	name=$(uname_for rexec)
	from=$(audit_mark)
	start_runc "$b" "$name"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	hostpid=$(host_exec "$mark")
	runc --root "$BATS_FILE_TMPDIR/runc" exec --env "M=$mark" "$name" \
		/bin/sh -c "$EXEC_CMD" >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || true
	check_joined "$uuid" "$name" "$mark" "$hostpid" "$from"
}

@test "crun exec into a registered container: the same" {
	local b=$BATS_TEST_TMPDIR/b name uuid hostpid mark=/MARK.$TAG from
	command -v crun >/dev/null || fail "crun is not installed"
	name=$(uname_for cexec)
	from=$(audit_mark)
	BUNDLE_CMD="sleep 120" make_bundle "$b"
	# (helpers.bash's run_crun recipe, detached: cgroup2 only, in a
	# private mount namespace)
	unshare -m sh -c 'mount --make-rprivate / &&
		umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup &&
		exec crun --root "$1" --cgroup-manager=disabled run -d -b "$2" "$3" </dev/null' \
		sh "$BATS_FILE_TMPDIR/crun" "$b" "$name" >/dev/null 2>&1 ||
		fail "crun run -d $name failed"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	hostpid=$(host_exec "$mark")
	crun --root "$BATS_FILE_TMPDIR/crun" exec --env "M=$mark" "$name" \
		/bin/sh -c "$EXEC_CMD" >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || true
	check_joined "$uuid" "$name" "$mark" "$hostpid" "$from"
}

@test "podman exec into a container podman ran with the hooks: the same" {
	local hooks=$BATS_TEST_TMPDIR/hooks.d h name cid uuid hostpid mark=/MARK.$TAG from
	mkdir -p "$hooks"
	for h in acid-prestart acid-poststop; do
		[ -f "$BUILD/examples/$h.json" ] || fail "$BUILD/examples/$h.json was not built"
		jq --arg p "$BUILD/hooks/$h" --arg s "ACID_STATE_DIR=$STATE_DIR" \
			'.hook.path = $p | .hook.env = [$s]' \
			"$BUILD/examples/$h.json" > "$hooks/$h.json"
	done
	name=$(uname_for pexec)
	echo "$name" > "$BATS_TEST_TMPDIR/podman.name"
	from=$(audit_mark)
	cid=$(podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$hooks" \
		run -d --name "$name" --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" sleep 120 </dev/null) || fail "podman run -d failed"
	uuid=$(field uuid "$(records "$cid" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for podman container $cid"
	hostpid=$(host_exec "$mark")
	podman --runtime runc exec --env "M=$mark" "$name" /bin/sh -c "$EXEC_CMD" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || true
	check_joined "$uuid" "$cid" "$mark" "$hostpid" "$from"
}

@test "nsenter into a registered container's namespaces: the same (the link names nsenter, its child is the container's by ancestry)" {
	local b=$BATS_TEST_TMPDIR/b name uuid hostpid init evs ev pid links mark=/MARK.$TAG
	name=$(uname_for nsenter)
	start_runc "$b" "$name"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	init=$(field vm-pid "$(records "$name" 1 | grep -a op=start)")
	hostpid=$(host_exec "$mark")
	M=$mark nsenter -t "$init" -m -u -i -n -p /bin/sh -c "$EXEC_CMD" >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || true
	evs=$(marker_events "$mark" 2)
	ev=$(jq -c --argjson p "$hostpid" 'select(.process.pid == $p)' <<<"$evs")
	assert_equal "$(jq -r 'has("container")' <<<"$ev")" false
	ev=$(jq -c --argjson p "$hostpid" 'select(.process.pid != $p)' <<<"$evs")
	assert_equal "$(jq -r .container.id <<<"$ev")" "$uuid"
	# the link: nsenter itself (it joined; the marker is its child)
	pid=$(jq -r .process.parent.pid <<<"$ev")
	links=$(link_records "$uuid") || fail "no op=exec record of $uuid from the plugin"
	printf '%s\n' "$links" | grep -aq " reason=setns .* task-pid=$pid " ||
		fail "no link names nsenter ($pid): $links"
}

@test "an exec into a container that is not registered (no hooks): no link, no container in the JSON" {
	local b=$BATS_TEST_TMPDIR/b name hostpid evs ev pid mark=/MARK.$TAG end
	name=$(uname_for unreg)
	BUNDLE_CMD="sleep 120" make_bundle "$b"
	set_config "$b" 'del(.hooks)'
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$b" "$name" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $name failed"
	hostpid=$(host_exec "$mark")
	runc --root "$BATS_FILE_TMPDIR/runc" exec --env "M=$mark" "$name" \
		/bin/sh -c "$EXEC_CMD" >/dev/null 2>"$BATS_TEST_TMPDIR/exec.err" || true
	evs=$(marker_events "$mark" 2)
	ev=$(jq -c --argjson p "$hostpid" 'select(.process.pid != $p)' <<<"$evs")
	pid=$(jq -r .process.pid <<<"$ev")
	assert_equal "$(jq -r 'has("container")' <<<"$ev")" false
	# the plugin has read past the exec: a mark after it reached the JSON
	end=$(audit_mark)
	wait_serial "$JSON" "$end" || fail "the live plugin did not write the mark's event $end"
	no_record "$name"
	! audit_log | grep -a '^type=VIRT_CONTROL' | grep -a ' op=exec ' |
		grep -aF "exe=\"$(realpath "$PLUGIN")\"" | grep -aq " task-pid=$pid " ||
		fail "a link names process $pid of an unregistered container"
}

@test "a process gone before the plugin reads it: no link (the log's records fed at once after the exec ended)" {
	local b=$BATS_TEST_TMPDIR/b name uuid mark end mark0 pid in=$BATS_TEST_TMPDIR/in.log
	name=$(uname_for gone)
	mark0=/MARK.$TAG
	mark=$(audit_mark)
	start_runc "$b" "$name"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	# the exec'd process execs the marker at once and is gone when runc
	# exec returns: all its records are in the log before the plugin runs
	runc --root "$BATS_FILE_TMPDIR/runc" exec --env "M=$mark0" "$name" \
		/bin/sh -c 'exec /bin/ls -d "$M"' >/dev/null 2>&1 || true
	end=$(audit_mark)
	section "$mark" "$end" > "$in"
	grep -aq " a2=\"$mark0\"" "$in" || fail "the exec of $mark0 is not in the log section"
	grep -aq ' syscall=308 success=yes ' "$in" || fail "no setns record in the log section"
	# the plugin acts on records up to 5 s old: these must be younger
	local t
	t=$(grep -a ' syscall=308 success=yes ' "$in" | tail -n1 | sed 's/.*msg=audit(\([0-9]*\)\..*/\1/')
	[ $(( $(date +%s) - t )) -le 3 ] ||
		fail "the setns records are $(( $(date +%s) - t )) s old already (a slow machine): the plugin would not act on them"
	# recent records: this plugin acts on them, and finds the processes
	# gone (the live plugin of this file may have linked them in time:
	# the links are told apart by their sender's pid)
	"$PLUGIN" --no-seed --output "$BATS_TEST_TMPDIR/out.json" < "$in" &
	pid=$!
	wait "$pid" || fail "audisp-acid on the section exited $?"
	JSON=$BATS_TEST_TMPDIR/out.json
	marker_events "$mark0" 1 >/dev/null
	end=$(audit_mark)
	run bash -c "ausearch -m VIRT_CONTROL --uuid '$uuid' --raw 2>/dev/null |
		grep -a ' op=exec ' | grep -a '^type=VIRT_CONTROL msg=audit([0-9.:]*): pid=$pid '"
	assert_output ""
}

# self_bundle DIR CMD: ns_bundle's privileged container (helpers.bash),
# acid-test-joinself copied to its /tmp.
self_bundle() {
	ns_bundle "$1" "$2"
	cp "$JOINSELF" "$1/out/joinself"
}

# children PID: the pids of PID's children (all its threads').
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .
}

# plugin_links UUID: the live plugin's op=exec records of container UUID
# now in the log (none: nothing), once the plugin has read past now: a
# mark reached its JSON, and a second mark is in the log after any link
# it sent before that.
plugin_links() {
	local m
	m=$(audit_mark)
	wait_serial "$JSON" "$m" || fail "the live plugin did not write the mark's event $m"
	audit_mark >/dev/null
	ausearch -m VIRT_CONTROL --uuid "$1" --raw 2>/dev/null |
		grep -a ' op=exec ' | grep -aF "exe=\"$(realpath "$PLUGIN")\"" || true
}

@test "attack: a privileged container's init enters its own net namespace, then clones with set_tid = the host pid of another container's process: no link names that container, none of its events is the other's" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b na nb ua ub ainit binit sub victim child i links evs
	na=$(uname_for jsa)
	nb=$(uname_for jsb)
	# B: a grandchild of its init (a subshell's sleep), placed by ancestry
	BUNDLE_CMD='(sleep 120; true) & sleep 120' make_bundle "$b"
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$b" "$nb" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $nb failed"
	ub=$(field uuid "$(records "$nb" 1 | grep -a op=start)")
	binit=$(field vm-pid "$(records "$nb" 1 | grep -a op=start)")
	[ -n "$ub" ] && [ -n "$binit" ] || fail "no start record for $nb"
	for i in $(seq 1 50); do
		for sub in $(children "$binit"); do
			victim=$(children "$sub" | head -n1)
			[ -n "$victim" ] && break 2
		done
		sleep 0.1
	done
	[ -n "$victim" ] || fail "B's init $binit has no grandchild"
	# A: its init waits for the pid, then becomes acid-test-joinself
	# (the caller is A's init: its parent is on the host)
	self_bundle "$a" 'while [ ! -s /tmp/tid ]; do sleep 0.1; done; exec /tmp/joinself clone "$(cat /tmp/tid)" 6 > /tmp/clone.out 2> /tmp/clone.err'
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$a" "$na" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $na failed"
	ua=$(field uuid "$(records "$na" 1 | grep -a op=start)")
	ainit=$(field vm-pid "$(records "$na" 1 | grep -a op=start)")
	[ -n "$ua" ] && [ -n "$ainit" ] || fail "no start record for $na"
	echo "$victim" > "$a/out/tid"
	for i in $(seq 1 100); do
		[ -s "$a/out/clone.out" ] && break
		sleep 0.1
	done
	# the child's pid in A is the host pid of B's process
	assert_equal "$(cat "$a/out/clone.out")" "$victim"
	child=$(children "$ainit" | head -n1)
	[ -n "$child" ] || fail "A's init $ainit has no child: $(cat "$a/out/clone.err")"
	assert_equal "$(awk '$1 == "NSpid:" { print $3 }' "/proc/$child/status")" "$victim"
	links=$(plugin_links "$ub")
	[ -z "$links" ] || fail "a link to B ($ub) for A's clone: $links"
	links=$(plugin_links "$ua")
	[ -z "$links" ] || fail "a link to A ($ua), whose init and its child are placed by ancestry: $links"
	# the setns and the clone3 were logged (the plugin had them to read)
	audit_log | grep -a " pid=$ainit " | grep -aq ' syscall=308 success=yes ' ||
		fail "no setns record of A's init $ainit"
	audit_log | grep -a " pid=$ainit " | grep -aq " syscall=435 success=yes exit=$victim " ||
		fail "no clone3 record of A's init $ainit with exit=$victim"
	# B's events in the live JSON: none of A's processes
	perl -ne 'print if /\n\z/' "$JSON" > "$BATS_TEST_TMPDIR/json"
	run jq -r --arg u "$ub" --argjson a "$ainit" --argjson c "$child" \
		'select(.container.id == $u and (.process.pid == $a or .process.pid == $c)) | .audit.serial' \
		"$BATS_TEST_TMPDIR/json"
	assert_output ""
}

@test "attack: a container's processes enter their own namespaces (8 siblings, setns each): no link names them (not joined from outside)" {
	local a=$BATS_TEST_TMPDIR/a na ua i links
	na=$(uname_for jss)
	self_bundle "$a" 'while [ ! -e /tmp/go ]; do sleep 0.1; done; /tmp/joinself setns 8 4 > /tmp/setns.out 2> /tmp/setns.err; sleep 120'
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$a" "$na" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $na failed"
	ua=$(field uuid "$(records "$na" 1 | grep -a op=start)")
	[ -n "$ua" ] || fail "no start record for $na"
	touch "$a/out/go"
	for i in $(seq 1 100); do
		[ -s "$a/out/setns.out" ] && break
		sleep 0.1
	done
	assert_equal "$(cat "$a/out/setns.out")" ok
	links=$(plugin_links "$ua")
	[ -z "$links" ] || fail "links for A's own processes: $links"
	# their 8 setns records were logged
	[ "$(audit_log | grep -a ' syscall=308 success=yes ' |
		grep -ac 'exe="/tmp/joinself"')" -ge 8 ] ||
		fail "fewer than 8 setns records of /tmp/joinself in the log"
}

@test "a flood of joiners from the host (48 nsenter at once into a registered container): the link sends are bounded (16 a second), said once" {
	local b=$BATS_TEST_TMPDIR/b name uuid init i links n first last span
	name=$(uname_for flood)
	start_runc "$b" "$name"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	init=$(field vm-pid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	for i in $(seq 1 48); do
		nsenter -t "$init" -m -u -i -n -p sleep 3 >/dev/null 2>&1 &
	done
	wait
	links=$(plugin_links "$uuid")
	n=$(printf '%s' "$links" | grep -c . || true)
	first=$(printf '%s\n' "$links" | head -n1 | sed 's/.*msg=audit(\([0-9]*\)\..*/\1/')
	last=$(printf '%s\n' "$links" | tail -n1 | sed 's/.*msg=audit(\([0-9]*\)\..*/\1/')
	[ "$n" -ge 1 ] || fail "no nsenter linked at all"
	span=$(( last - first + 2 ))
	echo "# $n links over $span s" >&3
	[ "$n" -le $(( 16 * span )) ] ||
		fail "$n links in $span s (more than 16 a second): $links"
	[ "$n" -lt 48 ] || fail "all 48 nsenter linked (no bound)"
	run grep -c 'more than 16 links a second' "$LIVE/plugin.err"
	assert_output 1
}

@test "the live plugin ran through all of it: alive until its input ends, then gone within 5 s; no link failed to send, no sanitizer report" {
	local pid i
	pid=$(cat "$LIVE/plugin.pid")
	kill -0 "$pid" || fail "the live plugin (pid $pid) is gone: $(cat "$LIVE/plugin.err")"
	kill "$(cat "$LIVE/tail.pid")"
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || fail "the live plugin did not end with its input"
	run cat "$LIVE/plugin.err"
	refute_output --partial "sending the link"
	refute_output --partial "Sanitizer"
	refute_output --partial "runtime error"
}
