/* lodge: the "linux" object of config.json, and linux.resources on its own
 * for `update --resources`. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Fail with `<at>: unknown <what> "<value>"` unless value is in `known`. */
static int
check_one_of (const char *value, const char *const *known,
              const struct oci_path *at, const char *what, lodge_error_t *err)
{
  cleanup_free char *shown = NULL;

  for (const char *const *k = known; *k; k++)
    if (strcmp (*k, value) == 0)
      return 0;
  shown = oci_quote (value);
  return oci_path_error (err, at, "unknown %s %s", what, shown ? shown : value);
}

/* An optional sub-object: allocate *out only when the member is there. */
#define OPTIONAL_OBJECT(obj, at, key, v, out, err)                             \
  ({                                                                           \
    int r_ = oci_field_object ((obj), (at), (key), false, &(v), (err));        \
    if (r_ > 0)                                                                \
      {                                                                        \
        (out) = calloc (1, sizeof *(out));                                     \
        if ((out) == NULL)                                                     \
          r_ = lodge_error ((err), ENOMEM, "allocate %s", (key));              \
      }                                                                        \
    r_;                                                                        \
  })

/* Optional scalars with a has_ flag beside them. */
#define OPT(call, has)                                                         \
  ({                                                                           \
    int r_ = (call);                                                           \
    if (r_ >= 0)                                                               \
      (has) = r_ > 0;                                                          \
    r_;                                                                        \
  })

/* ---- id mappings, namespaces, devices ---------------------------------- */

int
oci_id_mapping_parse (yajl_val v, const struct oci_path *at, void *elem,
                      lodge_error_t *err)
{
  struct oci_id_mapping *m = elem;

  if (oci_field_u32 (v, at, "containerID", true, &m->container_id, err) < 0
      || oci_field_u32 (v, at, "hostID", true, &m->host_id, err) < 0
      || oci_field_u32 (v, at, "size", true, &m->size, err) < 0)
    return -1;
  return 0;
}

static int
parse_namespace (yajl_val v, const struct oci_path *at, void *elem,
                 lodge_error_t *err)
{
  static const char *const types[] = { "pid",  "network", "mount", "ipc", "uts",
                                       "user", "cgroup",  "time",  NULL };
  struct oci_path type_at = OCI_AT_KEY (at, "type");
  struct oci_namespace *ns = elem;

  if (oci_field_string (v, at, "type", true, &ns->type, err) < 0
      || check_one_of (ns->type, types, &type_at, "namespace type", err) < 0
      || oci_field_string (v, at, "path", false, &ns->path, err) < 0)
    return -1;
  return 0;
}

static int
parse_namespaces (yajl_val v, const struct oci_path *at, struct oci_linux *l,
                  lodge_error_t *err)
{
  if (OCI_FIELD_ARRAY_OF (v, at, "namespaces", false, l->namespaces,
                          l->namespaces_len, parse_namespace,
                          oci_namespace_clear, err)
      < 0)
    return -1;
  /* Two entries of one type cannot both be honoured. */
  for (size_t i = 1; i < l->namespaces_len; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp (l->namespaces[i].type, l->namespaces[j].type) == 0)
        {
          struct oci_path list = OCI_AT_KEY (at, "namespaces");
          struct oci_path here = OCI_AT_INDEX (&list, i);
          cleanup_free char *shown = oci_quote (l->namespaces[i].type);
          return oci_path_error (err, &here, "duplicate namespace type %s",
                                 shown ? shown : l->namespaces[i].type);
        }
  return 0;
}

