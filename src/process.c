/* lodge: the container process's own attributes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process.h"
#include "terminal.h"
#include "utils.h"

static const struct
{
  const char *name;
  int resource;
} rlimit_table[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
lodge_rlimit_resource (const char *name)
{
  for (size_t i = 0; i < sizeof rlimit_table / sizeof *rlimit_table; i++)
    if (strcmp (name, rlimit_table[i].name) == 0)
      return rlimit_table[i].resource;
  return -1;
}

int
lodge_process_validate (const struct oci_process *p, const char *prefix,
                        lodge_error_t *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      if (lodge_rlimit_resource (p->rlimits[i].type) < 0)
        return lodge_error (err, 0,
                            "%s.rlimits[%zu].type: unknown rlimit \"%s\"",
                            prefix, i, p->rlimits[i].type);
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        return lodge_error (
            err, 0,
            "%s.rlimits[%zu]: soft limit %llu is above the hard "
            "limit %llu",
            prefix, i, (unsigned long long)p->rlimits[i].soft,
            (unsigned long long)p->rlimits[i].hard);
      for (size_t j = 0; j < i; j++)
        if (strcmp (p->rlimits[j].type, p->rlimits[i].type) == 0)
          return lodge_error (err, 0, "%s.rlimits[%zu]: duplicate type \"%s\"",
                              prefix, i, p->rlimits[i].type);
    }
  return 0;
}

int
lodge_process_set_rlimits (const struct oci_process *p, lodge_error_t *err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      struct rlimit rl
          = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (lodge_rlimit_resource (p->rlimits[i].type), &rl) < 0)
        return lodge_error (err, errno, "set %s to %llu/%llu",
                            p->rlimits[i].type, (unsigned long long)rl.rlim_cur,
                            (unsigned long long)rl.rlim_max);
    }
  return 0;
}

static bool
setgroups_allowed (void)
{
  cleanup_free char *v = NULL;
  lodge_error_t e = NULL;
  if (lodge_read_file ("/proc/self/setgroups", &v, NULL, &e) < 0)
    {
      lodge_error_free (&e);
      return true;
    }
  return strncmp (v, "deny", 4) != 0;
}

int
lodge_process_set_user (const struct oci_process *p, lodge_error_t *err)
{
  const struct oci_user *u = &p->user;
  if (setgroups_allowed ())
    {
      gid_t *groups = NULL;
      if (u->additional_gids_len)
        {
          groups = calloc (u->additional_gids_len, sizeof *groups);
          if (groups == NULL)
            return lodge_error (err, errno, "setgroups");
          for (size_t i = 0; i < u->additional_gids_len; i++)
            groups[i] = u->additional_gids[i];
        }
      int r = setgroups (u->additional_gids_len, groups);
      free (groups);
      if (r < 0)
        return lodge_error (err, errno, "setgroups");
    }
  else if (u->additional_gids_len)
    return lodge_error (err, EPERM,
                        "process.user.additionalGids: setgroups is denied in "
                        "this user namespace");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return lodge_error (err, errno, "setresgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return lodge_error (err, errno, "setresuid %u", u->uid);
  return 0;
}

static const char *
env_get (const struct oci_process *p, const char *name)
{
  size_t l = strlen (name);
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], name, l) == 0 && p->env[i][l] == '=')
      return p->env[i] + l + 1;
  return NULL;
}

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode)
         && access (path, X_OK) == 0;
}

int
lodge_process_find_executable (const struct oci_process *p, char **out,
                               lodge_error_t *err)
{
  const char *a0 = p->args[0];
  if (strchr (a0, '/'))
    {
      struct stat st;
      if (stat (a0, &st) < 0)
        return lodge_error (err, errno, "exec: \"%s\"", a0);
      if (S_ISDIR (st.st_mode))
        return lodge_error (err, EISDIR, "exec: \"%s\"", a0);
      *out = strdup (a0);
      return 0;
    }
  const char *path = env_get (p, "PATH");
  if (path == NULL)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  cleanup_free char *copy = strdup (path);
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir;
       dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *cand
          = lodge_strdup_printf ("%s/%s", *dir ? dir : ".", a0);
      if (is_executable (cand))
        {
          *out = move_ptr (cand);
          return 0;
        }
    }
  return lodge_error (err, 0,
                      "exec: \"%s\": executable file not found in $PATH", a0);
}

static char *
home_of (uid_t uid)
{
  cleanup_file FILE *f = fopen ("/etc/passwd", "re");
  if (f == NULL)
    return NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* name:pw:uid:gid:gecos:home:shell */
      char *fields[7] = { 0 };
      char *s = line;
      for (int i = 0; i < 7 && s; i++)
        {
          fields[i] = s;
          s = strchr (s, ':');
          if (s)
            *s++ = '\0';
        }
      unsigned long u;
      if (fields[2] && fields[5] && lodge_parse_ulong (fields[2], &u) == 0
          && u == uid)
        return strdup (fields[5]);
    }
  return NULL;
}

