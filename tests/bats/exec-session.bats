#!/usr/bin/env bats
# Exec sessions: `acid-exec RUNTIME exec ...` into a running container that
# the hooks registered, with real runc, crun and podman, real auditd. The
# link record (VIRT_CONTROL op=exec reason=session) is in the log before
# the runtime runs, names the exec's fresh session and the runtime's pid,
# and the marker program exec'd into the container runs in that session;
# the same marker on the host does not. An exec into a container acid does
# not know gets no link and no extra output; a bad command line gives the
# runtime's own error; a link that cannot be sent stops the exec (policy
# fail) or is a warning (policy warn). And a container started by runc
# inside a registered container registers as nested (parent-uuid=).
#
# The marker is a copy of the rootfs's busybox under a unique name; the one
# audit rule of this file logs its execve only (exe=, by inode, so inside
# the container too), prepended so that it decides before anyone else's
# rules, and is removed in teardown_file.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}
ACID_EXEC=${ACID_EXEC_BIN:-$BUILD/tools/acid-exec}

setup_file() {
	require_components
	command -v crun >/dev/null || fail "crun is not installed"
	command -v podman >/dev/null || fail "podman is not installed"
	[ -x "$ACID_EXEC" ] || fail "$ACID_EXEC was not built (acid-exec)"
	[ -x "$ACID" ] || fail "$ACID was not built"
	local r key marker
	r=$(rootfs)
	marker=busybox-mark-$$-$RANDOM
	cp "$r/bin/busybox" "$r/bin/$marker"
	echo "$marker" > "$BATS_FILE_TMPDIR/marker"
	key=acid-exec-test-$$
	echo "$key" > "$BATS_FILE_TMPDIR/rule-key"
	auditctl -A always,exit -F arch=b64 -S execve -F exe="$r/bin/$marker" \
		-k "$key" >/dev/null
}

teardown_file() {
	local key marker r=$BATS_FILE_TMPDIR/rootfs
	key=$(cat "$BATS_FILE_TMPDIR/rule-key" 2>/dev/null) || return 0
	marker=$(cat "$BATS_FILE_TMPDIR/marker")
	auditctl -d always,exit -F arch=b64 -S execve -F exe="$r/bin/$marker" \
		-k "$key" >/dev/null 2>&1 || true
	# a link-dropping rule a failed test may have left
	auditctl -d never,exclude -F msgtype=VIRT_CONTROL \
		-F exe="$(realpath "$ACID_EXEC")" >/dev/null 2>&1 || true
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	unset ACID_POLICY
	TAG=$$-$RANDOM
	KEY=$(cat "$BATS_FILE_TMPDIR/rule-key")
	MARKER_NAME=$(cat "$BATS_FILE_TMPDIR/marker")
	MARKER=$(rootfs)/bin/$MARKER_NAME	# the host's path
	MARKER_IN=/bin/$MARKER_NAME		# the container's
	RUNC_ROOT=$BATS_FILE_TMPDIR/runc
	CRUN_ROOT=$BATS_FILE_TMPDIR/crun
	PODMAN_CIDS=()
	EXTRA_ROOTS=("$BATS_FILE_TMPDIR/inner-runc")
}

teardown() {
	local c r
	auditctl -d never,exclude -F msgtype=VIRT_CONTROL \
		-F exe="$(realpath "$ACID_EXEC")" >/dev/null 2>&1 || true
	delete_runc_containers
	for c in $(crun --root "$CRUN_ROOT" list -q 2>/dev/null); do
		crun --root "$CRUN_ROOT" delete -f "$c" >/dev/null 2>&1 || true
	done
	for c in "${PODMAN_CIDS[@]}"; do
		podman --runtime "$BATS_FILE_TMPDIR/wrapper" rm -f -t 0 "$c" \
			>/dev/null 2>&1 || true
	done
	for r in "${EXTRA_ROOTS[@]}"; do
		for c in $(runc --root "$r" list -q 2>/dev/null); do
			runc --root "$r" delete -f "$c" >/dev/null 2>&1 || true
		done
	done
}

# start_runc NAME [hooks|none]: a running runc container (sleep) of this
# file's runc root, registered by the hooks unless "none".
start_runc() {
	local name=$1 b=$BATS_TEST_TMPDIR/b-$1
	BUNDLE_CMD="sleep 120" make_bundle "$b"
	[ "${2:-hooks}" = none ] && set_config "$b" 'del(.hooks)'
	runc --root "$RUNC_ROOT" run -d -b "$b" "$name" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $name failed"
}

