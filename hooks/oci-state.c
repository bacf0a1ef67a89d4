// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * oci-state.c - reader for the OCI runtime "state" JSON given to hooks.
 *
 * What real runtimes send (samples in the project's oci-state fixtures):
 *
 *   runc    prestart/createRuntime/poststart: ociVersion, id, status, pid,
 *           bundle, annotations.  poststop: the same without "pid" (Go's
 *           omitempty drops a zero pid).
 *   crun    adds "root" (ignored here, like every unknown field) and
 *           sends "pid":0 at poststop instead of leaving it out.
 *   podman  (through runc or crun) the same fields; its poststop has no
 *           pid but always has a bundle.  Its ids are 64 hex digits and
 *           it adds many annotations, all strings.
 *
 * So "pid" is optional and 0 is accepted (both mean "no process any
 * more"), "bundle" and "annotations" are optional, and any other field is
 * ignored so that a newer runtime adding one does not break the hooks.
 *
 * The input is treated as hostile: the hook runs with privilege and its
 * standard input comes from whoever can start a container.  Hence the
 * checks beyond plain JSON validity:
 *
 *   - yajl_tree_parse builds and frees the tree recursively, so nesting
 *     is bounded by a pre-scan before yajl sees the text.
 *   - yajl_tree_parse takes a C string and turns "\u0000" into a NUL that
 *     silently truncates the value or key ("id\u0000x" would become a
 *     second "id"), so raw NULs and escaped NULs are both refused.
 *   - yajl_tree_parse enables comments; we refuse them instead, which also
 *     keeps the pre-scan's idea of where strings are identical to yajl's
 *     (a quote inside a comment would otherwise fool it).
 *   - yajl keeps duplicate keys; a second "id" or "pid" might be read by
 *     one consumer and not another, so duplicates of every field we use
 *     are refused.
 *   - Every string copied out is free of control bytes and valid UTF-8
 *     (yajl checks raw bytes but lets "\udc00" through as a surrogate), so
 *     callers may log them.
 *
 * Error messages are one line and quote offending values escaped to
 * printable ASCII and truncated, so they can go straight to syslog.
 */
#include "oci-state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

/* Deep enough for any real state, shallow enough for yajl's recursion. */
#define OCI_DEPTH_MAX		64
#define OCI_ID_MAX		1024
#define OCI_PATH_MAX		4096
/* Other copied strings (status, ociVersion, our annotations). */
#define OCI_STRING_MAX		4096
/* PID_MAX_LIMIT from the kernel: no pid can be larger. */
#define OCI_PID_MAX		4194304LL

#define ANNOT_CONTAINER_ID	"org.acid.container-id"
#define ANNOT_POLICY		"org.acid.policy"

/* At most this many bytes of a value are shown in a message. */
#define QUOTE_MAX		48
/* Each byte may become "\xHH"; plus quotes, "..." and the NUL. */
#define QUOTE_BUF		(QUOTE_MAX * 4 + 8)

#define STR_NONEMPTY		0x1
#define STR_ABSOLUTE		0x2

static const char *const stage_names[] = {
	[OCI_STAGE_UNKNOWN]		= "unknown",
	[OCI_STAGE_PRESTART]		= "prestart",
	[OCI_STAGE_CREATE_RUNTIME]	= "createRuntime",
	[OCI_STAGE_CREATE_CONTAINER]	= "createContainer",
	[OCI_STAGE_START_CONTAINER]	= "startContainer",
	[OCI_STAGE_POSTSTART]		= "poststart",
	[OCI_STAGE_POSTSTOP]		= "poststop",
};

#define N_STAGES (sizeof(stage_names) / sizeof(stage_names[0]))

__attribute__((format(printf, 3, 4)))
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Writes s[0..n) escaped into o, which must have room for 4 * n bytes;
 * returns the number of bytes written (no NUL).  Everything outside
 * printable ASCII is shown as \xHH, so a hostile value can neither break
 * a message into lines nor smuggle terminal escapes into a log.
 */
static size_t escape_into(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *start = o;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		} else {
			*o++ = (char)c;
		}
	}
	return (size_t)(o - start);
}

/* Quotes s[0..len) escaped, truncated to QUOTE_MAX bytes with "...". */
static const char *quote_mem(char out[QUOTE_BUF], const char *s, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;
	char *o = out;

	*o++ = '"';
	o += escape_into(o, s, n);
	*o++ = '"';
	if (n < len) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return out;
}

