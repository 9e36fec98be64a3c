/* hutch ps: list the processes of a container. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec ps_options[] = {
  { "format", 'f', OPT_STRING, "FORMAT", "table (default) or json", false },
};

const struct cli_command cli_cmd_ps = {
  .name = "ps",
  .summary = "list the processes of a container",
  .usage = "<container-id> [ps options]",
  CLI_OPTIONS(ps_options),
  .min_args = 1,
  .max_args = -1,
  .run = cli_not_implemented,
};
