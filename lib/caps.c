// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Capability checks. libcap-ng keeps its state per thread, so asking from
 * several threads at once is safe.
 */
#include <errno.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "internal.h"

static int have(unsigned int cap)
{
	int r = capng_have_capability(CAPNG_EFFECTIVE, cap);

	return r > 0;
}

int acid_check_caps(unsigned int need)
{
	if (need & ~(ACID_CAP_CONTROL | ACID_CAP_WRITE))
		return -EINVAL;
	/* refresh: the thread's capabilities may have changed since */
	if (capng_get_caps_process() < 0)
		return -EPERM;
	if ((need & ACID_CAP_CONTROL) && !have(CAP_AUDIT_CONTROL))
		return -EPERM;
	if ((need & ACID_CAP_WRITE) && !have(CAP_AUDIT_WRITE))
		return -EPERM;
	return 0;
}
