/* lodge: the container's cgroup on v1 (and hybrid) and v2 hosts. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "utils.h"

struct hierarchy
{
  char *mountpoint;
  bool v2;
  bool devices; /* v1 devices controller */
  bool freezer; /* v1 freezer controller */
};

static void
hierarchies_free (struct hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (h[i].mountpoint);
  free (h);
}

/* The cgroup hierarchies mounted in this mount namespace. */
static int
hierarchies_list (struct hierarchy **out, size_t *len, lodge_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return lodge_error (err, errno, "open /proc/self/mountinfo");
  struct hierarchy *h = NULL;
  size_t n = 0;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* id parent dev root mountpoint opts [optional...] - fstype src super */
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[32], super[512];
      if (sscanf (sep + 3, "%31s %*s %511s", fstype, super) != 2)
        continue;
      bool v2 = strcmp (fstype, "cgroup2") == 0;
      if (!v2 && strcmp (fstype, "cgroup") != 0)
        continue;
      char mountpoint[4096];
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mountpoint) != 1)
        continue;
      struct hierarchy *nh = realloc (h, (n + 1) * sizeof *h);
      if (nh == NULL)
        {
          hierarchies_free (h, n);
          return lodge_error (err, errno, "list cgroup hierarchies");
        }
      h = nh;
      h[n] = (struct hierarchy){ .mountpoint = strdup (mountpoint), .v2 = v2 };
      if (!v2)
        {
          char *save = NULL;
          for (char *o = strtok_r (super, ",", &save); o;
               o = strtok_r (NULL, ",", &save))
            {
              if (strcmp (o, "devices") == 0)
                h[n].devices = true;
              else if (strcmp (o, "freezer") == 0)
                h[n].freezer = true;
            }
        }
      n++;
    }
  *out = h;
  *len = n;
  return 0;
}

static bool
valid_path (const char *p)
{
  /* No component may climb out of the hierarchy. */
  for (const char *s = p; (s = strstr (s, "..")); s += 2)
    if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
      return false;
  return true;
}

static char *
systemd_path (const char *spec, lodge_error_t *err)
{
  /* slice:prefix:name; a slice "a-b-c.slice" nests as
   * /a.slice/a-b.slice/a-b-c.slice, as systemd lays it out. */
  cleanup_free char *copy = strdup (spec);
  char *c1 = strchr (copy, ':');
  char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':'))
    {
      lodge_error (err, 0,
                   "linux.cgroupsPath \"%s\": expected slice:prefix:name with "
                   "--systemd-cgroup",
                   spec);
      return NULL;
    }
  *c1 = *c2 = '\0';
  const char *slice = copy[0] ? copy : "system.slice";
  const char *prefix = c1 + 1, *name = c2 + 1;
  size_t sl = strlen (slice);
  if (sl < 7 || strcmp (slice + sl - 6, ".slice") != 0)
    {
      lodge_error (err, 0, "linux.cgroupsPath \"%s\": slice must end in .slice",
                   spec);
      return NULL;
    }
  char buf[4096] = "";
  size_t blen = 0;
  const char *stem_end = slice + sl - 6;
  for (const char *p = slice; p <= stem_end; p++)
    if (p == stem_end || *p == '-')
      {
        int w = snprintf (buf + blen, sizeof buf - blen, "/%.*s.slice",
                          (int)(p - slice), slice);
        if (w < 0 || (size_t)w >= sizeof buf - blen)
          break;
        blen += (size_t)w;
      }
  if (strcmp (slice, "-.slice") == 0)
    buf[0] = '\0';
  if (strstr (name, ".slice"))
    return lodge_strdup_printf ("%s/%s", buf, name);
  return lodge_strdup_printf ("%s/%s%s%s.scope", buf, prefix,
                              prefix[0] ? "-" : "", name);
}

