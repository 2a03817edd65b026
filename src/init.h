/* lodge: what the runtime hands to the container's init across fork, and
 * the init's entry point.  Both run from the same parsed config: the init
 * is a fork of the runtime, so nothing is serialised. */
#ifndef LODGE_INIT_H
#define LODGE_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "capabilities.h"
#include "container.h"
#include "namespaces.h"
#include "seccomp.h"

struct lodge_container
{
  const struct lodge_create_options *opts;
  struct oci_config *config;
  char *id;
  char *bundle;      /* absolute */
  char *rootfs;      /* absolute, resolved */
  char *cgroup_path; /* NULL with --cgroup-manager disabled */
  struct lodge_namespaces ns;
  struct lodge_seccomp *seccomp;
  struct lodge_caps caps;
  int sync_fd; /* the init's end of the socketpair */
  int fifo_fd; /* exec.fifo, opened read-write: start writes a byte */
  int log_fd;  /* lodge's log file (kept out of the container) */
  bool rootfs_idmap;
  unsigned int listen_fds; /* socket activation fds (3..) passed on */
  int devnull_fd;          /* in the init: the host's /dev/null, checked */
  bool delegate_cgroup;    /* chown the cgroup to the container's root */
  uid_t delegate_uid;
  gid_t delegate_gid;
  /* In the init: idmapped trees the runtime sent, by mount index (the
   * last entry is the rootfs's), or -1. */
  int *idmap_fds;
};

/* The first child: joins/unshares namespaces, then forks the init (which
 * becomes the runtime's child through CLONE_PARENT) and exits.  Never
 * returns. */
__attribute__ ((noreturn)) void lodge_init_stage1 (struct lodge_container *c);

#endif
