#!/usr/bin/env bats
# acid-runtime, the runtime wrapper for engines without hooks.d, in front
# of real runc: under a private Debian dockerd (docker run --runtime acid)
# and a private containerd (ctr run with the runc shim pointed at it) each
# container gets both records; a plain docker run gets none. Then the
# config editing itself, with real runc: the user's hooks kept, acid's
# never twice, a symlink or bad JSON refused with the file untouched.
#
# setup_file starts one containerd and one dockerd on it for the file, in
# a private directory with their own sockets, and stops them at the end,
# leaving the system as it found it.

load helpers

RUNTIME_BIN=$BUILD/tools/acid-runtime

setup_file() {
	require_components
	local c
	for c in containerd ctr dockerd /usr/bin/docker "$RUNTIME_BIN"; do
		command -v "$c" >/dev/null || [ -x "$c" ] ||
			fail "required component '$c' is missing (scripts/install-deps.sh installs docker.io and containerd)"
	done
	# what the daemons create outside their own directories, to remove
	# at the end if it was not there before
	local d
	export RT_NEW_DIRS=""
	for d in /run/containerd /run/docker /opt/containerd; do
		[ -e "$d" ] || RT_NEW_DIRS="$RT_NEW_DIRS $d"
	done
	# a short path: the daemons' unix socket names must fit 108 bytes
	RT=$(mktemp -d /tmp/acid-rt.XXXXXX)
	export RT
	export RT_STATE=$RT/state
	export DOCKER_HOST=unix://$RT/docker.sock
	make_rootfs_image_dir

	# containerd: no CRI, no /opt/containerd, everything under $RT. The
	# runc shim it starts inherits its environment, and acid-runtime
	# under the shim reads ACID_HOOKS_DIR (this build's hooks) and passes
	# ACID_STATE_DIR on to the hooks.
	cat > "$RT/containerd.toml" <<-EOF
	version = 2
	root = "$RT/containerd/root"
	state = "$RT/containerd/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
	[grpc]
	  address = "$RT/containerd.sock"
	[ttrpc]
	  address = "$RT/containerd.sock.ttrpc"
	[debug]
	  address = ""
	EOF
	(cd / && ACID_HOOKS_DIR=$BUILD/hooks ACID_STATE_DIR=$RT_STATE \
		exec containerd --config "$RT/containerd.toml" \
		>"$RT/containerd.log" 2>&1 </dev/null) 3>&- &
	echo $! > "$RT/containerd.pid"
	wait_for "containerd" ctr --address "$RT/containerd.sock" version

	# dockerd on that containerd (given none, Debian's dockerd 20.10
	# starts a containerd of its own), its trust key kept out of
	# /etc/docker
	# and a runtime "acid-path" as daemon.json writes one: acid-runtime in
	# front of the runtime its runtimeArgs name (docker puts them first)
	jq -n --arg key "$RT/docker/key.json" --arg bin "$RUNTIME_BIN" \
		--arg runc "$(command -v runc)" '{
		"deprecated-key-path": $key,
		runtimes: {"acid-path": {path: $bin, runtimeArgs: ["--runtime", $runc]}}
	}' > "$RT/daemon.json"
	(cd / && exec dockerd --config-file "$RT/daemon.json" \
		--containerd "$RT/containerd.sock" \
		--iptables=false --bridge=none --storage-driver=vfs \
		--exec-opt native.cgroupdriver=cgroupfs \
		--data-root "$RT/docker/data" --exec-root "$RT/docker/exec" \
		--pidfile "$RT/docker/pid" -H "$DOCKER_HOST" \
		--add-runtime "acid=$RUNTIME_BIN" \
		>"$RT/dockerd.log" 2>&1 </dev/null) 3>&- &
	echo $! > "$RT/dockerd.pid"
	wait_for "dockerd" /usr/bin/docker version
	tar -C "$RT/rootfs" -c . | /usr/bin/docker import - acid-busybox:runtime >/dev/null ||
		fail "docker import of the busybox rootfs failed"
}

# The busybox rootfs, under $RT (ctr --rootfs and docker import use it).
make_rootfs_image_dir() {
	"$REPO/scripts/make-rootfs.sh" "$RT/rootfs" >&2
}

