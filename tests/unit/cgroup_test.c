/* lodge: unit tests for the cgroup driver's pure parts: runc's v1 -> v2
 * conversions, which file each linux.resources field becomes on v1 and on
 * v2, the per-controller layout, and the device rules (their v1 policy and
 * the eBPF program, run here by a small interpreter).  As root, on a host
 * with a cgroup2 mount, the program is also loaded into the kernel and
 * attached and replaced on a scratch cgroup.
 *
 * Output: "ok N - name" / "not ok N - name", then "N passed, M failed";
 * exits 1 when anything failed.
 *
 *   cgroup_test                   run the tests
 *   cgroup_test bpf-count DIR     print how many device programs are
 *                                 attached to cgroup2 directory DIR (for
 *                                 tests/cgroups.bats) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

#include "../../src/cgroup_internal.h"

static int n_tests, n_passed, n_failed;

static bool
check (bool cond, const char *fmt, ...)
{
  va_list ap;
  n_tests++;
  if (cond)
    n_passed++;
  else
    n_failed++;
  printf ("%s %d - ", cond ? "ok" : "not ok", n_tests);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
  return cond;
}

/* ---- conversions -------------------------------------------------------- */

static void
test_conversions (void)
{
  check (lodge_cg_cpu_shares_to_weight (0) == 0, "shares 0: unset");
  check (lodge_cg_cpu_shares_to_weight (2) == 1, "shares 2 -> weight 1");
  check (lodge_cg_cpu_shares_to_weight (1024) == 39, "shares 1024 -> 39");
  check (lodge_cg_cpu_shares_to_weight (262144) == 10000,
         "shares 262144 -> 10000");
  check (lodge_cg_blkio_weight_to_io_weight (10) == 1, "blkio 10 -> io 1");
  check (lodge_cg_blkio_weight_to_io_weight (500) == 4950,
         "blkio 500 -> io 4950");
  check (lodge_cg_blkio_weight_to_io_weight (1000) == 10000,
         "blkio 1000 -> io 10000");

  struct
  {
    int64_t swap, memory, want;
    bool ok;
  } sw[] = {
    { 0, -1, -1, true },        /* unlimited memory: unlimited swap */
    { -1, 1000, -1, true },     /* max */
    { 0, 1000, 0, true },       /* unset */
    { 3000, 1000, 2000, true }, /* memory+swap minus memory */
    { 1000, 1000, 0, true },    /* equal: no swap */
    { 500, 1000, 0, false },    /* below the memory limit */
    { 1000, 0, 0, false },      /* swap without memory */
    { 1000, -1, 0, false },
  };
  for (size_t i = 0; i < sizeof sw / sizeof *sw; i++)
    {
      int64_t out = 12345;
      const char *why = NULL;
      int r = lodge_cg_memory_swap_v2 (sw[i].swap, sw[i].memory, &out, &why);
      check (sw[i].ok ? r == 0 && out == sw[i].want : r < 0 && why != NULL,
             "memory swap %lld with limit %lld on v2 -> %s",
             (long long)sw[i].swap, (long long)sw[i].memory,
             sw[i].ok ? "ok" : "error");
    }
}

/* ---- resources as files -------------------------------------------------- */

static struct oci_resources *
parse (const char *json)
{
  struct oci_resources *r = NULL;
  lodge_error_t err = NULL;
  if (oci_resources_parse_data (json, strlen (json), "test", &r, &err) < 0)
    {
      printf ("# parse: %s\n", err->msg);
      lodge_error_free (&err);
      return NULL;
    }
  return r;
}

/* "ctrl file=value" lines of the settings, for comparing. */
static char *
render (const struct lodge_cg_settings *s)
{
  size_t cap = 8192, n = 0;
  char *buf = calloc (1, cap);
  for (size_t i = 0; i < s->n; i++)
    {
      const struct lodge_cg_setting *x = &s->v[i];
      n += (size_t)snprintf (buf + n, cap - n, "%s=%s", x->file, x->value);
      if (x->alt_file)
        n += (size_t)snprintf (buf + n, cap - n, " | %s=%s", x->alt_file,
                               x->alt_value);
      n += (size_t)snprintf (buf + n, cap - n, "\n");
    }
  return buf;
}

