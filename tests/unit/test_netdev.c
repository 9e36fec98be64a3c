/* linux.netDevices: interfaces moved between network namespaces this test
 * makes. The test process first unshare()s its own network namespace and
 * uses it as "the host", so the machine's is never touched; each
 * "container" namespace is held only by a file descriptor, so it and the
 * links in it vanish when that is closed. Needs root and veth (skipped
 * without them); standalone links are dummy ones where the kernel has that
 * driver, else ifb ones, which behave the same here. */
#include "helpers.h"
#include "tap.h"
#include "engine/ns/netdev.h"
#include "util/cleanup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int host_ns = -1;
static const char *standalone_kind = "dummy";

static void die(const char *what)
{
  printf("Bail out! %s: %s\n", what, strerror(errno));
  exit(1);
}

static void enter(int ns)
{
  if (setns(ns, CLONE_NEWNET) < 0)
    die("setns");
}

/* A fresh network namespace, held by the returned fd only. */
static int new_netns(void)
{
  if (unshare(CLONE_NEWNET) < 0)
    die("unshare(CLONE_NEWNET)");
  int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die("open /proc/thread-self/ns/net");
  enter(host_ns);
  return fd;
}

/* ---- a little rtnetlink, in whatever namespace the test is in ---- */

struct msg {
  struct nlmsghdr h;
  char room[4096];
};

static void *msg_init(struct msg *m, uint16_t type, uint16_t flags, size_t fixed)
{
  memset(m, 0, sizeof *m);
  m->h.nlmsg_len = (uint32_t) NLMSG_LENGTH(fixed);
  m->h.nlmsg_type = type;
  m->h.nlmsg_flags = (uint16_t) (NLM_F_REQUEST | flags);
  return NLMSG_DATA(&m->h);
}

static struct rtattr *put(struct msg *m, unsigned short type, const void *data, size_t len)
{
  size_t at = NLMSG_ALIGN(m->h.nlmsg_len);
  if (at + RTA_SPACE(len) > sizeof *m)
    abort();
  struct rtattr *rta = (struct rtattr *) ((char *) m + at);
  rta->rta_type = type;
  rta->rta_len = (unsigned short) RTA_LENGTH(len);
  if (len)
    memcpy(RTA_DATA(rta), data, len);
  m->h.nlmsg_len = (uint32_t) (at + RTA_SPACE(len));
  return rta;
}

static void put_str(struct msg *m, unsigned short type, const char *s)
{
  put(m, type, s, strlen(s) + 1);
}

static void nest_end(struct msg *m, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) ((char *) m + m->h.nlmsg_len - (char *) nest);
}

/* Sends m; returns 0, the kernel's errno, and hands replies to fn. */
static int talk(struct msg *m, void (*fn)(const struct nlmsghdr *, void *), void *ctx)
{
  cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    die("netlink socket");
  if (!((m->h.nlmsg_type & 3) == 2 && (m->h.nlmsg_flags & NLM_F_DUMP)))
    m->h.nlmsg_flags |= NLM_F_ACK;
  m->h.nlmsg_seq = 1;
  if (send(fd, m, m->h.nlmsg_len, 0) < 0)
    die("netlink send");
  static char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0)
      die("netlink recv");
    unsigned int left = (unsigned int) n;
    for (const struct nlmsghdr *h = (const void *) buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_ERROR)
        return -((const struct nlmsgerr *) NLMSG_DATA(h))->error;
      if (h->nlmsg_type == NLMSG_DONE)
        return 0;
      if (fn)
        fn(h, ctx);
    }
  }
}

static int link_add(const char *kind, const char *name, const char *peer)
{
  struct msg m;
  msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
  put_str(&m, IFLA_IFNAME, name);
  struct rtattr *info = put(&m, IFLA_LINKINFO, NULL, 0);
  put_str(&m, IFLA_INFO_KIND, kind);
  if (peer) {
    struct rtattr *data = put(&m, IFLA_INFO_DATA, NULL, 0);
    struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
    struct rtattr *p = put(&m, VETH_INFO_PEER, &peer_ifi, sizeof peer_ifi);
    put_str(&m, IFLA_IFNAME, peer);
    nest_end(&m, p);
    nest_end(&m, data);
  }
  nest_end(&m, info);
  return talk(&m, NULL, NULL);
}

