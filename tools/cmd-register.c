// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid register / acid unregister: the library's calls for scripts and
 * orchestrators without a hook. register is fail-closed like the hook: a
 * registration whose record cannot be sent is undone (acid_start()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static const char register_usage[] =
	"usage: acid register --pid PID [--id UUID] [--name NAME] [--bundle DIR]\n"
	"\n"
	"Register process PID as the first process of a container (it must\n"
	"not have forked yet) and send the register record. Prints the\n"
	"container's UUID. Without --id a fresh one is made.\n";

static const char unregister_usage[] =
	"usage: acid unregister (--id UUID | --name NAME | --pid PID) [--reason WORD]\n"
	"\n"
	"Send the container's stop record (reason: exit by default; 1 to 32\n"
	"lower-case letters and '-') and remove its entry.\n";

int cmd_register(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *pidtext = NULL, *idtext = NULL;
	struct acid_reg req = { .size = sizeof(req) };
	struct acid_entry *e = NULL;
	struct acid_ctx *ctx;
	struct acid_id id;
	char buf[ACID_ID_STRLEN];
	int c, r, rec, ret = EXIT_RUNTIME;

	while ((c = getopt_long(argc, argv, "p:i:n:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pidtext = optarg;
			break;
		case 'i':
			idtext = optarg;
			break;
		case 'n':
			req.name = optarg;
			break;
		case 'b':
			req.bundle = optarg;
			break;
		case 'h':
			fputs(register_usage, stdout);
			return 0;
		default:
			fputs(register_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || !pidtext) {
		tool_error("register", "--pid is required (see --help)");
		return EXIT_USAGE;
	}
	if (!tool_parse_pid(pidtext, &req.pid)) {
		tool_error("register", "--pid \"%s\" is not a process ID",
			   pidtext);
		return EXIT_USAGE;
	}
	if (idtext) {
		if (acid_id_parse(idtext, &id) < 0) {
			tool_error("register", "--id \"%s\" is not a container ID",
				   idtext);
			return EXIT_USAGE;
		}
		req.id = &id;
	}
	if (req.bundle && req.bundle[0] != '/') {
		tool_error("register", "--bundle \"%s\" is not an absolute path",
			   req.bundle);
		return EXIT_USAGE;
	}
	ctx = tool_ctx("register");
	if (!ctx)
		return EXIT_RUNTIME;
	/* fail-closed, as the hook: a registration without its record is
	 * undone (or, where the record may be in the log, ended) */
	r = acid_start(ctx, &req, 0, &e, &rec);
	if (r < 0 && rec < 0) {
		tool_error("register", "pid %d: register record not sent, "
				       "registration undone: %s",
			   (int)req.pid, acid_ctx_errmsg(ctx));
		goto out;
	}
	if (r < 0) {
		tool_error("register", "pid %d: %s", (int)req.pid,
			   acid_ctx_errmsg(ctx));
		goto out;
	}
	acid_id_format(acid_entry_id(e), buf, sizeof(buf));
	printf("%s\n", buf);
	ret = 0;
out:
	acid_entry_free(e);
	acid_ctx_free(ctx);
	return ret;
}

int cmd_unregister(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *pid = NULL, *id = NULL, *name = NULL, *reason = "exit";
	struct acid_entry *e = NULL;
	struct acid_ctx *ctx;
	int c, r;

	while ((c = getopt_long(argc, argv, "p:i:n:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pid = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'h':
			fputs(unregister_usage, stdout);
			return 0;
		default:
			fputs(unregister_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		tool_error("unregister", "unexpected argument \"%s\"",
			   argv[optind]);
		return EXIT_USAGE;
	}
	if (!acid_stop_reason_valid(reason)) {
		tool_error("unregister", "--reason \"%s\": 1 to %d lower-case "
			   "letters and '-'", reason, ACID_REASON_MAX);
		return EXIT_USAGE;
	}
	ctx = tool_ctx("unregister");
	if (!ctx)
		return EXIT_RUNTIME;
	r = tool_find(ctx, "unregister", id, name, pid, &e);
	if (r) {
		acid_ctx_free(ctx);
		return r;
	}
	r = acid_unregister(ctx, e, reason);
	if (r < 0) {
		char buf[ACID_ID_STRLEN];

		acid_id_format(acid_entry_id(e), buf, sizeof(buf));
		tool_error("unregister", "%s: %s", buf, acid_ctx_errmsg(ctx));
	}
	acid_entry_free(e);
	acid_ctx_free(ctx);
	return r < 0 ? EXIT_RUNTIME : 0;
}
