/* lodge: the container's cgroup, on libcgroup.
 *
 * Which parts go through libcgroup (2.0.2 as Debian 12 ships it) and which
 * are plain cgroupfs I/O, and why:
 *  - creating the leaf, attaching the process and writing controller files
 *    use libcgroup (cgroup_create_cgroup, cgroup_attach_task_pid,
 *    cgroup_modify_cgroup), one controller per call so an error names the
 *    file that failed;
 *  - named v1 hierarchies (name=systemd) are unknown to libcgroup, and so
 *    is a unified mount that lists no controller: those are mkdir/write;
 *  - on a unified mount libcgroup enables controllers in the
 *    cgroup.subtree_control of the levels it creates but never in the root
 *    or in levels that exist already, so the leaf would lack the
 *    controller's files (ENOENT): the parents are made and enabled here;
 *  - it does not give a new v1 cpuset group its parent's cpus and mems,
 *    without which no task can join: done here (cpuset_fill);
 *  - removal is rmdir of an emptied tree: cgroup_delete_cgroup_ext moves
 *    what is still inside to the parent (a straggler would leave the
 *    container's limits) and, with CGFLAG_DELETE_EMPTY_ONLY, reports
 *    success when rmdir failed with EBUSY;
 *  - reads (stats, freezer state, cgroup.procs) are plain reads:
 *    cgroup_get_cgroup reads every file of every controller;
 *  - the core files of the unified hierarchy (cgroup.kill, cgroup.events,
 *    cgroup.freeze) belong to no controller, and eBPF is outside its
 *    scope (cgroup_ebpf.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"
#include "log.h"
#include "utils.h"

/* ---- controllers and hierarchies ------------------------------------- */

static const char *const ctrl_v1[CG_NCTRL]
    = { "cpu",      "cpuacct", "cpuset", "memory",    "devices",
        "freezer",  "blkio",   "pids",   "hugetlb",   "net_cls",
        "net_prio", "rdma",    "misc",   "perf_event" };
static const char *const ctrl_v2[CG_NCTRL]
    = { "cpu",  NULL,      "cpuset", "memory", NULL,   NULL,   "io",
        "pids", "hugetlb", NULL,     NULL,     "rdma", "misc", "perf_event" };

const char *
lodge_cg_ctrl_name (int ctrl, bool v2)
{
  if (ctrl < 0 || ctrl >= CG_NCTRL)
    return NULL;
  return v2 ? ctrl_v2[ctrl] : ctrl_v1[ctrl];
}

int
lodge_cg_ctrl_from_name (const char *name)
{
  for (int i = 0; i < CG_NCTRL; i++)
    if (strcmp (name, ctrl_v1[i]) == 0
        || (ctrl_v2[i] && strcmp (name, ctrl_v2[i]) == 0))
      return i;
  return -1;
}

void
lodge_cg_layout_free (struct lodge_cg_layout *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->h[i].mountpoint);
      free (l->h[i].name);
    }
  free (l->h);
  l->h = NULL;
  l->n = 0;
}

static unsigned
v2_controllers (const char *mountpoint)
{
  cleanup_free char *p
      = lodge_strdup_printf ("%s/cgroup.controllers", mountpoint);
  cleanup_free char *v = NULL;
  lodge_error_t e = NULL;
  unsigned mask = 0;
  if (lodge_read_file (p, &v, NULL, &e) < 0)
    {
      lodge_error_free (&e);
      return 0;
    }
  char *save = NULL;
  for (char *w = strtok_r (v, " \n", &save); w;
       w = strtok_r (NULL, " \n", &save))
    {
      int c = lodge_cg_ctrl_from_name (w);
      if (c >= 0)
        mask |= 1u << c;
    }
  return mask;
}

