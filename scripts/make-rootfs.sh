#!/bin/sh
# make-rootfs.sh DIR: a minimal container root filesystem in DIR, made of
# Debian's busybox-static (/bin/busybox) and its applet links.
set -eu
dir=${1:?usage: make-rootfs.sh DIR}
bb=/bin/busybox
[ -x "$bb" ] || { echo "make-rootfs.sh: $bb not found (apt-get install busybox-static)" >&2; exit 1; }
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || ldd "$bb" 2>&1 | grep -q 'not a dynamic' || {
	echo "make-rootfs.sh: $bb is not statically linked (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/etc" "$dir/root"
cp "$bb" "$dir/bin/busybox"
for applet in $("$bb" --list); do
	[ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
echo "root:x:0:" > "$dir/etc/group"
