/* lodge: config.json (and exec's process.json): the top level, process,
 * root, mounts, hooks and annotations.  The "linux" object is in
 * config_linux.c. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- ociVersion --------------------------------------------------------- */

/* 1.0.x, 1.1.x and 1.2.x, with any "-dev"/"-rc1"/"+meta" suffix: every
 * release whose config.json lodge understands.  Later minors may add
 * fields whose absence of support would change what the container is. */
static bool
version_supported (const char *v)
{
  const char *p = v;

  if (p[0] != '1' || p[1] != '.')
    return false;
  p += 2;
  if (*p < '0' || *p > '2' || (p[1] >= '0' && p[1] <= '9'))
    return false;
  p++;
  if (*p != '.')
    return false;
  p++;
  if (*p < '0' || *p > '9')
    return false;
  while (*p >= '0' && *p <= '9')
    p++;
  return *p == '\0' || *p == '-' || *p == '+';
}

static int
parse_version (yajl_val doc, char **out, lodge_error_t *err)
{
  cleanup_free char *shown = NULL;

  if (oci_field_string (doc, NULL, "ociVersion", true, out, err) < 0)
    return -1;
  if (version_supported (*out))
    return 0;
  shown = oci_quote (*out);
  return lodge_error (err, 0,
                      "ociVersion %s is not supported (lodge supports "
                      "1.0.0 to 1.2.x)",
                      shown ? shown : *out);
}

/* ---- process ------------------------------------------------------------ */

static int
parse_rlimit (yajl_val v, const struct oci_path *at, void *elem,
              lodge_error_t *err)
{
  struct oci_rlimit *r = elem;

  if (oci_field_string (v, at, "type", true, &r->type, err) < 0
      || oci_field_u64 (v, at, "soft", true, &r->soft, err) < 0
      || oci_field_u64 (v, at, "hard", true, &r->hard, err) < 0)
    return -1;
  return 0;
}

static int
parse_user (yajl_val p, const struct oci_path *at, struct oci_user *u,
            lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "user");
  yajl_val v = NULL;
  int r;

  /* Clients that run as root often leave "user" out; a user object that
   * is there must say both ids, as the spec requires. */
  r = oci_field_object (p, at, "user", false, &v, err);
  if (r <= 0)
    return r;
  if (oci_field_u32 (v, &here, "uid", true, &u->uid, err) < 0
      || oci_field_u32 (v, &here, "gid", true, &u->gid, err) < 0)
    return -1;
  r = oci_field_u32 (v, &here, "umask", false, &u->umask, err);
  if (r < 0)
    return -1;
  u->has_umask = r > 0;
  if (oci_field_u32v (v, &here, "additionalGids", false, &u->additional_gids,
                      &u->additional_gids_len, err)
          < 0
      || oci_field_string (v, &here, "username", false, &u->username, err) < 0)
    return -1;
  return 0;
}

