/* lodge: messages between the runtime and the container's init while a
 * container is being created (a socketpair, framed: type, length, data). */
#ifndef LODGE_SYNC_H
#define LODGE_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "lodge/error.h"

enum lodge_sync_type
{
  SYNC_CONTINUE = 1, /* go on (payload: nothing, or the state JSON) */
  SYNC_USERMAP,      /* child: unshared a user ns, please write its maps */
  SYNC_PID,          /* child: the init's pid (payload: decimal pid) */
  SYNC_RUN_HOOKS,    /* init: ready for prestart/createRuntime hooks */
  SYNC_CONSOLE,      /* init: the pty master follows (SCM_RIGHTS) */
  SYNC_READY,        /* init: set up, waiting for start */
  SYNC_ERROR,        /* either side: failed (payload: message) */
  SYNC_IDMAP,        /* runtime: an idmapped tree follows (SCM_RIGHTS);
                        payload: the mount index, or "rootfs" */
};

int lodge_sync_send (int fd, enum lodge_sync_type type, const void *data,
                     size_t len, lodge_error_t *err);
/* Receive one message; *data is malloc'd and NUL-terminated (may be NULL
 * when len is 0).  A SYNC_ERROR is returned as an error carrying its text.
 * EOF is an error saying the container's init exited during setup. */
int lodge_sync_recv (int fd, enum lodge_sync_type *type, char **data,
                     size_t *len, lodge_error_t *err);
/* Like lodge_sync_recv, but returns 1 (and no error) when the peer
 * closed the socket: for `exec`, that means its execve succeeded. */
int lodge_sync_recv_eof (int fd, enum lodge_sync_type *type, char **data,
                         size_t *len, lodge_error_t *err);
/* Receive and require a given type. */
int lodge_sync_expect (int fd, enum lodge_sync_type type, char **data,
                       lodge_error_t *err);

#endif