static int
parse_device (yajl_val v, const struct oci_path *at, void *elem,
              lodge_error_t *err)
{
  static const char *const types[] = { "c", "b", "u", "p", NULL };
  struct oci_path type_at = OCI_AT_KEY (at, "type");
  struct oci_device *d = elem;
  bool numbered;

  if (oci_field_string (v, at, "type", true, &d->type, err) < 0
      || check_one_of (d->type, types, &type_at, "device type", err) < 0
      || oci_field_string (v, at, "path", true, &d->path, err) < 0)
    return -1;
  /* A FIFO has no device number; everything else needs one for mknod. */
  numbered = strcmp (d->type, "p") != 0;
  if (oci_field_i64 (v, at, "major", numbered, &d->major, err) < 0
      || oci_field_i64 (v, at, "minor", numbered, &d->minor, err) < 0
      || OPT (oci_field_u32 (v, at, "fileMode", false, &d->file_mode, err),
              d->has_file_mode)
             < 0
      || OPT (oci_field_u32 (v, at, "uid", false, &d->uid, err), d->has_uid) < 0
      || OPT (oci_field_u32 (v, at, "gid", false, &d->gid, err), d->has_gid)
             < 0)
    return -1;
  return 0;
}

static int
parse_time_offsets (yajl_val lv, const struct oci_path *at, struct oci_linux *l,
                    lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "timeOffsets");
  yajl_val v = NULL;
  int r;

  r = oci_field_object (lv, at, "timeOffsets", false, &v, err);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      const char *clock = v->u.object.keys[i];
      struct oci_path clock_at = OCI_AT_KEY (&here, clock);
      struct oci_time_offset *t;
      yajl_val o = v->u.object.values[i];

      if (YAJL_IS_NULL (o))
        continue;
      if (strcmp (clock, "monotonic") == 0)
        {
          t = &l->time_offset_monotonic;
          l->has_time_offset_monotonic = true;
        }
      else if (strcmp (clock, "boottime") == 0)
        {
          t = &l->time_offset_boottime;
          l->has_time_offset_boottime = true;
        }
      else
        {
          /* The kernel has offsets for these two clocks only; ignoring a
           * third would run the container with a clock it did not ask
           * for. */
          cleanup_free char *shown = oci_quote (clock);
          return oci_path_error (err, &here, "unknown clock %s",
                                 shown ? shown : clock);
        }
      *t = (struct oci_time_offset){ 0 };
      if (oci_value_object (o, &clock_at, err) < 0
          || oci_field_i64 (o, &clock_at, "secs", false, &t->secs, err) < 0
          || oci_field_u32 (o, &clock_at, "nanosecs", false, &t->nanosecs, err)
                 < 0)
        return -1;
    }
  return 0;
}

/* ---- resources ---------------------------------------------------------- */

static int
parse_device_cgroup (yajl_val v, const struct oci_path *at, void *elem,
                     lodge_error_t *err)
{
  static const char *const types[] = { "a", "c", "b", NULL };
  struct oci_path type_at = OCI_AT_KEY (at, "type");
  struct oci_device_cgroup *d = elem;
  int r;

  if (oci_field_bool (v, at, "allow", true, &d->allow, err) < 0)
    return -1;
  r = oci_field_string (v, at, "type", false, &d->type, err);
  if (r < 0
      || (r > 0
          && check_one_of (d->type, types, &type_at, "device type", err) < 0))
    return -1;
  if (OPT (oci_field_i64 (v, at, "major", false, &d->major, err), d->has_major)
          < 0
      || OPT (oci_field_i64 (v, at, "minor", false, &d->minor, err),
              d->has_minor)
             < 0
      || oci_field_string (v, at, "access", false, &d->access, err) < 0)
    return -1;
  return 0;
}

static int
parse_memory (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
              lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "memory");
  struct oci_memory *m;
  yajl_val v = NULL;
  int n;

  n = OPTIONAL_OBJECT (rv, at, "memory", v, r->memory, err);
  if (n <= 0)
    return n;
  m = r->memory;
  /* The int64 limits take -1, "unlimited". */
  if (OPT (oci_field_i64 (v, &here, "limit", false, &m->limit, err),
           m->has_limit)
          < 0
      || OPT (oci_field_i64 (v, &here, "reservation", false, &m->reservation,
                             err),
              m->has_reservation)
             < 0
      || OPT (oci_field_i64 (v, &here, "swap", false, &m->swap, err),
              m->has_swap)
             < 0
      || OPT (oci_field_i64 (v, &here, "kernel", false, &m->kernel, err),
              m->has_kernel)
             < 0
      || OPT (oci_field_i64 (v, &here, "kernelTCP", false, &m->kernel_tcp, err),
              m->has_kernel_tcp)
             < 0
      || OPT (
             oci_field_u64 (v, &here, "swappiness", false, &m->swappiness, err),
             m->has_swappiness)
             < 0
      || OPT (oci_field_bool (v, &here, "disableOOMKiller", false,
                              &m->disable_oom_killer, err),
              m->has_disable_oom_killer)
             < 0
      || OPT (oci_field_bool (v, &here, "useHierarchy", false,
                              &m->use_hierarchy, err),
              m->has_use_hierarchy)
             < 0
      || OPT (oci_field_bool (v, &here, "checkBeforeUpdate", false,
                              &m->check_before_update, err),
              m->has_check_before_update)
             < 0)
    return -1;
  return 0;
}

