/* lodge: unit tests for oci-spec/ (liboci-spec.a).
 *
 * Run as `oci_spec_test DATA_DIR` (tests/unit/data).  Prints one
 * "ok N - name" / "not ok N - name" line per test, "# ..." lines saying
 * what differed, and "N passed, M failed" at the end; exits 1 when
 * anything failed. */
#define _GNU_SOURCE 1

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lodge/cleanup.h"
#include "lodge/error.h"
#include "lodge/oci_spec.h"

static const char *data_dir;
static int passed, failed, counter;
/* Failures seen by EXPECT in the current test. */
static int test_failures;

static void
begin (void)
{
  test_failures = 0;
}

static void
end (const char *name)
{
  counter++;
  if (test_failures == 0)
    {
      passed++;
      printf ("ok %d - %s\n", counter, name);
    }
  else
    {
      failed++;
      printf ("not ok %d - %s\n", counter, name);
    }
  fflush (stdout);
}

#define EXPECT(cond)                                                           \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          test_failures++;                                                     \
          printf ("#   %s:%d: expected %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                      \
    }                                                                          \
  while (0)

static bool
streq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

#define EXPECT_STR(got, want)                                                  \
  do                                                                           \
    {                                                                          \
      const char *g_ = (got), *w_ = (want);                                    \
      if (!streq (g_, w_))                                                     \
        {                                                                      \
          test_failures++;                                                     \
          printf ("#   %s:%d: %s\n#     got:  %s%s%s\n#     want: %s%s%s\n",   \
                  __FILE__, __LINE__, #got, g_ ? "\"" : "", g_ ? g_ : "NULL",  \
                  g_ ? "\"" : "", w_ ? "\"" : "", w_ ? w_ : "NULL",            \
                  w_ ? "\"" : "");                                             \
        }                                                                      \
    }                                                                          \
  while (0)

#define EXPECT_INT(got, want)                                                  \
  do                                                                           \
    {                                                                          \
      long long g_ = (long long)(got), w_ = (long long)(want);                 \
      if (g_ != w_)                                                            \
        {                                                                      \
          test_failures++;                                                     \
          printf ("#   %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__,    \
                  #got, g_, w_);                                               \
        }                                                                      \
    }                                                                          \
  while (0)

#define EXPECT_UINT(got, want)                                                 \
  do                                                                           \
    {                                                                          \
      unsigned long long g_ = (got), w_ = (want);                              \
      if (g_ != w_)                                                            \
        {                                                                      \
          test_failures++;                                                     \
          printf ("#   %s:%d: %s is %llu, want %llu\n", __FILE__, __LINE__,    \
                  #got, g_, w_);                                               \
        }                                                                      \
    }                                                                          \
  while (0)

/* A test that fails must still free what it holds, so valgrind's leak
 * report stays about the library. */
#define REQUIRE(cond)                                                          \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          test_failures++;                                                     \
          printf ("#   %s:%d: required %s\n", __FILE__, __LINE__, #cond);      \
          goto out;                                                            \
        }                                                                      \
    }                                                                          \
  while (0)

static char *
data_path (const char *rel)
{
  char *p = NULL;

  if (asprintf (&p, "%s/%s", data_dir, rel) < 0)
    abort ();
  return p;
}

static char *
slurp (const char *path, size_t *len)
{
  cleanup_file FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t cap = 0, n = 0;

  if (f == NULL)
    return NULL;
  for (;;)
    {
      size_t r;

      if (n + 4096 + 1 > cap)
        {
          cap = cap ? cap * 2 : 8192;
          buf = realloc (buf, cap);
          if (buf == NULL)
            abort ();
        }
      r = fread (buf + n, 1, cap - n - 1, f);
      n += r;
      if (r == 0)
        break;
    }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void
print_error (lodge_error_t err)
{
  if (err)
    printf ("#     error: %s\n", err->msg);
}

static struct oci_config *
parse_data_file (const char *rel)
{
  cleanup_free char *path = data_path (rel);
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;

  if (oci_config_parse_file (path, "config.json", &c, &err) < 0)
    {
      printf ("#   %s does not parse\n", rel);
      print_error (err);
      lodge_error_free (&err);
      return NULL;
    }
  return c;
}

static bool
strv_is (char **v, size_t len, const char *const *want)
{
  size_t n = 0;

  while (want[n])
    n++;
  if (v == NULL || len != n || v[n] != NULL)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], want[i]) != 0)
      return false;
  return true;
}

#define STRV(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_STRV(v, len, ...)                                               \
  EXPECT (strv_is ((v), (len), STRV (__VA_ARGS__)))

/* ---- error.h ------------------------------------------------------------ */

static void
test_errors (void)
{
  lodge_error_t err = NULL, other = NULL;
  int r;

  begin ();
  r = lodge_error (&err, ENOENT, "open %s", "/x");
  EXPECT_INT (r, -ENOENT);
  REQUIRE (err != NULL);
  EXPECT_INT (err->status, ENOENT);
  EXPECT_STR (err->msg, "open /x: No such file or directory");

  r = lodge_error_prefix (&err, "create %s", "c1");
  EXPECT_INT (r, -ENOENT);
  EXPECT_STR (err->msg, "create c1: open /x: No such file or directory");

  /* A second error does not replace the first. */
  r = lodge_error (&err, EPERM, "later");
  EXPECT_INT (r, -EPERM);
  EXPECT_STR (err->msg, "create c1: open /x: No such file or directory");

  lodge_error_move (&other, &err);
  EXPECT (err == NULL);
  REQUIRE (other != NULL);
  EXPECT_STR (other->msg, "create c1: open /x: No such file or directory");
  lodge_error_free (&other);
  EXPECT (other == NULL);
  lodge_error_free (&other);

  r = lodge_error (&err, 0, "plain %d", 42);
  EXPECT_INT (r, -1);
  REQUIRE (err != NULL);
  EXPECT_INT (err->status, 0);
  EXPECT_STR (err->msg, "plain 42");
  EXPECT_INT (lodge_error_prefix (&err, "ctx"), -1);
  EXPECT_STR (err->msg, "ctx: plain 42");

  /* Moving onto a held error keeps the held one and frees the other. */
  lodge_error (&other, EIO, "second");
  lodge_error_move (&err, &other);
  EXPECT (other == NULL);
  EXPECT_STR (err->msg, "ctx: plain 42");

  /* NULL err: the return value still tells the caller. */
  EXPECT_INT (lodge_error (NULL, EACCES, "x"), -EACCES);
out:
  lodge_error_free (&err);
  lodge_error_free (&other);
  end ("error.h: lodge_error, prefix, move, free");
}

/* ---- the full config ---------------------------------------------------- */

static void
check_full_process (const struct oci_process *p)
{
  EXPECT (p->terminal);
  EXPECT (p->has_console_size);
  EXPECT_UINT (p->console_height, 25);
  EXPECT_UINT (p->console_width, 80);
  EXPECT_UINT (p->user.uid, 1000);
  EXPECT_UINT (p->user.gid, 1001);
  EXPECT (p->user.has_umask);
  EXPECT_UINT (p->user.umask, 18);
  EXPECT_UINT (p->user.additional_gids_len, 2);
  if (p->user.additional_gids_len == 2)
    {
      EXPECT_UINT (p->user.additional_gids[0], 5);
      EXPECT_UINT (p->user.additional_gids[1], 4294967295u);
    }
  EXPECT_STR (p->user.username, "alice");
  EXPECT_STRV (p->args, p->args_len, "sh", "-c", "echo \"hi\"\n");
  EXPECT_STR (p->command_line, "sh -c echo");
  EXPECT_STRV (p->env, p->env_len, "PATH=/usr/bin:/bin", "TERM=xterm");
  EXPECT_STR (p->cwd, "/home/alice");

  EXPECT (p->capabilities != NULL);
  if (p->capabilities)
    {
      const struct oci_capabilities *c = p->capabilities;
      EXPECT_STRV (c->bounding, c->bounding_len, "CAP_AUDIT_WRITE", "CAP_KILL");
      EXPECT_STRV (c->effective, c->effective_len, "CAP_KILL");
      /* Present and empty: a non-NULL, NULL-terminated empty list. */
      EXPECT (c->inheritable != NULL && c->inheritable[0] == NULL);
      EXPECT_UINT (c->inheritable_len, 0);
      EXPECT_STRV (c->permitted, c->permitted_len, "CAP_AUDIT_WRITE",
                   "CAP_KILL");
      EXPECT_STRV (c->ambient, c->ambient_len, "CAP_NET_BIND_SERVICE");
    }

  EXPECT_UINT (p->rlimits_len, 2);
  if (p->rlimits_len == 2)
    {
      EXPECT_STR (p->rlimits[0].type, "RLIMIT_NOFILE");
      EXPECT_UINT (p->rlimits[0].hard, 1024);
      EXPECT_UINT (p->rlimits[0].soft, 512);
      EXPECT_STR (p->rlimits[1].type, "RLIMIT_CORE");
      EXPECT_UINT (p->rlimits[1].hard, UINT64_MAX);
      EXPECT_UINT (p->rlimits[1].soft, 9223372036854775808ull);
    }
  EXPECT (p->no_new_privileges);
  EXPECT_STR (p->apparmor_profile, "lodge-default");
  EXPECT (p->has_oom_score_adj);
  EXPECT_INT (p->oom_score_adj, -500);

  EXPECT (p->scheduler != NULL);
  if (p->scheduler)
    {
      const struct oci_scheduler *s = p->scheduler;
      EXPECT_STR (s->policy, "SCHED_DEADLINE");
      EXPECT (s->has_nice);
      EXPECT_INT (s->nice, -5);
      EXPECT (s->has_priority);
      EXPECT_INT (s->priority, 10);
      EXPECT_STRV (s->flags, s->flags_len, "SCHED_FLAG_RESET_ON_FORK");
      EXPECT (s->has_runtime && s->runtime == 10000000);
      EXPECT (s->has_deadline && s->deadline == 20000000);
      EXPECT (s->has_period && s->period == 30000000);
    }
  EXPECT_STR (p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  EXPECT (p->io_priority != NULL);
  if (p->io_priority)
    {
      EXPECT_STR (p->io_priority->class_, "IOPRIO_CLASS_BE");
      EXPECT_INT (p->io_priority->priority, 4);
    }
  EXPECT (p->exec_cpu_affinity != NULL);
  if (p->exec_cpu_affinity)
    {
      EXPECT_STR (p->exec_cpu_affinity->initial, "0-3");
      EXPECT_STR (p->exec_cpu_affinity->final, "7");
    }
}

static void
check_full_top (const struct oci_config *c)
{
  EXPECT_STR (c->oci_version, "1.2.0");
  EXPECT (c->root != NULL);
  if (c->root)
    {
      EXPECT_STR (c->root->path, "rootfs");
      EXPECT (c->root->readonly);
    }
  EXPECT_STR (c->hostname, "full-host");
  EXPECT_STR (c->domainname, "example.org");

  EXPECT_UINT (c->mounts_len, 2);
  if (c->mounts_len == 2)
    {
      const struct oci_mount *m = &c->mounts[1];
      EXPECT_STR (c->mounts[0].destination, "/proc");
      EXPECT_STR (c->mounts[0].type, "proc");
      EXPECT_STR (c->mounts[0].source, "proc");
      EXPECT (c->mounts[0].options == NULL);
      EXPECT_UINT (c->mounts[0].options_len, 0);
      EXPECT_STR (m->destination, "/data");
      EXPECT_STR (m->type, "bind");
      EXPECT_STR (m->source, "/srv/data");
      EXPECT_STRV (m->options, m->options_len, "rbind", "ro", "idmap");
      EXPECT_UINT (m->uid_mappings_len, 1);
      EXPECT_UINT (m->gid_mappings_len, 1);
      if (m->uid_mappings_len == 1 && m->gid_mappings_len == 1)
        {
          EXPECT_UINT (m->uid_mappings[0].container_id, 0);
          EXPECT_UINT (m->uid_mappings[0].host_id, 100000);
          EXPECT_UINT (m->uid_mappings[0].size, 65536);
          EXPECT_UINT (m->gid_mappings[0].host_id, 200000);
        }
    }

  EXPECT (c->hooks != NULL);
  if (c->hooks)
    {
      const struct oci_hooks *h = c->hooks;
      EXPECT_UINT (h->prestart.len, 1);
      EXPECT_UINT (h->create_runtime.len, 1);
      EXPECT_UINT (h->create_container.len, 1);
      EXPECT_UINT (h->start_container.len, 1);
      EXPECT_UINT (h->poststart.len, 1);
      EXPECT_UINT (h->poststop.len, 2);
      if (h->prestart.len == 1)
        {
          EXPECT_STR (h->prestart.hooks[0].path, "/usr/bin/prestart-hook");
          EXPECT (h->prestart.hooks[0].args == NULL);
          EXPECT (h->prestart.hooks[0].env == NULL);
          EXPECT (!h->prestart.hooks[0].has_timeout);
        }
      if (h->create_runtime.len == 1)
        {
          const struct oci_hook *k = &h->create_runtime.hooks[0];
          EXPECT_STR (k->path, "/usr/bin/net-setup");
          EXPECT_STRV (k->args, k->args_len, "net-setup", "--verbose");
          EXPECT_STRV (k->env, k->env_len, "A=1");
          EXPECT (k->has_timeout);
          EXPECT_INT (k->timeout, 5);
        }
      if (h->create_container.len == 1)
        {
          /* "env": [] is an empty environment, not an absent one. */
          const struct oci_hook *k = &h->create_container.hooks[0];
          EXPECT (k->env != NULL && k->env[0] == NULL && k->env_len == 0);
        }
      if (h->start_container.len == 1)
        EXPECT_STR (h->start_container.hooks[0].path, "/bin/sc-hook");
      if (h->poststart.len == 1)
        EXPECT_INT (h->poststart.hooks[0].timeout, 1);
      if (h->poststop.len == 2)
        {
          EXPECT_STR (h->poststop.hooks[0].path, "/bin/cleanup");
          EXPECT_STR (h->poststop.hooks[1].path, "/bin/cleanup2");
        }
    }

  /* Document order, not sorted. */
  EXPECT_UINT (c->annotations.len, 3);
  if (c->annotations.len == 3)
    {
      EXPECT_STR (c->annotations.keys[0], "org.example.key");
      EXPECT_STR (c->annotations.values[0], "value");
      EXPECT_STR (c->annotations.keys[1], "org.example.quote");
      EXPECT_STR (c->annotations.values[1], "a \"quoted\" value");
      EXPECT_STR (c->annotations.keys[2], "org.example.empty");
      EXPECT_STR (c->annotations.values[2], "");
    }
}

static void
check_full_resources (const struct oci_resources *r)
{
  EXPECT_UINT (r->devices_len, 3);
  if (r->devices_len == 3)
    {
      EXPECT (!r->devices[0].allow);
      EXPECT (r->devices[0].type == NULL);
      EXPECT (!r->devices[0].has_major && !r->devices[0].has_minor);
      EXPECT_STR (r->devices[0].access, "rwm");
      EXPECT (r->devices[1].allow);
      EXPECT_STR (r->devices[1].type, "c");
      EXPECT (r->devices[1].has_major && r->devices[1].major == 10);
      EXPECT (r->devices[1].has_minor && r->devices[1].minor == 229);
      EXPECT_STR (r->devices[1].access, "rw");
      EXPECT (r->devices[2].has_major && !r->devices[2].has_minor);
    }

  EXPECT (r->memory != NULL);
  if (r->memory)
    {
      const struct oci_memory *m = r->memory;
      EXPECT (m->has_limit && m->limit == 536870912);
      EXPECT (m->has_reservation && m->reservation == 268435456);
      EXPECT (m->has_swap && m->swap == -1);
      EXPECT (m->has_kernel && m->kernel == -1);
      EXPECT (m->has_kernel_tcp && m->kernel_tcp == 1048576);
      EXPECT (m->has_swappiness && m->swappiness == 60);
      EXPECT (m->has_disable_oom_killer && m->disable_oom_killer);
      EXPECT (m->has_use_hierarchy && !m->use_hierarchy);
      EXPECT (m->has_check_before_update && m->check_before_update);
    }

  EXPECT (r->cpu != NULL);
  if (r->cpu)
    {
      const struct oci_cpu *c = r->cpu;
      EXPECT (c->has_shares && c->shares == 1024);
      EXPECT (c->has_quota && c->quota == 100000);
      EXPECT (c->has_burst && c->burst == 5000);
      EXPECT (c->has_period && c->period == 100000);
      EXPECT (c->has_realtime_runtime && c->realtime_runtime == 950000);
      EXPECT (c->has_realtime_period && c->realtime_period == 1000000);
      EXPECT_STR (c->cpus, "0-3");
      EXPECT_STR (c->mems, "0");
      EXPECT (c->has_idle && c->idle == 1);
    }

  EXPECT (r->pids != NULL && r->pids->has_limit && r->pids->limit == 2048);

  EXPECT (r->block_io != NULL);
  if (r->block_io)
    {
      const struct oci_block_io *b = r->block_io;
      EXPECT (b->has_weight && b->weight == 500);
      EXPECT (b->has_leaf_weight && b->leaf_weight == 300);
      EXPECT_UINT (b->weight_device_len, 2);
      if (b->weight_device_len == 2)
        {
          EXPECT (b->weight_device[0].major == 8);
          EXPECT (b->weight_device[0].minor == 0);
          EXPECT (b->weight_device[0].has_weight
                  && b->weight_device[0].weight == 600);
          EXPECT (b->weight_device[0].has_leaf_weight
                  && b->weight_device[0].leaf_weight == 200);
          EXPECT (b->weight_device[1].minor == 16);
          EXPECT (!b->weight_device[1].has_weight);
          EXPECT (!b->weight_device[1].has_leaf_weight);
        }
      EXPECT (b->throttle_read_bps_device_len == 1
              && b->throttle_read_bps_device[0].rate == 104857600);
      EXPECT (b->throttle_write_bps_device_len == 1
              && b->throttle_write_bps_device[0].rate == 52428800);
      EXPECT (b->throttle_read_iops_device_len == 1
              && b->throttle_read_iops_device[0].rate == 1000);
      EXPECT (b->throttle_write_iops_device_len == 1
              && b->throttle_write_iops_device[0].rate == 500
              && b->throttle_write_iops_device[0].major == 8);
    }

  EXPECT_UINT (r->hugepage_limits_len, 2);
  if (r->hugepage_limits_len == 2)
    {
      EXPECT_STR (r->hugepage_limits[0].page_size, "2MB");
      EXPECT_UINT (r->hugepage_limits[0].limit, 209715200);
      EXPECT_STR (r->hugepage_limits[1].page_size, "1GB");
      EXPECT_UINT (r->hugepage_limits[1].limit, 0);
    }

  EXPECT (r->network != NULL);
  if (r->network)
    {
      EXPECT (r->network->has_class_id && r->network->class_id == 1048577);
      EXPECT_UINT (r->network->priorities_len, 2);
      if (r->network->priorities_len == 2)
        {
          EXPECT_STR (r->network->priorities[0].name, "eth0");
          EXPECT_UINT (r->network->priorities[0].priority, 500);
          EXPECT_STR (r->network->priorities[1].name, "lo");
          EXPECT_UINT (r->network->priorities[1].priority, 1000);
        }
    }

  EXPECT_UINT (r->rdma_len, 2);
  if (r->rdma_len == 2)
    {
      EXPECT_STR (r->rdma[0].device, "mlx5_1");
      EXPECT (r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3);
      EXPECT (r->rdma[0].has_hca_objects && r->rdma[0].hca_objects == 10000);
      EXPECT_STR (r->rdma[1].device, "mlx4_0");
      EXPECT (!r->rdma[1].has_hca_handles);
      EXPECT (r->rdma[1].has_hca_objects && r->rdma[1].hca_objects == 1000);
    }

  EXPECT_UINT (r->unified.len, 2);
  if (r->unified.len == 2)
    {
      EXPECT_STR (r->unified.keys[0], "memory.high");
      EXPECT_STR (r->unified.values[0], "1073741824");
      EXPECT_STR (r->unified.keys[1], "io.weight");
      EXPECT_STR (r->unified.values[1], "default 100");
    }
}

static void
check_full_linux (const struct oci_linux *l)
{
  EXPECT_UINT (l->uid_mappings_len, 1);
  EXPECT_UINT (l->gid_mappings_len, 2);
  if (l->gid_mappings_len == 2)
    {
      EXPECT_UINT (l->gid_mappings[1].container_id, 65536);
      EXPECT_UINT (l->gid_mappings[1].host_id, 4294967295u);
      EXPECT_UINT (l->gid_mappings[1].size, 1);
    }
  EXPECT_UINT (l->sysctl.len, 2);
  if (l->sysctl.len == 2)
    {
      EXPECT_STR (l->sysctl.keys[0], "net.ipv4.ip_forward");
      EXPECT_STR (l->sysctl.values[0], "1");
      EXPECT_STR (l->sysctl.keys[1], "kernel.shmmax");
      EXPECT_STR (l->sysctl.values[1], "4096");
    }
  EXPECT (l->resources != NULL);
  if (l->resources)
    check_full_resources (l->resources);
  EXPECT_STR (l->cgroups_path, "/lodge/full");

  EXPECT_UINT (l->namespaces_len, 8);
  if (l->namespaces_len == 8)
    {
      static const char *const types[] = { "pid", "network", "mount",  "ipc",
                                           "uts", "user",    "cgroup", "time" };
      for (size_t i = 0; i < 8; i++)
        EXPECT_STR (l->namespaces[i].type, types[i]);
      EXPECT (l->namespaces[0].path == NULL);
      EXPECT_STR (l->namespaces[1].path, "/var/run/netns/full");
    }

  EXPECT_UINT (l->devices_len, 3);
  if (l->devices_len == 3)
    {
      const struct oci_device *d = l->devices;
      EXPECT_STR (d[0].path, "/dev/fuse");
      EXPECT_STR (d[0].type, "c");
      EXPECT_INT (d[0].major, 10);
      EXPECT_INT (d[0].minor, 229);
      EXPECT (d[0].has_file_mode && d[0].file_mode == 0666);
      EXPECT (d[0].has_uid && d[0].uid == 0);
      EXPECT (d[0].has_gid && d[0].gid == 0);
      EXPECT_STR (d[1].type, "b");
      EXPECT (!d[1].has_file_mode && !d[1].has_uid && !d[1].has_gid);
      EXPECT_STR (d[2].type, "p");
    }

  EXPECT (l->seccomp != NULL);
  if (l->seccomp)
    {
      const struct oci_seccomp *s = l->seccomp;
      EXPECT_STR (s->default_action, "SCMP_ACT_ERRNO");
      EXPECT (s->has_default_errno_ret && s->default_errno_ret == 38);
      EXPECT_STRV (s->architectures, s->architectures_len, "SCMP_ARCH_X86_64",
                   "SCMP_ARCH_X86");
      EXPECT_STRV (s->flags, s->flags_len, "SECCOMP_FILTER_FLAG_LOG");
      EXPECT_STR (s->listener_path, "/run/seccomp-agent.sock");
      EXPECT_STR (s->listener_metadata, "meta");
      EXPECT_UINT (s->syscalls_len, 3);
      if (s->syscalls_len == 3)
        {
          const struct oci_seccomp_syscall *sc = s->syscalls;
          EXPECT_STRV (sc[0].names, sc[0].names_len, "read", "write");
          EXPECT_STR (sc[0].action, "SCMP_ACT_ALLOW");
          EXPECT (!sc[0].has_errno_ret);
          EXPECT (sc[0].args == NULL && sc[0].args_len == 0);
          EXPECT_UINT (sc[1].args_len, 2);
          if (sc[1].args_len == 2)
            {
              EXPECT_UINT (sc[1].args[0].index, 0);
              EXPECT_UINT (sc[1].args[0].value, 4294967295u);
              EXPECT (!sc[1].args[0].has_value_two);
              EXPECT_STR (sc[1].args[0].op, "SCMP_CMP_EQ");
              EXPECT_UINT (sc[1].args[1].index, 1);
              EXPECT_UINT (sc[1].args[1].value, UINT64_MAX);
              EXPECT (sc[1].args[1].has_value_two);
              EXPECT_UINT (sc[1].args[1].value_two, UINT64_MAX - 1);
              EXPECT_STR (sc[1].args[1].op, "SCMP_CMP_MASKED_EQ");
            }
          EXPECT (sc[2].has_errno_ret && sc[2].errno_ret == 1);
        }
    }

  EXPECT_STR (l->rootfs_propagation, "rslave");
  EXPECT_STRV (l->masked_paths, l->masked_paths_len, "/proc/kcore",
               "/sys/firmware");
  EXPECT_STRV (l->readonly_paths, l->readonly_paths_len, "/proc/sys");
  EXPECT_STR (l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");

  EXPECT (l->intel_rdt != NULL);
  if (l->intel_rdt)
    {
      EXPECT_STR (l->intel_rdt->clos_id, "guaranteed_group");
      EXPECT_STR (l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
      EXPECT_STR (l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
      EXPECT (l->intel_rdt->has_enable_cmt && l->intel_rdt->enable_cmt);
      EXPECT (l->intel_rdt->has_enable_mbm && !l->intel_rdt->enable_mbm);
    }
  EXPECT (l->personality != NULL);
  if (l->personality)
    {
      EXPECT_STR (l->personality->domain, "LINUX32");
      EXPECT (l->personality->flags != NULL && l->personality->flags_len == 0);
    }
  EXPECT (l->has_time_offset_monotonic);
  EXPECT_INT (l->time_offset_monotonic.secs, 3600);
  EXPECT_UINT (l->time_offset_monotonic.nanosecs, 0);
  EXPECT (l->has_time_offset_boottime);
  EXPECT_INT (l->time_offset_boottime.secs, -86400);
  EXPECT_UINT (l->time_offset_boottime.nanosecs, 500);
}

static void
test_full (void)
{
  struct oci_config *c;

  begin ();
  c = parse_data_file ("full.json");
  REQUIRE (c != NULL);
  check_full_top (c);
  EXPECT (c->process != NULL);
  if (c->process)
    check_full_process (c->process);
  EXPECT (c->linux_ != NULL);
  if (c->linux_)
    check_full_linux (c->linux_);
out:
  oci_config_free (c);
  end ("full.json: every field parsed");
}

/* full.json is written the way runc's `spec` writes (field order, tabs),
 * so emitting what was parsed must give the file back byte for byte:
 * nothing lost, nothing reordered. */
static void
test_full_emit (void)
{
  cleanup_free char *path = data_path ("full.json");
  cleanup_free char *want = NULL;
  cleanup_free char *got = NULL;
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;
  size_t want_len = 0, got_len = 0;

  begin ();
  want = slurp (path, &want_len);
  REQUIRE (want != NULL);
  c = parse_data_file ("full.json");
  REQUIRE (c != NULL);
  EXPECT_INT (oci_config_emit (c, &got, &got_len, &err), 0);
  print_error (err);
  REQUIRE (got != NULL);
  EXPECT_UINT (got_len, strlen (got));
  if (strcmp (got, want) != 0)
    {
      size_t i = 0;
      while (got[i] && got[i] == want[i])
        i++;
      printf ("#   emitted config differs from full.json at byte %zu\n", i);
      printf ("#   got: %.60s\n", got + i);
      test_failures++;
    }
out:
  oci_config_free (c);
  lodge_error_free (&err);
  end ("oci_config_emit: full.json round-trips byte for byte");
}

/* ---- the clients' configs ----------------------------------------------- */

/* Parse, emit, parse the emitted text and emit again: the two texts must
 * match, so what a client wrote survives our model. */
static void
emit_stable (const struct oci_config *c, const char *name)
{
  cleanup_free char *first = NULL;
  cleanup_free char *second = NULL;
  struct oci_config *again = NULL;
  lodge_error_t err = NULL;
  size_t n1 = 0, n2 = 0;

  if (oci_config_emit (c, &first, &n1, &err) < 0
      || oci_config_parse_data (first, n1, name, &again, &err) < 0
      || oci_config_emit (again, &second, &n2, &err) < 0)
    {
      print_error (err);
      test_failures++;
    }
  else if (n1 != n2 || memcmp (first, second, n1) != 0)
    {
      printf ("#   %s: emitting twice gives different text\n", name);
      test_failures++;
    }
  oci_config_free (again);
  lodge_error_free (&err);
}

static void
test_clients (void)
{
  static const char *const files[] = {
    "clients/podman-default-bridge.json", "clients/podman-systemd-always.json",
    "clients/ctr-run-default.json",       "clients/cri-crun-sandbox.json",
    "clients/cri-crun-container.json",    NULL
  };
  struct oci_config *c = NULL;
  char name[128];

  for (const char *const *f = files; *f; f++)
    {
      begin ();
      c = parse_data_file (*f);
      EXPECT (c != NULL);
      if (c)
        {
          EXPECT (c->process != NULL && c->root != NULL && c->linux_ != NULL);
          emit_stable (c, *f);
        }
      oci_config_free (c);
      snprintf (name, sizeof name, "%s parses and re-emits", *f);
      end (name);
    }
}

/* Spot checks of what each client relies on. */
static void
test_client_podman (void)
{
  struct oci_config *c;

  begin ();
  c = parse_data_file ("clients/podman-default-bridge.json");
  REQUIRE (c != NULL && c->process && c->linux_ && c->linux_->seccomp);
  EXPECT_STR (c->oci_version, "1.0.2-dev");
  EXPECT (c->process->user.has_umask && c->process->user.umask == 18);
  EXPECT (c->process->rlimits_len == 2 && c->process->rlimits[0].soft == 20000);
  EXPECT (c->linux_->resources && c->linux_->resources->pids
          && c->linux_->resources->pids->limit == 2048);
  EXPECT (c->linux_->seccomp->has_default_errno_ret
          && c->linux_->seccomp->default_errno_ret == 38);
  {
    /* Podman's personality rule with 4294967295 (0xffffffff). */
    bool found = false;
    for (size_t i = 0; i < c->linux_->seccomp->syscalls_len; i++)
      {
        const struct oci_seccomp_syscall *sc = &c->linux_->seccomp->syscalls[i];
        if (sc->args_len == 1 && sc->args[0].value == 4294967295u)
          found = true;
      }
    EXPECT (found);
  }
  EXPECT_UINT (c->linux_->namespaces_len, 5);
  EXPECT_STR (c->linux_->sysctl.keys[0], "net.ipv4.ping_group_range");
  EXPECT (c->process->capabilities
          && c->process->capabilities->inheritable == NULL);
  EXPECT (c->hooks == NULL);
out:
  oci_config_free (c);
  end ("podman config: umask, rlimits, pids, seccomp values");
}

static void
test_client_cri_container (void)
{
  struct oci_config *c;

  begin ();
  c = parse_data_file ("clients/cri-crun-container.json");
  REQUIRE (c != NULL && c->process);
  EXPECT_STRV (c->process->args, c->process->args_len, "/bin/sh", "-c",
               "trap 'exit 0' TERM; echo started; while :; do sleep 1 & "
               "wait $!; done");
  EXPECT (c->process->user.additional_gids_len == 1
          && c->process->user.additional_gids[0] == 0);
  EXPECT (c->hostname == NULL);
  EXPECT_STR (c->root->path, "rootfs");
  EXPECT_STR (c->linux_->namespaces[1].path, "/proc/24699/ns/ipc");
out:
  oci_config_free (c);
  end ("cri container config: \\u escapes, additionalGids, joined "
       "namespaces");
}

static void
test_client_ctr (void)
{
  struct oci_config *c;

  begin ();
  c = parse_data_file ("clients/ctr-run-default.json");
  REQUIRE (c != NULL && c->linux_ && c->linux_->resources);
  {
    const struct oci_resources *r = c->linux_->resources;
    bool saw_major_only = false;
    for (size_t i = 0; i < r->devices_len; i++)
      if (r->devices[i].has_major && r->devices[i].major == 136)
        saw_major_only = !r->devices[i].has_minor;
    EXPECT (saw_major_only);
    EXPECT (r->cpu && r->cpu->has_shares && r->cpu->shares == 1024);
  }
  EXPECT (c->annotations.len == 0 && c->annotations.keys == NULL);
out:
  oci_config_free (c);
  end ("ctr config: device rule with major only, cpu shares");
}

static void
test_client_cri_sandbox (void)
{
  struct oci_config *c;

  begin ();
  c = parse_data_file ("clients/cri-crun-sandbox.json");
  REQUIRE (c != NULL && c->process && c->root);
  EXPECT (c->root->readonly);
  /* An explicit 0 is set, not absent. */
  EXPECT (c->process->has_oom_score_adj);
  EXPECT_INT (c->process->oom_score_adj, 0);
  EXPECT (c->process->no_new_privileges);
  EXPECT_UINT (c->process->user.uid, 0);
  EXPECT (c->process->env == NULL);
out:
  oci_config_free (c);
  end ("cri sandbox config: readonly root, oomScoreAdj, user");
}

/* ---- errors: one file per class ----------------------------------------- */

struct bad_case
{
  const char *file;
  const char *message;
};

static const struct bad_case bad_cases[] = {
  /* syntax and shape */
  { "invalid-json", "config.json: invalid JSON: line 4, column 1: invalid "
                    "object key (must be a string)" },
  { "truncated", "config.json: invalid JSON: line 1, column 46: premature "
                 "EOF" },
  { "empty", "config.json: invalid JSON: line 1, column 1: premature EOF" },
  { "nul", "config.json: invalid JSON: NUL byte at offset 43" },
  { "deep", "config.json: invalid JSON: nested deeper than 64 levels" },
  { "not-object", "config.json: expected an object, got an array" },
  /* ociVersion */
  { "version-missing", "config.json: ociVersion: missing required field" },
  { "version-type", "config.json: ociVersion: expected a string, got 1" },
  { "version-2", "config.json: ociVersion \"2.0.0\" is not supported "
                 "(lodge supports 1.0.0 to 1.2.x)" },
  { "version-1.3", "config.json: ociVersion \"1.3.0\" is not supported "
                   "(lodge supports 1.0.0 to 1.2.x)" },
  /* root */
  { "root-missing", "config.json: root: missing required field" },
  { "root-path-missing", "config.json: root.path: missing required field" },
  /* process */
  { "process-type", "config.json: process: expected an object, got an "
                    "array" },
  { "args-missing", "config.json: process.args: missing required field" },
  { "args-empty", "config.json: process.args: must not be empty" },
  { "args-element", "config.json: process.args[1]: expected a string, got "
                    "1" },
  { "cwd-missing", "config.json: process.cwd: missing required field" },
  { "cwd-relative", "config.json: process.cwd: must be an absolute path, "
                    "got \"x\"" },
  { "cwd-long", "config.json: process.cwd: must be an absolute path, got "
                "\"a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                "bbbbb\"..." },
  { "terminal-type", "config.json: process.terminal: expected a boolean, "
                     "got \"yes\"" },
  { "env-type", "config.json: process.env: expected an array, got an "
                "object" },
  { "oom-type", "config.json: process.oomScoreAdj: expected an integer, "
                "got \"x\"" },
  { "user-uid-missing", "config.json: process.user.uid: missing required "
                        "field" },
  { "user-uid-negative", "config.json: process.user.uid: -1 is out of "
                         "range (0 to 4294967295)" },
  { "user-gid-big", "config.json: process.user.gid: 4294967296 is out of "
                    "range (0 to 4294967295)" },
  { "rlimit-soft-string", "config.json: process.rlimits[1].soft: expected "
                          "an unsigned integer, got \"abc\"" },
  { "rlimit-type-missing", "config.json: process.rlimits[0].type: missing "
                           "required field" },
  { "rlimit-hard-float", "config.json: process.rlimits[0].hard: expected "
                         "an unsigned integer, got 1.5" },
  { "rlimit-too-big", "config.json: process.rlimits[0].hard: "
                      "18446744073709551616 is out of range (0 to "
                      "18446744073709551615)" },
  { "scheduler-policy-missing", "config.json: process.scheduler.policy: "
                                "missing required field" },
  { "ioprio-class", "config.json: process.ioPriority.class: unknown I/O "
                    "priority class \"IOPRIO_CLASS_X\"" },
  /* mounts, hooks, annotations */
  { "mount-destination-missing", "config.json: mounts[1].destination: "
                                 "missing required field" },
  { "mount-idmap", "config.json: mounts[0].uidMappings[0].size: missing "
                   "required field" },
  { "hook-path-missing", "config.json: hooks.poststop[0].path: missing "
                         "required field" },
  { "hook-path-relative", "config.json: hooks.createRuntime[0].path: must "
                          "be an absolute path, got \"bin/x\"" },
  { "hook-timeout", "config.json: hooks.prestart[0].timeout: must be "
                    "greater than zero, got 0" },
  { "hook-element-type", "config.json: hooks.prestart[0]: expected an "
                         "object, got \"x\"" },
  { "annotation-value", "config.json: annotations[\"a.b\"]: expected a "
                        "string, got 1" },
  /* linux */
  { "ns-type-missing", "config.json: linux.namespaces[0].type: missing "
                       "required field" },
  { "ns-type-unknown", "config.json: linux.namespaces[0].type: unknown "
                       "namespace type \"foo\"" },
  { "ns-duplicate", "config.json: linux.namespaces[2]: duplicate namespace "
                    "type \"pid\"" },
  { "idmap-container-id-type", "config.json: linux.uidMappings[0]."
                               "containerID: expected an unsigned integer, "
                               "got \"0\"" },
  { "device-type", "config.json: linux.devices[0].type: unknown device "
                   "type \"x\"" },
  { "device-path-missing", "config.json: linux.devices[0].path: missing "
                           "required field" },
  { "device-major-missing", "config.json: linux.devices[1].major: missing "
                            "required field" },
  { "cgroup-device-allow-missing", "config.json: linux.resources.devices[0]."
                                   "allow: missing required field" },
  { "memory-limit-type", "config.json: linux.resources.memory.limit: "
                         "expected an integer, got \"1G\"" },
  { "blkio-weight-range", "config.json: linux.resources.blockIO.weight: "
                          "70000 is out of range (0 to 65535)" },
  { "rdma-negative", "config.json: linux.resources.rdma.mlx5_1.hcaHandles: "
                     "-1 is out of range (0 to 4294967295)" },
  { "seccomp-default-missing", "config.json: linux.seccomp.defaultAction: "
                               "missing required field" },
  { "seccomp-value-big", "config.json: linux.seccomp.syscalls[0].args[0]."
                         "value: 18446744073709551616 is out of range (0 "
                         "to 18446744073709551615)" },
  { "sysctl-value", "config.json: linux.sysctl[\"net.core.somaxconn\"]: "
                    "expected a string, got 1024" },
  { "timeoffsets-clock", "config.json: linux.timeOffsets: unknown clock "
                         "\"realtime\"" },
  { "personality-domain", "config.json: linux.personality.domain: unknown "
                          "personality domain \"LINUX64\"" },
  { NULL, NULL },
};

static void
test_bad_files (void)
{
  char name[160];

  for (const struct bad_case *b = bad_cases; b->file; b++)
    {
      cleanup_free char *rel = NULL;
      cleanup_free char *path = NULL;
      struct oci_config *c = NULL;
      lodge_error_t err = NULL;
      int r;

      begin ();
      if (asprintf (&rel, "bad/%s.json", b->file) < 0)
        abort ();
      path = data_path (rel);
      r = oci_config_parse_file (path, "config.json", &c, &err);
      EXPECT_INT (r, -1);
      EXPECT (c == NULL);
      if (err)
        {
          EXPECT_STR (err->msg, b->message);
          EXPECT_INT (err->status, 0);
          EXPECT (strchr (err->msg, '\n') == NULL);
        }
      else
        EXPECT (err != NULL);
      oci_config_free (c);
      lodge_error_free (&err);
      snprintf (name, sizeof name, "bad/%s.json is refused", b->file);
      end (name);
    }

  /* Every file in bad/ must have its expected message above. */
  begin ();
  {
    cleanup_free char *dir = data_path ("bad");
    cleanup_dir DIR *d = opendir (dir);
    struct dirent *e;

    REQUIRE (d != NULL);
    while ((e = readdir (d)) != NULL)
      {
        size_t n = strlen (e->d_name);
        bool listed = false;

        if (n < 6 || strcmp (e->d_name + n - 5, ".json") != 0)
          continue;
        for (const struct bad_case *b = bad_cases; b->file; b++)
          if (strlen (b->file) == n - 5
              && strncmp (b->file, e->d_name, n - 5) == 0)
            listed = true;
        if (!listed)
          printf ("#   bad/%s has no expected message\n", e->d_name);
        EXPECT (listed);
      }
  }
out:
  end ("every bad/ file is checked");
}

/* ---- inline documents --------------------------------------------------- */

static int
parse_text (const char *text, struct oci_config **c, lodge_error_t *err)
{
  return oci_config_parse_data (text, strlen (text), "config.json", c, err);
}

static void
test_versions (void)
{
  static const char *const good[]
      = { "1.0.0", "1.0.2-dev", "1.0.0-rc5", "1.1.0",       "1.1.0-rc.1",
          "1.2.0", "1.2.1",     "1.2.10",    "1.0.2+dirty", NULL };
  static const char *const bad[]
      = { "1.3.0", "2.0.0",  "0.9.0", "1.10.0",  "1.2",    "1",
          "",      "v1.0.0", "1.0.x", "1.2.0.1", "11.0.0", NULL };
  char text[256];

  begin ();
  for (const char *const *v = good; *v; v++)
    {
      struct oci_config *c = NULL;
      lodge_error_t err = NULL;

      snprintf (text, sizeof text,
                "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", *v);
      if (parse_text (text, &c, &err) < 0)
        {
          printf ("#   %s refused\n", *v);
          print_error (err);
          test_failures++;
        }
      else
        EXPECT_STR (c->oci_version, *v);
      oci_config_free (c);
      lodge_error_free (&err);
    }
  for (const char *const *v = bad; *v; v++)
    {
      struct oci_config *c = NULL;
      lodge_error_t err = NULL;
      char want[160];

      snprintf (text, sizeof text,
                "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", *v);
      snprintf (want, sizeof want,
                "config.json: ociVersion \"%s\" is not supported (lodge "
                "supports 1.0.0 to 1.2.x)",
                *v);
      EXPECT_INT (parse_text (text, &c, &err), -1);
      EXPECT_STR (err ? err->msg : NULL, want);
      oci_config_free (c);
      lodge_error_free (&err);
    }
  end ("ociVersion: 1.0.x to 1.2.x accepted, others refused");
}

static void
test_minimal_and_defaults (void)
{
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;

  /* No "user": uid 0, gid 0.  Nulls count as absent.  Unknown members
   * (here "solaris", "vm" and "process.future") are ignored. */
  begin ();
  REQUIRE (parse_text ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"/r\","
                       "\"readonly\":null},\"process\":{\"args\":[\"a\"],"
                       "\"cwd\":\"/\",\"env\":null,\"future\":{\"x\":[1]},"
                       "\"oomScoreAdj\":null},\"hostname\":null,"
                       "\"solaris\":{},\"vm\":[],\"linux\":{\"seccomp\":null,"
                       "\"resources\":{\"memory\":{\"limit\":-1,\"swap\":"
                       "null}}}}",
                       &c, &err)
           == 0);
  EXPECT_UINT (c->process->user.uid, 0);
  EXPECT_UINT (c->process->user.gid, 0);
  EXPECT (!c->process->user.has_umask);
  EXPECT (c->process->user.additional_gids == NULL);
  EXPECT (c->process->env == NULL && c->process->env_len == 0);
  EXPECT (!c->process->has_oom_score_adj);
  EXPECT (!c->process->terminal);
  EXPECT (c->process->capabilities == NULL);
  EXPECT (c->process->rlimits == NULL);
  EXPECT (c->process->scheduler == NULL);
  EXPECT (c->hostname == NULL);
  EXPECT (!c->root->readonly);
  EXPECT (c->linux_->seccomp == NULL);
  EXPECT (c->linux_->resources->memory->has_limit);
  EXPECT_INT (c->linux_->resources->memory->limit, -1);
  EXPECT (!c->linux_->resources->memory->has_swap);
  EXPECT (c->mounts == NULL && c->mounts_len == 0);
  EXPECT (c->hooks == NULL);
out:
  print_error (err);
  oci_config_free (c);
  lodge_error_free (&err);
  end ("defaults: missing user is root, null is absent, unknown ignored");
}

/* A repeated key: the last one counts, as in Go; a repeated map key keeps
 * its first place with the last value. */
static void
test_repeated_keys (void)
{
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;

  begin ();
  REQUIRE (parse_text ("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"/a\","
                       "\"path\":\"/b\"},\"annotations\":{\"k\":\"1\","
                       "\"j\":\"2\",\"k\":\"3\"}}",
                       &c, &err)
           == 0);
  EXPECT_STR (c->root->path, "/b");
  EXPECT_UINT (c->annotations.len, 2);
  EXPECT_STR (c->annotations.keys[0], "k");
  EXPECT_STR (c->annotations.values[0], "3");
  EXPECT_STR (c->annotations.keys[1], "j");
  EXPECT (c->process == NULL);
out:
  print_error (err);
  oci_config_free (c);
  lodge_error_free (&err);
  end ("repeated keys: last wins, map keeps order");
}

static void
expect_refused (const char *text, const char *want)
{
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;

  EXPECT_INT (parse_text (text, &c, &err), -1);
  EXPECT (c == NULL);
  EXPECT_STR (err ? err->msg : NULL, want);
  oci_config_free (c);
  lodge_error_free (&err);
}

#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"

static void
test_numbers (void)
{
  begin ();
  expect_refused (HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\","
                       "\"user\":{\"uid\":4294967295,\"gid\":1e3}}}",
                  "config.json: process.user.gid: expected an unsigned "
                  "integer, got 1e3");
  expect_refused (HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\","
                       "\"oomScoreAdj\":2147483648}}",
                  "config.json: process.oomScoreAdj: 2147483648 is out of "
                  "range (-2147483648 to 2147483647)");
  expect_refused (HEAD "\"linux\":{\"resources\":{\"memory\":{\"limit\":"
                       "9223372036854775808}}}}",
                  "config.json: linux.resources.memory.limit: "
                  "9223372036854775808 is out of range "
                  "(-9223372036854775808 to 9223372036854775807)");
  expect_refused (HEAD "\"linux\":{\"resources\":{\"memory\":{\"limit\":"
                       "-9223372036854775809}}}}",
                  "config.json: linux.resources.memory.limit: "
                  "-9223372036854775809 is out of range "
                  "(-9223372036854775808 to 9223372036854775807)");
  expect_refused (HEAD "\"linux\":{\"resources\":{\"cpu\":{\"shares\":-2}}}"
                       "}",
                  "config.json: linux.resources.cpu.shares: -2 is out of "
                  "range (0 to 18446744073709551615)");
  expect_refused (HEAD "\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":"
                       "\"/dev/x\",\"major\":1,\"minor\":2,\"fileMode\":"
                       "-1}]}}",
                  "config.json: linux.devices[0].fileMode: -1 is out of "
                  "range (0 to 4294967295)");
  expect_refused (HEAD "\"linux\":{\"timeOffsets\":{\"monotonic\":{"
                       "\"secs\":1,\"nanosecs\":true}}}}",
                  "config.json: linux.timeOffsets.monotonic.nanosecs: "
                  "expected an unsigned integer, got true");
  expect_refused (HEAD "\"linux\":{\"resources\":{\"memory\":{"
                       "\"disableOOMKiller\":1}}}}",
                  "config.json: linux.resources.memory.disableOOMKiller: "
                  "expected a boolean, got 1");
  expect_refused (HEAD "\"linux\":{\"seccomp\":{\"defaultAction\":\"A\","
                       "\"syscalls\":[{\"names\":[\"x\"],\"action\":\"A\","
                       "\"args\":[{\"index\":0,\"value\":1.0,\"op\":\"X\"}]"
                       "}]}}}",
                  "config.json: linux.seccomp.syscalls[0].args[0].value: "
                  "expected an unsigned integer, got 1.0");
  expect_refused (HEAD "\"annotations\":{\"x\":\"y\\nz\",\"k\\n\":null}}",
                  "config.json: annotations[\"k\\n\"]: expected a string, "
                  "got null");
  end ("numbers: ranges, fractions, exponents, signs");
}

static void
test_hostile (void)
{
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;
  cleanup_free char *big = NULL;
  size_t n = 1 << 20;

  begin ();
  /* A megabyte-long value is quoted in a short message. */
  big = malloc (n + 128);
  REQUIRE (big != NULL);
  strcpy (big, HEAD "\"hostname\":\"");
  memset (big + strlen (big), 'x', n);
  strcpy (big + strlen (HEAD "\"hostname\":\"") + n, "\",\"mounts\":{}}");
  REQUIRE (parse_text (big, &c, &err) < 0);
  EXPECT_STR (err->msg, "config.json: mounts: expected an array, got an "
                        "object");
  lodge_error_free (&err);

  strcpy (big, HEAD "\"hostname\":");
  memset (big + strlen (big), '7', n);
  big[strlen (HEAD "\"hostname\":") + n] = '\0';
  strcat (big, "}");
  REQUIRE (parse_text (big, &c, &err) < 0);
  EXPECT (strncmp (err->msg,
                   "config.json: hostname: expected a string, got "
                   "7777",
                   45)
          == 0);
  EXPECT (strlen (err->msg) < 160);
  lodge_error_free (&err);

  /* Control characters and quotes in a value are escaped in the message,
   * and a long UTF-8 value is not cut inside a character. */
  expect_refused (HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"a\\\"b\\u0001"
                       "\\t\"}}",
                  "config.json: process.cwd: must be an absolute path, got "
                  "\"a\\\"b\\u0001\\t\"");
  expect_refused (HEAD "\"process\":{\"args\":[\"a\"],\"cwd\":\"xxx"
                       "ééééééééééééééééééééééééééééééééééééééééé\"}}",
                  "config.json: process.cwd: must be an absolute path, got "
                  "\"xxxéééééééééééééééééééééééééééééé\"...");

  /* Brackets inside strings do not count as nesting. */
  {
    char text[512];
    char deep[200];
    memset (deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    snprintf (text, sizeof text, HEAD "\"hostname\":\"%s\"}", deep);
    EXPECT (parse_text (text, &c, &err) == 0);
    print_error (err);
    oci_config_free (c);
    c = NULL;
    lodge_error_free (&err);
  }

  /* Not UTF-8 */
  expect_refused (HEAD "\"hostname\":\"\xff\"}",
                  "config.json: invalid JSON: line 1, column 55: invalid "
                  "bytes in UTF8 string");
  expect_refused (HEAD "\"hostname\":\"a\"} {}",
                  "config.json: invalid JSON: line 1, column 59: trailing "
                  "garbage");
  EXPECT_INT (oci_config_parse_data (NULL, 0, "config.json", &c, &err), -1);
  EXPECT_STR (err ? err->msg : NULL,
              "config.json: invalid JSON: line 1, column 1: premature EOF");
out:
  oci_config_free (c);
  lodge_error_free (&err);
  end ("hostile input: huge values, escapes, UTF-8, trailing garbage");

  begin ();
  c = NULL;
  EXPECT_INT (oci_config_parse_file ("/nonexistent/config.json", "config.json",
                                     &c, &err),
              -ENOENT);
  EXPECT_STR (err ? err->msg : NULL, "open /nonexistent/config.json: No "
                                     "such file or directory");
  EXPECT_INT (err ? err->status : 0, ENOENT);
  lodge_error_free (&err);
  end ("missing file: errno kept");
}

/* ---- process.json, resources -------------------------------------------- */

static void
test_process_file (void)
{
  cleanup_free char *good = data_path ("process.json");
  cleanup_free char *bad = data_path ("bad-process/relative-cwd.json");
  cleanup_free char *bad2 = data_path ("bad-process/rlimit.json");
  struct oci_process *p = NULL;
  lodge_error_t err = NULL;

  begin ();
  EXPECT_INT (oci_process_parse_file (good, "process.json", &p, &err), 0);
  print_error (err);
  REQUIRE (p != NULL);
  EXPECT (p->terminal);
  EXPECT_STRV (p->args, p->args_len, "/bin/ps", "aux");
  EXPECT_STRV (p->env, p->env_len, "PATH=/bin");
  EXPECT_STR (p->cwd, "/tmp");
  EXPECT_UINT (p->user.uid, 33);
  EXPECT_UINT (p->user.gid, 33);
  EXPECT_STRV (p->capabilities->bounding, p->capabilities->bounding_len,
               "CAP_KILL");
  EXPECT (p->no_new_privileges);
  EXPECT_STR (p->apparmor_profile, "unconfined");
  EXPECT (p->has_console_size && p->console_width == 120);
out:
  oci_process_free (p);
  p = NULL;
  lodge_error_free (&err);
  end ("process.json: parsed like config's process");

  begin ();
  EXPECT_INT (oci_process_parse_file (bad, "process.json", &p, &err), -1);
  EXPECT (p == NULL);
  EXPECT_STR (err ? err->msg : NULL, "process.json: cwd: must be an "
                                     "absolute path, got \"tmp\"");
  lodge_error_free (&err);
  EXPECT_INT (oci_process_parse_file (bad2, "process.json", &p, &err), -1);
  EXPECT_STR (err ? err->msg : NULL, "process.json: rlimits[0].soft: "
                                     "missing required field");
  lodge_error_free (&err);
  end ("process.json: errors are relative to the process object");
}

static void
test_resources (void)
{
  cleanup_free char *path = data_path ("resources.json");
  cleanup_free char *text = NULL;
  struct oci_resources *r = NULL;
  lodge_error_t err = NULL;
  size_t len = 0;

  begin ();
  text = slurp (path, &len);
  REQUIRE (text != NULL);
  EXPECT_INT (oci_resources_parse_data (text, len, "resources.json", &r, &err),
              0);
  print_error (err);
  REQUIRE (r != NULL);
  EXPECT (r->memory && r->memory->has_limit && r->memory->limit == 1048576);
  EXPECT (r->memory && r->memory->has_swap && r->memory->swap == -1);
  EXPECT (r->cpu && r->cpu->has_quota && r->cpu->quota == -1);
  EXPECT_STR (r->cpu ? r->cpu->cpus : NULL, "1");
  EXPECT (r->pids && r->pids->has_limit && r->pids->limit == -1);
  EXPECT (r->block_io && r->block_io->has_weight && r->block_io->weight == 10);
  EXPECT_UINT (r->unified.len, 1);
out:
  oci_resources_free (r);
  r = NULL;
  lodge_error_free (&err);
  end ("oci_resources_parse_data: update --resources document");

  begin ();
  {
    static const char t[] = "{\"cpu\":{\"shares\":\"many\"}}";
    EXPECT_INT (
        oci_resources_parse_data (t, sizeof t - 1, "resources.json", &r, &err),
        -1);
    EXPECT (r == NULL);
    EXPECT_STR (err ? err->msg : NULL,
                "resources.json: cpu.shares: expected an unsigned integer, "
                "got \"many\"");
    lodge_error_free (&err);
  }
  end ("oci_resources_parse_data: errors name the path");
}

/* ---- state -------------------------------------------------------------- */

static void
set_map (struct oci_map *m, const char *const *kv)
{
  size_t n = 0;

  while (kv[2 * n])
    n++;
  m->keys = calloc (n + 1, sizeof *m->keys);
  m->values = calloc (n + 1, sizeof *m->values);
  for (size_t i = 0; i < n; i++)
    {
      m->keys[i] = strdup (kv[2 * i]);
      m->values[i] = strdup (kv[2 * i + 1]);
    }
  m->len = n;
}

static struct oci_state *
sample_state (void)
{
  struct oci_state *s = calloc (1, sizeof *s);

  s->oci_version = strdup ("1.2.0");
  s->id = strdup ("c\"1");
  s->status = strdup ("running");
  s->pid = 4242;
  s->bundle = strdup ("/srv/bundles/c1");
  set_map (&s->annotations,
           (const char *const[]){ "a", "1", "b\\", "two\nlines", NULL });
  s->pid_start_time = 18446744073709551615ull;
  s->created = strdup ("2024-05-01T10:20:30.123456789Z");
  s->rootfs = strdup ("/srv/bundles/c1/rootfs");
  s->owner = strdup ("");
  s->cgroup_path = strdup ("/sys/fs/cgroup/lodge/c1");
  s->systemd_cgroup = true;
  s->config_path = strdup ("/srv/bundles/c1/config.json");
  return s;
}

static void
clear_map (struct oci_map *m)
{
  for (size_t i = 0; i < m->len; i++)
    {
      free (m->keys[i]);
      free (m->values[i]);
    }
  free (m->keys);
  free (m->values);
  *m = (struct oci_map){ 0 };
}

static void
test_state_public (void)
{
  struct oci_state *s = sample_state ();
  cleanup_free char *out = NULL;
  lodge_error_t err = NULL;
  size_t len = 0;

  begin ();
  EXPECT_INT (oci_state_emit (s, false, &out, &len, &err), 0);
  EXPECT_STR (out, "{\"ociVersion\":\"1.2.0\",\"id\":\"c\\\"1\",\"status\":"
                   "\"running\",\"pid\":4242,\"bundle\":\"/srv/bundles/c1\","
                   "\"annotations\":{\"a\":\"1\",\"b\\\\\":\"two\\nlines\"}}");
  EXPECT_UINT (len, out ? strlen (out) : 0);
  free (out);
  out = NULL;

  /* Stopped: no pid.  No annotations: no member. */
  free (s->status);
  s->status = strdup ("stopped");
  clear_map (&s->annotations);
  EXPECT_INT (oci_state_emit (s, true, &out, &len, &err), 0);
  EXPECT_STR (out, "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"id\": \"c\\\"1\",\n"
                   "\t\"status\": \"stopped\",\n\t\"bundle\": "
                   "\"/srv/bundles/c1\"\n}\n");
  free (out);
  out = NULL;

  /* Pid 0: no pid either. */
  free (s->status);
  s->status = strdup ("created");
  s->pid = 0;
  EXPECT_INT (oci_state_emit (s, false, &out, &len, &err), 0);
  EXPECT_STR (out, "{\"ociVersion\":\"1.2.0\",\"id\":\"c\\\"1\",\"status\":"
                   "\"created\",\"bundle\":\"/srv/bundles/c1\"}");
  print_error (err);
  oci_state_free (s);
  lodge_error_free (&err);
  end ("oci_state_emit: public fields, pid and annotations only when set");
}

static void
test_state_private (void)
{
  struct oci_state *s = sample_state ();
  struct oci_state *back = NULL;
  cleanup_free char *out = NULL;
  cleanup_free char *again = NULL;
  lodge_error_t err = NULL;
  size_t len = 0, again_len = 0;

  begin ();
  EXPECT_INT (oci_state_emit_private (s, &out, &len, &err), 0);
  REQUIRE (out != NULL);
  EXPECT_INT (oci_state_parse_data (out, len, "state.json", &back, &err), 0);
  print_error (err);
  REQUIRE (back != NULL);
  EXPECT_STR (back->oci_version, s->oci_version);
  EXPECT_STR (back->id, s->id);
  EXPECT_STR (back->status, s->status);
  EXPECT_INT (back->pid, s->pid);
  EXPECT_STR (back->bundle, s->bundle);
  EXPECT_UINT (back->annotations.len, 2);
  if (back->annotations.len == 2)
    {
      EXPECT_STR (back->annotations.keys[1], "b\\");
      EXPECT_STR (back->annotations.values[1], "two\nlines");
    }
  EXPECT_UINT (back->pid_start_time, s->pid_start_time);
  EXPECT_STR (back->created, s->created);
  EXPECT_STR (back->rootfs, s->rootfs);
  EXPECT_STR (back->owner, "");
  EXPECT_STR (back->cgroup_path, s->cgroup_path);
  EXPECT (back->systemd_cgroup);
  EXPECT_STR (back->config_path, s->config_path);

  /* And once more: the second text is the first. */
  EXPECT_INT (oci_state_emit_private (back, &again, &again_len, &err), 0);
  EXPECT_STR (again, out);
out:
  oci_state_free (s);
  oci_state_free (back);
  lodge_error_free (&err);
  end ("oci_state_emit_private / oci_state_parse_data round-trip");
}

static void
test_state_parse_errors (void)
{
  static const char negative[]
      = "{\"id\":\"x\",\"status\":\"running\",\"pid\":-5}";
  static const char extra[] = "{\"id\":\"x\",\"status\":\"running\","
                              "\"pid\":7,\"unknown\":[1]}";
  struct oci_state empty = { 0 };
  struct oci_state *back = NULL;
  cleanup_free char *out = NULL;
  lodge_error_t err = NULL;
  size_t len = 0;

  begin ();
  EXPECT_INT (oci_state_emit_private (&empty, &out, &len, &err), 0);
  EXPECT_INT (oci_state_parse_data (out, len, "state.json", &back, &err), -1);
  EXPECT (back == NULL);
  EXPECT_STR (err ? err->msg : NULL, "state.json: id: missing required "
                                     "field");
  lodge_error_free (&err);

  EXPECT_INT (oci_state_parse_data (negative, sizeof negative - 1, "state.json",
                                    &back, &err),
              -1);
  EXPECT_STR (err ? err->msg : NULL, "state.json: pid: must not be "
                                     "negative, got -5");
  lodge_error_free (&err);

  EXPECT_INT (
      oci_state_parse_data (extra, sizeof extra - 1, "state.json", &back, &err),
      0);
  EXPECT (back && back->pid == 7 && back->bundle == NULL
          && !back->systemd_cgroup);
  oci_state_free (back);
  back = NULL;

  EXPECT_INT (oci_state_parse_data ("{", 1, "state.json", &back, &err), -1);
  EXPECT_STR (err ? err->msg : NULL, "state.json: invalid JSON: line 1, "
                                     "column 2: premature EOF");
  lodge_error_free (&err);
  end ("oci_state_parse_data: validation");
}

/* ---- writer ------------------------------------------------------------- */

static void
test_writer (void)
{
  struct oci_json *j = oci_json_new (false);
  char *const strv[] = { "a", "b\"c", NULL };
  const char *text;
  size_t len = 0;

  begin ();
  REQUIRE (j != NULL);
  EXPECT_STR (oci_json_buffer (j, &len), "");
  EXPECT_UINT (len, 0);
  oci_json_map_open (j);
  oci_json_kv_string (j, "q\"k\\\n", "tab\tctl\x01 é / end");
  oci_json_kv_string (j, "null", NULL);
  oci_json_kv_int (j, "neg", LLONG_MIN);
  oci_json_key (j, "umax");
  oci_json_uint (j, ULLONG_MAX);
  oci_json_kv_bool (j, "t", true);
  oci_json_kv_bool (j, "f", false);
  oci_json_key (j, "n");
  oci_json_null (j);
  oci_json_kv_strv (j, "strv", strv, 2);
  oci_json_kv_strv (j, "none", NULL, 0);
  oci_json_key (j, "nested");
  oci_json_array_open (j);
  oci_json_map_open (j);
  oci_json_map_close (j);
  oci_json_array_open (j);
  oci_json_array_close (j);
  oci_json_int (j, 0);
  oci_json_array_close (j);
  text = oci_json_buffer (j, &len);
  /* Before the document is finished, the text so far. */
  EXPECT (strncmp (text, "{\"q\\\"k\\\\\\n\":", 12) == 0);
  oci_json_map_close (j);
  text = oci_json_buffer (j, &len);
  EXPECT_STR (text, "{\"q\\\"k\\\\\\n\":\"tab\\tctl\\u0001 é / end\","
                    "\"null\":null,\"neg\":-9223372036854775808,"
                    "\"umax\":18446744073709551615,\"t\":true,\"f\":false,"
                    "\"n\":null,\"strv\":[\"a\",\"b\\\"c\"],\"none\":[],"
                    "\"nested\":[{},[],0]}");
  EXPECT_UINT (len, strlen (text));
out:
  oci_json_free (j);
  end ("oci_json writer: escaping, numbers, compact text");
}

static void
test_writer_pretty (void)
{
  char *const strv[] = { "a", "b\"c", NULL };
  struct oci_json *j;
  size_t len = 0;

  begin ();
  j = oci_json_new (true);
  REQUIRE (j != NULL);
  oci_json_map_open (j);
  oci_json_kv_string (j, "a", "b");
  oci_json_key (j, "e");
  oci_json_array_open (j);
  oci_json_array_close (j);
  oci_json_key (j, "o");
  oci_json_map_open (j);
  oci_json_map_close (j);
  oci_json_kv_strv (j, "l", strv, 2);
  oci_json_map_close (j);
  EXPECT_STR (oci_json_buffer (j, NULL),
              "{\n\t\"a\": \"b\",\n\t\"e\": [],\n\t\"o\": {},\n\t\"l\": [\n"
              "\t\t\"a\",\n\t\t\"b\\\"c\"\n\t]\n}\n");
  /* Misuse (a value where a key belongs) leaves the text alone. */
  oci_json_free (j);
  j = oci_json_new (false);
  oci_json_map_open (j);
  oci_json_int (j, 1);
  oci_json_kv_int (j, "k", 2);
  oci_json_map_close (j);
  EXPECT_STR (oci_json_buffer (j, NULL), "{\"k\":2}");
  /* And NULL is harmless. */
  oci_json_map_open (NULL);
  oci_json_free (NULL);
  EXPECT_STR (oci_json_buffer (NULL, &len), "");
out:
  oci_json_free (j);
  end ("oci_json writer: tab-indented pretty text, [] and {}");
}

static void
test_get_string (void)
{
  static const char doc[] = "{\"a\":{\"b\":\"x\",\"n\":123,\"o\":{}},"
                            "\"top\":\"t\",\"big\":18446744073709551615}";
  char *v;

  begin ();
  v = oci_json_get_string (doc, (const char *const[]){ "a", "b", NULL });
  EXPECT_STR (v, "x");
  free (v);
  v = oci_json_get_string (doc, (const char *const[]){ "top", NULL });
  EXPECT_STR (v, "t");
  free (v);
  v = oci_json_get_string (doc, (const char *const[]){ "a", "n", NULL });
  EXPECT_STR (v, "123");
  free (v);
  v = oci_json_get_string (doc, (const char *const[]){ "big", NULL });
  EXPECT_STR (v, "18446744073709551615");
  free (v);
  v = oci_json_get_string (doc, (const char *const[]){ "a", "o", NULL });
  EXPECT (v == NULL);
  v = oci_json_get_string (doc, (const char *const[]){ "a", "zz", NULL });
  EXPECT (v == NULL);
  v = oci_json_get_string (doc, (const char *const[]){ "top", "x", NULL });
  EXPECT (v == NULL);
  v = oci_json_get_string ("{nope", (const char *const[]){ "a", NULL });
  EXPECT (v == NULL);
  v = oci_json_get_string (NULL, (const char *const[]){ "a", NULL });
  EXPECT (v == NULL);
  end ("oci_json_get_string: strings, integers, absent");

  begin ();
  EXPECT_INT (oci_json_get_int (doc, (const char *const[]){ "a", "n", NULL }),
              123);
  EXPECT_INT (oci_json_get_int (doc, (const char *const[]){ "a", "b", NULL }),
              -1);
  EXPECT_INT (oci_json_get_int (doc, (const char *const[]){ "big", NULL }), -1);
  EXPECT_INT (oci_json_get_int (doc, (const char *const[]){ "no", NULL }), -1);
  EXPECT_INT (oci_json_get_int ("{\"f\":1.5,\"z\":0}",
                                (const char *const[]){ "f", NULL }),
              -1);
  EXPECT_INT (oci_json_get_int ("{\"f\":1.5,\"z\":0}",
                                (const char *const[]){ "z", NULL }),
              0);
  end ("oci_json_get_int: integers only, -1 when absent");
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DATA_DIR\n", argv[0]);
      return 2;
    }
  data_dir = argv[1];

  test_errors ();
  test_full ();
  test_full_emit ();
  test_clients ();
  test_client_podman ();
  test_client_cri_container ();
  test_client_ctr ();
  test_client_cri_sandbox ();
  test_bad_files ();
  test_versions ();
  test_minimal_and_defaults ();
  test_repeated_keys ();
  test_numbers ();
  test_hostile ();
  test_process_file ();
  test_resources ();
  test_state_public ();
  test_state_private ();
  test_state_parse_errors ();
  test_writer ();
  test_writer_pretty ();
  test_get_string ();

  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
