/* lodge: what the cgroup driver's files share (src/cgroup*.c and the unit
 * test); nothing outside the driver includes this.
 *
 * The driver thinks per controller, not per host type: each controller
 * lives on one hierarchy, a v1 one or the unified (v2) one, and its files
 * and the conversions of linux.resources follow from that.  A v1 host, a
 * hybrid host (v1 controllers plus a unified mount that may carry some,
 * like hugetlb here) and a v2-only host are the same code with different
 * answers to "where is this controller". */
#ifndef LODGE_CGROUP_INTERNAL_H
#define LODGE_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

enum lodge_cg_ctrl
{
  CG_CPU,
  CG_CPUACCT,
  CG_CPUSET,
  CG_MEMORY,
  CG_DEVICES,
  CG_FREEZER,
  CG_BLKIO, /* "io" on v2 */
  CG_PIDS,
  CG_HUGETLB,
  CG_NET_CLS,
  CG_NET_PRIO,
  CG_RDMA,
  CG_MISC,
  CG_PERF_EVENT,
  CG_NCTRL,
  /* Not a controller: the core interface files (cgroup.*) of the unified
   * hierarchy. */
  CG_CORE = CG_NCTRL,
};

/* The controller's name in the hierarchy of that version ("blkio"/"io");
 * NULL when it has none there (devices and freezer on v2, cpuacct is
 * "cpu"). */
const char *lodge_cg_ctrl_name (int ctrl, bool v2);
/* The controller a name (v1 or v2 spelling) stands for, or -1. */
int lodge_cg_ctrl_from_name (const char *name);

struct lodge_cg_hier
{
  char *mountpoint;
  bool v2;
  char *name;     /* a named v1 hierarchy ("systemd"), else NULL */
  unsigned ctrls; /* 1 << enum lodge_cg_ctrl, for those it carries */
};

struct lodge_cg_layout
{
  struct lodge_cg_hier *h;
  size_t n;
  int unified;        /* index of the cgroup2 hierarchy, or -1 */
  int ctrl[CG_NCTRL]; /* index of the hierarchy carrying each controller */
};

/* The hierarchies mounted in this mount namespace. */
int lodge_cg_layout_load (struct lodge_cg_layout *l, lodge_error_t *err);
void lodge_cg_layout_free (struct lodge_cg_layout *l);
/* Bit per controller that lives on the unified hierarchy. */
unsigned lodge_cg_layout_v2_mask (const struct lodge_cg_layout *l);
/* The hierarchy the files of `ctrl` (or CG_CORE) are in, or -1. */
int lodge_cg_layout_hier (const struct lodge_cg_layout *l, int ctrl);
/* "<mountpoint><path>" (malloc'd). */
char *lodge_cg_dir (const struct lodge_cg_layout *l, int hier,
                    const char *path);

/* Write `value` to `file` of the container's cgroup in the hierarchy of
 * `ctrl`: through libcgroup when it knows the hierarchy, else plain file
 * I/O.  Errors read "write VALUE to DIR/FILE: <strerror>". */
int lodge_cg_write (const struct lodge_cg_layout *l, int ctrl, const char *path,
                    const char *file, const char *value, lodge_error_t *err);
/* Read a whole file of the container's cgroup (plain I/O). */
int lodge_cg_read (const struct lodge_cg_layout *l, int ctrl, const char *path,
                   const char *file, char **out, lodge_error_t *err);
bool lodge_cg_has_file (const struct lodge_cg_layout *l, int ctrl,
                        const char *path, const char *file);

/* Freeze or thaw (v1 freezer, else the unified hierarchy's
 * cgroup.freeze), waiting until the tasks are stopped. */
int lodge_cg_set_frozen (const struct lodge_cg_layout *l, const char *path,
                         bool frozen, lodge_error_t *err);
bool lodge_cg_frozen (const struct lodge_cg_layout *l, const char *path);

/* ---- linux.resources as cgroup file writes (cgroup_resources.c) ------ */

enum
{
  CG_SET_OPTIONAL = 1 << 0,    /* skip when the file does not exist */
  CG_SET_RETRY = 1 << 1,       /* EINVAL: retry once the controller's other
                                  writes are done (cfs period vs quota) */
  CG_SET_READBACK = 1 << 2,    /* the kernel clamps: read back, fail if it
                                  differs (cpu.shares) */
  CG_SET_CHECK_USAGE = 1 << 3, /* memory.checkBeforeUpdate */
  CG_SET_UNIFIED = 1 << 4,     /* a linux.resources.unified key */
};

