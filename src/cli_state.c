/* lodge state ID */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const struct lodge_option state_options[] = {
  { NULL, 0, false, 0 },
};

static int
no_option (void *ctx, int id, const char *arg, lodge_error_t *err)
{
  return 0;
}

int
lodge_cmd_state (struct lodge_context *ctx, int argc, char **argv,
                 lodge_error_t *err)
{
  int first
      = lodge_parse_options (argc, argv, state_options, no_option, NULL, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("state", argc, argv, first, 1, 1, "CONTAINER_ID", err)
      < 0)
    return -1;
  char *json = NULL;
  if (lodge_container_state (ctx, argv[first], &json, err) < 0)
    return -1;
  printf ("%s\n", json);
  free (json);
  return 0;
}