static const char *const full_json
    = "{\"memory\":{\"limit\":1073741824,\"reservation\":536870912,"
      "\"swap\":2147483648,\"swappiness\":10,\"disableOOMKiller\":true},"
      "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,"
      "\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1},"
      "\"pids\":{\"limit\":100},"
      "\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,"
      "\"weight\":300}],\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
      "\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":8,"
      "\"minor\":0,\"rate\":100}]},"
      "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
      "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\","
      "\"priority\":5}]}}";

static void
test_settings (void)
{
  struct oci_resources *r = parse (full_json);
  if (!check (r != NULL, "parse a full linux.resources"))
    return;
  struct lodge_cg_settings s;
  lodge_error_t err = NULL;

  /* Everything on v1. */
  check (lodge_cg_settings_build (r, 0, &s, &err) == 0, "v1 settings build");
  char *v1 = render (&s);
  const char *want_v1
      = "memory.limit_in_bytes=1073741824\n"
        "memory.memsw.limit_in_bytes=2147483648\n"
        "memory.soft_limit_in_bytes=536870912\n"
        "memory.swappiness=10\n"
        "memory.oom_control=1\n"
        "cpu.shares=1024\n"
        "cpu.cfs_period_us=100000\n"
        "cpu.cfs_quota_us=50000\n"
        "cpu.idle=1\n"
        "cpuset.cpus=0-1\n"
        "cpuset.mems=0\n"
        "pids.max=100\n"
        "blkio.weight=500 | blkio.bfq.weight=500\n"
        "blkio.weight_device=8:0 300 | blkio.bfq.weight_device=8:0 300\n"
        "blkio.throttle.read_bps_device=8:0 1048576\n"
        "blkio.throttle.write_iops_device=8:0 100\n"
        "hugetlb.2MB.limit_in_bytes=4194304\n"
        "net_cls.classid=1048577\n"
        "net_prio.ifpriomap=eth0 5\n";
  if (!check (strcmp (v1, want_v1) == 0, "v1 files and values"))
    printf ("# got:\n%s# want:\n%s", v1, want_v1);
  bool fields
      = s.n > 0 && strcmp (s.v[0].field, "linux.resources.memory.limit") == 0;
  check (fields, "v1 settings name their JSON field");
  free (v1);
  lodge_cg_settings_free (&s);

  /* Everything on v2: runc's conversions. */
  unsigned all = (1u << CG_NCTRL) - 1;
  check (lodge_cg_settings_build (r, all, &s, &err) == 0, "v2 settings build");
  char *v2 = render (&s);
  const char *want_v2 = "memory.swap.max=1073741824\n"
                        "memory.max=1073741824\n"
                        "memory.low=536870912\n"
                        "cpu.idle=1\n"
                        "cpu.weight=39\n"
                        "cpu.max=50000 100000\n"
                        "cpuset.cpus=0-1\n"
                        "cpuset.mems=0\n"
                        "pids.max=100\n"
                        "io.bfq.weight=500 | io.weight=4950\n"
                        "io.bfq.weight=8:0 300 | io.weight=8:0 2930\n"
                        "io.max=8:0 rbps=1048576\n"
                        "io.max=8:0 wiops=100\n"
                        "hugetlb.2MB.max=4194304\n"
                        "hugetlb.2MB.rsvd.max=4194304\n"
                        "net_cls.classid=1048577\n"
                        "net_prio.ifpriomap=eth0 5\n";
  if (!check (strcmp (v2, want_v2) == 0, "v2 files and values"))
    printf ("# got:\n%s# want:\n%s", v2, want_v2);
  free (v2);
  lodge_cg_settings_free (&s);

  /* A hybrid host like this one: hugetlb on the unified hierarchy. */
  check (lodge_cg_settings_build (r, 1u << CG_HUGETLB, &s, &err) == 0,
         "hybrid settings build");
  char *hy = render (&s);
  check (strstr (hy, "memory.limit_in_bytes=")
             && strstr (hy, "hugetlb.2MB.max=")
             && !strstr (hy, "limit_in_bytes=4194304"),
         "hybrid: memory on v1 files, hugetlb on v2 files");
  free (hy);
  lodge_cg_settings_free (&s);
  oci_resources_free (r);

  /* -1 and the special values. */
  r = parse ("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":-1},"
             "\"cpu\":{\"quota\":-1}}");
  lodge_cg_settings_build (r, 0, &s, &err);
  char *t = render (&s);
  check (strcmp (t, "memory.limit_in_bytes=-1\n"
                    "memory.memsw.limit_in_bytes=-1\n"
                    "cpu.cfs_quota_us=-1\n"
                    "pids.max=max\n")
             == 0,
         "v1 unlimited values");
  free (t);
  lodge_cg_settings_free (&s);
  lodge_cg_settings_build (r, all, &s, &err);
  t = render (&s);
  check (strcmp (t, "memory.swap.max=max\n"
                    "memory.max=max\n"
                    "cpu.max=max\n"
                    "pids.max=max\n")
             == 0,
         "v2 unlimited values");
  free (t);
  lodge_cg_settings_free (&s);
  oci_resources_free (r);

  r = parse ("{\"memory\":{\"limit\":1000,\"swap\":1000}}");
  lodge_cg_settings_build (r, all, &s, &err);
  t = render (&s);
  check (strcmp (t, "memory.swap.max=0\nmemory.max=1000\n") == 0,
         "v2 swap equal to memory: memory.swap.max 0");
  free (t);
  lodge_cg_settings_free (&s);
  oci_resources_free (r);

  r = parse ("{\"cpu\":{\"period\":50000}}");
  lodge_cg_settings_build (r, all, &s, &err);
  t = render (&s);
  check (strcmp (t, "cpu.max=max 50000\n") == 0, "v2 period alone: max PERIOD");
  free (t);
  lodge_cg_settings_free (&s);
  oci_resources_free (r);

  r = parse ("{\"unified\":{\"memory.high\":\"1000\",\"cgroup.max.depth\":"
             "\"3\"}}");
  check (lodge_cg_settings_build (r, all, &s, &err) == 0 && s.n == 2
             && s.v[0].ctrl == CG_MEMORY && s.v[1].ctrl == CG_CORE,
         "v2 unified keys: controller and core files");
  lodge_cg_settings_free (&s);
  oci_resources_free (r);
}

