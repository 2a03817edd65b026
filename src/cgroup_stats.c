/* lodge: what `events` reports: the cgroup's statistics in runc's JSON
 * shape (types/events.go), and OOM notifications (v1: an eventfd on
 * memory.oom_control; v2: the oom_kill counter of memory.events).
 *
 * Each controller is read where it lives, so on a hybrid host memory comes
 * from v1 and hugetlb from the unified hierarchy. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "utils.h"

/* ---- reading ------------------------------------------------------------ */

static char *
read_text (const struct lodge_cg_layout *l, int ctrl, const char *path,
           const char *file)
{
  char *v = NULL;
  lodge_error_t e = NULL;
  if (lodge_cg_read (l, ctrl, path, file, &v, &e) < 0)
    {
      lodge_error_free (&e);
      return NULL;
    }
  return v;
}

/* A file holding one number; "max" reads as UINT64_MAX. */
static uint64_t
read_u64 (const struct lodge_cg_layout *l, int ctrl, const char *path,
          const char *file)
{
  cleanup_free char *v = read_text (l, ctrl, path, file);
  if (v == NULL)
    return 0;
  if (strncmp (v, "max", 3) == 0)
    return UINT64_MAX;
  return strtoull (v, NULL, 10);
}

/* One key of a "key value" per line file. */
static uint64_t
keyed (const char *text, const char *key)
{
  size_t kl = strlen (key);
  for (const char *p = text; p && *p;)
    {
      if (strncmp (p, key, kl) == 0 && p[kl] == ' ')
        return strtoull (p + kl + 1, NULL, 10);
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  return 0;
}

static void
kv_u64 (struct oci_json *j, const char *key, uint64_t v)
{
  oci_json_key (j, key);
  oci_json_uint (j, v);
}

/* Go's omitempty: a zero number is left out. */
static void
kv_u64_opt (struct oci_json *j, const char *key, uint64_t v)
{
  if (v)
    kv_u64 (j, key, v);
}

static void
u64_array (struct oci_json *j, const char *key, const uint64_t *v, size_t n)
{
  if (n == 0)
    return;
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (size_t i = 0; i < n; i++)
    oci_json_uint (j, v[i]);
  oci_json_array_close (j);
}

/* ---- cpu ------------------------------------------------------------------
 */

static size_t
split_u64 (const char *text, uint64_t **out)
{
  size_t n = 0, cap = 0;
  uint64_t *v = NULL;
  const char *p = text;
  char *end;
  for (;;)
    {
      while (*p == ' ' || *p == '\n')
        p++;
      if (*p == '\0')
        break;
      uint64_t x = strtoull (p, &end, 10);
      if (end == p)
        break;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 16;
          uint64_t *nv = realloc (v, cap * sizeof *v);
          if (nv == NULL)
            break;
          v = nv;
        }
      v[n++] = x;
      p = end;
    }
  *out = v;
  return n;
}

