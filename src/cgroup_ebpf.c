/* lodge: device rules, for the v1 devices controller and as the eBPF
 * program cgroup v2 filters devices with.
 *
 * The spec's rules are v1 rules, applied in order.  What they leave in
 * force is computed as the v1 controller does (a default verdict and
 * exceptions to it; an "a" rule resets both), and the program encodes that
 * result, so a container sees the same devices on v1 and on v2.  The
 * program is attached with BPF_F_ALLOW_MULTI and replaced on update by
 * attaching the new one before detaching the old, as runc and crun do, so
 * there is no moment without a filter. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "utils.h"

/* ---- rules ----------------------------------------------------------- */

static int
parse_access (const char *s, unsigned *out)
{
  unsigned a = 0;
  if (s == NULL || *s == '\0')
    {
      *out = CG_DEV_RWM;
      return 0;
    }
  for (; *s; s++)
    switch (*s)
      {
      case 'r':
        a |= CG_DEV_READ;
        break;
      case 'w':
        a |= CG_DEV_WRITE;
        break;
      case 'm':
        a |= CG_DEV_MKNOD;
        break;
      default:
        return -1;
      }
  *out = a;
  return 0;
}

static int
rule_from_spec (const struct oci_device_cgroup *d, struct lodge_cg_dev_rule *r)
{
  r->type = d->type && *d->type ? d->type[0] : 'a';
  r->major = d->has_major && d->major >= 0 ? d->major : -1;
  r->minor = d->has_minor && d->minor >= 0 ? d->minor : -1;
  r->allow = d->allow;
  return parse_access (d->access, &r->access);
}

int
lodge_cg_dev_rules (const struct oci_resources *res,
                    struct lodge_cg_dev_rule **out, size_t *len,
                    lodge_error_t *err)
{
  struct oci_device_cgroup *defs;
  size_t ndefs;
  lodge_cgroup_default_devices (&defs, &ndefs);
  size_t nconf = res ? res->devices_len : 0;
  struct lodge_cg_dev_rule *v = calloc (nconf + ndefs, sizeof *v);
  if (v == NULL)
    return lodge_error (err, errno, "device rules");
  for (size_t i = 0; i < nconf; i++)
    if (rule_from_spec (&res->devices[i], &v[i]) < 0)
      {
        free (v);
        return lodge_error (err, 0,
                            "linux.resources.devices[%zu].access: invalid "
                            "\"%s\": use the letters r, w and m",
                            i, res->devices[i].access);
      }
  for (size_t i = 0; i < ndefs; i++)
    rule_from_spec (&defs[i], &v[nconf + i]);
  *out = v;
  *len = nconf + ndefs;
  return 0;
}

void
lodge_cg_dev_rule_string (const struct lodge_cg_dev_rule *d, char *buf,
                          size_t len)
{
  char major[24] = "*", minor[24] = "*", access[4];
  size_t n = 0;
  if (d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long)d->major);
  if (d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long)d->minor);
  if (d->access & CG_DEV_READ)
    access[n++] = 'r';
  if (d->access & CG_DEV_WRITE)
    access[n++] = 'w';
  if (d->access & CG_DEV_MKNOD)
    access[n++] = 'm';
  access[n] = '\0';
  snprintf (buf, len, "%c %s:%s %s", d->type, major, minor, access);
}

/* ---- what the rules leave in force ------------------------------------ */

void
lodge_cg_dev_policy_free (struct lodge_cg_dev_policy *p)
{
  free (p->ex);
  p->ex = NULL;
  p->n = 0;
}

