#!/usr/bin/env bats
# The library as a program outside the tree sees it: installed into a
# prefix, found through pkg-config, with only its API exported.

load helpers

setup_file() {
	require_components
	PREFIX=$BATS_FILE_TMPDIR/prefix
	meson setup "$BATS_FILE_TMPDIR/build" "$REPO" --prefix="$PREFIX" >/dev/null
	meson install -C "$BATS_FILE_TMPDIR/build" >/dev/null
}

setup() {
	PREFIX=$BATS_FILE_TMPDIR/prefix
	LIBDIR=$(dirname "$(find "$PREFIX" -name libacid.so.0 | head -n1)")
	export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
}

@test "installed: SONAME, header, pkg-config file, hooks and descriptors" {
	[ -n "$LIBDIR" ] || fail "libacid.so.0 not installed under $PREFIX"
	run readelf -d "$LIBDIR/libacid.so.0"
	assert_output --partial "Library soname: [libacid.so.0]"
	[ -f "$PREFIX/include/acid/libacid.h" ] || fail "no <acid/libacid.h>"
	# visibility is the library's business, not its users'
	run grep -n 'ACID_API\|visibility' "$PREFIX/include/acid/libacid.h"
	assert_output ""
	run pkg-config --modversion acid
	assert_output "0.1.0"
	[ -x "$PREFIX/libexec/oci/hooks.d/acid-prestart" ] || fail "no acid-prestart"
	[ -x "$PREFIX/libexec/oci/hooks.d/acid-poststop" ] || fail "no acid-poststop"
	run jq -r '.hook.path, .stages[0]' "$PREFIX/share/containers/oci/hooks.d/acid-prestart.json"
	assert_output "$PREFIX/libexec/oci/hooks.d/acid-prestart
createRuntime"
	run jq -r '.hook.path, .stages[0]' "$PREFIX/share/containers/oci/hooks.d/acid-poststop.json"
	assert_output "$PREFIX/libexec/oci/hooks.d/acid-poststop
poststop"
}

@test "installed: only acid_* symbols exported, all in nodes ACID_0.1 and ACID_0.2" {
	local syms
	syms=$(nm -D --defined-only "$LIBDIR/libacid.so.0" | awk '{ print $3 }' | grep -v '^ACID_0\.[12]$')
	run grep -v '^acid_' <<<"$syms"
	assert_output ""
	[[ "$syms" == *acid_id_parse* && "$syms" == *acid_strerror* ]] ||
		fail "acid_id_parse / acid_strerror not exported: $syms"
	run sh -c "objdump -T '$LIBDIR/libacid.so.0' | grep ' acid_' | grep -vEc 'ACID_0\.[12]'"
	assert_output 0
	# 0.1's symbols stay in 0.1; the new ones are in 0.2
	run sh -c "objdump -T '$LIBDIR/libacid.so.0' | grep -E 'ACID_0\.1 +acid_seccomp_oci_socketcall_rule\$'"
	assert_success
	run sh -c "objdump -T '$LIBDIR/libacid.so.0' | grep -E 'ACID_0\.2 +acid_seccomp_oci_io_uring_rule\$'"
	assert_success
}

@test "ABI: abidiff finds no incompatible change against the ACID_0.1 release" {
	# scripts/abi-check.sh builds the release (aa5b33c) from git archive
	run --separate-stderr "$REPO/scripts/abi-check.sh" "$PREFIX"
	echo "$output" >&3
	assert_success
	assert_output --partial "0 Removed, 0 Changed"
	assert_output --partial "abi-check: compatible with aa5b33c"
}

@test "a program outside the tree builds with pkg-config and calls the API" {
	cat > "$BATS_TEST_TMPDIR/prog.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <acid/libacid.h>

int main(void)
{
	struct acid_id id;
	char buf[ACID_ID_STRLEN];

	if (acid_id_parse("0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0", &id) != 0)
		return 1;
	if (acid_id_format(&id, buf, sizeof(buf)) != 0)
		return 2;
	if (acid_id_parse("garbage", &id) != -EINVAL)
		return 3;
	printf("%s\n%s\n%s\n", buf, acid_strerror(-EEXIST), acid_version());
	return 0;
}
C
	run sh -c "cc '$BATS_TEST_TMPDIR/prog.c' -o '$BATS_TEST_TMPDIR/prog' \$(pkg-config --cflags --libs acid) -Wl,-rpath,'$LIBDIR'"
	assert_success
	run "$BATS_TEST_TMPDIR/prog"
	assert_success
	assert_output "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
The target process is already registered with a container ID.
$(pkg-config --modversion acid)"
}

@test "the example orchestrator builds outside the tree and its record is found" {
	local uuid pid out
	run sh -c "cc '$REPO/examples/orchestrator.c' -o '$BATS_TEST_TMPDIR/orch' \$(pkg-config --cflags --libs acid) -Wl,-rpath,'$LIBDIR'"
	assert_success
	out=$(ACID_STATE_DIR=$BATS_TEST_TMPDIR/state "$BATS_TEST_TMPDIR/orch" --name "outside-$$" -- sh -c \
		'for f in /proc/self/ns/*; do echo "${f##*/} $(stat -L -c %i $f)"; done > "$0"' "$BATS_TEST_TMPDIR/ns")
	uuid=$(printf '%s' "$out" | sed -n 's/^uuid=\([^ ]*\) pid=.*/\1/p')
	pid=$(printf '%s' "$out" | sed -n 's/.* pid=//p')
	[ -n "$uuid" ] || fail "no uuid printed: $out"
	for _ in $(seq 1 50); do
		run ausearch -m VIRT_CONTROL --uuid "$uuid" --raw
		[ "$(printf '%s\n' "$output" | grep -c VIRT_CONTROL)" -ge 2 ] && break
		sleep 0.2
	done
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=start')" 1
	assert_equal "$(printf '%s\n' "$output" | grep -c 'op=stop reason=exit')" 1
	local start
	start=$(printf '%s\n' "$output" | grep op=start)
	assert_equal "$(field vm-pid "$start")" "$pid"
	# the registered child exec'd the shell: its namespaces are the record's
	assert_equal "$(field net-ns "$start")" "$(awk '$1 == "net" { print $2 }' "$BATS_TEST_TMPDIR/ns")"
	assert_equal "$(field mnt-ns "$start")" "$(awk '$1 == "mnt" { print $2 }' "$BATS_TEST_TMPDIR/ns")"
	assert_equal "$(field pid-ns "$start")" "$(awk '$1 == "pid" { print $2 }' "$BATS_TEST_TMPDIR/ns")"
}
