// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid events UUID|NAME: a container's own records and every event the
 * audit logs attribute to it (auditlog.h has the rules), printed as
 * ausearch prints events, so that what an auditor knows from ausearch
 * reads the same here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditlog.h"
#include "tool.h"

static const char usage[] =
	"usage: acid events [--input FILE]... [-i | --raw] [--no-prefilter]\n"
	"                   [--] UUID|NAME\n"
	"       acid events [options] --name NAME\n"
	"\n"
	"The audit records of a container: its own start and stop records\n"
	"(VIRT_CONTROL) and every event attributed to it, as ausearch prints\n"
	"them. UUID is its container ID (a UUID argument never matches a\n"
	"name); NAME its OCI container id, which selects every run of that\n"
	"name in the logs. --name NAME takes NAME as a name even when it is\n"
	"shaped like a UUID.\n"
	"\n"
	"  --input FILE    read FILE instead of auditd's logs; repeat for\n"
	"                  several, oldest first (default: log_file of\n"
	"                  /etc/audit/auditd.conf and its rotated files)\n"
	"  -i, --interpret numbers and codes as text, as ausearch -i\n"
	"  --raw           the records as they are in the log (the default)\n"
	"  --no-prefilter  read every record with libauparse: slower, the\n"
	"                  reference the fast reader is checked against\n"
	"\n"
	"An event belongs to a container between its start and stop records:\n"
	"with a session tag (ses-tag=N, the runtime ran under acid-exec) when\n"
	"it carries ses=N; otherwise when its process descends from the\n"
	"container's init, as the pid= and ppid= of SYSCALL records show\n"
	"(audit rules for execve and clone/fork make that chain visible).\n"
	"\n"
	"Exit status: 0 success, 1 no such container or a log cannot be read,\n"
	"2 usage error.\n";

struct want {
	const char *arg;
	bool by_name; /* --name */
	bool is_id;
	char uuid[ACID_ID_STRLEN];
	size_t found;
};

/*
 * A UUID argument names one ID and never a name: runc and crun take a
 * container name shaped like another container's UUID.
 */
static bool matches(const struct al_container *c, const struct want *w)
{
	if (w->is_id)
		return strcmp(c->uuid, w->uuid) == 0;
	return strcmp(c->name, w->arg) == 0;
}

/* The one container argument; a second is a usage error. */
static bool set_arg(struct want *w, const char *a)
{
	if (w->arg) {
		tool_error("events", "one container only: \"%s\" and \"%s\" "
			   "(see --help)", w->arg, a);
		return false;
	}
	w->arg = a;
	return true;
}

static bool select_ctr(const struct al_container *c, void *arg)
{
	struct want *w = arg;
	bool yes = matches(c, w);

	if (yes)
		w->found++;
	return yes;
}

struct out {
	bool interpret;
};

static int print_event(struct al_log *log, auparse_state_t *au, void *arg)
{
	struct out *o = arg;

	if (o->interpret)
		al_print_interpreted(au, stdout);
	else
		al_print_raw(log, au, stdout);
	/* a closed pipe or a full disk: stop reading the logs */
	return ferror(stdout) ? -EIO : 0;
}

int cmd_events(int argc, char **argv)
{
	const char **inputs = NULL;
	struct al_opts opts = { .cmd = "events" };
	struct want want = { 0 };
	struct out out = { 0 };
	struct al_log *log = NULL;
	bool raw = false, only_args = false;
	char err[512], q[256];
	size_t n_inputs = 0;
	int r, ret = EXIT_RUNTIME;

	inputs = calloc((size_t)argc + 1, sizeof(*inputs));
	if (!inputs) {
		tool_error("events", "out of memory");
		return EXIT_RUNTIME;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_args || a[0] != '-' || !a[1]) {
			if (!set_arg(&want, a))
				goto usage;
		} else if (strcmp(a, "--name") == 0 ||
			   strncmp(a, "--name=", 7) == 0) {
			const char *n = a[6] == '=' ? a + 7
				      : i + 1 < argc ? argv[++i] : NULL;

			if (!n) {
				tool_error("events", "--name needs a NAME");
				goto usage;
			}
			if (!set_arg(&want, n))
				goto usage;
			want.by_name = true;
		} else if (strcmp(a, "--") == 0) {
			only_args = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			free(inputs);
			return 0;
		} else if (strcmp(a, "-i") == 0 ||
			   strcmp(a, "--interpret") == 0) {
			out.interpret = true;
		} else if (strcmp(a, "--raw") == 0) {
			raw = true;
		} else if (strcmp(a, "--no-prefilter") == 0) {
			opts.reference = true;
		} else if (strcmp(a, "--input") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				tool_error("events", "--input needs a FILE");
				goto usage;
			}
			inputs[n_inputs++] = argv[++i];
		} else if (strncmp(a, "--input=", 8) == 0) {
			if (!a[8]) {
				tool_error("events", "--input needs a FILE");
				goto usage;
			}
			inputs[n_inputs++] = a + 8;
		} else {
			tool_error("events", "unknown option \"%s\" (see "
				   "--help)", a);
			goto usage;
		}
	}
	if (!want.arg) {
		tool_error("events", "which container? give a UUID or a "
			   "NAME (see --help)");
		goto usage;
	}
	if (!*want.arg) {
		tool_error("events", "the container UUID or NAME is empty");
		goto usage;
	}
	if (raw && out.interpret) {
		tool_error("events", "-i and --raw exclude each other");
		goto usage;
	}
	if (!want.by_name) {
		struct acid_id id;

		want.is_id = acid_id_parse(want.arg, &id) == 0 &&
			     acid_id_format(&id, want.uuid,
					    sizeof(want.uuid)) == 0;
	}
	if (n_inputs) {
		opts.inputs = inputs;
		opts.n_inputs = n_inputs;
	}

	r = al_open(&opts, &log, err, sizeof(err));
	if (r < 0) {
		tool_error("events", "%s", err);
		goto out;
	}
	r = al_scan(log, select_ctr, &want, err, sizeof(err));
	if (r < 0) {
		tool_error("events", "%s", err);
		goto out;
	}
	if (!want.found) {
		tool_error("events", "no container \"%s\" in the audit logs",
			   al_escape(want.arg, q, sizeof(q)));
		goto out;
	}
	/* its records are printed all the same: the auditor decides */
	for (size_t i = 0; i < al_count(log); i++) {
		const struct al_container *c = al_get(log, i);

		if (!matches(c, &want))
			continue;
		if (c->forged)
			fprintf(stderr, "acid events: warning: container %s "
				"(\"%s\"): an acid record of it was sent by a "
				"process inside a container (forged?)\n",
				c->uuid, al_escape(c->name, q, sizeof(q)));
		if (c->conflict)
			fprintf(stderr, "acid events: warning: container %s "
				"(\"%s\"): two start records claim its ID "
				"(conflict): %s\n", c->uuid,
				al_escape(c->name, q, sizeof(q)),
				c->end == AL_END_DISPLACED
					? "this claim was displaced"
				: c->forged ? "this run is preferred"
					    : "this run, sent from outside any "
					      "container, is preferred");
	}
	r = al_replay(log, !out.interpret, print_event, &out, err,
		      sizeof(err));
	if (fflush(stdout) != 0 || ferror(stdout) || r == -EIO) {
		tool_error("events", "writing the events: %s",
			   strerror(errno ? errno : EIO));
		goto out;
	}
	if (r < 0) {
		tool_error("events", "%s", err);
		goto out;
	}
	ret = 0;
out:
	al_close(log);
	free(inputs);
	return ret;
usage:
	free(inputs);
	return EXIT_USAGE;
}
