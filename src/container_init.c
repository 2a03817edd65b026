/* lodge: the container side of create: namespaces, then the init, which
 * builds the container's world, waits for `start`, and execs the user's
 * process.
 *
 * Until it reports SYNC_READY every failure is sent to the runtime, which
 * reports it and cleans up; the init then just exits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "devices.h"
#include "hooks.h"
#include "init.h"
#include "mounts.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

__attribute__ ((noreturn)) static void
fail (struct lodge_container *c, lodge_error_t *err)
{
  const char *msg = *err ? (*err)->msg : "container init failed";
  lodge_error_t ignored = NULL;
  lodge_sync_send (c->sync_fd, SYNC_ERROR, msg, strlen (msg), &ignored);
  _exit (1);
}

static int
set_hostname (const struct oci_config *cfg, bool new_uts, lodge_error_t *err)
{
  if ((cfg->hostname && *cfg->hostname)
      || (cfg->domainname && *cfg->domainname))
    {
      if (!new_uts)
        return lodge_error (err, 0,
                            "hostname and domainname need a new uts namespace");
    }
  if (cfg->hostname && *cfg->hostname
      && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return lodge_error (err, errno, "sethostname %s", cfg->hostname);
  if (cfg->domainname && *cfg->domainname
      && setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
    return lodge_error (err, errno, "setdomainname %s", cfg->domainname);
  return 0;
}

static int
set_sysctls (const struct oci_linux *l, lodge_error_t *err)
{
  for (size_t i = 0; l && i < l->sysctl.len; i++)
    {
      const char *key = l->sysctl.keys[i];
      if (strstr (key, "..") || key[0] == '/' || key[0] == '.')
        return lodge_error (err, 0, "linux.sysctl: invalid key \"%s\"", key);
      char path[4096];
      int n = snprintf (path, sizeof path, "/proc/sys/%s", key);
      if (n < 0 || (size_t)n >= sizeof path)
        return lodge_error (err, ENAMETOOLONG, "linux.sysctl \"%s\"", key);
      for (char *p = path + 10; *p; p++)
        if (*p == '.')
          *p = '/';
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        return lodge_error (err, errno, "linux.sysctl: open %s", path);
      const char *v = l->sysctl.values[i];
      if (write (fd, v, strlen (v)) < 0)
        return lodge_error (err, errno, "linux.sysctl: write \"%s\" to %s", v,
                            path);
    }
  return 0;
}

static int
set_personality (const struct oci_linux *l, lodge_error_t *err)
{
  if (l == NULL || l->personality == NULL)
    return 0;
  unsigned long persona;
  if (strcmp (l->personality->domain, "LINUX") == 0)
    persona = PER_LINUX;
  else if (strcmp (l->personality->domain, "LINUX32") == 0)
    persona = PER_LINUX32;
  else
    return lodge_error (err, 0, "linux.personality.domain: unknown \"%s\"",
                        l->personality->domain);
  if (personality (persona) < 0)
    return lodge_error (err, errno, "personality %s", l->personality->domain);
  return 0;
}

static int
set_oom_score_adj (const struct oci_process *p, lodge_error_t *err)
{
  if (!p->has_oom_score_adj)
    return 0;
  char buf[16];
  int n = snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  cleanup_close int fd
      = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, buf, (size_t)n) < 0)
    return lodge_error (err, errno, "set oom_score_adj to %s", buf);
  return 0;
}

static bool
mounts_fresh_dev (const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      if (strcmp (m->destination, "/dev") == 0 && m->type
          && strcmp (m->type, "bind") != 0)
        {
          for (size_t j = 0; j < m->options_len; j++)
            if (strcmp (m->options[j], "bind") == 0
                || strcmp (m->options[j], "rbind") == 0)
              return false;
          return true;
        }
    }
  return false;
}

/* Build the container's filesystem; returns the pty master (or -1) and
 * the slave through *slave. */
