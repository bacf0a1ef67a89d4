#!/usr/bin/env bats
# Forged records: a container with CAP_AUDIT_WRITE (runc's default spec
# gives it) can send acid's own VIRT_CONTROL records. These tests show it
# doing so from real runc and crun containers, and `acid seccomp` taking
# the audit socket away while the container carries on.

load helpers

ACID=${ACID_BIN:-$BUILD/tools/acid}

setup_file() {
	require_components
	command -v crun >/dev/null || fail "crun is missing"
	command -v cc >/dev/null || fail "cc is missing (the forger is built here)"
	[ -x "$ACID" ] || fail "$ACID was not built"
	build_forger
}

setup() {
	STATE_DIR=$BATS_FILE_TMPDIR/state
	FORGE=$BATS_FILE_TMPDIR/forge
}

teardown() {
	[ -z "${LINK_DIR:-}" ] || rm -rf "$LINK_DIR"
	local c
	for c in $(runc --root "$BATS_FILE_TMPDIR/runc" list -q 2>/dev/null); do
		runc --root "$BATS_FILE_TMPDIR/runc" delete -f "$c" >/dev/null 2>&1 || true
	done
}

# The forger: what a hostile process in the container runs. A static
# program (the busybox rootfs has no libc), bind-mounted at /forge.
#   /forge [-3|-d|-H|-P|-u] NAME UUID
#                             send "VIRT_CONTROL op=start vm=NAME"; -3 opens
#                             the socket through i386 socketcall (int $0x80),
#                             -d through the i386 socket syscall, -H through
#                             socket() with bit 32 set in the family, -P in
#                             the protocol (the kernel reads ints), -u
#                             through io_uring (IORING_OP_SOCKET)
#   /forge probe              AF_INET and NETLINK_ROUTE sockets still work
#   /forge int80              does this kernel take int $0x80 (i386 ABI)?
# Exit: 0 sent and acknowledged, 3 socket() failed, 4 the kernel said no.
build_forger() {
	cat > "$BATS_FILE_TMPDIR/forge.c" <<'EOF'
#include <errno.h>
#include <liburing.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

/* socket() through io_uring: no socket syscall at all */
static int uring_socket(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int r = io_uring_queue_init(2, &ring, 0);

	if (r < 0) {
		printf("forge: io_uring_setup: %s\n", strerror(-r));
		errno = -r;
		return -1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_socket(sqe, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, 0);
	r = io_uring_submit_and_wait(&ring, 1);
	if (r >= 0)
		r = io_uring_wait_cqe(&ring, &cqe);
	if (r == 0) {
		r = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

static int audit_socket(const char *how)
{
	uint32_t *a;
	int r;

	if (!how)
		return socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (strcmp(how, "-H") == 0)
		return (int)syscall(SYS_socket, (1UL << 32) | AF_NETLINK,
				    SOCK_RAW, NETLINK_AUDIT);
	if (strcmp(how, "-P") == 0)
		return (int)syscall(SYS_socket, AF_NETLINK, SOCK_RAW,
				    (1UL << 32) | NETLINK_AUDIT);
	if (strcmp(how, "-u") == 0)
		return uring_socket();
	if (strcmp(how, "-d") == 0) {
		r = (int)int80(359, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	} else {
		/* socketcall reads its arguments from memory below 4 GiB;
		 * the third register is not one of them: 0 there */
		a = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (a == MAP_FAILED)
			return -1;
		a[0] = AF_NETLINK;
		a[1] = SOCK_RAW;
		a[2] = NETLINK_AUDIT;
		r = (int)int80(102, 1, (long)(uintptr_t)a, 0);
	}
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct { struct nlmsghdr h; char text[1024]; } m;
	struct { struct nlmsghdr h; struct nlmsgerr e; char pad[1024]; } ack;
	const char *how = NULL;
	int fd, a, b;

	if (argc == 2 && strcmp(argv[1], "probe") == 0) {
		a = socket(AF_INET, SOCK_STREAM, 0);
		b = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
		printf("probe: inet %s, netlink-route %s\n",
		       a >= 0 ? "ok" : "failed", b >= 0 ? "ok" : "failed");
		return a >= 0 && b >= 0 ? 0 : 1;
	}
	if (argc == 2 && strcmp(argv[1], "int80") == 0)
		return int80(20, 0, 0, 0) == getpid() ? 0 : 1;
	if (argc == 4) {
		how = argv[1];
		argv++;
		argc--;
	}
	if (argc != 3)
		return 2;
	memset(&m, 0, sizeof(m));
	snprintf(m.text, sizeof(m.text),
		 "virt=oci op=start reason=register vm=\"%s\" uuid=%s "
		 "vm-pid=1 ns-dev=0:4 cgroup-ns=4026531835 ipc-ns=4026531839 "
		 "mnt-ns=4026531841 net-ns=4026531840 pid-ns=4026531836 "
		 "pid-child-ns=4026531836 time-ns=4026531834 "
		 "time-child-ns=4026531834 user-ns=4026531837 "
		 "uts-ns=4026531838 "
		 "exe=\"/usr/local/libexec/oci/hooks.d/acid-prestart\" "
		 "hostname=? addr=? terminal=? res=success", argv[1], argv[2]);
	m.h.nlmsg_len = NLMSG_LENGTH(strlen(m.text) + 1);
	m.h.nlmsg_type = 2500;	/* AUDIT_VIRT_CONTROL */
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = 1;
	fd = audit_socket(how);
	if (fd < 0) {
		printf("forge: socket: %s\n", strerror(errno));
		return 3;
	}
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0) {
		printf("forge: send: %s\n", strerror(errno));
		return 4;
	}
	if (recv(fd, &ack, sizeof(ack), 0) < 0) {
		printf("forge: recv: %s\n", strerror(errno));
		return 4;
	}
	if (ack.h.nlmsg_type != NLMSG_ERROR || ack.e.error) {
		printf("forge: kernel: %s\n", strerror(-ack.e.error));
		return 4;
	}
	printf("forge: sent\n");
	return 0;
}
EOF
	# static: the busybox rootfs has no libc (liburing-dev has liburing.a)
	cc -static -O2 -Wall -o "$BATS_FILE_TMPDIR/forge" "$BATS_FILE_TMPDIR/forge.c" -luring ||
		fail "cannot build the static forger (liburing-dev is needed)"
}

# Does this kernel run i386 code (int $0x80)? Then the i386 paths count.
has_i386() {
	"$FORGE" int80
}

# forger_bundle DIR NAME: a bundle (acid's hooks, a probe, the forger
# mounted) whose container forges six records - through socket(), i386
# socketcall, the i386 socket syscall, socket() with bit 32 set in the
# family and in the protocol, and io_uring - then checks that its other
# sockets work, and exits 0.
forger_bundle() {
	local dir=$1 name=$2 uuid
	uuid=$(cat /proc/sys/kernel/random/uuid)
	BUNDLE_CMD="/forge forged-$name $uuid; echo forge=\$?;
		/forge -3 forged3-$name $uuid; echo forge3=\$?;
		/forge -d forgedd-$name $uuid; echo forged=\$?;
		/forge -H forgedH-$name $uuid; echo forgeH=\$?;
		/forge -P forgedP-$name $uuid; echo forgeP=\$?;
		/forge -u forgedU-$name $uuid; echo forgeU=\$?;
		/forge probe && echo carried-on" make_bundle "$dir"
	set_config "$dir" '.mounts += [{destination: "/forge", type: "bind",
		source: $f, options: ["bind", "ro"]}]' --arg f "$FORGE"
}

# profile_config DIR [CAPS...]: put in DIR's config the seccomp profile
# podman gives a container with capabilities CAPS on amd64 - made from
# containers-common's profile: default SCMP_ACT_ERRNO, an allow-list, and
# socket allowed without conditions when CAP_AUDIT_WRITE is among CAPS
# (Docker's default profile does the same).
profile_config() {
	local dir=$1 caps
	shift
	local profile=/usr/share/containers/seccomp.json
	[ -f "$profile" ] || fail "$profile is missing (containers-common, installed with podman)"
	caps=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson caps "$caps" '
		def ok($caps):
			((.includes.caps // []) | all(. as $c | $caps | index([$c]) != null))
			and ((.includes.arches // []) | (length == 0 or index(["amd64"]) != null))
			and ((.excludes.caps // []) | all(. as $c | $caps | index([$c]) == null))
			and ((.excludes.arches // []) | index(["amd64"]) == null);
		{ defaultAction, defaultErrnoRet,
		  architectures: (.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
				  | [.architecture] + .subArchitectures),
		  syscalls: [ .syscalls[] | select(ok($caps))
			      | { names, action }
				+ (if .args then { args } else {} end)
				+ (if .errnoRet then { errnoRet } else {} end) ] }' \
		"$profile" > "$dir/profile.json" || fail "cannot convert $profile"
	set_config "$dir" '.linux.seccomp = $p[0]' --slurpfile p "$dir/profile.json"
}

# The container's own records (start and stop, from the hooks) are in
# the log: anything it sent before its end would be there too.
wait_for_container_records() {
	records "$1" 2 >/dev/null || fail "no start and stop records for $1"
}

forged_count() {
	audit_log | grep -ac "vm=\"$1\"" || true
}

# assert_forged NAME: the forged record reached the log.
assert_forged() {
	local rec
	rec=$(records "$1" 1) || fail "the forged record for $1 is not in $AUDIT_LOG"
	assert_equal "$(field vm-pid "$rec")" 1
	assert_equal "$(field exe "$rec")" '"/usr/local/libexec/oci/hooks.d/acid-prestart"'
}

# assert_kept_out NAME: the forger failed as acid wants, nothing logged,
# and the container went on to exit 0 (the run's status is checked by the
# caller).
assert_kept_out() {
	local name=$1
	assert_line "forge: socket: Protocol not supported"
	assert_line "forge=3"
	if has_i386; then
		assert_line "forge3=3"
		assert_line "forged=3"
		[ "$(printf '%s\n' "$output" | grep -c 'Protocol not supported')" = 5 ] ||
			fail "not all five socket forgers got EPROTONOSUPPORT"
	else
		[ "$(printf '%s\n' "$output" | grep -c 'Protocol not supported')" = 3 ] ||
			fail "not all three socket forgers got EPROTONOSUPPORT"
	fi
	# the kernel reads socket()'s arguments as ints: bit 32 is no way round
	assert_line "forgeH=3"
	assert_line "forgeP=3"
	# io_uring is closed: "no io_uring in this kernel"
	assert_line "forge: io_uring_setup: Function not implemented"
	assert_line "forgeU=3"
	assert_line "probe: inet ok, netlink-route ok"
	assert_line "carried-on"
	wait_for_container_records "$name"
	local f
	for f in forged forged3 forgedd forgedH forgedP forgedU; do
		assert_equal "$f: $(forged_count "$f-$name")" "$f: 0"
	done
}

@test "the threat: a runc container with CAP_AUDIT_WRITE forges acid's start record" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	run run_runc "$b" "$name"
	assert_success
	assert_line "forge=0"
	assert_forged "forged-$name"
	if has_i386; then
		assert_line "forge3=0"
		assert_forged "forged3-$name"
	fi
	# the routes the filter must close too
	assert_line "forgeH=0"
	assert_forged "forgedH-$name"
	assert_line "forgeP=0"
	assert_forged "forgedP-$name"
	assert_line "forgeU=0"
	assert_forged "forgedU-$name"
}

@test "runc: through acid seccomp, the forger gets EPROTONOSUPPORT and nothing is logged" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	run "$ACID" seccomp --in-place "$b/config.json"
	assert_success
	assert_output ""
	run run_runc "$b" "$name"
	assert_success
	assert_kept_out "$name"
	# acid's own records still flow: the hooks run outside the filter
	assert_equal "$(records "$name" 2 | grep -c 'op=start')" 1
}

@test "the threat, crun: a container with CAP_AUDIT_WRITE forges acid's start record" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	run run_crun "$b" "$name"
	assert_success
	assert_line "forge=0"
	assert_forged "forged-$name"
}

@test "crun: through acid seccomp, the forger gets EPROTONOSUPPORT and nothing is logged" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	"$ACID" seccomp "$b/config.json" > "$b/config.new" || fail "acid seccomp failed"
	mv "$b/config.new" "$b/config.json"
	run run_crun "$b" "$name"
	assert_success
	assert_kept_out "$name"
}

# assert_route_closed NAME HOW TAG: the forger of route HOW (see the
# forger) failed in the container's output, and its record, named
# TAG-NAME with the run's UUID, is not in the log.
assert_route_closed() {
	local name=$1 how=$2 tag=$3 uuid=$4
	assert_line "forge$how=3"
	wait_for_container_records "$name"
	assert_equal "$tag: $(forged_count "$tag-$name")" "$tag: 0"
	# (VIRT_CONTROL only: with execve audited, grep's own args hold it)
	assert_equal "uuid $uuid: $(audit_log | grep -a '^type=VIRT_CONTROL' | grep -ac "uuid=$uuid")" \
		"uuid $uuid: 0"
}

# route_bundle DIR NAME UUID: a container that tries the three routes
# round a 64-bit argument compare and round socket() itself, each with
# its own name and one UUID no other record has.
route_bundle() {
	local dir=$1 name=$2 uuid=$3
	BUNDLE_CMD="/forge -H forgedH-$name $uuid; echo forgeH=\$?;
		/forge -P forgedP-$name $uuid; echo forgeP=\$?;
		/forge -u forgedU-$name $uuid; echo forgeU=\$?;
		/forge probe && echo carried-on" make_bundle "$dir"
	set_config "$dir" '.mounts += [{destination: "/forge", type: "bind",
		source: $f, options: ["bind", "ro"]}]' --arg f "$FORGE"
}

route_attack() { # RUNTIME
	local rt=$1 name b=$BATS_TEST_TMPDIR/b uuid
	name=$(uname_for forge)
	uuid=$(cat /proc/sys/kernel/random/uuid)
	route_bundle "$b" "$name" "$uuid"
	run "$ACID" seccomp --in-place "$b/config.json"
	assert_success
	run "run_$rt" "$b" "$name"
	assert_success
	assert_line "carried-on"
	# bit 32 of the family, then of the protocol: the same socket for
	# the kernel, which reads ints
	assert_route_closed "$name" H forgedH "$uuid"
	assert_route_closed "$name" P forgedP "$uuid"
	assert_line "forge: socket: Protocol not supported"
	# io_uring's IORING_OP_SOCKET makes no socket syscall at all
	assert_line "forge: io_uring_setup: Function not implemented"
	assert_route_closed "$name" U forgedU "$uuid"
}

@test "runc: through acid seccomp, bit 32 in socket()'s family or protocol, and io_uring, forge nothing" {
	route_attack runc
}

@test "crun: through acid seccomp, bit 32 in socket()'s family or protocol, and io_uring, forge nothing" {
	route_attack crun
}

@test "a podman/Docker profile (default ERRNO, socket allowed): appending acid's rule is not enough" {
	local name b=$BATS_TEST_TMPDIR/b rule
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	profile_config "$b" CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
	# what a careless orchestrator would do with the library's rule
	rule='{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":93,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_EQ"}]}'
	set_config "$b" '.linux.seccomp.syscalls += [$r]' --argjson r "$rule"
	run run_runc "$b" "$name"
	assert_success
	# libseccomp dropped it: the unconditional allow came first
	assert_line "forge=0"
	assert_forged "forged-$name"
}

@test "a podman/Docker profile (default ERRNO, socket allowed): acid seccomp closes it, runc and crun" {
	local name b
	for rt in runc crun; do
		b=$BATS_TEST_TMPDIR/$rt
		name=$(uname_for forge)
		forger_bundle "$b" "$name"
		profile_config "$b" CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
		run "$ACID" seccomp -i "$b/config.json"
		assert_success
		# io_uring was closed already (not in the allow-list): no word
		assert_output ""
		# socket now allowed except for audit, and the allow-list intact:
		# 64 pieces, each tests bits the kernel reads (low 32)
		run jq -e '[.linux.seccomp.syscalls[] | select(.names == ["socket"] and .action == "SCMP_ACT_ALLOW")] | length == 64 and (map(.args[].op) | all(. == "SCMP_CMP_MASKED_EQ"))' "$b/config.json"
		assert_success
		run jq -e '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.names | index(["read"])))] | length == 1' "$b/config.json"
		assert_success
		run "run_$rt" "$b" "$name"
		assert_success
		assert_kept_out "$name"
	done
}

@test "a profile that allows io_uring (Docker's before 25.0): acid seccomp closes it and says so, runc and crun" {
	local name b rt
	for rt in runc crun; do
		b=$BATS_TEST_TMPDIR/$rt
		name=$(uname_for forge)
		forger_bundle "$b" "$name"
		profile_config "$b" CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
		# io_uring in the allow-list, with another syscall, and alone
		set_config "$b" '.linux.seccomp.syscalls += [
			{names: ["io_uring_enter", "io_uring_setup", "uname"], action: "SCMP_ACT_ALLOW"},
			{names: ["io_uring_register"], action: "SCMP_ACT_ALLOW"}]'
		run --separate-stderr "$ACID" seccomp -i "$b/config.json"
		assert_success
		assert_equal "$stderr" "acid seccomp: $b/config.json: io_uring closed: the profile allowed it, and its IORING_OP_SOCKET makes audit sockets without socket(); io_uring_setup, io_uring_enter and io_uring_register now fail with ENOSYS"
		# only acid's rule names them; uname is still allowed
		run jq -c '[.linux.seccomp.syscalls[] | select(.names | any(startswith("io_uring")))]' "$b/config.json"
		assert_output '[{"names":["io_uring_setup","io_uring_enter","io_uring_register"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]'
		run jq -e '[.linux.seccomp.syscalls[] | select(.names == ["uname"] and .action == "SCMP_ACT_ALLOW")] | length == 1' "$b/config.json"
		assert_success
		run "run_$rt" "$b" "$name"
		assert_success
		assert_kept_out "$name"
		# twice: nothing to say
		run --separate-stderr "$ACID" seccomp -i "$b/config.json"
		assert_success
		assert_equal "$stderr" ""
	done
}

@test "a config acid seccomp wrote before the 32-bit compare: forgeable, and rewritten" {
	local name b=$BATS_TEST_TMPDIR/b
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	# podman's profile for a container without CAP_AUDIT_WRITE, its
	# EINVAL rule replaced as acid did before the 32-bit compare: acid's
	# rule with 64-bit compares, socket allowed where "protocol != 9" or
	# "family != 16" as 64-bit compares (podman's pieces, and acid's)
	profile_config "$b" CAP_KILL CAP_NET_BIND_SERVICE
	set_config "$b" '.linux.seccomp.syscalls |= map(if .errnoRet == 22 and .names == ["socket"]
		then {names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 93,
		      args: [{index: 0, value: 16, op: "SCMP_CMP_EQ"}, {index: 2, value: 9, op: "SCMP_CMP_EQ"}]}
		else . end)'
	run jq -e '[.linux.seccomp.syscalls[] | select(.names == ["socket"] and .action == "SCMP_ACT_ALLOW" and (.args[0].op == "SCMP_CMP_NE"))] | length >= 2' "$b/config.json"
	assert_success
	# the old rules: bit 32 walks round them
	run run_runc "$b" "$name"
	assert_success
	assert_line "forgeH=0"
	assert_forged "forgedH-$name"
	assert_line "forgeP=0"
	assert_forged "forgedP-$name"

	run --separate-stderr "$ACID" seccomp -i "$b/config.json"
	assert_success
	# the old rule is gone, and every rule that allows socket() now
	# leaves out the audit case by the low 32 bits (a masked compare)
	run jq -e '[.linux.seccomp.syscalls[] | select(.names == ["socket"] and .action == "SCMP_ACT_ALLOW")
		| select([.args[]? | select(.op == "SCMP_CMP_MASKED_EQ")] | length == 0)] | length == 0' "$b/config.json"
	assert_success
	run jq -e '[.linux.seccomp.syscalls[] | select(.errnoRet == 93 and .names == ["socket"])] | length == 1' "$b/config.json"
	assert_success
	name=$(uname_for forge)
	forger_bundle "$b.2" "$name"
	set_config "$b.2" '.linux.seccomp = $c[0].linux.seccomp' --slurpfile c "$b/config.json"
	run run_runc "$b.2" "$name"
	assert_success
	assert_kept_out "$name"
}

