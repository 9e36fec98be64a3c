#pragma once
/* File descriptors over AF_UNIX sockets, in the framing of runc's console
 * socket protocol: one sendmsg, a short non-empty text as data, exactly one
 * fd in one SCM_RIGHTS message. */
#include <stddef.h>

#include "util/error.h"

int fd_send(int sock, int fd, const char *text, struct hutch_error **err);
/* Receives one fd; text (if non-NULL, size bytes) gets the data. */
int fd_recv(int sock, int *fd, char *text, size_t size, struct hutch_error **err);

/* Connects to a listening AF_UNIX stream socket at path (paths longer than
 * sun_path are reached through their directory). */
int unix_connect(const char *path, struct hutch_error **err);
/* The same for another socket type (SOCK_SEQPACKET). */
int unix_connect_type(const char *path, int type, struct hutch_error **err);
