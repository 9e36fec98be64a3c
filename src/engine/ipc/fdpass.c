#include "engine/ipc/fdpass.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int fd_send(int sock, int fd, const char *text, struct hutch_error **err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = { (void *) text, strlen(text) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "send a file descriptor");
  return 0;
}

int fd_recv(int sock, int *fd, char *text, size_t size, struct hutch_error **err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  char data[256];
  struct iovec iov = { data, sizeof data - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "receive a file descriptor");
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    return hutch_fail(err, EBADMSG, "receive a file descriptor: none arrived");
  memcpy(fd, CMSG_DATA(c), sizeof *fd);
  if (text && size) {
    size_t len = (size_t) n < size - 1 ? (size_t) n : size - 1;
    memcpy(text, data, len);
    text[len] = '\0';
  }
  return 0;
}

int unix_connect(const char *path, struct hutch_error **err)
{
  return unix_connect_type(path, SOCK_STREAM, err);
}

int unix_connect_type(const char *path, int type, struct hutch_error **err)
{
  cleanup_close int sock = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int dir_fd = -1;
  char via_dir[sizeof addr.sun_path];
  const char *name = path;
  if (strlen(path) >= sizeof addr.sun_path) {
    /* Too long for sun_path: go through the directory with /proc/self/fd. */
    const char *slash = strrchr(path, '/');
    cleanup_free char *dir = slash ? xstrndup(path, (size_t) (slash - path)) : xstrdup(".");
    dir_fd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
      return hutch_fail_errno(err, "open the directory of %s", path);
    snprintf(via_dir, sizeof via_dir, "/proc/self/fd/%d/%s", dir_fd, slash ? slash + 1 : path);
    name = via_dir;
  }
  if (strlen(name) >= sizeof addr.sun_path)
    return hutch_fail(err, ENAMETOOLONG, "connect %s", path);
  strcpy(addr.sun_path, name);
  if (connect(sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return hutch_fail_errno(err, "connect %s", path);
  return steal_fd(&sock);
}
