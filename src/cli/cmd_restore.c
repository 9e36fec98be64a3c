/* hutch restore: restore a container from a checkpoint (CRIU). Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec restore_options[] = {
  { "console-socket", 0, OPT_STRING, "PATH", "AF_UNIX socket that receives the pty master", false, NULL },
  { "image-path", 0, OPT_STRING, "DIR", "where the images are", false, NULL },
  { "work-path", 0, OPT_STRING, "DIR", "where to write logs and work files", false, NULL },
  { "tcp-established", 0, OPT_BOOL, NULL, "restore open TCP connections", false, NULL },
  { "ext-unix-sk", 0, OPT_BOOL, NULL, "allow external unix sockets", false, NULL },
  { "shell-job", 0, OPT_BOOL, NULL, "allow shell jobs", false, NULL },
  { "file-locks", 0, OPT_BOOL, NULL, "handle file locks", false, NULL },
  { "manage-cgroups-mode", 0, OPT_STRING, "MODE", "soft, full, strict or ignore", false, "soft full strict ignore" },
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle directory", false, NULL },
  { "detach", 'd', OPT_BOOL, NULL, "return once restored", false, NULL },
  { "pid-file", 0, OPT_STRING, "FILE", "write the restored process's pid here", false, NULL },
  { "no-subreaper", 0, OPT_BOOL, NULL, "do not become a child subreaper", false, NULL },
  { "no-pivot", 0, OPT_BOOL, NULL, "use MS_MOVE and chroot instead of pivot_root", false, NULL },
  { "empty-ns", 0, OPT_STRING_LIST, "NS", "namespace to leave empty (repeatable)", false, NULL },
  { "auto-dedup", 0, OPT_BOOL, NULL, "deduplicate images", false, NULL },
  { "lazy-pages", 0, OPT_BOOL, NULL, "use lazy migration", false, NULL },
  { "lsm-profile", 0, OPT_STRING, "TYPE:LABEL", "LSM profile of the restored process", false, NULL },
  { "lsm-mount-context", 0, OPT_STRING, "CONTEXT", "SELinux mount context", false, NULL },
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