static void
expect_error (const char *json, unsigned v2, const char *needle)
{
  struct oci_resources *r = parse (json);
  struct lodge_cg_settings s;
  lodge_error_t err = NULL;
  int ret = r ? lodge_cg_settings_build (r, v2, &s, &err) : 0;
  bool ok = ret < 0 && err && strstr (err->msg, needle);
  if (!check (ok, "error for %s", json))
    printf ("# got: %s\n", err ? err->msg : "(no error)");
  if (ret == 0 && r)
    lodge_cg_settings_free (&s);
  lodge_error_free (&err);
  oci_resources_free (r);
}

static void
test_settings_errors (void)
{
  unsigned all = (1u << CG_NCTRL) - 1;
  expect_error ("{\"unified\":{\"memory.max\":\"1\"}}", 0,
                "linux.resources.unified[\"memory.max\"]: the memory "
                "controller is on cgroup v1");
  expect_error ("{\"unified\":{\"bogus.max\":\"1\"}}", all,
                "unknown cgroup v2 controller \"bogus\"");
  expect_error ("{\"unified\":{\"../memory.max\":\"1\"}}", all,
                "a key is a cgroup v2 file name");
  expect_error ("{\"unified\":{\"blkio.weight\":\"1\"}}", all,
                "unknown cgroup v2 controller \"blkio\"");
  expect_error ("{\"memory\":{\"limit\":1000,\"swap\":10}}", all,
                "linux.resources.memory.swap: memory+swap limit");
  expect_error ("{\"memory\":{\"swap\":1000}}", all,
                "linux.resources.memory.swap: a swap limit needs");
  expect_error ("{\"cpu\":{\"realtimeRuntime\":1000}}", all,
                "linux.resources.cpu.realtimeRuntime: cgroup v2 has no");
  expect_error ("{\"memory\":{\"swappiness\":101}}", 0,
                "linux.resources.memory.swappiness: invalid value 101");
  expect_error ("{\"hugepageLimits\":[{\"pageSize\":\"2XB\",\"limit\":1}]}", 0,
                "linux.resources.hugepageLimits[0].pageSize");
}

