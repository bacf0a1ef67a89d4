// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * record.c - one line of an audit log: its frame (type and stamp), its
 * subject fields (the fast scanner and the libauparse reference, the same
 * result), warnings about it, and text made safe for a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void warn_at(struct acid_attr *a, enum acid_attr_warn_kind kind,
	     bool skipped, const char *uuid, const char *name,
	     const char *fmt, ...)
{
	struct acid_attr_warning w = {
		.kind = kind, .skipped = skipped, .file = a->file,
		.line = a->lineno, .uuid = uuid, .name = name,
	};
	char text[1024];
	va_list ap;

	if (skipped)
		a->skipped++;
	a->warnings++;
	if (!a->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	w.text = text;
	a->warn(&w, a->warn_arg);
}

API const char *acid_attr_warn_kind_name(enum acid_attr_warn_kind kind)
{
	static const char *const names[ACID_ATTR_WARN_KIND_COUNT] = {
		[ACID_ATTR_WARN_NOT_RECORD] = "not an audit record",
		[ACID_ATTR_WARN_INVALID] = "invalid acid record",
		[ACID_ATTR_WARN_SECOND_STOP] = "second stop record",
		[ACID_ATTR_WARN_FORGED] = "forged acid record",
		[ACID_ATTR_WARN_CONFLICT] = "conflicting start record",
		[ACID_ATTR_WARN_MISMATCH] = "stop record unlike its start",
		[ACID_ATTR_WARN_LINK] = "link or ns record of no open run",
	};

	if ((unsigned int)kind >= ACID_ATTR_WARN_KIND_COUNT)
		return "?";
	return names[kind];
}

API const char *acid_attr_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (len < 8) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	while (*p) {
		size_t seq = 0;

		/* room for an escape and "..." */
		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		/* keep a valid UTF-8 sequence whole, but no C1 controls */
		if (*p >= 0xc2 && *p <= 0xdf)
			seq = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			seq = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			seq = 4;
		if (seq) {
			size_t k = 1;

			while (k < seq && (p[k] & 0xc0) == 0x80)
				k++;
			if (k == seq && !(p[0] == 0xc2 && p[1] < 0xa0) &&
			    o + seq + 8 < len) {
				memcpy(buf + o, p, seq);
				o += seq;
				p += seq;
				continue;
			}
		}
		if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			o += (size_t)snprintf(buf + o, len - o, "\\%03o", *p);
		} else {
			buf[o++] = (char)*p;
		}
		p++;
	}
	buf[o] = 0;
	return buf;
}

/* A short, escaped excerpt of a line for a warning. */
const char *excerpt(const char *line, size_t len, char *buf,
			   size_t buflen)
{
	char tmp[64];
	size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;

	memcpy(tmp, line, n);
	tmp[n] = 0;
	/* a NUL inside ends the excerpt: acid_attr_escape works on strings */
	acid_attr_escape(tmp, buf, buflen);
	if (n < len && strlen(buf) + 4 < buflen)
		strcat(buf, "...");
	return buf;
}

/* Decimal digits at *@p into @v, at most @max; false on none/overflow. */
bool digits(const char **p, const char *end, uint64_t max,
		   uint64_t *v)
{
	const char *q = *p;
	uint64_t x = 0;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9') {
		unsigned int d = (unsigned int)(*q - '0');

		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
		q++;
	}
	*p = q;
	*v = x;
	return true;
}

/*
 * A node is a name: two nodes are two names, however they hash. Each name
 * read gets a number (1, 2, ...: 0 is "no node"), the same for the
 * reader's life, and is kept for the containers that point to it.
 * @add: a new name gets one; else 0 when it has none. 0 and a->err set
 * when memory runs out.
 */
