/* lodge: signal names and numbers as runc's `kill` accepts them. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signals.h"
#include "utils.h"

static const struct
{
  const char *name;
  int sig;
} signal_table[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },
  { "ILL", SIGILL },       { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
  { "IOT", SIGIOT },       { "BUS", SIGBUS },       { "FPE", SIGFPE },
  { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
  { "TERM", SIGTERM },     { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
  { "CLD", SIGCHLD },      { "CONT", SIGCONT },     { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
  { "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },
  { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },     { "WINCH", SIGWINCH },
  { "IO", SIGIO },         { "POLL", SIGPOLL },     { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

static int
parse_rt (const char *s, int *sig)
{
  int base;
  const char *rest;
  if (strncasecmp (s, "RTMIN", 5) == 0)
    base = SIGRTMIN, rest = s + 5;
  else if (strncasecmp (s, "RTMAX", 5) == 0)
    base = SIGRTMAX, rest = s + 5;
  else
    return -1;
  if (*rest == '\0')
    {
      *sig = base;
      return 0;
    }
  if (*rest != '+' && *rest != '-')
    return -1;
  unsigned long n;
  if (lodge_parse_ulong (rest + 1, &n) < 0 || n > 64)
    return -1;
  int v = *rest == '+' ? base + (int)n : base - (int)n;
  if (v < SIGRTMIN || v > SIGRTMAX)
    return -1;
  *sig = v;
  return 0;
}

int
lodge_parse_signal (const char *s, int *sig, lodge_error_t *err)
{
  unsigned long n;
  if (lodge_parse_ulong (s, &n) == 0)
    {
      /* 0 only checks that the process exists, as kill(1) does. */
      if (n > (unsigned long)SIGRTMAX)
        return lodge_error (err, 0, "unknown signal \"%s\"", s);
      *sig = (int)n;
      return 0;
    }
  const char *name = s;
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  for (size_t i = 0; i < sizeof signal_table / sizeof *signal_table; i++)
    if (strcasecmp (name, signal_table[i].name) == 0)
      {
        *sig = signal_table[i].sig;
        return 0;
      }
  if (parse_rt (name, sig) == 0)
    return 0;
  return lodge_error (err, 0, "unknown signal \"%s\"", s);
}

const char *
lodge_signal_name (int sig)
{
  for (size_t i = 0; i < sizeof signal_table / sizeof *signal_table; i++)
    if (signal_table[i].sig == sig)
      return signal_table[i].name;
  return NULL;
}
