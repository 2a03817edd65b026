/* lodge kill [--all] ID [SIGNAL] */
#include "config.h"

#include <signal.h>

#include "cli.h"
#include "signals.h"

enum
{
  OPT_ALL = 1,
  OPT_PID,
};

static const struct lodge_option kill_options[] = {
  { "all", 'a', false, OPT_ALL },
  { "pid", 'p', true, OPT_PID }, /* old runc flag, accepted */
  { NULL, 0, false, 0 },
};

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  bool *all = p;
  if (id == OPT_ALL)
    *all = lodge_option_true (arg);
  return 0;
}

int
lodge_cmd_kill (struct lodge_context *ctx, int argc, char **argv,
                lodge_error_t *err)
{
  bool all = false;
  int first
      = lodge_parse_options (argc, argv, kill_options, on_option, &all, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("kill", argc, argv, first, 1, 2,
                         "[--all] CONTAINER_ID [SIGNAL]", err)
      < 0)
    return -1;
  int sig = SIGTERM;
  if (first + 1 < argc && lodge_parse_signal (argv[first + 1], &sig, err) < 0)
    return -1;
  if (lodge_container_kill (ctx, argv[first], sig, all, err) < 0)
    return -1;
  return 0;
}
