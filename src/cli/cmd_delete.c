/* hutch delete: delete a container and everything it holds. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"

#include <errno.h>

static const struct opt_spec delete_options[] = {
  { "force", 'f', OPT_BOOL, NULL, "kill a running container first", false, NULL },
};

static int delete_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  bool force = cli_opt_flag(cmd, args, "force");
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (hutch_container_open(rt.root, id, HUTCH_OPEN_ANY_STATE, &c, &err) < 0) {
    /* delete -f is idempotent: containerd relies on it. */
    if (force && err && err->code == ENOENT) {
      hutch_error_free(err);
      return 0;
    }
    return cli_fail(cmd, err);
  }
  if (hutch_backend_require(c.backend, HUTCH_OP_DELETE, &err) < 0 || c.backend->delete_(&rt, &c, force, &err) < 0)
    return cli_fail(cmd, err);
  return 0;
}

const struct cli_command cli_cmd_delete = {
  .name = "delete",
  .summary = "delete a container and everything it holds",
  .usage = "<container-id>",
  CLI_OPTIONS(delete_options),
  .min_args = 1,
  .max_args = 1,
  .run = delete_run,
};
