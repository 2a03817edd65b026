/* lodge: Linux namespaces: new ones, joined ones, user id maps. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <unistd.h>

#include "namespaces.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE 0xb703
#endif

static const struct
{
  const char *type;
  int flag;
} ns_table[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET },
  { "mount", CLONE_NEWNS },      { "ipc", CLONE_NEWIPC },
  { "uts", CLONE_NEWUTS },       { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
lodge_ns_flag (const char *type)
{
  for (size_t i = 0; i < sizeof ns_table / sizeof *ns_table; i++)
    if (strcmp (type, ns_table[i].type) == 0)
      return ns_table[i].flag;
  return 0;
}

int
lodge_ns_prepare (const struct oci_linux *l, struct lodge_namespaces *ns,
                  lodge_error_t *err)
{
  memset (ns, 0, sizeof *ns);
  size_t n = l ? l->namespaces_len : 0;
  for (size_t i = 0; i < n; i++)
    {
      const struct oci_namespace *s = &l->namespaces[i];
      int flag = lodge_ns_flag (s->type);
      if (flag == 0)
        return lodge_error (
            err, 0, "linux.namespaces[%zu]: unknown namespace type \"%s\"", i,
            s->type);
      if (s->path == NULL || *s->path == '\0')
        {
          ns->new_flags |= flag;
          continue;
        }
      int fd = open (s->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          lodge_error (err, errno, "open %s namespace %s", s->type, s->path);
          lodge_ns_close (ns);
          return -1;
        }
      int type = ioctl (fd, NS_GET_NSTYPE);
      if (type != flag)
        {
          close (fd);
          lodge_ns_close (ns);
          return lodge_error (err, 0,
                              "linux.namespaces[%zu]: %s is not a %s namespace",
                              i, s->path, s->type);
        }
      ns->join[ns->join_len++] = (struct lodge_ns_join){ fd, flag };
    }
  return 0;
}

void
lodge_ns_close (struct lodge_namespaces *ns)
{
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].fd >= 0)
      close (ns->join[i].fd);
  ns->join_len = 0;
}

static const char *
flag_name (int flag)
{
  for (size_t i = 0; i < sizeof ns_table / sizeof *ns_table; i++)
    if (ns_table[i].flag == flag)
      return ns_table[i].type;
  return "unknown";
}

static int
join (struct lodge_namespaces *ns, bool user, lodge_error_t *err)
{
  for (size_t i = 0; i < ns->join_len; i++)
    {
      if ((ns->join[i].flag == CLONE_NEWUSER) != user)
        continue;
      if (setns (ns->join[i].fd, ns->join[i].flag) < 0)
        return lodge_error (err, errno, "join %s namespace",
                            flag_name (ns->join[i].flag));
      close (ns->join[i].fd);
      ns->join[i].fd = -1;
    }
  return 0;
}

int
lodge_ns_join_user (struct lodge_namespaces *ns, lodge_error_t *err)
{
  return join (ns, true, err);
}

int
lodge_ns_join_others (struct lodge_namespaces *ns, lodge_error_t *err)
{
  return join (ns, false, err);
}

int
lodge_ns_write_map (pid_t pid, const char *file, const struct oci_id_mapping *m,
                    size_t n, lodge_error_t *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  size_t cap = n * 40 + 1, len = 0;
  cleanup_free char *buf = malloc (cap);
  if (buf == NULL)
    return lodge_error (err, errno, "write %s", path);
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf (buf + len, cap - len, "%u %u %u\n",
                             m[i].container_id, m[i].host_id, m[i].size);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open %s", path);
  if (write (fd, buf, len) < 0)
    return lodge_error (err, errno, "write %s", file);
  return 0;
}

int
lodge_ns_write_id_maps (pid_t pid, const struct oci_linux *l,
                        lodge_error_t *err)
{
  if (l->uid_mappings_len == 0 || l->gid_mappings_len == 0)
    return lodge_error (err, 0,
                        "linux.uidMappings and linux.gidMappings are required "
                        "with a new user namespace");
  if (lodge_ns_write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len,
                          err)
      < 0)
    return -1;
  if (geteuid () != 0)
    {
      /* Without privilege the kernel takes a gid_map only once setgroups
       * is denied in the namespace. */
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/setgroups", pid);
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, "deny", 4) < 0)
        return lodge_error (err, errno, "write deny to %s", path);
    }
  return lodge_ns_write_map (pid, "gid_map", l->gid_mappings,
                             l->gid_mappings_len, err);
}

int
lodge_ns_write_time_offsets (const struct oci_linux *l, lodge_error_t *err)
{
  char buf[128];
  size_t len = 0;
  if (l->has_time_offset_monotonic)
    len += (size_t)snprintf (buf + len, sizeof buf - len, "monotonic %lld %u\n",
                             (long long)l->time_offset_monotonic.secs,
                             l->time_offset_monotonic.nanosecs);
  if (l->has_time_offset_boottime)
    len += (size_t)snprintf (buf + len, sizeof buf - len, "boottime %lld %u\n",
                             (long long)l->time_offset_boottime.secs,
                             l->time_offset_boottime.nanosecs);
  if (len == 0)
    return 0;
  cleanup_close int fd
      = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lodge_error (err, errno, "open /proc/self/timens_offsets");
  if (write (fd, buf, len) < 0)
    return lodge_error (err, errno, "write linux.timeOffsets");
  return 0;
}

int
lodge_ns_loopback_up (lodge_error_t *err)
{
  cleanup_close int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return lodge_error (err, errno, "bring up lo: socket");
  struct ifreq ifr = { 0 };
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return lodge_error (err, errno, "bring up lo: get flags");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return lodge_error (err, errno, "bring up lo");
  return 0;
}
