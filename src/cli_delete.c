/* lodge delete [--force] ID */
#include "config.h"

#include "cli.h"

enum
{
  OPT_FORCE = 1,
};

static const struct lodge_option delete_options[] = {
  { "force", 'f', false, OPT_FORCE },
  { NULL, 0, false, 0 },
};

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  bool *force = p;
  if (id == OPT_FORCE)
    *force = lodge_option_true (arg);
  return 0;
}

int
lodge_cmd_delete (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err)
{
  bool force = false;
  int first = lodge_parse_options (argc, argv, delete_options, on_option,
                                   &force, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("delete", argc, argv, first, 1, 1,
                         "[--force] CONTAINER_ID", err)
      < 0)
    return -1;
  if (lodge_container_delete (ctx, argv[first], force, err) < 0)
    return -1;
  return 0;
}
