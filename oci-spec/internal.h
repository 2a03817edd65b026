/* lodge: helpers shared by the oci-spec/ sources.  Nothing here is part of
 * the public API; include/lodge/oci_spec.h is. */
#ifndef LODGE_OCI_SPEC_INTERNAL_H
#define LODGE_OCI_SPEC_INTERNAL_H

/* asprintf, vasprintf.  config.h is not included here, so say it ourselves
 * (guarded, in case the build defines it on the command line). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "lodge/cleanup.h"
#include "lodge/error.h"
#include "lodge/oci_spec.h"

/* Nesting deeper than this is refused before yajl sees the text: yajl_tree
 * frees its tree recursively, so a hostile "[[[[..." would otherwise
 * overflow the stack.  Real documents nest fewer than ten levels. */
#define OCI_MAX_DEPTH 64

/* ---- JSON paths for error messages -------------------------------------
 * A path is a chain of stack frames, one per level, so building it costs
 * nothing until an error is reported.  A NULL path is the document root. */
struct oci_path
{
  const struct oci_path *parent;
  const char *key; /* object member; NULL for an array element */
  size_t index;
};

#define OCI_AT_KEY(p, k) ((struct oci_path){ .parent = (p), .key = (k) })
#define OCI_AT_INDEX(p, i)                                                     \
  ((struct oci_path){ .parent = (p), .key = NULL, .index = (i) })

/* Fill *err with "<path>: <message>" (just the message at the root).
 * Returns -1. */
int oci_path_error (lodge_error_t *err, const struct oci_path *at,
                    const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* The value as a message shows it: strings quoted and escaped (and cut
 * short when long), numbers as written, "an object", "an array", true,
 * false, null.  Malloc'd; NULL only when out of memory. */
char *oci_describe (yajl_val v);
/* A string quoted and escaped for a one-line message.  Malloc'd. */
char *oci_quote (const char *s);

/* "expected <what>, got <value>" at `at`.  Returns -1. */
int oci_type_error (lodge_error_t *err, const struct oci_path *at,
                    const char *what, yajl_val got);

/* ---- reading values ----------------------------------------------------
 * The oci_value_* functions convert one value; they fail with a typed
 * message naming `at`.  The oci_field_* functions look up member `key` of
 * the object `obj` (whose own path is `at`); an absent or null member is
 * "missing required field" when `required`, else they return 0 and leave
 * *out alone.  They return 1 when the member was there and converted.
 * When a key occurs twice the last one counts, as Go's encoding/json (and
 * so runc) does. */

/* Member `key` of object `obj`, or NULL when absent or null. */
yajl_val oci_member (yajl_val obj, const char *key);

int oci_value_object (yajl_val v, const struct oci_path *at,
                      lodge_error_t *err);
int oci_value_string (yajl_val v, const struct oci_path *at, char **out,
                      lodge_error_t *err);
int oci_value_bool (yajl_val v, const struct oci_path *at, bool *out,
                    lodge_error_t *err);
int oci_value_uint (yajl_val v, const struct oci_path *at, uint64_t max,
                    uint64_t *out, lodge_error_t *err);
int oci_value_int (yajl_val v, const struct oci_path *at, int64_t min,
                   int64_t max, int64_t *out, lodge_error_t *err);

int oci_field_object (yajl_val obj, const struct oci_path *at, const char *key,
                      bool required, yajl_val *out, lodge_error_t *err);
int oci_field_array (yajl_val obj, const struct oci_path *at, const char *key,
                     bool required, yajl_val *out, lodge_error_t *err);
int oci_field_string (yajl_val obj, const struct oci_path *at, const char *key,
                      bool required, char **out, lodge_error_t *err);
int oci_field_bool (yajl_val obj, const struct oci_path *at, const char *key,
                    bool required, bool *out, lodge_error_t *err);
int oci_field_u64 (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, uint64_t *out, lodge_error_t *err);
int oci_field_u32 (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, uint32_t *out, lodge_error_t *err);
int oci_field_u16 (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, uint16_t *out, lodge_error_t *err);
int oci_field_i64 (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, int64_t *out, lodge_error_t *err);
int oci_field_i32 (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, int32_t *out, lodge_error_t *err);
/* A string array: malloc'd, NULL-terminated; a present empty array gives
 * a one-slot {NULL} array, so "present but empty" stays distinct from
 * "absent" (an absent env and an empty env differ for hooks). */
int oci_field_strv (yajl_val obj, const struct oci_path *at, const char *key,
                    bool required, char ***out, size_t *out_len,
                    lodge_error_t *err);
int oci_field_u32v (yajl_val obj, const struct oci_path *at, const char *key,
                    bool required, uint32_t **out, size_t *out_len,
                    lodge_error_t *err);
/* An object of string values, in document order. */
int oci_field_map (yajl_val obj, const struct oci_path *at, const char *key,
                   bool required, struct oci_map *out, lodge_error_t *err);

/* Parse an array of objects into a calloc'd array of `size`-byte elements.
 * `parse` fills one element (already zeroed; `v` is known to be an object);
 * on failure every element so far is passed to `clear` and the array
 * freed, so the caller's structure never holds a half-built array. */
typedef int (*oci_parse_elem_fn) (yajl_val v, const struct oci_path *at,
                                  void *elem, lodge_error_t *err);
typedef void (*oci_clear_elem_fn) (void *elem);
int oci_field_array_of (yajl_val obj, const struct oci_path *at,
                        const char *key, bool required, size_t size,
                        oci_parse_elem_fn parse, oci_clear_elem_fn clear,
                        void **out, size_t *out_len, lodge_error_t *err);

/* Typed front end for oci_field_array_of: `field` is the array member of
 * a structure, `field_len` its count. */
#define OCI_FIELD_ARRAY_OF(obj, at, key, required, field, field_len, parse,    \
                           clear, err)                                         \
  ({                                                                           \
    void *arr_ = NULL;                                                         \
    size_t n_ = 0;                                                             \
    int r_                                                                     \
        = oci_field_array_of ((obj), (at), (key), (required), sizeof *(field), \
                              (parse), (clear), &arr_, &n_, (err));            \
    if (r_ > 0)                                                                \
      {                                                                        \
        (field) = (__typeof__ (field))arr_;                                    \
        (field_len) = n_;                                                      \
      }                                                                        \
    r_;                                                                        \
  })

