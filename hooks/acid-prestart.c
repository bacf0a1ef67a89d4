// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * acid-prestart: OCI hook for the prestart and createRuntime stages.
 *
 * Reads the runtime's state on standard input, registers the container's
 * init process under a container ID (the org.acid.container-id annotation,
 * else a fresh one) and sends the register record, with the pod, namespace,
 * pod UID, container name and image that a CRI runtime's annotations give
 * (oci-state.c says which keys). A non-zero exit stops
 * the container's start: with the default fail-closed policy a container
 * whose record could not be sent does not run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <acid/libacid.h>

#include "hook-common.h"

static const char usage[] =
	"usage: acid-prestart [--policy=fail|warn] [prestart|createRuntime]\n"
	"\n"
	"OCI hook: registers the container's init process (state JSON on\n"
	"standard input) and sends its VIRT_CONTROL register record.\n"
	"\n"
	"  --policy=fail   no audit record, no container (default)\n"
	"  --policy=warn   a record that cannot be sent is only a warning\n"
	"  ACID_POLICY     the same, from the hook's environment\n"
	"  ACID_STATE_DIR  registry directory (default /run/acid)\n"
	"  ACID_PROC_ROOT  procfs root (default /proc)\n"
	"\n"
	"The container ID comes from the annotation org.acid.container-id\n"
	"(a UUID) or is made fresh for each start. Kubernetes metadata comes\n"
	"from the annotations CRI-O (io.kubernetes.pod.name, ...) and\n"
	"containerd's CRI (io.kubernetes.cri.sandbox-name, ...) write.\n";

static int register_container(struct hook *h)
{
	const struct oci_state *st = &h->state;
	struct acid_ctx *ctx = NULL;
	struct acid_entry *e = NULL;
	struct acid_id id;
	char q[256], idbuf[ACID_ID_STRLEN];
	int r, rec = 0, ret = 1;

	if (st->k8s_error) {
		hook_error(h, "container \"%s\" refused: %s",
			   hook_quote(st->id, q, sizeof(q)), st->k8s_error);
		return 1;
	}
	if (st->container_id && acid_id_parse(st->container_id, &id) < 0) {
		hook_error(h, "annotation org.acid.container-id of container "
			      "\"%s\" is not a container ID: \"%s\"",
			   hook_quote(st->id, q, sizeof(q)),
			   st->container_id);
		return 1;
	}
	r = acid_ctx_new(NULL, &ctx);
	if (r < 0) {
		hook_error(h, "cannot start: %s", acid_strerror(r));
		return 1;
	}

	/* the ID is ours before the start, so that every line can name it */
	if (!st->container_id && (r = acid_ctx_new_id(ctx, &id)) < 0) {
		hook_error(h, "cannot start: %s", acid_strerror(r));
		goto out;
	}
	acid_id_format(&id, idbuf, sizeof(idbuf));

	struct acid_reg req = {
		.size = sizeof(req),
		.pid = (pid_t)st->pid,
		.id = &id,
		.name = st->id,
		.bundle = st->bundle,
		/* Kubernetes metadata from the CRI runtime's annotations */
		.k8s_pod = st->k8s[OCI_K8S_POD],
		.k8s_namespace = st->k8s[OCI_K8S_NAMESPACE],
		.k8s_pod_uid = st->k8s[OCI_K8S_POD_UID],
		.k8s_container = st->k8s[OCI_K8S_CONTAINER],
		.image = st->k8s[OCI_K8S_IMAGE],
	};
	/* under acid-exec, the runtime's fresh audit session tags it all */
	r = acid_session_tag(ctx, getpid(), &req.ses_tag);
	if (r < 0 && r != -ENOENT)
		hook_warn(h, "session tag: %s", acid_strerror(r));
	/*
	 * Registration and record as one step. Policy fail: no record, no
	 * container, and nothing left behind (a record that may be in the
	 * log all the same gets its stop record, or the entry stays for
	 * acid gc; the library's message says which).
	 */
	r = acid_start(ctx, &req,
		       h->policy == HOOK_FAIL_CLOSED ? 0 : ACID_START_WARN,
		       &e, &rec);
	if (r < 0 && rec < 0) {
		hook_error(h, "register record for container \"%s\" (%s) "
			      "not sent, container refused (policy fail): %s",
			   hook_quote(st->id, q, sizeof(q)), idbuf,
			   acid_ctx_errmsg(ctx));
		goto out;
	}
	/*
	 * A runtime in another pid namespace hands us pids of its own
	 * numbering: nothing can be registered truthfully. Under warn the
	 * container runs, unregistered, as when its record cannot be sent.
	 */
	if (r == -EREMOTE && h->policy != HOOK_FAIL_CLOSED) {
		hook_warn(h, "container \"%s\" not registered, container "
			     "allowed (policy warn): %s",
			  hook_quote(st->id, q, sizeof(q)), acid_ctx_errmsg(ctx));
		ret = 0;
		goto out;
	}
	if (r < 0) {
		hook_error(h, "register pid %lld of container \"%s\" "
			      "(registry %s): %s",
			   st->pid, hook_quote(st->id, q, sizeof(q)),
			   acid_ctx_state_dir(ctx), acid_ctx_errmsg(ctx));
		goto out;
	}
	if (rec < 0)
		hook_warn(h, "register record for container \"%s\" (%s) not "
			     "sent, container allowed (policy warn): %s",
			  hook_quote(st->id, q, sizeof(q)), idbuf,
			  acid_ctx_errmsg(ctx));
	ret = 0;
out:
	acid_entry_free(e);
	acid_ctx_free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	struct hook h;
	int r = hook_init(&h, "acid-prestart", argc, argv, usage);

	if (r) {
		hook_fini(&h);
		return r < 0 ? 0 : r;
	}
	switch (h.stage) {
	case OCI_STAGE_PRESTART:
	case OCI_STAGE_CREATE_RUNTIME:
		break;
	case OCI_STAGE_CREATE_CONTAINER:
	case OCI_STAGE_START_CONTAINER:
		hook_error(&h, "stage %s runs inside the container's "
			       "namespaces, where the pid is not the host's: "
			       "run acid-prestart at prestart or createRuntime",
			   oci_stage_name(h.stage));
		hook_fini(&h);
		return 2;
	default:
		hook_error(&h, "stage %s: acid-prestart runs at prestart or "
			       "createRuntime (acid-poststop at poststop)",
			   oci_stage_name(h.stage));
		hook_fini(&h);
		return 2;
	}
	if (h.state.pid <= 0) {
		hook_error(&h, "state: field \"pid\" is missing or 0 at stage "
			       "%s; the container's init pid is required",
			   oci_stage_name(h.stage));
		hook_fini(&h);
		return 1;
	}
	r = register_container(&h);
	hook_fini(&h);
	return r;
}
