/* lodge: process.terminal: the pty, /dev/console, and the other end. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
lodge_terminal_create (int rootfd, const struct oci_process *p,
                       bool bind_console, int *master, int *slave,
                       lodge_error_t *err)
{
  cleanup_close int ptmx_path
      = lodge_open_in_root (rootfd, "/dev/pts/ptmx", false, false, err);
  if (ptmx_path < 0)
    return lodge_error_prefix (err, "allocate a terminal");
  char pp[LODGE_FD_PATH_MAX];
  cleanup_close int m
      = open (lodge_fd_path (ptmx_path, pp), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return lodge_error (err, errno, "open /dev/pts/ptmx");
  int unlock = 0;
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0)
    return lodge_error (err, errno, "unlock pty");
  /* Open the peer through the master, not by name, so no other devpts
   * can be substituted for it. */
  cleanup_close int s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return lodge_error (err, errno, "open pty peer");

  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short)p->console_height,
                            .ws_col = (unsigned short)p->console_width };
      if (ioctl (s, TIOCSWINSZ, &ws) < 0)
        return lodge_error (err, errno, "set terminal size");
    }

  if (bind_console)
    {
      cleanup_close int console
          = lodge_open_in_root (rootfd, "/dev/console", true, true, err);
      if (console < 0)
        return lodge_error_prefix (err, "create /dev/console");
      char sp[LODGE_FD_PATH_MAX], cp[LODGE_FD_PATH_MAX];
      if (mount (lodge_fd_path (s, sp), lodge_fd_path (console, cp), NULL,
                 MS_BIND, NULL)
          < 0)
        return lodge_error (err, errno, "bind pty on /dev/console");
    }
  *master = move_fd (m);
  *slave = move_fd (s);
  return 0;
}

int
lodge_terminal_attach (int slave, lodge_error_t *err)
{
  if (setsid () < 0)
    return lodge_error (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return lodge_error (err, errno, "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return lodge_error (err, errno, "dup2 terminal to fd %d", fd);
  if (slave > 2)
    close (slave);
  return 0;
}

int
lodge_terminal_send (const char *socket_path, int master, lodge_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (socket_path) >= sizeof addr.sun_path)
    return lodge_error (err, ENAMETOOLONG, "console socket %s", socket_path);
  strcpy (addr.sun_path, socket_path);
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return lodge_error (err, errno, "create socket");
  if (connect (s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return lodge_error (err, errno, "connect to console socket %s",
                        socket_path);
  if (lodge_send_fd (s, master, err) < 0)
    return lodge_error_prefix (err, "console socket %s", socket_path);
  return 0;
}

static void
copy_winsize (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}

int
lodge_terminal_relay (int master, lodge_error_t *err)
{
  struct termios saved;
  bool raw = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
  if (raw)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      tcsetattr (STDIN_FILENO, TCSANOW, &t);
      copy_winsize (STDIN_FILENO, master);
    }
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGWINCH);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC);

  struct pollfd fds[3] = {
    { .fd = master, .events = POLLIN },
    { .fd = STDIN_FILENO, .events = POLLIN },
    { .fd = sfd, .events = POLLIN },
  };
  char buf[8192];
  int ret = 0;
  for (;;)
    {
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          ret = lodge_error (err, errno, "poll terminal");
          break;
        }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          ssize_t n = read (master, buf, sizeof buf);
          if (n <= 0)
            break; /* EIO: every slave fd is closed, the container is done */
          if (lodge_write_all (STDOUT_FILENO, buf, (size_t)n) < 0)
            break;
        }
      if (fds[1].revents & (POLLIN | POLLHUP))
        {
          ssize_t n = read (STDIN_FILENO, buf, sizeof buf);
          if (n <= 0)
            fds[1].fd = -1; /* caller's input is done; keep output going */
          else
            lodge_write_all (master, buf, (size_t)n);
        }
      if (fds[2].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) > 0 && raw)
            copy_winsize (STDIN_FILENO, master);
        }
    }
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sigprocmask (SIG_UNBLOCK, &mask, NULL);
  return ret;
}
