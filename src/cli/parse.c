/* The command line: global options (runc's, and crun's --cgroup-manager),
 * then the command and its options. Nothing here opens, logs or runs
 * anything. */
#include "cli/parse.h"
#include "spec/version.h"

#include <stdio.h>
#include <string.h>

const struct opt_spec cli_global_options[] = {
  { "root", 0, OPT_STRING, "DIR", "where container state is kept (default /run/hutch)", false, NULL },
  { "log", 0, OPT_STRING, "FILE", "write hutch's log here instead of stderr", false, NULL },
  { "log-format", 0, OPT_STRING, "FORMAT", "text or json", false, "text json" },
  { "debug", 0, OPT_BOOL, NULL, "log debug messages", false, NULL },
  { "systemd-cgroup", 0, OPT_BOOL, NULL, "manage cgroups through systemd (cgroupsPath is slice:prefix:name)", false, NULL },
  { "cgroup-manager", 0, OPT_STRING, "cgroupfs|systemd|disabled",
    "crun's form: cgroupfs (the default), systemd (= --systemd-cgroup), or disabled (no cgroups)", false, NULL },
  /* go-runc passes it; hutch runs as root and does nothing with it, so it
   * is accepted (and checked) but not offered. */
  { "rootless", 0, OPT_STRING, "true|false|auto", "accepted because callers pass it; no effect", true, NULL },
  { "backend", 0, OPT_STRING, "NAME", "backend of the containers create and run make (docs/backends.md)", false, HUTCH_BACKEND_NAMES },
  { "version", 'v', OPT_BOOL, NULL, "print the version", false, NULL },
};
const size_t cli_global_option_count = sizeof cli_global_options / sizeof cli_global_options[0];
enum { G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD_CGROUP, G_CGROUP_MANAGER, G_ROOTLESS, G_BACKEND, G_VERSION };

void cli_print_usage(FILE *out)
{
  fprintf(out, "hutch: an OCI container runtime (runtime-spec %s)\n\n", HUTCH_OCI_VERSION_SPEC);
  fprintf(out, "Usage: hutch [global options] <command> [options] <arguments>\n\nCommands:\n");
  for (size_t i = 0; i < cli_command_count; i++)
    fprintf(out, "  %-11s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
  fprintf(out, "\nGlobal options:\n");
  for (size_t i = 0; i < cli_global_option_count; i++) {
    const struct opt_spec *o = &cli_global_options[i];
    if (o->hidden)
      continue;
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "--%s, -%c%s%s", o->name, o->short_name, o->metavar ? " " : "",
               o->metavar ? o->metavar : "");
    else
      snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
    fprintf(out, "  %-28s %s\n", left, o->help);
  }
  fprintf(out, "  %-28s %s\n", "--help, -h", "show this help");
  fprintf(out, "\nRun 'hutch <command> --help' for a command's options.\n");
}

static const struct cli_command *find_command(const char *name)
{
  for (size_t i = 0; i < cli_command_count; i++)
    if (strcmp(cli_commands[i]->name, name) == 0)
      return cli_commands[i];
  return NULL;
}

/* The values of global options that have rules of their own. */
static int check_globals(const struct parsed_args *g, struct cli_invocation *out, struct hutch_error **err)
{
  struct cli_globals *gl = &out->globals;
  if (gl->root && !gl->root[0])
    return hutch_fail(err, 0, "--root: the state directory must not be an empty path");
  const char *format = out->log_format;
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
    return hutch_fail(err, 0, "invalid --log-format \"%.64s\" (expected text or json)", format);
  if (g->values[G_CGROUP_MANAGER].set) {
    const char *m = g->values[G_CGROUP_MANAGER].value;
    bool systemd = strcmp(m, "systemd") == 0, disabled = strcmp(m, "disabled") == 0;
    if (!systemd && !disabled && strcmp(m, "cgroupfs") != 0)
      return hutch_fail(err, 0, "--cgroup-manager: unknown manager \"%.64s\" (expected cgroupfs, systemd or disabled)",
                        m);
    if (gl->systemd_cgroup && !systemd)
      return hutch_fail(err, 0, "--systemd-cgroup contradicts --cgroup-manager");
    gl->systemd_cgroup = systemd;
    gl->no_cgroups = disabled;
  }
  bool ignored;
  if (strcmp(gl->rootless, "auto") != 0 && !parse_bool(gl->rootless, &ignored))
    return hutch_fail(err, 0, "invalid --rootless value (expected true, false or auto)");
  return 0;
}

static int parse_command(const struct cli_command *cmd, int argc, char **argv, struct cli_invocation *out,
                         struct hutch_error **err)
{
  if (parse_args(cmd->options, cmd->n_options, argc, argv, cmd->stop_at_positional, &out->args, err) < 0)
    return -1;
  out->have_args = true;
  if (out->args.help) {
    out->action = CLI_HELP;
    return 0;
  }
  int n = (int) out->args.n_positional;
  if (cmd->max_args == 0 && n > 0)
    return hutch_fail(err, 0, "takes no arguments, got %d", n);
  if (n < cmd->min_args)
    return hutch_fail(err, 0, "missing argument: expected %s", cmd->usage);
  if (cmd->max_args >= 0 && n > cmd->max_args)
    return hutch_fail(err, 0, "too many arguments: expected %s", cmd->usage);
  out->action = CLI_RUN;
  return 0;
}

int cli_parse(int argc, char **argv, struct cli_invocation *out, const char **context, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  *context = NULL;
  struct parsed_args g;
  if (parse_args(cli_global_options, cli_global_option_count, argc - 1, argv + 1, true, &g,
                 err) < 0)
    return -1;
  int r = 0;
  if (g.help || (g.n_positional == 0 && !g.values[G_VERSION].flag)) {
    out->action = CLI_USAGE;
    goto out;
  }
  if (g.values[G_VERSION].flag) {
    out->action = CLI_VERSION;
    goto out;
  }
  out->globals = (struct cli_globals) {
    .argv = argv,
    .root = g.values[G_ROOT].value,
    .log = g.values[G_LOG].value,
    .debug = g.values[G_DEBUG].flag,
    .systemd_cgroup = g.values[G_SYSTEMD_CGROUP].flag,
    .rootless = g.values[G_ROOTLESS].set ? g.values[G_ROOTLESS].value : "auto",
    .backend = g.values[G_BACKEND].value,
  };
  out->log_format = g.values[G_LOG_FORMAT].set ? g.values[G_LOG_FORMAT].value : "text";
  out->globals.log_format = strcmp(out->log_format, "json") == 0 ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT;
  if ((r = check_globals(&g, out, err)) < 0)
    goto out;
  out->globals_ok = true;
  const char *name = g.positional[0];
  out->cmd = find_command(name);
  if (!out->cmd) {
    r = hutch_fail(err, 0, "unknown command \"%.64s\"", name);
    goto out;
  }
  /* Everything after the command name belongs to the command; argv's
   * storage outlives g, so the pointers stay valid. */
  int first = argc - (int) g.n_positional + 1;
  if ((r = parse_command(out->cmd, argc - first, argv + first, out, err)) < 0)
    *context = out->cmd->name;
out:
  parsed_args_release(&g);
  return r;
}

void cli_invocation_release(struct cli_invocation *inv)
{
  if (inv->have_args)
    parsed_args_release(&inv->args);
  inv->have_args = false;
}
