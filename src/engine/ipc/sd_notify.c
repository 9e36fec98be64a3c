#include "engine/ipc/sd_notify.h"
#include "engine/ipc/fdpass.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum { BARRIER_TIMEOUT_MS = 5000 };

const char *notify_host_socket(void)
{
  const char *s = getenv("NOTIFY_SOCKET");
  return s && *s ? s : NULL;
}

int notify_socket_bind(int dir_fd, struct hutch_error **err)
{
  cleanup_close int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  /* Through the directory fd: a long --root cannot overflow sun_path. */
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s/%s", dir_fd, NOTIFY_DIR, NOTIFY_SOCKET_NAME);
  unlinkat(dir_fd, NOTIFY_DIR "/" NOTIFY_SOCKET_NAME, 0);
  if (bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: bind the container's socket");
  /* Whatever uid the container runs as (a user namespace maps it away). */
  if (fchmodat(dir_fd, NOTIFY_DIR "/" NOTIFY_SOCKET_NAME, 0777, 0) < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: chmod the container's socket");
  return steal_fd(&sock);
}

static int host_connect(const char *path, struct hutch_error **err)
{
  cleanup_close int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t n = strlen(path);
  if (n >= sizeof addr.sun_path)
    return hutch_fail(err, ENAMETOOLONG, "NOTIFY_SOCKET %s", path);
  memcpy(addr.sun_path, path, n);
  /* "@name" is an abstract socket, as systemd writes it. */
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  if (connect(sock, (struct sockaddr *) &addr, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n)) < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: connect %s", path);
  return steal_fd(&sock);
}

/* sd_notify_barrier: a pipe's write end goes along with BARRIER=1; the
 * receiver closes it once it has handled everything sent before. */
static void barrier(int host)
{
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return;
  int sent = fd_send(host, p[1], "BARRIER=1", NULL);
  close(p[1]);
  if (sent == 0) {
    /* A receiver that knows no barrier keeps the fd: do not wait forever. */
    struct pollfd w = { p[0], POLLIN, 0 };
    while (poll(&w, 1, BARRIER_TIMEOUT_MS) < 0 && errno == EINTR)
      ;
  }
  close(p[0]);
}

/* The READY= line of a datagram, if any. */
static const char *ready_line(char *msg, size_t len)
{
  msg[len] = '\0';
  for (char *line, *rest = msg; (line = strsep(&rest, "\n"));)
    if (strncmp(line, "READY=", 6) == 0)
      return line;
  return NULL;
}

int notify_forward_ready(int sock, int pidfd, const char *host_socket, pid_t pid, struct hutch_error **err)
{
  char msg[4097];
  const char *ready = NULL;
  while (!ready) {
    struct pollfd fds[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return hutch_fail_errno(err, "NOTIFY_SOCKET: poll");
    }
    if (fds[0].revents & POLLIN) {
      ssize_t n = recv(sock, msg, sizeof msg - 1, MSG_DONTWAIT);
      if (n > 0)
        ready = ready_line(msg, (size_t) n);
      continue;
    }
    /* It exited without ever being ready: there is nothing to tell. */
    if (fds[1].revents)
      return 0;
  }
  cleanup_close int host = host_connect(host_socket, err);
  if (host < 0)
    return -1;
  char text[4200];
  int len = snprintf(text, sizeof text, "%s\nMAINPID=%d\n", ready, (int) pid);
  if (send(host, text, (size_t) len, MSG_NOSIGNAL) < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: send to %s", host_socket);
  barrier(host);
  return 0;
}