char **
lodge_process_env (const struct oci_process *p)
{
  size_t n = p->env_len;
  char **env = calloc (n + 2, sizeof *env);
  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    env[i] = p->env[i];
  if (env_get (p, "HOME") == NULL)
    {
      cleanup_free char *home = home_of (p->user.uid);
      env[n] = lodge_strdup_printf ("HOME=%s", home && *home ? home : "/");
    }
  return env;
}

int
lodge_process_exec (const struct oci_process *proc, const char *exe, int cwd_fd,
                    struct lodge_seccomp *seccomp,
                    const struct lodge_caps *caps, unsigned int pass_fds,
                    lodge_error_t *err)
{
  if (lodge_process_set_rlimits (proc, err) < 0)
    return -1;
  if (proc->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return lodge_error (err, errno, "set no_new_privs");
  /* Without no_new_privs the filter can only be loaded while we still
   * hold CAP_SYS_ADMIN; with it, as late as possible, so that fewer of
   * our own syscalls must pass the container's filter. */
  if (seccomp && !proc->no_new_privileges
      && lodge_seccomp_apply (seccomp, err) < 0)
    return -1;
  if (lodge_caps_drop_bounding (caps, err) < 0
      || lodge_caps_keep_across_setuid (err) < 0
      || lodge_process_set_user (proc, err) < 0
      || lodge_caps_apply (caps, err) < 0)
    return -1;
  if (fchdir (cwd_fd) < 0)
    return lodge_error (err, errno, "chdir to %s", proc->cwd);
  umask (proc->user.has_umask ? (mode_t)proc->user.umask : 022);

  char **env = lodge_process_env (proc);
  if (env == NULL)
    return lodge_error (err, ENOMEM, "environment");
  /* The process starts with every signal at its default and unblocked,
   * whatever the caller of lodge had (a SIGHUP ignored by nohup would
   * otherwise stay ignored, and no shell in the container could trap it). */
  for (int sig = 1; sig < NSIG; sig++)
    {
      /* The raw call: glibc refuses its own two real-time signals, which
       * a caller may still have set to ignored. */
      struct
      {
        void (*handler) (int);
        unsigned long flags;
        void (*restorer) (void);
        uint64_t mask;
      } dfl = { SIG_DFL, 0, NULL, 0 };
      if (sig != SIGKILL && sig != SIGSTOP)
        syscall (SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    }
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* Nothing of lodge's may reach the container: only stdio and the fds
   * the caller asked to preserve stay open across exec. */
  syscall (SYS_close_range, 3 + pass_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  for (unsigned int fd = 3; fd < 3 + pass_fds; fd++)
    {
      int fl = fcntl ((int)fd, F_GETFD);
      if (fl >= 0 && (fl & FD_CLOEXEC))
        fcntl ((int)fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
  if (seccomp && proc->no_new_privileges
      && lodge_seccomp_apply (seccomp, err) < 0)
    return -1;
  execve (exe, proc->args, env);
  return lodge_error (err, errno, "exec %s", exe);
}

int
lodge_process_wait (pid_t init, int master, lodge_error_t *err)
{
  if (master >= 0)
    {
      lodge_terminal_relay (master, err);
      lodge_error_free (err);
      close (master);
    }
  sigset_t mask;
  sigfillset (&mask);
  sigdelset (&mask, SIGCHLD);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigset_t old;
  sigprocmask (SIG_BLOCK, &mask, &old);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, init, 0);
  int status = 0;
  for (;;)
    {
      pid_t r = waitpid (init, &status, WNOHANG);
      if (r == init)
        break;
      if (r < 0 && errno != EINTR)
        {
          sigprocmask (SIG_SETMASK, &old, NULL);
          return lodge_error (err, errno, "wait for container init %d", init);
        }
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
                             { .fd = sfd, .events = POLLIN } };
      if (poll (p, 2, -1) < 0 && errno != EINTR)
        break;
      if (p[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == sizeof si
              && si.ssi_signo != SIGCHLD)
            kill (init, (int)si.ssi_signo);
        }
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}
