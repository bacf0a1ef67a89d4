/*
 * test-oci-state.c - table-driven test of hooks/oci-state.c.
 *
 * Usage: test-oci-state FIXTURE-DIR
 *
 * Every row is fed to oci_state_parse and, through a temporary file, to
 * oci_state_read; both must agree.  Rows with .resolve set then go through
 * oci_stage_arg for each argument and oci_stage_resolve.  Real runtime
 * output is read from FIXTURE-DIR (the oci-state fixtures); a *.json file
 * there that no row names still gets a "must parse" row, so a new fixture
 * cannot be forgotten.
 *
 * Output is TAP: one "ok N - name" or "not ok N - name: why" per row and
 * the plan at the end.  Exit status is 1 when any row failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci-state.h"

struct row {
	const char *name;
	/* Input: fixture file name, or text (+ repeats + post). */
	const char *file;
	const char *input;
	size_t len;		/* bytes of input; 0 means strlen */
	const char *rep;	/* appended count times */
	size_t count;
	const char *rep2;	/* then appended count2 times */
	size_t count2;
	const char *post;	/* then appended once */

	int ok;			/* parse (and resolve) succeed */
	const char *id;		/* expected when ok */
	long long pid;		/* expected when ok */
	int any_pid;		/* do not compare pid */
	const char *bundle;	/* checked when ok and non-NULL */
	const char *container_id;	/* likewise */
	int k8s_check;		/* compare k8s (NULL: must be absent) */
	const char *k8s_err;	/* substring of k8s_error; NULL: none */
	const char *k8s[OCI_K8S_COUNT];
	const char *err;	/* substring of the message when !ok */

	int resolve;		/* also run oci_stage_arg, _resolve */
	const char *argv[4];	/* after argv[0] */
	const char *env;	/* "stage" variable; NULL leaves it unset */
	enum oci_stage stage;	/* expected; UNKNOWN means an error */
};

#define BYTES(s)	.input = (s), .len = sizeof(s) - 1
#define PAD_TO(pre, n)	.input = (pre), .rep = " ", \
			.count = (n) - (sizeof(pre) - 1)

#define CAPR	"capr"
#define CAPC	"capc"
#define PODID	"12baf857cb0a6aabe31fd8cb6be59437" \
		"f31c65594f40e30beb21e3888b9775c0"
#define PODBUNDLE "/var/lib/containers/storage/overlay-containers/" \
		  PODID "/userdata"
#define RUNC_PRE "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"capr\"," \
		 "\"status\":\"creating\",\"pid\":28012,\"bundle\":\"/tmp/ct\"}"

