// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid events UUID|NAME: a container's own records and every event the
 * audit logs attribute to it (<acid/attribution.h> has the rules),
 * printed as ausearch prints events, so that what an auditor knows from
 * ausearch reads the same here. A printer on libacid-attribution.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs.h"
#include "tool.h"

static const char usage[] =
	"usage: acid events [--input FILE]... [-i | --raw | --json]\n"
	"                   [--no-prefilter] [--verbose] [--] UUID|NAME\n"
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
	"  --json          one JSON object per event, one per line (the\n"
	"                  schema of audisp-acid: OpenTelemetry/ECS names)\n"
	"  --no-prefilter  read every record with libauparse: slower, the\n"
	"                  reference the fast reader is checked against\n"
	"  --verbose       every warning about the logs (default: those\n"
	"                  about this container, and one line counting\n"
	"                  the rest)\n"
	"\n"
	"An event belongs to a container between its start and stop records:\n"
	"with a session tag (ses-tag=N, the runtime ran under acid-exec) when\n"
	"it carries ses=N; otherwise when its process descends from the\n"
	"container's init, as the pid= and ppid= of SYSCALL records show\n"
	"(audit rules for execve and clone/fork make that chain visible).\n"
	"A process that joined it from outside (runc exec, nsenter) is its\n"
	"from the link record (op=exec) acid-exec or audisp-acid wrote, and\n"
	"from the event the link names (trigger=) when it names one: the\n"
	"logs are then read twice (an input that is a pipe is read once:\n"
	"from the link record on). A namespace change record (resrc=ns) is\n"
	"listed as an event of the container it names.\n"
	"In an aggregating auditd's log (node= on every line) all of this\n"
	"holds per node: a container is its node and ID, and an event is\n"
	"only ever a container's of its own node; a NAME or UUID selects its\n"
	"runs on every node, each line showing its node=.\n"
	"\n"
	"Exit status: 0 success, 1 no such container or a log cannot be read,\n"
	"2 usage error.\n";

struct want {
	const char *arg;
	bool by_name; /* --name */
	bool is_id;
	char uuid[ACID_ID_STRLEN];
	size_t found;
	/* the IDs of the runs selected by name, so far */
	char (*ids)[ACID_ID_STRLEN];
	size_t nids;
};

/*
 * A UUID argument names one ID and never a name: runc and crun take a
 * container name shaped like another container's UUID.
 */
static bool matches_id(const struct want *w, const char *uuid,
		       const char *name)
{
	if (w->is_id)
		return uuid && strcmp(uuid, w->uuid) == 0;
	return name && strcmp(name, w->arg) == 0;
}

static bool matches(const struct acid_attr_container *c, const struct want *w)
{
	return matches_id(w, c->uuid, c->name);
}

/*
 * A warning about the container asked for is always printed: one that
 * names it, or the ID of a run of it (a claim of its ID under another
 * name).
 */
static bool asked(const struct acid_attr_warning *warn, void *arg)
{
	const struct want *w = arg;

	if (matches_id(w, warn->uuid, warn->name))
		return true;
	for (size_t i = 0; warn->uuid && i < w->nids; i++)
		if (strcmp(w->ids[i], warn->uuid) == 0)
			return true;
	return false;
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

static bool select_ctr(const struct acid_attr_container *c, void *arg)
{
	struct want *w = arg;
	bool yes = matches(c, w);

	if (yes && !w->is_id) {
		void *p = realloc(w->ids, (w->nids + 1) * sizeof(*w->ids));

		/* without memory: only its warnings are not all printed */
		if (p) {
			w->ids = p;
			memcpy(w->ids[w->nids++], c->uuid, ACID_ID_STRLEN);
		}
	}
	if (yes)
		w->found++;
	return yes;
}

/*
 * The events go to a temporary file first: the warnings about the
 * container, known at the end, come before them, as they always did.
 * Without a temporary file they go straight to stdout.
 */
struct out {
	enum acid_attr_format format;
	FILE *f;
};

static int print_event(const struct acid_attr_event *ev, void *arg)
{
	struct out *o = arg;

	/* a full disk: stop reading the logs */
	return acid_attr_event_write(ev, o->format, o->f) < 0 ? 1 : 0;
}

/* The temporary file to stdout; false when a write failed. */
static bool copy_out(FILE *f)
{
	char buf[65536];
	size_t n;

	if (fflush(f) != 0 || ferror(f) || fseek(f, 0, SEEK_SET) != 0)
		return false;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return false;
	return !ferror(f);
}

static void warn_ctr(const struct acid_attr_container *c)
{
	char q[256];

	if (c->forged)
		fprintf(stderr, "acid events: warning: container %s "
			"(\"%s\"): an acid record of it was sent by a "
			"process inside a container (forged?)\n",
			c->uuid, acid_attr_escape(c->name, q, sizeof(q)));
	if (c->conflict)
		fprintf(stderr, "acid events: warning: container %s "
			"(\"%s\"): two start records claim its ID "
			"(conflict): %s\n", c->uuid,
			acid_attr_escape(c->name, q, sizeof(q)),
			c->end == ACID_ATTR_END_DISPLACED
				? "this claim was displaced"
			: c->forged ? "this run is preferred"
				    : "this run, sent from outside any "
				      "container, is preferred");
}

enum { OPT_INPUT = 256, OPT_NAME, OPT_RAW, OPT_NO_PREFILTER, OPT_VERBOSE,
       OPT_JSON };

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "interpret", no_argument, NULL, 'i' },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ NULL, 0, NULL, 0 },
};