int
lodge_cg_layout_load (struct lodge_cg_layout *l, lodge_error_t *err)
{
  memset (l, 0, sizeof *l);
  l->unified = -1;
  for (int i = 0; i < CG_NCTRL; i++)
    l->ctrl[i] = -1;
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return lodge_error (err, errno, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char seen[64][32];
  size_t nseen = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* id parent dev root mountpoint opts [optional...] - fstype src super */
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[32], super[512], dev[32], mountpoint[4096];
      if (sscanf (sep + 3, "%31s %*s %511s", fstype, super) != 2)
        continue;
      bool v2 = strcmp (fstype, "cgroup2") == 0;
      if (!v2 && strcmp (fstype, "cgroup") != 0)
        continue;
      if (sscanf (line, "%*s %*s %31s %*s %4095s", dev, mountpoint) != 2)
        continue;
      /* A hierarchy mounted twice is one hierarchy. */
      bool dup = false;
      for (size_t i = 0; i < nseen && !dup; i++)
        dup = strcmp (seen[i], dev) == 0;
      if (dup || (v2 && l->unified >= 0))
        continue;
      if (nseen < 64)
        snprintf (seen[nseen++], sizeof seen[0], "%s", dev);
      struct lodge_cg_hier *nh = realloc (l->h, (l->n + 1) * sizeof *l->h);
      if (nh == NULL)
        {
          lodge_cg_layout_free (l);
          return lodge_error (err, errno, "list cgroup hierarchies");
        }
      l->h = nh;
      struct lodge_cg_hier *h = &l->h[l->n];
      *h = (struct lodge_cg_hier){ .mountpoint = strdup (mountpoint),
                                   .v2 = v2 };
      if (v2)
        {
          h->ctrls = v2_controllers (mountpoint);
          l->unified = (int)l->n;
        }
      else
        {
          char *save = NULL;
          for (char *o = strtok_r (super, ",", &save); o;
               o = strtok_r (NULL, ",", &save))
            {
              int c = lodge_cg_ctrl_from_name (o);
              if (strncmp (o, "name=", 5) == 0)
                h->name = strdup (o + 5);
              else if (c >= 0)
                h->ctrls |= 1u << c;
            }
        }
      for (int c = 0; c < CG_NCTRL; c++)
        if ((h->ctrls & (1u << c)) && l->ctrl[c] < 0)
          l->ctrl[c] = (int)l->n;
      l->n++;
    }
  return 0;
}

unsigned
lodge_cg_layout_v2_mask (const struct lodge_cg_layout *l)
{
  unsigned m = 0;
  for (int c = 0; c < CG_NCTRL; c++)
    if (l->ctrl[c] >= 0 && l->h[l->ctrl[c]].v2)
      m |= 1u << c;
  return m;
}

int
lodge_cg_layout_hier (const struct lodge_cg_layout *l, int ctrl)
{
  if (ctrl == CG_CORE)
    return l->unified;
  if (ctrl < 0 || ctrl > CG_NCTRL)
    return -1;
  if (l->ctrl[ctrl] >= 0)
    return l->ctrl[ctrl];
  /* cgroup v2 keeps cpu usage in the core file cpu.stat. */
  if (ctrl == CG_CPUACCT && l->unified >= 0 && l->ctrl[CG_CPU] < 0)
    return l->unified;
  return -1;
}

char *
lodge_cg_dir (const struct lodge_cg_layout *l, int hier, const char *path)
{
  return lodge_strdup_printf ("%s%s", l->h[hier].mountpoint, path);
}

/* ---- libcgroup ------------------------------------------------------- */

static bool
libcg_ready (void)
{
  static int state; /* 0 not tried, 1 ready, -1 unusable */
  if (state == 0)
    {
      int r = cgroup_init ();
      state = r == 0 ? 1 : -1;
      if (r != 0)
        lodge_debug ("libcgroup: cgroup_init: %s: using cgroupfs directly",
                     cgroup_strerror (r));
    }
  return state > 0;
}

/* True when libcgroup addresses every controller of this hierarchy at this
 * mountpoint (so what it writes is what we mean). */
static bool
libcg_owns (const struct lodge_cg_hier *h)
{
  if (h->name || h->ctrls == 0 || !libcg_ready ())
    return false;
  for (int c = 0; c < CG_NCTRL; c++)
    {
      if (!(h->ctrls & (1u << c)))
        continue;
      char *mp = NULL;
      const char *name = lodge_cg_ctrl_name (c, h->v2);
      if (name == NULL || cgroup_get_subsys_mount_point (name, &mp) != 0)
        return false;
      bool same = mp && strcmp (mp, h->mountpoint) == 0;
      free (mp);
      if (!same)
        return false;
    }
  return true;
}

