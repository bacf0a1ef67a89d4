#!/bin/bash
# fuzz.sh: the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan).
#
#   scripts/fuzz.sh build [DIR]             build every harness into DIR
#   scripts/fuzz.sh run SECONDS [HARNESS...] fuzz each harness SECONDS
#   scripts/fuzz.sh regress                 replay the seed corpora and the
#                                           saved regression inputs once
#
# DIR is build-fuzz by default (FUZZ_DIR for run and regress; both build
# first, which only recompiles what changed).
#
# run: each harness fuzzes a working copy of its seed corpus,
# DIR/corpus/<harness>/ (seeded from tests/fuzz/corpus/<harness>/ and kept
# between runs; nothing is written into the repository), with
# -max_total_time=SECONDS -rss_limit_mb=2048 -print_final_stats=1, and
# saves crashes, leaks, timeouts and OOMs under DIR/artifacts/<harness>/.
# Logs are DIR/logs/<harness>.log. Prints per harness the executions
# (stat::number_of_executed_units), exec/s and the final cov:/ft:, and
# exits 1 if any harness failed.
#   FUZZ_RUNS=N       stop each harness after N executions as well (-runs=N)
#   FUZZ_PARALLEL=N   run N harnesses at a time (default 1)
#   FUZZ_WORKERS=N    run N processes of each harness on its one corpus
#                     (libFuzzer reloads the corpus directory, so each
#                     sees what the others found); logs <harness>.log,
#                     <harness>.w2.log, ...; executions are their sum
#   FUZZ_TIMEOUT=S    per-input timeout (default 25 s)
#   FUZZ_FRESH=1      start from the seed corpus only (drop DIR/corpus)
#
# regress: every file of tests/fuzz/corpus/<harness>/ and
# tests/fuzz/regress/<harness>/ runs once through its harness (libFuzzer
# runs files given as arguments once); exits 1 on any failure and names
# the inputs that failed.
#
# Adding a harness: write tests/fuzz/fuzz-<name>.c and add <name> to
# HARNESSES below. Every library source is compiled in (the lib_sources of
# meson.build, so a file someone is still writing and has not added there
# does not break the fuzz build; lib/*.c if that list cannot be read), and
# yajl, uuid, audit, libcap-ng and every other dependency('...') of the
# top meson.build are linked; a harness asks for more with lines of its own:
#   // fuzz-sources: attribution/hash.c ... (repository-relative sources)
#   // fuzz-pkgs: NAME...                   (pkg-config packages)
#   // fuzz-options: -max_len=8192          (libFuzzer options)
# Seeds go in tests/fuzz/corpus/<name>/, a dictionary (optional) in
# tests/fuzz/<name>.dict.
set -euo pipefail
cd "$(dirname "$0")/.."

HARNESSES=(oci-state id entry record auditlog joiners)

PKGS=(yajl uuid audit libcap-ng)
# and whatever the library has come to depend on since
for p in $(sed -n "s/^[a-z_]* *= *dependency('\([^']*\)'.*/\1/p" meson.build); do
	case " ${PKGS[*]} " in *" $p "*) ;; *) pkg-config --exists "$p" && PKGS+=("$p") ;; esac
done
# the library's sources as meson builds them
read -ra LIB_SOURCES <<<"$(sed -n '/^lib_sources = files(/,/)/p' meson.build |
	grep -o "'lib/[^']*\.c'" | tr -d "'" | tr '\n' ' ')"