static void
stats_cpu (const struct lodge_cg_layout *l, const char *path,
           struct oci_json *j)
{
  uint64_t total = 0, kernel = 0, user = 0, periods = 0, throttled = 0,
           throttled_time = 0;
  cleanup_free uint64_t *percpu = NULL, *pk = NULL, *pu = NULL;
  size_t npercpu = 0, npk = 0, npu = 0;
  int acct = lodge_cg_layout_hier (l, CG_CPUACCT);
  int cpu = lodge_cg_layout_hier (l, CG_CPU);
  if (acct >= 0 && !l->h[acct].v2)
    {
      total = read_u64 (l, CG_CPUACCT, path, "cpuacct.usage");
      cleanup_free char *pc
          = read_text (l, CG_CPUACCT, path, "cpuacct.usage_percpu");
      if (pc)
        npercpu = split_u64 (pc, &percpu);
      /* cpuacct.usage_all: "cpu user system", then one line per cpu. */
      cleanup_free char *all
          = read_text (l, CG_CPUACCT, path, "cpuacct.usage_all");
      const char *line = all ? strchr (all, '\n') : NULL;
      while (line && *++line)
        {
          unsigned long long c, u, s;
          if (sscanf (line, "%llu %llu %llu", &c, &u, &s) != 3)
            break;
          uint64_t *nk = realloc (pk, (npk + 1) * sizeof *pk);
          uint64_t *nu = realloc (pu, (npu + 1) * sizeof *pu);
          if (nk)
            pk = nk;
          if (nu)
            pu = nu;
          if (nk == NULL || nu == NULL)
            break;
          pk[npk++] = s;
          pu[npu++] = u;
          line = strchr (line, '\n');
        }
      cleanup_free char *st = read_text (l, CG_CPUACCT, path, "cpuacct.stat");
      long tck = sysconf (_SC_CLK_TCK);
      if (st && tck > 0)
        {
          user = keyed (st, "user") * (1000000000ull / (uint64_t)tck);
          kernel = keyed (st, "system") * (1000000000ull / (uint64_t)tck);
        }
    }
  else if (acct >= 0)
    {
      cleanup_free char *st = read_text (l, CG_CPUACCT, path, "cpu.stat");
      if (st)
        {
          total = keyed (st, "usage_usec") * 1000;
          user = keyed (st, "user_usec") * 1000;
          kernel = keyed (st, "system_usec") * 1000;
        }
    }
  if (cpu >= 0)
    {
      cleanup_free char *st = read_text (l, CG_CPU, path, "cpu.stat");
      if (st)
        {
          periods = keyed (st, "nr_periods");
          throttled = keyed (st, "nr_throttled");
          throttled_time = l->h[cpu].v2 ? keyed (st, "throttled_usec") * 1000
                                        : keyed (st, "throttled_time");
        }
    }
  oci_json_key (j, "cpu");
  oci_json_map_open (j);
  oci_json_key (j, "usage");
  oci_json_map_open (j);
  kv_u64_opt (j, "total", total);
  u64_array (j, "percpu", percpu, npercpu);
  u64_array (j, "percpu_kernel", pk, npk);
  u64_array (j, "percpu_user", pu, npu);
  kv_u64 (j, "kernel", kernel);
  kv_u64 (j, "user", user);
  oci_json_map_close (j);
  oci_json_key (j, "throttling");
  oci_json_map_open (j);
  kv_u64_opt (j, "periods", periods);
  kv_u64_opt (j, "throttledPeriods", throttled);
  kv_u64_opt (j, "throttledTime", throttled_time);
  oci_json_map_close (j);
  oci_json_map_close (j);
}

/* "0-2,5" as [0,1,2,5]. */
static void
cpu_list (struct oci_json *j, const char *key, const char *text)
{
  if (text == NULL || text[0] == '\n' || text[0] == '\0')
    return;
  oci_json_key (j, key);
  oci_json_array_open (j);
  const char *p = text;
  while (*p && *p != '\n')
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        break;
      if (*end == '-')
        b = strtoul (end + 1, &end, 10);
      for (unsigned long i = a; i <= b && i - a < 65536; i++)
        oci_json_uint (j, i);
      p = *end == ',' ? end + 1 : end;
    }
  oci_json_array_close (j);
}