/* A libcgroup error as an errno where it has one. */
static int
libcg_errno (int r)
{
  if (r == ECGOTHER)
    return cgroup_get_last_errno ();
  if (r == ECGROUPVALUENOTEXIST || r == ECGROUPNOTEXIST)
    return ENOENT;
  return 0;
}

/* A failed libcgroup call as an error about `what` (freed here). */
static int
libcg_fail (lodge_error_t *err, int r, char *what)
{
  cleanup_free char *w = what;
  int e = libcg_errno (r);
  if (e)
    return lodge_error (err, e, "%s", w);
  return lodge_error (err, 0, "%s: %s", w, cgroup_strerror (r));
}

/* Any controller of the hierarchy: libcgroup finds the directory through
 * it. */
static const char *
hier_some_ctrl (const struct lodge_cg_hier *h)
{
  for (int c = 0; c < CG_NCTRL; c++)
    if ((h->ctrls & (1u << c)) && lodge_cg_ctrl_name (c, h->v2))
      return lodge_cg_ctrl_name (c, h->v2);
  return NULL;
}

/* ---- reading and writing --------------------------------------------- */

static int
plain_write (const char *dir, const char *file, const char *value,
             lodge_error_t *err)
{
  cleanup_free char *p = lodge_strdup_printf ("%s/%s", dir, file);
  cleanup_close int fd = open (p, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) < 0)
    return lodge_error (err, errno, "write %s to %s", value, p);
  return 0;
}

int
lodge_cg_write (const struct lodge_cg_layout *l, int ctrl, const char *path,
                const char *file, const char *value, lodge_error_t *err)
{
  int hi = lodge_cg_layout_hier (l, ctrl);
  if (hi < 0)
    return lodge_error (err, 0, "write %s to %s: no cgroup hierarchy has it",
                        value, file);
  const struct lodge_cg_hier *h = &l->h[hi];
  cleanup_free char *dir = lodge_cg_dir (l, hi, path);
  const char *name = lodge_cg_ctrl_name (ctrl, h->v2);
  if (ctrl == CG_CORE || name == NULL || !libcg_owns (h))
    return plain_write (dir, file, value, err);

  struct cgroup *cg = cgroup_new_cgroup (path);
  if (cg == NULL)
    return lodge_error (err, ENOMEM, "write %s to %s/%s", value, dir, file);
  struct cgroup_controller *c = cgroup_add_controller (cg, name);
  int r = c ? cgroup_add_value_string (c, file, value) : ECGINVAL;
  if (r == 0)
    r = cgroup_modify_cgroup (cg);
  cgroup_free (&cg);
  if (r != 0)
    return libcg_fail (
        err, r, lodge_strdup_printf ("write %s to %s/%s", value, dir, file));
  return 0;
}

int
lodge_cg_read (const struct lodge_cg_layout *l, int ctrl, const char *path,
               const char *file, char **out, lodge_error_t *err)
{
  int hi = lodge_cg_layout_hier (l, ctrl);
  if (hi < 0)
    return lodge_error (err, ENOENT, "read %s", file);
  cleanup_free char *p
      = lodge_strdup_printf ("%s%s/%s", l->h[hi].mountpoint, path, file);
  return lodge_read_file (p, out, NULL, err);
}

bool
lodge_cg_has_file (const struct lodge_cg_layout *l, int ctrl, const char *path,
                   const char *file)
{
  int hi = lodge_cg_layout_hier (l, ctrl);
  if (hi < 0)
    return false;
  cleanup_free char *p
      = lodge_strdup_printf ("%s%s/%s", l->h[hi].mountpoint, path, file);
  return access (p, F_OK) == 0;
}

/* ---- cgroupsPath ------------------------------------------------------ */

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

/* ---- devices: the defaults ------------------------------------------- */

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

