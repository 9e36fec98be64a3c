/* hutch features: the features document of a backend. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "util/strbuf.h"

#include <stdio.h>

static const struct opt_spec features_options[] = {
  { "backend", 0, OPT_STRING, "NAME", "native (default), lxc or proxmox", false, HUTCH_BACKEND_NAMES },
};

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
  struct strbuf out = STRBUF_INIT;
  oci_features_write(&out, support.features, "    ");
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
