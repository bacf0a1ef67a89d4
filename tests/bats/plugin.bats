#!/usr/bin/env bats
# audisp-acid, the auditd plugin, on the real audit records of real runc
# and podman containers under the shipped rules (plugin/acid.rules, loaded
# with auditctl -R for this file and removed at its end):
#  - as auditd 3.0.9 drives a plugin (string-format lines on stdin): the
#    log section since a mark piped into audisp-acid;
#  - reliability: garbage lines, a record split across writes, the output
#    removed then SIGHUP, a full disk (stdin still drained, drops counted).
# The system auditd is shared: the plugin is not installed into it here.
# A real auditd running audisp-acid as its plugin: plugin-auditd.bats (a
# private auditd of its own); the system auditd itself running it:
# tests/system/plugin-auditd.bats, on a machine of your own.

load helpers
load plugin-helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}
PLUGIN=${ACID_PLUGIN_BIN:-$BUILD/plugin/audisp-acid}
RULES=$REPO/plugin/acid.rules

setup_file() {
	require_components
	[ -x "$PLUGIN" ] || fail "$PLUGIN was not built"
	[ -x "$ACID" ] || fail "$ACID was not built"
	auditctl -l > "$BATS_FILE_TMPDIR/rules-before"
	# acid's rules loaded already (by the admin): used as they are, and
	# left in place
	if grep -q 'key=acid$' "$BATS_FILE_TMPDIR/rules-before"; then
		echo no > "$BATS_FILE_TMPDIR/rules-ours"
	else
		auditctl -R "$RULES" >&2 || fail "auditctl -R $RULES failed"
		echo yes > "$BATS_FILE_TMPDIR/rules-ours"
	fi
}

