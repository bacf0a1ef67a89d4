# Shared by plugin.bats and tests/system/plugin-auditd.bats: the log
# section between two marks, the JSON events of a marker command, the
# host's marker, and the check that the container's exec is attributed
# and the host's is not.

# section FROM TO: the audit log's records with FROM < serial <= TO, as
# auditd wrote them (and sends them to its plugins: format = string).
section() {
	audit_log | awk -v from="$1" -v to="$2" '
		match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
			s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
			if (s + 0 > from + 0 && s + 0 <= to + 0) print
		}'
}

# marked JSON MARK: the events of JSON whose EXECVE record names MARK.
marked() {
	jq -c --arg m "$2" 'select(any(.audit.records[];
		.type == "EXECVE" and (.text | contains($m + "\""))))' "$1"
}

# The same marker command on the host; prints the pid that exec'd it.
host_marker() {
	# (the marker in the environment: not in sh's own EXECVE record)
	M=/MARK.$TAG sh -c 'echo $$ > "$1"; exec /bin/ls -d "$M"' sh \
		"$BATS_TEST_TMPDIR/host.pid" >/dev/null 2>&1 || true
	cat "$BATS_TEST_TMPDIR/host.pid"
}

# check_marker JSON UUID NAME HOSTPID: the container's exec of the marker
# has its container.id and container.name; the host's has no container.
check_marker() {
	local json=$1 uuid=$2 name=$3 hostpid=$4 ev
	jq -e . "$json" >/dev/null || fail "$json holds a line that is not JSON"
	run marked "$json" "/MARK.$TAG"
	assert_equal "$(printf '%s\n' "$output" | grep -c .)" 2
	ev=$(printf '%s\n' "$output" | jq -c --argjson p "$hostpid" 'select(.process.pid == $p)')
	[ -n "$ev" ] || fail "the host's exec (pid $hostpid) is not in the JSON"
	assert_equal "$(jq -r 'has("container")' <<<"$ev")" false
	ev=$(printf '%s\n' "$output" | jq -c --argjson p "$hostpid" 'select(.process.pid != $p)')
	assert_equal "$(jq -r .container.id <<<"$ev")" "$uuid"
	assert_equal "$(jq -r .container.name <<<"$ev")" "$name"
	assert_equal "$(jq -r .container.runtime <<<"$ev")" oci
	assert_equal "$(jq -r .audit.type <<<"$ev")" SYSCALL
	[[ "$(jq -r .process.executable <<<"$ev")" == /* ]] ||
		fail "no process.executable in $ev"
	[[ "$(jq -r '."@timestamp"' <<<"$ev")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z$ ]] ||
		fail "@timestamp is not RFC 3339 UTC in $ev"
}
