#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-laurel.sh [BUILD_DIR] [CONTAINERS] [EXECS]: audisp-acid and LAUREL
# (Debian's laurel) on the same live records, side by side.
#
# Both read the same stream at the same time, as they would as plugins of
# one auditd: the audit log followed as auditd writes it (tail -F, string
# format, tee'd to both). Adding plugins to the system auditd is avoided
# on purpose: on a shared machine auditd 3.0.9's dispatcher was seen to
# stop feeding new plugins after a few add/remove cycles. LAUREL looks the
# container up in /proc/<pid>/cgroup while it handles the event, as it
# does as a plugin; the lag of tail -F (under a second) is its only
# handicap here, and short-lived processes are what it misses anyway.
#
# Load, with acid's rules loaded (auditctl -R plugin/acid.rules, removed at
# the end): CONTAINERS (default 5) runc containers and as many podman
# containers (acid's hooks), each exec'ing EXECS (default 20) marker
# commands (/bin/ls -d /ACIDCMP.<kind>.<n>.<i>), half of them from a
# short-lived child shell; the host runs the same markers meanwhile.
#
# LINGER=S: each container (and host script) sleeps S seconds before and
# after its markers, so that it is still running when LAUREL reads /proc.
#
# Prints, for each: marker execs attributed to the right container (runc:
# by name for acid; LAUREL knows no runc name), to a wrong one, host execs
# taken for a container's, and CPU time per event.
#
# AUDISP_ACID overrides BUILD_DIR/plugin/audisp-acid; LAUREL the laurel
# binary (default: laurel from PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=$(realpath "${1:-build}")
nctr=${2:-5}
nexec=${3:-20}
# LINGER seconds before and after the markers: containers that live a
# while (LAUREL reads /proc while they run); 0: short-lived ones
linger=${LINGER:-0}
plugin=${AUDISP_ACID:-$build/plugin/audisp-acid}
laurel=${LAUREL:-$(command -v laurel || true)}
log=${ACID_AUDIT_LOG:-/var/log/audit/audit.log}

