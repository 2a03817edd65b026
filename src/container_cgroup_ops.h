/* lodge: the commands that act on a container through its cgroup: pause,
 * resume, update, events and ps. */
#ifndef LODGE_CONTAINER_CGROUP_OPS_H
#define LODGE_CONTAINER_CGROUP_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "lodge/error.h"

/* Freeze every process of a running container / thaw a paused one. */
int lodge_container_pause (struct lodge_context *ctx, const char *id,
                           lodge_error_t *err);
int lodge_container_resume (struct lodge_context *ctx, const char *id,
                            lodge_error_t *err);

/* `update`: a linux.resources document (a file, or "-" for stdin) and/or
 * runc's single-value flags, which win over the document. */
struct lodge_update_options
{
  const char *resources;
  bool has_memory;
  int64_t memory;
  bool has_memory_swap;
  int64_t memory_swap;
  bool has_memory_reservation;
  int64_t memory_reservation;
  bool has_kernel_memory;
  int64_t kernel_memory;
  bool has_kernel_memory_tcp;
  int64_t kernel_memory_tcp;
  bool has_cpu_shares;
  uint64_t cpu_shares;
  bool has_cpu_quota;
  int64_t cpu_quota;
  bool has_cpu_period;
  uint64_t cpu_period;
  bool has_cpu_rt_period;
  uint64_t cpu_rt_period;
  bool has_cpu_rt_runtime;
  int64_t cpu_rt_runtime;
  const char *cpuset_cpus;
  const char *cpuset_mems;
  bool has_pids_limit;
  int64_t pids_limit;
  bool has_blkio_weight;
  uint16_t blkio_weight;
  const char *l3_cache_schema; /* Intel RDT: refused */
  const char *mem_bw_schema;
};
int lodge_container_update (struct lodge_context *ctx, const char *id,
                            const struct lodge_update_options *o,
                            lodge_error_t *err);

/* `events`: on stdout, one JSON object a line, runc's shape:
 *   {"type":"stats","id":ID,"data":{...}} every interval_ms (once, at
 *   once, with stats_only), {"type":"oom","id":ID} as OOM kills happen;
 * the stream ends when the container's init exits. */
int lodge_container_events (struct lodge_context *ctx, const char *id,
                            bool stats_only, unsigned interval_ms,
                            lodge_error_t *err);

/* `ps`: the container's pids as a JSON array, or ps(1) run with `args`
 * (default -ef) and only the lines of the container's processes kept. */
int lodge_container_ps (struct lodge_context *ctx, const char *id, bool json,
                        char *const *args, size_t nargs, lodge_error_t *err);

#endif
