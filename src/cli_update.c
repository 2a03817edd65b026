/* lodge update [-r FILE|-] [--memory N] [--cpu-quota N] ... ID */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container_cgroup_ops.h"

enum
{
  OPT_RESOURCES = 1,
  OPT_BLKIO_WEIGHT,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARES,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_MEMORY,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_PIDS_LIMIT,
  OPT_L3_CACHE_SCHEMA,
  OPT_MEM_BW_SCHEMA,
};

static const struct lodge_option update_options[] = {
  { "resources", 'r', true, OPT_RESOURCES },
  { "blkio-weight", 0, true, OPT_BLKIO_WEIGHT },
  { "cpu-period", 0, true, OPT_CPU_PERIOD },
  { "cpu-quota", 0, true, OPT_CPU_QUOTA },
  { "cpu-share", 0, true, OPT_CPU_SHARES }, /* runc's spelling */
  { "cpu-shares", 0, true, OPT_CPU_SHARES },
  { "cpu-rt-period", 0, true, OPT_CPU_RT_PERIOD },
  { "cpu-rt-runtime", 0, true, OPT_CPU_RT_RUNTIME },
  { "cpuset-cpus", 0, true, OPT_CPUSET_CPUS },
  { "cpuset-mems", 0, true, OPT_CPUSET_MEMS },
  { "kernel-memory", 0, true, OPT_KERNEL_MEMORY },
  { "kernel-memory-tcp", 0, true, OPT_KERNEL_MEMORY_TCP },
  { "memory", 0, true, OPT_MEMORY },
  { "memory-reservation", 0, true, OPT_MEMORY_RESERVATION },
  { "memory-swap", 0, true, OPT_MEMORY_SWAP },
  { "pids-limit", 0, true, OPT_PIDS_LIMIT },
  { "l3-cache-schema", 0, true, OPT_L3_CACHE_SCHEMA },
  { "mem-bw-schema", 0, true, OPT_MEM_BW_SCHEMA },
  { NULL, 0, false, 0 },
};

/* A size as docker's units.RAMInBytes reads it ("512m", "1.5G", "100MiB";
 * binary multiples), or -1 for "unlimited". */
static int
parse_size (const char *s, int64_t *out)
{
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  if (!isdigit ((unsigned char)*s))
    return -1;
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (errno || end == s)
    return -1;
  if (*end == ' ')
    end++;
  double mult = 1;
  const char *units = "kmgtp";
  const char *u = *end ? strchr (units, tolower ((unsigned char)*end)) : NULL;
  if (u)
    {
      for (const char *x = units; x <= u; x++)
        mult *= 1024;
      end++;
    }
  if (*end == 'i' || *end == 'I')
    end++;
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end != '\0' || v * mult > 9.2e18)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static int
parse_i64 (const char *s, int64_t *out)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

static int
parse_u64 (const char *s, uint64_t *out)
{
  char *end;
  errno = 0;
  if (*s == '-')
    return -1;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

static int
on_option (void *p, int id, const char *arg, lodge_error_t *err)
{
  struct lodge_update_options *o = p;
  uint64_t u = 0;
  int bad = 0;
  const char *what = "an integer";
  switch (id)
    {
    case OPT_RESOURCES:
      o->resources = arg;
      break;
    case OPT_BLKIO_WEIGHT:
      bad = parse_u64 (arg, &u) < 0 || u > 65535;
      o->has_blkio_weight = true;
      o->blkio_weight = (uint16_t)u;
      what = "a weight (10-1000)";
      break;
    case OPT_CPU_PERIOD:
      bad = parse_u64 (arg, &o->cpu_period) < 0;
      o->has_cpu_period = true;
      break;
    case OPT_CPU_QUOTA:
      bad = parse_i64 (arg, &o->cpu_quota) < 0;
      o->has_cpu_quota = true;
      break;
    case OPT_CPU_SHARES:
      bad = parse_u64 (arg, &o->cpu_shares) < 0;
      o->has_cpu_shares = true;
      break;
    case OPT_CPU_RT_PERIOD:
      bad = parse_u64 (arg, &o->cpu_rt_period) < 0;
      o->has_cpu_rt_period = true;
      break;
    case OPT_CPU_RT_RUNTIME:
      bad = parse_i64 (arg, &o->cpu_rt_runtime) < 0;
      o->has_cpu_rt_runtime = true;
      break;
    case OPT_CPUSET_CPUS:
      o->cpuset_cpus = arg;
      break;
    case OPT_CPUSET_MEMS:
      o->cpuset_mems = arg;
      break;
    case OPT_KERNEL_MEMORY:
      bad = parse_size (arg, &o->kernel_memory) < 0;
      o->has_kernel_memory = true;
      what = "a size";
      break;
    case OPT_KERNEL_MEMORY_TCP:
      bad = parse_size (arg, &o->kernel_memory_tcp) < 0;
      o->has_kernel_memory_tcp = true;
      what = "a size";
      break;
    case OPT_MEMORY:
      bad = parse_size (arg, &o->memory) < 0;
      o->has_memory = true;
      what = "a size";
      break;
    case OPT_MEMORY_RESERVATION:
      bad = parse_size (arg, &o->memory_reservation) < 0;
      o->has_memory_reservation = true;
      what = "a size";
      break;
    case OPT_MEMORY_SWAP:
      bad = parse_size (arg, &o->memory_swap) < 0;
      o->has_memory_swap = true;
      what = "a size";
      break;
    case OPT_PIDS_LIMIT:
      bad = parse_i64 (arg, &o->pids_limit) < 0;
      o->has_pids_limit = true;
      break;
    case OPT_L3_CACHE_SCHEMA:
      o->l3_cache_schema = arg;
      break;
    case OPT_MEM_BW_SCHEMA:
      o->mem_bw_schema = arg;
      break;
    }
  if (bad)
    {
      const char *name = "?";
      for (const struct lodge_option *x = update_options; x->name; x++)
        if (x->id == id)
          {
            name = x->name;
            break;
          }
      return lodge_error (err, 0, "invalid --%s \"%s\": expected %s", name, arg,
                          what);
    }
  return 0;
}

int
lodge_cmd_update (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err)
{
  struct lodge_update_options o = { 0 };
  int first
      = lodge_parse_options (argc, argv, update_options, on_option, &o, err);
  if (first < 0)
    return first;
  if (lodge_expect_args ("update", argc, argv, first, 1, 1,
                         "[-r FILE|-] [--memory N] [--cpu-quota N] ... "
                         "CONTAINER_ID",
                         err)
      < 0)
    return -1;
  if (lodge_container_update (ctx, argv[first], &o, err) < 0)
    return -1;
  return 0;
}
