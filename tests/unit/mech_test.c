/* lodge: unit tests for src/seccomp.c, src/capabilities.c and src/hooks.c.
 *
 * Run as root: the capability and seccomp tests change the credentials
 * and filters of forked children (never of the test itself).  Output is
 * TAP-like: "ok N - name" / "not ok N - name", then "N passed, M failed".
 * The config structures are built by hand, so the JSON parser is not
 * needed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <seccomp.h>

#include "lodge/cleanup.h"
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Relative to this file, not through -I: a -I for src/ would make its
 * seccomp.h hide libseccomp's <seccomp.h>. */
#include "../../src/capabilities.h"
#include "../../src/hooks.h"
#include "../../src/seccomp.h"

/* ---- reporting ---------------------------------------------------------- */

static int n_tests, n_passed, n_failed;

static bool
check (bool cond, const char *name)
{
  n_tests++;
  if (cond)
    n_passed++;
  else
    n_failed++;
  printf ("%s %d - %s\n", cond ? "ok" : "not ok", n_tests, name);
  fflush (stdout);
  return cond;
}

static void
diag (const char *fmt, ...)
{
  va_list ap;

  printf ("# ");
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
}

/* A success: r == 0 and no error; prints the error otherwise. */
static bool
check_ok (int r, lodge_error_t *err, const char *name)
{
  bool good = r == 0 && *err == NULL;

  if (!check (good, name))
    diag ("r = %d, error: %s", r, *err ? (*err)->msg : "(none)");
  lodge_error_free (err);
  return good;
}

/* A failure whose message is exactly `want`. */
static bool
check_error (int r, lodge_error_t *err, const char *want, const char *name)
{
  bool good = r < 0 && *err != NULL && strcmp ((*err)->msg, want) == 0;

  if (!check (good, name))
    diag ("r = %d\n#  got: %s\n# want: %s", r, *err ? (*err)->msg : "(none)",
          want);
  lodge_error_free (err);
  return good;
}

/* A failure whose message contains `want`. */
static bool
check_error_has (int r, lodge_error_t *err, const char *want, const char *name)
{
  bool good = r < 0 && *err != NULL && strstr ((*err)->msg, want) != NULL;

  if (!check (good, name))
    diag ("r = %d\n#  got: %s\n# want (part): %s", r,
          *err ? (*err)->msg : "(none)", want);
  lodge_error_free (err);
  return good;
}

/* ---- running a check in a child ---------------------------------------- */

/* `fn` runs in a forked child (so credentials and filters it changes die
 * with it) and writes a report into `out`; its return value is the exit
 * status.  The parent gets the report and the wait status. */
typedef int (*child_fn) (const void *arg, char *out, size_t size);