static void
test_layout (void)
{
  /* A v2-only host: one hierarchy, controllers from cgroup.controllers. */
  struct lodge_cg_hier h[] = {
    { .mountpoint = (char *)"/sys/fs/cgroup",
      .v2 = true,
      .ctrls = (1u << CG_CPU) | (1u << CG_MEMORY) | (1u << CG_PIDS) },
  };
  struct lodge_cg_layout l = { .h = h, .n = 1, .unified = 0 };
  for (int i = 0; i < CG_NCTRL; i++)
    l.ctrl[i] = (h[0].ctrls & (1u << i)) ? 0 : -1;
  check (lodge_cg_layout_v2_mask (&l) == h[0].ctrls, "v2-only: mask");
  check (lodge_cg_layout_hier (&l, CG_CORE) == 0, "v2-only: core files");
  check (lodge_cg_layout_hier (&l, CG_FREEZER) == -1,
         "v2-only: no freezer controller (cgroup.freeze instead)");
  check (lodge_cg_layout_hier (&l, CG_BLKIO) == -1,
         "v2-only: io not enabled, not available");

  /* A hybrid host: memory on v1, hugetlb on v2. */
  struct lodge_cg_hier hh[] = {
    { .mountpoint = (char *)"/sys/fs/cgroup/memory", .ctrls = 1u << CG_MEMORY },
    { .mountpoint = (char *)"/sys/fs/cgroup/cpu", .ctrls = 1u << CG_CPU },
    { .mountpoint = (char *)"/sys/fs/cgroup/unified",
      .v2 = true,
      .ctrls = 1u << CG_HUGETLB },
  };
  struct lodge_cg_layout lh = { .h = hh, .n = 3, .unified = 2 };
  for (int i = 0; i < CG_NCTRL; i++)
    lh.ctrl[i] = -1;
  lh.ctrl[CG_MEMORY] = 0;
  lh.ctrl[CG_CPU] = 1;
  lh.ctrl[CG_HUGETLB] = 2;
  check (lodge_cg_layout_v2_mask (&lh) == 1u << CG_HUGETLB, "hybrid: mask");
  check (lodge_cg_layout_hier (&lh, CG_CPUACCT) == -1,
         "hybrid: cpuacct is not read from v2 while cpu is on v1");
  check (lodge_cg_ctrl_from_name ("io") == CG_BLKIO
             && lodge_cg_ctrl_from_name ("blkio") == CG_BLKIO
             && strcmp (lodge_cg_ctrl_name (CG_BLKIO, true), "io") == 0,
         "blkio is io on v2");
}

/* ---- device rules and the eBPF program ------------------------------------
 */

/* Enough of an eBPF interpreter for the instructions the program uses. */
static int
run_program (const struct bpf_insn *p, size_t n, int type, unsigned access,
             unsigned major, unsigned minor)
{
  uint64_t r[11] = { 0 };
  uint32_t ctx[3] = { ((uint32_t)access << 16) | (uint32_t)type, major, minor };
  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *i = &p[pc];
      uint64_t src = r[i->src_reg];
      switch (i->code)
        {
        case BPF_LDX | BPF_W | BPF_MEM:
          r[i->dst_reg] = ctx[i->off / 4];
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          r[i->dst_reg] = (uint32_t)(r[i->dst_reg] & (uint32_t)i->imm);
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
          break;
        case BPF_ALU | BPF_MOV | BPF_X:
          r[i->dst_reg] = (uint32_t)src;
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (r[i->dst_reg] == (uint64_t)(int64_t)i->imm)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_JNE | BPF_X:
          if (r[i->dst_reg] != src)
            pc += (size_t)i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int)r[0];
        default:
          return -1;
        }
    }
  return -2;
}