static int
parse_capabilities (yajl_val p, const struct oci_path *at,
                    struct oci_process *proc, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "capabilities");
  struct oci_capabilities *c;
  yajl_val v = NULL;
  int r;

  r = oci_field_object (p, at, "capabilities", false, &v, err);
  if (r <= 0)
    return r;
  c = proc->capabilities = calloc (1, sizeof *c);
  if (c == NULL)
    return lodge_error (err, ENOMEM, "allocate capabilities");
  if (oci_field_strv (v, &here, "bounding", false, &c->bounding,
                      &c->bounding_len, err)
          < 0
      || oci_field_strv (v, &here, "effective", false, &c->effective,
                         &c->effective_len, err)
             < 0
      || oci_field_strv (v, &here, "inheritable", false, &c->inheritable,
                         &c->inheritable_len, err)
             < 0
      || oci_field_strv (v, &here, "permitted", false, &c->permitted,
                         &c->permitted_len, err)
             < 0
      || oci_field_strv (v, &here, "ambient", false, &c->ambient,
                         &c->ambient_len, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (yajl_val p, const struct oci_path *at,
                 struct oci_process *proc, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "scheduler");
  struct oci_scheduler *s;
  yajl_val v = NULL;
  int r;

  r = oci_field_object (p, at, "scheduler", false, &v, err);
  if (r <= 0)
    return r;
  s = proc->scheduler = calloc (1, sizeof *s);
  if (s == NULL)
    return lodge_error (err, ENOMEM, "allocate scheduler");
  if (oci_field_string (v, &here, "policy", true, &s->policy, err) < 0)
    return -1;
  if ((r = oci_field_i32 (v, &here, "nice", false, &s->nice, err)) < 0)
    return -1;
  s->has_nice = r > 0;
  if ((r = oci_field_i32 (v, &here, "priority", false, &s->priority, err)) < 0)
    return -1;
  s->has_priority = r > 0;
  if (oci_field_strv (v, &here, "flags", false, &s->flags, &s->flags_len, err)
      < 0)
    return -1;
  if ((r = oci_field_u64 (v, &here, "runtime", false, &s->runtime, err)) < 0)
    return -1;
  s->has_runtime = r > 0;
  if ((r = oci_field_u64 (v, &here, "deadline", false, &s->deadline, err)) < 0)
    return -1;
  s->has_deadline = r > 0;
  if ((r = oci_field_u64 (v, &here, "period", false, &s->period, err)) < 0)
    return -1;
  s->has_period = r > 0;
  return 0;
}

static int
parse_io_priority (yajl_val p, const struct oci_path *at,
                   struct oci_process *proc, lodge_error_t *err)
{
  static const char *const classes[]
      = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };
  struct oci_path here = OCI_AT_KEY (at, "ioPriority");
  struct oci_path cls = OCI_AT_KEY (&here, "class");
  struct oci_io_priority *io;
  yajl_val v = NULL;
  int r;

  r = oci_field_object (p, at, "ioPriority", false, &v, err);
  if (r <= 0)
    return r;
  io = proc->io_priority = calloc (1, sizeof *io);
  if (io == NULL)
    return lodge_error (err, ENOMEM, "allocate ioPriority");
  if (oci_field_string (v, &here, "class", true, &io->class_, err) < 0)
    return -1;
  for (r = 0; classes[r]; r++)
    if (strcmp (classes[r], io->class_) == 0)
      break;
  if (classes[r] == NULL)
    {
      cleanup_free char *shown = oci_quote (io->class_);
      return oci_path_error (err, &cls, "unknown I/O priority class %s",
                             shown ? shown : io->class_);
    }
  if (oci_field_i32 (v, &here, "priority", true, &io->priority, err) < 0)
    return -1;
  return 0;
}

static int
parse_exec_cpu_affinity (yajl_val p, const struct oci_path *at,
                         struct oci_process *proc, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, "execCPUAffinity");
  struct oci_exec_cpu_affinity *a;
  yajl_val v = NULL;
  int r;

  r = oci_field_object (p, at, "execCPUAffinity", false, &v, err);
  if (r <= 0)
    return r;
  a = proc->exec_cpu_affinity = calloc (1, sizeof *a);
  if (a == NULL)
    return lodge_error (err, ENOMEM, "allocate execCPUAffinity");
  if (oci_field_string (v, &here, "initial", false, &a->initial, err) < 0
      || oci_field_string (v, &here, "final", false, &a->final, err) < 0)
    return -1;
  return 0;
}

int
oci_process_parse (yajl_val v, const struct oci_path *at, struct oci_process *p,
                   lodge_error_t *err)
{
  struct oci_path args_at = OCI_AT_KEY (at, "args");
  struct oci_path cwd_at = OCI_AT_KEY (at, "cwd");
  yajl_val box = NULL;
  int r;

  if (oci_field_bool (v, at, "terminal", false, &p->terminal, err) < 0)
    return -1;

  r = oci_field_object (v, at, "consoleSize", false, &box, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      struct oci_path here = OCI_AT_KEY (at, "consoleSize");
      if (oci_field_u32 (box, &here, "height", true, &p->console_height, err)
              < 0
          || oci_field_u32 (box, &here, "width", true, &p->console_width, err)
                 < 0)
        return -1;
      p->has_console_size = true;
    }

  if (parse_user (v, at, &p->user, err) < 0)
    return -1;

  if (oci_field_strv (v, at, "args", true, &p->args, &p->args_len, err) < 0)
    return -1;
  if (p->args_len == 0)
    return oci_path_error (err, &args_at, "must not be empty");

  if (oci_field_string (v, at, "commandLine", false, &p->command_line, err) < 0
      || oci_field_strv (v, at, "env", false, &p->env, &p->env_len, err) < 0)
    return -1;

  if (oci_field_string (v, at, "cwd", true, &p->cwd, err) < 0)
    return -1;
  if (p->cwd[0] != '/')
    {
      cleanup_free char *shown = oci_quote (p->cwd);
      return oci_path_error (err, &cwd_at, "must be an absolute path, got %s",
                             shown ? shown : p->cwd);
    }

  if (parse_capabilities (v, at, p, err) < 0)
    return -1;
  if (OCI_FIELD_ARRAY_OF (v, at, "rlimits", false, p->rlimits, p->rlimits_len,
                          parse_rlimit, oci_rlimit_clear, err)
      < 0)
    return -1;
  if (oci_field_bool (v, at, "noNewPrivileges", false, &p->no_new_privileges,
                      err)
          < 0
      || oci_field_string (v, at, "apparmorProfile", false,
                           &p->apparmor_profile, err)
             < 0)
    return -1;
  r = oci_field_i32 (v, at, "oomScoreAdj", false, &p->oom_score_adj, err);
  if (r < 0)
    return -1;
  p->has_oom_score_adj = r > 0;
  if (oci_field_string (v, at, "selinuxLabel", false, &p->selinux_label, err)
          < 0
      || parse_scheduler (v, at, p, err) < 0
      || parse_io_priority (v, at, p, err) < 0
      || parse_exec_cpu_affinity (v, at, p, err) < 0)
    return -1;
  return 0;
}