static void must(int rc, const char *what)
{
  if (rc != 0) {
    errno = rc;
    die(what);
  }
}

static int ioctl_sock(void)
{
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die("socket");
  return fd;
}

static bool link_flags(const char *name, short *flags)
{
  cleanup_close int fd = ioctl_sock();
  struct ifreq ifr = { 0 };
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
    return false;
  *flags = ifr.ifr_flags;
  return true;
}

static bool link_exists(const char *name)
{
  short flags;
  return link_flags(name, &flags);
}

static bool link_is_up(const char *name)
{
  short flags;
  return link_flags(name, &flags) && (flags & IFF_UP);
}

static void link_up(const char *name)
{
  cleanup_close int fd = ioctl_sock();
  struct ifreq ifr = { 0 };
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
    die("SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
    die("SIOCSIFFLAGS");
}

static void link_set_mtu(const char *name, int mtu)
{
  cleanup_close int fd = ioctl_sock();
  struct ifreq ifr = { 0 };
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  ifr.ifr_mtu = mtu;
  if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
    die("SIOCSIFMTU");
}

static int link_mtu(const char *name)
{
  cleanup_close int fd = ioctl_sock();
  struct ifreq ifr = { 0 };
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  return ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -1 : ifr.ifr_mtu;
}

static bool link_mac(const char *name, unsigned char mac[6])
{
  cleanup_close int fd = ioctl_sock();
  struct ifreq ifr = { 0 };
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
    return false;
  memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
  return true;
}

enum { FOREVER = 0 };

/* scope RT_SCOPE_*, flags IFA_F_*, valid 0 for a permanent address. */
static void addr_add(const char *dev, const char *text, unsigned prefix, unsigned char scope, uint32_t flags,
                     const char *label, uint32_t valid)
{
  struct msg m;
  struct ifaddrmsg *ifa = msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
  unsigned char bin[16];
  int family = strchr(text, ':') ? AF_INET6 : AF_INET;
  if (inet_pton(family, text, bin) != 1)
    die("inet_pton");
  ifa->ifa_family = (unsigned char) family;
  ifa->ifa_prefixlen = (unsigned char) prefix;
  ifa->ifa_scope = scope;
  ifa->ifa_index = if_nametoindex(dev);
  if (!ifa->ifa_index)
    die(dev);
  size_t len = family == AF_INET6 ? 16 : 4;
  put(&m, IFA_LOCAL, bin, len);
  if (family == AF_INET)
    put(&m, IFA_ADDRESS, bin, len);
  put(&m, IFA_FLAGS, &flags, sizeof flags);
  if (label)
    put_str(&m, IFA_LABEL, label);
  if (valid) {
    struct ifa_cacheinfo ci = { .ifa_prefered = valid, .ifa_valid = valid };
    put(&m, IFA_CACHEINFO, &ci, sizeof ci);
  }
  must(talk(&m, NULL, NULL), text);
}

struct addr {
  char text[INET6_ADDRSTRLEN];
  unsigned prefix;
  unsigned scope;
  uint32_t flags;
  char label[IFNAMSIZ];
};

struct addrs {
  unsigned index;
  struct addr items[32];
  size_t len;
};

static void addr_reply(const struct nlmsghdr *h, void *ctx)
{
  struct addrs *out = ctx;
  const struct ifaddrmsg *ifa = NLMSG_DATA(h);
  if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_index != out->index || out->len == ARRAY_SIZE(out->items))
    return;
  struct addr *a = &out->items[out->len++];
  memset(a, 0, sizeof *a);
  a->prefix = ifa->ifa_prefixlen;
  a->scope = ifa->ifa_scope;
  a->flags = ifa->ifa_flags;
  unsigned int len = h->nlmsg_len - (unsigned int) NLMSG_SPACE(sizeof *ifa);
  const struct rtattr *local = NULL, *address = NULL;
  for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
    if (rta->rta_type == IFA_LOCAL)
      local = rta;
    else if (rta->rta_type == IFA_ADDRESS)
      address = rta;
    else if (rta->rta_type == IFA_FLAGS)
      memcpy(&a->flags, RTA_DATA(rta), sizeof a->flags);
    else if (rta->rta_type == IFA_LABEL)
      snprintf(a->label, sizeof a->label, "%s", (const char *) RTA_DATA(rta));
  }
  const struct rtattr *pick = local ? local : address;
  if (pick)
    inet_ntop(ifa->ifa_family, RTA_DATA(pick), a->text, sizeof a->text);
}

