/* lodge: pause, resume, update, events and ps. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "container_cgroup_ops.h"
#include "state.h"
#include "utils.h"

/* The state of `id`, read under its lock (held until
 * lodge_state_dir_close), as every command on an id does. */
static int
open_state (struct lodge_context *ctx, const char *id,
            struct lodge_state_dir *dir, struct oci_state **s,
            lodge_error_t *err)
{
  if (lodge_container_open (ctx, id, dir, s, err) < 0)
    return -1;
  if ((*s)->cgroup_path == NULL)
    {
      oci_state_free (*s);
      lodge_state_dir_close (dir);
      return lodge_error (err, 0,
                          "container \"%s\" has no cgroup (created with "
                          "--cgroup-manager disabled)",
                          id);
    }
  return 0;
}

static void
close_state (struct lodge_state_dir *dir, struct oci_state *s)
{
  oci_state_free (s);
  lodge_state_dir_close (dir);
}

/* ---- pause / resume ------------------------------------------------------ */

int
lodge_container_pause (struct lodge_context *ctx, const char *id,
                       lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (open_state (ctx, id, &dir, &s, err) < 0)
    return -1;
  int r;
  if (strcmp (s->status, "running") != 0)
    r = lodge_error (err, 0, "container \"%s\" is not running (it is %s)", id,
                     s->status);
  else
    r = lodge_cgroup_freeze (s->cgroup_path, true, err);
  close_state (&dir, s);
  return r;
}

int
lodge_container_resume (struct lodge_context *ctx, const char *id,
                        lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (open_state (ctx, id, &dir, &s, err) < 0)
    return -1;
  int r;
  if (strcmp (s->status, "paused") != 0)
    r = lodge_error (err, 0, "container \"%s\" is not paused (it is %s)", id,
                     s->status);
  else
    r = lodge_cgroup_freeze (s->cgroup_path, false, err);
  close_state (&dir, s);
  return r;
}

/* ---- update ---------------------------------------------------------------
 */

