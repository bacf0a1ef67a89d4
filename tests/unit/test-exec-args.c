// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test-exec-args - where acid-exec finds the container id in a runtime's
 * `exec` command line (tools/exec-args.c): a table of command lines as
 * runc, crun, podman's conmon and people write them, and the argument(s)
 * that may be the id. The bats tests (exec-session.bats) run the real
 * runtimes under acid-exec; this walks the corners of the grammar.
 */
#include <string.h>

#include "exec-args.h"

#include "tap.h"

/* the id is the argument spelled "ID" (or "ID2" for a second reading) */
static const struct row {
	const char *what;
	const char *argv[24];
	unsigned int want;	/* how many places; 0: none */
} rows[] = {
	{ "runc exec ID cmd", { "runc", "exec", "ID", "sh" }, 1 },
	{ "no subcommand", { "runc" }, 0 },
	{ "run, not exec", { "runc", "run", "-d", "ID" }, 0 },
	{ "exec without an id", { "runc", "exec" }, 0 },
	{ "exec with options only", { "runc", "exec", "-t", "--cwd", "/" }, 0 },
	{ "global --root DIR", { "runc", "--root", "/r", "exec", "ID" }, 1 },
	{ "global --root=DIR", { "runc", "--root=/exec", "exec", "ID" }, 1 },
	{ "global Go style -root DIR", { "runc", "-root", "exec", "exec",
					 "ID" }, 1 },
	{ "global --log FILE --log-format json --debug --systemd-cgroup",
	  { "runc", "--log", "exec", "--log-format", "json", "--debug",
	    "--systemd-cgroup", "exec", "ID" }, 1 },
	{ "global --criu X --rootless false",
	  { "runc", "--criu", "c", "--rootless", "false", "exec", "ID" }, 1 },
	{ "crun --cgroup-manager=systemd", { "crun", "--cgroup-manager=systemd",
					     "exec", "ID" }, 1 },
	{ "crun --cgroup-manager cgroupfs", { "crun", "--cgroup-manager",
					      "exec", "exec", "ID" }, 1 },
	{ "global --help", { "runc", "--help", "exec", "x" }, 0 },
	{ "global -v", { "runc", "-v", "exec", "x" }, 0 },
	{ "exec --help", { "runc", "exec", "--help", "x" }, 0 },
	{ "exec -h", { "runc", "exec", "-h", "x" }, 0 },
	{ "crun exec -?", { "crun", "exec", "-?", "x" }, 0 },
	{ "-p FILE", { "runc", "exec", "-p", "/p.json", "ID" }, 1 },
	{ "--process FILE", { "runc", "exec", "--process", "x", "ID" }, 1 },
	{ "--process=FILE", { "runc", "exec", "--process=x", "ID" }, 1 },
	{ "-pFILE (argp)", { "crun", "exec", "-px", "ID" }, 1 },
	{ "-p=FILE (Go)", { "runc", "exec", "-p=x", "ID" }, 1 },
	{ "every valued option", { "runc", "exec", "--console-socket", "s",
				   "--cwd", "/", "-e", "A=1", "--env", "B=2",
				   "-u", "0:0", "--user", "1", "-g", "5",
				   "--pid-file", "f", "ID" }, 1 },
	{ "more valued options", { "runc", "exec", "--process-label", "l",
				   "--apparmor", "a", "--cap", "CAP_X", "-c",
				   "CAP_Y", "--preserve-fds", "1", "--cgroup",
				   "c", "--additional-gids", "7", "ID" }, 1 },
	{ "every flag", { "runc", "exec", "-t", "--tty", "-d", "--detach",
			  "--no-new-privs", "--ignore-paused", "ID", "x" }, 1 },
	{ "--tty=false (Go bool)", { "runc", "exec", "--tty=false", "ID" }, 1 },
	{ "a cluster of flags -dt", { "crun", "exec", "-dt", "ID" }, 1 },
	{ "a cluster ending in a valued one -dp FILE",
	  { "crun", "exec", "-dp", "f", "ID" }, 1 },
	{ "a cluster with the value attached -turoot",
	  { "crun", "exec", "-turoot", "ID" }, 1 },
	{ "argp prefix --proc FILE", { "crun", "exec", "--proc", "f", "ID" },
	  1 },
	{ "argp prefix --det", { "crun", "exec", "--det", "ID" }, 1 },
	{ "an ambiguous prefix of valued options --pr FILE",
	  { "crun", "exec", "--pr", "f", "ID" }, 1 },
	{ "-- ends the options", { "runc", "exec", "--", "ID", "-t" }, 1 },
	{ "-- after options, then the id",
	  { "runc", "exec", "-t", "--", "ID", "-t" }, 1 },
	{ "-- then an id that looks like an option",
	  { "runc", "exec", "--", "-e", "x" }, 1 },
	{ "the command's own options are not ours",
	  { "runc", "exec", "ID", "ls", "-p", "--root" }, 1 },
	{ "podman's conmon", { "/usr/bin/runc", "--root", "/run/runc",
			       "--systemd-cgroup", "exec", "-d", "--pid-file",
			       "/p", "--process", "/q", "--console-socket",
			       "/s", "ID" }, 1 },
	{ "an unknown option with =value", { "runc", "exec", "--new=1", "ID" },
	  1 },
	{ "an unknown option: both readings", { "runc", "exec", "--new",
						"ID", "ID2", "x" }, 2 },
	{ "an unknown global option: both readings",
	  { "runc", "--new", "exec", "ID", "x" }, 1 },
	{ "an unknown short option: both readings",
	  { "runc", "exec", "-Z", "ID", "ID2" }, 2 },
};

int main(void)
{
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *row = &rows[r];
		int argc = 0, ids[EXEC_ARGS_MAX];
		size_t n;
		bool right = true;

		while (row->argv[argc])
			argc++;
		n = exec_args_ids(argc, (char *const *)row->argv, ids);
		for (size_t k = 0; k < n; k++)
			if (strcmp(row->argv[ids[k]], k ? "ID2" : "ID") &&
			    strcmp(row->argv[ids[k]], "-e"))
				right = false;
		ok(n == row->want && right, "%s: %zu place(s), want %u%s",
		   row->what, n, row->want, right ? "" : ", a wrong one");
	}
	return tap_done();
}
