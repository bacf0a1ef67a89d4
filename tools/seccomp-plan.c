// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * seccomp-plan.c - what `acid seccomp` does to an OCI config's
 * linux.seccomp, decided on the parsed config (seccomp-json.c reads and
 * writes it, cmd-seccomp.c is the command line): add libacid's
 * audit-socket rule (lib/seccomp.c says why), so that runc or crun keep
 * the container off the audit socket. No input or output here: a failure
 * leaves its message in the plan.
 *
 * Appending the rule is not enough, because of how the runtimes build the
 * filter. Both hand the rules to libseccomp one by one, in file order,
 * skipping those whose action is the default action. libseccomp keeps one
 * action per syscall and argument path; it has no precedence between
 * actions (an ERRNO does not beat an ALLOW). Seen with the libseccomp
 * 2.5.4 of runc 1.1.5 and crun 1.8.1 here:
 *  - socket already allowed without conditions (Docker's profile, and
 *    podman's for a container with CAP_AUDIT_WRITE, list it among
 *    hundreds of allowed syscalls): our conditional rule for socket, put
 *    after it, is dropped without a word - the container starts, and
 *    forges;
 *  - put first instead, it is wiped out by the unconditional rule that
 *    comes after it: the same;
 *  - the same conditions with another action (podman's own EINVAL rule
 *    for audit sockets): EEXIST, the container does not start.
 * So the tool rewrites the rules that would meet ours: a rule for socket
 * whose conditions can hold for socket(AF_NETLINK, *, NETLINK_AUDIT), and
 * whose action is neither ours nor the default, is cut into pieces that
 * leave that case out (the same action for "protocol != NETLINK_AUDIT"
 * and for "family != AF_NETLINK"), which is how podman's profile writes
 * its own version of this rule. Every other rule, and every other field
 * of the config, is written back as it was: same order, same nesting,
 * numbers as they were written.
 *
 * 32 bits. The kernel reads socket()'s family and protocol as ints, the
 * low 32 bits of a register; seccomp compares all 64. So acid's rule
 * compares the low 32 bits (SCMP_CMP_MASKED_EQ, mask 0xffffffff), and
 * the pieces must leave out every value whose low 32 bits are acid's:
 * "protocol != NETLINK_AUDIT" as a 64-bit compare still holds for
 * 1 << 32 | NETLINK_AUDIT, and libseccomp then lets the ALLOW piece win
 * (seen: runc forged). OCI has no masked "not equal", so "low 32 bits !=
 * t" is written as one piece per bit: (x & 2^b) == (~t & 2^b), b = 0..31,
 * which hold together exactly where some low bit of x differs from t's.
 * A rule allowing every socket becomes 64 pieces: 32 for the protocol,
 * 32 for the family (with the protocol's low bits the audit one). A
 * condition "x != t" whose low 32 bits are t (podman's profile, and acid
 * before it) is taken for what the kernel sees: "low 32 bits != t".
 *
 * io_uring. Its IORING_OP_SOCKET makes a socket with no socket() call, so
 * acid's io_uring rule (io_uring_setup, io_uring_enter and
 * io_uring_register fail with ENOSYS; lib/seccomp.c says why) goes in
 * too, and these three syscalls are taken out of every other rule
 * (libseccomp keeps one action per syscall: an ALLOW would clash with
 * it). When the profile let them through - a rule that allows them, or a
 * default that does and no rule - one line on stderr says they are now
 * closed.
 *
 * i386. In a profile that lists SCMP_ARCH_X86, libseccomp also turns each
 * socket rule into a rule for socketcall(SYS_SOCKET) - keeping the
 * conditions on the second and third registers, which socketcall does not
 * use - so our rule alone stops no forger there. The companion rule makes
 * socketcall(SYS_SOCKET) fail for every family (lib/seccomp.c); it goes
 * first, with our socket rule right after it: libseccomp then folds those
 * derived socketcall rules into it instead of refusing them, and the
 * pieces above are cut so that each keeps a condition past the first
 * argument, for the same reason. But libseccomp before 2.6.0 can
 * miscompile a socketcall rule in a profile that also lists SCMP_ARCH_X32
 * (libseccomp issue #284, pseudo syscall numbers on x32): the x86_64
 * program loses its syscall-number load and every x86_64 rule is dead -
 * seen here with runc, the forger got through on x86_64. It happens when
 * the socketcall rule is the first one libseccomp emits, so with X32
 * listed the companion rule goes in only when the profile has an
 * unconditional rule for a real x86_64 syscall, which comes first
 * (Docker's and podman's have hundreds); otherwise it is left out, with a
 * warning, and the i386 path stays as the profile had it.
 * A config with no seccomp section gets one with defaultAction
 * SCMP_ACT_ALLOW, architectures x86_64 and x86 (no x32: its syscalls get
 * the runtime's bad-architecture answer; the x32 ABI is off in the
 * kernels of the common distributions) and both rules.
 *
 * Idempotent: acid's rules found anywhere are taken out and put back in
 * front, and rules already cut need no more cutting. acid's socket rule
 * as it was before the 32-bit compare is replaced.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <seccomp.h>
#include <acid/libacid.h>

#include "seccomp-plan.h"

const char *const plan_op_names[] = {
	[OP_NE] = "SCMP_CMP_NE", [OP_LT] = "SCMP_CMP_LT",
	[OP_LE] = "SCMP_CMP_LE", [OP_EQ] = "SCMP_CMP_EQ",
	[OP_GE] = "SCMP_CMP_GE", [OP_GT] = "SCMP_CMP_GT",
	[OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* The first failure's message; later ones (there are none) are dropped. */
__attribute__((format(printf, 2, 3)))
static void plan_fail(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&p->err, fmt, ap) < 0)
		p->err = NULL;
	va_end(ap);
}

/* ------------------------------------------------------------ helpers */

static yajl_val get(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

/* A JSON number written as an unsigned integer (any u64). */
static bool get_u64(yajl_val v, uint64_t *out)
{
	const char *s;
	char *end;

	if (!YAJL_IS_NUMBER(v))
		return false;
	s = v->u.number.r;
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool names_has(yajl_val names, const char *name)
{
	if (!YAJL_IS_ARRAY(names))
		return false;
	for (size_t i = 0; i < names->u.array.len; i++) {
		const char *s = YAJL_GET_STRING(names->u.array.values[i]);

		if (s && strcmp(s, name) == 0)
			return true;
	}
	return false;
}

static enum op op_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(plan_op_names) / sizeof(plan_op_names[0]); i++)
		if (s && strcmp(s, plan_op_names[i]) == 0)
			return (enum op)i;
	return OP_BAD;
}

/* Does condition @c hold when its argument is @x? */
bool plan_cond_holds(const struct cond *c, uint64_t x)
{
	switch (c->op) {
	case OP_NE:
		return x != c->value;
	case OP_LT:
		return x < c->value;
	case OP_LE:
		return x <= c->value;
	case OP_EQ:
		return x == c->value;
	case OP_GE:
		return x >= c->value;
	case OP_GT:
		return x > c->value;
	case OP_MASKED_EQ:
		return (x & c->value) == c->value2;
	default:
		return true;
	}
}

/*
 * The action as runc and crun compare it with the default: the same
 * name (KILL is KILL_THREAD), and for ERRNO and TRACE the same number,
 * EPERM when none is given.
 */
bool plan_action_parse(yajl_val act, yajl_val ret, struct action *out)
{
	const char *s = YAJL_GET_STRING(act);

	if (!s || strlen(s) >= sizeof(out->name))
		return false;
	if (strcmp(s, "SCMP_ACT_KILL") == 0)
		s = "SCMP_ACT_KILL_THREAD";
	strcpy(out->name, s);
	out->has_ret = strcmp(s, "SCMP_ACT_ERRNO") == 0 ||
		       strcmp(s, "SCMP_ACT_TRACE") == 0;
	out->ret = EPERM;
	if (ret && !YAJL_IS_NULL(ret) && !get_u64(ret, &out->ret))
		return false;
	return true;
}

bool plan_action_equal(const struct action *a, const struct action *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       (!a->has_ret || a->ret == b->ret);
}

/*
 * Read rule @v's action and conditions into @out. Returns NULL, or what
 * is wrong (a rule we cannot reason about).
 */
const char *plan_rule_read(yajl_val v, struct rule *out)
{
	yajl_val args = get(v, "args");

	if (!plan_action_parse(get(v, "action"), get(v, "errnoRet"), &out->act))
		return "has no valid action or errnoRet";
	out->n = 0;
	if (!args || YAJL_IS_NULL(args))
		return NULL;
	if (!YAJL_IS_ARRAY(args) || args->u.array.len > PLAN_ARGS_MAX)
		return "has args that are not an array of at most 64";
	for (size_t i = 0; i < args->u.array.len; i++) {
		yajl_val a = args->u.array.values[i], two = get(a, "valueTwo");
		struct cond *c = &out->conds[out->n++];
		uint64_t index;

		c->src = a;
		c->value2 = 0;
		c->op = op_parse(YAJL_GET_STRING(get(a, "op")));
		if (!get_u64(get(a, "index"), &index) || index > 5 ||
		    !get_u64(get(a, "value"), &c->value) ||
		    (two && !YAJL_IS_NULL(two) && !get_u64(two, &c->value2)) ||
		    c->op == OP_BAD)
			return "has a condition that is not index 0-5, "
			       "an unsigned value and a SCMP_CMP_* op";
		c->index = (unsigned int)index;
	}
	return NULL;
}

/* Same action and the same conditions, in any order? */
bool plan_rule_same(const struct rule *a, const struct rule *b)
{
	if (!plan_action_equal(&a->act, &b->act) || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;

		for (size_t j = 0; j < b->n && !found; j++)
			found = a->conds[i].index == b->conds[j].index &&
				a->conds[i].op == b->conds[j].op &&
				a->conds[i].value == b->conds[j].value &&
				a->conds[i].value2 == b->conds[j].value2;
		if (!found)
			return false;
	}
	return true;
}

static const char *const uring_names[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

static bool is_uring(const char *s)
{
	for (size_t i = 0; i < 3; i++)
		if (s && strcmp(s, uring_names[i]) == 0)
			return true;
	return false;
}

/*
 * Is @v acid's rule for @name ("socket", "socketcall", or "io_uring" for
 * the three io_uring syscalls, in any order): those syscalls, that
 * action, those args?
 */
static bool is_ours(const struct plan *p, yajl_val v, const char *name)
{
	bool uring = strcmp(name, "io_uring") == 0;
	const struct rule *ours = uring ? &p->r_uring :
		strcmp(name, "socket") == 0 ? &p->r_socket : &p->r_socketcall;
	yajl_val names = get(v, "names");
	struct rule r;

	if (!YAJL_IS_ARRAY(names))
		return false;
	if (uring) {
		/* three names, each of the three: no other, none twice */
		if (names->u.array.len != 3)
			return false;
		for (size_t i = 0; i < 3; i++)
			if (!names_has(names, uring_names[i]))
				return false;
	} else if (names->u.array.len != 1 ||
		   !names_has(names, name)) {
		return false;
	}
	return !plan_rule_read(v, &r) && plan_rule_same(&r, ours);
}

/* acid's socket rule as acid wrote it before it compared 32 bits: it
 * goes, ours takes its place */
static bool is_legacy(const struct plan *p, yajl_val v)
{
	yajl_val names = get(v, "names");
	const char *s;
	struct rule r;

	if (!YAJL_IS_ARRAY(names) || names->u.array.len != 1)
		return false;
	s = YAJL_GET_STRING(names->u.array.values[0]);
	return s && strcmp(s, "socket") == 0 && !plan_rule_read(v, &r) &&
	       plan_rule_same(&r, &p->r_legacy);
}

/* ------------------------------------------------------------ cutting */

static const struct cond *find(const struct cond *c, size_t n,
			       unsigned int index)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].index == index)
			return &c[i];
	return NULL;
}

