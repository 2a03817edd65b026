/* lodge: where messages go: stderr, and the --log file in text or JSON.
 *
 * containerd's shim and conmon read the --log file after a failure and show
 * the last error to the user, so an error is always written there too, in
 * the format they parse (one JSON object a line with level, msg, time). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lodge/oci_spec.h"
#include "log.h"
#include "utils.h"

static int log_fd = -1;
static bool log_json;
static enum lodge_log_level log_level = LODGE_LOG_WARNING;

static const char *const level_names[]
    = { "error", "warning", "info", "debug" };

int
lodge_log_parse_level (const char *s, enum lodge_log_level *out)
{
  for (size_t i = 0; i < sizeof level_names / sizeof *level_names; i++)
    if (strcmp (s, level_names[i]) == 0)
      {
        *out = (enum lodge_log_level)i;
        return 0;
      }
  if (strcmp (s, "warn") == 0)
    {
      *out = LODGE_LOG_WARNING;
      return 0;
    }
  /* logrus levels runc accepts that lodge folds into its four. */
  if (strcmp (s, "fatal") == 0 || strcmp (s, "panic") == 0)
    {
      *out = LODGE_LOG_ERROR;
      return 0;
    }
  if (strcmp (s, "trace") == 0)
    {
      *out = LODGE_LOG_DEBUG;
      return 0;
    }
  return -1;
}

int
lodge_log_init (const char *path, bool json, enum lodge_log_level level,
                lodge_error_t *err)
{
  log_json = json;
  log_level = level;
  if (path == NULL || *path == '\0')
    return 0;
  log_fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0)
    return lodge_error (err, errno, "open log file %s", path);
  return 0;
}

int
lodge_log_fd (void)
{
  return log_fd;
}

static void
write_record (enum lodge_log_level level, const char *msg)
{
  if (log_fd < 0)
    return;
  cleanup_free char *now = lodge_now_rfc3339 ();
  if (log_json)
    {
      struct oci_json *j = oci_json_new (false);
      oci_json_map_open (j);
      oci_json_kv_string (j, "level", level_names[level]);
      oci_json_kv_string (j, "msg", msg);
      oci_json_kv_string (j, "time", now);
      oci_json_map_close (j);
      size_t len;
      const char *buf = oci_json_buffer (j, &len);
      cleanup_free char *line = malloc (len + 1);
      if (line)
        {
          memcpy (line, buf, len);
          line[len] = '\n';
          lodge_write_all (log_fd, line, len + 1);
        }
      oci_json_free (j);
    }
  else
    {
      cleanup_free char *line = lodge_strdup_printf (
          "time=\"%s\" level=%s msg=\"%s\"\n", now, level_names[level], msg);
      lodge_write_all (log_fd, line, strlen (line));
    }
}

void
lodge_log (enum lodge_log_level level, const char *fmt, ...)
{
  if (level > log_level)
    return;
  va_list ap;
  va_start (ap, fmt);
  char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;
  if (log_fd >= 0)
    write_record (level, msg);
  else
    fprintf (stderr, "lodge: %s: %s\n", level_names[level], msg);
  free (msg);
}

void
lodge_log_error (const char *msg)
{
  /* Keep the stderr text to one line whatever the message holds. */
  cleanup_free char *flat = strdup (msg ? msg : "unknown error");
  if (flat)
    for (char *p = flat; *p; p++)
      if (*p == '\n' || *p == '\r')
        *p = ' ';
  write_record (LODGE_LOG_ERROR, flat ? flat : msg);
  fprintf (stderr, "lodge: %s\n", flat ? flat : msg);
}
