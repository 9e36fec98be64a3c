#pragma once
/* Runs a test body in a forked child, stderr on /dev/null (the messages of
 * a process stopped on purpose are not the test's), and returns its wait
 * status, or -1 when the fork or the wait failed. Header-only: test_fortify
 * is built against musl and links none of the glibc-built helpers. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int run_in_child(void (*body)(void))
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO);
    body();
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid)
    return -1;
  return status;
}
