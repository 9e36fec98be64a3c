#include "engine/process/hooks.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { OUTPUT_LIMIT = 4096 };

extern char **environ;

static void __attribute__((noreturn)) exec_hook(const struct oci_hook *h, int in_fd, int out_fd)
{
  /* A clean slate: the runtime may block signals or ignore some. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    signal(sig, SIG_DFL);
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
    _exit(127);
  char *fallback_args[] = { h->path, NULL };
  char **args = h->args.len ? xcalloc(h->args.len + 1, sizeof *args) : fallback_args;
  for (size_t i = 0; h->args.len && i < h->args.len; i++)
    args[i] = h->args.items[i];
  /* Without "env" a hook inherits the runtime's environment, as runc's and
   * crun's do (hooks such as nvidia's read PATH from it); with one, even an
   * empty one, it gets exactly that. */
  char **env = environ;
  if (h->env.set) {
    env = xcalloc(h->env.len + 1, sizeof *env);
    for (size_t i = 0; i < h->env.len; i++)
      env[i] = h->env.items[i];
  }
  execve(h->path, args, env);
  dprintf(2, "exec %s: %s\n", h->path, strerror(errno));
  _exit(127);
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collects the hook's output until it exits or the deadline passes. */
static int wait_hook(pid_t pid, int out_fd, long long deadline, struct strbuf *output, int *status)
{
  int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  bool output_open = true;
  for (;;) {
    struct pollfd fds[2] = { { pidfd, POLLIN, 0 }, { output_open ? out_fd : -1, POLLIN, 0 } };
    int timeout = -1;
    if (deadline) {
      long long left = deadline - now_ms();
      if (left <= 0)
        return -1;
      timeout = (int) left;
    }
    if (pidfd < 0)
      fds[0].fd = -1;
    int r = poll(fds, 2, pidfd < 0 && !output_open ? 10 : timeout);
    if (r < 0 && errno != EINTR)
      return -1;
    if (fds[1].revents) {
      char buf[512];
      ssize_t n = read(out_fd, buf, sizeof buf);
      if (n > 0 && output->len < OUTPUT_LIMIT)
        strbuf_add(output, buf, (size_t) n);
      else if (n <= 0)
        output_open = false;
    }
    if ((fds[0].revents || pidfd < 0) && waitpid(pid, status, WNOHANG) == pid) {
      if (pidfd >= 0)
        close(pidfd);
      return 0;
    }
  }
}

static int run_one(const struct oci_hook *h, const char *where, const char *state_json, struct hutch_error **err)
{
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) < 0)
    return hutch_fail_errno(err, "%s: pipe", where);
  if (pipe2(out, O_CLOEXEC) < 0) {
    close(in[0]);
    close(in[1]);
    return hutch_fail_errno(err, "%s: pipe", where);
  }
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return hutch_fail(err, saved, "%s: fork", where);
  }
  if (pid == 0)
    exec_hook(h, in[0], out[1]);
  close(in[0]);
  close(out[1]);
  /* A hook that does not read stdin must not block us: the state is far
   * smaller than a pipe's buffer, and SIGPIPE would only mean it exited. */
  size_t len = strlen(state_json);
  signal(SIGPIPE, SIG_IGN);
  ssize_t w = write(in[1], state_json, len);
  (void) w;
  close(in[1]);

  long long deadline = h->timeout.set ? now_ms() + h->timeout.value * 1000 : 0;
  cleanup_strbuf struct strbuf output = STRBUF_INIT;
  int status = 0;
  int r = wait_hook(pid, out[0], deadline, &output, &status);
  close(out[0]);
  if (r < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return hutch_fail(err, ETIMEDOUT, "%s: %s did not finish within its timeout of %llds", where, h->path,
                      (long long) h->timeout.value);
  }
  while (output.len && (output.buf[output.len - 1] == '\n'))
    strbuf_truncate(&output, output.len - 1);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFSIGNALED(status))
    return hutch_fail(err, 0, "%s: %s was killed by signal %d%s%s", where, h->path, WTERMSIG(status),
                      output.len ? ": " : "", strbuf_str(&output));
  return hutch_fail(err, 0, "%s: %s exited with status %d%s%s", where, h->path, WEXITSTATUS(status),
                    output.len ? ": " : "", strbuf_str(&output));
}

int hooks_run(const oci_hook_list *hooks, const char *kind, const char *state_json, struct hutch_error **err)
{
  for (size_t i = 0; i < hooks->len; i++) {
    char where[64];
    snprintf(where, sizeof where, "hooks.%s[%zu]", kind, i);
    if (run_one(&hooks->items[i], where, state_json, err) < 0)
      return -1;
  }
  return 0;
}

void hooks_run_warn_only(const oci_hook_list *hooks, const char *kind, const char *state_json)
{
  for (size_t i = 0; i < hooks->len; i++) {
    char where[64];
    snprintf(where, sizeof where, "hooks.%s[%zu]", kind, i);
    struct hutch_error *err = NULL;
    if (run_one(&hooks->items[i], where, state_json, &err) < 0)
      log_warning("%s", err->msg);
    hutch_error_free(err);
  }
}
