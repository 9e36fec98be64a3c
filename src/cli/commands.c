/* The command table, in the order `hutch --help` lists them. */
#include "cli/cli.h"

extern const struct cli_command cli_cmd_create;
extern const struct cli_command cli_cmd_start;
extern const struct cli_command cli_cmd_run;
extern const struct cli_command cli_cmd_exec;
extern const struct cli_command cli_cmd_state;
extern const struct cli_command cli_cmd_list;
extern const struct cli_command cli_cmd_ps;
extern const struct cli_command cli_cmd_kill;
extern const struct cli_command cli_cmd_pause;
extern const struct cli_command cli_cmd_resume;
extern const struct cli_command cli_cmd_update;
extern const struct cli_command cli_cmd_events;
extern const struct cli_command cli_cmd_delete;
extern const struct cli_command cli_cmd_checkpoint;
extern const struct cli_command cli_cmd_restore;
extern const struct cli_command cli_cmd_spec;
extern const struct cli_command cli_cmd_features;
extern const struct cli_command cli_cmd_validate;
extern const struct cli_command cli_cmd_help;

const struct cli_command *const cli_commands[] = {
  &cli_cmd_create,
  &cli_cmd_start,
  &cli_cmd_run,
  &cli_cmd_exec,
  &cli_cmd_state,
  &cli_cmd_list,
  &cli_cmd_ps,
  &cli_cmd_kill,
  &cli_cmd_pause,
  &cli_cmd_resume,
  &cli_cmd_update,
  &cli_cmd_events,
  &cli_cmd_delete,
  &cli_cmd_checkpoint,
  &cli_cmd_restore,
  &cli_cmd_spec,
  &cli_cmd_features,
  &cli_cmd_validate,
  &cli_cmd_help,
};
const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];