static const char *quote(char out[QUOTE_BUF], const char *s)
{
	return quote_mem(out, s, strlen(s));
}

/* Describes a JSON value for "got ..." in a message. */
static const char *describe(char out[QUOTE_BUF], yajl_val v)
{
	const char *r;

	if (!v)
		return "nothing";
	switch (v->type) {
	case yajl_t_string:
		return quote(out, v->u.string);
	case yajl_t_number:
		/*
		 * yajl's lexer allows only [-+.eE0-9] in a number, so the
		 * raw text is safe to show bare; quote_mem would only add
		 * quotes that suggest a string.  Truncate it all the same.
		 */
		r = v->u.number.r;
		if (strlen(r) > QUOTE_MAX)
			snprintf(out, QUOTE_BUF, "%.*s...", QUOTE_MAX, r);
		else
			snprintf(out, QUOTE_BUF, "%s", r);
		return out;
	case yajl_t_object:
		return "an object";
	case yajl_t_array:
		return "an array";
	case yajl_t_true:
		return "true";
	case yajl_t_false:
		return "false";
	case yajl_t_null:
		return "null";
	default:
		return "an unknown value";
	}
}

/*
 * Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the offset of the first bad byte, or len when all is well.
 */
static size_t utf8_bad_offset(const unsigned char *s, size_t len)
{
	size_t i = 0, need, k;
	unsigned char lo, hi;

	while (i < len) {
		unsigned char c = s[i];

		lo = 0x80;
		hi = 0xbf;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		/* Only the first continuation byte has a narrowed range. */
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += need + 1;
	}
	return len;
}

/*
 * Checks what the raw text must satisfy before yajl sees it: no NUL, no
 * escaped NUL, no comments, nesting at most OCI_DEPTH_MAX, and something
 * other than whitespace.  Brackets inside strings do not count; the
 * string scan mirrors yajl's lexer closely enough for that (a backslash
 * always consumes the next byte, a quote ends the string).
 */
static int prescan(const char *buf, size_t len, char *err, size_t errlen)
{
	const char *nul = memchr(buf, '\0', len);
	int in_string = 0, content = 0;
	unsigned int depth = 0;
	size_t i;

	if (nul) {
		seterr(err, errlen, "state: contains a NUL byte at offset %zu",
		       (size_t)(nul - buf));
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (in_string) {
			if (c == '"') {
				in_string = 0;
			} else if (c == '\\' && i + 1 < len) {
				i++;
				if (buf[i] == 'u' && len - i > 4 &&
				    !memcmp(buf + i + 1, "0000", 4)) {
					seterr(err, errlen,
					       "state: contains an escaped NUL (\\u0000) at offset %zu",
					       i - 1);
					return -1;
				}
			}
			continue;
		}
		switch (c) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			continue;
		case '"':
			in_string = 1;
			break;
		case '[':
		case '{':
			if (++depth > OCI_DEPTH_MAX) {
				seterr(err, errlen,
				       "state: nested deeper than %d levels at offset %zu",
				       OCI_DEPTH_MAX, i);
				return -1;
			}
			break;
		case ']':
		case '}':
			/* Imbalance is yajl's to report. */
			if (depth)
				depth--;
			break;
		case '/':
			seterr(err, errlen,
			       "state: not valid JSON: '/' at offset %zu (comments are refused)",
			       i);
			return -1;
		default:
			break;
		}
		content = 1;
	}
	if (!content) {
		seterr(err, errlen, "state: empty input (only whitespace)");
		return -1;
	}
	return 0;
}

/*
 * Finds key in obj.  A key given twice is refused: yajl keeps both and
 * we must not let two readers of the same document see different values.
 */
static int lookup(yajl_val obj, const char *key, const char *what,
		  yajl_val *out, char *err, size_t errlen)
{
	size_t i, n = 0;
	char q[QUOTE_BUF];

	*out = NULL;
	for (i = 0; i < obj->u.object.len; i++) {
		if (strcmp(obj->u.object.keys[i], key))
			continue;
		if (++n > 1) {
			seterr(err, errlen,
			       "state: %s %s appears more than once",
			       what, quote(q, key));
			return -1;
		}
		*out = obj->u.object.values[i];
	}
	return 0;
}

