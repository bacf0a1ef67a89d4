/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the acid tool's subcommands share. Each subcommand is a file
 * cmd-<name>.c with one entry point; exit codes are SPEC's: 0 success,
 * 1 runtime failure, 2 usage error.
 */
#ifndef ACID_TOOL_H
#define ACID_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

#include <acid/libacid.h>

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

int cmd_show(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_unregister(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_seccomp(int argc, char **argv);

/* "acid <cmd>: <message>" on stderr, one line. */
void tool_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A pid argument: digits only, 1 .. ACID_PID_MAX. */
bool tool_parse_pid(const char *s, pid_t *out);

/* A context, or an error line and NULL. */
struct acid_ctx *tool_ctx(const char *cmd);

/*
 * A context and every registry entry, or an error line: 0, or the exit
 * status to leave with. Free with acid_list_free() and acid_ctx_free().
 */
int tool_ctx_list(const char *cmd, struct acid_ctx **ctx,
		  struct acid_entry ***list, size_t *n);

/* An entry, as text (show) or as one JSON object (ls --json). */
void tool_print_entry(const struct acid_ctx *ctx, const struct acid_entry *e);
/* The JSON array of entries; returns 0 or -errno. */
int tool_print_json(const struct acid_ctx *ctx, struct acid_entry **list,
		    size_t n);

/* Which entry a --id/--name/--pid selector names. */
int tool_find(struct acid_ctx *ctx, const char *cmd, const char *id,
	      const char *name, const char *pid, struct acid_entry **out);

#endif