/* Two conditions on one argument: runc and crun then read each alone. */
static bool repeats_index(const struct rule *r)
{
	unsigned int seen = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (seen & (1u << r->conds[i].index))
			return true;
		seen |= 1u << r->conds[i].index;
	}
	return false;
}

static struct out *out_add(struct plan *p)
{
	if (p->nouts == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct out *o = realloc(p->outs, cap * sizeof(*o));

		if (!o)
			return NULL;
		p->outs = o;
		p->cap = cap;
	}
	memset(&p->outs[p->nouts], 0, sizeof(p->outs[0]));
	return &p->outs[p->nouts++];
}

/* A piece: @c without argument @drop (6: none), plus @extra conditions. */
static void piece_set(struct out *o, const struct cond *c, size_t n,
		      unsigned int drop, const struct cond *extra, size_t nx)
{
	o->n = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].index != drop)
			o->conds[o->n++] = c[i];
	for (size_t i = 0; i < nx; i++)
		o->conds[o->n++] = extra[i];
	/* by argument, as a reader expects; libseccomp does not care */
	for (size_t i = 1; i < o->n; i++)
		for (size_t j = i; j > 0 &&
		     o->conds[j - 1].index > o->conds[j].index; j--) {
			struct cond t = o->conds[j];

			o->conds[j] = o->conds[j - 1];
			o->conds[j - 1] = t;
		}
}

