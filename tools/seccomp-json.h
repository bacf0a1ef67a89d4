/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp-json.h - reading and writing the OCI config of `acid seccomp`.
 * Both print their one error line ("acid seccomp: ...") themselves.
 */
#ifndef ACID_TOOLS_SECCOMP_JSON_H
#define ACID_TOOLS_SECCOMP_JSON_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "seccomp-plan.h"

/*
 * The tree of @text (@len bytes and a NUL), read from @path: plain JSON
 * only (no comments, which yajl_tree_parse would take and drop), nesting
 * bounded, no NUL in a string. NULL after an error line.
 */
yajl_val seccomp_json_parse(const char *path, const char *text, size_t len);

/*
 * The config p->root with the plan's changes, as text in *@buf (*@len
 * bytes), held by the returned generator: free it with yajl_gen_free()
 * once done with the text. NULL after an error line.
 */
yajl_gen seccomp_json_emit(const struct plan *p, const unsigned char **buf,
			   size_t *len);

#endif
