/* lodge: typed model of the OCI runtime-spec (v1.2) documents.
 *
 * oci-spec/ owns every byte of JSON: it parses config.json, process.json
 * (for `exec`) and state.json into these structures, validates them, and
 * emits state, features and `spec` output.  No other directory calls yajl.
 *
 * Conventions:
 *  - strings are malloc'd, NUL-terminated, NULL when absent;
 *  - arrays are a pointer plus a `_len` count (NULL/0 when absent);
 *  - string arrays are also NULL-terminated so they can go to execve;
 *  - an optional scalar has a `has_<name>` flag next to it;
 *  - maps (annotations, sysctl, unified) are parallel key/value arrays;
 *  - a sub-object that may be absent is a pointer, NULL when absent.
 * Unknown fields are ignored, as the spec asks.
 */
#ifndef LODGE_OCI_SPEC_H
#define LODGE_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lodge/error.h"

#define LODGE_OCI_VERSION "1.2.0"

/* ---- small shared pieces ---------------------------------------------- */

struct oci_map /* a JSON object of string values */
{
  char **keys;
  char **values;
  size_t len;
};

struct oci_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

/* ---- process ------------------------------------------------------------ */

struct oci_rlimit
{
  char *type; /* "RLIMIT_NOFILE" */
  uint64_t soft;
  uint64_t hard;
};

struct oci_capabilities /* each a NULL-terminated list of "CAP_..." names */
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
};

struct oci_user
{
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
};

struct oci_scheduler
{
  char *policy; /* SCHED_OTHER, ... (required when scheduler present) */
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags;
  size_t flags_len;
  bool has_runtime;
  uint64_t runtime;
  bool has_deadline;
  uint64_t deadline;
  bool has_period;
  uint64_t period;
};

struct oci_io_priority
{
  char *class_; /* IOPRIO_CLASS_RT|BE|IDLE */
  int32_t priority;
};

struct oci_exec_cpu_affinity
{
  char *initial;
  char *final;
};

struct oci_process
{
  bool terminal;
  bool has_console_size;
  uint32_t console_height;
  uint32_t console_width;
  struct oci_user user;
  char **args; /* required, non-empty on Linux */
  size_t args_len;
  char *command_line;
  char **env;
  size_t env_len;
  char *cwd; /* required, absolute */
  struct oci_capabilities *capabilities;
  struct oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  struct oci_scheduler *scheduler;
  struct oci_io_priority *io_priority;
  struct oci_exec_cpu_affinity *exec_cpu_affinity;
};

/* ---- root, mounts, hooks ------------------------------------------------ */

struct oci_root
{
  char *path; /* required */
  bool readonly;
};

struct oci_mount
{
  char *destination; /* required */
  char *type;
  char *source;
  char **options;
  size_t options_len;
  struct oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
};

struct oci_hook
{
  char *path; /* required, absolute */
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  bool has_timeout;
  int32_t timeout; /* seconds, > 0 */
};

struct oci_hook_list
{
  struct oci_hook *hooks;
  size_t len;
};

struct oci_hooks
{
  struct oci_hook_list prestart; /* deprecated, still run */
  struct oci_hook_list create_runtime;
  struct oci_hook_list create_container;
  struct oci_hook_list start_container;
  struct oci_hook_list poststart;
  struct oci_hook_list poststop;
};

/* ---- linux -------------------------------------------------------------- */

struct oci_namespace
{
  char *type; /* pid network mount ipc uts user cgroup time */
  char *path;
};

struct oci_device
{
  char *type; /* c b u p */
  char *path;
  int64_t major;
  int64_t minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
};

struct oci_device_cgroup
{
  bool allow;
  char *type; /* a c b, NULL = all */
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  char *access;
};

struct oci_memory
{
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernel_tcp;
  int64_t kernel_tcp;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disable_oom_killer;
  bool disable_oom_killer;
  bool has_use_hierarchy;
  bool use_hierarchy;
  bool has_check_before_update;
  bool check_before_update;
};

