/* sd_notify(3) for an image without systemd: sends its argument as one
 * datagram to $NOTIFY_SOCKET. Built statically by the tests into a rootfs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  const char *path = getenv("NOTIFY_SOCKET");
  if (argc != 2 || !path) {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH notify_send 'READY=1'\n");
    return 2;
  }
  int sock = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (sock < 0 || sendto(sock, argv[1], strlen(argv[1]), 0, (struct sockaddr *) &addr, sizeof addr) < 0) {
    perror("notify_send");
    return 1;
  }
  return 0;
}
