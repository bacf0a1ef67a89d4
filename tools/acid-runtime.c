// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-runtime: an OCI runtime command line in front of runc or crun, for
 * engines that run no hooks of their own (Docker, containerd).
 *
 * At `create` and `run` it adds acid's hooks to the bundle's config.json
 * - acid-prestart first among the prestart hooks, acid-poststop last
 * among the poststop hooks - keeping the user's hooks and never adding
 * acid's twice (a hook named acid-prestart at prestart or createRuntime,
 * or acid-poststop at poststop, counts as acid's already there). Then it
 * execs the real runtime with its arguments unchanged: the engine talks
 * to runc itself, so exit status, signals, stdio and the pid are runc's.
 * Every other command passes through untouched.
 *
 * The runtime's global options come before the command (runc --root X
 * --log Y run -b B id): they are read only to find the command and the
 * bundle, and passed on as given. The bundle is found as runc finds it:
 * --bundle/-b of create or run, else the current directory.
 *
 * config.json is replaced atomically (a temporary file beside it with
 * its owner and mode, then rename), never through a symbolic link: the
 * engine runs this as root on a directory others may have written.
 * A config that cannot be read or is not plain JSON: one line on stderr,
 * exit 1, the file untouched, the runtime not run - a container the
 * caller asked to audit never starts unaudited.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "config-file.h"
#include "json-copy.h"

#ifndef ACID_HOOKS_DIR
#error "ACID_HOOKS_DIR: the installed hooks' directory, set by meson"
#endif

#define PROG "acid-runtime"
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
/* bounds on what is read: a config is a few KiB, seccomp profiles ~40 */
#define DEPTH_MAX 256

static const char usage[] =
	"usage: acid-runtime [--runtime RUNTIME] [RUNTIME OPTIONS] COMMAND "
	"[ARGS...]\n"
	"\n"
	"An OCI runtime command line in front of runc (or crun): at create\n"
	"and run it adds acid's prestart and poststop hooks to the bundle's\n"
	"config.json, then runs the runtime with the same arguments.\n"
	"\n"
	"  --runtime RUNTIME  the runtime to run (a path, or a name looked up\n"
	"                     in PATH); only as the very first argument.\n"
	"                     Default: $ACID_RUNTIME, else runc.\n"
	"\n"
	"Environment:\n"
	"  ACID_RUNTIME       the runtime, where --runtime is not given\n"
	"  ACID_HOOKS_DIR     where acid-prestart and acid-poststop are\n"
	"                     (default " ACID_HOOKS_DIR ")\n"
	"  ACID_STATE_DIR, ACID_POLICY, ACID_PROC_ROOT\n"
	"                     when set, given to the hooks (their env)\n";

/* Variables of acid-runtime's environment the hooks are given. */
static const char *const hook_env[] = {
	"ACID_STATE_DIR", "ACID_POLICY", "ACID_PROC_ROOT",
};

/* runc's and crun's global options that take a value ("--root X") */
static const char *const global_valued[] = {
	"root", "log", "log-format", "log-level", "criu", "rootless",
	"cgroup-manager",
};

/* create's and run's options that take a value, besides the bundle */
static const char *const cmd_valued[] = {
	"console-socket", "pid-file", "preserve-fds",
};

/* One line on stderr. */
static void __attribute__((format(printf, 1, 2)))
die_line(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool in_list(const char *name, size_t len, const char *const *list,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && strncmp(list[i], name, len) == 0)
			return true;
	return false;
}

#define IN_LIST(name, len, list) \
	in_list(name, len, list, sizeof(list) / sizeof(list[0]))

/*
 * An option argument as Go's flag package and argp read it: "-name",
 * "--name", "-name=value", "--name=value". Sets *@name, *@len and, for
 * the "=" form, *@value; false for a non-option.
 */
static bool split_opt(const char *arg, const char **name, size_t *len,
		      const char **value)
{
	const char *eq;

	if (arg[0] != '-' || arg[1] == '\0')
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	eq = strchr(arg, '=');
	*name = arg;
	*len = eq ? (size_t)(eq - arg) : strlen(arg);
	*value = eq ? eq + 1 : NULL;
	return true;
}

