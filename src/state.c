/* lodge: the per-container state directory under --root. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "state.h"
#include "utils.h"

static int
lock_dir (int fd, const char *id, lodge_error_t *err)
{
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      return lodge_error (err, errno, "lock state of container \"%s\"", id);
  return 0;
}

int
lodge_state_dir_create (const char *root, const char *id,
                        struct lodge_state_dir *out, lodge_error_t *err)
{
  if (lodge_mkdir_p (root, 0700, err) < 0)
    return lodge_error_prefix (err, "create state root");
  cleanup_free char *path = lodge_strdup_printf ("%s/%s", root, id);
  if (mkdir (path, 0700) < 0)
    {
      if (errno == EEXIST)
        return lodge_error (err, 0, "container \"%s\" already exists", id);
      return lodge_error (err, errno, "create state directory %s", path);
    }
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      int e = errno;
      rmdir (path);
      return lodge_error (err, e, "open state directory %s", path);
    }
  if (lock_dir (fd, id, err) < 0)
    {
      close (fd);
      rmdir (path);
      return -1;
    }
  out->dirfd = fd;
  out->path = move_ptr (path);
  out->id = strdup (id);
  return 0;
}

int
lodge_state_dir_open (const char *root, const char *id,
                      struct lodge_state_dir *out, lodge_error_t *err)
{
  cleanup_free char *path = lodge_strdup_printf ("%s/%s", root, id);
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return lodge_error (err, 0, "container \"%s\" does not exist", id);
      return lodge_error (err, errno, "open state directory %s", path);
    }
  if (lock_dir (fd, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  /* A create that failed, or a delete that won the race, may have
   * removed the directory while we waited for the lock; and a create
   * still in progress has not written its state yet. */
  struct stat st;
  if (fstatat (fd, LODGE_STATE_FILE, &st, 0) < 0)
    {
      close (fd);
      return lodge_error (err, 0, "container \"%s\" does not exist", id);
    }
  out->dirfd = fd;
  out->path = move_ptr (path);
  out->id = strdup (id);
  return 0;
}

void
lodge_state_dir_close (struct lodge_state_dir *d)
{
  if (d->dirfd >= 0)
    close (d->dirfd);
  d->dirfd = -1;
  free (d->path);
  free (d->id);
  d->path = d->id = NULL;
}

int
lodge_state_dir_remove (struct lodge_state_dir *d, lodge_error_t *err)
{
  int r = 0;
  if (d->path)
    {
      char *slash = strrchr (d->path, '/');
      cleanup_free char *parent = strndup (d->path, (size_t)(slash - d->path));
      cleanup_close int pfd
          = open (parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (pfd < 0)
        r = lodge_error (err, errno, "open %s", parent);
      else
        r = lodge_rm_rf_at (pfd, slash + 1, err);
    }
  lodge_state_dir_close (d);
  return r;
}

int
lodge_state_write (struct lodge_state_dir *d, const struct oci_state *s,
                   lodge_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (oci_state_emit_private (s, &json, &len, err) < 0)
    return -1;
  return lodge_write_file_atomic (d->dirfd, LODGE_STATE_FILE, json, len, err);
}

int
lodge_state_read (struct lodge_state_dir *d, struct oci_state **out,
                  lodge_error_t *err)
{
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (lodge_read_file_at (d->dirfd, LODGE_STATE_FILE, &json, &len, err) < 0)
    return lodge_error_prefix (err, "read state of container \"%s\"", d->id);
  struct oci_state *s = NULL;
  if (oci_state_parse_data (json, len, "state.json", &s, err) < 0)
    return -1;

  const char *status;
  struct stat st;
  if (!lodge_pid_alive (s->pid, s->pid_start_time))
    status = "stopped";
  else if (fstatat (d->dirfd, LODGE_EXEC_FIFO, &st, 0) == 0)
    status = "created";
  else if (lodge_cgroup_is_frozen (s->cgroup_path))
    status = "paused";
  else
    status = "running";
  free (s->status);
  s->status = strdup (status);
  *out = s;
  return 0;
}
