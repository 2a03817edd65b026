/* lodge: writing a whole config.json (`lodge spec`).  Members come in the
 * order of runc's output (the field order of the spec's Go types), and a
 * member is written only when set, as Go's omitempty does; members the
 * spec requires are always written. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

static void
kv_strv (struct oci_json *j, const char *key, char *const *v, size_t len)
{
  /* A present empty array is written: an empty env is not an absent one. */
  if (v != NULL)
    oci_json_kv_strv (j, key, v, len);
}

static void
kv_opt_string (struct oci_json *j, const char *key, const char *s)
{
  if (s != NULL)
    oci_json_kv_string (j, key, s);
}

static void
emit_map (struct oci_json *j, const char *key, const struct oci_map *m)
{
  if (m->len == 0)
    return;
  oci_json_key (j, key);
  oci_json_map_open (j);
  for (size_t i = 0; i < m->len; i++)
    oci_json_kv_string (j, m->keys[i], m->values[i]);
  oci_json_map_close (j);
}

static void
emit_id_mappings (struct oci_json *j, const char *key,
                  const struct oci_id_mapping *m, size_t len)
{
  if (len == 0)
    return;
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (size_t i = 0; i < len; i++)
    {
      oci_json_map_open (j);
      oci_json_kv_uint (j, "containerID", m[i].container_id);
      oci_json_kv_uint (j, "hostID", m[i].host_id);
      oci_json_kv_uint (j, "size", m[i].size);
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
}

/* ---- process ------------------------------------------------------------ */

static void
emit_user (struct oci_json *j, const struct oci_user *u)
{
  oci_json_key (j, "user");
  oci_json_map_open (j);
  oci_json_kv_uint (j, "uid", u->uid);
  oci_json_kv_uint (j, "gid", u->gid);
  if (u->has_umask)
    oci_json_kv_uint (j, "umask", u->umask);
  if (u->additional_gids != NULL)
    {
      oci_json_key (j, "additionalGids");
      oci_json_array_open (j);
      for (size_t i = 0; i < u->additional_gids_len; i++)
        oci_json_uint (j, u->additional_gids[i]);
      oci_json_array_close (j);
    }
  kv_opt_string (j, "username", u->username);
  oci_json_map_close (j);
}

static void
emit_capabilities (struct oci_json *j, const struct oci_capabilities *c)
{
  if (c == NULL)
    return;
  oci_json_key (j, "capabilities");
  oci_json_map_open (j);
  kv_strv (j, "bounding", c->bounding, c->bounding_len);
  kv_strv (j, "effective", c->effective, c->effective_len);
  kv_strv (j, "inheritable", c->inheritable, c->inheritable_len);
  kv_strv (j, "permitted", c->permitted, c->permitted_len);
  kv_strv (j, "ambient", c->ambient, c->ambient_len);
  oci_json_map_close (j);
}

static void
emit_rlimits (struct oci_json *j, const struct oci_rlimit *r, size_t len)
{
  if (len == 0)
    return;
  oci_json_key (j, "rlimits");
  oci_json_array_open (j);
  for (size_t i = 0; i < len; i++)
    {
      oci_json_map_open (j);
      oci_json_kv_string (j, "type", r[i].type);
      oci_json_kv_uint (j, "hard", r[i].hard);
      oci_json_kv_uint (j, "soft", r[i].soft);
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
}

static void
emit_scheduler (struct oci_json *j, const struct oci_scheduler *s)
{
  if (s == NULL)
    return;
  oci_json_key (j, "scheduler");
  oci_json_map_open (j);
  oci_json_kv_string (j, "policy", s->policy);
  if (s->has_nice)
    oci_json_kv_int (j, "nice", s->nice);
  if (s->has_priority)
    oci_json_kv_int (j, "priority", s->priority);
  kv_strv (j, "flags", s->flags, s->flags_len);
  if (s->has_runtime)
    oci_json_kv_uint (j, "runtime", s->runtime);
  if (s->has_deadline)
    oci_json_kv_uint (j, "deadline", s->deadline);
  if (s->has_period)
    oci_json_kv_uint (j, "period", s->period);
  oci_json_map_close (j);
}

static void
emit_process (struct oci_json *j, const struct oci_process *p)
{
  if (p == NULL)
    return;
  oci_json_key (j, "process");
  oci_json_map_open (j);
  if (p->terminal)
    oci_json_kv_bool (j, "terminal", true);
  if (p->has_console_size)
    {
      oci_json_key (j, "consoleSize");
      oci_json_map_open (j);
      oci_json_kv_uint (j, "height", p->console_height);
      oci_json_kv_uint (j, "width", p->console_width);
      oci_json_map_close (j);
    }
  emit_user (j, &p->user);
  kv_strv (j, "args", p->args, p->args_len);
  kv_opt_string (j, "commandLine", p->command_line);
  kv_strv (j, "env", p->env, p->env_len);
  oci_json_kv_string (j, "cwd", p->cwd ? p->cwd : "/");
  emit_capabilities (j, p->capabilities);
  emit_rlimits (j, p->rlimits, p->rlimits_len);
  if (p->no_new_privileges)
    oci_json_kv_bool (j, "noNewPrivileges", true);
  kv_opt_string (j, "apparmorProfile", p->apparmor_profile);
  if (p->has_oom_score_adj)
    oci_json_kv_int (j, "oomScoreAdj", p->oom_score_adj);
  emit_scheduler (j, p->scheduler);
  kv_opt_string (j, "selinuxLabel", p->selinux_label);
  if (p->io_priority)
    {
      oci_json_key (j, "ioPriority");
      oci_json_map_open (j);
      oci_json_kv_string (j, "class", p->io_priority->class_);
      oci_json_kv_int (j, "priority", p->io_priority->priority);
      oci_json_map_close (j);
    }
  if (p->exec_cpu_affinity)
    {
      oci_json_key (j, "execCPUAffinity");
      oci_json_map_open (j);
      kv_opt_string (j, "initial", p->exec_cpu_affinity->initial);
      kv_opt_string (j, "final", p->exec_cpu_affinity->final);
      oci_json_map_close (j);
    }
  oci_json_map_close (j);
}

/* ---- root, mounts, hooks ------------------------------------------------ */

static void
emit_mounts (struct oci_json *j, const struct oci_mount *m, size_t len)
{
  if (len == 0)
    return;
  oci_json_key (j, "mounts");
  oci_json_array_open (j);
  for (size_t i = 0; i < len; i++)
    {
      oci_json_map_open (j);
      oci_json_kv_string (j, "destination", m[i].destination);
      kv_opt_string (j, "type", m[i].type);
      kv_opt_string (j, "source", m[i].source);
      kv_strv (j, "options", m[i].options, m[i].options_len);
      emit_id_mappings (j, "uidMappings", m[i].uid_mappings,
                        m[i].uid_mappings_len);
      emit_id_mappings (j, "gidMappings", m[i].gid_mappings,
                        m[i].gid_mappings_len);
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
}

static void
emit_hook_list (struct oci_json *j, const char *key,
                const struct oci_hook_list *l)
{
  if (l->len == 0)
    return;
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (size_t i = 0; i < l->len; i++)
    {
      const struct oci_hook *h = &l->hooks[i];

      oci_json_map_open (j);
      oci_json_kv_string (j, "path", h->path);
      kv_strv (j, "args", h->args, h->args_len);
      kv_strv (j, "env", h->env, h->env_len);
      if (h->has_timeout)
        oci_json_kv_int (j, "timeout", h->timeout);
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
}

static void
emit_hooks (struct oci_json *j, const struct oci_hooks *h)
{
  if (h == NULL)
    return;
  oci_json_key (j, "hooks");
  oci_json_map_open (j);
  emit_hook_list (j, "prestart", &h->prestart);
  emit_hook_list (j, "createRuntime", &h->create_runtime);
  emit_hook_list (j, "createContainer", &h->create_container);
  emit_hook_list (j, "startContainer", &h->start_container);
  emit_hook_list (j, "poststart", &h->poststart);
  emit_hook_list (j, "poststop", &h->poststop);
  oci_json_map_close (j);
}

/* ---- resources ---------------------------------------------------------- */

static void
emit_memory (struct oci_json *j, const struct oci_memory *m)
{
  if (m == NULL)
    return;
  oci_json_key (j, "memory");
  oci_json_map_open (j);
  if (m->has_limit)
    oci_json_kv_int (j, "limit", m->limit);
  if (m->has_reservation)
    oci_json_kv_int (j, "reservation", m->reservation);
  if (m->has_swap)
    oci_json_kv_int (j, "swap", m->swap);
  if (m->has_kernel)
    oci_json_kv_int (j, "kernel", m->kernel);
  if (m->has_kernel_tcp)
    oci_json_kv_int (j, "kernelTCP", m->kernel_tcp);
  if (m->has_swappiness)
    oci_json_kv_uint (j, "swappiness", m->swappiness);
  if (m->has_disable_oom_killer)
    oci_json_kv_bool (j, "disableOOMKiller", m->disable_oom_killer);
  if (m->has_use_hierarchy)
    oci_json_kv_bool (j, "useHierarchy", m->use_hierarchy);
  if (m->has_check_before_update)
    oci_json_kv_bool (j, "checkBeforeUpdate", m->check_before_update);
  oci_json_map_close (j);
}

static void
emit_cpu (struct oci_json *j, const struct oci_cpu *c)
{
  if (c == NULL)
    return;
  oci_json_key (j, "cpu");
  oci_json_map_open (j);
  if (c->has_shares)
    oci_json_kv_uint (j, "shares", c->shares);
  if (c->has_quota)
    oci_json_kv_int (j, "quota", c->quota);
  if (c->has_burst)
    oci_json_kv_uint (j, "burst", c->burst);
  if (c->has_period)
    oci_json_kv_uint (j, "period", c->period);
  if (c->has_realtime_runtime)
    oci_json_kv_int (j, "realtimeRuntime", c->realtime_runtime);
  if (c->has_realtime_period)
    oci_json_kv_uint (j, "realtimePeriod", c->realtime_period);
  kv_opt_string (j, "cpus", c->cpus);
  kv_opt_string (j, "mems", c->mems);
  if (c->has_idle)
    oci_json_kv_int (j, "idle", c->idle);
  oci_json_map_close (j);
}

static void
emit_throttle (struct oci_json *j, const char *key,
               const struct oci_throttle_device *d, size_t len)
{
  if (len == 0)
    return;
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (size_t i = 0; i < len; i++)
    {
      oci_json_map_open (j);
      oci_json_kv_int (j, "major", d[i].major);
      oci_json_kv_int (j, "minor", d[i].minor);
      oci_json_kv_uint (j, "rate", d[i].rate);
      oci_json_map_close (j);
    }
  oci_json_array_close (j);
}

static void
emit_block_io (struct oci_json *j, const struct oci_block_io *b)
{
  if (b == NULL)
    return;
  oci_json_key (j, "blockIO");
  oci_json_map_open (j);
  if (b->has_weight)
    oci_json_kv_uint (j, "weight", b->weight);
  if (b->has_leaf_weight)
    oci_json_kv_uint (j, "leafWeight", b->leaf_weight);
  if (b->weight_device_len)
    {
      oci_json_key (j, "weightDevice");
      oci_json_array_open (j);
      for (size_t i = 0; i < b->weight_device_len; i++)
        {
          const struct oci_weight_device *d = &b->weight_device[i];

          oci_json_map_open (j);
          oci_json_kv_int (j, "major", d->major);
          oci_json_kv_int (j, "minor", d->minor);
          if (d->has_weight)
            oci_json_kv_uint (j, "weight", d->weight);
          if (d->has_leaf_weight)
            oci_json_kv_uint (j, "leafWeight", d->leaf_weight);
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  emit_throttle (j, "throttleReadBpsDevice", b->throttle_read_bps_device,
                 b->throttle_read_bps_device_len);
  emit_throttle (j, "throttleWriteBpsDevice", b->throttle_write_bps_device,
                 b->throttle_write_bps_device_len);
  emit_throttle (j, "throttleReadIOPSDevice", b->throttle_read_iops_device,
                 b->throttle_read_iops_device_len);
  emit_throttle (j, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                 b->throttle_write_iops_device_len);
  oci_json_map_close (j);
}

static void
emit_resources (struct oci_json *j, const struct oci_resources *r)
{
  if (r == NULL)
    return;
  oci_json_key (j, "resources");
  oci_json_map_open (j);
  if (r->devices_len)
    {
      oci_json_key (j, "devices");
      oci_json_array_open (j);
      for (size_t i = 0; i < r->devices_len; i++)
        {
          const struct oci_device_cgroup *d = &r->devices[i];

          oci_json_map_open (j);
          oci_json_kv_bool (j, "allow", d->allow);
          kv_opt_string (j, "type", d->type);
          if (d->has_major)
            oci_json_kv_int (j, "major", d->major);
          if (d->has_minor)
            oci_json_kv_int (j, "minor", d->minor);
          kv_opt_string (j, "access", d->access);
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  emit_memory (j, r->memory);
  emit_cpu (j, r->cpu);
  if (r->pids)
    {
      oci_json_key (j, "pids");
      oci_json_map_open (j);
      if (r->pids->has_limit)
        oci_json_kv_int (j, "limit", r->pids->limit);
      oci_json_map_close (j);
    }
  emit_block_io (j, r->block_io);
  if (r->hugepage_limits_len)
    {
      oci_json_key (j, "hugepageLimits");
      oci_json_array_open (j);
      for (size_t i = 0; i < r->hugepage_limits_len; i++)
        {
          oci_json_map_open (j);
          oci_json_kv_string (j, "pageSize", r->hugepage_limits[i].page_size);
          oci_json_kv_uint (j, "limit", r->hugepage_limits[i].limit);
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  if (r->network)
    {
      oci_json_key (j, "network");
      oci_json_map_open (j);
      if (r->network->has_class_id)
        oci_json_kv_uint (j, "classID", r->network->class_id);
      if (r->network->priorities_len)
        {
          oci_json_key (j, "priorities");
          oci_json_array_open (j);
          for (size_t i = 0; i < r->network->priorities_len; i++)
            {
              oci_json_map_open (j);
              oci_json_kv_string (j, "name", r->network->priorities[i].name);
              oci_json_kv_uint (j, "priority",
                                r->network->priorities[i].priority);
              oci_json_map_close (j);
            }
          oci_json_array_close (j);
        }
      oci_json_map_close (j);
    }
  if (r->rdma_len)
    {
      oci_json_key (j, "rdma");
      oci_json_map_open (j);
      for (size_t i = 0; i < r->rdma_len; i++)
        {
          oci_json_key (j, r->rdma[i].device);
          oci_json_map_open (j);
          if (r->rdma[i].has_hca_handles)
            oci_json_kv_uint (j, "hcaHandles", r->rdma[i].hca_handles);
          if (r->rdma[i].has_hca_objects)
            oci_json_kv_uint (j, "hcaObjects", r->rdma[i].hca_objects);
          oci_json_map_close (j);
        }
      oci_json_map_close (j);
    }
  emit_map (j, "unified", &r->unified);
  oci_json_map_close (j);
}

/* ---- linux -------------------------------------------------------------- */

static void
emit_seccomp (struct oci_json *j, const struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  oci_json_key (j, "seccomp");
  oci_json_map_open (j);
  oci_json_kv_string (j, "defaultAction", s->default_action);
  if (s->has_default_errno_ret)
    oci_json_kv_uint (j, "defaultErrnoRet", s->default_errno_ret);
  kv_strv (j, "architectures", s->architectures, s->architectures_len);
  kv_strv (j, "flags", s->flags, s->flags_len);
  kv_opt_string (j, "listenerPath", s->listener_path);
  kv_opt_string (j, "listenerMetadata", s->listener_metadata);
  if (s->syscalls_len)
    {
      oci_json_key (j, "syscalls");
      oci_json_array_open (j);
      for (size_t i = 0; i < s->syscalls_len; i++)
        {
          const struct oci_seccomp_syscall *sc = &s->syscalls[i];

          oci_json_map_open (j);
          oci_json_kv_strv (j, "names", sc->names, sc->names_len);
          oci_json_kv_string (j, "action", sc->action);
          if (sc->has_errno_ret)
            oci_json_kv_uint (j, "errnoRet", sc->errno_ret);
          if (sc->args_len)
            {
              oci_json_key (j, "args");
              oci_json_array_open (j);
              for (size_t k = 0; k < sc->args_len; k++)
                {
                  const struct oci_seccomp_arg *a = &sc->args[k];

                  oci_json_map_open (j);
                  oci_json_kv_uint (j, "index", a->index);
                  oci_json_kv_uint (j, "value", a->value);
                  if (a->has_value_two)
                    oci_json_kv_uint (j, "valueTwo", a->value_two);
                  oci_json_kv_string (j, "op", a->op);
                  oci_json_map_close (j);
                }
              oci_json_array_close (j);
            }
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  oci_json_map_close (j);
}

static void
emit_time_offset (struct oci_json *j, const char *key,
                  const struct oci_time_offset *t)
{
  oci_json_key (j, key);
  oci_json_map_open (j);
  oci_json_kv_int (j, "secs", t->secs);
  oci_json_kv_uint (j, "nanosecs", t->nanosecs);
  oci_json_map_close (j);
}

static void
emit_linux (struct oci_json *j, const struct oci_linux *l)
{
  if (l == NULL)
    return;
  oci_json_key (j, "linux");
  oci_json_map_open (j);
  emit_id_mappings (j, "uidMappings", l->uid_mappings, l->uid_mappings_len);
  emit_id_mappings (j, "gidMappings", l->gid_mappings, l->gid_mappings_len);
  emit_map (j, "sysctl", &l->sysctl);
  emit_resources (j, l->resources);
  kv_opt_string (j, "cgroupsPath", l->cgroups_path);
  if (l->namespaces_len)
    {
      oci_json_key (j, "namespaces");
      oci_json_array_open (j);
      for (size_t i = 0; i < l->namespaces_len; i++)
        {
          oci_json_map_open (j);
          oci_json_kv_string (j, "type", l->namespaces[i].type);
          kv_opt_string (j, "path", l->namespaces[i].path);
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  if (l->devices_len)
    {
      oci_json_key (j, "devices");
      oci_json_array_open (j);
      for (size_t i = 0; i < l->devices_len; i++)
        {
          const struct oci_device *d = &l->devices[i];

          oci_json_map_open (j);
          oci_json_kv_string (j, "path", d->path);
          oci_json_kv_string (j, "type", d->type);
          oci_json_kv_int (j, "major", d->major);
          oci_json_kv_int (j, "minor", d->minor);
          if (d->has_file_mode)
            oci_json_kv_uint (j, "fileMode", d->file_mode);
          if (d->has_uid)
            oci_json_kv_uint (j, "uid", d->uid);
          if (d->has_gid)
            oci_json_kv_uint (j, "gid", d->gid);
          oci_json_map_close (j);
        }
      oci_json_array_close (j);
    }
  emit_seccomp (j, l->seccomp);
  kv_opt_string (j, "rootfsPropagation", l->rootfs_propagation);
  kv_strv (j, "maskedPaths", l->masked_paths, l->masked_paths_len);
  kv_strv (j, "readonlyPaths", l->readonly_paths, l->readonly_paths_len);
  kv_opt_string (j, "mountLabel", l->mount_label);
  if (l->intel_rdt)
    {
      const struct oci_intel_rdt *r = l->intel_rdt;

      oci_json_key (j, "intelRdt");
      oci_json_map_open (j);
      kv_opt_string (j, "closID", r->clos_id);
      kv_opt_string (j, "l3CacheSchema", r->l3_cache_schema);
      kv_opt_string (j, "memBwSchema", r->mem_bw_schema);
      if (r->has_enable_cmt)
        oci_json_kv_bool (j, "enableCMT", r->enable_cmt);
      if (r->has_enable_mbm)
        oci_json_kv_bool (j, "enableMBM", r->enable_mbm);
      oci_json_map_close (j);
    }
  if (l->personality)
    {
      oci_json_key (j, "personality");
      oci_json_map_open (j);
      oci_json_kv_string (j, "domain", l->personality->domain);
      kv_strv (j, "flags", l->personality->flags, l->personality->flags_len);
      oci_json_map_close (j);
    }
  if (l->has_time_offset_monotonic || l->has_time_offset_boottime)
    {
      /* Go writes map keys sorted, so boottime comes first. */
      oci_json_key (j, "timeOffsets");
      oci_json_map_open (j);
      if (l->has_time_offset_boottime)
        emit_time_offset (j, "boottime", &l->time_offset_boottime);
      if (l->has_time_offset_monotonic)
        emit_time_offset (j, "monotonic", &l->time_offset_monotonic);
      oci_json_map_close (j);
    }
  oci_json_map_close (j);
}

/* ---- config ------------------------------------------------------------- */

int
oci_config_emit (const struct oci_config *c, char **out, size_t *out_len,
                 lodge_error_t *err)
{
  struct oci_json *j;
  int r;

  j = oci_json_new (true);
  if (j == NULL)
    return lodge_error (err, ENOMEM, "allocate JSON writer");
  oci_json_map_open (j);
  oci_json_kv_string (j, "ociVersion",
                      c->oci_version ? c->oci_version : LODGE_OCI_VERSION);
  emit_process (j, c->process);
  if (c->root)
    {
      oci_json_key (j, "root");
      oci_json_map_open (j);
      oci_json_kv_string (j, "path", c->root->path ? c->root->path : "");
      if (c->root->readonly)
        oci_json_kv_bool (j, "readonly", true);
      oci_json_map_close (j);
    }
  kv_opt_string (j, "hostname", c->hostname);
  kv_opt_string (j, "domainname", c->domainname);
  emit_mounts (j, c->mounts, c->mounts_len);
  emit_hooks (j, c->hooks);
  emit_map (j, "annotations", &c->annotations);
  emit_linux (j, c->linux_);
  oci_json_map_close (j);

  r = oci_json_take (j, out, out_len, err);
  oci_json_free (j);
  return r;
}
