/* lodge: the container's cgroup on v1, hybrid and v2 hosts (libcgroup, with
 * plain cgroupfs I/O where libcgroup cannot go; see src/cgroup.c).
 *
 * The cgroup path is relative to each hierarchy's root ("/lodge/ID" by
 * default; linux.cgroupsPath as runc reads it).  A directory is made in
 * every mounted hierarchy: the v1 ones, the unified one, or both on a
 * hybrid host, where the unified mount gives cgroup.kill, cgroup.events,
 * the eBPF device filter and the controllers it carries (hugetlb here).
 * Every controller is driven where it lives, with runc's v1 -> v2
 * conversions of linux.resources where that is cgroup v2. */
#ifndef LODGE_CGROUP_H
#define LODGE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

#define LODGE_CGROUP_PARENT "/lodge"

/* The container's cgroup path from config + id (absolute, no trailing /).
 * With `systemd`, "slice:prefix:name" is mapped onto cgroupfs as
 * /slice-path/prefix-name.scope (lodge does not talk to systemd). */
int lodge_cgroup_path_for (const struct oci_config *c, const char *id,
                           bool systemd, char **out, lodge_error_t *err);

/* Make the cgroup in every hierarchy, apply all of linux.resources to it
 * (errors name the JSON field), and move `pid` in.  *created says whether
 * lodge made it: a cgroup that existed already (in any hierarchy) is
 * joined, gets `r` only when there is one, and must never be removed by
 * lodge.  On failure *created still says what to clean up. */
int lodge_cgroup_enter (const char *path, pid_t pid,
                        const struct oci_resources *r, bool *created,
                        lodge_error_t *err);

/* Move `pid` into an existing container's cgroup (or a cgroup below it,
 * made when missing) without touching its limits or device rules: for
 * processes that join a container, like exec's. */
int lodge_cgroup_join (const char *path, pid_t pid, lodge_error_t *err);

/* Apply `r` to a running container's cgroup (`update`): only the fields
 * it has; device rules only when it has some (the default rules are
 * added back to them). */
int lodge_cgroup_update (const char *path, const struct oci_resources *r,
                         lodge_error_t *err);

/* Remove the cgroup (and any it holds) in every hierarchy, once the
 * processes in it are gone. */
int lodge_cgroup_destroy (const char *path, lodge_error_t *err);

/* Whether the container's cgroup exists in some hierarchy. */
bool lodge_cgroup_exists (const char *path);

/* Every pid in the cgroup and the cgroups below it. */
int lodge_cgroup_pids (const char *path, pid_t **pids, size_t *len,
                       lodge_error_t *err);

/* Send `sig` to every process in the cgroup: SIGKILL through cgroup.kill
 * where the unified hierarchy has it, else freezing around the walk so
 * that forks cannot escape.  A paused container stays paused (except for
 * SIGKILL, which needs it thawed to take effect). */
int lodge_cgroup_kill_all (const char *path, int sig, lodge_error_t *err);

/* Freeze (pause) or thaw (resume): the v1 freezer, else cgroup.freeze;
 * returns once the tasks are stopped. */
int lodge_cgroup_freeze (const char *path, bool frozen, lodge_error_t *err);
bool lodge_cgroup_is_frozen (const char *path);

/* The default device rules every container gets (runc's list). */
int lodge_cgroup_default_devices (struct oci_device_cgroup **out, size_t *len);

/* ---- events (cgroup_stats.c) ------------------------------------------ */

/* The "data" object of runc's stats event (cpu, cpuset, memory, pids,
 * blkio, hugetlb, intel_rdt, network_interfaces). */
int lodge_cgroup_stats (const char *path, struct oci_json *j,
                        lodge_error_t *err);

/* OOM notifications: poll lodge_cgroup_oom_fd for POLLIN, then
 * lodge_cgroup_oom_read says how many OOM events happened and whether the
 * cgroup is gone.  *out stays NULL when there is no memory controller. */
struct lodge_cgroup_oom;
int lodge_cgroup_oom_watch (const char *path, struct lodge_cgroup_oom **out,
                            lodge_error_t *err);
int lodge_cgroup_oom_fd (const struct lodge_cgroup_oom *w);
int lodge_cgroup_oom_read (struct lodge_cgroup_oom *w, uint64_t *events,
                           bool *gone, lodge_error_t *err);
void lodge_cgroup_oom_free (struct lodge_cgroup_oom *w);

/* Hand the cgroup to the container's root (uid/gid on the host): its
 * directory and the files that move processes and enable controllers, in
 * every hierarchy, so a system container's init can manage its subtree. */
int lodge_cgroup_delegate (const char *path, uid_t uid, gid_t gid,
                           lodge_error_t *err);

#endif
