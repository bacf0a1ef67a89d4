// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rule planning of `acid seccomp` (tools/seccomp-plan.c) on its own:
 * the 32-bit reasoning on single conditions as tables, then whole plans
 * for small configs, whose pieces are evaluated the way seccomp compares
 * (each condition on the full 64-bit register) to show that, for socket,
 * acid's rule and what is left of the profile's rule never both match and
 * together cover what the profile's rule covered. tests/bats/forgery.bats
 * tries the result with runc and crun; this shows the planning's answers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include <acid/libacid.h>

#include "seccomp-plan.h"
#include "tap.h"

#define LOW 0xffffffffULL
#define AF_NETLINK_V 16
#define NETLINK_AUDIT_V 9

static struct cond C(unsigned int index, enum op op, uint64_t v, uint64_t v2)
{
	return (struct cond){ .index = index, .op = op, .value = v,
			      .value2 = v2 };
}

static void test_cond_holds(void)
{
	static const struct {
		enum op op;
		uint64_t v, v2, x;
		bool want;
	} t[] = {
		{ OP_NE, 9, 0, 9, false },
		{ OP_NE, 9, 0, 1ULL << 32 | 9, true },
		{ OP_LT, 9, 0, 8, true },
		{ OP_LT, 9, 0, 9, false },
		{ OP_LE, 9, 0, 9, true },
		{ OP_EQ, 9, 0, 9, true },
		{ OP_EQ, 9, 0, 1ULL << 32 | 9, false },
		{ OP_GE, 9, 0, 9, true },
		{ OP_GT, 9, 0, 9, false },
		{ OP_GT, 9, 0, UINT64_MAX, true },
		{ OP_MASKED_EQ, LOW, 9, 1ULL << 32 | 9, true },
		{ OP_MASKED_EQ, LOW, 9, 8, false },
		{ OP_MASKED_EQ, 1, 0, 8, true },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cond c = C(0, t[i].op, t[i].v, t[i].v2);

		is_int(plan_cond_holds(&c, t[i].x), t[i].want,
		       "%s %#llx/%#llx holds for %#llx", plan_op_names[t[i].op],
		       (unsigned long long)t[i].v,
		       (unsigned long long)t[i].v2,
		       (unsigned long long)t[i].x);
	}
}

/* meets: some x with low(x) == t; forces: only such x; spares: all others */
static void test_low(void)
{
	static const struct {
		enum op op;
		uint64_t v, v2;
		bool meets, forces, spares;
	} t[] = {
		{ OP_EQ, 9, 0, true, true, false },
		{ OP_EQ, 1ULL << 32 | 9, 0, true, true, false },
		{ OP_EQ, 8, 0, false, false, false },
		{ OP_NE, 9, 0, true, false, true },
		{ OP_NE, 1ULL << 32 | 9, 0, true, false, true },
		{ OP_NE, 8, 0, true, false, false },
		{ OP_LT, 9, 0, false, false, false },
		{ OP_LT, 10, 0, true, false, false },
		{ OP_LE, 9, 0, true, false, false },
		{ OP_GT, 9, 0, true, false, false },
		{ OP_GT, UINT64_MAX, 0, false, false, false },
		{ OP_GE, ~LOW | 9, 0, true, false, false },
		{ OP_MASKED_EQ, LOW, 9, true, true, false },
		{ OP_MASKED_EQ, 0xff, 9, true, false, false },
		{ OP_MASKED_EQ, 0xff, 8, false, false, false },
		/* a value2 outside the mask never matches anything */
		{ OP_MASKED_EQ, 0xff, 0x109, false, false, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cond c = C(2, t[i].op, t[i].v, t[i].v2);
		const char *op = plan_op_names[t[i].op];
		unsigned long long v = t[i].v, v2 = t[i].v2;

		is_int(plan_low_meets(&c, 9), t[i].meets,
		       "%s %#llx/%#llx meets low 9", op, v, v2);
		is_int(plan_low_forces(&c, 9), t[i].forces,
		       "%s %#llx/%#llx forces low 9", op, v, v2);
		is_int(plan_low_spares(&c, 9), t[i].spares,
		       "%s %#llx/%#llx spares all but low 9", op, v, v2);
	}
}

/* The 32 pieces of "low(x) != t": some holds exactly where low(x) != t. */
static void test_low_differs(void)
{
	static const uint64_t xs[] = {
		0, 9, 8, 1ULL << 32 | 9, 1ULL << 63 | 9, LOW, ~LOW | 9,
		0x109, 0x80000009, 16, 1ULL << 33 | 16,
	};
	bool all = true;

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		bool any = false;

		for (unsigned int b = 0; b < 32; b++) {
			struct cond c = plan_low_differs(2, 9, b);

			all &= c.index == 2 && c.op == OP_MASKED_EQ &&
			       c.value == 1ULL << b;
			any |= plan_cond_holds(&c, xs[i]);
		}
		is_int(any, (xs[i] & LOW) != 9,
		       "some piece of low(x) != 9 holds for x = %#llx",
		       (unsigned long long)xs[i]);
	}
	ok(all, "each piece is one masked bit of argument 2");
}