static void addrs_of(const char *dev, struct addrs *out)
{
  memset(out, 0, sizeof *out);
  out->index = if_nametoindex(dev);
  if (!out->index)
    return;
  struct msg m;
  struct ifaddrmsg *ifa = msg_init(&m, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);
  ifa->ifa_family = AF_UNSPEC;
  must(talk(&m, addr_reply, out), "address dump");
}

static const struct addr *find_addr(const struct addrs *list, const char *text, unsigned prefix)
{
  for (size_t i = 0; i < list->len; i++)
    if (strcmp(list->items[i].text, text) == 0 && list->items[i].prefix == prefix)
      return &list->items[i];
  return NULL;
}

static void dump_addrs(const char *dev, const struct addrs *list)
{
  for (size_t i = 0; i < list->len; i++)
    tap_diag("  %s: %s/%u scope %u flags %#x label \"%s\"", dev, list->items[i].text, list->items[i].prefix,
             list->items[i].scope, list->items[i].flags, list->items[i].label);
}

/* ---- fixtures ---- */

struct devs {
  struct oci_net_device items[8];
  oci_net_devices list;
};

static oci_net_devices *devs_of(struct devs *d, size_t n)
{
  d->list.items = d->items;
  d->list.len = n;
  d->list.set = true;
  return &d->list;
}

static bool starts_with(const char *s, const char *prefix)
{
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The "host" links: d0 with every sort of address, a veth pair v0/v1, and
 * s0 and k0 to move without renaming. */
static void make_host_links(void)
{
  int rc = link_add("dummy", "d0", NULL);
  if (rc == EOPNOTSUPP) {
    tap_diag("no dummy driver in this kernel (CONFIG_DUMMY unset, no module): ifb links stand in for dummy ones");
    standalone_kind = "ifb";
    rc = link_add(standalone_kind, "d0", NULL);
  }
  must(rc, "create d0");
  must(link_add("veth", "v0", "v1"), "create veth v0/v1");
  must(link_add(standalone_kind, "s0", NULL), "create s0");
  must(link_add(standalone_kind, "k0", NULL), "create k0");
  must(link_add(standalone_kind, "t0", NULL), "create t0");

  link_set_mtu("d0", 1400);
  addr_add("d0", "10.1.0.1", 24, RT_SCOPE_UNIVERSE, 0, NULL, FOREVER);
  addr_add("d0", "10.1.0.2", 24, RT_SCOPE_UNIVERSE, 0, "d0:web", FOREVER);
  addr_add("d0", "2001:db8:1::1", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD, NULL, FOREVER);
  /* Not carried: host scope, link scope, and global ones that expire. */
  addr_add("d0", "10.1.0.99", 32, RT_SCOPE_HOST, 0, NULL, FOREVER);
  addr_add("d0", "fe80::1234", 64, RT_SCOPE_LINK, IFA_F_NODAD, NULL, FOREVER);
  addr_add("d0", "10.1.1.1", 24, RT_SCOPE_UNIVERSE, 0, NULL, 3600);
  addr_add("d0", "2001:db8:1::99", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD, NULL, 3600);

  addr_add("v0", "10.2.0.1", 24, RT_SCOPE_UNIVERSE, 0, NULL, FOREVER);
  addr_add("v0", "2001:db8:2::1", 64, RT_SCOPE_UNIVERSE, 0, NULL, FOREVER);
  link_up("v0");
  addr_add("s0", "10.4.0.1", 24, RT_SCOPE_UNIVERSE, 0, NULL, FOREVER);
}

/* ---- tests ---- */

static void test_nothing_to_do(int container)
{
  struct devs d;
  struct hutch_error *err = NULL;
  tap_ok(netdev_check_all(devs_of(&d, 0), container, &err) == 0 && !err, "no netDevices: check passes");
  tap_ok(netdev_move_all(devs_of(&d, 0), container, &err) == 0 && !err, "no netDevices: nothing moves");
}

static void test_missing_host_link(int container)
{
  struct devs d = { .items = { { "d0", "eth%d" }, { "nope0", NULL } } };
  cleanup_error struct hutch_error *err = NULL;
  int rc = netdev_check_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && err && err->code == ENODEV, "a missing host interface is refused (%s)", test_error_msg(err));
  tap_ok(starts_with(test_error_msg(err), "linux.netDevices.nope0: "), "  and the error names linux.netDevices.nope0");
  hutch_error_free(err);
  err = NULL;
  rc = netdev_move_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && starts_with(test_error_msg(err), "linux.netDevices.nope0: "), "move_all refuses it too (%s)", test_error_msg(err));
  struct addrs a;
  addrs_of("d0", &a);
  tap_ok(link_exists("d0") && find_addr(&a, "10.1.0.1", 24), "  before anything moved: d0 is still on the host");
}

