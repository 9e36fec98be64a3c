/* hutch run: create and start a container; in the foreground it exits with
 * the container process's status. */
#include "backend/backend.h"
#include "cli/cli.h"

static const struct opt_spec run_options[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle directory (default: the current directory)", false, NULL },
  { "pid-file", 0, OPT_STRING, "FILE", "write the container process's pid here", false, NULL },
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master (terminal: true)", false, NULL },
  { "pidfd-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives a pidfd of the container process", false, NULL },
  { "detach", 'd', OPT_BOOL, NULL, "return once the container has started", false, NULL },
  { "keep", 0, OPT_BOOL, NULL, "keep the container state after it exits", false, NULL },
  { "preserve-fds", 0, OPT_STRING, "N", "pass fds 3..3+N-1 to the container", false, NULL },
  { "no-subreaper", 0, OPT_BOOL, NULL, "do not become a child subreaper", false, NULL },
  { "no-pivot", 0, OPT_BOOL, NULL, "use MS_MOVE and chroot instead of pivot_root", false, NULL },
  { "no-new-keyring", 0, OPT_BOOL, NULL, "keep the session keyring of the caller", false, NULL },
  { "backend", 0, OPT_STRING, "NAME", "native, lxc or proxmox (default: see docs/backends.md)", false, HUTCH_BACKEND_NAMES },
};

static int run_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  int status;
  if (cli_launch(cmd, globals, args, &status) != 0)
    return 1;
  return status;
}

const struct cli_command cli_cmd_run = {
  .name = "run",
  .summary = "create and start a container",
  .usage = "<container-id>",
  CLI_OPTIONS(run_options),
  .min_args = 1,
  .max_args = 1,
  .run = run_run,
};
