#!/usr/bin/env bats
# The Debian packages (debian/): built with dpkg-buildpackage from a copy of
# the tree, checked with lintian, installed with dpkg, used by podman
# through its default hooks directory (no --hooks-dir), then purged.
# Builds its own packages: ACID_BUILD is not used.

load helpers

PKGS="libacid0 libacid-attribution0 libacid-dev acid"
HOOKSD=/usr/share/containers/oci/hooks.d
LIBEXEC=/usr/libexec/oci/hooks.d

setup_file() {
	local c p
	for c in git dpkg-buildpackage dh lintian dpkg podman runc jq auditctl; do
		command -v "$c" >/dev/null ||
			fail "required component '$c' is missing (scripts/install-deps.sh installs it)"
	done
	auditd_pid >/dev/null ||
		fail "auditd is not running: start it with 'mkdir -p /var/log/audit && auditd -s enable'"
	# The system as found: none of the packages, no acid descriptor where
	# podman looks (else the records could come from somewhere else).
	for p in $PKGS; do
		! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv '^unknown\|not-installed' ||
			fail "package $p is already installed: this test installs and purges it"
	done
	for c in "$HOOKSD" /etc/containers/oci/hooks.d; do
		! grep -qs acid- "$c"/*.json ||
			fail "$c already has an acid descriptor: the test could not tell the packaged one's records"
	done
	[ -e /run/acid ] && echo 1 > "$BATS_FILE_TMPDIR/run-acid-existed"
	hide_local_libacid

	# A copy of the tree (tracked and new files, not builds), built there.
	local src=$BATS_FILE_TMPDIR/src/acid
	git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1 ||
		fail "$REPO is not a git checkout: the test copies the files git knows"
	mkdir -p "$src"
	git -C "$REPO" ls-files -co --exclude-standard -z |
		(cd "$REPO" && tar --null -T - -cf -) | tar -xf - -C "$src"
	[ -x "$src/debian/rules" ] || fail "no debian/rules in the copy of $REPO"
	local t0=$SECONDS
	(cd "$src" && dpkg-buildpackage -us -uc -b) > "$BATS_FILE_TMPDIR/build.log" 2>&1 || {
		tail -n 40 "$BATS_FILE_TMPDIR/build.log" >&3
		fail "dpkg-buildpackage failed (log: $BATS_FILE_TMPDIR/build.log)"
	}
	echo "# packages built in $((SECONDS - t0)) s" >&3
	for p in $PKGS; do
		ls "$BATS_FILE_TMPDIR"/src/"${p}"_*.deb >/dev/null || fail "no ${p}_*.deb built"
	done
}

teardown_file() {
	# whatever a failed test left: purge what this file installed
	if [ -e "$BATS_FILE_TMPDIR/installed" ]; then
		# shellcheck disable=SC2086
		dpkg --purge $PKGS >/dev/null 2>&1 || true
	fi
	restore_local_libacid
	# the system registry the packaged hooks made, if it was not there
	# before and holds nothing but its lock
	if [ ! -e "$BATS_FILE_TMPDIR/run-acid-existed" ] && [ -d /run/acid ] &&
		[ -z "$(ls -A /run/acid | grep -vx .lock)" ]; then
		rm -f /run/acid/.lock
		rmdir /run/acid
	fi
}

# A `meson install` of acid under /usr/local (scripts/demo.sh makes one)
# comes first in the dynamic linker's path and would stand in for the
# packaged libraries: the packaged tool then fails on a symbol version
# the older local copy lacks. Its libraries are moved aside for this
# file (the list in local-libacid) and put back by teardown_file.
hide_local_libacid() {
	local f list=$BATS_FILE_TMPDIR/local-libacid
	: > "$list"
	while read -r f; do
		case $f in /usr/lib/*|/lib/*) continue ;; esac
		[ -e "$f" ] || [ -L "$f" ] || continue
		mkdir -p "$BATS_FILE_TMPDIR/local-libacid.d$(dirname "$f")"
		mv "$f" "$BATS_FILE_TMPDIR/local-libacid.d$f" && echo "$f" >> "$list"
	done < <(ldconfig -p | awk '/libacid/ { print $NF }' |
		xargs -r -n1 dirname | sort -u |
		while read -r d; do ls -d "$d"/libacid*.so* 2>/dev/null; done)
	if [ -s "$list" ]; then
		ldconfig
		echo "# moved aside for this file (back at its end): $(tr '\n' ' ' < "$list")" >&3
	fi
}

restore_local_libacid() {
	local f list=$BATS_FILE_TMPDIR/local-libacid
	[ -s "$list" ] || return 0
	while read -r f; do
		mv "$BATS_FILE_TMPDIR/local-libacid.d$f" "$f"
	done < "$list"
	rm -f "$list"
	ldconfig
}

deb() { # PACKAGE: its .deb
	ls "$BATS_FILE_TMPDIR"/src/"$1"_*_*.deb
}

# dpkg, retried while another dpkg/apt on the machine holds the lock.
dpkg_locked() {
	local i out
	for i in $(seq 1 30); do
		out=$(dpkg "$@" 2>&1) && return 0
		grep -q 'lock' <<<"$out" || { echo "$out"; return 1; }
		sleep 1
	done
	echo "$out"
	return 1
}

@test "debian: lintian reports no error" {
	run lintian "$BATS_FILE_TMPDIR"/src/acid_*.changes
	printf '%s\n' "$output" >&3
	[ "$(grep -c '^E:' <<<"$output")" = 0 ] || fail "lintian errors: $(grep '^E:' <<<"$output")"
}

# symbols_match PACKAGE SONAME-GLOB SYMFILE: the symbols file PACKAGE ships
# names every symbol of the version script SYMFILE, and every entry of it
# is exported by the library built. (dpkg-gensymbols reports a symbol gone
# only once the package version passes its minver.)
symbols_match() {
	local pkg=$1 glob=$2 map=$3 s missing=() syms lib exported
	run sh -c "dpkg-deb --ctrl-tarfile '$(deb "$pkg")' | tar -xOf - ./symbols"
	assert_success
	syms=$output
	for s in $(grep -oE '^[[:space:]]+acid_[a-z0-9_]+;' "$map" | tr -d ' \t;'); do
		grep -qE "^ $s@ACID_[A-Z_]*[0-9.]+ " <<<"$syms" || missing+=("$s")
	done
	[ ${#missing[@]} = 0 ] || fail "$pkg: not in the symbols file: ${missing[*]}"
	rm -rf "$BATS_TEST_TMPDIR/x"
	dpkg-deb -x "$(deb "$pkg")" "$BATS_TEST_TMPDIR/x"
	lib=$(find "$BATS_TEST_TMPDIR/x" -name "$glob" | head -n1)
	[ -n "$lib" ] || fail "no $glob in $(deb "$pkg")"
	run sh -c "objdump -T '$lib' | awk '\$2 == \"g\" && \$NF ~ /^(acid_|ACID_)/ { print \$NF \"@\" \$(NF-1) }' | sort"
	assert_success
	exported=$output
	[ "$(grep -c . <<<"$exported")" -gt 20 ] || fail "objdump found too few exports: $exported"
	missing=()
	for s in $(awk '/^ [A-Za-z_]/ { print $1 }' <<<"$syms"); do
		grep -qxF "$s" <<<"$exported" || missing+=("$s")
	done
	[ ${#missing[@]} = 0 ] || fail "$pkg: in the symbols file, not exported: ${missing[*]}"
}

@test "debian: the symbols files match the libraries' exports (dpkg-gensymbols -c4)" {
	# the build ran dh_makeshlibs -- -c4; the symbols files shipped are ours
	grep -q 'dh_makeshlibs -- -c4' "$BATS_FILE_TMPDIR/build.log" ||
		fail "dh_makeshlibs did not run with -c4"
	run sh -c "dpkg-deb --ctrl-tarfile '$(deb libacid0)' | tar -xOf - ./symbols"
	assert_line ' acid_id_parse@ACID_0.1 0.1.0'
	assert_line ' acid_seccomp_oci_io_uring_rule@ACID_0.2 0.1.0'
	symbols_match libacid0 'libacid.so.0.*' "$REPO/lib/libacid.sym"
	symbols_match libacid-attribution0 'libacid-attribution.so.0.*' "$REPO/attribution/attribution.sym"
}

@test "debian: each package holds its files" {
	run dpkg -c "$(deb libacid0)"
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/libacid\.so\.0\.[0-9.]+'
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/libacid\.so\.0 -> '
	run dpkg -c "$(deb libacid-attribution0)"
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/libacid-attribution\.so\.0\.[0-9.]+'
	run dpkg -c "$(deb libacid-dev)"
	assert_output --partial './usr/include/acid/attribution.h'
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/pkgconfig/acid-attribution\.pc' 
	assert_output --partial './usr/include/acid/libacid.h'
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/libacid\.so -> libacid\.so\.0'
	assert_output --regexp '\./usr/lib/[a-z0-9_-]+/pkgconfig/acid\.pc'
	run sh -c "dpkg -c '$(deb acid)' | awk '{ print \$6 }'"
	local f
	for f in /usr/bin/acid /usr/bin/acid-exec /usr/bin/acid-runtime "$LIBEXEC/acid-prestart" "$LIBEXEC/acid-poststop" \
		"$HOOKSD/acid-prestart.json" "$HOOKSD/acid-poststop.json" /usr/sbin/audisp-acid \
		/usr/share/acid/acid.rules /usr/share/acid/plugins.d/acid.conf \
		/etc/audit/plugins.d/acid.conf; do
		assert_line ".$f"
	done
	# auditd's plugin file is a conffile, and off until the admin turns it on
	run sh -c "dpkg-deb --ctrl-tarfile '$(deb acid)' | tar -xOf - ./conffiles"
	assert_line /etc/audit/plugins.d/acid.conf
	run sh -c "dpkg-deb --fsys-tarfile '$(deb acid)' | tar -xOf - ./etc/audit/plugins.d/acid.conf"
	assert_line 'active = no'
	assert_line 'path = /usr/sbin/audisp-acid'
	# the hooks are static-pie: the sources linked into them, named
	run dpkg-deb -f "$(deb acid)" Built-Using
	local src
	for src in glibc audit libcap-ng util-linux libseccomp yajl; do
		assert_output --regexp "(^|, )$src \(= [^)]+\)"
	done
	run sh -c "dpkg-deb --fsys-tarfile '$(deb acid)' | tar -xOf - .$LIBEXEC/acid-prestart | file -"
	assert_output --partial "static-pie linked"
}

@test "debian: dpkg -i installs them; the descriptors name the installed hooks" {
	run dpkg_locked -i "$(deb libacid0)" "$(deb libacid-attribution0)" "$(deb libacid-dev)" "$(deb acid)"
	touch "$BATS_FILE_TMPDIR/installed"
	assert_success
	local p h
	for p in $PKGS; do
		run dpkg-query -W -f='${Status}' "$p"
		assert_output "install ok installed"
	done
	for h in acid-prestart acid-poststop; do
		run jq -r '.hook.path' "$HOOKSD/$h.json"
		assert_output "$LIBEXEC/$h"
		[ -x "$LIBEXEC/$h" ] || fail "$LIBEXEC/$h is not installed"
	done
	run pkg-config --modversion acid
	assert_output "$(sed -n '1s/.*(\(.*\)).*/\1/p' "$REPO/debian/changelog")"
	# the tool finds the library by the system's search path (no RPATH)
	run readelf -d /usr/bin/acid
	refute_output --partial 'RPATH'
	refute_output --partial 'RUNPATH'
	run /usr/bin/acid --help
	assert_success
}