struct lodge_cg_setting
{
  int ctrl;   /* enum lodge_cg_ctrl, or CG_CORE */
  char *file; /* "memory.limit_in_bytes" */
  char *value;
  char *alt_file;  /* written instead (with alt_value) when `file` is not */
  char *alt_value; /*   there: blkio.bfq.weight / blkio.weight */
  char *field;     /* "linux.resources.memory.limit", for errors */
  unsigned flags;
};

struct lodge_cg_settings
{
  struct lodge_cg_setting *v;
  size_t n;
};

/* The writes that apply `r` when the controllers in `v2_mask` are on the
 * unified hierarchy and the others on v1, in the order they must happen.
 * Devices are not in here (v1 rules and the eBPF program are made by
 * lodge_cg_device_*).  Pure: reads nothing from the host. */
int lodge_cg_settings_build (const struct oci_resources *r, unsigned v2_mask,
                             struct lodge_cg_settings *out, lodge_error_t *err);
void lodge_cg_settings_free (struct lodge_cg_settings *s);

/* Apply everything in `r` to the container's cgroup (made already).
 * `update`: devices only when `r` names some, and v1 device rules are
 * rewritten with the container frozen. */
int lodge_cg_apply (const struct lodge_cg_layout *l, const char *path,
                    const struct oci_resources *r, bool update,
                    lodge_error_t *err);

/* runc's conversions of the v1-shaped spec values for cgroup v2. */
uint64_t lodge_cg_cpu_shares_to_weight (uint64_t shares);
uint64_t lodge_cg_blkio_weight_to_io_weight (uint64_t weight);
/* memory.swap.max from spec swap (memory+swap) and memory limit; 0 and -1
 * pass through.  Returns -1 with *why set when the pair makes no sense. */
int lodge_cg_memory_swap_v2 (int64_t swap, int64_t memory, int64_t *out,
                             const char **why);

/* ---- device rules (cgroup_ebpf.c) ------------------------------------ */

enum
{
  CG_DEV_MKNOD = 1,
  CG_DEV_READ = 2,
  CG_DEV_WRITE = 4,
  CG_DEV_RWM = 7,
};

struct lodge_cg_dev_rule
{
  char type;       /* 'a', 'b' or 'c' */
  int64_t major;   /* -1: any */
  int64_t minor;   /* -1: any */
  unsigned access; /* CG_DEV_* bits */
  bool allow;
};

/* The config's rules (linux.resources.devices) followed by the defaults
 * every container gets, as runc orders them. */
int lodge_cg_dev_rules (const struct oci_resources *r,
                        struct lodge_cg_dev_rule **out, size_t *len,
                        lodge_error_t *err);
/* "c 1:3 rwm" as v1 devices.allow/deny take it. */
void lodge_cg_dev_rule_string (const struct lodge_cg_dev_rule *d, char *buf,
                               size_t len);

/* What a list of v1 rules leaves in force, as the v1 controller computes
 * it: a default and the exceptions to it. */
struct lodge_cg_dev_policy
{
  bool default_allow;
  struct lodge_cg_dev_rule *ex;
  size_t n;
};
int lodge_cg_dev_policy (const struct lodge_cg_dev_rule *rules, size_t n,
                         struct lodge_cg_dev_policy *out, lodge_error_t *err);
void lodge_cg_dev_policy_free (struct lodge_cg_dev_policy *p);

/* The BPF_PROG_TYPE_CGROUP_DEVICE program enforcing a policy, as raw
 * struct bpf_insn (8 bytes each). */
int lodge_cg_dev_program (const struct lodge_cg_dev_policy *p, void **insns,
                          size_t *count, lodge_error_t *err);
/* Load the program and attach it to a cgroup2 directory (multi), then
 * detach whatever device programs were there before: on create there are
 * none, on update the old one goes. */
int lodge_cg_dev_attach (const char *dir, const void *insns, size_t count,
                         lodge_error_t *err);
/* How many device programs are attached to a cgroup2 directory. */
int lodge_cg_dev_attached (const char *dir, size_t *count, lodge_error_t *err);

#endif
