/* lodge: messages between the runtime and the container's init. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"
#include "utils.h"

struct frame
{
  uint32_t type;
  uint32_t len;
};

#define SYNC_MAX (16u << 20)

int
lodge_sync_send (int fd, enum lodge_sync_type type, const void *data,
                 size_t len, lodge_error_t *err)
{
  struct frame f = { (uint32_t)type, (uint32_t)len };
  if (lodge_write_all (fd, &f, sizeof f) < 0
      || (len && lodge_write_all (fd, data, len) < 0))
    return lodge_error (err, errno, "send message to %s",
                        type == SYNC_ERROR ? "runtime" : "peer");
  return 0;
}

static int
read_full (int fd, void *buf, size_t len)
{
  char *p = buf;
  while (len > 0)
    {
      ssize_t r = read (fd, p, len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        {
          errno = 0;
          return -1;
        }
      p += r;
      len -= (size_t)r;
    }
  return 0;
}

int
lodge_sync_recv_eof (int fd, enum lodge_sync_type *type, char **data,
                     size_t *len, lodge_error_t *err)
{
  struct frame f;
  if (read_full (fd, &f, sizeof f) < 0)
    {
      if (errno == 0)
        return 1;
      return lodge_error (err, errno, "read message from container init");
    }
  if (f.len > SYNC_MAX)
    return lodge_error (err, EBADMSG, "read message from container init");
  cleanup_free char *buf = malloc (f.len + 1);
  if (buf == NULL)
    return lodge_error (err, errno, "read message");
  if (f.len && read_full (fd, buf, f.len) < 0)
    return lodge_error (err, errno ? errno : EPIPE, "read message");
  buf[f.len] = '\0';
  if (f.type == SYNC_ERROR)
    return lodge_error (err, 0, "%s", buf);
  *type = (enum lodge_sync_type)f.type;
  if (len)
    *len = f.len;
  if (data)
    *data = move_ptr (buf);
  return 0;
}

int
lodge_sync_recv (int fd, enum lodge_sync_type *type, char **data, size_t *len,
                 lodge_error_t *err)
{
  int r = lodge_sync_recv_eof (fd, type, data, len, err);
  if (r == 1)
    return lodge_error (err, 0, "container init exited before it was set up");
  return r;
}

int
lodge_sync_expect (int fd, enum lodge_sync_type type, char **data,
                   lodge_error_t *err)
{
  enum lodge_sync_type got;
  char *buf = NULL;
  if (lodge_sync_recv (fd, &got, &buf, NULL, err) < 0)
    return -1;
  if (got != type)
    {
      free (buf);
      return lodge_error (
          err, EPROTO, "unexpected message %d from container init (wanted %d)",
          got, type);
    }
  if (data)
    *data = buf;
  else
    free (buf);
  return 0;
}
