// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid: which container a process or an audit event belongs to, and what
 * a container did. One binary, one file per subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "tool.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "show", cmd_show, "the container a live process belongs to" },
	{ "ls", cmd_ls, "the registered containers" },
	{ "register", cmd_register, "register a process as a container's first" },
	{ "unregister", cmd_unregister, "end a registered container" },
	{ "events", cmd_events, "a container's records and every kernel event it caused" },
	{ "report", cmd_report, "every container in the audit logs" },
	{ "gc", cmd_gc, "end containers whose init is gone without a stop" },
	{ "seccomp", cmd_seccomp, "add acid's audit-socket rule to an OCI config" },
};

static void usage(FILE *f)
{
	fputs("usage: acid COMMAND [ARGS...]   (acid COMMAND --help)\n\n", f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, cmds[i].what);
	fputs("\nEnvironment: ACID_STATE_DIR (registry, default /run/acid),\n"
	      "ACID_PROC_ROOT (procfs, default /proc).\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n"
	      "acid --version: the version of acid.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("acid " ACID_TOOL_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "acid: unknown command \"%s\" (see acid --help)\n",
		argv[1]);
	return EXIT_USAGE;
}
