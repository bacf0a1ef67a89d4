// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * interpret.c - an event written out: its lines as they were read
 * (ausearch --raw), or interpreted as ausearch -i writes it, so that what
 * an auditor knows from ausearch reads the same here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/audit.h>

#include "internal.h"

/* The first "name=" at or after @from that starts a field. */
static const char *field_at(const char *from, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = from; (p = strstr(p, name)); p++)
		if (p > from && (p[-1] == ' ' || p[-1] == '\'') && p[n] == '=')
			return p;
	return NULL;
}

/*
 * One record as ausearch -i prints it: "type=T msg=audit(date time.ms:
 * serial) : " and every field interpreted. A user record's own fields go
 * in msg='...', as in the log.
 */
static void print_interpreted_record(auparse_state_t *au, FILE *out)
{
	const char *text = auparse_get_record_text(au);
	const char *msg = text ? strstr(text, " msg='") : NULL;
	const char *cur = text, *type = auparse_get_type_name(au);
	const char *node = auparse_get_node(au);
	time_t t = auparse_get_time(au);
	bool first = true, opened = false, avc_done = false;
	const char *avc;
	char when[64];
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%m/%d/%y %H:%M:%S", &tm);
	else
		strcpy(when, "?");
	if (node)
		fprintf(out, "node=%s ", node);
	free((void *)node);
	fprintf(out, "type=%s msg=audit(%s.%03u:%lu) : ", type ? type : "?",
		when, auparse_get_milli(au), auparse_get_serial(au));
	if (auparse_first_field(au) <= 0)
		goto done;
	do {
		const char *name = auparse_get_field_name(au);
		const char *val;

		if (!name || strcmp(name, "type") == 0 ||
		    strcmp(name, "node") == 0)
			continue;
		/*
		 * libauparse makes fields of an AVC's "avc:  denied  { read }
		 * for" text; ausearch prints that text as it is, and so do we.
		 */
		if (auparse_get_type(au) == AUDIT_AVC &&
		    (strcmp(name, "seresult") == 0 ||
		     strcmp(name, "seperms") == 0)) {
			if (!avc_done && text && (avc = strstr(text, "): "))) {
				const char *f;

				avc += 3;
				f = strstr(avc, " pid=");
				if (f && f > avc) {
					fprintf(out, "%.*s ", (int)(f - avc),
						avc);
					cur = f;
				}
			}
			avc_done = true;
			continue;
		}
		/* where the field is in the text: inside msg='...' or not */
		if (cur && msg && !opened) {
			const char *at = field_at(cur, name);

			if (at) {
				cur = at + strlen(name) + 1;
				if (at > msg) {
					fputs(first ? "msg='" : " msg='", out);
					opened = true;
					first = true;
				}
			}
		}
		val = auparse_interpret_field(au);
		fprintf(out, "%s%s=%s", first ? "" : " ", name,
			val ? val : "?");
		first = false;
	} while (auparse_next_field(au) > 0);
done:
	fputs(opened ? "' \n" : " \n", out);
}

static void print_interpreted(auparse_state_t *au, FILE *out)
{
	unsigned int n = auparse_get_num_records(au);

	/* like ausearch: the event's records last to first */
	fputs("----\n", out);
	for (unsigned int i = n; i-- > 0;) {
		if (auparse_goto_record_num(au, i) <= 0)
			continue;
		print_interpreted_record(au, out);
	}
}

API int acid_attr_event_write(const struct acid_attr_event *ev,
			      enum acid_attr_format format, FILE *out)
{
	switch (format) {
	case ACID_ATTR_RAW:
		for (size_t i = 0; i < ev->nrec; i++) {
			fputs(ev->rec[i], out);
			fputc('\n', out);
		}
		break;
	case ACID_ATTR_INTERPRET:
		print_interpreted(ev->au, out);
		auparse_first_record(ev->au);
		break;
	case ACID_ATTR_JSON: {
		int r = write_json(ev, out);

		if (r < 0)
			return r;
		break;
	}
	default:
		return -EINVAL;
	}
	return ferror(out) ? -EIO : 0;
}
