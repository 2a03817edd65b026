/* lodge: the container process's own attributes: rlimits, user, groups,
 * working directory, environment, and the executable. */
#ifndef LODGE_PROCESS_H
#define LODGE_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"
#include "capabilities.h"
#include "seccomp.h"

/* RLIMIT_* number for a spec name, or -1. */
int lodge_rlimit_resource (const char *name);
int lodge_process_validate (const struct oci_process *p, const char *prefix,
                            lodge_error_t *err);
int lodge_process_set_rlimits (const struct oci_process *p, lodge_error_t *err);
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

/* The last steps before the user's program, shared by the init and
 * `exec`: rlimits, no_new_privs, seccomp, capabilities and user, cwd,
 * (cwd_fd: the working directory, already resolved inside the container),
 * umask, environment, fds (3 .. 3+pass_fds-1 pass); then execve.  Returns
 * only on failure. */
int lodge_process_exec (const struct oci_process *proc, const char *exe,
                        int cwd_fd, struct lodge_seccomp *seccomp,
                        const struct lodge_caps *caps, unsigned int pass_fds,
                        lodge_error_t *err);

/* In the runtime, for a foreground `run` or `exec`: relay the terminal
 * (master >= 0, closed here), pass on the signals the caller gets, and
 * wait for `pid` (a child of ours).  Returns its exit status as a shell
 * reports it (128+N when killed by signal N). */
int lodge_process_wait (pid_t pid, int master, lodge_error_t *err);

#endif
