// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-id - container IDs: acid_id_parse against a table of valid and
 * hostile text, the parse -> format round trip, acid_id_format's errors,
 * acid_id_to_u64, and acid_id_generate in both forms, also when the
 * kernel's getrandom() is interrupted or answers short.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <acid/libacid.h>

#include "tap.h"

#define UUID_L "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
#define UUID_U "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"
#define UUID_M "0f1E2d3C-4b5A-4978-8695-A4b3C2d1E0f9"
#define HEX32_L "0f1e2d3c4b5a49788695a4b3c2d1e0f9"
#define HEX32_U "0F1E2D3C4B5A49788695A4B3C2D1E0F9"

static const struct parse_row {
	const char *what;
	const char *in;
	int rc;			/* 0 or -EINVAL */
	const char *canon;	/* when rc == 0: what acid_id_format gives */
} parse_rows[] = {
	/* accepted */
	{ "canonical lower", UUID_L, 0, UUID_L },
	{ "upper case", UUID_U, 0, UUID_L },
	{ "mixed case", UUID_M, 0, UUID_L },
	{ "32-hex lower", HEX32_L, 0, UUID_L },
	{ "32-hex upper", HEX32_U, 0, UUID_L },
	{ "32 decimal digits are the hex form",
	  "12345678901234567890123456789012", 0,
	  "12345678-9012-3456-7890-123456789012" },
	{ "smallest non-zero UUID", "00000000-0000-0000-0000-000000000001", 0,
	  "00000000-0000-0000-0000-000000000001" },
	{ "all-f UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff", 0,
	  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
	{ "decimal 1", "1", 0, "00000000-0000-0000-0000-000000000001" },
	{ "decimal 42", "42", 0, "00000000-0000-0000-0000-00000000002a" },
	{ "decimal 2^32", "4294967296", 0,
	  "00000000-0000-0000-0000-000100000000" },
	{ "decimal u64 max - 1", "18446744073709551614", 0,
	  "00000000-0000-0000-ffff-fffffffffffe" },
	{ "decimal 19 digits", "9999999999999999999", 0,
	  "00000000-0000-0000-8ac7-230489e7ffff" },

	/* rejected */
	{ "empty", "", -EINVAL, NULL },
	{ "NULL", NULL, -EINVAL, NULL },
	{ "all-zero UUID", "00000000-0000-0000-0000-000000000000", -EINVAL,
	  NULL },
	{ "all-zero 32-hex", "00000000000000000000000000000000", -EINVAL,
	  NULL },
	{ "decimal 0", "0", -EINVAL, NULL },
	{ "decimal 00", "00", -EINVAL, NULL },
	{ "unset value (u64)-1", "18446744073709551615", -EINVAL, NULL },
	{ "2^64", "18446744073709551616", -EINVAL, NULL },
	{ "20 nines (overflow)", "99999999999999999999", -EINVAL, NULL },
	{ "21 digits", "100000000000000000000", -EINVAL, NULL },
	{ "negative -1", "-1", -EINVAL, NULL },
	{ "sign +1", "+1", -EINVAL, NULL },
	{ "leading space", " 1", -EINVAL, NULL },
	{ "trailing space", "1 ", -EINVAL, NULL },
	{ "trailing newline", "1\n", -EINVAL, NULL },
	{ "leading zero 01", "01", -EINVAL, NULL },
	{ "hex prefix 0x2a", "0x2a", -EINVAL, NULL },
	{ "hex digits short form", "2a", -EINVAL, NULL },
	{ "UUID + trailing char", UUID_L "0", -EINVAL, NULL },
	{ "UUID + trailing newline", UUID_L "\n", -EINVAL, NULL },
	{ "UUID with leading space", " " UUID_L, -EINVAL, NULL },
	{ "UUID missing a dash (35)", "0f1e2d3c4b5a-4978-8695-a4b3c2d1e0f9",
	  -EINVAL, NULL },
	{ "UUID dashes misplaced", "0f1e2d3-c4b5a-4978-8695-a4b3c2d1e0f9",
	  -EINVAL, NULL },
	{ "UUID dashes misplaced (2)", "0f1e2d3c-4b5a4-978-8695-a4b3c2d1e0f9",
	  -EINVAL, NULL },
	{ "36 hex, no dashes", HEX32_L "0f1e", -EINVAL, NULL },
	{ "UUID with underscores", "0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9",
	  -EINVAL, NULL },
	{ "UUID non-hex g", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fg", -EINVAL,
	  NULL },
	{ "32-hex non-hex g", "0f1e2d3c4b5a49788695a4b3c2d1e0fg", -EINVAL,
	  NULL },
	{ "32-hex with 0x prefix", "0x1e2d3c4b5a49788695a4b3c2d1e0f9",
	  -EINVAL, NULL },
	{ "35 chars", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f", -EINVAL, NULL },
	{ "37 chars", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f90", -EINVAL, NULL },
	{ "31 hex", "0f1e2d3c4b5a49788695a4b3c2d1e0f", -EINVAL, NULL },
	{ "33 hex", HEX32_L "0", -EINVAL, NULL },
	{ "braced UUID", "{" UUID_L "}", -EINVAL, NULL },
	{ "urn:uuid:", "urn:uuid:" UUID_L, -EINVAL, NULL },
	{ "non-ASCII", "\xc3\xa9", -EINVAL, NULL },
	{ "UUID with a UTF-8 dash",
	  "0f1e2d3c\xe2\x80\x90" "4b5a-4978-8695-a4b3c2d1e0",
	  -EINVAL, NULL },
	/* an embedded NUL cannot be written in a C string: not tested */
};

static void test_parse_table(void)
{
	for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]);
	     i++) {
		const struct parse_row *row = &parse_rows[i];
		struct acid_id id, before;
		char buf[ACID_ID_STRLEN];
		int r;

		memset(&id, 0xa5, sizeof(id));
		before = id;
		r = acid_id_parse(row->in, &id);
		if (!is_err(r, row->rc, "parse %s", row->what))
			continue;
		if (row->rc) {
			ok(memcmp(&id, &before, sizeof(id)) == 0,
			   "parse %s: output untouched on error", row->what);
			continue;
		}
		r = acid_id_format(&id, buf, sizeof(buf));
		if (is_err(r, 0, "format %s", row->what))
			is_str(buf, row->canon, "format %s", row->what);
		/* the canonical text parses back to the same bits */
		struct acid_id again;

		r = acid_id_parse(buf, &again);
		ok(r == 0 && acid_id_equal(&id, &again),
		   "round trip %s: parse(format(id)) rc %d, equal %d", row->what,
		   r, r == 0 && acid_id_equal(&id, &again));
	}
}

