/* recvtty: the receiving end of --console-socket, for the test suite.

   Usage: recvtty [-w LINE] [-q] SOCKET

   Listens on the unix socket SOCKET, accepts one connection, receives one
   file descriptor (the pty master) through SCM_RIGHTS, then copies what the
   master reads to stdout until end of file or EIO (the last holder of the
   pty's other end went away).  With -w, LINE and a newline are written into
   the master first, i.e. typed into the container's terminal.  With -q,
   nothing is copied: recvtty exits right after receiving the descriptor,
   which is then closed.

   The socket appears under its final name only once it is listening (it is
   bound under a temporary name and renamed), so a caller may wait for
   SOCKET to exist and then connect without racing.

   Exit status: 0 on success, 1 on any error (one line on stderr).  */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, accept4, MSG_CMSG_CLOEXEC */
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *program_name = "recvtty";

static _Noreturn void __attribute__ ((format (printf, 2, 3)))
die (int errnum, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "%s: ", program_name);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  if (errnum != 0)
    fprintf (stderr, ": %s", strerror (errnum));
  fputc ('\n', stderr);
  exit (EXIT_FAILURE);
}

static _Noreturn void
usage (void)
{
  fprintf (stderr, "Usage: %s [-w LINE] [-q] SOCKET\n", program_name);
  exit (EXIT_FAILURE);
}

/* Fill ADDR with PATH; die if it does not fit.  */
static socklen_t
make_addr (struct sockaddr_un *addr, const char *path)
{
  size_t len = strlen (path);

  if (len >= sizeof addr->sun_path)
    die (0, "socket path too long: %s", path);
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  memcpy (addr->sun_path, path, len + 1);
  return (socklen_t)(offsetof (struct sockaddr_un, sun_path) + len + 1);
}

/* Listen on PATH; the name shows up only once connecting can succeed.  */
static int
listen_on (const char *path)
{
  struct sockaddr_un addr;
  socklen_t addrlen;
  char *tmp;
  int fd;

  if (asprintf (&tmp, "%s.tmp%ld", path, (long)getpid ()) < 0)
    die (ENOMEM, "asprintf");
  addrlen = make_addr (&addr, tmp);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die (errno, "socket");
  unlink (tmp);
  if (bind (fd, (struct sockaddr *)&addr, addrlen) < 0)
    die (errno, "bind %s", tmp);
  if (listen (fd, 1) < 0)
    die (errno, "listen %s", tmp);
  if (rename (tmp, path) < 0)
    die (errno, "rename %s to %s", tmp, path);
  free (tmp);
  return fd;
}

/* Receive one descriptor sent with SCM_RIGHTS on CONN.  */
static int
receive_fd (int conn)
{
  char data[4096];
  union
  {
    struct cmsghdr align;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  ssize_t n;
  int fd;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;

  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    die (errno, "recvmsg");
  if (msg.msg_flags & MSG_CTRUNC)
    die (0, "control message truncated");

  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET
      || cmsg->cmsg_type != SCM_RIGHTS
      || cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
    die (0, "no file descriptor received");
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}

static void
write_all (int fd, const char *buf, size_t len, const char *what)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          die (errno, "write to %s", what);
        }
      buf += n;
      len -= (size_t)n;
    }
}

/* Copy MASTER to stdout until EOF, or EIO once the slave side is gone.  */
static void
copy_output (int master)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n = read (master, buf, sizeof buf);

      if (n == 0)
        return;
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EIO)
            return;
          die (errno, "read from the terminal");
        }
      write_all (STDOUT_FILENO, buf, (size_t)n, "stdout");
    }
}

int
main (int argc, char **argv)
{
  const char *line = NULL;
  bool quiet = false;
  int opt, lfd, conn, master;

  while ((opt = getopt (argc, argv, "w:qh")) != -1)
    switch (opt)
      {
      case 'w':
        line = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      default:
        usage ();
      }
  if (optind != argc - 1)
    usage ();

  lfd = listen_on (argv[optind]);
  do
    conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    die (errno, "accept");
  close (lfd);

  master = receive_fd (conn);
  close (conn);
  if (!isatty (master))
    die (0, "the received descriptor is not a terminal");

  if (line != NULL)
    {
      write_all (master, line, strlen (line), "the terminal");
      write_all (master, "\n", 1, "the terminal");
    }
  if (!quiet)
    copy_output (master);
  close (master);
  return EXIT_SUCCESS;
}
