/* A container or exec'd process in the foreground: every signal hutch gets
 * goes to it, a terminal is proxied between our stdio and the pty, and the
 * exit status comes back as the shell would report it. */
#include "backend/native/native.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void copy_winsize(int from, int to)
{
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

/* Copies what is readable from one fd to another; false at EOF or error. */
static bool pump(int from, int to)
{
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  for (ssize_t done = 0; done < n;) {
    ssize_t w = write(to, buf + done, (size_t) (n - done));
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    done += w;
  }
  return true;
}

enum { DRAIN_MS = 2000 };

static struct timespec ms_from_now(long ms)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

static long ms_until(const struct timespec *end)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long) (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000L;
}

static int status_code(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

int foreground_wait(pid_t pid, int pty_master, int *exit_status, struct hutch_error **err)
{
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  cleanup_close int sfd = signalfd(-1, &all, SFD_CLOEXEC);
  if (sfd < 0)
    return hutch_fail_errno(err, "signalfd");

  struct termios saved;
  bool raw = false;
  bool stdin_open = pty_master >= 0;
  if (pty_master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
    struct termios t = saved;
    cfmakeraw(&t);
    raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    copy_winsize(STDIN_FILENO, pty_master);
  }

  bool exited = false;
  int status = 0;
  bool pty_open = pty_master >= 0;
  struct timespec drain_end = { 0, 0 };
  while (!exited || pty_open) {
    struct pollfd fds[3] = {
      { sfd, POLLIN, 0 },
      { stdin_open && !exited ? STDIN_FILENO : -1, POLLIN, 0 },
      { pty_open ? pty_master : -1, POLLIN, 0 },
    };
    /* Once the process is gone, drain what the pty still holds: until it
     * is quiet for 100 ms, and for DRAIN_MS at most, as a process left in
     * a container without a pid namespace may go on writing forever. */
    int timeout = -1;
    if (exited) {
      long left = ms_until(&drain_end);
      if (left <= 0)
        break;
      timeout = left < 100 ? (int) left : 100;
    }
    int n = poll(fds, 3, timeout);
    if (n < 0 && errno != EINTR)
      break;
    if (n == 0 && exited)
      break;
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          /* Orphans are reaped too (we are their subreaper); only the
           * process's own status counts. */
          int st;
          for (pid_t w; (w = waitpid(-1, &st, WNOHANG)) > 0;)
            if (w == pid && !exited) {
              status = st;
              exited = true;
              drain_end = ms_from_now(DRAIN_MS);
            }
        } else if (si.ssi_signo == SIGWINCH && pty_master >= 0) {
          copy_winsize(STDIN_FILENO, pty_master);
        } else if (si.ssi_signo != SIGWINCH && !exited) {
          /* Once reaped, its pid may be another process's. */
          kill(pid, (int) si.ssi_signo);
        }
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
      stdin_open = pump(STDIN_FILENO, pty_master);
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
      pty_open = pump(pty_master, STDOUT_FILENO);
  }
  /* The child may have exited between the last signal read and here. */
  if (!exited && waitpid(pid, &status, 0) == pid)
    exited = true;
  if (raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  sigprocmask(SIG_UNBLOCK, &all, NULL);
  *exit_status = status_code(status);
  return 0;
}
