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
 * standard input comes from whoever can start a container.  It is read in
 * one pass of yajl's event parser, which keeps only the fields we use;
 * the checks beyond plain JSON validity:
 *
 *   - Nesting is bounded (OCI_DEPTH_MAX): no real state comes near it,
 *     and whatever reads the state after us need not cope with more.
 *   - A NUL, raw or escaped ("\u0000"), would cut a C string short
 *     ("id\u0000x" would become a second "id"): both are refused.
 *   - Comments are refused (yajl can be told to take them, and drop
 *     them; a runtime never writes one).
 *   - JSON readers differ on duplicate keys; a second "id" or "pid" might
 *     be read by one consumer and not another, so duplicates of every
 *     field we use are refused.
 *   - Every string copied out is free of control bytes and valid UTF-8
 *     (yajl checks raw bytes but lets "\udc00" through as a surrogate), so
 *     callers may log them.
 *
 * A syntax error is reported before what the document means (a missing
 * "id", say), as a reader of the whole document would; refusals of the
 * text itself (NUL, depth, comments) come in the order they occur.
 *
 * Error messages are one line and quote offending values escaped to
 * printable ASCII and truncated, so they can go straight to syslog.
 */
#include "oci-state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

/* Deeper than any real state. */
#define OCI_DEPTH_MAX		64
#define OCI_ID_MAX		1024
#define OCI_PATH_MAX		4096
/* Other copied strings (status, ociVersion, our annotation). */
#define OCI_STRING_MAX		4096
/* PID_MAX_LIMIT from the kernel: no pid can be larger. */
#define OCI_PID_MAX		4194304LL

#define ANNOT_CONTAINER_ID	"org.acid.container-id"

/*
 * The annotations copied out: ours, and the Kubernetes metadata CRI-O
 * and containerd's CRI write (CRI-O copies the kubelet's labels
 * io.kubernetes.pod.* and io.kubernetes.container.name into the
 * annotations and names the image the pod asked for in
 * io.kubernetes.cri-o.ImageName, its io.kubernetes.cri-o.Image being an
 * image ID in some versions; containerd's CRI writes io.kubernetes.cri.*).
 * Each Kubernetes value has one key of each runtime: a state carrying
 * both must say the same in both. The bounds are Kubernetes' (a pod name
 * is a DNS subdomain, a namespace and a container name DNS labels) with
 * room for a static pod's UID and an image's name, tag and digest:
 * libacid's ACID_K8S_*_MAX. A value no Kubernetes writes (too long, a
 * control byte, not UTF-8, given twice) is refused: the state claims a
 * pod it cannot be (take_k8s says where the refusal goes).
 */
enum annot {
	A_CID = 0,
	A_CRIO_POD, A_CRIO_NAMESPACE, A_CRIO_POD_UID, A_CRIO_CONTAINER,
	A_CRIO_IMAGE,
	A_CRI_POD, A_CRI_NAMESPACE, A_CRI_POD_UID, A_CRI_CONTAINER,
	A_CRI_IMAGE,
	A_COUNT, A_OTHER = -1,
};

static const struct {
	const char *key;
	size_t max;
} annots[A_COUNT] = {
	[A_CID] = { ANNOT_CONTAINER_ID, OCI_STRING_MAX },
	[A_CRIO_POD] = { "io.kubernetes.pod.name", 253 },
	[A_CRIO_NAMESPACE] = { "io.kubernetes.pod.namespace", 63 },
	[A_CRIO_POD_UID] = { "io.kubernetes.pod.uid", 128 },
	[A_CRIO_CONTAINER] = { "io.kubernetes.container.name", 63 },
	[A_CRIO_IMAGE] = { "io.kubernetes.cri-o.ImageName", 512 },
	[A_CRI_POD] = { "io.kubernetes.cri.sandbox-name", 253 },
	[A_CRI_NAMESPACE] = { "io.kubernetes.cri.sandbox-namespace", 63 },
	[A_CRI_POD_UID] = { "io.kubernetes.cri.sandbox-uid", 128 },
	[A_CRI_CONTAINER] = { "io.kubernetes.cri.container-name", 63 },
	[A_CRI_IMAGE] = { "io.kubernetes.cri.image-name", 512 },
};

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
 * What the parse keeps of one value: its kind, and for a string (decoded)
 * or a number (as written) its text, enough to check it afterwards and to
 * describe it in a message.
 */
