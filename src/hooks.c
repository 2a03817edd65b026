/* lodge: running OCI hooks.
 *
 * One hook at a time: fork, exec, and a single poll loop in the parent
 * that feeds the state to the hook's stdin, notices exec failures and
 * the hook's exit, and enforces the timeout.  Feeding stdin from the
 * loop (non-blocking) rather than with one write() matters: a hook that
 * never reads its stdin must not hang lodge once the state outgrows the
 * pipe buffer. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lodge/cleanup.h"
#include "hooks.h"

/* Without a pidfd the hook's exit is noticed by polling this often. */
#define EXIT_POLL_MS 10

/* What the child sends back on the exec-error pipe when it cannot exec;
 * EOF on that pipe (it is O_CLOEXEC) means the exec happened. */
enum child_stage
{
  STAGE_STDIN,
  STAGE_STDOUT,
  STAGE_CLOSE_FDS,
  STAGE_EXEC,
};

static const char *const stage_names[] = {
  [STAGE_STDIN] = "dup2 stdin",
  [STAGE_STDOUT] = "dup2 stdout",
  [STAGE_CLOSE_FDS] = "close_range",
  [STAGE_EXEC] = "exec",
};

struct child_error
{
  int stage;
  int errnum;
};

static void __attribute__ ((noreturn))
child_fail (int errfd, enum child_stage stage)
{
  struct child_error ce = { .stage = stage, .errnum = errno };
  ssize_t unused = write (errfd, &ce, sizeof ce);

  (void)unused;
  _exit (127);
}

/* Close every descriptor from 3 up except `keep` (the exec-error pipe,
 * which closes itself at exec). */