static const struct row table[] = {
	/* Real runtime output: all must parse. */
	{ "fixture runc prestart", .file = "runc-prestart.json", .ok = 1,
	  .id = CAPR, .pid = 28012, .bundle = "/tmp/ct",
	  .resolve = 1, .stage = OCI_STAGE_PRESTART },
	{ "fixture runc createRuntime", .file = "runc-createRuntime.json",
	  .ok = 1, .id = CAPR, .pid = 28012 },
	{ "fixture runc poststart", .file = "runc-poststart.json", .ok = 1,
	  .id = CAPR, .pid = 28012 },
	{ "fixture runc poststop (no pid) derives poststop",
	  .file = "runc-poststop.json", .ok = 1, .id = CAPR, .pid = -1,
	  .bundle = "/tmp/ct", .resolve = 1, .stage = OCI_STAGE_POSTSTOP },
	{ "fixture crun prestart", .file = "crun-prestart.json", .ok = 1,
	  .id = CAPC, .pid = 28030, .bundle = "/tmp/ct",
	  .resolve = 1, .stage = OCI_STAGE_PRESTART },
	{ "fixture crun createRuntime", .file = "crun-createRuntime.json",
	  .ok = 1, .id = CAPC, .pid = 28030 },
	{ "fixture crun poststart", .file = "crun-poststart.json", .ok = 1,
	  .id = CAPC, .pid = 28030 },
	{ "fixture crun poststop (pid 0) derives poststop",
	  .file = "crun-poststop.json", .ok = 1, .id = CAPC, .pid = 0,
	  .resolve = 1, .stage = OCI_STAGE_POSTSTOP },
	{ "fixture podman createRuntime", .file = "podman-createRuntime.json",
	  .ok = 1, .id = PODID, .pid = 28089, .bundle = PODBUNDLE },
	{ "fixture podman poststop (no pid) derives poststop",
	  .file = "podman-poststop.json", .ok = 1, .id = PODID, .pid = -1,
	  .bundle = PODBUNDLE, .resolve = 1, .stage = OCI_STAGE_POSTSTOP },

	/* Kubernetes states (modelled on CRI-O's and containerd's CRI) */
	{ "fixture CRI-O container: io.kubernetes.pod.*, cri-o.ImageName",
	  .file = "k8s-crio-prestart.json", .ok = 1, .any_pid = 1,
	  .k8s_check = 1, .k8s = { "coredns-5d78c9869d-8xq2j", "kube-system",
	  "5b5e07db-f1b9-4530-81ef-b7d04d66b83e", "coredns",
	  "registry.k8s.io/coredns/coredns:v1.10.1" } },
	{ "fixture containerd CRI container: io.kubernetes.cri.*",
	  .file = "k8s-containerd-prestart.json", .ok = 1, .any_pid = 1,
	  .k8s_check = 1, .k8s = { "web-7d9c6b5f8-k2x4p", "shop",
	  "0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "nginx",
	  "docker.io/library/nginx:1.25" } },
	{ "fixture containerd CRI sandbox: pod only",
	  .file = "k8s-containerd-sandbox-prestart.json", .ok = 1,
	  .any_pid = 1, .k8s_check = 1, .k8s = { "web-7d9c6b5f8-k2x4p",
	  "shop", "0c6a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", NULL, NULL } },
	{ "fixture podman: cri-o annotations but no pod", .k8s_check = 1,
	  .file = "podman-createRuntime.json", .ok = 1, .id = PODID,
	  .pid = 28089 },
	{ "both runtimes' keys agreeing", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.name\":\"p\","
	  "\"io.kubernetes.cri.sandbox-name\":\"p\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1, .k8s = { "p" } },
	{ "both runtimes' keys disagreeing", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.name\":\"p\","
	  "\"io.kubernetes.cri.sandbox-name\":\"q\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotations \"io.kubernetes.pod.name\" and "
		 "\"io.kubernetes.cri.sandbox-name\" disagree: \"p\" and \"q\"" },
	{ "empty CRI-O key, containerd's given", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.namespace\":"
	  "\"\",\"io.kubernetes.cri.sandbox-namespace\":\"ns\","
	  "\"io.kubernetes.cri.image-name\":\"\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s = { NULL, "ns", NULL, NULL, NULL } },
	{ "duplicate pod name annotation", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.name\":\"p\","
	  "\"io.kubernetes.pod.name\":\"q\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotation \"io.kubernetes.pod.name\" appears more than once" },
	{ "pod name of 254 bytes", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"",
	  .rep = "p", .count = 254, .post = "\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotation \"io.kubernetes.cri.sandbox-name\" is longer than "
		 "253 bytes (254 bytes)" },
	{ "pod name of 253 bytes", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"",
	  .rep = "p", .count = 253, .post = "\"}}", .ok = 1, .id = "a",
	  .pid = -1 },
	{ "namespace of 64 bytes", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.namespace\":\"",
	  .rep = "n", .count = 64, .post = "\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotation \"io.kubernetes.pod.namespace\" is longer than 63" },
	{ "image of 513 bytes", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.cri-o.ImageName\":\"",
	  .rep = "i", .count = 513, .post = "\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotation \"io.kubernetes.cri-o.ImageName\" is longer than 512" },
	{ "pod name with an escaped newline", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.name\":"
	  "\"p\\n uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s_err = "annotation \"io.kubernetes.pod.name\" contains control byte "
		 "0x0a at offset 1" },
	{ "pod name with a forged field and quotes: taken as text", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.name\":"
	  "\"x uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 \\\"'\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1,
	  .k8s = { "x uuid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 \"'" } },
	{ "k8s annotation not a string", .input =
	  "{\"id\":\"a\",\"annotations\":{\"io.kubernetes.pod.uid\":7}}",
	  .err = "annotation \"io.kubernetes.pod.uid\" must be a string, got 7" },
	{ "k8s key outside annotations ignored", .input =
	  "{\"id\":\"a\",\"io.kubernetes.pod.name\":\"p\",\"x\":"
	  "{\"io.kubernetes.pod.name\":\"q\"}}",
	  .ok = 1, .id = "a", .pid = -1, .k8s_check = 1 },

	/* Not a state document at all. */
	{ "empty input", .input = "", .err = "empty input" },
	{ "whitespace only", .input = " \n\t\r ", .err = "empty input" },
	{ "not JSON", .input = "hello", .err = "not valid JSON: " },
	{ "truncated object", .input = "{\"id\":\"a\"",
	  .err = "not valid JSON: parse error: premature EOF" },
	{ "array top level", .input = "[{\"id\":\"a\"}]",
	  .err = "top level must be a JSON object, got an array" },
	{ "number top level", .input = "42",
	  .err = "top level must be a JSON object, got 42" },
	{ "string top level", .input = "\"capr\"",
	  .err = "top level must be a JSON object, got \"capr\"" },
	{ "trailing garbage after object", .input = "{\"id\":\"a\"} x",
	  .err = "not valid JSON: parse error: trailing garbage" },
	{ "second object after the first", .input = "{\"id\":\"a\"}{}",
	  .err = "not valid JSON" },
	{ "comment refused", .input = "/* [ \" */ {\"id\":\"a\"}",
	  .err = "'/' at offset 0 (comments are refused)" },
	{ "NUL byte in input", BYTES("{\"id\":\"a\"}\0"),
	  .err = "NUL byte at offset 10" },
	{ "NUL byte inside id", BYTES("{\"id\":\"a\0b\"}"),
	  .err = "NUL byte at offset 8" },
	{ "1 MiB + 1 refused", PAD_TO("{\"id\":\"a\"}", OCI_STATE_MAX + 1),
	  .err = "larger than 1048576 bytes" },
	{ "exactly 1 MiB accepted", PAD_TO("{\"id\":\"a\"}", OCI_STATE_MAX),
	  .ok = 1, .id = "a", .pid = -1 },

	/* Nesting: yajl recurses, so depth is capped before it runs. */
	{ "100000 nested [", .rep = "[", .count = 100000,
	  .err = "nested deeper than 64 levels at offset 64" },
	{ "500000 nested [ ] balanced (crashes yajl unchecked)",
	  .rep = "[", .count = 500000, .rep2 = "]", .count2 = 500000,
	  .err = "nested deeper than 64" },
	{ "100000 nested objects", .rep = "{\"a\":", .count = 100000,
	  .err = "nested deeper than 64" },
	{ "depth 64 in unknown field accepted",
	  .input = "{\"id\":\"a\",\"x\":", .rep = "[", .count = 63,
	  .rep2 = "]", .count2 = 63, .post = "}",
	  .ok = 1, .id = "a", .pid = -1 },
	{ "depth 65 refused", .input = "{\"id\":\"a\",\"x\":",
	  .rep = "[", .count = 64, .rep2 = "]", .count2 = 64, .post = "}",
	  .err = "nested deeper than 64" },
	{ "brackets inside a string do not nest",
	  .input = "{\"id\":\"a\",\"x\":\"\\\"", .rep = "[", .count = 100000,
	  .post = "\"}", .ok = 1, .id = "a", .pid = -1 },
	{ "escaped backslash ends string, brackets after it count",
	  .input = "{\"id\":\"a\",\"x\":[\"\\\\\",", .rep = "[",
	  .count = 100000, .err = "nested deeper than 64" },

	/* id */
	{ "id missing", .input = "{\"pid\":1}",
	  .err = "state: field \"id\" is missing" },
	{ "id empty", .input = "{\"id\":\"\"}",
	  .err = "field \"id\" must not be empty" },
	{ "id number", .input = "{\"id\":42}",
	  .err = "field \"id\" must be a string, got 42" },
	{ "id null", .input = "{\"id\":null}",
	  .err = "field \"id\" must be a string, got null" },
	{ "id with escaped newline", .input = "{\"id\":\"a\\nb\"}",
	  .err = "control byte 0x0a at offset 1: \"a\\nb\"" },
	{ "id with raw newline", .input = "{\"id\":\"a\nb\"}",
	  .err = "not valid JSON" },
	{ "id with DEL byte", .input = "{\"id\":\"a\x7f\"}",
	  .err = "control byte 0x7f at offset 1: \"a\\x7f\"" },
	{ "id with escaped ESC", .input = "{\"id\":\"\\u001b[2J\"}",
	  .err = "control byte 0x1b at offset 0: \"\\x1b[2J\"" },
	{ "id invalid UTF-8 byte", .input = "{\"id\":\"\xff\"}",
	  .err = "not valid JSON: lexical error: invalid bytes in UTF8" },
	{ "id lone surrogate escape", .input = "{\"id\":\"a\\udc00\"}",
	  .err = "field \"id\" is not valid UTF-8 at offset 1" },
	{ "id with spaces, quotes and UTF-8 is valid",
	  .input = "{\"id\":\"my \\\"ct\\\" caf\xc3\xa9 \xe6\x97\xa5\"}",
	  .ok = 1, .id = "my \"ct\" caf\xc3\xa9 \xe6\x97\xa5", .pid = -1 },
	{ "id of 1024 bytes accepted", .input = "{\"id\":\"", .rep = "x",
	  .count = 1024, .post = "\"}", .ok = 1, .pid = -1 },
	{ "id of 1025 bytes refused", .input = "{\"id\":\"", .rep = "x",
	  .count = 1025, .post = "\"}",
	  .err = "longer than 1024 bytes (1025 bytes): \"xxxx" },
	{ "id with \\u0000 escape", .input = "{\"id\":\"a\\u0000b\"}",
	  .err = "escaped NUL (\\u0000) at offset 8" },
	{ "key with \\u0000 escape", .input =
	  "{\"id\":\"a\",\"id\\u0000x\":\"b\"}", .err = "escaped NUL" },
	{ "duplicate id key", .input = "{\"id\":\"a\",\"id\":\"b\"}",
	  .err = "field \"id\" appears more than once" },

	/* pid */
	{ "pid string", .input = "{\"id\":\"a\",\"pid\":\"28012\"}",
	  .err = "field \"pid\" must be a non-negative integer, got \"28012\"" },
	{ "pid float", .input = "{\"id\":\"a\",\"pid\":1.5}",
	  .err = "must be a non-negative integer, got 1.5" },
	{ "pid exponent", .input = "{\"id\":\"a\",\"pid\":1e3}",
	  .err = "must be a non-negative integer, got 1e3" },
	{ "pid negative", .input = "{\"id\":\"a\",\"pid\":-5}",
	  .err = "state: field \"pid\" must be a non-negative integer, got -5" },
	{ "pid negative zero", .input = "{\"id\":\"a\",\"pid\":-0}",
	  .err = "non-negative integer, got -0" },
	{ "pid huge", .input = "{\"id\":\"a\",\"pid\":99999999999999999999}",
	  .err = "must be at most 4194304, got 99999999999999999999" },
	{ "pid of 5000 digits, message truncated",
	  .input = "{\"id\":\"a\",\"pid\":", .rep = "9", .count = 5000,
	  .post = "}", .err = "must be at most 4194304, got 9999" },
	{ "pid PID_MAX_LIMIT + 1", .input = "{\"id\":\"a\",\"pid\":4194305}",
	  .err = "must be at most 4194304, got 4194305" },
	{ "pid PID_MAX_LIMIT accepted",
	  .input = "{\"id\":\"a\",\"pid\":4194304}",
	  .ok = 1, .id = "a", .pid = 4194304 },
	{ "pid bool", .input = "{\"id\":\"a\",\"pid\":true}",
	  .err = "non-negative integer, got true" },
	{ "pid null", .input = "{\"id\":\"a\",\"pid\":null}",
	  .err = "non-negative integer, got null" },
	{ "pid object", .input = "{\"id\":\"a\",\"pid\":{}}",
	  .err = "non-negative integer, got an object" },
	{ "duplicate pid key", .input =
	  "{\"id\":\"a\",\"pid\":0,\"pid\":28012}",
	  .err = "field \"pid\" appears more than once" },

	/* bundle, status, ociVersion */
	{ "bundle relative", .input = "{\"id\":\"a\",\"bundle\":\"tmp/ct\"}",
	  .err = "field \"bundle\" must be an absolute path, got \"tmp/ct\"" },
	{ "bundle empty", .input = "{\"id\":\"a\",\"bundle\":\"\"}",
	  .err = "must be an absolute path, got \"\"" },
	{ "bundle number", .input = "{\"id\":\"a\",\"bundle\":7}",
	  .err = "field \"bundle\" must be a string, got 7" },
	{ "bundle with control byte", .input =
	  "{\"id\":\"a\",\"bundle\":\"/tmp/\\r\"}",
	  .err = "field \"bundle\" contains control byte 0x0d" },
	{ "bundle of 4097 bytes", .input = "{\"id\":\"a\",\"bundle\":\"/",
	  .rep = "b", .count = 4096, .post = "\"}",
	  .err = "longer than 4096 bytes" },
	{ "status number", .input = "{\"id\":\"a\",\"status\":1}",
	  .err = "field \"status\" must be a string, got 1" },
	{ "ociVersion array", .input = "{\"id\":\"a\",\"ociVersion\":[]}",
	  .err = "field \"ociVersion\" must be a string, got an array" },
	{ "unknown fields of any type ignored", .input =
	  "{\"id\":\"a\",\"root\":\"/r\",\"x\":[1,{\"y\":null}],\"z\":1.5}",
	  .ok = 1, .id = "a", .pid = -1 },

	/* annotations */
	{ "annotations not object", .input =
	  "{\"id\":\"a\",\"annotations\":[\"k\"]}",
	  .err = "field \"annotations\" must be an object, got an array" },
	{ "annotation value number", .input =
	  "{\"id\":\"a\",\"annotations\":{\"k\":\"v\",\"n\":1}}",
	  .err = "annotation \"n\" must be a string, got 1" },
	{ "acid annotations copied out", .input =
	  "{\"id\":\"a\",\"annotations\":{\"org.acid.container-id\":"
	  "\"c-1\",\"org.acid.policy\":\"strict\",\"other\":\"x\"}}",
	  .ok = 1, .id = "a", .pid = -1, .container_id = "c-1" },
	{ "duplicate acid container-id annotation", .input =
	  "{\"id\":\"a\",\"annotations\":{\"org.acid.container-id\":\"c\","
	  "\"org.acid.container-id\":\"d\"}}",
	  .err = "annotation \"org.acid.container-id\" appears more than once" },
	{ "acid container-id with control byte", .input =
	  "{\"id\":\"a\",\"annotations\":"
	  "{\"org.acid.container-id\":\"c\\u0007\"}}",
	  .err = "annotation \"org.acid.container-id\" contains control byte" },

	/* Stage resolution. */
	{ "argv stage name wins over pid", .input = RUNC_PRE, .ok = 1,
	  .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "poststop" }, .stage = OCI_STAGE_POSTSTOP },
	{ "--stage=createContainer", .input = RUNC_PRE, .ok = 1,
	  .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "-v", "--stage=createContainer" },
	  .stage = OCI_STAGE_CREATE_CONTAINER },
	{ "--stage createRuntime", .input = RUNC_PRE, .ok = 1,
	  .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "--stage", "createRuntime" },
	  .stage = OCI_STAGE_CREATE_RUNTIME },
	{ "argv startContainer", .input = RUNC_PRE, .ok = 1,
	  .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "startContainer" }, .stage = OCI_STAGE_START_CONTAINER },
	{ "argv prestart, same stage twice is fine", .input = RUNC_PRE,
	  .ok = 1, .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "prestart", "--stage=prestart" },
	  .stage = OCI_STAGE_PRESTART },
	{ "argv wins over env", .input = RUNC_PRE, .ok = 1, .id = CAPR,
	  .pid = 28012, .resolve = 1, .argv = { "--stage=poststop" },
	  .env = "bogus", .stage = OCI_STAGE_POSTSTOP },
	{ "env stage=poststart", .input = RUNC_PRE, .ok = 1, .id = CAPR,
	  .pid = 28012, .resolve = 1, .env = "poststart",
	  .stage = OCI_STAGE_POSTSTART },
	{ "env stage invalid", .input = RUNC_PRE, .resolve = 1,
	  .env = "pre\nstart",
	  .err = "environment variable stage=\"pre\\nstart\" is not a stage" },
	{ "env stage empty counts as unset", .input = RUNC_PRE, .ok = 1,
	  .id = CAPR, .pid = 28012, .resolve = 1, .env = "",
	  .stage = OCI_STAGE_PRESTART },
	{ "--stage=bogus", .input = RUNC_PRE, .resolve = 1,
	  .argv = { "--stage=Prestart" },
	  .err = "--stage value \"Prestart\" is not a stage name" },
	{ "--stage without value", .input = RUNC_PRE, .resolve = 1,
	  .argv = { "--stage" }, .err = "--stage needs a value" },
	{ "two different stages in argv", .input = RUNC_PRE, .resolve = 1,
	  .argv = { "prestart", "poststop" },
	  .err = "arguments name two stages" },
	{ "other arguments ignored, derived from pid", .input = RUNC_PRE,
	  .ok = 1, .id = CAPR, .pid = 28012, .resolve = 1,
	  .argv = { "--verbose", "extra" }, .stage = OCI_STAGE_PRESTART },
	{ "pid 0 derives poststop", .input = "{\"id\":\"a\",\"pid\":0}",
	  .ok = 1, .id = "a", .pid = 0, .resolve = 1,
	  .stage = OCI_STAGE_POSTSTOP },
	{ "pid absent derives poststop", .input = "{\"id\":\"a\"}",
	  .ok = 1, .id = "a", .pid = -1, .resolve = 1,
	  .stage = OCI_STAGE_POSTSTOP },
	{ "pid 1 derives prestart", .input = "{\"id\":\"a\",\"pid\":1}",
	  .ok = 1, .id = "a", .pid = 1, .resolve = 1,
	  .stage = OCI_STAGE_PRESTART },
};

