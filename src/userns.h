/* lodge: user namespace mappings and idmapped mounts. */
#ifndef LODGE_USERNS_H
#define LODGE_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Every range non-empty, inside 32 bits, and no two ranges overlapping on
 * either side; errors name the field ("linux.uidMappings[1]: ..."). */
int lodge_userns_check_mappings (const struct oci_id_mapping *m, size_t n,
                                 const char *field, lodge_error_t *err);

/* The host id that `id` inside maps to, or (uid_t) -1. */
uid_t lodge_userns_host_id (const struct oci_id_mapping *m, size_t n,
                            uint32_t id);

/* A user namespace with these mappings, as an fd (for MOUNT_ATTR_IDMAP):
 * made by a short-lived child that does nothing else. */
int lodge_userns_fd_for (const struct oci_id_mapping *uids, size_t nuids,
                         const struct oci_id_mapping *gids, size_t ngids,
                         lodge_error_t *err);

/* A detached copy of the mount at `source` (clone_recursive: with its
 * submounts, as rbind) seen through the user namespace `userns_fd` (the
 * submounts too when `recursive`, as ridmap).  Made by the runtime, which
 * has the privilege over the host filesystem that idmapping needs; the
 * container's init attaches it with lodge_idmapped_attach. */
int lodge_idmapped_tree (const char *source, bool clone_recursive,
                         bool recursive, int userns_fd, lodge_error_t *err);

/* Attach a detached tree on the mount point `target_fd` (an O_PATH fd), or
 * on the path `target` when target_fd is -1. */
int lodge_idmapped_attach (int tree_fd, int target_fd, const char *target,
                           lodge_error_t *err);

/* Does this mount ask for an idmapped mount (options idmap/ridmap, or
 * per-mount mappings)?  *recursive is set for ridmap. */
bool lodge_mount_wants_idmap (const struct oci_mount *m, bool *recursive);

#endif
