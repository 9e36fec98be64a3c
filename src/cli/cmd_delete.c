/* hutch delete: delete a container and everything it holds. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec delete_options[] = {
  { "force", 'f', OPT_BOOL, NULL, "kill a running container first", false },
};

const struct cli_command cli_cmd_delete = {
  .name = "delete",
  .summary = "delete a container and everything it holds",
  .usage = "<container-id>",
  CLI_OPTIONS(delete_options),
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
