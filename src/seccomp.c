/* lodge: linux.seccomp → a libseccomp filter.
 *
 * The profile is translated completely in lodge_seccomp_prepare, in the
 * runtime, so that a bad profile fails `create` before anything exists;
 * the container init only calls seccomp_load.  The translation follows
 * runc's so that the profiles written for it (Docker's, Podman's) load
 * the same way here. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#include "lodge/cleanup.h"
#include "seccomp.h"

/* The kernel keeps 16 bits of data in SECCOMP_RET_ERRNO/TRACE. */
#define ERRNO_RET_MAX 0xffffu
/* seccomp_data carries six syscall arguments. */
#define ARG_INDEX_MAX 5

#define NOTIFY_UNSUPPORTED                                                     \
  "seccomp: SCMP_ACT_NOTIFY is not supported yet (no notify listener)"

struct lodge_seccomp
{
  scmp_filter_ctx ctx;
};

/* ---- names ------------------------------------------------------------ */

struct arch_name
{
  const char *name;
  uint32_t token;
};

/* The runtime-spec's list, limited to what this libseccomp was built with
 * (the newer ones are macros only in the versions that know them). */
static const struct arch_name archs[] = {
  { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
  { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
  { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
  { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
  { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
  { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
  { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
  { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
  { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
  { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
  { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
  { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
  { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
  { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
  { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
  { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
  { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
  { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
  { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
#ifdef SCMP_ARCH_LOONGARCH64
  { "SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64 },
#endif
#ifdef SCMP_ARCH_M68K
  { "SCMP_ARCH_M68K", SCMP_ARCH_M68K },
#endif
#ifdef SCMP_ARCH_SH
  { "SCMP_ARCH_SH", SCMP_ARCH_SH },
#endif
#ifdef SCMP_ARCH_SHEB
  { "SCMP_ARCH_SHEB", SCMP_ARCH_SHEB },
#endif
};

#define N_ARCHS (sizeof archs / sizeof archs[0])

const char *const lodge_seccomp_known_archs[] = {
  "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
  "SCMP_ARCH_X32",
  "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_RISCV64",
#ifdef SCMP_ARCH_LOONGARCH64
  "SCMP_ARCH_LOONGARCH64",
#endif
#ifdef SCMP_ARCH_M68K
  "SCMP_ARCH_M68K",
#endif
#ifdef SCMP_ARCH_SH
  "SCMP_ARCH_SH",
#endif
#ifdef SCMP_ARCH_SHEB
  "SCMP_ARCH_SHEB",
#endif
  NULL,
};

/* SCMP_ACT_NOTIFY is left out: it is recognised only to be refused, and
 * `features` should not advertise what a profile cannot use. */
const char *const lodge_seccomp_known_actions[] = {
  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
  "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          NULL,
};

struct op_name
{
  const char *name;
  enum scmp_compare op;
};

static const struct op_name ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

const char *const lodge_seccomp_known_operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

#define FLAG_TSYNC "SECCOMP_FILTER_FLAG_TSYNC"
#define FLAG_LOG "SECCOMP_FILTER_FLAG_LOG"
#define FLAG_SPEC_ALLOW "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
#define FLAG_WAIT_KILLABLE_RECV "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"

/* WAIT_KILLABLE_RECV is known so that asking for it gets a precise error;
 * lodge_seccomp_supported_flags never lists it (libseccomp 2.5 lacks it). */
const char *const lodge_seccomp_known_flags[] = {
  FLAG_TSYNC, FLAG_SPEC_ALLOW, FLAG_LOG, FLAG_WAIT_KILLABLE_RECV, NULL,
};

const char **
lodge_seccomp_supported_flags (void)
{
  const char **v = calloc (4, sizeof *v);
  size_t n = 0;
  /* The level covers both libseccomp and the running kernel. */
  unsigned int api = seccomp_api_get ();

  if (v == NULL)
    return NULL;
  /* TSYNC is a no-op (see set_flag), so it always "works". */
  v[n++] = FLAG_TSYNC;
  if (api >= 3)
    v[n++] = FLAG_LOG;
  if (api >= 4)
    v[n++] = FLAG_SPEC_ALLOW;
  v[n] = NULL;
  return v;
}

/* ---- translation ------------------------------------------------------ */

/* `where` is the JSON path of the action field, `ret_where` that of the
 * errnoRet field that goes with it. */
static int
parse_action (const char *name, bool has_ret, uint32_t ret, const char *where,
              const char *ret_where, uint32_t *out, lodge_error_t *err)
{
  /* runc's default for both ERRNO and TRACE without an errnoRet. */
  uint32_t data = EPERM;
  bool is_errno;

  if (name == NULL)
    return lodge_error (err, 0, "%s: missing", where);

  is_errno = strcmp (name, "SCMP_ACT_ERRNO") == 0;
  if (is_errno || strcmp (name, "SCMP_ACT_TRACE") == 0)
    {
      if (has_ret)
        {
          if (ret > ERRNO_RET_MAX)
            return lodge_error (err, 0, "%s: %u is out of range (0-%u)",
                                ret_where, ret, ERRNO_RET_MAX);
          data = ret;
        }
      *out = is_errno ? SCMP_ACT_ERRNO (data) : SCMP_ACT_TRACE (data);
      return 0;
    }

  /* SCMP_ACT_KILL is an alias of KILL_THREAD in libseccomp, as in the
   * kernel (SECCOMP_RET_KILL). */
  if (strcmp (name, "SCMP_ACT_KILL") == 0)
    *out = SCMP_ACT_KILL;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    return lodge_error (err, 0, NOTIFY_UNSUPPORTED);
  else
    return lodge_error (err, 0, "%s: unknown action \"%s\"", where, name);
  /* The spec: an errno only goes with an action that returns one. */
  if (has_ret)
    return lodge_error (err, 0, "%s: set, but %s returns no errno", ret_where,
                        name);

  /* Both came with Linux 4.14 (API level 3); libseccomp would only say
   * EINVAL when the rule is added. */
  if ((*out == SCMP_ACT_KILL_PROCESS || *out == SCMP_ACT_LOG)
      && seccomp_api_get () < 3)
    return lodge_error (err, 0,
                        "%s: %s is not supported by this kernel and "
                        "libseccomp (API level %u)",
                        where, name, seccomp_api_get ());
  return 0;
}

static int
add_archs (scmp_filter_ctx ctx, const struct oci_seccomp *s, lodge_error_t *err)
{
  for (size_t i = 0; i < s->architectures_len; i++)
    {
      const char *name = s->architectures[i];
      const struct arch_name *a = NULL;
      int r;

      for (size_t k = 0; name && k < N_ARCHS; k++)
        if (strcmp (archs[k].name, name) == 0)
          a = &archs[k];
      if (a == NULL)
        return lodge_error (
            err, 0,
            "linux.seccomp.architectures[%zu]: unknown architecture "
            "\"%s\"",
            i, name ? name : "(null)");

      r = seccomp_arch_add (ctx, a->token);
      /* seccomp_init already added the native one.  EDOM: libseccomp
       * cannot mix byte orders in one filter.  Such an arch is one this
       * kernel never runs (its ABIs all share the native byte order), so
       * it can be left out without letting anything through; portable
       * profiles list every arch they know. */
      if (r < 0 && r != -EEXIST && r != -EDOM)
        return lodge_error (err, -r, "seccomp_arch_add %s", name);
    }
  return 0;
}

static int
set_flag (scmp_filter_ctx ctx, const char *flag, size_t i, lodge_error_t *err)
{
  enum scmp_filter_attr attr;
  const char *attr_name;
  int r;

  if (flag == NULL)
    return lodge_error (err, 0, "linux.seccomp.flags[%zu]: missing", i);
  /* The container init is single threaded when it loads the filter, and
   * any other thread would be gone at execve: nothing to synchronise. */
  if (strcmp (flag, FLAG_TSYNC) == 0)
    return 0;
  if (strcmp (flag, FLAG_WAIT_KILLABLE_RECV) == 0)
    return lodge_error (err, 0,
                        "linux.seccomp.flags[%zu]: %s is not supported by "
                        "this libseccomp (%d.%d.%d)",
                        i, flag, SCMP_VER_MAJOR, SCMP_VER_MINOR,
                        SCMP_VER_MICRO);
  if (strcmp (flag, FLAG_LOG) == 0)
    {
      attr = SCMP_FLTATR_CTL_LOG;
      attr_name = "SCMP_FLTATR_CTL_LOG";
    }
  else if (strcmp (flag, FLAG_SPEC_ALLOW) == 0)
    {
      attr = SCMP_FLTATR_CTL_SSB;
      attr_name = "SCMP_FLTATR_CTL_SSB";
    }
  else
    return lodge_error (err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"",
                        i, flag);

  r = seccomp_attr_set (ctx, attr, 1);
  if (r < 0)
    return lodge_error (err, -r,
                        "linux.seccomp.flags[%zu]: %s: seccomp_attr_set %s", i,
                        flag, attr_name);
  return 0;
}

static int
parse_arg (const struct oci_seccomp_arg *a, size_t si, size_t ai,
           struct scmp_arg_cmp *out, lodge_error_t *err)
{
  const struct op_name *op = NULL;

  if (a->index > ARG_INDEX_MAX)
    return lodge_error (
        err, 0,
        "linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of "
        "range (0-%d)",
        si, ai, a->index, ARG_INDEX_MAX);
  if (a->op == NULL)
    return lodge_error (err, 0,
                        "linux.seccomp.syscalls[%zu].args[%zu].op: "
                        "missing",
                        si, ai);
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
    if (strcmp (ops[k].name, a->op) == 0)
      op = &ops[k];
  if (op == NULL)
    return lodge_error (err, 0,
                        "linux.seccomp.syscalls[%zu].args[%zu].op: unknown "
                        "operator \"%s\"",
                        si, ai, a->op);

  /* For MASKED_EQ the spec's value is the mask and valueTwo the datum,
   * which is libseccomp's order too; the other operators use value only. */
  out->arg = a->index;
  out->op = op->op;
  out->datum_a = a->value;
  out->datum_b = a->has_value_two ? a->value_two : 0;
  return 0;
}

static int
add_syscall (scmp_filter_ctx ctx, const struct oci_seccomp_syscall *sc,
             size_t si, uint32_t default_action, lodge_error_t *err)
{
  cleanup_free struct scmp_arg_cmp *conds = NULL;
  char where[64], ret_where[64];
  uint32_t action;
  /* bit i set: argument i already has a comparison in this rule */
  unsigned int seen = 0;
  bool split = false;
  int r;

  snprintf (where, sizeof where, "linux.seccomp.syscalls[%zu].action", si);
  snprintf (ret_where, sizeof ret_where, "linux.seccomp.syscalls[%zu].errnoRet",
            si);
  r = parse_action (sc->action, sc->has_errno_ret, sc->errno_ret, where,
                    ret_where, &action, err);
  if (r < 0)
    return r;
  if (sc->names_len == 0)
    return lodge_error (err, 0, "linux.seccomp.syscalls[%zu].names: empty", si);

  if (sc->args_len > 0)
    {
      conds = calloc (sc->args_len, sizeof *conds);
      if (conds == NULL)
        return lodge_error (err, ENOMEM, "linux.seccomp.syscalls[%zu]", si);
    }
  for (size_t ai = 0; ai < sc->args_len; ai++)
    {
      r = parse_arg (&sc->args[ai], si, ai, &conds[ai], err);
      if (r < 0)
        return r;
      if (seen & (1u << conds[ai].arg))
        split = true;
      seen |= 1u << conds[ai].arg;
    }

  /* libseccomp refuses a rule that repeats its default action (EACCES);
   * such a rule changes nothing anyway.  Checked after the arguments so
   * that a broken rule is reported even when it would be skipped. */
  if (action == default_action)
    return 0;

  for (size_t ni = 0; ni < sc->names_len; ni++)
    {
      const char *name = sc->names[ni];
      int nr;

      if (name == NULL)
        continue;
      nr = seccomp_syscall_resolve_name (name);
      /* Unknown to this libseccomp: profiles list syscalls of every arch
       * and of newer kernels, so skip it as runc and crun do. */
      if (nr == __NR_SCMP_ERROR)
        continue;

      if (!split)
        {
          /* The non-_exact variant, so libseccomp may rewrite the rule
           * for the other architectures of the filter. */
          r = seccomp_rule_add_array (ctx, action, nr,
                                      (unsigned int)sc->args_len, conds);
          if (r < 0)
            return lodge_error (err, -r,
                                "linux.seccomp.syscalls[%zu]: "
                                "seccomp_rule_add_array %s",
                                si, name);
          continue;
        }

      /* A rule cannot hold two comparisons of one argument (libseccomp
       * says EINVAL), so like runc give each comparison its own rule: the
       * action applies when any of them matches. */
      for (size_t ai = 0; ai < sc->args_len; ai++)
        {
          r = seccomp_rule_add_array (ctx, action, nr, 1, &conds[ai]);
          if (r < 0)
            return lodge_error (err, -r,
                                "linux.seccomp.syscalls[%zu].args[%zu]: "
                                "seccomp_rule_add_array %s",
                                si, ai, name);
        }
    }
  return 0;
}

/* ---- entry points ------------------------------------------------------ */

int
lodge_seccomp_prepare (const struct oci_seccomp *s, struct lodge_seccomp **out,
                       lodge_error_t *err)
{
  struct lodge_seccomp *f;
  uint32_t default_action;
  int r;

  *out = NULL;
  if (s == NULL)
    return 0;

  if (s->listener_path != NULL)
    return lodge_error (err, 0, NOTIFY_UNSUPPORTED);

  r = parse_action (s->default_action, s->has_default_errno_ret,
                    s->default_errno_ret, "linux.seccomp.defaultAction",
                    "linux.seccomp.defaultErrnoRet", &default_action, err);
  if (r < 0)
    return r;

  f = calloc (1, sizeof *f);
  if (f == NULL)
    return lodge_error (err, ENOMEM, "seccomp filter");

  f->ctx = seccomp_init (default_action);
  if (f->ctx == NULL)
    {
      /* libseccomp gives no errno here: it refuses an action the kernel
       * lacks, or runs out of memory. */
      free (f);
      return lodge_error (err, 0, "seccomp_init with default action %s: failed",
                          s->default_action);
    }

  /* The caller sets no_new_privs itself when process.noNewPrivileges says
   * so; libseccomp must not force it on every container. */
  r = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0)
    {
      lodge_error (err, -r, "seccomp_attr_set SCMP_FLTATR_CTL_NNP");
      goto fail;
    }
  /* Without it seccomp_load turns every kernel error into ECANCELED. */
  r = seccomp_attr_set (f->ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if (r < 0)
    {
      lodge_error (err, -r, "seccomp_attr_set SCMP_FLTATR_API_SYSRAWRC");
      goto fail;
    }

  r = add_archs (f->ctx, s, err);
  if (r < 0)
    goto fail;

  for (size_t i = 0; i < s->flags_len; i++)
    {
      r = set_flag (f->ctx, s->flags[i], i, err);
      if (r < 0)
        goto fail;
    }

  for (size_t i = 0; i < s->syscalls_len; i++)
    {
      r = add_syscall (f->ctx, &s->syscalls[i], i, default_action, err);
      if (r < 0)
        goto fail;
    }

  *out = f;
  return 0;

fail:
  lodge_seccomp_free (f);
  return r;
}

int
lodge_seccomp_apply (struct lodge_seccomp *f, lodge_error_t *err)
{
  int r;

  if (f == NULL)
    return 0;
  r = seccomp_load (f->ctx);
  if (r < 0)
    return lodge_error (err, -r, "seccomp_load");
  return 0;
}

void
lodge_seccomp_free (struct lodge_seccomp *f)
{
  if (f == NULL)
    return;
  seccomp_release (f->ctx);
  free (f);
}