static int
in_child (child_fn fn, const void *arg, char *out, size_t size, int *status)
{
  int fds[2];
  pid_t pid;
  size_t got = 0;

  out[0] = '\0';
  fflush (stdout);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      char buf[1024] = "";
      int code;

      close (fds[0]);
      code = fn (arg, buf, sizeof buf);
      if (write (fds[1], buf, strlen (buf)) < 0)
        code = 99;
      _exit (code);
    }
  close (fds[1]);
  for (;;)
    {
      ssize_t n = read (fds[0], out + got, size - 1 - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (size_t)n;
    }
  out[got] = '\0';
  close (fds[0]);
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

static bool
exited_with (int status, int code)
{
  return WIFEXITED (status) && WEXITSTATUS (status) == code;
}

/* ---- capabilities ------------------------------------------------------ */

#define BIT(n) (UINT64_C (1) << (n))

static void
test_caps_parse (void)
{
  lodge_error_t err = NULL;
  struct lodge_caps c;
  int r;

  memset (&c, 0xff, sizeof c);
  r = lodge_caps_from_spec (NULL, &c, &err);
  check_ok (r, &err, "caps: NULL capabilities gives no error");
  check (c.bounding == 0 && c.effective == 0 && c.inheritable == 0
             && c.permitted == 0 && c.ambient == 0,
         "caps: NULL capabilities gives empty sets");

  {
    struct oci_capabilities spec = {
      .bounding
      = (char *[]){ "CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW", NULL },
      .bounding_len = 3,
      .effective = (char *[]){ "CAP_KILL", NULL },
      .effective_len = 1,
      .inheritable = (char *[]){ "CAP_SETUID", "CAP_SETGID", NULL },
      .inheritable_len = 2,
      .permitted = (char *[]){ "CAP_CHECKPOINT_RESTORE", NULL },
      .permitted_len = 1,
      .ambient = (char *[]){ "CAP_NET_BIND_SERVICE", NULL },
      .ambient_len = 1,
    };

    r = lodge_caps_from_spec (&spec, &c, &err);
    check_ok (r, &err, "caps: known names parse");
    check (c.bounding == (BIT (0) | BIT (21) | BIT (13)),
           "caps: bounding mask CHOWN|SYS_ADMIN|NET_RAW");
    check (c.effective == BIT (5), "caps: effective mask KILL");
    check (c.inheritable == (BIT (6) | BIT (7)),
           "caps: inheritable mask SETGID|SETUID");
    /* 40 is known to libcap 2.66; skipped if this kernel predates it. */
    check (c.permitted == (lodge_cap_last () >= 40 ? BIT (40) : 0),
           "caps: permitted mask CHECKPOINT_RESTORE");
    check (c.ambient == BIT (10), "caps: ambient mask NET_BIND_SERVICE");
  }

  {
    static const struct
    {
      const char *name;
      const char *set;
    } bad[] = {
      { "CAP_FOO", "effective" },
      { "cap_chown", "bounding" },
      { "CAP_chown", "permitted" },
      { "CHOWN", "inheritable" },
      { "12", "ambient" },
      { "CAP_12", "effective" },
      { "CAP_CHOWN,CAP_KILL", "bounding" },
      { "CAP_CHOWN ", "bounding" },
      { "", "bounding" },
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
      {
        char *names[] = { (char *)bad[i].name, NULL };
        struct oci_capabilities spec = { 0 };
        char want[128], name[128];

        if (strcmp (bad[i].set, "effective") == 0)
          spec.effective = names, spec.effective_len = 1;
        else if (strcmp (bad[i].set, "bounding") == 0)
          spec.bounding = names, spec.bounding_len = 1;
        else if (strcmp (bad[i].set, "permitted") == 0)
          spec.permitted = names, spec.permitted_len = 1;
        else if (strcmp (bad[i].set, "inheritable") == 0)
          spec.inheritable = names, spec.inheritable_len = 1;
        else
          spec.ambient = names, spec.ambient_len = 1;
        /* The spec: an unknown capability is skipped, not an error; the
         * caller learns its name to warn. */
        (void)want;
        snprintf (name, sizeof name, "caps: \"%s\" in %s is skipped",
                  bad[i].name, bad[i].set);
        lodge_caps_unknown = NULL;
        r = lodge_caps_from_spec (&spec, &c, &err);
        check (r == 0 && c.bounding == 0 && c.effective == 0 && c.permitted == 0
                   && c.inheritable == 0 && c.ambient == 0 && lodge_caps_unknown
                   && strcmp (lodge_caps_unknown, bad[i].name) == 0,
               name);
        lodge_error_free (&err);
      }
  }

  {
    FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
    int last = -1;

    if (f)
      {
        if (fscanf (f, "%d", &last) != 1)
          last = -1;
        fclose (f);
      }
    check (last < 0 || lodge_cap_last () == last,
           "caps: lodge_cap_last matches /proc/sys/kernel/cap_last_cap");
  }

  check (strcmp (lodge_cap_name (0), "CAP_CHOWN") == 0
             && strcmp (lodge_cap_name (21), "CAP_SYS_ADMIN") == 0
             && lodge_cap_name (-1) == NULL && lodge_cap_name (64) == NULL,
         "caps: lodge_cap_name");

  {
    bool all = true;

    for (int i = 0; i <= lodge_cap_last (); i++)
      {
        char *names[] = { (char *)lodge_cap_name (i), NULL };
        struct oci_capabilities spec = { .bounding = names, .bounding_len = 1 };

        if (names[0] == NULL)
          continue;
        r = lodge_caps_from_spec (&spec, &c, &err);
        if (r < 0 || c.bounding != BIT (i))
          {
            diag ("%s: r = %d, mask %#llx", names[0], r,
                  (unsigned long long)c.bounding);
            all = false;
          }
        lodge_error_free (&err);
      }
    check (all, "caps: every named capability maps to its bit");
  }
}

/* The masks /proc/self/status shows, as "bnd eff inh prm amb". */
static int
read_proc_caps (char *out, size_t size)
{
  FILE *f = fopen ("/proc/self/status", "re");
  unsigned long long bnd = 0, eff = 0, inh = 0, prm = 0, amb = 0;
  char line[256];

  if (f == NULL)
    return snprintf (out, size, "open /proc/self/status: %s", strerror (errno)),
           -1;
  while (fgets (line, sizeof line, f))
    {
      sscanf (line, "CapBnd: %llx", &bnd);
      sscanf (line, "CapEff: %llx", &eff);
      sscanf (line, "CapInh: %llx", &inh);
      sscanf (line, "CapPrm: %llx", &prm);
      sscanf (line, "CapAmb: %llx", &amb);
    }
  fclose (f);
  snprintf (out, size, "%llx %llx %llx %llx %llx", bnd, eff, inh, prm, amb);
  return 0;
}

static int
child_caps_apply (const void *arg, char *out, size_t size)
{
  const struct lodge_caps *c = arg;
  lodge_error_t err = NULL;

  if (lodge_caps_drop_bounding (c, &err) < 0 || lodge_caps_apply (c, &err) < 0)
    {
      snprintf (out, size, "%s", err->msg);
      lodge_error_free (&err);
      return 1;
    }
  if (prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
    return snprintf (out, size, "KEEPCAPS still set"), 1;
  return read_proc_caps (out, size) < 0 ? 1 : 0;
}

/* setresuid to a non-root uid between keep_across_setuid and apply, as
 * the container init does for a non-root process.user. */
static int
child_caps_setuid (const void *arg, char *out, size_t size)
{
  const struct lodge_caps *c = arg;
  lodge_error_t err = NULL;

  if (lodge_caps_drop_bounding (c, &err) < 0
      || lodge_caps_keep_across_setuid (&err) < 0)
    goto fail;
  if (setresgid (1000, 1000, 1000) < 0 || setresuid (1000, 1000, 1000) < 0)
    return snprintf (out, size, "setresuid: %s", strerror (errno)), 1;
  if (lodge_caps_apply (c, &err) < 0)
    goto fail;
  if (prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
    return snprintf (out, size, "KEEPCAPS still set"), 1;
  return read_proc_caps (out, size) < 0 ? 1 : 0;

fail:
  snprintf (out, size, "%s", err->msg);
  lodge_error_free (&err);
  return 1;
}

/* Apply `arg`, then try to regain CAP_SYS_ADMIN: capset must refuse. */
static int
child_caps_regain (const void *arg, char *out, size_t size)
{
  const struct lodge_caps *c = arg;
  struct lodge_caps more = *c;
  lodge_error_t err = NULL;

  if (lodge_caps_apply (c, &err) < 0)
    return snprintf (out, size, "first apply: %s", err->msg),
           lodge_error_free (&err), 2;
  more.permitted |= BIT (21);
  more.effective |= BIT (21);
  if (lodge_caps_apply (&more, &err) == 0)
    return snprintf (out, size, "second apply succeeded"), 2;
  snprintf (out, size, "%s", err->msg);
  lodge_error_free (&err);
  return 1;
}

/* Give up CAP_SETPCAP, then ask for a smaller bounding set. */
static int
child_caps_drop_no_setpcap (const void *arg, char *out, size_t size)
{
  const struct lodge_caps *c = arg;
  struct lodge_caps bnd = { 0 };
  lodge_error_t err = NULL;

  if (lodge_caps_apply (c, &err) < 0)
    return snprintf (out, size, "apply: %s", err->msg), lodge_error_free (&err),
           2;
  bnd.bounding = ~BIT (21);
  if (lodge_caps_drop_bounding (&bnd, &err) == 0)
    return snprintf (out, size, "drop succeeded"), 2;
  snprintf (out, size, "%s", err->msg);
  lodge_error_free (&err);
  return 1;
}

static void
test_caps_apply (void)
{
  char out[1024], want[128];
  int status, r;

  {
    /* CHOWN 0, KILL 5, SETPCAP 8, NET_BIND_SERVICE 10 */
    struct lodge_caps c = {
      .bounding = BIT (0) | BIT (5) | BIT (8) | BIT (10),
      .effective = BIT (0) | BIT (5),
      .permitted = BIT (0) | BIT (5) | BIT (10),
      .inheritable = BIT (10),
      .ambient = BIT (10),
    };

    r = in_child (child_caps_apply, &c, out, sizeof out, &status);
    snprintf (want, sizeof want, "%llx %llx %llx %llx %llx",
              (unsigned long long)c.bounding, (unsigned long long)c.effective,
              (unsigned long long)c.inheritable,
              (unsigned long long)c.permitted, (unsigned long long)c.ambient);
    if (!check (r == 0 && exited_with (status, 0) && strcmp (out, want) == 0,
                "caps: drop_bounding + apply give the asked sets"))
      diag ("status %#x, got \"%s\", want \"%s\"", status, out, want);
  }

  {
    struct lodge_caps c = {
      .bounding = BIT (0) | BIT (5) | BIT (10),
      .effective = BIT (0),
      .permitted = BIT (0) | BIT (10),
      .inheritable = BIT (10),
      .ambient = BIT (10),
    };

    r = in_child (child_caps_setuid, &c, out, sizeof out, &status);
    snprintf (want, sizeof want, "%llx %llx %llx %llx %llx",
              (unsigned long long)c.bounding, (unsigned long long)c.effective,
              (unsigned long long)c.inheritable,
              (unsigned long long)c.permitted, (unsigned long long)c.ambient);
    if (!check (r == 0 && exited_with (status, 0) && strcmp (out, want) == 0,
                "caps: permitted survives setresuid with "
                "keep_across_setuid"))
      diag ("status %#x, got \"%s\", want \"%s\"", status, out, want);
  }

  {
    /* runc's default config asks for ambient caps with no inheritable
     * set; like runc, they are left out rather than refused. */
    struct lodge_caps c = {
      .bounding = BIT (13),
      .effective = BIT (13),
      .permitted = BIT (13),
      .ambient = BIT (13),
    };

    r = in_child (child_caps_apply, &c, out, sizeof out, &status);
    snprintf (want, sizeof want, "%llx %llx %llx %llx %llx",
              (unsigned long long)c.bounding, (unsigned long long)c.effective,
              0ULL, (unsigned long long)c.permitted, 0ULL);
    if (!check (r == 0 && exited_with (status, 0) && strcmp (out, want) == 0,
                "caps: ambient outside inheritable is left out, as runc"))
      diag ("status %#x, got \"%s\", want \"%s\"", status, out, want);
  }

  {
    struct lodge_caps c = { .effective = BIT (0), .permitted = BIT (0) };

    r = in_child (child_caps_regain, &c, out, sizeof out, &status);
    if (!check (r == 0 && exited_with (status, 1)
                    && strcmp (out, "capset: Operation not permitted") == 0,
                "caps: capset failure names capset"))
      diag ("status %#x, got \"%s\"", status, out);
  }

  {
    struct lodge_caps c = { .effective = BIT (0), .permitted = BIT (0) };

    r = in_child (child_caps_drop_no_setpcap, &c, out, sizeof out, &status);
    if (!check (r == 0 && exited_with (status, 1)
                    && strcmp (out, "drop CAP_SYS_ADMIN from the bounding "
                                    "set: Operation not permitted")
                           == 0,
                "caps: bounding drop failure names the capability"))
      diag ("status %#x, got \"%s\"", status, out);
  }
}

/* ---- seccomp ------------------------------------------------------------ */

static int
prepare (const struct oci_seccomp *s, lodge_error_t *err)
{
  struct lodge_seccomp *f = NULL;
  int r = lodge_seccomp_prepare (s, &f, err);

  if (r == 0 && f == NULL && s != NULL)
    r = -1000;
  lodge_seccomp_free (f);
  return r;
}

static bool
strv_has (const char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

static void
test_seccomp_prepare (void)
{
  lodge_error_t err = NULL;
  struct lodge_seccomp *f = (struct lodge_seccomp *)&err;
  int r;

  r = lodge_seccomp_prepare (NULL, &f, &err);
  check (r == 0 && f == NULL && err == NULL,
         "seccomp: no linux.seccomp gives no filter");

  {
    struct oci_seccomp s = { .default_action = "SCMP_ACT_FOO" };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.defaultAction: unknown action "
                 "\"SCMP_ACT_FOO\"",
                 "seccomp: unknown default action");
  }
  {
    struct oci_seccomp s = { 0 };
    r = prepare (&s, &err);
    check_error (r, &err, "linux.seccomp.defaultAction: missing",
                 "seccomp: missing default action");
  }
  {
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "read", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO" },
      { .names = (char *[]){ "write", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_FOO" },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 2 };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.syscalls[1].action: unknown action "
                 "\"SCMP_ACT_FOO\"",
                 "seccomp: unknown syscall action names its path");
  }
  {
    struct oci_seccomp s = {
      .default_action = "SCMP_ACT_ALLOW",
      .architectures = (char *[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_FOO", NULL },
      .architectures_len = 2,
    };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.architectures[1]: unknown architecture "
                 "\"SCMP_ARCH_FOO\"",
                 "seccomp: unknown architecture");
  }
  {
    struct oci_seccomp_arg args[] = {
      { .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
      { .index = 1, .value = 1, .op = "SCMP_CMP_FOO" },
    };
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "personality", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO",
        .args = args,
        .args_len = 2 },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.syscalls[0].args[1].op: unknown operator "
                 "\"SCMP_CMP_FOO\"",
                 "seccomp: unknown operator");
  }
  {
    struct oci_seccomp_arg args[] = {
      { .index = 6, .value = 1, .op = "SCMP_CMP_EQ" },
    };
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "personality", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO",
        .args = args,
        .args_len = 1 },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.syscalls[0].args[0].index: 6 is out of "
                 "range (0-5)",
                 "seccomp: argument index out of range");
  }
  {
    struct oci_seccomp s = {
      .default_action = "SCMP_ACT_ALLOW",
      .flags = (char *[]){ "SECCOMP_FILTER_FLAG_FOO", NULL },
      .flags_len = 1,
    };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.flags[0]: unknown flag "
                 "\"SECCOMP_FILTER_FLAG_FOO\"",
                 "seccomp: unknown flag");
  }
  {
    struct oci_seccomp s = {
      .default_action = "SCMP_ACT_ALLOW",
      .flags = (char *[]){ "SECCOMP_FILTER_FLAG_TSYNC",
                           "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL },
      .flags_len = 2,
    };
    r = prepare (&s, &err);
    check_error_has (r, &err,
                     "linux.seccomp.flags[1]: "
                     "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not "
                     "supported by this libseccomp",
                     "seccomp: WAIT_KILLABLE_RECV is refused");
  }
  {
    const char **sup = lodge_seccomp_supported_flags ();
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ERRNO" };

    s.flags = (char **)sup;
    while (sup && sup[s.flags_len])
      s.flags_len++;
    r = prepare (&s, &err);
    check_ok (r, &err, "seccomp: every supported flag is accepted");
    free (sup);
  }

  {
    const char *want
        = "seccomp: SCMP_ACT_NOTIFY is not supported yet (no notify "
          "listener)";
    struct oci_seccomp s = { .default_action = "SCMP_ACT_NOTIFY" };
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "mount", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_NOTIFY" },
    };
    struct oci_seccomp s2 = { .default_action = "SCMP_ACT_ALLOW",
                              .syscalls = sc,
                              .syscalls_len = 1 };
    struct oci_seccomp s3 = { .default_action = "SCMP_ACT_ALLOW",
                              .listener_path = "/run/notify.sock" };

    r = prepare (&s, &err);
    check_error (r, &err, want, "seccomp: NOTIFY default action rejected");
    r = prepare (&s2, &err);
    check_error (r, &err, want, "seccomp: NOTIFY syscall action rejected");
    r = prepare (&s3, &err);
    check_error (r, &err, want, "seccomp: listenerPath rejected");
  }

  {
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "no_such_syscall", "getcwd", "socketcall", NULL },
        .names_len = 3,
        .action = "SCMP_ACT_ERRNO" },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };
    r = prepare (&s, &err);
    check_ok (r, &err, "seccomp: unknown and foreign syscall names skipped");
  }

  {
    struct oci_seccomp_arg args[] = {
      { .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
      { .index = 0, .value = 2, .op = "SCMP_CMP_EQ" },
      { .index = 1,
        .value = 0xff,
        .has_value_two = true,
        .value_two = 3,
        .op = "SCMP_CMP_MASKED_EQ" },
    };
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "personality", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO",
        .args = args,
        .args_len = 3 },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };
    r = prepare (&s, &err);
    check_ok (r, &err, "seccomp: arguments with the same index accepted");
  }

  {
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "getcwd", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO",
        .has_errno_ret = true,
        .errno_ret = 70000 },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };
    r = prepare (&s, &err);
    check_error (r, &err,
                 "linux.seccomp.syscalls[0].errnoRet: 70000 is out of range "
                 "(0-65535)",
                 "seccomp: errnoRet out of range");
  }

  {
    /* libseccomp alone refuses these (EACCES). */
    struct oci_seccomp_syscall sc[] = {
      { .names = (char *[]){ "read", "write", NULL },
        .names_len = 2,
        .action = "SCMP_ACT_ERRNO",
        .has_errno_ret = true,
        .errno_ret = 5 },
      { .names = (char *[]){ "getcwd", NULL },
        .names_len = 1,
        .action = "SCMP_ACT_ERRNO",
        .has_errno_ret = true,
        .errno_ret = 6 },
    };
    struct oci_seccomp s = { .default_action = "SCMP_ACT_ERRNO",
                             .has_default_errno_ret = true,
                             .default_errno_ret = 5,
                             .syscalls = sc,
                             .syscalls_len = 2 };
    r = prepare (&s, &err);
    check_ok (r, &err, "seccomp: rules repeating the default are skipped");
  }

  {
    /* Every architecture and action at once, with an argument rule on a
     * syscall that is multiplexed (socketcall) on some of them. */
    static const char *const actions[] = {
      "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
      "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
      "SCMP_ACT_LOG",
    };
    /* Without API level 3 (Linux < 4.14, or valgrind, which hides the
     * seccomp syscall from libseccomp's probe) KILL_PROCESS and LOG are
     * refused: those rules fall back to KILL_THREAD to test the rest. */
    bool api3 = seccomp_api_get () >= 3;
    static const char *const names[] = {
      "mount", "umount2", "reboot", "swapon", "swapoff", "kexec_load", "bpf",
    };
    struct oci_seccomp_arg sock_args[] = {
      { .index = 0, .value = 16, .op = "SCMP_CMP_EQ" },
    };
    struct oci_seccomp_syscall sc[8];
    char *name_v[7][2];
    size_t n_archs = 0;

    while (lodge_seccomp_known_archs[n_archs])
      n_archs++;
    for (size_t i = 0; i < 7; i++)
      {
        name_v[i][0] = (char *)names[i];
        name_v[i][1] = NULL;
        sc[i] = (struct oci_seccomp_syscall){
          .names = name_v[i],
          .names_len = 1,
          .action
          = (char *)(api3 || (i != 1 && i != 6) ? actions[i]
                                                : "SCMP_ACT_KILL_THREAD"),
        };
      }
    sc[7] = (struct oci_seccomp_syscall){
      .names = (char *[]){ "socket", NULL },
      .names_len = 1,
      .action = "SCMP_ACT_ERRNO",
      .args = sock_args,
      .args_len = 1,
    };

    struct oci_seccomp s = {
      .default_action = "SCMP_ACT_ALLOW",
      .architectures = (char **)lodge_seccomp_known_archs,
      .architectures_len = n_archs,
      .syscalls = sc,
      .syscalls_len = 8,
    };
    r = prepare (&s, &err);
    check_ok (r, &err, "seccomp: every known arch and action prepares");

    if (!api3)
      {
        char want[256];

        sc[6].action = "SCMP_ACT_LOG";
        snprintf (want, sizeof want,
                  "linux.seccomp.syscalls[6].action: SCMP_ACT_LOG is not "
                  "supported by this kernel and libseccomp (API level %u)",
                  seccomp_api_get ());
        r = prepare (&s, &err);
        check_error (r, &err, want,
                     "seccomp: LOG refused clearly below API level 3");
      }
  }

  {
    const char **sup = lodge_seccomp_supported_flags ();
    bool good = sup != NULL && strv_has (sup, "SECCOMP_FILTER_FLAG_TSYNC");

    for (size_t i = 0; good && sup[i]; i++)
      good = strv_has (lodge_seccomp_known_flags, sup[i]);
    check (good && !strv_has (sup, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
           "seccomp: supported flags are known flags, with TSYNC");
    free (sup);
    check (
        strv_has (lodge_seccomp_known_actions, "SCMP_ACT_KILL_PROCESS")
            && !strv_has (lodge_seccomp_known_actions, "SCMP_ACT_NOTIFY")
            && strv_has (lodge_seccomp_known_operators, "SCMP_CMP_MASKED_EQ")
            && strv_has (lodge_seccomp_known_archs, "SCMP_ARCH_X86_64")
            && strv_has (lodge_seccomp_known_flags, "SECCOMP_FILTER_FLAG_LOG"),
        "seccomp: feature lists");
  }
}