static struct cond new_cond(unsigned int index, enum op op, uint64_t value)
{
	return (struct cond){ .index = index, .op = op, .value = value };
}

/*
 * The kernel reads socket()'s family and protocol as ints: the low 32
 * bits of the register ("low" below), whatever the rest holds. acid's
 * rule matches low(family) == AF_NETLINK and low(protocol) ==
 * NETLINK_AUDIT; a rule cut around it must leave out every value with
 * those low bits, not only the one without high bits.
 */
#define LOW 0xffffffffULL

/* Is there an x with low(x) == t for which @c holds? */
bool plan_low_meets(const struct cond *c, uint64_t t)
{
	switch (c->op) {
	case OP_NE:
		return true;	/* t and t | 1 << 32 cannot both be it */
	case OP_EQ:
		return (c->value & LOW) == t;
	case OP_LT:
		return t < c->value;
	case OP_LE:
		return t <= c->value;
	case OP_GT:
		return (~LOW | t) > c->value;
	case OP_GE:
		return (~LOW | t) >= c->value;
	case OP_MASKED_EQ:
		return (c->value2 & ~c->value) == 0 &&
		       (t & c->value & LOW) == (c->value2 & LOW);
	default:
		return true;
	}
}

/* Does @c hold only for x with low(x) == t? */
bool plan_low_forces(const struct cond *c, uint64_t t)
{
	if (c->op == OP_EQ)
		return (c->value & LOW) == t;
	return c->op == OP_MASKED_EQ && (c->value & LOW) == LOW &&
	       (c->value2 & LOW) == t && (c->value2 & ~c->value) == 0;
}

