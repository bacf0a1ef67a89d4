#!/bin/bash
# run-tests.sh [BUILD_DIR]: every test of acid, from a clean build.
#   1. unit tests (meson test), 2. the unit tests under valgrind,
#   3. the unit tests in an ASan+UBSan build, 4. the fuzzers: corpus
#   replay and a short run each, 5. the bats suites with real runc, crun,
#   podman and auditd, 6. the bats suites again with the ASan+UBSan build
#   of the hooks and the tool.
# Needs root and the packages of scripts/install-deps.sh. Starts auditd if
# it is not running, and stops it again (by its pid) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
failed=()

started=$(scripts/auditd-start.sh)
cleanup() {
	# the auditd running now: faults.bats restarts it under a new pid
	if [ -n "$started" ]; then
		kill "$(auditctl -s | awk '$1 == "pid" { print $2 }')" 2>/dev/null || true
	fi
}
trap cleanup EXIT

step() { echo; echo "=== $*"; }

step "build ($build)"
rm -rf "$build"
meson setup "$build" >/dev/null
ninja -C "$build"

step "unit tests"
meson test -C "$build" --no-suite valgrind --print-errorlogs || failed+=(unit)

step "unit tests under valgrind"
meson test -C "$build" --suite valgrind --print-errorlogs || failed+=(valgrind)

step "unit tests with ASan+UBSan"
rm -rf "$build-asan"
meson setup "$build-asan" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C "$build-asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$build-asan" --no-suite valgrind --print-errorlogs || failed+=(asan)

step "fuzzing: corpus replay, then 60 s per harness"
{ scripts/fuzz.sh regress && FUZZ_PARALLEL=2 scripts/fuzz.sh run "${ACID_FUZZ_SECONDS:-60}"; } || failed+=(fuzz)

step "bats: the hook, tool and fault suites against real runtimes and auditd"
ACID_BUILD=$PWD/$build bats --timing tests/bats || failed+=(bats)

step "bats with the ASan+UBSan build of hooks and tool"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ACID_BUILD=$PWD/$build-asan bats --timing tests/bats || failed+=(bats-asan)

echo
if [ ${#failed[@]} -ne 0 ]; then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "all test suites passed"
