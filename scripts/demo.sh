#!/bin/bash
# demo.sh: the main job on a fresh machine. Installs the packages, builds
# and installs acid under /usr/local, starts auditd, runs a busybox
# container under runc with examples/config.json (acid's hooks wired in),
# and prints the container's two audit records as `ausearch -i` shows them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
rm -rf build-demo
meson setup build-demo --prefix=/usr/local >/dev/null
ninja -C build-demo >/dev/null
meson install -C build-demo >/dev/null
ldconfig

started=$(scripts/auditd-start.sh)
bundle=$(mktemp -d /tmp/acid-demo.XXXXXX)
cleanup() {
	rm -rf "$bundle"
	[ -z "$started" ] || kill "$started" 2>/dev/null || true
}
trap cleanup EXIT

scripts/make-rootfs.sh "$bundle/rootfs"
cp examples/config.json "$bundle/config.json"
name=acid-demo-$$
echo "--- runc run $name (hooks: $(jq -r '.hooks.prestart[0].path' "$bundle/config.json"))"
runc run -b "$bundle" "$name" </dev/null

# auditd writes asynchronously: wait for both records
for _ in $(seq 1 50); do
	[ "$(ausearch -m VIRT_CONTROL -ts recent --raw 2>/dev/null | grep -cF "vm=\"$name\"")" -ge 2 ] && break
	sleep 0.2
done
uuid=$(ausearch -m VIRT_CONTROL -ts recent --raw | grep -F "vm=\"$name\"" | grep -o ' uuid=[^ ]*' | head -n1 | cut -d= -f2)
[ -n "$uuid" ] || { echo "demo: no register record for $name" >&2; exit 1; }
echo "--- ausearch -m VIRT_CONTROL --uuid $uuid -i"
ausearch -m VIRT_CONTROL --uuid "$uuid" -i
