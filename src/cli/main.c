/* hutch: the entry point. Reads the command line (parse.c), sets up the
 * log and hands over to the command; every command lives in its own
 * cmd_<name>.c. */
#include "cli/cli.h"
#include "cli/parse.h"
#include "spec/version.h"
#include "util/error.h"
#include "util/log.h"
#include "util/prefault.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_version(void)
{
  printf("hutch version %s\ncommit: %s\nspec: %s\n", HUTCH_VERSION, HUTCH_COMMIT, HUTCH_OCI_VERSION_SPEC);
}

/* One line on stderr plus a hint, as for every usage error. */
static int usage_error(const char *context, const char *msg)
{
  /* containerd reads the log file, not stderr, for the error. */
  if (!log_to_stderr())
    log_error("%s%s%s", context ? context : "", context ? ": " : "", msg);
  fprintf(stderr, "hutch: %s%s%s\n", context ? context : "", context ? ": " : "", msg);
  if (context)
    fprintf(stderr, "Run 'hutch %s --help' for usage.\n", context);
  else
    fprintf(stderr, "Run 'hutch --help' for usage.\n");
  return 1;
}

/* A caller may start us with a std fd closed; the first fd we open would then
 * become the container's stdin or stdout, or be overwritten when a pty is
 * dup'ed onto 0-2. Hold /dev/null there instead: the rest of hutch relies on
 * every fd it opens being above 2. */
static int fill_std_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    /* The lowest free fd: this one, as the lower ones are open by now. */
    if (open("/dev/null", O_RDWR) < 0)
      return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  /* Every command goes this deep; mapped at once, not a fault per page. */
  prefault_stack(32u << 10);
  if (fill_std_fds() < 0)
    return 1;
  struct cli_invocation inv;
  const char *context;
  cleanup_error struct hutch_error *err = NULL;
  int status = 0;
  if (cli_parse(argc, argv, &inv, &context, &err) < 0) {
    /* Once the globals are good, the error goes to the log they name too. */
    if (inv.globals_ok && log_open(inv.globals.log, inv.globals.log_format, inv.globals.debug, NULL) < 0)
      log_close();
    status = usage_error(context, err->msg);
    cli_invocation_release(&inv);
    log_close();
    return status;
  }
  switch (inv.action) {
  case CLI_USAGE:
    cli_print_usage(stdout);
    break;
  case CLI_VERSION:
    print_version();
    break;
  case CLI_HELP:
    cli_print_command_help(inv.cmd);
    break;
  case CLI_RUN:
    if (log_open(inv.globals.log, inv.globals.log_format, inv.globals.debug, &err) < 0) {
      fprintf(stderr, "hutch: --log: %s\n", err->msg);
      status = 1;
      break;
    }
    status = inv.cmd->run(inv.cmd, &inv.globals, &inv.args);
    log_close();
    break;
  }
  cli_invocation_release(&inv);
  return status;
}
