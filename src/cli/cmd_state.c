/* hutch state: print the state of a container as JSON. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "util/strbuf.h"

#include <stdio.h>

static int state_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  struct strbuf json = STRBUF_INIT;
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (cli_open_container(&rt, id, HUTCH_OPEN_STATE, HUTCH_OP_STATE, &c, &err) < 0 ||
      c.backend->state(&rt, &c, &json, &err) < 0) {
    strbuf_release(&json);
    return cli_fail(cmd, err);
  }
  printf("%s\n", strbuf_str(&json));
  strbuf_release(&json);
  return 0;
}

const struct cli_command cli_cmd_state = {
  .name = "state",
  .summary = "print the state of a container as JSON",
  .usage = "<container-id>",
  .min_args = 1,
  .max_args = 1,
  .run = state_run,
};
