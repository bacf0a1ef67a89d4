#!/bin/sh
# install-deps.sh: the Debian packages acid builds, tests and runs with.
set -eu
pkgs="build-essential pkg-config meson ninja-build jq file
libaudit-dev libauparse-dev auditd libcap-ng-dev uuid-dev libyajl-dev
libseccomp-dev liburing-dev runc crun podman busybox-static bats bats-assert
bats-support valgrind util-linux libcap2-bin procps python3 clang-14 libfuse3-dev
libclang-rt-14-dev gdb scdoc groff-base abigail-tools
dpkg-dev debhelper lintian audispd-plugins docker.io containerd iproute2"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >&2
fi