static void test_actions(void)
{
	char e[64];
	yajl_val a = yajl_tree_parse("[\"SCMP_ACT_KILL\", "
				     "\"SCMP_ACT_KILL_THREAD\", "
				     "\"SCMP_ACT_ERRNO\", 1, 38, \"x\"]",
				     e, sizeof(e));
	struct action k, kt, errno_def, errno1, errno38;

	if (!a)
		bail("yajl: %s", e);
	yajl_val *v = a->u.array.values;

	ok(plan_action_parse(v[0], NULL, &k) &&
		   plan_action_parse(v[1], NULL, &kt) &&
		   plan_action_equal(&k, &kt),
	   "SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD");
	ok(plan_action_parse(v[2], NULL, &errno_def) &&
		   plan_action_parse(v[2], v[3], &errno1) &&
		   plan_action_equal(&errno_def, &errno1),
	   "ERRNO without errnoRet is ERRNO 1 (EPERM)");
	ok(plan_action_parse(v[2], v[4], &errno38) &&
		   !plan_action_equal(&errno38, &errno1),
	   "ERRNO 38 is not ERRNO 1");
	ok(!plan_action_parse(v[2], v[5], &errno38),
	   "an errnoRet that is not a number is refused");
	ok(plan_lets_through(&k) == false, "KILL lets nothing through");
	yajl_tree_free(a);
}

static void test_rule_read(void)
{
	char e[64];
	yajl_val a = yajl_tree_parse(
		"[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"args\":[{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"},"
		"{\"index\":2,\"value\":9,\"op\":\"SCMP_CMP_NE\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"args\":[{\"index\":2,\"value\":9,\"op\":\"SCMP_CMP_NE\"},"
		"{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\","
		"\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_XX\"}]},"
		"{\"names\":[\"socket\"]}]",
		e, sizeof(e));
	struct rule r1, r2, r;

	if (!a)
		bail("yajl: %s", e);
	yajl_val *v = a->u.array.values;

	ok(!plan_rule_read(v[0], &r1) && !plan_rule_read(v[1], &r2) &&
		   r1.n == 2 && plan_rule_same(&r1, &r2),
	   "the same conditions in another order are the same rule");
	for (size_t i = 2; i < 5; i++)
		ok(plan_rule_read(v[i], &r) != NULL,
		   "rule %zu (index 6, a negative value, an unknown op) is "
		   "refused", i);
	ok(plan_rule_read(v[5], &r) != NULL, "a rule without an action is "
	   "refused");
	yajl_tree_free(a);
}

/* ------------------------------------------------------ whole plans */

struct planned {
	struct plan p;
	char *text;
	bool ok;
};

static void plan_text(struct planned *t, const char *json)
{
	char e[128];

	memset(t, 0, sizeof(*t));
	t->text = strdup(json);
	t->p.path = "T";
	t->p.root = yajl_tree_parse(json, e, sizeof(e));
	if (!t->text || !t->p.root)
		bail("test config is not JSON (%s): %s", e, json);
	t->ok = plan_make(&t->p);
}

static void planned_free(struct planned *t)
{
	yajl_tree_free(t->p.root);
	plan_free(&t->p);
	free(t->text);
}

static const char *names_of(yajl_val rule, size_t i)
{
	for (size_t k = 0; k < rule->u.object.len; k++)
		if (!strcmp(rule->u.object.keys[k], "names"))
			return YAJL_GET_STRING(
				rule->u.object.values[k]->u.array.values[i]);
	return NULL;
}