static void test_name_clash(int container)
{
  struct devs d = { .items = { { "v0", "ctr0" }, { "d0", "taken0" } } };
  cleanup_error struct hutch_error *err = NULL;
  int rc = netdev_check_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && err && err->code == EEXIST, "a target name taken in the container is refused (%s)", test_error_msg(err));
  tap_ok(starts_with(test_error_msg(err), "linux.netDevices.d0.name: ") && strstr(test_error_msg(err), "\"taken0\""),
         "  naming linux.netDevices.d0.name and the name");
  hutch_error_free(err);
  err = NULL;

  rc = netdev_move_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && starts_with(test_error_msg(err), "linux.netDevices.d0.name: "), "move_all refuses it as well");
  enter(container);
  bool moved = link_exists("ctr0") || link_exists("v0");
  enter(host_ns);
  tap_ok(!moved && link_exists("v0") && link_is_up("v0"),
         "  before the first device moved: v0 is still on the host, up");
  hutch_error_free(err);
  err = NULL;

  d.items[0] = (struct oci_net_device) { "k0", NULL };
  rc = netdev_check_all(devs_of(&d, 1), container, &err);
  tap_ok(rc < 0 && starts_with(test_error_msg(err), "linux.netDevices.k0: ") && strstr(test_error_msg(err), "\"k0\""),
         "keeping a host name taken in the container is refused, naming linux.netDevices.k0 (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;

  d.items[0] = (struct oci_net_device) { "k0", "eth%d" };
  d.items[1] = (struct oci_net_device) { "d0", "k%d" };
  rc = netdev_check_all(devs_of(&d, 2), container, &err);
  tap_ok(rc == 0 && !err, "a template may match taken names: the kernel picks a free number (%s)", test_error_msg(err));
}

