/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oci-state.h - reader for the OCI runtime "state" JSON that a runtime
 * writes to a hook's standard input.  Shared by acid-prestart and
 * acid-poststop so that both hooks accept and refuse exactly the same input.
 */
#ifndef ACID_HOOKS_OCI_STATE_H
#define ACID_HOOKS_OCI_STATE_H

#include <stddef.h>

/* Bytes; larger input is refused.  Real states are well under 1 KiB. */
#define OCI_STATE_MAX (1024 * 1024)

enum oci_stage {
	OCI_STAGE_UNKNOWN = 0,
	OCI_STAGE_PRESTART,
	OCI_STAGE_CREATE_RUNTIME,
	OCI_STAGE_CREATE_CONTAINER,
	OCI_STAGE_START_CONTAINER,
	OCI_STAGE_POSTSTART,
	OCI_STAGE_POSTSTOP,
};

/*
 * Kubernetes metadata, as the CRI runtimes write it into a container's
 * annotations (CRI-O: io.kubernetes.pod.name, ...; containerd's CRI:
 * io.kubernetes.cri.sandbox-name, ...; see oci-state.c).
 */
enum oci_k8s {
	OCI_K8S_POD = 0,
	OCI_K8S_NAMESPACE,
	OCI_K8S_POD_UID,
	OCI_K8S_CONTAINER,
	OCI_K8S_IMAGE,
	OCI_K8S_COUNT
};

struct oci_state {
	char *oci_version;	/* may be NULL if absent */
	char *id;		/* required, non-empty */
	char *status;		/* may be NULL */
	long long pid;		/* -1 when absent; 0 when given as 0 */
	char *bundle;		/* may be NULL where absent */
	/* Value of the annotation "org.acid.container-id" */
	char *container_id;	/* NULL when absent */
	/* Kubernetes metadata; NULL when absent (or given empty) */
	char *k8s[OCI_K8S_COUNT];
	/*
	 * NULL, or why the Kubernetes annotations are refused (one line,
	 * as err): then k8s[] is all NULL. The state is read all the same:
	 * acid-prestart refuses the container, acid-poststop needs none.
	 */
	char *k8s_error;
};

/*
 * Reads all of fd (up to OCI_STATE_MAX bytes), parses, validates and fills
 * *st.  Returns 0, or -1 with a one-line message (no trailing newline) in
 * err[errlen].  *st is overwritten without being freed first; after a
 * failure it holds nothing that needs freeing (oci_state_free is still safe).
 */
int oci_state_read(int fd, struct oci_state *st, char *err, size_t errlen);

/* Same from a buffer; buf need not be NUL-terminated. */
int oci_state_parse(const char *buf, size_t len, struct oci_state *st,
		    char *err, size_t errlen);

/* Frees the fields; safe on a zeroed struct and idempotent. */
void oci_state_free(struct oci_state *st);

/*
 * Stage names as in the OCI runtime spec: "prestart", "createRuntime",
 * "createContainer", "startContainer", "poststart", "poststop".
 * oci_stage_from_name returns OCI_STAGE_UNKNOWN for anything else (and NULL);
 * oci_stage_name returns "unknown" for OCI_STAGE_UNKNOWN or out of range.
 */
enum oci_stage oci_stage_from_name(const char *name);
const char *oci_stage_name(enum oci_stage s);

/*
 * One argument of the hook, argv[*i] (i >= 1), as far as it concerns the
 * stage: a stage name, "--stage=NAME" or "--stage NAME" (then *i moves on
 * to NAME).  Returns 1 when it named a stage, folded into *found (start
 * with OCI_STAGE_UNKNOWN); 0 when the argument is not about the stage;
 * -1 with a message in err for a "--stage" without a value or with one
 * that is not a stage name, or a second, different stage.
 */
int oci_stage_arg(int argc, char **argv, int *i, enum oci_stage *found,
		  char *err, size_t errlen);

/*
 * Decides the stage: from_args when it is one (see oci_stage_arg), else
 * getenv("stage"), else from st: pid > 0 means OCI_STAGE_PRESTART, pid -1
 * or 0 means OCI_STAGE_POSTSTOP.  An environment value that is not a stage
 * name is an error: returns OCI_STAGE_UNKNOWN with a message in err.  An
 * empty "stage" variable counts as unset.
 */
enum oci_stage oci_stage_resolve(enum oci_stage from_args,
				 const struct oci_state *st,
				 char *err, size_t errlen);

#endif /* ACID_HOOKS_OCI_STATE_H */
