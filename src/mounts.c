/* lodge: config.json mounts, made inside the container's rootfs.
 *
 * Every destination is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT)
 * and the mount is made on /proc/self/fd/N of the resolved fd, so neither a
 * symlink in the image nor a racing rename can point a mount at the host. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"
#include "userns.h"
#include "utils.h"

enum opt_kind
{
  SET,   /* add a flag */
  CLEAR, /* remove a flag */
  PROP,  /* propagation, applied after the mount */
  RSET,  /* recursive attribute set (mount_setattr) */
  RCLR,  /* recursive attribute clear */
  BIND,
  RBIND,
  COPYUP,
  IDMAP,
};

static const struct
{
  const char *name;
  enum opt_kind kind;
  unsigned long value;
} option_table[] = {
  { "defaults", SET, 0 },
  { "ro", SET, MS_RDONLY },
  { "rw", CLEAR, MS_RDONLY },
  { "suid", CLEAR, MS_NOSUID },
  { "nosuid", SET, MS_NOSUID },
  { "dev", CLEAR, MS_NODEV },
  { "nodev", SET, MS_NODEV },
  { "exec", CLEAR, MS_NOEXEC },
  { "noexec", SET, MS_NOEXEC },
  { "sync", SET, MS_SYNCHRONOUS },
  { "async", CLEAR, MS_SYNCHRONOUS },
  { "dirsync", SET, MS_DIRSYNC },
  { "remount", SET, MS_REMOUNT },
  { "mand", SET, MS_MANDLOCK },
  { "nomand", CLEAR, MS_MANDLOCK },
  { "atime", CLEAR, MS_NOATIME },
  { "noatime", SET, MS_NOATIME },
  { "diratime", CLEAR, MS_NODIRATIME },
  { "nodiratime", SET, MS_NODIRATIME },
  { "relatime", SET, MS_RELATIME },
  { "norelatime", CLEAR, MS_RELATIME },
  { "strictatime", SET, MS_STRICTATIME },
  { "nostrictatime", CLEAR, MS_STRICTATIME },
  { "lazytime", SET, MS_LAZYTIME },
  { "nolazytime", CLEAR, MS_LAZYTIME },
  { "silent", SET, MS_SILENT },
  { "loud", CLEAR, MS_SILENT },
  { "bind", BIND, 0 },
  { "rbind", RBIND, 0 },
  { "private", PROP, MS_PRIVATE },
  { "rprivate", PROP, MS_PRIVATE | MS_REC },
  { "shared", PROP, MS_SHARED },
  { "rshared", PROP, MS_SHARED | MS_REC },
  { "slave", PROP, MS_SLAVE },
  { "rslave", PROP, MS_SLAVE | MS_REC },
  { "unbindable", PROP, MS_UNBINDABLE },
  { "runbindable", PROP, MS_UNBINDABLE | MS_REC },
  { "rro", RSET, MOUNT_ATTR_RDONLY },
  { "rrw", RCLR, MOUNT_ATTR_RDONLY },
  { "rnosuid", RSET, MOUNT_ATTR_NOSUID },
  { "rsuid", RCLR, MOUNT_ATTR_NOSUID },
  { "rnodev", RSET, MOUNT_ATTR_NODEV },
  { "rdev", RCLR, MOUNT_ATTR_NODEV },
  { "rnoexec", RSET, MOUNT_ATTR_NOEXEC },
  { "rexec", RCLR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", RSET, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", RCLR, MOUNT_ATTR_NODIRATIME },
  { "rnoatime", RSET, MOUNT_ATTR_NOATIME },
  { "ratime", RCLR, MOUNT_ATTR__ATIME },
  { "rrelatime", RSET, MOUNT_ATTR_RELATIME },
  { "rnorelatime", RCLR, MOUNT_ATTR__ATIME },
  { "rstrictatime", RSET, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", RCLR, MOUNT_ATTR__ATIME },
  { "rnosymfollow", RSET, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", RCLR, MOUNT_ATTR_NOSYMFOLLOW },
  { "iversion", SET, MS_I_VERSION },
  { "noiversion", CLEAR, MS_I_VERSION },
  { "nosymfollow", SET, 256 /* MS_NOSYMFOLLOW */ },
  { "symfollow", CLEAR, 256 },
  { "tmpcopyup", COPYUP, 0 },
  { "idmap", IDMAP, 0 },
  { "ridmap", IDMAP, 0 },
};

#define N_OPTIONS (sizeof option_table / sizeof *option_table)

const char *const lodge_mount_option_names[] = {
  "defaults",
  "ro",
  "rw",
  "suid",
  "nosuid",
  "dev",
  "nodev",
  "exec",
  "noexec",
  "sync",
  "async",
  "dirsync",
  "remount",
  "mand",
  "nomand",
  "atime",
  "noatime",
  "diratime",
  "nodiratime",
  "relatime",
  "norelatime",
  "strictatime",
  "nostrictatime",
  "lazytime",
  "nolazytime",
  "silent",
  "loud",
  "bind",
  "rbind",
  "private",
  "rprivate",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "unbindable",
  "runbindable",
  "rro",
  "rrw",
  "rnosuid",
  "rsuid",
  "rnodev",
  "rdev",
  "rnoexec",
  "rexec",
  "rnodiratime",
  "rdiratime",
  "rnoatime",
  "ratime",
  "rrelatime",
  "rnorelatime",
  "rstrictatime",
  "rnostrictatime",
  "rnosymfollow",
  "rsymfollow",
  "nosymfollow",
  "symfollow",
  "tmpcopyup",
  "iversion",
  "noiversion",
  "idmap",
  "ridmap",
  NULL,
};

int
lodge_mount_parse_options (char *const *opts, size_t n,
                           struct lodge_mount_options *out, lodge_error_t *err)
{
  memset (out, 0, sizeof *out);
  size_t cap = 1, len = 0;
  for (size_t i = 0; i < n; i++)
    cap += strlen (opts[i]) + 1;
  out->data = calloc (1, cap);
  if (out->data == NULL)
    return lodge_error (err, errno, "parse mount options");
  for (size_t i = 0; i < n; i++)
    {
      const char *o = opts[i];
      size_t k;
      for (k = 0; k < N_OPTIONS; k++)
        if (strcmp (o, option_table[k].name) == 0)
          break;
      if (k == N_OPTIONS)
        {
          /* Not a mount flag: the filesystem's own option. */
          if (len)
            out->data[len++] = ',';
          strcpy (out->data + len, o);
          len += strlen (o);
          continue;
        }
      unsigned long v = option_table[k].value;
      switch (option_table[k].kind)
        {
        case SET:
          out->flags |= v;
          break;
        case CLEAR:
          out->flags &= ~v;
          break;
        case PROP:
          if (out->propagation_len < 4)
            out->propagation[out->propagation_len++] = v;
          break;
        case RSET:
          out->attr_set |= v;
          out->attr_clr &= ~v;
          /* An atime mode replaces the others (relatime is the value 0):
           * the kernel wants the whole atime field cleared to set one. */
          if ((v & MOUNT_ATTR__ATIME) || v == MOUNT_ATTR_RELATIME)
            {
              out->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
              out->attr_set |= v;
              out->attr_clr |= MOUNT_ATTR__ATIME;
            }
          break;
        case RCLR:
          out->attr_clr |= v;
          out->attr_set &= ~v;
          break;
        case BIND:
          out->bind = true;
          break;
        case RBIND:
          out->bind = out->recursive_bind = true;
          break;
        case COPYUP:
          out->tmpcopyup = true;
          break;
        case IDMAP:
          out->idmap = true;
          break;
        }
    }
  return 0;
}

void
lodge_mount_options_free (struct lodge_mount_options *o)
{
  free (o->data);
  o->data = NULL;
}

int
lodge_remount_fd (int fd, unsigned long flags, lodge_error_t *err)
{
  char p[LODGE_FD_PATH_MAX];
  lodge_fd_path (fd, p);
  /* Flags the mount already has must be kept: inside a user namespace
   * the kernel refuses to clear nosuid/nodev/noexec/ro locked by the
   * mount's original owner. */
  struct statvfs sv;
  if (fstatvfs (fd, &sv) == 0)
    {
      if (sv.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
      if (sv.f_flag & ST_NODEV)
        flags |= MS_NODEV;
      if (sv.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
      if (sv.f_flag & ST_RDONLY)
        flags |= MS_RDONLY;
      if (sv.f_flag & ST_NOATIME)
        flags |= MS_NOATIME;
      if (sv.f_flag & ST_NODIRATIME)
        flags |= MS_NODIRATIME;
      if (sv.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    }
  if (mount (NULL, p, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
    return lodge_error (err, errno, "remount");
  return 0;
}

/* Copy what the image has at the destination into a fresh tmpfs
 * (Podman's tmpcopyup), so /run or /tmp keep the image's files. */
static int
copy_tree (int from, int to, lodge_error_t *err)
{
  int dfd = dup (from);
  if (dfd < 0)
    return lodge_error (err, errno, "tmpcopyup");
  cleanup_dir DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return lodge_error (err, errno, "tmpcopyup");
    }
  rewinddir (d);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      const char *n = de->d_name;
      if (strcmp (n, ".") == 0 || strcmp (n, "..") == 0)
        continue;
      struct stat st;
      if (fstatat (from, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return lodge_error (err, errno, "tmpcopyup: stat %s", n);
      if (S_ISDIR (st.st_mode))
        {
          if (mkdirat (to, n, st.st_mode & 07777) < 0 && errno != EEXIST)
            return lodge_error (err, errno, "tmpcopyup: mkdir %s", n);
          cleanup_close int sf = openat (
              from, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          cleanup_close int tf
              = openat (to, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sf < 0 || tf < 0)
            return lodge_error (err, errno, "tmpcopyup: open %s", n);
          if (copy_tree (sf, tf, err) < 0)
            return -1;
        }
      else if (S_ISLNK (st.st_mode))
        {
          char target[4096];
          ssize_t l = readlinkat (from, n, target, sizeof target - 1);
          if (l < 0)
            return lodge_error (err, errno, "tmpcopyup: readlink %s", n);
          target[l] = '\0';
          if (symlinkat (target, to, n) < 0)
            return lodge_error (err, errno, "tmpcopyup: symlink %s", n);
        }
      else if (S_ISREG (st.st_mode))
        {
          cleanup_close int sf
              = openat (from, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          cleanup_close int tf
              = openat (to, n, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        st.st_mode & 07777);
          if (sf < 0 || tf < 0)
            return lodge_error (err, errno, "tmpcopyup: open %s", n);
          char buf[65536];
          ssize_t r;
          while ((r = read (sf, buf, sizeof buf)) > 0)
            if (lodge_write_all (tf, buf, (size_t)r) < 0)
              return lodge_error (err, errno, "tmpcopyup: write %s", n);
          if (r < 0)
            return lodge_error (err, errno, "tmpcopyup: read %s", n);
        }
      else
        continue; /* devices, fifos, sockets: not copied */
      if (fchownat (to, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0
          && errno != EINVAL && errno != EPERM)
        return lodge_error (err, errno, "tmpcopyup: chown %s", n);
    }
  struct stat st;
  if (fstat (from, &st) == 0)
    {
      fchmod (to, st.st_mode & 07777);
      if (fchown (to, st.st_uid, st.st_gid) < 0 && errno != EPERM
          && errno != EINVAL)
        return lodge_error (err, errno, "tmpcopyup: chown");
    }
  return 0;
}

static bool
is_bind (const struct oci_mount *m, const struct lodge_mount_options *o)
{
  return o->bind || (m->type && strcmp (m->type, "bind") == 0);
}

static int
mount_on_fd (const char *source, int fd, const char *type, unsigned long flags,
             const char *data)
{
  char p[LODGE_FD_PATH_MAX];
  lodge_fd_path (fd, p);
  return mount (source, p, type, flags, data && *data ? data : NULL);
}

/* cgroup v1 hierarchies (and the unified one on a hybrid host): a tmpfs at
 * the destination with the container's own cgroup of each hierarchy bound
 * into it under the host's name for it. */
static int
mount_cgroup_v1 (const struct lodge_mount_context *mc, int destfd,
                 const char *dest, const struct lodge_mount_options *o,
                 lodge_error_t *err)
{
  unsigned long base = o->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
  if (mount_on_fd ("tmpfs", destfd, "tmpfs", base, "mode=755") < 0)
    return lodge_error (err, errno, "mount tmpfs on %s", dest);

  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return lodge_error (err, errno, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      char *sep = strstr (line, " - ");
      char fstype[32], mountpoint[4096];
      if (sep == NULL || sscanf (sep + 3, "%31s", fstype) != 1
          || (strcmp (fstype, "cgroup") && strcmp (fstype, "cgroup2")))
        continue;
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mountpoint) != 1)
        continue;
      /* Only the host's own hierarchies, not ones already made inside
       * a rootfs (ours or another container's). */
      if (strncmp (mountpoint, "/sys/fs/cgroup/", 15) != 0)
        continue;
      const char *name = mountpoint + 15;
      /* The v2 hierarchy of a hybrid host is left out, as runc does: the
         container sees the same v1 layout it would see under runc. */
      if (strchr (name, '/') || strcmp (fstype, "cgroup2") == 0)
        continue;
      cleanup_free char *sub = lodge_strdup_printf ("%s/%s", dest, name);
      cleanup_close int subfd
          = lodge_open_in_root (mc->rootfd, sub, true, false, err);
      if (subfd < 0)
        return -1;
      cleanup_free char *src = lodge_strdup_printf (
          "%s%s", mountpoint, mc->cgroup_path ? mc->cgroup_path : "");
      struct stat st;
      if (stat (src, &st) < 0)
        {
          free (src);
          src = strdup (mountpoint);
        }
      if (mount_on_fd (src, subfd, NULL, MS_BIND | MS_REC, NULL) < 0)
        return lodge_error (err, errno, "bind %s on %s", src, sub);
      cleanup_close int top
          = lodge_open_in_root (mc->rootfd, sub, false, false, err);
      if (top < 0)
        return -1;
      if (lodge_remount_fd (
              top, o->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC),
              err)
          < 0)
        return lodge_error_prefix (err, "%s", sub);
    }
  /* The tmpfs itself stays writable, as runc leaves it; what is bound
   * into it carries the mount's flags. */
  return 0;
}

static bool
host_is_cgroup2_only (void)
{
  cleanup_free char *v = NULL;
  lodge_error_t e = NULL;
  bool r = lodge_read_file ("/sys/fs/cgroup/cgroup.controllers", &v, NULL, &e)
           == 0;
  lodge_error_free (&e);
  return r;
}

static int
mount_cgroup (const struct lodge_mount_context *mc, int destfd,
              const struct oci_mount *m, const struct lodge_mount_options *o,
              lodge_error_t *err)
{
  if (strcmp (m->type, "cgroup") == 0 && !host_is_cgroup2_only ())
    return mount_cgroup_v1 (mc, destfd, m->destination, o, err);

  /* cgroup2: the container's own subtree. */
  cleanup_free char *src = lodge_strdup_printf (
      "/sys/fs/cgroup%s%s", host_is_cgroup2_only () ? "" : "/unified",
      mc->cgroup_path ? mc->cgroup_path : "");
  if (mount_on_fd (src, destfd, NULL, MS_BIND | MS_REC, NULL) < 0)
    return lodge_error (err, errno, "bind %s on %s", src, m->destination);
  cleanup_close int top
      = lodge_open_in_root (mc->rootfd, m->destination, false, false, err);
  if (top < 0)
    return -1;
  return lodge_remount_fd (
      top, o->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), err);
}

static int
resolve_source (const struct lodge_mount_context *mc, const char *src,
                char **out)
{
  if (src == NULL)
    *out = NULL;
  else if (src[0] == '/' || mc->bundle == NULL)
    *out = strdup (src);
  else
    *out = lodge_strdup_printf ("%s/%s", mc->bundle, src);
  return 0;
}

/* What was just mounted at `dest` gets the flags a plain mount(2) of a
 * bind cannot set: a remount of the mount now on top. */
static int
remount_dest (const struct lodge_mount_context *mc, const char *dest,
              unsigned long flags, size_t index, lodge_error_t *err)
{
  if (!(flags & ~(unsigned long)MS_REC))
    return 0;
  cleanup_close int top
      = lodge_open_in_root (mc->rootfd, dest, false, false, err);
  if (top < 0 || lodge_remount_fd (top, flags, err) < 0)
    return lodge_error_prefix (err, "mounts[%zu] %s", index, dest);
  return 0;
}

int
lodge_mount_one (const struct lodge_mount_context *mc,
                 const struct oci_mount *m, size_t index, lodge_error_t *err)
{
  struct lodge_mount_options o;
  if (lodge_mount_parse_options (m->options, m->options_len, &o, err) < 0)
    return -1;
  int ret = -1;
  cleanup_free char *abs_dest = NULL;
  cleanup_free char *source = NULL;
  resolve_source (mc, m->source, &source);
  const char *type = m->type;
  bool bind = is_bind (m, &o);
  const char *dest = m->destination;
  cleanup_close int destfd = -1;
  cleanup_close int copyfrom = -1;

  int tree = mc->idmap_fds ? mc->idmap_fds[index] : -1;
  if ((o.idmap || m->uid_mappings_len || m->gid_mappings_len) && tree < 0)
    {
      lodge_error (err, 0, "mounts[%zu] (%s): idmapped mount not prepared",
                   index, dest);
      goto out;
    }
  /* The spec: a relative destination is relative to the container's /. */
  if (dest[0] != '/')
    dest = abs_dest = lodge_strdup_printf ("/%s", dest);

  bool leaf_is_file = false;
  if (bind)
    {
      struct stat st;
      if (source == NULL || stat (source, &st) < 0)
        {
          lodge_error (err, source ? errno : EINVAL,
                       "mounts[%zu]: bind source %s for %s", index,
                       source ? source : "(none)", dest);
          goto out;
        }
      leaf_is_file = !S_ISDIR (st.st_mode);
    }
  destfd = lodge_open_in_root (mc->rootfd, dest, true, leaf_is_file, err);
  if (destfd < 0)
    {
      lodge_error_prefix (err, "mounts[%zu]", index);
      goto out;
    }

  if (o.tmpcopyup)
    {
      char p[LODGE_FD_PATH_MAX];
      copyfrom = open (lodge_fd_path (destfd, p),
                       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }

  unsigned long flags = o.flags & ~(unsigned long)MS_REMOUNT;
  if (tree >= 0)
    {
      if (lodge_idmapped_attach (tree, destfd, dest, err) < 0)
        goto out;
      if (remount_dest (mc, dest, flags, index, err) < 0)
        goto out;
    }
  else if (bind)
    {
      if (mount_on_fd (source, destfd, NULL,
                       MS_BIND | (o.recursive_bind ? MS_REC : 0), NULL)
          < 0)
        {
          lodge_error (err, errno, "bind %s on %s", source, dest);
          goto out;
        }
      if (remount_dest (mc, dest, flags, index, err) < 0)
        goto out;
    }
  else if (type
           && (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0))
    {
      if (mount_cgroup (mc, destfd, m, &o, err) < 0)
        goto out;
    }
  else
    {
      if (type == NULL || *type == '\0' || strcmp (type, "none") == 0)
        {
          lodge_error (err, 0, "mounts[%zu] (%s): no filesystem type", index,
                       dest);
          goto out;
        }
      int r = mount_on_fd (source ? source : type, destfd, type, flags, o.data);
      int e = errno;
      if (r < 0 && mc->in_userns && e == EPERM)
        {
          /* A user namespace cannot mount sysfs without its own network
           * namespace, nor mqueue without its own ipc namespace; nor set
           * devpts' gid to one it does not map.  Fall back as runc does. */
          if (strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0)
            {
              const char *host
                  = strcmp (type, "sysfs") == 0 ? "/sys" : "/dev/mqueue";
              r = mount_on_fd (host, destfd, NULL, MS_BIND | MS_REC, NULL);
              e = errno;
              if (r == 0 && remount_dest (mc, dest, flags, index, err) < 0)
                goto out;
            }
        }
      if (r < 0 && strcmp (type, "devpts") == 0 && (e == EINVAL || e == EPERM)
          && o.data && strstr (o.data, "gid="))
        {
          /* Drop the gid= option: the group may not be mapped. */
          cleanup_free char *data = strdup (o.data);
          char *g = strstr (data, "gid=");
          char *end = strchr (g, ',');
          if (end)
            memmove (g, end + 1, strlen (end + 1) + 1);
          else
            *(g > data ? g - 1 : g) = '\0';
          r = mount_on_fd (source ? source : type, destfd, type, flags, data);
          e = errno;
        }
      if (r < 0)
        {
          lodge_error (err, e, "mount %s on %s", type, dest);
          goto out;
        }
    }

  if (o.tmpcopyup && copyfrom >= 0)
    {
      cleanup_close int top
          = lodge_open_in_root (mc->rootfd, dest, false, false, err);
      if (top < 0)
        goto out;
      char p[LODGE_FD_PATH_MAX];
      cleanup_close int to
          = open (lodge_fd_path (top, p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (to < 0)
        {
          lodge_error (err, errno, "open %s", dest);
          goto out;
        }
      if (copy_tree (copyfrom, to, err) < 0)
        {
          lodge_error_prefix (err, "%s", dest);
          goto out;
        }
    }

  if (o.propagation_len || o.attr_set || o.attr_clr)
    {
      cleanup_close int top
          = lodge_open_in_root (mc->rootfd, dest, false, false, err);
      if (top < 0)
        goto out;
      char p[LODGE_FD_PATH_MAX];
      lodge_fd_path (top, p);
      for (size_t i = 0; i < o.propagation_len; i++)
        if (mount (NULL, p, NULL, o.propagation[i], NULL) < 0)
          {
            lodge_error (err, errno, "set propagation of %s", dest);
            goto out;
          }
      if (o.attr_set || o.attr_clr)
        {
          struct mount_attr attr
              = { .attr_set = o.attr_set, .attr_clr = o.attr_clr };
          if (syscall (SYS_mount_setattr, top, "", AT_EMPTY_PATH | AT_RECURSIVE,
                       &attr, sizeof attr)
              < 0)
            {
              lodge_error (err, errno, "set recursive attributes of %s", dest);
              goto out;
            }
        }
    }
  ret = 0;
out:
  lodge_mount_options_free (&o);
  return ret;
}