die() { echo "bench-laurel.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
[ -x "$plugin" ] || die "no audisp-acid at $plugin (ninja -C $build)"
[ -n "$laurel" ] || die "no laurel (apt-get install laurel; then set its plugin file inactive)"
for c in runc podman jq; do
	command -v "$c" >/dev/null || die "$c is not installed"
done
auditctl -s | grep -q '^pid [1-9]' || die "auditd is not running"

work=$(mktemp -d /tmp/acid-bench-laurel.XXXXXX)
tag=$$-$RANDOM
rules_ours=false
pids=()
cleanup() {
	local p c
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for c in $(runc --root "$work/runc" list -q 2>/dev/null); do
		runc --root "$work/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
	if $rules_ours; then
		grep '^-a ' "$repo/plugin/acid.rules" | while IFS= read -r line; do
			# shellcheck disable=SC2086 # a rule is its words
			auditctl ${line/#-a /-d } >/dev/null 2>&1 || true
		done
	fi
	[ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# the containers' rootfs and hooks
"$repo/scripts/make-rootfs.sh" "$work/rootfs" >/dev/null
export ACID_STATE_DIR=$work/state
mkdir -p "$work/hooks.d"
for h in acid-prestart acid-poststop; do
	jq --arg p "$build/hooks/$h" --arg s "ACID_STATE_DIR=$ACID_STATE_DIR" \
		'.hook.path = $p | .hook.env = [$s]' \
		"$build/examples/$h.json" > "$work/hooks.d/$h.json"
done
script() { # KIND N: the markers of one container or of the host
	local k=$1 n=$2 i s="sleep $linger; "
	for ((i = 0; i < nexec; i++)); do
		if ((i % 2)); then
			s+="sh -c '/bin/ls -d /ACIDCMP.$tag.$k.$n.$i' >/dev/null 2>&1; "
		else
			s+="/bin/ls -d /ACIDCMP.$tag.$k.$n.$i >/dev/null 2>&1; "
		fi
	done
	echo "$s sleep $linger"
}
bundle() { # DIR N
	mkdir -p "$1"
	jq --arg pre "$build/hooks/acid-prestart" --arg post "$build/hooks/acid-poststop" \
	   --arg state "ACID_STATE_DIR=$ACID_STATE_DIR" --arg cmd "$(script runc "$2")" \
	   --arg rootfs "$work/rootfs" '
		.process.args = ["sh", "-c", $cmd] | .root.path = $rootfs
		| .hooks = {
			prestart: [{ path: $pre, args: ["acid-prestart", "prestart"], env: [$state] }],
			poststop: [{ path: $post, args: ["acid-poststop", "poststop"], env: [$state] }] }' \
		"$repo/examples/config.json" > "$1/config.json"
}

cat > "$work/laurel.toml" <<EOF
directory = "$work/laurel"
user = "root"
statusreport-period = 0
[auditlog]
file = "audit.log"
size = 1000000000
generations = 2
[transform]
execve-argv = [ "array" ]
[enrich]
pid = true
container = true
script = false
EOF
mkdir -p "$work/laurel"

if ! auditctl -l | grep -q 'key=acid$'; then
	auditctl -R "$repo/plugin/acid.rules" >/dev/null
	rules_ours=true
fi

mkfifo "$work/to-acid" "$work/to-laurel"
"$plugin" --no-seed --output "$work/acid.json" < "$work/to-acid" 2> "$work/acid.err" &
apid=$!
pids+=("$apid")
"$laurel" --config "$work/laurel.toml" < "$work/to-laurel" 2> "$work/laurel.err" &
lpid=$!
pids+=("$lpid")
tail -n0 -F "$log" 2>/dev/null | tee "$work/to-acid" > "$work/to-laurel" &
tpid=$!
pids+=("$tpid")
sleep 1

# the load
for ((n = 0; n < nctr; n++)); do
	bundle "$work/b$n" "$n"
	runc --root "$work/runc" run -b "$work/b$n" "acidcmp-$tag-$n" </dev/null >/dev/null 2>&1 &
	load=($!)
	podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$work/hooks.d" \
		run --rm --cidfile "$work/cid$n" --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$work/rootfs" /bin/sh -c "$(script podman "$n")" </dev/null >/dev/null 2>&1 &
	load+=($!)
	sh -c "$(script host "$n")" &
	load+=($!)
	wait "${load[@]}" || true
done
sleep 3 # tail -F and both readers catch up

cpu() { awk -v t="$(getconf CLK_TCK)" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
cpu_acid=$(cpu "$apid")
cpu_laurel=$(cpu "$lpid")
kill "$tpid" 2>/dev/null || true
pkill -P "$tpid" 2>/dev/null || true
wait "$apid" "$lpid" 2>/dev/null || true

# --------------------------------------------------------------- counts
acid=$work/acid.json
lau=$work/laurel/audit.log
# acid: marker exec events -> "marker<TAB>container name or -"
jq -r --arg t "/ACIDCMP.$tag." 'select(any(.audit.records[]; .type == "EXECVE" and (.text | contains($t))))
	| [(.audit.records[] | select(.type == "EXECVE") | .text | capture("(?<m>/ACIDCMP[^\" ]*)").m),
	   (.container.name // "-")] | @tsv' "$acid" > "$work/acid.tsv"
# LAUREL: marker exec events -> "marker<TAB>container id or -"
jq -r --arg t "/ACIDCMP.$tag." 'select(.EXECVE.ARGV? and (.EXECVE.ARGV | any(startswith($t))))
	| [(.EXECVE.ARGV[] | select(startswith($t))),
	   ([.. | objects | .container_info? // empty | .id?] | map(select(. != null)) | first // "-")] | @tsv' \
	"$lau" > "$work/laurel.tsv" 2>/dev/null || true

total=$((nctr * nexec))
for ((n = 0; n < nctr; n++)); do
	cid=$(cat "$work/cid$n" 2>/dev/null || echo none)
	echo "runc	$n	acidcmp-$tag-$n"
	echo "podman	$n	$cid"
done > "$work/names.tsv"

count() { # FILE KIND OK-FIELD: markers of KIND attributed, right, wrong
	awk -F'\t' -v kind="$2" -v field="$3" -v tag="$tag" '
		FILENAME == ARGV[1] { want[$1 "." $2] = $3; next }
		{ split($1, m, "."); k = m[3]; n = m[4]
		  if (k != kind) next
		  seen++
		  if ($2 == "-") next
		  w = want[k "." n]
		  if (k == "host") { wrong++; next }
		  if ((field == "name" && $2 == w) || (field == "id" && index($2, w) == 1 && w != "")) right++
		  else if (field == "id" && k == "runc") right_unnamed++
		  else wrong++ }
		END { printf "%d %d %d %d\n", seen, right, wrong, right_unnamed }' \
		"$work/names.tsv" "$1"
}
read -r a_rs a_rr a_rw _ < <(count "$work/acid.tsv" runc name)
read -r a_ps a_pr a_pw _ < <(count "$work/acid.tsv" podman id)
read -r a_hs _ a_hw _ < <(count "$work/acid.tsv" host name)
read -r l_rs l_rr l_rw l_ru < <(count "$work/laurel.tsv" runc id)
read -r l_ps l_pr l_pw _ < <(count "$work/laurel.tsv" podman id)
read -r l_hs _ l_hw _ < <(count "$work/laurel.tsv" host id)
ev_a=$(wc -l < "$acid")
ev_l=$(wc -l < "$lau")

printf '%-44s %14s %14s\n' "same live records, $total marker execs per kind" audisp-acid laurel
printf '%-44s %14s %14s\n' "runc: marker execs seen" "$a_rs" "$l_rs"
printf '%-44s %14s %14s\n' "runc: attributed to the right container" "$a_rr" "$((l_rr + l_ru))"
printf '%-44s %14s %14s\n' "runc: ... by the container's name" "$a_rr" "0"
printf '%-44s %14s %14s\n' "podman: marker execs seen" "$a_ps" "$l_ps"
printf '%-44s %14s %14s\n' "podman: attributed to the right container" "$a_pr" "$l_pr"
printf '%-44s %14s %14s\n' "host execs taken for a container's" "$a_hw" "$l_hw"
printf '%-44s %14s %14s\n' "events written" "$ev_a" "$ev_l"
printf '%-44s %14s %14s\n' "CPU s (user+sys)" "$cpu_acid" "$cpu_laurel"
awk -v a="$cpu_acid" -v l="$cpu_laurel" -v ea="$ev_a" -v el="$ev_l" 'BEGIN {
	printf "%-44s %14.1f %14.1f\n", "CPU us per event", ea ? a * 1e6 / ea : 0, el ? l * 1e6 / el : 0 }'
