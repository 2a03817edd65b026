/* lodge: the container lifecycle, runtime side: create, start, run,
 * state, kill, delete, list. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "process.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"
#include "lodge/annotations.h"

#define CGROUP_CREATED_MARK "cgroup.created"

int
lodge_check_id (const char *id, lodge_error_t *err)
{
  size_t n = strlen (id);
  bool ok = n > 0 && n <= 1024;
  for (size_t i = 0; ok && i < n; i++)
    {
      char ch = id[i];
      bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                   || (ch >= '0' && ch <= '9');
      ok = alnum
           || (i > 0 && (ch == '_' || ch == '-' || ch == '.' || ch == '+'));
    }
  if (!ok)
    return lodge_error (err, 0, "invalid container id \"%s\"", id);
  return 0;
}

static void
container_free (struct lodge_container *c)
{
  oci_config_free (c->config);
  free (c->id);
  free (c->bundle);
  free (c->rootfs);
  free (c->cgroup_path);
  lodge_ns_close (&c->ns);
  lodge_seccomp_free (c->seccomp);
  if (c->sync_fd >= 0)
    close (c->sync_fd);
  if (c->fifo_fd >= 0)
    close (c->fifo_fd);
}

/* Everything that can be checked before anything is created. */
static int
container_load (struct lodge_context *ctx,
                const struct lodge_create_options *opts, bool foreground,
                struct lodge_container *c, lodge_error_t *err)
{
  memset (c, 0, sizeof *c);
  c->sync_fd = c->fifo_fd = c->devnull_fd = -1;
  c->opts = opts;
  if (lodge_check_id (opts->id, err) < 0)
    return -1;
  c->id = strdup (opts->id);

  const char *bundle = opts->bundle && *opts->bundle ? opts->bundle : ".";
  c->bundle = realpath (bundle, NULL);
  if (c->bundle == NULL)
    return lodge_error (err, errno, "bundle %s", bundle);

  cleanup_free char *cfg_path
      = lodge_strdup_printf ("%s/config.json", c->bundle);
  if (oci_config_parse_file (cfg_path, "config.json", &c->config, err) < 0)
    return -1;
  struct oci_config *cfg = c->config;
  if (cfg->process == NULL)
    return lodge_error (err, 0, "config.json: process: missing required field");
  if (cfg->root == NULL)
    return lodge_error (err, 0, "config.json: root: missing required field");

  cleanup_free char *root
      = cfg->root->path[0] == '/'
            ? strdup (cfg->root->path)
            : lodge_strdup_printf ("%s/%s", c->bundle, cfg->root->path);
  c->rootfs = realpath (root, NULL);
  struct stat st;
  if (c->rootfs == NULL)
    return lodge_error (err, errno, "rootfs %s", root);
  if (stat (c->rootfs, &st) < 0 || !S_ISDIR (st.st_mode))
    return lodge_error (err, ENOTDIR, "rootfs %s", root);

