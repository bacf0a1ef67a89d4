// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acidrec.c - acid's own records (VIRT_CONTROL, virt=oci: a container's
 * start and stop) and the kernel's container records (CONTAINER_OP,
 * CONTAINER_ID), read and checked field by field.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * An "encoded" field: "quoted", or upper-case hex when the value needed
 * it (lib/record.c: a space, '=', a quote, a control byte, a byte >=
 * 0x7f; older acid and libaudit left '=' quoted, read all the same), or
 * ? for none. Returns a new string.
 */
static char *decode_value(const char *v)
{
	size_t n = strlen(v);
	bool hex = n && n % 2 == 0;
	char *out;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return strndup(v + 1, n - 2);
	if (strcmp(v, "?") == 0)
		return strdup("");
	for (size_t i = 0; i < n && hex; i++)
		hex = (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'A' && v[i] <= 'F');
	if (!hex)
		return strdup(v);
	out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		char b[3] = { v[2 * i], v[2 * i + 1], 0 };

		out[i] = (char)strtoul(b, NULL, 16);
	}
	out[n / 2] = 0;
	/* a NUL byte inside ends the name: say so rather than hide it */
	if (strlen(out) != n / 2) {
		free(out);
		return NULL;
	}
	return out;
}

static bool reason_ok(const char *r)
{
	size_t n = strlen(r);

	if (!n || n > ACID_REASON_MAX)
		return false;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || *r == '-'))
			return false;
	return true;
}

bool id_field(const char *v, char *out)
{
	struct acid_id id;

	return acid_id_parse(v, &id) == 0 &&
	       acid_id_format(&id, out, ACID_ID_STRLEN) == 0;
}

void acid_rec_free(struct acid_rec *r)
{
	free(r->name);
	free(r->bundle);
	for (int k = 0; k < ACID_REC_K8S; k++)
		free(r->k8s[k]);
}

/*
 * An event's ID as a trigger= field writes it: SEC.MSEC:SERIAL, exactly
 * three digits of milliseconds (libacid's acid_log_exec checks the same
 * form). @k->node is left alone.
 */
bool parse_trigger(const char *s, struct skey *k)
{
	const char *p = s, *end = s + strlen(s), *m;
	uint64_t sec, milli, serial;

	if (!digits(&p, end, MAX_SEC, &sec) || p >= end || *p++ != '.')
		return false;
	m = p;
	if (!digits(&p, end, 999, &milli) || p - m != 3 || p >= end ||
	    *p++ != ':' || !digits(&p, end, UINT64_MAX, &serial) || p != end)
		return false;
	k->sec = (int64_t)sec;
	k->milli = (uint32_t)milli;
	k->serial = serial;
	return true;
}

/* A positive pid field (task-pid=, vm-pid=): false when it is not one. */
static bool pid_value(const char *v, uint32_t *out)
{
	const char *p = v;
	uint64_t x;

	if (!digits(&p, p + strlen(p), PID_MAX_LIMIT, &x) || *p || x == 0)
		return false;
	*out = (uint32_t)x;
	return true;
}

/*
 * A VIRT_CONTROL line (or, @resource, a VIRT_RESOURCE line): 1 and @r
 * filled for a valid acid record, 0 for someone else's (virt= other than
 * oci; a resource record other than resrc=ns), -1 for an invalid acid
 * record (@why says what is wrong). The records: op=start, op=stop,
 * op=exec (a link: a process that joined the container) and resrc=ns (a
 * process of the container changed namespaces).
 */