static int
read_all_fd (int fd, const char *name, char **out, size_t *len,
             lodge_error_t *err)
{
  size_t cap = 4096, n = 0;
  char *buf = malloc (cap + 1);
  if (buf == NULL)
    return lodge_error (err, errno, "read %s", name);
  for (;;)
    {
      if (n == cap)
        {
          char *nb = cap < (16u << 20) ? realloc (buf, cap * 2 + 1) : NULL;
          if (nb == NULL)
            {
              free (buf);
              return lodge_error (err, EFBIG, "read %s", name);
            }
          buf = nb;
          cap *= 2;
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          free (buf);
          return lodge_error (err, e, "read %s", name);
        }
      if (r == 0)
        break;
      n += (size_t)r;
    }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

static void *
ensure (void **p, size_t size)
{
  if (*p == NULL && (*p = calloc (1, size)) == NULL)
    abort ();
  return *p;
}

static int
update_resources (const struct lodge_update_options *o,
                  struct oci_resources **out, lodge_error_t *err)
{
  struct oci_resources *r = NULL;
  if (o->l3_cache_schema || o->mem_bw_schema)
    return lodge_error (err, 0, "update: --%s: lodge has no Intel RDT support",
                        o->l3_cache_schema ? "l3-cache-schema"
                                           : "mem-bw-schema");
  if (o->resources)
    {
      cleanup_free char *data = NULL;
      size_t len = 0;
      bool in = strcmp (o->resources, "-") == 0;
      cleanup_close int fd
          = in ? dup (0) : open (o->resources, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return lodge_error (err, errno, "open %s",
                            in ? "standard input" : o->resources);
      if (read_all_fd (fd, in ? "standard input" : o->resources, &data, &len,
                       err)
          < 0)
        return -1;
      if (oci_resources_parse_data (
              data, len, in ? "resources (stdin)" : o->resources, &r, err)
          < 0)
        return -1;
    }
  else if ((r = calloc (1, sizeof *r)) == NULL)
    return lodge_error (err, errno, "update");

#define MEM()                                                                  \
  ((struct oci_memory *)ensure ((void **)&r->memory, sizeof *r->memory))
#define CPU() ((struct oci_cpu *)ensure ((void **)&r->cpu, sizeof *r->cpu))
  if (o->has_memory)
    MEM ()->has_limit = true, r->memory->limit = o->memory;
  if (o->has_memory_swap)
    MEM ()->has_swap = true, r->memory->swap = o->memory_swap;
  if (o->has_memory_reservation)
    MEM ()->has_reservation = true,
        r->memory->reservation = o->memory_reservation;
  if (o->has_kernel_memory)
    MEM ()->has_kernel = true, r->memory->kernel = o->kernel_memory;
  if (o->has_kernel_memory_tcp)
    MEM ()->has_kernel_tcp = true, r->memory->kernel_tcp = o->kernel_memory_tcp;
  if (o->has_cpu_shares)
    CPU ()->has_shares = true, r->cpu->shares = o->cpu_shares;
  if (o->has_cpu_quota)
    CPU ()->has_quota = true, r->cpu->quota = o->cpu_quota;
  if (o->has_cpu_period)
    CPU ()->has_period = true, r->cpu->period = o->cpu_period;
  if (o->has_cpu_rt_period)
    CPU ()->has_realtime_period = true,
        r->cpu->realtime_period = o->cpu_rt_period;
  if (o->has_cpu_rt_runtime)
    CPU ()->has_realtime_runtime = true,
        r->cpu->realtime_runtime = o->cpu_rt_runtime;
  if (o->cpuset_cpus)
    {
      free (CPU ()->cpus);
      r->cpu->cpus = strdup (o->cpuset_cpus);
    }
  if (o->cpuset_mems)
    {
      free (CPU ()->mems);
      r->cpu->mems = strdup (o->cpuset_mems);
    }
  if (o->has_pids_limit)
    {
      ensure ((void **)&r->pids, sizeof *r->pids);
      r->pids->has_limit = true;
      r->pids->limit = o->pids_limit;
    }
  if (o->has_blkio_weight)
    {
      ensure ((void **)&r->block_io, sizeof *r->block_io);
      r->block_io->has_weight = true;
      r->block_io->weight = o->blkio_weight;
    }
#undef MEM
#undef CPU
  *out = r;
  return 0;
}

int
lodge_container_update (struct lodge_context *ctx, const char *id,
                        const struct lodge_update_options *o,
                        lodge_error_t *err)
{
  struct oci_resources *r = NULL;
  /* The document is read before the lock is taken: stdin may be slow. */
  if (update_resources (o, &r, err) < 0)
    return -1;
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (open_state (ctx, id, &dir, &s, err) < 0)
    {
      oci_resources_free (r);
      return -1;
    }
  int ret;
  if (strcmp (s->status, "stopped") == 0)
    ret = lodge_error (err, 0, "container \"%s\" is not running", id);
  else
    ret = lodge_cgroup_update (s->cgroup_path, r, err);
  if (ret < 0)
    lodge_error_prefix (err, "update container \"%s\"", id);
  close_state (&dir, s);
  oci_resources_free (r);
  return ret;
}

/* ---- events ----------------------------------------------------------- */

static int
emit_line (struct oci_json *j)
{
  size_t len;
  const char *buf = oci_json_buffer (j, &len);
  fwrite (buf, 1, len, stdout);
  fputc ('\n', stdout);
  return fflush (stdout);
}

static int
emit_stats (const char *id, const char *path, lodge_error_t *err)
{
  struct oci_json *j = oci_json_new (false);
  oci_json_map_open (j);
  oci_json_kv_string (j, "type", "stats");
  oci_json_kv_string (j, "id", id);
  oci_json_key (j, "data");
  int r = lodge_cgroup_stats (path, j, err);
  oci_json_map_close (j);
  if (r == 0 && emit_line (j) != 0)
    r = lodge_error (err, errno, "write the stats of container \"%s\"", id);
  oci_json_free (j);
  return r;
}

static int
emit_oom (const char *id, lodge_error_t *err)
{
  struct oci_json *j = oci_json_new (false);
  oci_json_map_open (j);
  oci_json_kv_string (j, "type", "oom");
  oci_json_kv_string (j, "id", id);
  oci_json_map_close (j);
  int r = emit_line (j) != 0
              ? lodge_error (err, errno, "write an OOM event of \"%s\"", id)
              : 0;
  oci_json_free (j);
  return r;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Report what the watch has seen; false once the cgroup is gone. */
static int
drain_oom (const char *id, struct lodge_cgroup_oom **w, lodge_error_t *err)
{
  uint64_t n = 0;
  bool gone = false;
  if (lodge_cgroup_oom_read (*w, &n, &gone, err) < 0)
    return -1;
  if (n > 0 && emit_oom (id, err) < 0)
    return -1;
  if (gone)
    {
      lodge_cgroup_oom_free (*w);
      *w = NULL;
    }
  return 0;
}

int
lodge_container_events (struct lodge_context *ctx, const char *id,
                        bool stats_only, unsigned interval_ms,
                        lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (open_state (ctx, id, &dir, &s, err) < 0)
    return -1;
  /* The stream runs as long as the container: it must not hold the lock
   * every other command on the id needs. */
  cleanup_free char *path = strdup (s->cgroup_path);
  pid_t pid = s->pid;
  uint64_t start = s->pid_start_time;
  bool stopped = strcmp (s->status, "stopped") == 0;
  close_state (&dir, s);
  if (stopped)
    return lodge_error (err, 0, "container \"%s\" is not running", id);
  if (stats_only)
    return emit_stats (id, path, err);

  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0 || !lodge_pid_alive (pid, start))
    {
      if (pidfd < 0 && errno != ESRCH)
        return lodge_error (err, errno, "pidfd_open %d", pid);
      return lodge_error (err, 0, "container \"%s\" is not running", id);
    }
  struct lodge_cgroup_oom *w = NULL;
  if (lodge_cgroup_oom_watch (path, &w, err) < 0)
    return -1;
  int ret = 0;
  long long next = now_ms () + interval_ms;
  while (ret == 0)
    {
      long long wait = next - now_ms ();
      struct pollfd p[2]
          = { { .fd = pidfd, .events = POLLIN },
              { .fd = lodge_cgroup_oom_fd (w), .events = POLLIN } };
      int n = poll (p, w ? 2 : 1, wait > 0 ? (int)wait : 0);
      if (n < 0 && errno != EINTR)
        {
          ret = lodge_error (err, errno, "poll");
          break;
        }
      if (w && (p[1].revents & POLLIN))
        ret = drain_oom (id, &w, err);
      if (ret == 0 && (p[0].revents & POLLIN))
        {
          /* The init is gone; an OOM kill that took it is reported
           * first. */
          if (w && poll (&p[1], 1, 100) > 0)
            ret = drain_oom (id, &w, err);
          break;
        }
      if (ret == 0 && now_ms () >= next)
        {
          ret = emit_stats (id, path, err);
          next = now_ms () + interval_ms;
        }
    }
  lodge_cgroup_oom_free (w);
  return ret;
}

/* ---- ps ------------------------------------------------------------------ */

static int
run_ps (char *const *args, size_t nargs, char **out, lodge_error_t *err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return lodge_error (err, errno, "pipe");
  fflush (NULL);
  pid_t child = fork ();
  if (child < 0)
    {
      int e = errno;
      close (pipefd[0]);
      close (pipefd[1]);
      return lodge_error (err, e, "fork");
    }
  if (child == 0)
    {
      char *argv[nargs + 3];
      size_t k = 0;
      argv[k++] = (char *)"ps";
      if (nargs == 0)
        argv[k++] = (char *)"-ef";
      for (size_t i = 0; i < nargs; i++)
        argv[k++] = args[i];
      argv[k] = NULL;
      dup2 (pipefd[1], 1);
      dup2 (pipefd[1], 2);
      execvp ("ps", argv);
      dprintf (2, "exec ps: %s", strerror (errno));
      _exit (127);
    }
  close (pipefd[1]);
  size_t len = 0;
  int r = read_all_fd (pipefd[0], "the output of ps", out, &len, err);
  close (pipefd[0]);
  int status = 0;
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      for (char *c = *out; *c; c++)
        if (*c == '\n')
          *c = ' ';
      r = lodge_error (err, 0, "ps: exit status %d: %s",
                       WIFEXITED (status) ? WEXITSTATUS (status)
                                          : 128 + WTERMSIG (status),
                       *out);
      free (*out);
      *out = NULL;
      return r;
    }
  return 0;
}

/* The n-th whitespace-separated field of a line, as a number (or -1). */
static long
field_number (const char *line, int n)
{
  const char *p = line;
  for (int i = 0;; i++)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '\n')
        return -1;
      if (i == n)
        {
          char *end;
          long v = strtol (p, &end, 10);
          return end != p
                         && (*end == ' ' || *end == '\t' || *end == '\n'
                             || *end == '\0')
                     ? v
                     : -1;
        }
      while (*p && *p != ' ' && *p != '\t' && *p != '\n')
        p++;
    }
}

