#pragma once
/* The whole command line, read before anything is done: global options,
 * the command and its own options, each value checked. main() only sets up
 * the log and runs what this returns; the command-line fuzzer drives it
 * with arbitrary argv. */
#include <stdbool.h>

#include "cli/cli.h"
#include "cli/options.h"

struct cli_invocation {
  enum {
    CLI_RUN,     /* run cmd with args */
    CLI_USAGE,   /* print the global usage, exit 0 */
    CLI_VERSION, /* print the version, exit 0 */
    CLI_HELP,    /* print cmd's help, exit 0 */
  } action;
  struct cli_globals globals;
  const char *log_format; /* as given: "text" or "json" */
  const struct cli_command *cmd;
  struct parsed_args args; /* the command's */
  bool have_args;
  bool globals_ok; /* globals and log_format hold checked values */
};

/* Fills *out; returns 0, or -1 with *err and *context (the command the
 * error is about, NULL for the global part) for a usage error. Release with
 * cli_invocation_release either way. argv outlives *out. */
/* The global options (before the command), as --help lists them. */
extern const struct opt_spec cli_global_options[];
extern const size_t cli_global_option_count;

int cli_parse(int argc, char **argv, struct cli_invocation *out, const char **context, struct hutch_error **err);
void cli_invocation_release(struct cli_invocation *inv);
