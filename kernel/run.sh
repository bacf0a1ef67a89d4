#!/bin/bash
# Build acid's test kernel (Debian's linux-source-6.1 with
# kernel/audit-containerid.patch and kernel/acid.config over tinyconfig),
# pack an initramfs with busybox and the statically linked test programs,
# boot it under qemu and return the tests' result as the exit status:
# 0 all passed, 1 some failed, 2 the kernel, the programs or the boot failed.
#
#   kernel/run.sh            build what changed, boot, run the tests
#   ACID_KERNEL_WORK=DIR     work directory (default /var/tmp/acid-kernel);
#                            the kernel is rebuilt only when the patch, the
#                            fragment or the source package changed
#   ACID_KERNEL_TIMEOUT=S    seconds the VM may run (default 900)
#   ACID_KERNEL_JOBS=N       make -j (default: all cores)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
work=${ACID_KERNEL_WORK:-/var/tmp/acid-kernel}
timeout_s=${ACID_KERNEL_TIMEOUT:-900}
jobs=${ACID_KERNEL_JOBS:-$(nproc)}
patch_file=$here/audit-containerid.patch
fragment=$here/acid.config

die() { echo "kernel/run.sh: $*" >&2; exit 2; }

# --- packages, installed when missing (Debian 12)
pkgs="linux-source-6.1 qemu-system-x86 bc bison flex libelf-dev libssl-dev
      cpio xz-utils patch make gcc libc6-dev busybox-static libaudit-dev
      libauparse-dev libcap-ng-dev libseccomp-dev libyajl-dev uuid-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "kernel/run.sh: installing$missing"
	[ "$(id -u)" = 0 ] || die "need root to install:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

mkdir -p "$work"
tarball=$(find /usr/src -maxdepth 1 -name "linux-source-6.1.tar.*" | head -n1)
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.*"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1)

# --- the kernel, rebuilt when its inputs change
key=$( { echo "acid-kernel 1 $version"; cat "$patch_file" "$fragment"; } |
	sha256sum | cut -d' ' -f1)
if [ -f "$work/bzImage" ] && [ "$(cat "$work/kernel.key" 2>/dev/null)" = "$key" ]; then
	echo "kernel/run.sh: kernel up to date ($work/bzImage)"
else
	echo "kernel/run.sh: building linux-source-6.1 $version in $work/linux"
	rm -rf "$work/linux" "$work/bzImage" "$work/kernel.key"
	mkdir -p "$work/linux"
	tar -xf "$tarball" -C "$work/linux" --strip-components=1
	patch -d "$work/linux" -p1 --quiet < "$patch_file" ||
		die "the patch does not apply"
	start=$(date +%s)
	(
		cd "$work/linux"
		make -s tinyconfig >/dev/null
		scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null
		make -s olddefconfig
		# every line of the fragment must have survived olddefconfig
		while read -r line; do
			case $line in CONFIG_*) grep -qx "$line" .config ||
				{ echo "config: $line did not stick" >&2; exit 1; } ;;
			esac
		done < "$fragment"
		make -j"$jobs" bzImage > "$work/build.log" 2>&1 ||
			{ tail -n 30 "$work/build.log" >&2; exit 1; }
	) || die "kernel build failed (log: $work/build.log)"
	cp "$work/linux/arch/x86/boot/bzImage" "$work/bzImage"
	echo "$key" > "$work/kernel.key"
	echo "kernel/run.sh: kernel built in $(( $(date +%s) - start )) s"
fi

# --- the test programs, static, from this tree's sources
out=$work/progs
rm -rf "$out" && mkdir -p "$out/include/acid" "$out/obj"
cp "$src/lib/libacid.h" "$src/attribution/attribution.h" "$out/include/acid/"
# the project's version, as meson.build passes it (acid_version(), acid --version)
acid_version=$(sed -n "s/^[[:space:]]*version: '\([0-9.]*\)',$/\1/p" "$src/meson.build" | head -n1)
[ -n "$acid_version" ] || die "no version in $src/meson.build"
cflags="-O2 -g0 -D_GNU_SOURCE -std=gnu11 -Wall -Wno-unused-parameter
	-DACID_VERSION=\"$acid_version\" -DACID_TOOL_VERSION=\"$acid_version\"
	-I$out/include -I$src/lib -I$src/hooks"
for f in "$src"/lib/*.c; do
	# shellcheck disable=SC2086
	gcc $cflags -c "$f" -o "$out/obj/$(basename "$f" .c).o" ||
		die "compiling $f"
done
ar rcs "$out/libacid.a" "$out"/obj/*.o
libs="$out/libacid.a -laudit -lcap-ng -lseccomp -luuid -lpthread"
link() { # output sources...
	local o=$1; shift
	# shellcheck disable=SC2086
	gcc $cflags -static -o "$out/$o" "$@" $libs -l:libyajl_s.a -lm \
		2> "$out/$o.log" || { cat "$out/$o.log" >&2; die "linking $o"; }
}
link acid-exec "$src/tools/acid-exec.c" "$src/tools/exec-args.c" -I"$src/tools"
link acid-example-orchestrator "$src/examples/orchestrator.c"
link acid-prestart "$src/hooks/acid-prestart.c" "$src/hooks/hook-common.c" \
	"$src/hooks/oci-state.c"
link ktest "$src/tests/kernel/ktest.c"
# shellcheck disable=SC2046
link acid $(ls "$src"/tools/acid.c "$src"/tools/tool.c "$src"/tools/cmd-*.c \
	"$src"/tools/seccomp-*.c "$src"/tools/config-file.c "$src"/tools/json-copy.c "$src"/tools/logs.c "$src"/attribution/*.c) \
	-I"$src/tools" -lauparse

# --- the initramfs
root=$work/initramfs
rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc}
cp /bin/busybox "$root/bin/busybox"
cp "$out"/acid-exec "$out"/acid-example-orchestrator "$out"/acid-prestart \
	"$out"/ktest "$out"/acid "$root/bin/"
install -m 0755 "$src/tests/kernel/init" "$root/init"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz"

# --- boot
echo "kernel/run.sh: booting (qemu, timeout ${timeout_s}s; console: $work/console.log)"
start=$(date +%s)
set +e
timeout "$timeout_s" qemu-system-x86_64 -m 512 -smp 1 -nographic -no-reboot \
	-kernel "$work/bzImage" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 audit=1 loglevel=4" \
	< /dev/null | tr -d '\r' | tee "$work/console.log"
qemu_rc=${PIPESTATUS[0]}
set -e
echo "kernel/run.sh: VM ran $(( $(date +%s) - start )) s (qemu status $qemu_rc)"

summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$work/console.log" | tail -n1 || true)
[ -n "$summary" ] || die "no test summary on the console (boot failed or timed out)"
case $summary in
	"0 passed, "*) exit 1 ;;
	*" 0 failed") exit 0 ;;
	*) exit 1 ;;
esac
