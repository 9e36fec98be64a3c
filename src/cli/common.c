/* What every command file shares: error reporting, option lookup, help. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "engine/state/store.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

void cli_runtime(const struct cli_globals *globals, struct hutch_runtime *out)
{
  out->argv = globals->argv;
  out->root = globals->root ? globals->root : HUTCH_DEFAULT_ROOT;
  out->systemd_cgroup = globals->systemd_cgroup;
  out->no_cgroups = globals->no_cgroups;
  out->debug = globals->debug;
}

int cli_fail(const struct cli_command *cmd, struct hutch_error *err)
{
  int r = cli_report(cmd, err);
  hutch_error_free(err);
  return r;
}

static const struct opt_value *opt_find(const struct cli_command *cmd, const struct parsed_args *args, const char *name)
{
  for (size_t i = 0; i < cmd->n_options; i++)
    if (strcmp(cmd->options[i].name, name) == 0)
      return &args->values[i];
  return NULL;
}

int cli_parse_count(const char *flag, const char *value, int *out, struct hutch_error **err)
{
  char *end;
  errno = 0;
  long v = strtol(value, &end, 10);
  if (errno || end == value || *end || v < 0 || v > 65536)
    return hutch_fail(err, 0, "--%s: \"%s\" is not a count", flag, value);
  *out = (int) v;
  return 0;
}

int cli_create_opts(const struct cli_command *cmd, const struct parsed_args *args, struct hutch_create_opts *out,
                    struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  out->id = args->positional[0];
  const struct opt_value *v;
  out->bundle = (v = opt_find(cmd, args, "bundle")) && v->set ? v->value : ".";
  out->pid_file = (v = opt_find(cmd, args, "pid-file")) && v->set ? v->value : NULL;
  out->console_socket = (v = opt_find(cmd, args, "console-socket")) && v->set ? v->value : NULL;
  out->pidfd_socket = (v = opt_find(cmd, args, "pidfd-socket")) && v->set ? v->value : NULL;
  out->no_pivot = (v = opt_find(cmd, args, "no-pivot")) && v->flag;
  out->no_new_keyring = (v = opt_find(cmd, args, "no-new-keyring")) && v->flag;
  out->keep = (v = opt_find(cmd, args, "keep")) && v->flag;
  out->no_subreaper = (v = opt_find(cmd, args, "no-subreaper")) && v->flag;
  if (strcmp(cmd->name, "run") == 0)
    out->detach = (v = opt_find(cmd, args, "detach")) && v->flag;
  if ((v = opt_find(cmd, args, "preserve-fds")) && v->set &&
      cli_parse_count("preserve-fds", v->value, &out->preserve_fds, err) < 0)
    return -1;
  return 0;
}
