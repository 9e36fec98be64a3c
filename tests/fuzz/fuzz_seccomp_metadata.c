/* libFuzzer target for linux.seccomp.listenerMetadata: whatever bytes it
 * holds, the message the seccomp agent gets is one valid JSON object whose
 * "metadata" is those bytes (when they are text a JSON string can carry). */
#include "engine/process/seccomp.h"
#include "util/arena.h"
#include "util/json.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_text(const char *s, size_t n)
{
  for (size_t i = 0; i < n;) {
    size_t k = utf8_sequence_length((const unsigned char *) s + i, n - i);
    if (k == 0 || s[i] == '\0')
      return false;
    i += k;
  }
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 60000)
    return 0;
  char *metadata = malloc(size + 1);
  memcpy(metadata, data, size);
  metadata[size] = '\0';
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    abort();
  int notify = memfd_create("notify", MFD_CLOEXEC);
  struct hutch_error *err = NULL;
  if (seccomp_send_listener(sv[0], notify, "1.3.0", 1, metadata, "{\"id\":\"c\"}", &err) == 0) {
    static char buf[1 << 18];
    char control[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov = { buf, sizeof buf };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    ssize_t n = recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_type == SCM_RIGHTS)
        for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++)
          close(((int *) CMSG_DATA(c))[k]);
    struct arena arena;
    arena_init(&arena);
    struct json_parse_error perr;
    struct json_node *root = n > 0 ? json_parse(&arena, buf, (size_t) n, &perr) : NULL;
    if (!root) {
      fprintf(stderr, "the agent's message is not JSON: %s\n", n > 0 ? perr.message : "nothing received");
      abort();
    }
    const struct json_node *m = json_object_get(root, "metadata");
    if (is_text(metadata, size) &&
        (!m || m->type != JSON_STRING || m->u.string.len != size || memcmp(m->u.string.ptr, metadata, size) != 0)) {
      fprintf(stderr, "metadata did not reach the agent as given\n");
      abort();
    }
    arena_release(&arena);
  }
  hutch_error_free(err);
  close(notify);
  close(sv[0]);
  close(sv[1]);
  free(metadata);
  return 0;
}
