/* lodge: `exec`: a new process in a running container.
 *
 * Like create, it takes two forks: the first child joins the container's
 * namespaces (the pid and time namespaces only apply to children), the
 * second is the process itself, made the runtime's child with
 * CLONE_PARENT so a foreground exec can wait for it.  The sync socket is
 * close-on-exec: its EOF tells the runtime that execve succeeded. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cgroup.h"
#include "container.h"
#include "log.h"
#include "process.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* In the order they are joined: the user namespace first, so that the
 * others are joined with its privileges; the mount namespace last but
 * one, since it also moves our root; time only affects children. */
static const struct
{
  const char *name;
  int flag;
} exec_namespaces[] = {
  { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },
  { "uts", CLONE_NEWUTS },   { "net", CLONE_NEWNET },
  { "pid", CLONE_NEWPID },   { "cgroup", CLONE_NEWCGROUP },
  { "time", CLONE_NEWTIME }, { "mnt", CLONE_NEWNS },
};
#define N_EXEC_NS (sizeof exec_namespaces / sizeof *exec_namespaces)

struct exec_ctx
{
  struct oci_process *proc;
  struct lodge_seccomp *seccomp;
  struct lodge_caps caps;
  int ns_fd[N_EXEC_NS];
  int sync_fd;
  unsigned int preserve_fds;
};

static int
strv_replace (char ***v, size_t *len, char *const *items, size_t n)
{
  for (size_t i = 0; i < *len; i++)
    free ((*v)[i]);
  free (*v);
  *v = NULL;
  *len = 0;
  for (size_t i = 0; i < n; i++)
    if (lodge_strv_append (v, len, items[i]) < 0)
      return -1;
  return 0;
}