/*
 * Does @c hold for every x with low(x) != t, so that "@c and low(x) != t"
 * is "low(x) != t"? x != v with low(v) == t: what podman's profile and
 * acid before it wrote.
 */
bool plan_low_spares(const struct cond *c, uint64_t t)
{
	return c->op == OP_NE && (c->value & LOW) == t;
}

/* "low(x) != t" for argument @index, as 32 conditions, one for each bit
 * of t that x can differ in: pieces that together cover it */
struct cond plan_low_differs(unsigned int index, uint64_t t, unsigned int b)
{
	struct cond c = new_cond(index, OP_MASKED_EQ, 1ULL << b);

	c.value2 = ~t & (1ULL << b);
	return c;
}

/*
 * cut - conditions @c (one reading of a rule with action @act for
 * syscall @name) against acid's case. Writes the pieces that keep the
 * rule's effect everywhere but there into @pieces (conditions only,
 * PLAN_PIECES_MAX at most). Returns the number of pieces (0 when the rule
 * covered nothing else), -1 when the rule needs no cutting, -2 when a
 * condition cannot be narrowed within one rule (a range on the family or
 * protocol).
 */
int plan_cut(const struct plan *p, const char *name,
	       const struct action *act, const struct cond *c, size_t n,
	       struct out *pieces)
{
	const struct cond *c0 = find(c, n, 0), *c2 = find(c, n, 2);
	bool socket = strcmp(name, "socket") == 0;
	struct cond x[2];
	bool overlap, others = false;
	int k = 0;

	/* the same action as ours meets no conflict; the default is skipped */
	if (plan_action_equal(act, &p->r_socket.act) ||
	    plan_action_equal(act, &p->deflt))
		return -1;

	if (!socket) {
		/*
		 * socketcall: only SYS_SOCKET is ours. Only the i386 ABI has
		 * it where acid writes this rule: 32-bit registers, which
		 * libseccomp compares as such.
		 */
		if (c0 && !plan_cond_holds(c0, p->sys_socket))
			return -1;
		if (c0 && c0->op != OP_EQ)
			return -2;
		if (!c0) {
			x[0] = new_cond(0, OP_NE, p->sys_socket);
			piece_set(&pieces[k++], c, n, 6, x, 1);
		}
		return k;
	}

