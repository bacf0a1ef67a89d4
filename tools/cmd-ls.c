// SPDX-License-Identifier: LGPL-2.1-or-later
/* acid ls: the registered containers, a table or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

static const char usage[] =
	"usage: acid ls [--json]\n"
	"\n"
	"The containers in the registry: UUID, name, init pid, state\n"
	"(running, or lost: its init is gone without a stop; see acid gc),\n"
	"registration time and bundle.\n";

static int by_time(const void *a, const void *b)
{
	int64_t x = acid_entry_time(*(struct acid_entry *const *)a);
	int64_t y = acid_entry_time(*(struct acid_entry *const *)b);

	return (x > y) - (x < y);
}

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct acid_entry **list;
	struct acid_ctx *ctx;
	bool json = false;
	size_t n;
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
	if (optind != argc) {
		tool_error("ls", "unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	r = tool_ctx_list("ls", &ctx, &list, &n);
	if (r)
		return r;
	if (n)
		qsort(list, n, sizeof(*list), by_time);
	if (json) {
		r = tool_print_json(ctx, list, n);
	} else {
		printf("%-36s  %-24s  %8s  %-7s  %-19s  %s\n", "UUID", "NAME",
		       "PID", "STATE", "SINCE", "BUNDLE");
		for (size_t i = 0; i < n; i++) {
			char id[ACID_ID_STRLEN], when[32];
			time_t t = (time_t)acid_entry_time(list[i]);
			struct tm tm;
			int alive = acid_entry_alive(ctx, list[i]);

			acid_id_format(acid_entry_id(list[i]), id, sizeof(id));
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
				 localtime_r(&t, &tm));
			printf("%-36s  %-24s  %8d  %-7s  %-19s  %s\n", id,
			       acid_entry_name(list[i]),
			       (int)acid_entry_pid(list[i]),
			       alive == 1 ? "running" : "lost", when,
			       acid_entry_bundle(list[i]));
		}
	}
	acid_list_free(list, n);
	acid_ctx_free(ctx);
	return r < 0 ? EXIT_RUNTIME : 0;
}
