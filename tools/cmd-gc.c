// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid gc: containers whose init process is gone without a stop record.
 * Runtimes skip poststop in some failure paths (runc when deleting its
 * state fails, CRI-O before RemoveContainer), and a hook can be killed.
 * Each such entry gets a stop record with reason=lost and is removed.
 * Safe while hooks run: acid_unregister() ends a container once, whoever
 * comes first, and a live container is never touched.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static const char usage[] =
	"usage: acid gc [--dry-run]\n"
	"\n"
	"Send a stop record with reason=lost for every registered container\n"
	"whose init process is gone, and remove its entry; remove the files\n"
	"interrupted writers left and repair the index of names. --dry-run\n"
	"lists the lost containers only.\n";

int cmd_gc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct acid_entry **list;
	struct acid_ctx *ctx;
	bool dry = false;
	size_t n, failed = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		tool_error("gc", "unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	r = tool_ctx_list("gc", &ctx, &list, &n);
	if (r)
		return r;
	if (!dry) {
		size_t removed;

		r = acid_registry_clean(ctx, &removed);
		if (r < 0) {
			tool_error("gc", "%s: %s", acid_ctx_state_dir(ctx),
				   acid_ctx_errmsg(ctx));
			failed++;
		} else if (removed) {
			printf("removed %zu file%s left by interrupted writers\n",
			       removed, removed == 1 ? "" : "s");
		}
	}
	for (size_t i = 0; i < n; i++) {
		char id[ACID_ID_STRLEN];

		if (acid_entry_alive(ctx, list[i]) != 0)
			continue;
		acid_id_format(acid_entry_id(list[i]), id, sizeof(id));
		if (dry) {
			printf("lost %s %s (pid %d)\n", id,
			       acid_entry_name(list[i]),
			       (int)acid_entry_pid(list[i]));
			continue;
		}
		r = acid_unregister(ctx, list[i], "lost");
		if (r == -ENOENT)
			continue; /* its poststop came first */
		if (r < 0) {
			tool_error("gc", "%s (%s): %s", id,
				   acid_entry_name(list[i]), acid_ctx_errmsg(ctx));
			failed++;
			continue;
		}
		printf("lost %s %s (pid %d): stop record sent, entry removed\n",
		       id, acid_entry_name(list[i]),
		       (int)acid_entry_pid(list[i]));
	}
	acid_list_free(list, n);
	acid_ctx_free(ctx);
	return failed ? EXIT_RUNTIME : 0;
}