	overlap = (!c0 || plan_low_meets(c0, p->family)) &&
		  (!c2 || plan_low_meets(c2, p->protocol));
	for (size_t i = 0; i < n; i++)
		others |= c[i].index != 0;
	if (!overlap) {
		/*
		 * With the socketcall rule in, libseccomp must be able to fold
		 * every socketcall rule it derives from a socket rule into
		 * ours: it can when the derived rule is longer (a condition
		 * past the first argument), and refuses (EEXIST) when it is
		 * not. A rule that misses acid's case is split in two that
		 * have one, on the protocol; no value of it is ours.
		 */
		if (!p->closed || others)
			return -1;
		x[0] = new_cond(2, OP_NE, p->protocol);
		piece_set(&pieces[k++], c, n, 6, x, 1);
		x[0] = new_cond(2, OP_EQ, p->protocol);
		piece_set(&pieces[k++], c, n, 6, x, 1);
		return k;
	}

	/* 1: the same where low(protocol) is not the audit one */
	if (c2 && !plan_low_forces(c2, p->protocol)) {
		if (!plan_low_spares(c2, p->protocol))
			return -2;
		c2 = NULL;	/* replaced by the pieces below */
		for (unsigned int b = 0; b < 32; b++) {
			x[0] = plan_low_differs(2, p->protocol, b);
			piece_set(&pieces[k++], c, n, 2, x, 1);
		}
		/* nothing of 2: "protocol != audit" left no audit protocol,
		 * but for high bits the kernel does not read */
		return k;
	}
	if (!c2)
		for (unsigned int b = 0; b < 32; b++) {
			x[0] = plan_low_differs(2, p->protocol, b);
			piece_set(&pieces[k++], c, n, 6, x, 1);
		}
	/*
	 * 2: the same where low(family) is not netlink and low(protocol) is
	 * the audit one (a condition past the first argument, see above)
	 */
	if (c0 && plan_low_forces(c0, p->family))
		return k;
	if (c0 && !plan_low_spares(c0, p->family))
		return -2;
	for (unsigned int b = 0; b < 32; b++) {
		size_t nx = 0;

		x[nx++] = plan_low_differs(0, p->family, b);
		if (!c2) {
			x[nx] = new_cond(2, OP_MASKED_EQ, LOW);
			x[nx++].value2 = p->protocol;
		}
		piece_set(&pieces[k++], c, n, 0, x, nx);
	}
	return k;
}

/*
 * cut_name - every reading of rule @v (parsed as @r) for syscall @name.
 * Adds the pieces to the plan and returns 1, or 0 when the rule can stay
 * as it is for @name, or -1 after an error message.
 */
static int cut_name(struct plan *p, size_t i, yajl_val v,
		    const struct rule *r, const char *name)
{
	size_t readings = repeats_index(r) ? r->n : 1;
	struct out *pieces = calloc(readings * PLAN_PIECES_MAX, sizeof(*pieces));
	int counts[PLAN_ARGS_MAX];
	bool any = false;
	int ret = -1;

	if (!pieces) {
		plan_fail(p, "out of memory");
		return -1;
	}
	for (size_t j = 0; j < readings; j++) {
		const struct cond *c = readings == 1 ? r->conds : &r->conds[j];
		size_t n = readings == 1 ? r->n : 1;
		struct out *pj = &pieces[j * PLAN_PIECES_MAX];

		counts[j] = plan_cut(p, name, &r->act, c, n, pj);
		if (counts[j] == -2) {
			plan_fail(p, "%s: linux.seccomp.syscalls[%zu] (%s) "
				   "tests the family or protocol with a range "
				   "that cannot be narrowed in one rule; edit it "
				   "so that it does not cover socket(AF_NETLINK, "
				   "*, NETLINK_AUDIT)", p->path, i, name);
			goto out;
		}
		if (counts[j] == -1) {
			/* this reading stays as it is, now a rule of its own */
			piece_set(&pj[0], c, n, 6, NULL, 0);
		} else {
			any = true;
		}
	}
	ret = 0;
	if (!any)
		goto out;
	for (size_t j = 0; j < readings; j++) {
		int k = counts[j] == -1 ? 1 : counts[j];

		for (int m = 0; m < k; m++) {
			struct out *o = out_add(p);

			if (!o) {
				plan_fail(p, "out of memory");
				ret = -1;
				goto out;
			}
			*o = pieces[j * PLAN_PIECES_MAX + m];
			o->kind = OUT_PIECE;
			o->rule = v;
			o->name = name;
		}
	}
	ret = 1;
out:
	free(pieces);
	return ret;
}