/* ---- create and join --------------------------------------------------- */

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
          cleanup_free char *mp
              = lodge_strdup_printf ("%s/%s", child, files[f]);
          cleanup_free char *pp = lodge_strdup_printf ("%s/%s", dir, files[f]);
          lodge_error_t e = NULL;
          if (lodge_read_file (mp, &mine, NULL, &e) == 0 && mine[0] == '\n'
              && lodge_read_file (pp, &theirs, NULL, &e) == 0)
            {
              theirs[strcspn (theirs, "\n")] = '\0';
              plain_write (child, files[f], theirs, &e);
            }
          lodge_error_free (&e);
        }
      free (dir);
      dir = child;
    }
}

/* cgroup v2: every level above the leaf exists and hands its children
 * the controllers it has (as runc does, all of them; a level that cannot,
 * because it holds processes, is left as it is and the write of a limit
 * says so later). */
static int
v2_prepare_parents (const char *mountpoint, const char *path,
                    lodge_error_t *err)
{
  cleanup_free char *dir = strdup (mountpoint);
  cleanup_free char *rest = strdup (path);
  char *slash = strrchr (rest, '/');
  if (slash == NULL)
    return 0;
  *slash = '\0';
  char *save = NULL;
  char *comp = strtok_r (rest, "/", &save);
  for (;;)
    {
      cleanup_free char *ctl = NULL;
      cleanup_free char *cp
          = lodge_strdup_printf ("%s/cgroup.controllers", dir);
      lodge_error_t e = NULL;
      if (lodge_read_file (cp, &ctl, NULL, &e) == 0)
        {
          char *s2 = NULL;
          for (char *w = strtok_r (ctl, " \n", &s2); w;
               w = strtok_r (NULL, " \n", &s2))
            {
              cleanup_free char *plus = lodge_strdup_printf ("+%s", w);
              plain_write (dir, "cgroup.subtree_control", plus, &e);
              lodge_error_free (&e);
            }
        }
      lodge_error_free (&e);
      if (comp == NULL)
        break;
      char *child = lodge_strdup_printf ("%s/%s", dir, comp);
      free (dir);
      dir = child;
      if (mkdir (dir, 0755) < 0 && errno != EEXIST)
        return lodge_error (err, errno, "create cgroup %s", dir);
      comp = strtok_r (NULL, "/", &save);
    }
  return 0;
}

