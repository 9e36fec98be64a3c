/* What every command file shares: error reporting, option lookup, help. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

int cli_report(const struct cli_command *cmd, struct hutch_error *err)
{
  const char *msg = err && err->msg ? err->msg : "unknown error";
  log_error("%s: %s", cmd->name, msg);
  /* Callers such as containerd read the log file; people read stderr. */
  if (!log_to_stderr())
    fprintf(stderr, "hutch: %s: %s\n", cmd->name, msg);
  return 1;
}

int cli_not_implemented(const struct cli_command *cmd, const struct cli_globals *globals,
                        const struct parsed_args *args)
{
  (void) globals;
  (void) args;
  struct hutch_error err = { 0, (char *) "not implemented yet in this version of hutch" };
  return cli_report(cmd, &err);
}

const struct opt_value *cli_opt(const struct cli_command *cmd, const struct parsed_args *args, const char *name)
{
  return &args->values[opt_index(cmd->options, cmd->n_options, name)];
}

const char *cli_opt_string(const struct cli_command *cmd, const struct parsed_args *args, const char *name,
                           const char *fallback)
{
  const struct opt_value *v = cli_opt(cmd, args, name);
  return v->set ? v->value : fallback;
}

bool cli_opt_flag(const struct cli_command *cmd, const struct parsed_args *args, const char *name)
{
  return cli_opt(cmd, args, name)->flag;
}

void cli_print_command_help(const struct cli_command *cmd)
{
  printf("Usage: hutch %s [options]%s%s\n\n%s\n", cmd->name, cmd->usage[0] ? " " : "", cmd->usage, cmd->summary);
  if (cmd->run == cli_not_implemented)
    printf("(not implemented yet in this version of hutch)\n");
  printf("\nOptions:\n");
  for (size_t i = 0; i < cmd->n_options; i++) {
    const struct opt_spec *o = &cmd->options[i];
    if (o->hidden)
      continue;
    char left[64];
    const char *meta = o->metavar ? o->metavar : "";
    if (o->short_name)
      snprintf(left, sizeof left, "--%s, -%c%s%s", o->name, o->short_name, *meta ? " " : "", meta);
    else
      snprintf(left, sizeof left, "--%s%s%s", o->name, *meta ? " " : "", meta);
    printf("  %-30s %s\n", left, o->help);
  }
  printf("  %-30s %s\n", "--help, -h", "show this help");
}

const struct hutch_backend *cli_find_backend(const char *name, struct hutch_error **err)
{
  const struct hutch_backend *backend = hutch_backend_lookup(name);
  if (!backend)
    hutch_fail(err, 0, "--backend: unknown backend \"%s\" (expected one of: %s)", name, hutch_backend_names());
  return backend;
}
