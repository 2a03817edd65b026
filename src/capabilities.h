/* lodge: process.capabilities through libcap. */
#ifndef LODGE_CAPABILITIES_H
#define LODGE_CAPABILITIES_H

#include <stdint.h>
#include "lodge/oci_spec.h"

/* Capability sets as bit masks (bit N = capability N).  The five sets of
 * the spec; a set absent from config.json is empty. */
struct lodge_caps
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* Translate names ("CAP_SYS_ADMIN") into masks.  An unknown name is an
 * skipped (see lodge_caps_unknown), as the spec asks; a capability this kernel
 * does not know (above CAP_LAST_CAP) is skipped with no error, as runc does.
 * caps == NULL gives all-empty sets. */
/* The first capability name lodge_caps_from_spec skipped as unknown to
 * this kernel or libcap (NULL if none), for the caller to warn about. */
extern const char *lodge_caps_unknown;

int lodge_caps_from_spec (const struct oci_capabilities *caps,
                          struct lodge_caps *out, lodge_error_t *err);

/* Drop everything not in the bounding set from the bounding set.  Must be
 * called while the process still has CAP_SETPCAP (before the uid change). */
int lodge_caps_drop_bounding (const struct lodge_caps *c, lodge_error_t *err);

/* Call before setresuid() so permitted caps survive the change to a
 * non-root uid (PR_SET_KEEPCAPS). */
int lodge_caps_keep_across_setuid (lodge_error_t *err);

/* After the uid/gid change: set effective, permitted, inheritable with
 * capset, then raise the ambient set, then clear KEEPCAPS. */
int lodge_caps_apply (const struct lodge_caps *c, lodge_error_t *err);

/* Name of capability N ("CAP_CHOWN"), or NULL; and the number of the last
 * capability this kernel supports. */
const char *lodge_cap_name (int cap);
int lodge_cap_last (void);

#endif
