// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-poststop: OCI hook for the poststop stage.
 *
 * Finds the container's entry by its OCI id (and bundle), sends the
 * destroy record and removes the entry. Runtimes send no pid here (runc
 * omits it, crun sends 0, podman runs the hook itself), so the entry is
 * the only memory of the container. A container never registered gets a
 * warning and exit 0: no record is invented. If the record cannot be sent
 * the entry stays, so that `acid gc` can send it later: nothing is lost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <acid/libacid.h>

#include "hook-common.h"

static const char usage[] =
	"usage: acid-poststop [--policy=fail|warn] [poststop]\n"
	"\n"
	"OCI hook: sends the VIRT_CONTROL destroy record of the container\n"
	"named in the state JSON on standard input and removes its entry.\n"
	"\n"
	"  --policy=fail   exit 1 when the record cannot be sent (default)\n"
	"  --policy=warn   exit 0 with a warning instead\n"
	"  ACID_POLICY     the same, from the hook's environment\n"
	"  ACID_STATE_DIR  registry directory (default /run/acid)\n";

static int unregister_container(struct hook *h)
{
	const struct oci_state *st = &h->state;
	struct acid_ctx *ctx = NULL;
	struct acid_entry *e = NULL;
	char q[256], idbuf[ACID_ID_STRLEN];
	int r, ret = 1;

	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		hook_error(h, "cannot start: %s", acid_strerror(r));
		return 1;
	}
	r = acid_lookup_name(ctx, st->id, st->bundle, &e);
	if (r == -ENOENT) {
		hook_warn(h, "container \"%s\" was never registered; "
			     "no record sent",
			  hook_quote(st->id, q, sizeof(q)));
		ret = 0;
		goto out;
	}
	if (r < 0) {
		hook_error(h, "looking up container \"%s\": %s",
			   hook_quote(st->id, q, sizeof(q)), acid_ctx_errmsg(ctx));
		goto out;
	}
	acid_id_format(acid_entry_id(e), idbuf, sizeof(idbuf));
	r = acid_unregister(ctx, e, "exit");
	if (r == -ENOENT) {
		/* acid gc, or a second poststop, ended it meanwhile */
		hook_warn(h, "container \"%s\" (%s) was already ended",
			  hook_quote(st->id, q, sizeof(q)), idbuf);
	} else if (r < 0) {
		/* the entry stays: acid gc sends the record later */
		if (h->policy == HOOK_WARN) {
			hook_warn(h, "destroy record for container \"%s\" "
				     "(%s) not sent, entry kept: %s",
				  hook_quote(st->id, q, sizeof(q)), idbuf,
				  acid_ctx_errmsg(ctx));
		} else {
			hook_error(h, "destroy record for container \"%s\" "
				      "(%s) not sent, entry kept: %s",
				   hook_quote(st->id, q, sizeof(q)), idbuf,
				   acid_ctx_errmsg(ctx));
			goto out;
		}
	}
	ret = 0;
out:
	acid_entry_free(e);
	acid_ctx_free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	struct hook h;
	int r = hook_init(&h, "acid-poststop", argc, argv, usage);

	if (r) {
		hook_fini(&h);
		return r < 0 ? 0 : r;
	}
	if (h.stage != OCI_STAGE_POSTSTOP) {
		hook_error(&h, "stage %s: acid-poststop runs at poststop "
			       "(acid-prestart at prestart or createRuntime)",
			   oci_stage_name(h.stage));
		hook_fini(&h);
		return 2;
	}
	r = unregister_container(&h);
	hook_fini(&h);
	return r;
}
