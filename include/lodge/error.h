/* lodge: the one error type used by src/, oci-spec/ and hooks/.
 *
 * A fallible function returns a negative value and fills *err with the
 * errno (0 when the failure is not a syscall's) and a message that names
 * what was being done and to which path or id, e.g.
 *   "mount proc on /proc: Permission denied".
 * Callers may add context in front with lodge_error_prefix().
 */
#ifndef LODGE_ERROR_H
#define LODGE_ERROR_H

#include <stdarg.h>

struct lodge_error
{
  int status; /* errno, or 0 */
  char *msg;  /* full text, already including strerror(status) */
};
typedef struct lodge_error *lodge_error_t;

/* Set *err (freeing nothing: *err must be NULL).  When errnum != 0 the
 * text is "<fmt>: <strerror(errnum)>".  Returns -errnum, or -1 when
 * errnum is 0, so callers can write `return lodge_error (err, errno, ...)`. */
int lodge_error (lodge_error_t *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int lodge_verror (lodge_error_t *err, int errnum, const char *fmt, va_list ap);

/* Prepend "<fmt>: " to an existing error's message. Returns -1 or -status. */
int lodge_error_prefix (lodge_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void lodge_error_free (lodge_error_t *err);

/* Move an error from *src into *dst (dst must be empty). */
void lodge_error_move (lodge_error_t *dst, lodge_error_t *src);

#endif
