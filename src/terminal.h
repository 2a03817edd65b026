/* lodge: process.terminal: the pty, /dev/console, and the other end. */
#ifndef LODGE_TERMINAL_H
#define LODGE_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* In the init, before pivot: open a pty on the container's devpts and (for
 * the init, not for exec) bind its slave over /dev/console.  *master goes to
 * the runtime; *slave becomes the process's controlling terminal
 * (lodge_terminal_attach). */
int lodge_terminal_create (int rootfd, const struct oci_process *p,
                           bool bind_console, int *master, int *slave,
                           lodge_error_t *err);

/* In the init, after pivot: new session, slave as controlling terminal and
 * as fds 0, 1 and 2. */
int lodge_terminal_attach (int slave, lodge_error_t *err);

/* In the runtime: hand the master to a --console-socket listener. */
int lodge_terminal_send (const char *socket_path, int master,
                         lodge_error_t *err);

/* In the runtime (foreground `run`): copy between the caller's terminal
 * and the pty until the container closes it; the caller's terminal is in
 * raw mode meanwhile and window size changes are passed on. */
int lodge_terminal_relay (int master, lodge_error_t *err);

#endif
