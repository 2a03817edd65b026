/* lodge: /dev inside the container. */
#ifndef LODGE_DEVICES_H
#define LODGE_DEVICES_H

#include <stdbool.h>
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Before pivot, with the rootfs at `rootfd`: the spec's default devices
 * (null zero full random urandom tty) when /dev is not the host's, the
 * standard symlinks, and linux.devices.  Where mknod is not allowed (a
 * user namespace) the host's node is bind-mounted instead. */
int lodge_devices_setup (int rootfd, const struct oci_config *c,
                         bool dev_is_fresh, bool in_userns, lodge_error_t *err);

#endif
