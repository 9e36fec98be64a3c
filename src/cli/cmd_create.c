/* hutch create: create a container from a bundle; it waits for `start`. */
#include "backend/backend.h"
#include "cli/cli.h"

static const struct opt_spec create_options[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle directory (default: the current directory)", false, NULL },
  { "pid-file", 0, OPT_STRING, "FILE", "write the container process's pid here", false, NULL },
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master (terminal: true)", false, NULL },
  { "pidfd-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives a pidfd of the container process", false, NULL },
  { "preserve-fds", 0, OPT_STRING, "N", "pass fds 3..3+N-1 to the container", false, NULL },
  { "no-pivot", 0, OPT_BOOL, NULL, "use MS_MOVE and chroot instead of pivot_root", false, NULL },
  { "no-new-keyring", 0, OPT_BOOL, NULL, "keep the session keyring of the caller", false, NULL },
  { "detach", 'd', OPT_BOOL, NULL, "accepted for go-runc; create always detaches", true, NULL },
  { "backend", 0, OPT_STRING, "NAME", "native, lxc or proxmox (default: see docs/backends.md)", false, HUTCH_BACKEND_NAMES },
};

static int create_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  int ignored;
  return cli_launch(cmd, globals, args, &ignored);
}

const struct cli_command cli_cmd_create = {
  .name = "create",
  .summary = "create a container from a bundle; it waits for `start`",
  .usage = "<container-id>",
  CLI_OPTIONS(create_options),
  .min_args = 1,
  .max_args = 1,
  .run = create_run,
};