@test "podman's profile without CAP_AUDIT_WRITE: its own EINVAL rule clashes with an appended one; acid seccomp replaces it" {
	local name b=$BATS_TEST_TMPDIR/b rule
	name=$(uname_for forge)
	forger_bundle "$b" "$name"
	profile_config "$b" CAP_KILL CAP_NET_BIND_SERVICE
	run jq -e '[.linux.seccomp.syscalls[] | select(.errnoRet == 22 and .names == ["socket"])] | length == 1' "$b/config.json"
	assert_success
	cp "$b/config.json" "$b/config.orig"

	rule='{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":93,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_EQ"}]}'
	set_config "$b" '.linux.seccomp.syscalls += [$r]' --argjson r "$rule"
	run run_runc "$b" "$name"
	assert_failure
	assert_output --partial "file exists"

	cp "$b/config.orig" "$b/config.json"
	run "$ACID" seccomp -i "$b/config.json"
	assert_success
	run jq -e '[.linux.seccomp.syscalls[] | select(.errnoRet == 22)] | length == 0' "$b/config.json"
	assert_success
	name=$(uname_for forge)
	forger_bundle "$b.2" "$name"
	jq --slurpfile c "$b/config.json" '.linux.seccomp = $c[0].linux.seccomp' \
		"$b.2/config.json" > "$b.2/c" && mv "$b.2/c" "$b.2/config.json"
	run run_runc "$b.2" "$name"
	assert_success
	assert_kept_out "$name"
}

