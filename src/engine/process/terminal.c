#include "engine/process/terminal.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

int pty_open(int *master, int *slave, struct hutch_error **err)
{
  cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return hutch_fail_errno(err, "process.terminal: open /dev/ptmx");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
    return hutch_fail_errno(err, "process.terminal: unlock the pty");
  /* TIOCGPTPEER opens the peer through the master: no path lookup that a
   * process in the container could race. */
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return hutch_fail_errno(err, "process.terminal: open the pty peer");
  *slave = s;
  *master = steal_fd(&m);
  return 0;
}

int pty_set_size(int fd, unsigned rows, unsigned cols, struct hutch_error **err)
{
  struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };
  if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
    return hutch_fail_errno(err, "process.consoleSize: set the terminal size");
  return 0;
}

int pty_bind_console(int slave, struct hutch_error **err)
{
  int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0 && errno != EEXIST && errno != ENXIO && errno != EACCES)
    return hutch_fail_errno(err, "create /dev/console");
  if (fd >= 0)
    close(fd);
  /* By fd, not /proc/self/fd: /proc may not show us (rootfs.c says why). */
  cleanup_close int console = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int tree = (int) syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (console < 0 || tree < 0 ||
      syscall(SYS_move_mount, tree, "", console, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hutch_fail_errno(err, "bind the pty to /dev/console");
  return 0;
}

int pty_take_stdio(int slave, struct hutch_error **err)
{
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return hutch_fail_errno(err, "dup the pty to fd %d", fd);
  return 0;
}

int pty_become_controlling(struct hutch_error **err)
{
  /* A session leader already (liblxc makes its init one) has no terminal
   * yet and can take one. */
  if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
    return hutch_fail_errno(err, "setsid");
  if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
    return hutch_fail_errno(err, "make the pty the controlling terminal");
  return 0;
}

int pty_make_controlling(int slave, struct hutch_error **err)
{
  if (pty_take_stdio(slave, err) < 0)
    return -1;
  return pty_become_controlling(err);
}