/* ------------------------------------------------------------ reading */

/*
 * The text of @path, a regular file and no symbolic link, and its stat:
 * the file replaced is the one named, never what a link points to.
 */
static char *read_config(const char *path, size_t *len, struct stat *st)
{
	char why[512];
	char *text = config_read(path, true, len, st, why, sizeof(why));

	if (!text && errno == ELOOP && !why[0])
		die_line("%s: is a symbolic link; acid-runtime edits only a "
			 "regular file of the bundle", path);
	else if (!text)
		die_line("%s: %s", path, why);
	return text;
}

/* ---------------------------------------------------------- the hooks */

/* What is in the config and what acid-runtime adds to it. */
struct plan {
	yajl_val root, hooks;             /* hooks: an object, or NULL */
	yajl_val prestart, poststop;      /* arrays, or NULL */
	bool add_pre, add_post;
	char *pre_path, *post_path;
	const char *env[sizeof(hook_env) / sizeof(hook_env[0])];
	size_t nenv;
};

/*
 * The value of @key in object @obj, or NULL; a key given twice is
 * refused (*@dup): Go's decoder, runc's, takes the last, and hooks added
 * to the first would never run.
 */
static yajl_val member(yajl_val obj, const char *key, bool *dup)
{
	yajl_val v = NULL;
	int n = 0;

	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			v = obj->u.object.values[i];
			n++;
		}
	if (n > 1)
		*dup = true;
	return v;
}

/* Whether hook list @arr holds a hook whose program is named @name. */
static bool has_hook(yajl_val arr, const char *name)
{
	if (!arr)
		return false;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		yajl_val h = arr->u.array.values[i], p;
		bool dup = false;
		const char *s, *slash;

		if (!YAJL_IS_OBJECT(h))
			continue;
		p = member(h, "path", &dup);
		s = YAJL_GET_STRING(p);
		if (!s)
			continue;
		slash = strrchr(s, '/');
		if (strcmp(slash ? slash + 1 : s, name) == 0)
			return true;
	}
	return false;
}

/*
 * hooks.@key: an array, absent or null (NULL in *@out); anything else,
 * or the key twice, is refused.
 */
static bool hook_list(const char *path, yajl_val hooks, const char *key,
		      yajl_val *out)
{
	bool dup = false;
	yajl_val v = hooks ? member(hooks, key, &dup) : NULL;

	*out = NULL;
	if (dup) {
		die_line("%s: \"hooks\" has the key \"%s\" twice", path, key);
		return false;
	}
	if (!v || YAJL_IS_NULL(v))
		return true;
	if (!YAJL_IS_ARRAY(v)) {
		die_line("%s: \"hooks.%s\" is not an array", path, key);
		return false;
	}
	*out = v;
	return true;
}

static bool plan_read(const char *path, struct plan *p)
{
	yajl_val hooks, create_rt;
	bool dup = false;

	if (!YAJL_IS_OBJECT(p->root)) {
		die_line("%s: not a JSON object", path);
		return false;
	}
	hooks = member(p->root, "hooks", &dup);
	if (dup) {
		die_line("%s: has the key \"hooks\" twice", path);
		return false;
	}
	if (hooks && !YAJL_IS_NULL(hooks) && !YAJL_IS_OBJECT(hooks)) {
		die_line("%s: \"hooks\" is not an object", path);
		return false;
	}
	p->hooks = YAJL_IS_OBJECT(hooks) ? hooks : NULL;
	if (!hook_list(path, p->hooks, "prestart", &p->prestart) ||
	    !hook_list(path, p->hooks, "createRuntime", &create_rt) ||
	    !hook_list(path, p->hooks, "poststop", &p->poststop))
		return false;
	p->add_pre = !has_hook(p->prestart, "acid-prestart") &&
		     !has_hook(create_rt, "acid-prestart");
	p->add_post = !has_hook(p->poststop, "acid-poststop");
	return true;
}