uint32_t node_id(struct acid_attr *a, const char *s, size_t n, bool add)
{
	uint64_t h = 14695981039346656037ULL;
	size_t m;
	char *copy;

	if (a->last_node && strlen(a->node[a->last_node - 1]) == n &&
	    memcmp(a->node[a->last_node - 1], s, n) == 0)
		return a->last_node;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	if (hmap_all(&a->nodes, h, &a->tmp2, &m, &a->captmp2) < 0)
		goto nomem;
	for (size_t i = 0; i < m; i++) {
		const char *name = a->node[a->tmp2[i] - 1];

		if (strlen(name) == n && memcmp(name, s, n) == 0)
			return a->last_node = (uint32_t)a->tmp2[i];
	}
	if (!add)
		return 0;
	if (a->nnode >= UINT32_MAX - 1 ||
	    grow(&a->node, &a->capnode, a->nnode + 1, sizeof(*a->node)) < 0)
		goto nomem;
	copy = strndup(s, n);
	if (!copy)
		goto nomem;
	if (hmap_add(&a->nodes, h, a->nnode + 1) < 0) {
		free(copy);
		goto nomem;
	}
	a->node[a->nnode++] = copy;
	return a->last_node = (uint32_t)a->nnode;
nomem:
	a->err = -ENOMEM;
	return 0;
}

/* The name of node @node (NULL for 0: no node). */
const char *node_name(const struct acid_attr *a, uint32_t node)
{
	return node ? a->node[node - 1] : NULL;
}

/*
 * "[node=N ]type=T msg=audit(SEC.MILLI:SERIAL): fields...": the frame
 * every record auditd writes has. Anything else is not a record.
 */
bool parse_header(const char *line, size_t len, struct hdr *h)
{
	const char *p = line, *end = line + len, *sp;
	uint64_t sec, milli, serial;

	h->k.node = 0;
	h->node = NULL;
	h->node_len = 0;
	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		sp = memchr(p, ' ', len);
		if (!sp)
			return false;
		/* a host name: printable, no separator libauparse splits at */
		for (const char *q = p + 5; q < sp; q++)
			if (*q <= ' ' || *q >= 0x7f)
				return false;
		h->node = p + 5; /* its number: node_id(), by the caller */
		h->node_len = (size_t)(sp - p - 5);
		p = sp + 1;
	}
	if (end - p < 5 || memcmp(p, "type=", 5) != 0)
		return false;
	p += 5;
	h->type = p;
	/* SYSCALL, VIRT_CONTROL, UNKNOWN[1234]: nothing else is a type */
	while (p < end && *p != ' ') {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '[' ||
		      *p == ']'))
			return false;
		p++;
	}
	h->type_len = (size_t)(p - h->type);
	if (!h->type_len || end - p < 11 || memcmp(p, " msg=audit(", 11) != 0)
		return false;
	p += 11;
	if (!digits(&p, end, MAX_SEC, &sec) || p >= end || *p++ != '.' ||
	    !digits(&p, end, 999, &milli) || p >= end || *p++ != ':' ||
	    !digits(&p, end, UINT64_MAX, &serial) || end - p < 2 ||
	    p[0] != ')' || p[1] != ':')
		return false;
	p += 2;
	while (p < end && *p == ' ')
		p++;
	h->k.sec = (int64_t)sec;
	h->k.milli = (uint32_t)milli;
	h->k.serial = serial;
	h->body = p;
	sp = memchr(p, 0x1d, (size_t)(end - p)); /* enriched names follow */
	h->end = sp ? sp : end;
	return true;
}

/*
 * The value of the first field @name= in the kernel-written part of @h
 * (never inside msg='...'): *@val, *@vlen; false when none or empty.
 */
bool hdr_kfield(const struct hdr *h, const char *name, const char **val,
		size_t *vlen)
{
	size_t n = strlen(name);
	const char *p = h->body, *end = h->end;

	while (p < end) {
		size_t rest = (size_t)(end - p);
		const char *sp;

		if (rest >= 5 && memcmp(p, "msg='", 5) == 0)
			return false;
		sp = memchr(p, ' ', rest);
		if (rest > n && memcmp(p, name, n) == 0 && p[n] == '=') {
			*val = p + n + 1;
			*vlen = (size_t)((sp ? sp : end) - *val);
			return *vlen > 0;
		}
		if (!sp)
			return false;
		p = sp + 1;
	}
	return false;
}

bool type_is(const struct hdr *h, const char *name)
{
	size_t n = strlen(name);

	return h->type_len == n && memcmp(h->type, name, n) == 0;
}

