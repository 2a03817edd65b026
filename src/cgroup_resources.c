/* lodge: linux.resources as cgroup file writes, on v1 and v2.
 *
 * lodge_cg_settings_build turns the spec into an ordered list of
 * (controller, file, value, JSON field) without touching the host, with
 * runc's conversions where the controller is on cgroup v2; lodge_cg_apply
 * writes that list through the driver, then the device rules. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"
#include "utils.h"

/* ---- runc's v1 -> v2 conversions --------------------------------------- */

uint64_t
lodge_cg_cpu_shares_to_weight (uint64_t shares)
{
  /* [2, 262144] onto [1, 10000], linearly. */
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
lodge_cg_blkio_weight_to_io_weight (uint64_t weight)
{
  /* [10, 1000] onto [1, 10000], linearly. */
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  return 1 + (weight - 10) * 9999 / 990;
}

int
lodge_cg_memory_swap_v2 (int64_t swap, int64_t memory, int64_t *out,
                         const char **why)
{
  /* The spec's swap is memory+swap, as v1's memsw; v2's memory.swap.max
   * is the swap alone.  An unlimited memory with no swap given means both
   * unlimited, as on v1. */
  if (memory == -1 && swap == 0)
    {
      *out = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *out = swap;
      return 0;
    }
  if (memory == 0 || memory == -1)
    {
      *why = "a swap limit needs a memory limit";
      return -1;
    }
  if (memory < 0)
    {
      *why = "invalid memory limit";
      return -1;
    }
  if (swap < memory)
    {
      *why = "memory+swap limit (swap) must be >= the memory limit";
      return -1;
    }
  *out = swap - memory;
  return 0;
}

/* ---- building the list -------------------------------------------------- */

void
lodge_cg_settings_free (struct lodge_cg_settings *s)
{
  for (size_t i = 0; i < s->n; i++)
    {
      free (s->v[i].file);
      free (s->v[i].value);
      free (s->v[i].alt_file);
      free (s->v[i].alt_value);
      free (s->v[i].field);
    }
  free (s->v);
  s->v = NULL;
  s->n = 0;
}

static struct lodge_cg_setting *
add (struct lodge_cg_settings *s, int ctrl, const char *file, char *value,
     char *field, unsigned flags)
{
  struct lodge_cg_setting *nv = realloc (s->v, (s->n + 1) * sizeof *s->v);
  if (nv == NULL)
    abort ();
  s->v = nv;
  struct lodge_cg_setting *x = &s->v[s->n++];
  *x = (struct lodge_cg_setting){ .ctrl = ctrl,
                                  .file = strdup (file),
                                  .value = value,
                                  .field = field,
                                  .flags = flags };
  if (x->file == NULL)
    abort ();
  return x;
}

#define F(...) lodge_strdup_printf (__VA_ARGS__)
#define FIELD(name) F ("linux.resources.%s", name)

/* A v2 limit: -1 is "max". */
static char *
v2_limit (int64_t v)
{
  return v == -1 ? strdup ("max") : F ("%" PRId64, v);
}

static int
build_memory (const struct oci_memory *m, bool v2, struct lodge_cg_settings *s,
              lodge_error_t *err)
{
  int64_t limit = m->has_limit ? m->limit : 0;
  int64_t swap = m->has_swap ? m->swap : 0;
  unsigned check = m->has_check_before_update && m->check_before_update
                       ? CG_SET_CHECK_USAGE
                       : 0;
  /* kernel (kmem) limits are gone from the kernel and from runc: ignored. */
  if (m->has_kernel && m->kernel != 0)
    lodge_debug ("linux.resources.memory.kernel is deprecated: ignored");
  if (!v2)
    {
      if (limit != 0)
        add (s, CG_MEMORY, "memory.limit_in_bytes", F ("%" PRId64, limit),
             FIELD ("memory.limit"), check);
      if (swap != 0)
        add (s, CG_MEMORY, "memory.memsw.limit_in_bytes", F ("%" PRId64, swap),
             FIELD ("memory.swap"), 0);
      else if (limit == -1)
        add (s, CG_MEMORY, "memory.memsw.limit_in_bytes", strdup ("-1"),
             FIELD ("memory.swap"), CG_SET_OPTIONAL);
      if (m->has_reservation && m->reservation != 0)
        add (s, CG_MEMORY, "memory.soft_limit_in_bytes",
             F ("%" PRId64, m->reservation), FIELD ("memory.reservation"), 0);
      if (m->has_kernel_tcp && m->kernel_tcp != 0)
        add (s, CG_MEMORY, "memory.kmem.tcp.limit_in_bytes",
             F ("%" PRId64, m->kernel_tcp), FIELD ("memory.kernelTCP"), 0);
      if (m->has_swappiness)
        {
          if (m->swappiness > 100)
            return lodge_error (err, 0,
                                "linux.resources.memory.swappiness: invalid "
                                "value %" PRIu64 ": the range is 0-100",
                                m->swappiness);
          add (s, CG_MEMORY, "memory.swappiness", F ("%" PRIu64, m->swappiness),
               FIELD ("memory.swappiness"), 0);
        }
      if (m->has_disable_oom_killer && m->disable_oom_killer)
        add (s, CG_MEMORY, "memory.oom_control", strdup ("1"),
             FIELD ("memory.disableOOMKiller"), 0);
      if (m->has_use_hierarchy)
        add (s, CG_MEMORY, "memory.use_hierarchy",
             strdup (m->use_hierarchy ? "1" : "0"),
             FIELD ("memory.useHierarchy"), 0);
      return 0;
    }

  /* v2: no swappiness, no OOM-killer switch, no kernel TCP limit; runc
   * ignores them there too. */
  int64_t sw = 0;
  const char *why = NULL;
  if (lodge_cg_memory_swap_v2 (swap, limit, &sw, &why) < 0)
    return lodge_error (err, 0, "linux.resources.memory.swap: %s", why);
  if (sw != 0 || (swap > 0 && swap == limit))
    /* Without swap on the host the file is missing: setting "no swap" or
     * "any swap" is then already true. */
    add (s, CG_MEMORY, "memory.swap.max", v2_limit (sw), FIELD ("memory.swap"),
         sw == -1 || sw == 0 ? CG_SET_OPTIONAL : 0);
  if (limit != 0)
    add (s, CG_MEMORY, "memory.max", v2_limit (limit), FIELD ("memory.limit"),
         check);
  if (m->has_reservation && m->reservation != 0)
    add (s, CG_MEMORY, "memory.low", v2_limit (m->reservation),
         FIELD ("memory.reservation"), 0);
  return 0;
}

static int
build_cpu (const struct oci_cpu *c, bool v2, struct lodge_cg_settings *s,
           lodge_error_t *err)
{
  bool quota = c->has_quota && c->quota != 0;
  bool period = c->has_period && c->period != 0;
  if (!v2)
    {
      /* runc's order: realtime first; the CFS period may be refused
       * until the quota fits it, so it is retried after the quota. */
      if (c->has_realtime_period && c->realtime_period != 0)
        add (s, CG_CPU, "cpu.rt_period_us", F ("%" PRIu64, c->realtime_period),
             FIELD ("cpu.realtimePeriod"), 0);
      if (c->has_realtime_runtime && c->realtime_runtime != 0)
        add (s, CG_CPU, "cpu.rt_runtime_us",
             F ("%" PRId64, c->realtime_runtime), FIELD ("cpu.realtimeRuntime"),
             0);
      if (c->has_shares && c->shares != 0)
        add (s, CG_CPU, "cpu.shares", F ("%" PRIu64, c->shares),
             FIELD ("cpu.shares"), CG_SET_READBACK);
      if (period)
        add (s, CG_CPU, "cpu.cfs_period_us", F ("%" PRIu64, c->period),
             FIELD ("cpu.period"), quota ? CG_SET_RETRY : 0);
      if (c->has_burst)
        add (s, CG_CPU, "cpu.cfs_burst_us", F ("%" PRIu64, c->burst),
             FIELD ("cpu.burst"), quota ? CG_SET_RETRY : 0);
      if (quota)
        add (s, CG_CPU, "cpu.cfs_quota_us", F ("%" PRId64, c->quota),
             FIELD ("cpu.quota"), 0);
      if (c->has_idle)
        add (s, CG_CPU, "cpu.idle", F ("%" PRId64, c->idle), FIELD ("cpu.idle"),
             0);
    }
  else
    {
      if ((c->has_realtime_period && c->realtime_period != 0)
          || (c->has_realtime_runtime && c->realtime_runtime != 0))
        return lodge_error (err, 0,
                            "linux.resources.cpu.%s: cgroup v2 has no "
                            "real-time CPU limits",
                            c->has_realtime_runtime && c->realtime_runtime
                                ? "realtimeRuntime"
                                : "realtimePeriod");
      if (c->has_idle)
        add (s, CG_CPU, "cpu.idle", F ("%" PRId64, c->idle), FIELD ("cpu.idle"),
             0);
      if (c->has_shares && c->shares != 0)
        add (s, CG_CPU, "cpu.weight",
             F ("%" PRIu64, lodge_cg_cpu_shares_to_weight (c->shares)),
             FIELD ("cpu.shares"), 0);
      if (c->has_burst)
        add (s, CG_CPU, "cpu.max.burst", F ("%" PRIu64, c->burst),
             FIELD ("cpu.burst"), quota || period ? CG_SET_RETRY : 0);
      if (quota || period)
        {
          char *v = c->has_quota && c->quota > 0 ? F ("%" PRId64, c->quota)
                                                 : strdup ("max");
          if (period)
            {
              char *p = F ("%s %" PRIu64, v, c->period);
              free (v);
              v = p;
            }
          add (s, CG_CPU, "cpu.max", v,
               FIELD (quota ? "cpu.quota" : "cpu.period"), 0);
        }
    }
  if (c->cpus && *c->cpus)
    add (s, CG_CPUSET, "cpuset.cpus", strdup (c->cpus), FIELD ("cpu.cpus"), 0);
  if (c->mems && *c->mems)
    add (s, CG_CPUSET, "cpuset.mems", strdup (c->mems), FIELD ("cpu.mems"), 0);
  return 0;
}

static void
build_throttle (const struct oci_throttle_device *t, size_t n, bool v2,
                const char *v1file, const char *v2key, const char *name,
                struct lodge_cg_settings *s)
{
  for (size_t i = 0; i < n; i++)
    {
      char *field = F ("linux.resources.blockIO.%s[%zu]", name, i);
      if (v2)
        add (s, CG_BLKIO, "io.max",
             F ("%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor,
                v2key, t[i].rate),
             field, 0);
      else
        add (s, CG_BLKIO, v1file,
             F ("%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
                t[i].rate),
             field, 0);
    }
}

static void
build_block_io (const struct oci_block_io *b, bool v2,
                struct lodge_cg_settings *s)
{
  if (b->has_weight && b->weight != 0)
    {
      /* v1: blkio.weight (CFQ) where the kernel has it, else BFQ's.  v2:
       * BFQ's own weight, else io.weight on its 1-10000 scale. */
      struct lodge_cg_setting *x;
      if (v2)
        {
          x = add (s, CG_BLKIO, "io.bfq.weight", F ("%u", b->weight),
                   FIELD ("blockIO.weight"), 0);
          x->alt_file = strdup ("io.weight");
          x->alt_value
              = F ("%" PRIu64, lodge_cg_blkio_weight_to_io_weight (b->weight));
        }
      else
        {
          x = add (s, CG_BLKIO, "blkio.weight", F ("%u", b->weight),
                   FIELD ("blockIO.weight"), 0);
          x->alt_file = strdup ("blkio.bfq.weight");
          x->alt_value = F ("%u", b->weight);
        }
    }
  if (!v2 && b->has_leaf_weight && b->leaf_weight != 0)
    add (s, CG_BLKIO, "blkio.leaf_weight", F ("%u", b->leaf_weight),
         FIELD ("blockIO.leafWeight"), 0);
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const struct oci_weight_device *d = &b->weight_device[i];
      if (d->has_weight && d->weight != 0)
        {
          struct lodge_cg_setting *x = add (
              s, CG_BLKIO, v2 ? "io.bfq.weight" : "blkio.weight_device",
              F ("%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight),
              F ("linux.resources.blockIO.weightDevice[%zu]", i), 0);
          x->alt_file = strdup (v2 ? "io.weight" : "blkio.bfq.weight_device");
          x->alt_value
              = v2 ? F ("%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                        lodge_cg_blkio_weight_to_io_weight (d->weight))
                   : F ("%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                        d->weight);
        }
      if (!v2 && d->has_leaf_weight && d->leaf_weight != 0)
        add (s, CG_BLKIO, "blkio.leaf_weight_device",
             F ("%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                d->leaf_weight),
             F ("linux.resources.blockIO.weightDevice[%zu].leafWeight", i), 0);
    }
  build_throttle (b->throttle_read_bps_device, b->throttle_read_bps_device_len,
                  v2, "blkio.throttle.read_bps_device", "rbps",
                  "throttleReadBpsDevice", s);
  build_throttle (
      b->throttle_write_bps_device, b->throttle_write_bps_device_len, v2,
      "blkio.throttle.write_bps_device", "wbps", "throttleWriteBpsDevice", s);
  build_throttle (
      b->throttle_read_iops_device, b->throttle_read_iops_device_len, v2,
      "blkio.throttle.read_iops_device", "riops", "throttleReadIOPSDevice", s);
  build_throttle (b->throttle_write_iops_device,
                  b->throttle_write_iops_device_len, v2,
                  "blkio.throttle.write_iops_device", "wiops",
                  "throttleWriteIOPSDevice", s);
}

static bool
valid_page_size (const char *p)
{
  size_t d = strspn (p, "0123456789");
  return d > 0
         && (strcmp (p + d, "KB") == 0 || strcmp (p + d, "MB") == 0
             || strcmp (p + d, "GB") == 0);
}

static int
build_hugetlb (const struct oci_resources *r, bool v2,
               struct lodge_cg_settings *s, lodge_error_t *err)
{
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
      if (!valid_page_size (h->page_size))
        return lodge_error (err, 0,
                            "linux.resources.hugepageLimits[%zu].pageSize: "
                            "invalid page size \"%s\" (like 2MB or 1GB)",
                            i, h->page_size);
      cleanup_free char *file
          = F ("hugetlb.%s.%s", h->page_size, v2 ? "max" : "limit_in_bytes");
      add (s, CG_HUGETLB, file, F ("%" PRIu64, h->limit),
           F ("linux.resources.hugepageLimits[%zu]", i), 0);
      if (v2)
        {
          /* Reservations too (Linux 5.7), so a mapping cannot reserve past
           * the limit and fault later. */
          cleanup_free char *rsvd = F ("hugetlb.%s.rsvd.max", h->page_size);
          add (s, CG_HUGETLB, rsvd, F ("%" PRIu64, h->limit),
               F ("linux.resources.hugepageLimits[%zu]", i), CG_SET_OPTIONAL);
        }
    }
  return 0;
}

static int
build_unified (const struct oci_map *u, unsigned v1_mask, unsigned v2_mask,
               struct lodge_cg_settings *s, lodge_error_t *err)
{
  for (size_t i = 0; i < u->len; i++)
    {
      const char *k = u->keys[i];
      const char *dot = strchr (k, '.');
      if (strchr (k, '/') || dot == NULL || dot == k || dot[1] == '\0')
        return lodge_error (err, 0,
                            "linux.resources.unified[\"%s\"]: a key is a "
                            "cgroup v2 file name, CONTROLLER.PARAMETER",
                            k);
      cleanup_free char *cname = strndup (k, (size_t)(dot - k));
      int ctrl = strcmp (cname, "cgroup") == 0
                     ? CG_CORE
                     : lodge_cg_ctrl_from_name (cname);
      if (ctrl < 0
          || (ctrl != CG_CORE && lodge_cg_ctrl_name (ctrl, true) == NULL)
          || (ctrl != CG_CORE
              && strcmp (cname, lodge_cg_ctrl_name (ctrl, true))))
        return lodge_error (err, 0,
                            "linux.resources.unified[\"%s\"]: unknown cgroup "
                            "v2 controller \"%s\"",
                            k, cname);
      if (ctrl != CG_CORE && !(v2_mask & (1u << ctrl)))
        {
          if (v1_mask & (1u << ctrl))
            return lodge_error (err, 0,
                                "linux.resources.unified[\"%s\"]: the %s "
                                "controller is on cgroup v1 on this host; "
                                "unified keys need it on cgroup v2",
                                k, cname);
          return lodge_error (err, 0,
                              "linux.resources.unified[\"%s\"]: the %s "
                              "controller is not available on this host",
                              k, cname);
        }
      add (s, ctrl, k, strdup (u->values[i]),
           F ("linux.resources.unified[\"%s\"]", k), CG_SET_UNIFIED);
    }
  return 0;
}

int
lodge_cg_settings_build (const struct oci_resources *r, unsigned v2_mask,
                         struct lodge_cg_settings *out, lodge_error_t *err)
{
  /* Which controllers are on v1 matters only for the unified keys' error
   * message: any controller not on v2 is treated as v1 here. */
  unsigned v1_mask = ~v2_mask;
  memset (out, 0, sizeof *out);
  if (r == NULL)
    return 0;
#define V2(c) ((v2_mask & (1u << (c))) != 0)
  int ret = 0;
  if (ret == 0 && r->memory)
    ret = build_memory (r->memory, V2 (CG_MEMORY), out, err);
  if (ret == 0 && r->cpu)
    ret = build_cpu (r->cpu, V2 (CG_CPU), out, err);
  if (ret == 0 && r->pids && r->pids->has_limit && r->pids->limit != 0)
    add (out, CG_PIDS, "pids.max",
         r->pids->limit > 0 ? F ("%" PRId64, r->pids->limit) : strdup ("max"),
         FIELD ("pids.limit"), 0);
  if (ret == 0 && r->block_io)
    build_block_io (r->block_io, V2 (CG_BLKIO), out);
  if (ret == 0)
    ret = build_hugetlb (r, V2 (CG_HUGETLB), out, err);
  if (ret == 0 && r->network)
    {
      /* net_cls and net_prio exist on v1 only. */
      if (r->network->has_class_id)
        add (out, CG_NET_CLS, "net_cls.classid",
             F ("%" PRIu32, r->network->class_id), FIELD ("network.classID"),
             0);
      for (size_t i = 0; i < r->network->priorities_len; i++)
        add (out, CG_NET_PRIO, "net_prio.ifpriomap",
             F ("%s %" PRIu32, r->network->priorities[i].name,
                r->network->priorities[i].priority),
             F ("linux.resources.network.priorities[%zu]", i), 0);
    }
  for (size_t i = 0; ret == 0 && i < r->rdma_len; i++)
    {
      const struct oci_rdma_entry *e = &r->rdma[i];
      char *v = strdup (e->device);
      if (e->has_hca_handles)
        {
          char *n = F ("%s hca_handle=%" PRIu32, v, e->hca_handles);
          free (v);
          v = n;
        }
      if (e->has_hca_objects)
        {
          char *n = F ("%s hca_object=%" PRIu32, v, e->hca_objects);
          free (v);
          v = n;
        }
      add (out, CG_RDMA, "rdma.max", v,
           F ("linux.resources.rdma.%s", e->device), 0);
    }
  /* Last, so a unified key wins over the field it overlaps, as in runc. */
  if (ret == 0)
    ret = build_unified (&r->unified, v1_mask, v2_mask, out, err);
#undef V2
  if (ret < 0)
    lodge_cg_settings_free (out);
  return ret;
}

/* ---- applying it -------------------------------------------------------- */

/* On v1, memory.limit_in_bytes may never exceed memsw: when the new swap
 * limit is above the current memory limit (or unlimited), memsw goes
 * first, as runc orders it. */
static void
order_v1_memory (const struct lodge_cg_layout *l, const char *path,
                 struct lodge_cg_settings *s)
{
  ssize_t lim = -1, sw = -1;
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].ctrl == CG_MEMORY && !(s->v[i].flags & CG_SET_UNIFIED))
      {
        if (strcmp (s->v[i].file, "memory.limit_in_bytes") == 0)
          lim = (ssize_t)i;
        else if (strcmp (s->v[i].file, "memory.memsw.limit_in_bytes") == 0)
          sw = (ssize_t)i;
      }
  if (lim < 0 || sw < 0 || sw < lim)
    return;
  cleanup_free char *cur = NULL;
  lodge_error_t e = NULL;
  bool first = strcmp (s->v[sw].value, "-1") == 0;
  if (!first
      && lodge_cg_read (l, CG_MEMORY, path, "memory.limit_in_bytes", &cur, &e)
             == 0)
    first = strtoull (cur, NULL, 10) < strtoull (s->v[sw].value, NULL, 10);
  lodge_error_free (&e);
  if (first)
    {
      struct lodge_cg_setting t = s->v[lim];
      s->v[lim] = s->v[sw];
      s->v[sw] = t;
    }
}

static int
check_usage (const struct lodge_cg_layout *l, const char *path,
             const struct lodge_cg_setting *x, bool v2, lodge_error_t *err)
{
  long long want = strtoll (x->value, NULL, 10);
  if (want <= 0)
    return 0;
  cleanup_free char *v = NULL;
  if (lodge_cg_read (l, CG_MEMORY, path,
                     v2 ? "memory.current" : "memory.usage_in_bytes", &v, err)
      < 0)
    return lodge_error_prefix (err, "%s", x->field);
  unsigned long long usage = strtoull (v, NULL, 10);
  if (usage >= (unsigned long long)want)
    return lodge_error (err, 0,
                        "%s: rejecting memory limit %lld below usage %llu",
                        x->field, want, usage);
  return 0;
}

static int
apply_one (const struct lodge_cg_layout *l, const char *path,
           const struct lodge_cg_setting *x, bool *retry, lodge_error_t *err)
{
  int hi = lodge_cg_layout_hier (l, x->ctrl);
  if (hi < 0)
    {
      if (x->flags & CG_SET_OPTIONAL)
        return 0;
      if (x->ctrl == CG_CORE)
        return lodge_error (err, 0, "%s: this host has no cgroup v2 hierarchy",
                            x->field);
      return lodge_error (err, 0,
                          "%s: the %s controller is not available on this host",
                          x->field, lodge_cg_ctrl_name (x->ctrl, false));
    }
  const char *file = x->file, *value = x->value;
  if (x->alt_file && !lodge_cg_has_file (l, x->ctrl, path, file))
    {
      file = x->alt_file;
      value = x->alt_value;
    }
  if ((x->flags & CG_SET_OPTIONAL)
      && !lodge_cg_has_file (l, x->ctrl, path, file))
    return 0;
  if ((x->flags & CG_SET_CHECK_USAGE)
      && check_usage (l, path, x, l->h[hi].v2, err) < 0)
    return -1;
  lodge_error_t e = NULL;
  if (lodge_cg_write (l, x->ctrl, path, file, value, &e) < 0)
    {
      if (retry && (x->flags & CG_SET_RETRY) && e->status == EINVAL)
        {
          lodge_error_free (&e);
          *retry = true;
          return 0;
        }
      lodge_error_move (err, &e);
      return lodge_error_prefix (err, "%s", x->field);
    }
  if (x->flags & CG_SET_READBACK)
    {
      cleanup_free char *got = NULL;
      if (lodge_cg_read (l, x->ctrl, path, file, &got, err) < 0)
        return lodge_error_prefix (err, "%s", x->field);
      got[strcspn (got, "\n")] = '\0';
      if (strcmp (got, value) != 0)
        return lodge_error (err, 0,
                            "%s: the kernel set %s to %s, not %s (out of its "
                            "range)",
                            x->field, file, got, value);
    }
  return 0;
}

static int
apply_settings (const struct lodge_cg_layout *l, const char *path,
                const struct oci_resources *r, lodge_error_t *err)
{
  struct lodge_cg_settings s;
  if (lodge_cg_settings_build (r, lodge_cg_layout_v2_mask (l), &s, err) < 0)
    return -1;
  if (l->ctrl[CG_MEMORY] >= 0 && !l->h[l->ctrl[CG_MEMORY]].v2)
    order_v1_memory (l, path, &s);
  int ret = 0;
  bool deferred[s.n ? s.n : 1];
  for (size_t i = 0; ret == 0 && i < s.n; i++)
    {
      deferred[i] = false;
      ret = apply_one (l, path, &s.v[i], &deferred[i], err);
    }
  for (size_t i = 0; ret == 0 && i < s.n; i++)
    if (deferred[i])
      ret = apply_one (l, path, &s.v[i], NULL, err);
  lodge_cg_settings_free (&s);
  return ret;
}

/* v1 devices: start from nothing, then the rules in order (the config's,
 * then the defaults), as runc does. */
static int
apply_v1_devices (const struct lodge_cg_layout *l, const char *path,
                  const struct lodge_cg_dev_rule *rules, size_t n,
                  size_t nconfig, lodge_error_t *err)
{
  if (lodge_cg_write (l, CG_DEVICES, path, "devices.deny", "a", err) < 0)
    return lodge_error_prefix (err, "linux.resources.devices");
  char rule[96];
  for (size_t i = 0; i < n; i++)
    {
      lodge_cg_dev_rule_string (&rules[i], rule, sizeof rule);
      if (lodge_cg_write (l, CG_DEVICES, path,
                          rules[i].allow ? "devices.allow" : "devices.deny",
                          rule, err)
          < 0)
        {
          if (i < nconfig)
            return lodge_error_prefix (err, "linux.resources.devices[%zu]", i);
          return lodge_error_prefix (err, "default device rules");
        }
    }
  return 0;
}

static int
apply_ebpf_devices (const struct lodge_cg_layout *l, const char *path,
                    const struct lodge_cg_dev_rule *rules, size_t n,
                    lodge_error_t *err)
{
  struct lodge_cg_dev_policy p;
  void *insns = NULL;
  size_t count = 0;
  if (lodge_cg_dev_policy (rules, n, &p, err) < 0)
    return lodge_error_prefix (err, "linux.resources.devices");
  int ret = lodge_cg_dev_program (&p, &insns, &count, err);
  lodge_cg_dev_policy_free (&p);
  if (ret == 0)
    {
      cleanup_free char *dir = lodge_cg_dir (l, l->unified, path);
      ret = lodge_cg_dev_attach (dir, insns, count, err);
    }
  free (insns);
  if (ret < 0)
    return lodge_error_prefix (err, "linux.resources.devices");
  return 0;
}

static int
apply_devices (const struct lodge_cg_layout *l, const char *path,
               const struct oci_resources *r, bool update, lodge_error_t *err)
{
  struct lodge_cg_dev_rule *rules = NULL;
  size_t n = 0;
  if (lodge_cg_dev_rules (r, &rules, &n, err) < 0)
    return -1;
  size_t nconfig = r ? r->devices_len : 0;
  int ret = 0;
  if (l->ctrl[CG_DEVICES] >= 0)
    {
      /* Rewriting v1 rules passes through "deny everything": a running
       * container is frozen meanwhile, so no open() sees that moment. */
      bool froze = false;
      lodge_error_t e = NULL;
      if (update && !lodge_cg_frozen (l, path))
        froze = lodge_cg_set_frozen (l, path, true, &e) == 0;
      lodge_error_free (&e);
      ret = apply_v1_devices (l, path, rules, n, nconfig, err);
      if (froze)
        lodge_cg_set_frozen (l, path, false, &e);
      lodge_error_free (&e);
    }
  if (ret == 0 && l->unified >= 0)
    {
      /* cgroup v2 filters devices with an eBPF program on the container's
       * cgroup.  On a hybrid host the kernel runs it too, beside the v1
       * rules; there the v1 controller is the one that must work, so a
       * kernel without cgroup BPF is only worth a warning. */
      lodge_error_t e = NULL;
      if (apply_ebpf_devices (l, path, rules, n, &e) < 0)
        {
          if (l->ctrl[CG_DEVICES] >= 0)
            lodge_warn ("%s (the v1 device rules are in force)", e->msg);
          else
            {
              lodge_error_move (err, &e);
              ret = -1;
            }
        }
      lodge_error_free (&e);
    }
  free (rules);
  return ret;
}

int
lodge_cg_apply (const struct lodge_cg_layout *l, const char *path,
                const struct oci_resources *r, bool update, lodge_error_t *err)
{
  if (apply_settings (l, path, r, err) < 0)
    return -1;
  if (update && (r == NULL || r->devices_len == 0))
    return 0;
  return apply_devices (l, path, r, update, err);
}