static void test_long_strings(void)
{
	static const size_t lens[] = { 21, 38, 64, 4096, 1 << 20 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *s = malloc(lens[i] + 1);
		struct acid_id id;

		if (!s)
			bail("malloc");
		/* a valid UUID prefix, then more hex */
		for (size_t k = 0; k < lens[i]; k++)
			s[k] = "0123456789abcdef"[k % 16];
		s[lens[i]] = '\0';
		is_err(acid_id_parse(s, &id), -EINVAL, "parse %zu hex chars",
		       lens[i]);
		memset(s, '1', lens[i]);
		is_err(acid_id_parse(s, &id), -EINVAL,
		       "parse %zu decimal digits", lens[i]);
		free(s);
	}
}

static void test_parse_null_out(void)
{
	is_err(acid_id_parse(UUID_L, NULL), -EINVAL, "parse into NULL");
}

static void test_format(void)
{
	struct acid_id zero = { { 0 } }, id;
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	is_err(acid_id_format(&zero, buf, sizeof(buf)), -EINVAL,
	       "format the zero id");
	ok(buf[0] == 'x', "format the zero id: buffer untouched (buf[0] '%c')",
	   buf[0]);
	if (acid_id_parse(UUID_L, &id) < 0)
		bail("parse " UUID_L);
	is_err(acid_id_format(&id, buf, ACID_ID_STRLEN - 1), -ENOSPC,
	       "format into %d bytes", ACID_ID_STRLEN - 1);
	is_err(acid_id_format(&id, buf, 0), -ENOSPC, "format into 0 bytes");
	memset(buf, 'x', sizeof(buf));
	is_err(acid_id_format(&id, buf, ACID_ID_STRLEN), 0,
	       "format into exactly %d bytes", ACID_ID_STRLEN);
	is_int(strnlen(buf, sizeof(buf)), ACID_ID_STRLEN - 1,
	       "formatted length (NUL-terminated)");
	is_err(acid_id_format(NULL, buf, sizeof(buf)), -EINVAL,
	       "format a NULL id");
	is_err(acid_id_format(&id, NULL, 64), -EINVAL, "format into NULL");
	ok(acid_id_is_zero(&zero) && !acid_id_is_zero(&id),
	   "is_zero: zero %d, " UUID_L " %d", acid_id_is_zero(&zero),
	   acid_id_is_zero(&id));
}

