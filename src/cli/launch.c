/* What create and run share before the backend takes over: the bundle read
 * once, the backend chosen for it (backend/select.h), and the operation
 * refused by name when that backend does not have it. */
#include "backend/backend.h"
#include "backend/bundle.h"
#include "backend/select.h"
#include "cli/cli.h"
#include "engine/process/exe_guard.h"

#include <string.h>

int cli_launch(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args,
               int *exit_status)
{
  bool run = strcmp(cmd->name, "run") == 0;
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_create_opts opts;
  struct hutch_error *err = NULL;
  *exit_status = 0;
  if (cli_create_opts(cmd, args, &opts, &err) < 0)
    return cli_fail(cmd, err);
  /* Before anything is read: the re-exec starts this command afresh, and
   * work done before it would be done twice. */
  if (exe_guard_ensure_sealed(rt.argv, &err) < 0)
    return cli_fail(cmd, err);
  struct hutch_bundle bundle;
  if (hutch_bundle_load(opts.bundle, &bundle, &err) < 0) {
    hutch_bundle_release(&bundle);
    return cli_fail(cmd, err);
  }
  opts.loaded = &bundle;
  struct hutch_backend_request req = {
    .id = opts.id,
    .command_flag = cli_opt_string(cmd, args, "backend", NULL),
    .global_flag = globals->backend,
    .annotations = &bundle.cfg->annotations,
    .conf_path = hutch_conf_path(),
  };
  struct hutch_backend_choice choice;
  int r = hutch_backend_select(&req, &choice, &err);
  if (r == 0)
    r = hutch_backend_choice_require(&choice, run ? HUTCH_OP_RUN : HUTCH_OP_CREATE, &err);
  if (r == 0)
    r = run ? choice.backend->run(&rt, &opts, exit_status, &err) : choice.backend->create(&rt, &opts, &err);
  hutch_bundle_release(&bundle);
  return r < 0 ? cli_fail(cmd, err) : 0;
}
