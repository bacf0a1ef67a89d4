#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# abi-check.sh NEW-LIBDIR [BASE]: is the libacid.so.0 in NEW-LIBDIR (a
# build or install directory, beside an include/acid/libacid.h or with
# ACID_NEW_HEADER naming it) compatible with the one released at BASE
# (default aa5b33c, the ACID_0.1 release)? BASE's tree is taken with
# `git archive` (no worktree), built in a temporary directory, and
# abidiff (abigail-tools) compares the two, public header types only.
# Prints abidiff's report. Exit status 0 when it reports no incompatible
# change (additions, a new version node, are compatible), 1 otherwise.

set -eu
new=$1
base=${2:-aa5b33c}
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v abidiff >/dev/null ||
	{ echo "abi-check: abidiff is missing (apt-get install abigail-tools)" >&2; exit 1; }
newlib=$(find "$new" -name libacid.so.0 | head -n1)
[ -n "$newlib" ] || { echo "abi-check: no libacid.so.0 under $new" >&2; exit 1; }
newhdr=${ACID_NEW_HEADER:-$(find "$new" -path '*acid/libacid.h' | head -n1)}
[ -n "$newhdr" ] || { echo "abi-check: no acid/libacid.h under $new" >&2; exit 1; }

tmp=$(mktemp -d /tmp/acid-abi.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src" "$tmp/h1" "$tmp/h2"
git -C "$repo" archive "$base" | tar -x -C "$tmp/src"
meson setup "$tmp/build" "$tmp/src" >/dev/null
ninja -C "$tmp/build" libacid.so.0.1.0 >/dev/null
cp "$tmp/src/lib/libacid.h" "$tmp/h1/"
cp "$newhdr" "$tmp/h2/"

status=0
abidiff --headers-dir1 "$tmp/h1" --headers-dir2 "$tmp/h2" \
	"$tmp/build/libacid.so.0.1.0" "$newlib" || status=$?
# abidiff's status: bit 1 error, 2 usage, 4 an ABI change, 8 an
# incompatible one
if [ $((status & 11)) -ne 0 ]; then
	echo "abi-check: abidiff status $status: not compatible with $base" >&2
	exit 1
fi
echo "abi-check: compatible with $base (abidiff status $status)"