static void test_bad_namespace(void)
{
  struct devs d = { .items = { { "d0", NULL } } };
  cleanup_error struct hutch_error *err = NULL;
  int rc = netdev_check_all(devs_of(&d, 1), host_ns, &err);
  tap_ok(rc < 0 && strstr(test_error_msg(err), "shares the runtime's network namespace"),
         "the runtime's own namespace as target is refused (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  cleanup_close int uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
  rc = netdev_move_all(devs_of(&d, 1), uts, &err);
  tap_ok(rc < 0 && strstr(test_error_msg(err), "not a network namespace"), "a namespace of another type is refused (%s)",
         test_error_msg(err));
  tap_ok(link_exists("d0"), "  and d0 stays");
}

static void test_move(int container)
{
  unsigned char mac_before[6], mac_after[6];
  bool have_mac = link_mac("d0", mac_before);
  unsigned host_index = if_nametoindex("d0");

  struct devs d = { .items = { { "d0", "eth%d" }, { "v0", "ctr0" }, { "s0", NULL }, { "t0", "eth%d" } } };
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(netdev_check_all(devs_of(&d, 4), container, &err) == 0, "check passes (%s)", test_error_msg(err));
  int rc = netdev_move_all(devs_of(&d, 4), container, &err);
  tap_ok(rc == 0 && !err, "move d0 and t0 as eth%%d, v0 as ctr0, s0 as itself (%s)", test_error_msg(err));

  tap_ok(!link_exists("d0") && !link_exists("v0") && !link_exists("s0") && !link_exists("t0"),
         "the four left the host");
  tap_ok(link_exists("v1") && link_exists("k0"), "the veth peer and the unlisted k0 stay on the host");

  enter(container);
  tap_ok(link_exists("eth1"), "d0 is eth1 inside (eth0 was taken, and so was d0)");
  tap_ok(link_exists("eth2") && link_is_up("eth2") && !link_exists("eth3") && !link_exists("t0"),
         "t0 is eth2 inside, up (its name was free there)");
  tap_ok(link_is_up("eth1"), "  eth1 is up");
  tap_ok(link_mtu("eth1") == 1400, "  keeps its MTU (%d)", link_mtu("eth1"));
  tap_ok(have_mac && link_mac("eth1", mac_after) && memcmp(mac_before, mac_after, 6) == 0, "  keeps its MAC address");
  tap_diag("d0 had index %u on the host, eth1 has %u", host_index, if_nametoindex("eth1"));

  struct addrs a;
  addrs_of("eth1", &a);
  const struct addr *x = find_addr(&a, "10.1.0.1", 24);
  tap_ok(x && x->scope == RT_SCOPE_UNIVERSE && (x->flags & IFA_F_PERMANENT), "  permanent global IPv4 came along");
  x = find_addr(&a, "10.1.0.2", 24);
  tap_ok(x != NULL, "  the second one too");
  tap_str_eq(x ? x->label : NULL, "eth1:web", "  its label d0:web is now eth1:web");
  x = find_addr(&a, "10.1.0.1", 24);
  tap_str_eq(x ? x->label : NULL, "eth1", "  the first one's label is the new name");
  x = find_addr(&a, "2001:db8:1::1", 64);
  tap_ok(x && x->scope == RT_SCOPE_UNIVERSE && (x->flags & IFA_F_PERMANENT), "  permanent global IPv6 came along");
  tap_ok(x && (x->flags & IFA_F_NODAD), "  with its nodad flag");
  tap_ok(!find_addr(&a, "10.1.0.99", 32), "  the host-scope address did not");
  tap_ok(!find_addr(&a, "fe80::1234", 64), "  the manual link-local address did not");
  tap_ok(!find_addr(&a, "10.1.1.1", 24) && !find_addr(&a, "2001:db8:1::99", 64),
         "  global addresses with a lifetime (not permanent) did not");
  if (!find_addr(&a, "10.1.0.1", 24) || !find_addr(&a, "2001:db8:1::1", 64))
    dump_addrs("eth1", &a);

  tap_ok(link_exists("ctr0") && link_is_up("ctr0") && !link_exists("v0"), "v0 is ctr0 inside, up");
  addrs_of("ctr0", &a);
  tap_ok(find_addr(&a, "10.2.0.1", 24) && find_addr(&a, "2001:db8:2::1", 64), "  with its IPv4 and IPv6 addresses");
  tap_ok(link_exists("s0") && link_is_up("s0"), "s0 keeps its name inside, up");
  addrs_of("s0", &a);
  tap_ok(find_addr(&a, "10.4.0.1", 24) != NULL, "  with its address");
  enter(host_ns);
}

/* The second device cannot move (a loopback never leaves its namespace),
 * after the first has: the first comes back as it was. */
static void test_rollback(void)
{
  must(link_add("veth", "v2", "v3"), "create veth v2/v3");
  addr_add("v2", "10.3.0.1", 24, RT_SCOPE_UNIVERSE, 0, "v2:a", FOREVER);
  addr_add("v2", "2001:db8:3::1", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD, NULL, FOREVER);
  link_up("v2");
  cleanup_close int container = new_netns();

  struct devs d = { .items = { { "v2", "c2" }, { "lo", "lo2" } } };
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(netdev_check_all(devs_of(&d, 2), container, &err) == 0, "rollback case: check passes (%s)", test_error_msg(err));
  int rc = netdev_move_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && starts_with(test_error_msg(err), "linux.netDevices.lo: "),
         "moving lo fails, naming linux.netDevices.lo (%s)", test_error_msg(err));
  tap_ok(link_exists("v2") && link_is_up("v2"), "  v2, already moved, is back on the host under its name, up");
  struct addrs a;
  addrs_of("v2", &a);
  const struct addr *x = find_addr(&a, "10.3.0.1", 24);
  tap_ok(x && find_addr(&a, "2001:db8:3::1", 64), "  with its addresses");
  tap_str_eq(x ? x->label : NULL, "v2:a", "  and its IPv4 label");
  tap_ok(link_exists("lo"), "  lo is where it was");
  enter(container);
  bool left = link_exists("c2") || link_exists("v2") || link_exists("lo2");
  enter(host_ns);
  tap_ok(!left, "  nothing was left in the container's namespace");
}

