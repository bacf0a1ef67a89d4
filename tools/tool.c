// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the acid tool's subcommands share (tool.h): one-line errors, pid
 * arguments, opening a context, printing entries as text or JSON, and
 * finding the entry a --id/--name/--pid selector names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "tool.h"

void tool_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "acid %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool tool_parse_pid(const char *s, pid_t *out)
{
	unsigned long v = 0;

	if (!s || !*s || strlen(s) > 7 || s[0] == '0')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > ACID_PID_MAX)
		return false;
	*out = (pid_t)v;
	return true;
}

struct acid_ctx *tool_ctx(const char *cmd)
{
	struct acid_ctx *ctx;
	int r = acid_ctx_new(NULL, &ctx);

	if (r < 0) {
		tool_error(cmd, "%s", acid_strerror(r));
		return NULL;
	}
	return ctx;
}

int tool_ctx_list(const char *cmd, struct acid_ctx **ctx,
		  struct acid_entry ***list, size_t *n)
{
	int r;

	*ctx = tool_ctx(cmd);
	if (!*ctx)
		return EXIT_RUNTIME;
	r = acid_list(*ctx, list, n);
	if (r < 0) {
		tool_error(cmd, "%s: %s", acid_ctx_state_dir(*ctx),
			   acid_ctx_errmsg(*ctx));
		acid_ctx_free(*ctx);
		return EXIT_RUNTIME;
	}
	return 0;
}

static const char *state_of(const struct acid_ctx *ctx,
			    const struct acid_entry *e)
{
	int r = acid_entry_alive(ctx, e);

	return r == 1 ? "running" : r == 0 ? "lost" : "unknown";
}

/* The Kubernetes metadata of an entry: text label, JSON key, accessor. */
static const struct {
	const char *text, *json;
	const char *(*get)(const struct acid_entry *e);
} k8s[] = {
	{ "k8s pod:", "k8s_pod", acid_entry_k8s_pod },
	{ "k8s ns:", "k8s_namespace", acid_entry_k8s_namespace },
	{ "k8s uid:", "k8s_pod_uid", acid_entry_k8s_pod_uid },
	{ "k8s ctr:", "k8s_container", acid_entry_k8s_container },
	{ "image:", "image", acid_entry_image },
};

/* "label value": a control byte shown as \xHH, never sent to a terminal */
static void print_text(const char *label, const char *v)
{
	printf("%-10s ", label);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('\n');
}

