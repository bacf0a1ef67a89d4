#!/usr/bin/env bats
# Kubernetes metadata, end to end, with real runc and the real auditd:
# bundles whose config carries the annotations containerd's CRI and CRI-O
# write (runc passes a config's annotations into the state the hooks
# read) give a register record with k8s-pod= ... image= that ausearch -i
# finds, acid ls --json shows them, and acid events --json puts k8s.* and
# container.image.name on the container's exec events. Hostile values
# (a pod name holding "k8s-namespace=kube-system", "exe=/usr/sbin/sshd",
# "uuid=<other>", quotes) are hex-encoded and pose as no field; a
# newline (a JSON escape) or an over-long value is refused, the
# container with it.
#
# The only audit rule added is a watch on this file's own busybox (the
# rootfs copy: no other program on the machine is that inode), removed in
# teardown_file.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	[ -x "$ACID" ] || fail "$ACID was not built"
	local rootfs
	rootfs=$(rootfs)
	export RULE_KEY=acid-k8s-$$
	echo "$RULE_KEY $rootfs/bin/busybox" > "$BATS_FILE_TMPDIR/rule"
	auditctl -w "$rootfs/bin/busybox" -p x -k "$RULE_KEY" ||
		fail "cannot add the watch on $rootfs/bin/busybox"
}

teardown_file() {
	local key path
	read -r key path < "$BATS_FILE_TMPDIR/rule" 2>/dev/null || return 0
	auditctl -W "$path" -p x -k "$key" || true
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	export ACID_STATE_DIR=$STATE_DIR
	TAG=$$-$RANDOM$RANDOM
}

teardown() {
	delete_runc_containers
}

new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# The hex form auditd writes for a value that needs encoding.
hex() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

# annotate DIR JSON: merge the object JSON into the bundle's annotations.
annotate() {
	set_config "$1" '.annotations = ((.annotations // {}) + $a)' --argjson a "$2"
}

# start_detached DIR NAME: runc run -d; the container runs its command
# (which execs the marker, then sleeps) until the test deletes it.
start_detached() {
	runc --root "$BATS_FILE_TMPDIR/runc" run -d -b "$1" "$2" </dev/null \
		>/dev/null 2>"$BATS_TEST_TMPDIR/runc.err" ||
		fail "runc run -d $2 failed: $(cat "$BATS_TEST_TMPDIR/runc.err")"
}

stop_container() {
	runc --root "$BATS_FILE_TMPDIR/runc" delete -f "$1" >/dev/null 2>&1 || true
}

# The JSON events (acid events --json) of container NAME in the log
# section between two marks whose EXECVE names the marker /K8S.$TAG.
marker_events() {
	local name=$1 mark=$2 end
	end=$(audit_mark)
	audit_log | awk -v from="$mark" -v to="$end" '
		match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
			s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
			if (s + 0 > from + 0 && s + 0 <= to + 0) print
		}' > "$BATS_TEST_TMPDIR/in.log"
	grep -aq "/K8S.$TAG" "$BATS_TEST_TMPDIR/in.log" ||
		fail "the container's exec of /K8S.$TAG is not in the log (watch rule?)"
	"$ACID" events --json --input "$BATS_TEST_TMPDIR/in.log" "$name" \
		> "$BATS_TEST_TMPDIR/events.json" ||
		fail "acid events --json $name failed"
	jq -c --arg m "/K8S.$TAG" 'select(any(.audit.records[];
		.type == "EXECVE" and (.text | contains($m + "\""))))' \
		"$BATS_TEST_TMPDIR/events.json"
}

