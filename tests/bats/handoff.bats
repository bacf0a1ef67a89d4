#!/usr/bin/env bats
# acid-exec's hand-off of the kernel write, and its identity, attacked by a
# real unprivileged user (nobody, through setpriv), with real runc and
# auditd. This kernel has no audit container ID interface: the hand-off
# tests run libacid's kernel mode on acid-test-kproc, a procfs with the
# interface (FUSE, tests/kproc), as ACID_PROC_ROOT for acid-exec and the
# hooks. It refuses the hook's own write (EXDEV: the hook is the
# container's sibling) and takes acid-exec's, as the test kernel does.

load helpers

ACID_EXEC=${ACID_EXEC_BIN:-$BUILD/tools/acid-exec}
KPROC=$BUILD/tests/acid-test-kproc
ATTACKER_PY=$BATS_TEST_DIRNAME/handoff-attacker.py
PYTHON=/usr/bin/python3

setup_file() {
	require_components
	[ -x "$ACID_EXEC" ] || fail "$ACID_EXEC was not built"
	[ -x "$KPROC" ] ||
		fail "$KPROC was not built: it needs libfuse3-dev (scripts/install-deps.sh)"
	[ -c /dev/fuse ] || fail "no /dev/fuse: acid-test-kproc cannot mount"
	[ -x "$PYTHON" ] || fail "$PYTHON is missing (the attacker's language)"
	id nobody >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin nobody
	command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing"
	export KP=$BATS_FILE_TMPDIR/kproc
	mkdir -p "$KP"
	"$KPROC" "$KP" u64 "$BATS_FILE_TMPDIR/kproc.log" \
		2>"$BATS_FILE_TMPDIR/kproc.err" &
	echo $! > "$BATS_FILE_TMPDIR/kproc.pid"
	local i
	for i in $(seq 1 100); do
		[ "$(cat "$KP/self/audit_containerid" 2>/dev/null)" = 18446744073709551615 ] &&
			return 0
		sleep 0.05
	done
	fail "acid-test-kproc did not mount on $KP: $(cat "$BATS_FILE_TMPDIR/kproc.err")"
}

teardown_file() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/kproc.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	mountpoint -q "$KP" && umount -l "$KP" || true
}

setup() {
	# like /run and /run/acid: a root-owned 0755 parent, so the attacker
	# can reach the registry directory's name and no further
	PUB=$(mktemp -d /tmp/acid-handoff.XXXXXX)
	chmod 755 "$PUB"
	STATE=$PUB/state
	ATT_PID=
	EXEC_PID=
	LAUNCH_PID=
}

teardown() {
	[ -z "$ATT_PID" ] || kill "$ATT_PID" 2>/dev/null || true
	[ -z "$EXEC_PID" ] || kill -CONT "$EXEC_PID" 2>/dev/null || true
	[ -z "$LAUNCH_PID" ] || kill "$LAUNCH_PID" 2>/dev/null || true
	wait 2>/dev/null || true
	delete_runc_containers
	rm -rf "$PUB"
}

# kernel_bundle DIR: make_bundle's bundle, hooks in kernel mode (kproc) on
# this test's registry
kernel_bundle() {
	make_bundle "$1"
	set_config "$1" '(.hooks.prestart[0].env, .hooks.poststop[0].env) =
		["ACID_STATE_DIR=" + $s, "ACID_PROC_ROOT=" + $k]' \
		--arg s "$STATE" --arg k "$KP"
}

# launch NAME BUNDLE [ENV...]: in the background, a shell that writes its
# pid to $PUB/pid, waits for gate1, becomes acid-exec (same pid) whose
# runtime waits for gate2 and becomes runc. Output in $PUB/out, $PUB/err,
# exit status in $PUB/rc; a bound of 60 s on all of it.
launch() {
	local name=$1 b=$2
	shift 2
	mkfifo "$PUB/gate1" "$PUB/gate2"
	timeout 60 sh -c '
		echo $$ > "$1/pid.tmp" && mv "$1/pid.tmp" "$1/pid"
		read -r g < "$1/gate1"
		shift
		exec "$@"' sh "$PUB" env "$@" "$ACID_EXEC" --uid 0 sh -c '
			read -r g < "$1/gate2"
			exec runc --root "$2" run -b "$3" "$4" </dev/null' \
		sh "$PUB" "$BATS_FILE_TMPDIR/runc" "$b" "$name" \
		>"$PUB/out" 2>"$PUB/err" &
	LAUNCH_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -s "$PUB/pid" ] && break
		sleep 0.05
	done
	EXEC_PID=$(cat "$PUB/pid") || fail "the launcher wrote no pid"
}

# open_gate N: let the launcher past gate N (bounded: it may have died)
open_gate() {
	timeout 10 sh -c 'echo go > "$1"' sh "$PUB/gate$1" ||
		fail "the launcher never reached gate $1: $(cat "$PUB/err")"
}