/* Do all the conditions of out @o hold for socket(a0, a1, a2)? */
static bool out_matches(const struct out *o, const uint64_t a[3])
{
	struct rule r;
	const struct cond *c = o->conds;
	size_t n = o->n;

	if (o->kind != OUT_PIECE) {
		if (plan_rule_read(o->rule, &r))
			return false;
		c = r.conds;
		n = r.n;
	}
	for (size_t i = 0; i < n; i++)
		if (c[i].index < 3 && !plan_cond_holds(&c[i], a[c[i].index]))
			return false;
	return true;
}

/*
 * For socket(family, 0, protocol) over values with and without high
 * bits: acid's rule matches exactly where the kernel sees an audit
 * socket, and the pieces of the profile's rule match exactly where
 * @covered says the rule did, outside acid's case.
 */
static void check_socket(const struct planned *t, const char *what,
			 bool (*covered)(const uint64_t a[3]))
{
	static const uint64_t fam[] = {
		0, 2, 16, 17, 1ULL << 32 | 16, 1ULL << 63 | 16, LOW, ~LOW | 17,
		0x10010,
	};
	static const uint64_t proto[] = {
		0, 9, 8, 1ULL << 32 | 9, ~LOW | 9, LOW, 0x109, 0x80000009,
	};
	size_t bad_ours = 0, bad_rest = 0, pieces = 0;

	for (size_t i = 0; i < t->p.nouts; i++)
		pieces += t->p.outs[i].kind == OUT_PIECE;
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		for (size_t q = 0; q < sizeof(proto) / sizeof(proto[0]); q++) {
			uint64_t a[3] = { fam[f], 0, proto[q] };
			bool audit = (a[0] & LOW) == AF_NETLINK_V &&
				     (a[2] & LOW) == NETLINK_AUDIT_V;
			bool ours = false, rest = false;

			for (size_t i = 0; i < t->p.nouts; i++) {
				const struct out *o = &t->p.outs[i];

				if (o->kind == OUT_OURS &&
				    o->rule == t->p.ours_socket)
					ours |= out_matches(o, a);
				else if (o->kind == OUT_PIECE &&
					 !strcmp(o->name, "socket"))
					rest |= out_matches(o, a);
			}
			bad_ours += ours != audit;
			bad_rest += rest != (!audit && covered(a));
		}
	}
	is_int(bad_ours, 0, "%s: acid's rule matches the audit socket only",
	       what);
	is_int(bad_rest, 0, "%s: the %zu pieces match what the rule did, "
	       "but the audit socket", what, pieces);
}

static bool covers_all(const uint64_t a[3])
{
	(void)a;
	return true;
}

/* "protocol != 9" taken for what the kernel reads: the low 32 bits */
static bool covers_not_audit_proto(const uint64_t a[3])
{
	return (a[2] & LOW) != NETLINK_AUDIT_V;
}

static size_t count_kind(const struct plan *p, int kind, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nouts; i++)
		n += (int)p->outs[i].kind == kind &&
		     (!name || (p->outs[i].name &&
				!strcmp(p->outs[i].name, name)));
	return n;
}

