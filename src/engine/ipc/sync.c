#include "engine/ipc/sync.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

int sync_send(int sock, enum sync_type type, int value, const char *text, int fd, struct hutch_error **err)
{
  struct sync_msg msg = { .type = type, .value = value };
  if (text)
    strncpy(msg.text, text, sizeof msg.text - 1);
  size_t len = offsetof(struct sync_msg, text) + strlen(msg.text) + 1;
  struct iovec iov = { &msg, len };
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (fd >= 0) {
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t n;
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "sync: send");
  return 0;
}

int sync_recv(int sock, struct sync_msg *msg, int *fd, struct hutch_error **err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { msg, sizeof *msg };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf };
  if (fd)
    *fd = -1;
  ssize_t n;
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "sync: receive");
  if (n == 0)
    return hutch_fail(err, EPIPE, "the container process exited before it was ready");
  msg->text[sizeof msg->text - 1] = '\0';
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  if (c && c->cmsg_type == SCM_RIGHTS) {
    int received;
    memcpy(&received, CMSG_DATA(c), sizeof received);
    /* One the caller does not take is not kept: a peer that is not to be
     * trusted (a container's init) cannot leave fds with us. */
    if (fd)
      *fd = received;
    else
      close(received);
  }
  return 0;
}

int sync_expect(int sock, enum sync_type type, struct sync_msg *msg, int *fd, struct hutch_error **err)
{
  if (sync_recv(sock, msg, fd, err) < 0)
    return -1;
  if (msg->type == SYNC_ERROR)
    return hutch_fail(err, 0, "%s", msg->text); /* the sender formatted the cause */
  if (msg->type != type)
    return hutch_fail(err, EPROTO, "sync: expected message %d, got %d", (int) type, (int) msg->type);
  return 0;
}