enum vkind {
	V_NONE = 0, V_STRING, V_NUMBER, V_OBJECT, V_ARRAY, V_TRUE, V_FALSE,
	V_NULL,
};

struct val {
	enum vkind kind;
	unsigned int count;	/* how often its key appeared */
	char *text;		/* NUL-terminated; V_STRING and V_NUMBER */
	size_t len;
};

/* The top-level fields we read, in the order they are checked. */
enum field {
	F_ID, F_PID, F_BUNDLE, F_STATUS, F_OCI_VERSION, F_ANNOTATIONS,
	F_COUNT, F_OTHER = -1,
};

static const char *const field_names[F_COUNT] = {
	[F_ID] = "id",
	[F_PID] = "pid",
	[F_BUNDLE] = "bundle",
	[F_STATUS] = "status",
	[F_OCI_VERSION] = "ociVersion",
	[F_ANNOTATIONS] = "annotations",
};

/*
 * The state of one pass of yajl's event parser.  Refusals that end the
 * parse at once (an escaped NUL, too deep, out of memory) are written to
 * err and the callback returns 0; what concerns the meaning of the
 * document is kept and judged only once yajl has found it valid JSON, so
 * that a syntax error is reported before anything else, as a reader of
 * the whole document would.
 */
struct parser {
	const char *buf;
	yajl_handle h;
	char *err;
	size_t errlen;
	unsigned int depth;	/* open objects and arrays */
	bool seen;		/* any event at all */
	bool root_object;
	bool root_bad;		/* the top level is not an object */
	char root_desc[QUOTE_BUF];
	enum field field;	/* what the next value at depth 1 is */
	bool in_annotations;	/* depth 2 is the "annotations" object */
	enum annot next_annot;	/* which one the next annotation is */
	struct val f[F_COUNT];
	struct val an[A_COUNT];	/* the annotations copied out */
	/* the last annotation key seen, up to QUOTE_MAX bytes, and its length */
	char akey[QUOTE_MAX];
	size_t akey_len;
	bool bad_annot;		/* an annotation value that is not a string */
	char bad_key[QUOTE_BUF], bad_desc[QUOTE_BUF];
};

/* Describes a value for "got ..." in a message. */
static const char *describe(char out[QUOTE_BUF], enum vkind kind,
			    const char *text, size_t len)
{
	switch (kind) {
	case V_STRING:
		return quote_mem(out, text, len);
	case V_NUMBER:
		/*
		 * yajl's lexer allows only [-+.eE0-9] in a number, so the
		 * raw text is safe to show bare; quote_mem would only add
		 * quotes that suggest a string.  Truncate it all the same.
		 */
		if (len > QUOTE_MAX)
			snprintf(out, QUOTE_BUF, "%.*s...", QUOTE_MAX, text);
		else
			snprintf(out, QUOTE_BUF, "%.*s", (int)len, text);
		return out;
	case V_OBJECT:
		return "an object";
	case V_ARRAY:
		return "an array";
	case V_TRUE:
		return "true";
	case V_FALSE:
		return "false";
	case V_NULL:
		return "null";
	default:
		return "nothing";
	}
}

static const char *describe_val(char out[QUOTE_BUF], const struct val *v)
{
	return describe(out, v->kind, v->text, v->len);
}

static void val_free(struct val *v)
{
	free(v->text);
	memset(v, 0, sizeof(*v));
}

static int keep(struct parser *p, struct val *v, enum vkind kind,
		const char *text, size_t len)
{
	v->kind = kind;
	if (kind != V_STRING && kind != V_NUMBER)
		return 1;
	v->text = malloc(len + 1);
	if (!v->text) {
		seterr(p->err, p->errlen, "state: out of memory");
		return 0;
	}
	memcpy(v->text, text, len);
	v->text[len] = '\0';
	v->len = len;
	return 1;
}