  if (lodge_process_validate (cfg->process, "process", err) < 0)
    return lodge_error_prefix (err, "config.json");
  if (cfg->process->terminal && opts->console_socket == NULL && !foreground)
    return lodge_error (err, 0,
                        "process.terminal is set but no --console-socket was "
                        "given: a detached container needs one to receive the "
                        "terminal");
  if (lodge_caps_from_spec (cfg->process->capabilities, &c->caps, err) < 0)
    return lodge_error_prefix (err, "config.json");
  if (lodge_caps_unknown)
    lodge_warn ("process.capabilities: unknown capability \"%s\" skipped",
                lodge_caps_unknown);
  if (cfg->linux_ && cfg->linux_->intel_rdt)
    {
      /* lodge has no resctrl support: refuse rather than ignore (the spec
       * asks for an error at least where resctrl is not mounted). */
      struct stat rst;
      if (stat ("/sys/fs/resctrl/tasks", &rst) < 0)
        return lodge_error (err, 0,
                            "config.json: linux.intelRdt: resctrl is not "
                            "mounted at /sys/fs/resctrl");
      return lodge_error (
          err, 0, "config.json: linux.intelRdt: not supported by lodge");
    }
  if (cfg->linux_ && cfg->linux_->seccomp
      && lodge_seccomp_prepare (cfg->linux_->seccomp, &c->seccomp, err) < 0)
    return lodge_error_prefix (err, "config.json");
  if (lodge_ns_prepare (cfg->linux_, &c->ns, err) < 0)
    return lodge_error_prefix (err, "config.json");
  if (cfg->linux_
      && (lodge_userns_check_mappings (cfg->linux_->uid_mappings,
                                       cfg->linux_->uid_mappings_len,
                                       "linux.uidMappings", err)
              < 0
          || lodge_userns_check_mappings (cfg->linux_->gid_mappings,
                                          cfg->linux_->gid_mappings_len,
                                          "linux.gidMappings", err)
                 < 0))
    return lodge_error_prefix (err, "config.json");
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      char field[64];
      snprintf (field, sizeof field, "mounts[%zu].uidMappings", i);
      if (lodge_userns_check_mappings (m->uid_mappings, m->uid_mappings_len,
                                       field, err)
          < 0)
        return lodge_error_prefix (err, "config.json");
      snprintf (field, sizeof field, "mounts[%zu].gidMappings", i);
      if (lodge_userns_check_mappings (m->gid_mappings, m->gid_mappings_len,
                                       field, err)
          < 0)
        return lodge_error_prefix (err, "config.json");
      bool rec;
      if (lodge_mount_wants_idmap (m, &rec)
          && !(c->ns.new_flags & CLONE_NEWUSER)
          && (m->uid_mappings_len == 0 || m->gid_mappings_len == 0))
        return lodge_error (err, 0,
                            "config.json: mounts[%zu] (%s): an idmapped mount "
                            "needs a new user namespace or its own "
                            "uidMappings and gidMappings",
                            i, m->destination);
    }
  /* Only when asked: the spec wants cgroup ownership left alone
   * otherwise. */
  bool delegate = false;
  for (size_t i = 0; i < cfg->annotations.len; i++)
    {
      const char *k = cfg->annotations.keys[i], *v = cfg->annotations.values[i];
      if (strcmp (k, LODGE_ANNOTATION_ROOTFS_IDMAP) == 0)
        c->rootfs_idmap = strcmp (v, "true") == 0;
      else if (strcmp (k, LODGE_ANNOTATION_CGROUP_DELEGATE) == 0)
        {
          delegate = strcmp (v, "true") == 0;
          if (delegate && !(c->ns.new_flags & CLONE_NEWUSER))
            return lodge_error (err, 0,
                                "config.json: annotation %s needs a new user "
                                "namespace",
                                LODGE_ANNOTATION_CGROUP_DELEGATE);
        }
    }
  if (delegate)
    {
      const struct oci_linux *l = cfg->linux_;
      c->delegate_uid
          = lodge_userns_host_id (l->uid_mappings, l->uid_mappings_len, 0);
      c->delegate_gid
          = lodge_userns_host_id (l->gid_mappings, l->gid_mappings_len, 0);
      c->delegate_cgroup
          = c->delegate_uid != (uid_t)-1 && c->delegate_gid != (gid_t)-1;
    }
  if (c->rootfs_idmap && !(c->ns.new_flags & CLONE_NEWUSER))
    return lodge_error (err, 0,
                        "config.json: annotation %s needs a new user namespace",
                        LODGE_ANNOTATION_ROOTFS_IDMAP);
  if (!(c->ns.new_flags & CLONE_NEWNS))
    {
      bool joined = false;
      for (size_t i = 0; i < c->ns.join_len; i++)
        joined |= c->ns.join[i].flag == CLONE_NEWNS;
      if (!joined)
        return lodge_error (err, 0,
                            "config.json: linux.namespaces: a mount namespace "
                            "is required");
    }
  if (geteuid () != 0 && strcmp (ctx->cgroup_manager, "disabled") != 0)
    {
      /* An unprivileged user cannot make cgroups on a host that has not
       * delegated a subtree to it: run without one, as runc does, unless
       * the config asks for limits that need it. */
      const struct oci_resources *r
          = cfg->linux_ ? cfg->linux_->resources : NULL;
      if (r
          && (r->memory || r->cpu || r->pids || r->block_io
              || r->hugepage_limits_len || r->network || r->unified.len))
        return lodge_error (err, 0,
                            "config.json: linux.resources: an unprivileged "
                            "user cannot set cgroup limits here (no "
                            "delegated cgroup); run as root or drop them");
    }
  else if (strcmp (ctx->cgroup_manager, "disabled") != 0
           && lodge_cgroup_path_for (cfg, c->id, ctx->systemd_cgroup,
                                     &c->cgroup_path, err)
                  < 0)
    return lodge_error_prefix (err, "config.json");
  c->log_fd = lodge_log_fd ();

  /* Socket activation: fds handed to us by systemd (LISTEN_PID is ours)
   * pass to the container's process as its own, as runc does. */
  const char *lfds = getenv ("LISTEN_FDS"), *lpid = getenv ("LISTEN_PID");
  unsigned long nfds;
  long lp;
  if (lfds && lpid && lodge_parse_ulong (lfds, &nfds) == 0 && nfds > 0
      && nfds < 4096 && lodge_parse_long (lpid, &lp) == 0 && lp == getpid ())
    {
      c->listen_fds = (unsigned int)nfds;
      struct oci_process *p = cfg->process;
      if (lodge_env_set (&p->env, &p->env_len, "LISTEN_FDS", lfds) < 0
          || lodge_env_set (&p->env, &p->env_len, "LISTEN_PID", "1") < 0)
        return lodge_error (err, ENOMEM, "environment");
    }
  return 0;
}

