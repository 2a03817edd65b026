/* lodge: small file, path and process helpers used across src/. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

#define LODGE_MAX_FILE (64u << 20)

int
lodge_read_file_at (int dirfd, const char *path, char **out, size_t *len,
                    lodge_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", path);

  size_t cap = 4096, n = 0;
  cleanup_free char *buf = malloc (cap + 1);
  if (buf == NULL)
    return lodge_error (err, errno, "read %s", path);
  for (;;)
    {
      if (n == cap)
        {
          if (cap >= LODGE_MAX_FILE)
            return lodge_error (err, EFBIG, "read %s", path);
          cap *= 2;
          char *nb = realloc (buf, cap + 1);
          if (nb == NULL)
            return lodge_error (err, errno, "read %s", path);
          buf = nb;
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return lodge_error (err, errno, "read %s", path);
      if (r == 0)
        break;
      n += (size_t)r;
    }
  buf[n] = '\0';
  if (len)
    *len = n;
  *out = move_ptr (buf);
  return 0;
}

int
lodge_read_file (const char *path, char **out, size_t *len, lodge_error_t *err)
{
  return lodge_read_file_at (AT_FDCWD, path, out, len, err);
}

int
lodge_write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      p += w;
      len -= (size_t)w;
    }
  return 0;
}

int
lodge_write_file (const char *path, const void *data, size_t len, mode_t mode,
                  lodge_error_t *err)
{
  cleanup_close int fd
      = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", path);
  if (lodge_write_all (fd, data, len) < 0)
    return lodge_error (err, errno, "write %s", path);
  return 0;
}

int
lodge_write_file_atomic (int dirfd, const char *name, const void *data,
                         size_t len, lodge_error_t *err)
{
  char tmp[PATH_MAX];
  snprintf (tmp, sizeof tmp, ".%s.tmp", name);
  cleanup_close int fd
      = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", tmp);
  if (lodge_write_all (fd, data, len) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return lodge_error (err, e, "write %s", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return lodge_error (err, e, "rename %s to %s", tmp, name);
    }
  return 0;
}

int
lodge_mkdir_p (const char *path, mode_t mode, lodge_error_t *err)
{
  cleanup_free char *p = strdup (path);
  if (p == NULL)
    return lodge_error (err, errno, "mkdir %s", path);
  for (char *s = p + 1; *s; s++)
    {
      if (*s != '/')
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return lodge_error (err, errno, "mkdir %s", p);
      *s = '/';
    }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return lodge_error (err, errno, "mkdir %s", p);
  struct stat st;
  if (stat (p, &st) < 0)
    return lodge_error (err, errno, "stat %s", p);
  if (!S_ISDIR (st.st_mode))
    return lodge_error (err, ENOTDIR, "mkdir %s", p);
  return 0;
}

int
lodge_rm_rf_at (int parent, const char *name, lodge_error_t *err)
{
  if (unlinkat (parent, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return lodge_error (err, errno, "remove %s", name);

  int fd
      = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", name);
  cleanup_dir DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return lodge_error (err, errno, "open %s", name);
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      int r = lodge_rm_rf_at (dirfd (d), de->d_name, err);
      if (r < 0)
        return r;
    }
  if (unlinkat (parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return lodge_error (err, errno, "remove %s", name);
  return 0;
}

static int
openat2_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  const char *rel = path;
  while (*rel == '/')
    rel++;
  if (*rel == '\0')
    rel = ".";
  int fd;
  do
    fd = (int)syscall (SYS_openat2, rootfd, rel, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

static int open_in_root_depth (int rootfd, const char *path, bool create,
                               bool leaf_is_file, int depth,
                               lodge_error_t *err);

/* A dangling symlink met while creating: follow it inside the root and
 * go on with what is left of the path, as a kernel walk would. */
static int
follow_dangling (int rootfd, int dirfd, const char *dir_prefix,
                 const char *comp, const char *rest, bool create,
                 bool leaf_is_file, int depth, lodge_error_t *err)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (dirfd, comp, target, sizeof target - 1);
  if (n < 0)
    return -1;
  target[n] = '\0';
  cleanup_free char *next
      = target[0] == '/'
            ? lodge_strdup_printf ("%s%s%s", target, rest ? "/" : "",
                                   rest ? rest : "")
            : lodge_strdup_printf ("%s/%s%s%s", dir_prefix, target,
                                   rest ? "/" : "", rest ? rest : "");
  return open_in_root_depth (rootfd, next, create, leaf_is_file, depth + 1,
                             err);
}

