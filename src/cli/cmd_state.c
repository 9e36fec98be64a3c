/* hutch state: print the state of a container as JSON. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

const struct cli_command cli_cmd_state = {
  .name = "state",
  .summary = "print the state of a container as JSON",
  .usage = "<container-id>",
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