/* Load the filter (with no_new_privs, as the container init would), then
 * report what a few syscalls return. */
static int
child_seccomp (const void *arg, char *out, size_t size)
{
  const struct oci_seccomp *s = arg;
  struct lodge_seccomp *f = NULL;
  lodge_error_t err = NULL;
  char buf[256];
  long a, b, c, d, e;
  int ea, eb, ec, ed, ee;

  if (lodge_seccomp_prepare (s, &f, &err) < 0)
    goto fail;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return snprintf (out, size, "no_new_privs: %s", strerror (errno)), 2;
  if (lodge_seccomp_apply (f, &err) < 0)
    goto fail;
  lodge_seccomp_free (f);

  /* getpgid of pids that do not exist: ESRCH unless the filter acts. */
  errno = 0;
  a = syscall (SYS_getcwd, buf, sizeof buf);
  ea = errno;
  errno = 0;
  b = syscall (SYS_getpgid, 0x55);
  eb = errno;
  errno = 0;
  c = syscall (SYS_getpgid, 0x65);
  ec = errno;
  errno = 0;
  d = syscall (SYS_getpgid, 0x66);
  ed = errno;
  errno = 0;
  e = syscall (SYS_getpgid, 0x7fff1234);
  ee = errno;
  snprintf (out, size, "getcwd %ld/%d 55 %ld/%d 65 %ld/%d 66 %ld/%d big %ld/%d",
            a < 0 ? -1L : 0L, ea, b, eb, c, ec, d, ed, e, ee);

  /* Last: kills us when the profile says so. */
  syscall (SYS_getppid);
  return 0;

fail:
  lodge_seccomp_free (f);
  snprintf (out, size, "%s", err->msg);
  lodge_error_free (&err);
  return 1;
}

