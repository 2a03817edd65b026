/* lodge: config.json mounts, made inside the container's rootfs. */
#ifndef LODGE_MOUNTS_H
#define LODGE_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Every option name `mounts[].options` understands (for `features`). */
extern const char *const lodge_mount_option_names[];

struct lodge_mount_options
{
  unsigned long flags;          /* MS_* to set */
  unsigned long propagation[4]; /* MS_SHARED... applied after, in order */
  size_t propagation_len;
  bool bind;
  bool recursive_bind;
  bool tmpcopyup;
  bool idmap;
  uint64_t attr_set; /* MOUNT_ATTR_* applied recursively (rro, rnosuid...) */
  uint64_t attr_clr;
  char *data; /* the rest, comma separated, for the filesystem */
};

int lodge_mount_parse_options (char *const *opts, size_t n,
                               struct lodge_mount_options *out,
                               lodge_error_t *err);
void lodge_mount_options_free (struct lodge_mount_options *o);

/* What the mounts need to know about the container. */
struct lodge_mount_context
{
  int rootfd;         /* O_PATH fd of the rootfs (itself a mount) */
  const char *rootfs; /* its absolute path, for messages */
  const char *bundle; /* relative sources are relative to it */
  const char *cgroup_path;
  bool in_userns; /* fall back as runc does where a mount needs
                     privilege a user namespace lacks */
  bool new_netns;
  bool new_ipcns;
  const int *idmap_fds; /* by mount index: an idmapped tree, or -1 */
};

/* Mount config mounts[i] inside the rootfs. */
int lodge_mount_one (const struct lodge_mount_context *mc,
                     const struct oci_mount *m, size_t index,
                     lodge_error_t *err);

/* Remount `path` (inside the rootfs, fd-resolved) with `flags` added,
 * keeping the flags a user namespace may not clear. */
int lodge_remount_fd (int fd, unsigned long flags, lodge_error_t *err);

#endif
