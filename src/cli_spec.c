/* lodge spec [-b DIR] [--rootless] */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "spec_default.h"
#include "utils.h"

enum
{
  OPT_SPEC_BUNDLE = 1,
  OPT_ROOTLESS,
};

static const struct lodge_option spec_options[] = {
  { "bundle", 'b', true, OPT_SPEC_BUNDLE },
  { "rootless", 0, false, OPT_ROOTLESS },
  { NULL, 0, false, 0 },
};

struct spec_args
{
  const char *bundle;
  bool rootless;
};

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct spec_args *a = p;
  if (id == OPT_SPEC_BUNDLE)
    a->bundle = arg;
  else if (id == OPT_ROOTLESS)
    a->rootless = lodge_option_true (arg);
  return 0;
}

int
lodge_cmd_spec (struct lodge_context *ctx, int argc, char **argv,
                lodge_error_t *err)
{
  struct spec_args a = { 0 };
  int first
      = lodge_parse_options (argc, argv, spec_options, on_option, &a, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("spec", argc, argv, first, 0, 0,
                         "[--bundle DIR] [--rootless]", err)
      < 0)
    return -1;

  cleanup_free char *json = NULL;
  size_t len = 0;
  if (lodge_spec_default (a.rootless, &json, &len, err) < 0)
    return -1;

  const char *dir = a.bundle ? a.bundle : ".";
  cleanup_close int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return lodge_error (err, errno, "open bundle directory %s", dir);
  cleanup_close int fd = openat (dfd, "config.json",
                                 O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return lodge_error (
            err, 0, "%s/config.json already exists: remove it first", dir);
      return lodge_error (err, errno, "create %s/config.json", dir);
    }
  if (lodge_write_all (fd, json, len) < 0 || lodge_write_all (fd, "\n", 1) < 0)
    return lodge_error (err, errno, "write %s/config.json", dir);
  return 0;
}
