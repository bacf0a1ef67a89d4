// SPDX-License-Identifier: LGPL-2.1-or-later
/* A yajl tree written out again, with changes (json-copy.h). */
#include <string.h>

#include "json-copy.h"

void gen_str(struct gen *gn, const char *s)
{
	G(gn, yajl_gen_string(gn->g, (const unsigned char *)s, strlen(s)));
}

void gen_copy(struct gen *gn, yajl_val v)
{
	switch (v->type) {
	case yajl_t_string:
		gen_str(gn, v->u.string);
		break;
	case yajl_t_number:
		/* the number's own text: 1.50 stays 1.50, 2^64-1 stays */
		G(gn, yajl_gen_number(gn->g, v->u.number.r,
				      strlen(v->u.number.r)));
		break;
	case yajl_t_true:
	case yajl_t_false:
		G(gn, yajl_gen_bool(gn->g, v->type == yajl_t_true));
		break;
	case yajl_t_null:
		G(gn, yajl_gen_null(gn->g));
		break;
	case yajl_t_array:
		G(gn, yajl_gen_array_open(gn->g));
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_copy(gn, v->u.array.values[i]);
		G(gn, yajl_gen_array_close(gn->g));
		break;
	case yajl_t_object:
		G(gn, yajl_gen_map_open(gn->g));
		for (size_t i = 0; i < v->u.object.len; i++) {
			const char *key = v->u.object.keys[i];
			yajl_val m = v->u.object.values[i];

			gen_str(gn, key);
			if (!gn->member || !gn->member(gn, v, key, m))
				gen_copy(gn, m);
		}
		if (gn->object_end)
			gn->object_end(gn, v);
		G(gn, yajl_gen_map_close(gn->g));
		break;
	default:
		gn->failed = true;
	}
}