static bool
dir_exists (const char *dir)
{
  struct stat st;
  return stat (dir, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Make the leaf in every hierarchy where it is missing (*made tells
 * whether any was). */
static int
create_leaf (const struct lodge_cg_layout *l, const char *path,
             const bool *existed, bool *made, lodge_error_t *err)
{
  struct cgroup *cg = NULL;
  bool any_libcg = false;
  for (size_t i = 0; i < l->n; i++)
    {
      if (existed[i])
        continue;
      const struct lodge_cg_hier *h = &l->h[i];
      cleanup_free char *dir = lodge_cg_dir (l, (int)i, path);
      if (h->v2 && v2_prepare_parents (h->mountpoint, path, err) < 0)
        goto fail;
      if (!libcg_owns (h))
        {
          if (lodge_mkdir_p (dir, 0755, err) < 0)
            {
              lodge_error_prefix (err, "create cgroup");
              goto fail;
            }
          *made = true;
          continue;
        }
      if (cg == NULL && (cg = cgroup_new_cgroup (path)) == NULL)
        {
          lodge_error (err, ENOMEM, "create cgroup %s", path);
          goto fail;
        }
      for (int c = 0; c < CG_NCTRL; c++)
        if ((h->ctrls & (1u << c)) && lodge_cg_ctrl_name (c, h->v2))
          cgroup_add_controller (cg, lodge_cg_ctrl_name (c, h->v2));
      any_libcg = true;
    }
  if (any_libcg)
    {
      int r = cgroup_create_cgroup (cg, 1);
      *made = true;
      if (r != 0)
        {
          libcg_fail (err, r, lodge_strdup_printf ("create cgroup %s", path));
          goto fail;
        }
    }
  if (cg)
    cgroup_free (&cg);
  return 0;
fail:
  if (cg)
    cgroup_free (&cg);
  return -1;
}

static int
join (const struct lodge_cg_layout *l, const char *path, pid_t pid,
      lodge_error_t *err)
{
  char pidbuf[24];
  snprintf (pidbuf, sizeof pidbuf, "%d", pid);
  for (size_t i = 0; i < l->n; i++)
    {
      const struct lodge_cg_hier *h = &l->h[i];
      cleanup_free char *dir = lodge_cg_dir (l, (int)i, path);
      /* cgroup.procs of the unified hierarchy is a core file: libcgroup
       * 2.0.2 refuses to attach there ("Cgroup is not mounted") unless its
       * controller is enabled in the group, which a joined group made by
       * someone else need not have. */
      if (h->v2 || !libcg_owns (h))
        {
          if (plain_write (dir, "cgroup.procs", pidbuf, err) < 0)
            return lodge_error_prefix (err, "join cgroup %s", path);
          continue;
        }
      struct cgroup *cg = cgroup_new_cgroup (path);
      if (cg == NULL)
        return lodge_error (err, ENOMEM, "join cgroup %s", path);
      cgroup_add_controller (cg, hier_some_ctrl (h));
      int r = cgroup_attach_task_pid (cg, pid);
      cgroup_free (&cg);
      if (r != 0)
        {
          libcg_fail (
              err, r,
              lodge_strdup_printf ("move process %s into %s", pidbuf, dir));
          return lodge_error_prefix (err, "join cgroup %s", path);
        }
    }
  return 0;
}

/* Make what is missing of the cgroup, apply `r` (when `apply`), move `pid`
 * in. */
static int
enter (const char *path, pid_t pid, const struct oci_resources *r, bool apply,
       bool *created, lodge_error_t *err)
{
  struct lodge_cg_layout l;
  *created = false;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  if (l.n == 0)
    {
      lodge_cg_layout_free (&l);
      return lodge_error (err, 0,
                          "create cgroup %s: no cgroup hierarchy is "
                          "mounted",
                          path);
    }
  bool existed[l.n], existed_any = false, made = false;
  for (size_t i = 0; i < l.n; i++)
    {
      cleanup_free char *dir = lodge_cg_dir (&l, (int)i, path);
      existed[i] = dir_exists (dir);
      existed_any |= existed[i];
    }
  int ret = create_leaf (&l, path, existed, &made, err);
  /* Only a cgroup lodge made whole is lodge's to remove: one that was
   * there already, in any hierarchy, is joined and left alone. */
  *created = made && !existed_any;
  if (ret == 0 && made && l.ctrl[CG_CPUSET] >= 0 && !existed[l.ctrl[CG_CPUSET]]
      && !l.h[l.ctrl[CG_CPUSET]].v2)
    cpuset_fill (l.h[l.ctrl[CG_CPUSET]].mountpoint, path);
  /* A new cgroup gets the config's resources, or at least the default
   * device rules; a joined one keeps what it has unless the config asks
   * for something (as runc applies it then). */
  if (ret == 0 && apply && (!existed_any || r != NULL))
    ret = lodge_cg_apply (&l, path, r, false, err);
  if (ret == 0)
    ret = join (&l, path, pid, err);
  lodge_cg_layout_free (&l);
  return ret;
}

int
lodge_cgroup_enter (const char *path, pid_t pid, const struct oci_resources *r,
                    bool *created, lodge_error_t *err)
{
  return enter (path, pid, r, true, created, err);
}

int
lodge_cgroup_join (const char *path, pid_t pid, lodge_error_t *err)
{
  bool created;
  return enter (path, pid, NULL, false, &created, err);
}

int
lodge_cgroup_update (const char *path, const struct oci_resources *r,
                     lodge_error_t *err)
{
  struct lodge_cg_layout l;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  int ret = lodge_cg_apply (&l, path, r, true, err);
  lodge_cg_layout_free (&l);
  return ret;
}

/* ---- pids ------------------------------------------------------------ */

static void
pids_add (pid_t **v, size_t *n, pid_t p)
{
  for (size_t i = 0; i < *n; i++)
    if ((*v)[i] == p)
      return;
  pid_t *nv = realloc (*v, (*n + 1) * sizeof **v);
  if (nv == NULL)
    return;
  *v = nv;
  (*v)[(*n)++] = p;
}

/* cgroup.procs of dir and of every cgroup below it. */
static int
pids_walk (const char *dir, pid_t **v, size_t *n, int depth)
{
  cleanup_free char *procs = lodge_strdup_printf ("%s/cgroup.procs", dir);
  cleanup_file FILE *f = fopen (procs, "re");
  if (f == NULL)
    return -1;
  int p;
  while (fscanf (f, "%d", &p) == 1)
    pids_add (v, n, p);
  if (depth > 32)
    return 0;
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)))
    if (de->d_type == DT_DIR && de->d_name[0] != '.')
      {
        cleanup_free char *sub = lodge_strdup_printf ("%s/%s", dir, de->d_name);
        pids_walk (sub, v, n, depth + 1);
      }
  return 0;
}

