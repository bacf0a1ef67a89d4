// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * json.c - an event as one JSON object on one line (ACID_ATTR_JSON): the
 * field names of OpenTelemetry and the Elastic Common Schema, nested as
 * objects (SPEC "JSON events"). The plugin audisp-acid, acid events --json
 * and acid report --json all write with it, so the schema is one.
 *
 * The subject (pid, ppid, comm, exe, auid, ses) is taken from the
 * kernel-written part of a record only, as the attribution does: the
 * SYSCALL record when the event has one, else its first record, up to a
 * user record's msg='...' (its sender's text) and never from EXECVE,
 * PATH, CWD, PROCTITLE or SOCKADDR records. comm and exe only from a
 * SYSCALL record: a user record's exe= is inside msg='...'.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#include "internal.h"

static bool knum(const struct hdr *h, const char *name, uint64_t max,
		 uint64_t *v)
{
	const char *val, *p;
	size_t len;

	if (!hdr_kfield(h, name, &val, &len))
		return false;
	p = val;
	return digits(&p, val + len, max, v) && p == val + len;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * An encoded value decoded into @buf ("quoted" or upper-case hex, as the
 * kernel writes comm= and exe=); false when it says nothing ("(null)",
 * "?") or is not encoded as the kernel encodes.
 */
static bool decode(const char *v, size_t len, char *buf, size_t buflen)
{
	size_t o = 0;

	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		len -= 2;
		if (len >= buflen)
			len = buflen - 1;
		memcpy(buf, v + 1, len);
		buf[len] = 0;
		return true;
	}
	if (len % 2 || (len == 1 && v[0] == '?'))
		return false;
	for (size_t i = 0; i < len && o + 1 < buflen; i += 2) {
		int hi = hexval(v[i]), lo = hexval(v[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		buf[o++] = (char)(hi << 4 | lo);
	}
	buf[o] = 0;
	return o == len / 2 && memchr(buf, 0, o) == NULL;
}

/* A byte string yajl accepts: invalid UTF-8 and NULs become '?'. */
static void put_str(yajl_gen g, const char *s, size_t len, char *tmp,
		    size_t tmplen)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (len >= tmplen)
		len = tmplen - 1;
	for (size_t i = 0; i < len;) {
		size_t seq = 0, k = 1;

		if (p[i] < 0x80) {
			tmp[o++] = p[i] ? (char)p[i] : '?';
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			seq = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			seq = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			seq = 4;
		while (seq && k < seq && i + k < len &&
		       (p[i + k] & 0xc0) == 0x80)
			k++;
		if (seq && k == seq) {
			memcpy(tmp + o, p + i, seq);
			o += seq;
			i += seq;
		} else {
			tmp[o++] = '?';
			i++;
		}
	}
	yajl_gen_string(g, (const unsigned char *)tmp, o);
}

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void kv_str(yajl_gen g, const char *k, const char *v, char *tmp,
		   size_t tmplen)
{
	key(g, k);
	put_str(g, v, strlen(v), tmp, tmplen);
}

static void kv_num(yajl_gen g, const char *k, uint64_t v)
{
	key(g, k);
	yajl_gen_integer(g, (long long)v);
}

/*
 * The container of the event: of several (nested), the innermost, the one
 * no other of the list names as its parent.
 */
static const struct acid_attr_container *
innermost(const struct acid_attr_event *ev)
{
	size_t n = acid_attr_event_containers(ev);

	for (size_t i = 0; i < n; i++) {
		const struct acid_attr_container *c =
			acid_attr_event_container(ev, i);
		bool outer = false;

		for (size_t j = 0; j < n && !outer; j++) {
			const struct acid_attr_container *d =
				acid_attr_event_container(ev, j);

			outer = j != i && strcmp(d->parent, c->uuid) == 0;
		}
		if (!outer)
			return c;
	}
	return NULL;
}

/* {"name": @v}, under @k, when @v is given */
static void put_named(yajl_gen g, const char *k, const char *v,
		      const char *uid, char *tmp, size_t tmplen)
{
	if (!v && !uid)
		return;
	key(g, k);
	yajl_gen_map_open(g);
	if (v)
		kv_str(g, "name", v, tmp, tmplen);
	if (uid)
		kv_str(g, "uid", uid, tmp, tmplen);
	yajl_gen_map_close(g);
}

/*
 * OpenTelemetry's k8s.pod.name, k8s.pod.uid, k8s.namespace.name,
 * k8s.container.name, nested: only what the start record gave.
 */
static void put_k8s(yajl_gen g, const struct acid_attr_container *c,
		    char *tmp, size_t tmplen)
{
	if (!c->k8s_pod && !c->k8s_pod_uid && !c->k8s_namespace &&
	    !c->k8s_container)
		return;
	key(g, "k8s");
	yajl_gen_map_open(g);
	put_named(g, "pod", c->k8s_pod, c->k8s_pod_uid, tmp, tmplen);
	put_named(g, "namespace", c->k8s_namespace, NULL, tmp, tmplen);
	put_named(g, "container", c->k8s_container, NULL, tmp, tmplen);
	yajl_gen_map_close(g);
}

static void put_container(yajl_gen g, const struct acid_attr_container *c,
			  char *tmp, size_t tmplen)
{
	key(g, "container");
	yajl_gen_map_open(g);
	kv_str(g, "id", c->uuid, tmp, tmplen);
	if (c->name && *c->name)
		kv_str(g, "name", c->name, tmp, tmplen);
	kv_str(g, "runtime", "oci", tmp, tmplen);
	if (c->image) {
		key(g, "image");
		yajl_gen_map_open(g);
		kv_str(g, "name", c->image, tmp, tmplen);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	put_k8s(g, c, tmp, tmplen);
}

static void put_time(yajl_gen g, const char *k, const struct acid_attr_stamp *s)
{
	time_t t = (time_t)s->sec;
	char when[64];
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm))
		strcpy(when, "1970-01-01T00:00:00");
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%03uZ",
		 s->milli % 1000);
	key(g, k);
	yajl_gen_string(g, (const unsigned char *)when, strlen(when));
}

