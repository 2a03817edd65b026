/* lodge: typed reading of yajl trees, with errors that name the JSON path
 * ("process.rlimits[1].soft: expected an unsigned integer, got \"abc\"").
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

/* Values quoted in messages are cut at this many bytes: a message is one
 * line for a person, not a copy of the document. */
#define OCI_QUOTE_MAX 64

/* ---- building message text ---------------------------------------------- */

struct strbuf
{
  char *data;
  size_t len;
  size_t cap;
  bool failed;
};

static void
sb_add (struct strbuf *b, const char *s, size_t n)
{
  if (b->failed)
    return;
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = b->cap ? b->cap : 64;
      char *p;

      while (cap < b->len + n + 1)
        cap *= 2;
      p = realloc (b->data, cap);
      if (p == NULL)
        {
          b->failed = true;
          return;
        }
      b->data = p;
      b->cap = cap;
    }
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void
sb_puts (struct strbuf *b, const char *s)
{
  sb_add (b, s, strlen (s));
}

static char *
sb_finish (struct strbuf *b)
{
  if (b->failed)
    {
      free (b->data);
      return NULL;
    }
  if (b->data == NULL)
    return strdup ("");
  return b->data;
}

/* Append `s` (n bytes) as a JSON string literal, escaped so the message
 * stays on one line; cut at OCI_QUOTE_MAX bytes, never inside a UTF-8
 * sequence. */
static void
sb_quote (struct strbuf *b, const char *s, size_t n)
{
  size_t shown = n;
  bool cut = false;

  if (n > OCI_QUOTE_MAX)
    {
      shown = OCI_QUOTE_MAX;
      while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
        shown--;
      cut = true;
    }

  sb_add (b, "\"", 1);
  for (size_t i = 0; i < shown; i++)
    {
      unsigned char c = (unsigned char)s[i];
      char esc[8];

      switch (c)
        {
        case '"':
          sb_add (b, "\\\"", 2);
          break;
        case '\\':
          sb_add (b, "\\\\", 2);
          break;
        case '\n':
          sb_add (b, "\\n", 2);
          break;
        case '\r':
          sb_add (b, "\\r", 2);
          break;
        case '\t':
          sb_add (b, "\\t", 2);
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              snprintf (esc, sizeof esc, "\\u%04x", c);
              sb_puts (b, esc);
            }
          else
            sb_add (b, (const char *)&s[i], 1);
        }
    }
  sb_add (b, "\"", 1);
  if (cut)
    sb_add (b, "...", 3);
}

char *
oci_quote (const char *s)
{
  struct strbuf b = { 0 };

  sb_quote (&b, s, strlen (s));
  return sb_finish (&b);
}

char *
oci_describe (yajl_val v)
{
  struct strbuf b = { 0 };

  if (v == NULL)
    return strdup ("nothing");
  switch (v->type)
    {
    case yajl_t_string:
      sb_quote (&b, v->u.string, strlen (v->u.string));
      break;
    case yajl_t_number:
      {
        size_t n = strlen (v->u.number.r);

        /* Numbers are ASCII, so cutting anywhere is safe. */
        if (n > OCI_QUOTE_MAX)
          {
            sb_add (&b, v->u.number.r, OCI_QUOTE_MAX);
            sb_add (&b, "...", 3);
          }
        else
          sb_add (&b, v->u.number.r, n);
      }
      break;
    case yajl_t_object:
      sb_puts (&b, "an object");
      break;
    case yajl_t_array:
      sb_puts (&b, "an array");
      break;
    case yajl_t_true:
      sb_puts (&b, "true");
      break;
    case yajl_t_false:
      sb_puts (&b, "false");
      break;
    default:
      sb_puts (&b, "null");
      break;
    }
  return sb_finish (&b);
}

/* A key that reads well after a dot; others are shown as ["key"]. */
static bool
plain_key (const char *k)
{
  if (*k == '\0')
    return false;
  for (const char *p = k; *p; p++)
    if (!isalnum ((unsigned char)*p) && *p != '_' && *p != '-')
      return false;
  return true;
}