/* Parse a whole document.  Syntax errors read "<name>: invalid JSON: ...",
 * on one line.  A document that is not an object is refused too. */
int oci_parse_document (const char *data, size_t len, const char *name,
                        yajl_val *out, lodge_error_t *err);
/* Read a whole file (malloc'd, NUL-terminated). */
int oci_read_file (const char *path, char **out, size_t *out_len,
                   lodge_error_t *err);

/* ---- the parts of config.json -------------------------------------------
 * Each fills a zeroed structure that the caller owns, even on failure: the
 * caller's free function releases whatever was filled in. */
int oci_process_parse (yajl_val v, const struct oci_path *at,
                       struct oci_process *p, lodge_error_t *err);
int oci_linux_parse (yajl_val v, const struct oci_path *at, struct oci_linux *l,
                     lodge_error_t *err);
int oci_resources_parse (yajl_val v, const struct oci_path *at,
                         struct oci_resources *r, lodge_error_t *err);
int oci_id_mapping_parse (yajl_val v, const struct oci_path *at, void *elem,
                          lodge_error_t *err);

/* Release what an element or sub-structure holds (not the element itself);
 * used by the free functions and by oci_field_array_of on failure. */
void oci_map_clear (struct oci_map *m);
void oci_id_mapping_clear (void *elem);
void oci_rlimit_clear (void *elem);
void oci_mount_clear (void *elem);
void oci_hook_clear (void *elem);
void oci_namespace_clear (void *elem);
void oci_device_clear (void *elem);
void oci_device_cgroup_clear (void *elem);
void oci_weight_device_clear (void *elem);
void oci_throttle_device_clear (void *elem);
void oci_hugepage_limit_clear (void *elem);
void oci_net_priority_clear (void *elem);
void oci_rdma_entry_clear (void *elem);
void oci_seccomp_arg_clear (void *elem);
void oci_seccomp_syscall_clear (void *elem);
void oci_linux_free (struct oci_linux *l);
void oci_hooks_free (struct oci_hooks *h);

/* ---- writing ------------------------------------------------------------ */
void oci_json_kv_uint (struct oci_json *j, const char *key,
                       unsigned long long v);
/* A copy of the text written so far, for the *_emit functions. */
int oci_json_take (struct oci_json *j, char **out, size_t *out_len,
                   lodge_error_t *err);

#endif
