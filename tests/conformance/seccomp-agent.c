/* seccomp-agent: the listening end of a seccomp listenerPath, for the
   conformance suites.

   Usage: seccomp-agent SOCKET OUTDIR

   Listens on the unix stream socket SOCKET and records what runtimes send
   there when a container uses SCMP_ACT_NOTIFY.  For the Nth connection it
   reads until end of file and writes:

     OUTDIR/conn-N.json    the bytes received (the container process state)
     OUTDIR/conn-N.report  lines "messages M", "fds_first F", "fds_later L"
                           (descriptors that came with the first message,
                           and with later ones) and "eof 1" once the runtime
                           closed the connection

   A connection still open 5 seconds after its last message is recorded
   without "eof 1".  Received descriptors (the seccomp notify fd) are closed at
   once, so the container's notified system calls fail with ENOSYS instead of
   waiting. After the first connection, it waits one more second for others,
   then writes OUTDIR/connections (their number) and exits.  It gives up after
   30 seconds in all.  The socket appears under its final name only once it is
   listening.

   Exit status: 0 on success, 1 on any error (one line on stderr).  */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static _Noreturn void __attribute__ ((format (printf, 2, 3)))
die (int errnum, const char *fmt, ...)
{
  va_list ap;

  fputs ("seccomp-agent: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  if (errnum)
    fprintf (stderr, ": %s", strerror (errnum));
  fputc ('\n', stderr);
  exit (1);
}

static FILE *
open_out (const char *dir, int n, const char *suffix)
{
  char path[4096];
  FILE *f;

  snprintf (path, sizeof path, "%s/conn-%d.%s", dir, n, suffix);
  f = fopen (path, "w");
  if (f == NULL)
    die (errno, "open %s", path);
  return f;
}

/* Read one connection to its end; record it as connection N.  */
static void
serve (int conn, const char *dir, int n)
{
  FILE *data = open_out (dir, n, "json");
  FILE *report;
  int messages = 0, fds_first = 0, fds_later = 0, eof = 0;
  struct timeval timeout = { .tv_sec = 5 };

  if (setsockopt (conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0)
    die (errno, "setsockopt SO_RCVTIMEO");

  for (;;)
    {
      char buf[65536];
      char control[CMSG_SPACE (sizeof (int) * 16)];
      struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
      struct msghdr msg = { .msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control,
                            .msg_controllen = sizeof control };
      struct cmsghdr *cmsg;
      ssize_t got = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
      int fds = 0;

      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break; /* Not closed within the receive timeout.  */
          die (errno, "recvmsg");
        }
      for (cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL;
           cmsg = CMSG_NXTHDR (&msg, cmsg))
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
          {
            size_t i, count = (cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (int);
            int *fdv = (int *)CMSG_DATA (cmsg);

            for (i = 0; i < count; i++)
              close (fdv[i]);
            fds += (int)count;
          }
      if (got == 0 && fds == 0)
        {
          eof = 1;
          break;
        }
      if (messages == 0)
        fds_first += fds;
      else
        fds_later += fds;
      messages++;
      fwrite (buf, 1, (size_t)got, data);
    }
  fclose (data);
  report = open_out (dir, n, "report");
  fprintf (report, "messages %d\nfds_first %d\nfds_later %d\neof %d\n",
           messages, fds_first, fds_later, eof);
  fclose (report);
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof addr.sun_path];
  const char *sock, *dir;
  int lfd, n = 0;
  FILE *f;
  char path[4096];

  if (argc != 3)
    die (0, "usage: seccomp-agent SOCKET OUTDIR");
  sock = argv[1];
  dir = argv[2];
  if (snprintf (tmp, sizeof tmp, "%s.tmp", sock) >= (int)sizeof tmp)
    die (0, "socket path too long: %s", sock);
  alarm (30);

  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0)
    die (errno, "socket");
  unlink (tmp);
  strcpy (addr.sun_path, tmp);
  if (bind (lfd, (struct sockaddr *)&addr, sizeof addr) < 0)
    die (errno, "bind %s", tmp);
  if (listen (lfd, 8) < 0)
    die (errno, "listen");
  if (rename (tmp, sock) < 0)
    die (errno, "rename %s to %s", tmp, sock);

  for (;;)
    {
      struct pollfd p = { .fd = lfd, .events = POLLIN };
      int r = poll (&p, 1, n == 0 ? 30000 : 1000);
      int conn;

      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          die (errno, "poll");
        }
      if (r == 0)
        break;
      conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
      if (conn < 0)
        die (errno, "accept");
      serve (conn, dir, ++n);
      close (conn);
    }
  snprintf (path, sizeof path, "%s/connections", dir);
  f = fopen (path, "w");
  if (f == NULL)
    die (errno, "open %s", path);
  fprintf (f, "%d\n", n);
  fclose (f);
  unlink (sock);
  return 0;
}