static int
parse_cpu (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
           lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "cpu");
  struct oci_cpu *c;
  yajl_val v = NULL;
  int n;

  n = OPTIONAL_OBJECT (rv, at, "cpu", v, r->cpu, err);
  if (n <= 0)
    return n;
  c = r->cpu;
  if (OPT (oci_field_u64 (v, &here, "shares", false, &c->shares, err),
           c->has_shares)
          < 0
      || OPT (oci_field_i64 (v, &here, "quota", false, &c->quota, err),
              c->has_quota)
             < 0
      || OPT (oci_field_u64 (v, &here, "burst", false, &c->burst, err),
              c->has_burst)
             < 0
      || OPT (oci_field_u64 (v, &here, "period", false, &c->period, err),
              c->has_period)
             < 0
      || OPT (oci_field_i64 (v, &here, "realtimeRuntime", false,
                             &c->realtime_runtime, err),
              c->has_realtime_runtime)
             < 0
      || OPT (oci_field_u64 (v, &here, "realtimePeriod", false,
                             &c->realtime_period, err),
              c->has_realtime_period)
             < 0
      || oci_field_string (v, &here, "cpus", false, &c->cpus, err) < 0
      || oci_field_string (v, &here, "mems", false, &c->mems, err) < 0
      || OPT (oci_field_i64 (v, &here, "idle", false, &c->idle, err),
              c->has_idle)
             < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (yajl_val v, const struct oci_path *at, void *elem,
                     lodge_error_t *err)
{
  struct oci_weight_device *d = elem;

  if (oci_field_i64 (v, at, "major", true, &d->major, err) < 0
      || oci_field_i64 (v, at, "minor", true, &d->minor, err) < 0
      || OPT (oci_field_u16 (v, at, "weight", false, &d->weight, err),
              d->has_weight)
             < 0
      || OPT (oci_field_u16 (v, at, "leafWeight", false, &d->leaf_weight, err),
              d->has_leaf_weight)
             < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (yajl_val v, const struct oci_path *at, void *elem,
                       lodge_error_t *err)
{
  struct oci_throttle_device *d = elem;

  if (oci_field_i64 (v, at, "major", true, &d->major, err) < 0
      || oci_field_i64 (v, at, "minor", true, &d->minor, err) < 0
      || oci_field_u64 (v, at, "rate", true, &d->rate, err) < 0)
    return -1;
  return 0;
}

#define THROTTLE(v, at, key, b, field, err)                                    \
  OCI_FIELD_ARRAY_OF ((v), (at), (key), false, (b)->field, (b)->field##_len,   \
                      parse_throttle_device, oci_throttle_device_clear, (err))

static int
parse_block_io (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
                lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "blockIO");
  struct oci_block_io *b;
  yajl_val v = NULL;
  int n;

  n = OPTIONAL_OBJECT (rv, at, "blockIO", v, r->block_io, err);
  if (n <= 0)
    return n;
  b = r->block_io;
  if (OPT (oci_field_u16 (v, &here, "weight", false, &b->weight, err),
           b->has_weight)
          < 0
      || OPT (oci_field_u16 (v, &here, "leafWeight", false, &b->leaf_weight,
                             err),
              b->has_leaf_weight)
             < 0
      || OCI_FIELD_ARRAY_OF (v, &here, "weightDevice", false, b->weight_device,
                             b->weight_device_len, parse_weight_device,
                             oci_weight_device_clear, err)
             < 0
      || THROTTLE (v, &here, "throttleReadBpsDevice", b,
                   throttle_read_bps_device, err)
             < 0
      || THROTTLE (v, &here, "throttleWriteBpsDevice", b,
                   throttle_write_bps_device, err)
             < 0
      || THROTTLE (v, &here, "throttleReadIOPSDevice", b,
                   throttle_read_iops_device, err)
             < 0
      || THROTTLE (v, &here, "throttleWriteIOPSDevice", b,
                   throttle_write_iops_device, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_hugepage_limit (yajl_val v, const struct oci_path *at, void *elem,
                      lodge_error_t *err)
{
  struct oci_hugepage_limit *h = elem;

  if (oci_field_string (v, at, "pageSize", true, &h->page_size, err) < 0
      || oci_field_u64 (v, at, "limit", true, &h->limit, err) < 0)
    return -1;
  return 0;
}

static int
parse_net_priority (yajl_val v, const struct oci_path *at, void *elem,
                    lodge_error_t *err)
{
  struct oci_net_priority *p = elem;

  if (oci_field_string (v, at, "name", true, &p->name, err) < 0
      || oci_field_u32 (v, at, "priority", true, &p->priority, err) < 0)
    return -1;
  return 0;
}

static int
parse_network (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
               lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "network");
  struct oci_network *n;
  yajl_val v = NULL;
  int k;

  k = OPTIONAL_OBJECT (rv, at, "network", v, r->network, err);
  if (k <= 0)
    return k;
  n = r->network;
  if (OPT (oci_field_u32 (v, &here, "classID", false, &n->class_id, err),
           n->has_class_id)
          < 0
      || OCI_FIELD_ARRAY_OF (v, &here, "priorities", false, n->priorities,
                             n->priorities_len, parse_net_priority,
                             oci_net_priority_clear, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_pids (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
            lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "pids");
  yajl_val v = NULL;
  int k;

  k = OPTIONAL_OBJECT (rv, at, "pids", v, r->pids, err);
  if (k <= 0)
    return k;
  /* int64: 0 and -1 both mean "no limit" to the cgroup code. */
  if (OPT (oci_field_i64 (v, &here, "limit", false, &r->pids->limit, err),
           r->pids->has_limit)
      < 0)
    return -1;
  return 0;
}

/* "rdma" is an object keyed by device name, kept in document order. */
static int
parse_rdma (yajl_val rv, const struct oci_path *at, struct oci_resources *r,
            lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "rdma");
  yajl_val v = NULL;
  size_t n;
  int k;

  k = oci_field_object (rv, at, "rdma", false, &v, err);
  if (k <= 0)
    return k;
  n = v->u.object.len;
  if (n == 0)
    return 0;
  r->rdma = calloc (n, sizeof *r->rdma);
  if (r->rdma == NULL)
    return lodge_error (err, ENOMEM, "allocate rdma");
  for (size_t i = 0; i < n; i++)
    {
      struct oci_path dev_at = OCI_AT_KEY (&here, v->u.object.keys[i]);
      struct oci_rdma_entry *e = &r->rdma[r->rdma_len];
      yajl_val o = v->u.object.values[i];

      if (oci_value_object (o, &dev_at, err) < 0)
        return -1;
      r->rdma_len++;
      e->device = strdup (v->u.object.keys[i]);
      if (e->device == NULL)
        return lodge_error (err, ENOMEM, "allocate rdma");
      if (OPT (oci_field_u32 (o, &dev_at, "hcaHandles", false, &e->hca_handles,
                              err),
               e->has_hca_handles)
              < 0
          || OPT (oci_field_u32 (o, &dev_at, "hcaObjects", false,
                                 &e->hca_objects, err),
                  e->has_hca_objects)
                 < 0)
        return -1;
    }
  return 0;
}

int
oci_resources_parse (yajl_val v, const struct oci_path *at,
                     struct oci_resources *r, lodge_error_t *err)
{
  if (OCI_FIELD_ARRAY_OF (v, at, "devices", false, r->devices, r->devices_len,
                          parse_device_cgroup, oci_device_cgroup_clear, err)
          < 0
      || parse_memory (v, at, r, err) < 0 || parse_cpu (v, at, r, err) < 0
      || parse_pids (v, at, r, err) < 0 || parse_block_io (v, at, r, err) < 0
      || OCI_FIELD_ARRAY_OF (v, at, "hugepageLimits", false, r->hugepage_limits,
                             r->hugepage_limits_len, parse_hugepage_limit,
                             oci_hugepage_limit_clear, err)
             < 0
      || parse_network (v, at, r, err) < 0 || parse_rdma (v, at, r, err) < 0
      || oci_field_map (v, at, "unified", false, &r->unified, err) < 0)
    return -1;
  return 0;
}

int
oci_resources_parse_data (const char *data, size_t len, const char *name,
                          struct oci_resources **out, lodge_error_t *err)
{
  struct oci_resources *r;
  yajl_val doc = NULL;
  int ret;

  if (name == NULL)
    name = "resources";
  if (oci_parse_document (data, len, name, &doc, err) < 0)
    return -1;
  r = calloc (1, sizeof *r);
  if (r == NULL)
    {
      yajl_tree_free (doc);
      return lodge_error (err, ENOMEM, "%s: allocate", name);
    }
  ret = oci_resources_parse (doc, NULL, r, err);
  yajl_tree_free (doc);
  if (ret < 0)
    {
      oci_resources_free (r);
      return lodge_error_prefix (err, "%s", name);
    }
  *out = r;
  return 0;
}

/* ---- seccomp ------------------------------------------------------------ */

static int
parse_seccomp_arg (yajl_val v, const struct oci_path *at, void *elem,
                   lodge_error_t *err)
{
  struct oci_seccomp_arg *a = elem;

  if (oci_field_u32 (v, at, "index", true, &a->index, err) < 0
      || oci_field_u64 (v, at, "value", true, &a->value, err) < 0
      || OPT (oci_field_u64 (v, at, "valueTwo", false, &a->value_two, err),
              a->has_value_two)
             < 0
      || oci_field_string (v, at, "op", true, &a->op, err) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp_syscall (yajl_val v, const struct oci_path *at, void *elem,
                       lodge_error_t *err)
{
  struct oci_seccomp_syscall *s = elem;

  if (oci_field_strv (v, at, "names", true, &s->names, &s->names_len, err) < 0
      || oci_field_string (v, at, "action", true, &s->action, err) < 0
      || OPT (oci_field_u32 (v, at, "errnoRet", false, &s->errno_ret, err),
              s->has_errno_ret)
             < 0
      || OCI_FIELD_ARRAY_OF (v, at, "args", false, s->args, s->args_len,
                             parse_seccomp_arg, oci_seccomp_arg_clear, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_seccomp (yajl_val lv, const struct oci_path *at, struct oci_linux *l,
               lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "seccomp");
  struct oci_seccomp *s;
  yajl_val v = NULL;
  int k;

  k = OPTIONAL_OBJECT (lv, at, "seccomp", v, l->seccomp, err);
  if (k <= 0)
    return k;
  s = l->seccomp;
  if (oci_field_string (v, &here, "defaultAction", true, &s->default_action,
                        err)
          < 0
      || OPT (oci_field_u32 (v, &here, "defaultErrnoRet", false,
                             &s->default_errno_ret, err),
              s->has_default_errno_ret)
             < 0
      || oci_field_strv (v, &here, "architectures", false, &s->architectures,
                         &s->architectures_len, err)
             < 0
      || oci_field_strv (v, &here, "flags", false, &s->flags, &s->flags_len,
                         err)
             < 0
      || oci_field_string (v, &here, "listenerPath", false, &s->listener_path,
                           err)
             < 0
      || oci_field_string (v, &here, "listenerMetadata", false,
                           &s->listener_metadata, err)
             < 0
      || OCI_FIELD_ARRAY_OF (v, &here, "syscalls", false, s->syscalls,
                             s->syscalls_len, parse_seccomp_syscall,
                             oci_seccomp_syscall_clear, err)
             < 0)
    return -1;
  return 0;
}

/* ---- personality, intelRdt ---------------------------------------------- */

static int
parse_personality (yajl_val lv, const struct oci_path *at, struct oci_linux *l,
                   lodge_error_t *err)
{
  static const char *const domains[] = { "LINUX", "LINUX32", NULL };
  struct oci_path here = OCI_AT_KEY (at, "personality");
  struct oci_path domain_at = OCI_AT_KEY (&here, "domain");
  struct oci_personality *p;
  yajl_val v = NULL;
  int k;

  k = OPTIONAL_OBJECT (lv, at, "personality", v, l->personality, err);
  if (k <= 0)
    return k;
  p = l->personality;
  if (oci_field_string (v, &here, "domain", true, &p->domain, err) < 0
      || check_one_of (p->domain, domains, &domain_at, "personality domain",
                       err)
             < 0
      || oci_field_strv (v, &here, "flags", false, &p->flags, &p->flags_len,
                         err)
             < 0)
    return -1;
  return 0;
}

static int
parse_intel_rdt (yajl_val lv, const struct oci_path *at, struct oci_linux *l,
                 lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "intelRdt");
  struct oci_intel_rdt *i;
  yajl_val v = NULL;
  int k;

  k = OPTIONAL_OBJECT (lv, at, "intelRdt", v, l->intel_rdt, err);
  if (k <= 0)
    return k;
  i = l->intel_rdt;
  if (oci_field_string (v, &here, "closID", false, &i->clos_id, err) < 0
      || oci_field_string (v, &here, "l3CacheSchema", false,
                           &i->l3_cache_schema, err)
             < 0
      || oci_field_string (v, &here, "memBwSchema", false, &i->mem_bw_schema,
                           err)
             < 0
      || OPT (
             oci_field_bool (v, &here, "enableCMT", false, &i->enable_cmt, err),
             i->has_enable_cmt)
             < 0
      || OPT (
             oci_field_bool (v, &here, "enableMBM", false, &i->enable_mbm, err),
             i->has_enable_mbm)
             < 0)
    return -1;
  return 0;
}

/* ---- linux -------------------------------------------------------------- */

int
oci_linux_parse (yajl_val v, const struct oci_path *at, struct oci_linux *l,
                 lodge_error_t *err)
{
  yajl_val rv = NULL;
  int k;

  if (parse_namespaces (v, at, l, err) < 0
      || OCI_FIELD_ARRAY_OF (v, at, "uidMappings", false, l->uid_mappings,
                             l->uid_mappings_len, oci_id_mapping_parse,
                             oci_id_mapping_clear, err)
             < 0
      || OCI_FIELD_ARRAY_OF (v, at, "gidMappings", false, l->gid_mappings,
                             l->gid_mappings_len, oci_id_mapping_parse,
                             oci_id_mapping_clear, err)
             < 0
      || parse_time_offsets (v, at, l, err) < 0
      || OCI_FIELD_ARRAY_OF (v, at, "devices", false, l->devices,
                             l->devices_len, parse_device, oci_device_clear,
                             err)
             < 0
      || oci_field_string (v, at, "cgroupsPath", false, &l->cgroups_path, err)
             < 0)
    return -1;

  k = OPTIONAL_OBJECT (v, at, "resources", rv, l->resources, err);
  if (k < 0)
    return -1;
  if (k > 0)
    {
      struct oci_path here = OCI_AT_KEY (at, "resources");
      if (oci_resources_parse (rv, &here, l->resources, err) < 0)
        return -1;
    }

  if (oci_field_string (v, at, "rootfsPropagation", false,
                        &l->rootfs_propagation, err)
          < 0
      || parse_seccomp (v, at, l, err) < 0
      || oci_field_map (v, at, "sysctl", false, &l->sysctl, err) < 0
      || oci_field_strv (v, at, "maskedPaths", false, &l->masked_paths,
                         &l->masked_paths_len, err)
             < 0
      || oci_field_strv (v, at, "readonlyPaths", false, &l->readonly_paths,
                         &l->readonly_paths_len, err)
             < 0
      || oci_field_string (v, at, "mountLabel", false, &l->mount_label, err) < 0
      || parse_personality (v, at, l, err) < 0
      || parse_intel_rdt (v, at, l, err) < 0)
    return -1;
  return 0;
}