int parse_acid(struct acid_attr *a, const char *line, size_t len,
	       bool resource, struct acid_rec *r, char *why, size_t whylen)
{
	enum { F_VIRT, F_OP, F_REASON, F_VM, F_UUID, F_VMPID, F_BUNDLE,
	       F_SESTAG, F_PARENT, F_RES, F_TASKPID, F_TRIGGER, F_RESRC,
	       F_K8S, F_N = F_K8S + ACID_REC_K8S };
	/* the Kubernetes fields, in struct acid_rec's k8s order */
	static const char *const names[F_N] = {
		"virt", "op", "reason", "vm", "uuid", "vm-pid", "bundle",
		"ses-tag", "parent-uuid", "res", "task-pid", "trigger",
		"resrc", "k8s-pod", "k8s-namespace", "k8s-pod-uid",
		"k8s-container", "image",
	};
	const char *v[F_N] = { 0 };
	char q[128];
	uint64_t x;

	memset(r, 0, sizeof(*r));
	if (!parse_one(a, line, len))
		return 0;
	do {
		const char *name = auparse_get_field_name(a->one);

		if (!name)
			continue;
		for (int i = 0; i < F_N; i++)
			if (!v[i] && strcmp(name, names[i]) == 0)
				v[i] = auparse_get_field_str(a->one);
	} while (auparse_next_field(a->one) > 0);

	if (!v[F_VIRT] || strcmp(v[F_VIRT], "oci") != 0)
		return 0;
#define BAD(...)                                     \
	do {                                         \
		snprintf(why, whylen, __VA_ARGS__);  \
		acid_rec_free(r);                    \
		return -1;                           \
	} while (0)
	if (resource) {
		/* acid writes resrc=ns only; other resources are not ours */
		if (!v[F_RESRC] || strcmp(v[F_RESRC], "ns") != 0)
			return 0;
		r->op = REC_NS;
	} else if (!v[F_OP]) {
		BAD("no op field");
	} else if (strcmp(v[F_OP], "start") == 0) {
		r->start = true;
		r->op = REC_START;
	} else if (strcmp(v[F_OP], "stop") == 0) {
		r->op = REC_STOP;
	} else if (strcmp(v[F_OP], "exec") == 0) {
		r->op = REC_EXEC;
	} else {
		BAD("op \"%s\" is not start, stop or exec",
		    acid_attr_escape(v[F_OP], q, sizeof(q)));
	}
	if (!v[F_UUID])
		BAD("no uuid field");
	if (!id_field(v[F_UUID], r->uuid))
		BAD("uuid \"%s\" is not a container ID",
		    acid_attr_escape(v[F_UUID], q, sizeof(q)));
	if (!v[F_VM])
		BAD("no vm field");
	if (!v[F_REASON])
		BAD("no reason field");
	if (!reason_ok(v[F_REASON]))
		BAD("reason \"%s\" is not a reason",
		    acid_attr_escape(v[F_REASON], q, sizeof(q)));
	strcpy(r->reason, v[F_REASON]);
	if ((r->op == REC_EXEC && strcmp(r->reason, "session") != 0 &&
	     strcmp(r->reason, "setns") != 0) ||
	    (r->op == REC_NS && strcmp(r->reason, "unshare") != 0 &&
	     strcmp(r->reason, "setns") != 0 &&
	     strcmp(r->reason, "clone") != 0))
		BAD("reason \"%s\" is not a reason of %s", r->reason,
		    r->op == REC_EXEC ? "a link (op=exec)"
				      : "a namespace change (resrc=ns)");
	if (r->op == REC_EXEC || r->op == REC_NS) {
		if (!v[F_TASKPID])
			BAD("no task-pid field");
		if (!pid_value(v[F_TASKPID], &r->task_pid))
			BAD("task-pid \"%s\" is not a process ID",
			    acid_attr_escape(v[F_TASKPID], q, sizeof(q)));
		if (v[F_TRIGGER]) {
			if (strlen(v[F_TRIGGER]) >= sizeof(r->trigger_text) ||
			    !parse_trigger(v[F_TRIGGER], &r->trigger))
				BAD("trigger \"%s\" is not an event ID "
				    "(SEC.MSEC:SERIAL)",
				    acid_attr_escape(v[F_TRIGGER], q,
						     sizeof(q)));
			strcpy(r->trigger_text, v[F_TRIGGER]);
			r->has_trigger = true;
		}
	}
	if (v[F_RES] && strcmp(v[F_RES], "success") != 0)
		BAD("res=%s: not a record of something that happened",
		    acid_attr_escape(v[F_RES], q, sizeof(q)));
	if (v[F_VMPID]) {
		if (!pid_value(v[F_VMPID], &r->vm_pid))
			BAD("vm-pid \"%s\" is not a process ID",
			    acid_attr_escape(v[F_VMPID], q, sizeof(q)));
		r->has_vm_pid = true;
	} else if (r->start) {
		BAD("no vm-pid field");
	}
	if (v[F_SESTAG]) {
		const char *p = v[F_SESTAG];

		if (!digits(&p, p + strlen(p), SES_UNSET - 1, &x) || *p ||
		    x == 0)
			BAD("ses-tag \"%s\" is not a session",
			    acid_attr_escape(v[F_SESTAG], q, sizeof(q)));
		r->ses_tag = (uint32_t)x;
	}
	if (v[F_PARENT] && !id_field(v[F_PARENT], r->parent))
		BAD("parent-uuid \"%s\" is not a container ID",
		    acid_attr_escape(v[F_PARENT], q, sizeof(q)));
	r->name = decode_value(v[F_VM]);
	if (!r->name)
		BAD("vm \"%s\" cannot be decoded",
		    acid_attr_escape(v[F_VM], q, sizeof(q)));
	if (v[F_BUNDLE]) {
		r->bundle = decode_value(v[F_BUNDLE]);
		if (!r->bundle)
			BAD("bundle \"%s\" cannot be decoded",
			    acid_attr_escape(v[F_BUNDLE], q, sizeof(q)));
	}
	/* only a start record carries them; "?" or "" is none */
	for (int k = 0; k < ACID_REC_K8S && r->start; k++) {
		if (!v[F_K8S + k])
			continue;
		r->k8s[k] = decode_value(v[F_K8S + k]);
		if (!r->k8s[k])
			BAD("%s \"%s\" cannot be decoded", names[F_K8S + k],
			    acid_attr_escape(v[F_K8S + k], q, sizeof(q)));
		if (!*r->k8s[k]) {
			free(r->k8s[k]);
			r->k8s[k] = NULL;
		}
	}
#undef BAD
	return 1;
}


/*
 * CONTAINER_OP and CONTAINER_ID, by number (libaudit names neither:
 * auditd writes UNKNOWN[1020], UNKNOWN[1350]) or by name (a libaudit that
 * learns them). The kernel writes them whole; no process can send them.
 */
bool type_is_num(const struct hdr *h, const char *name, int num)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "UNKNOWN[%d]", num);
	return type_is(h, buf) || type_is(h, name);
}

/* The kernel-written field @name= of @h as a number; false if absent. */
bool kernel_field(const struct hdr *h, const char *name, uint64_t max,
			 uint64_t *v)
{
	size_t n = strlen(name);

	for (const char *p = h->body; p && p < h->end;) {
		const char *q = p + n + 1;

		if ((size_t)(h->end - p) > n + 1 && memcmp(p, name, n) == 0 &&
		    p[n] == '=')
			return digits(&q, h->end, max, v) &&
			       (q == h->end || *q == ' ');
		p = memchr(p, ' ', (size_t)(h->end - p));
		if (p)
			p++;
	}
	return false;
}

/* The kernel's u64 container ID @v as acid's canonical UUID form. */
bool contid_uuid(uint64_t v, char *out)
{
	char dec[24];

	snprintf(dec, sizeof(dec), "%" PRIu64, v);
	return id_field(dec, out);
}

