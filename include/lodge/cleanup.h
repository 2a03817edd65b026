/* lodge: scope-bound cleanup helpers, so error paths free everything. */
#ifndef LODGE_CLEANUP_H
#define LODGE_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void
lodge_freep (void *p)
{
  free (*(void **)p);
}

static inline void
lodge_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
lodge_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
lodge_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

/* Free a NULL-terminated array of strings and the array itself. */
static inline void
lodge_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **i = v; *i; i++)
    free (*i);
  free (v);
}

static inline void
lodge_strv_freep (char ***v)
{
  lodge_strv_free (*v);
}

#define cleanup_free __attribute__ ((cleanup (lodge_freep)))
#define cleanup_close __attribute__ ((cleanup (lodge_closep)))
#define cleanup_file __attribute__ ((cleanup (lodge_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (lodge_closedirp)))
#define cleanup_strv __attribute__ ((cleanup (lodge_strv_freep)))

/* Hand ownership on: returns the value and leaves the source empty. */
#define move_ptr(p)                                                            \
  ({                                                                           \
    __typeof__ (p) moved_ = (p);                                               \
    (p) = NULL;                                                                \
    moved_;                                                                    \
  })

#define move_fd(fd)                                                            \
  ({                                                                           \
    int moved_ = (fd);                                                         \
    (fd) = -1;                                                                 \
    moved_;                                                                    \
  })

#endif
