/* hutch help [command]: the help of hutch or of one command. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static int help_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  (void) globals;
  if (args->n_positional == 0) {
    cli_print_usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < cli_command_count; i++) {
    if (strcmp(cli_commands[i]->name, args->positional[0]) == 0) {
      cli_print_command_help(cli_commands[i]);
      return 0;
    }
  }
  struct hutch_error err = { 0, NULL };
  char msg[128];
  snprintf(msg, sizeof msg, "unknown command \"%.64s\"", args->positional[0]);
  err.msg = msg;
  return cli_report(cmd, &err);
}

const struct cli_command cli_cmd_help = {
  .name = "help",
  .summary = "show the commands, or one command's options",
  .usage = "[command]",
  .min_args = 0,
  .max_args = 1,
  .run = help_run,
};
