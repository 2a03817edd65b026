/* lodge: run from a sealed copy of the lodge binary, so that nothing in a
 * container can reach, and rewrite, the binary on the host
 * (CVE-2019-5736). */
#ifndef LODGE_SELFEXE_H
#define LODGE_SELFEXE_H

#include <stdbool.h>

#include "lodge/error.h"

/* True for the commands that put a process into a container. */
bool lodge_selfexe_needed (const char *command);

/* For those commands (`command` is the command word of argv): unless lodge
 * already runs from a sealed copy of itself, copy /proc/self/exe into a
 * sealed memfd and re-exec from it with the same argv and environment
 * (pid, fds and everything else are kept across execve).  Returns 0 when
 * nothing had to be done; on success of the re-exec it does not return;
 * a negative value and *err when the copy cannot be made. */
int lodge_selfexe_ensure (const char *command, char **argv, lodge_error_t *err);

#endif