static int
setup_rootfs (struct lodge_container *c, int *master, int *slave,
              lodge_error_t *err)
{
  const struct oci_config *cfg = c->config;
  const struct oci_linux *l = cfg->linux_;
  int rootfd
      = lodge_rootfs_prepare (c->rootfs, l ? l->rootfs_propagation : NULL,
                              c->idmap_fds[cfg->mounts_len], err);
  if (rootfd < 0)
    return -1;
  cleanup_close int rfd = rootfd;

  struct lodge_mount_context mc = {
    .rootfd = rfd,
    .rootfs = c->rootfs,
    .bundle = c->bundle,
    .cgroup_path = c->cgroup_path,
    .in_userns = (c->ns.new_flags & CLONE_NEWUSER) != 0,
    .new_netns = (c->ns.new_flags & CLONE_NEWNET) != 0,
    .new_ipcns = (c->ns.new_flags & CLONE_NEWIPC) != 0,
    .idmap_fds = c->idmap_fds,
  };
  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (lodge_mount_one (&mc, &cfg->mounts[i], i, err) < 0)
      return -1;

  if (lodge_devices_setup (rfd, cfg, mounts_fresh_dev (cfg), mc.in_userns, err)
      < 0)
    return -1;

  /* The node the masks bind, opened and checked now, inside the rootfs:
   * whatever /dev/null turns into later (a symlink to a file of /proc, say)
   * the masks stay the null device. */
  lodge_error_t ignored = NULL;
  int devnull = lodge_open_in_root (rfd, "/dev/null", false, false, &ignored);
  lodge_error_free (&ignored);
  struct stat nst;
  if (devnull >= 0
      && (fstat (devnull, &nst) < 0 || !S_ISCHR (nst.st_mode)
          || major (nst.st_rdev) != 1 || minor (nst.st_rdev) != 3))
    {
      close (devnull);
      return lodge_error (err, 0,
                          "/dev/null in the container is not the "
                          "null device");
    }
  c->devnull_fd = devnull;

  /* The working directory is created when the image lacks it, as runc
   * does. */
  cleanup_close int cwd
      = lodge_open_in_root (rfd, cfg->process->cwd, true, false, err);
  if (cwd < 0)
    return lodge_error_prefix (err, "process.cwd");

  if (cfg->process->terminal
      && lodge_terminal_create (rfd, cfg->process, true, master, slave, err)
             < 0)
    return -1;
  return 0;
}

