/* lodge: the config.json that `lodge spec` writes.
 *
 * The defaults match runc's so that bundles made by either run the same
 * under both; maskedPaths and readonlyPaths in particular are runc's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lodge/oci_spec.h"
#include "spec_default.h"
#include "utils.h"

static const char default_config[]
    = "{\"ociVersion\":\"" LODGE_OCI_VERSION "\","
      "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},"
      "\"args\":[\"sh\"],"
      "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/"
      "sbin:/"
      "bin\",\"TERM=xterm\"],"
      "\"cwd\":\"/\","
      "\"capabilities\":{"
      "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"
      ","
      "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_"
      "SERVICE\"],"
      "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_"
      "SERVICE\"],"
      "\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]}"
      ","
      "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
      "\"noNewPrivileges\":true},"
      "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
      "\"hostname\":\"lodge\","
      "\"mounts\":["
      "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
      "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
      "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
      "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\","
      "\"mode=0620\",\"gid=5\"]},"
      "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size="
      "65536k\"]},"
      "{\"destination\":\"/dev/"
      "mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
      "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
      "{\"destination\":\"/sys/fs/"
      "cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
      "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
      "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":"
      "\"rwm\"}]},"
      "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":"
      "\"ipc\"},"
      "{\"type\":\"uts\"},{\"type\":\"mount\"}],"
      "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\","
      "\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
      "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\","
      "\"/proc/scsi\"],"
      "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/"
      "sys\","
      "\"/proc/sysrq-trigger\"]}}";

static void
strv_remove (char **v, size_t *len, const char *item)
{
  for (size_t i = 0; i < *len; i++)
    if (strcmp (v[i], item) == 0)
      {
        free (v[i]);
        memmove (&v[i], &v[i + 1], (*len - i) * sizeof *v);
        (*len)--;
        return;
      }
}

static int
make_rootless (struct oci_config *c, lodge_error_t *err)
{
  struct oci_linux *l = c->linux_;

  /* An unprivileged user gets no network namespace of its own to
   * configure and may not write device cgroups; it needs a user namespace
   * mapping its own ids to root. */
  for (size_t i = 0; i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i].type, "network") == 0)
      {
        free (l->namespaces[i].type);
        free (l->namespaces[i].path);
        memmove (&l->namespaces[i], &l->namespaces[i + 1],
                 (l->namespaces_len - i - 1) * sizeof *l->namespaces);
        l->namespaces_len--;
        break;
      }
  struct oci_namespace *ns = realloc (
      l->namespaces, (l->namespaces_len + 1) * sizeof *l->namespaces);
  if (ns == NULL)
    return lodge_error (err, errno, "spec");
  l->namespaces = ns;
  l->namespaces[l->namespaces_len++]
      = (struct oci_namespace){ .type = strdup ("user"), .path = NULL };

  l->uid_mappings = calloc (1, sizeof *l->uid_mappings);
  l->gid_mappings = calloc (1, sizeof *l->gid_mappings);
  if (l->uid_mappings == NULL || l->gid_mappings == NULL)
    return lodge_error (err, errno, "spec");
  l->uid_mappings[0] = (struct oci_id_mapping){ 0, getuid (), 1 };
  l->gid_mappings[0] = (struct oci_id_mapping){ 0, getgid (), 1 };
  l->uid_mappings_len = l->gid_mappings_len = 1;

  oci_resources_free (l->resources);
  l->resources = NULL;

  for (size_t i = 0; i < c->mounts_len; i++)
    {
      struct oci_mount *m = &c->mounts[i];
      if (strcmp (m->destination, "/dev/pts") == 0)
        strv_remove (m->options, &m->options_len, "gid=5");
      else if (strcmp (m->destination, "/sys") == 0)
        {
          /* sysfs cannot be mounted without owning the network
           * namespace: bind the host's, read-only. */
          free (m->type);
          free (m->source);
          m->type = strdup ("none");
          m->source = strdup ("/sys");
          char **opts
              = realloc (m->options, (m->options_len + 2) * sizeof *m->options);
          if (opts == NULL || m->type == NULL || m->source == NULL)
            return lodge_error (err, errno, "spec");
          memmove (&opts[1], &opts[0], (m->options_len + 1) * sizeof *opts);
          opts[0] = strdup ("rbind");
          m->options = opts;
          m->options_len++;
        }
    }
  return 0;
}

int
lodge_spec_default (bool rootless, char **out, size_t *len, lodge_error_t *err)
{
  struct oci_config *c = NULL;
  if (oci_config_parse_data (default_config, sizeof default_config - 1,
                             "default config", &c, err)
      < 0)
    return -1;
  int r = rootless ? make_rootless (c, err) : 0;
  if (r == 0)
    r = oci_config_emit (c, out, len, err);
  oci_config_free (c);
  return r;
}