[ ${#LIB_SOURCES[@]} -gt 0 ] || LIB_SOURCES=(lib/*.c)
if [ -z "${CC_FUZZ:-}" ]; then
	if command -v clang >/dev/null; then CC_FUZZ=clang; else CC_FUZZ=clang-14; fi
fi
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all)
# acid_version()'s string, as meson passes it to the library
VERSION=$(sed -n "s/^[[:space:]]*version: '\([^']*\)',.*/\1/p" meson.build | head -n1)
CFLAGS=(-g -O1 -fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE
	"-DACID_VERSION=\"$VERSION\""
	-Wall -Wextra -Wno-unused-parameter
	-Ilib -Ihooks -Itools -Itests/fuzz)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
	export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi

die() { echo "fuzz.sh: $*" >&2; exit 2; }

usage() {
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# directive NAME HARNESS: the words of "// fuzz-NAME:" lines of the harness
directive() {
	sed -n "s|^// fuzz-$1:||p" "tests/fuzz/fuzz-$2.c" | tr '\n' ' '
}

known() {
	local h
	for h in "${HARNESSES[@]}"; do [ "$h" = "$1" ] && return 0; done
	return 1
}

# obj SRC DIR FLAGS...: compile SRC to DIR/obj/ unless its object is newer
# than it and than every header it may include; prints the object path
obj() {
	local src=$1 dir=$2; shift 2
	local o=$dir/obj/${src//\//_}.o h
	local stale=0
	[ -e "$o" ] || stale=1
	if [ $stale = 0 ]; then
		for h in "$src" lib/*.h attribution/*.h hooks/*.h tools/*.h tests/fuzz/*.h "$dir/obj/flags"; do
			[ -e "$h" ] && [ "$h" -nt "$o" ] && { stale=1; break; }
		done
	fi
	if [ $stale = 1 ]; then
		"$CC_FUZZ" "$@" -c "$src" -o "$o" >&2 || return 1
	fi
	echo "$o"
}

build() {
	local dir=${1:-build-fuzz} h src pkgs extra o objs libobjs=() flags
	command -v "$CC_FUZZ" >/dev/null || die "no $CC_FUZZ"
	mkdir -p "$dir/obj" "$dir/include/acid"
	# <acid/libacid.h> and <acid/attribution.h> as meson lays them out
	# (include/acid/meson.build), never installed copies of another version
	cmp -s lib/libacid.h "$dir/include/acid/libacid.h" ||
		cp lib/libacid.h "$dir/include/acid/libacid.h"
	cmp -s attribution/attribution.h "$dir/include/acid/attribution.h" ||
		cp attribution/attribution.h "$dir/include/acid/attribution.h"
	CFLAGS+=(-I"$dir/include")
	# a change of compiler or flags rebuilds everything
	flags="$CC_FUZZ ${SAN[*]} ${CFLAGS[*]} $(pkg-config --cflags "${PKGS[@]}")"
	if [ "$(cat "$dir/obj/flags" 2>/dev/null)" != "$flags" ]; then
		echo "$flags" >"$dir/obj/flags"
	fi
	for src in "${LIB_SOURCES[@]}"; do
		o=$(obj "$src" "$dir" "${SAN[@]}" -fsanitize=fuzzer-no-link \
			"${CFLAGS[@]}" $(pkg-config --cflags "${PKGS[@]}")) ||
			die "compiling $src failed"
		libobjs+=("$o")
	done
	for h in "${HARNESSES[@]}"; do
		[ -e "tests/fuzz/fuzz-$h.c" ] || die "no tests/fuzz/fuzz-$h.c"
		pkgs=("${PKGS[@]}")
		read -ra extra <<<"$(directive pkgs "$h")"
		pkgs+=("${extra[@]}")
		objs=()
		read -ra extra <<<"$(directive sources "$h")"
		for src in "${extra[@]}"; do
			o=$(obj "$src" "$dir" "${SAN[@]}" -fsanitize=fuzzer-no-link \
				"${CFLAGS[@]}" $(pkg-config --cflags "${pkgs[@]}")) ||
				die "compiling $src for $h failed"
			objs+=("$o")
		done
		o=$(obj "tests/fuzz/fuzz-$h.c" "$dir" "${SAN[@]}" \
			-fsanitize=fuzzer "${CFLAGS[@]}" -Werror \
			$(pkg-config --cflags "${pkgs[@]}")) ||
			die "compiling tests/fuzz/fuzz-$h.c failed"
		"$CC_FUZZ" "${SAN[@]}" -fsanitize=fuzzer -o "$dir/fuzz-$h" \
			"$o" "${objs[@]}" "${libobjs[@]}" \
			$(pkg-config --libs "${pkgs[@]}") ||
			die "linking fuzz-$h failed"
		echo "built $dir/fuzz-$h"
	done
}

# options HARNESS: libFuzzer options common to run and regress
options() {
	local dict=tests/fuzz/$1.dict
	echo -n "-rss_limit_mb=2048 -timeout=${FUZZ_TIMEOUT:-25} $(directive options "$1")"
	[ -e "$dict" ] && echo -n " -dict=$dict"
	echo
}

stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -n1; }

# run_one HARNESS SECONDS DIR: fuzz, then write DIR/logs/HARNESS.rc
run_one() {
	local h=$1 secs=$2 dir=$3 rc=0
	local work=$dir/corpus/$h art=$dir/artifacts/$h log=$dir/logs/$h.log
	local opts runs=()
	[ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
	mkdir -p "$work" "$art" "$dir/logs"
	if [ -d "tests/fuzz/corpus/$h" ]; then
		cp -n tests/fuzz/corpus/"$h"/* "$work"/ 2>/dev/null || true
	fi
	[ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
	read -ra opts <<<"$(options "$h")"
	local w pids=() r
	for w in $(seq 1 "${FUZZ_WORKERS:-1}"); do
		[ "$w" = 1 ] || log=$dir/logs/$h.w$w.log
		{
			echo "+ $dir/fuzz-$h -max_total_time=$secs ${runs[*]} -print_final_stats=1 -artifact_prefix=$art/ ${opts[*]} $work"
			exec "$dir/fuzz-$h" -max_total_time="$secs" "${runs[@]}" \
				-print_final_stats=1 -artifact_prefix="$art/" \
				"${opts[@]}" "$work"
		} >"$log" 2>&1 &
		pids+=("$!")
	done
	for w in "${pids[@]}"; do
		r=0
		wait "$w" || r=$?
		[ "$r" = 0 ] || rc=$r
	done
	echo "$rc" >"$dir/logs/$h.rc"
}

# logs_of HARNESS DIR: the logs of the harness's workers
logs_of() {
	echo "$2/logs/$1.log"
	local w
	for w in $(seq 2 "${FUZZ_WORKERS:-1}"); do echo "$2/logs/$1.w$w.log"; done
}

run() {
	local secs=${1:-}; shift || true
	local dir=${FUZZ_DIR:-build-fuzz} h list=("$@") failed=0 n=0 rc
	local par=${FUZZ_PARALLEL:-1} execs eps last
	[[ "$secs" =~ ^[0-9]+$ ]] || usage
	[ ${#list[@]} -gt 0 ] || list=("${HARNESSES[@]}")
	for h in "${list[@]}"; do known "$h" || die "unknown harness: $h"; done
	build "$dir" >/dev/null
	for h in "${list[@]}"; do
		rm -f "$dir/logs/$h.rc"
		echo "fuzzing $h for ${secs}s${FUZZ_RUNS:+ or $FUZZ_RUNS runs} (log $dir/logs/$h.log)"
		run_one "$h" "$secs" "$dir" &
		n=$((n + 1))
		if [ "$n" -ge "$par" ]; then
			wait -n || true
			n=$((n - 1))
		fi
	done
	wait || true
	for h in "${list[@]}"; do
		local log=$dir/logs/$h.log l e p
		rc=$(cat "$dir/logs/$h.rc" 2>/dev/null || echo 1)
		execs='' eps=''
		for l in $(logs_of "$h" "$dir"); do
			e=$(stat_of number_of_executed_units "$l")
			p=$(stat_of average_exec_per_sec "$l")
			[ -n "$e" ] && execs=$(( ${execs:-0} + e ))
			[ -n "$p" ] && eps=$(( ${eps:-0} + p ))
		done
		last=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -n1 |
			grep -oE 'cov: [0-9]+ ft: [0-9]+( corp: [0-9]+/[0-9]+[bKM]?b?)?' || true)
		printf '%-10s executions %s  exec/s %s  %s  %s\n' "$h" \
			"${execs:-?}" "${eps:-?}" "${last:-cov: ?}" \
			"$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)")"
		if [ "$rc" != 0 ]; then
			failed=1
			for l in $(logs_of "$h" "$dir"); do
				grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$l" | head -n5 | sed 's/^/    /'
				grep -E "^(artifact_prefix|Test unit written to)" "$l" | sed 's/^/    /'
			done
		fi
	done
	return $failed
}

regress() {
	local dir=${FUZZ_DIR:-build-fuzz} h f files opts failed=0 bad
	build "$dir" >/dev/null
	for h in "${HARNESSES[@]}"; do
		files=()
		for f in tests/fuzz/corpus/"$h"/* tests/fuzz/regress/"$h"/*; do
			[ -f "$f" ] && files+=("$f")
		done
		if [ ${#files[@]} -eq 0 ]; then
			echo "$h: no inputs"
			continue
		fi
		read -ra opts <<<"$(options "$h")"
		if "$dir/fuzz-$h" "${opts[@]}" "${files[@]}" \
			>"$dir/regress-$h.log" 2>&1; then
			echo "$h: ${#files[@]} inputs ok"
			continue
		fi
		# one process stops at the first failure: name every one
		failed=1
		bad=0
		for f in "${files[@]}"; do
			if ! "$dir/fuzz-$h" "${opts[@]}" "$f" \
				>"$dir/regress-$h.one.log" 2>&1; then
				echo "$h: FAILED on $f"
				grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' \
					"$dir/regress-$h.one.log" | head -n3 | sed 's/^/    /'
				bad=$((bad + 1))
			fi
		done
		echo "$h: $bad of ${#files[@]} inputs FAILED (log $dir/regress-$h.log)"
	done
	return $failed
}

case "${1:-}" in
build) shift; build "${1:-build-fuzz}" ;;
run) shift; run "$@" ;;
regress) shift; regress ;;
*) usage ;;
esac