static int
close_fds_except (int keep)
{
  long max;

  if ((keep <= 3 || close_range (3, keep - 1, 0) == 0)
      && close_range (keep + 1, ~0U, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;

  /* Kernels before 5.9. */
  max = sysconf (_SC_OPEN_MAX);
  if (max < 0)
    max = 65536;
  for (int fd = 3; fd < max; fd++)
    if (fd != keep)
      close (fd);
  return 0;
}

static void __attribute__ ((noreturn))
child_exec (const char *path, char *const *argv, char *const *envp,
            int stdin_fd, int errfd, const struct sigaction *old_pipe)
{
  sigset_t none;

  /* Every signal is blocked here (see run_one).  lodge's handlers must not
   * run in this copy of it, and the blocked mask and ignored signals
   * survive execve: reset both so the hook starts as a normal program
   * would.  SIGPIPE is ignored by lodge only while it runs hooks, so give
   * back whatever it was before. */
  for (int sig = 1; sig < NSIG; sig++)
    {
      struct sigaction sa;

      if (sigaction (sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL
          && sa.sa_handler != SIG_IGN)
        signal (sig, SIG_DFL);
    }
  signal (SIGPIPE, old_pipe->sa_handler == SIG_IGN ? SIG_IGN : SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  if (dup2 (stdin_fd, STDIN_FILENO) < 0)
    child_fail (errfd, STAGE_STDIN);
  if (dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    child_fail (errfd, STAGE_STDOUT);
  /* lodge's other descriptors (state dir, console, sync sockets) are none
   * of the hook's business, O_CLOEXEC or not. */
  if (close_fds_except (errfd) < 0)
    child_fail (errfd, STAGE_CLOSE_FDS);

  execve (path, argv, envp);
  child_fail (errfd, STAGE_EXEC);
}

/* Keep the pipes off 0-2 (possible when lodge runs with stdio closed), so
 * the child's dup2 onto 0 and 1 cannot overwrite one of them. */
static int
move_above_stdio (int *fd)
{
  int moved;

  if (*fd > STDERR_FILENO)
    return 0;
  moved = fcntl (*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0)
    return -1;
  close (*fd);
  *fd = moved;
  return 0;
}

static int
make_pipe (int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return -1;
  if (move_above_stdio (&fds[0]) < 0 || move_above_stdio (&fds[1]) < 0)
    {
      int saved = errno;
      close (fds[0]);
      close (fds[1]);
      errno = saved;
      return -1;
    }
  return 0;
}

static void
kill_and_reap (pid_t pid)
{
  int status;

  kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

static long long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
run_one (const struct oci_hook *h, size_t idx, const char *phase,
         const char *state, size_t state_len, const struct sigaction *old_pipe,
         lodge_error_t *err)
{
  static char *const empty_env[] = { NULL };
  cleanup_close int in_r = -1, in_w = -1, err_r = -1, err_w = -1;
  cleanup_close int pidfd = -1;
  char *default_argv[2] = { h->path, NULL };
  char *const *argv = h->args_len > 0 ? h->args : default_argv;
  char *const *envp = h->env ? h->env : empty_env;
  struct child_error ce = { .stage = -1 };
  long long deadline = 0;
  size_t off = 0;
  bool exited = false;
  int status = 0;
  sigset_t all, saved_mask;
  int fork_errno;
  pid_t pid;
  int fds[2];

#define HOOK_FMT "%s hook %s (index %zu)"
#define HOOK_ARGS phase, h->path, idx

  if (h->path == NULL)
    return lodge_error (err, 0, "%s hook (index %zu): missing path", phase,
                        idx);
  if (h->has_timeout && h->timeout <= 0)
    return lodge_error (err, 0, HOOK_FMT ": invalid timeout %d", HOOK_ARGS,
                        (int)h->timeout);

  if (make_pipe (fds) < 0)
    return lodge_error (err, errno, HOOK_FMT ": pipe for stdin", HOOK_ARGS);
  in_r = fds[0];
  in_w = fds[1];
  if (make_pipe (fds) < 0)
    return lodge_error (err, errno, HOOK_FMT ": pipe", HOOK_ARGS);
  err_r = fds[0];
  err_w = fds[1];
  /* So the loop can go back to waiting when the hook is slow to read. */
  if (fcntl (in_w, F_SETFL, O_NONBLOCK) < 0)
    return lodge_error (err, errno, HOOK_FMT ": set O_NONBLOCK on stdin",
                        HOOK_ARGS);

  if (h->has_timeout)
    deadline = now_ms () + (long long)h->timeout * 1000;

  /* Until the child has reset lodge's signal handlers, no signal may
   * reach it. */
  sigfillset (&all);
  if (sigprocmask (SIG_BLOCK, &all, &saved_mask) < 0)
    return lodge_error (err, errno, HOOK_FMT ": block signals", HOOK_ARGS);
  pid = fork ();
  if (pid == 0)
    child_exec (h->path, argv, envp, in_r, err_w, old_pipe);
  fork_errno = errno;
  sigprocmask (SIG_SETMASK, &saved_mask, NULL);
  if (pid < 0)
    return lodge_error (err, fork_errno, HOOK_FMT ": fork", HOOK_ARGS);

  close (move_fd (in_r));
  close (move_fd (err_w));

  /* Not yet reaped, so the pid cannot be reused under us.  Without pidfds
   * (old kernel, or a seccomp profile around lodge) fall back to
   * checking on the child every EXIT_POLL_MS. */
  pidfd = (int)syscall (SYS_pidfd_open, pid, 0);

  if (state_len == 0)
    close (move_fd (in_w));

  while (!exited)
    {
      struct pollfd pfd[3];
      int n = 0, in_i = -1, err_i = -1, pid_i = -1;
      int timeout = -1;
      int r;

      if (in_w >= 0)
        {
          in_i = n;
          pfd[n++] = (struct pollfd){ .fd = in_w, .events = POLLOUT };
        }
      if (err_r >= 0)
        {
          err_i = n;
          pfd[n++] = (struct pollfd){ .fd = err_r, .events = POLLIN };
        }
      if (pidfd >= 0)
        {
          pid_i = n;
          pfd[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
        }

      if (h->has_timeout)
        {
          long long left = deadline - now_ms ();

          if (left <= 0)
            {
              kill_and_reap (pid);
              return lodge_error (err, 0, HOOK_FMT ": timed out after %ds",
                                  HOOK_ARGS, (int)h->timeout);
            }
          timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
      if (pidfd < 0 && (timeout < 0 || timeout > EXIT_POLL_MS))
        timeout = EXIT_POLL_MS;

      r = poll (pfd, n, timeout);
      if (r < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          kill_and_reap (pid);
          return lodge_error (err, saved, HOOK_FMT ": poll", HOOK_ARGS);
        }

      if (in_i >= 0 && pfd[in_i].revents)
        {
          ssize_t w = write (in_w, state + off, state_len - off);

          if (w >= 0)
            {
              off += (size_t)w;
              /* EOF tells the hook the state is complete. */
              if (off == state_len)
                close (move_fd (in_w));
            }
          else if (errno == EPIPE)
            /* The hook closed its stdin without reading it all; that is
             * its choice, and its exit status says whether it failed. */
            close (move_fd (in_w));
          else if (errno != EAGAIN && errno != EINTR)
            {
              int saved = errno;

              kill_and_reap (pid);
              return lodge_error (
                  err, saved, HOOK_FMT ": write the state to stdin", HOOK_ARGS);
            }
        }

      if (err_i >= 0 && pfd[err_i].revents)
        {
          ssize_t got = read (err_r, &ce, sizeof ce);

          if (got < 0 && errno == EINTR)
            continue;
          /* EOF: exec succeeded.  A short read cannot happen for so small
           * a write to a pipe; treat it as "no error". */
          if (got != (ssize_t)sizeof ce)
            ce.stage = -1;
          close (move_fd (err_r));
        }

      if (pidfd < 0 || pfd[pid_i].revents)
        {
          pid_t w = waitpid (pid, &status, WNOHANG);

          if (w == pid)
            exited = true;
          else if (w < 0 && errno != EINTR)
            {
              int saved = errno;

              kill_and_reap (pid);
              return lodge_error (err, saved, HOOK_FMT ": waitpid %d",
                                  HOOK_ARGS, (int)pid);
            }
        }
    }

  /* The child is gone, so the pipe holds its report or is at EOF: this
   * read does not block. */
  if (err_r >= 0)
    {
      ssize_t got;

      do
        got = read (err_r, &ce, sizeof ce);
      while (got < 0 && errno == EINTR);
      if (got != (ssize_t)sizeof ce)
        ce.stage = -1;
    }

  if (ce.stage >= STAGE_STDIN && ce.stage <= STAGE_EXEC)
    return lodge_error (err, ce.errnum, HOOK_FMT ": %s", HOOK_ARGS,
                        stage_names[ce.stage]);
  if (WIFEXITED (status) && WEXITSTATUS (status) != 0)
    return lodge_error (err, 0, HOOK_FMT ": exited with status %d", HOOK_ARGS,
                        WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return lodge_error (err, 0, HOOK_FMT ": killed by signal %d", HOOK_ARGS,
                        WTERMSIG (status));
  return 0;

#undef HOOK_FMT
#undef HOOK_ARGS
}

int
lodge_hooks_run (const struct oci_hook_list *list, const char *phase,
                 const char *state_json, size_t state_len, lodge_error_t *err)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  int r = 0;

  if (list == NULL || list->len == 0)
    return 0;

  /* A hook that exits without reading its stdin must give lodge EPIPE,
   * not a fatal SIGPIPE.  Pipes have no MSG_NOSIGNAL. */
  sigemptyset (&ign.sa_mask);
  if (sigaction (SIGPIPE, &ign, &old) < 0)
    return lodge_error (err, errno, "%s hooks: ignore SIGPIPE", phase);

  for (size_t i = 0; i < list->len && r == 0; i++)
    r = run_one (&list->hooks[i], i, phase, state_json, state_len, &old, err);

  sigaction (SIGPIPE, &old, NULL);
  return r;
}

void
lodge_hooks_run_all (const struct oci_hook_list *list, const char *phase,
                     const char *state_json, size_t state_len,
                     void (*warn) (const char *msg))
{
  if (list == NULL)
    return;
  for (size_t i = 0; i < list->len; i++)
    {
      /* One hook at a time, so that a failing one does not stop the rest:
       * lodge_hooks_run over a list of one, with the real index in the
       * message. */
      struct oci_hook_list one = { .hooks = &list->hooks[i], .len = 1 };
      lodge_error_t err = NULL;
      if (lodge_hooks_run (&one, phase, state_json, state_len, &err) < 0)
        {
          const char *msg = err ? err->msg : "hook failed";
          const char *idx = strstr (msg, "(index 0)");
          if (idx)
            {
              char *fixed = NULL;
              if (asprintf (&fixed, "%.*s(index %zu)%s", (int)(idx - msg), msg,
                            i, idx + 9)
                  < 0)
                fixed = NULL;
              warn (fixed ? fixed : msg);
              free (fixed);
            }
          else
            warn (msg);
        }
      lodge_error_free (&err);
    }
}
