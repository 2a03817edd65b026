/* lodge list [-q] [-f table|json] */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum
{
  OPT_QUIET = 1,
  OPT_FORMAT,
};

static const struct lodge_option list_options[] = {
  { "quiet", 'q', false, OPT_QUIET },
  { "format", 'f', true, OPT_FORMAT },
  { NULL, 0, false, 0 },
};

struct list_args
{
  bool quiet;
  bool json;
};

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct list_args *a = p;
  if (id == OPT_QUIET)
    a->quiet = lodge_option_true (arg);
  else if (id == OPT_FORMAT)
    {
      if (strcmp (arg, "json") == 0)
        a->json = true;
      else if (strcmp (arg, "table") == 0)
        a->json = false;
      else
        return lodge_error (err, 0, "invalid format \"%s\": use table or json",
                            arg);
    }
  return 0;
}

static void
print_json (struct oci_state **s, size_t n)
{
  struct oci_json *j = oci_json_new (false);
  oci_json_array_open (j);
  for (size_t i = 0; i < n; i++)
    {
      oci_json_map_open (j);
      oci_json_kv_string (j, "ociVersion", s[i]->oci_version);
      oci_json_kv_string (j, "id", s[i]->id);
      oci_json_kv_int (j, "pid", s[i]->pid);
      oci_json_kv_string (j, "status", s[i]->status);
      oci_json_kv_string (j, "bundle", s[i]->bundle);
      oci_json_kv_string (j, "rootfs", s[i]->rootfs);
      oci_json_kv_string (j, "created", s[i]->created);
      oci_json_kv_string (j, "owner", s[i]->owner ? s[i]->owner : "");
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
  size_t len;
  const char *buf = oci_json_buffer (j, &len);
  printf ("%.*s\n", (int)len, buf);
  oci_json_free (j);
}

int
lodge_cmd_list (struct lodge_context *ctx, int argc, char **argv,
                lodge_error_t *err)
{
  struct list_args a = { 0 };
  int first
      = lodge_parse_options (argc, argv, list_options, on_option, &a, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("list", argc, argv, first, 0, 0, "[-q] [-f FORMAT]",
                         err)
      < 0)
    return -1;

  struct oci_state **states = NULL;
  size_t n = 0;
  if (lodge_container_list (ctx, &states, &n, err) < 0)
    return -1;

  if (a.quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", states[i]->id);
  else if (a.json)
    print_json (states, n);
  else
    {
      size_t w = 2;
      for (size_t i = 0; i < n; i++)
        if (strlen (states[i]->id) > w)
          w = strlen (states[i]->id);
      printf ("%-*s   %-8s %-9s %-40s %-31s %s\n", (int)w, "ID", "PID",
              "STATUS", "BUNDLE", "CREATED", "OWNER");
      for (size_t i = 0; i < n; i++)
        printf ("%-*s   %-8d %-9s %-40s %-31s %s\n", (int)w, states[i]->id,
                states[i]->pid, states[i]->status,
                states[i]->bundle ? states[i]->bundle : "",
                states[i]->created ? states[i]->created : "",
                states[i]->owner ? states[i]->owner : "");
    }
  for (size_t i = 0; i < n; i++)
    oci_state_free (states[i]);
  free (states);
  return 0;
}
