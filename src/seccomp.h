/* lodge: linux.seccomp → a libseccomp filter. */
#ifndef LODGE_SECCOMP_H
#define LODGE_SECCOMP_H

#include "lodge/oci_spec.h"

struct lodge_seccomp;

/* Build (but do not load) the filter described by `s`.  Called in the
 * runtime before the container process exists, so every error in the
 * profile is reported before anything is created.  An SCMP_ACT_NOTIFY
 * action or a listenerPath is rejected with a clear message (the notify
 * listener is not implemented yet). */
int lodge_seccomp_prepare (const struct oci_seccomp *s,
                           struct lodge_seccomp **out, lodge_error_t *err);

/* Load the prepared filter into the calling process (the container init,
 * just before execve). */
int lodge_seccomp_apply (struct lodge_seccomp *f, lodge_error_t *err);

void lodge_seccomp_free (struct lodge_seccomp *f);

/* For `lodge features`: NULL-terminated static lists. */
extern const char *const lodge_seccomp_known_actions[];
extern const char *const lodge_seccomp_known_operators[];
extern const char *const lodge_seccomp_known_archs[];
extern const char *const lodge_seccomp_known_flags[];
/* Flags this kernel + libseccomp can honour, NULL-terminated, malloc'd array
 * of static strings (free the array only). */
const char **lodge_seccomp_supported_flags (void);

#endif