static void
sb_path (struct strbuf *b, const struct oci_path *at)
{
  char idx[32];

  if (at == NULL)
    return;
  sb_path (b, at->parent);
  if (at->key == NULL)
    {
      snprintf (idx, sizeof idx, "[%zu]", at->index);
      sb_puts (b, idx);
    }
  else if (plain_key (at->key))
    {
      if (at->parent != NULL)
        sb_add (b, ".", 1);
      sb_puts (b, at->key);
    }
  else
    {
      sb_add (b, "[", 1);
      sb_quote (b, at->key, strlen (at->key));
      sb_add (b, "]", 1);
    }
}

int
oci_path_error (lodge_error_t *err, const struct oci_path *at, const char *fmt,
                ...)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *path = NULL;
  struct strbuf b = { 0 };
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    return lodge_error (err, ENOMEM, "format error message");

  sb_path (&b, at);
  path = sb_finish (&b);
  if (path == NULL)
    return lodge_error (err, ENOMEM, "format error message");
  if (*path == '\0')
    return lodge_error (err, 0, "%s", msg);
  return lodge_error (err, 0, "%s: %s", path, msg);
}

int
oci_type_error (lodge_error_t *err, const struct oci_path *at, const char *what,
                yajl_val got)
{
  cleanup_free char *shown = oci_describe (got);

  return oci_path_error (err, at, "expected %s, got %s", what,
                         shown ? shown : "?");
}

/* ---- single values ------------------------------------------------------ */

yajl_val
oci_member (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  /* From the end: with a repeated key the last one wins, as in Go. */
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      {
        yajl_val v = obj->u.object.values[i - 1];
        return YAJL_IS_NULL (v) ? NULL : v;
      }
  return NULL;
}

int
oci_value_object (yajl_val v, const struct oci_path *at, lodge_error_t *err)
{
  if (!YAJL_IS_OBJECT (v))
    return oci_type_error (err, at, "an object", v);
  return 0;
}

int
oci_value_string (yajl_val v, const struct oci_path *at, char **out,
                  lodge_error_t *err)
{
  char *s;

  if (!YAJL_IS_STRING (v))
    return oci_type_error (err, at, "a string", v);
  s = strdup (v->u.string);
  if (s == NULL)
    return lodge_error (err, ENOMEM, "copy string");
  free (*out);
  *out = s;
  return 0;
}

int
oci_value_bool (yajl_val v, const struct oci_path *at, bool *out,
                lodge_error_t *err)
{
  if (YAJL_IS_TRUE (v))
    *out = true;
  else if (YAJL_IS_FALSE (v))
    *out = false;
  else
    return oci_type_error (err, at, "a boolean", v);
  return 0;
}

/* True when the number's text is an integer: JSON allows fractions and
 * exponents, which no integer field of the spec takes (Go refuses them). */
static bool
integer_text (const char *r)
{
  const char *p = r;

  if (*p == '-')
    p++;
  if (*p == '\0')
    return false;
  for (; *p; p++)
    if (!isdigit ((unsigned char)*p))
      return false;
  return true;
}

/* The yajl_tree keeps every number's text in u.number.r, so values past
 * LLONG_MAX (seccomp's uint64 masks) are read from there, not from the
 * long long that yajl could not fill. */
int
oci_value_uint (yajl_val v, const struct oci_path *at, uint64_t max,
                uint64_t *out, lodge_error_t *err)
{
  unsigned long long n;
  const char *r;
  char *end;

  if (!YAJL_IS_NUMBER (v) || !integer_text (v->u.number.r))
    return oci_type_error (err, at, "an unsigned integer", v);
  r = v->u.number.r;
  if (*r == '-')
    {
      cleanup_free char *shown = oci_describe (v);
      return oci_path_error (err, at, "%s is out of range (0 to %" PRIu64 ")",
                             shown ? shown : r, max);
    }
  errno = 0;
  n = strtoull (r, &end, 10);
  if (errno == ERANGE || *end != '\0' || n > max)
    {
      cleanup_free char *shown = oci_describe (v);
      return oci_path_error (err, at, "%s is out of range (0 to %" PRIu64 ")",
                             shown ? shown : r, max);
    }
  *out = n;
  return 0;
}