# wait_for WHAT CMD...: CMD succeeds within 20 s, else fail with the log.
wait_for() {
	local what=$1 i
	shift
	for i in $(seq 1 200); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "$what did not come up: $(tail -n 5 "$RT/$what.log" 2>/dev/null)"
}

# stop_pid FILE: TERM the process whose pid FILE holds, wait for it to go.
stop_pid() {
	local pid i
	pid=$(cat "$1" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

teardown_file() {
	[ -n "${RT:-}" ] && [ -d "$RT" ] || return 0
	/usr/bin/docker ps -aq 2>/dev/null | xargs -r /usr/bin/docker rm -f >/dev/null 2>&1 || true
	stop_pid "$RT/dockerd.pid"
	stop_pid "$RT/containerd.pid"
	# shims of this containerd (they name its socket) still running
	local pid m
	for pid in $(pgrep -f -- "-address $RT/containerd.sock" || true); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	# nothing may stay mounted under $RT before it is removed
	for m in $(findmnt -rn -o TARGET | grep -F "$RT/" | sort -r); do
		umount -l "$m" || true
	done
	if findmnt -rn -o TARGET | grep -qF "$RT/"; then
		echo "# $RT left in place: something is still mounted there" >&3
	else
		rm -rf "$RT"
	fi
	# only empty directories: anything else there is someone else's
	for m in $RT_NEW_DIRS; do
		[ -d "$m" ] && find "$m" -depth -type d -empty -delete
	done
	return 0
}

setup() {
	export ACID_HOOKS_DIR=$BUILD/hooks
	export ACID_STATE_DIR=$BATS_FILE_TMPDIR/state
	unset ACID_RUNTIME ACID_POLICY ACID_PROC_ROOT
	STATE_DIR=$ACID_STATE_DIR
	RUNC_ROOT=$BATS_FILE_TMPDIR/runc
}

teardown() {
	delete_runc_containers
}

# check_both NAME: exactly one start and one stop record of NAME, both
# written by this build's hooks.
check_both() {
	local recs
	recs=$(records "$1" 2)
	assert_equal "$(printf '%s\n' "$recs" | grep -c 'op=start')" 1
	assert_equal "$(printf '%s\n' "$recs" | grep -c 'op=stop')" 1
	assert_equal "$(printf '%s\n' "$recs" | grep -a 'op=start' | grep -cF "exe=\"$PRESTART\"")" 1
	assert_equal "$(printf '%s\n' "$recs" | grep -a 'op=stop' | grep -cF "exe=\"$POSTSTOP\"")" 1
	assert_equal "$(field uuid "$(printf '%s\n' "$recs" | grep -a op=start)")" \
		"$(field uuid "$(printf '%s\n' "$recs" | grep -a op=stop)")"
}

# plain_bundle DIR: a bundle running CMD (default /bin/true) with no hooks.
plain_bundle() {
	local dir=$1 cmd=${2:-true}
	mkdir -p "$dir"
	jq --arg rootfs "$RT/rootfs" --arg cmd "$cmd" '
		del(.hooks)
		| .process.args = ["sh", "-c", $cmd]
		| .root.path = $rootfs' \
		"$REPO/examples/config.json" > "$dir/config.json"
}

# count_hooks FILE STAGE NAME: how many hooks of STAGE run program NAME.
count_hooks() {
	jq --arg s "$2" --arg n "$3" \
		'[(.hooks[$s] // [])[] | select(.path | endswith("/" + $n))] | length' "$1"
}

