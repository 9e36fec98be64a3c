/* hutch start: start a created container. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

const struct cli_command cli_cmd_start = {
  .name = "start",
  .summary = "start a created container",
  .usage = "<container-id>",
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