struct oci_cpu
{
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtime_runtime;
  int64_t realtime_runtime;
  bool has_realtime_period;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
};

struct oci_weight_device
{
  int64_t major;
  int64_t minor;
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
};

struct oci_throttle_device
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
};

struct oci_block_io
{
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
  struct oci_weight_device *weight_device;
  size_t weight_device_len;
  struct oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  struct oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  struct oci_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  struct oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
};

struct oci_hugepage_limit
{
  char *page_size; /* "2MB" */
  uint64_t limit;
};

struct oci_net_priority
{
  char *name;
  uint32_t priority;
};

struct oci_network
{
  bool has_class_id;
  uint32_t class_id;
  struct oci_net_priority *priorities;
  size_t priorities_len;
};

struct oci_pids
{
  bool has_limit;
  int64_t limit;
};

struct oci_rdma_entry
{
  char *device;
  bool has_hca_handles;
  uint32_t hca_handles;
  bool has_hca_objects;
  uint32_t hca_objects;
};

struct oci_resources
{
  struct oci_device_cgroup *devices;
  size_t devices_len;
  struct oci_memory *memory;
  struct oci_cpu *cpu;
  struct oci_block_io *block_io;
  struct oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  struct oci_network *network;
  struct oci_pids *pids;
  struct oci_rdma_entry *rdma;
  size_t rdma_len;
  struct oci_map unified;
};

struct oci_seccomp_arg
{
  uint32_t index;
  uint64_t value;
  bool has_value_two;
  uint64_t value_two;
  char *op; /* SCMP_CMP_* */
};

struct oci_seccomp_syscall
{
  char **names;
  size_t names_len;
  char *action; /* SCMP_ACT_* */
  bool has_errno_ret;
  uint32_t errno_ret;
  struct oci_seccomp_arg *args;
  size_t args_len;
};

struct oci_seccomp
{
  char *default_action; /* required */
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  size_t architectures_len;
  char **flags;
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  struct oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
};

struct oci_personality
{
  char *domain; /* LINUX or LINUX32 */
  char **flags;
  size_t flags_len;
};

struct oci_intel_rdt
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool has_enable_cmt;
  bool enable_cmt;
  bool has_enable_mbm;
  bool enable_mbm;
};

struct oci_time_offset
{
  int64_t secs;
  uint32_t nanosecs;
};

struct oci_linux
{
  struct oci_namespace *namespaces;
  size_t namespaces_len;
  struct oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  bool has_time_offset_monotonic;
  struct oci_time_offset time_offset_monotonic;
  bool has_time_offset_boottime;
  struct oci_time_offset time_offset_boottime;
  struct oci_device *devices;
  size_t devices_len;
  char *cgroups_path;
  struct oci_resources *resources;
  char *rootfs_propagation; /* shared slave private unbindable ... */
  struct oci_seccomp *seccomp;
  struct oci_map sysctl;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  struct oci_personality *personality;
  struct oci_intel_rdt *intel_rdt;
};

/* ---- config.json ------------------------------------------------------ */

struct oci_config
{
  char *oci_version; /* required */
  struct oci_root *root;
  struct oci_mount *mounts;
  size_t mounts_len;
  struct oci_process *process;
  char *hostname;
  char *domainname;
  struct oci_hooks *hooks;
  struct oci_map annotations;
  struct oci_linux *linux_;
};

/* Parse and validate config.json.  Errors read like
 *   "config.json: process.rlimits[1].soft: expected an unsigned integer, got
 * \"abc\"". `name` is the prefix used in messages ("config.json"). */
int oci_config_parse_file (const char *path, const char *name,
                           struct oci_config **out, lodge_error_t *err);
int oci_config_parse_data (const char *data, size_t len, const char *name,
                           struct oci_config **out, lodge_error_t *err);
void oci_config_free (struct oci_config *c);

