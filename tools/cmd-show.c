// SPDX-License-Identifier: LGPL-2.1-or-later
/* acid show PID: the container a live process belongs to. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static const char usage[] =
	"usage: acid show [--json] PID\n"
	"\n"
	"The registered container that process PID belongs to: its nearest\n"
	"registered ancestor, else the container whose pid (or mount)\n"
	"namespace it shares. Exit 1 when it is in none.\n";

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct acid_ctx *ctx;
	struct acid_entry *e;
	bool json = false;
	pid_t pid;
	int c, r;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		tool_error("show", "expected one PID (see --help)");
		return EXIT_USAGE;
	}
	if (!tool_parse_pid(argv[optind], &pid)) {
		tool_error("show", "\"%s\" is not a process ID", argv[optind]);
		return EXIT_USAGE;
	}
	ctx = tool_ctx("show");
	if (!ctx)
		return EXIT_RUNTIME;
	r = acid_lookup_pid(ctx, pid, &e);
	if (r == -ENOENT) {
		printf("process %d is not in a registered container\n",
		       (int)pid);
		acid_ctx_free(ctx);
		return EXIT_RUNTIME;
	}
	if (r < 0) {
		tool_error("show", "process %d: %s", (int)pid,
			   acid_strerror(r));
		acid_ctx_free(ctx);
		return EXIT_RUNTIME;
	}
	if (json)
		r = tool_print_json(ctx, &e, 1);
	else
		tool_print_entry(ctx, e);
	acid_entry_free(e);
	acid_ctx_free(ctx);
	return r < 0 ? EXIT_RUNTIME : 0;
}
