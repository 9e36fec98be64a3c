/* hutch: the entry point. Parses the global options, picks the command and
 * hands over; every command lives in its own cmd_<name>.c. */
#include "cli/cli.h"
#include "spec/version.h"
#include "util/error.h"
#include "util/log.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct opt_spec global_options[] = {
  { "root", 0, OPT_STRING, "DIR", "where container state is kept (default /run/hutch)", false },
  { "log", 0, OPT_STRING, "FILE", "write hutch's log here instead of stderr", false },
  { "log-format", 0, OPT_STRING, "FORMAT", "text or json", false },
  { "debug", 0, OPT_BOOL, NULL, "log debug messages", false },
  { "systemd-cgroup", 0, OPT_BOOL, NULL, "manage cgroups through systemd (cgroupsPath is slice:prefix:name)", false },
  { "cgroup-manager", 0, OPT_STRING, "cgroupfs|systemd|disabled",
    "crun's form: cgroupfs (the default), systemd (= --systemd-cgroup), or disabled (no cgroups)", false },
  { "rootless", 0, OPT_STRING, "true|false|auto", "ignore cgroup permission errors (default auto)", false },
  { "version", 'v', OPT_BOOL, NULL, "print the version", false },
};
enum { G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD_CGROUP, G_CGROUP_MANAGER, G_ROOTLESS, G_VERSION };

