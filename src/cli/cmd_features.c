/* hutch features: the features document of a backend. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "cli/parse.h"
#include "spec/features.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt_spec features_options[] = {
  { "backend", 0, OPT_STRING, "NAME", "native (default), lxc or proxmox", false, HUTCH_BACKEND_NAMES },
};

/* What hutch's command line has and runc's has not, for engines to find. */
static const struct {
  const char *command; /* NULL: a global option */
  const char *option;  /* NULL: the command itself */
} own_options[] = {
  { NULL, "backend" },        { NULL, "cgroup-manager" },  { "create", "backend" },   { "run", "backend" },
  { "features", "backend" },  { "validate", NULL },        { "validate", "bundle" },  { "validate", "backend" },
  { "validate", "format" },   { "validate", "upgrade" },   { "validate", "output" },
};

static const struct cli_command *command_named(const char *name)
{
  for (size_t i = 0; i < cli_command_count; i++)
    if (strcmp(cli_commands[i]->name, name) == 0)
      return cli_commands[i];
  abort(); /* own_options names a command that does not exist */
}

static void add_own_options(struct oci_features *f, struct arena *arena)
{
  for (size_t i = 0; i < sizeof own_options / sizeof own_options[0]; i++) {
    const char *command = own_options[i].command;
    const struct cli_command *cmd = command ? command_named(command) : NULL;
    if (cmd && !own_options[i].option) {
      oci_features_add_extension(f, arena, "command", cmd->name, NULL, NULL, cmd->summary);
      continue;
    }
    const struct opt_spec *specs = cmd ? cmd->options : cli_global_options;
    size_t n = cmd ? cmd->n_options : cli_global_option_count;
    const struct opt_spec *o = &specs[opt_index(specs, n, own_options[i].option)];
    char name[64], values[256];
    snprintf(name, sizeof name, "--%s", o->name);
    oci_features_add_extension(f, arena, "option", name, cmd ? cmd->name : "",
                               opt_fixed_values(o, values, sizeof values), o->help);
  }
}

static int features_run(const struct cli_command *cmd, const struct cli_globals *globals,
                        const struct parsed_args *args)
{
  (void) globals;
  const char *name = cli_opt_string(cmd, args, "backend", HUTCH_DEFAULT_BACKEND);
  cleanup_error struct hutch_error *err = NULL;
  const struct hutch_backend *backend = cli_find_backend(name, &err);
  if (!backend)
    return cli_report(cmd, err);
  struct arena arena;
  arena_init(&arena);
  struct oci_support support;
  backend->describe(&support, &arena);
  /* describe's document is the backend's; the command line is ours. */
  struct oci_features *f = (struct oci_features *) support.features;
  add_own_options(f, &arena);
  struct strbuf out = STRBUF_INIT;
  oci_features_write(&out, f, "    ");
  printf("%s\n", strbuf_str(&out));
  strbuf_release(&out);
  arena_release(&arena);
  return 0;
}

const struct cli_command cli_cmd_features = {
  .name = "features",
  .summary = "print what hutch implements (the OCI features document)",
  .usage = "",
  CLI_OPTIONS(features_options),
  .min_args = 0,
  .max_args = 0,
  .run = features_run,
};
