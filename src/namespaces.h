/* lodge: Linux namespaces: new ones, joined ones, user id maps. */
#ifndef LODGE_NAMESPACES_H
#define LODGE_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

#define LODGE_NS_MAX 8

struct lodge_ns_join
{
  int fd;
  int flag; /* CLONE_NEW* */
};

struct lodge_namespaces
{
  int new_flags; /* CLONE_NEW* to create */
  struct lodge_ns_join join[LODGE_NS_MAX];
  size_t join_len;
};

/* CLONE_NEW* for a spec namespace type, or 0. */
int lodge_ns_flag (const char *type);

/* From linux.namespaces: which to create, and open (in the runtime, where
 * the paths make sense) those to join.  A path that is not a namespace of
 * the named type is an error naming both. */
int lodge_ns_prepare (const struct oci_linux *l, struct lodge_namespaces *ns,
                      lodge_error_t *err);
void lodge_ns_close (struct lodge_namespaces *ns);

/* In the child: join the namespaces of `ns` whose flag is (or is not)
 * CLONE_NEWUSER.  The user namespace is joined first so that the others
 * are joined with its privileges. */
int lodge_ns_join_user (struct lodge_namespaces *ns, lodge_error_t *err);
int lodge_ns_join_others (struct lodge_namespaces *ns, lodge_error_t *err);

/* Write one map file ("uid_map" or "gid_map") of `pid`. */
int lodge_ns_write_map (pid_t pid, const char *file,
                        const struct oci_id_mapping *m, size_t n,
                        lodge_error_t *err);

/* From the runtime: write uid_map/gid_map of `pid`'s user namespace. */
int lodge_ns_write_id_maps (pid_t pid, const struct oci_linux *l,
                            lodge_error_t *err);

/* In the child after unshare(CLONE_NEWTIME), before any fork. */
int lodge_ns_write_time_offsets (const struct oci_linux *l, lodge_error_t *err);

/* In the child after unshare(CLONE_NEWNET): set lo up (127.0.0.1/8 and
 * ::1 come with it), as runc and crun do for a new network namespace, so
 * a container without a configured network (`podman --network none`,
 * `ctr run` without --cni) still has localhost. */
int lodge_ns_loopback_up (lodge_error_t *err);

#endif
