/* lodge: signal names and numbers as runc's `kill` accepts them. */
#ifndef LODGE_SIGNALS_H
#define LODGE_SIGNALS_H

#include "lodge/error.h"

/* "TERM", "SIGTERM", "15", "RTMIN+3", "SIGRTMIN+3", "RTMAX-1". */
int lodge_parse_signal (const char *s, int *sig, lodge_error_t *err);
const char *lodge_signal_name (int sig);

#endif
