# Shared by the bats suites: real runc, real crun, real auditd.
# The audit log is shared with everything else on the machine: tests pick
# out their own records by unique container names and UUIDs.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${ACID_BUILD:-$REPO/build}
PRESTART=$BUILD/hooks/acid-prestart
POSTSTOP=$BUILD/hooks/acid-poststop
AUDIT_LOG=${ACID_AUDIT_LOG:-/var/log/audit/audit.log}

# Fail loudly when a real component is missing: never skip.
require_components() {
	local c
	for c in runc jq ausearch auditctl "$PRESTART" "$POSTSTOP"; do
		command -v "$c" >/dev/null || [ -x "$c" ] ||
			fail "required component '$c' is missing (see README: .ci/run installs everything)"
	done
	auditd_pid >/dev/null ||
		fail "auditd is not running: start it with 'mkdir -p /var/log/audit && auditd -s enable'"
}

auditd_pid() {
	local pid
	pid=$(auditctl -s | awk '$1 == "pid" { print $2 }')
	[ -n "$pid" ] && [ "$pid" != 0 ] && echo "$pid"
}

# A unique name for a container of this test.
uname_for() {
	echo "acid-$1-$$-$RANDOM$RANDOM"
}

# The busybox rootfs, made once per test file.
rootfs() {
	local r=$BATS_FILE_TMPDIR/rootfs
	[ -x "$r/bin/busybox" ] || "$REPO/scripts/make-rootfs.sh" "$r" >&2
	echo "$r"
}

# make_bundle DIR [STAGE]: a bundle whose config is examples/config.json
# with the hooks pointed at this build, a private registry, and a probe
# hook (an independent witness) that records the init pid it was given and
# the stat of its /proc/<pid>/ns entries. STAGE: prestart (default) or
# createRuntime.
make_bundle() {
	local dir=$1 stage=${2:-prestart}
	mkdir -p "$dir"
	STATE_DIR=$BATS_FILE_TMPDIR/state
	cat > "$dir/probe.sh" <<PROBE
#!/bin/sh
# probe: independent record of what the runtime told the hooks
state=\$(cat)
pid=\$(printf '%s' "\$state" | jq -r '.pid')
echo "\$pid" > "$dir/probe.pid"
for f in /proc/\$pid/ns/*; do
	echo "\${f##*/} \$(stat -L -c '%d %i' "\$f")"
done > "$dir/probe.ns"
PROBE
	chmod +x "$dir/probe.sh"
	jq --arg pre "$PRESTART" --arg post "$POSTSTOP" --arg stage "$stage" \
	   --arg state "ACID_STATE_DIR=$STATE_DIR" --arg probe "$dir/probe.sh" \
	   --arg cmd "${BUNDLE_CMD:-true}" --arg rootfs "$(rootfs)" '
		.process.args = ["sh", "-c", $cmd]
		| .root.path = $rootfs
		| .hooks = {
			($stage): [
				{ path: $pre, args: ["acid-prestart", $stage], env: [$state] },
				{ path: $probe, args: ["probe"] }
			],
			poststop: [
				{ path: $post, args: ["acid-poststop", "poststop"], env: [$state] }
			]
		}' "$REPO/examples/config.json" > "$dir/config.json"
}

# set_config DIR JQ-FILTER [jq args...]: edit a bundle's config.json.
set_config() {
	local dir=$1 filter=$2
	shift 2
	jq "$@" "$filter" "$dir/config.json" > "$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json"
}

run_runc() { # BUNDLE ID
	runc --root "$BATS_FILE_TMPDIR/runc" run -b "$1" "$2" </dev/null
}

run_crun() { # BUNDLE ID: cgroup2-only view in a private mount namespace
	unshare -m sh -c 'mount --make-rprivate / &&
		umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup &&
		exec crun --root "$1" --cgroup-manager=disabled run -b "$2" "$3" </dev/null' \
		sh "$BATS_FILE_TMPDIR/crun" "$1" "$2"
}

# The audit log as auditd may have rotated it during a test (it rotates at
# max_log_file, 8 MiB by default): the newest two files, oldest first.
audit_log() {
	cat "$AUDIT_LOG.1" "$AUDIT_LOG" 2>/dev/null
}

# records NAME [MIN]: the raw VIRT_CONTROL records of container NAME,
# waiting up to 10 s for auditd to write at least MIN (default 2).
records() {
	local name=$1 min=${2:-2} i out
	for i in $(seq 1 50); do
		out=$(audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "vm=\"$name\"" || true)
		[ "$(printf '%s' "$out" | grep -c .)" -ge "$min" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out" | grep .
}

# audit_mark: a serial number that every record written before it has not
# passed. A marker record is sent and waited for, so that records still on
# their way to the log when a test starts are not taken for its own.
audit_mark() {
	local tag="acid-mark-$$-$RANDOM$RANDOM" i line
	auditctl -m "$tag" >/dev/null
	for i in $(seq 1 50); do
		# (the marker's USER record: with execve audited, the EXECVE
		# records of auditctl and of this grep name the tag too)
		line=$(tail -n 200 "$AUDIT_LOG" | grep -aF "$tag" | grep -aE '^(node=[^ ]+ )?type=USER ' || true)
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ -n "$line" ] || fail "audit marker $tag never reached $AUDIT_LOG"
	printf '%s\n' "$line" | sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p'
}

# virt_records_since MARK [EXE]: how many VIRT_CONTROL records came after
# MARK (sent by program EXE only, when given: the log is shared with
# whatever else runs containers meanwhile).
virt_records_since() {
	audit_log | grep -a "^type=VIRT_CONTROL" |
		{ if [ -n "${2:-}" ]; then grep -aF "exe=\"$(realpath "$2")\""; else cat; fi; } |
		sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' |
		awk -v m="$1" '$1 > m { n++ } END { print n + 0 }'
}

# no_record NAME: no VIRT_CONTROL record names container NAME.
no_record() {
	! audit_log | grep -a "^type=VIRT_CONTROL" | grep -qaF "vm=\"$1\""
}

# field NAME RECORD: the value of field NAME in an audit record line.
field() {
	printf '%s\n' "$2" | grep -o " $1=[^ ']*" | head -n1 | cut -d= -f2-
}

registry_entries() {
	ls "${1:-$STATE_DIR}" 2>/dev/null | grep -c '\.entry$' || true
}

# Containers a failed test left behind in this file's runc root.
delete_runc_containers() {
	local c
	for c in $(runc --root "$BATS_FILE_TMPDIR/runc" list -q 2>/dev/null); do
		runc --root "$BATS_FILE_TMPDIR/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
}

# ns_bundle DIR CMD: a bundle running CMD with CAP_SYS_ADMIN (a privileged
# container: unshare, setns, clone3 set_tid), /proc mounted, and DIR/out as
# its /tmp (witness files, test programs).
ns_bundle() {
	local b=$1
	BUNDLE_CMD=$2 make_bundle "$b"
	mkdir -p "$b/out"
	set_config "$b" '
		.process.capabilities |= with_entries(
			if .key == "ambient" then . else .value += ["CAP_SYS_ADMIN"] end)
		| .mounts = [
			{ destination: "/proc", type: "proc", source: "proc" },
			{ destination: "/tmp", type: "bind", source: $out,
			  options: ["rbind", "rw"] } ]' --arg out "$b/out"
}