#define CHR BPF_DEVCG_DEV_CHAR
#define BLK BPF_DEVCG_DEV_BLOCK
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

static bool
program_for (const char *json, struct bpf_insn **insns, size_t *n,
             struct lodge_cg_dev_policy *pol)
{
  struct oci_resources *r = json ? parse (json) : NULL;
  struct lodge_cg_dev_rule *rules = NULL;
  size_t nr = 0;
  lodge_error_t err = NULL;
  void *v = NULL;
  bool ok = lodge_cg_dev_rules (r, &rules, &nr, &err) == 0
            && lodge_cg_dev_policy (rules, nr, pol, &err) == 0
            && lodge_cg_dev_program (pol, &v, n, &err) == 0;
  if (err)
    printf ("# %s\n", err->msg);
  lodge_error_free (&err);
  free (rules);
  oci_resources_free (r);
  *insns = v;
  return ok;
}

static void
test_devices (void)
{
  struct bpf_insn *p;
  size_t n;
  struct lodge_cg_dev_policy pol;

  /* The defaults alone, as runc's: deny all first is implied by the
   * config's usual "deny a"; without it the parent's "allow" stays. */
  if (program_for ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &p,
                   &n, &pol))
    {
      check (!pol.default_allow && pol.n == 11, "deny all + 11 defaults");
      check (run_program (p, n, CHR, R | W, 1, 3) == 1, "/dev/null rw allowed");
      check (run_program (p, n, CHR, R, 1, 9) == 1, "/dev/urandom allowed");
      check (run_program (p, n, CHR, R | W, 136, 7) == 1, "/dev/pts/7 allowed");
      check (run_program (p, n, BLK, R, 8, 0) == 0, "/dev/sda read denied");
      check (run_program (p, n, BLK, M, 8, 0) == 1,
             "mknod of a block node allowed");
      check (run_program (p, n, CHR, R, 1, 11) == 0, "/dev/kmsg denied");
      check (run_program (p, n, CHR, M, 4, 64) == 1, "mknod of any char node");
      lodge_cg_dev_policy_free (&pol);
      free (p);
    }

  /* The config's own rules, then v1's "allow"/"deny" semantics. */
  if (program_for ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                   "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,"
                   "\"access\":\"r\"},"
                   "{\"allow\":true,\"type\":\"b\",\"major\":7,"
                   "\"access\":\"rw\"}]}",
                   &p, &n, &pol))
    {
      check (run_program (p, n, CHR, R, 1, 11) == 1, "c 1:11 r: read allowed");
      check (run_program (p, n, CHR, R | W, 1, 11) == 0,
             "c 1:11 r: read-write denied (allow must cover all)");
      check (run_program (p, n, BLK, R | W, 7, 3) == 1, "b 7:* rw: loop3 rw");
      check (run_program (p, n, BLK, R, 8, 3) == 0, "b 8:3 still denied");
      lodge_cg_dev_policy_free (&pol);
      free (p);
    }

  /* Default allow (no deny-all): deny rules are the exceptions, and hit on
   * any overlap of access. */
  if (program_for ("{\"devices\":[{\"allow\":true,\"access\":\"rwm\"},"
                   "{\"allow\":false,\"type\":\"c\",\"major\":4,\"minor\":5,"
                   "\"access\":\"w\"}]}",
                   &p, &n, &pol))
    {
      check (pol.default_allow, "allow all + a deny: default allow");
      check (run_program (p, n, CHR, R | W, 4, 5) == 0,
             "deny c 4:5 w: rw denied (partial overlap)");
      check (run_program (p, n, CHR, R, 4, 5) == 1, "deny c 4:5 w: r allowed");
      check (run_program (p, n, BLK, R | W, 8, 0) == 1, "others allowed");
      lodge_cg_dev_policy_free (&pol);
      free (p);
    }

  /* A later rule that agrees with the default takes access away. */
  struct lodge_cg_dev_rule rules[] = {
    { 'a', -1, -1, CG_DEV_RWM, false },
    { 'c', 1, 3, CG_DEV_RWM, true },
    { 'c', 1, 3, CG_DEV_WRITE, false },
  };
  lodge_error_t err = NULL;
  if (check (lodge_cg_dev_policy (rules, 3, &pol, &err) == 0,
             "policy of allow then partial deny"))
    {
      check (pol.n == 1 && pol.ex[0].access == (CG_DEV_READ | CG_DEV_MKNOD),
             "c 1:3 rwm then deny w leaves rm");
      lodge_cg_dev_policy_free (&pol);
    }

  char buf[64];
  lodge_cg_dev_rule_string (&rules[1], buf, sizeof buf);
  check (strcmp (buf, "c 1:3 rwm") == 0, "v1 rule text");
  lodge_cg_dev_rule_string (&rules[0], buf, sizeof buf);
  check (strcmp (buf, "a *:* rwm") == 0, "v1 wildcard rule text");

  struct oci_resources *bad
      = parse ("{\"devices\":[{\"allow\":true,\"access\":\"rx\"}]}");
  struct lodge_cg_dev_rule *out = NULL;
  size_t nout = 0;
  check (lodge_cg_dev_rules (bad, &out, &nout, &err) < 0 && err
             && strstr (err->msg, "linux.resources.devices[0].access"),
         "invalid access letters are refused");
  lodge_error_free (&err);
  free (out);
  oci_resources_free (bad);
}