/* The hierarchy whose tree is looked at for "what runs in the container":
 * the unified one when the container has a cgroup there (it holds every
 * process, and cgroup.kill acts on it), else the freezer's, else any. */
static int
procs_hier (const struct lodge_cg_layout *l, const char *path)
{
  int order[]
      = { l->unified, l->ctrl[CG_FREEZER], l->ctrl[CG_PIDS], l->n ? 0 : -1 };
  for (size_t i = 0; i < sizeof order / sizeof *order; i++)
    if (order[i] >= 0)
      {
        cleanup_free char *dir = lodge_cg_dir (l, order[i], path);
        if (dir_exists (dir))
          return order[i];
      }
  return -1;
}

static int
pids_in (const struct lodge_cg_layout *l, const char *path, pid_t **pids,
         size_t *len)
{
  int hi = procs_hier (l, path);
  if (hi < 0)
    return 0;
  cleanup_free char *dir = lodge_cg_dir (l, hi, path);
  pids_walk (dir, pids, len, 0);
  return 0;
}

int
lodge_cgroup_pids (const char *path, pid_t **pids, size_t *len,
                   lodge_error_t *err)
{
  struct lodge_cg_layout l;
  *pids = NULL;
  *len = 0;
  if (path == NULL)
    return 0;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  pids_in (&l, path, pids, len);
  lodge_cg_layout_free (&l);
  return 0;
}

/* ---- freezer --------------------------------------------------------- */

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
  nanosleep (&ts, NULL);
}

/* One key of a "key value" file (cgroup.events, memory.events, ...). */
static bool
keyed_value (const char *text, const char *key, unsigned long long *out)
{
  size_t kl = strlen (key);
  for (const char *p = text; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : p)
    if (strncmp (p, key, kl) == 0 && p[kl] == ' ')
      return sscanf (p + kl + 1, "%llu", out) == 1;
  return false;
}

bool
lodge_cg_frozen (const struct lodge_cg_layout *l, const char *path)
{
  cleanup_free char *v = NULL;
  lodge_error_t e = NULL;
  bool frozen = false;
  if (l->ctrl[CG_FREEZER] >= 0)
    {
      if (lodge_cg_read (l, CG_FREEZER, path, "freezer.state", &v, &e) == 0)
        frozen = strncmp (v, "FROZEN", 6) == 0;
    }
  else if (l->unified >= 0
           && lodge_cg_read (l, CG_CORE, path, "cgroup.freeze", &v, &e) == 0)
    frozen = v[0] == '1';
  lodge_error_free (&e);
  return frozen;
}