/* One value (a scalar, or the start of an object or array) at p->depth. */
static int on_value(struct parser *p, enum vkind kind, const char *text,
		    size_t len)
{
	char q[QUOTE_BUF];
	struct val *v;

	p->seen = true;
	if (p->depth == 0) {
		if (kind == V_OBJECT) {
			p->root_object = true;
		} else {
			p->root_bad = true;
			snprintf(p->root_desc, sizeof(p->root_desc), "%s",
				 describe(q, kind, text, len));
		}
		return 1;
	}
	if (!p->root_object)
		return 1;
	if (p->depth == 1) {
		if (p->field == F_OTHER)
			return 1;
		v = &p->f[p->field];
		/* a second one is refused afterwards; keep the first */
		if (v->count > 1)
			return 1;
		if (p->field == F_ANNOTATIONS && kind == V_OBJECT)
			p->in_annotations = true;
		return keep(p, v, kind, text, len);
	}
	if (p->depth != 2 || !p->in_annotations)
		return 1;
	if (kind != V_STRING && !p->bad_annot) {
		p->bad_annot = true;
		quote_mem(p->bad_key, p->akey, p->akey_len);
		snprintf(p->bad_desc, sizeof(p->bad_desc), "%s",
			 describe(q, kind, text, len));
	}
	if (p->next_annot != A_OTHER && p->an[p->next_annot].count == 1)
		return keep(p, &p->an[p->next_annot], kind, text, len);
	return 1;
}

/*
 * A decoded NUL can only come from "\u0000" (raw NULs are refused before
 * the parse): yajl would hand it over, and a C string holding it would
 * be cut short ("id\u0000x" read as a second "id").  The message names
 * the offset of the escape in the input.  The string's token ends where
 * yajl stands; it starts at the last quote before that which no odd run
 * of backslashes escapes (inside a string every quote is escaped).
 */
static int escaped_nul(struct parser *p, const char *s, size_t len)
{
	size_t end = yajl_get_bytes_consumed(p->h), i = end - 1, k;

	if (!memchr(s, '\0', len))
		return 0;
	while (i-- > 0) {
		if (p->buf[i] != '"')
			continue;
		for (k = i; k > 0 && p->buf[k - 1] == '\\'; k--)
			;
		if ((i - k) % 2 == 0)
			break;
	}
	for (i++; i + 5 < end; i++) {
		if (p->buf[i] != '\\')
			continue;
		if (p->buf[i + 1] == 'u' && !memcmp(p->buf + i + 2, "0000", 4))
			break;
		i++;
	}
	seterr(p->err, p->errlen,
	       "state: contains an escaped NUL (\\u0000) at offset %zu", i);
	return 1;
}

static int cb_null(void *ctx)
{
	return on_value(ctx, V_NULL, NULL, 0);
}

static int cb_boolean(void *ctx, int b)
{
	return on_value(ctx, b ? V_TRUE : V_FALSE, NULL, 0);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	return on_value(ctx, V_NUMBER, s, len);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	if (escaped_nul(ctx, (const char *)s, len))
		return 0;
	return on_value(ctx, V_STRING, (const char *)s, len);
}

static int cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	const char *k = (const char *)s;
	size_t i;

	if (escaped_nul(p, k, len))
		return 0;
	p->seen = true;
	if (!p->root_object)
		return 1;
	if (p->depth == 1) {
		p->field = F_OTHER;
		for (i = 0; i < F_COUNT; i++) {
			if (strlen(field_names[i]) == len &&
			    !memcmp(k, field_names[i], len)) {
				p->field = (enum field)i;
				p->f[i].count++;
				break;
			}
		}
	} else if (p->depth == 2 && p->in_annotations) {
		p->akey_len = len;
		memcpy(p->akey, k, len > QUOTE_MAX ? QUOTE_MAX : len);
		p->next_annot = A_OTHER;
		for (i = 0; i < A_COUNT; i++) {
			if (strlen(annots[i].key) == len &&
			    !memcmp(k, annots[i].key, len)) {
				p->next_annot = (enum annot)i;
				p->an[i].count++;
				break;
			}
		}
	}
	return 1;
}

static int cb_open(struct parser *p, enum vkind kind)
{
	if (!on_value(p, kind, NULL, 0))
		return 0;
	if (++p->depth > OCI_DEPTH_MAX) {
		/* yajl stands just past the bracket */
		seterr(p->err, p->errlen,
		       "state: nested deeper than %d levels at offset %zu",
		       OCI_DEPTH_MAX, yajl_get_bytes_consumed(p->h) - 1);
		return 0;
	}
	return 1;
}

static int cb_start_map(void *ctx)
{
	return cb_open(ctx, V_OBJECT);
}

static int cb_start_array(void *ctx)
{
	return cb_open(ctx, V_ARRAY);
}