int
oci_value_int (yajl_val v, const struct oci_path *at, int64_t min, int64_t max,
               int64_t *out, lodge_error_t *err)
{
  long long n;
  char *end;

  if (!YAJL_IS_NUMBER (v) || !integer_text (v->u.number.r))
    return oci_type_error (err, at, "an integer", v);
  errno = 0;
  n = strtoll (v->u.number.r, &end, 10);
  if (errno == ERANGE || *end != '\0' || n < min || n > max)
    {
      cleanup_free char *shown = oci_describe (v);
      return oci_path_error (err, at,
                             "%s is out of range (%" PRId64 " to %" PRId64 ")",
                             shown ? shown : v->u.number.r, min, max);
    }
  *out = n;
  return 0;
}

/* ---- members of an object ----------------------------------------------- */

/* The member, or NULL (and maybe an error) when it is absent. */
static int
lookup (yajl_val obj, const struct oci_path *at, const char *key, bool required,
        yajl_val *out, lodge_error_t *err)
{
  *out = oci_member (obj, key);
  if (*out != NULL)
    return 1;
  if (required)
    {
      struct oci_path here = OCI_AT_KEY (at, key);
      return oci_path_error (err, &here, "missing required field");
    }
  return 0;
}

int
oci_field_object (yajl_val obj, const struct oci_path *at, const char *key,
                  bool required, yajl_val *out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (!YAJL_IS_OBJECT (v))
    return oci_type_error (err, &here, "an object", v);
  *out = v;
  return 1;
}

int
oci_field_array (yajl_val obj, const struct oci_path *at, const char *key,
                 bool required, yajl_val *out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (!YAJL_IS_ARRAY (v))
    return oci_type_error (err, &here, "an array", v);
  *out = v;
  return 1;
}

int
oci_field_string (yajl_val obj, const struct oci_path *at, const char *key,
                  bool required, char **out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (oci_value_string (v, &here, out, err) < 0)
    return -1;
  return 1;
}

int
oci_field_bool (yajl_val obj, const struct oci_path *at, const char *key,
                bool required, bool *out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (oci_value_bool (v, &here, out, err) < 0)
    return -1;
  return 1;
}

static int
field_uint (yajl_val obj, const struct oci_path *at, const char *key,
            bool required, uint64_t max, uint64_t *out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (oci_value_uint (v, &here, max, out, err) < 0)
    return -1;
  return 1;
}

static int
field_int (yajl_val obj, const struct oci_path *at, const char *key,
           bool required, int64_t min, int64_t max, int64_t *out,
           lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  yajl_val v;
  int r = lookup (obj, at, key, required, &v, err);

  if (r <= 0)
    return r;
  if (oci_value_int (v, &here, min, max, out, err) < 0)
    return -1;
  return 1;
}

int
oci_field_u64 (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, uint64_t *out, lodge_error_t *err)
{
  return field_uint (obj, at, key, required, UINT64_MAX, out, err);
}

int
oci_field_u32 (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, uint32_t *out, lodge_error_t *err)
{
  uint64_t n = 0;
  int r = field_uint (obj, at, key, required, UINT32_MAX, &n, err);

  if (r > 0)
    *out = (uint32_t)n;
  return r;
}

int
oci_field_u16 (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, uint16_t *out, lodge_error_t *err)
{
  uint64_t n = 0;
  int r = field_uint (obj, at, key, required, UINT16_MAX, &n, err);

  if (r > 0)
    *out = (uint16_t)n;
  return r;
}

int
oci_field_i64 (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, int64_t *out, lodge_error_t *err)
{
  return field_int (obj, at, key, required, INT64_MIN, INT64_MAX, out, err);
}