static const struct u64_row {
	const char *in;
	int rc;
	uint64_t v;
} u64_rows[] = {
	{ "1", 0, 1 },
	{ "42", 0, 42 },
	{ "18446744073709551614", 0, UINT64_MAX - 1 },
	{ "00000000-0000-0000-0000-00000000002a", 0, 42 },
	{ "00000000-0000-0000-8000-000000000000", 0, 1ull << 63 },
	{ UUID_L, -ERANGE, 0 },
	/* the lowest bit of the upper half */
	{ "00000000-0000-0001-0000-000000000001", -ERANGE, 0 },
	/* the highest bit */
	{ "80000000-0000-0000-0000-000000000001", -ERANGE, 0 },
};

static void test_to_u64(void)
{
	struct acid_id zero = { { 0 } }, id;
	uint64_t v;

	for (size_t i = 0; i < sizeof(u64_rows) / sizeof(u64_rows[0]); i++) {
		const struct u64_row *row = &u64_rows[i];

		if (acid_id_parse(row->in, &id) < 0)
			bail("parse %s", row->in);
		v = 0xdeadbeef;
		if (!is_err(acid_id_to_u64(&id, &v), row->rc, "to_u64(%s)",
			    row->in))
			continue;
		if (row->rc == 0)
			is_u64(v, row->v, "to_u64(%s) value", row->in);
		else
			is_u64(v, 0xdeadbeef, "to_u64(%s) output untouched",
			       row->in);
	}
	is_err(acid_id_to_u64(&zero, &v), -EINVAL, "to_u64(zero id)");
	/*
	 * The unset value cannot be parsed as a decimal, but a UUID can hold
	 * it; it must never come out as a u64 a kernel would take as "unset".
	 */
	if (acid_id_parse("00000000-0000-0000-ffff-ffffffffffff", &id) < 0)
		bail("parse unset-as-uuid");
	ok(acid_id_to_u64(&id, &v) < 0,
	   "to_u64(00000000-0000-0000-ffff-ffffffffffff) refused (rc %d)",
	   acid_id_to_u64(&id, &v));
}

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct acid_id));
}

#define NGEN 10000

