/* lodge exec [options] ID [COMMAND [ARG...]] */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "utils.h"

enum
{
  X_PROCESS = 1,
  X_TTY,
  X_CONSOLE_SOCKET,
  X_CWD,
  X_ENV,
  X_USER,
  X_ADDITIONAL_GIDS,
  X_CAP,
  X_NO_NEW_PRIVS,
  X_APPARMOR,
  X_PROCESS_LABEL,
  X_PID_FILE,
  X_DETACH,
  X_PRESERVE_FDS,
  X_CGROUP,
  X_IGNORE_PAUSED,
};

static const struct lodge_option exec_options[] = {
  { "process", 'p', true, X_PROCESS },
  { "tty", 't', false, X_TTY },
  { "console-socket", 0, true, X_CONSOLE_SOCKET },
  { "cwd", 0, true, X_CWD },
  { "env", 'e', true, X_ENV },
  { "user", 'u', true, X_USER },
  { "additional-gids", 'g', true, X_ADDITIONAL_GIDS },
  { "cap", 'c', true, X_CAP },
  { "no-new-privs", 0, false, X_NO_NEW_PRIVS },
  { "apparmor", 0, true, X_APPARMOR },
  { "process-label", 0, true, X_PROCESS_LABEL },
  { "pid-file", 0, true, X_PID_FILE },
  { "detach", 'd', false, X_DETACH },
  { "preserve-fds", 0, true, X_PRESERVE_FDS },
  { "cgroup", 0, true, X_CGROUP },
  { "ignore-paused", 0, false, X_IGNORE_PAUSED },
  { NULL, 0, false, 0 },
};

static int
push (char ***v, size_t *len, const char *s)
{
  char **nv = realloc (*v, (*len + 2) * sizeof **v);
  if (nv == NULL)
    return -1;
  nv[(*len)++] = (char *)s;
  nv[*len] = NULL;
  *v = nv;
  return 0;
}

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct lodge_exec_options *o = p;
  unsigned long n;
  int r = 0;
  switch (id)
    {
    case X_PROCESS:
      o->process_path = arg;
      break;
    case X_TTY:
      o->tty = lodge_option_true (arg);
      break;
    case X_CONSOLE_SOCKET:
      o->console_socket = arg;
      break;
    case X_CWD:
      o->cwd = arg;
      break;
    case X_ENV:
      r = push (&o->env, &o->env_len, arg);
      break;
    case X_USER:
      o->user = arg;
      break;
    case X_ADDITIONAL_GIDS:
      r = push (&o->additional_gids, &o->additional_gids_len, arg);
      break;
    case X_CAP:
      r = push (&o->caps, &o->caps_len, arg);
      break;
    case X_NO_NEW_PRIVS:
      o->no_new_privs = lodge_option_true (arg);
      break;
    case X_APPARMOR:
    case X_PROCESS_LABEL:
      /* Accepted: lodge applies no LSM profile of its own yet. */
      break;
    case X_PID_FILE:
      o->pid_file = arg;
      break;
    case X_DETACH:
      o->detach = lodge_option_true (arg);
      break;
    case X_PRESERVE_FDS:
      if (lodge_parse_ulong (arg, &n) < 0 || n > 65536)
        return lodge_error (err, 0, "invalid --preserve-fds \"%s\"", arg);
      o->preserve_fds = (unsigned int)n;
      break;
    case X_CGROUP:
      o->cgroup = arg;
      break;
    case X_IGNORE_PAUSED:
      o->ignore_paused = lodge_option_true (arg);
      break;
    }
  if (r < 0)
    return lodge_error (err, ENOMEM, "exec");
  return 0;
}

int
lodge_cmd_exec (struct lodge_context *ctx, int argc, char **argv,
                lodge_error_t *err)
{
  struct lodge_exec_options o = { 0 };
  int r = lodge_parse_options (argc, argv, exec_options, on_option, &o, err);
  if (r >= 0)
    r = lodge_expect_args ("exec", argc, argv, r, 1, -1,
                           "[options] CONTAINER_ID [COMMAND [ARG...]]", err)
                < 0
            ? -1
            : r;
  if (r >= 0)
    {
      o.id = argv[r];
      o.args = argv + r + 1;
      o.args_len = (size_t)(argc - r - 1);
      r = lodge_container_exec (ctx, &o, err);
    }
  free (o.env);
  free (o.additional_gids);
  free (o.caps);
  if (r < 0)
    {
      /* runc's exit status for an exec that could not start. */
      lodge_log_error ((*err)->msg);
      lodge_error_free (err);
      return 255;
    }
  return r;
}