@test "docker run --runtime acid: both records, by the container's 64-hex id" {
	local name id recs
	name=$(uname_for docker)
	run /usr/bin/docker run --runtime acid --name "$name" acid-busybox:runtime /bin/true
	assert_success
	id=$(/usr/bin/docker inspect -f '{{.Id}}' "$name")
	[[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "docker's id '$id' is not 64 hex"
	/usr/bin/docker rm "$name" >/dev/null
	check_both "$id"
	recs=$(records "$id" 2)
	# the bundle is containerd's, the state dir the one containerd gave
	assert_equal "$(field bundle "$(printf '%s\n' "$recs" | grep -a op=start)")" \
		"\"$RT/containerd/state/io.containerd.runtime.v2.task/moby/$id\""
	[ -d "$RT_STATE" ] || fail "the hooks did not use ACID_STATE_DIR=$RT_STATE"
	assert_equal "$(registry_entries "$RT_STATE")" 0
}

@test "docker, daemon.json runtimeArgs [--runtime, PATH]: both records" {
	# runc would refuse a --runtime option: that the container runs shows
	# acid-runtime took its own option from docker's runtimeArgs
	local name id
	name=$(uname_for docker-args)
	run /usr/bin/docker run --runtime acid-path --name "$name" acid-busybox:runtime /bin/true
	assert_success
	id=$(/usr/bin/docker inspect -f '{{.Id}}' "$name")
	/usr/bin/docker rm "$name" >/dev/null
	check_both "$id"
}

@test "plain docker run: no record" {
	local name id
	name=$(uname_for docker-plain)
	run /usr/bin/docker run --name "$name" acid-busybox:runtime /bin/true
	assert_success
	id=$(/usr/bin/docker inspect -f '{{.Id}}' "$name")
	/usr/bin/docker rm "$name" >/dev/null
	# records written before the mark are in the log once it is there
	audit_mark >/dev/null
	no_record "$id"
}

@test "docker run --runtime acid: the container's output and exit status pass through" {
	run /usr/bin/docker run --rm --runtime acid acid-busybox:runtime sh -c 'echo from-inside; exit 7'
	assert_equal "$status" 7
	assert_output from-inside
}

@test "ctr run with acid-runtime as the runc shim's binary: both records" {
	local name
	name=$(uname_for ctr)
	run ctr --address "$RT/containerd.sock" run --rm --rootfs \
		--runc-binary "$RUNTIME_BIN" --runc-root "$RT/ctr-runc" \
		"$RT/rootfs" "$name" /bin/true
	assert_success
	check_both "$name"
}

@test "runc: the user's hooks kept and run, acid's added once, both records" {
	local b=$BATS_TEST_TMPDIR/b name
	name=$(uname_for keep)
	plain_bundle "$b"
	set_config "$b" '.hooks = {
		prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo pre > \($d)/user-pre"]}],
		poststop: [{path: "/bin/sh", args: ["sh", "-c", "echo post > \($d)/user-post"]}]
	}' --arg d "$b"
	run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$name" </dev/null
	assert_success
	check_both "$name"
	[ -f "$b/user-pre" ] || fail "the user's prestart hook did not run"
	[ -f "$b/user-post" ] || fail "the user's poststop hook did not run"
	# acid's first at prestart, last at poststop, the user's still there
	assert_equal "$(jq -r '.hooks.prestart | map(.path) | join(" ")' "$b/config.json")" \
		"$PRESTART /bin/sh"
	assert_equal "$(jq -r '.hooks.poststop | map(.path) | join(" ")' "$b/config.json")" \
		"/bin/sh $POSTSTOP"
	assert_equal "$(jq -c '.hooks.prestart[0].env' "$b/config.json")" \
		"[\"ACID_STATE_DIR=$ACID_STATE_DIR\"]"
	assert_equal "$(registry_entries)" 0
}

@test "runc create twice on one bundle: acid's hooks never twice, the file's mode kept" {
	local b=$BATS_TEST_TMPDIR/b n1 n2 sum
	n1=$(uname_for twice1)
	n2=$(uname_for twice2)
	plain_bundle "$b"
	chmod 0640 "$b/config.json"
	# a created container holds its stdio until started: not bats' pipe
	"$RUNTIME_BIN" --root "$RUNC_ROOT" create -b "$b" "$n1" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || fail "create: $(cat "$BATS_TEST_TMPDIR/out")"
	runc --root "$RUNC_ROOT" delete -f "$n1"
	sum=$(md5sum < "$b/config.json")
	"$RUNTIME_BIN" --root "$RUNC_ROOT" create --bundle="$b" "$n2" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || fail "create: $(cat "$BATS_TEST_TMPDIR/out")"
	runc --root "$RUNC_ROOT" delete -f "$n2"
	assert_equal "$(md5sum < "$b/config.json")" "$sum"
	assert_equal "$(count_hooks "$b/config.json" prestart acid-prestart)" 1
	assert_equal "$(count_hooks "$b/config.json" poststop acid-poststop)" 1
	assert_equal "$(stat -c %a "$b/config.json")" 640
	check_both "$n1"
	check_both "$n2"
	# no temporary file left beside it
	assert_equal "$(ls -A "$b" | grep -vc '^config.json$' || true)" 0
}

@test "acid's hook already at createRuntime (hooks.d, a hand-made config): not added again" {
	local b=$BATS_TEST_TMPDIR/b sum
	plain_bundle "$b"
	set_config "$b" '.hooks = {
		createRuntime: [{path: "/usr/libexec/oci/hooks.d/acid-prestart", args: ["acid-prestart", "createRuntime"]}],
		poststop: [{path: "/usr/libexec/oci/hooks.d/acid-poststop"}]
	}'
	sum=$(md5sum < "$b/config.json")
	cat > "$BATS_TEST_TMPDIR/stand-in" <<-'EOF'
	#!/bin/sh
	exit 0
	EOF
	chmod +x "$BATS_TEST_TMPDIR/stand-in"
	run "$RUNTIME_BIN" --runtime "$BATS_TEST_TMPDIR/stand-in" create -b "$b" x
	assert_success
	assert_equal "$(md5sum < "$b/config.json")" "$sum"
}

