#!/usr/bin/env bats
# podman with runc, through the hooks.d descriptors that meson installs
# (pointed at this build): createRuntime and poststop, gated on the
# annotation org.acid.audit=true. podman runs poststop itself, with no pid.

load helpers

setup_file() {
	require_components
	command -v podman >/dev/null || fail "podman is not installed"
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	HOOKS_DIR=$BATS_TEST_TMPDIR/hooks.d
	mkdir -p "$HOOKS_DIR"
	local h
	for h in acid-prestart acid-poststop; do
		[ -f "$BUILD/examples/$h.json" ] || fail "$BUILD/examples/$h.json was not built"
		jq --arg p "$BUILD/hooks/$h" --arg s "ACID_STATE_DIR=$STATE_DIR" \
			'.hook.path = $p | .hook.env = [$s]' \
			"$BUILD/examples/$h.json" > "$HOOKS_DIR/$h.json"
	done
}

podman_run() { # CIDFILE [--annotation K=V] COMMAND...
	local cidfile=$1 annot=()
	shift
	if [ "$1" = --annotation ]; then
		annot=(--annotation "$2")
		shift 2
	fi
	podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$HOOKS_DIR" \
		run --rm --cidfile "$cidfile" "${annot[@]}" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" "$@" </dev/null
}

@test "podman: an annotated container gets both records, registry empty" {
	local cid
	run podman_run "$BATS_TEST_TMPDIR/cid" --annotation org.acid.audit=true \
		/bin/sh -c 'echo in podman'
	assert_success
	assert_output --partial "in podman"
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	run records "$cid" 2
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start')" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop')" 1
	assert_equal "$(field uuid "$(printf '%s\n' "$output" | grep op=start)")" \
		"$(field uuid "$(printf '%s\n' "$output" | grep op=stop)")"
	assert_equal "$(registry_entries)" 0
}

@test "podman: a container without the annotation is left alone" {
	local cid
	run podman_run "$BATS_TEST_TMPDIR/cid" /bin/sh -c 'echo plain'
	assert_success
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	sleep 1
	no_record "$cid" || fail "a record names $cid"
}