/* The kernel can move a link and then refuse to rename it, when the name
 * was taken after the check (here: two devices asking for the same name,
 * which the validator would refuse, standing in for that race). Both the
 * half-done link and the one before it go back. */
static void test_rollback_after_move(void)
{
  must(link_add(standalone_kind, "a0", NULL), "create a0");
  must(link_add(standalone_kind, "b0", NULL), "create b0");
  addr_add("a0", "10.5.0.1", 24, RT_SCOPE_UNIVERSE, 0, NULL, FOREVER);
  addr_add("b0", "2001:db8:5::1", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD, NULL, FOREVER);
  addr_add("b0", "10.5.9.9", 32, RT_SCOPE_HOST, 0, NULL, FOREVER);
  link_up("b0");
  cleanup_close int container = new_netns();

  struct devs d = { .items = { { "a0", "x1" }, { "b0", "x1" } } };
  cleanup_error struct hutch_error *err = NULL;
  int rc = netdev_move_all(devs_of(&d, 2), container, &err);
  tap_ok(rc < 0 && err && err->code == EEXIST && starts_with(test_error_msg(err), "linux.netDevices.b0: "),
         "a rename refused after the move fails, naming linux.netDevices.b0 (%s)", test_error_msg(err));
  struct addrs a;
  addrs_of("a0", &a);
  tap_ok(link_exists("a0") && !link_is_up("a0") && find_addr(&a, "10.5.0.1", 24),
         "  a0 is back on the host, down as it was, with its address");
  addrs_of("b0", &a);
  tap_ok(link_exists("b0") && link_is_up("b0") && find_addr(&a, "2001:db8:5::1", 64),
         "  b0, moved but not renamed, is back too, up, with its address");
  tap_ok(!find_addr(&a, "10.5.9.9", 32), "  (it did move: its host-scope address was dropped on the way)");
  enter(container);
  bool left = link_exists("x1") || link_exists("a0") || link_exists("b0");
  enter(host_ns);
  tap_ok(!left, "  nothing was left in the container's namespace");
}

/* Nothing is moved back: when the container's namespace goes, the kernel
 * destroys the virtual devices in it (a veth takes its peer along). */
static void test_namespace_death(int container)
{
  close(container);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; i++) {
    gone = !link_exists("v1");
    if (!gone)
      nanosleep(&(struct timespec) { 0, 50 * 1000 * 1000 }, NULL);
  }
  tap_ok(gone, "when the container's namespace dies, the moved veth goes with its peer v1");
  tap_ok(!link_exists("d0") && !link_exists("v0"), "  and nothing came back to the host");
}

int main(void)
{
  if (geteuid() != 0) {
    tap_ok(true, "netDevices # SKIP needs root");
    return tap_done();
  }
  if (unshare(CLONE_NEWNET) < 0) {
    tap_ok(true, "netDevices # SKIP cannot create a network namespace: %s", strerror(errno));
    return tap_done();
  }
  host_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (host_ns < 0)
    die("open /proc/thread-self/ns/net");
  int rc = link_add("veth", "probe0", "probe1");
  if (rc != 0) {
    tap_ok(true, "netDevices # SKIP no veth links here: %s", strerror(rc));
    return tap_done();
  }
  make_host_links();

  int container = new_netns();
  enter(container);
  must(link_add(standalone_kind, "taken0", NULL), "create taken0 in the container");
  must(link_add(standalone_kind, "eth0", NULL), "create eth0 in the container");
  must(link_add(standalone_kind, "k0", NULL), "create k0 in the container");
  must(link_add(standalone_kind, "d0", NULL), "create d0 in the container");
  enter(host_ns);

  test_nothing_to_do(container);
  test_missing_host_link(container);
  test_name_clash(container);
  test_bad_namespace();
  test_move(container);
  test_rollback();
  test_rollback_after_move();
  test_namespace_death(container);
  return tap_done();
}