static struct oci_state *
make_state (struct lodge_container *c, pid_t pid, const char *status)
{
  struct oci_state *s = calloc (1, sizeof *s);
  if (s == NULL)
    return NULL;
  s->oci_version = strdup (LODGE_OCI_VERSION);
  s->id = strdup (c->id);
  s->status = strdup (status);
  s->pid = pid;
  s->bundle = strdup (c->bundle);
  s->pid_start_time = lodge_pid_start_time (pid);
  s->created = lodge_now_rfc3339 ();
  s->rootfs = strdup (c->rootfs);
  struct passwd *pw = getpwuid (geteuid ());
  s->owner = strdup (pw ? pw->pw_name : "");
  s->cgroup_path = c->cgroup_path ? strdup (c->cgroup_path) : NULL;
  s->systemd_cgroup = false;
  s->config_path = lodge_strdup_printf ("%s/config.json", c->bundle);
  /* The annotations are the config's; the state only borrows them. */
  s->annotations = c->config->annotations;
  return s;
}

static void
state_release (struct oci_state *s, bool borrowed_annotations)
{
  if (s == NULL)
    return;
  if (borrowed_annotations)
    memset (&s->annotations, 0, sizeof s->annotations);
  oci_state_free (s);
}

static void
kill_and_reap (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* The pid of `pid` in its own pid namespace (the last NSpid field). */
static pid_t
ns_pid (pid_t pid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/status", pid);
  cleanup_file FILE *f = fopen (path, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    if (strncmp (line, "NSpid:", 6) == 0)
      {
        char *last = strrchr (line, '\t');
        long v;
        if (last)
          {
            last[strcspn (last, "\n")] = '\0';
            if (lodge_parse_long (last + 1, &v) == 0 && v > 0)
              return (pid_t)v;
          }
      }
  return pid;
}

static void run_poststop (const struct oci_config *cfg, struct oci_state *s);

static int
send_tree (int sync, const char *what, int tree, lodge_error_t *err)
{
  int r = lodge_sync_send (sync, SYNC_IDMAP, what, strlen (what), err);
  if (r == 0)
    r = lodge_send_fd (sync, tree, err);
  close (tree);
  return r;
}

/* Idmapped mounts need privilege over the host filesystem, which the init
 * (inside its user namespace) lacks: the runtime makes the trees and the
 * init attaches them. */
static int
send_idmapped_trees (struct lodge_container *c, int sync, pid_t init,
                     lodge_error_t *err)
{
  cleanup_close int own = -1;
  bool any = c->rootfs_idmap;
  for (size_t i = 0; i < c->config->mounts_len && !any; i++)
    {
      bool rec;
      any = lodge_mount_wants_idmap (&c->config->mounts[i], &rec);
    }
  if (!any)
    return 0;
  if (c->ns.new_flags & CLONE_NEWUSER)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/user", init);
      own = open (path, O_RDONLY | O_CLOEXEC);
      if (own < 0)
        return lodge_error (err, errno, "open %s", path);
    }
  const struct oci_config *cfg = c->config;
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      bool recursive;
      if (!lodge_mount_wants_idmap (m, &recursive))
        continue;
      bool rbind = false;
      for (size_t k = 0; k < m->options_len; k++)
        rbind |= strcmp (m->options[k], "rbind") == 0;
      cleanup_close int userns = -1;
      if (m->uid_mappings_len && m->gid_mappings_len)
        userns
            = lodge_userns_fd_for (m->uid_mappings, m->uid_mappings_len,
                                   m->gid_mappings, m->gid_mappings_len, err);
      else
        userns = dup (own);
      if (userns < 0)
        return *err ? lodge_error_prefix (err, "mounts[%zu]", i)
                    : lodge_error (err, errno, "mounts[%zu]", i);
      cleanup_free char *src
          = m->source && m->source[0] != '/'
                ? lodge_strdup_printf ("%s/%s", c->bundle, m->source)
                : strdup (m->source ? m->source : "");
      int tree = lodge_idmapped_tree (src, rbind || recursive, recursive,
                                      userns, err);
      if (tree < 0)
        return lodge_error_prefix (err, "mounts[%zu]", i);
      char what[24];
      snprintf (what, sizeof what, "%zu", i);
      if (send_tree (sync, what, tree, err) < 0)
        return -1;
    }
  if (c->rootfs_idmap)
    {
      int tree = lodge_idmapped_tree (c->rootfs, true, false, own, err);
      if (tree < 0)
        return lodge_error_prefix (err, "rootfs");
      if (send_tree (sync, "rootfs", tree, err) < 0)
        return -1;
    }
  return 0;
}