static void test_generate(void)
{
	struct acid_id *ids = calloc(NGEN, sizeof(*ids));
	int fails = 0, badver = 0, badvar = 0, dups = 0, upper = 0, bad = 0,
	    zero = 0;

	if (!ids)
		bail("calloc");

	/* UUID form */
	for (int i = 0; i < NGEN; i++)
		if (acid_id_generate(ACID_ID_UUID, &ids[i]) < 0)
			fails++;
	for (int i = 0; i < NGEN; i++) {
		if ((ids[i].bytes[6] >> 4) != 4)
			badver++;
		if ((ids[i].bytes[8] & 0xc0) != 0x80)
			badvar++;
		if (acid_id_is_zero(&ids[i]))
			zero++;
	}
	qsort(ids, NGEN, sizeof(*ids), cmp_id);
	for (int i = 1; i < NGEN; i++)
		if (acid_id_equal(&ids[i - 1], &ids[i]))
			dups++;
	is_int(fails, 0, "generate %d UUIDs: failures", NGEN);
	is_int(dups, 0, "generate %d UUIDs: duplicates", NGEN);
	is_int(badver, 0, "generate %d UUIDs: without version 4", NGEN);
	is_int(badvar, 0, "generate %d UUIDs: without the RFC 4122 variant",
	       NGEN);
	is_int(zero, 0, "generate %d UUIDs: zero ids", NGEN);

	/* u64 form */
	fails = dups = zero = 0;
	for (int i = 0; i < NGEN; i++)
		if (acid_id_generate(ACID_ID_U64, &ids[i]) < 0)
			fails++;
	for (int i = 0; i < NGEN; i++) {
		uint64_t v = 0;

		for (int k = 0; k < 8; k++)
			if (ids[i].bytes[k])
				upper++;
		for (int k = 8; k < 16; k++)
			v = v << 8 | ids[i].bytes[k];
		if (v == 0 || v == UINT64_MAX)
			bad++;
		if (acid_id_to_u64(&ids[i], &v) < 0)
			fails++;
	}
	qsort(ids, NGEN, sizeof(*ids), cmp_id);
	for (int i = 1; i < NGEN; i++)
		if (acid_id_equal(&ids[i - 1], &ids[i]))
			dups++;
	is_int(fails, 0, "generate %d u64 ids: failures (incl. to_u64)", NGEN);
	is_int(dups, 0, "generate %d u64 ids: duplicates", NGEN);
	is_int(upper, 0, "generate %d u64 ids: non-zero upper bytes", NGEN);
	is_int(bad, 0, "generate %d u64 ids: equal to 0 or (u64)-1", NGEN);

	/* a generated ID formats and parses back */
	char buf[ACID_ID_STRLEN];
	struct acid_id back;
	int r = acid_id_format(&ids[0], buf, sizeof(buf));

	ok(r == 0 && acid_id_parse(buf, &back) == 0 &&
		   acid_id_equal(&ids[0], &back),
	   "generated u64 id %s round-trips", r == 0 ? buf : "?");

	is_err(acid_id_generate((enum acid_id_form)7, &ids[0]), -EINVAL,
	       "generate with unknown form 7");
	is_err(acid_id_generate(ACID_ID_UUID, NULL), -EINVAL,
	       "generate into NULL");
	free(ids);
}

/* ------------------------------------------ getrandom interrupted */

/*
 * A child's getrandom() calls are answered by this process through a
 * seccomp user notification (the kernel's own mechanism for a supervisor
 * to answer a syscall): the first fails with EINTR, the second returns 3
 * bytes, the third fills the rest. The bytes are a known pattern, so the
 * ID made must be made of them, and of nothing else (not stack garbage,
 * not a weaker fallback).
 */
struct gen_result {
	int r;
	struct acid_id id;
};