/*
 * Records that only complete a syscall's event and carry no subject of
 * their own: their values (argv, paths) are the process's data.
 */
bool no_subject(const struct hdr *h)
{
	return type_is(h, "EXECVE") || type_is(h, "PATH") ||
	       type_is(h, "CWD") || type_is(h, "PROCTITLE") ||
	       type_is(h, "SOCKADDR");
}

/* A whole field value of decimal digits that fits in 32 bits. */
static bool u32_value(const char *p, const char *end, uint32_t *v)
{
	uint64_t x;

	if (!digits(&p, end, UINT32_MAX, &x) || (p < end && *p != ' '))
		return false;
	*v = (uint32_t)x;
	return true;
}

static void set_field(struct subject *s, const char *name, const char *val,
		      const char *end)
{
	/* "pid= ": libauparse drops a field with no value; so do we */
	if (val >= end || *val == ' ')
		return;
	if (strcmp(name, "pid") == 0 && !s->seen_pid) {
		s->seen_pid = true;
		s->has_pid = u32_value(val, end, &s->pid);
	} else if (strcmp(name, "ppid") == 0 && !s->seen_ppid) {
		s->seen_ppid = true;
		s->has_ppid = u32_value(val, end, &s->ppid);
	} else if (strcmp(name, "ses") == 0 && !s->seen_ses) {
		s->seen_ses = true;
		s->has_ses = u32_value(val, end, &s->ses);
	}
}

/*
 * The fast way: walk the fields (space-separated; the kernel encodes any
 * value with a space in it) up to a user record's msg=', whose content
 * the sender wrote.
 */
void scan_subject(const struct hdr *h, struct subject *s)
{
	const char *p = h->body, *end = h->end;

	while (p < end) {
		size_t rest = (size_t)(end - p);

		if (*p == 'p') {
			if (rest > 4 && memcmp(p, "pid=", 4) == 0)
				set_field(s, "pid", p + 4, end);
			else if (rest > 5 && memcmp(p, "ppid=", 5) == 0)
				set_field(s, "ppid", p + 5, end);
		} else if (*p == 's') {
			if (rest > 4 && memcmp(p, "ses=", 4) == 0)
				set_field(s, "ses", p + 4, end);
		} else if (*p == 'm') {
			if (rest >= 5 && memcmp(p, "msg='", 5) == 0)
				return;
		}
		if (s->seen_pid && s->seen_ppid && s->seen_ses)
			return;
		p = memchr(p, ' ', rest);
		if (!p)
			return;
		p++;
	}
}

/* @len bytes of @s and a newline in a->scratch, for libauparse. */
char *scratch_line(struct acid_attr *a, const char *s, size_t len)
{
	if (grow(&a->scratch, &a->scratchcap, len + 2, 1) < 0)
		return NULL;
	memcpy(a->scratch, s, len);
	a->scratch[len] = '\n';
	a->scratch[len + 1] = 0;
	return a->scratch;
}

/* Parse one line with a->one; true when it holds a record. */
bool parse_one(struct acid_attr *a, const char *line, size_t len)
{
	char *s = scratch_line(a, line, len);

	if (!s) {
		a->err = -ENOMEM;
		return false;
	}
	if (auparse_new_buffer(a->one, s, len + 1) < 0 ||
	    auparse_next_event(a->one) <= 0 ||
	    auparse_first_record(a->one) <= 0)
		return false;
	return auparse_first_field(a->one) > 0;
}

/*
 * The reference way: libauparse reads the line, cut before a user
 * record's msg=' so that it sees what the scanner sees.
 */
void auparse_subject(struct acid_attr *a, const char *line,
			    const struct hdr *h, struct subject *s)
{
	const char *cut = memmem(h->body, (size_t)(h->end - h->body), " msg='",
				 6);
	size_t len = (size_t)((cut ? cut : h->end) - line);

	if (!parse_one(a, line, len))
		return;
	do {
		const char *name = auparse_get_field_name(a->one);
		const char *val = auparse_get_field_str(a->one);

		if (name && val)
			set_field(s, name, val, val + strlen(val));
	} while (auparse_next_field(a->one) > 0);
}