# start_crun NAME: the same with crun (cgroup2-only view, private mount
# namespace: the recipe of run_crun in helpers.bash), registered.
start_crun() {
	local name=$1 b=$BATS_TEST_TMPDIR/b-$1
	BUNDLE_CMD="sleep 120" make_bundle "$b"
	unshare -m sh -c 'mount --make-rprivate / &&
		umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup &&
		exec crun --root "$1" --cgroup-manager=disabled run -d -b "$2" "$3" \
			</dev/null >/dev/null 2>&1' sh "$CRUN_ROOT" "$b" "$name" ||
		fail "crun run -d $name failed"
}

# uuid_of NAME: UUID= the UUID of NAME's start record, waiting up to 30 s
# (auditd may lag behind a machine busy with other tests). Called as a
# command, never in $(...), where a failed assertion would not stop the
# test (command substitutions do not inherit errexit).
uuid_of() {
	local i start
	for i in $(seq 1 150); do
		start=$(audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "vm=\"$1\"" |
			grep -a op=start | tail -n1 || true)
		[ -n "$start" ] && break
		sleep 0.2
	done
	UUID=$(field uuid "$start")
	[ -n "$UUID" ] || fail "no start record for $1"
}

# links UUID [MIN]: the raw op=exec records stock ausearch finds by --uuid,
# waiting up to 30 s for at least MIN (default 1) and the start record
# (auditd lags on a busy machine; a log rotated while ausearch reads it
# can hide a record from one reading). AUSEARCH= all it found.
links() {
	local i out min=${2:-1}
	for i in $(seq 1 150); do
		AUSEARCH=$(ausearch --input-logs -m VIRT_CONTROL --uuid "$1" --raw 2>/dev/null || true)
		out=$(printf '%s\n' "$AUSEARCH" | grep -a 'op=exec' || true)
		[ "$(printf '%s' "$out" | grep -c .)" -ge "$min" ] &&
			printf '%s\n' "$AUSEARCH" | grep -qa 'op=start' && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# vc_records NAME [MIN]: records of helpers.bash, waiting up to 30 s.
vc_records() {
	local name=$1 min=${2:-2} i out
	for i in $(seq 1 150); do
		out=$(audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "vm=\"$name\"" || true)
		[ "$(printf '%s' "$out" | grep -c .)" -ge "$min" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# marker_execs FIELD VALUE: the marker's execve SYSCALL records (this
# file's key) with FIELD=VALUE, waiting up to 10 s for one.
marker_execs() {
	local i out
	for i in $(seq 1 50); do
		out=$(audit_log | grep -a '^type=SYSCALL' | grep -aF "key=\"$KEY\"" |
			grep -a " $1=$2 " || true)
		[ -n "$out" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# check_link UUID NAME: one link for the exec, whose session the marker
# ran in; sets SES, TASK (the link's) and PPID (the marker's parent).
# Called as a command (see uuid_of).
check_link() {
	local uuid=$1 name=$2 link start sys
	links "$uuid" > "$BATS_TEST_TMPDIR/links" ||
		fail "no op=exec record for $uuid (ausearch --uuid)"
	link=$(cat "$BATS_TEST_TMPDIR/links")
	assert_equal "$(printf '%s\n' "$link" | grep -c .)" 1
	[[ "$link" == *" op=exec reason=session vm=\"$name\" uuid=$uuid "* ]] ||
		fail "not the link's head: $link"
	start=$(audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "uuid=$uuid " |
		grep -a op=start)
	assert_equal "$(field vm-pid "$link")" "$(field vm-pid "$start")"
	assert_equal "$(field exe "$link")" "\"$(realpath "$ACID_EXEC")\""
	[[ "$link" == *" res=success'"* ]] || fail "no trailer: $link"
	SES=$(field ses-tag "$link")
	TASK=$(field task-pid "$link")
	[[ "$SES" =~ ^[0-9]+$ ]] && [ "$SES" != 4294967295 ] ||
		fail "no session in the link: $link"
	[[ "$TASK" =~ ^[0-9]+$ ]] || fail "no task-pid in the link: $link"
	# sent from the exec's session, by acid-exec
	assert_equal "$(field ses "$link")" "$SES"
	# ausearch --uuid lists it with the start record
	assert_equal "$(printf '%s\n' "$AUSEARCH" | grep -ac "op=start")" 1
	# the marker's execve carries the session
	sys=$(marker_execs ses "$SES") ||
		fail "no execve of the marker in session $SES"
	assert_equal "$(printf '%s\n' "$sys" | grep -c .)" 1
	PPID_=$(field ppid "$sys")
}

# host_marker: the marker run on the host now; HOST= its execve SYSCALL
# record. Called as a command (see uuid_of).
host_marker() {
	local pid
	pid=$("$MARKER" sh -c 'echo $$')
	HOST=$(marker_execs pid "$pid") || fail "no execve of the host's marker (pid $pid)"
	[ "$(field ses "$HOST")" != "$SES" ] || fail "the host's marker is in session $SES"
}

# check_events UUID SES HOST-RECORD: acid events UUID (the attribution
# library reading the op=exec link) lists the marker's execve of session
# SES and its link, and not the host's marker (HOST-RECORD).
check_events() {
	local uuid=$1 ses=$2 host=$3 ctr i
	ctr=$(marker_execs ses "$ses") || fail "no execve of the marker in session $ses"
	# (a log rotated while it is read can hide a record from one reading)
	for i in 1 2 3; do
		run --separate-stderr "$ACID" events "$uuid" --raw
		assert_success
		printf '%s\n' "$output" | grep -qaxF -- "$ctr" && break
	done
	printf '%s\n' "$output" | grep -qaxF -- "$ctr" ||
		fail "acid events $uuid lacks the marker's execve: $ctr"
	printf '%s\n' "$output" | grep -qa "op=exec .*ses-tag=$ses " ||
		fail "acid events $uuid lacks the link"
	if printf '%s\n' "$output" | grep -qaxF -- "$host"; then
		fail "acid events $uuid lists the host's marker: $host"
	fi
}

@test "runc exec under acid-exec: the link (ausearch --uuid), the marker in its session and in acid events, the host's not" {
	local name uuid
	name=$(uname_for exec-runc)
	start_runc "$name"
	uuid_of "$name"
	uuid=$UUID
	run --separate-stderr "$ACID_EXEC" runc --root "$RUNC_ROOT" exec "$name" \
		"$MARKER_IN" echo "CTR.$TAG"
	assert_success
	assert_output "CTR.$TAG"
	assert_equal "$stderr" ""
	check_link "$uuid" "$name"
	# runc's exec'd process is a child of the runc process (CLONE_PARENT)
	# that the link names
	assert_equal "$PPID_" "$TASK"
	host_marker
	check_events "$uuid" "$SES" "$HOST"
}

@test "runc exec with global and exec options in both forms finds the container" {
	local name uuid
	name=$(uname_for exec-opts)
	start_runc "$name"
	uuid_of "$name"
	uuid=$UUID
	run --separate-stderr "$ACID_EXEC" runc --log /dev/null --log-format=text \
		--root="$RUNC_ROOT" --debug=false exec --cwd / -e A=1 -e=B=2 \
		-u 0:0 --no-new-privs --preserve-fds=0 -t=false "$name" \
		"$MARKER_IN" sh -c 'echo "$A$B"'
	assert_success
	assert_output "12"
	check_link "$uuid" "$name"
}

@test "crun exec under acid-exec: the link, the marker in its session and in acid events, the host's not" {
	local name uuid
	name=$(uname_for exec-crun)
	start_crun "$name"
	uuid_of "$name"
	uuid=$UUID
	run --separate-stderr "$ACID_EXEC" crun --root="$CRUN_ROOT" \
		--cgroup-manager=disabled exec --cwd=/ "$name" "$MARKER_IN" echo "CTR.$TAG"
	assert_success
	assert_output "CTR.$TAG"
	assert_equal "$stderr" ""
	check_link "$uuid" "$name"
	host_marker
	check_events "$uuid" "$SES" "$HOST"
}

@test "podman exec through a runtime wrapper running acid-exec runc: run and exec both go through it" {
	local cid uuid start w=$BATS_FILE_TMPDIR/wrapper hooks=$BATS_TEST_TMPDIR/hooks.d h
	mkdir -p "$hooks"
	for h in acid-prestart acid-poststop; do
		[ -f "$BUILD/examples/$h.json" ] || fail "$BUILD/examples/$h.json was not built"
		jq --arg p "$BUILD/hooks/$h" --arg s "ACID_STATE_DIR=$STATE_DIR" \
			'.hook.path = $p | .hook.env = [$s]' \
			"$BUILD/examples/$h.json" > "$hooks/$h.json"
	done
	# podman takes a path as --runtime, with no arguments for it
	cat > "$w" <<-EOF
	#!/bin/sh
	echo "\$*" >> "$BATS_TEST_TMPDIR/wrapper.log"
	ACID_STATE_DIR=$STATE_DIR exec "$ACID_EXEC" runc "\$@"
	EOF
	chmod +x "$w"
	cid=$(podman --runtime "$w" --cgroup-manager cgroupfs --hooks-dir "$hooks" \
		run -d --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" sleep 120 </dev/null) || fail "podman run failed"
	PODMAN_CIDS+=("$cid")
	# the run went through acid-exec: the start record has its session
	start=$(vc_records "$cid" 1 | grep -a op=start | tail -n1)
	[[ "$(field ses-tag "$start")" =~ ^[0-9]+$ ]] || fail "no ses-tag: $start"
	uuid=$(field uuid "$start")

	run --separate-stderr podman --runtime "$w" exec "$cid" "$MARKER_IN" echo "CTR.$TAG"
	assert_success
	assert_output "CTR.$TAG"
	# podman (conmon) asked the runtime for "exec ... --detach <cid>"
	grep -q "^exec .*--detach.* $cid\$" "$BATS_TEST_TMPDIR/wrapper.log" ||
		fail "no exec in $(cat "$BATS_TEST_TMPDIR/wrapper.log")"
	check_link "$uuid" "$cid"
	[ "$SES" != "$(field ses-tag "$start")" ] ||
		fail "the exec did not get a session of its own"
	host_marker
	check_events "$uuid" "$SES" "$HOST"
}

@test "an exec into a container acid does not know: it runs, no link, nothing more said" {
	local name mark
	name=$(uname_for exec-unknown)
	start_runc "$name" none
	mark=$(audit_mark)
	run --separate-stderr "$ACID_EXEC" runc --root "$RUNC_ROOT" exec "$name" \
		"$MARKER_IN" sh -c 'echo "CTR.$0"' "$TAG"
	assert_success
	assert_output "CTR.$TAG"
	assert_equal "$stderr" ""
	sleep 1
	no_record "$name" || fail "a record names $name"
	assert_equal "$(virt_records_since "$mark" "$ACID_EXEC")" 0
}

# same_as_runc ARGS...: acid-exec runc ARGS says and exits as runc ARGS
# does (runc's log lines without their time stamps).
same_as_runc() {
	local want want_status
	run runc "$@"
	want=$(printf '%s\n' "$output" | sed 's/^time="[^"]*" //')
	want_status=$status
	run "$ACID_EXEC" runc "$@"
	assert_equal "$status" "$want_status"
	assert_equal "$(printf '%s\n' "$output" | sed 's/^time="[^"]*" //')" "$want"
	[ "$status" -ne 0 ]
}

@test "a bad option, a missing container id, an unknown container: the runtime's own error" {
	local name
	name=$(uname_for exec-bad)
	start_runc "$name"
	same_as_runc --root "$RUNC_ROOT" exec --no-such-option "$name" true
	assert_output --partial "flag provided but not defined: -no-such-option"
	same_as_runc --root "$RUNC_ROOT" exec
	assert_output --partial "requires a minimum of 1 argument"
	same_as_runc --root "$RUNC_ROOT" exec -t
	same_as_runc --root "$RUNC_ROOT" exec "$name-not-there" true
	assert_output --partial "container does not exist"
	run crun --root "$CRUN_ROOT" exec --no-such-option x true
	local want=$output want_status=$status
	run "$ACID_EXEC" crun --root "$CRUN_ROOT" exec --no-such-option x true
	assert_equal "$status" "$want_status"
	assert_equal "$output" "$want"
}

@test "a link that cannot be sent: the exec does not run (policy fail); warn runs it unlinked" {
	local name uuid exe ses_fail ses_warn
	name=$(uname_for exec-refused)
	start_runc "$name"
	uuid_of "$name"
	uuid=$UUID
	exe=$(realpath "$ACID_EXEC")
	# the kernel would drop acid-exec's VIRT_CONTROL records
	auditctl -a never,exclude -F msgtype=VIRT_CONTROL -F exe="$exe"
	run --separate-stderr "$ACID_EXEC" runc --root "$RUNC_ROOT" exec "$name" \
		"$MARKER_IN" echo "CTR.$TAG"
	assert_failure 1
	assert_output ""
	assert_equal "$(printf '%s\n' "$stderr" | grep -c .)" 1
	[[ "$stderr" == "acid-exec: the exec was not run (ACID_POLICY=warn runs it unlinked): cannot link it to container \"$name\" ($uuid) and audit session "[0-9]*": sending the exec link record: A kernel audit rule "*"drops VIRT_CONTROL records"* ]] ||
		fail "not the refusal: $stderr"
	ses_fail=$(printf '%s\n' "$stderr" | sed -n 's/.* and audit session \([0-9]*\): .*/\1/p')

	ACID_POLICY=warn run --separate-stderr "$ACID_EXEC" runc --root "$RUNC_ROOT" \
		exec "$name" "$MARKER_IN" echo "CTR.$TAG"
	assert_success
	assert_output "CTR.$TAG"
	[[ "$stderr" == "acid-exec: warning: the exec runs unlinked: cannot link it to container \"$name\" ($uuid) and audit session "[0-9]*": "* ]] ||
		fail "not the warning: $stderr"
	ses_warn=$(printf '%s\n' "$stderr" | sed -n 's/.* and audit session \([0-9]*\): .*/\1/p')
	# an argument wins over the variable
	ACID_POLICY=warn run --separate-stderr "$ACID_EXEC" --policy=fail runc \
		--root "$RUNC_ROOT" exec "$name" "$MARKER_IN" true
	assert_failure 1
	auditctl -d never,exclude -F msgtype=VIRT_CONTROL -F exe="$exe"

	# the warned exec ran in its session, the refused one never ran
	marker_execs ses "$ses_warn" >/dev/null ||
		fail "no execve of the marker in the warned exec's session $ses_warn"
	audit_mark >/dev/null
	! audit_log | grep -a '^type=SYSCALL' | grep -aF "key=\"$KEY\"" |
		grep -qa " ses=$ses_fail " || fail "the refused exec ran (session $ses_fail)"
	# and no link reached the log
	run ausearch --input-logs -m VIRT_CONTROL --uuid "$uuid" --raw
	assert_equal "$(printf '%s\n' "$output" | grep -ac 'op=exec')" 0

	ACID_POLICY=bogus run "$ACID_EXEC" runc --root "$RUNC_ROOT" exec "$name" true
	assert_failure 2
	assert_output "acid-exec: ACID_POLICY \"bogus\" is not fail or warn"
}

@test "a nested container: runc inside a registered runc container registers with parent-uuid" {
	local outer inner b=$BATS_TEST_TMPDIR/outer ib=$BATS_TEST_TMPDIR/inner
	local caps orootfs=$BATS_TEST_TMPDIR/orootfs start_o start_i mounts d
	outer=$(uname_for nest-out)
	inner=$(uname_for nest-in)
	# the inner container: busybox, this build's hooks, the host's registry
	BUNDLE_CMD="echo inner-ran" make_bundle "$ib"
	# the outer one: the host's /usr and /etc read-only, /tmp (the
	# bundles, the registry, the inner runc's root) and the tree of this
	# build shared; every capability, no seccomp, nothing masked, so that
	# runc can run in it; its own mount, uts and ipc namespaces. It shares
	# the host's pid namespace: the hooks take the container's pid from
	# the runtime's state, in the pid namespace the runtime runs in, and
	# acid keeps host pids (see the report of issue 14).
	mkdir -p "$orootfs"/{usr,etc,tmp,proc,sys,dev,run,work}
	for d in bin sbin lib lib32 lib64; do
		[ -L "/$d" ] && ln -s "usr/$d" "$orootfs/$d"
	done
	command -v capsh >/dev/null || fail "capsh is not installed (libcap2-bin)"
	caps=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' '\n' |
		tr a-z A-Z | jq -R . | jq -sc .)
	mounts=$(jq -nc --arg repo "$REPO" --arg build "$BUILD" '
		def bind(d; ro): { destination: d, type: "bind", source: d,
			options: (["rbind"] + (if ro then ["ro"] else [] end)) };
		[bind("/proc"; false), bind("/dev"; false), bind("/sys"; false),
		 bind("/usr"; true), bind("/etc"; true), bind("/tmp"; false),
		 bind($repo; true), bind($build; true)] | unique_by(.destination)')
	for d in $(printf '%s' "$mounts" | jq -r '.[].destination'); do
		mkdir -p "$orootfs$d"
	done
	BUNDLE_CMD="runc --root $BATS_FILE_TMPDIR/inner-runc run -b $ib $inner </dev/null" \
		make_bundle "$b"
	set_config "$b" '.root = { path: $r, readonly: false }
		| .process.env += ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
		| .process.capabilities = { bounding: $caps, effective: $caps,
					     permitted: $caps }
		| del(.linux.seccomp) | del(.linux.maskedPaths)
		| del(.linux.readonlyPaths)
		| .linux.namespaces = [{ type: "mount" }, { type: "uts" },
				       { type: "ipc" }]
		| .mounts = $m' --arg r "$orootfs" --argjson caps "$caps" \
		--argjson m "$mounts"
	run run_runc "$b" "$outer"
	assert_success
	assert_output --partial "inner-ran"
	start_o=$(vc_records "$outer" 2 | grep -a op=start)
	start_i=$(vc_records "$inner" 2 | grep -a op=start)
	[ -n "$start_i" ] || fail "the inner container was not registered"
	assert_equal "$(field parent-uuid "$start_i")" "$(field uuid "$start_o")"
	[ -z "$(field parent-uuid "$start_o")" ] || fail "the outer one is nested: $start_o"
	# its init a host pid: a descendant of the outer container's init
	[ "$(field vm-pid "$start_i")" -gt "$(field vm-pid "$start_o")" ] ||
		fail "inner vm-pid $(field vm-pid "$start_i") is not a host pid after the outer's"
	# both ended, each with its own stop record
	assert_equal "$(vc_records "$inner" 2 | grep -ac op=stop)" 1
	assert_equal "$(vc_records "$outer" 2 | grep -ac op=stop)" 1
	assert_equal "$(registry_entries)" 0
}

@test "a name registered twice: the living container is linked; two living ones: refused as ambiguous" {
	local name b1=$BATS_TEST_TMPDIR/b1 b2=$BATS_TEST_TMPDIR/b2 b3=$BATS_TEST_TMPDIR/b3
	local root2=$BATS_TEST_TMPDIR/runc2 root3=$BATS_TEST_TMPDIR/runc3 pid uuid2
	name=$(uname_for exec-twice)
	EXTRA_ROOTS+=("$root2" "$root3")
	# the first run of the name dies without its stop (no runc delete)
	BUNDLE_CMD="sleep 120" make_bundle "$b1"
	runc --root "$RUNC_ROOT" run -d -b "$b1" "$name" </dev/null >/dev/null 2>&1
	pid=$(runc --root "$RUNC_ROOT" state "$name" | jq -r .pid)
	kill -KILL "$pid"
	# the name again, under another runc root, alive
	BUNDLE_CMD="sleep 120" make_bundle "$b2"
	runc --root "$root2" run -d -b "$b2" "$name" </dev/null >/dev/null 2>&1
	uuid2=$(field uuid "$(vc_records "$name" 2 | grep -a op=start | tail -n1)")
	assert_equal "$(registry_entries)" 2
	run --separate-stderr "$ACID_EXEC" runc --root "$root2" exec "$name" \
		"$MARKER_IN" echo "CTR.$TAG"
	assert_success
	assert_output "CTR.$TAG"
	check_link "$uuid2" "$name"

	# a third, alive too: which one the exec enters is not for acid-exec
	# to guess
	BUNDLE_CMD="sleep 120" make_bundle "$b3"
	runc --root "$root3" run -d -b "$b3" "$name" </dev/null >/dev/null 2>&1
	run --separate-stderr "$ACID_EXEC" runc --root "$root2" exec "$name" \
		"$MARKER_IN" echo "CTR.$TAG"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "acid-exec: the exec was not run (ACID_POLICY=warn runs it unlinked): cannot tell which registered container it enters: several living registered containers are named \"$name\""
}
