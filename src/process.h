/* lodge: the container process's own attributes: rlimits, user, groups,
 * working directory, environment, and the executable. */
#ifndef LODGE_PROCESS_H
#define LODGE_PROCESS_H

#include <stdbool.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* RLIMIT_* number for a spec name, or -1. */
int lodge_rlimit_resource (const char *name);
int lodge_process_validate (const struct oci_process *p, const char *prefix,
                            lodge_error_t *err);
int lodge_process_set_rlimits (const struct oci_process *p,
                               lodge_error_t *err);
/* setgroups (unless the user namespace forbids it), setresgid,
 * setresuid. */
int lodge_process_set_user (const struct oci_process *p, lodge_error_t *err);
/* The absolute path of args[0], looked up in the process's PATH as an
 * exec would; errors read like runc's: exec: "foo": executable file not
 * found in $PATH. */
int lodge_process_find_executable (const struct oci_process *p, char **out,
                                   lodge_error_t *err);
/* env with HOME added from /etc/passwd when the config has none. */
char **lodge_process_env (const struct oci_process *p);

#endif