int
oci_field_i32 (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, int32_t *out, lodge_error_t *err)
{
  int64_t n = 0;
  int r = field_int (obj, at, key, required, INT32_MIN, INT32_MAX, &n, err);

  if (r > 0)
    *out = (int32_t)n;
  return r;
}

int
oci_field_strv (yajl_val obj, const struct oci_path *at, const char *key,
                bool required, char ***out, size_t *out_len, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  cleanup_strv char **v = NULL;
  yajl_val a;
  size_t n;
  int r = oci_field_array (obj, at, key, required, &a, err);

  if (r <= 0)
    return r;
  n = a->u.array.len;
  v = calloc (n + 1, sizeof *v);
  if (v == NULL)
    return lodge_error (err, ENOMEM, "allocate %zu strings", n);
  for (size_t i = 0; i < n; i++)
    {
      struct oci_path elem = OCI_AT_INDEX (&here, i);
      if (oci_value_string (a->u.array.values[i], &elem, &v[i], err) < 0)
        return -1;
    }
  lodge_strv_free (*out);
  *out = move_ptr (v);
  *out_len = n;
  return 1;
}

int
oci_field_u32v (yajl_val obj, const struct oci_path *at, const char *key,
                bool required, uint32_t **out, size_t *out_len,
                lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  cleanup_free uint32_t *v = NULL;
  yajl_val a;
  size_t n;
  int r = oci_field_array (obj, at, key, required, &a, err);

  if (r <= 0)
    return r;
  n = a->u.array.len;
  /* One spare slot so an empty array still gets a non-NULL pointer. */
  v = calloc (n + 1, sizeof *v);
  if (v == NULL)
    return lodge_error (err, ENOMEM, "allocate %zu integers", n);
  for (size_t i = 0; i < n; i++)
    {
      struct oci_path elem = OCI_AT_INDEX (&here, i);
      uint64_t x;
      if (oci_value_uint (a->u.array.values[i], &elem, UINT32_MAX, &x, err) < 0)
        return -1;
      v[i] = (uint32_t)x;
    }
  free (*out);
  *out = move_ptr (v);
  *out_len = n;
  return 1;
}

int
oci_field_map (yajl_val obj, const struct oci_path *at, const char *key,
               bool required, struct oci_map *out, lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  struct oci_map m = { 0 };
  yajl_val o;
  size_t n;
  int r = oci_field_object (obj, at, key, required, &o, err);

  if (r <= 0)
    return r;
  n = o->u.object.len;
  m.keys = calloc (n + 1, sizeof *m.keys);
  m.values = calloc (n + 1, sizeof *m.values);
  if (m.keys == NULL || m.values == NULL)
    {
      oci_map_clear (&m);
      return lodge_error (err, ENOMEM, "allocate %zu map entries", n);
    }
  for (size_t i = 0; i < n; i++)
    {
      const char *k = o->u.object.keys[i];
      struct oci_path elem = OCI_AT_KEY (&here, k);
      char *val = NULL;
      size_t slot = m.len;

      if (oci_value_string (o->u.object.values[i], &elem, &val, err) < 0)
        {
          oci_map_clear (&m);
          return -1;
        }
      /* A repeated key replaces the earlier value but keeps its place,
       * which is what decoding into a Go map and re-encoding would give
       * (apart from Go's sorting). */
      for (size_t j = 0; j < m.len; j++)
        if (strcmp (m.keys[j], k) == 0)
          {
            slot = j;
            break;
          }
      if (slot < m.len)
        {
          free (m.values[slot]);
          m.values[slot] = val;
          continue;
        }
      m.keys[slot] = strdup (k);
      m.values[slot] = val;
      m.len++;
      if (m.keys[slot] == NULL)
        {
          oci_map_clear (&m);
          return lodge_error (err, ENOMEM, "copy map key");
        }
    }
  oci_map_clear (out);
  *out = m;
  return 1;
}