int cmd_events(int argc, char **argv)
{
	const char **inputs = NULL;
	struct want want = { 0 };
	struct out out = { .format = ACID_ATTR_RAW };
	struct logs logs = { .cmd = "events", .asked = asked,
			     .asked_arg = &want };
	struct acid_attr *a = NULL;
	bool raw = false, interpret = false, json = false;
	unsigned int flags = 0;
	char q[256];
	size_t n_inputs = 0;
	int c, r, ret = EXIT_RUNTIME;

	inputs = calloc((size_t)argc + 1, sizeof(*inputs));
	if (!inputs) {
		tool_error("events", "out of memory");
		return EXIT_RUNTIME;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hi", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			free(inputs);
			return 0;
		case 'i':
			interpret = true;
			break;
		case OPT_RAW:
			raw = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_NO_PREFILTER:
			flags |= ACID_ATTR_REFERENCE;
			break;
		case OPT_VERBOSE:
			logs.verbose = true;
			break;
		case OPT_INPUT:
			if (!*optarg) {
				tool_error("events", "--input needs a FILE");
				goto usage;
			}
			inputs[n_inputs++] = optarg;
			break;
		case OPT_NAME:
			if (!set_arg(&want, optarg))
				goto usage;
			want.by_name = true;
			break;
		case ':':
			tool_error("events", "%s", optopt == OPT_NAME
				   ? "--name needs a NAME"
				   : "--input needs a FILE");
			goto usage;
		default:
			if (optopt > 0 && optopt < 256)
				tool_error("events", "unknown option \"-%c\" "
					   "(see --help)", optopt);
			else
				tool_error("events", "unknown option \"%s\" "
					   "(see --help)", argv[optind - 1]);
			goto usage;
		}
	}
	for (; optind < argc; optind++)
		if (!set_arg(&want, argv[optind]))
			goto usage;
	if (!want.arg) {
		tool_error("events", "which container? give a UUID or a "
			   "NAME (see --help)");
		goto usage;
	}
	if (!*want.arg) {
		tool_error("events", "the container UUID or NAME is empty");
		goto usage;
	}
	if (raw + interpret + json > 1) {
		tool_error("events", "-i, --raw and --json exclude each other");
		goto usage;
	}
	if (interpret)
		out.format = ACID_ATTR_INTERPRET;
	if (json)
		out.format = ACID_ATTR_JSON;
	if (!want.by_name) {
		struct acid_id id;

		want.is_id = acid_id_parse(want.arg, &id) == 0 &&
			     acid_id_format(&id, want.uuid,
					    sizeof(want.uuid)) == 0;
	}

	out.f = tmpfile();
	if (!out.f)
		out.f = stdout;
	r = acid_attr_new(flags, &a);
	if (r < 0) {
		tool_error("events", "out of memory");
		goto out;
	}
	acid_attr_set_select(a, select_ctr, &want);
	acid_attr_set_event(a, print_event, &out);
	logs.flags = flags;
	r = logs_read(a, &logs, inputs, n_inputs);
	if (r < 0)
		goto out;
	logs_summary(&logs);
	if (r) {
		tool_error("events", "writing the events: %s",
			   strerror(errno ? errno : EIO));
		goto out;
	}
	if (!want.found) {
		tool_error("events", "no container \"%s\" in the audit logs",
			   acid_attr_escape(want.arg, q, sizeof(q)));
		goto out;
	}
	/* its records are printed all the same: the auditor decides */
	for (size_t i = 0; i < acid_attr_count(a); i++) {
		const struct acid_attr_container *ct = acid_attr_get(a, i);

		if (matches(ct, &want))
			warn_ctr(ct);
	}
	if ((out.f != stdout && !copy_out(out.f)) || fflush(stdout) != 0 ||
	    ferror(stdout)) {
		tool_error("events", "writing the events: %s",
			   strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	if (out.f && out.f != stdout)
		fclose(out.f);
	acid_attr_free(a);
	free(want.ids);
	free(inputs);
	return ret;
usage:
	free(inputs);
	return EXIT_USAGE;
}