static void
stats_cpuset (const struct lodge_cg_layout *l, const char *path,
              struct oci_json *j)
{
  int h = lodge_cg_layout_hier (l, CG_CPUSET);
  bool v2 = h >= 0 && l->h[h].v2;
  cleanup_free char *cpus = NULL, *mems = NULL;
  if (h >= 0)
    {
      cpus = read_text (l, CG_CPUSET, path,
                        v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
      mems = read_text (l, CG_CPUSET, path,
                        v2 ? "cpuset.mems.effective" : "cpuset.mems");
    }
  static const char *const flags[][2] = {
    { "cpu_exclusive", "cpuset.cpu_exclusive" },
    { "mem_hardwall", "cpuset.mem_hardwall" },
    { "mem_exclusive", "cpuset.mem_exclusive" },
    { "memory_migrate", "cpuset.memory_migrate" },
    { "memory_spread_page", "cpuset.memory_spread_page" },
    { "memory_spread_slab", "cpuset.memory_spread_slab" },
    { "memory_pressure", "cpuset.memory_pressure" },
    { "sched_load_balance", "cpuset.sched_load_balance" },
  };
  oci_json_key (j, "cpuset");
  oci_json_map_open (j);
  cpu_list (j, "cpus", cpus);
  for (size_t i = 0; i < 2; i++)
    kv_u64 (j, flags[i][0],
            h >= 0 && !v2 ? read_u64 (l, CG_CPUSET, path, flags[i][1]) : 0);
  cpu_list (j, "mems", mems);
  for (size_t i = 1; i < sizeof flags / sizeof *flags; i++)
    kv_u64 (j, flags[i][0],
            h >= 0 && !v2 ? read_u64 (l, CG_CPUSET, path, flags[i][1]) : 0);
  cleanup_free char *lvl
      = h >= 0 && !v2
            ? read_text (l, CG_CPUSET, path, "cpuset.sched_relax_domain_level")
            : NULL;
  oci_json_kv_int (j, "sched_relax_domain_level", lvl ? atoll (lvl) : 0);
  oci_json_map_close (j);
}

/* ---- memory ---------------------------------------------------------------
 */

static void
memory_entry (struct oci_json *j, const char *key, uint64_t limit,
              uint64_t usage, uint64_t max, uint64_t failcnt)
{
  oci_json_key (j, key);
  oci_json_map_open (j);
  kv_u64 (j, "limit", limit);
  kv_u64_opt (j, "usage", usage);
  kv_u64_opt (j, "max", max);
  kv_u64 (j, "failcnt", failcnt);
  oci_json_map_close (j);
}

static void
memory_v1_entry (const struct lodge_cg_layout *l, const char *path,
                 struct oci_json *j, const char *key, const char *prefix)
{
  char f[96];
  snprintf (f, sizeof f, "%s.limit_in_bytes", prefix);
  uint64_t limit = read_u64 (l, CG_MEMORY, path, f);
  snprintf (f, sizeof f, "%s.usage_in_bytes", prefix);
  uint64_t usage = read_u64 (l, CG_MEMORY, path, f);
  snprintf (f, sizeof f, "%s.max_usage_in_bytes", prefix);
  uint64_t max = read_u64 (l, CG_MEMORY, path, f);
  snprintf (f, sizeof f, "%s.failcnt", prefix);
  memory_entry (j, key, limit, usage, max, read_u64 (l, CG_MEMORY, path, f));
}

static void
raw_map (struct oci_json *j, const char *text)
{
  oci_json_key (j, "raw");
  oci_json_map_open (j);
  for (const char *p = text; p && *p;)
    {
      char k[128];
      unsigned long long v;
      if (sscanf (p, "%127s %llu", k, &v) == 2)
        kv_u64 (j, k, v);
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  oci_json_map_close (j);
}

static void
stats_memory (const struct lodge_cg_layout *l, const char *path,
              struct oci_json *j)
{
  int h = lodge_cg_layout_hier (l, CG_MEMORY);
  oci_json_key (j, "memory");
  oci_json_map_open (j);
  if (h < 0)
    {
      oci_json_map_close (j);
      return;
    }
  cleanup_free char *stat = read_text (l, CG_MEMORY, path, "memory.stat");
  if (!l->h[h].v2)
    {
      kv_u64_opt (j, "cache", stat ? keyed (stat, "cache") : 0);
      memory_v1_entry (l, path, j, "usage", "memory");
      memory_v1_entry (l, path, j, "swap", "memory.memsw");
      memory_v1_entry (l, path, j, "kernel", "memory.kmem");
      memory_v1_entry (l, path, j, "kernelTCP", "memory.kmem.tcp");
    }
  else
    {
      cleanup_free char *events
          = read_text (l, CG_MEMORY, path, "memory.events");
      uint64_t usage = read_u64 (l, CG_MEMORY, path, "memory.current");
      uint64_t limit = read_u64 (l, CG_MEMORY, path, "memory.max");
      uint64_t swap = read_u64 (l, CG_MEMORY, path, "memory.swap.current");
      uint64_t swap_limit = read_u64 (l, CG_MEMORY, path, "memory.swap.max");
      kv_u64_opt (j, "cache", stat ? keyed (stat, "file") : 0);
      memory_entry (j, "usage", limit, usage,
                    read_u64 (l, CG_MEMORY, path, "memory.peak"),
                    events ? keyed (events, "max") : 0);
      /* v1 reports swap as memory+swap: so does runc on v2. */
      memory_entry (j, "swap",
                    swap_limit == UINT64_MAX || limit == UINT64_MAX
                        ? UINT64_MAX
                        : swap_limit + limit,
                    swap + usage, 0, 0);
      memory_entry (j, "kernel", 0, 0, 0, 0);
      memory_entry (j, "kernelTCP", 0, 0, 0, 0);
    }
  if (stat)
    raw_map (j, stat);
  oci_json_map_close (j);
}

/* ---- pids, blkio, hugetlb -------------------------------------------------
 */

static void
stats_pids (const struct lodge_cg_layout *l, const char *path,
            struct oci_json *j)
{
  uint64_t current = 0, limit = 0;
  if (lodge_cg_layout_hier (l, CG_PIDS) >= 0)
    {
      current = read_u64 (l, CG_PIDS, path, "pids.current");
      limit = read_u64 (l, CG_PIDS, path, "pids.max");
      if (limit == UINT64_MAX)
        limit = 0;
    }
  oci_json_key (j, "pids");
  oci_json_map_open (j);
  kv_u64_opt (j, "current", current);
  kv_u64_opt (j, "limit", limit);
  oci_json_map_close (j);
}

static void
blkio_entry (struct oci_json *j, unsigned long major, unsigned long minor,
             const char *op, uint64_t value)
{
  oci_json_map_open (j);
  kv_u64_opt (j, "major", major);
  kv_u64_opt (j, "minor", minor);
  if (op && *op)
    oci_json_kv_string (j, "op", op);
  kv_u64_opt (j, "value", value);
  oci_json_map_close (j);
}

/* A v1 blkio file: "MAJ:MIN Op value" lines (and a "Total" line). */
static void
blkio_v1_list (struct oci_json *j, const char *key, const char *text)
{
  bool open = false;
  for (const char *p = text; p && *p;)
    {
      unsigned long ma, mi;
      unsigned long long v;
      char op[32];
      if (sscanf (p, "%lu:%lu %31s %llu", &ma, &mi, op, &v) == 4)
        {
          if (!open)
            {
              oci_json_key (j, key);
              oci_json_array_open (j);
              open = true;
            }
          blkio_entry (j, ma, mi, op, v);
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  if (open)
    oci_json_array_close (j);
}

/* io.stat: "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. ...". */
static void
blkio_v2_list (struct oci_json *j, const char *key, const char *text,
               const char *rkey, const char *wkey)
{
  bool open = false;
  for (const char *p = text; p && *p;)
    {
      unsigned long ma, mi;
      int off = 0;
      if (sscanf (p, "%lu:%lu%n", &ma, &mi, &off) == 2)
        {
          const char *eol = strchr (p, '\n');
          size_t len = eol ? (size_t)(eol - p) : strlen (p);
          cleanup_free char *line = strndup (p, len);
          char *save = NULL;
          for (char *w = strtok_r (line + off, " ", &save); w;
               w = strtok_r (NULL, " ", &save))
            {
              char *eq = strchr (w, '=');
              if (eq == NULL)
                continue;
              *eq = '\0';
              const char *op = strcmp (w, rkey) == 0   ? "Read"
                               : strcmp (w, wkey) == 0 ? "Write"
                                                       : NULL;
              if (op == NULL)
                continue;
              if (!open)
                {
                  oci_json_key (j, key);
                  oci_json_array_open (j);
                  open = true;
                }
              blkio_entry (j, ma, mi, op, strtoull (eq + 1, NULL, 10));
            }
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
  if (open)
    oci_json_array_close (j);
}

static void
stats_blkio (const struct lodge_cg_layout *l, const char *path,
             struct oci_json *j)
{
  int h = lodge_cg_layout_hier (l, CG_BLKIO);
  oci_json_key (j, "blkio");
  oci_json_map_open (j);
  if (h >= 0 && l->h[h].v2)
    {
      cleanup_free char *st = read_text (l, CG_BLKIO, path, "io.stat");
      if (st)
        {
          blkio_v2_list (j, "ioServiceBytesRecursive", st, "rbytes", "wbytes");
          blkio_v2_list (j, "ioServicedRecursive", st, "rios", "wios");
        }
    }
  else if (h >= 0)
    {
      /* CFQ's files where the kernel has them, else BFQ's, else the
       * throttling layer's, as runc picks. */
      static const char *const prefixes[]
          = { "blkio.", "blkio.bfq.", "blkio.throttle." };
      for (size_t i = 0; i < 3; i++)
        {
          char f[96];
          snprintf (f, sizeof f, "%sio_service_bytes_recursive", prefixes[i]);
          cleanup_free char *bytes = read_text (l, CG_BLKIO, path, f);
          if (bytes == NULL)
            continue;
          snprintf (f, sizeof f, "%sio_serviced_recursive", prefixes[i]);
          cleanup_free char *ios = read_text (l, CG_BLKIO, path, f);
          blkio_v1_list (j, "ioServiceBytesRecursive", bytes);
          blkio_v1_list (j, "ioServicedRecursive", ios);
          break;
        }
    }
  oci_json_map_close (j);
}

static void
stats_hugetlb (const struct lodge_cg_layout *l, const char *path,
               struct oci_json *j)
{
  int h = lodge_cg_layout_hier (l, CG_HUGETLB);
  oci_json_key (j, "hugetlb");
  oci_json_map_open (j);
  cleanup_dir DIR *d = h >= 0 ? opendir ("/sys/kernel/mm/hugepages") : NULL;
  struct dirent *de;
  while (d && (de = readdir (d)))
    {
      unsigned long kb;
      if (sscanf (de->d_name, "hugepages-%lukB", &kb) != 1)
        continue;
      char size[32];
      if (kb >= 1048576)
        snprintf (size, sizeof size, "%luGB", kb / 1048576);
      else if (kb >= 1024)
        snprintf (size, sizeof size, "%luMB", kb / 1024);
      else
        snprintf (size, sizeof size, "%luKB", kb);
      char f[96];
      uint64_t usage, max = 0, failcnt;
      if (l->h[h].v2)
        {
          snprintf (f, sizeof f, "hugetlb.%s.current", size);
          usage = read_u64 (l, CG_HUGETLB, path, f);
          snprintf (f, sizeof f, "hugetlb.%s.events", size);
          cleanup_free char *ev = read_text (l, CG_HUGETLB, path, f);
          failcnt = ev ? keyed (ev, "max") : 0;
        }
      else
        {
          snprintf (f, sizeof f, "hugetlb.%s.usage_in_bytes", size);
          usage = read_u64 (l, CG_HUGETLB, path, f);
          snprintf (f, sizeof f, "hugetlb.%s.max_usage_in_bytes", size);
          max = read_u64 (l, CG_HUGETLB, path, f);
          snprintf (f, sizeof f, "hugetlb.%s.failcnt", size);
          failcnt = read_u64 (l, CG_HUGETLB, path, f);
        }
      oci_json_key (j, size);
      oci_json_map_open (j);
      kv_u64_opt (j, "usage", usage);
      kv_u64_opt (j, "max", max);
      kv_u64 (j, "failcnt", failcnt);
      oci_json_map_close (j);
    }
  oci_json_map_close (j);
}

int
lodge_cgroup_stats (const char *path, struct oci_json *j, lodge_error_t *err)
{
  struct lodge_cg_layout l;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  oci_json_map_open (j);
  stats_cpu (&l, path, j);
  stats_cpuset (&l, path, j);
  stats_memory (&l, path, j);
  stats_pids (&l, path, j);
  stats_blkio (&l, path, j);
  stats_hugetlb (&l, path, j);
  oci_json_key (j, "intel_rdt");
  oci_json_map_open (j);
  oci_json_map_close (j);
  oci_json_key (j, "network_interfaces");
  oci_json_null (j);
  oci_json_map_close (j);
  lodge_cg_layout_free (&l);
  return 0;
}

/* ---- OOM notifications ----------------------------------------------------
 */

struct lodge_cgroup_oom
{
  int fd; /* what to poll: an eventfd (v1) or an inotify fd (v2) */
  bool v2;
  char *dir;          /* the memory cgroup directory */
  uint64_t oom_kills; /* v2: memory.events oom_kill seen so far */
};

void
lodge_cgroup_oom_free (struct lodge_cgroup_oom *w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  free (w->dir);
  free (w);
}

int
lodge_cgroup_oom_fd (const struct lodge_cgroup_oom *w)
{
  return w ? w->fd : -1;
}

static uint64_t
oom_kill_count (const char *dir)
{
  cleanup_free char *p = lodge_strdup_printf ("%s/memory.events", dir);
  cleanup_free char *v = NULL;
  lodge_error_t e = NULL;
  if (lodge_read_file (p, &v, NULL, &e) < 0)
    {
      lodge_error_free (&e);
      return 0;
    }
  return keyed (v, "oom_kill");
}

int
lodge_cgroup_oom_watch (const char *path, struct lodge_cgroup_oom **out,
                        lodge_error_t *err)
{
  struct lodge_cg_layout l;
  *out = NULL;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  int h = lodge_cg_layout_hier (&l, CG_MEMORY);
  if (h < 0)
    {
      lodge_cg_layout_free (&l);
      return 0;
    }
  struct lodge_cgroup_oom *w = calloc (1, sizeof *w);
  if (w == NULL)
    {
      lodge_cg_layout_free (&l);
      return lodge_error (err, errno, "watch for OOM");
    }
  w->fd = -1;
  w->v2 = l.h[h].v2;
  w->dir = lodge_cg_dir (&l, h, path);
  lodge_cg_layout_free (&l);
  int ret = 0;
  if (w->v2)
    {
      cleanup_free char *ev = lodge_strdup_printf ("%s/memory.events", w->dir);
      w->fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
      if (w->fd < 0 || inotify_add_watch (w->fd, ev, IN_MODIFY) < 0)
        ret = lodge_error (err, errno, "watch %s", ev);
      w->oom_kills = oom_kill_count (w->dir);
    }
  else
    {
      /* cgroup.event_control takes "<eventfd> <fd of memory.oom_control>";
       * the eventfd then counts OOM situations (and fires once more when
       * the cgroup is removed). */
      cleanup_free char *oc
          = lodge_strdup_printf ("%s/memory.oom_control", w->dir);
      cleanup_free char *ec
          = lodge_strdup_printf ("%s/cgroup.event_control", w->dir);
      cleanup_close int ofd = open (oc, O_RDONLY | O_CLOEXEC);
      cleanup_close int cfd = open (ec, O_WRONLY | O_CLOEXEC);
      w->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (ofd < 0)
        ret = lodge_error (err, errno, "open %s", oc);
      else if (cfd < 0)
        ret = lodge_error (err, errno, "open %s", ec);
      else if (w->fd < 0)
        ret = lodge_error (err, errno, "eventfd");
      else
        {
          char buf[64];
          int n = snprintf (buf, sizeof buf, "%d %d", w->fd, ofd);
          if (write (cfd, buf, (size_t)n) < 0)
            ret = lodge_error (err, errno, "write to %s", ec);
        }
    }
  if (ret < 0)
    {
      lodge_cgroup_oom_free (w);
      return -1;
    }
  *out = w;
  return 0;
}

int
lodge_cgroup_oom_read (struct lodge_cgroup_oom *w, uint64_t *events, bool *gone,
                       lodge_error_t *err)
{
  *events = 0;
  *gone = false;
  if (w->v2)
    {
      char buf[4096];
      while (read (w->fd, buf, sizeof buf) > 0)
        ;
      uint64_t now = oom_kill_count (w->dir);
      if (now > w->oom_kills)
        *events = now - w->oom_kills;
      w->oom_kills = now;
    }
  else
    {
      uint64_t n = 0;
      if (read (w->fd, &n, sizeof n) < 0)
        {
          if (errno == EAGAIN)
            return 0;
          return lodge_error (err, errno, "read the OOM eventfd of %s", w->dir);
        }
      *events = n;
    }
  struct stat st;
  if (stat (w->dir, &st) < 0)
    {
      /* The last notification was the cgroup going away. */
      *gone = true;
      if (!w->v2 && *events)
        (*events)--;
    }
  return 0;
}
