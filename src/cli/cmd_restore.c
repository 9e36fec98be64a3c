/* hutch restore: restore a container from a checkpoint (CRIU). Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec restore_options[] = {
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master", false },
  { "image-path", 0, OPT_STRING, "DIR", "where the images are", false },
  { "work-path", 0, OPT_STRING, "DIR", "where to write logs and work files", false },
  { "tcp-established", 0, OPT_BOOL, NULL, "restore open TCP connections", false },
  { "ext-unix-sk", 0, OPT_BOOL, NULL, "allow external unix sockets", false },
  { "shell-job", 0, OPT_BOOL, NULL, "allow shell jobs", false },
  { "file-locks", 0, OPT_BOOL, NULL, "handle file locks", false },
  { "manage-cgroups-mode", 0, OPT_STRING, "MODE", "soft, full, strict or ignore", false },
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle directory", false },
  { "detach", 'd', OPT_BOOL, NULL, "return once restored", false },
  { "pid-file", 0, OPT_STRING, "FILE", "write the restored process's pid here", false },
  { "no-subreaper", 0, OPT_BOOL, NULL, "do not become a child subreaper", false },
  { "no-pivot", 0, OPT_BOOL, NULL, "use MS_MOVE and chroot instead of pivot_root", false },
  { "empty-ns", 0, OPT_STRING_LIST, "NS", "namespace to leave empty (repeatable)", false },
  { "auto-dedup", 0, OPT_BOOL, NULL, "deduplicate images", false },
  { "lazy-pages", 0, OPT_BOOL, NULL, "use lazy migration", false },
  { "lsm-profile", 0, OPT_STRING, "TYPE:LABEL", "LSM profile of the restored process", false },
  { "lsm-mount-context", 0, OPT_STRING, "CONTEXT", "SELinux mount context", false },
};

const struct cli_command cli_cmd_restore = {
  .name = "restore",
  .summary = "restore a container from a checkpoint (CRIU)",
  .usage = "<container-id>",
  CLI_OPTIONS(restore_options),
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