int
lodge_cg_dev_policy (const struct lodge_cg_dev_rule *rules, size_t n,
                     struct lodge_cg_dev_policy *out, lodge_error_t *err)
{
  /* A new cgroup starts as its parent, and lodge's parents allow all. */
  struct lodge_cg_dev_policy p = { .default_allow = true };
  p.ex = calloc (n ? n : 1, sizeof *p.ex);
  if (p.ex == NULL)
    return lodge_error (err, errno, "device rules");
  for (size_t i = 0; i < n; i++)
    {
      const struct lodge_cg_dev_rule *r = &rules[i];
      if (r->type == 'a')
        {
          /* "a" is every device: the default flips and the exceptions go,
           * whatever the numbers and access say (as in the kernel). */
          p.default_allow = r->allow;
          p.n = 0;
          continue;
        }
      size_t j;
      for (j = 0; j < p.n; j++)
        if (p.ex[j].type == r->type && p.ex[j].major == r->major
            && p.ex[j].minor == r->minor)
          break;
      if (r->allow == p.default_allow)
        {
          /* Agrees with the default: takes access off a matching exception
           * (dev_exception_rm). */
          if (j < p.n)
            {
              p.ex[j].access &= ~r->access;
              if (p.ex[j].access == 0)
                p.ex[j] = p.ex[--p.n];
            }
          continue;
        }
      if (j < p.n)
        p.ex[j].access |= r->access;
      else
        {
          p.ex[p.n] = *r;
          p.ex[p.n].allow = !p.default_allow;
          p.n++;
        }
    }
  *out = p;
  return 0;
}

/* ---- the program --------------------------------------------------------- */

