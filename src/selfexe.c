/* lodge: run from a sealed copy of the lodge binary (CVE-2019-5736).
 *
 * The container's init is a fork of lodge, so until it execs the user's
 * program its /proc/PID/exe is lodge's binary, and a container program
 * that execs /proc/self/exe (directly, or as the #! interpreter of a
 * planted script) runs as lodge inside the container.  Either way a
 * process in the container could take a handle on the file and, once it
 * is no longer busy, rewrite the host's lodge, which host root runs next.
 *
 * So the commands that put a process into a container first re-exec
 * lodge from an anonymous copy of itself in a memfd, sealed against any
 * change: what the container can reach is that copy, which is not the
 * host's file and cannot be written.  runc and crun do the same.  The
 * copy lives only as long as a process runs from it; the other commands
 * (state, kill, delete, ...) never meet a container process and skip the
 * cost (about 1.3 ms: one more exec), as does a lodge installed on a
 * read-only mount. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "selfexe.h"
#include "utils.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

/* A copy with these seals can be neither written nor resized, and the
 * seals themselves cannot be lifted. */
#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Set for the re-executed lodge only, and removed by it at once: when it
 * finds itself still not running from a sealed copy, the copy did not
 * take, and it fails rather than re-exec forever. */
#define REEXEC_MARK "_LODGE_SEALED_REEXEC"

extern char **environ;

bool
lodge_selfexe_needed (const char *command)
{
  static const char *const commands[] = { "create", "run", "exec" };
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (command && strcmp (command, commands[i]) == 0)
      return true;
  return false;
}

static bool
is_sealed_copy (int fd)
{
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

static int
make_memfd (lodge_error_t *err)
{
  /* MFD_EXEC says that this memfd is meant to be executed: kernels from
   * 6.3 want it said (vm.memfd_noexec), older ones do not know it. */
  int fd = memfd_create ("lodge", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create ("lodge", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return lodge_error (err, errno,
                        "protect the lodge binary: create an executable "
                        "memfd (is vm.memfd_noexec 2?)");
  return fd;
}

static int
copy_all (int from, int to, off_t size)
{
  off_t done = 0;
  while (done < size)
    {
      ssize_t n = sendfile (to, from, NULL, (size_t)(size - done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EINVAL || errno == ENOSYS) && done == 0)
        break;
      if (n < 0)
        return -1;
      if (n == 0)
        {
          errno = EIO;
          return -1;
        }
      done += n;
    }
  if (done == size)
    return 0;

  /* Where sendfile cannot read the file system lodge lives on. */
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (from, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        return 0;
      if (lodge_write_all (to, buf, (size_t)n) < 0)
        return -1;
    }
}

int
lodge_selfexe_ensure (const char *command, char **argv, lodge_error_t *err)
{
  bool reexecuted = getenv (REEXEC_MARK) != NULL;
  if (reexecuted)
    unsetenv (REEXEC_MARK);
  if (!lodge_selfexe_needed (command))
    return 0;

  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return lodge_error (err, errno,
                        "protect the lodge binary: open /proc/self/exe");
  if (is_sealed_copy (self))
    {
      /* Before 6.14 the kernel names a process exec'd from a file
       * descriptor after the fd's number: give back the name ps, pgrep
       * and top show for lodge. */
      if (reexecuted && argv[0])
        {
          const char *base = strrchr (argv[0], '/');
          prctl (PR_SET_NAME, base ? base + 1 : argv[0], 0, 0, 0);
        }
      return 0;
    }
  /* A binary on a read-only mount is safe as it is: no write through any
   * handle reaches it (EROFS), and a container cannot remount a mount of
   * the host's namespace.  Installing lodge so saves the copy and the
   * second exec. */
  struct statvfs sv;
  if (!reexecuted && fstatvfs (self, &sv) == 0 && (sv.f_flag & ST_RDONLY))
    return 0;
  if (reexecuted)
    return lodge_error (err, 0,
                        "protect the lodge binary: the re-executed lodge does "
                        "not run from its sealed copy");

  struct stat st;
  if (fstat (self, &st) < 0)
    return lodge_error (err, errno,
                        "protect the lodge binary: stat /proc/self/exe");
  cleanup_close int copy = make_memfd (err);
  if (copy < 0)
    return -1;
  if (copy_all (self, copy, st.st_size) < 0)
    return lodge_error (err, errno,
                        "protect the lodge binary: copy it into a memfd");
  /* F_SEAL_EXEC (6.3 and later) also keeps the mode from changing; older
   * kernels refuse the unknown seal, and there the copy is just
   * read-only. */
  if (fcntl (copy, F_ADD_SEALS, SEALS | F_SEAL_EXEC) < 0
      && (errno != EINVAL || fcntl (copy, F_ADD_SEALS, SEALS) < 0))
    return lodge_error (err, errno, "protect the lodge binary: seal its copy");

  if (setenv (REEXEC_MARK, "1", 1) < 0)
    return lodge_error (err, errno, "protect the lodge binary");
  fexecve (copy, argv, environ);
  int e = errno;
  unsetenv (REEXEC_MARK);
  return lodge_error (err, e, "protect the lodge binary: execute its copy");
}
