/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp-plan.h - the rule planning of `acid seccomp` (seccomp-plan.c
 * says what it does and why): from a parsed OCI config to the list of
 * rules its new linux.seccomp.syscalls holds. Pure: no input, no output,
 * no global state; seccomp-json.c writes the result.
 */
#ifndef ACID_TOOLS_SECCOMP_PLAN_H
#define ACID_TOOLS_SECCOMP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

/* the most conditions a rule may have (OCI puts no bound on it) */
#define PLAN_ARGS_MAX 64
/* the most pieces plan_cut writes for one reading of a rule */
#define PLAN_PIECES_MAX 64

enum op { OP_NE, OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT, OP_MASKED_EQ, OP_BAD };

/* The OCI names of the ops, "SCMP_CMP_NE" ... */
extern const char *const plan_op_names[];

/* One argument condition; @src is the object it came from, NULL if new. */
struct cond {
	unsigned int index;
	enum op op;
	uint64_t value;
	uint64_t value2;
	yajl_val src;
};

/* An action as the runtimes compare them (ERRNO/TRACE carry a number). */
struct action {
	char name[32];
	bool has_ret;
	uint64_t ret;
};

/* A rule parsed for comparison. */
struct rule {
	struct action act;
	struct cond conds[PLAN_ARGS_MAX];
	size_t n;
};

/* What goes into the new syscalls array, in order. */
struct out {
	enum {
		OUT_KEEP,	/* an input rule, unchanged */
		OUT_NAMES,	/* an input rule without socket/socketcall */
		OUT_PIECE,	/* one syscall of an input rule, new args */
		OUT_OURS,	/* one of acid's rules */
	} kind;
	yajl_val rule;
	const char *name;	/* OUT_PIECE */
	bool drop_socket, drop_socketcall, drop_uring;	/* OUT_NAMES */
	struct cond conds[6];
	size_t n;
};

/* What plan_make decides for one config: zero it, set path and root. */
struct plan {
	const char *path;
	yajl_val root;
	/* where the config's parts are; NULL when we create them */
	yajl_val linux_obj, seccomp_obj, syscalls_arr;
	/* a null value standing where we create a part */
	yajl_val null_linux, null_seccomp, null_syscalls;
	/* acid's rules, parsed from the library's JSON */
	yajl_val ours_socket, ours_socketcall, ours_uring;
	struct rule r_socket, r_socketcall, r_uring;
	/* the socket rule acid wrote before it compared 32 bits */
	yajl_val legacy_socket;
	struct rule r_legacy;
	uint64_t family, protocol, sys_socket;
	struct action deflt;
	bool closed;		/* the socketcall rule goes in */
	bool uring_open;	/* the profile let io_uring_setup through */
	bool uring_named;	/* a rule of the profile names it */
	bool changed;
	struct out *outs;
	size_t nouts, cap;
	/* said once plan_make returned */
	bool x32_warning;	/* socketcall left open: X32 and no shield */
	char *err;		/* why plan_make failed */
	char *ours_text[3];	/* acid's rules as the library gave them */
};

/*
 * Fills the plan for p->root, the config read from p->path (both set by
 * the caller, who keeps the tree). Returns false with plan_error() saying
 * why (one line, starting with p->path where the config is at fault).
 * Either way p->x32_warning may be set; free with plan_free().
 */
bool plan_make(struct plan *p);
const char *plan_error(const struct plan *p);
void plan_free(struct plan *p);

/* Rule @v's action and conditions; NULL, or what is wrong with it. */
const char *plan_rule_read(yajl_val v, struct rule *out);
/* The action as runc and crun compare it (KILL is KILL_THREAD, ...). */
bool plan_action_parse(yajl_val act, yajl_val ret, struct action *out);
bool plan_action_equal(const struct action *a, const struct action *b);
/* Same action and the same conditions, in any order? */
bool plan_rule_same(const struct rule *a, const struct rule *b);
/* Does a syscall with action @act go through (or may)? */
bool plan_lets_through(const struct action *act);
/* Is syscall @name taken out of OUT_NAMES rule @o? */
bool plan_dropped(const struct out *o, const char *name);

/* Does condition @c hold when its argument is @x? */
bool plan_cond_holds(const struct cond *c, uint64_t x);
/*
 * The kernel reads socket()'s family and protocol as ints, the low 32
 * bits of the register. For @t, a value of those 32 bits:
 * plan_low_meets - is there an x with low(x) == t for which @c holds?
 * plan_low_forces - does @c hold only for x with low(x) == t?
 * plan_low_spares - does @c hold for every x with low(x) != t?
 * plan_low_differs - bit @b of "low(x) != t" on argument @index.
 */
bool plan_low_meets(const struct cond *c, uint64_t t);
bool plan_low_forces(const struct cond *c, uint64_t t);
bool plan_low_spares(const struct cond *c, uint64_t t);
struct cond plan_low_differs(unsigned int index, uint64_t t, unsigned int b);

/*
 * Conditions @c[@n] (one reading of a rule with action @act for syscall
 * @name, "socket" or "socketcall") against acid's case, with p's rules
 * and default loaded. Writes the pieces that keep the rule's effect
 * everywhere but there into @pieces (conditions only, PLAN_PIECES_MAX at
 * most). Returns the number of pieces (0 when the rule covered nothing
 * else), -1 when the rule needs no cutting, -2 when a condition cannot be
 * narrowed within one rule (a range on the family or protocol).
 */
int plan_cut(const struct plan *p, const char *name,
	     const struct action *act, const struct cond *c, size_t n,
	     struct out *pieces);

#endif