/* Without no_new_privs and CAP_SYS_ADMIN the kernel refuses the filter. */
static int
child_seccomp_unprivileged (const void *arg, char *out, size_t size)
{
  struct lodge_caps none = { 0 };
  struct lodge_seccomp *f = NULL;
  lodge_error_t err = NULL;
  int r;

  if (lodge_seccomp_prepare (arg, &f, &err) < 0
      || lodge_caps_apply (&none, &err) < 0)
    r = 2;
  else
    r = lodge_seccomp_apply (f, &err) < 0 ? 1 : 0;
  lodge_seccomp_free (f);
  snprintf (out, size, "%s", err ? err->msg : "loaded");
  lodge_error_free (&err);
  return r;
}

static void
test_seccomp_apply (void)
{
  char out[1024];
  int status, r;
  struct oci_seccomp_arg masked[] = {
    /* (pid & 0xf0) == 0x50 */
    { .index = 0,
      .value = 0xf0,
      .has_value_two = true,
      .value_two = 0x50,
      .op = "SCMP_CMP_MASKED_EQ" },
  };
  struct oci_seccomp_arg twice[] = {
    { .index = 0, .value = 0x66, .op = "SCMP_CMP_EQ" },
    { .index = 0, .value = 0x7fff1234, .op = "SCMP_CMP_EQ" },
  };
  struct oci_seccomp_syscall sc[] = {
    { .names = (char *[]){ "getcwd", NULL },
      .names_len = 1,
      .action = "SCMP_ACT_ERRNO",
      .has_errno_ret = true,
      .errno_ret = 38 },
    { .names = (char *[]){ "getpgid", NULL },
      .names_len = 1,
      .action = "SCMP_ACT_ERRNO",
      .has_errno_ret = true,
      .errno_ret = EXDEV,
      .args = masked,
      .args_len = 1 },
    { .names = (char *[]){ "getpgid", NULL },
      .names_len = 1,
      .action = "SCMP_ACT_ERRNO",
      .has_errno_ret = true,
      .errno_ret = EDOM,
      .args = twice,
      .args_len = 2 },
    { .names = (char *[]){ "getppid", NULL },
      .names_len = 1,
      .action = "SCMP_ACT_KILL_PROCESS" },
  };
  struct oci_seccomp s = { .default_action = "SCMP_ACT_ALLOW",
                           .syscalls = sc,
                           .syscalls_len = 3 };
  char want[256];

  snprintf (want, sizeof want,
            "getcwd -1/38 55 -1/%d 65 -1/%d 66 -1/%d big -1/%d", EXDEV, ESRCH,
            EDOM, EDOM);
  r = in_child (child_seccomp, &s, out, sizeof out, &status);
  if (!check (r == 0 && exited_with (status, 0) && strcmp (out, want) == 0,
              "seccomp: ERRNO, MASKED_EQ and repeated-index rules apply"))
    diag ("status %#x\n#  got: %s\n# want: %s", status, out, want);

  s.syscalls_len = 4;
  r = in_child (child_seccomp, &s, out, sizeof out, &status);
  if (seccomp_api_get () >= 3)
    {
      if (!check (r == 0 && WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS,
                  "seccomp: KILL_PROCESS kills with SIGSYS"))
        diag ("status %#x, out: %s", status, out);
    }
  else
    {
      snprintf (want, sizeof want,
                "linux.seccomp.syscalls[3].action: SCMP_ACT_KILL_PROCESS is "
                "not supported by this kernel and libseccomp (API level %u)",
                seccomp_api_get ());
      if (!check (r == 0 && exited_with (status, 1) && strcmp (out, want) == 0,
                  "seccomp: KILL_PROCESS refused clearly below API level 3"))
        diag ("status %#x\n#  got: %s\n# want: %s", status, out, want);
    }

  {
    /* The default action with defaultErrnoRet, rules allowing what the
     * child needs to report and exit, and what valgrind or ASan need
     * when the test runs under them. */
    char *names[] = {
      "write",          "exit_group",   "exit",     "getpgid",     "getppid",
      "rt_sigreturn",   "brk",          "mmap",     "munmap",      "futex",
      "rt_sigprocmask", "rt_sigaction", "gettid",   "getpid",      "tgkill",
      "open",           "openat",       "read",     "close",       "fstat",
      "newfstatat",     "readlink",     "mprotect", "sigaltstack", NULL
    };
    struct oci_seccomp_syscall allow[] = {
      { .names = names,
        .names_len = sizeof names / sizeof names[0] - 1,
        .action = "SCMP_ACT_ALLOW" },
    };
    struct oci_seccomp d = { .default_action = "SCMP_ACT_ERRNO",
                             .has_default_errno_ret = true,
                             .default_errno_ret = 38,
                             .syscalls = allow,
                             .syscalls_len = 1 };

    snprintf (want, sizeof want,
              "getcwd -1/38 55 -1/%d 65 -1/%d 66 -1/%d big -1/%d", ESRCH, ESRCH,
              ESRCH, ESRCH);
    r = in_child (child_seccomp, &d, out, sizeof out, &status);
    if (!check (r == 0 && exited_with (status, 0) && strcmp (out, want) == 0,
                "seccomp: defaultErrnoRet applies to the default action"))
      diag ("status %#x\n#  got: %s\n# want: %s", status, out, want);
  }

  {
    struct oci_seccomp d = { .default_action = "SCMP_ACT_ALLOW",
                             .syscalls = sc,
                             .syscalls_len = 1 };

    r = in_child (child_seccomp_unprivileged, &d, out, sizeof out, &status);
    if (!check (r == 0 && exited_with (status, 1)
                    && strcmp (out, "seccomp_load: Permission denied") == 0,
                "seccomp: load failure reports the kernel's errno"))
      diag ("status %#x, out: %s", status, out);
  }
}