int
lodge_cgroup_path_for (const struct oci_config *c, const char *id, bool systemd,
                       char **out, lodge_error_t *err)
{
  const char *p = c->linux_ ? c->linux_->cgroups_path : NULL;
  char *path;
  if (systemd)
    {
      cleanup_free char *spec
          = lodge_strdup_printf ("%s", p && *p ? p : "system.slice:lodge:");
      if (spec[strlen (spec) - 1] == ':')
        {
          char *full = lodge_strdup_printf ("%s%s", spec, id);
          free (spec);
          spec = full;
        }
      path = systemd_path (spec, err);
      if (path == NULL)
        return -1;
    }
  else if (p == NULL || *p == '\0')
    path = lodge_strdup_printf ("%s/%s", LODGE_CGROUP_PARENT, id);
  else if (p[0] == '/')
    path = strdup (p);
  else
    path = lodge_strdup_printf ("%s/%s", LODGE_CGROUP_PARENT, p);
  size_t l = strlen (path);
  while (l > 1 && path[l - 1] == '/')
    path[--l] = '\0';
  if (!valid_path (path) || strcmp (path, "/") == 0)
    {
      lodge_error (err, 0, "linux.cgroupsPath \"%s\": invalid cgroup path", p);
      free (path);
      return -1;
    }
  *out = path;
  return 0;
}

static int
write_at (const char *dir, const char *file, const char *value,
          lodge_error_t *err)
{
  cleanup_free char *path = lodge_strdup_printf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", path);
  if (write (fd, value, strlen (value)) < 0)
    return lodge_error (err, errno, "write \"%s\" to %s", value, path);
  return 0;
}

static void
device_rule (const struct oci_device_cgroup *d, char *buf, size_t len)
{
  char major[24] = "*", minor[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long)d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long)d->minor);
  snprintf (buf, len, "%s %s:%s %s", d->type && *d->type ? d->type : "a", major,
            minor, d->access && *d->access ? d->access : "rwm");
}

static const struct oci_device_cgroup default_devices[] = {
  /* mknod of any node; the nodes every container has; ptys; tun. */
  { true, "c", false, 0, false, 0, "m" },
  { true, "b", false, 0, false, 0, "m" },
  { true, "c", true, 1, true, 3, "rwm" },    /* null */
  { true, "c", true, 1, true, 8, "rwm" },    /* random */
  { true, "c", true, 1, true, 7, "rwm" },    /* full */
  { true, "c", true, 5, true, 0, "rwm" },    /* tty */
  { true, "c", true, 1, true, 5, "rwm" },    /* zero */
  { true, "c", true, 1, true, 9, "rwm" },    /* urandom */
  { true, "c", true, 136, false, 0, "rwm" }, /* pts */
  { true, "c", true, 5, true, 2, "rwm" },    /* ptmx */
  { true, "c", true, 10, true, 200, "rwm" }, /* tun */
};

int
lodge_cgroup_default_devices (struct oci_device_cgroup **out, size_t *len)
{
  *out = (struct oci_device_cgroup *)default_devices;
  *len = sizeof default_devices / sizeof *default_devices;
  return 0;
}

static int
apply_v1_devices (const char *dir, const struct oci_resources *r,
                  lodge_error_t *err)
{
  /* Start from nothing, then the config's rules in order, then the
   * defaults, as runc does. */
  if (write_at (dir, "devices.deny", "a", err) < 0)
    return -1;
  char rule[96];
  size_t n = r ? r->devices_len : 0;
  for (size_t i = 0; i < n; i++)
    {
      const struct oci_device_cgroup *d = &r->devices[i];
      device_rule (d, rule, sizeof rule);
      if (write_at (dir, d->allow ? "devices.allow" : "devices.deny", rule, err)
          < 0)
        return lodge_error_prefix (err, "linux.resources.devices[%zu]", i);
    }
  for (size_t i = 0; i < sizeof default_devices / sizeof *default_devices; i++)
    {
      device_rule (&default_devices[i], rule, sizeof rule);
      if (write_at (dir, "devices.allow", rule, err) < 0)
        return -1;
    }
  return 0;
}

/* A new v1 cpuset cgroup starts with no cpus and no mems, and no task
 * can join it: give each level its parent's, top down. */