@test "debian: podman, no --hooks-dir: the packaged hooks write both records" {
	[ -e "$BATS_FILE_TMPDIR/installed" ] || fail "the packages were not installed"
	local name cid out start stop
	name=$(uname_for deb)
	run podman --runtime runc --cgroup-manager cgroupfs \
		run --rm --name "$name" --cidfile "$BATS_TEST_TMPDIR/cid" \
		--annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" /bin/sh -c 'echo in packaged podman' </dev/null
	assert_success
	assert_output --partial "in packaged podman"
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	[ -n "$cid" ] || fail "podman wrote no container ID"
	run records "$cid" 2
	out=$output
	start=$(grep -a 'op=start' <<<"$out" || true)
	stop=$(grep -a 'op=stop' <<<"$out" || true)
	[ "$(grep -c . <<<"$start")" = 1 ] && [ -n "$start" ] ||
		fail "want one start record of $cid in $AUDIT_LOG, got: $out"
	[ "$(grep -c . <<<"$stop")" = 1 ] && [ -n "$stop" ] ||
		fail "want one stop record of $cid in $AUDIT_LOG, got: $out"
	assert_equal "$(field uuid "$start")" "$(field uuid "$stop")"
	# written by the packaged hooks, not some other build's
	assert_equal "$(field exe "$start")" "\"$LIBEXEC/acid-prestart\""
	assert_equal "$(field exe "$stop")" "\"$LIBEXEC/acid-poststop\""
	# the system registry keeps nothing of it
	run grep -rlF "$cid" /run/acid
	assert_output ""
}