static void test_allow_all(void)
{
	struct planned t;

	/* podman's and Docker's profiles, reduced: socket allowed */
	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		      "\"syscalls\":[{\"names\":[\"read\",\"socket\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\"}]}}}");
	ok(t.ok, "allowed socket, x86_64 only: planned");
	ok(t.p.changed && !t.p.closed, "changed, no socketcall rule");
	ok(t.p.nouts >= 3 && t.p.outs[0].kind == OUT_OURS &&
		   t.p.outs[0].rule == t.p.ours_socket &&
		   t.p.outs[1].kind == OUT_OURS &&
		   t.p.outs[1].rule == t.p.ours_uring,
	   "acid's socket and io_uring rules come first");
	ok(t.p.nouts >= 3 && t.p.outs[2].kind == OUT_NAMES &&
		   t.p.outs[2].drop_socket &&
		   !plan_dropped(&t.p.outs[2], names_of(t.p.outs[2].rule, 0)),
	   "the rule keeps read, without socket");
	is_int(count_kind(&t.p, OUT_PIECE, "socket"), 64,
	       "socket cut in 32 pieces on the protocol, 32 on the family");
	check_socket(&t, "allowed socket", covers_all);
	ok(!t.p.uring_open, "io_uring: not allowed by the default, no rule");
	planned_free(&t);

	/* the same with i386: the socketcall rule goes first */
	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"architectures\":[\"SCMP_ARCH_X86_64\","
		      "\"SCMP_ARCH_X86\"],"
		      "\"syscalls\":[{\"names\":[\"socket\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\"}]}}}");
	ok(t.ok && t.p.closed && t.p.nouts > 3 &&
		   t.p.outs[0].rule == t.p.ours_socketcall &&
		   t.p.outs[1].rule == t.p.ours_socket &&
		   t.p.outs[2].rule == t.p.ours_uring,
	   "with i386: socketcall, socket, io_uring rules first");
	check_socket(&t, "allowed socket, i386", covers_all);
	{
		bool past_first = true;

		for (size_t i = 0; i < t.p.nouts; i++) {
			const struct out *o = &t.p.outs[i];
			bool any = false;

			if (o->kind != OUT_PIECE)
				continue;
			for (size_t j = 0; j < o->n; j++)
				any |= o->conds[j].index > 0;
			past_first &= any;
		}
		ok(past_first, "with i386 every piece has a condition past "
		   "the first argument (libseccomp folds them)");
	}
	planned_free(&t);
}

static void test_not_audit(void)
{
	struct planned t;

	/* podman's own rule: socket allowed but for protocol 9 (64 bits) */
	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"syscalls\":[{\"names\":[\"socket\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,"
		      "\"value\":9,\"op\":\"SCMP_CMP_NE\"}]}]}}}");
	ok(t.ok, "socket allowed for protocol != 9: planned");
	is_int(count_kind(&t.p, OUT_PIECE, "socket"), 32,
	       "cut in 32 pieces on the protocol's low bits");
	is_int(count_kind(&t.p, OUT_KEEP, NULL) +
		       count_kind(&t.p, OUT_NAMES, NULL), 0,
	       "the rule itself is gone");
	/*
	 * The rule's 64-bit compare let protocol 1 << 32 | 9 through, which
	 * the kernel reads as 9: the planning takes the rule for what the
	 * kernel sees, low(protocol) != 9 (see seccomp-plan.c), and so does
	 * covers_not_audit_proto.
	 */
	check_socket(&t, "protocol != 9", covers_not_audit_proto);
	planned_free(&t);
}

static void test_errors(void)
{
	struct planned t;

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"syscalls\":[{\"names\":[\"socket\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":2,"
		      "\"value\":5,\"op\":\"SCMP_CMP_GT\"}]}]}}}");
	ok(!t.ok, "a range on the protocol: refused");
	is_str(plan_error(&t.p),
	       "T: linux.seccomp.syscalls[0] (socket) tests the family or "
	       "protocol with a range that cannot be narrowed in one rule; "
	       "edit it so that it does not cover socket(AF_NETLINK, *, "
	       "NETLINK_AUDIT)", "its message");
	planned_free(&t);

	plan_text(&t, "{\"linux\":{\"seccomp\":{\"defaultAction\":7}}}");
	ok(!t.ok, "a defaultAction that is not a string: refused");
	is_str(plan_error(&t.p), "T: linux.seccomp has no valid "
	       "defaultAction or defaultErrnoRet", "its message");
	planned_free(&t);

	plan_text(&t, "{\"linux\":[]}");
	ok(!t.ok, "linux as an array: refused");
	ok(strstr(plan_error(&t.p), "is not of the OCI type") != NULL,
	   "its message: %s", plan_error(&t.p));
	planned_free(&t);

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"syscalls\":[{\"names\":[\"socket\"],"
		      "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,"
		      "\"value\":5,\"op\":\"SCMP_CMP_EQ\"}]}]}}}");
	ok(!t.ok && strstr(plan_error(&t.p), "syscalls[0] (socket) has a "
			   "condition that is not index 0-5"),
	   "a condition on argument 9: refused (%s)", plan_error(&t.p));
	planned_free(&t);
}