/* Does a syscall with action @act go through (or may, for a tracer or
 * a supervisor)? */
bool plan_lets_through(const struct action *act)
{
	return strcmp(act->name, "SCMP_ACT_ALLOW") == 0 ||
	       strcmp(act->name, "SCMP_ACT_LOG") == 0 ||
	       strcmp(act->name, "SCMP_ACT_TRACE") == 0 ||
	       strcmp(act->name, "SCMP_ACT_NOTIFY") == 0;
}

bool plan_dropped(const struct out *o, const char *s)
{
	return s && ((o->drop_socket && strcmp(s, "socket") == 0) ||
		     (o->drop_socketcall && strcmp(s, "socketcall") == 0) ||
		     (o->drop_uring && is_uring(s)));
}

static bool plan_rules(struct plan *p)
{
	static const char *const front_closed[] = { "socketcall", "socket",
						    "io_uring" };
	static const char *const front_open[] = { "socket", "io_uring" };
	const char *const *front = p->closed ? front_closed : front_open;
	size_t nfront = p->closed ? 3 : 2;
	yajl_val arr = p->syscalls_arr;
	size_t len = arr ? arr->u.array.len : 0;
	bool prefix = len >= nfront, uring_seen = false;
	struct out *o;

	for (size_t i = 0; i < nfront && prefix; i++)
		prefix = is_ours(p, arr->u.array.values[i], front[i]);
	if (!prefix)
		p->changed = true;
	for (size_t i = 0; i < nfront; i++) {
		o = out_add(p);
		if (!o) {
			plan_fail(p, "out of memory");
			return false;
		}
		o->kind = OUT_OURS;
		o->rule = strcmp(front[i], "socket") == 0 ? p->ours_socket :
			strcmp(front[i], "io_uring") == 0 ? p->ours_uring :
			p->ours_socketcall;
	}

	for (size_t i = 0; i < len; i++) {
		yajl_val v = arr->u.array.values[i];
		yajl_val names = get(v, "names");
		bool has_socket, has_call, has_uring = false;
		size_t first;
		struct rule r;
		const char *why;
		int cs = 0, cc = 0;

		/* acid's own, wherever they were: they are in front now */
		uring_seen |= is_ours(p, v, "io_uring");
		if (is_ours(p, v, "socket") || is_ours(p, v, "socketcall") ||
		    is_ours(p, v, "io_uring")) {
			if (!prefix || i >= nfront)
				p->changed = true;
			continue;
		}
		/* acid's rule of before: ours in front replaces it */
		if (is_legacy(p, v)) {
			p->changed = true;
			continue;
		}
		has_socket = names_has(names, "socket");
		/* without the socketcall rule, socketcall rules meet nothing */
		has_call = p->closed && names_has(names, "socketcall");
		for (size_t j = 0; j < 3; j++)
			has_uring |= names_has(names, uring_names[j]);
		if (has_socket || has_call || has_uring) {
			why = plan_rule_read(v, &r);
			if (why) {
				plan_fail(p, "%s: linux.seccomp.syscalls[%zu] "
					   "(%s) %s", p->path, i,
					   has_socket ? "socket" : has_call ?
					   "socketcall" : "io_uring", why);
				return false;
			}
		}
		if (has_uring) {
			/* io_uring is closed by ours alone: out of this rule */
			p->uring_named = true;
			if (plan_lets_through(&r.act))
				p->uring_open = true;
		}
		first = p->nouts;
		o = out_add(p);
		if (!o) {
			plan_fail(p, "out of memory");
			return false;
		}
		o->kind = OUT_KEEP;
		o->rule = v;
		if (has_socket)
			cs = cut_name(p, i, v, &r, "socket");
		if (cs >= 0 && has_call)
			cc = cut_name(p, i, v, &r, "socketcall");
		if (cs < 0 || cc < 0)
			return false;
		if (cs || cc || has_uring) {
			size_t left = 0;

			p->changed = true;
			o = &p->outs[first];
			o->kind = OUT_NAMES;
			o->drop_socket = cs > 0;
			o->drop_socketcall = cc > 0;
			o->drop_uring = has_uring;
			for (size_t j = 0; j < names->u.array.len; j++)
				if (!plan_dropped(o, YAJL_GET_STRING(
						names->u.array.values[j])))
					left++;
			/* nothing else named: the pieces take its place */
			if (!left) {
				memmove(&p->outs[first], &p->outs[first + 1],
					(p->nouts - first - 1) *
						sizeof(p->outs[0]));
				p->nouts--;
			}
		}
	}
	/* no rule for it: the default said */
	if (!p->uring_named && !uring_seen && plan_lets_through(&p->deflt))
		p->uring_open = true;
	return true;
}

