/* lodge: the runtime-spec `features` document: what this build and this
 * kernel support, for clients deciding what they may ask for. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capabilities.h"
#include "cli.h"
#include "mounts.h"
#include "seccomp.h"

static const char *const hook_names[] = { "prestart",
                                          "createRuntime",
                                          "createContainer",
                                          "startContainer",
                                          "poststart",
                                          "poststop",
                                          NULL };
static const char *const namespace_names[] = { "cgroup",  "ipc", "mount",
                                               "network", "pid", "time",
                                               "user",    "uts", NULL };

static void
kv_list (struct oci_json *j, const char *key, const char *const *v)
{
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (; *v; v++)
    oci_json_string (j, *v);
  oci_json_array_close (j);
}

int
lodge_cmd_features (struct lodge_context *ctx, int argc, char **argv,
                    lodge_error_t *err)
{
  if (lodge_expect_args ("features", argc, argv, 1, 0, 0, "", err) < 0)
    return -1;

  struct oci_json *j = oci_json_new (true);
  oci_json_map_open (j);
  oci_json_kv_string (j, "ociVersionMin", "1.0.0");
  oci_json_kv_string (j, "ociVersionMax", LODGE_OCI_VERSION);
  kv_list (j, "hooks", hook_names);
  kv_list (j, "mountOptions", lodge_mount_option_names);

  oci_json_key (j, "linux");
  oci_json_map_open (j);
  kv_list (j, "namespaces", namespace_names);
  oci_json_key (j, "capabilities");
  oci_json_array_open (j);
  for (int c = 0; c <= lodge_cap_last (); c++)
    if (lodge_cap_name (c))
      oci_json_string (j, lodge_cap_name (c));
  oci_json_array_close (j);

  oci_json_key (j, "cgroup");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "v1", true);
  oci_json_kv_bool (j, "v2", true);
  oci_json_kv_bool (j, "systemd", false);
  oci_json_kv_bool (j, "systemdUser", false);
  oci_json_kv_bool (j, "rdma", false);
  oci_json_map_close (j);

  oci_json_key (j, "seccomp");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "enabled", true);
  kv_list (j, "actions", lodge_seccomp_known_actions);
  kv_list (j, "operators", lodge_seccomp_known_operators);
  kv_list (j, "archs", lodge_seccomp_known_archs);
  kv_list (j, "knownFlags", lodge_seccomp_known_flags);
  const char **supported = lodge_seccomp_supported_flags ();
  if (supported)
    kv_list (j, "supportedFlags", supported);
  free (supported);
  oci_json_map_close (j);

  oci_json_key (j, "apparmor");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "enabled", false);
  oci_json_map_close (j);
  oci_json_key (j, "selinux");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "enabled", false);
  oci_json_map_close (j);
  oci_json_key (j, "intelRdt");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "enabled", false);
  oci_json_map_close (j);
  oci_json_key (j, "mountExtensions");
  oci_json_map_open (j);
  oci_json_key (j, "idmap");
  oci_json_map_open (j);
  oci_json_kv_bool (j, "enabled", false);
  oci_json_map_close (j);
  oci_json_map_close (j);
  oci_json_map_close (j); /* linux */

  oci_json_key (j, "annotations");
  oci_json_map_open (j);
  oci_json_kv_string (j, "org.opencontainers.runtime-spec.features.version",
                      LODGE_OCI_VERSION);
  oci_json_kv_string (j, "io.github.lodge.version", PACKAGE_VERSION);
  oci_json_map_close (j);
  oci_json_map_close (j);

  size_t len;
  const char *buf = oci_json_buffer (j, &len);
  printf ("%.*s\n", (int)len, buf);
  oci_json_free (j);
  return 0;
}
