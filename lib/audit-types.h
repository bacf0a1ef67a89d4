/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's record types for audit container IDs, known in one place:
 * v11's CONTAINER_OP, and CONTAINER_ID as acid's test kernel numbers it
 * (v11's 1336 is URINGOP in released kernels; 1338-1340 are taken too;
 * kernel/audit-containerid.patch). Userspace cannot send either type:
 * the kernel takes user records of 1100-1199 and 2100-2999 only.
 */
#ifndef ACID_AUDIT_TYPES_H
#define ACID_AUDIT_TYPES_H

#define ACID_AUDIT_CONTAINER_OP 1020
#define ACID_AUDIT_CONTAINER_ID 1350

#endif /* ACID_AUDIT_TYPES_H */