int
lodge_cg_set_frozen (const struct lodge_cg_layout *l, const char *path,
                     bool frozen, lodge_error_t *err)
{
  bool v1 = l->ctrl[CG_FREEZER] >= 0;
  if (!v1
      && !(l->unified >= 0
           && lodge_cg_has_file (l, CG_CORE, path, "cgroup.freeze")))
    return lodge_error (err, 0, "%s cgroup %s: no freezer on this host",
                        frozen ? "freeze" : "thaw", path);
  int ctrl = v1 ? CG_FREEZER : CG_CORE;
  const char *file = v1 ? "freezer.state" : "cgroup.freeze";
  const char *want = v1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
  /* Freezing is asynchronous: it is done when every task has stopped
   * (v1 FREEZING turns FROZEN; v2 cgroup.events says "frozen 1").  A
   * task stuck in the kernel can hold v1 in FREEZING: writing again
   * retries it. */
  for (int i = 0; i < 2000; i++)
    {
      if (i % 100 == 0 && lodge_cg_write (l, ctrl, path, file, want, err) < 0)
        return -1;
      cleanup_free char *v = NULL;
      lodge_error_t e = NULL;
      bool done;
      if (v1)
        done = lodge_cg_read (l, ctrl, path, file, &v, &e) == 0
               && strncmp (v, want, strlen (want)) == 0;
      else
        {
          unsigned long long f = 0;
          done = lodge_cg_read (l, CG_CORE, path, "cgroup.events", &v, &e) == 0
                 && keyed_value (v, "frozen", &f) && f == (frozen ? 1 : 0);
        }
      if (e)
        {
          /* The cgroup went away under us: nothing is left to freeze. */
          lodge_error_free (&e);
          return 0;
        }
      if (done)
        return 0;
      sleep_ms (1);
    }
  return lodge_error (err, ETIMEDOUT, "%s cgroup %s",
                      frozen ? "freeze" : "thaw", path);
}

bool
lodge_cgroup_is_frozen (const char *path)
{
  if (path == NULL)
    return false;
  struct lodge_cg_layout l;
  lodge_error_t e = NULL;
  if (lodge_cg_layout_load (&l, &e) < 0)
    {
      lodge_error_free (&e);
      return false;
    }
  bool r = lodge_cg_frozen (&l, path);
  lodge_cg_layout_free (&l);
  return r;
}

int
lodge_cgroup_freeze (const char *path, bool frozen, lodge_error_t *err)
{
  struct lodge_cg_layout l;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  int r = lodge_cg_set_frozen (&l, path, frozen, err);
  lodge_cg_layout_free (&l);
  return r;
}

/* ---- kill and remove --------------------------------------------------- */

