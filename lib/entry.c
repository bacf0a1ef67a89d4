// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The registry entry: the object, its accessors, the mode names it is
 * written with, list freeing, and its text form: one "key=value" per line, free text
 * hex-encoded so that no byte of an OCI name can break the format, and a
 * closing "end" line so that a truncated file is never taken for a whole
 * one. The reader is strict: the file is input like any other.
 *
 * Keys added later are optional and written only when they hold
 * something: the Kubernetes keys (k8s-pod=, ..., image=) appear only in
 * the entries of containers that have them, so an entry without them is
 * byte for byte what an older acid writes and reads, and an older
 * reader (a process still running the old library while a new hook
 * writes; readers take no lock) refuses only the entries of Kubernetes
 * containers, as a file it cannot read (acid_list() skips it).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define ENTRY_MAGIC "acid-entry 1"

const struct k8s_field k8s_fields[K8S_COUNT] = {
	[K8S_POD] = { "k8s-pod", "k8s-pod", ACID_K8S_POD_MAX },
	[K8S_NAMESPACE] = { "k8s-namespace", "k8s-namespace", ACID_K8S_NAMESPACE_MAX },
	[K8S_POD_UID] = { "k8s-pod-uid", "k8s-pod-uid", ACID_K8S_POD_UID_MAX },
	[K8S_CONTAINER] = { "k8s-container", "k8s-container", ACID_K8S_CONTAINER_MAX },
	[K8S_IMAGE] = { "image", "image", ACID_IMAGE_MAX },
};

void reg_k8s(const struct acid_reg *q, const char *v[K8S_COUNT])
{
	v[K8S_POD] = q->k8s_pod;
	v[K8S_NAMESPACE] = q->k8s_namespace;
	v[K8S_POD_UID] = q->k8s_pod_uid;
	v[K8S_CONTAINER] = q->k8s_container;
	v[K8S_IMAGE] = q->image;
}

int entry_set_k8s(struct acid_entry *e, const char *const v[K8S_COUNT])
{
	for (int k = 0; k < K8S_COUNT; k++) {
		free(e->k8s[k]);
		e->k8s[k] = NULL;
		if (v[k] && *v[k] && !(e->k8s[k] = strdup(v[k])))
			return -ENOMEM;
	}
	return 0;
}

const char *acid_mode_name(enum acid_mode mode)
{
	switch (mode) {
	case ACID_MODE_USER:
		return "user";
	case ACID_MODE_KERNEL_U64:
		return "kernel-u64";
	case ACID_MODE_KERNEL_UUID:
		return "kernel-uuid";
	}
	return "unknown";
}

/* The mode acid_mode_name() names: 0, or -EINVAL for any other text. */
int entry_mode_parse(const char *s, enum acid_mode *mode)
{
	static const enum acid_mode all[] = { ACID_MODE_USER,
					      ACID_MODE_KERNEL_U64,
					      ACID_MODE_KERNEL_UUID };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, acid_mode_name(all[i])) == 0) {
			*mode = all[i];
			return 0;
		}
	return -EINVAL;
}

struct acid_entry *entry_new(void)
{
	struct acid_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->name = strdup("");
	e->bundle = strdup("");
	if (!e->name || !e->bundle) {
		acid_entry_free(e);
		return NULL;
	}
	return e;
}

void acid_entry_free(struct acid_entry *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->bundle);
	for (int k = 0; k < K8S_COUNT; k++)
		free(e->k8s[k]);
	free(e);
}

void acid_list_free(struct acid_entry **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		acid_entry_free(list[i]);
	free(list);
}

const struct acid_id *acid_entry_id(const struct acid_entry *e)
{
	return &e->id;
}
const char *acid_entry_name(const struct acid_entry *e)
{
	return e->name;
}
const char *acid_entry_bundle(const struct acid_entry *e)
{
	return e->bundle;
}
pid_t acid_entry_pid(const struct acid_entry *e)
{
	return e->pid;
}
uint64_t acid_entry_starttime(const struct acid_entry *e)
{
	return e->starttime;
}
const struct acid_ns_set *acid_entry_ns(const struct acid_entry *e)
{
	return &e->ns;
}
uint32_t acid_entry_ses_tag(const struct acid_entry *e)
{
	return e->ses_tag;
}
const struct acid_id *acid_entry_parent(const struct acid_entry *e)
{
	return e->has_parent ? &e->parent : NULL;
}
enum acid_mode acid_entry_mode(const struct acid_entry *e)
{
	return e->mode;
}
int64_t acid_entry_time(const struct acid_entry *e)
{
	return e->time;
}
static const char *k8s_get(const struct acid_entry *e, enum entry_k8s k)
{
	return e && e->k8s[k] ? e->k8s[k] : "";
}
const char *acid_entry_k8s_pod(const struct acid_entry *e)
{
	return k8s_get(e, K8S_POD);
}
const char *acid_entry_k8s_namespace(const struct acid_entry *e)
{
	return k8s_get(e, K8S_NAMESPACE);
}
const char *acid_entry_k8s_pod_uid(const struct acid_entry *e)
{
	return k8s_get(e, K8S_POD_UID);
}
const char *acid_entry_k8s_container(const struct acid_entry *e)
{
	return k8s_get(e, K8S_CONTAINER);
}
const char *acid_entry_image(const struct acid_entry *e)
{
	return k8s_get(e, K8S_IMAGE);
}

