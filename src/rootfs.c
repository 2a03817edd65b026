/* lodge: the container's root. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"
#include "rootfs.h"
#include "userns.h"
#include "utils.h"

int
lodge_rootfs_propagation_flag (const char *name, unsigned long *out,
                               lodge_error_t *err)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
  } t[] = {
    { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
    { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
    { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
    { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    if (strcmp (name, t[i].name) == 0)
      {
        *out = t[i].flag;
        return 0;
      }
  return lodge_error (err, 0, "linux.rootfsPropagation: unknown value \"%s\"",
                      name);
}

/* The mount holding the rootfs, made private when it is shared: the bind
 * of the rootfs onto itself (and every mount under it) must not propagate
 * to the host's copy of that mount, whatever rootfsPropagation says. */
static int
make_parent_private (const char *rootfs, lodge_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return lodge_error (err, errno, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL, *best = NULL;
  size_t cap = 0, best_len = 0;
  bool best_shared = false;
  while (getline (&line, &cap, f) > 0)
    {
      char mp[4096];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1)
        continue;
      size_t l = strlen (mp);
      bool prefix = strcmp (mp, "/") == 0
                    || (strncmp (rootfs, mp, l) == 0
                        && (rootfs[l] == '/' || rootfs[l] == '\0'));
      if (!prefix || l < best_len)
        continue;
      char *sep = strstr (line, " - ");
      if (sep)
        *sep = '\0';
      free (best);
      best = strdup (mp);
      best_len = l;
      best_shared = strstr (line, " shared:") != NULL;
    }
  if (best && best_shared && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return lodge_error (err, errno, "make %s private", best);
  return 0;
}

int
lodge_rootfs_prepare (const char *rootfs, const char *propagation,
                      int idmapped_tree, lodge_error_t *err)
{
  unsigned long flag = MS_SLAVE | MS_REC;
  if (propagation
      && lodge_rootfs_propagation_flag (propagation, &flag, err) < 0)
    return -1;
  /* Whatever is mounted in the container must never propagate back to the
   * host: the tree starts as a slave (or private); a shared rootfs is made
   * shared again after pivot. */
  unsigned long first = (flag & MS_SHARED) ? (MS_SLAVE | MS_REC) : flag;
  if (mount (NULL, "/", NULL, first, NULL) < 0)
    return lodge_error (err, errno, "make / %s",
                        (first & MS_PRIVATE) ? "private" : "a slave");

  if (make_parent_private (rootfs, err) < 0)
    return -1;
  if (idmapped_tree >= 0)
    {
      if (lodge_idmapped_attach (idmapped_tree, -1, rootfs, err) < 0)
        return -1;
    }
  else if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return lodge_error (err, errno, "bind rootfs %s onto itself", rootfs);
  int fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open rootfs %s", rootfs);
  return fd;
}

int
lodge_rootfs_enter (const char *rootfs, bool no_pivot, lodge_error_t *err)
{
  if (chdir (rootfs) < 0)
    return lodge_error (err, errno, "chdir to rootfs %s", rootfs);
  if (no_pivot)
    {
      if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return lodge_error (err, errno, "move rootfs %s to /", rootfs);
      if (chroot (".") < 0)
        return lodge_error (err, errno, "chroot to %s", rootfs);
      if (chdir ("/") < 0)
        return lodge_error (err, errno, "chdir to /");
      return 0;
    }
  /* pivot_root(".", ".") stacks the old root on top of the new one; it is
   * then detached without needing a directory for it in the image. */
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  cleanup_close int newroot = open (".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0)
    return lodge_error (err, errno, "open / and the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return lodge_error (err, errno, "pivot_root into %s", rootfs);
  if (fchdir (oldroot) < 0)
    return lodge_error (err, errno, "chdir to the old root");
  /* The old root must not propagate the unmount to the host. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return lodge_error (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return lodge_error (err, errno, "detach the old root");
  if (fchdir (newroot) < 0 || chdir ("/") < 0)
    return lodge_error (err, errno, "chdir to the new root");
  return 0;
}

static int
mask_path (const char *path, int devnull_fd, lodge_error_t *err)
{
  cleanup_close int fd = lodge_open_in_root (AT_FDCWD, path, false, false, err);
  if (fd < 0)
    {
      if ((*err)->status == ENOENT)
        {
          lodge_error_free (err);
          return 0;
        }
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) < 0)
    return lodge_error (err, errno, "stat %s", path);
  char p[LODGE_FD_PATH_MAX];
  lodge_fd_path (fd, p);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", p, "tmpfs", MS_RDONLY, "size=0k,mode=0555") < 0)
        return lodge_error (err, errno, "mask %s", path);
    }
  else
    {
      char np[LODGE_FD_PATH_MAX];
      if (devnull_fd < 0)
        return lodge_error (err, ENOENT,
                            "mask %s: no /dev/null in the container", path);
      if (mount (lodge_fd_path (devnull_fd, np), p, NULL, MS_BIND, NULL) < 0)
        return lodge_error (err, errno, "mask %s", path);
    }
  return 0;
}

static int
readonly_path (const char *path, lodge_error_t *err)
{
  cleanup_close int fd = lodge_open_in_root (AT_FDCWD, path, false, false, err);
  if (fd < 0)
    {
      if ((*err)->status == ENOENT)
        {
          lodge_error_free (err);
          return 0;
        }
      return -1;
    }
  char p[LODGE_FD_PATH_MAX];
  if (mount (lodge_fd_path (fd, p), lodge_fd_path (fd, p), NULL,
             MS_BIND | MS_REC, NULL)
      < 0)
    return lodge_error (err, errno, "bind %s onto itself", path);
  cleanup_close int top
      = lodge_open_in_root (AT_FDCWD, path, false, false, err);
  if (top < 0)
    return -1;
  if (lodge_remount_fd (top, MS_RDONLY, err) < 0)
    return lodge_error_prefix (err, "make %s read-only", path);
  return 0;
}

int
lodge_rootfs_finish (const struct oci_config *c, int devnull_fd,
                     lodge_error_t *err)
{
  const struct oci_linux *l = c->linux_;
  if (l)
    {
      for (size_t i = 0; i < l->masked_paths_len; i++)
        if (mask_path (l->masked_paths[i], devnull_fd, err) < 0)
          return lodge_error_prefix (err, "linux.maskedPaths[%zu]", i);
      for (size_t i = 0; i < l->readonly_paths_len; i++)
        if (readonly_path (l->readonly_paths[i], err) < 0)
          return lodge_error_prefix (err, "linux.readonlyPaths[%zu]", i);
    }
  if (c->root && c->root->readonly)
    {
      cleanup_close int fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 || lodge_remount_fd (fd, MS_RDONLY, err) < 0)
        return fd < 0 ? lodge_error (err, errno, "open /")
                      : lodge_error_prefix (err, "make the rootfs read-only");
    }
  if (l && l->rootfs_propagation)
    {
      unsigned long flag;
      if (lodge_rootfs_propagation_flag (l->rootfs_propagation, &flag, err) < 0)
        return -1;
      if (mount (NULL, "/", NULL, flag, NULL) < 0)
        return lodge_error (err, errno, "set rootfs propagation to %s",
                            l->rootfs_propagation);
    }
  return 0;
}