#define INSN(c, d, s, o, i)                                                    \
  ((struct bpf_insn){                                                          \
      .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN (BPF_LDX | BPF_W | BPF_MEM, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN (BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN (BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN (BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP_IMM(op, d, i, o) INSN (BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN (BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

int
lodge_cg_dev_program (const struct lodge_cg_dev_policy *p, void **insns,
                      size_t *count, lodge_error_t *err)
{
  /* At most 11 instructions per exception, 6 to load, 2 to end. */
  struct bpf_insn *v = calloc (8 + 11 * p->n, sizeof *v);
  if (v == NULL)
    return lodge_error (err, errno, "device filter program");
  size_t n = 0;
  /* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
   * with access_type = access << 16 | type.  r2 type, r3 access, r4 major,
   * r5 minor. */
  v[n++] = LDX_W (BPF_REG_2, BPF_REG_1, 0);
  v[n++] = ALU32_IMM (BPF_AND, BPF_REG_2, 0xffff);
  v[n++] = LDX_W (BPF_REG_3, BPF_REG_1, 0);
  v[n++] = ALU32_IMM (BPF_RSH, BPF_REG_3, 16);
  v[n++] = LDX_W (BPF_REG_4, BPF_REG_1, 4);
  v[n++] = LDX_W (BPF_REG_5, BPF_REG_1, 8);
  for (size_t i = 0; i < p->n; i++)
    {
      const struct lodge_cg_dev_rule *e = &p->ex[i];
      size_t jumps[4], nj = 0;
      jumps[nj++] = n;
      v[n++] = JMP_IMM (
          BPF_JNE, BPF_REG_2,
          e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
      if (e->access != CG_DEV_RWM)
        {
          unsigned acc = 0;
          if (e->access & CG_DEV_MKNOD)
            acc |= BPF_DEVCG_ACC_MKNOD;
          if (e->access & CG_DEV_READ)
            acc |= BPF_DEVCG_ACC_READ;
          if (e->access & CG_DEV_WRITE)
            acc |= BPF_DEVCG_ACC_WRITE;
          v[n++] = MOV32_REG (BPF_REG_1, BPF_REG_3);
          v[n++] = ALU32_IMM (BPF_AND, BPF_REG_1, (int)acc);
          jumps[nj++] = n;
          /* An allowing exception must cover all the access asked for;
           * a denying one hits as soon as it covers any of it (the v1
           * controller's match_exception / match_exception_partial). */
          if (e->allow)
            v[n++] = JMP_REG (BPF_JNE, BPF_REG_1, BPF_REG_3, 0);
          else
            v[n++] = JMP_IMM (BPF_JEQ, BPF_REG_1, 0, 0);
        }
      if (e->major >= 0)
        {
          jumps[nj++] = n;
          v[n++] = JMP_IMM (BPF_JNE, BPF_REG_4, (int)e->major, 0);
        }
      if (e->minor >= 0)
        {
          jumps[nj++] = n;
          v[n++] = JMP_IMM (BPF_JNE, BPF_REG_5, (int)e->minor, 0);
        }
      v[n++] = MOV64_IMM (BPF_REG_0, e->allow ? 1 : 0);
      v[n++] = EXIT ();
      for (size_t j = 0; j < nj; j++)
        v[jumps[j]].off = (short)(n - jumps[j] - 1);
    }
  v[n++] = MOV64_IMM (BPF_REG_0, p->default_allow ? 1 : 0);
  v[n++] = EXIT ();
  *insns = v;
  *count = n;
  return 0;
}

/* ---- loading and attaching ----------------------------------------------- */

static int
bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
prog_load (const void *insns, size_t count, lodge_error_t *err)
{
  union bpf_attr a;
  memset (&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uintptr_t)insns;
  a.insn_cnt = (unsigned)count;
  a.license = (uintptr_t) "GPL";
  int fd = bpf (BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  int e = errno;
  /* Again with the verifier's log, to say why. */
  static char log[8192];
  a.log_buf = (uintptr_t)log;
  a.log_size = sizeof log;
  a.log_level = 1;
  log[0] = '\0';
  fd = bpf (BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  for (char *c = log; *c; c++)
    if (*c == '\n')
      *c = ' ';
  if (log[0])
    return lodge_error (err, e, "load the device filter (verifier: %.200s)",
                        log);
  return lodge_error (err, e, "load the device filter (bpf BPF_PROG_LOAD)");
}

static int
query (int dirfd, const char *dir, uint32_t *ids, uint32_t *n, uint32_t *flags,
       lodge_error_t *err)
{
  union bpf_attr a;
  memset (&a, 0, sizeof a);
  a.query.target_fd = (unsigned)dirfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (bpf (BPF_PROG_QUERY, &a) < 0)
    return lodge_error (err, errno, "query the device filters of %s", dir);
  *n = a.query.prog_cnt;
  if (flags)
    *flags = a.query.attach_flags;
  return 0;
}

static int
detach_id (int dirfd, const char *dir, uint32_t id, lodge_error_t *err)
{
  union bpf_attr a;
  memset (&a, 0, sizeof a);
  a.prog_id = id;
  cleanup_close int pfd = bpf (BPF_PROG_GET_FD_BY_ID, &a);
  if (pfd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return lodge_error (err, errno, "get device filter %u of %s", id, dir);
    }
  memset (&a, 0, sizeof a);
  a.target_fd = (unsigned)dirfd;
  a.attach_bpf_fd = (unsigned)pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  if (bpf (BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
    return lodge_error (err, errno, "detach device filter %u from %s", id, dir);
  return 0;
}

int
lodge_cg_dev_attach (const char *dir, const void *insns, size_t count,
                     lodge_error_t *err)
{
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return lodge_error (err, errno, "open %s", dir);
  uint32_t old[64];
  uint32_t nold = 64, flags = 0;
  if (query (dfd, dir, old, &nold, &flags, err) < 0)
    return -1;
  if (nold > 64)
    nold = 64;
  cleanup_close int pfd = prog_load (insns, count, err);
  if (pfd < 0)
    return -1;
  /* A program attached without ALLOW_MULTI (not by lodge) blocks a multi
   * attach: that one goes first. */
  bool early = nold > 0 && !(flags & BPF_F_ALLOW_MULTI);
  for (uint32_t i = 0; early && i < nold; i++)
    if (detach_id (dfd, dir, old[i], err) < 0)
      return -1;
  union bpf_attr a;
  memset (&a, 0, sizeof a);
  a.target_fd = (unsigned)dfd;
  a.attach_bpf_fd = (unsigned)pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf (BPF_PROG_ATTACH, &a) < 0)
    return lodge_error (err, errno, "attach the device filter to %s", dir);
  for (uint32_t i = 0; !early && i < nold; i++)
    if (detach_id (dfd, dir, old[i], err) < 0)
      return -1;
  return 0;
}

int
lodge_cg_dev_attached (const char *dir, size_t *count, lodge_error_t *err)
{
  cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return lodge_error (err, errno, "open %s", dir);
  uint32_t ids[64], n = 64;
  if (query (dfd, dir, ids, &n, NULL, err) < 0)
    return -1;
  *count = n;
  return 0;
}