/* The runtime's side of create.  On success the container's init is
 * waiting on exec.fifo and *init_pid is its pid; with a terminal and no
 * console socket, *master is the pty for the caller to relay. */
static int
container_create (struct lodge_context *ctx, struct lodge_container *c,
                  pid_t *init_pid, int *master, lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  pid_t stage1 = -1, init = -1;
  bool cgroup_created = false, hooks_began = false;
  struct lodge_cgroup_oom *oom = NULL;
  struct oci_state *state = NULL;
  int sv[2] = { -1, -1 };
  int ret = -1;
  *master = -1;

  if (lodge_state_dir_create (ctx->state_root, c->id, &dir, err) < 0)
    return -1;
  lodge_debug ("create container %s: bundle %s, rootfs %s, cgroup %s", c->id,
               c->bundle, c->rootfs, c->cgroup_path ? c->cgroup_path : "none");

  cleanup_free char *fifo
      = lodge_strdup_printf ("%s/%s", dir.path, LODGE_EXEC_FIFO);
  /* A first record, before anything else exists: should this command die
   * half way, `delete` finds the cgroup to remove (the pid, 0, reads as
   * stopped). */
  state = make_state (c, 0, "creating");
  if (state == NULL || lodge_state_write (&dir, state, err) < 0)
    {
      if (state == NULL)
        lodge_error (err, errno, "state");
      goto fail;
    }
  state_release (state, true);
  state = NULL;
  if (mkfifo (fifo, 0600) < 0)
    {
      lodge_error (err, errno, "create %s", fifo);
      goto fail;
    }
  /* Read-write, so opening never blocks; the init blocks reading it and
   * `start` writes the byte that releases it. */
  c->fifo_fd = open (fifo, O_RDWR | O_CLOEXEC);
  if (c->fifo_fd < 0)
    {
      lodge_error (err, errno, "open %s", fifo);
      goto fail;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      lodge_error (err, errno, "socketpair");
      goto fail;
    }

  fflush (NULL);
  stage1 = fork ();
  if (stage1 < 0)
    {
      lodge_error (err, errno, "fork");
      goto fail;
    }
  if (stage1 == 0)
    {
      /* The lock on the state directory belongs to this command, not to
         the container: flock is shared across fork. */
      close (dir.dirfd);
      close (sv[0]);
      c->sync_fd = sv[1];
      lodge_init_stage1 (c);
    }
  close (sv[1]);
  sv[1] = -1;
  int sync = sv[0];

  if (c->cgroup_path)
    {
      const struct oci_resources *r
          = c->config->linux_ ? c->config->linux_->resources : NULL;
      if (lodge_cgroup_enter (c->cgroup_path, stage1, r, &cgroup_created, err)
          < 0)
        goto fail;
      /* Under a memory limit the init may be OOM-killed while it sets up;
       * watch (before it runs) so that create can say so. */
      if (cgroup_created && r && r->memory && r->memory->has_limit)
        {
          lodge_error_t ignored = NULL;
          if (lodge_cgroup_oom_watch (c->cgroup_path, &oom, &ignored) < 0)
            lodge_error_free (&ignored);
        }
      if (cgroup_created && c->delegate_cgroup
          && lodge_cgroup_delegate (c->cgroup_path, c->delegate_uid,
                                    c->delegate_gid, err)
                 < 0)
        goto fail;
      if (cgroup_created)
        {
          cleanup_close int m = openat (dir.dirfd, CGROUP_CREATED_MARK,
                                        O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
          if (m < 0)
            {
              lodge_error (err, errno, "create %s/%s", dir.path,
                           CGROUP_CREATED_MARK);
              goto fail;
            }
        }
    }
  if (lodge_sync_send (sync, SYNC_CONTINUE, NULL, 0, err) < 0)
    goto fail;

  /* Stage 1: namespaces, then the init's pid. */
  for (;;)
    {
      enum lodge_sync_type type;
      cleanup_free char *data = NULL;
      if (lodge_sync_recv (sync, &type, &data, NULL, err) < 0)
        goto fail;
      if (type == SYNC_USERMAP)
        {
          if (lodge_ns_write_id_maps (stage1, c->config->linux_, err) < 0
              || lodge_sync_send (sync, SYNC_CONTINUE, NULL, 0, err) < 0)
            goto fail;
          continue;
        }
      if (type == SYNC_PID)
        {
          long v;
          if (lodge_parse_long (data, &v) < 0 || v <= 0)
            {
              lodge_error (err, EPROTO, "bad pid from container init");
              goto fail;
            }
          init = (pid_t)v;
          lodge_debug ("container %s: init pid %d", c->id, init);
          break;
        }
      lodge_error (err, EPROTO, "unexpected message %d from container", type);
      goto fail;
    }
  while (waitpid (stage1, NULL, 0) < 0 && errno == EINTR)
    ;
  stage1 = -1;
  if (send_idmapped_trees (c, sync, init, err) < 0
      || lodge_sync_send (sync, SYNC_CONTINUE, NULL, 0, err) < 0)
    goto fail;

  /* The init: console, hooks, ready. */
  for (;;)
    {
      enum lodge_sync_type type;
      cleanup_free char *data = NULL;
      if (lodge_sync_recv (sync, &type, &data, NULL, err) < 0)
        goto fail;
      if (type == SYNC_CONSOLE)
        {
          int fd;
          if (lodge_recv_fd (sync, &fd, err) < 0)
            goto fail;
          if (c->opts->console_socket)
            {
              int r = lodge_terminal_send (c->opts->console_socket, fd, err);
              close (fd);
              if (r < 0)
                goto fail;
            }
          else
            *master = fd;
          continue;
        }
      if (type == SYNC_RUN_HOOKS)
        {
          state = make_state (c, init, "creating");
          if (state == NULL)
            {
              lodge_error (err, errno, "state");
              goto fail;
            }
          cleanup_free char *creating = NULL, *inner_creating = NULL,
                            *inner_created = NULL;
          size_t creating_len = 0, ic_len = 0, id_len = 0;
          if (oci_state_emit (state, false, &creating, &creating_len, err) < 0)
            goto fail;
          hooks_began = true;
          const struct oci_hooks *h = c->config->hooks;
          if (h
              && (lodge_hooks_run (&h->prestart, "prestart", creating,
                                   creating_len, err)
                      < 0
                  || lodge_hooks_run (&h->create_runtime, "createRuntime",
                                      creating, creating_len, err)
                         < 0))
            goto fail;
          /* The hooks run in the container's namespaces see its pid as
           * the container does. */
          state->pid = ns_pid (init);
          if (oci_state_emit (state, false, &inner_creating, &ic_len, err) < 0)
            goto fail;
          free (state->status);
          state->status = strdup ("created");
          if (oci_state_emit (state, false, &inner_created, &id_len, err) < 0)
            goto fail;
          state->pid = init;
          size_t total = ic_len + 1 + id_len;
          cleanup_free char *both = malloc (total);
          if (both == NULL)
            {
              lodge_error (err, errno, "state");
              goto fail;
            }
          memcpy (both, inner_creating, ic_len);
          both[ic_len] = '\0';
          memcpy (both + ic_len + 1, inner_created, id_len);
          if (lodge_sync_send (sync, SYNC_CONTINUE, both, total, err) < 0)
            goto fail;
          continue;
        }
      if (type == SYNC_READY)
        break;
      lodge_error (err, EPROTO, "unexpected message %d from container init",
                   type);
      goto fail;
    }

  if (state == NULL)
    {
      lodge_error (err, EPROTO, "container init skipped its hooks");
      goto fail;
    }
  /* The start time is read now that the init surely exists. */
  state->pid_start_time = lodge_pid_start_time (init);
  if (lodge_state_write (&dir, state, err) < 0)
    goto fail;
  if (c->opts->pid_file
      && lodge_write_pid_file (c->opts->pid_file, init, err) < 0)
    goto fail;
  *init_pid = init;
  lodge_debug ("container %s: created", c->id);
  ret = 0;
  goto out;

fail:
  if (*master >= 0)
    close (*master);
  *master = -1;
  kill_and_reap (stage1);
  kill_and_reap (init);
  if (oom)
    {
      uint64_t events = 0;
      bool gone = false;
      lodge_error_t ignored = NULL;
      if (lodge_cgroup_oom_read (oom, &events, &gone, &ignored) == 0
          && events > 0)
        {
          const struct oci_memory *m = c->config->linux_->resources->memory;
          lodge_error_free (err);
          lodge_error (err, 0,
                       "container init ran out of memory and was killed by "
                       "the OOM killer: the memory limit of %lld bytes "
                       "(linux.resources.memory.limit) is too low",
                       (long long)m->limit);
        }
      lodge_error_free (&ignored);
    }
  if (cgroup_created)
    {
      lodge_error_t ignored = NULL;
      lodge_cgroup_destroy (c->cgroup_path, &ignored);
      lodge_error_free (&ignored);
    }
  /* The spec: once the create hooks have begun, a failure stops the
   * container and goes on to its destruction, poststop hooks included. */
  if (hooks_began && state)
    run_poststop (c->config, state);
  {
    lodge_error_t ignored = NULL;
    lodge_state_dir_remove (&dir, &ignored);
    lodge_error_free (&ignored);
  }
out:
  lodge_cgroup_oom_free (oom);
  state_release (state, true);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  lodge_state_dir_close (&dir);
  return ret;
}

int
lodge_container_create (struct lodge_context *ctx,
                        const struct lodge_create_options *opts,
                        lodge_error_t *err)
{
  struct lodge_container c;
  int master = -1;
  pid_t pid;
  int r = container_load (ctx, opts, false, &c, err);
  if (r == 0)
    r = container_create (ctx, &c, &pid, &master, err);
  if (master >= 0)
    close (master);
  container_free (&c);
  return r;
}

int
lodge_container_open (struct lodge_context *ctx, const char *id,
                      struct lodge_state_dir *dir, struct oci_state **s,
                      lodge_error_t *err)
{
  if (lodge_check_id (id, err) < 0)
    return -1;
  if (lodge_state_dir_open (ctx->state_root, id, dir, err) < 0)
    return -1;
  if (lodge_state_read (dir, s, err) < 0)
    {
      lodge_state_dir_close (dir);
      return -1;
    }
  return 0;
}

/* Reload config.json for the hooks that run after create. */
static struct oci_config *
load_config (const struct oci_state *s)
{
  struct oci_config *cfg = NULL;
  lodge_error_t e = NULL;
  if (s->config_path
      && oci_config_parse_file (s->config_path, "config.json", &cfg, &e) < 0)
    {
      lodge_warn ("reload %s for hooks: %s", s->config_path, e->msg);
      lodge_error_free (&e);
      return NULL;
    }
  return cfg;
}

/* A hook whose failure is only a warning: to the log and to stderr. */
static void
warn_hook (const char *msg)
{
  if (lodge_log_fd () >= 0)
    lodge_warn ("%s", msg);
  fprintf (stderr, "lodge: warning: %s\n", msg);
}

/* Hooks whose failures are warnings (poststart, poststop), each given
 * the state with `status`. */
static void
run_hooks_warn (const struct oci_hook_list *list, const char *phase,
                struct oci_state *s, const char *status)
{
  if (list == NULL || list->len == 0)
    return;
  free (s->status);
  s->status = strdup (status);
  cleanup_free char *json = NULL;
  size_t len = 0;
  lodge_error_t e = NULL;
  if (oci_state_emit (s, false, &json, &len, &e) == 0)
    lodge_hooks_run_all (list, phase, json, len, warn_hook);
  else
    warn_hook (e->msg);
  lodge_error_free (&e);
}

/* The poststop hooks, with the state as "stopped". */
static void
run_poststop (const struct oci_config *cfg, struct oci_state *s)
{
  if (cfg && cfg->hooks)
    run_hooks_warn (&cfg->hooks->poststop, "poststop", s, "stopped");
}

static void wait_gone (const struct oci_state *s);
static int signal_init (const struct oci_state *s, int sig, lodge_error_t *err);

/* Undo create: kill what runs, remove the cgroup (only one lodge made),
 * run the poststop hooks (after the cgroup is gone, as the spec orders),
 * remove the state. */
static int
destroy (struct lodge_state_dir *dir, struct oci_state *s, lodge_error_t *err)
{
  if (strcmp (s->status, "stopped") != 0)
    {
      lodge_error_t e = NULL;
      if (s->cgroup_path)
        lodge_cgroup_kill_all (s->cgroup_path, SIGKILL, &e);
      lodge_error_free (&e);
      if (signal_init (s, SIGKILL, &e) == 0)
        wait_gone (s);
      lodge_error_free (&e);
    }
  struct stat st;
  if (s->cgroup_path && fstatat (dir->dirfd, CGROUP_CREATED_MARK, &st, 0) == 0)
    {
      lodge_error_t e = NULL;
      lodge_cgroup_kill_all (s->cgroup_path, SIGKILL, &e);
      lodge_error_free (&e);
      if (lodge_cgroup_destroy (s->cgroup_path, err) < 0)
        return -1;
    }
  struct oci_config *cfg = load_config (s);
  run_poststop (cfg, s);
  oci_config_free (cfg);
  return lodge_state_dir_remove (dir, err);
}

/* The init reports a failed startContainer hook by leaving "E" and the
 * message in exec.fifo before it exits. */
static char *
start_failure (const char *fifo)
{
  cleanup_close int fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char buf[4096];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 1 || buf[0] != 'E')
    return NULL;
  buf[n] = '\0';
  return strdup (buf + 1);
}

