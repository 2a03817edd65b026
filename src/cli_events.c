/* lodge events [--stats] [--interval DURATION] ID */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container_cgroup_ops.h"

enum
{
  OPT_STATS = 1,
  OPT_INTERVAL,
};

static const struct lodge_option events_options[] = {
  { "stats", 0, false, OPT_STATS },
  { "interval", 0, true, OPT_INTERVAL },
  { NULL, 0, false, 0 },
};

struct events_args
{
  bool stats;
  unsigned interval_ms;
};

/* A Go duration ("5s", "100ms", "1m30s", "1.5s"), in milliseconds. */
static int
parse_duration (const char *s, unsigned *out)
{
  static const struct
  {
    const char *unit;
    double ms;
  } units[]
      = { { "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 },
          { "s", 1e3 },   { "m", 60e3 },  { "h", 3600e3 } };
  double total = 0;
  const char *p = s;
  if (*p == '\0')
    return -1;
  while (*p)
    {
      char *end;
      double v = strtod (p, &end);
      if (end == p || v < 0)
        return -1;
      p = end;
      size_t best = 0, bestlen = 0;
      for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        {
          size_t l = strlen (units[i].unit);
          if (strncmp (p, units[i].unit, l) == 0 && l > bestlen)
            best = i, bestlen = l;
        }
      if (bestlen == 0)
        return -1;
      total += v * units[best].ms;
      p += bestlen;
    }
  if (total < 1 || total > 86400e3)
    return -1;
  *out = (unsigned)total;
  return 0;
}

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct events_args *a = p;
  if (id == OPT_STATS)
    a->stats = lodge_option_true (arg);
  else if (id == OPT_INTERVAL && parse_duration (arg, &a->interval_ms) < 0)
    return lodge_error (err, 0,
                        "invalid --interval \"%s\": a duration above 1ms, "
                        "like 5s or 500ms",
                        arg);
  return 0;
}

int
lodge_cmd_events (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err)
{
  struct events_args a = { .interval_ms = 5000 };
  int first
      = lodge_parse_options (argc, argv, events_options, on_option, &a, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("events", argc, argv, first, 1, 1,
                         "[--stats] [--interval DURATION] CONTAINER_ID", err)
      < 0)
    return -1;
  if (lodge_container_events (ctx, argv[first], a.stats, a.interval_ms, err)
      < 0)
    return -1;
  return 0;
}
