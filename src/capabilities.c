/* lodge: process.capabilities through libcap. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "capabilities.h"

/* Indexed by capability number; the names the spec uses.  Capabilities a
 * newer kernel adds past the end have no name here and are only ever
 * handled by number. */
static const char *const cap_names[] = {
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

#define N_CAP_NAMES ((int)(sizeof cap_names / sizeof cap_names[0]))

/* The masks are 64 bits wide. */
#define MASK_BITS 64

const char *
lodge_cap_name (int cap)
{
  if (cap < 0 || cap >= N_CAP_NAMES)
    return NULL;
  return cap_names[cap];
}

int
lodge_cap_last (void)
{
  /* libcap probes the running kernel (cap_last_cap) when it loads. */
  int last = (int)cap_max_bits () - 1;

  if (last < 0)
    last = CAP_LAST_CAP;
  if (last >= MASK_BITS)
    last = MASK_BITS - 1;
  return last;
}

/* Is `name` exactly the spec's spelling of capability `v`?  cap_from_name
 * is lenient in ways a config must not be: any case, no "CAP_" prefix,
 * bare numbers, and it stops at the first character it does not expect
 * ("cap_chown,junk" parses). */
static bool
is_canonical (const char *name, cap_value_t v)
{
  char *libcap_name;
  bool same;
  size_t i;

  if (strncmp (name, "CAP_", 4) != 0)
    return false;
  if (v < N_CAP_NAMES)
    return strcmp (name, cap_names[v]) == 0;

  /* Newer than the table: compare with libcap's "cap_foo", in upper case
   * as the spec writes it. */
  libcap_name = cap_to_name (v);
  if (libcap_name == NULL)
    return false;
  same = true;
  for (i = 0; same && libcap_name[i]; i++)
    same = name[i] == toupper ((unsigned char)libcap_name[i]);
  same = same && name[i] == '\0';
  cap_free (libcap_name);
  return same;
}

const char *lodge_caps_unknown;

static int
parse_set (char *const *names, size_t len, const char *set, uint64_t *out,
           lodge_error_t *err)
{
  int last = lodge_cap_last ();

  *out = 0;
  for (size_t i = 0; i < len; i++)
    {
      const char *name = names[i];
      cap_value_t v;

      if (name == NULL || cap_from_name (name, &v) < 0
          || !is_canonical (name, v))
        {
          /* The spec: a capability that cannot be granted does not fail
           * the container; the caller is told which, to warn. */
          if (lodge_caps_unknown == NULL && name)
            lodge_caps_unknown = name;
          continue;
        }
      /* A config written for a newer kernel still runs here, as with
       * runc. */
      if (v > last)
        continue;
      *out |= UINT64_C (1) << v;
    }
  return 0;
}

int
lodge_caps_from_spec (const struct oci_capabilities *caps,
                      struct lodge_caps *out, lodge_error_t *err)
{
  int r;

  memset (out, 0, sizeof *out);
  if (caps == NULL)
    return 0;

  r = parse_set (caps->bounding, caps->bounding_len, "bounding", &out->bounding,
                 err);
  if (r == 0)
    r = parse_set (caps->effective, caps->effective_len, "effective",
                   &out->effective, err);
  if (r == 0)
    r = parse_set (caps->inheritable, caps->inheritable_len, "inheritable",
                   &out->inheritable, err);
  if (r == 0)
    r = parse_set (caps->permitted, caps->permitted_len, "permitted",
                   &out->permitted, err);
  if (r == 0)
    r = parse_set (caps->ambient, caps->ambient_len, "ambient", &out->ambient,
                   err);
  if (r < 0)
    memset (out, 0, sizeof *out);
  return r;
}

/* For messages: the name, or the number for a capability past the table. */
static const char *
cap_label (int cap, char *buf, size_t size)
{
  const char *name = lodge_cap_name (cap);

  if (name)
    return name;
  snprintf (buf, size, "capability %d", cap);
  return buf;
}

int
lodge_caps_drop_bounding (const struct lodge_caps *c, lodge_error_t *err)
{
  int last = lodge_cap_last ();

  for (int cap = 0; cap <= last; cap++)
    {
      char buf[32];
      int in;

      if (c->bounding & (UINT64_C (1) << cap))
        continue;
      /* Skip what is already gone: dropping needs CAP_SETPCAP even then,
       * and lodge may run without it (e.g. nested in a container). */
      in = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);
      if (in == 0)
        continue;
      if (in < 0)
        return lodge_error (err, errno, "read %s from the bounding set",
                            cap_label (cap, buf, sizeof buf));
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        return lodge_error (err, errno, "drop %s from the bounding set",
                            cap_label (cap, buf, sizeof buf));
    }
  return 0;
}

int
lodge_caps_keep_across_setuid (lodge_error_t *err)
{
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return lodge_error (err, errno, "prctl PR_SET_KEEPCAPS 1");
  return 0;
}

static int
set_flag (cap_t caps, cap_flag_t flag, uint64_t mask, int last, const char *set,
          lodge_error_t *err)
{
  for (int cap = 0; cap <= last; cap++)
    {
      cap_value_t v = cap;
      char buf[32];

      if (!(mask & (UINT64_C (1) << cap)))
        continue;
      if (cap_set_flag (caps, flag, 1, &v, CAP_SET) < 0)
        return lodge_error (err, errno, "add %s to the %s set",
                            cap_label (cap, buf, sizeof buf), set);
    }
  return 0;
}

int
lodge_caps_apply (const struct lodge_caps *c, lodge_error_t *err)
{
  int last = lodge_cap_last ();
  cap_t caps;
  int r;

  caps = cap_init ();
  if (caps == NULL)
    return lodge_error (err, errno, "cap_init");
  r = set_flag (caps, CAP_EFFECTIVE, c->effective, last, "effective", err);
  if (r == 0)
    r = set_flag (caps, CAP_PERMITTED, c->permitted, last, "permitted", err);
  if (r == 0)
    r = set_flag (caps, CAP_INHERITABLE, c->inheritable, last, "inheritable",
                  err);
  if (r == 0 && cap_set_proc (caps) < 0)
    r = lodge_error (err, errno, "capset");
  cap_free (caps);
  if (r < 0)
    return r;

  /* Start from an empty ambient set: lodge's own (if any) must not leak
   * into the container. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    {
      /* Kernels before 4.3 have no ambient set: fine if none is asked. */
      if (errno != EINVAL || c->ambient != 0)
        return lodge_error (err, errno, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
    }
  for (int cap = 0; cap <= last; cap++)
    {
      char buf[32];

      uint64_t bit = UINT64_C (1) << cap;
      /* The kernel only raises an ambient capability that is permitted
       * and inheritable.  runc's default config lists ambient caps with no
       * inheritable set, and runc then leaves them out silently; do the
       * same so the same bundles give the same process. */
      if (!(c->ambient & bit) || !(c->permitted & bit)
          || !(c->inheritable & bit))
        continue;
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
        return lodge_error (err, errno, "raise ambient capability %s",
                            cap_label (cap, buf, sizeof buf));
    }

  /* KEEPCAPS was only for the uid change; a later setuid in the
   * container should drop capabilities as usual. */
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return lodge_error (err, errno, "prctl PR_SET_KEEPCAPS 0");
  return 0;
}