/* The generated text and a newline to @out. */
static int emit(yajl_gen g, FILE *out)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return -EINVAL;
	if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
		return -EIO;
	return 0;
}

int write_json(const struct acid_attr_event *ev, FILE *out)
{
	const struct acid_attr_container *c = innermost(ev);
	struct hdr first, subj, h;
	bool have_first = false, have_subj = false, is_syscall = false;
	size_t tmplen = ACID_ATTR_MAX_LINE + 1;
	char *tmp, node[256] = "", val[4096];
	const char *v;
	size_t vlen;
	uint64_t x;
	yajl_gen g;
	int r;

	tmp = malloc(tmplen);
	g = yajl_gen_alloc(NULL);
	if (!tmp || !g) {
		free(tmp);
		if (g)
			yajl_gen_free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ev->nrec; i++) {
		const char *line = ev->rec[i];

		if (!parse_header(line, strlen(line), &h))
			continue;
		if (!have_first) {
			first = h;
			have_first = true;
			if (strncmp(line, "node=", 5) == 0) {
				size_t n = strcspn(line + 5, " ");

				if (n >= sizeof(node))
					n = sizeof(node) - 1;
				memcpy(node, line + 5, n);
				node[n] = 0;
			}
		}
		if (type_is(&h, "SYSCALL") && !is_syscall) {
			subj = h;
			have_subj = is_syscall = true;
		} else if (!have_subj && !no_subject(&h)) {
			subj = h;
			have_subj = true;
		}
	}

	yajl_gen_map_open(g);
	put_time(g, "@timestamp", &ev->stamp);

	key(g, "audit");
	yajl_gen_map_open(g);
	kv_num(g, "serial", ev->stamp.serial);
	if (*node)
		kv_str(g, "node", node, tmp, tmplen);
	if (have_first) {
		key(g, "type");
		put_str(g, first.type, first.type_len, tmp, tmplen);
	}
	if (have_subj && knum(&subj, "ses", UINT32_MAX, &x) &&
	    x != SES_UNSET)
		kv_num(g, "session", x);
	key(g, "records");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ev->nrec; i++) {
		const char *line = ev->rec[i];

		yajl_gen_map_open(g);
		if (parse_header(line, strlen(line), &h)) {
			key(g, "type");
			put_str(g, h.type, h.type_len, tmp, tmplen);
		}
		key(g, "text");
		put_str(g, line, strlen(line), tmp, tmplen);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	if (have_subj && knum(&subj, "pid", UINT32_MAX, &x)) {
		key(g, "process");
		yajl_gen_map_open(g);
		kv_num(g, "pid", x);
		if (is_syscall && hdr_kfield(&subj, "comm", &v, &vlen) &&
		    decode(v, vlen, val, sizeof(val)))
			kv_str(g, "name", val, tmp, tmplen);
		if (is_syscall && hdr_kfield(&subj, "exe", &v, &vlen) &&
		    decode(v, vlen, val, sizeof(val)))
			kv_str(g, "executable", val, tmp, tmplen);
		if (knum(&subj, "ppid", UINT32_MAX, &x)) {
			key(g, "parent");
			yajl_gen_map_open(g);
			kv_num(g, "pid", x);
			yajl_gen_map_close(g);
		}
		yajl_gen_map_close(g);
	}
	if (have_subj && knum(&subj, "auid", UINT32_MAX, &x) &&
	    x != SES_UNSET) {
		key(g, "user");
		yajl_gen_map_open(g);
		key(g, "audit");
		yajl_gen_map_open(g);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)x);
		kv_str(g, "id", val, tmp, tmplen);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	if (c)
		put_container(g, c, tmp, tmplen);
	yajl_gen_map_close(g);

	r = emit(g, out);
	yajl_gen_free(g);
	free(tmp);
	return r;
}