# check_k8s NAME POD NS UID CTR IMAGE KEYS: the whole path for one bundle
# already annotated: record fields (as ausearch -i prints them), the
# registry (acid ls --json), the JSON events of its exec.
check_k8s() {
	local b=$1 name=$2 pod=$3 ns=$4 puid=$5 ctr=$6 image=$7
	local mark start uuid ev ls
	mark=$(audit_mark)
	start_detached "$b" "$name"
	start=$(records "$name" 1 | grep -a op=start)
	uuid=$(field uuid "$start")
	[ -n "$uuid" ] || fail "no start record for $name"
	# the raw record: the values quoted, as the record carries names
	assert_equal "$(field k8s-pod "$start")" "\"$pod\""
	assert_equal "$(field k8s-namespace "$start")" "\"$ns\""
	assert_equal "$(field k8s-pod-uid "$start")" "\"$puid\""
	assert_equal "$(field k8s-container "$start")" "\"$ctr\""
	assert_equal "$(field image "$start")" "\"$image\""
	# stock ausearch finds it by its uuid, and -i prints the fields (as
	# they are: ausearch interprets only the field names it knows)
	run ausearch -m VIRT_CONTROL --uuid "$uuid" -i
	assert_success
	assert_line --partial " op=start "
	assert_line --partial " k8s-pod=\"$pod\" k8s-namespace=\"$ns\" k8s-pod-uid=\"$puid\" k8s-container=\"$ctr\" image=\"$image\" exe="

	# the registry, while it runs
	ls=$("$ACID" ls --json | jq -c --arg u "$uuid" '.[] | select(.uuid == $u)')
	[ -n "$ls" ] || fail "acid ls --json has no entry $uuid"
	assert_equal "$(jq -r .k8s_pod <<<"$ls")" "$pod"
	assert_equal "$(jq -r .k8s_namespace <<<"$ls")" "$ns"
	assert_equal "$(jq -r .k8s_pod_uid <<<"$ls")" "$puid"
	assert_equal "$(jq -r .k8s_container <<<"$ls")" "$ctr"
	assert_equal "$(jq -r .image <<<"$ls")" "$image"
	# acid show PID: the same entry, as text
	run --separate-stderr "$ACID" show "$(jq -r .pid <<<"$ls")"
	assert_success
	assert_line "k8s pod:   $pod"
	assert_line "k8s ns:    $ns"
	assert_line "image:     $image"

	stop_container "$name"
	records "$name" 2 >/dev/null
	# the exec of the marker, in the JSON events
	ev=$(marker_events "$name" "$mark")
	[ -n "$ev" ] || fail "no JSON event of the marker exec"
	assert_equal "$(jq -r .container.id <<<"$ev")" "$uuid"
	assert_equal "$(jq -r .container.name <<<"$ev")" "$name"
	assert_equal "$(jq -r .k8s.pod.name <<<"$ev")" "$pod"
	assert_equal "$(jq -r .k8s.pod.uid <<<"$ev")" "$puid"
	assert_equal "$(jq -r .k8s.namespace.name <<<"$ev")" "$ns"
	assert_equal "$(jq -r .k8s.container.name <<<"$ev")" "$ctr"
	assert_equal "$(jq -r .container.image.name <<<"$ev")" "$image"
	# every event of the container carries them, its start record too
	assert_equal "$(jq -r --arg u "$uuid" 'select(.container.id == $u) | .k8s.pod.name' \
		"$BATS_TEST_TMPDIR/events.json" | sort -u)" "$pod"
}

MARKER_CMD='/bin/ls -d /K8S.$TAG 2>/dev/null; exec sleep 60'

@test "containerd CRI annotations: k8s-pod= ... image= in the register record (ausearch -i), acid ls --json, acid events --json" {
	local b=$BATS_TEST_TMPDIR/b name pod
	name=$(uname_for k8s-cri)
	pod=web-7d9c6b5f8-$RANDOM
	BUNDLE_CMD=$(eval echo "\"$MARKER_CMD\"") make_bundle "$b"
	annotate "$b" "$(jq -n --arg pod "$pod" '{
		"io.kubernetes.cri.container-type": "container",
		"io.kubernetes.cri.container-name": "nginx",
		"io.kubernetes.cri.image-name": "docker.io/library/nginx:1.25",
		"io.kubernetes.cri.sandbox-id": "e2a7c0f4d9b84c51a3e6f7081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e",
		"io.kubernetes.cri.sandbox-name": $pod,
		"io.kubernetes.cri.sandbox-namespace": "shop",
		"io.kubernetes.cri.sandbox-uid": "0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"}')"
	check_k8s "$b" "$name" "$pod" shop 0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b \
		nginx docker.io/library/nginx:1.25
}

@test "CRI-O annotations: io.kubernetes.pod.*, io.kubernetes.container.name and io.kubernetes.cri-o.ImageName end to end" {
	local b=$BATS_TEST_TMPDIR/b name pod
	name=$(uname_for k8s-crio)
	pod=coredns-5d78c9869d-$RANDOM
	BUNDLE_CMD=$(eval echo "\"$MARKER_CMD\"") make_bundle "$b"
	annotate "$b" "$(jq -n --arg pod "$pod" '{
		"io.container.manager": "cri-o",
		"io.kubernetes.container.name": "coredns",
		"io.kubernetes.cri-o.ContainerType": "container",
		"io.kubernetes.cri-o.Image": "a4ca41631cc7ac19ce1be3ebf0314ac5f47af7c711f17066006db82ee3b75b03",
		"io.kubernetes.cri-o.ImageName": "registry.k8s.io/coredns/coredns:v1.10.1",
		"io.kubernetes.cri-o.Labels": "{\"io.kubernetes.pod.name\":\"decoy\"}",
		"io.kubernetes.pod.name": $pod,
		"io.kubernetes.pod.namespace": "kube-system",
		"io.kubernetes.pod.uid": "5b5e07db-f1b9-4530-81ef-b7d04d66b83e"}')"
	check_k8s "$b" "$name" "$pod" kube-system 5b5e07db-f1b9-4530-81ef-b7d04d66b83e \
		coredns registry.k8s.io/coredns/coredns:v1.10.1
}

