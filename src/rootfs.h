/* lodge: the container's root: preparing it, pivoting into it, and the
 * masked and read-only paths on top. */
#ifndef LODGE_ROOTFS_H
#define LODGE_ROOTFS_H

#include <stdbool.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Make the mount tree private to us (slave of the host unless
 * rootfsPropagation says otherwise) and bind the rootfs onto itself so it
 * is a mount point we may pivot into (or attach `idmapped_tree` there,
 * when >= 0).  Returns an O_PATH fd on the rootfs. */
int lodge_rootfs_prepare (const char *rootfs, const char *propagation,
                          int idmapped_tree, lodge_error_t *err);

/* pivot_root into the rootfs and detach the old root; with no_pivot, move
 * the rootfs over / and chroot, as runc --no-pivot does. */
int lodge_rootfs_enter (const char *rootfs, bool no_pivot, lodge_error_t *err);

/* After pivot: maskedPaths, readonlyPaths, root.readonly and
 * rootfsPropagation.  Masked files get a bind of `devnull_fd`. */
int lodge_rootfs_finish (const struct oci_config *c, int devnull_fd,
                         lodge_error_t *err);

/* MS_* propagation for a rootfsPropagation value, or 0 and an error. */
int lodge_rootfs_propagation_flag (const char *name, unsigned long *out,
                                   lodge_error_t *err);

#endif