static int cb_close(void *ctx)
{
	struct parser *p = ctx;

	if (--p->depth == 1)
		p->in_annotations = false;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_key,
	.yajl_end_map = cb_close,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_close,
};

/*
 * Validates string value v of (what, key) and moves it to *out.  Leaves
 * *out alone on error.
 */
static int take_string(struct val *v, const char *what, const char *key,
		       size_t max, unsigned int flags, char **out,
		       char *err, size_t errlen)
{
	char q[QUOTE_BUF], qk[QUOTE_BUF];
	const unsigned char *s;
	size_t len, i, bad;

	quote(qk, key);
	if (v->kind != V_STRING) {
		seterr(err, errlen, "state: %s %s must be a string, got %s",
		       what, qk, describe_val(q, v));
		return -1;
	}
	s = (const unsigned char *)v->text;
	len = v->len;
	if ((flags & STR_NONEMPTY) && !len) {
		seterr(err, errlen, "state: %s %s must not be empty", what, qk);
		return -1;
	}
	if (len > max) {
		seterr(err, errlen,
		       "state: %s %s is longer than %zu bytes (%zu bytes): %s",
		       what, qk, max, len, describe_val(q, v));
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			seterr(err, errlen,
			       "state: %s %s contains control byte 0x%02x at offset %zu: %s",
			       what, qk, s[i], i, describe_val(q, v));
			return -1;
		}
	}
	bad = utf8_bad_offset(s, len);
	if (bad != len) {
		seterr(err, errlen,
		       "state: %s %s is not valid UTF-8 at offset %zu: %s",
		       what, qk, bad, describe_val(q, v));
		return -1;
	}
	if ((flags & STR_ABSOLUTE) && s[0] != '/') {
		seterr(err, errlen,
		       "state: %s %s must be an absolute path, got %s",
		       what, qk, describe_val(q, v));
		return -1;
	}
	*out = v->text;
	v->text = NULL;
	return 0;
}

/*
 * A key given twice is refused: JSON readers differ on which one counts,
 * and two readers of the same document must not see different values.
 */
static int once(const struct val *v, const char *what, const char *key,
		char *err, size_t errlen)
{
	char q[QUOTE_BUF];

	if (v->count <= 1)
		return 0;
	seterr(err, errlen, "state: %s %s appears more than once", what,
	       quote(q, key));
	return -1;
}

/* An optional top-level string field. */
static int opt_string(struct parser *p, enum field f, size_t max,
		      unsigned int flags, char **out)
{
	struct val *v = &p->f[f];

	if (once(v, "field", field_names[f], p->err, p->errlen))
		return -1;
	if (!v->count)
		return 0;
	return take_string(v, "field", field_names[f], max, flags, out,
			   p->err, p->errlen);
}

static int take_pid(struct parser *p, long long *pid)
{
	struct val *v = &p->f[F_PID];
	char q[QUOTE_BUF];
	long long n = 0;
	size_t i;

	if (once(v, "field", "pid", p->err, p->errlen))
		return -1;
	if (!v->count)
		return 0;
	/*
	 * Judge the raw text: "1e3" and "-0" are numbers, but no runtime
	 * writes a pid like that.
	 */
	if (v->kind != V_NUMBER || !v->len ||
	    strspn(v->text, "0123456789") != v->len) {
		seterr(p->err, p->errlen,
		       "state: field \"pid\" must be a non-negative integer, got %s",
		       describe_val(q, v));
		return -1;
	}
	for (i = 0; i < v->len && n <= OCI_PID_MAX; i++)
		n = n * 10 + (v->text[i] - '0');
	if (n > OCI_PID_MAX) {
		seterr(p->err, p->errlen,
		       "state: field \"pid\" must be at most %lld, got %s",
		       OCI_PID_MAX, describe_val(q, v));
		return -1;
	}
	*pid = n;
	return 0;
}

/*
 * The Kubernetes annotations. What is wrong with them goes to
 * st->k8s_error, not to the caller's error: acid-prestart refuses the
 * container with it, acid-poststop, which needs only the id and bundle,
 * ends a container whatever they say (one an older acid registered
 * with them, say).
 */