/* ------------------------------------------------------------- setup */

static bool arch_is(const char *s, const char *short_name)
{
	if (strncasecmp(s, "SCMP_ARCH_", 10) == 0)
		s += 10;
	return strcasecmp(s, short_name) == 0;
}

/* The socket rule acid wrote before it compared 32 bits. */
static const char legacy_rule[] =
	"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\","
	"\"errnoRet\":93,\"args\":[{\"index\":0,\"value\":16,"
	"\"op\":\"SCMP_CMP_EQ\"},{\"index\":2,\"value\":9,"
	"\"op\":\"SCMP_CMP_EQ\"}]}";

/* the value an argument of acid's rule is compared with */
static uint64_t cond_datum(const struct rule *r, unsigned int index)
{
	const struct cond *c = find(r->conds, r->n, index);

	if (!c)
		return 0;
	return c->op == OP_MASKED_EQ ? c->value2 : c->value;
}

/* acid's rules, from the library: one source for their numbers. */
static bool load_ours(struct plan *p)
{
	char err[128];
	const char *why;
	int r;

	r = acid_seccomp_oci_rule(&p->ours_text[0]);
	if (r == 0)
		r = acid_seccomp_oci_socketcall_rule(&p->ours_text[1]);
	if (r == 0)
		r = acid_seccomp_oci_io_uring_rule(&p->ours_text[2]);
	if (r < 0) {
		plan_fail(p, "%s", acid_strerror(r));
		return false;
	}
	p->ours_socket = yajl_tree_parse(p->ours_text[0], err, sizeof(err));
	p->ours_socketcall = yajl_tree_parse(p->ours_text[1], err, sizeof(err));
	p->ours_uring = yajl_tree_parse(p->ours_text[2], err, sizeof(err));
	p->legacy_socket = yajl_tree_parse(legacy_rule, err, sizeof(err));
	why = !p->ours_socket || !p->ours_socketcall || !p->ours_uring ||
	      !p->legacy_socket ? "not JSON" :
		plan_rule_read(p->ours_socket, &p->r_socket);
	if (!why)
		why = plan_rule_read(p->ours_socketcall, &p->r_socketcall);
	if (!why)
		why = plan_rule_read(p->ours_uring, &p->r_uring);
	if (!why)
		why = plan_rule_read(p->legacy_socket, &p->r_legacy);
	if (why) {
		plan_fail(p, "libacid's rule %s", why);
		return false;
	}
	p->family = cond_datum(&p->r_socket, 0);
	p->protocol = cond_datum(&p->r_socket, 2);
	p->sys_socket = cond_datum(&p->r_socketcall, 0);
	return true;
}

/*
 * Does the profile keep a socketcall rule safe from libseccomp issue #284
 * (see the top)? The miscompiled program loses its syscall-number load
 * when the first rule libseccomp emits for x86_64 is the socketcall one,
 * which x86_64 does not have; it emits rules with fewer conditions first,
 * so an unconditional rule for a real x86_64 syscall that reaches
 * libseccomp (an action other than the default) comes before it. Docker's
 * and podman's profiles have hundreds.
 */
