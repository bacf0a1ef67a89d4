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

@test "installed: libacid-attribution, <acid/attribution.h>, acid-attribution.pc; hooks and libacid without it" {
	run readelf -d "$LIBDIR/libacid-attribution.so.0"
	assert_output --partial "Library soname: [libacid-attribution.so.0]"
	[ -f "$PREFIX/include/acid/attribution.h" ] || fail "no <acid/attribution.h>"
	run pkg-config --modversion acid-attribution
	assert_output "0.1.0"
	# only acid_attr_*, in node ACID_ATTRIBUTION_0.1, and the links of
	# issue 14 (acid_attr_link, acid_attr_set_link) in ACID_ATTRIBUTION_0.2
	run sh -c "nm -D --defined-only '$LIBDIR/libacid-attribution.so.0' | awk '{ print \$3 }' | grep -v '^ACID_ATTRIBUTION_0\.[12]\$' | grep -v '^acid_attr_'"
	assert_output ""
	run sh -c "objdump -T '$LIBDIR/libacid-attribution.so.0' | grep ' acid_attr_' | grep -vc 'ACID_ATTRIBUTION_0\.1 '"
	assert_output 2
	run sh -c "objdump -T '$LIBDIR/libacid-attribution.so.0' | awk '/ACID_ATTRIBUTION_0\.2 / && / acid_attr_/ { print \$NF }' | sort"
	assert_output "$(printf 'acid_attr_link\nacid_attr_set_link')"
	# the hooks never read logs, nor need a library at all: static-pie
	# (hooks/meson.build), no NEEDED entry, no loader, libauparse and
	# the attribution library not linked in; libacid does not depend on
	# the attribution library either
	local f
	for f in "$PREFIX/libexec/oci/hooks.d/acid-prestart" \
		 "$PREFIX/libexec/oci/hooks.d/acid-poststop"; do
		run file -L "$f"
		assert_output --partial "static-pie linked"
		run sh -c "readelf -d '$f' | grep -c NEEDED"
		assert_output 0
		run sh -c "readelf -lW '$f' | grep -c INTERP"
		assert_output 0
		run sh -c "nm '$f' | grep -c ' T auparse_\\| T acid_attr_'"
		assert_output 0
	done
	run sh -c "readelf -d '$LIBDIR/libacid.so.0' | grep NEEDED"
	assert_success
	refute_output --partial libauparse
	refute_output --partial libacid-attribution
}

@test "a program outside the tree feeds a log to libacid-attribution record by record" {
	cat > "$BATS_TEST_TMPDIR/attr.c" <<'C'
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <acid/attribution.h>

static bool all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

static int event(const struct acid_attr_event *ev, void *arg)
{
	const struct acid_attr_container *c = acid_attr_event_container(ev, 0);

	printf("event %" PRIu64 " %s\n", acid_attr_event_stamp(ev)->serial,
	       c ? c->name : "?");
	return 0;
}

static void change(const struct acid_attr_container *c,
		   enum acid_attr_ctr_change what, void *arg)
{
	printf("%s %s %s\n", what == ACID_ATTR_CTR_START ? "start" : "end",
	       c->uuid, c->name);
}

int main(void)
{
	struct acid_attr *a;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r;

	if (acid_attr_new(0, &a) < 0)
		return 1;
	acid_attr_set_select(a, all, NULL);
	acid_attr_set_event(a, event, NULL);
	acid_attr_set_container(a, change, NULL);
	/* as an auditd plugin gets them: one record a line on stdin */
	while ((n = getline(&line, &cap, stdin)) > 0)
		if ((r = acid_attr_feed(a, line, (size_t)n)) != 0)
			return 2;
	if (acid_attr_finish(a) != 0)
		return 3;
	for (size_t i = 0; i < acid_attr_count(a); i++)
		printf("%s %s events=%" PRIu64 "\n", acid_attr_get(a, i)->uuid,
		       acid_attr_get(a, i)->name, acid_attr_get(a, i)->events);
	free(line);
	acid_attr_free(a);
	return 0;
}
C
	run sh -c "cc -Wall -Werror '$BATS_TEST_TMPDIR/attr.c' -o '$BATS_TEST_TMPDIR/attr' \$(pkg-config --cflags --libs acid-attribution) -Wl,-rpath,'$LIBDIR'"
	assert_success
	run sh -c "'$BATS_TEST_TMPDIR/attr' < '$REPO/tests/data/auditlog/ancestry.log'"
	assert_success
	# tests/data/auditlog/README.md: web-1's records and events are
	# 12 13 14 16 17 18 19 24 25 (12 its start, 19 its stop), 7 events
	assert_output "start 11111111-2222-4333-8444-555555555555 web-1
event 12 web-1
event 13 web-1
event 14 web-1
event 16 web-1
event 17 web-1
event 18 web-1
end 11111111-2222-4333-8444-555555555555 web-1
event 19 web-1
event 24 web-1
event 25 web-1
11111111-2222-4333-8444-555555555555 web-1 events=7"
}

