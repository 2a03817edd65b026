/* lodge: the command-line front end.  One file per command; each parses
 * its arguments and calls one library function in src/container.h. */
#ifndef LODGE_CLI_H
#define LODGE_CLI_H

#include <stdbool.h>

#include "container.h"
#include "lodge/error.h"

struct lodge_option
{
  const char *name; /* long name, without dashes */
  char short_name;  /* 0 when none */
  bool has_arg;
  int id;
};

/* Parse options the way runc (Go's flag package) does: `--name value`,
 * `--name=value`, `-name value`, `-n value`, `-n=value`; boolean options
 * accept `--name=true|false`.  Parsing stops at the first non-option or
 * at "--".  `on_option` gets each option's id and argument (NULL for a
 * boolean set to true, "false" when switched off explicitly).  Returns the
 * index of the first positional argument, or a negative value and *err. */
typedef int (*lodge_option_cb) (void *ctx, int id, const char *arg,
                                lodge_error_t *err);
int lodge_parse_options (int argc, char **argv, const struct lodge_option *opts,
                         lodge_option_cb on_option, void *ctx,
                         lodge_error_t *err);

/* True for a boolean option's argument that means "on". */
bool lodge_option_true (const char *arg);

/* Between min and max (-1: any) positional arguments from `first`. */
int lodge_expect_args (const char *cmd, int argc, char **argv, int first,
                       int min, int max, const char *usage, lodge_error_t *err);

/* Every command: returns the process exit status (>= 0), or a negative
 * value with *err set (main prints it and exits 1). */
typedef int (*lodge_command_fn) (struct lodge_context *ctx, int argc,
                                 char **argv, lodge_error_t *err);

int lodge_cmd_create (struct lodge_context *ctx, int argc, char **argv,
                      lodge_error_t *err);
int lodge_cmd_start (struct lodge_context *ctx, int argc, char **argv,
                     lodge_error_t *err);
int lodge_cmd_run (struct lodge_context *ctx, int argc, char **argv,
                   lodge_error_t *err);
int lodge_cmd_state (struct lodge_context *ctx, int argc, char **argv,
                     lodge_error_t *err);
int lodge_cmd_kill (struct lodge_context *ctx, int argc, char **argv,
                    lodge_error_t *err);
int lodge_cmd_delete (struct lodge_context *ctx, int argc, char **argv,
                      lodge_error_t *err);
int lodge_cmd_list (struct lodge_context *ctx, int argc, char **argv,
                    lodge_error_t *err);
int lodge_cmd_spec (struct lodge_context *ctx, int argc, char **argv,
                    lodge_error_t *err);
int lodge_cmd_exec (struct lodge_context *ctx, int argc, char **argv,
                    lodge_error_t *err);
int lodge_cmd_features (struct lodge_context *ctx, int argc, char **argv,
                        lodge_error_t *err);
int lodge_cmd_pause (struct lodge_context *ctx, int argc, char **argv,
                     lodge_error_t *err);
int lodge_cmd_resume (struct lodge_context *ctx, int argc, char **argv,
                      lodge_error_t *err);
int lodge_cmd_update (struct lodge_context *ctx, int argc, char **argv,
                      lodge_error_t *err);
int lodge_cmd_events (struct lodge_context *ctx, int argc, char **argv,
                      lodge_error_t *err);
int lodge_cmd_ps (struct lodge_context *ctx, int argc, char **argv,
                  lodge_error_t *err);

/* Options shared by create and run. */
enum
{
  OPT_BUNDLE = 1,
  OPT_CONSOLE_SOCKET,
  OPT_PID_FILE,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_NO_SUBREAPER,
  OPT_DETACH,
  OPT_KEEP,
  OPT_HELP,
  OPT_CRIU_OPTS, /* accepted and ignored, as runc's hidden ones */
};
int lodge_create_option (void *ctx, int id, const char *arg,
                         lodge_error_t *err);
extern const struct lodge_option lodge_create_options[];
extern const struct lodge_option lodge_run_options[];

#endif
