/* hutch start: start a created container. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"

static int start_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (cli_open_container(&rt, id, HUTCH_OPEN_STATE, HUTCH_OP_START, &c, &err) < 0 ||
      c.backend->start(&rt, &c, &err) < 0)
    return cli_fail(cmd, err);
  return 0;
}

const struct cli_command cli_cmd_start = {
  .name = "start",
  .summary = "start a created container",
  .usage = "<container-id>",
  .min_args = 1,
  .max_args = 1,
  .run = start_run,
};