@test "acid seccomp: idempotent, and everything else kept as written" {
	local d=$BATS_TEST_TMPDIR cfg=$BATS_TEST_TMPDIR/config.json
	# numbers jq would rewrite, odd strings, keys out of order
	cat > "$cfg" <<'EOF'
{
  "ociVersion": "1.0.2-dev",
  "zeta": {"b": [1.50, 1e3, -0, 18446744073709551615, {"x": null}], "a": true},
  "process": {"args": ["sh", "-c", "echo \"h\u00e9\" \u0001 /"], "user": {"uid": 0, "gid": 0}},
  "linux": {
    "namespaces": [{"type": "pid"}],
    "seccomp": {
      "defaultAction": "SCMP_ACT_ALLOW",
      "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
      "syscalls": [
        {"names": ["mkdir", "socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 18446744073709551615, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
      ]
    },
    "maskedPaths": ["/proc/kcore"]
  },
  "annotations": {"org.acid.n": "1"}
}
EOF
	run --separate-stderr "$ACID" seccomp "$cfg"
	assert_success
	# the profile allowed io_uring (defaultAction ALLOW): one line says so
	assert_equal "$stderr" "acid seccomp: $cfg: io_uring closed: the profile allowed it, and its IORING_OP_SOCKET makes audit sockets without socket(); io_uring_setup, io_uring_enter and io_uring_register now fail with ENOSYS"
	printf '%s\n' "$output" > "$d/once.json"
	# the numbers as written
	for n in 1.50 1e3 -0 18446744073709551615; do
		grep -qF -- "$n" "$d/once.json" || fail "number $n was rewritten"
	done
	# the same keys in the same order, the same values, outside the rules
	assert_equal "$(jq -c 'del(.linux.seccomp.syscalls)' "$d/once.json")" \
		"$(jq -c 'del(.linux.seccomp.syscalls)' "$cfg")"
	# acid's two rules in front; mkdir keeps its rule; socket's EPERM is
	# cut around the audit case, as the kernel reads it (low 32 bits)
	run jq -c '.linux.seccomp.syscalls | map([.names, .action, .errnoRet,
		(if .names == ["personality"] then "as written" else .args end)])
		| .[0:3] + [.[-1]]' "$d/once.json"
	assert_output '[[["socket"],"SCMP_ACT_ERRNO",93,[{"index":0,"value":4294967295,"valueTwo":16,"op":"SCMP_CMP_MASKED_EQ"},{"index":2,"value":4294967295,"valueTwo":9,"op":"SCMP_CMP_MASKED_EQ"}]],[["io_uring_setup","io_uring_enter","io_uring_register"],"SCMP_ACT_ERRNO",38,null],[["mkdir"],"SCMP_ACT_ERRNO",1,null],[["personality"],"SCMP_ACT_ERRNO",null,"as written"]]'
	# the pieces: "low 32 bits of the protocol are not 9" as one piece per
	# bit it can differ in, then "...of the family are not 16, and the
	# protocol's are 9"; each bit b: mask 2^b, value 2^b where the target
	# has a 0 there
	run jq -e '
		def bit($v; $b): (($v / pow(2; $b)) | floor) % 2;
		def differs($i; $t; $b): {index: $i, value: pow(2; $b),
			valueTwo: (if bit($t; $b) == 1 then 0 else pow(2; $b) end),
			op: "SCMP_CMP_MASKED_EQ"};
		([range(32) | {names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
				args: [differs(2; 9; .)]}]
		 + [range(32) | {names: ["socket"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
				 args: [differs(0; 16; .), {index: 2, value: 4294967295,
					valueTwo: 9, op: "SCMP_CMP_MASKED_EQ"}]}]) as $want
		| .linux.seccomp.syscalls[3:-1] == $want' "$d/once.json"
	assert_success
	# (jq reads 2^64-1 as a double: count the literal instead)
	assert_equal "$(grep -o 18446744073709551615 "$d/once.json" | wc -l)" 2
	# twice is once, and says nothing more
	run --separate-stderr "$ACID" seccomp "$d/once.json"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$output" "$(cat "$d/once.json")"

	# --in-place: same mode and owner, a new file, nothing left behind
	chmod 0640 "$cfg"
	chown 1:2 "$cfg"
	local ino
	ino=$(stat -c %i "$cfg")
	run --separate-stderr "$ACID" seccomp --in-place "$cfg"
	assert_success
	assert_output ""
	assert_equal "$stderr" "acid seccomp: $cfg: io_uring closed: the profile allowed it, and its IORING_OP_SOCKET makes audit sockets without socket(); io_uring_setup, io_uring_enter and io_uring_register now fail with ENOSYS"
	assert_equal "$(stat -c '%a %u %g' "$cfg")" "640 1 2"
	[ "$(stat -c %i "$cfg")" != "$ino" ] || fail "not replaced by rename"
	cmp "$cfg" "$d/once.json" || fail "--in-place wrote something else"
	assert_equal "$(ls -A "$d" | grep -c '\.acid-')" 0
	# nothing to do: the file is not touched
	ino=$(stat -c %i "$cfg")
	run "$ACID" seccomp -i "$cfg"
	assert_success
	assert_output ""
	assert_equal "$(stat -c %i "$cfg")" "$ino"
}

@test "acid seccomp: a config without seccomp gets an allow-all section with acid's rules" {
	local b=$BATS_TEST_TMPDIR
	jq 'del(.linux.seccomp)' "$REPO/examples/config.json" > "$b/config.json"
	run "$ACID" seccomp "$b/config.json"
	assert_success
	printf '%s\n' "$output" > "$b/out.json"
	run jq -c '.linux.seccomp' "$b/out.json"
	assert_output '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["socketcall"],"action":"SCMP_ACT_ERRNO","errnoRet":93,"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":93,"args":[{"index":0,"value":4294967295,"valueTwo":16,"op":"SCMP_CMP_MASKED_EQ"},{"index":2,"value":4294967295,"valueTwo":9,"op":"SCMP_CMP_MASKED_EQ"}]},{"names":["io_uring_setup","io_uring_enter","io_uring_register"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}'
	assert_equal "$(jq -c 'del(.linux.seccomp)' "$b/out.json")" "$(jq -c . "$b/config.json")"
	# "linux": null, and no linux at all
	jq '.linux = null' "$b/config.json" > "$b/null.json"
	run "$ACID" seccomp "$b/null.json"
	assert_success
	assert_equal "$(printf '%s' "$output" | jq -c '.linux.seccomp.syscalls | length')" 3
	jq 'del(.linux)' "$b/config.json" > "$b/none.json"
	run "$ACID" seccomp "$b/none.json"
	assert_success
	assert_equal "$(printf '%s' "$output" | jq -c '.linux.seccomp.defaultAction')" '"SCMP_ACT_ALLOW"'
}

@test "acid seccomp: usage and errors, one line each" {
	local d=$BATS_TEST_TMPDIR
	run "$ACID" seccomp --help
	assert_success
	assert_line --partial "usage: acid seccomp [--in-place] CONFIG.json"

	run "$ACID" seccomp
	assert_failure 2
	assert_output "acid seccomp: CONFIG.json is required (see --help)"
	run "$ACID" seccomp a.json b.json
	assert_failure 2
	run "$ACID" seccomp --frobnicate "$d/x.json"
	assert_failure 2
	assert_output 'acid seccomp: unknown option "--frobnicate" (see --help)'

	run "$ACID" seccomp "$d/missing.json"
	assert_failure 1
	assert_output "acid seccomp: $d/missing.json: No such file or directory"

	printf '{"linux": {' > "$d/cut.json"
	run "$ACID" seccomp "$d/cut.json"
	assert_failure 1
	assert_output --partial "acid seccomp: $d/cut.json: not valid JSON"
	[ "${#lines[@]}" = 1 ] || fail "more than one line: $output"

	printf '{"a": 1 /* no */}' > "$d/comment.json"
	run "$ACID" seccomp "$d/comment.json"
	assert_failure 1
	assert_output --partial "$d/comment.json: not valid JSON"

	printf '[]' > "$d/array.json"
	run "$ACID" seccomp "$d/array.json"
	assert_failure 1
	assert_output "acid seccomp: $d/array.json: not a JSON object (an OCI config is one)"

	printf '{"linux": {"seccomp": []}}' > "$d/type.json"
	run "$ACID" seccomp "$d/type.json"
	assert_failure 1
	assert_output --partial "$d/type.json: linux, linux.seccomp"

	printf '{"linux": {"seccomp": {"syscalls": []}}}' > "$d/noact.json"
	run "$ACID" seccomp "$d/noact.json"
	assert_failure 1
	assert_output "acid seccomp: $d/noact.json: linux.seccomp has no valid defaultAction or defaultErrnoRet"

	# a range on the family cannot be cut around AF_NETLINK in one rule
	printf '{"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 20, "op": "SCMP_CMP_LE"}]}]}}}' > "$d/range.json"
	run "$ACID" seccomp "$d/range.json"
	assert_failure 1
	assert_output --partial "$d/range.json: linux.seccomp.syscalls[0] (socket) tests the family or protocol with a range"

	# nesting bound
	{ printf '{"a":'; printf '[%.0s' $(seq 1 300); printf ']%.0s' $(seq 1 300); printf '}'; } > "$d/deep.json"
	run "$ACID" seccomp "$d/deep.json"
	assert_failure 1
	assert_output "acid seccomp: $d/deep.json: nested too deeply"

	# an error leaves the file as it was
	cp "$d/range.json" "$d/range.orig"
	run "$ACID" seccomp -i "$d/range.json"
	assert_failure 1
	cmp "$d/range.json" "$d/range.orig"
}

@test "acid seccomp -i: a config that is a symbolic link is refused, and what it points to is not written" {
	local d=$BATS_TEST_TMPDIR
	# a root-owned JSON file, and a bundle directory an unprivileged
	# user owns, where that user puts config.json -> the root's file
	printf '{"root-owned": true}\n' > "$d/victim.json"
	cp "$d/victim.json" "$d/victim.orig"
	LINK_DIR=$(mktemp -d /tmp/acid-link-XXXXXX)
	chmod 0755 "$LINK_DIR"
	chown nobody:nogroup "$LINK_DIR"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		ln -s "$d/victim.json" "$LINK_DIR/config.json" ||
		fail "nobody could not make the link"
	run "$ACID" seccomp -i "$LINK_DIR/config.json"
	assert_failure 1
	assert_output "acid seccomp: $LINK_DIR/config.json: is a symbolic link; --in-place replaces only the file named, give its own path"
	cmp "$d/victim.json" "$d/victim.orig" || fail "the file the link points to was written"
	[ -L "$LINK_DIR/config.json" ] || fail "the link was replaced"
	assert_equal "$(ls -A "$LINK_DIR" | grep -c '\.acid-')" 0
	# printing reads through it and writes nothing
	run --separate-stderr "$ACID" seccomp "$LINK_DIR/config.json"
	assert_success
	cmp "$d/victim.json" "$d/victim.orig"
	# a link to a directory above the file is not the final component:
	# it is followed, and the file is replaced where it is
	mkdir "$d/real"
	cp "$REPO/examples/config.json" "$d/real/config.json"
	ln -s "$d/real" "$d/via"
	run --separate-stderr "$ACID" seccomp -i "$d/via/config.json"
	assert_success
	[ -L "$d/via" ] || fail "the directory link was replaced"
	assert_equal "$(jq -c '.linux.seccomp.syscalls | length' "$d/real/config.json")" 3
}
