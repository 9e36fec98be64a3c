#include "engine/ns/loopback.h"
#include "util/cleanup.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int loopback_up(struct hutch_error **err)
{
  /* Any socket carries the interface ioctls; no address family is needed
   * beyond one the kernel always has. */
  cleanup_close int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "bring lo up: socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
    return hutch_fail_errno(err, "bring lo up: read its flags");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
    return hutch_fail_errno(err, "bring lo up");
  return 0;
}
