/* lodge: the annotations lodge reads from config.json, under its own
 * prefix.  Documented for users in README.md ("Annotations"). */
#ifndef LODGE_ANNOTATIONS_H
#define LODGE_ANNOTATIONS_H

#define LODGE_ANNOTATION_PREFIX "io.github.lodge."

/* "true": attach the rootfs through an idmapped mount using the
 * container's user namespace, so an image owned by host root shows as
 * owned by the container's root without a chown. */
#define LODGE_ANNOTATION_ROOTFS_IDMAP LODGE_ANNOTATION_PREFIX "rootfs.idmap"

/* "true": hand the container's cgroup to its root user (needs a new user
 * namespace); implied by a new user namespace together with a new cgroup
 * namespace. */
#define LODGE_ANNOTATION_CGROUP_DELEGATE                                       \
  LODGE_ANNOTATION_PREFIX "cgroup.delegate"

#endif