/*
 * Validates string value v named (what, key) and stores a copy in *out.
 * Leaves *out alone on error.
 */
static int take_string(yajl_val v, const char *what, const char *key,
		       size_t max, unsigned int flags, char **out,
		       char *err, size_t errlen)
{
	char q[QUOTE_BUF], qk[QUOTE_BUF];
	const unsigned char *s;
	size_t len, i, bad;

	quote(qk, key);
	if (!YAJL_IS_STRING(v)) {
		seterr(err, errlen, "state: %s %s must be a string, got %s",
		       what, qk, describe(q, v));
		return -1;
	}
	s = (const unsigned char *)v->u.string;
	len = strlen(v->u.string);
	if ((flags & STR_NONEMPTY) && !len) {
		seterr(err, errlen, "state: %s %s must not be empty", what, qk);
		return -1;
	}
	if (len > max) {
		seterr(err, errlen,
		       "state: %s %s is longer than %zu bytes (%zu bytes): %s",
		       what, qk, max, len, quote(q, v->u.string));
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			seterr(err, errlen,
			       "state: %s %s contains control byte 0x%02x at offset %zu: %s",
			       what, qk, s[i], i, quote(q, v->u.string));
			return -1;
		}
	}
	bad = utf8_bad_offset(s, len);
	if (bad != len) {
		seterr(err, errlen,
		       "state: %s %s is not valid UTF-8 at offset %zu: %s",
		       what, qk, bad, quote(q, v->u.string));
		return -1;
	}
	if ((flags & STR_ABSOLUTE) && s[0] != '/') {
		seterr(err, errlen,
		       "state: %s %s must be an absolute path, got %s",
		       what, qk, quote(q, v->u.string));
		return -1;
	}
	*out = strdup(v->u.string);
	if (!*out) {
		seterr(err, errlen, "state: out of memory");
		return -1;
	}
	return 0;
}

/* An optional top-level string field. */
static int opt_string(yajl_val root, const char *key, size_t max,
		      unsigned int flags, char **out, char *err, size_t errlen)
{
	yajl_val v;

	if (lookup(root, key, "field", &v, err, errlen))
		return -1;
	if (!v)
		return 0;
	return take_string(v, "field", key, max, flags, out, err, errlen);
}

static int take_pid(yajl_val root, long long *pid, char *err, size_t errlen)
{
	char q[QUOTE_BUF];
	const char *r;
	yajl_val v;

	if (lookup(root, "pid", "field", &v, err, errlen))
		return -1;
	if (!v)
		return 0;
	if (!YAJL_IS_NUMBER(v))
		goto not_integer;
	/*
	 * Judge the raw text, not yajl's conversions: "1e3" and "-0" are
	 * numbers yajl may convert, but no runtime writes a pid like that.
	 */
	r = v->u.number.r;
	if (!*r || strspn(r, "0123456789") != strlen(r))
		goto not_integer;
	if (!YAJL_IS_INTEGER(v) || v->u.number.i > OCI_PID_MAX) {
		seterr(err, errlen,
		       "state: field \"pid\" must be at most %lld, got %s",
		       OCI_PID_MAX, describe(q, v));
		return -1;
	}
	*pid = v->u.number.i;
	return 0;

not_integer:
	seterr(err, errlen,
	       "state: field \"pid\" must be a non-negative integer, got %s",
	       describe(q, v));
	return -1;
}

/*
 * Every annotation value must be a string (the spec says so, and a
 * runtime that sends something else is not one we understand); only our
 * two are copied out.
 */
static int take_annotations(yajl_val root, struct oci_state *st,
			    char *err, size_t errlen)
{
	char q[QUOTE_BUF], qk[QUOTE_BUF];
	yajl_val v, a;
	size_t i;

	if (lookup(root, "annotations", "field", &a, err, errlen))
		return -1;
	if (!a)
		return 0;
	if (!YAJL_IS_OBJECT(a)) {
		seterr(err, errlen,
		       "state: field \"annotations\" must be an object, got %s",
		       describe(q, a));
		return -1;
	}
	for (i = 0; i < a->u.object.len; i++) {
		v = a->u.object.values[i];
		if (YAJL_IS_STRING(v))
			continue;
		seterr(err, errlen,
		       "state: annotation %s must be a string, got %s",
		       quote(qk, a->u.object.keys[i]), describe(q, v));
		return -1;
	}
	if (lookup(a, ANNOT_CONTAINER_ID, "annotation", &v, err, errlen))
		return -1;
	if (v && take_string(v, "annotation", ANNOT_CONTAINER_ID,
			     OCI_STRING_MAX, 0, &st->container_id,
			     err, errlen))
		return -1;
	if (lookup(a, ANNOT_POLICY, "annotation", &v, err, errlen))
		return -1;
	if (v && take_string(v, "annotation", ANNOT_POLICY, OCI_STRING_MAX,
			     0, &st->policy, err, errlen))
		return -1;
	return 0;
}