static int
start_locked (struct lodge_state_dir *dir, struct oci_state *s,
              lodge_error_t *err)
{
  if (strcmp (s->status, "created") != 0)
    return lodge_error (err, 0,
                        "cannot start container \"%s\": it is %s, not created",
                        s->id, s->status);
  cleanup_free char *fifo
      = lodge_strdup_printf ("%s/%s", dir->path, LODGE_EXEC_FIFO);
  cleanup_close int fd = open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENXIO)
        return lodge_error (err, 0,
                            "cannot start container \"%s\": its init "
                            "has exited",
                            s->id);
      return lodge_error (err, errno, "open %s", fifo);
    }
  if (write (fd, "0", 1) != 1)
    return lodge_error (err, errno, "write %s", fifo);
  /* The init holds the only other end and closes it when it execs (or
   * dies): then this writer sees POLLERR, no readers left.  Waiting for it
   * makes start return once the startContainer hooks have run and the
   * process is the user's. */
  struct pollfd pfd = { .fd = fd, .events = 0 };
  while (poll (&pfd, 1, 60000) < 0 && errno == EINTR)
    ;
  cleanup_free char *failure = start_failure (fifo);
  if (failure)
    {
      /* The spec: a failed startContainer hook stops the container and
       * the lifecycle goes on with its destruction. */
      lodge_error (err, 0, "%s", failure);
      lodge_error_t e = NULL;
      free (s->status);
      s->status = strdup ("running");
      if (destroy (dir, s, &e) < 0)
        warn_hook (e->msg);
      lodge_error_free (&e);
      return -1;
    }
  if (unlinkat (dir->dirfd, LODGE_EXEC_FIFO, 0) < 0)
    return lodge_error (err, errno, "remove %s", fifo);
  lodge_debug ("container %s: started", s->id);

  struct oci_config *cfg = load_config (s);
  /* The spec: a failing poststart hook is logged, and the rest of them
   * and the lifecycle go on. */
  if (cfg && cfg->hooks)
    run_hooks_warn (&cfg->hooks->poststart, "poststart", s, "running");
  oci_config_free (cfg);
  return 0;
}