static int send_fd(int sock, int fd)
{
	char c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

/* The descriptor sent, or -1; *@c is the byte that came with it. */
static int recv_fd(int sock, char *c)
{
	struct iovec iov = { .iov_base = c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int fd;

	*c = 0;
	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void gen_child(int sock, enum acid_id_form form)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getrandom, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };
	struct gen_result res;
	int lfd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(2);
	lfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (lfd < 0) {
		/* no listener here (valgrind has no seccomp(2)) */
		(void)!write(sock, "n", 1);
		_exit(0);
	}
	if (send_fd(sock, lfd) < 0)
		_exit(2);
	close(lfd);
	memset(&res, 0, sizeof(res));
	res.r = acid_id_generate(form, &res.id);
	(void)!write(sock, &res, sizeof(res));
	_exit(0);
}

/* Answer the child's getrandom() calls; how many were made. */
static int supervise(int lfd, pid_t child, const uint8_t *pattern,
		     size_t *given)
{
	int calls = 0;

	*given = 0;
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		uint64_t want;

		/* the child is done when no call comes within 2 s */
		if (poll(&pfd, 1, 2000) <= 0 || !(pfd.revents & POLLIN))
			break;
		memset(&req, 0, sizeof(req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		want = req.data.args[1];
		if (calls == 0) {
			resp.error = -EINTR;
		} else {
			/* the second answer is short: 3 bytes */
			size_t n = calls == 1 && want > 3 ? 3 : (size_t)want;
			struct iovec local = {
				.iov_base = (void *)(pattern + *given),
				.iov_len = n,
			};
			struct iovec remote = {
				.iov_base = (void *)(uintptr_t)req.data.args[0],
				.iov_len = n,
			};

			if (*given + n > 64 ||
			    process_vm_writev(child, &local, 1, &remote, 1,
					      0) != (ssize_t)n) {
				resp.error = -EFAULT;
			} else {
				resp.val = (int64_t)n;
				*given += n;
			}
		}
		calls++;
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			break;
	}
	return calls;
}

static void test_generate_interrupted(void)
{
	static const char *const names[] = { "uuid", "u64" };

	for (int form = ACID_ID_UUID; form <= ACID_ID_U64; form++) {
		uint8_t pattern[64], want[16] = { 0 };
		struct gen_result res = { .r = -1 };
		int sv[2], lfd, calls, status;
		char c;
		size_t given;
		pid_t pid;

		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(0x5a + 7 * i);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			bail("socketpair");
		pid = fork();
		if (pid < 0)
			bail("fork");
		if (pid == 0) {
			close(sv[0]);
			gen_child(sv[1], form);
		}
		close(sv[1]);
		lfd = recv_fd(sv[0], &c);
		if (lfd < 0) {
			if (c == 'n')
				skip("%s: getrandom interrupted: no seccomp "
				     "listener here (valgrind)", names[form]);
			else
				ok(0, "%s: the child set up its filter",
				   names[form]);
			close(sv[0]);
			waitpid(pid, NULL, 0);
			continue;
		}
		calls = supervise(lfd, pid, pattern, &given);
		close(lfd);
		if (read(sv[0], &res, sizeof(res)) != sizeof(res))
			res.r = -EIO;
		close(sv[0]);
		waitpid(pid, &status, 0);

		is_int(res.r, 0, "%s: generated through EINTR and a short "
				 "read", names[form]);
		ok(calls >= 3, "%s: getrandom asked again after EINTR and "
			       "after 3 bytes (%d calls)", names[form], calls);
		if (form == ACID_ID_UUID) {
			memcpy(want, pattern, 16);
			want[6] = (uint8_t)((want[6] & 0x0f) | 0x40);
			want[8] = (uint8_t)((want[8] & 0x3f) | 0x80);
		} else {
			/* 8 bytes in host order make the u64; big-endian ID */
			uint64_t v;

			memcpy(&v, pattern, 8);
			for (int i = 15; i >= 8; i--, v >>= 8)
				want[i] = (uint8_t)v;
		}
		ok(given >= (form == ACID_ID_UUID ? 16u : 8u) &&
			   memcmp(res.id.bytes, want, 16) == 0,
		   "%s: the ID is made of the bytes getrandom gave (%zu "
		   "given), not of what the buffer held before",
		   names[form], given);
	}
}

int main(void)
{
	test_parse_table();
	test_long_strings();
	test_parse_null_out();
	test_format();
	test_to_u64();
	test_generate();
	test_generate_interrupted();
	return tap_done();
}
