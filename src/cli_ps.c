/* lodge ps [-f table|json] ID [PS_ARGS...] */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "container_cgroup_ops.h"

enum
{
  OPT_FORMAT = 1,
};

static const struct lodge_option ps_options[] = {
  { "format", 'f', true, OPT_FORMAT },
  { NULL, 0, false, 0 },
};

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  bool *json = p;
  if (id == OPT_FORMAT)
    {
      if (strcmp (arg, "json") == 0)
        *json = true;
      else if (strcmp (arg, "table") == 0)
        *json = false;
      else
        return lodge_error (err, 0, "invalid format \"%s\": use table or json",
                            arg);
    }
  return 0;
}

int
lodge_cmd_ps (struct lodge_context *ctx, int argc, char **argv,
              lodge_error_t *err)
{
  bool json = false;
  int first
      = lodge_parse_options (argc, argv, ps_options, on_option, &json, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("ps", argc, argv, first, 1, -1,
                         "[-f table|json] CONTAINER_ID [PS_ARGS...]", err)
      < 0)
    return -1;
  /* Everything after the id goes to ps(1), past an optional "--". */
  int rest = first + 1;
  if (rest < argc && strcmp (argv[rest], "--") == 0)
    rest++;
  if (lodge_container_ps (ctx, argv[first], json, argv + rest,
                          (size_t)(argc - rest), err)
      < 0)
    return -1;
  return 0;
}
