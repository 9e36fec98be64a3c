/* hutch exec: run a new process in a running container. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec exec_options[] = {
  { "process", 'p', OPT_STRING, "FILE", "the process as an OCI process JSON document", false },
  { "tty", 't', OPT_BOOL, NULL, "allocate a pseudo-terminal", false },
  { "detach", 'd', OPT_BOOL, NULL, "return once the process has started", false },
  { "pid-file", 0, OPT_STRING, "FILE", "write the process's pid here", false },
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master", false },
  { "pidfd-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives a pidfd of the process", false },
  { "cwd", 0, OPT_STRING, "DIR", "working directory in the container", false },
  { "env", 'e', OPT_STRING_LIST, "KEY=VALUE", "add an environment variable (repeatable)", false },
  { "user", 'u', OPT_STRING, "UID[:GID]", "run as this numeric user and group", false },
  { "additional-gids", 'g', OPT_STRING_LIST, "GID", "add a supplementary group (repeatable)", false },
  { "cap", 'c', OPT_STRING_LIST, "CAP", "add a capability (repeatable)", false },
  { "process-label", 0, OPT_STRING, "LABEL", "SELinux label of the process", false },
  { "apparmor", 0, OPT_STRING, "PROFILE", "AppArmor profile of the process", false },
  { "no-new-privs", 0, OPT_BOOL, NULL, "set no_new_privs", false },
  { "preserve-fds", 0, OPT_STRING, "N", "pass fds 3..3+N-1 to the process", false },
  { "cgroup", 0, OPT_STRING, "PATH", "run in this sub-cgroup", false },
  { "ignore-paused", 0, OPT_BOOL, NULL, "allow exec into a paused container", false },
};

const struct cli_command cli_cmd_exec = {
  .name = "exec",
  .summary = "run a new process in a running container",
  .usage = "<container-id> <command> [args...]",
  CLI_OPTIONS(exec_options),
  .stop_at_positional = true,
  .min_args = 1,
  .max_args = -1,
  .run = cli_not_implemented,
};