static void
cpuset_fill (const char *mountpoint, const char *path)
{
  cleanup_free char *dir = strdup (mountpoint);
  cleanup_free char *rest = strdup (path);
  char *save = NULL;
  for (char *comp = strtok_r (rest, "/", &save); comp;
       comp = strtok_r (NULL, "/", &save))
    {
      char *child = lodge_strdup_printf ("%s/%s", dir, comp);
      static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
      for (size_t f = 0; f < 2; f++)
        {
          cleanup_free char *mine = NULL, *theirs = NULL;
          cleanup_free char *mp = lodge_strdup_printf ("%s/%s", child, files[f]);
          cleanup_free char *pp = lodge_strdup_printf ("%s/%s", dir, files[f]);
          lodge_error_t e = NULL;
          if (lodge_read_file (mp, &mine, NULL, &e) == 0 && mine[0] == '\n'
              && lodge_read_file (pp, &theirs, NULL, &e) == 0)
            {
              theirs[strcspn (theirs, "\n")] = '\0';
              write_at (child, files[f], theirs, &e);
            }
          lodge_error_free (&e);
        }
      free (dir);
      dir = child;
    }
}

int
lodge_cgroup_enter (const char *path, pid_t pid, const struct oci_resources *r,
                    bool *created, lodge_error_t *err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  if (hierarchies_list (&h, &n, err) < 0)
    return -1;
  char pidbuf[24];
  snprintf (pidbuf, sizeof pidbuf, "%d", pid);
  int ret = 0;
  bool made = false;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      cleanup_free char *dir
          = lodge_strdup_printf ("%s%s", h[i].mountpoint, path);
      struct stat st;
      bool existed = stat (dir, &st) == 0;
      if (!existed)
        {
          if (lodge_mkdir_p (dir, 0755, err) < 0)
            {
              ret = lodge_error_prefix (err, "create cgroup");
              break;
            }
          made = true;
        }
      if (h[i].v2 == false && h[i].devices)
        {
          /* cpuset-style inheritance is not an issue for devices; but a
           * joined, pre-existing cgroup keeps its owner's rules. */
          if (!existed && apply_v1_devices (dir, r, err) < 0)
            {
              ret = -1;
              break;
            }
        }
      if (strstr (h[i].mountpoint, "cpuset") && !existed)
        cpuset_fill (h[i].mountpoint, path);
      if (write_at (dir, "cgroup.procs", pidbuf, err) < 0)
        ret = lodge_error_prefix (err, "join cgroup %s", path);
    }
  hierarchies_free (h, n);
  *created = made;
  return ret;
}

static int
read_pids (const char *dir, pid_t **pids, size_t *len)
{
  cleanup_free char *path = lodge_strdup_printf ("%s/cgroup.procs", dir);
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return -1;
  pid_t *v = NULL;
  size_t n = 0;
  int p;
  while (fscanf (f, "%d", &p) == 1)
    {
      pid_t *nv = realloc (v, (n + 1) * sizeof *v);
      if (nv == NULL)
        break;
      v = nv;
      v[n++] = p;
    }
  *pids = v;
  *len = n;
  return 0;
}

