/* lodge run [options] ID */
#include "config.h"

#include "cli.h"

const struct lodge_option lodge_run_options[] = {
  { "bundle", 'b', true, OPT_BUNDLE },
  { "console-socket", 0, true, OPT_CONSOLE_SOCKET },
  { "pid-file", 0, true, OPT_PID_FILE },
  { "no-pivot", 0, false, OPT_NO_PIVOT },
  { "no-new-keyring", 0, false, OPT_NO_NEW_KEYRING },
  { "preserve-fds", 0, true, OPT_PRESERVE_FDS },
  { "no-subreaper", 0, false, OPT_NO_SUBREAPER },
  { "detach", 'd', false, OPT_DETACH },
  { "keep", 0, false, OPT_KEEP },
  { "help", 'h', false, OPT_HELP },
  { NULL, 0, false, 0 },
};

int
lodge_cmd_run (struct lodge_context *ctx, int argc, char **argv,
               lodge_error_t *err)
{
  struct lodge_create_options o = { 0 };
  int first = lodge_parse_options (argc, argv, lodge_run_options,
                                   lodge_create_option, &o, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("run", argc, argv, first, 1, 1,
                         "[options] CONTAINER_ID", err)
      < 0)
    return -1;
  o.id = argv[first];
  return lodge_container_run (ctx, &o, err);
}