static int take_k8s(struct parser *p, struct oci_state *st)
{
	char *v[A_COUNT] = { 0 }, err[1024] = "";
	int r = -1;

	for (int i = A_CRIO_POD; i < A_COUNT; i++) {
		if (once(&p->an[i], "annotation", annots[i].key, err,
			 sizeof(err)))
			goto out;
		if (p->an[i].count &&
		    take_string(&p->an[i], "annotation", annots[i].key,
				annots[i].max, 0, &v[i], err, sizeof(err)))
			goto out;
	}
	/* each Kubernetes value: CRI-O's key, else containerd's; "" none */
	for (int k = 0; k < OCI_K8S_COUNT; k++) {
		int crio = A_CRIO_POD + k, cri = A_CRI_POD + k;
		char q1[QUOTE_BUF], q2[QUOTE_BUF];

		for (int j = 0; j < 2; j++) {
			char **x = &v[j ? cri : crio];

			if (*x && !**x) {
				free(*x);
				*x = NULL;
			}
		}
		if (v[crio] && v[cri] && strcmp(v[crio], v[cri])) {
			seterr(err, sizeof(err),
			       "state: annotations \"%s\" and \"%s\" "
			       "disagree: %s and %s", annots[crio].key,
			       annots[cri].key, quote(q1, v[crio]),
			       quote(q2, v[cri]));
			goto out;
		}
		if (!v[crio]) {
			v[crio] = v[cri];
			v[cri] = NULL;
		}
	}
	for (int k = 0; k < OCI_K8S_COUNT; k++) {
		st->k8s[k] = v[A_CRIO_POD + k];
		v[A_CRIO_POD + k] = NULL;
	}
	r = 0;
out:
	for (int i = 0; i < A_COUNT; i++)
		free(v[i]);
	if (r < 0) {
		st->k8s_error = strdup(err);
		if (!st->k8s_error) {
			seterr(p->err, p->errlen, "state: out of memory");
			return -1;
		}
	}
	return 0;
}

/*
 * Every annotation value must be a string (the spec says so, and a
 * runtime that sends something else is not one we understand); only ours
 * is copied out.
 */
static int take_annotations(struct parser *p, struct oci_state *st)
{
	struct val *a = &p->f[F_ANNOTATIONS];
	char q[QUOTE_BUF];

	if (once(a, "field", "annotations", p->err, p->errlen))
		return -1;
	if (!a->count)
		return 0;
	if (a->kind != V_OBJECT) {
		seterr(p->err, p->errlen,
		       "state: field \"annotations\" must be an object, got %s",
		       describe_val(q, a));
		return -1;
	}
	if (p->bad_annot) {
		seterr(p->err, p->errlen,
		       "state: annotation %s must be a string, got %s",
		       p->bad_key, p->bad_desc);
		return -1;
	}
	if (once(&p->an[A_CID], "annotation", ANNOT_CONTAINER_ID, p->err,
		 p->errlen))
		return -1;
	if (p->an[A_CID].count &&
	    take_string(&p->an[A_CID], "annotation", ANNOT_CONTAINER_ID,
			annots[A_CID].max, 0, &st->container_id, p->err,
			p->errlen))
		return -1;
	return take_k8s(p, st);
}