@test "debian: podman, no annotation: no record" {
	[ -e "$BATS_FILE_TMPDIR/installed" ] || fail "the packages were not installed"
	local cid
	run podman --runtime runc --cgroup-manager cgroupfs \
		run --rm --name "$(uname_for deb-plain)" --cidfile "$BATS_TEST_TMPDIR/cid" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" /bin/sh -c 'echo plain' </dev/null
	assert_success
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	sleep 1
	no_record "$cid" || fail "a record names $cid"
}

@test "debian: dpkg --purge removes them and leaves nothing" {
	[ -e "$BATS_FILE_TMPDIR/installed" ] || fail "the packages were not installed"
	# shellcheck disable=SC2086
	run dpkg_locked --purge $PKGS
	assert_success
	rm -f "$BATS_FILE_TMPDIR/installed"
	local p f
	for p in $PKGS; do
		run dpkg-query -W -f='${Status}' "$p"
		refute_output --partial "installed"
	done
	for f in /usr/bin/acid /usr/bin/acid-exec "$LIBEXEC" "$HOOKSD/acid-prestart.json" \
		"$HOOKSD/acid-poststop.json" /usr/include/acid /etc/audit/plugins.d/acid.conf \
		/usr/sbin/audisp-acid /usr/share/acid; do
		[ ! -e "$f" ] || fail "$f is left after the purge"
	done
	run sh -c 'ls /usr/lib/*/libacid.so* /usr/lib/*/libacid-attribution.so* /usr/lib/*/pkgconfig/acid*.pc 2>/dev/null'
	assert_output ""
}