/* ----------------------------------------------------------- writing */

static void emit_hook(struct gen *gn, const char *path, const char *name,
		      const char *stage)
{
	const struct plan *p = gn->p;

	G(gn, yajl_gen_map_open(gn->g));
	gen_str(gn, "path");
	gen_str(gn, path);
	gen_str(gn, "args");
	G(gn, yajl_gen_array_open(gn->g));
	gen_str(gn, name);
	gen_str(gn, stage);
	G(gn, yajl_gen_array_close(gn->g));
	if (p->nenv) {
		gen_str(gn, "env");
		G(gn, yajl_gen_array_open(gn->g));
		for (size_t i = 0; i < p->nenv; i++)
			gen_str(gn, p->env[i]);
		G(gn, yajl_gen_array_close(gn->g));
	}
	G(gn, yajl_gen_map_close(gn->g));
}

/* acid's prestart hook first, then the user's (@arr, may be NULL) */
static void emit_prestart(struct gen *gn, yajl_val arr)
{
	const struct plan *p = gn->p;

	G(gn, yajl_gen_array_open(gn->g));
	if (p->add_pre)
		emit_hook(gn, p->pre_path, "acid-prestart", "prestart");
	for (size_t i = 0; arr && i < arr->u.array.len; i++)
		gen_copy(gn, arr->u.array.values[i]);
	G(gn, yajl_gen_array_close(gn->g));
}

/* the user's poststop hooks (@arr, may be NULL), then acid's */
static void emit_poststop(struct gen *gn, yajl_val arr)
{
	const struct plan *p = gn->p;

	G(gn, yajl_gen_array_open(gn->g));
	for (size_t i = 0; arr && i < arr->u.array.len; i++)
		gen_copy(gn, arr->u.array.values[i]);
	if (p->add_post)
		emit_hook(gn, p->post_path, "acid-poststop", "poststop");
	G(gn, yajl_gen_array_close(gn->g));
}

/* the hooks object: the user's (@obj, may be NULL) with acid's added */
static void emit_hooks(struct gen *gn, yajl_val obj)
{
	const struct plan *p = gn->p;
	bool pre = false, post = false;

	G(gn, yajl_gen_map_open(gn->g));
	for (size_t i = 0; obj && i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];

		gen_str(gn, key);
		if (strcmp(key, "prestart") == 0) {
			emit_prestart(gn, p->prestart);
			pre = true;
		} else if (strcmp(key, "poststop") == 0) {
			emit_poststop(gn, p->poststop);
			post = true;
		} else {
			gen_copy(gn, obj->u.object.values[i]);
		}
	}
	if (!pre && p->add_pre) {
		gen_str(gn, "prestart");
		emit_prestart(gn, NULL);
	}
	if (!post && p->add_post) {
		gen_str(gn, "poststop");
		emit_poststop(gn, NULL);
	}
	G(gn, yajl_gen_map_close(gn->g));
}

/* The input tree as it was (gen_copy), with acid's hooks where they go:
 * the root's hooks member replaced, or added at its end */
static bool emit_member(struct gen *gn, yajl_val obj, const char *key,
			yajl_val value)
{
	const struct plan *p = gn->p;

	(void)value;
	if (obj != p->root || strcmp(key, "hooks") != 0)
		return false;
	emit_hooks(gn, p->hooks);
	return true;
}

static void emit_object_end(struct gen *gn, yajl_val obj)
{
	const struct plan *p = gn->p;
	bool dup = false;

	if (obj == p->root && !member(obj, "hooks", &dup)) {
		gen_str(gn, "hooks");
		emit_hooks(gn, NULL);
	}
}

/* Replace @path - the file read, @st - by @len bytes of @buf, atomically. */
static bool write_config(const char *path, const struct stat *st,
			 const unsigned char *buf, size_t len)
{
	char why[512];

	if (config_replace(path, st, buf, len, "config.json", PROG, why,
			   sizeof(why)))
		return true;
	die_line("%s: %s", path, why);
	return false;
}