int
lodge_container_start (struct lodge_context *ctx, const char *id,
                       lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (lodge_container_open (ctx, id, &dir, &s, err) < 0)
    return -1;
  int r = start_locked (&dir, s, err);
  oci_state_free (s);
  lodge_state_dir_close (&dir);
  return r;
}

int
lodge_container_state (struct lodge_context *ctx, const char *id, char **json,
                       lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (lodge_container_open (ctx, id, &dir, &s, err) < 0)
    return -1;
  /* The spec's fields, then runc's extra ones (rootfs, created, owner)
   * that tools parse from `runc state`. */
  struct oci_json *j = oci_json_new (true);
  oci_json_map_open (j);
  oci_json_kv_string (j, "ociVersion", s->oci_version);
  oci_json_kv_string (j, "id", s->id);
  oci_json_kv_string (j, "status", s->status);
  oci_json_kv_int (j, "pid", strcmp (s->status, "stopped") ? s->pid : 0);
  oci_json_kv_string (j, "bundle", s->bundle);
  oci_json_kv_string (j, "rootfs", s->rootfs);
  oci_json_kv_string (j, "created", s->created);
  oci_json_kv_string (j, "owner", s->owner ? s->owner : "");
  if (s->annotations.len)
    {
      oci_json_key (j, "annotations");
      oci_json_map_open (j);
      for (size_t i = 0; i < s->annotations.len; i++)
        oci_json_kv_string (j, s->annotations.keys[i],
                            s->annotations.values[i]);
      oci_json_map_close (j);
    }
  oci_json_map_close (j);
  size_t len;
  const char *buf = oci_json_buffer (j, &len);
  *json = strndup (buf, len);
  oci_json_free (j);
  oci_state_free (s);
  lodge_state_dir_close (&dir);
  return *json ? 0 : lodge_error (err, ENOMEM, "state");
}