static int
open_in_root_depth (int rootfd, const char *path, bool create,
                    bool leaf_is_file, int depth, lodge_error_t *err)
{
  if (depth > 40)
    return lodge_error (err, ELOOP, "open %s in the rootfs", path);
  int fd = openat2_in_root (rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT || !create)
    {
      if (fd < 0)
        return lodge_error (err, errno, "open %s in the rootfs", path);
      return fd;
    }

  /* Walk the path, creating what is missing one component at a time.
   * Each component is created relative to a directory fd that was itself
   * resolved inside the root, so a symlink cannot lead the walk out. */
  cleanup_free char *copy = strdup (path);
  if (copy == NULL)
    return lodge_error (err, errno, "open %s", path);
  cleanup_close int dirfd = openat2_in_root (rootfd, "/", O_PATH | O_DIRECTORY);
  if (dirfd < 0)
    return lodge_error (err, errno, "open the rootfs");
  char *save = NULL;
  char *comp = strtok_r (copy, "/", &save);
  size_t prefix_len = 0;
  char prefix[PATH_MAX] = "";
  while (comp)
    {
      char *next = strtok_r (NULL, "/", &save);
      bool last = next == NULL;
      size_t clen = strlen (comp);
      if (prefix_len + clen + 2 >= sizeof prefix)
        return lodge_error (err, ENAMETOOLONG, "open %s", path);
      char parent[PATH_MAX];
      memcpy (parent, prefix, prefix_len + 1);
      prefix[prefix_len++] = '/';
      memcpy (prefix + prefix_len, comp, clen + 1);
      prefix_len += clen;

      int cfd
          = openat2_in_root (rootfd, prefix, O_PATH | (last ? 0 : O_DIRECTORY));
      if (cfd < 0 && errno == ENOENT)
        {
          int made;
          if (last && leaf_is_file)
            {
              made = openat (
                  dirfd, comp,
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (made >= 0)
                close (made);
            }
          else
            made = mkdirat (dirfd, comp, 0755);
          if (made < 0 && errno == EEXIST)
            {
              /* Something is there yet does not resolve: a symlink to
               * nowhere (yet). */
              const char *rest = next ? path + (next - copy) : NULL;
              int r = follow_dangling (rootfd, dirfd, parent, comp, rest,
                                       create, leaf_is_file, depth, err);
              if (r >= 0 || *err)
                return r;
            }
          else if (made < 0)
            return lodge_error (err, errno, "create %s in the rootfs", prefix);
          cfd = openat2_in_root (rootfd, prefix,
                                 O_PATH | (last ? 0 : O_DIRECTORY));
        }
      if (cfd < 0)
        return lodge_error (err, errno, "open %s in the rootfs", prefix);
      if (last)
        return cfd;
      close (dirfd);
      dirfd = cfd;
      comp = next;
    }
  return move_fd (dirfd);
}

int
lodge_open_in_root (int rootfd, const char *path, bool create,
                    bool leaf_is_file, lodge_error_t *err)
{
  return open_in_root_depth (rootfd, path, create, leaf_is_file, 0, err);
}

const char *
lodge_fd_path (int fd, char buf[LODGE_FD_PATH_MAX])
{
  snprintf (buf, LODGE_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

uint64_t
lodge_pid_start_time (pid_t pid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[1024];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: fields restart
   * after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  p++;
  /* p now points before field 3 (state). */
  char state = 0;
  int field = 2;
  char *save = NULL;
  for (char *tok = strtok_r (p, " ", &save); tok;
       tok = strtok_r (NULL, " ", &save))
    {
      field++;
      if (field == 3)
        state = tok[0];
      if (field == 22)
        {
          if (state == 'Z' || state == 'X')
            return 0;
          return strtoull (tok, NULL, 10);
        }
    }
  return 0;
}

bool
lodge_pid_alive (pid_t pid, uint64_t start_time)
{
  if (pid <= 0)
    return false;
  uint64_t st = lodge_pid_start_time (pid);
  if (st == 0)
    return false;
  return start_time == 0 || st == start_time;
}

char *
lodge_now_rfc3339 (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r (&ts.tv_sec, &tm);
  char date[64];
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  return lodge_strdup_printf ("%s.%09ldZ", date, ts.tv_nsec);
}

char *
lodge_strdup_printf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  if (s == NULL)
    abort ();
  return s;
}

int
lodge_parse_ulong (const char *s, unsigned long *out)
{
  if (s == NULL || !isdigit ((unsigned char)s[0]))
    return -1;
  char *end;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

int
lodge_parse_long (const char *s, long *out)
{
  if (s == NULL || *s == '\0')
    return -1;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

void
lodge_close_fds_from (int first)
{
  if (syscall (SYS_close_range, (unsigned)first, ~0U, 0) == 0)
    return;
  for (int fd = first; fd < 65536; fd++)
    close (fd);
}

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

void
lodge_close_fds_except (int first, const int *keep, size_t n)
{
  int sorted[64];
  size_t m = 0;
  for (size_t i = 0; i < n && m < 64; i++)
    if (keep[i] >= first)
      sorted[m++] = keep[i];
  qsort (sorted, m, sizeof *sorted, cmp_int);
  int from = first;
  for (size_t i = 0; i < m; i++)
    {
      if (sorted[i] > from)
        syscall (SYS_close_range, (unsigned)from, (unsigned)sorted[i] - 1, 0);
      if (sorted[i] + 1 > from)
        from = sorted[i] + 1;
    }
  syscall (SYS_close_range, (unsigned)from, ~0U, 0);
}

int
lodge_send_fd (int sock, int fd, lodge_error_t *err)
{
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = u.buf,
    .msg_controllen = sizeof u.buf,
  };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  ssize_t r;
  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return lodge_error (err, errno, "send file descriptor");
  return 0;
}

int
lodge_recv_fd (int sock, int *fd, lodge_error_t *err)
{
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = u.buf,
    .msg_controllen = sizeof u.buf,
  };
  ssize_t r;
  do
    r = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return lodge_error (err, errno, "receive file descriptor");
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (r == 0 || c == NULL || c->cmsg_type != SCM_RIGHTS)
    return lodge_error (err, EBADMSG, "receive file descriptor");
  memcpy (fd, CMSG_DATA (c), sizeof (int));
  return 0;
}

int
lodge_strv_append (char ***v, size_t *len, const char *item)
{
  char **nv = realloc (*v, (*len + 2) * sizeof **v);
  if (nv == NULL)
    return -1;
  *v = nv;
  nv[*len] = strdup (item);
  if (nv[*len] == NULL)
    return -1;
  nv[++*len] = NULL;
  return 0;
}

int
lodge_env_set (char ***env, size_t *len, const char *name, const char *value)
{
  cleanup_free char *entry = lodge_strdup_printf ("%s=%s", name, value);
  size_t nl = strlen (name);
  for (size_t i = 0; i < *len; i++)
    if (strncmp ((*env)[i], name, nl) == 0 && (*env)[i][nl] == '=')
      {
        free ((*env)[i]);
        (*env)[i] = move_ptr (entry);
        return 0;
      }
  return lodge_strv_append (env, len, entry);
}

int
lodge_write_pid_file (const char *path, pid_t pid, lodge_error_t *err)
{
  /* Written whole or not at all: clients read it the moment create
   * returns. */
  cleanup_free char *abs = path[0] == '/' ? strdup (path) : NULL;
  if (abs == NULL)
    {
      char cwd[PATH_MAX];
      if (getcwd (cwd, sizeof cwd) == NULL)
        return lodge_error (err, errno, "getcwd");
      abs = lodge_strdup_printf ("%s/%s", cwd, path);
    }
  char *slash = strrchr (abs, '/');
  *slash = '\0';
  cleanup_close int dfd
      = open (abs[0] ? abs : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return lodge_error (err, errno, "pid file %s", path);
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  if (lodge_write_file_atomic (dfd, slash + 1, buf, (size_t)n, err) < 0)
    return lodge_error_prefix (err, "pid file %s", path);
  return 0;
}
