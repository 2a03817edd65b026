/* lodge create [options] ID */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "utils.h"

const struct lodge_option lodge_create_options[] = {
  { "bundle", 'b', true, OPT_BUNDLE },
  { "console-socket", 0, true, OPT_CONSOLE_SOCKET },
  { "pid-file", 0, true, OPT_PID_FILE },
  { "no-pivot", 0, false, OPT_NO_PIVOT },
  { "no-new-keyring", 0, false, OPT_NO_NEW_KEYRING },
  { "preserve-fds", 0, true, OPT_PRESERVE_FDS },
  { "no-subreaper", 0, false, OPT_NO_SUBREAPER },
  { "help", 'h', false, OPT_HELP },
  { NULL, 0, false, 0 },
};

int
lodge_create_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct lodge_create_options *o = p;
  unsigned long n;
  switch (id)
    {
    case OPT_BUNDLE:
      o->bundle = arg;
      break;
    case OPT_CONSOLE_SOCKET:
      o->console_socket = arg;
      break;
    case OPT_PID_FILE:
      o->pid_file = arg;
      break;
    case OPT_NO_PIVOT:
      o->no_pivot = lodge_option_true (arg);
      break;
    case OPT_NO_NEW_KEYRING:
      o->no_new_keyring = lodge_option_true (arg);
      break;
    case OPT_PRESERVE_FDS:
      if (lodge_parse_ulong (arg, &n) < 0 || n > 65536)
        return lodge_error (err, 0, "invalid --preserve-fds \"%s\"", arg);
      o->preserve_fds = (unsigned int)n;
      break;
    case OPT_NO_SUBREAPER:
      o->no_subreaper = lodge_option_true (arg);
      break;
    case OPT_DETACH:
      o->detach = lodge_option_true (arg);
      break;
    case OPT_KEEP:
      o->keep = lodge_option_true (arg);
      break;
    case OPT_HELP:
      return lodge_error (err, 0, "usage: lodge create|run [options] ID");
    }
  return 0;
}

int
lodge_cmd_create (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err)
{
  struct lodge_create_options o = { 0 };
  int first = lodge_parse_options (argc, argv, lodge_create_options,
                                   lodge_create_option, &o, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("create", argc, argv, first, 1, 1,
                         "[options] CONTAINER_ID", err)
      < 0)
    return -1;
  o.id = argv[first];
  if (lodge_container_create (ctx, &o, err) < 0)
    return -1;
  return 0;
}