# exec_ready: acid-exec runs its runtime (it set up its hand-off before)
exec_ready() {
	local i
	for i in $(seq 1 100); do
		[ -n "$(pgrep -P "$EXEC_PID")" ] && return 0
		sleep 0.05
	done
	fail "acid-exec (pid $EXEC_PID) never started its runtime: $(cat "$PUB/err")"
}

# launch_wait: the launcher's exit status
launch_wait() {
	local rc=0
	wait "$LAUNCH_PID" || rc=$?
	LAUNCH_PID=
	return "$rc"
}

# attacker MODE: the attacker, as nobody, on acid-exec's pid file; waits
# for its line saying what it did, in $ATT_LINE
attacker() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$PYTHON" - "$1" "$PUB/pid" "$STATE" \
		<"$ATTACKER_PY" >"$PUB/attacker" 2>&1 &
	ATT_PID=$!
	local i
	for i in $(seq 1 200); do
		ATT_LINE=$(head -n1 "$PUB/attacker")
		[ -n "$ATT_LINE" ] && return 0
		sleep 0.05
	done
	fail "the attacker said nothing: $(cat "$PUB/attacker")"
}

# started_ok NAME BUNDLE: the container ran, its hook handed the write to
# acid-exec, and its register record carries acid-exec's session
started_ok() {
	local name=$1 b=$2 init rec ses
	init=$(cat "$b/probe.pid") || fail "the probe hook never ran: $(cat "$PUB/err")"
	ses=$(grep -E '^[0-9]+$' "$PUB/err" | head -n1)
	[ -n "$ses" ] && [ "$ses" != 4294967295 ] || fail "container session '$ses': $(cat "$PUB/err")"
	# the hook's own write refused, acid-exec's taken
	grep -q "target=$init .*errno=18\$" "$BATS_FILE_TMPDIR/kproc.log" ||
		fail "no refused write by the hook for $init"
	grep -q "^write writer=$EXEC_PID target=$init .*errno=0\$" "$BATS_FILE_TMPDIR/kproc.log" ||
		fail "acid-exec ($EXEC_PID) did not write $init's ID: $(grep "target=$init " "$BATS_FILE_TMPDIR/kproc.log")"
	rec=$(records "$name" 2 | grep op=start) || fail "no start record for $name"
	assert_equal "$(field ses-tag "$rec")" "$ses"
	assert_equal "$(field vm-pid "$rec")" "$init"
	records "$name" 2 | grep -q op=stop || fail "no stop record for $name"
}

@test "hand-off: acid-exec in kernel mode, no attacker: the hook's write goes through acid-exec" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for hoff)
	BUNDLE_CMD="cat /proc/self/sessionid > /dev/stderr" kernel_bundle "$b"
	launch "$name" "$b" ACID_PROC_ROOT="$KP" ACID_STATE_DIR="$STATE"
	open_gate 1
	exec_ready
	open_gate 2
	launch_wait || fail "status $?: $(cat "$PUB/err")"
	started_ok "$name" "$b"
}

@test "hand-off: an unprivileged user who takes acid-exec's names first does not stop the container" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for hsquat)
	BUNDLE_CMD="cat /proc/self/sessionid > /dev/stderr" kernel_bundle "$b"
	# the registry directory is there already, as /run/acid is once a
	# container ran
	mkdir -m 700 "$STATE"
	launch "$name" "$b" ACID_PROC_ROOT="$KP" ACID_STATE_DIR="$STATE"
	# the pid is known before acid-exec runs, as a local user sees it
	attacker squat
	[[ "$ATT_LINE" == squatting* ]] || fail "attacker: $ATT_LINE"
	echo "# attacker: $ATT_LINE" >&3
	# it could not take the name in the registry directory
	[[ "$ATT_LINE" == *"refused [$STATE/exec-$EXEC_PID.sock: E"* ]] ||
		fail "the attacker took the registry directory's name: $ATT_LINE"
	open_gate 1
	exec_ready
	open_gate 2
	launch_wait || fail "status $?: $(cat "$PUB/err")"
	started_ok "$name" "$b"
}

@test "hand-off: an unprivileged user who holds connections open and says nothing does not stall the container" {
	local name b=$BATS_TEST_TMPDIR/b start end
	name=$(uname_for hstall)
	BUNDLE_CMD="cat /proc/self/sessionid > /dev/stderr" kernel_bundle "$b"
	launch "$name" "$b" ACID_PROC_ROOT="$KP" ACID_STATE_DIR="$STATE"
	open_gate 1
	exec_ready
	attacker stall
	echo "# attacker: $ATT_LINE" >&3
	start=$(date +%s%N)
	open_gate 2
	launch_wait || fail "status $?: $(cat "$PUB/err")"
	end=$(date +%s%N)
	echo "# container run under attack: $(( (end - start) / 1000000 )) ms" >&3
	started_ok "$name" "$b"
	# not held up by the attacker either (runc alone takes well under 5 s)
	[ $(( (end - start) / 1000000 )) -lt 10000 ] || fail "took $(( (end - start) / 1000000 )) ms"
}

