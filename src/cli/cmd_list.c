/* hutch list: list containers. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec list_options[] = {
  { "format", 'f', OPT_STRING, "FORMAT", "table (default) or json", false },
  { "quiet", 'q', OPT_BOOL, NULL, "print only the container IDs", false },
};

const struct cli_command cli_cmd_list = {
  .name = "list",
  .summary = "list containers",
  .usage = "",
  CLI_OPTIONS(list_options),
  .min_args = 0,
  .max_args = 0,
  .run = cli_not_implemented,
};