/* ---- hooks -------------------------------------------------------------- */

static char tmpdir[] = "/tmp/lodge-mech-test.XXXXXX";

static char *
tmp_path (const char *name)
{
  char *p;

  if (asprintf (&p, "%s/%s", tmpdir, name) < 0)
    abort ();
  return p;
}

/* The whole file, or NULL. */
static char *
slurp (const char *path, size_t *len)
{
  cleanup_file FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t size = 0;

  if (f == NULL)
    return NULL;
  {
    FILE *m = open_memstream (&buf, &size);
    char chunk[8192];
    size_t n;

    if (m == NULL)
      return NULL;
    while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
      fwrite (chunk, 1, n, m);
    fclose (m);
  }
  if (len)
    *len = size;
  return buf;
}

static bool
no_children_left (void)
{
  return waitpid (-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* A hook running `sh -c script` with $1.. = extra. */
static struct oci_hook
sh_hook (char **argv, size_t argc)
{
  return (struct oci_hook){ .path = "/bin/sh", .args = argv, .args_len = argc };
}

static void
test_hooks (void)
{
  lodge_error_t err = NULL;
  const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}";
  int r;

  if (mkdtemp (tmpdir) == NULL)
    {
      check (false, "hooks: mkdtemp");
      return;
    }

  {
    struct oci_hook_list empty = { 0 };
    r = lodge_hooks_run (&empty, "prestart", state, strlen (state), &err);
    check_ok (r, &err, "hooks: empty list");
  }

  {
    cleanup_free char *out = tmp_path ("stdin");
    cleanup_free char *got = NULL;
    char *argv[] = { "sh", "-c", "cat > \"$1\"", "sh", out, NULL };
    struct oci_hook h = sh_hook (argv, 5);
    struct oci_hook_list l = { &h, 1 };

    r = lodge_hooks_run (&l, "createRuntime", state, strlen (state), &err);
    check_ok (r, &err, "hooks: a hook runs");
    got = slurp (out, NULL);
    if (!check (got && strcmp (got, state) == 0,
                "hooks: the state reaches stdin"))
      diag ("got %s", got ? got : "(nothing)");
  }

  {
    cleanup_free char *out = tmp_path ("argv-env");
    cleanup_free char *got = NULL;
    char *argv[] = { "sh",
                     "-c",
                     "printf '%s|%s|%s|%s' \"$0\" \"$1\" \"$FOO\" "
                     "\"${HOME-unset}\" > \"$2\"",
                     "zero",
                     "one",
                     out,
                     NULL };
    char *env[] = { "FOO=bar baz", NULL };
    struct oci_hook h = {
      .path = "/bin/sh", .args = argv, .args_len = 6, .env = env, .env_len = 1
    };
    struct oci_hook_list l = { &h, 1 };

    setenv ("HOME", "/root", 1);
    r = lodge_hooks_run (&l, "poststart", state, strlen (state), &err);
    check_ok (r, &err, "hooks: hook with args and env runs");
    got = slurp (out, NULL);
    if (!check (got && strcmp (got, "zero|one|bar baz|unset") == 0,
                "hooks: args and env (only env) passed"))
      diag ("got %s", got ? got : "(nothing)");
  }

  {
    /* No args: argv is {path}; no env: empty environment. */
    cleanup_free char *script = tmp_path ("noargs.sh");
    cleanup_free char *out = tmp_path ("noargs");
    cleanup_free char *got = NULL;
    cleanup_free char *want = NULL;
    struct oci_hook h = { .path = script };
    struct oci_hook_list l = { &h, 1 };
    FILE *f = fopen (script, "we");

    if (f)
      {
        fprintf (f,
                 "#!/bin/sh\nprintf '%%s|%%s|%%s' \"$0\" \"$#\" "
                 "\"${HOME-unset}\" > %s\n",
                 out);
        fclose (f);
      }
    chmod (script, 0755);
    r = lodge_hooks_run (&l, "createContainer", NULL, 0, &err);
    check_ok (r, &err, "hooks: hook without args or env runs");
    got = slurp (out, NULL);
    if (asprintf (&want, "%s|0|unset", script) < 0)
      abort ();
    if (!check (got && strcmp (got, want) == 0,
                "hooks: argv defaults to the path, env to empty"))
      diag ("got %s, want %s", got ? got : "(nothing)", want);
  }

  {
    cleanup_free char *third = tmp_path ("third");
    char *ok_argv[] = { "sh", "-c", "cat > /dev/null", NULL };
    char *fail_argv[] = { "sh", "-c", "exit 3", NULL };
    char *touch_argv[] = { "sh", "-c", "touch \"$1\"", "sh", third, NULL };
    struct oci_hook h[] = { sh_hook (ok_argv, 3), sh_hook (fail_argv, 3),
                            sh_hook (touch_argv, 5) };
    struct oci_hook_list l = { h, 3 };

    r = lodge_hooks_run (&l, "createRuntime", state, strlen (state), &err);
    check_error (r, &err,
                 "createRuntime hook /bin/sh (index 1): exited with status 3",
                 "hooks: non-zero exit is an error naming the hook");
    check (access (third, F_OK) < 0, "hooks: stop at the first failure");
  }

  {
    char *argv[] = { "sh", "-c", "kill -9 $$", NULL };
    struct oci_hook h = sh_hook (argv, 3);
    struct oci_hook_list l = { &h, 1 };

    r = lodge_hooks_run (&l, "poststop", state, strlen (state), &err);
    check_error (r, &err, "poststop hook /bin/sh (index 0): killed by signal 9",
                 "hooks: death by signal reported");
  }

  {
    char *argv[] = { "sh", "-c", "exec sleep 30", NULL };
    struct oci_hook h = sh_hook (argv, 3);
    struct oci_hook_list l = { &h, 1 };
    struct timespec t0, t1;
    double secs;

    h.has_timeout = true;
    h.timeout = 1;
    clock_gettime (CLOCK_MONOTONIC, &t0);
    r = lodge_hooks_run (&l, "startContainer", state, strlen (state), &err);
    clock_gettime (CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec)
           + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    check_error (r, &err,
                 "startContainer hook /bin/sh (index 0): timed out after 1s",
                 "hooks: timeout reported");
    if (!check (secs >= 0.9 && secs < 5, "hooks: timeout kills on time"))
      diag ("took %.2fs", secs);
    check (no_children_left (), "hooks: timed-out hook reaped");
  }

  {
    struct oci_hook h = { .path = "/nonexistent/hook" };
    struct oci_hook_list l = { &h, 1 };

    r = lodge_hooks_run (&l, "prestart", state, strlen (state), &err);
    check_error (r, &err,
                 "prestart hook /nonexistent/hook (index 0): exec: No such "
                 "file or directory",
                 "hooks: missing binary reported");
    check (no_children_left (), "hooks: failed exec reaped");
  }

  {
    /* More than a pipe holds: must neither block nor die of SIGPIPE. */
    size_t big_len = 4 << 20;
    cleanup_free char *big = malloc (big_len);
    char *argv[] = { "sh", "-c", "exit 0", NULL };
    struct oci_hook h = sh_hook (argv, 3);
    struct oci_hook_list l = { &h, 1 };
    struct sigaction sa;

    memset (big, 'x', big_len);
    h.has_timeout = true;
    h.timeout = 20;
    r = lodge_hooks_run (&l, "poststart", big, big_len, &err);
    check_ok (r, &err, "hooks: hook not reading a large state succeeds");
    check (sigaction (SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL,
           "hooks: SIGPIPE disposition restored");

    {
      cleanup_free char *out = tmp_path ("big");
      cleanup_free char *got = NULL;
      char *cat_argv[] = { "sh", "-c", "cat > \"$1\"", "sh", out, NULL };
      struct oci_hook ch = sh_hook (cat_argv, 5);
      struct oci_hook_list cl = { &ch, 1 };
      size_t got_len = 0;

      r = lodge_hooks_run (&cl, "poststart", big, big_len, &err);
      check_ok (r, &err, "hooks: hook reading a large state succeeds");
      got = slurp (out, &got_len);
      check (got && got_len == big_len && memcmp (got, big, big_len) == 0,
             "hooks: a large state arrives whole");
    }
  }

  {
    /* A descriptor lodge leaves open (not O_CLOEXEC) must not reach the
     * hook; its stdout must be lodge's stderr. */
    int fd = open ("/dev/null", O_RDONLY);
    int high = fcntl (fd, F_DUPFD, 100);
    char script[256];
    char *argv[] = { "sh", "-c", script, NULL };
    struct oci_hook h = sh_hook (argv, 3);
    struct oci_hook_list l = { &h, 1 };

    snprintf (script, sizeof script,
              "test ! -e /proc/self/fd/%d && "
              "test \"$(readlink /proc/$$/fd/1)\" = "
              "\"$(readlink /proc/$$/fd/2)\"",
              high);
    r = lodge_hooks_run (&l, "createRuntime", state, strlen (state), &err);
    check_ok (r, &err, "hooks: other fds closed, stdout is lodge's stderr");
    close (fd);
    close (high);
  }

  {
    /* Signals lodge blocks must not stay blocked in the hook. */
    sigset_t set, old;
    char *argv[]
        = { "sh", "-c", "grep -q '^SigBlk:[[:space:]]*0*$' /proc/self/status",
            NULL };
    struct oci_hook h = sh_hook (argv, 3);
    struct oci_hook_list l = { &h, 1 };

    sigemptyset (&set);
    sigaddset (&set, SIGTERM);
    sigaddset (&set, SIGCHLD);
    sigprocmask (SIG_BLOCK, &set, &old);
    r = lodge_hooks_run (&l, "createRuntime", state, strlen (state), &err);
    sigprocmask (SIG_SETMASK, &old, NULL);
    check_ok (r, &err, "hooks: hook starts with no blocked signals");
  }

  check (no_children_left (), "hooks: no zombies");

  {
    char *cmd;
    if (asprintf (&cmd, "rm -rf '%s'", tmpdir) >= 0)
      {
        if (system (cmd) != 0)
          diag ("could not remove %s", tmpdir);
        free (cmd);
      }
  }
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("# these tests need root\n");
      return 77;
    }

  test_caps_parse ();
  test_caps_apply ();
  test_seccomp_prepare ();
  test_seccomp_apply ();
  test_hooks ();

  printf ("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed == 0 ? 0 : 1;
}