static int
signal_init (const struct oci_state *s, int sig, lodge_error_t *err)
{
  /* A pidfd taken after checking the start time cannot hit a reused
   * pid. */
  int pidfd = (int)syscall (SYS_pidfd_open, s->pid, 0);
  if (pidfd < 0)
    {
      if (errno == ESRCH)
        return lodge_error (err, 0, "container \"%s\" is not running", s->id);
      return lodge_error (err, errno, "pidfd_open %d", s->pid);
    }
  int r = 0;
  if (!lodge_pid_alive (s->pid, s->pid_start_time))
    r = lodge_error (err, 0, "container \"%s\" is not running", s->id);
  else if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    r = lodge_error (err, errno, "send signal %d to container \"%s\"", sig,
                     s->id);
  close (pidfd);
  return r;
}

int
lodge_container_kill (struct lodge_context *ctx, const char *id, int sig,
                      bool all, lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (lodge_container_open (ctx, id, &dir, &s, err) < 0)
    return -1;
  int r;
  if (all && s->cgroup_path)
    r = lodge_cgroup_kill_all (s->cgroup_path, sig, err);
  else if (strcmp (s->status, "stopped") == 0)
    r = lodge_error (err, 0, "container \"%s\" is not running", id);
  else
    r = signal_init (s, sig, err);
  oci_state_free (s);
  lodge_state_dir_close (&dir);
  return r;
}