/* ---- the kernel -----------------------------------------------------------
 */

static const char *
cgroup2_mount (void)
{
  static char mp[4096];
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[8192];
  mp[0] = '\0';
  while (f && fgets (line, sizeof line, f))
    {
      char *sep = strstr (line, " - cgroup2 ");
      if (sep && sscanf (line, "%*s %*s %*s %*s %4095s", mp) == 1)
        break;
      mp[0] = '\0';
    }
  if (f)
    fclose (f);
  return mp[0] ? mp : NULL;
}

static void
test_kernel (void)
{
  const char *mp = cgroup2_mount ();
  if (geteuid () != 0 || mp == NULL)
    {
      printf ("# skipped the kernel tests (need root and a cgroup2 mount)\n");
      return;
    }
  char dir[4200];
  snprintf (dir, sizeof dir, "%s/lodge-unit-%d", mp, (int)getpid ());
  if (!check (mkdir (dir, 0755) == 0, "make scratch cgroup %s", dir))
    return;
  struct bpf_insn *p;
  size_t n, count = 99;
  struct lodge_cg_dev_policy pol;
  lodge_error_t err = NULL;
  if (program_for ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &p,
                   &n, &pol))
    {
      int r = lodge_cg_dev_attach (dir, p, n, &err);
      if (!check (r == 0, "the kernel loads and attaches the program"))
        printf ("# %s\n", err->msg);
      lodge_error_free (&err);
      check (lodge_cg_dev_attached (dir, &count, &err) == 0 && count == 1,
             "one program attached");
      r = lodge_cg_dev_attach (dir, p, n, &err);
      check (r == 0 && lodge_cg_dev_attached (dir, &count, &err) == 0
                 && count == 1,
             "attaching again replaces it (still one)");
      lodge_error_free (&err);
      lodge_cg_dev_policy_free (&pol);
      free (p);
    }
  check (rmdir (dir) == 0, "remove scratch cgroup");
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "bpf-count") == 0)
    {
      size_t n = 0;
      lodge_error_t err = NULL;
      if (lodge_cg_dev_attached (argv[2], &n, &err) < 0)
        {
          fprintf (stderr, "cgroup_test: %s\n", err->msg);
          return 1;
        }
      printf ("%zu\n", n);
      return 0;
    }
  test_conversions ();
  test_settings ();
  test_settings_errors ();
  test_layout ();
  test_devices ();
  test_kernel ();
  printf ("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed ? 1 : 0;
}
