/* hutch kill: send a signal (default SIGTERM) to a container's process. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "engine/process/signals.h"

static const struct opt_spec kill_options[] = {
  { "all", 'a', OPT_BOOL, NULL, "signal every process of the container, not only its first", false, NULL },
};

static int kill_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  const char *name = args->n_positional > 1 ? args->positional[1] : "SIGTERM";
  int sig = signal_parse(name);
  if (sig < 0) {
    hutch_fail(&err, 0, "unknown signal \"%s\"", name);
    return cli_fail(cmd, err);
  }
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (cli_open_container(&rt, id, HUTCH_OPEN_STATE, HUTCH_OP_KILL, &c, &err) < 0 ||
      c.backend->kill(&rt, &c, sig, cli_opt_flag(cmd, args, "all"), &err) < 0)
    return cli_fail(cmd, err);
  return 0;
}

const struct cli_command cli_cmd_kill = {
  .name = "kill",
  .summary = "send a signal to a container's process",
  .usage = "<container-id> [signal]",
  CLI_OPTIONS(kill_options),
  .min_args = 1,
  .max_args = 2,
  .run = kill_run,
};
