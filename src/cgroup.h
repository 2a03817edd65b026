/* lodge: the container's cgroup on v1 (and hybrid) and v2 hosts.
 *
 * The cgroup path is relative to each hierarchy's root ("/lodge/ID" by
 * default; linux.cgroupsPath as runc reads it).  On v1 a directory is made
 * in every mounted hierarchy, on v2 in the unified one; on a hybrid host
 * in both, since the unified mount carries hugetlb here and gives
 * cgroup.kill and cgroup.events. */
#ifndef LODGE_CGROUP_H
#define LODGE_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

#define LODGE_CGROUP_PARENT "/lodge"

/* The container's cgroup path from config + id (absolute, no trailing /).
 * With `systemd`, "slice:prefix:name" is mapped onto cgroupfs as
 * /slice-path/prefix-name.scope. */
int lodge_cgroup_path_for (const struct oci_config *c, const char *id,
                           bool systemd, char **out, lodge_error_t *err);

/* Make the cgroup in every hierarchy (remembering in *created whether
 * lodge made the leaf, so delete never removes a cgroup it did not make),
 * apply the device rules, and move `pid` in. */
int lodge_cgroup_enter (const char *path, pid_t pid,
                        const struct oci_resources *r, bool *created,
                        lodge_error_t *err);

/* Remove the leaf directory in every hierarchy (after killing what is
 * left in it). */
int lodge_cgroup_destroy (const char *path, lodge_error_t *err);

/* Every pid in the cgroup (from the first hierarchy that has it). */
int lodge_cgroup_pids (const char *path, pid_t **pids, size_t *len,
                       lodge_error_t *err);

/* Send `sig` to every process in the cgroup, freezing it around the walk
 * so that forks cannot escape. */
int lodge_cgroup_kill_all (const char *path, int sig, lodge_error_t *err);

bool lodge_cgroup_is_frozen (const char *path);

/* The default device rules every container gets (runc's list). */
int lodge_cgroup_default_devices (struct oci_device_cgroup **out,
                                  size_t *len);

#endif