int
oci_field_array_of (yajl_val obj, const struct oci_path *at, const char *key,
                    bool required, size_t size, oci_parse_elem_fn parse,
                    oci_clear_elem_fn clear, void **out, size_t *out_len,
                    lodge_error_t *err)
{
  struct oci_path here = OCI_AT_KEY (at, key);
  char *arr;
  yajl_val a;
  size_t n;
  int r = oci_field_array (obj, at, key, required, &a, err);

  if (r <= 0)
    return r;
  n = a->u.array.len;
  if (n == 0)
    {
      *out = NULL;
      *out_len = 0;
      return 1;
    }
  arr = calloc (n, size);
  if (arr == NULL)
    return lodge_error (err, ENOMEM, "allocate %zu elements", n);
  for (size_t i = 0; i < n; i++)
    {
      struct oci_path elem = OCI_AT_INDEX (&here, i);
      yajl_val v = a->u.array.values[i];

      if (oci_value_object (v, &elem, err) < 0
          || parse (v, &elem, arr + i * size, err) < 0)
        {
          for (size_t j = 0; j <= i; j++)
            clear (arr + j * size);
          free (arr);
          return -1;
        }
    }
  *out = arr;
  *out_len = n;
  return 1;
}

/* ---- documents ---------------------------------------------------------- */

/* Refuse nesting past OCI_MAX_DEPTH before yajl builds (and later frees,
 * recursively) the tree.  Brackets inside strings do not count. */
