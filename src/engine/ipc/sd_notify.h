#pragma once
/* sd_notify through the container (runc's protocol): when the caller has
 * NOTIFY_SOCKET set (podman run --sdnotify=container, a systemd unit), the
 * container gets a datagram socket of hutch's at NOTIFY_SOCKET_IN_CONTAINER,
 * and once its process says READY=1 there, hutch tells the caller's socket,
 * with MAINPID, and waits for its acknowledgement (BARRIER=1). */
#include <sys/types.h>

#include "util/error.h"

/* Where the container's process finds it, and what its environment says. */
#define NOTIFY_DIR_IN_CONTAINER "/run/notify"
#define NOTIFY_SOCKET_IN_CONTAINER "/run/notify/notify.sock"
/* In the container's state directory: the directory bound there, and the
 * socket in it. */
#define NOTIFY_DIR "notify"
#define NOTIFY_SOCKET_NAME "notify.sock"

/* The caller's NOTIFY_SOCKET, or NULL when sd_notify is not asked for. */
const char *notify_host_socket(void);

/* Binds the container's socket in dir_fd/NOTIFY_DIR (made by create),
 * readable and writable by anyone the container may run as. Returns it. */
int notify_socket_bind(int dir_fd, struct hutch_error **err);

/* Waits until the container's process sends READY=1 (then tells the host
 * socket READY=1, MAINPID=pid and waits up to 5 s for its BARRIER
 * acknowledgement) or until pidfd says it has exited (nothing is sent). */
int notify_forward_ready(int sock, int pidfd, const char *host_socket, pid_t pid, struct hutch_error **err);