/* The hook programs under @dir, which must be there: else no start. */
static bool hook_paths(struct plan *p, const char *dir)
{
	if (asprintf(&p->pre_path, "%s/acid-prestart", dir) < 0 ||
	    asprintf(&p->post_path, "%s/acid-poststop", dir) < 0) {
		p->pre_path = p->post_path = NULL;
		die_line("out of memory");
		return false;
	}
	if (dir[0] != '/') {
		die_line("hooks directory %s: not an absolute path (the "
			 "runtime runs the hooks from the bundle)", dir);
		return false;
	}
	if (access(p->pre_path, X_OK) < 0 || access(p->post_path, X_OK) < 0) {
		die_line("%s: %s (ACID_HOOKS_DIR names where the hooks are)",
			 access(p->pre_path, X_OK) < 0 ? p->pre_path
						       : p->post_path,
			 strerror(errno));
		return false;
	}
	return true;
}

/* Add acid's hooks to @path unless there; 0, or the exit status. */
static int add_hooks(const char *path)
{
	const char *dir = getenv("ACID_HOOKS_DIR");
	struct plan p = { 0 };
	struct gen gn = { 0 };
	struct stat st;
	char err[256];
	char *text;
	size_t len;
	int ret = EXIT_RUNTIME;

	if (!dir || !*dir)
		dir = ACID_HOOKS_DIR;
	text = read_config(path, &len, &st);
	if (!text)
		return EXIT_RUNTIME;
	if (!config_check_json(text, len, DEPTH_MAX, err, sizeof(err))) {
		die_line("%s: %s", path, err);
		goto out;
	}
	p.root = yajl_tree_parse(text, err, sizeof(err));
	if (!p.root) {
		die_line("%s: not valid JSON", path);
		goto out;
	}
	if (!plan_read(path, &p))
		goto out;
	if (!p.add_pre && !p.add_post) {
		ret = 0;	/* acid's hooks are there: nothing to write */
		goto out;
	}
	if (!hook_paths(&p, dir))
		goto out;
	for (size_t i = 0; i < sizeof(hook_env) / sizeof(hook_env[0]); i++) {
		const char *v = getenv(hook_env[i]);
		char *kv;

		if (!v)
			continue;
		if (asprintf(&kv, "%s=%s", hook_env[i], v) < 0) {
			die_line("out of memory");
			goto out;
		}
		p.env[p.nenv++] = kv;
	}
	gn.p = &p;
	gn.member = emit_member;
	gn.object_end = emit_object_end;
	gn.g = yajl_gen_alloc(NULL);
	if (!gn.g) {
		die_line("%s: out of memory", path);
		goto out;
	}
	/* a variable's value that is not UTF-8 fails here, not in runc */
	yajl_gen_config(gn.g, yajl_gen_validate_utf8, 1);
	gen_copy(&gn, p.root);
	if (!gn.failed) {
		const unsigned char *buf;
		size_t n;

		if (yajl_gen_get_buf(gn.g, &buf, &n) != yajl_gen_status_ok)
			gn.failed = true;
		else if (write_config(path, &st, buf, n))
			ret = 0;
		else
			gn.failed = false;	/* said already */
	}
	if (gn.failed)
		die_line("%s: cannot write the new config (a hook variable "
			 "that is not UTF-8?)", path);
	yajl_gen_free(gn.g);
out:
	for (size_t i = 0; i < p.nenv; i++)
		free((char *)p.env[i]);
	free(p.pre_path);
	free(p.post_path);
	yajl_tree_free(p.root);
	free(text);
	return ret;
}

/* ---------------------------------------------------------- the command */

/*
 * The config.json of create/run whose arguments start at @args: the
 * bundle's (--bundle/-b, last one given) or the current directory's.
 * NULL and a line said for an option acid-runtime cannot honour.
 */
