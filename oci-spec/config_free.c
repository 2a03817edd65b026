/* lodge: releasing the structures of oci_spec.h.  Every function accepts a
 * structure that a failed parse left half-filled: unset members are zero. */
#include "internal.h"

#include <stdlib.h>

/* String arrays are NULL-terminated (the parser only stores complete
 * ones), so the count is not needed to free them. */
static void
strv_free (char **v, size_t len)
{
  (void)len;
  lodge_strv_free (v);
}

void
oci_map_clear (struct oci_map *m)
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

/* Free an array whose elements own memory, then the array. */
static void
array_free (void *arr, size_t len, size_t size, oci_clear_elem_fn clear)
{
  char *p = arr;

  if (p == NULL)
    return;
  for (size_t i = 0; i < len; i++)
    clear (p + i * size);
  free (p);
}

#define ARRAY_FREE(field, len, clear)                                          \
  array_free ((field), (len), sizeof *(field), (clear))

/* ---- elements ----------------------------------------------------------- */

void
oci_id_mapping_clear (void *elem)
{
  (void)elem; /* nothing owned */
}

void
oci_rlimit_clear (void *elem)
{
  struct oci_rlimit *r = elem;
  free (r->type);
}

void
oci_mount_clear (void *elem)
{
  struct oci_mount *m = elem;
  free (m->destination);
  free (m->type);
  free (m->source);
  strv_free (m->options, m->options_len);
  free (m->uid_mappings);
  free (m->gid_mappings);
}

void
oci_hook_clear (void *elem)
{
  struct oci_hook *h = elem;
  free (h->path);
  strv_free (h->args, h->args_len);
  strv_free (h->env, h->env_len);
}

void
oci_namespace_clear (void *elem)
{
  struct oci_namespace *n = elem;
  free (n->type);
  free (n->path);
}

void
oci_device_clear (void *elem)
{
  struct oci_device *d = elem;
  free (d->type);
  free (d->path);
}

void
oci_device_cgroup_clear (void *elem)
{
  struct oci_device_cgroup *d = elem;
  free (d->type);
  free (d->access);
}

void
oci_weight_device_clear (void *elem)
{
  (void)elem;
}

void
oci_throttle_device_clear (void *elem)
{
  (void)elem;
}

void
oci_hugepage_limit_clear (void *elem)
{
  struct oci_hugepage_limit *h = elem;
  free (h->page_size);
}

void
oci_net_priority_clear (void *elem)
{
  struct oci_net_priority *p = elem;
  free (p->name);
}

void
oci_rdma_entry_clear (void *elem)
{
  struct oci_rdma_entry *e = elem;
  free (e->device);
}

void
oci_seccomp_arg_clear (void *elem)
{
  struct oci_seccomp_arg *a = elem;
  free (a->op);
}

void
oci_seccomp_syscall_clear (void *elem)
{
  struct oci_seccomp_syscall *s = elem;
  strv_free (s->names, s->names_len);
  free (s->action);
  ARRAY_FREE (s->args, s->args_len, oci_seccomp_arg_clear);
}

/* ---- process ------------------------------------------------------------ */

static void
capabilities_free (struct oci_capabilities *c)
{
  if (c == NULL)
    return;
  strv_free (c->bounding, c->bounding_len);
  strv_free (c->effective, c->effective_len);
  strv_free (c->inheritable, c->inheritable_len);
  strv_free (c->permitted, c->permitted_len);
  strv_free (c->ambient, c->ambient_len);
  free (c);
}

static void
process_clear (struct oci_process *p)
{
  free (p->user.additional_gids);
  free (p->user.username);
  strv_free (p->args, p->args_len);
  free (p->command_line);
  strv_free (p->env, p->env_len);
  free (p->cwd);
  capabilities_free (p->capabilities);
  ARRAY_FREE (p->rlimits, p->rlimits_len, oci_rlimit_clear);
  free (p->apparmor_profile);
  free (p->selinux_label);
  if (p->scheduler)
    {
      free (p->scheduler->policy);
      strv_free (p->scheduler->flags, p->scheduler->flags_len);
      free (p->scheduler);
    }
  if (p->io_priority)
    {
      free (p->io_priority->class_);
      free (p->io_priority);
    }
  if (p->exec_cpu_affinity)
    {
      free (p->exec_cpu_affinity->initial);
      free (p->exec_cpu_affinity->final);
      free (p->exec_cpu_affinity);
    }
}