int
lodge_container_ps (struct lodge_context *ctx, const char *id, bool json,
                    char *const *args, size_t nargs, lodge_error_t *err)
{
  struct lodge_state_dir dir = { .dirfd = -1 };
  struct oci_state *s = NULL;
  if (open_state (ctx, id, &dir, &s, err) < 0)
    return -1;
  pid_t *pids = NULL;
  size_t n = 0;
  int r = lodge_cgroup_pids (s->cgroup_path, &pids, &n, err);
  close_state (&dir, s);
  if (r < 0)
    return -1;
  if (json)
    {
      struct oci_json *j = oci_json_new (false);
      oci_json_array_open (j);
      for (size_t i = 0; i < n; i++)
        oci_json_int (j, pids[i]);
      oci_json_array_close (j);
      emit_line (j);
      oci_json_free (j);
      free (pids);
      return 0;
    }
  cleanup_free char *out = NULL;
  if (run_ps (args, nargs, &out, err) < 0)
    {
      free (pids);
      return -1;
    }
  /* The PID column is found by its header, as runc does. */
  char *eol = strchr (out, '\n');
  cleanup_free char *header
      = strndup (out, eol ? (size_t)(eol - out) : strlen (out));
  int col = -1, k = 0;
  char *save = NULL;
  cleanup_free char *hcopy = strdup (header);
  for (char *w = strtok_r (hcopy, " \t", &save); w;
       w = strtok_r (NULL, " \t", &save), k++)
    if (strcmp (w, "PID") == 0)
      {
        col = k;
        break;
      }
  if (col < 0)
    {
      free (pids);
      return lodge_error (err, 0, "ps: no PID column in its output: %s",
                          header);
    }
  printf ("%s\n", header);
  for (char *line = eol ? eol + 1 : NULL; line && *line;)
    {
      char *next = strchr (line, '\n');
      if (next)
        *next = '\0';
      long p = field_number (line, col);
      for (size_t i = 0; p > 0 && i < n; i++)
        if (pids[i] == (pid_t)p)
          {
            printf ("%s\n", line);
            break;
          }
      line = next ? next + 1 : NULL;
    }
  free (pids);
  fflush (stdout);
  return 0;
}