static void test_idempotent(void)
{
	char *sock = NULL, *uring = NULL, *cfg = NULL;
	struct planned t;

	if (acid_seccomp_oci_rule(&sock) < 0 ||
	    acid_seccomp_oci_io_uring_rule(&uring) < 0)
		bail("libacid's rules");
	if (asprintf(&cfg, "{\"linux\":{\"seccomp\":{"
			   "\"defaultAction\":\"SCMP_ACT_ALLOW\","
			   "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
			   "\"syscalls\":[%s,%s,{\"names\":[\"mkdir\"],"
			   "\"action\":\"SCMP_ACT_ERRNO\"}]}}}",
		     sock, uring) < 0)
		bail("asprintf");
	plan_text(&t, cfg);
	ok(t.ok && !t.p.changed, "acid's rules already in front: no change");
	is_int(t.p.nouts, 3, "the rules: acid's two and mkdir's");
	planned_free(&t);
	free(cfg);

	/* acid's rules elsewhere: moved to the front */
	if (asprintf(&cfg, "{\"linux\":{\"seccomp\":{"
			   "\"defaultAction\":\"SCMP_ACT_ALLOW\","
			   "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
			   "\"syscalls\":[{\"names\":[\"mkdir\"],"
			   "\"action\":\"SCMP_ACT_ERRNO\"},%s,%s]}}}",
		     uring, sock) < 0)
		bail("asprintf");
	plan_text(&t, cfg);
	ok(t.ok && t.p.changed && t.p.nouts == 3 &&
		   t.p.outs[0].rule == t.p.ours_socket &&
		   t.p.outs[2].kind == OUT_KEEP,
	   "acid's rules behind another: moved to the front");
	planned_free(&t);
	free(cfg);

	/* the socket rule acid wrote before it compared 32 bits */
	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ALLOW\","
		      "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		      "\"syscalls\":[{\"names\":[\"socket\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":93,"
		      "\"args\":[{\"index\":0,\"value\":16,"
		      "\"op\":\"SCMP_CMP_EQ\"},{\"index\":2,\"value\":9,"
		      "\"op\":\"SCMP_CMP_EQ\"}]}]}}}");
	ok(t.ok && t.p.changed && t.p.nouts == 2,
	   "acid's rule of before: replaced by the 32-bit one");
	planned_free(&t);
	free(sock);
	free(uring);
}

static void test_uring_and_x32(void)
{
	struct planned t;

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ALLOW\"}}}");
	ok(t.ok && t.p.uring_open, "default ALLOW, no rules: io_uring was "
	   "open");
	planned_free(&t);

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ERRNO\","
		      "\"syscalls\":[{\"names\":[\"io_uring_setup\","
		      "\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}}}");
	ok(t.ok && t.p.uring_open && t.p.uring_named,
	   "a rule allowing io_uring_setup: io_uring was open");
	ok(t.ok && count_kind(&t.p, OUT_NAMES, NULL) == 1 &&
		   t.p.outs[2].drop_uring,
	   "io_uring_setup is taken out of that rule");
	planned_free(&t);

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ALLOW\","
		      "\"architectures\":[\"SCMP_ARCH_X86_64\","
		      "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]}}}");
	ok(t.ok && !t.p.closed && t.p.x32_warning,
	   "X32 and no unconditional rule: no socketcall rule, a warning");
	planned_free(&t);

	plan_text(&t, "{\"linux\":{\"seccomp\":{"
		      "\"defaultAction\":\"SCMP_ACT_ALLOW\","
		      "\"architectures\":[\"SCMP_ARCH_X86_64\","
		      "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
		      "\"syscalls\":[{\"names\":[\"mkdir\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\"}]}}}");
	ok(t.ok && t.p.closed && !t.p.x32_warning,
	   "X32 and an unconditional mkdir rule: the socketcall rule goes in");
	planned_free(&t);

	plan_text(&t, "{\"process\":{}}");
	ok(t.ok && t.p.changed && t.p.nouts == 0 && !t.p.seccomp_obj,
	   "no seccomp section: one is made, nothing to cut");
	planned_free(&t);
}

int main(void)
{
	test_cond_holds();
	test_low();
	test_low_differs();
	test_actions();
	test_rule_read();
	test_allow_all();
	test_not_audit();
	test_errors();
	test_idempotent();
	test_uring_and_x32();
	return tap_done();
}