@test "hostile annotation values: a pod name holding k8s-namespace=, exe= and uuid=, quotes in a namespace: hex, one field each" {
	local vb=$BATS_TEST_TMPDIR/victim b=$BATS_TEST_TMPDIR/b vname name victim
	local pod ns start uuid ev
	vname=$(uname_for k8s-victim)
	victim=$(new_uuid)
	make_bundle "$vb"
	set_config "$vb" '.annotations["org.acid.container-id"] = $id' --arg id "$victim"
	run run_runc "$vb" "$vname"
	assert_success

	name=$(uname_for k8s-hostile)
	pod="x k8s-namespace=kube-system exe=/usr/sbin/sshd uuid=$victim"
	ns="a\"b'c"
	BUNDLE_CMD=$(eval echo "\"$MARKER_CMD\"") make_bundle "$b"
	annotate "$b" "$(jq -n --arg pod "$pod" --arg ns "$ns" '{
		"io.kubernetes.cri.sandbox-name": $pod,
		"io.kubernetes.cri.sandbox-namespace": $ns,
		"io.kubernetes.cri.container-name": "c=d",
		"io.kubernetes.cri.image-name": "img"}')"
	local mark
	mark=$(audit_mark)
	start_detached "$b" "$name"
	start=$(records "$name" 1 | grep -a op=start)
	uuid=$(field uuid "$start")
	[ -n "$uuid" ] || fail "no start record for $name"
	# hex, as auditd encodes: no space, quote or '=' in the record's text
	assert_equal "$(field k8s-pod "$start")" "$(hex "$pod")"
	assert_equal "$(field k8s-namespace "$start")" "$(hex "$ns")"
	assert_equal "$(field k8s-container "$start")" "$(hex "c=d")"
	assert_equal "$(field image "$start")" '"img"'
	# one k8s-namespace= and one exe= in the record, uuid= its own
	assert_equal "$(grep -o ' k8s-namespace=' <<<"$start" | wc -l)" 1
	assert_equal "$(grep -o ' exe=' <<<"$start" | wc -l)" 1
	# stock ausearch: the victim's uuid finds only the victim's records,
	# -x /usr/sbin/sshd none of this container's
	if ausearch -m VIRT_CONTROL --uuid "$victim" --raw 2>/dev/null | grep -aF " uuid=$uuid "; then
		fail "ausearch --uuid $victim returned the hostile container's record (above)"
	fi
	if ausearch -x /usr/sbin/sshd --raw 2>/dev/null | grep -aF " uuid=$uuid "; then
		fail "ausearch -x /usr/sbin/sshd matched the hostile container's record (above)"
	fi
	# ausearch -i finds it by its own uuid, the values still hex
	run ausearch -m VIRT_CONTROL --uuid "$uuid" -i
	assert_success
	assert_line --partial " k8s-pod=$(hex "$pod") k8s-namespace=$(hex "$ns") "
	# the registry keeps the text as given
	assert_equal "$("$ACID" ls --json | jq -r --arg u "$uuid" '.[] | select(.uuid == $u) | .k8s_namespace')" "$ns"

	stop_container "$name"
	records "$name" 2 >/dev/null
	ev=$(marker_events "$name" "$mark")
	[ -n "$ev" ] || fail "no JSON event of the marker exec"
	assert_equal "$(jq -r .container.id <<<"$ev")" "$uuid"
	assert_equal "$(jq -r .k8s.pod.name <<<"$ev")" "$pod"
	assert_equal "$(jq -r .k8s.namespace.name <<<"$ev")" "$ns"
	assert_equal "$(jq -r .k8s.container.name <<<"$ev")" "c=d"
}

@test "refused annotations: a newline (JSON escape) in the pod name, a 64-byte namespace, CRI-O and containerd disagreeing: one line, no container, no record" {
	local b name out i
	for i in 1 2 3; do
		b=$BATS_TEST_TMPDIR/b$i
		name=$(uname_for k8s-refused)
		make_bundle "$b"
		case $i in
		1) annotate "$b" '{"io.kubernetes.pod.name": "p\n uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}'
		   out='annotation "io.kubernetes.pod.name" contains control byte 0x0a' ;;
		2) annotate "$b" "$(jq -n --arg ns "$(printf 'n%.0s' $(seq 64))" \
			'{"io.kubernetes.cri.sandbox-namespace": $ns}')"
		   out='annotation "io.kubernetes.cri.sandbox-namespace" is longer than 63 bytes' ;;
		3) annotate "$b" '{"io.kubernetes.pod.name": "a", "io.kubernetes.cri.sandbox-name": "b"}'
		   out='annotations "io.kubernetes.pod.name" and "io.kubernetes.cri.sandbox-name" disagree' ;;
		esac
		run --separate-stderr run_runc "$b" "$name"
		assert_failure
		# (runc quotes the hook's stderr in Go's escapes: \" for ")
		[[ "${stderr//\\\"/\"}" == *"$out"* ]] || fail "runc's stderr lacks '$out': $stderr"
		# one line of the prestart hook; the poststop hook ends what
		# it never saw with a warning, whatever the annotations say
		assert_equal "$(printf '%s\n' "$stderr" | grep -c "acid-prestart: container .* refused: state: ")" 1
		if printf '%s\n' "$stderr" | grep 'acid-poststop: state:'; then
			fail "acid-poststop refused the state for its annotations"
		fi
		audit_mark >/dev/null
		no_record "$name"
	done
	assert_equal "$(registry_entries)" 0
}