int
lodge_cgroup_pids (const char *path, pid_t **pids, size_t *len,
                   lodge_error_t *err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  *pids = NULL;
  *len = 0;
  if (path == NULL)
    return 0;
  if (hierarchies_list (&h, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *dir
          = lodge_strdup_printf ("%s%s", h[i].mountpoint, path);
      if (read_pids (dir, pids, len) == 0)
        break;
    }
  hierarchies_free (h, n);
  return 0;
}

static const char *
freezer_dir (struct hierarchy *h, size_t n, const char *path, char **dir,
             bool *v2)
{
  for (size_t i = 0; i < n; i++)
    if (h[i].freezer)
      {
        *v2 = false;
        return *dir = lodge_strdup_printf ("%s%s", h[i].mountpoint, path);
      }
  for (size_t i = 0; i < n; i++)
    if (h[i].v2)
      {
        cleanup_free char *d
            = lodge_strdup_printf ("%s%s/cgroup.freeze", h[i].mountpoint, path);
        if (access (d, F_OK) == 0)
          {
            *v2 = true;
            return *dir = lodge_strdup_printf ("%s%s", h[i].mountpoint, path);
          }
      }
  return NULL;
}

static int
set_frozen (const char *dir, bool v2, bool frozen, lodge_error_t *err)
{
  if (v2)
    return write_at (dir, "cgroup.freeze", frozen ? "1" : "0", err);
  if (write_at (dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err) < 0)
    return -1;
  if (!frozen)
    return 0;
  /* FREEZING turns into FROZEN once every task has stopped. */
  cleanup_free char *p = lodge_strdup_printf ("%s/freezer.state", dir);
  for (int i = 0; i < 1000; i++)
    {
      cleanup_free char *v = NULL;
      lodge_error_t ignored = NULL;
      if (lodge_read_file (p, &v, NULL, &ignored) < 0)
        {
          lodge_error_free (&ignored);
          return 0;
        }
      if (strncmp (v, "FROZEN", 6) == 0)
        return 0;
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
  return lodge_error (err, ETIMEDOUT, "freeze %s", dir);
}

bool
lodge_cgroup_is_frozen (const char *path)
{
  if (path == NULL)
    return false;
  struct hierarchy *h = NULL;
  size_t n = 0;
  lodge_error_t e = NULL;
  if (hierarchies_list (&h, &n, &e) < 0)
    {
      lodge_error_free (&e);
      return false;
    }
  bool v2 = false;
  cleanup_free char *dir = NULL;
  bool frozen = false;
  if (freezer_dir (h, n, path, &dir, &v2))
    {
      cleanup_free char *f = lodge_strdup_printf (
          "%s/%s", dir, v2 ? "cgroup.freeze" : "freezer.state");
      cleanup_free char *v = NULL;
      if (lodge_read_file (f, &v, NULL, &e) == 0)
        frozen = v2 ? v[0] == '1' : strncmp (v, "FROZEN", 6) == 0;
      lodge_error_free (&e);
    }
  hierarchies_free (h, n);
  return frozen;
}

int
lodge_cgroup_kill_all (const char *path, int sig, lodge_error_t *err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  if (hierarchies_list (&h, &n, err) < 0)
    return -1;
  bool v2 = false;
  cleanup_free char *fdir = NULL;
  freezer_dir (h, n, path, &fdir, &v2);
  lodge_error_t ignored = NULL;
  /* Freeze so nothing forks past the walk; SIGKILL still lands on frozen
   * tasks, other signals wait for the thaw. */
  bool frozen = fdir && set_frozen (fdir, v2, true, &ignored) == 0;
  lodge_error_free (&ignored);
  pid_t *pids = NULL;
  size_t np = 0;
  int ret = lodge_cgroup_pids (path, &pids, &np, err);
  for (size_t i = 0; ret == 0 && i < np; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      ret = lodge_error (err, errno, "kill process %d with signal %d", pids[i],
                         sig);
  free (pids);
  if (frozen)
    set_frozen (fdir, v2, false, &ignored);
  lodge_error_free (&ignored);
  hierarchies_free (h, n);
  return ret;
}

int
lodge_cgroup_destroy (const char *path, lodge_error_t *err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  if (path == NULL)
    return 0;
  if (hierarchies_list (&h, &n, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *dir
          = lodge_strdup_printf ("%s%s", h[i].mountpoint, path);
      /* A process that just got SIGKILL may still be leaving: retry a
       * moment on EBUSY. */
      for (int t = 0; t < 200; t++)
        {
          if (rmdir (dir) == 0 || errno == ENOENT)
            break;
          if (errno != EBUSY)
            {
              if (ret == 0)
                ret = lodge_error (err, errno, "remove cgroup %s", dir);
              break;
            }
          struct timespec ts = { 0, 5000000 };
          nanosleep (&ts, NULL);
          if (t == 199 && ret == 0)
            ret = lodge_error (err, EBUSY, "remove cgroup %s", dir);
        }
    }
  hierarchies_free (h, n);
  return ret;
}
