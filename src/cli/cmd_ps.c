/* hutch ps: the processes of a container: a JSON array of host pids, or the
 * rows of the host's `ps` (default `-ef`) that belong to it. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct opt_spec ps_options[] = {
  { "format", 'f', OPT_STRING, "FORMAT", "table (default) or json", false, "table json" },
};

static bool contains(const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Runs ps (argv, no shell) and keeps the header and the container's rows. */
static int print_table(const pid_t *pids, size_t n, const char *const *ps_args, size_t n_args, struct hutch_error **err)
{
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return hutch_fail_errno(err, "pipe");
  const char **argv = xcalloc(n_args + 3, sizeof *argv);
  argv[0] = "ps";
  size_t k = 1;
  if (n_args == 0)
    argv[k++] = "-ef";
  for (size_t i = 0; i < n_args; i++)
    argv[k++] = ps_args[i];
  pid_t child = fork();
  if (child == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    execvp("ps", (char *const *) argv);
    _exit(127);
  }
  free(argv);
  close(pipefd[1]);
  if (child < 0) {
    close(pipefd[0]);
    return hutch_fail_errno(err, "fork");
  }
  cleanup_fclose FILE *in = fdopen(pipefd[0], "r");
  char line[4096];
  int pid_column = -1;
  for (bool header = true; in && fgets(line, sizeof line, in); header = false) {
    char copy[4096];
    strcpy(copy, line);
    char *save = NULL;
    int col = 0;
    if (header) {
      for (char *tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++)
        if (strcmp(tok, "PID") == 0)
          pid_column = col;
      fputs(line, stdout);
      continue;
    }
    for (char *tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), col++)
      if (col == pid_column && contains(pids, n, strtol(tok, NULL, 10)))
        fputs(line, stdout);
  }
  int status;
  waitpid(child, &status, 0);
  if (pid_column < 0)
    return hutch_fail(err, 0, "ps: its output has no PID column");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return hutch_fail(err, 0, "ps exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return 0;
}

static int ps_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  const char *format = cli_opt_string(cmd, args, "format", "table");
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
    hutch_fail(&err, 0, "--format: unknown format \"%s\" (expected table or json)", format);
    return cli_fail(cmd, err);
  }
  pid_t *pids = NULL;
  size_t n = 0;
  {
    cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
    /* Closed before ps(1) runs: the lock is not held across it. */
    if (cli_open_container(&rt, id, HUTCH_OPEN_STATE, HUTCH_OP_PS, &c, &err) < 0 ||
        c.backend->ps(&rt, &c, &pids, &n, &err) < 0)
      return cli_fail(cmd, err);
  }
  int r = 0;
  if (strcmp(format, "json") == 0) {
    printf("[");
    for (size_t i = 0; i < n; i++)
      printf("%s%d", i ? "," : "", (int) pids[i]);
    printf("]\n");
  } else if (print_table(pids, n, args->positional + 1, args->n_positional - 1, &err) < 0) {
    r = cli_fail(cmd, err);
  }
  free(pids);
  return r;
}

const struct cli_command cli_cmd_ps = {
  .name = "ps",
  .summary = "list the processes of a container",
  .usage = "<container-id> [ps options]",
  CLI_OPTIONS(ps_options),
  /* What follows the id goes to ps(1), dashes and all. */
  .stop_at_positional = true,
  .min_args = 1,
  .max_args = -1,
  .run = ps_run,
};