static int
parse_id (const char *s, uint32_t *out)
{
  unsigned long v;
  if (lodge_parse_ulong (s, &v) < 0 || v > UINT32_MAX)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

/* runc's rules: --process replaces everything; otherwise the config's
 * process with the command line's changes. */
static int
build_process (const struct lodge_exec_options *o, struct oci_config *cfg,
               struct oci_process **out, lodge_error_t *err)
{
  struct oci_process *p = NULL;
  if (o->process_path)
    {
      if (oci_process_parse_file (o->process_path, o->process_path, &p, err)
          < 0)
        return -1;
      *out = p;
      return 0;
    }
  if (o->args_len == 0)
    return lodge_error (err, 0, "exec: no command given (and no --process)");
  p = move_ptr (cfg->process);
  if (p == NULL)
    return lodge_error (err, 0, "config.json has no process to start from");
  *out = p;
  if (strv_replace (&p->args, &p->args_len, o->args, o->args_len) < 0)
    return lodge_error (err, ENOMEM, "exec");
  p->terminal = o->tty;
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = strdup (o->cwd);
    }
  for (size_t i = 0; i < o->env_len; i++)
    {
      /* A variable given again replaces the config's. */
      const char *eq = strchr (o->env[i], '=');
      size_t klen = eq ? (size_t)(eq - o->env[i]) : strlen (o->env[i]);
      bool replaced = false;
      for (size_t j = 0; j < p->env_len && !replaced; j++)
        if (strncmp (p->env[j], o->env[i], klen) == 0 && p->env[j][klen] == '=')
          {
            free (p->env[j]);
            p->env[j] = strdup (o->env[i]);
            replaced = true;
          }
      if (!replaced && lodge_strv_append (&p->env, &p->env_len, o->env[i]) < 0)
        return lodge_error (err, ENOMEM, "exec");
    }
  if (o->user)
    {
      cleanup_free char *u = strdup (o->user);
      char *colon = strchr (u, ':');
      if (colon)
        *colon = '\0';
      if (parse_id (u, &p->user.uid) < 0
          || (colon && parse_id (colon + 1, &p->user.gid) < 0))
        return lodge_error (
            err, 0, "invalid --user \"%s\": expected uid[:gid] (numbers)",
            o->user);
      if (!colon)
        p->user.gid = 0;
    }
  for (size_t i = 0; i < o->additional_gids_len; i++)
    {
      uint32_t g;
      if (parse_id (o->additional_gids[i], &g) < 0)
        return lodge_error (err, 0, "invalid --additional-gids \"%s\"",
                            o->additional_gids[i]);
      uint32_t *ng = realloc (p->user.additional_gids,
                              (p->user.additional_gids_len + 1) * sizeof *ng);
      if (ng == NULL)
        return lodge_error (err, ENOMEM, "exec");
      ng[p->user.additional_gids_len++] = g;
      p->user.additional_gids = ng;
    }
  if (o->caps_len)
    {
      if (p->capabilities == NULL
          && (p->capabilities = calloc (1, sizeof *p->capabilities)) == NULL)
        return lodge_error (err, ENOMEM, "exec");
      struct oci_capabilities *c = p->capabilities;
      for (size_t i = 0; i < o->caps_len; i++)
        {
          if (lodge_strv_append (&c->bounding, &c->bounding_len, o->caps[i]) < 0
              || lodge_strv_append (&c->effective, &c->effective_len,
                                    o->caps[i])
                     < 0
              || lodge_strv_append (&c->permitted, &c->permitted_len,
                                    o->caps[i])
                     < 0)
            return lodge_error (err, ENOMEM, "exec");
          /* Ambient needs inheritable: only where the config has some. */
          if (c->inheritable_len
              && lodge_strv_append (&c->ambient, &c->ambient_len, o->caps[i])
                     < 0)
            return lodge_error (err, ENOMEM, "exec");
        }
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  return 0;
}

__attribute__ ((noreturn)) static void
child_fail (struct exec_ctx *x, lodge_error_t *err)
{
  const char *msg = *err ? (*err)->msg : "exec failed";
  lodge_error_t ignored = NULL;
  lodge_sync_send (x->sync_fd, SYNC_ERROR, msg, strlen (msg), &ignored);
  _exit (1);
}

__attribute__ ((noreturn)) static void
exec_stage2 (struct exec_ctx *x)
{
  lodge_error_t err = NULL;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Let stage 1's pid message go first on the shared socket. */
  if (lodge_sync_expect (x->sync_fd, SYNC_CONTINUE, NULL, &err) < 0)
    _exit (1);
  if (x->proc->terminal)
    {
      int master, slave;
      if (lodge_terminal_create (AT_FDCWD, x->proc, false, &master, &slave,
                                 &err)
          < 0)
        child_fail (x, &err);
      if (lodge_sync_send (x->sync_fd, SYNC_CONSOLE, NULL, 0, &err) < 0
          || lodge_send_fd (x->sync_fd, master, &err) < 0)
        child_fail (x, &err);
      close (master);
      if (lodge_terminal_attach (slave, &err) < 0)
        child_fail (x, &err);
    }
  else
    setsid (); /* a session of its own, as runc's exec'd processes have */
  cleanup_free char *exe = NULL;
  if (lodge_process_find_executable (x->proc, &exe, &err) < 0)
    child_fail (x, &err);
  /* --cwd and the process's cwd are resolved inside the container, with
   * no magic links: /proc/self/fd/N must not lead to the host. */
  cleanup_close int cwd_fd
      = lodge_open_in_root (AT_FDCWD, x->proc->cwd, false, false, &err);
  if (cwd_fd < 0)
    child_fail (x, &err);
  prctl (PR_SET_PDEATHSIG, 0);
  lodge_process_exec (x->proc, exe, cwd_fd, x->seccomp, &x->caps,
                      x->preserve_fds, &err);
  child_fail (x, &err);
}

__attribute__ ((noreturn)) static void
exec_stage1 (struct exec_ctx *x)
{
  lodge_error_t err = NULL;
  /* As for the init: no /proc/PID access from the container while we
   * work, and no fd of ours left open (see lodge_init_stage1). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  {
    int keep[N_EXEC_NS + 2];
    size_t n = 0;
    keep[n++] = x->sync_fd;
    keep[n++] = lodge_log_fd ();
    for (size_t i = 0; i < N_EXEC_NS; i++)
      if (x->ns_fd[i] >= 0)
        keep[n++] = x->ns_fd[i];
    lodge_close_fds_except (3 + (int)x->preserve_fds, keep, n);
  }
  if (lodge_sync_expect (x->sync_fd, SYNC_CONTINUE, NULL, &err) < 0)
    _exit (1);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  for (size_t i = 0; i < N_EXEC_NS; i++)
    {
      if (x->ns_fd[i] < 0)
        continue;
      if (setns (x->ns_fd[i], exec_namespaces[i].flag) < 0)
        {
          lodge_error (&err, errno, "join the container's %s namespace",
                       exec_namespaces[i].name);
          child_fail (x, &err);
        }
      close (x->ns_fd[i]);
      x->ns_fd[i] = -1;
    }
  if (chdir ("/") < 0)
    {
      lodge_error (&err, errno, "chdir to the container's /");
      child_fail (x, &err);
    }
  pid_t pid = (pid_t)syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL,
                              NULL, NULL);
  if (pid < 0)
    {
      lodge_error (&err, errno, "clone");
      child_fail (x, &err);
    }
  if (pid == 0)
    exec_stage2 (x);
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  lodge_sync_send (x->sync_fd, SYNC_PID, buf, (size_t)n, &err);
  _exit (0);
}

/* Open the init's namespaces that differ from ours. */
static int
open_namespaces (pid_t pid, int fds[N_EXEC_NS], lodge_error_t *err)
{
  for (size_t i = 0; i < N_EXEC_NS; i++)
    {
      fds[i] = -1;
      char theirs[64], ours[64];
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", pid,
                exec_namespaces[i].name);
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", exec_namespaces[i].name);
      struct stat a, b;
      if (stat (theirs, &a) < 0)
        {
          if (errno == ENOENT && i > 0)
            continue; /* a kernel without this namespace type */
          return lodge_error (err, errno, "stat %s", theirs);
        }
      if (stat (ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        continue;
      fds[i] = open (theirs, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return lodge_error (err, errno, "open %s", theirs);
    }
  return 0;
}

int
lodge_container_exec (struct lodge_context *ctx,
                      const struct lodge_exec_options *o, lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  struct oci_config *cfg = NULL;
  struct exec_ctx x = { .sync_fd = -1, .preserve_fds = o->preserve_fds };
  for (size_t i = 0; i < N_EXEC_NS; i++)
    x.ns_fd[i] = -1;
  pid_t stage1 = -1, pid = -1;
  int master = -1, sv[2] = { -1, -1 };
  int ret = -1;

  if (lodge_container_open (ctx, o->id, &dir, &s, err) < 0)
    return -1;
  if (strcmp (s->status, "stopped") == 0)
    {
      lodge_error (err, 0, "cannot exec in container \"%s\": it is stopped",
                   o->id);
      goto out;
    }
  if (strcmp (s->status, "paused") == 0 && !o->ignore_paused)
    {
      lodge_error (err, 0,
                   "cannot exec in container \"%s\": it is paused (use "
                   "--ignore-paused to override)",
                   o->id);
      goto out;
    }
  if (s->config_path == NULL
      || oci_config_parse_file (s->config_path, "config.json", &cfg, err) < 0)
    {
      if (*err == NULL)
        lodge_error (err, 0, "container \"%s\" has no config", o->id);
      goto out;
    }
  if (build_process (o, cfg, &x.proc, err) < 0)
    goto out;
  if (x.proc->terminal && o->detach && o->console_socket == NULL)
    {
      lodge_error (err, 0,
                   "exec --tty --detach needs a --console-socket to "
                   "receive the terminal");
      goto out;
    }
  const char *prefix = o->process_path ? o->process_path : "process";
  if (lodge_process_validate (x.proc, prefix, err) < 0
      || lodge_caps_from_spec (x.proc->capabilities, &x.caps, err) < 0)
    goto out;
  if (lodge_caps_unknown)
    lodge_warn ("process.capabilities: unknown capability \"%s\" skipped",
                lodge_caps_unknown);
  if (cfg->linux_ && cfg->linux_->seccomp
      && lodge_seccomp_prepare (cfg->linux_->seccomp, &x.seccomp, err) < 0)
    goto out;
  if (open_namespaces (s->pid, x.ns_fd, err) < 0)
    goto out;
  /* The container may have stopped while we looked: the namespaces we
   * hold must be its, not a reused pid's. */
  if (!lodge_pid_alive (s->pid, s->pid_start_time))
    {
      lodge_error (err, 0, "cannot exec in container \"%s\": it is stopped",
                   o->id);
      goto out;
    }
  /* Release the lock: the process may run for a long time. */
  lodge_state_dir_close (&dir);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      lodge_error (err, errno, "socketpair");
      goto out;
    }
  fflush (NULL);
  stage1 = fork ();
  if (stage1 < 0)
    {
      lodge_error (err, errno, "fork");
      goto out;
    }
  if (stage1 == 0)
    {
      close (sv[0]);
      x.sync_fd = sv[1];
      exec_stage1 (&x);
    }
  close (sv[1]);
  sv[1] = -1;

  if (s->cgroup_path)
    {
      cleanup_free char *path
          = o->cgroup ? lodge_strdup_printf ("%s/%s", s->cgroup_path,
                                             strchr (o->cgroup, ':')
                                                 ? strchr (o->cgroup, ':') + 1
                                                 : o->cgroup)
                      : strdup (s->cgroup_path);
      if (o->cgroup && strstr (o->cgroup, ".."))
        {
          lodge_error (err, 0, "invalid --cgroup \"%s\"", o->cgroup);
          goto out;
        }
      if (lodge_cgroup_join (path, stage1, err) < 0)
        goto out;
    }
  if (lodge_sync_send (sv[0], SYNC_CONTINUE, NULL, 0, err) < 0)
    goto out;
  cleanup_free char *pidbuf = NULL;
  if (lodge_sync_expect (sv[0], SYNC_PID, &pidbuf, err) < 0)
    goto out;
  long v;
  if (lodge_parse_long (pidbuf, &v) < 0 || v <= 0)
    {
      lodge_error (err, EPROTO, "bad pid from exec");
      goto out;
    }
  pid = (pid_t)v;
  while (waitpid (stage1, NULL, 0) < 0 && errno == EINTR)
    ;
  stage1 = -1;
  if (lodge_sync_send (sv[0], SYNC_CONTINUE, NULL, 0, err) < 0)
    goto out;

  for (;;)
    {
      enum lodge_sync_type type;
      cleanup_free char *data = NULL;
      int r = lodge_sync_recv_eof (sv[0], &type, &data, NULL, err);
      if (r < 0)
        goto out;
      if (r == 1)
        break; /* execve closed the socket: the process runs */
      if (type != SYNC_CONSOLE)
        {
          lodge_error (err, EPROTO, "unexpected message %d from exec", type);
          goto out;
        }
      int fd;
      if (lodge_recv_fd (sv[0], &fd, err) < 0)
        goto out;
      if (o->console_socket)
        {
          int sr = lodge_terminal_send (o->console_socket, fd, err);
          close (fd);
          if (sr < 0)
            goto out;
        }
      else
        master = fd;
    }
  if (o->pid_file && lodge_write_pid_file (o->pid_file, pid, err) < 0)
    goto out;
  if (o->detach)
    {
      ret = 0;
      pid = -1;
      goto out;
    }
  ret = lodge_process_wait (pid, master, err);
  master = -1;
  pid = -1;

out:
  if (ret < 0)
    {
      if (stage1 > 0)
        {
          kill (stage1, SIGKILL);
          waitpid (stage1, NULL, 0);
        }
      if (pid > 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
        }
    }
  if (master >= 0)
    close (master);
  if (sv[0] >= 0)
    close (sv[0]);
  for (size_t i = 0; i < N_EXEC_NS; i++)
    if (x.ns_fd[i] >= 0)
      close (x.ns_fd[i]);
  oci_process_free (x.proc);
  lodge_seccomp_free (x.seccomp);
  oci_config_free (cfg);
  oci_state_free (s);
  lodge_state_dir_close (&dir);
  return ret;
}
