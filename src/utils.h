/* lodge: small file, path and process helpers used across src/. */
#ifndef LODGE_UTILS_H
#define LODGE_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lodge/cleanup.h"
#include "lodge/error.h"

/* Read a whole file (at most 64 MiB) into a NUL-terminated buffer. */
int lodge_read_file (const char *path, char **out, size_t *len,
                     lodge_error_t *err);
int lodge_read_file_at (int dirfd, const char *path, char **out, size_t *len,
                        lodge_error_t *err);

/* Write `len` bytes to `path` (created with `mode`, truncated). */
int lodge_write_file (const char *path, const void *data, size_t len,
                      mode_t mode, lodge_error_t *err);
/* Write to a temporary file beside `path`, fsync-free, then rename over
 * it, so a reader sees the old or the new content, never a mix. */
int lodge_write_file_atomic (int dirfd, const char *name, const void *data,
                             size_t len, lodge_error_t *err);

int lodge_write_all (int fd, const void *data, size_t len);

/* The pid file of --pid-file (relative to the current directory),
 * written whole or not at all: clients read it the moment we return. */
int lodge_write_pid_file (const char *path, pid_t pid, lodge_error_t *err);

/* mkdir -p, mode for the created components. */
int lodge_mkdir_p (const char *path, mode_t mode, lodge_error_t *err);

/* Remove a directory tree (does not cross mount points). */
int lodge_rm_rf_at (int dirfd, const char *name, lodge_error_t *err);

/* Open `path` inside the directory tree `rootfd` as if `rootfd` were "/":
 * absolute symlinks and ".." stay inside (openat2 RESOLVE_IN_ROOT).
 * With create_dirs, missing directories along the path are created;
 * with create_leaf, the last component is created as a directory
 * (leaf_is_file false) or an empty file (leaf_is_file true).
 * Returns an O_PATH fd, or a negative value and *err. */
int lodge_open_in_root (int rootfd, const char *path, bool create,
                        bool leaf_is_file, lodge_error_t *err);

/* "/proc/self/fd/N" for an fd, in a caller-provided buffer. */
#define LODGE_FD_PATH_MAX 32
const char *lodge_fd_path (int fd, char buf[LODGE_FD_PATH_MAX]);

/* Start time of a process (field 22 of /proc/PID/stat), 0 if gone. */
uint64_t lodge_pid_start_time (pid_t pid);
/* True when `pid` exists, is not a zombie, and has the start time given
 * (start_time 0 skips the comparison). */
bool lodge_pid_alive (pid_t pid, uint64_t start_time);

/* RFC 3339 with nanoseconds, UTC, malloc'd. */
char *lodge_now_rfc3339 (void);

char *lodge_strdup_printf (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

/* Parse a decimal unsigned/signed number; whole string must match. */
int lodge_parse_ulong (const char *s, unsigned long *out);
int lodge_parse_long (const char *s, long *out);

/* Close every fd >= first. */
void lodge_close_fds_from (int first);
/* Really close (not just mark close-on-exec) every fd >= first except the
 * n in keep: an fd left open until execve could still be used to reach
 * the host while the new program's path is resolved. */
void lodge_close_fds_except (int first, const int *keep, size_t n);

/* Append a copy of `item` to a NULL-terminated array with a length. */
int lodge_strv_append (char ***v, size_t *len, const char *item);
/* Set NAME=value in an environment array (replacing NAME's entry). */
int lodge_env_set (char ***env, size_t *len, const char *name,
                   const char *value);

/* Send and receive one fd over a unix socket. */
int lodge_send_fd (int sock, int fd, lodge_error_t *err);
int lodge_recv_fd (int sock, int *fd, lodge_error_t *err);

#endif
