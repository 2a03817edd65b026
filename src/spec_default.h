/* lodge: the config.json that `lodge spec` writes. */
#ifndef LODGE_SPEC_DEFAULT_H
#define LODGE_SPEC_DEFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include "lodge/error.h"

/* The default config as JSON text (malloc'd), runc's defaults with lodge's
 * hostname; `rootless` maps the caller's uid/gid into a user namespace and
 * drops what an unprivileged user cannot have, as `runc spec --rootless`. */
int lodge_spec_default (bool rootless, char **out, size_t *len,
                        lodge_error_t *err);

#endif