static char *config_path(char **args, bool *bad)
{
	const char *bundle = NULL;
	char *path;

	for (size_t j = 0; args[j]; j++) {
		const char *name, *value;
		size_t len;

		if (strcmp(args[j], "--") == 0)
			break;
		if (!split_opt(args[j], &name, &len, &value))
			continue;	/* the container id */
		if ((len == 1 && name[0] == 'b') ||
		    (len == 6 && strncmp(name, "bundle", 6) == 0)) {
			if (!value && !(value = args[++j]))
				break;	/* the runtime says so */
			bundle = value;
		} else if ((len == 1 && name[0] == 'f') ||
			   (len == 6 && strncmp(name, "config", 6) == 0)) {
			/* crun's: a config other than config.json */
			die_line("%s: a config other than the bundle's "
				 "config.json is not supported", args[j]);
			*bad = true;
			return NULL;
		} else if (!value && IN_LIST(name, len, cmd_valued)) {
			if (!args[++j])
				break;
		}
	}
	if (!bundle || !*bundle)
		return strdup("config.json");
	if (asprintf(&path, "%s%sconfig.json", bundle,
		     bundle[strlen(bundle) - 1] == '/' ? "" : "/") < 0)
		return NULL;
	return path;
}

/*
 * Whether @runtime, as execvp() would find it, is this very program: a
 * runtime option naming acid-runtime itself would exec it for ever.
 */
static bool is_self(const char *runtime)
{
	const char *path = getenv("PATH");
	struct stat self, st;
	char *dirs, *dir, *save = NULL, *cand;
	bool same = false;

	if (stat("/proc/self/exe", &self) < 0)
		return false;
	if (strchr(runtime, '/'))
		return stat(runtime, &st) == 0 && st.st_dev == self.st_dev &&
		       st.st_ino == self.st_ino;
	dirs = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir;
	     dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&cand, "%s/%s", dir, runtime) < 0)
			break;
		if (access(cand, X_OK) == 0 && stat(cand, &st) == 0) {
			same = st.st_dev == self.st_dev &&
			       st.st_ino == self.st_ino;
			free(cand);
			break;	/* the first found is the one run */
		}
		free(cand);
	}
	free(dirs);
	return same;
}

int main(int argc, char **argv)
{
	const char *runtime = getenv("ACID_RUNTIME");
	int first = 1, i;

	if (!runtime || !*runtime)
		runtime = "runc";
	if (argc > 1 && strcmp(argv[1], "--runtime") == 0) {
		if (argc < 3 || !*argv[2]) {
			die_line("--runtime: needs the runtime to run");
			return EXIT_USAGE;
		}
		runtime = argv[2];
		first = 3;
	} else if (argc > 1 && strncmp(argv[1], "--runtime=", 10) == 0) {
		if (!argv[1][10]) {
			die_line("--runtime: needs the runtime to run");
			return EXIT_USAGE;
		}
		runtime = argv[1] + 10;
		first = 2;
	} else if (argc == 2 && strcmp(argv[1], "--acid-help") == 0) {
		fputs(usage, stdout);
		return 0;
	}

	if (is_self(runtime)) {
		die_line("the runtime %s is acid-runtime itself: name the real "
			 "one (--runtime or ACID_RUNTIME, e.g. runc)", runtime);
		return EXIT_USAGE;
	}

	/* the runtime's global options, to the command */
	for (i = first; i < argc; i++) {
		const char *name, *value;
		size_t len;

		if (!split_opt(argv[i], &name, &len, &value))
			break;
		if (!value && IN_LIST(name, len, global_valued))
			i++;
	}
	if (i < argc && (strcmp(argv[i], "create") == 0 ||
			 strcmp(argv[i], "run") == 0)) {
		bool bad = false;
		char *path = config_path(argv + i + 1, &bad);
		int r;

		if (!path) {
			if (!bad)
				die_line("out of memory");
			return EXIT_RUNTIME;
		}
		r = add_hooks(path);
		free(path);
		if (r)
			return r;
	}

	/* the runtime in our place, its arguments as given */
	argv[first - 1] = (char *)runtime;
	execvp(runtime, argv + first - 1);
	die_line("cannot run the runtime %s: %s", runtime, strerror(errno));
	return EXIT_RUNTIME;
}
