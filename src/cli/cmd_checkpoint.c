/* hutch checkpoint: checkpoint a running container (CRIU). Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec checkpoint_options[] = {
  { "image-path", 0, OPT_STRING, "DIR", "where to write the images", false, NULL },
  { "work-path", 0, OPT_STRING, "DIR", "where to write logs and work files", false, NULL },
  { "parent-path", 0, OPT_STRING, "DIR", "the previous checkpoint", false, NULL },
  { "leave-running", 0, OPT_BOOL, NULL, "keep the container running", false, NULL },
  { "tcp-established", 0, OPT_BOOL, NULL, "checkpoint open TCP connections", false, NULL },
  { "tcp-skip-in-flight", 0, OPT_BOOL, NULL, "skip in-flight TCP connections", false, NULL },
  { "link-remap", 0, OPT_BOOL, NULL, "allow linked, removed files", false, NULL },
  { "ext-unix-sk", 0, OPT_BOOL, NULL, "allow external unix sockets", false, NULL },
  { "shell-job", 0, OPT_BOOL, NULL, "allow shell jobs", false, NULL },
  { "lazy-pages", 0, OPT_BOOL, NULL, "use lazy migration", false, NULL },
  { "status-fd", 0, OPT_STRING, "FD", "report lazy-pages readiness here", false, NULL },
  { "page-server", 0, OPT_STRING, "ADDR:PORT", "send pages to this page server", false, NULL },
  { "file-locks", 0, OPT_BOOL, NULL, "handle file locks", false, NULL },
  { "pre-dump", 0, OPT_BOOL, NULL, "dump memory only", false, NULL },
  { "manage-cgroups-mode", 0, OPT_STRING, "MODE", "soft, full, strict or ignore", false, "soft full strict ignore" },
  { "empty-ns", 0, OPT_STRING_LIST, "NS", "do not checkpoint this namespace (repeatable)", false, NULL },
  { "auto-dedup", 0, OPT_BOOL, NULL, "deduplicate images", false, NULL },
};

const struct cli_command cli_cmd_checkpoint = {
  .name = "checkpoint",
  .summary = "checkpoint a running container (CRIU)",
  .usage = "<container-id>",
  CLI_OPTIONS(checkpoint_options),
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
