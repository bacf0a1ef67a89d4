// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid report: one line per container run in the audit logs - when it
 * lived, what became of it, how many events it is charged with - laid out
 * as aureport lays out its reports. A printer on libacid-attribution: the
 * containers it read, after the end of the logs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs.h"
#include "tool.h"

static const char usage[] =
	"usage: acid report [--input FILE]... [--json] [--no-prefilter]\n"
	"                   [--verbose]\n"
	"\n"
	"Every container run in the audit logs, one line each: its ID, name,\n"
	"start, stop (or \"running\": no stop record and its init is alive;\n"
	"\"lost\": its init is gone without a stop record, or acid gc sent\n"
	"reason=lost), duration, and the number of events attributed to it\n"
	"(acid events lists them; a process that joined it, runc exec or\n"
	"nsenter, counts from its link record, or from the event the link\n"
	"names). \"forged?\": one of its acid records (start, stop, link,\n"
	"namespace change) was sent by a process inside a container.\n"
	"\"conflict\": another start record claimed its ID while it ran; the\n"
	"claim sent from outside any container is preferred (else the\n"
	"first), the other is \"displaced\" (STOP): no run from then on, or\n"
	"never one. NODE: the node= name of\n"
	"its records (\"-\": none), shown when the logs are an aggregating\n"
	"auditd's, where the machines' pids, sessions and IDs are kept apart;\n"
	"a run of a node with no stop record is \"no stop\" (this machine\n"
	"cannot see whether its init still runs).\n"
	"\n"
	"  --input FILE    read FILE instead of auditd's logs; repeat for\n"
	"                  several, oldest first\n"
	"  --json          instead of the table, every event of the logs as\n"
	"                  one JSON object per line, attributed: what the\n"
	"                  plugin audisp-acid writes, for logs read after the\n"
	"                  fact (an event of no container has no \"container\")\n"
	"  --no-prefilter  read every record with libauparse (slower)\n"
	"  --verbose       every warning about the logs (default: one line\n"
	"                  that counts them)\n"
	"\n"
	"Exit status: 0 success, 1 a log cannot be read, 2 usage error.\n";

enum {
	C_NUM, C_NODE, C_ID, C_NAME, C_START, C_STOP, C_DUR, C_EVENTS, C_FLAGS,
	C_N
};

static const char *const heads[C_N] = {
	"#", "NODE", "ID", "NAME", "START", "STOP", "DURATION", "EVENTS",
	"FLAGS",
};

struct row {
	char cell[C_N][160];
};