void
oci_process_free (struct oci_process *p)
{
  if (p == NULL)
    return;
  process_clear (p);
  free (p);
}

/* ---- hooks, resources, linux -------------------------------------------- */

static void
hook_list_clear (struct oci_hook_list *l)
{
  ARRAY_FREE (l->hooks, l->len, oci_hook_clear);
}

void
oci_hooks_free (struct oci_hooks *h)
{
  if (h == NULL)
    return;
  hook_list_clear (&h->prestart);
  hook_list_clear (&h->create_runtime);
  hook_list_clear (&h->create_container);
  hook_list_clear (&h->start_container);
  hook_list_clear (&h->poststart);
  hook_list_clear (&h->poststop);
  free (h);
}

void
oci_resources_free (struct oci_resources *r)
{
  if (r == NULL)
    return;
  ARRAY_FREE (r->devices, r->devices_len, oci_device_cgroup_clear);
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  if (r->block_io)
    {
      struct oci_block_io *b = r->block_io;
      free (b->weight_device);
      free (b->throttle_read_bps_device);
      free (b->throttle_write_bps_device);
      free (b->throttle_read_iops_device);
      free (b->throttle_write_iops_device);
      free (b);
    }
  ARRAY_FREE (r->hugepage_limits, r->hugepage_limits_len,
              oci_hugepage_limit_clear);
  if (r->network)
    {
      ARRAY_FREE (r->network->priorities, r->network->priorities_len,
                  oci_net_priority_clear);
      free (r->network);
    }
  free (r->pids);
  ARRAY_FREE (r->rdma, r->rdma_len, oci_rdma_entry_clear);
  oci_map_clear (&r->unified);
  free (r);
}

static void
seccomp_free (struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  strv_free (s->architectures, s->architectures_len);
  strv_free (s->flags, s->flags_len);
  free (s->listener_path);
  free (s->listener_metadata);
  ARRAY_FREE (s->syscalls, s->syscalls_len, oci_seccomp_syscall_clear);
  free (s);
}

void
oci_linux_free (struct oci_linux *l)
{
  if (l == NULL)
    return;
  ARRAY_FREE (l->namespaces, l->namespaces_len, oci_namespace_clear);
  free (l->uid_mappings);
  free (l->gid_mappings);
  ARRAY_FREE (l->devices, l->devices_len, oci_device_clear);
  free (l->cgroups_path);
  oci_resources_free (l->resources);
  free (l->rootfs_propagation);
  seccomp_free (l->seccomp);
  oci_map_clear (&l->sysctl);
  strv_free (l->masked_paths, l->masked_paths_len);
  strv_free (l->readonly_paths, l->readonly_paths_len);
  free (l->mount_label);
  if (l->personality)
    {
      free (l->personality->domain);
      strv_free (l->personality->flags, l->personality->flags_len);
      free (l->personality);
    }
  if (l->intel_rdt)
    {
      free (l->intel_rdt->clos_id);
      free (l->intel_rdt->l3_cache_schema);
      free (l->intel_rdt->mem_bw_schema);
      free (l->intel_rdt);
    }
  free (l);
}

/* ---- config ------------------------------------------------------------- */

void
oci_config_free (struct oci_config *c)
{
  if (c == NULL)
    return;
  free (c->oci_version);
  if (c->root)
    {
      free (c->root->path);
      free (c->root);
    }
  ARRAY_FREE (c->mounts, c->mounts_len, oci_mount_clear);
  oci_process_free (c->process);
  free (c->hostname);
  free (c->domainname);
  oci_hooks_free (c->hooks);
  oci_map_clear (&c->annotations);
  oci_linux_free (c->linux_);
  free (c);
}
