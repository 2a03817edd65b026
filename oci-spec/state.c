/* lodge: the state object, as the spec defines it (for hooks' stdin and
 * `lodge state`) and with lodge's bookkeeping (for its state file). */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Names of lodge's own members in the state file.  They sit beside the
 * spec's members: the file is lodge's alone, and `state` output is
 * written by oci_state_emit, which leaves them out. */
#define KEY_PID_START_TIME "pidStartTime"
#define KEY_CREATED "created"
#define KEY_ROOTFS "rootfs"
#define KEY_OWNER "owner"
#define KEY_CGROUP_PATH "cgroupPath"
#define KEY_SYSTEMD_CGROUP "systemdCgroup"
#define KEY_CONFIG_PATH "configPath"

static void
emit_annotations (struct oci_json *j, const struct oci_map *m)
{
  oci_json_key (j, "annotations");
  oci_json_map_open (j);
  for (size_t i = 0; i < m->len; i++)
    oci_json_kv_string (j, m->keys[i], m->values[i]);
  oci_json_map_close (j);
}

int
oci_state_emit (const struct oci_state *s, bool pretty, char **out,
                size_t *out_len, lodge_error_t *err)
{
  struct oci_json *j = oci_json_new (pretty);
  bool stopped;
  int r;

  if (j == NULL)
    return lodge_error (err, ENOMEM, "allocate JSON writer");
  stopped = s->status != NULL && strcmp (s->status, "stopped") == 0;

  oci_json_map_open (j);
  /* The spec requires these four; a reader must always find a string. */
  oci_json_kv_string (j, "ociVersion",
                      s->oci_version ? s->oci_version : LODGE_OCI_VERSION);
  oci_json_kv_string (j, "id", s->id ? s->id : "");
  oci_json_kv_string (j, "status", s->status ? s->status : "");
  /* The spec: pid is REQUIRED when status is created or running, and a
   * stopped container's pid may belong to someone else by now. */
  if (!stopped && s->pid > 0)
    oci_json_kv_int (j, "pid", s->pid);
  oci_json_kv_string (j, "bundle", s->bundle ? s->bundle : "");
  if (s->annotations.len > 0)
    emit_annotations (j, &s->annotations);
  oci_json_map_close (j);

  r = oci_json_take (j, out, out_len, err);
  oci_json_free (j);
  return r;
}

static void
kv_opt_string (struct oci_json *j, const char *key, const char *s)
{
  if (s != NULL)
    oci_json_kv_string (j, key, s);
}

int
oci_state_emit_private (const struct oci_state *s, char **out, size_t *out_len,
                        lodge_error_t *err)
{
  struct oci_json *j = oci_json_new (false);
  int r;

  if (j == NULL)
    return lodge_error (err, ENOMEM, "allocate JSON writer");

  /* Only what is set, so that parsing gives back the same structure. */
  oci_json_map_open (j);
  kv_opt_string (j, "ociVersion", s->oci_version);
  kv_opt_string (j, "id", s->id);
  kv_opt_string (j, "status", s->status);
  oci_json_kv_int (j, "pid", s->pid);
  kv_opt_string (j, "bundle", s->bundle);
  if (s->annotations.len > 0)
    emit_annotations (j, &s->annotations);
  oci_json_kv_uint (j, KEY_PID_START_TIME, s->pid_start_time);
  kv_opt_string (j, KEY_CREATED, s->created);
  kv_opt_string (j, KEY_ROOTFS, s->rootfs);
  kv_opt_string (j, KEY_OWNER, s->owner);
  kv_opt_string (j, KEY_CGROUP_PATH, s->cgroup_path);
  oci_json_kv_bool (j, KEY_SYSTEMD_CGROUP, s->systemd_cgroup);
  kv_opt_string (j, KEY_CONFIG_PATH, s->config_path);
  oci_json_map_close (j);

  r = oci_json_take (j, out, out_len, err);
  oci_json_free (j);
  return r;
}

static int
parse_state (yajl_val doc, struct oci_state *s, lodge_error_t *err)
{
  int32_t pid = 0;

  if (oci_field_string (doc, NULL, "ociVersion", false, &s->oci_version, err)
          < 0
      || oci_field_string (doc, NULL, "id", true, &s->id, err) < 0
      || oci_field_string (doc, NULL, "status", true, &s->status, err) < 0
      || oci_field_i32 (doc, NULL, "pid", false, &pid, err) < 0
      || oci_field_string (doc, NULL, "bundle", false, &s->bundle, err) < 0
      || oci_field_map (doc, NULL, "annotations", false, &s->annotations, err)
             < 0
      || oci_field_u64 (doc, NULL, KEY_PID_START_TIME, false,
                        &s->pid_start_time, err)
             < 0
      || oci_field_string (doc, NULL, KEY_CREATED, false, &s->created, err) < 0
      || oci_field_string (doc, NULL, KEY_ROOTFS, false, &s->rootfs, err) < 0
      || oci_field_string (doc, NULL, KEY_OWNER, false, &s->owner, err) < 0
      || oci_field_string (doc, NULL, KEY_CGROUP_PATH, false, &s->cgroup_path,
                           err)
             < 0
      || oci_field_bool (doc, NULL, KEY_SYSTEMD_CGROUP, false,
                         &s->systemd_cgroup, err)
             < 0
      || oci_field_string (doc, NULL, KEY_CONFIG_PATH, false, &s->config_path,
                           err)
             < 0)
    return -1;
  if (pid < 0)
    {
      struct oci_path at = OCI_AT_KEY (NULL, "pid");
      return oci_path_error (err, &at, "must not be negative, got %d",
                             (int)pid);
    }
  s->pid = pid;
  return 0;
}

int
oci_state_parse_data (const char *data, size_t len, const char *name,
                      struct oci_state **out, lodge_error_t *err)
{
  struct oci_state *s;
  yajl_val doc = NULL;
  int r;

  if (name == NULL)
    name = "state.json";
  if (oci_parse_document (data, len, name, &doc, err) < 0)
    return -1;
  s = calloc (1, sizeof *s);
  if (s == NULL)
    {
      yajl_tree_free (doc);
      return lodge_error (err, ENOMEM, "%s: allocate", name);
    }
  r = parse_state (doc, s, err);
  yajl_tree_free (doc);
  if (r < 0)
    {
      oci_state_free (s);
      return lodge_error_prefix (err, "%s", name);
    }
  *out = s;
  return 0;
}

void
oci_state_free (struct oci_state *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->status);
  free (s->bundle);
  oci_map_clear (&s->annotations);
  free (s->created);
  free (s->rootfs);
  free (s->owner);
  free (s->cgroup_path);
  free (s->config_path);
  free (s);
}
