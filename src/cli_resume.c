/* lodge resume ID */
#include "config.h"

#include "cli.h"
#include "container_cgroup_ops.h"

static const struct lodge_option resume_options[] = {
  { NULL, 0, false, 0 },
};

static int
no_option (void *ctx, int id, const char *arg, lodge_error_t *err)
{
  return 0;
}

int
lodge_cmd_resume (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err)
{
  int first
      = lodge_parse_options (argc, argv, resume_options, no_option, NULL, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("resume", argc, argv, first, 1, 1, "CONTAINER_ID", err)
      < 0)
    return -1;
  if (lodge_container_resume (ctx, argv[first], err) < 0)
    return -1;
  return 0;
}
