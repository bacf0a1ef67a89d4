#!/usr/bin/env bats
# Load: 200 containers started and stopped at once through runc with the
# hooks, several rounds. Every start has its stop, no ID twice, the
# registry ends empty, and no record is lost (counted in the log, and the
# kernel's lost counter does not move).

load helpers

ROUNDS=${ACID_STRESS_ROUNDS:-3}
PER_ROUND=${ACID_STRESS_CONTAINERS:-200}

setup_file() {
	require_components
	auditctl -s | awk '$1 == "backlog_limit" { print $2 }' > "$BATS_FILE_TMPDIR/backlog"
	auditctl -b 8192 >/dev/null
}

teardown_file() {
	auditctl -b "$(cat "$BATS_FILE_TMPDIR/backlog")" >/dev/null
}

lost() {
	auditctl -s | awk '$1 == "lost" { print $2 }'
}

@test "$ROUNDS rounds of $PER_ROUND containers at once: every record there, registry empty" {
	local b=$BATS_TEST_TMPDIR/b base round i pids lost0 starts stops
	STATE_DIR=$BATS_FILE_TMPDIR/state
	make_bundle "$b"
	# no hook timeout: on 2 cores, 200 starts at once are slow, not wrong
	set_config "$b" 'del(.hooks[][].timeout) | .hooks.prestart |= map(select(.args[0] != "probe"))'
	base=$(uname_for stress)
	lost0=$(lost)
	for round in $(seq 1 "$ROUNDS"); do
		pids=()
		for i in $(seq 1 "$PER_ROUND"); do
			run_runc "$b" "$base-r$round-$i" > "$BATS_TEST_TMPDIR/out.$round.$i" 2>&1 &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}" ||
				fail "round $round container $((i + 1)): $(cat "$BATS_TEST_TMPDIR/out.$round.$((i + 1))")"
		done
		assert_equal "$(registry_entries)" 0
		echo "round $round: $PER_ROUND containers ran" >&3
	done
	# auditd writes asynchronously: wait for every record
	local want=$((ROUNDS * PER_ROUND))
	for _ in $(seq 1 100); do
		audit_log | grep -a "^type=VIRT_CONTROL" | grep -aF "vm=\"$base-r" > "$BATS_TEST_TMPDIR/recs"
		starts=$(grep -c 'op=start' "$BATS_TEST_TMPDIR/recs" || true)
		stops=$(grep -c 'op=stop' "$BATS_TEST_TMPDIR/recs" || true)
		[ "$starts" -ge "$want" ] && [ "$stops" -ge "$want" ] && break
		sleep 0.2
	done
	assert_equal "$starts" "$want"
	assert_equal "$stops" "$want"
	# one start and one stop per container name, and no ID twice
	assert_equal "$(grep op=start "$BATS_TEST_TMPDIR/recs" | grep -o ' vm="[^"]*"' | sort -u | wc -l)" "$want"
	assert_equal "$(grep op=stop "$BATS_TEST_TMPDIR/recs" | grep -o ' vm="[^"]*"' | sort -u | wc -l)" "$want"
	assert_equal "$(grep op=start "$BATS_TEST_TMPDIR/recs" | grep -o ' uuid=[^ ]*' | sort -u | wc -l)" "$want"
	assert_equal "$(lost)" "$lost0"
	echo "records: $starts start, $stops stop, $want distinct IDs, kernel lost counter unchanged" >&3
}
