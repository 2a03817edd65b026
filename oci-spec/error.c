/* lodge: the error type of include/lodge/error.h. */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Handed out when there is no memory for a real error, so a failure is
 * never lost; lodge_error_free knows not to free it. */
static struct lodge_error oom_error = { ENOMEM, (char *)"out of memory" };

static int
status_ret (int errnum)
{
  return errnum > 0 ? -errnum : -1;
}

int
lodge_verror (lodge_error_t *err, int errnum, const char *fmt, va_list ap)
{
  char *text = NULL;
  char *msg = NULL;
  struct lodge_error *e;

  if (err == NULL)
    return status_ret (errnum);
  /* The first error is usually the cause; one raised while cleaning up
   * after it must not hide it. */
  if (*err != NULL)
    return status_ret (errnum);

  if (vasprintf (&text, fmt, ap) < 0)
    {
      *err = &oom_error;
      return status_ret (errnum);
    }
  if (errnum > 0)
    {
      char buf[256];
      const char *reason = strerror_r (errnum, buf, sizeof buf);
      if (asprintf (&msg, "%s: %s", text, reason) < 0)
        msg = NULL;
      free (text);
    }
  else
    msg = text;

  e = malloc (sizeof *e);
  if (msg == NULL || e == NULL)
    {
      free (msg);
      free (e);
      *err = &oom_error;
      return status_ret (errnum);
    }
  e->status = errnum > 0 ? errnum : 0;
  e->msg = msg;
  *err = e;
  return status_ret (errnum);
}

int
lodge_error (lodge_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = lodge_verror (err, errnum, fmt, ap);
  va_end (ap);
  return ret;
}

int
lodge_error_prefix (lodge_error_t *err, const char *fmt, ...)
{
  char *prefix = NULL;
  char *msg = NULL;
  va_list ap;
  int r;

  if (err == NULL)
    return -1;

  va_start (ap, fmt);
  r = vasprintf (&prefix, fmt, ap);
  va_end (ap);
  if (r < 0)
    return status_ret (*err ? (*err)->status : 0);

  if (*err == NULL)
    {
      /* Nothing to prefix: the context alone is better than no error. */
      lodge_error (err, 0, "%s", prefix);
      free (prefix);
      return -1;
    }
  if (*err == &oom_error)
    {
      free (prefix);
      return -ENOMEM;
    }

  if (asprintf (&msg, "%s: %s", prefix, (*err)->msg) >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = msg;
    }
  free (prefix);
  return status_ret ((*err)->status);
}

void
lodge_error_free (lodge_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  if (*err != &oom_error)
    {
      free ((*err)->msg);
      free (*err);
    }
  *err = NULL;
}

void
lodge_error_move (lodge_error_t *dst, lodge_error_t *src)
{
  if (src == NULL || *src == NULL)
    return;
  if (dst == NULL || *dst != NULL)
    {
      /* dst already holds the first error; keep that one. */
      lodge_error_free (src);
      return;
    }
  *dst = *src;
  *src = NULL;
}
