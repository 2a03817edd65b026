/* lodge: where messages go: stderr, and the --log file in text or JSON. */
#ifndef LODGE_LOG_H
#define LODGE_LOG_H

#include <stdbool.h>
#include "lodge/error.h"

enum lodge_log_level
{
  LODGE_LOG_ERROR = 0,
  LODGE_LOG_WARNING,
  LODGE_LOG_INFO,
  LODGE_LOG_DEBUG,
};

/* path NULL: stderr only. json: one {"level","msg","time"} object a line. */
int lodge_log_init (const char *path, bool json, enum lodge_log_level level,
                    lodge_error_t *err);
int lodge_log_parse_level (const char *s, enum lodge_log_level *out);

void lodge_log (enum lodge_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
#define lodge_warn(...) lodge_log (LODGE_LOG_WARNING, __VA_ARGS__)
#define lodge_debug(...) lodge_log (LODGE_LOG_DEBUG, __VA_ARGS__)

/* An error that ends the command: "lodge: <msg>" on stderr (one line),
 * and an error record in the log file when there is one. */
void lodge_log_error (const char *msg);

/* The log file's fd (or -1), so it can be kept out of the container. */
int lodge_log_fd (void);

#endif