int
lodge_cgroup_kill_all (const char *path, int sig, lodge_error_t *err)
{
  struct lodge_cg_layout l;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  int ret = 0;
  bool was_frozen = lodge_cg_frozen (&l, path);
  lodge_error_t ignored = NULL;

  /* cgroup.kill (unified hierarchy, Linux 5.14): the kernel kills every
   * process in the tree at once, forks included. */
  if (sig == SIGKILL && l.unified >= 0
      && lodge_cg_has_file (&l, CG_CORE, path, "cgroup.kill"))
    {
      lodge_debug ("kill cgroup %s through cgroup.kill", path);
      ret = lodge_cg_write (&l, CG_CORE, path, "cgroup.kill", "1", err);
      /* Tasks frozen by the v1 freezer die only once thawed. */
      if (ret == 0 && was_frozen && l.ctrl[CG_FREEZER] >= 0)
        lodge_cg_set_frozen (&l, path, false, &ignored);
      lodge_error_free (&ignored);
      lodge_cg_layout_free (&l);
      return ret;
    }

  /* Freeze so nothing forks past the walk; SIGKILL still lands on frozen
   * tasks, other signals wait for the thaw. */
  bool froze
      = !was_frozen && lodge_cg_set_frozen (&l, path, true, &ignored) == 0;
  lodge_error_free (&ignored);
  pid_t *pids = NULL;
  size_t np = 0;
  pids_in (&l, path, &pids, &np);
  for (size_t i = 0; ret == 0 && i < np; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      ret = lodge_error (err, errno, "kill process %d with signal %d", pids[i],
                         sig);
  free (pids);
  /* A paused container stays paused, unless it has to thaw to die. */
  if (froze || (was_frozen && sig == SIGKILL))
    lodge_cg_set_frozen (&l, path, false, &ignored);
  lodge_error_free (&ignored);
  lodge_cg_layout_free (&l);
  return ret;
}

/* Wait (up to ~2s) until nothing runs in the tree: a process that just got
 * SIGKILL is still leaving.  The unified hierarchy says it in
 * cgroup.events ("populated 0"); elsewhere cgroup.procs is read. */
static void
wait_empty (const struct lodge_cg_layout *l, const char *path)
{
  int hi = procs_hier (l, path);
  if (hi < 0)
    return;
  cleanup_free char *dir = lodge_cg_dir (l, hi, path);
  cleanup_free char *events = lodge_strdup_printf ("%s/cgroup.events", dir);
  for (int i = 0; i < 400; i++)
    {
      bool empty;
      cleanup_free char *v = NULL;
      lodge_error_t e = NULL;
      unsigned long long populated = 1;
      if (l->h[hi].v2 && lodge_read_file (events, &v, NULL, &e) == 0
          && keyed_value (v, "populated", &populated))
        empty = populated == 0;
      else
        {
          pid_t *pids = NULL;
          size_t n = 0;
          pids_walk (dir, &pids, &n, 0);
          free (pids);
          empty = n == 0;
        }
      lodge_error_free (&e);
      if (empty)
        return;
      sleep_ms (5);
    }
}

/* rmdir the tree under dir, deepest first (cgroups the container made
 * inside its own), retrying a moment on EBUSY. */
static int
remove_tree (const char *dir, int depth, lodge_error_t *err)
{
  if (depth < 32)
    {
      cleanup_dir DIR *d = opendir (dir);
      struct dirent *de;
      while (d && (de = readdir (d)))
        if (de->d_type == DT_DIR && de->d_name[0] != '.')
          {
            cleanup_free char *sub
                = lodge_strdup_printf ("%s/%s", dir, de->d_name);
            if (remove_tree (sub, depth + 1, err) < 0)
              return -1;
          }
    }
  for (int t = 0; t < 200; t++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        break;
      sleep_ms (5);
    }
  return lodge_error (err, errno, "remove cgroup %s", dir);
}

int
lodge_cgroup_destroy (const char *path, lodge_error_t *err)
{
  struct lodge_cg_layout l;
  if (path == NULL)
    return 0;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  wait_empty (&l, path);
  int ret = 0;
  for (size_t i = 0; i < l.n; i++)
    {
      cleanup_free char *dir = lodge_cg_dir (&l, (int)i, path);
      /* The first failure is reported; the other hierarchies are still
       * cleaned. */
      if (dir_exists (dir) && remove_tree (dir, 0, err) < 0)
        ret = -1;
    }
  lodge_cg_layout_free (&l);
  return ret;
}

bool
lodge_cgroup_exists (const char *path)
{
  struct lodge_cg_layout l;
  lodge_error_t e = NULL;
  if (path == NULL || lodge_cg_layout_load (&l, &e) < 0)
    {
      lodge_error_free (&e);
      return false;
    }
  bool r = procs_hier (&l, path) >= 0;
  lodge_cg_layout_free (&l);
  return r;
}

int
lodge_cgroup_delegate (const char *path, uid_t uid, gid_t gid,
                       lodge_error_t *err)
{
  /* What systemd's Delegate= hands over: the directory (so the owner may
   * make sub-cgroups) and the files that move processes and enable
   * controllers below it.  Limits stay root's. */
  static const char *const files[] = { "cgroup.procs", "cgroup.subtree_control",
                                       "cgroup.threads", "tasks", NULL };
  struct lodge_cg_layout l;
  if (lodge_cg_layout_load (&l, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; i < l.n && ret == 0; i++)
    {
      cleanup_free char *dir = lodge_cg_dir (&l, (int)i, path);
      if (!dir_exists (dir))
        continue;
      if (chown (dir, uid, gid) < 0)
        {
          ret = lodge_error (err, errno, "delegate cgroup %s", dir);
          break;
        }
      for (const char *const *f = files; *f; f++)
        {
          cleanup_free char *p = lodge_strdup_printf ("%s/%s", dir, *f);
          if (chown (p, uid, gid) < 0 && errno != ENOENT)
            {
              ret = lodge_error (err, errno, "delegate cgroup: chown %s", p);
              break;
            }
        }
    }
  lodge_cg_layout_free (&l);
  return ret;
}