void tool_print_entry(const struct acid_ctx *ctx, const struct acid_entry *e)
{
	const struct acid_ns_set *ns = acid_entry_ns(e);
	char id[ACID_ID_STRLEN], when[64];
	time_t t = (time_t)acid_entry_time(e);
	struct tm tm;

	acid_id_format(acid_entry_id(e), id, sizeof(id));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z",
		 localtime_r(&t, &tm));
	printf("uuid:      %s\n", id);
	printf("name:      %s\n", acid_entry_name(e));
	printf("init pid:  %d\n", (int)acid_entry_pid(e));
	printf("state:     %s\n", state_of(ctx, e));
	printf("bundle:    %s\n", acid_entry_bundle(e));
	printf("mode:      %s\n", acid_mode_name(acid_entry_mode(e)));
	printf("since:     %s\n", when);
	if (acid_entry_ses_tag(e))
		printf("ses-tag:   %" PRIu32 "\n", acid_entry_ses_tag(e));
	if (acid_entry_parent(e)) {
		acid_id_format(acid_entry_parent(e), id, sizeof(id));
		printf("parent:    %s\n", id);
	}
	for (size_t i = 0; i < sizeof(k8s) / sizeof(k8s[0]); i++) {
		const char *v = k8s[i].get(e);

		if (*v)
			print_text(k8s[i].text, v);
	}
	/* every kind the library knows, through its accessor: a kind added
	 * later shows without a change here */
	for (unsigned int k = 0; k < acid_ns_count(); k++) {
		struct acid_ns_id n;

		if (acid_ns_get(ns, (enum acid_ns_kind)k, &n) == 0)
			printf("ns %-18s %" PRIu32 ":%" PRIu32 " %" PRIu64 "\n",
			       acid_ns_name((enum acid_ns_kind)k),
			       n.dev_major, n.dev_minor, n.ino);
	}
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_entry(yajl_gen g, const struct acid_ctx *ctx,
		      const struct acid_entry *e)
{
	const struct acid_ns_set *ns = acid_entry_ns(e);
	char id[ACID_ID_STRLEN];

	yajl_gen_map_open(g);
	acid_id_format(acid_entry_id(e), id, sizeof(id));
	gen_str(g, "uuid");
	gen_str(g, id);
	gen_str(g, "name");
	gen_str(g, acid_entry_name(e));
	gen_str(g, "pid");
	yajl_gen_integer(g, acid_entry_pid(e));
	gen_str(g, "state");
	gen_str(g, state_of(ctx, e));
	gen_str(g, "bundle");
	gen_str(g, acid_entry_bundle(e));
	gen_str(g, "mode");
	gen_str(g, acid_mode_name(acid_entry_mode(e)));
	gen_str(g, "time");
	yajl_gen_integer(g, acid_entry_time(e));
	gen_str(g, "ses_tag");
	yajl_gen_integer(g, acid_entry_ses_tag(e));
	gen_str(g, "parent");
	if (acid_entry_parent(e)) {
		acid_id_format(acid_entry_parent(e), id, sizeof(id));
		gen_str(g, id);
	} else {
		yajl_gen_null(g);
	}
	/* Kubernetes metadata: null where none */
	for (size_t i = 0; i < sizeof(k8s) / sizeof(k8s[0]); i++) {
		gen_str(g, k8s[i].json);
		if (*k8s[i].get(e))
			gen_str(g, k8s[i].get(e));
		else
			yajl_gen_null(g);
	}
	gen_str(g, "namespaces");
	yajl_gen_map_open(g);
	for (unsigned int k = 0; k < acid_ns_count(); k++) {
		struct acid_ns_id n;
		char dev[32];

		if (acid_ns_get(ns, (enum acid_ns_kind)k, &n) < 0)
			continue;
		gen_str(g, acid_ns_name((enum acid_ns_kind)k));
		yajl_gen_map_open(g);
		snprintf(dev, sizeof(dev), "%" PRIu32 ":%" PRIu32,
			 n.dev_major, n.dev_minor);
		gen_str(g, "dev");
		gen_str(g, dev);
		gen_str(g, "ino");
		yajl_gen_integer(g, (long long)n.ino);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int tool_print_json(const struct acid_ctx *ctx, struct acid_entry **list,
		    size_t n)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return -ENOMEM;
	/* names are validated UTF-8 by the hooks; anything else is escaped */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		gen_entry(g, ctx, list[i]);
	yajl_gen_array_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return -EBADMSG;
	}
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
	return 0;
}

int tool_find(struct acid_ctx *ctx, const char *cmd, const char *id,
	      const char *name, const char *pid, struct acid_entry **out)
{
	int r;

	if (!!id + !!name + !!pid != 1) {
		tool_error(cmd, "name the container with one of --id, --name, --pid");
		return EXIT_USAGE;
	}
	if (id) {
		struct acid_id cid;

		if (acid_id_parse(id, &cid) < 0) {
			tool_error(cmd, "--id \"%s\" is not a container ID", id);
			return EXIT_USAGE;
		}
		r = acid_lookup_id(ctx, &cid, out);
	} else if (name) {
		r = acid_lookup_name(ctx, name, NULL, out);
	} else {
		pid_t p;

		if (!tool_parse_pid(pid, &p)) {
			tool_error(cmd, "--pid \"%s\" is not a process ID", pid);
			return EXIT_USAGE;
		}
		r = acid_lookup_pid(ctx, p, out);
	}
	if (r < 0) {
		tool_error(cmd, "container %s \"%s\": %s",
			   id ? "ID" : name ? "name" : "of pid",
			   id ? id : name ? name : pid, acid_ctx_errmsg(ctx));
		return EXIT_RUNTIME;
	}
	return 0;
}
