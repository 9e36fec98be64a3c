/* hutch exec: run a new process in a running container; exits with its
 * status (255 when hutch itself fails). */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "engine/process/exe_guard.h"

static const struct opt_spec exec_options[] = {
  { "process", 'p', OPT_STRING, "FILE", "the process as an OCI process JSON document", false, NULL },
  { "tty", 't', OPT_BOOL, NULL, "allocate a pseudo-terminal", false, NULL },
  { "detach", 'd', OPT_BOOL, NULL, "return once the process has started", false, NULL },
  { "pid-file", 0, OPT_STRING, "FILE", "write the process's pid here", false, NULL },
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master", false, NULL },
  { "pidfd-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives a pidfd of the process", false, NULL },
  { "cwd", 0, OPT_STRING, "DIR", "working directory in the container", false, NULL },
  { "env", 'e', OPT_STRING_LIST, "KEY=VALUE", "add an environment variable (repeatable)", false, NULL },
  { "user", 'u', OPT_STRING, "UID[:GID]", "run as this numeric user and group", false, NULL },
  { "additional-gids", 'g', OPT_STRING_LIST, "GID", "add a supplementary group (repeatable)", false, NULL },
  { "cap", 'c', OPT_STRING_LIST, "CAP", "add a capability (repeatable)", false, NULL },
  { "process-label", 0, OPT_STRING, "LABEL", "SELinux label of the process", false, NULL },
  { "apparmor", 0, OPT_STRING, "PROFILE", "AppArmor profile of the process", false, NULL },
  { "no-new-privs", 0, OPT_BOOL, NULL, "set no_new_privs", false, NULL },
  { "preserve-fds", 0, OPT_STRING, "N", "pass fds 3..3+N-1 to the process", false, NULL },
  { "cgroup", 0, OPT_STRING_LIST, "[CONTROLLERS:]PATH", "run in this sub-cgroup of the container (repeatable)", false, NULL },
  { "ignore-paused", 0, OPT_BOOL, NULL, "allow exec into a paused container", false, NULL },
};

/* exec's own failures exit 255, so they cannot be taken for the process's. */
static int exec_fail(const struct cli_command *cmd, struct hutch_error *err)
{
  cli_fail(cmd, err);
  return 255;
}

static int exec_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const struct opt_value *env = cli_opt(cmd, args, "env");
  const struct opt_value *gids = cli_opt(cmd, args, "additional-gids");
  const struct opt_value *caps = cli_opt(cmd, args, "cap");
  const struct opt_value *cgroups = cli_opt(cmd, args, "cgroup");
  struct hutch_exec_opts opts = {
    .id = args->positional[0],
    .process_file = cli_opt_string(cmd, args, "process", NULL),
    .args = (char **) args->positional + 1,
    .n_args = args->n_positional - 1,
    .tty = cli_opt_flag(cmd, args, "tty"),
    .detach = cli_opt_flag(cmd, args, "detach"),
    .pid_file = cli_opt_string(cmd, args, "pid-file", NULL),
    .console_socket = cli_opt_string(cmd, args, "console-socket", NULL),
    .pidfd_socket = cli_opt_string(cmd, args, "pidfd-socket", NULL),
    .cwd = cli_opt_string(cmd, args, "cwd", NULL),
    .user = cli_opt_string(cmd, args, "user", NULL),
    .env = env->list,
    .n_env = env->count,
    .additional_gids = gids->list,
    .n_additional_gids = gids->count,
    .caps = caps->list,
    .n_caps = caps->count,
    .no_new_privs = cli_opt_flag(cmd, args, "no-new-privs"),
    .apparmor = cli_opt_string(cmd, args, "apparmor", NULL),
    .process_label = cli_opt_string(cmd, args, "process-label", NULL),
    .cgroups = cgroups->list,
    .n_cgroups = cgroups->count,
    .ignore_paused = cli_opt_flag(cmd, args, "ignore-paused"),
  };
  const char *preserve = cli_opt_string(cmd, args, "preserve-fds", NULL);
  if (preserve && cli_parse_count("preserve-fds", preserve, &opts.preserve_fds, &err) < 0)
    return exec_fail(cmd, err);
  if (!opts.process_file && opts.n_args == 0) {
    hutch_fail(&err, 0, "missing the command to run (or --process)");
    return exec_fail(cmd, err);
  }
  /* Before anything is opened: the re-exec starts this command afresh, and
   * whatever backend runs the process, it is forked from hutch. */
  if (exe_guard_ensure_sealed(rt.argv, &err) < 0)
    return exec_fail(cmd, err);
  int status = 255;
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (cli_open_container(&rt, opts.id, HUTCH_OPEN_STATE, HUTCH_OP_EXEC, &c, &err) < 0 ||
      c.backend->exec(&rt, &c, &opts, &status, &err) < 0)
    return exec_fail(cmd, err);
  return status;
}

const struct cli_command cli_cmd_exec = {
  .name = "exec",
  .summary = "run a new process in a running container",
  .usage = "<container-id> <command> [args...]",
  CLI_OPTIONS(exec_options),
  .stop_at_positional = true,
  .min_args = 1,
  .max_args = -1,
  .run = exec_run,
};
