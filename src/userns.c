/* lodge: user namespace mappings and idmapped mounts. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces.h"
#include "userns.h"
#include "utils.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

int
lodge_userns_check_mappings (const struct oci_id_mapping *m, size_t n,
                             const char *field, lodge_error_t *err)
{
  if (n > 340)
    return lodge_error (err, 0, "%s: %zu ranges, the kernel takes at most 340",
                        field, n);
  for (size_t i = 0; i < n; i++)
    {
      uint64_t c = m[i].container_id, h = m[i].host_id, s = m[i].size;
      if (s == 0)
        return lodge_error (err, 0, "%s[%zu]: size must not be 0", field, i);
      if (c + s > UINT64_C (4294967296) || h + s > UINT64_C (4294967296))
        return lodge_error (err, 0, "%s[%zu]: range goes past 2^32", field, i);
      for (size_t j = 0; j < i; j++)
        {
          uint64_t c2 = m[j].container_id, h2 = m[j].host_id, s2 = m[j].size;
          if (c < c2 + s2 && c2 < c + s)
            return lodge_error (err, 0,
                                "%s[%zu]: container ids %llu-%llu overlap "
                                "%s[%zu]",
                                field, i, (unsigned long long)c,
                                (unsigned long long)(c + s - 1), field, j);
          if (h < h2 + s2 && h2 < h + s)
            return lodge_error (err, 0,
                                "%s[%zu]: host ids %llu-%llu overlap %s[%zu]",
                                field, i, (unsigned long long)h,
                                (unsigned long long)(h + s - 1), field, j);
        }
    }
  return 0;
}

uid_t
lodge_userns_host_id (const struct oci_id_mapping *m, size_t n, uint32_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
      return (uid_t)(m[i].host_id + (id - m[i].container_id));
  return (uid_t)-1;
}

int
lodge_userns_fd_for (const struct oci_id_mapping *uids, size_t nuids,
                     const struct oci_id_mapping *gids, size_t ngids,
                     lodge_error_t *err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return lodge_error (err, errno, "pipe");
  pid_t pid = (pid_t)syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL,
                              NULL, NULL);
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return lodge_error (err, errno, "create a user namespace for a mount");
    }
  if (pid == 0)
    {
      /* Hold the namespace until the runtime has taken it. */
      char c;
      close (p[1]);
      while (read (p[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (p[0]);
  int fd = -1;
  if (lodge_ns_write_map (pid, "uid_map", uids, nuids, err) == 0
      && lodge_ns_write_map (pid, "gid_map", gids, ngids, err) == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/user", pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        lodge_error (err, errno, "open %s", path);
    }
  close (p[1]);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

int
lodge_idmapped_tree (const char *source, bool clone_recursive, bool recursive,
                     int userns_fd, lodge_error_t *err)
{
  int tree = (int)syscall (SYS_open_tree, AT_FDCWD, source,
                           OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                               | (clone_recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return lodge_error (err, errno, "clone the mount tree of %s", source);
  struct mount_attr attr = {
    .attr_set = MOUNT_ATTR_IDMAP,
    .userns_fd = (uint64_t)userns_fd,
  };
  if (syscall (SYS_mount_setattr, tree, "",
               AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
               sizeof attr)
      < 0)
    {
      int e = errno;
      close (tree);
      if (e == EINVAL)
        return lodge_error (err, e,
                            "idmap %s: the filesystem cannot be idmapped "
                            "(or the mapping is invalid)",
                            source);
      return lodge_error (err, e, "idmap %s", source);
    }
  return tree;
}

int
lodge_idmapped_attach (int tree_fd, int target_fd, const char *target,
                       lodge_error_t *err)
{
  int r;
  if (target_fd >= 0)
    r = (int)syscall (SYS_move_mount, tree_fd, "", target_fd, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  else
    r = (int)syscall (SYS_move_mount, tree_fd, "", AT_FDCWD, target,
                      MOVE_MOUNT_F_EMPTY_PATH);
  if (r < 0)
    return lodge_error (err, errno, "attach idmapped mount on %s",
                        target ? target : "its destination");
  return 0;
}

bool
lodge_mount_wants_idmap (const struct oci_mount *m, bool *recursive)
{
  bool want = m->uid_mappings_len || m->gid_mappings_len;
  *recursive = false;
  for (size_t i = 0; i < m->options_len; i++)
    {
      if (strcmp (m->options[i], "idmap") == 0)
        want = true;
      else if (strcmp (m->options[i], "ridmap") == 0)
        want = *recursive = true;
    }
  return want;
}
