#pragma once
/* Messages between the runtime and the container's init over a
 * SOCK_SEQPACKET socketpair: each send is one message, an optional fd rides
 * along, and a closed peer reads as EOF. */
#include <stdint.h>

#include "util/error.h"

enum sync_type {
  SYNC_USERNS_MAPPED = 1, /* runtime -> init: uid/gid maps are written */
  SYNC_ALIVE,             /* init -> runtime: has its own copy of its memory; may join the cgroup */
  SYNC_CGROUP_DONE,       /* runtime -> init: init is in its cgroup */
  SYNC_PRESTART,          /* init -> runtime: mounts done, run prestart/createRuntime */
  SYNC_HOOKS_DONE,        /* runtime -> init: go on */
  SYNC_READY,             /* init -> runtime: created, waiting for start */
  SYNC_START,             /* runtime -> init: exec the process (run) */
  SYNC_ERROR,             /* either way: text says what failed */
  SYNC_PTY,               /* init -> runtime: the pty master (fd) for `run` to proxy */
  SYNC_PID,               /* helper -> runtime: the pid of the process it started */
  SYNC_SECCOMP_FD,        /* container process -> runtime: the seccomp notify fd (fd) for the listener */
  SYNC_STARTED,           /* init -> `start`: about to exec the process */
  SYNC_CREATED,           /* runtime -> init: the state says "created"; from now on it outlives us.
                           * init -> runtime: understood (it no longer dies with its parent) */
  SYNC_FD,                /* proxmox proxy -> shim: an fd for the process (fd), value its number */
  SYNC_EXIT,              /* proxmox shim -> proxy: the process ended, value its wait status */
};

struct sync_msg {
  uint32_t type;
  int32_t value;
  char text[1024];
};

int sync_send(int sock, enum sync_type type, int value, const char *text, int fd, struct hutch_error **err);
/* Receives one message (and its fd, if any and fd != NULL, else -1). A
 * closed peer gives an error with code EPIPE. */
int sync_recv(int sock, struct sync_msg *msg, int *fd, struct hutch_error **err);
/* Receives and expects type; a SYNC_ERROR becomes *err with its text. */
int sync_expect(int sock, enum sync_type type, struct sync_msg *msg, int *fd, struct hutch_error **err);