static int take_all(yajl_val root, struct oci_state *st,
		    char *err, size_t errlen)
{
	yajl_val v;

	if (lookup(root, "id", "field", &v, err, errlen))
		return -1;
	if (!v) {
		seterr(err, errlen, "state: field \"id\" is missing");
		return -1;
	}
	if (take_string(v, "field", "id", OCI_ID_MAX, STR_NONEMPTY, &st->id,
			err, errlen))
		return -1;
	if (take_pid(root, &st->pid, err, errlen))
		return -1;
	if (opt_string(root, "bundle", OCI_PATH_MAX, STR_ABSOLUTE,
		       &st->bundle, err, errlen))
		return -1;
	if (opt_string(root, "status", OCI_STRING_MAX, 0, &st->status,
		       err, errlen))
		return -1;
	if (opt_string(root, "ociVersion", OCI_STRING_MAX, 0,
		       &st->oci_version, err, errlen))
		return -1;
	return take_annotations(root, st, err, errlen);
}

static void state_init(struct oci_state *st)
{
	memset(st, 0, sizeof(*st));
	st->pid = -1;
}

void oci_state_free(struct oci_state *st)
{
	if (!st)
		return;
	free(st->oci_version);
	free(st->id);
	free(st->status);
	free(st->bundle);
	free(st->container_id);
	free(st->policy);
	state_init(st);
}

/* yajl's first line is its message; later lines quote the input. */
#define YAJL_MSG_MAX 160

static void yajl_short(char out[YAJL_MSG_MAX * 4 + 4], const char *msg)
{
	size_t n = strcspn(msg, "\n"), len;

	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	if (!n) {
		strcpy(out, "unknown error");
		return;
	}
	len = n > YAJL_MSG_MAX ? YAJL_MSG_MAX : n;
	/* The text is yajl's own, but escape it in case that changes. */
	len = escape_into(out, msg, len);
	if (n > YAJL_MSG_MAX) {
		memcpy(out + len, "...", 3);
		len += 3;
	}
	out[len] = '\0';
}

