/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-copy.h - a yajl tree written out again as it was (a number keeps
 * its own text), with the caller's changes where they go: what `acid
 * seccomp` and acid-runtime both do to a config.json.
 */
#ifndef ACID_TOOLS_JSON_COPY_H
#define ACID_TOOLS_JSON_COPY_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct gen;

/* the member @key of object @obj is about to be written: true when the
 * callback wrote its value itself (the key is written already) */
typedef bool (*gen_member_fn)(struct gen *gn, yajl_val obj, const char *key,
			      yajl_val value);
/* object @obj is about to be closed: members to add go here */
typedef void (*gen_object_end_fn)(struct gen *gn, yajl_val obj);

struct gen {
	yajl_gen g;
	const void *p;		/* the caller's plan */
	bool failed;		/* a yajl call failed */
	gen_member_fn member;	/* NULL: every member as it was */
	gen_object_end_fn object_end;	/* NULL: nothing added */
};

#define G(gn, call)                                       \
	do {                                              \
		if ((call) != yajl_gen_status_ok)         \
			(gn)->failed = true;              \
	} while (0)

void gen_str(struct gen *gn, const char *s);

/* @v as it was, but for what gn's callbacks write */
void gen_copy(struct gen *gn, yajl_val v);

#endif