static void
wait_gone (const struct oci_state *s)
{
  int pidfd = (int)syscall (SYS_pidfd_open, s->pid, 0);
  if (pidfd < 0)
    return;
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  if (lodge_pid_alive (s->pid, s->pid_start_time))
    poll (&p, 1, 10000);
  close (pidfd);
}

int
lodge_container_delete (struct lodge_context *ctx, const char *id, bool force,
                        lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (lodge_container_open (ctx, id, &dir, &s, err) < 0)
    {
      /* containerd deletes with --force what may already be gone. */
      if (force && *err && strstr ((*err)->msg, "does not exist"))
        {
          lodge_error_free (err);
          return 0;
        }
      return -1;
    }
  int r = 0;
  bool alive = strcmp (s->status, "stopped") != 0;
  if (alive && !force && strcmp (s->status, "created") != 0)
    {
      r = lodge_error (err, 0,
                       "cannot delete container \"%s\" that is not stopped: %s",
                       id, s->status);
      goto out;
    }
  r = destroy (&dir, s, err);
out:
  oci_state_free (s);
  lodge_state_dir_close (&dir);
  return r;
}

int
lodge_container_list (struct lodge_context *ctx, struct oci_state ***out,
                      size_t *len, lodge_error_t *err)
{
  *out = NULL;
  *len = 0;
  cleanup_dir DIR *d = opendir (ctx->state_root);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return lodge_error (err, errno, "open %s", ctx->state_root);
    }
  struct oci_state **v = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (de->d_name[0] == '.')
        continue;
      lodge_error_t e = NULL;
      struct lodge_state_dir dir = { .dirfd = -1 };
      struct oci_state *s = NULL;
      if (lodge_check_id (de->d_name, &e) < 0
          || lodge_state_dir_open (ctx->state_root, de->d_name, &dir, &e) < 0)
        {
          lodge_error_free (&e);
          continue;
        }
      if (lodge_state_read (&dir, &s, &e) == 0)
        {
          struct oci_state **nv = realloc (v, (n + 1) * sizeof *v);
          if (nv)
            {
              v = nv;
              v[n++] = s;
            }
          else
            oci_state_free (s);
        }
      lodge_error_free (&e);
      lodge_state_dir_close (&dir);
    }
  *out = v;
  *len = n;
  return 0;
}

int
lodge_container_run (struct lodge_context *ctx,
                     const struct lodge_create_options *opts,
                     lodge_error_t *err)
{
  struct lodge_container c;
  int master = -1;
  pid_t init = -1;
  if (!opts->detach && !opts->no_subreaper)
    prctl (PR_SET_CHILD_SUBREAPER, 1);
  int r = container_load (ctx, opts, !opts->detach, &c, err);
  if (r == 0)
    r = container_create (ctx, &c, &init, &master, err);
  container_free (&c);
  if (r < 0)
    return -1;

  if (lodge_container_start (ctx, opts->id, err) < 0)
    {
      if (master >= 0)
        close (master);
      lodge_error_t ignored = NULL;
      lodge_container_delete (ctx, opts->id, true, &ignored);
      lodge_error_free (&ignored);
      return -1;
    }
  if (opts->detach)
    {
      if (master >= 0)
        close (master);
      return 0;
    }

  int status = lodge_process_wait (init, master, err);
  if (status < 0)
    return -1;
  if (!opts->keep)
    {
      lodge_error_t e = NULL;
      if (lodge_container_delete (ctx, opts->id, true, &e) < 0)
        {
          lodge_log_error (e->msg);
          lodge_error_free (&e);
        }
    }
  return status;
}
