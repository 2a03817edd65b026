/* lodge: the per-container state directory under --root.
 *
 *   <root>/<id>/state.json   lodge's record (oci_state_emit_private)
 *   <root>/<id>/exec.fifo    present from create until start
 *
 * Commands on one id take an exclusive flock on <root>/<id> itself, so two
 * of them never interleave; create owns the id by mkdir-ing it. */
#ifndef LODGE_STATE_H
#define LODGE_STATE_H

#include <stdbool.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

struct lodge_state_dir
{
  int dirfd; /* <root>/<id>, locked */
  char *path;
  char *id;
};

/* Create <root>/<id> (and <root>) and lock it.  EEXIST gives
 * "container \"ID\" already exists". */
int lodge_state_dir_create (const char *root, const char *id,
                            struct lodge_state_dir *out, lodge_error_t *err);
/* Open and lock an existing one: "container \"ID\" does not exist". */
int lodge_state_dir_open (const char *root, const char *id,
                          struct lodge_state_dir *out, lodge_error_t *err);
/* Remove the directory and everything in it, then release it. */
int lodge_state_dir_remove (struct lodge_state_dir *d, lodge_error_t *err);
void lodge_state_dir_close (struct lodge_state_dir *d);

int lodge_state_write (struct lodge_state_dir *d, const struct oci_state *s,
                       lodge_error_t *err);
/* Read the record and refresh `status` from what is true now: a dead
 * process (or a reused pid: start time differs) is "stopped"; a live one
 * is "created" while exec.fifo exists, "paused" when frozen, else
 * "running". */
int lodge_state_read (struct lodge_state_dir *d, struct oci_state **out,
                      lodge_error_t *err);

#define LODGE_EXEC_FIFO "exec.fifo"
#define LODGE_STATE_FILE "state.json"

#endif