/* What the document means, once yajl found it valid JSON. */
static int take_all(struct parser *p, struct oci_state *st)
{
	if (p->root_bad) {
		seterr(p->err, p->errlen,
		       "state: top level must be a JSON object, got %s",
		       p->root_desc);
		return -1;
	}
	if (once(&p->f[F_ID], "field", "id", p->err, p->errlen))
		return -1;
	if (!p->f[F_ID].count) {
		seterr(p->err, p->errlen, "state: field \"id\" is missing");
		return -1;
	}
	if (opt_string(p, F_ID, OCI_ID_MAX, STR_NONEMPTY, &st->id))
		return -1;
	if (take_pid(p, &st->pid))
		return -1;
	if (opt_string(p, F_BUNDLE, OCI_PATH_MAX, STR_ABSOLUTE, &st->bundle))
		return -1;
	if (opt_string(p, F_STATUS, OCI_STRING_MAX, 0, &st->status))
		return -1;
	if (opt_string(p, F_OCI_VERSION, OCI_STRING_MAX, 0, &st->oci_version))
		return -1;
	return take_annotations(p, st);
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
	for (int k = 0; k < OCI_K8S_COUNT; k++)
		free(st->k8s[k]);
	free(st->k8s_error);
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

static bool only_whitespace(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r')
			return false;
	return true;
}

/* yajl refused the text: say why, in one line. */
static void syntax_error(struct parser *p, size_t len, size_t at)
{
	char msg[YAJL_MSG_MAX * 4 + 4];
	unsigned char *e;

	if (!p->seen && only_whitespace(p->buf, len)) {
		seterr(p->err, p->errlen,
		       "state: empty input (only whitespace)");
		return;
	}
	e = yajl_get_error(p->h, 0, NULL, 0);
	/*
	 * Comments are refused (yajl can take them, and drop them): a '/'
	 * outside a string is where the lexer stops, either as a comment
	 * or, after the object, as trailing garbage.
	 */
	if (at < len && p->buf[at] == '/' && e &&
	    (strstr((char *)e, "comment") ||
	     strstr((char *)e, "trailing garbage"))) {
		seterr(p->err, p->errlen,
		       "state: not valid JSON: '/' at offset %zu (comments are refused)",
		       at);
	} else {
		yajl_short(msg, e ? (const char *)e : "");
		seterr(p->err, p->errlen, "state: not valid JSON: %s", msg);
	}
	if (e)
		yajl_free_error(p->h, e);
}

int oci_state_parse(const char *buf, size_t len, struct oci_state *st,
		    char *err, size_t errlen)
{
	struct parser p = {
		.buf = buf, .err = err, .errlen = errlen, .field = F_OTHER,
		.next_annot = A_OTHER,
	};
	yajl_status ys;
	const char *nul;
	int ret = -1;
	size_t i;

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
	nul = memchr(buf, '\0', len);
	if (nul) {
		seterr(err, errlen, "state: contains a NUL byte at offset %zu",
		       (size_t)(nul - buf));
		return -1;
	}

	p.h = yajl_alloc(&callbacks, NULL, &p);
	if (!p.h) {
		seterr(err, errlen, "state: out of memory");
		return -1;
	}
	ys = yajl_parse(p.h, (const unsigned char *)buf, len);
	if (ys == yajl_status_error)
		syntax_error(&p, len, yajl_get_bytes_consumed(p.h));
	if (ys == yajl_status_ok) {
		/* the end: its offsets are no longer into buf */
		ys = yajl_complete_parse(p.h);
		if (ys == yajl_status_error)
			syntax_error(&p, len, len);
	}
	if (ys == yajl_status_ok)
		ret = take_all(&p, st);
	/* yajl_status_client_canceled: the callback wrote the message */
	yajl_free(p.h);
	for (i = 0; i < F_COUNT; i++)
		val_free(&p.f[i]);
	for (int i = 0; i < A_COUNT; i++)
		val_free(&p.an[i]);
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

int oci_stage_arg(int argc, char **argv, int *i, enum oci_stage *found,
		  char *err, size_t errlen)
{
	char q[QUOTE_BUF], q2[QUOTE_BUF];
	const char *arg = argv[*i], *name;
	enum oci_stage s;

	if (!strncmp(arg, "--stage=", 8)) {
		name = arg + 8;
	} else if (!strcmp(arg, "--stage")) {
		if (*i + 1 >= argc || !argv[*i + 1]) {
			seterr(err, errlen,
			       "stage: option --stage needs a value");
			return -1;
		}
		name = argv[++*i];
	} else {
		/* a bare stage name; anything else is not ours to judge */
		s = oci_stage_from_name(arg);
		if (s == OCI_STAGE_UNKNOWN)
			return 0;
		name = arg;
	}
	s = oci_stage_from_name(name);
	if (s == OCI_STAGE_UNKNOWN) {
		seterr(err, errlen,
		       "stage: --stage value %s is not a stage name",
		       quote(q, name));
		return -1;
	}
	/*
	 * Two different stages means the hook is misconfigured; guessing
	 * would run the wrong half of its work.
	 */
	if (*found != OCI_STAGE_UNKNOWN && s != *found) {
		seterr(err, errlen,
		       "stage: arguments name two stages, %s and %s",
		       quote(q, oci_stage_name(*found)),
		       quote(q2, oci_stage_name(s)));
		return -1;
	}
	*found = s;
	return 1;
}

enum oci_stage oci_stage_resolve(enum oci_stage from_args,
				 const struct oci_state *st,
				 char *err, size_t errlen)
{
	char q[QUOTE_BUF];
	const char *env;
	enum oci_stage s;

	if (err && errlen)
		err[0] = '\0';
	if (from_args != OCI_STAGE_UNKNOWN)
		return from_args;

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