/* ------------------------------------------------------------ writing */

static void put_hex(struct strbuf *b, const char *key, const char *s)
{
	strbuf_addf(b, "%s=", key);
	strbuf_add_hex(b, s, false);
	strbuf_addf(b, "\n");
}

int entry_to_text(const struct acid_entry *e, char **text, size_t *len)
{
	struct strbuf b = { 0 };
	char id[ACID_ID_STRLEN];
	int r;

	r = acid_id_format(&e->id, id, sizeof(id));
	if (r < 0)
		return r;
	strbuf_addf(&b, "%s\nid=%s\nmode=%s\npid=%d\nstarttime=%" PRIu64
		"\ntime=%" PRId64 "\nses=%" PRIu32 "\n",
	    ENTRY_MAGIC, id, acid_mode_name(e->mode), (int)e->pid,
	    e->starttime, e->time, e->ses_tag);
	if (e->has_parent) {
		acid_id_format(&e->parent, id, sizeof(id));
		strbuf_addf(&b, "parent=%s\n", id);
	}
	put_hex(&b, "name", e->name);
	put_hex(&b, "bundle", e->bundle);
	for (int k = 0; k < K8S_COUNT; k++)
		if (e->k8s[k])
			put_hex(&b, k8s_fields[k].entry, e->k8s[k]);
	for (int k = 0; k < ACID_NS_COUNT; k++)
		if (e->ns.ns[k].present)
			strbuf_addf(&b, "ns.%s=%" PRIu32 ":%" PRIu32 ":%" PRIu64 "\n",
			    acid_ns_name(k), e->ns.ns[k].dev_major,
			    e->ns.ns[k].dev_minor, e->ns.ns[k].ino);
	strbuf_addf(&b, "end\n");
	return strbuf_finish(&b, text, len);
}

/* ------------------------------------------------------------ reading */

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* lower-case hex only, as entry_to_text writes it; no NUL bytes */
static int unhex(const char *s, size_t max, char **out)
{
	size_t n = strlen(s);
	char *p;

	if (n % 2 || n / 2 > max)
		return -EBADMSG;
	p = malloc(n / 2 + 1);
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexdigit(s[2 * i]), lo = hexdigit(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(p);
			return -EBADMSG;
		}
		p[i] = (char)(hi << 4 | lo);
	}
	p[n / 2] = '\0';
	*out = p;
	return 0;
}

/* "<major>:<minor>:<inode>", decimal, nothing else */
static int parse_ns(const char *v, struct acid_ns_set *set, int k)
{
	char part[3][24];
	uint64_t num[3], max[3] = { UINT32_MAX, UINT32_MAX, UINT64_MAX };

	for (int i = 0; i < 3; i++) {
		size_t n = strspn(v, "0123456789");

		if (n == 0 || n >= sizeof(part[i]) ||
		    v[n] != (i < 2 ? ':' : '\0'))
			return -EBADMSG;
		memcpy(part[i], v, n);
		part[i][n] = '\0';
		if (text_parse_uint(part[i], max[i], &num[i]) < 0)
			return -EBADMSG;
		v += n + (i < 2);
	}
	set->ns[k].present = true;
	set->ns[k].dev_major = (uint32_t)num[0];
	set->ns[k].dev_minor = (uint32_t)num[1];
	set->ns[k].ino = num[2];
	return 0;
}

/* The keys of an entry, each a bit of what parse_line() has seen. */
enum {
	SEEN_ID = 1u << 0,
	SEEN_MODE = 1u << 1,
	SEEN_PID = 1u << 2,
	SEEN_STARTTIME = 1u << 3,
	SEEN_TIME = 1u << 4,
	SEEN_SES = 1u << 5,
	SEEN_PARENT = 1u << 6,
	SEEN_NAME = 1u << 7,
	SEEN_BUNDLE = 1u << 8,
};
#define SEEN_NS(k) (1u << (9 + (k)))
#define SEEN_K8S(k) (1u << (9 + ACID_NS_COUNT + (k)))
/* every key but parent and the namespaces (a kernel may lack a kind) */
#define SEEN_REQUIRED (SEEN_ID | SEEN_MODE | SEEN_PID | SEEN_STARTTIME | \
		       SEEN_TIME | SEEN_SES | SEEN_NAME | SEEN_BUNDLE)