/* process.json, as `exec --process` passes (same rules as config's
 * "process" object, errors prefixed with `name`). */
int oci_process_parse_file (const char *path, const char *name,
                            struct oci_process **out, lodge_error_t *err);
void oci_process_free (struct oci_process *p);

/* linux.resources on its own, for `update --resources` (issue 3). */
int oci_resources_parse_data (const char *data, size_t len, const char *name,
                              struct oci_resources **out, lodge_error_t *err);
void oci_resources_free (struct oci_resources *r);

/* ---- state ------------------------------------------------------------ */

/* The spec's state object plus the private fields lodge keeps beside it in
 * its state directory (they are emitted only by oci_state_emit_private). */
struct oci_state
{
  char *oci_version;
  char *id;
  char *status; /* creating created running stopped (paused: lodge) */
  pid_t pid;
  char *bundle;
  struct oci_map annotations;

  /* lodge's own bookkeeping, stored in the state file only */
  uint64_t pid_start_time; /* field 22 of /proc/PID/stat */
  char *created;           /* RFC 3339 */
  char *rootfs;            /* absolute path */
  char *owner;             /* "" or user name, for `list` */
  char *cgroup_path;       /* where the container's cgroup lives */
  bool systemd_cgroup;
  char *config_path; /* absolute path of the config.json used */
};

/* The state JSON that hooks receive on stdin and `state` prints
 * (ociVersion, id, status, pid, bundle, annotations).  `pretty` indents. */
int oci_state_emit (const struct oci_state *s, bool pretty, char **out,
                    size_t *out_len, lodge_error_t *err);
/* Everything, for lodge's state file. */
int oci_state_emit_private (const struct oci_state *s, char **out,
                            size_t *out_len, lodge_error_t *err);
int oci_state_parse_data (const char *data, size_t len, const char *name,
                          struct oci_state **out, lodge_error_t *err);
void oci_state_free (struct oci_state *s);

/* ---- a small JSON writer for the rest (features, list, spec, ps, logs) -
 * Only oci-spec/ touches yajl; src/ writes other JSON through this. */
struct oci_json;
struct oci_json *oci_json_new (bool pretty);
void oci_json_free (struct oci_json *j);
void oci_json_map_open (struct oci_json *j);
void oci_json_map_close (struct oci_json *j);
void oci_json_array_open (struct oci_json *j);
void oci_json_array_close (struct oci_json *j);
void oci_json_key (struct oci_json *j, const char *key);
void oci_json_string (struct oci_json *j, const char *s); /* NULL -> null */
void oci_json_int (struct oci_json *j, long long v);
void oci_json_uint (struct oci_json *j, unsigned long long v);
void oci_json_bool (struct oci_json *j, bool v);
void oci_json_null (struct oci_json *j);
/* Convenience: key + value. */
void oci_json_kv_string (struct oci_json *j, const char *key, const char *s);
void oci_json_kv_int (struct oci_json *j, const char *key, long long v);
void oci_json_kv_bool (struct oci_json *j, const char *key, bool v);
void oci_json_kv_strv (struct oci_json *j, const char *key, char *const *v,
                       size_t len);
/* The text so far (owned by j, valid until the next call on j). */
const char *oci_json_buffer (struct oci_json *j, size_t *len);

/* Emit a whole config (for `lodge spec`). */
int oci_config_emit (const struct oci_config *c, char **out, size_t *out_len,
                     lodge_error_t *err);

/* ---- generic reading, for small private documents ------------------- */
/* Look up a string/integer by a path of keys in a JSON text, e.g.
 * {"a":{"b":"x"}} with keys {"a","b",NULL}.  Returns NULL / -1 when absent. */
char *oci_json_get_string (const char *data, const char *const *keys);
/* The integer at that path; -1 when absent, not an integer or out of
 * range (so only for values that are never negative). */
long long oci_json_get_int (const char *data, const char *const *keys);

#endif
