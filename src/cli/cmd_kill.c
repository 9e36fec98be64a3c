/* hutch kill: send a signal to a container's process. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec kill_options[] = {
  { "all", 'a', OPT_BOOL, NULL, "accepted for compatibility (signal every process)", false },
};

const struct cli_command cli_cmd_kill = {
  .name = "kill",
  .summary = "send a signal to a container's process",
  .usage = "<container-id> [signal]",
  CLI_OPTIONS(kill_options),
  .min_args = 1,
  .max_args = 2,
  .run = cli_not_implemented,
};
