/* lodge: the container lifecycle, as the CLI sees it. */
#ifndef LODGE_CONTAINER_H
#define LODGE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lodge/error.h"
#include "lodge/oci_spec.h"

#define LODGE_DEFAULT_ROOT "/run/lodge"

/* Global options: where state lives and how cgroups are named. */
struct lodge_context
{
  const char *state_root;
  bool systemd_cgroup;
  const char *cgroup_manager; /* cgroupfs, systemd, disabled */
  bool debug;
};

struct lodge_create_options
{
  const char *id;
  const char *bundle; /* NULL: current directory */
  const char *console_socket;
  const char *pid_file;
  bool no_pivot;
  bool no_new_keyring;
  bool no_subreaper;
  unsigned int preserve_fds;
  /* run only */
  bool detach;
  bool keep;
};

struct lodge_state_dir;
/* Open, lock and read the state of container `id` (status refreshed).
 * Release with oci_state_free and lodge_state_dir_close. */
int lodge_container_open (struct lodge_context *ctx, const char *id,
                          struct lodge_state_dir *dir, struct oci_state **s,
                          lodge_error_t *err);

/* Validate an id: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 1024 bytes. */
int lodge_check_id (const char *id, lodge_error_t *err);

int lodge_container_create (struct lodge_context *ctx,
                            const struct lodge_create_options *opts,
                            lodge_error_t *err);
int lodge_container_start (struct lodge_context *ctx, const char *id,
                           lodge_error_t *err);
/* Returns the exit status (foreground) or 0 (detached). */
int lodge_container_run (struct lodge_context *ctx,
                         const struct lodge_create_options *opts,
                         lodge_error_t *err);
/* The spec's state JSON, pretty printed as runc does. */
int lodge_container_state (struct lodge_context *ctx, const char *id,
                           char **json, lodge_error_t *err);
int lodge_container_kill (struct lodge_context *ctx, const char *id, int sig,
                          bool all, lodge_error_t *err);
int lodge_container_delete (struct lodge_context *ctx, const char *id,
                            bool force, lodge_error_t *err);

struct lodge_exec_options
{
  const char *id;
  const char *process_path; /* --process: a process.json */
  char **args;              /* the command, when no --process */
  size_t args_len;
  bool tty;
  const char *console_socket;
  const char *cwd;
  char **env; /* -e, appended */
  size_t env_len;
  const char *user; /* uid[:gid] */
  char **additional_gids;
  size_t additional_gids_len;
  char **caps; /* -c, added */
  size_t caps_len;
  bool no_new_privs;
  const char *pid_file;
  bool detach;
  bool ignore_paused;
  unsigned int preserve_fds;
  const char *cgroup; /* [controller:]subpath inside the container's */
};

/* Run a new process in a running container: in all of its namespaces,
 * its cgroup, with the process's capabilities, seccomp filter, rlimits
 * and user.  Returns the process's exit status (foreground) or 0. */
int lodge_container_exec (struct lodge_context *ctx,
                          const struct lodge_exec_options *o,
                          lodge_error_t *err);

/* Everything under the state root, for `list`.  The states are owned by
 * the caller (free each with oci_state_free, then the array). */
int lodge_container_list (struct lodge_context *ctx, struct oci_state ***out,
                          size_t *len, lodge_error_t *err);

#endif
