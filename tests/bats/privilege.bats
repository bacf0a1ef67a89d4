#!/usr/bin/env bats
# Privilege: without CAP_AUDIT_CONTROL nobody registers, unregisters or
# rewrites the registry; a process inside a registered container cannot
# change its own container's ID or entry, with or without extra
# capabilities (tested from inside a real runc container).

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	[ -x "$ACID" ] || fail "$ACID was not built"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
}

teardown() {
	delete_runc_containers
}

snapshot() { # the registry's names and contents
	(cd "$STATE_DIR" && for f in $(ls -A | sort); do
		echo "$f $(readlink "$f" || sha256sum < "$f")"; done)
}

@test "without CAP_AUDIT_CONTROL: no register, no unregister, registry unchanged" {
	local pid uuid before
	sleep 60 &
	pid=$!
	uuid=$("$ACID" register --pid "$pid" --name "priv-$$")
	before=$(snapshot)
	sleep 60 &
	local other=$!
	run --separate-stderr setpriv --bounding-set -audit_control -- "$ACID" register --pid "$other"
	assert_failure 1
	[[ "$stderr" == *"Operation not permitted"*"CAP_AUDIT_CONTROL"* ]] || fail "stderr: $stderr"
	run --separate-stderr setpriv --bounding-set -audit_control -- "$ACID" unregister --id "$uuid"
	assert_failure 1
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "stderr: $stderr"
	run --separate-stderr setpriv --bounding-set -audit_control -- "$ACID" gc
	assert_equal "$(snapshot)" "$before"
	# reaped before gc looks, so that gc finds them gone
	kill "$pid" "$other"
	wait "$pid" "$other" 2>/dev/null || true
	"$ACID" gc >/dev/null
	assert_equal "$(registry_entries)" 0
}

@test "an unprivileged user can neither use nor rewrite the registry" {
	local pid uuid before
	sleep 60 &
	pid=$!
	uuid=$("$ACID" register --pid "$pid" --name "priv-user-$$")
	before=$(snapshot)
	chmod o+x "$BATS_FILE_TMPDIR" "$BATS_RUN_TMPDIR" 2>/dev/null || true
	local nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set -all --)
	run --separate-stderr "${nobody[@]}" "$ACID" unregister --id "$uuid"
	assert_failure 1
	run --separate-stderr "${nobody[@]}" "$ACID" register --pid "$pid"
	assert_failure 1
	run "${nobody[@]}" sh -c "echo forged > '$STATE_DIR/$uuid.entry'"
	assert_failure
	run "${nobody[@]}" sh -c "rm -f '$STATE_DIR/$uuid.entry'"
	assert_failure
	run "${nobody[@]}" sh -c "ls '$STATE_DIR'"
	assert_failure
	assert_equal "$(snapshot)" "$before"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	"$ACID" gc >/dev/null
	assert_equal "$(registry_entries)" 0
}

# A container that runs the host's acid binary: the host's root is
# bind-mounted read-only at /host, and the acid tool runs through the
# host's dynamic loader. EXTRA_CAPS: capabilities added to its sets.
inside_bundle() { # DIR SCRIPT EXTRA_CAPS_JSON
	BUNDLE_CMD="$2" make_bundle "$1"
	set_config "$1" '.mounts += [{destination: "/host", type: "bind", source: "/", options: ["rbind", "ro"]}]
		| .process.capabilities |= with_entries(.value += $caps)
		| .process.env += ["ACID=/host/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu:/host" + $build + " /host" + $acid]' \
		--argjson caps "$3" --arg build "$BUILD" --arg acid "$ACID"
}

check_inside() { # CAPS_JSON
	local name b=$BATS_TEST_TMPDIR/b out before uuid
	name=$(uname_for inside)
	# inside: register its own init (pid 1 in its namespace), unregister
	# itself through the host's registry (read-only at /host), rewrite the
	# entry, and start a new audit session to shed its session tag
	inside_bundle "$b" '
		$ACID register --pid 1 --name evil; echo "register=$?"
		ACID_STATE_DIR=/host'"$STATE_DIR"' $ACID unregister --pid 1; echo "unregister=$?"
		echo forged > /host'"$STATE_DIR"'/x 2>/dev/null; echo "write=$?"
		$ACID ls; echo "ls=$?"
		sleep 1' "$1"
	before=$(ls "$STATE_DIR" 2>/dev/null | grep -c entry || true)
	run --separate-stderr run_runc "$b" "$name"
	out=$output
	[[ "$out" == *"register=1"* || "$out" == *"register=2"* ]] || fail "register from inside: $out"
	[[ "$out" == *"unregister=1"* ]] || fail "unregister from inside: $out"
	[[ "$out" == *"write=1"* || "$out" == *"write=2"* ]] || fail "write from inside: $out"
	# the container's one register record, from the hook; its stop record
	run records "$name" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c op=start)" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=exit')" 1
	no_record evil || fail "a record from inside the container"
	assert_equal "$(registry_entries)" "$before"
	[ ! -e "$STATE_DIR/x" ] || fail "the container wrote into the registry"
	printf '%s' "$stderr" > "$BATS_TEST_TMPDIR/stderr"
}

@test "inside a registered container, default capabilities: cannot change its entry" {
	check_inside '[]'
	grep -q "Operation not permitted" "$BATS_TEST_TMPDIR/stderr" ||
		fail "no EPERM from inside: $(cat "$BATS_TEST_TMPDIR/stderr")"
}

@test "inside a registered container with CAP_AUDIT_CONTROL and CAP_SYS_ADMIN: still cannot" {
	check_inside '["CAP_AUDIT_CONTROL", "CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"]'
	# with the capability it gets past EPERM: its pid namespace is not
	# the host's (EREMOTE, checked before the target; were it the host's,
	# pid 1 would be itself: EXDEV)
	grep -q "runs in a pid namespace that is not the host's" "$BATS_TEST_TMPDIR/stderr" ||
		fail "no EREMOTE from inside: $(cat "$BATS_TEST_TMPDIR/stderr")"
}