@test "a symlinked config.json is refused: one line, exit 1, nothing run, target untouched" {
	local b=$BATS_TEST_TMPDIR/b name sum
	name=$(uname_for symlink)
	plain_bundle "$b"
	mv "$b/config.json" "$BATS_TEST_TMPDIR/elsewhere.json"
	ln -s "$BATS_TEST_TMPDIR/elsewhere.json" "$b/config.json"
	sum=$(md5sum < "$BATS_TEST_TMPDIR/elsewhere.json")
	run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$name" </dev/null
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
	assert_output --partial "symbolic link"
	assert_equal "$(md5sum < "$BATS_TEST_TMPDIR/elsewhere.json")" "$sum"
	[ -L "$b/config.json" ] || fail "the link was replaced"
	run runc --root "$RUNC_ROOT" state "$name"
	assert_failure
}

@test "bad configs are refused: one line naming the file, exit 1, file untouched, nothing run" {
	local b=$BATS_TEST_TMPDIR/b name bad sum
	name=$(uname_for bad)
	mkdir -p "$b"
	while IFS= read -r bad; do
		printf '%s\n' "$bad" > "$b/config.json"
		sum=$(md5sum < "$b/config.json")
		run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$name" </dev/null
		assert_equal "$status" 1
		assert_equal "${#lines[@]}" 1
		assert_output --partial "$b/config.json: "
		assert_equal "$(md5sum < "$b/config.json")" "$sum"
		run runc --root "$RUNC_ROOT" state "$name"
		assert_failure
	done <<-'EOF'
	{"ociVersion": "1.0.2", "process": {
	{"ociVersion": /* a comment */ "1.0.2"}
	[1, 2]
	{"hooks": [1]}
	{"hooks": {"prestart": {"path": "/bin/true"}}}
	{"hooks": {}, "hooks": {"poststop": []}}
	{"hooks": {"poststop": [], "poststop": []}}
	{"a": "\u0000"}
	EOF
	# a config that is not there: the same
	rm "$b/config.json"
	run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$name" </dev/null
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
	assert_output --partial "$b/config.json: No such file"
}

@test "hooks not found: refused before the config is touched" {
	local b=$BATS_TEST_TMPDIR/b sum
	plain_bundle "$b"
	sum=$(md5sum < "$b/config.json")
	ACID_HOOKS_DIR=$BATS_TEST_TMPDIR/nowhere run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" x </dev/null
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
	assert_output --partial "$BATS_TEST_TMPDIR/nowhere/acid-prestart"
	assert_equal "$(md5sum < "$b/config.json")" "$sum"
}

@test "arguments pass through as given; the bundle found after global options" {
	# a stand-in runtime that only records its arguments: for this check
	# of what reaches the runtime; the real runc runs everywhere else
	local stub=$BATS_TEST_TMPDIR/stand-in b=$BATS_TEST_TMPDIR/b c=$BATS_TEST_TMPDIR/cwd
	cat > "$stub" <<-EOF
	#!/bin/sh
	printf '%s\n' "\$@" > "$BATS_TEST_TMPDIR/argv"
	exit 42
	EOF
	chmod +x "$stub"
	plain_bundle "$b"
	plain_bundle "$c"
	argv() { tr '\n' ' ' < "$BATS_TEST_TMPDIR/argv" | sed 's/ $//'; }

	run "$RUNTIME_BIN" --runtime "$stub" --root X --log L --log-format json --systemd-cgroup run -b "$b" --pid-file P id
	assert_equal "$status" 42
	assert_equal "$(argv)" "--root X --log L --log-format json --systemd-cgroup run -b $b --pid-file P id"
	assert_equal "$(count_hooks "$b/config.json" prestart acid-prestart)" 1
	assert_equal "$(count_hooks "$c/config.json" prestart acid-prestart)" 0

	# ACID_RUNTIME, "=" forms, the id before the options; the current
	# directory's config when no bundle is given
	plain_bundle "$b"
	ACID_RUNTIME=$stub run "$RUNTIME_BIN" --root=X create --console-socket S id --bundle="$b"
	assert_equal "$status" 42
	assert_equal "$(argv)" "--root=X create --console-socket S id --bundle=$b"
	assert_equal "$(count_hooks "$b/config.json" poststop acid-poststop)" 1
	(cd "$c" && ACID_RUNTIME=$stub "$RUNTIME_BIN" --runtime="$stub" --debug run id) || [ $? = 42 ]
	assert_equal "$(argv)" "--debug run id"
	assert_equal "$(count_hooks "$c/config.json" prestart acid-prestart)" 1

	# other commands: untouched, in any directory
	plain_bundle "$c"
	local sum cmd
	sum=$(md5sum < "$c/config.json")
	for cmd in "state id" "kill id KILL" "delete -f id" "exec id true" "ps id" \
		"features" "start id" "--version" "list" "pause id"; do
		# shellcheck disable=SC2086
		(cd "$c" && ACID_RUNTIME=$stub "$RUNTIME_BIN" --root X $cmd) || [ $? = 42 ]
		assert_equal "$(argv)" "--root X $cmd"
	done
	assert_equal "$(md5sum < "$c/config.json")" "$sum"

	run "$RUNTIME_BIN" --runtime
	assert_equal "$status" 2
	assert_equal "${#lines[@]}" 1
	# acid-runtime in front of itself would exec itself for ever
	ACID_RUNTIME=$RUNTIME_BIN run "$RUNTIME_BIN" state id
	assert_equal "$status" 2
	assert_equal "${#lines[@]}" 1
	assert_output --partial "is acid-runtime itself"
	ACID_RUNTIME=$BATS_TEST_TMPDIR/no-such-runtime run "$RUNTIME_BIN" state id
	assert_equal "$status" 1
	assert_equal "${#lines[@]}" 1
	assert_output --partial "no-such-runtime"
}

@test "runc through acid-runtime: the exec'd runtime keeps the pid, exit status and signals pass through" {
	local b=$BATS_TEST_TMPDIR/b name pid i st=0
	name=$(uname_for signal)
	plain_bundle "$b" 'trap "exit 9" TERM; sleep 30 & wait'
	"$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$name" </dev/null >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 100); do
		[ "$(runc --root "$RUNC_ROOT" state "$name" 2>/dev/null | jq -r .status)" = running ] && break
		sleep 0.1
	done
	# the same process is runc now: what the engine signals reaches runc
	assert_equal "$(cat "/proc/$pid/comm")" runc
	kill -TERM "$pid"
	wait "$pid" || st=$?
	assert_equal "$st" 9
	check_both "$name"

	plain_bundle "$b" 'exit 7'
	run "$RUNTIME_BIN" --root "$RUNC_ROOT" run -b "$b" "$(uname_for status)" </dev/null
	assert_equal "$status" 7
}