__attribute__ ((noreturn)) static void
init_stage2 (struct lodge_container *c)
{
  lodge_error_t err = NULL;
  const struct oci_config *cfg = c->config;
  const struct oci_process *proc = cfg->process;
  int master = -1, slave = -1;

  /* Die with the runtime while it still has to set us up. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Stage 1 shares the socket: wait until the runtime has its message
   * (our pid) before writing anything of ours.  Idmapped trees come
   * first. */
  size_t nfds = cfg->mounts_len + 1;
  c->idmap_fds = malloc (nfds * sizeof *c->idmap_fds);
  if (c->idmap_fds == NULL)
    _exit (1);
  for (size_t i = 0; i < nfds; i++)
    c->idmap_fds[i] = -1;
  for (;;)
    {
      enum lodge_sync_type type;
      cleanup_free char *what = NULL;
      if (lodge_sync_recv (c->sync_fd, &type, &what, NULL, &err) < 0)
        _exit (1);
      if (type == SYNC_CONTINUE)
        break;
      int fd;
      unsigned long idx;
      if (type != SYNC_IDMAP || lodge_recv_fd (c->sync_fd, &fd, &err) < 0)
        _exit (1);
      if (strcmp (what, "rootfs") == 0)
        c->idmap_fds[nfds - 1] = fd;
      else if (lodge_parse_ulong (what, &idx) == 0 && idx < cfg->mounts_len)
        c->idmap_fds[idx] = fd;
      else
        close (fd);
    }

  if (set_oom_score_adj (proc, &err) < 0)
    fail (c, &err);
  if (setup_rootfs (c, &master, &slave, &err) < 0)
    fail (c, &err);
  if (master >= 0)
    {
      if (lodge_sync_send (c->sync_fd, SYNC_CONSOLE, NULL, 0, &err) < 0
          || lodge_send_fd (c->sync_fd, master, &err) < 0)
        fail (c, &err);
      close (master);
    }

  /* prestart and createRuntime hooks run in the runtime now; it answers
   * with the state for our own hooks: "creating" for createContainer,
   * then (after a NUL) "created" for startContainer. */
  cleanup_free char *states = NULL;
  size_t states_len = 0;
  enum lodge_sync_type type;
  if (lodge_sync_send (c->sync_fd, SYNC_RUN_HOOKS, NULL, 0, &err) < 0
      || lodge_sync_recv (c->sync_fd, &type, &states, &states_len, &err) < 0)
    fail (c, &err);
  const char *state_creating = states ? states : "";
  size_t creating_len = strlen (state_creating);
  const char *state_created = creating_len < states_len
                                  ? state_creating + creating_len + 1
                                  : state_creating;

  if (cfg->hooks
      && lodge_hooks_run (&cfg->hooks->create_container, "createContainer",
                          state_creating, creating_len, &err)
             < 0)
    fail (c, &err);

  if (!c->opts->no_new_keyring)
    {
      /* A session keyring of its own, so the container cannot see the
       * caller's keys; kernels or seccomp profiles without keyctl are
       * fine. */
      cleanup_free char *keyring = lodge_strdup_printf ("_ses.%s", c->id);
      if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, keyring) < 0
          && errno != ENOSYS && errno != EPERM && errno != EACCES)
        {
          lodge_error (&err, errno, "join a new session keyring");
          fail (c, &err);
        }
    }

  if (lodge_rootfs_enter (c->rootfs, c->opts->no_pivot, &err) < 0)
    fail (c, &err);
  if (set_sysctls (cfg->linux_, &err) < 0
      || set_hostname (cfg, (c->ns.new_flags & CLONE_NEWUTS) != 0, &err) < 0
      || lodge_rootfs_finish (cfg, c->devnull_fd, &err) < 0
      || set_personality (cfg->linux_, &err) < 0)
    fail (c, &err);

  cleanup_free char *exe = NULL;
  if (lodge_process_find_executable (proc, &exe, &err) < 0)
    fail (c, &err);
  /* Before READY, as runc does: an rlimit that cannot be set fails
   * `create`, whose --log the client reads, instead of killing the process
   * after `start` with the message on the container's stderr. */
  if (lodge_process_set_rlimits (proc, &err) < 0)
    fail (c, &err);

  if (slave >= 0 && lodge_terminal_attach (slave, &err) < 0)
    fail (c, &err);

  /* Set up: the runtime may now exit; we live on without it. */
  prctl (PR_SET_PDEATHSIG, 0);
  if (lodge_sync_send (c->sync_fd, SYNC_READY, NULL, 0, &err) < 0)
    fail (c, &err);
  close (c->sync_fd);
  c->sync_fd = -1;

  /* Wait for `start`: it writes one byte into exec.fifo. */
  char byte;
  ssize_t r;
  do
    r = read (c->fifo_fd, &byte, 1);
  while (r < 0 && errno == EINTR);
  if (r != 1)
    _exit (1);
  /* exec.fifo stays open until execve closes it (O_CLOEXEC): `start`
   * waits for that close, so it returns only once the startContainer
   * hooks have run and the process is the user's. */

  /* From here errors go to the container's stderr. */
  /* The working directory, resolved inside the container (no magic
   * links: a cwd of /proc/self/fd/N must not lead out). */
  cleanup_close int cwd_fd
      = lodge_open_in_root (AT_FDCWD, proc->cwd, false, false, &err);
  if (cwd_fd < 0)
    goto exec_failed;
  if (cfg->hooks
      && lodge_hooks_run (&cfg->hooks->start_container, "startContainer",
                          state_created, strlen (state_created), &err)
             < 0)
    {
      /* Tell `start` (it reads exec.fifo once we are gone), so that it
       * fails and destroys the container. */
      cleanup_free char *msg = lodge_strdup_printf ("E%s", err->msg);
      if (write (c->fifo_fd, msg, strlen (msg)) < 0)
        goto exec_failed;
      _exit (1);
    }
  lodge_process_exec (proc, exe, cwd_fd, c->seccomp, &c->caps,
                      c->opts->preserve_fds + c->listen_fds, &err);