@test "installed: man pages, one for every exported function, that man renders without a warning" {
	local mandir=$PREFIX/share/man lib sym page err n
	for page in man1/acid.1 man8/acid-prestart.8 man8/acid-poststop.8 \
		    man8/acid-exec.8 man3/libacid.3 man3/libacid-attribution.3; do
		[ -f "$mandir/$page" ] || fail "no $mandir/$page"
	done
	# every function the installed libraries export, as nm sees it
	for lib in libacid.so.0:47 libacid-attribution.so.0:31; do
		n=0
		for sym in $(nm -D --defined-only "$LIBDIR/${lib%:*}" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }'); do
			page=$(man -M "$mandir" -w 3 "$sym" 2>/dev/null) ||
				fail "man 3 $sym: no page under $mandir"
			err=$(MANWIDTH=80 man -M "$mandir" --warnings -E UTF-8 3 "$sym" 2>&1 >/dev/null)
			[ -z "$err" ] || fail "man 3 $sym warns: $err"
			run sh -c "MANWIDTH=80 man -M '$mandir' 3 '$sym' | grep -c '$sym'"
			[ "$output" -gt 0 ] || fail "man 3 $sym: the page does not name $sym"
			n=$((n + 1))
		done
		[ "$n" -ge "${lib#*:}" ] || fail "only $n functions exported by $LIBDIR/${lib%:*}"
	done
	run "$PREFIX/bin/acid" --version
	assert_success
	assert_output "acid 0.1.0"
}

@test "installed acid-runtime wires the installed hooks into a runc bundle: both records" {
	local b=$BATS_TEST_TMPDIR/b name recs
	name=$(uname_for installed-runtime)
	[ -x "$PREFIX/bin/acid-runtime" ] || fail "no $PREFIX/bin/acid-runtime"
	mkdir -p "$b"
	jq --arg rootfs "$(rootfs)" 'del(.hooks) | .process.args = ["/bin/true"]
		| .root.path = $rootfs' "$REPO/examples/config.json" > "$b/config.json"
	# no ACID_HOOKS_DIR: the hooks' directory is the one meson installed to
	env -u ACID_HOOKS_DIR ACID_STATE_DIR="$BATS_FILE_TMPDIR/state" \
		"$PREFIX/bin/acid-runtime" --root "$BATS_FILE_TMPDIR/runc" run -b "$b" "$name" </dev/null
	assert_equal "$(jq -r '.hooks.prestart[0].path, .hooks.poststop[-1].path' "$b/config.json")" \
		"$PREFIX/libexec/oci/hooks.d/acid-prestart
$PREFIX/libexec/oci/hooks.d/acid-poststop"
	recs=$(records "$name" 2)
	assert_equal "$(printf '%s\n' "$recs" | grep -a op=start | grep -cF "exe=\"$PREFIX/libexec/oci/hooks.d/acid-prestart\"")" 1
	assert_equal "$(printf '%s\n' "$recs" | grep -a op=stop | grep -cF "exe=\"$PREFIX/libexec/oci/hooks.d/acid-poststop\"")" 1
}

@test "installed: audisp-acid in sbin, its plugin file (active, string format, this path) and acid.rules" {
	local conf=$PREFIX/share/acid/plugins.d/acid.conf
	[ -x "$PREFIX/sbin/audisp-acid" ] || fail "no $PREFIX/sbin/audisp-acid"
	run "$PREFIX/sbin/audisp-acid" --help
	assert_success
	assert_output --partial "usage: audisp-acid"
	[ -f "$conf" ] || fail "no $conf"
	assert_equal "$(sed -n 's/^path = //p' "$conf")" "$PREFIX/sbin/audisp-acid"
	assert_equal "$(sed -n 's/^active = //p' "$conf")" yes
	assert_equal "$(sed -n 's/^format = //p' "$conf")" string
	assert_equal "$(sed -n 's/^direction = //p' "$conf")" out
	[ -f "$PREFIX/share/acid/acid.rules" ] || fail "no acid.rules"
	cmp "$PREFIX/share/acid/acid.rules" "$REPO/plugin/acid.rules"
	# audisp-acid links the two libraries, nothing of the build tree
	run sh -c "readelf -d '$PREFIX/sbin/audisp-acid' | grep NEEDED"
	assert_output --partial libacid-attribution.so.0
}