#define N_TABLE (sizeof(table) / sizeof(table[0]))

static const char *fixture_dir;

static char *read_file(const char *name, size_t *len)
{
	char path[4096];
	size_t cap = 4096, n;
	char *buf, *nbuf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf = malloc(cap);
	*len = 0;
	while (buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len < cap)
			continue;
		cap *= 2;
		nbuf = realloc(buf, cap);
		if (!nbuf)
			free(buf);
		buf = nbuf;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void append(char **p, const char *s, size_t n)
{
	memcpy(*p, s, n);
	*p += n;
}

/* Builds a row's input; returns NULL with why[] set on failure. */
static char *build_input(const struct row *r, size_t *len, char *why,
			 size_t whylen)
{
	size_t in_len = r->len ? r->len : (r->input ? strlen(r->input) : 0);
	size_t rep_len = r->rep ? strlen(r->rep) : 0;
	size_t rep2_len = r->rep2 ? strlen(r->rep2) : 0;
	size_t post_len = r->post ? strlen(r->post) : 0;
	size_t i;
	char *buf, *p;

	if (r->file) {
		buf = read_file(r->file, len);
		if (!buf)
			snprintf(why, whylen, "cannot read fixture %s/%s: %s",
				 fixture_dir, r->file, strerror(errno));
		return buf;
	}
	*len = in_len + rep_len * r->count + rep2_len * r->count2 + post_len;
	/* +1 so that an empty input is still a valid allocation. */
	buf = malloc(*len + 1);
	if (!buf) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	p = buf;
	append(&p, r->input ? r->input : "", in_len);
	for (i = 0; i < r->count; i++)
		append(&p, r->rep, rep_len);
	for (i = 0; i < r->count2; i++)
		append(&p, r->rep2, rep2_len);
	append(&p, r->post ? r->post : "", post_len);
	return buf;
}

/* Feeds the input to oci_state_read through a temporary file. */
static int via_fd(const char *buf, size_t len, struct oci_state *st,
		  char *err, size_t errlen)
{
	FILE *f = tmpfile();
	int ret;

	if (!f || fwrite(buf, 1, len, f) != len || fflush(f) ||
	    lseek(fileno(f), 0, SEEK_SET) < 0) {
		snprintf(err, errlen, "test: cannot prepare temporary file");
		if (f)
			fclose(f);
		return -2;
	}
	ret = oci_state_read(fileno(f), st, err, errlen);
	fclose(f);
	return ret;
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Messages go to logs: one line of printable ASCII with a known prefix. */
static int one_line(const char *msg)
{
	const unsigned char *p;

	if (strncmp(msg, "state: ", 7) && strncmp(msg, "stage: ", 7))
		return 0;
	for (p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

/* Checks one row; returns 0 or -1 with why[] set. */
static int check(const struct row *r, char *why, size_t whylen)
{
	char err[1024], err2[1024];
	struct oci_state st, st2;
	char *av[6] = { "hook" };
	enum oci_stage stage = OCI_STAGE_UNKNOWN;
	int ret, ret2, ac = 1, i, fail = -1;
	size_t len;
	char *buf;

	buf = build_input(r, &len, why, whylen);
	if (!buf)
		return -1;
	ret = oci_state_parse(buf, len, &st, err, sizeof(err));
	ret2 = via_fd(buf, len, &st2, err2, sizeof(err2));
	free(buf);

	if (ret2 == -2) {
		snprintf(why, whylen, "%s", err2);
		goto out;
	}
	if (ret != ret2) {
		snprintf(why, whylen,
			 "parse and read disagree: %d (%s) vs %d (%s)",
			 ret, ret ? err : "ok", ret2, ret2 ? err2 : "ok");
		goto out;
	}
	if (!ret && (!streq(st.id, st2.id) || st.pid != st2.pid)) {
		snprintf(why, whylen, "parse and read gave different states");
		goto out;
	}
	if (ret && (st.id || st.pid != -1 || st2.id || st2.pid != -1)) {
		snprintf(why, whylen, "state not reset after failure");
		goto out;
	}

	if (!ret && r->resolve) {
		for (i = 0; i < 4 && r->argv[i]; i++)
			av[ac++] = (char *)r->argv[i];
		if (r->env)
			setenv("stage", r->env, 1);
		else
			unsetenv("stage");
		/* as the hooks do; arguments not about the stage are theirs */
		for (i = 1; i < ac && ret == 0; i++)
			if (oci_stage_arg(ac, av, &i, &stage, err,
					  sizeof(err)) < 0)
				ret = -1;
		if (ret == 0) {
			stage = oci_stage_resolve(stage, &st, err,
						  sizeof(err));
			if (stage == OCI_STAGE_UNKNOWN)
				ret = -1;
		}
		unsetenv("stage");
	}

	if (ret && r->ok) {
		snprintf(why, whylen, "unexpected failure: %s", err);
		goto out;
	}
	if (!ret && !r->ok) {
		snprintf(why, whylen, "unexpected success (id %s)",
			 st.id ? st.id : "(null)");
		goto out;
	}
	if (ret) {
		if (!one_line(err) || (r->resolve ? 0 : !one_line(err2))) {
			snprintf(why, whylen, "message not one clean line");
			goto out;
		}
		if (!r->err || !strstr(err, r->err) ||
		    (!r->resolve && !strstr(err2, r->err))) {
			snprintf(why, whylen, "message \"%s\" lacks \"%s\"",
				 err, r->err ? r->err : "(no expectation)");
			goto out;
		}
		fail = 0;
		goto out;
	}

	/* Rows without an expected id (generated ones) skip the compare. */
	if (r->id && !streq(st.id, r->id)) {
		snprintf(why, whylen, "id %s, want %s", st.id, r->id);
		goto out;
	}
	if (!st.id || !*st.id) {
		snprintf(why, whylen, "no id after success");
		goto out;
	}
	if (!r->any_pid && st.pid != r->pid) {
		snprintf(why, whylen, "pid %lld, want %lld", st.pid, r->pid);
		goto out;
	}
	if (r->k8s_err ? !st.k8s_error || !strstr(st.k8s_error, r->k8s_err) ||
			 !st2.k8s_error || !one_line(st.k8s_error)
		       : st.k8s_error || st2.k8s_error) {
		snprintf(why, whylen, "k8s_error \"%s\", want \"%s\"",
			 st.k8s_error ? st.k8s_error : "(none)",
			 r->k8s_err ? r->k8s_err : "(none)");
		goto out;
	}
	for (i = 0; r->k8s_check && i < OCI_K8S_COUNT; i++) {
		const char *want = r->k8s[i];

		if (want ? !streq(st.k8s[i], want) || !streq(st2.k8s[i], want)
			 : st.k8s[i] || st2.k8s[i]) {
			snprintf(why, whylen, "k8s[%d] \"%s\", want \"%s\"", i,
				 st.k8s[i] ? st.k8s[i] : "(none)",
				 want ? want : "(none)");
			goto out;
		}
	}
	if ((r->bundle && !streq(st.bundle, r->bundle)) ||
	    (r->container_id && !streq(st.container_id, r->container_id))) {
		snprintf(why, whylen, "bundle/annotation mismatch");
		goto out;
	}
	if (r->resolve) {
		if (stage != r->stage) {
			snprintf(why, whylen, "stage %s, want %s",
				 oci_stage_name(stage),
				 oci_stage_name(r->stage));
			goto out;
		}
		if (oci_stage_from_name(oci_stage_name(stage)) != stage) {
			snprintf(why, whylen, "stage name does not round-trip");
			goto out;
		}
	}
	fail = 0;
out:
	oci_state_free(&st);
	oci_state_free(&st);	/* idempotent */
	oci_state_free(&st2);
	return fail;
}

/* Adds a "must parse" row for every fixture no table row names. */
static size_t add_unlisted(struct row **rows, size_t n)
{
	static const size_t name_max = 256;
	struct dirent *de;
	struct row *nrows;
	size_t i, l;
	char *name;
	DIR *d;

	d = opendir(fixture_dir);
	if (!d)
		return n;
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (l < 6 || l > name_max ||
		    strcmp(de->d_name + l - 5, ".json"))
			continue;
		for (i = 0; i < n; i++)
			if ((*rows)[i].file &&
			    !strcmp((*rows)[i].file, de->d_name))
				break;
		if (i < n)
			continue;
		nrows = realloc(*rows, (n + 1) * sizeof(**rows));
		name = strdup(de->d_name);
		if (!nrows || !name) {
			free(name);
			break;
		}
		*rows = nrows;
		memset(&(*rows)[n], 0, sizeof(**rows));
		(*rows)[n].name = name;
		(*rows)[n].file = name;
		(*rows)[n].ok = 1;
		(*rows)[n].any_pid = 1;
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	struct row *rows;
	size_t n, i, failed = 0;
	char why[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE-DIR\n", argv[0]);
		return 2;
	}
	fixture_dir = argv[1];
	/* The caller's environment must not pick stages for us. */
	unsetenv("stage");

	rows = malloc(sizeof(table));
	if (!rows)
		return 2;
	memcpy(rows, table, sizeof(table));
	n = add_unlisted(&rows, N_TABLE);

	for (i = 0; i < n; i++) {
		why[0] = '\0';
		if (check(&rows[i], why, sizeof(why))) {
			printf("not ok %zu - %s: %s\n", i + 1, rows[i].name,
			       why);
			failed++;
		} else {
			printf("ok %zu - %s\n", i + 1, rows[i].name);
		}
	}
	printf("1..%zu\n", n);
	if (n - N_TABLE)
		printf("# %zu fixture(s) without a table row\n", n - N_TABLE);

	for (i = N_TABLE; i < n; i++)
		free((char *)rows[i].name);
	free(rows);
	return failed ? 1 : 0;
}
