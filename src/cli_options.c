/* lodge: option parsing shared by every command (Go flag package rules,
 * since clients pass flags the way they pass them to runc). */
#include "config.h"

#include <string.h>

#include "cli.h"

bool
lodge_option_true (const char *arg)
{
  return arg == NULL || strcmp (arg, "true") == 0 || strcmp (arg, "1") == 0;
}

static const struct lodge_option *
find_long (const struct lodge_option *opts, const char *name, size_t len)
{
  for (const struct lodge_option *o = opts; o->name; o++)
    if (strlen (o->name) == len && strncmp (o->name, name, len) == 0)
      return o;
  return NULL;
}

static const struct lodge_option *
find_short (const struct lodge_option *opts, char c)
{
  for (const struct lodge_option *o = opts; o->name; o++)
    if (o->short_name && o->short_name == c)
      return o;
  return NULL;
}

int
lodge_parse_options (int argc, char **argv, const struct lodge_option *opts,
                     lodge_option_cb on_option, void *ctx, lodge_error_t *err)
{
  int i = 1;
  while (i < argc)
    {
      const char *a = argv[i];
      if (strcmp (a, "--") == 0)
        return i + 1;
      if (a[0] != '-' || a[1] == '\0')
        return i;

      const char *name = a + (a[1] == '-' ? 2 : 1);
      const char *eq = strchr (name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen (name);
      const struct lodge_option *o = find_long (opts, name, len);
      if (o == NULL && len == 1)
        o = find_short (opts, name[0]);
      if (o == NULL)
        {
          if (eq)
            return lodge_error (err, 0, "unknown option %.*s", (int)(eq - a),
                                a);
          return lodge_error (err, 0, "unknown option %s", a);
        }

      const char *arg = NULL;
      if (o->has_arg)
        {
          if (eq)
            arg = eq + 1;
          else if (i + 1 < argc)
            arg = argv[++i];
          else
            return lodge_error (err, 0, "option %s needs a value", a);
        }
      else if (eq)
        {
          arg = eq + 1;
          if (strcmp (arg, "true") && strcmp (arg, "false") && strcmp (arg, "1")
              && strcmp (arg, "0"))
            return lodge_error (err, 0, "invalid boolean value \"%s\" for %.*s",
                                arg, (int)(eq - a), a);
          if (strcmp (arg, "0") == 0)
            arg = "false";
        }
      int r = on_option (ctx, o->id, arg, err);
      if (r < 0)
        return r;
      i++;
    }
  return i;
}

int
lodge_expect_args (const char *cmd, int argc, char **argv, int first, int min,
                   int max, const char *usage, lodge_error_t *err)
{
  int n = argc - first;
  if (n < min)
    return lodge_error (err, 0, "%s: missing argument: usage: lodge %s %s", cmd,
                        cmd, usage);
  if (max >= 0 && n > max)
    return lodge_error (err, 0,
                        "%s: unexpected argument \"%s\": usage: lodge %s %s",
                        cmd, argv[first + max], cmd, usage);
  return 0;
}