void cli_print_usage(FILE *out)
{
  fprintf(out, "hutch: an OCI container runtime (runtime-spec %s)\n\n", HUTCH_OCI_VERSION_SPEC);
  fprintf(out, "Usage: hutch [global options] <command> [options] <arguments>\n\nCommands:\n");
  for (size_t i = 0; i < cli_command_count; i++)
    fprintf(out, "  %-11s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
  fprintf(out, "\nGlobal options:\n");
  for (size_t i = 0; i < sizeof global_options / sizeof *global_options; i++) {
    const struct opt_spec *o = &global_options[i];
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

static void print_version(void)
{
  printf("hutch version %s\ncommit: %s\nspec: %s\n", HUTCH_VERSION, HUTCH_COMMIT, HUTCH_OCI_VERSION_SPEC);
}

static const struct cli_command *find_command(const char *name)
{
  for (size_t i = 0; i < cli_command_count; i++)
    if (strcmp(cli_commands[i]->name, name) == 0)
      return cli_commands[i];
  return NULL;
}

/* One line on stderr plus a hint, as for every usage error. */
static int usage_error(const char *context, const char *msg)
{
  /* containerd reads the log file, not stderr, for the error. */
  if (!log_to_stderr())
    log_error("%s%s%s", context ? context : "", context ? ": " : "", msg);
  fprintf(stderr, "hutch: %s%s%s\n", context ? context : "", context ? ": " : "", msg);
  if (context)
    fprintf(stderr, "Run 'hutch %s --help' for usage.\n", context);
  else
    fprintf(stderr, "Run 'hutch --help' for usage.\n");
  return 1;
}

static int setup_logging(const struct parsed_args *g, struct cli_globals *globals)
{
  const char *format = g->values[G_LOG_FORMAT].set ? g->values[G_LOG_FORMAT].value : "text";
  if (strcmp(format, "text") == 0)
    globals->log_format = LOG_FORMAT_TEXT;
  else if (strcmp(format, "json") == 0)
    globals->log_format = LOG_FORMAT_JSON;
  else {
    char msg[160];
    snprintf(msg, sizeof msg, "invalid --log-format \"%.64s\" (expected text or json)", format);
    return usage_error(NULL, msg);
  }
  globals->log = g->values[G_LOG].value;
  globals->debug = g->values[G_DEBUG].flag;
  cleanup_error struct hutch_error *err = NULL;
  if (log_open(globals->log, globals->log_format, globals->debug, &err) < 0) {
    fprintf(stderr, "hutch: --log: %s\n", err->msg);
    return 1;
  }
  return 0;
}

static int run_command(const struct cli_command *cmd, const struct cli_globals *globals, int argc, char **argv)
{
  struct parsed_args args;
  cleanup_error struct hutch_error *err = NULL;
  if (parse_args(cmd->options, cmd->n_options, argc, argv, cmd->stop_at_positional, &args, &err) < 0)
    return usage_error(cmd->name, err->msg);
  if (args.help) {
    cli_print_command_help(cmd);
    parsed_args_release(&args);
    return 0;
  }
  int n = (int) args.n_positional;
  if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
    char msg[128];
    if (cmd->max_args == 0)
      snprintf(msg, sizeof msg, "takes no arguments, got %d", n);
    else if (n < cmd->min_args)
      snprintf(msg, sizeof msg, "missing argument: expected %s", cmd->usage);
    else
      snprintf(msg, sizeof msg, "too many arguments: expected %s", cmd->usage);
    parsed_args_release(&args);
    return usage_error(cmd->name, msg);
  }
  int status = cmd->run(cmd, globals, &args);
  parsed_args_release(&args);
  return status;
}

/* A caller may start us with a std fd closed; the first fd we open would then
 * become the container's stdin or stdout, or be overwritten when a pty is
 * dup'ed onto 0-2. Hold /dev/null there instead: the rest of hutch relies on
 * every fd it opens being above 2. */
static int fill_std_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    /* The lowest free fd: this one, as the lower ones are open by now. */
    if (open("/dev/null", O_RDWR) < 0)
      return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (fill_std_fds() < 0)
    return 1;
  struct parsed_args g;
  cleanup_error struct hutch_error *err = NULL;
  if (parse_args(global_options, sizeof global_options / sizeof *global_options, argc - 1, argv + 1, true, &g,
                 &err) < 0)
    return usage_error(NULL, err->msg);

  if (g.help || (g.n_positional == 0 && !g.values[G_VERSION].flag)) {
    cli_print_usage(stdout);
    parsed_args_release(&g);
    return 0;
  }
  if (g.values[G_VERSION].flag) {
    print_version();
    parsed_args_release(&g);
    return 0;
  }

  struct cli_globals globals = {
    .argv = argv,
    .root = g.values[G_ROOT].value,
    .systemd_cgroup = g.values[G_SYSTEMD_CGROUP].flag,
    .rootless = g.values[G_ROOTLESS].set ? g.values[G_ROOTLESS].value : "auto",
  };
  if (g.values[G_CGROUP_MANAGER].set) {
    const char *m = g.values[G_CGROUP_MANAGER].value;
    bool systemd = strcmp(m, "systemd") == 0, disabled = strcmp(m, "disabled") == 0;
    if (!systemd && !disabled && strcmp(m, "cgroupfs") != 0) {
      char msg[160];
      snprintf(msg, sizeof msg, "--cgroup-manager: unknown manager \"%.64s\" (expected cgroupfs, systemd or disabled)",
               m);
      parsed_args_release(&g);
      return usage_error(NULL, msg);
    }
    if (globals.systemd_cgroup && !systemd) {
      parsed_args_release(&g);
      return usage_error(NULL, "--systemd-cgroup contradicts --cgroup-manager");
    }
    globals.systemd_cgroup = systemd;
    globals.no_cgroups = disabled;
  }
  if (globals.root && !globals.root[0]) {
    parsed_args_release(&g);
    return usage_error(NULL, "--root: the state directory must not be an empty path");
  }
  bool ignored;
  if (strcmp(globals.rootless, "auto") != 0 && !parse_bool(globals.rootless, &ignored)) {
    parsed_args_release(&g);
    return usage_error(NULL, "invalid --rootless value (expected true, false or auto)");
  }
  if (setup_logging(&g, &globals) != 0) {
    parsed_args_release(&g);
    return 1;
  }

  const char *name = g.positional[0];
  const struct cli_command *cmd = find_command(name);
  if (!cmd) {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown command \"%.64s\"", name);
    parsed_args_release(&g);
    log_close();
    return usage_error(NULL, msg);
  }
  /* Everything after the command name belongs to the command; argv's
   * storage outlives g, so the pointers stay valid. */
  int first = argc - (int) g.n_positional + 1;
  parsed_args_release(&g);
  int status = run_command(cmd, &globals, argc - first, argv + first);
  log_close();
  return status;
}