static int parse_line(struct acid_entry *e, char *line, unsigned int *seen)
{
	char *v = strchr(line, '=');
	uint64_t n;
	int r;

	if (!v)
		return -EBADMSG;
	*v++ = '\0';
#define ONCE(bit)                      \
	do {                           \
		if (*seen & (bit))     \
			return -EBADMSG; \
		*seen |= (bit);        \
	} while (0)
	if (strcmp(line, "id") == 0) {
		ONCE(SEEN_ID);
		if (strlen(v) != 36 || acid_id_parse(v, &e->id) < 0)
			return -EBADMSG;
	} else if (strcmp(line, "mode") == 0) {
		ONCE(SEEN_MODE);
		if (entry_mode_parse(v, &e->mode) < 0)
			return -EBADMSG;
	} else if (strcmp(line, "pid") == 0) {
		ONCE(SEEN_PID);
		if (text_parse_uint(v, INT32_MAX, &n) < 0 || n == 0)
			return -EBADMSG;
		e->pid = (pid_t)n;
	} else if (strcmp(line, "starttime") == 0) {
		ONCE(SEEN_STARTTIME);
		if (text_parse_uint(v, UINT64_MAX, &e->starttime) < 0)
			return -EBADMSG;
	} else if (strcmp(line, "time") == 0) {
		ONCE(SEEN_TIME);
		if (text_parse_uint(v, INT64_MAX, &n) < 0)
			return -EBADMSG;
		e->time = (int64_t)n;
	} else if (strcmp(line, "ses") == 0) {
		ONCE(SEEN_SES);
		if (text_parse_uint(v, UINT32_MAX, &n) < 0)
			return -EBADMSG;
		e->ses_tag = (uint32_t)n;
	} else if (strcmp(line, "parent") == 0) {
		ONCE(SEEN_PARENT);
		if (strlen(v) != 36 || acid_id_parse(v, &e->parent) < 0)
			return -EBADMSG;
		e->has_parent = true;
	} else if (strcmp(line, "name") == 0) {
		ONCE(SEEN_NAME);
		free(e->name);
		e->name = NULL;
		if ((r = unhex(v, ACID_NAME_MAX, &e->name)) < 0)
			return r;
	} else if (strcmp(line, "bundle") == 0) {
		ONCE(SEEN_BUNDLE);
		free(e->bundle);
		e->bundle = NULL;
		if ((r = unhex(v, ACID_BUNDLE_MAX, &e->bundle)) < 0)
			return r;
	} else if (strncmp(line, "k8s-", 4) == 0 ||
		   strcmp(line, "image") == 0) {
		for (int k = 0; k < K8S_COUNT; k++) {
			if (strcmp(line, k8s_fields[k].entry) != 0)
				continue;
			ONCE(SEEN_K8S(k));
			/* written only when not empty */
			if (!*v)
				return -EBADMSG;
			return unhex(v, k8s_fields[k].max, &e->k8s[k]);
		}
		return -EBADMSG;
	} else if (strncmp(line, "ns.", 3) == 0) {
		for (int k = 0; k < ACID_NS_COUNT; k++) {
			if (strcmp(line + 3, acid_ns_name(k)) != 0)
				continue;
			ONCE(SEEN_NS(k));
			return parse_ns(v, &e->ns, k);
		}
		return -EBADMSG;
	} else {
		return -EBADMSG;
	}
#undef ONCE
	return 0;
}

int entry_from_text(const char *text, size_t len, struct acid_entry **out)
{
	struct acid_entry *e;
	unsigned int seen = 0;
	bool ended = false;
	char *copy, *line, *save = NULL;
	int r = 0;

	if (len == 0 || len > 64 * 1024 || memchr(text, '\0', len))
		return -EBADMSG;
	copy = strndup(text, len);
	if (!copy)
		return -ENOMEM;
	e = entry_new();
	if (!e) {
		free(copy);
		return -ENOMEM;
	}
	/* strtok_r would merge blank lines: a writer never makes one */
	if (strncmp(copy, ENTRY_MAGIC "\n", sizeof(ENTRY_MAGIC)) != 0 ||
	    copy[len - 1] != '\n' || strstr(copy, "\n\n")) {
		r = -EBADMSG;
		goto out;
	}
	for (line = strtok_r(copy + sizeof(ENTRY_MAGIC), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (ended) {
			r = -EBADMSG;
			goto out;
		}
		if (strcmp(line, "end") == 0) {
			ended = true;
			continue;
		}
		r = parse_line(e, line, &seen);
		if (r < 0)
			goto out;
	}
	if (!ended || (seen & SEEN_REQUIRED) != SEEN_REQUIRED)
		r = -EBADMSG;
out:
	free(copy);
	if (r < 0) {
		acid_entry_free(e);
		return r;
	}
	*out = e;
	return 0;
}