static void fmt_time(const struct acid_attr_stamp *s, char *buf, size_t len)
{
	time_t t = (time_t)s->sec;
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%m/%d/%y %H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

/* Milliseconds as H:MM:SS.mmm (hours unbounded). */
static void fmt_dur(int64_t ms, const char *prefix, const char *suffix,
		    char *buf, size_t len)
{
	if (ms < 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s%" PRId64 ":%02d:%02d.%03d%s", prefix,
		 ms / 3600000, (int)(ms / 60000 % 60), (int)(ms / 1000 % 60),
		 (int)(ms % 1000), suffix);
}

static int64_t ms_of(const struct acid_attr_stamp *s)
{
	return s->sec * 1000 + s->milli;
}

static void fill_row(const struct acid_attr_container *c, size_t num,
		     struct row *row)
{
	enum acid_attr_state st = acid_attr_state(c, NULL);
	char *f = row->cell[C_FLAGS];
	struct timespec now;

	snprintf(row->cell[C_NUM], sizeof(row->cell[C_NUM]), "%zu.", num);
	/* the local node, in an aggregator's log with others: "-" */
	acid_attr_escape(c->node ? c->node : "-", row->cell[C_NODE],
			 sizeof(row->cell[C_NODE]));
	snprintf(row->cell[C_ID], sizeof(row->cell[C_ID]), "%s", c->uuid);
	acid_attr_escape(c->name[0] ? c->name : "?", row->cell[C_NAME],
		  sizeof(row->cell[C_NAME]));
	if (c->has_start)
		fmt_time(&c->start, row->cell[C_START],
			 sizeof(row->cell[C_START]));
	else
		snprintf(row->cell[C_START], sizeof(row->cell[C_START]),
			 "before the logs");

	switch (st) {
	case ACID_ATTR_STATE_ENDED:
		fmt_time(&c->stop, row->cell[C_STOP],
			 sizeof(row->cell[C_STOP]));
		fmt_dur(c->has_start ? ms_of(&c->stop) - ms_of(&c->start) : -1,
			"", "", row->cell[C_DUR], sizeof(row->cell[C_DUR]));
		break;
	case ACID_ATTR_STATE_RUNNING:
		snprintf(row->cell[C_STOP], sizeof(row->cell[C_STOP]),
			 "running");
		clock_gettime(CLOCK_REALTIME, &now);
		/* so far: it is still growing */
		fmt_dur((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
				ms_of(&c->start),
			"", "+", row->cell[C_DUR], sizeof(row->cell[C_DUR]));
		break;
	case ACID_ATTR_STATE_DISPLACED:
		snprintf(row->cell[C_STOP], sizeof(row->cell[C_STOP]),
			 "displaced");
		snprintf(row->cell[C_DUR], sizeof(row->cell[C_DUR]), "-");
		break;
	case ACID_ATTR_STATE_UNKNOWN:
		/* another machine's run, not stopped in these logs */
		snprintf(row->cell[C_STOP], sizeof(row->cell[C_STOP]),
			 "no stop");
		snprintf(row->cell[C_DUR], sizeof(row->cell[C_DUR]), "?");
		break;
	case ACID_ATTR_STATE_LOST:
		snprintf(row->cell[C_STOP], sizeof(row->cell[C_STOP]), "lost");
		/* acid gc's record is when the loss was seen: at most that */
		if (c->end == ACID_ATTR_END_STOP && c->has_start)
			fmt_dur(ms_of(&c->stop) - ms_of(&c->start), "<=", "",
				row->cell[C_DUR], sizeof(row->cell[C_DUR]));
		else
			snprintf(row->cell[C_DUR], sizeof(row->cell[C_DUR]),
				 "?");
		break;
	}
	snprintf(row->cell[C_EVENTS], sizeof(row->cell[C_EVENTS]),
		 "%" PRIu64, c->events);
	snprintf(f, sizeof(row->cell[C_FLAGS]), "%s%s%s",
		 c->forged ? "forged?" : "",
		 c->forged && c->conflict ? "," : "",
		 c->conflict ? "conflict" : "");
	if (!*f)
		strcpy(f, "-");
}

/*
 * A column of width 0 is not printed: NODE, when no container's records
 * carry node= (a machine's own log: the report as it always was).
 */
static void print_line(const struct row *r, const size_t *w)
{
	for (int k = 0; k < C_N; k++) {
		if (!w[k])
			continue;
		/* numbers right-aligned, text left; no padding at the end */
		if (k == C_EVENTS)
			printf("%*s", (int)w[k], r->cell[k]);
		else if (k == C_FLAGS)
			printf("%s", r->cell[k]);
		else
			printf("%-*s", (int)w[k], r->cell[k]);
		if (k != C_N - 1)
			fputs("  ", stdout);
	}
	putchar('\n');
}

static bool select_all(const struct acid_attr_container *c, void *arg)
{
	return true;
}

/* --json: every event, as audisp-acid writes it; a failed write stops. */
static int print_json(const struct acid_attr_event *ev, void *arg)
{
	return acid_attr_event_write(ev, ACID_ATTR_JSON, stdout) < 0 ? 1 : 0;
}

enum { OPT_INPUT = 256, OPT_NO_PREFILTER, OPT_VERBOSE, OPT_JSON };

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-prefilter", no_argument, NULL, OPT_NO_PREFILTER },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	const char **inputs = NULL;
	struct logs logs = { .cmd = "report" };
	struct acid_attr *log = NULL;
	struct row *rows = NULL, head;
	size_t n_inputs = 0, n, w[C_N] = { 0 }, total = 0;
	bool nodes = false;
	unsigned int flags = 0;
	bool json = false;
	int c, r, ret = EXIT_RUNTIME;

	inputs = calloc((size_t)argc + 1, sizeof(*inputs));
	if (!inputs) {
		tool_error("report", "out of memory");
		return EXIT_RUNTIME;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			free(inputs);
			return 0;
		case OPT_NO_PREFILTER:
			flags |= ACID_ATTR_REFERENCE;
			break;
		case OPT_VERBOSE:
			logs.verbose = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_INPUT:
			if (!*optarg) {
				tool_error("report", "--input needs a FILE");
				goto usage;
			}
			inputs[n_inputs++] = optarg;
			break;
		case ':':
			tool_error("report", "--input needs a FILE");
			goto usage;
		default:
			if (optopt > 0 && optopt < 256)
				tool_error("report", "unknown option \"-%c\" "
					   "(see --help)", optopt);
			else
				tool_error("report", "unknown option \"%s\" "
					   "(see --help)", argv[optind - 1]);
			goto usage;
		}
	}
	if (optind < argc) {
		tool_error("report", "unexpected argument \"%s\" (see --help)",
			   argv[optind]);
		goto usage;
	}
	if (json)
		flags |= ACID_ATTR_ALL;
	r = acid_attr_new(flags, &log);
	if (r < 0) {
		tool_error("report", "out of memory");
		goto out;
	}
	if (json) {
		acid_attr_set_select(log, select_all, NULL);
		acid_attr_set_event(log, print_json, NULL);
	}
	logs.flags = flags;
	r = logs_read(log, &logs, inputs, n_inputs);
	if (r < 0)
		goto out;
	logs_summary(&logs);
	if (json) {
		if (r || fflush(stdout) != 0 || ferror(stdout)) {
			tool_error("report", "writing the events: %s",
				   strerror(errno ? errno : EIO));
			goto out;
		}
		ret = 0;
		goto out;
	}
	n = acid_attr_count(log);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		tool_error("report", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		nodes = nodes || acid_attr_get(log, i)->node;
	for (int k = 0; k < C_N; k++) {
		snprintf(head.cell[k], sizeof(head.cell[k]), "%s", heads[k]);
		w[k] = k != C_NODE || nodes ? strlen(heads[k]) : 0;
	}
	for (size_t i = 0; i < n; i++) {
		fill_row(acid_attr_get(log, i), i + 1, &rows[i]);
		for (int k = 0; k < C_N; k++)
			if (w[k] && strlen(rows[i].cell[k]) > w[k])
				w[k] = strlen(rows[i].cell[k]);
	}
	for (int k = 0; k < C_N; k++)
		total += w[k] + (w[k] && k != C_N - 1 ? 2 : 0);

	puts("\nContainer Report");
	for (size_t i = 0; i < total; i++)
		putchar('=');
	putchar('\n');
	print_line(&head, w);
	for (size_t i = 0; i < total; i++)
		putchar('=');
	putchar('\n');
	for (size_t i = 0; i < n; i++)
		print_line(&rows[i], w);
	if (!n)
		puts("<no containers in the audit logs>");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("report", "writing the report: %s",
			   strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	free(rows);
	acid_attr_free(log);
	free(inputs);
	return ret;
usage:
	free(inputs);
	return EXIT_USAGE;
}