int oci_state_parse(const char *buf, size_t len, struct oci_state *st,
		    char *err, size_t errlen)
{
	char yerr[256], msg[YAJL_MSG_MAX * 4 + 4], q[QUOTE_BUF];
	yajl_val root;
	char *text;
	int ret;

	state_init(st);
	if (err && errlen)
		err[0] = '\0';
	if (!len || !buf) {
		seterr(err, errlen, "state: empty input");
		return -1;
	}
	if (len > OCI_STATE_MAX) {
		seterr(err, errlen, "state: larger than %d bytes",
		       OCI_STATE_MAX);
		return -1;
	}
	if (prescan(buf, len, err, errlen))
		return -1;

	/* yajl_tree_parse wants a C string; prescan ruled out inner NULs. */
	text = malloc(len + 1);
	if (!text) {
		seterr(err, errlen, "state: out of memory");
		return -1;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	yerr[0] = '\0';
	root = yajl_tree_parse(text, yerr, sizeof(yerr));
	free(text);
	if (!root) {
		yajl_short(msg, yerr);
		seterr(err, errlen, "state: not valid JSON: %s", msg);
		return -1;
	}
	if (!YAJL_IS_OBJECT(root)) {
		seterr(err, errlen,
		       "state: top level must be a JSON object, got %s",
		       describe(q, root));
		yajl_tree_free(root);
		return -1;
	}
	ret = take_all(root, st, err, errlen);
	yajl_tree_free(root);
	if (ret)
		oci_state_free(st);
	return ret;
}

int oci_state_read(int fd, struct oci_state *st, char *err, size_t errlen)
{
	char src[48];
	size_t len = 0, cap = 4096;
	char *buf, *nbuf;
	ssize_t n;
	int ret;

	state_init(st);
	if (fd == STDIN_FILENO)
		snprintf(src, sizeof(src), "standard input");
	else
		snprintf(src, sizeof(src), "file descriptor %d", fd);

	buf = malloc(cap);
	if (!buf) {
		seterr(err, errlen, "state: out of memory");
		return -1;
	}
	/*
	 * Read at most one byte past the limit: enough to know the input is
	 * too large without letting a writer make us buffer without end.
	 */
	for (;;) {
		if (len == cap) {
			cap = cap * 2 > (size_t)OCI_STATE_MAX + 1 ?
			      (size_t)OCI_STATE_MAX + 1 : cap * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				seterr(err, errlen, "state: out of memory");
				return -1;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			seterr(err, errlen, "state: cannot read %s: %s", src,
			       strerror(errno));
			free(buf);
			return -1;
		}
		if (!n)
			break;
		len += (size_t)n;
		if (len > OCI_STATE_MAX) {
			seterr(err, errlen, "state: larger than %d bytes",
			       OCI_STATE_MAX);
			free(buf);
			return -1;
		}
	}
	if (!len) {
		seterr(err, errlen, "state: empty input on %s", src);
		free(buf);
		return -1;
	}
	ret = oci_state_parse(buf, len, st, err, errlen);
	free(buf);
	return ret;
}

enum oci_stage oci_stage_from_name(const char *name)
{
	size_t i;

	if (!name)
		return OCI_STAGE_UNKNOWN;
	for (i = 1; i < N_STAGES; i++)
		if (!strcmp(name, stage_names[i]))
			return (enum oci_stage)i;
	return OCI_STAGE_UNKNOWN;
}

const char *oci_stage_name(enum oci_stage s)
{
	if ((size_t)s >= N_STAGES)
		return stage_names[OCI_STAGE_UNKNOWN];
	return stage_names[s];
}

enum oci_stage oci_stage_resolve(int argc, char **argv,
				 const struct oci_state *st,
				 char *err, size_t errlen)
{
	enum oci_stage found = OCI_STAGE_UNKNOWN, s;
	char q[QUOTE_BUF], q2[QUOTE_BUF];
	const char *name, *env;
	int i, is_option;

	if (err && errlen)
		err[0] = '\0';
	for (i = 1; argv && i < argc && argv[i]; i++) {
		is_option = 1;
		if (!strncmp(argv[i], "--stage=", 8)) {
			name = argv[i] + 8;
		} else if (!strcmp(argv[i], "--stage")) {
			if (i + 1 >= argc || !argv[i + 1]) {
				seterr(err, errlen,
				       "stage: option --stage needs a value");
				return OCI_STAGE_UNKNOWN;
			}
			name = argv[++i];
		} else {
			/* Other arguments may belong to the hook's config. */
			name = argv[i];
			is_option = 0;
		}
		s = oci_stage_from_name(name);
		if (s == OCI_STAGE_UNKNOWN) {
			if (!is_option)
				continue;
			seterr(err, errlen,
			       "stage: --stage value %s is not a stage name",
			       quote(q, name));
			return OCI_STAGE_UNKNOWN;
		}
		/*
		 * Two different stages means the hook is misconfigured;
		 * guessing would run the wrong half of its work.
		 */
		if (found != OCI_STAGE_UNKNOWN && s != found) {
			seterr(err, errlen,
			       "stage: arguments name two stages, %s and %s",
			       quote(q, oci_stage_name(found)),
			       quote(q2, oci_stage_name(s)));
			return OCI_STAGE_UNKNOWN;
		}
		found = s;
	}
	if (found != OCI_STAGE_UNKNOWN)
		return found;

	env = getenv("stage");
	if (env && *env) {
		s = oci_stage_from_name(env);
		if (s == OCI_STAGE_UNKNOWN)
			seterr(err, errlen,
			       "stage: environment variable stage=%s is not a stage name",
			       quote(q, env));
		return s;
	}

	if (!st) {
		seterr(err, errlen,
		       "stage: not given and no state to derive it from");
		return OCI_STAGE_UNKNOWN;
	}
	/* runc leaves pid out after the container is gone, crun sends 0. */
	return st->pid > 0 ? OCI_STAGE_PRESTART : OCI_STAGE_POSTSTOP;
}