static bool
too_deep (const char *data, size_t len)
{
  bool in_string = false;
  size_t depth = 0;

  for (size_t i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = false;
          continue;
        }
      if (c == '"')
        in_string = true;
      else if (c == '[' || c == '{')
        {
          if (++depth > OCI_MAX_DEPTH)
            return true;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return false;
}

/* yajl_tree's message quotes the text over several lines with a caret
 * under it; a message must be one line.  So on failure the text is
 * parsed again with a bare yajl handle, which tells where it stopped, and
 * the message says "line L, column C: <what yajl found>". */
static void
syntax_error (const char *text, size_t len, char *buf, size_t size)
{
  static const char *const prefixes[]
      = { "parse error: ", "lexical error: ", NULL };
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  yajl_status st;
  size_t offset, line = 1, column = 1;
  unsigned char *msg;
  const char *m;
  char *w;

  if (h == NULL)
    {
      snprintf (buf, size, "cannot parse");
      return;
    }
  /* As yajl_tree_parse configures its handle. */
  yajl_config (h, yajl_allow_comments, 1);
  st = yajl_parse (h, (const unsigned char *)text, len);
  /* yajl has consumed the offending byte; point at it. */
  offset = yajl_get_bytes_consumed (h);
  if (offset > 0)
    offset--;
  if (st == yajl_status_ok)
    {
      /* The text ended early: point just past its end. */
      st = yajl_complete_parse (h);
      offset = len;
    }
  if (st == yajl_status_ok)
    {
      /* The text is valid: yajl_tree_parse failed for want of memory. */
      yajl_free (h);
      snprintf (buf, size, "out of memory");
      return;
    }
  if (offset > len)
    offset = len;
  for (size_t i = 0; i < offset; i++)
    {
      if (text[i] == '\n')
        {
          line++;
          column = 1;
        }
      else
        column++;
    }

  msg = yajl_get_error (h, 0, (const unsigned char *)text, len);
  m = msg ? (const char *)msg : "cannot parse";
  for (const char *const *p = prefixes; *p; p++)
    if (strncmp (m, *p, strlen (*p)) == 0)
      {
        m += strlen (*p);
        break;
      }
  snprintf (buf, size, "line %zu, column %zu: %s", line, column, m);
  if (msg)
    yajl_free_error (h, msg);
  yajl_free (h);

  /* Trailing newline and periods out, any other line break folded. */
  for (w = buf; *w; w++)
    if (*w == '\n' || *w == '\r' || *w == '\t')
      *w = ' ';
  while (w > buf && (w[-1] == ' ' || w[-1] == '.'))
    *--w = '\0';
}

int
oci_parse_document (const char *data, size_t len, const char *name,
                    yajl_val *out, lodge_error_t *err)
{
  cleanup_free char *copy = NULL;
  char errbuf[1024] = "";
  const char *nul;
  yajl_val tree;

  if (data == NULL)
    len = 0;
  nul = len ? memchr (data, '\0', len) : NULL;
  if (nul != NULL)
    return lodge_error (err, 0, "%s: invalid JSON: NUL byte at offset %zu",
                        name, (size_t)(nul - data));
  if (too_deep (data, len))
    return lodge_error (err, 0,
                        "%s: invalid JSON: nested deeper than %d levels", name,
                        OCI_MAX_DEPTH);

  /* yajl_tree_parse wants a NUL-terminated string. */
  copy = malloc (len + 1);
  if (copy == NULL)
    return lodge_error (err, ENOMEM, "%s: read", name);
  if (len)
    memcpy (copy, data, len);
  copy[len] = '\0';

  tree = yajl_tree_parse (copy, errbuf, sizeof errbuf);
  if (tree == NULL)
    {
      syntax_error (copy, len, errbuf, sizeof errbuf);
      return lodge_error (err, 0, "%s: invalid JSON: %s", name, errbuf);
    }
  if (!YAJL_IS_OBJECT (tree))
    {
      cleanup_free char *shown = oci_describe (tree);
      yajl_tree_free (tree);
      return lodge_error (err, 0, "%s: expected an object, got %s", name,
                          shown ? shown : "?");
    }
  *out = tree;
  return 0;
}

int
oci_read_file (const char *path, char **out, size_t *out_len,
               lodge_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;
  struct stat st;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", path);
  if (fstat (fd, &st) < 0)
    return lodge_error (err, errno, "stat %s", path);
  /* Only a hint: /proc files and pipes report 0. */
  cap = S_ISREG (st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
  buf = malloc (cap);
  if (buf == NULL)
    return lodge_error (err, ENOMEM, "read %s", path);

  for (;;)
    {
      ssize_t n;

      if (len + 1 >= cap)
        {
          char *p = realloc (buf, cap * 2);
          if (p == NULL)
            return lodge_error (err, ENOMEM, "read %s", path);
          buf = p;
          cap *= 2;
        }
      n = read (fd, buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return lodge_error (err, errno, "read %s", path);
      if (n == 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  *out = move_ptr (buf);
  *out_len = len;
  return 0;
}

/* ---- generic look-up ---------------------------------------------------- */

/* Parse `data` and copy out the value at `keys` as text: a string as is,
 * a number as written.  NULL when absent or of another type. */
static char *
lookup_text (const char *data, const char *const *keys, bool want_string)
{
  char errbuf[256];
  yajl_val tree, v;
  char *ret = NULL;

  if (data == NULL || keys == NULL || too_deep (data, strlen (data)))
    return NULL;
  tree = yajl_tree_parse (data, errbuf, sizeof errbuf);
  if (tree == NULL)
    return NULL;

  v = tree;
  for (const char *const *k = keys; *k && v; k++)
    v = oci_member (v, *k);
  if (YAJL_IS_STRING (v) && want_string)
    ret = strdup (v->u.string);
  else if (YAJL_IS_NUMBER (v))
    ret = strdup (v->u.number.r);

  yajl_tree_free (tree);
  return ret;
}

char *
oci_json_get_string (const char *data, const char *const *keys)
{
  /* Numbers come back as written, so a caller holding a string-typed
   * look-up still reads a pid. */
  return lookup_text (data, keys, true);
}

long long
oci_json_get_int (const char *data, const char *const *keys)
{
  cleanup_free char *text = lookup_text (data, keys, false);
  long long n;
  char *end;

  if (text == NULL || !integer_text (text))
    return -1;
  errno = 0;
  n = strtoll (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  return n;
}
