// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * seccomp-json.c - the JSON side of `acid seccomp`: the config's text
 * checked and parsed into a tree, and written back out with the plan's
 * changes (seccomp-plan.c), everything else as it was: same order, same
 * nesting, numbers as they were written.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "config-file.h"
#include "json-copy.h"
#include "seccomp-json.h"
#include "tool.h"

#define CMD "seccomp"
/* deeper than any config; the tree is freed recursively */
#define DEPTH_MAX 128

yajl_val seccomp_json_parse(const char *path, const char *text, size_t len)
{
	char err[256];
	yajl_val root;

	if (!config_check_json(text, len, DEPTH_MAX, err, sizeof(err))) {
		tool_error(CMD, "%s: %s", path, err);
		return NULL;
	}
	root = yajl_tree_parse(text, err, sizeof(err));
	if (!root)
		tool_error(CMD, "%s: not valid JSON", path);
	return root;
}

static void gen_u64(struct gen *gn, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	G(gn, yajl_gen_number(gn->g, buf, strlen(buf)));
}

static void emit_syscalls_new(struct gen *gn)
{
	const struct plan *p = gn->p;

	G(gn, yajl_gen_array_open(gn->g));
	if (p->closed)
		gen_copy(gn, p->ours_socketcall);
	gen_copy(gn, p->ours_socket);
	gen_copy(gn, p->ours_uring);
	G(gn, yajl_gen_array_close(gn->g));
}

static void emit_seccomp_new(struct gen *gn)
{
	G(gn, yajl_gen_map_open(gn->g));
	gen_str(gn, "defaultAction");
	gen_str(gn, "SCMP_ACT_ALLOW");
#if defined(__x86_64__)
	/* no SCMP_ARCH_X32: see the top of seccomp-plan.c */
	gen_str(gn, "architectures");
	G(gn, yajl_gen_array_open(gn->g));
	gen_str(gn, "SCMP_ARCH_X86_64");
	gen_str(gn, "SCMP_ARCH_X86");
	G(gn, yajl_gen_array_close(gn->g));
#endif
	gen_str(gn, "syscalls");
	emit_syscalls_new(gn);
	G(gn, yajl_gen_map_close(gn->g));
}

static void emit_linux_new(struct gen *gn)
{
	G(gn, yajl_gen_map_open(gn->g));
	gen_str(gn, "seccomp");
	emit_seccomp_new(gn);
	G(gn, yajl_gen_map_close(gn->g));
}

static void emit_cond(struct gen *gn, const struct cond *c)
{
	if (c->src) {
		gen_copy(gn, c->src);
		return;
	}
	G(gn, yajl_gen_map_open(gn->g));
	gen_str(gn, "index");
	gen_u64(gn, c->index);
	gen_str(gn, "value");
	gen_u64(gn, c->value);
	if (c->op == OP_MASKED_EQ) {
		gen_str(gn, "valueTwo");
		gen_u64(gn, c->value2);
	}
	gen_str(gn, "op");
	gen_str(gn, plan_op_names[c->op]);
	G(gn, yajl_gen_map_close(gn->g));
}

/* An input rule with fewer names (OUT_NAMES), or one piece of it. */
static void emit_rule(struct gen *gn, const struct out *o)
{
	yajl_val v = o->rule;
	bool args = false;

	G(gn, yajl_gen_map_open(gn->g));
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];

		gen_str(gn, key);
		if (strcmp(key, "names") == 0 && o->kind == OUT_PIECE) {
			G(gn, yajl_gen_array_open(gn->g));
			gen_str(gn, o->name);
			G(gn, yajl_gen_array_close(gn->g));
		} else if (strcmp(key, "names") == 0) {
			G(gn, yajl_gen_array_open(gn->g));
			for (size_t j = 0; j < val->u.array.len; j++) {
				yajl_val s = val->u.array.values[j];
				const char *n = YAJL_GET_STRING(s);

				if (plan_dropped(o, n))
					continue;
				gen_copy(gn, s);
			}
			G(gn, yajl_gen_array_close(gn->g));
		} else if (strcmp(key, "args") == 0 && o->kind == OUT_PIECE) {
			args = true;
			G(gn, yajl_gen_array_open(gn->g));
			for (size_t j = 0; j < o->n; j++)
				emit_cond(gn, &o->conds[j]);
			G(gn, yajl_gen_array_close(gn->g));
		} else {
			gen_copy(gn, val);
		}
	}
	if (o->kind == OUT_PIECE && !args && o->n) {
		gen_str(gn, "args");
		G(gn, yajl_gen_array_open(gn->g));
		for (size_t j = 0; j < o->n; j++)
			emit_cond(gn, &o->conds[j]);
		G(gn, yajl_gen_array_close(gn->g));
	}
	G(gn, yajl_gen_map_close(gn->g));
}

static void emit_syscalls(struct gen *gn)
{
	const struct plan *p = gn->p;

	G(gn, yajl_gen_array_open(gn->g));
	for (size_t i = 0; i < p->nouts; i++) {
		const struct out *o = &p->outs[i];

		if (o->kind == OUT_KEEP || o->kind == OUT_OURS)
			gen_copy(gn, o->rule);
		else
			emit_rule(gn, o);
	}
	G(gn, yajl_gen_array_close(gn->g));
}

/*
 * The input tree as it was (gen_copy), with the plan's changes where they
 * go: a null linux, seccomp or syscalls member made, the syscalls array
 * rewritten, and the parts the config did not have added at the end of
 * their parent.
 */
static bool emit_member(struct gen *gn, yajl_val obj, const char *key,
			yajl_val v)
{
	const struct plan *p = gn->p;

	(void)obj;
	(void)key;
	if (v == p->null_linux)
		emit_linux_new(gn);
	else if (v == p->null_seccomp)
		emit_seccomp_new(gn);
	else if (v == p->null_syscalls)
		emit_syscalls_new(gn);
	else if (v == p->syscalls_arr)
		emit_syscalls(gn);
	else
		return false;
	return true;
}

static void emit_object_end(struct gen *gn, yajl_val v)
{
	const struct plan *p = gn->p;

	if (v == p->root && !p->linux_obj && !p->null_linux) {
		gen_str(gn, "linux");
		emit_linux_new(gn);
	} else if (v == p->linux_obj && !p->seccomp_obj && !p->null_seccomp) {
		gen_str(gn, "seccomp");
		emit_seccomp_new(gn);
	} else if (v == p->seccomp_obj && !p->syscalls_arr &&
		   !p->null_syscalls) {
		gen_str(gn, "syscalls");
		emit_syscalls_new(gn);
	}
}

yajl_gen seccomp_json_emit(const struct plan *p, const unsigned char **buf,
			   size_t *len)
{
	struct gen gn = { .p = p, .member = emit_member,
			  .object_end = emit_object_end };

	gn.g = yajl_gen_alloc(NULL);
	if (!gn.g) {
		tool_error(CMD, "out of memory");
		return NULL;
	}
	yajl_gen_config(gn.g, yajl_gen_beautify, 1);
	yajl_gen_config(gn.g, yajl_gen_indent_string, "  ");
	yajl_gen_config(gn.g, yajl_gen_validate_utf8, 1);
	gen_copy(&gn, p->root);
	if (gn.failed || yajl_gen_get_buf(gn.g, buf, len) !=
				 yajl_gen_status_ok) {
		tool_error(CMD, "%s: cannot write the new config", p->path);
		yajl_gen_free(gn.g);
		return NULL;
	}
	return gn.g;
}