# Each rule of acid.rules removed again: -a ... becomes -d ...
remove_rules() {
	local line
	grep '^-a ' "$RULES" | while IFS= read -r line; do
		# shellcheck disable=SC2086 # a rule is its words
		auditctl ${line/#-a /-d } || true
	done
}

teardown_file() {
	[ "$(cat "$BATS_FILE_TMPDIR/rules-ours" 2>/dev/null)" = yes ] &&
		remove_rules
	return 0
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
}

teardown() {
	delete_runc_containers
}

@test "acid.rules: auditctl -R loads the fork family, execve, setns and unshare for both ABIs; -d removes exactly them" {
	local now
	now=$(auditctl -l)
	for arch in b64 b32; do
		for sc in execve clone clone3 fork vfork setns unshare; do
			printf '%s\n' "$now" | grep 'key=acid$' | grep -- "arch=$arch" |
				grep -qw -- "$sc" || fail "no $arch rule for $sc"
		done
	done
	[ "$(cat "$BATS_FILE_TMPDIR/rules-ours")" = yes ] || return 0
	# removed and loaded again: the rest of the rules as they were (the
	# others' tests may add rules of their own: only these are compared)
	local others
	others=$(auditctl -l | grep -v -e 'key=acid$' -e '^No rules$' || true)
	remove_rules
	assert_equal "$(auditctl -l | grep -c 'key=acid$')" 0
	assert_equal "$(auditctl -l | grep -v -e 'key=acid$' -e '^No rules$' || true)" "$others"
	auditctl -R "$RULES" >/dev/null
	assert_equal "$(auditctl -l | grep -c 'key=acid$')" \
		"$(grep -c '^-a ' "$RULES")"
}

@test "audisp-acid on the log's records: a runc container's exec has its container.id and name, the host's none; acid events --json and acid report --json agree" {
	local name b=$BATS_TEST_TMPDIR/b mark end uuid hostpid
	name=$(uname_for plugin)
	mark=$(audit_mark)
	BUNDLE_CMD="/bin/ls -d /MARK.$TAG 2>/dev/null; true" make_bundle "$b"
	run run_runc "$b" "$name"
	assert_success
	hostpid=$(host_marker)
	uuid=$(field uuid "$(records "$name" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	end=$(audit_mark)
	section "$mark" "$end" > "$BATS_TEST_TMPDIR/in.log"

	run --separate-stderr "$PLUGIN" --no-seed --output "$BATS_TEST_TMPDIR/out.json" \
		< "$BATS_TEST_TMPDIR/in.log"
	assert_success
	check_marker "$BATS_TEST_TMPDIR/out.json" "$uuid" "$name" "$hostpid"
	# one object per event: every event of the section, once
	assert_equal "$(jq -r .audit.serial "$BATS_TEST_TMPDIR/out.json" | sort -n | uniq -d)" ""
	assert_equal "$(jq -r .audit.serial "$BATS_TEST_TMPDIR/out.json" | sort -n)" \
		"$(grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$BATS_TEST_TMPDIR/in.log" |
			sed 's/.*:\([0-9]*\))/\1/' | sort -n -u)"
	# its own start and stop records are its events too
	assert_equal "$(jq -c --arg u "$uuid" 'select(.audit.type == "VIRT_CONTROL" and .container.id == $u)' \
		"$BATS_TEST_TMPDIR/out.json" | grep -c .)" 2

	# acid events --json writes the same objects for the container (both
	# through jq: it writes its own escapes)
	"$ACID" events --json --input "$BATS_TEST_TMPDIR/in.log" "$name" |
		jq -c . > "$BATS_TEST_TMPDIR/events.json"
	jq -c --arg u "$uuid" 'select(.container.id == $u)' "$BATS_TEST_TMPDIR/out.json" \
		> "$BATS_TEST_TMPDIR/plugin-ctr.json"
	cmp "$BATS_TEST_TMPDIR/events.json" "$BATS_TEST_TMPDIR/plugin-ctr.json"
	# acid report --json: every event of the logs, as the plugin wrote them
	"$ACID" report --json --input "$BATS_TEST_TMPDIR/in.log" > "$BATS_TEST_TMPDIR/report.json"
	cmp "$BATS_TEST_TMPDIR/report.json" "$BATS_TEST_TMPDIR/out.json"
}

@test "audisp-acid seeds the containers already running from the registry, and their processes (runc exec too)" {
	local name b=$BATS_TEST_TMPDIR/b mark end uuid
	name=$(uname_for seed)
	BUNDLE_CMD="sleep 1; /bin/ls -d /SEED.$TAG 2>/dev/null; sleep 60" make_bundle "$b"
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$b" "$name" </dev/null >/dev/null 2>&1 ||
		fail "runc run -d $name failed"
	uuid=$(field uuid "$(records "$name" 1 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for $name"
	# a process that joined it (runc exec): not a descendant of its init
	runc --root "$BATS_FILE_TMPDIR/runc" exec -d "$name" \
		sh -c "sleep 1; /bin/ls -d /JOINED.$TAG 2>/dev/null; sleep 60" ||
		fail "runc exec -d $name failed"
	# the section starts after its start record: only the registry knows it
	mark=$(audit_mark)
	sleep 1.5
	end=$(audit_mark)
	section "$mark" "$end" > "$BATS_TEST_TMPDIR/in.log"
	grep -aq "SEED.$TAG" "$BATS_TEST_TMPDIR/in.log" || fail "the container's exec is not in the log section"
	grep -aq "JOINED.$TAG" "$BATS_TEST_TMPDIR/in.log" || fail "the joined process's exec is not in the log section"

	"$PLUGIN" --output "$BATS_TEST_TMPDIR/seeded.json" < "$BATS_TEST_TMPDIR/in.log"
	"$PLUGIN" --no-seed --output "$BATS_TEST_TMPDIR/unseeded.json" < "$BATS_TEST_TMPDIR/in.log"
	run marked "$BATS_TEST_TMPDIR/seeded.json" "/SEED.$TAG"
	assert_equal "$(jq -r .container.id <<<"$output")" "$uuid"
	assert_equal "$(jq -r .container.name <<<"$output")" "$name"
	run marked "$BATS_TEST_TMPDIR/seeded.json" "/JOINED.$TAG"
	assert_equal "$(jq -r .container.id <<<"$output")" "$uuid"
	# without the registry nothing says whose they are
	run marked "$BATS_TEST_TMPDIR/unseeded.json" "/SEED.$TAG"
	assert_equal "$(jq -r 'has("container")' <<<"$output")" false
	run marked "$BATS_TEST_TMPDIR/unseeded.json" "/JOINED.$TAG"
	assert_equal "$(jq -r 'has("container")' <<<"$output")" false
}

@test "audisp-acid on the log's records: a podman container's exec has its container.id and name" {
	command -v podman >/dev/null || fail "podman is not installed"
	local hooks=$BATS_TEST_TMPDIR/hooks.d h mark end cid uuid hostpid
	mkdir -p "$hooks"
	for h in acid-prestart acid-poststop; do
		[ -f "$BUILD/examples/$h.json" ] || fail "$BUILD/examples/$h.json was not built"
		jq --arg p "$BUILD/hooks/$h" --arg s "ACID_STATE_DIR=$STATE_DIR" \
			'.hook.path = $p | .hook.env = [$s]' \
			"$BUILD/examples/$h.json" > "$hooks/$h.json"
	done
	mark=$(audit_mark)
	run podman --runtime runc --cgroup-manager cgroupfs --hooks-dir "$hooks" \
		run --rm --cidfile "$BATS_TEST_TMPDIR/cid" --annotation org.acid.audit=true \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--rootfs "$(rootfs)" /bin/sh -c "/bin/ls -d /MARK.$TAG 2>/dev/null; true" </dev/null
	assert_success
	hostpid=$(host_marker)
	cid=$(cat "$BATS_TEST_TMPDIR/cid")
	uuid=$(field uuid "$(records "$cid" 2 | grep -a op=start)")
	[ -n "$uuid" ] || fail "no start record for podman container $cid"
	end=$(audit_mark)
	section "$mark" "$end" > "$BATS_TEST_TMPDIR/in.log"
	"$PLUGIN" --no-seed --output "$BATS_TEST_TMPDIR/out.json" < "$BATS_TEST_TMPDIR/in.log"
	check_marker "$BATS_TEST_TMPDIR/out.json" "$uuid" "$cid" "$hostpid"
}

# Real records of this test's own: N events logged now, as a section.
real_records() {
	local mark end i
	mark=$(audit_mark)
	for i in $(seq 1 "$1"); do
		/bin/ls -d "/REL.$i.$TAG" >/dev/null 2>&1 || true
	done
	end=$(audit_mark)
	section "$mark" "$end"
}

@test "reliability: garbage lines skipped and counted, a record split across writes read whole" {
	local in=$BATS_TEST_TMPDIR/in.log out=$BATS_TEST_TMPDIR/out.json cut
	real_records 20 > "$in"
	# the input as auditd would never send it: garbage between records,
	# and a record cut in two writes with a quiet spell between them
	cut=$(( $(head -n 5 "$in" | wc -c) + 37 ))
	run --separate-stderr bash -c '
		{
			printf "garbage line\n"
			head -c 3000 /dev/urandom | tr -d "\n\0"; printf "\n"
			printf "type=SYSCALL msg=audit(12:\n\0\0\0\n"
			head -c 100000 /dev/zero | tr "\0" x; printf "\n"
			head -c "$2" "$1"
			sleep 0.8
			tail -c +"$(($2 + 1))" "$1"
			printf "not a record at the end\n"
		} | "$0" --no-seed --output "$3"' "$PLUGIN" "$in" "$cut" "$out"
	assert_success
	jq -e . "$out" >/dev/null || fail "$out holds a line that is not JSON"
	assert_equal "$(jq -r .audit.serial "$out" | sort -n)" \
		"$(grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$in" | sed 's/.*:\([0-9]*\))/\1/' | sort -n -u)"
	# every record of the input, the cut one too, whole in the JSON
	assert_equal "$(jq -r '.audit.records[].text' "$out" | sort)" "$(sort "$in")"
	assert_equal "$(marked "$out" "/REL.20.$TAG" | grep -c .)" 1
	# said: that lines are skipped, and how many at the end
	printf '%s\n' "$stderr" | grep -q "skipping input lines that are not audit records" ||
		fail "no line about skipped input: $stderr"
	printf '%s\n' "$stderr" | grep -q "end of input: .* 6 input lines skipped" ||
		fail "no count of the 6 skipped lines: $stderr"
}

@test "reliability: the output removed, SIGHUP opens a new file that gets the later events" {
	local in1=$BATS_TEST_TMPDIR/in1.log in2=$BATS_TEST_TMPDIR/in2.log
	local out=$BATS_TEST_TMPDIR/out.json fifo=$BATS_TEST_TMPDIR/fifo pid i w
	real_records 5 > "$in1"
	TAG=$TAG-2 real_records 5 > "$in2"
	mkfifo "$fifo"
	# (not fd 3: bats's own)
	"$PLUGIN" --no-seed --output "$out" < "$fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec {w}> "$fifo"
	cat "$in1" >&"$w"
	for i in $(seq 1 50); do
		[ -n "$(marked "$out" "/REL.5.$TAG" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -n "$(marked "$out" "/REL.5.$TAG")" ] || fail "the first events were not written"
	mv "$out" "$out.1"	# logrotate
	kill -HUP "$pid"
	sleep 0.2
	cat "$in2" >&"$w"
	exec {w}>&-
	wait "$pid"
	[ -e "$out" ] || fail "SIGHUP did not open a new $out"
	assert_equal "$(marked "$out" "/REL.5.$TAG-2" | grep -c .)" 1
	assert_equal "$(marked "$out" "/REL.1.$TAG" | grep -c .)" 0
	assert_equal "$(marked "$out.1" "/REL.1.$TAG" | grep -c .)" 1
	assert_equal "$(marked "$out.1" "/REL.1.$TAG-2" | grep -c .)" 0
}

@test "reliability: a full disk: stdin drained to its end, events dropped and counted, said once" {
	local in=$BATS_TEST_TMPDIR/in.log many=$BATS_TEST_TMPDIR/many.log n
	# the section holds whatever the machine logged meanwhile: at most 40
	# lines of it (5000 copies of 13 MB once filled /tmp with 66 GB)
	real_records 3 | head -n 40 > "$in"
	# 5000 copies of the real events, each under new serials
	awk '{ line[NR] = $0 }
	     END { for (k = 1; k <= 5000; k++) for (i = 1; i <= NR; i++) {
			l = line[i]
			match(l, /:[0-9]+\)/)
			s = substr(l, RSTART + 1, RLENGTH - 2)
			print substr(l, 1, RSTART) (k * 10000000 + s) substr(l, RSTART + RLENGTH - 1) } }' \
		"$in" > "$many"
	n=$(grep -c . "$many")
	# a tmpfs of 64 KiB in a mount namespace of its own
	run --separate-stderr timeout 60 unshare -m sh -c '
		mkdir -p "$1" && mount -t tmpfs -o size=64k tmpfs "$1" &&
		exec "$2" --no-seed --output "$1/events.json" < "$3"' sh \
		"$BATS_TEST_TMPDIR/full" "$PLUGIN" "$many"
	assert_success
	assert_equal "$(printf '%s\n' "$stderr" | grep -c 'No space left on device; dropping events')" 1
	[[ "$stderr" =~ end\ of\ input:\ ([0-9]+)\ events\ written,\ ([0-9]+)\ dropped ]] ||
		fail "no count of the dropped events: $stderr"
	[ "${BASH_REMATCH[2]}" -gt 0 ] || fail "nothing dropped on a full disk: $stderr"
	assert_equal "$((BASH_REMATCH[1] + BASH_REMATCH[2]))" \
		"$(grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$many" | sort -u | wc -l)"
}

