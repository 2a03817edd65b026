/* lodge: the oci_json_* writer, a thin layer over yajl_gen so that nothing
 * outside oci-spec/ needs yajl. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

/* yajl prints into our buffer (not its own) so that an empty array or
 * object can be tidied: pretty yajl writes "[\n\n\t]" where Go, and so
 * runc's `spec`, writes "[]". */
struct oci_json
{
  yajl_gen gen;
  bool pretty;
  bool failed; /* out of memory: the text is cut short */
  char *buf;
  size_t len;
  size_t cap;
  /* Length of the text just after the last "[" or "{" was opened, or
   * (size_t) -1 when something was written since. */
  size_t opened_at;
};

static void
print_cb (void *ctx, const char *s, size_t n)
{
  struct oci_json *j = ctx;

  if (j->failed)
    return;
  if (j->len + n + 1 > j->cap)
    {
      size_t cap = j->cap ? j->cap : 1024;
      char *p;

      while (cap < j->len + n + 1)
        cap *= 2;
      p = realloc (j->buf, cap);
      if (p == NULL)
        {
          j->failed = true;
          return;
        }
      j->buf = p;
      j->cap = cap;
    }
  memcpy (j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = '\0';
}

/* Every call but a close clears the mark, so only "open; close" with
 * nothing between is tidied. */
static void
wrote (struct oci_json *j)
{
  j->opened_at = (size_t)-1;
}

static void
opened (struct oci_json *j)
{
  j->opened_at = j->len;
}

/* After the close of an empty container: yajl printed "\n" after the
 * bracket and "\n<indent>]" (maybe "\n" more at the end of the document)
 * now; keep only the bracket and what follows the closing one. */
static void
tidy_empty (struct oci_json *j, size_t before_close)
{
  size_t keep, tail;

  if (!j->pretty || j->failed || j->opened_at == (size_t)-1 || j->opened_at == 0
      || j->buf[j->opened_at - 1] != '\n')
    return;
  keep = j->opened_at - 1;
  tail = before_close;
  while (
      tail < j->len
      && (j->buf[tail] == '\n' || j->buf[tail] == '\t' || j->buf[tail] == ' '))
    tail++;
  memmove (j->buf + keep, j->buf + tail, j->len - tail);
  j->len = keep + (j->len - tail);
  j->buf[j->len] = '\0';
}

struct oci_json *
oci_json_new (bool pretty)
{
  struct oci_json *j = calloc (1, sizeof *j);

  if (j == NULL)
    return NULL;
  j->gen = yajl_gen_alloc (NULL);
  if (j->gen == NULL)
    {
      free (j);
      return NULL;
    }
  j->pretty = pretty;
  j->opened_at = (size_t)-1;
  yajl_gen_config (j->gen, yajl_gen_print_callback, print_cb, j);
  if (pretty)
    {
      yajl_gen_config (j->gen, yajl_gen_beautify, 1);
      /* Tabs, as runc's `spec` (Go's MarshalIndent with "\t") writes. */
      yajl_gen_config (j->gen, yajl_gen_indent_string, "\t");
    }
  return j;
}

void
oci_json_free (struct oci_json *j)
{
  if (j == NULL)
    return;
  yajl_gen_free (j->gen);
  free (j->buf);
  free (j);
}

/* Calls out of order (a value where a key belongs) are refused by yajl
 * and leave the text unchanged: the writer has no error channel, and the
 * caller's tests see the missing text. */

void
oci_json_map_open (struct oci_json *j)
{
  if (j == NULL)
    return;
  if (yajl_gen_map_open (j->gen) == yajl_gen_status_ok)
    opened (j);
  else
    wrote (j);
}

void
oci_json_map_close (struct oci_json *j)
{
  size_t before;

  if (j == NULL)
    return;
  before = j->len;
  if (yajl_gen_map_close (j->gen) == yajl_gen_status_ok)
    tidy_empty (j, before);
  wrote (j);
}

void
oci_json_array_open (struct oci_json *j)
{
  if (j == NULL)
    return;
  if (yajl_gen_array_open (j->gen) == yajl_gen_status_ok)
    opened (j);
  else
    wrote (j);
}

void
oci_json_array_close (struct oci_json *j)
{
  size_t before;

  if (j == NULL)
    return;
  before = j->len;
  if (yajl_gen_array_close (j->gen) == yajl_gen_status_ok)
    tidy_empty (j, before);
  wrote (j);
}

static void
gen_string (struct oci_json *j, const char *s)
{
  yajl_gen_string (j->gen, (const unsigned char *)s, strlen (s));
  wrote (j);
}

void
oci_json_key (struct oci_json *j, const char *key)
{
  if (j)
    gen_string (j, key ? key : "");
}

void
oci_json_string (struct oci_json *j, const char *s)
{
  if (j == NULL)
    return;
  if (s == NULL)
    {
      yajl_gen_null (j->gen);
      wrote (j);
    }
  else
    gen_string (j, s);
}

void
oci_json_int (struct oci_json *j, long long v)
{
  if (j == NULL)
    return;
  yajl_gen_integer (j->gen, v);
  wrote (j);
}

void
oci_json_uint (struct oci_json *j, unsigned long long v)
{
  char buf[32];
  int n;

  if (j == NULL)
    return;
  /* yajl_gen_integer takes a long long; values past LLONG_MAX (seccomp
   * masks) go through the number's text instead. */
  n = snprintf (buf, sizeof buf, "%llu", v);
  yajl_gen_number (j->gen, buf, (size_t)n);
  wrote (j);
}

void
oci_json_bool (struct oci_json *j, bool v)
{
  if (j == NULL)
    return;
  yajl_gen_bool (j->gen, v);
  wrote (j);
}

void
oci_json_null (struct oci_json *j)
{
  if (j == NULL)
    return;
  yajl_gen_null (j->gen);
  wrote (j);
}

void
oci_json_kv_string (struct oci_json *j, const char *key, const char *s)
{
  oci_json_key (j, key);
  oci_json_string (j, s);
}

void
oci_json_kv_int (struct oci_json *j, const char *key, long long v)
{
  oci_json_key (j, key);
  oci_json_int (j, v);
}

void
oci_json_kv_uint (struct oci_json *j, const char *key, unsigned long long v)
{
  oci_json_key (j, key);
  oci_json_uint (j, v);
}

void
oci_json_kv_bool (struct oci_json *j, const char *key, bool v)
{
  oci_json_key (j, key);
  oci_json_bool (j, v);
}

void
oci_json_kv_strv (struct oci_json *j, const char *key, char *const *v,
                  size_t len)
{
  oci_json_key (j, key);
  oci_json_array_open (j);
  for (size_t i = 0; v && i < len; i++)
    oci_json_string (j, v[i]);
  oci_json_array_close (j);
}

const char *
oci_json_buffer (struct oci_json *j, size_t *len)
{
  if (j == NULL || j->buf == NULL)
    {
      if (len)
        *len = 0;
      return "";
    }
  if (len)
    *len = j->len;
  return j->buf;
}

int
oci_json_take (struct oci_json *j, char **out, size_t *out_len,
               lodge_error_t *err)
{
  size_t n = 0;
  const char *buf = oci_json_buffer (j, &n);
  char *copy;

  if (j == NULL || j->failed)
    return lodge_error (err, ENOMEM, "write JSON");
  copy = malloc (n + 1);
  if (copy == NULL)
    return lodge_error (err, ENOMEM, "allocate %zu bytes of JSON", n + 1);
  memcpy (copy, buf, n);
  copy[n] = '\0';
  *out = copy;
  if (out_len)
    *out_len = n;
  return 0;
}