exec_failed:
  fprintf (stderr, "lodge: %s\n", err ? err->msg : "exec failed");
  _exit (127);
}

void
lodge_init_stage1 (struct lodge_container *c)
{
  lodge_error_t err = NULL;
  int flags = c->ns.new_flags;

  /* Nothing of the runtime's may be reachable from the container: no fd
   * but the ones we need (closed, not only close-on-exec: execve resolves
   * the program before they close), and, below, no /proc/PID access for
   * its processes while we set up (dumpable off until execve). */
  {
    int keep[LODGE_NS_MAX + 3];
    size_t n = 0;
    keep[n++] = c->sync_fd;
    keep[n++] = c->fifo_fd;
    keep[n++] = c->log_fd;
    for (size_t i = 0; i < c->ns.join_len; i++)
      keep[n++] = c->ns.join[i].fd;
    lodge_close_fds_except (3 + (int)(c->opts->preserve_fds + c->listen_fds),
                            keep, n);
  }

  /* The runtime puts us into the container's cgroup first, so the
   * cgroup namespace made below is rooted there. */
  if (lodge_sync_expect (c->sync_fd, SYNC_CONTINUE, NULL, &err) < 0)
    _exit (1);
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  if (lodge_ns_join_user (&c->ns, &err) < 0)
    fail (c, &err);
  if (flags & CLONE_NEWUSER)
    {
      if (unshare (CLONE_NEWUSER) < 0)
        {
          lodge_error (&err, errno, "create user namespace");
          fail (c, &err);
        }
      if (lodge_sync_send (c->sync_fd, SYNC_USERMAP, NULL, 0, &err) < 0
          || lodge_sync_expect (c->sync_fd, SYNC_CONTINUE, NULL, &err) < 0)
        fail (c, &err);
      if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        {
          lodge_error (
              &err, errno,
              "become root in the user namespace (is uid/gid 0 mapped?)");
          fail (c, &err);
        }
    }
  /* After the id maps are written (an unprivileged runtime could not
   * write them for a non-dumpable process), before we enter anything the
   * container shares. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (lodge_ns_join_others (&c->ns, &err) < 0)
    fail (c, &err);
  if (unshare (flags & ~CLONE_NEWUSER) < 0)
    {
      lodge_error (&err, errno, "create namespaces");
      fail (c, &err);
    }
  if ((flags & CLONE_NEWTIME)
      && lodge_ns_write_time_offsets (c->config->linux_, &err) < 0)
    fail (c, &err);
  if ((flags & CLONE_NEWNET) && lodge_ns_loopback_up (&err) < 0)
    fail (c, &err);

  /* The init is the runtime's child (CLONE_PARENT), so `run` can wait for
   * it and the first process of a new pid namespace is the user's. */
  pid_t pid = (pid_t)syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL,
                              NULL, NULL);
  if (pid < 0)
    {
      lodge_error (&err, errno, "clone container init");
      fail (c, &err);
    }
  if (pid == 0)
    init_stage2 (c);

  char buf[24];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  if (lodge_sync_send (c->sync_fd, SYNC_PID, buf, (size_t)n, &err) < 0)
    _exit (1);
  _exit (0);
}