@test "reliability: fuzzed input (real records with bytes flipped, cut, doubled; random bytes): no crash, valid JSON only" {
	local in=$BATS_TEST_TMPDIR/in.log fuzz=$BATS_TEST_TMPDIR/fuzz.log out=$BATS_TEST_TMPDIR/out.json
	real_records 10 > "$in"
	# 40 rounds of the records, each line mutated at random: a byte
	# changed, the line cut short, a field doubled, a NUL inside
	awk -v seed="$RANDOM" 'BEGIN { srand(seed); c = "=\"x\047()\035 :0aZ\\" }
		{ line[NR] = $0 }
		END { for (r = 0; r < 40; r++) for (i = 1; i <= NR; i++) {
			l = line[i]; k = int(rand() * 5); p = 1 + int(rand() * length(l))
			if (k == 0) l = substr(l, 1, p - 1) substr(c, 1 + int(rand() * length(c)), 1) substr(l, p + 1)
			else if (k == 1) l = substr(l, 1, p)
			else if (k == 2) l = l " pid=" int(rand() * 100000) " ppid=" int(rand() * 10)
			else if (k == 3) l = substr(l, 1, p) "\001\377" substr(l, p)
			print l } }' "$in" > "$fuzz"
	head -c 200000 /dev/urandom >> "$fuzz"
	printf '\n' >> "$fuzz"
	run --separate-stderr "$PLUGIN" --no-seed --output "$out" < "$fuzz"
	assert_success
	[ -s "$out" ] || fail "no event written from the fuzzed input"
	jq -e . "$out" >/dev/null || fail "$out holds a line that is not JSON"
	[[ "$stderr" == *"end of input: "*" input lines skipped"* ]] ||
		fail "no summary line: $stderr"
}