static bool shielded(const struct plan *p, yajl_val syscalls)
{
	if (!YAJL_IS_ARRAY(syscalls))
		return false;
	for (size_t i = 0; i < syscalls->u.array.len; i++) {
		yajl_val v = syscalls->u.array.values[i];
		yajl_val names = get(v, "names"), args = get(v, "args");
		struct action act;

		if (args && !YAJL_IS_NULL(args) &&
		    !(YAJL_IS_ARRAY(args) && args->u.array.len == 0))
			continue;
		if (!YAJL_IS_ARRAY(names) ||
		    !plan_action_parse(get(v, "action"), get(v, "errnoRet"), &act) ||
		    plan_action_equal(&act, &p->deflt))
			continue;
		for (size_t j = 0; j < names->u.array.len; j++) {
			yajl_val n = names->u.array.values[j];
			const char *s = YAJL_GET_STRING(n);

			/* not those two: they may be cut into conditions */
			if (s && strcmp(s, "socket") != 0 &&
			    strcmp(s, "socketcall") != 0 &&
			    seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64,
							      s) >= 0)
				return true;
		}
	}
	return false;
}

/* Where the config's parts are, and what the profile says. */
static bool locate(struct plan *p)
{
	yajl_val v, arch;
	bool x86 = false, x32 = false;

	v = get(p->root, "linux");
	if (v && YAJL_IS_NULL(v))
		p->null_linux = v;
	else if (v && !YAJL_IS_OBJECT(v))
		goto not_object;
	else
		p->linux_obj = v;
	v = p->linux_obj ? get(p->linux_obj, "seccomp") : NULL;
	if (v && YAJL_IS_NULL(v))
		p->null_seccomp = v;
	else if (v && !YAJL_IS_OBJECT(v))
		goto not_object;
	else
		p->seccomp_obj = v;

	if (!p->seccomp_obj) {
		/* the section we write: ALLOW, x86_64 and x86 */
		p->changed = true;
#if defined(__x86_64__)
		p->closed = true;
#endif
		return true;
	}
	if (!plan_action_parse(get(p->seccomp_obj, "defaultAction"),
			  get(p->seccomp_obj, "defaultErrnoRet"), &p->deflt)) {
		plan_fail(p, "%s: linux.seccomp has no valid defaultAction "
			   "or defaultErrnoRet", p->path);
		return false;
	}
	arch = get(p->seccomp_obj, "architectures");
	if (arch && !YAJL_IS_NULL(arch)) {
		if (!YAJL_IS_ARRAY(arch))
			goto not_object;
		for (size_t i = 0; i < arch->u.array.len; i++) {
			yajl_val a = arch->u.array.values[i];
			const char *s = YAJL_GET_STRING(a);

			if (!s) {
				plan_fail(p, "%s: linux.seccomp.architectures "
					   "holds a non-string", p->path);
				return false;
			}
			x86 |= arch_is(s, "x86");
			x32 |= arch_is(s, "x32");
		}
	}
	v = get(p->seccomp_obj, "syscalls");
	p->closed = x86 && (!x32 || shielded(p, v));
	if (x86 && !p->closed)
		p->x32_warning = true;

	if (v && YAJL_IS_NULL(v))
		p->null_syscalls = v;
	else if (v && !YAJL_IS_ARRAY(v))
		goto not_object;
	else
		p->syscalls_arr = v;
	if (!p->syscalls_arr)
		p->changed = true;
	return true;

not_object:
	plan_fail(p, "%s: linux, linux.seccomp, its architectures or its "
		   "syscalls is not of the OCI type (object, object, array, "
		   "array)", p->path);
	return false;
}

bool plan_make(struct plan *p)
{
	if (!load_ours(p) || !locate(p))
		return false;
	if (p->syscalls_arr && !plan_rules(p))
		return false;
	/* a profile with no rules: the default said */
	if (p->seccomp_obj && !p->syscalls_arr && plan_lets_through(&p->deflt))
		p->uring_open = true;
	return true;
}

const char *plan_error(const struct plan *p)
{
	return p->err ? p->err : "out of memory";
}

void plan_free(struct plan *p)
{
	yajl_tree_free(p->ours_socket);
	yajl_tree_free(p->ours_socketcall);
	yajl_tree_free(p->ours_uring);
	yajl_tree_free(p->legacy_socket);
	free(p->outs);
	for (size_t i = 0; i < 3; i++)
		free(p->ours_text[i]);
	free(p->err);
	p->ours_socket = p->ours_socketcall = p->ours_uring = NULL;
	p->legacy_socket = NULL;
	p->outs = NULL;
	p->nouts = p->cap = 0;
	p->err = NULL;
	for (size_t i = 0; i < 3; i++)
		p->ours_text[i] = NULL;
}
