/* lodge: running OCI hooks. */
#ifndef LODGE_HOOKS_H
#define LODGE_HOOKS_H

#include <stdbool.h>
#include "lodge/oci_spec.h"

/* Run each hook of `list` in order in the calling process's namespaces:
 * fork, put `state_json` on the hook's stdin, execve(path, args, env)
 * (args[0] is args as given; when args is absent argv is {path}; env
 * absent means an empty environment, as the spec says), honour `timeout`
 * (seconds; the hook is killed with SIGKILL and it is an error).  The
 * hook's stdout and stderr go to lodge's stderr.
 * `phase` is the spec's name of the hook list ("createRuntime"), used in
 * errors: "createRuntime hook /usr/bin/x (index 0): exited with status 3",
 * "... killed by signal 9", "... timed out after 5s", "... exec: No such file
 * or directory". Stops at the first failing hook and returns its error. */
int lodge_hooks_run (const struct oci_hook_list *list, const char *phase,
                     const char *state_json, size_t state_len,
                     lodge_error_t *err);

/* The same, for the hooks whose failure does not stop anything (poststart,
 * poststop): every hook runs; each failure is handed to `warn`. */
void lodge_hooks_run_all (const struct oci_hook_list *list, const char *phase,
                          const char *state_json, size_t state_len,
                          void (*warn) (const char *msg));

#endif
