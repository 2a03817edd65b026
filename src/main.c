/* lodge: entry point; global options and command dispatch. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "selfexe.h"
#include "lodge/oci_spec.h"
#include "utils.h"

static const struct
{
  const char *name;
  lodge_command_fn fn;
  const char *summary;
} commands[] = {
  { "create", lodge_cmd_create, "create a container" },
  { "start", lodge_cmd_start, "run the user process of a created container" },
  { "run", lodge_cmd_run, "create and start a container" },
  { "exec", lodge_cmd_exec, "run a new process in a running container" },
  { "state", lodge_cmd_state, "print the state of a container" },
  { "kill", lodge_cmd_kill, "send a signal to the container's init process" },
  { "delete", lodge_cmd_delete, "delete a container and what it holds" },
  { "list", lodge_cmd_list, "list the containers under --root" },
  { "spec", lodge_cmd_spec, "write a new config.json" },
  { "features", lodge_cmd_features, "print what this lodge supports, as JSON" },
  { "pause", lodge_cmd_pause, "freeze every process of a container" },
  { "resume", lodge_cmd_resume, "thaw a paused container" },
  { "update", lodge_cmd_update, "change a running container's resources" },
  { "events", lodge_cmd_events, "print a container's stats and OOM events" },
  { "ps", lodge_cmd_ps, "list the processes of a container" },
};

enum
{
  G_ROOT = 1,
  G_LOG,
  G_LOG_FORMAT,
  G_LOG_LEVEL,
  G_DEBUG,
  G_SYSTEMD_CGROUP,
  G_CGROUP_MANAGER,
  G_ROOTLESS,
  G_CRIU,
  G_VERSION,
  G_HELP,
};

static const struct lodge_option global_options[] = {
  { "root", 0, true, G_ROOT },
  { "log", 0, true, G_LOG },
  { "log-format", 0, true, G_LOG_FORMAT },
  { "log-level", 0, true, G_LOG_LEVEL },
  { "debug", 0, false, G_DEBUG },
  { "systemd-cgroup", 0, false, G_SYSTEMD_CGROUP },
  { "cgroup-manager", 0, true, G_CGROUP_MANAGER },
  { "rootless", 0, true, G_ROOTLESS },
  { "criu", 0, true, G_CRIU },
  { "version", 'v', false, G_VERSION },
  { "help", 'h', false, G_HELP },
  { NULL, 0, false, 0 },
};

struct globals
{
  struct lodge_context ctx;
  const char *log_path;
  bool log_json;
  const char *log_level;
  bool version;
  bool help;
};

static int
on_global (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct globals *g = p;
  switch (id)
    {
    case G_ROOT:
      g->ctx.state_root = arg;
      break;
    case G_LOG:
      g->log_path = arg;
      break;
    case G_LOG_FORMAT:
      if (strcmp (arg, "json") == 0)
        g->log_json = true;
      else if (strcmp (arg, "text") == 0)
        g->log_json = false;
      else
        return lodge_error (
            err, 0, "invalid --log-format \"%s\": use text or json", arg);
      break;
    case G_LOG_LEVEL:
      g->log_level = arg;
      break;
    case G_DEBUG:
      g->ctx.debug = lodge_option_true (arg);
      break;
    case G_SYSTEMD_CGROUP:
      g->ctx.systemd_cgroup = lodge_option_true (arg);
      break;
    case G_CGROUP_MANAGER:
      if (strcmp (arg, "cgroupfs") && strcmp (arg, "systemd")
          && strcmp (arg, "disabled"))
        return lodge_error (err, 0,
                            "invalid --cgroup-manager \"%s\": use cgroupfs, "
                            "systemd or disabled",
                            arg);
      g->ctx.cgroup_manager = arg;
      if (strcmp (arg, "systemd") == 0)
        g->ctx.systemd_cgroup = true;
      break;
    case G_ROOTLESS:
      if (strcmp (arg, "true") && strcmp (arg, "false") && strcmp (arg, "auto"))
        return lodge_error (
            err, 0, "invalid --rootless \"%s\": use true, false or auto", arg);
      break;
    case G_CRIU:
      break;
    case G_VERSION:
      g->version = true;
      break;
    case G_HELP:
      g->help = true;
      break;
    }
  return 0;
}

static void
print_version (void)
{
  printf ("lodge version %s\nspec: %s\n", PACKAGE_VERSION, LODGE_OCI_VERSION);
}

static void
print_help (void)
{
  printf ("lodge: an OCI container runtime for system containers\n\n"
          "usage: lodge [global options] command [command options] [args]\n\n"
          "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    printf ("  %-10s %s\n", commands[i].name, commands[i].summary);
  printf (
      "\nglobal options:\n"
      "  --root DIR            state directory (default " LODGE_DEFAULT_ROOT
      ")\n"
      "  --log FILE            also write messages to FILE\n"
      "  --log-format FMT      text or json\n"
      "  --log-level LEVEL     error, warning, info or debug\n"
      "  --debug               same as --log-level debug\n"
      "  --systemd-cgroup      read cgroupsPath as slice:prefix:name\n"
      "  --cgroup-manager MGR  cgroupfs, systemd or disabled\n"
      "  --rootless VALUE      accepted for compatibility (true|false|auto)\n"
      "  -v, --version         print the version\n"
      "  -h, --help            print this help\n");
}

int
main (int argc, char **argv)
{
  lodge_error_t err = NULL;
  struct globals g = { .ctx = { .state_root = LODGE_DEFAULT_ROOT,
                                .cgroup_manager = "cgroupfs" } };

  /* An unprivileged user keeps its state in its own runtime directory, as
   * runc does. */
  cleanup_free char *user_root = NULL;
  if (geteuid () != 0)
    {
      const char *xdg = getenv ("XDG_RUNTIME_DIR");
      user_root = xdg && *xdg
                      ? lodge_strdup_printf ("%s/lodge", xdg)
                      : lodge_strdup_printf ("/tmp/lodge-%u", geteuid ());
      g.ctx.state_root = user_root;
    }
  int first
      = lodge_parse_options (argc, argv, global_options, on_global, &g, &err);
  if (first < 0
      || (first < argc && lodge_selfexe_ensure (argv[first], argv, &err) < 0))
    goto fail;

  enum lodge_log_level level
      = g.ctx.debug ? LODGE_LOG_DEBUG : LODGE_LOG_WARNING;
  if (g.log_level && lodge_log_parse_level (g.log_level, &level) < 0)
    {
      lodge_error (&err, 0, "invalid --log-level \"%s\"", g.log_level);
      goto fail;
    }
  if (lodge_log_init (g.log_path, g.log_json, level, &err) < 0)
    goto fail;

  if (g.version)
    {
      print_version ();
      return 0;
    }
  if (first >= argc)
    {
      print_help ();
      return g.help ? 0 : 1;
    }

  const char *name = argv[first];
  if (strcmp (name, "help") == 0 || (g.help && first >= argc))
    {
      print_help ();
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp (name, commands[i].name) == 0)
      {
        int r = commands[i].fn (&g.ctx, argc - first, argv + first, &err);
        if (r < 0)
          goto fail;
        return r;
      }
  lodge_error (&err, 0, "unknown command \"%s\"", name);

fail:
  lodge_log_error (err ? err->msg : "unknown error");
  lodge_error_free (&err);
  return 1;
}
