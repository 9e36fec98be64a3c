/* hutch spec: write a starter config.json into a bundle directory. */
#include "cli/cli.h"
#include "spec/config.h"
#include "spec/default_config.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <fcntl.h>
#include <unistd.h>

static const struct opt_spec spec_options[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "where to write config.json (default: the current directory)", false, NULL },
  { "rootless", 0, OPT_BOOL, NULL, "adjust the config for a caller without privileges", false, NULL },
};

static int spec_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  (void) globals;
  const char *bundle = cli_opt_string(cmd, args, "bundle", ".");
  cleanup_error struct hutch_error *err = NULL;
  cleanup_close int dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    hutch_fail_errno(&err, "bundle %s", bundle);
    return cli_report(cmd, err);
  }
  cleanup_config struct oci_config *cfg = oci_default_config(cli_opt_flag(cmd, args, "rootless"), geteuid(), getegid());
  cleanup_strbuf struct strbuf out = STRBUF_INIT;
  oci_config_write(&out, cfg, "\t");
  strbuf_addc(&out, '\n');
  if (write_file_atomic_at(dirfd, "config.json", out.buf, out.len, 0644, ATOMIC_NO_REPLACE, &err) < 0) {
    hutch_error_prefix(&err, "bundle %s: ", bundle);
    return cli_report(cmd, err);
  }
  return 0;
}

const struct cli_command cli_cmd_spec = {
  .name = "spec",
  .summary = "write a starter config.json (refuses to overwrite one)",
  .usage = "",
  CLI_OPTIONS(spec_options),
  .min_args = 0,
  .max_args = 0,
  .run = spec_run,
};
