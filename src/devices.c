/* lodge: /dev inside the container. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devices.h"
#include "utils.h"

static const struct
{
  const char *path;
  unsigned int major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *target, *link;
} default_links[] = {
  { "/proc/self/fd", "/dev/fd" },       { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
  { "pts/ptmx", "/dev/ptmx" },
};

static int
split_parent (int rootfd, const char *path, int *dirfd, const char **base,
              lodge_error_t *err)
{
  const char *slash = strrchr (path, '/');
  char parent[4096];
  snprintf (parent, sizeof parent, "%.*s", (int)(slash - path), path);
  *dirfd
      = lodge_open_in_root (rootfd, parent[0] ? parent : "/", true, false, err);
  if (*dirfd < 0)
    return -1;
  *base = slash + 1;
  return 0;
}

static int
make_node (int rootfd, const char *path, mode_t type, mode_t perm,
           unsigned int major, unsigned int minor, bool have_owner, uid_t uid,
           gid_t gid, bool in_userns, lodge_error_t *err)
{
  cleanup_close int dirfd = -1;
  const char *base;
  if (split_parent (rootfd, path, &dirfd, &base, err) < 0)
    return -1;
  char p[LODGE_FD_PATH_MAX];
  cleanup_close int dir
      = open (lodge_fd_path (dirfd, p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return lodge_error (err, errno, "open parent of %s", path);

  /* Something already there must be this very device (the spec: anything
   * else is an error); it then only gets the mode and owner asked. */
  dev_t dev = makedev (major, minor);
  struct stat st;
  if (fstatat (dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if ((st.st_mode & S_IFMT) != type
          || (!S_ISFIFO (type) && st.st_rdev != dev))
        return lodge_error (err, EEXIST, "%s is there and is not that device",
                            path);
      if (fchmodat (dir, base, perm, 0) < 0 && errno != EROFS)
        return lodge_error (err, errno, "chmod %s", path);
      if (have_owner && fchownat (dir, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0
          && errno != EROFS)
        return lodge_error (err, errno, "chown %s", path);
      return 0;
    }
  if (!in_userns && mknodat (dir, base, type | perm, dev) == 0)
    {
      if (fchmodat (dir, base, perm, 0) < 0)
        return lodge_error (err, errno, "chmod %s", path);
      /* (uid_t) -1 leaves an id unchanged. */
      if (have_owner && fchownat (dir, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return lodge_error (err, errno, "chown %s", path);
      return 0;
    }
  if (!in_userns && errno != EPERM)
    return lodge_error (err, errno, "mknod %s", path);

  /* No mknod here: bind the host's node at the same path, as runc does. */
  const char *host = path;
  int f = openat (dir, base, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (f < 0)
    return lodge_error (err, errno, "create %s", path);
  char fp[LODGE_FD_PATH_MAX];
  cleanup_close int target
      = lodge_open_in_root (rootfd, path, false, false, err);
  close (f);
  if (target < 0)
    return -1;
  if (mount (host, lodge_fd_path (target, fp), NULL, MS_BIND, NULL) < 0)
    return lodge_error (err, errno, "bind %s on %s", host, path);
  return 0;
}

int
lodge_devices_setup (int rootfd, const struct oci_config *c, bool dev_is_fresh,
                     bool in_userns, lodge_error_t *err)
{
  if (dev_is_fresh)
    {
      for (size_t i = 0; i < sizeof default_devices / sizeof *default_devices;
           i++)
        if (make_node (rootfd, default_devices[i].path, S_IFCHR, 0666,
                       default_devices[i].major, default_devices[i].minor,
                       false, 0, 0, in_userns, err)
            < 0)
          return -1;
      for (size_t i = 0; i < sizeof default_links / sizeof *default_links; i++)
        {
          cleanup_close int dirfd = -1;
          const char *base;
          if (split_parent (rootfd, default_links[i].link, &dirfd, &base, err)
              < 0)
            return -1;
          char p[LODGE_FD_PATH_MAX];
          cleanup_close int dir = open (lodge_fd_path (dirfd, p),
                                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (dir < 0)
            return lodge_error (err, errno, "open /dev");
          if (symlinkat (default_links[i].target, dir, base) < 0
              && errno != EEXIST)
            return lodge_error (err, errno, "symlink %s",
                                default_links[i].link);
        }
      struct stat st;
      if (stat ("/proc/kcore", &st) == 0)
        {
          cleanup_close int dirfd
              = lodge_open_in_root (rootfd, "/dev", false, false, err);
          if (dirfd < 0)
            return -1;
          char p[LODGE_FD_PATH_MAX];
          cleanup_close int dir = open (lodge_fd_path (dirfd, p),
                                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (dir >= 0 && symlinkat ("/proc/kcore", dir, "core") < 0
              && errno != EEXIST)
            return lodge_error (err, errno, "symlink /dev/core");
        }
    }

  const struct oci_linux *l = c->linux_;
  for (size_t i = 0; l && i < l->devices_len; i++)
    {
      const struct oci_device *d = &l->devices[i];
      mode_t type;
      switch (d->type[0])
        {
        case 'b':
          type = S_IFBLK;
          break;
        case 'p':
          type = S_IFIFO;
          break;
        default:
          type = S_IFCHR;
        }
      if (d->path[0] != '/')
        return lodge_error (err, 0, "linux.devices[%zu].path: must be absolute",
                            i);
      mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
      if (make_node (rootfd, d->path, type, perm, (unsigned)d->major,
                     (unsigned)d->minor, d->has_uid || d->has_gid,
                     d->has_uid ? d->uid : (uid_t)-1,
                     d->has_gid ? d->gid : (gid_t)-1, in_userns, err)
          < 0)
        return lodge_error_prefix (err, "linux.devices[%zu]", i);
    }
  return 0;
}