@test "hand-off: an acid-exec that does not answer: the hook gives up within its deadline, one line, container refused" {
	local name b=$BATS_TEST_TMPDIR/b start end runtime ms i
	name=$(uname_for hdead)
	kernel_bundle "$b"
	launch "$name" "$b" ACID_PROC_ROOT="$KP" ACID_STATE_DIR="$STATE"
	open_gate 1
	exec_ready
	runtime=$(pgrep -P "$EXEC_PID")
	kill -STOP "$EXEC_PID"
	start=$(date +%s%N)
	open_gate 2
	# runc exits (a zombie: its parent is stopped) when the hook gave up
	for i in $(seq 1 300); do
		[ "$(awk '{ print $3 }' "/proc/$runtime/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	end=$(date +%s%N)
	kill -CONT "$EXEC_PID"
	run launch_wait
	assert_failure
	ms=$(( (end - start) / 1000000 ))
	echo "# runc with a silent acid-exec: $ms ms" >&3
	grep "acid-prestart" "$PUB/err" >&3 || true
	[ "$(grep -c "acid-prestart: .*did not answer" "$PUB/err")" = 1 ] ||
		fail "the hook's line: $(cat "$PUB/err")"
	# the hook's deadline is 2 s; runc's own work stays under 2 s more
	[ "$ms" -lt 4000 ] || fail "runc ended after $ms ms"
	no_record "$name" || fail "a record for a container refused"
}

@test "hand-off: acid-exec that cannot serve (an unsafe registry directory) runs nothing, one line" {
	mkdir -m 755 "$STATE"
	run --separate-stderr env ACID_PROC_ROOT="$KP" ACID_STATE_DIR="$STATE" \
		"$ACID_EXEC" --uid 0 sh -c 'echo RAN'
	assert_failure 1
	refute_output --partial RAN
	[ "$(printf '%s\n' "$stderr" | grep -c .)" = 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "acid-exec: cannot serve the hooks' registrations ($STATE/exec-"*"not root's or not 0700): nothing run" ]] ||
		fail "stderr: $stderr"
}

@test "session tag: an unprivileged user's own program named acid-exec is not trusted; the installed one is" {
	local name b=$BATS_TEST_TMPDIR/b rec ses fake=$PUB/fake
	mkdir "$fake"
	chown nobody:nogroup "$fake"
	# the user's own copy of a shell, named acid-exec, in its own directory
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		cp /bin/dash "$fake/acid-exec"
	[ "$(stat -c %U "$fake/acid-exec")" = nobody ] || fail "the copy is not nobody's"
	name=$(uname_for fake)
	make_bundle "$b"
	# run in a session of the user's, as its login would have made it:
	# the container's records must not be tagged with it
	run sh -c 'echo 65534 > /proc/self/loginuid && cat /proc/self/sessionid >&2 &&
		exec "$1" -c "runc --root \"\$1\" run -b \"\$2\" \"\$3\" </dev/null; exit \$?" \
		sh "$2" "$3" "$4"' sh "$fake/acid-exec" "$BATS_FILE_TMPDIR/runc" "$b" "$name"
	assert_success
	rec=$(records "$name" 2 | grep op=start) || fail "no start record"
	echo "# the user's session: $output; under its acid-exec: $rec" >&3
	assert_equal "$(field ses-tag "$rec")" ""

	# a root-owned copy of the real one that others may write: not either
	mkdir -m 755 "$PUB/ww"
	cp "$ACID_EXEC" "$PUB/ww/acid-exec"
	chmod 0757 "$PUB/ww/acid-exec"
	name=$(uname_for wwexec)
	# (the build tree's rpath is relative to it: say where libacid is)
	run env LD_LIBRARY_PATH="$BUILD" "$PUB/ww/acid-exec" runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name"
	assert_success
	rec=$(records "$name" 2 | grep op=start) || fail "no start record"
	assert_equal "$(field ses-tag "$rec")" ""

	# the build tree's acid-exec (root-owned, 0755) is trusted
	[ "$(stat -c '%U %a' "$ACID_EXEC")" = "root 755" ] ||
		fail "$ACID_EXEC: $(stat -c '%U %a' "$ACID_EXEC")"
	name=$(uname_for real)
	BUNDLE_CMD="cat /proc/self/sessionid > /dev/stderr" make_bundle "$b"
	run --separate-stderr "$ACID_EXEC" runc --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name"
	assert_success
	ses=$stderr
	rec=$(records "$name" 2 | grep op=start) || fail "no start record"
	assert_equal "$(field ses-tag "$rec")" "$ses"
}
