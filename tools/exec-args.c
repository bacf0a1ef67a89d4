// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which container a runtime's `exec` command line names (exec-args.h).
 *
 * runc (Go's flag package under urfave/cli) and crun (glibc's argp) read
 * the same shape: global options, the subcommand, its options, then the
 * first argument that is no option: the container id. They differ in the
 * details, and both are taken:
 *   --opt value, --opt=value (both); -opt value, -opt=value (Go: one dash
 *   is two); -pVALUE and clusters of short flags such as -dt (argp);
 *   unique prefixes of long options, --proc for --process (argp); "--"
 *   ends the options (both).
 * The tables hold the union of runc 1.1's and crun 1.8's options (none
 * takes a value in one and not the other). An option in neither may be a
 * newer runtime's: given as --opt=value it is read past, otherwise it may
 * or may not take the next argument, and both readings are followed.
 */
#include <stdbool.h>
#include <string.h>

#include "exec-args.h"

struct opt {
	const char *name;	/* long name, or one letter: a short option */
	bool value;		/* takes a value */
	bool stop;		/* help or version: the runtime runs nothing */
};

static const struct opt global_opts[] = {
	{ "debug", false, false },	  { "systemd-cgroup", false, false },
	{ "log", true, false },		  { "log-format", true, false },
	{ "root", true, false },	  { "criu", true, false },
	{ "rootless", true, false },	  { "cgroup-manager", true, false },
	{ "help", false, true },	  { "h", false, true },
	{ "?", false, true },		  { "usage", false, true },
	{ "version", false, true },	  { "v", false, true },
	{ "V", false, true },		  { NULL, false, false },
};

static const struct opt exec_opts[] = {
	{ "console-socket", true, false }, { "cwd", true, false },
	{ "env", true, false },		   { "e", true, false },
	{ "user", true, false },	   { "u", true, false },
	{ "additional-gids", true, false }, { "g", true, false },
	{ "process", true, false },	   { "p", true, false },
	{ "pid-file", true, false },	   { "process-label", true, false },
	{ "apparmor", true, false },	   { "cap", true, false },
	{ "c", true, false },		   { "preserve-fds", true, false },
	{ "cgroup", true, false },
	/* crun's --tty takes an optional value, only as --tty=VALUE */
	{ "tty", false, false },	   { "t", false, false },
	{ "detach", false, false },	   { "d", false, false },
	{ "no-new-privs", false, false },  { "ignore-paused", false, false },
	{ "help", false, true },	   { "h", false, true },
	{ "?", false, true },		   { "usage", false, true },
	{ NULL, false, false },
};

/* what an argument that starts with '-' is */
enum arg_kind {
	ARG_ONE,	/* an option, alone (a flag, or its value attached) */
	ARG_TWO,	/* an option whose value is the next argument */
	ARG_STOP,	/* help or version */
	ARG_UNKNOWN,	/* an option the tables lack, no value attached */
};

/*
 * The long option @name (@len bytes): exactly, else (argp) every option
 * it is a prefix of, when they agree. NULL: none, or they disagree.
 */
static const struct opt *find_long(const struct opt *t, const char *name,
				   size_t len)
{
	const struct opt *hit = NULL;

	if (len < 2)
		return NULL;
	for (const struct opt *o = t; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	for (const struct opt *o = t; o->name; o++) {
		if (strlen(o->name) < 2 || strncmp(o->name, name, len))
			continue;
		if (hit && (hit->value != o->value || hit->stop != o->stop))
			return NULL;
		hit = o;
	}
	return hit;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (const struct opt *o = t; o->name; o++)
		if (o->name[0] == c && o->name[1] == '\0')
			return o;
	return NULL;
}

static enum arg_kind classify(const struct opt *t, const char *a)
{
	const char *name = a + (a[1] == '-' ? 2 : 1);
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = find_long(t, name, len);

	/* "--name", or Go's "-name" */
	if (o || a[1] == '-') {
		if (!o)
			return eq ? ARG_ONE : ARG_UNKNOWN;
		if (o->stop)
			return ARG_STOP;
		return o->value && !eq ? ARG_TWO : ARG_ONE;
	}
	/* short options, argp's way: flags, then at most one with a value */
	for (const char *p = name; *p; p++) {
		o = find_short(t, *p);
		if (!o)
			return strchr(p, '=') ? ARG_ONE : ARG_UNKNOWN;
		if (o->stop)
			return ARG_STOP;
		if (o->value)
			return p[1] ? ARG_ONE : ARG_TWO;
	}
	return ARG_ONE;
}

struct found {
	int ids[EXEC_ARGS_MAX];
	size_t n;
};

static void add(struct found *f, int i)
{
	size_t k;

	for (k = 0; k < f->n; k++)
		if (f->ids[k] == i)
			return;
	if (f->n == EXEC_ARGS_MAX)
		return;
	/* kept in order */
	for (k = f->n; k > 0 && f->ids[k - 1] > i; k--)
		f->ids[k] = f->ids[k - 1];
	f->ids[k] = i;
	f->n++;
}

/*
 * Read @argv from @i on, in the global options (@in_exec false) or
 * exec's; @forks: how many more unknown options may fork the reading.
 */
static void walk(int argc, char *const argv[], int i, bool in_exec,
		 int forks, struct found *f)
{
	bool opts_end = false;

	while (i < argc) {
		const char *a = argv[i];

		if (!opts_end && !strcmp(a, "--")) {
			opts_end = true;
			i++;
			continue;
		}
		if (opts_end || a[0] != '-' || a[1] == '\0') {
			if (in_exec) {
				add(f, i);
				return;
			}
			if (strcmp(a, "exec"))
				return;
			/* "--" before the subcommand ends the global ones */
			in_exec = true;
			opts_end = false;
			i++;
			continue;
		}
		switch (classify(in_exec ? exec_opts : global_opts, a)) {
		case ARG_ONE:
			i++;
			break;
		case ARG_TWO:
			i += 2;
			break;
		case ARG_STOP:
			return;
		case ARG_UNKNOWN:
			if (forks > 0)
				walk(argc, argv, i + 2, in_exec, forks - 1, f);
			forks = forks > 0 ? forks - 1 : 0;
			i++;
			break;
		}
	}
}

size_t exec_args_ids(int argc, char *const argv[], int ids[EXEC_ARGS_MAX])
{
	struct found f = { .n = 0 };

	if (argc > 1)
		walk(argc, argv, 1, false, 3, &f);
	memcpy(ids, f.ids, f.n * sizeof(ids[0]));
	return f.n;
}