/* ---- root, mounts ------------------------------------------------------- */

static int
parse_root (yajl_val doc, struct oci_config *c, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (NULL, "root");
  yajl_val v = NULL;

  /* Optional in the spec, but every Linux container has a root. */
  if (oci_field_object (doc, NULL, "root", true, &v, err) < 0)
    return -1;
  c->root = calloc (1, sizeof *c->root);
  if (c->root == NULL)
    return lodge_error (err, ENOMEM, "allocate root");
  if (oci_field_string (v, &here, "path", true, &c->root->path, err) < 0
      || oci_field_bool (v, &here, "readonly", false, &c->root->readonly, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_mount (yajl_val v, const struct oci_path *at, void *elem,
             lodge_error_t *err)
{
  struct oci_mount *m = elem;

  if (oci_field_string (v, at, "destination", true, &m->destination, err) < 0
      || oci_field_string (v, at, "type", false, &m->type, err) < 0
      || oci_field_string (v, at, "source", false, &m->source, err) < 0
      || oci_field_strv (v, at, "options", false, &m->options, &m->options_len,
                         err)
             < 0)
    return -1;
  if (OCI_FIELD_ARRAY_OF (v, at, "uidMappings", false, m->uid_mappings,
                          m->uid_mappings_len, oci_id_mapping_parse,
                          oci_id_mapping_clear, err)
          < 0
      || OCI_FIELD_ARRAY_OF (v, at, "gidMappings", false, m->gid_mappings,
                             m->gid_mappings_len, oci_id_mapping_parse,
                             oci_id_mapping_clear, err)
             < 0)
    return -1;
  return 0;
}

/* ---- hooks -------------------------------------------------------------- */

static int
parse_hook (yajl_val v, const struct oci_path *at, void *elem,
            lodge_error_t *err)
{
  struct oci_path path_at = OCI_AT_KEY (at, "path");
  struct oci_path timeout_at = OCI_AT_KEY (at, "timeout");
  struct oci_hook *h = elem;
  int r;

  if (oci_field_string (v, at, "path", true, &h->path, err) < 0)
    return -1;
  if (h->path[0] != '/')
    {
      cleanup_free char *shown = oci_quote (h->path);
      return oci_path_error (err, &path_at, "must be an absolute path, got %s",
                             shown ? shown : h->path);
    }
  if (oci_field_strv (v, at, "args", false, &h->args, &h->args_len, err) < 0
      || oci_field_strv (v, at, "env", false, &h->env, &h->env_len, err) < 0)
    return -1;
  r = oci_field_i32 (v, at, "timeout", false, &h->timeout, err);
  if (r < 0)
    return -1;
  h->has_timeout = r > 0;
  if (h->has_timeout && h->timeout <= 0)
    return oci_path_error (
        err, &timeout_at, "must be greater than zero, got %d", (int)h->timeout);
  return 0;
}

static int
parse_hook_list (yajl_val v, const struct oci_path *at, const char *key,
                 struct oci_hook_list *list, lodge_error_t *err)
{
  return OCI_FIELD_ARRAY_OF (v, at, key, false, list->hooks, list->len,
                             parse_hook, oci_hook_clear, err);
}

static int
parse_hooks (yajl_val doc, struct oci_config *c, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (NULL, "hooks");
  struct oci_hooks *h;
  yajl_val v = NULL;
  int r;

  r = oci_field_object (doc, NULL, "hooks", false, &v, err);
  if (r <= 0)
    return r;
  h = c->hooks = calloc (1, sizeof *h);
  if (h == NULL)
    return lodge_error (err, ENOMEM, "allocate hooks");
  if (parse_hook_list (v, &here, "prestart", &h->prestart, err) < 0
      || parse_hook_list (v, &here, "createRuntime", &h->create_runtime, err)
             < 0
      || parse_hook_list (v, &here, "createContainer", &h->create_container,
                          err)
             < 0
      || parse_hook_list (v, &here, "startContainer", &h->start_container, err)
             < 0
      || parse_hook_list (v, &here, "poststart", &h->poststart, err) < 0
      || parse_hook_list (v, &here, "poststop", &h->poststop, err) < 0)
    return -1;
  return 0;
}

/* ---- the document ------------------------------------------------------- */

static int
parse_config (yajl_val doc, struct oci_config *c, lodge_error_t *err)
{
  yajl_val v = NULL;
  int r;

  if (parse_version (doc, &c->oci_version, err) < 0)
    return -1;
  if (parse_root (doc, c, err) < 0)
    return -1;
  if (OCI_FIELD_ARRAY_OF (doc, NULL, "mounts", false, c->mounts, c->mounts_len,
                          parse_mount, oci_mount_clear, err)
      < 0)
    return -1;

  r = oci_field_object (doc, NULL, "process", false, &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      struct oci_path here = OCI_AT_KEY (NULL, "process");
      c->process = calloc (1, sizeof *c->process);
      if (c->process == NULL)
        return lodge_error (err, ENOMEM, "allocate process");
      if (oci_process_parse (v, &here, c->process, err) < 0)
        return -1;
    }

  if (oci_field_string (doc, NULL, "hostname", false, &c->hostname, err) < 0
      || oci_field_string (doc, NULL, "domainname", false, &c->domainname, err)
             < 0
      || parse_hooks (doc, c, err) < 0
      || oci_field_map (doc, NULL, "annotations", false, &c->annotations, err)
             < 0)
    return -1;

  r = oci_field_object (doc, NULL, "linux", false, &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      struct oci_path here = OCI_AT_KEY (NULL, "linux");
      c->linux_ = calloc (1, sizeof *c->linux_);
      if (c->linux_ == NULL)
        return lodge_error (err, ENOMEM, "allocate linux");
      if (oci_linux_parse (v, &here, c->linux_, err) < 0)
        return -1;
    }
  return 0;
}

int
oci_config_parse_data (const char *data, size_t len, const char *name,
                       struct oci_config **out, lodge_error_t *err)
{
  struct oci_config *c;
  yajl_val doc = NULL;
  int r;

  if (name == NULL)
    name = "config.json";
  if (oci_parse_document (data, len, name, &doc, err) < 0)
    return -1;
  c = calloc (1, sizeof *c);
  if (c == NULL)
    {
      yajl_tree_free (doc);
      return lodge_error (err, ENOMEM, "%s: allocate", name);
    }
  r = parse_config (doc, c, err);
  yajl_tree_free (doc);
  if (r < 0)
    {
      oci_config_free (c);
      return lodge_error_prefix (err, "%s", name);
    }
  *out = c;
  return 0;
}

int
oci_config_parse_file (const char *path, const char *name,
                       struct oci_config **out, lodge_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  int r;

  r = oci_read_file (path, &data, &len, err);
  if (r < 0)
    return r;
  return oci_config_parse_data (data, len, name ? name : path, out, err);
}

int
oci_process_parse_file (const char *path, const char *name,
                        struct oci_process **out, lodge_error_t *err)
{
  cleanup_free char *data = NULL;
  struct oci_process *p;
  yajl_val doc = NULL;
  size_t len = 0;
  int r;

  if (name == NULL)
    name = path;
  r = oci_read_file (path, &data, &len, err);
  if (r < 0)
    return r;
  if (oci_parse_document (data, len, name, &doc, err) < 0)
    return -1;
  p = calloc (1, sizeof *p);
  if (p == NULL)
    {
      yajl_tree_free (doc);
      return lodge_error (err, ENOMEM, "%s: allocate", name);
    }
  r = oci_process_parse (doc, NULL, p, err);
  yajl_tree_free (doc);
  if (r < 0)
    {
      oci_process_free (p);
      return lodge_error_prefix (err, "%s", name);
    }
  *out = p;
  return 0;
}
