#include "engine/ns/netdev.h"
#include "engine/ipc/fdpass.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Large enough for any single rtnetlink datagram the kernel sends for a
 * link or address (dumps fill at most 32 KiB per datagram). */
#define NL_RECV_SIZE 65536
/* Address attributes are copied as the kernel gave them; a handful of small
 * ones in practice. Anything larger is refused when read, so building a
 * request can never run out of room. */
#define ADDR_ATTRS_MAX 384
#define NL_REQ_ROOM 1024

/* ---- rtnetlink plumbing ---- */

struct nl {
  int fd;
  uint32_t seq;
  char *buf;
  char ext[160]; /* the kernel's extended-ack text for the last refusal */
};
#define NL_INIT { -1, 0, NULL, "" }

static void nl_release(struct nl *nl)
{
  if (nl->fd >= 0)
    close(nl->fd);
  free(nl->buf);
  nl->fd = -1;
  nl->buf = NULL;
}
#define cleanup_nl __attribute__((cleanup(nl_release)))

struct nlreq {
  struct nlmsghdr h;
  char room[NL_REQ_ROOM];
};

static void *req_init(struct nlreq *r, uint16_t type, uint16_t flags, size_t fixed)
{
  memset(r, 0, sizeof *r);
  r->h.nlmsg_len = (uint32_t) NLMSG_LENGTH(fixed);
  r->h.nlmsg_type = type;
  r->h.nlmsg_flags = (uint16_t) (NLM_F_REQUEST | flags);
  return NLMSG_DATA(&r->h);
}

static void req_put(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
  size_t at = NLMSG_ALIGN(r->h.nlmsg_len);
  /* Requests have fixed shapes and address attributes are capped when read,
   * so this is a bug in this file, not something input can cause. */
  if (at + RTA_SPACE(len) > sizeof *r)
    abort();
  struct rtattr *rta = (struct rtattr *) ((char *) r + at);
  rta->rta_type = type;
  rta->rta_len = (unsigned short) RTA_LENGTH(len);
  if (len)
    memcpy(RTA_DATA(rta), data, len);
  r->h.nlmsg_len = (uint32_t) (at + RTA_SPACE(len));
}

/* The attributes after a message's fixed header; *len gets their length. */
static const struct rtattr *attrs_of(const struct nlmsghdr *h, size_t fixed, unsigned int *len)
{
  if (h->nlmsg_len < NLMSG_SPACE(fixed)) {
    *len = 0;
    return NULL;
  }
  *len = h->nlmsg_len - (unsigned int) NLMSG_SPACE(fixed);
  return (const struct rtattr *) ((const char *) NLMSG_DATA(h) + NLMSG_ALIGN(fixed));
}

static void parse_attrs(const struct nlmsghdr *h, size_t fixed, const struct rtattr **tb, unsigned max)
{
  memset(tb, 0, sizeof *tb * (max + 1));
  unsigned int len;
  for (const struct rtattr *a = attrs_of(h, fixed, &len); a && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    unsigned type = a->rta_type & NLA_TYPE_MASK;
    if (type <= max)
      tb[type] = a;
  }
}

static bool attr_s32(const struct rtattr *a, int32_t *out)
{
  if (!a || RTA_PAYLOAD(a) < sizeof *out)
    return false;
  memcpy(out, RTA_DATA(a), sizeof *out);
  return true;
}

static void attr_str(const struct rtattr *a, char *out, size_t size)
{
  out[0] = '\0';
  if (a)
    snprintf(out, size, "%.*s", (int) RTA_PAYLOAD(a), (const char *) RTA_DATA(a));
}

/* Extended acks give the kernel's reason along with the errno; capped acks
 * keep our request out of them; strict checking makes the kernel filter
 * address dumps by link. Kernels without them (before 4.12 and 4.20) still
 * work, only with terser errors and longer dumps filtered here. */
static int nl_setup(struct nl *nl, int fd, struct hutch_error **err)
{
  nl->fd = fd;
  nl->buf = xmalloc(NL_RECV_SIZE);
  static const int opts[] = { NETLINK_EXT_ACK, NETLINK_CAP_ACK, NETLINK_GET_STRICT_CHK };
  int one = 1;
  for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
    if (setsockopt(fd, SOL_NETLINK, opts[i], &one, sizeof one) < 0 && errno != ENOPROTOOPT)
      return hutch_fail_errno(err, "rtnetlink: setsockopt %d", opts[i]);
  return 0;
}

static int nl_open_here(struct nl *nl, struct hutch_error **err)
{
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return hutch_fail_errno(err, "rtnetlink: socket");
  return nl_setup(nl, fd, err);
}

/* A netlink socket belongs for good to the network namespace it was created
 * in, so a child that setns()es there makes one and passes it back. The
 * caller's own namespace never changes, so no failure can strand it in the
 * container's (as a setns there and back in the calling thread could), and
 * it works from a threaded caller: the child only makes system calls. */
static int nl_open_in(struct nl *nl, int netns_fd, struct hutch_error **err)
{
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return hutch_fail_errno(err, "socketpair");
  cleanup_close int mine = pair[0];
  cleanup_close int theirs = pair[1];
  pid_t pid = fork();
  if (pid < 0)
    return hutch_fail_errno(err, "fork");
  if (pid == 0) {
    if (setns(netns_fd, CLONE_NEWNET) < 0)
      _exit(errno);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0 || fd_send(theirs, fd, "rtnetlink", NULL) < 0)
      _exit(errno);
    _exit(0);
  }
  close(steal_fd(&theirs));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return hutch_fail_errno(err, "wait for the child opening a socket in the container's network namespace");
  if (WIFSIGNALED(status))
    return hutch_fail(err, 0, "the child opening a socket in the container's network namespace was killed by signal %d",
                      WTERMSIG(status));
  if (WEXITSTATUS(status) != 0)
    return hutch_fail(err, WEXITSTATUS(status), "open an rtnetlink socket in the container's network namespace");
  int fd;
  if (fd_recv(mine, &fd, NULL, 0, err) < 0)
    return -1;
  return nl_setup(nl, fd, err);
}

/* The errno of an NLMSG_ERROR (0 for an ack), keeping the kernel's text. */
static int nl_error(struct nl *nl, const struct nlmsghdr *h)
{
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
    return EBADMSG;
  const struct nlmsgerr *e = NLMSG_DATA(h);
  if (e->error == 0)
    return 0;
  if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
    size_t off = sizeof *e;
    if (!(h->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
      off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
    if (NLMSG_HDRLEN + off <= h->nlmsg_len) {
      unsigned int len = h->nlmsg_len - (unsigned int) (NLMSG_HDRLEN + off);
      for (const struct rtattr *a = (const void *) ((const char *) e + off); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if ((a->rta_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
          attr_str(a, nl->ext, sizeof nl->ext);
    }
  }
  return e->error < 0 ? -e->error : EPROTO;
}

typedef int (*nl_reply_fn)(const struct nlmsghdr *h, void *ctx, struct hutch_error **err);

/* Sends r and reads until its ack (or the end of its dump), handing each
 * reply to fn. Returns 0, the kernel's errno (> 0) when it refused, or -1
 * with *err set when talking failed or fn did. */
static int nl_talk(struct nl *nl, struct nlreq *r, nl_reply_fn fn, void *ctx, struct hutch_error **err)
{
  /* The kernel's own test for a dump: the dump bits mean something else
   * (NLM_F_REPLACE, NLM_F_EXCL) on requests other than RTM_GET*. */
  bool dump = (r->h.nlmsg_type & 3) == 2 && (r->h.nlmsg_flags & NLM_F_DUMP);
  if (!dump)
    r->h.nlmsg_flags |= NLM_F_ACK;
  r->h.nlmsg_seq = ++nl->seq;
  nl->ext[0] = '\0';
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  ssize_t n;
  do
    n = sendto(nl->fd, r, r->h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "rtnetlink: send");
  /* After fn fails, read on to the end so no half-read dump is left behind
   * for the next request on this socket. */
  bool failed = false;
  for (;;) {
    struct sockaddr_nl from;
    struct iovec iov = { nl->buf, NL_RECV_SIZE };
    struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
    do
      n = recvmsg(nl->fd, &msg, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      return hutch_fail_errno(err, "rtnetlink: receive");
    if (msg.msg_flags & MSG_TRUNC)
      return hutch_fail(err, EMSGSIZE, "rtnetlink: receive");
    if (from.nl_pid != 0)
      continue;
    unsigned int left = (unsigned int) n;
    for (const struct nlmsghdr *h = (const void *) nl->buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != r->h.nlmsg_seq)
        continue;
      if (h->nlmsg_type == NLMSG_ERROR) {
        int code = nl_error(nl, h);
        return failed ? -1 : code;
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        int32_t code = 0;
        if (h->nlmsg_len >= NLMSG_LENGTH(sizeof code))
          memcpy(&code, NLMSG_DATA(h), sizeof code);
        return failed ? -1 : code < 0 ? -code : 0;
      }
      if (fn && !failed && fn(h, ctx, err) < 0)
        failed = true;
    }
  }
}

/* A refusal from the kernel: "<what>: <strerror> (<kernel's reason>)". */
static int __attribute__((format(printf, 4, 5)))
fail_kernel(struct hutch_error **err, const struct nl *nl, int code, const char *fmt, ...)
{
  cleanup_strbuf struct strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  strbuf_addf(&sb, ": %s", strerror(code));
  if (nl->ext[0])
    strbuf_addf(&sb, " (%s)", nl->ext);
  return hutch_fail_as(err, code, "%s", strbuf_str(&sb));
}

/* ---- links ---- */

struct link {
  int index;
  unsigned flags;
  char name[IFNAMSIZ];
};

static int link_reply(const struct nlmsghdr *h, void *ctx, struct hutch_error **err)
{
  (void) err;
  struct link *l = ctx;
  if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
    return 0;
  const struct ifinfomsg *ifi = NLMSG_DATA(h);
  const struct rtattr *tb[IFLA_MAX + 1];
  parse_attrs(h, sizeof *ifi, tb, IFLA_MAX);
  l->index = ifi->ifi_index;
  l->flags = ifi->ifi_flags;
  attr_str(tb[IFLA_IFNAME], l->name, sizeof l->name);
  return 0;
}

/* Looks a link up by name, or by index when name is NULL: 0 when found, the
 * kernel's errno when not (ENODEV: no such link), -1 on failure. */
static int link_get(struct nl *nl, const char *name, int index, struct link *out, struct hutch_error **err)
{
  struct nlreq r;
  struct ifinfomsg *ifi = req_init(&r, RTM_GETLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = name ? 0 : index;
  if (name)
    req_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
  uint32_t mask = RTEXT_FILTER_SKIP_STATS;
  req_put(&r, IFLA_EXT_MASK, &mask, sizeof mask);
  memset(out, 0, sizeof *out);
  int rc = nl_talk(nl, &r, link_reply, out, err);
  if (rc == 0 && out->index == 0)
    return ENODEV;
  return rc;
}

/* With the link chosen by index, IFLA_IFNAME renames it. The kernel moves
 * it under its current name when that is free over there, else directly
 * under this one (expanding a template), then renames it inside. */
static int link_move(struct nl *nl, int index, int netns_fd, const char *name, struct hutch_error **err)
{
  struct nlreq r;
  struct ifinfomsg *ifi = req_init(&r, RTM_NEWLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  uint32_t fd = (uint32_t) netns_fd;
  req_put(&r, IFLA_NET_NS_FD, &fd, sizeof fd);
  req_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
  return nl_talk(nl, &r, NULL, NULL, err);
}

static int link_rename(struct nl *nl, int index, const char *name, struct hutch_error **err)
{
  struct nlreq r;
  struct ifinfomsg *ifi = req_init(&r, RTM_NEWLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  req_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
  return nl_talk(nl, &r, NULL, NULL, err);
}

static int link_set_up(struct nl *nl, int index, struct hutch_error **err)
{
  struct nlreq r;
  struct ifinfomsg *ifi = req_init(&r, RTM_NEWLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  return nl_talk(nl, &r, NULL, NULL, err);
}

/* Link notifications of the namespace the links leave, read after each move. */
static int monitor_open(struct nl *mon, struct hutch_error **err)
{
  if (nl_open_here(mon, err) < 0)
    return -1;
  /* Room for a busy host's other link events during the moves (the kernel
   * caps it at net.core.rmem_max). */
  int size = 1 << 20;
  if (setsockopt(mon->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
    return hutch_fail_errno(err, "rtnetlink: setsockopt SO_RCVBUF");
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
  if (bind(mon->fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return hutch_fail_errno(err, "rtnetlink: subscribe to link notifications");
  return 0;
}

/* The index the link got in the namespace it moved to, from the RTM_DELLINK
 * the kernel sends to the one it left (with IFLA_NEW_IFINDEX, in kernels
 * since 2018): the one exact record of where it went, since a template or a
 * clash can pick its name there and the index changes when taken there.
 * 0 when no such report is queued; *lost is set when notifications
 * overflowed. */
static int monitor_moved_index(struct nl *mon, int old_index, bool *lost, struct hutch_error **err)
{
  for (;;) {
    struct sockaddr_nl from;
    struct iovec iov = { mon->buf, NL_RECV_SIZE };
    struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;
    do
      n = recvmsg(mon->fd, &msg, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    if (n < 0 && errno == ENOBUFS) {
      *lost = true;
      continue;
    }
    if (n < 0)
      return hutch_fail_errno(err, "rtnetlink: read link notifications");
    if (from.nl_pid != 0)
      continue;
    unsigned int left = (unsigned int) n;
    for (const struct nlmsghdr *h = (const void *) mon->buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type != RTM_DELLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        continue;
      const struct ifinfomsg *ifi = NLMSG_DATA(h);
      if (ifi->ifi_index != old_index)
        continue;
      const struct rtattr *tb[IFLA_MAX + 1];
      parse_attrs(h, sizeof *ifi, tb, IFLA_MAX);
      int32_t index;
      if (attr_s32(tb[IFLA_NEW_IFINDEX], &index) && index > 0)
        return index;
    }
  }
}

/* ---- addresses ---- */

struct saved_addr {
  struct ifaddrmsg ifa;
  unsigned char attrs[ADDR_ATTRS_MAX]; /* every attribute but IFA_LABEL, as read */
  size_t attrs_len;
  char label[IFNAMSIZ]; /* IPv4 only; "" when none */
};

struct addr_list {
  const char *host_name; /* for messages */
  int index;
  struct saved_addr *items;
  size_t len;
};

static int addr_reply(const struct nlmsghdr *h, void *ctx, struct hutch_error **err)
{
  struct addr_list *list = ctx;
  if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
    return 0;
  const struct ifaddrmsg *ifa = NLMSG_DATA(h);
  /* Without strict checking the kernel dumps every link's addresses. */
  if ((int) ifa->ifa_index != list->index)
    return 0;
  const struct rtattr *tb[IFA_MAX + 1];
  parse_attrs(h, sizeof *ifa, tb, IFA_MAX);
  uint32_t flags = ifa->ifa_flags;
  if (tb[IFA_FLAGS] && RTA_PAYLOAD(tb[IFA_FLAGS]) >= sizeof flags)
    memcpy(&flags, RTA_DATA(tb[IFA_FLAGS]), sizeof flags);
  /* What the spec carries over. Link-local and autoconfigured addresses
   * are the kernel's to make again in the new namespace; host-scope and
   * expiring ones are not the container's business. */
  if (!(flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return 0;
  struct saved_addr a;
  memset(&a, 0, sizeof a);
  a.ifa = *ifa;
  unsigned int len;
  for (const struct rtattr *rta = attrs_of(h, sizeof *ifa, &len); rta && RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
    if ((rta->rta_type & NLA_TYPE_MASK) == IFA_LABEL) {
      attr_str(rta, a.label, sizeof a.label);
      continue;
    }
    if (a.attrs_len + RTA_ALIGN(rta->rta_len) > sizeof a.attrs)
      return hutch_fail(err, E2BIG,
                        "linux.netDevices.%s: an address of family %u has more attributes than hutch copies",
                        list->host_name, ifa->ifa_family);
    memcpy(a.attrs + a.attrs_len, rta, rta->rta_len);
    a.attrs_len += RTA_ALIGN(rta->rta_len);
  }
  list->items = xrealloc(list->items, (list->len + 1) * sizeof *list->items);
  list->items[list->len++] = a;
  return 0;
}

static int addrs_read(struct nl *nl, struct addr_list *list, struct hutch_error **err)
{
  struct nlreq r;
  struct ifaddrmsg *ifa = req_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);
  ifa->ifa_family = AF_UNSPEC;
  ifa->ifa_index = (uint32_t) list->index;
  return nl_talk(nl, &r, addr_reply, list, err);
}

/* "10.1.0.1/24", for messages. */
static const char *addr_text(const struct saved_addr *a, char *buf, size_t size)
{
  const struct rtattr *local = NULL, *address = NULL;
  unsigned int len = (unsigned int) a->attrs_len;
  for (const struct rtattr *rta = (const void *) a->attrs; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
    if ((rta->rta_type & NLA_TYPE_MASK) == IFA_LOCAL)
      local = rta;
    else if ((rta->rta_type & NLA_TYPE_MASK) == IFA_ADDRESS)
      address = rta;
  }
  const struct rtattr *pick = local ? local : address;
  char text[INET6_ADDRSTRLEN];
  size_t need = a->ifa.ifa_family == AF_INET6 ? 16 : 4;
  if (pick && (a->ifa.ifa_family == AF_INET || a->ifa.ifa_family == AF_INET6) && RTA_PAYLOAD(pick) >= need &&
      inet_ntop(a->ifa.ifa_family, RTA_DATA(pick), text, sizeof text))
    snprintf(buf, size, "%s/%u", text, a->ifa.ifa_prefixlen);
  else
    snprintf(buf, size, "(family %u)/%u", a->ifa.ifa_family, a->ifa.ifa_prefixlen);
  return buf;
}

/* An IPv4 label names its link ("eth1", "eth1:web"); under the new name it
 * becomes "ctr0", "ctr0:web". One that no longer fits is left to the
 * kernel's default, the link's name. */
static void relabel(char out[IFNAMSIZ], const char *label, const char *old_name, const char *new_name)
{
  size_t n = strlen(old_name);
  out[0] = '\0';
  if (strncmp(label, old_name, n) == 0 && (label[n] == '\0' || label[n] == ':')) {
    size_t head = strlen(new_name), tail = strlen(label + n);
    if (head + tail < IFNAMSIZ) {
      memcpy(out, new_name, head);
      memcpy(out + head, label + n, tail + 1);
    }
    return;
  }
  snprintf(out, IFNAMSIZ, "%s", label);
}

static int addr_add(struct nl *nl, const struct saved_addr *a, int index, const char *label, struct hutch_error **err)
{
  struct nlreq r;
  struct ifaddrmsg *ifa = req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof *ifa);
  *ifa = a->ifa;
  ifa->ifa_index = (uint32_t) index;
  unsigned int len = (unsigned int) a->attrs_len;
  for (const struct rtattr *rta = (const void *) a->attrs; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
    req_put(&r, rta->rta_type, RTA_DATA(rta), RTA_PAYLOAD(rta));
  if (label[0])
    req_put(&r, IFA_LABEL, label, strlen(label) + 1);
  return nl_talk(nl, &r, NULL, NULL, err);
}

/* ---- the moves ---- */

struct dev_move {
  const struct oci_net_device *d;
  const char *target; /* `name`, else the host name */
  struct link host;   /* as found on the host */
  struct addr_list addrs;
  bool moved;
  int index;            /* in the container's namespace, once moved */
  char name[IFNAMSIZ]; /* there, a template expanded */
};

struct moves {
  struct dev_move *items;
  size_t len;
};

static void moves_release(struct moves *m)
{
  for (size_t i = 0; i < m->len; i++)
    free(m->items[i].addrs.items);
  free(m->items);
}
#define cleanup_moves __attribute__((cleanup(moves_release)))

static bool is_template(const char *name)
{
  size_t n = strlen(name);
  return n >= 2 && strcmp(name + n - 2, "%d") == 0;
}

static const char *target_name(const struct oci_net_device *d)
{
  return d->name ? d->name : d->host_name;
}

/* The caller's own network namespace: what a failed move goes back to, and
 * what the container's must differ from. */
static int own_netns(int target_netns_fd, struct hutch_error **err)
{
  int type = ioctl(target_netns_fd, NS_GET_NSTYPE);
  if (type < 0)
    return hutch_fail_errno(err, "linux.netDevices: the container's network namespace");
  if (type != CLONE_NEWNET)
    return hutch_fail(err, EINVAL,
                      "linux.netDevices: the namespace given for the container's is not a network namespace");
  cleanup_close int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open /proc/thread-self/ns/net");
  struct stat mine, theirs;
  if (fstat(fd, &mine) < 0 || fstat(target_netns_fd, &theirs) < 0)
    return hutch_fail_errno(err, "linux.netDevices: stat the network namespaces");
  if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
    return hutch_fail(err, 0, "linux.netDevices: the container shares the runtime's network namespace, "
                              "so there is nowhere to move the interfaces");
  return steal_fd(&fd);
}

static int check_devices(struct nl *host, struct nl *target, const oci_net_devices *devs, struct dev_move *moves,
                         struct hutch_error **err)
{
  for (size_t i = 0; i < devs->len; i++) {
    const struct oci_net_device *d = &devs->items[i];
    struct link l;
    int rc = link_get(host, d->host_name, 0, &l, err);
    if (rc < 0)
      return hutch_error_prefix(err, "linux.netDevices.%s: ", d->host_name);
    if (rc == ENODEV)
      return hutch_fail_as(err, ENODEV, "linux.netDevices.%s: no such network interface on the host", d->host_name);
    if (rc)
      return fail_kernel(err, host, rc, "linux.netDevices.%s: look the interface up on the host", d->host_name);
    if (moves)
      moves[i] = (struct dev_move) { .d = d, .target = target_name(d), .host = l,
                                     .addrs = { .host_name = d->host_name, .index = l.index } };
    const char *name = target_name(d);
    if (is_template(name))
      continue; /* the kernel picks a free number */
    struct link there;
    rc = link_get(target, name, 0, &there, err);
    if (rc < 0)
      return hutch_error_prefix(err, "linux.netDevices.%s: ", d->host_name);
    if (rc == 0)
      return hutch_fail_as(err, EEXIST,
                           "linux.netDevices.%s%s: \"%s\" already exists in the container's network namespace",
                           d->host_name, d->name ? ".name" : "", name);
    if (rc != ENODEV)
      return fail_kernel(err, target, rc, "linux.netDevices.%s: look \"%s\" up in the container's network namespace",
                         d->host_name, name);
  }
  return 0;
}

/* Where the link is after a move request: its index in the container's
 * namespace, 0 when it is still on the host, -1 on failure. refused is the
 * request's errno: the kernel may refuse a rename after it moved the link. */
static int locate(struct nl *host, struct nl *target, struct nl *mon, const struct dev_move *m, int refused,
                  struct hutch_error **err)
{
  bool lost = false;
  int index = monitor_moved_index(mon, m->host.index, &lost, err);
  if (index != 0)
    return index;
  /* No report (an older kernel, or notifications lost): ask. */
  struct link l;
  int rc = link_get(host, NULL, m->host.index, &l, err);
  if (rc < 0)
    return -1;
  if (rc == 0)
    return 0;
  const char *guess = refused ? m->host.name : m->target;
  if (!is_template(guess)) {
    rc = link_get(target, guess, 0, &l, err);
    if (rc < 0)
      return -1;
    if (rc == 0)
      return l.index;
  }
  return hutch_fail(err, 0, "linux.netDevices.%s: left the host, but hutch cannot find it in the container's network "
                            "namespace%s", m->d->host_name, lost ? " (link notifications were lost)" : "");
}

static int move_one(struct nl *host, struct nl *target, struct nl *mon, int target_netns_fd, struct dev_move *m,
                    struct hutch_error **err)
{
  const char *h = m->d->host_name;
  int rc = addrs_read(host, &m->addrs, err);
  if (rc < 0)
    return hutch_error_prefix(err, "linux.netDevices.%s: read its addresses: ", h);
  if (rc)
    return fail_kernel(err, host, rc, "linux.netDevices.%s: read its addresses", h);

  /* When the host name is taken over there, the kernel moves the link
   * under the template's expansion, then renames it to the template again,
   * skipping the number it holds (eth1 becomes eth2). A second rename
   * afterwards lands on the lowest free number, as a template should. */
  bool expand_again = false;
  if (is_template(m->target)) {
    struct link l;
    rc = link_get(target, m->host.name, 0, &l, err);
    if (rc < 0)
      return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
    expand_again = rc == 0;
  }

  int refused = link_move(host, m->host.index, target_netns_fd, m->target, err);
  if (refused < 0)
    return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
  if (refused)
    fail_kernel(err, host, refused, "linux.netDevices.%s: move into the container's network namespace as \"%s\"%s", h,
                m->target,
                refused == EINVAL && !host->ext[0] ? " (a loopback, bridge or other namespace-local device cannot move)"
                                                   : "");
  int index = locate(host, target, mon, m, refused, err);
  if (index < 0)
    return -1;
  if (index == 0)
    return refused ? -1
                   : hutch_fail(err, 0, "linux.netDevices.%s: still on the host after the kernel accepted the move", h);
  m->moved = true;
  m->index = index;
  if (refused)
    return -1;

  if (expand_again) {
    rc = link_rename(target, index, m->target, err);
    if (rc < 0)
      return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
    if (rc)
      return fail_kernel(err, target, rc, "linux.netDevices.%s: rename to \"%s\" in the container's network namespace",
                         h, m->target);
  }
  struct link now;
  rc = link_get(target, NULL, index, &now, err);
  if (rc < 0)
    return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
  if (rc)
    return fail_kernel(err, target, rc, "linux.netDevices.%s: look it up in the container's network namespace", h);
  snprintf(m->name, sizeof m->name, "%s", now.name);

  for (size_t i = 0; i < m->addrs.len; i++) {
    const struct saved_addr *a = &m->addrs.items[i];
    char label[IFNAMSIZ];
    relabel(label, a->label, m->host.name, m->name);
    rc = addr_add(target, a, index, label, err);
    if (rc < 0)
      return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
    char text[INET6_ADDRSTRLEN + 32];
    if (rc)
      return fail_kernel(err, target, rc, "linux.netDevices.%s: add address %s in the container's network namespace", h,
                         addr_text(a, text, sizeof text));
  }
  rc = link_set_up(target, index, err);
  if (rc < 0)
    return hutch_error_prefix(err, "linux.netDevices.%s: ", h);
  if (rc)
    return fail_kernel(err, target, rc, "linux.netDevices.%s: set \"%s\" up in the container's network namespace", h,
                       m->name);
  log_debug("linux.netDevices.%s: now \"%s\" in the container's network namespace, with %zu address(es)", h, m->name,
            m->addrs.len);
  return 0;
}

static void warn_rollback(const struct dev_move *m, const char *what, int rc, const struct nl *nl,
                          struct hutch_error **e)
{
  if (rc < 0)
    log_warning("linux.netDevices.%s: %s: %s", m->d->host_name, what, *e ? (*e)->msg : "failed");
  else
    log_warning("linux.netDevices.%s: %s: %s%s%s%s", m->d->host_name, what, strerror(rc), nl->ext[0] ? " (" : "",
                nl->ext, nl->ext[0] ? ")" : "");
  hutch_error_free(*e);
  *e = NULL;
}

/* Puts a moved link back on the host as it was: its host name, its saved
 * addresses, its up/down state. The error that caused the rollback is the
 * one reported; what fails here is logged, and a link that cannot come back
 * stays in the container's namespace, where the kernel deals with it when
 * the namespace dies (physical devices return to the initial namespace,
 * virtual ones are destroyed). */
static void rollback_one(struct nl *host, struct nl *target, int host_netns_fd, struct dev_move *m)
{
  cleanup_error struct hutch_error *e = NULL;
  int rc = link_move(target, m->index, host_netns_fd, m->host.name, &e);
  if (rc) {
    warn_rollback(m, "could not move it back to the host", rc, target, &e);
    return;
  }
  struct link back;
  rc = link_get(host, m->host.name, 0, &back, &e);
  if (rc) {
    warn_rollback(m, "moved back, but not found on the host", rc, host, &e);
    return;
  }
  for (size_t i = 0; i < m->addrs.len; i++) {
    const struct saved_addr *a = &m->addrs.items[i];
    rc = addr_add(host, a, back.index, a->label, &e);
    if (rc) {
      char text[INET6_ADDRSTRLEN + 32];
      char what[INET6_ADDRSTRLEN + 64];
      snprintf(what, sizeof what, "moved back, but address %s not restored", addr_text(a, text, sizeof text));
      warn_rollback(m, what, rc, host, &e);
    }
  }
  if (m->host.flags & IFF_UP) {
    rc = link_set_up(host, back.index, &e);
    if (rc)
      warn_rollback(m, "moved back, but not set up again", rc, host, &e);
  }
}

int netdev_check_all(const oci_net_devices *devs, int target_netns_fd, struct hutch_error **err)
{
  if (!devs || devs->len == 0)
    return 0;
  cleanup_close int host_ns = own_netns(target_netns_fd, err);
  if (host_ns < 0)
    return -1;
  cleanup_nl struct nl host = NL_INIT;
  cleanup_nl struct nl target = NL_INIT;
  if (nl_open_here(&host, err) < 0 || nl_open_in(&target, target_netns_fd, err) < 0)
    return hutch_error_prefix(err, "linux.netDevices: ");
  return check_devices(&host, &target, devs, NULL, err);
}

int netdev_move_all(const oci_net_devices *devs, int target_netns_fd, struct hutch_error **err)
{
  if (!devs || devs->len == 0)
    return 0;
  cleanup_close int host_ns = own_netns(target_netns_fd, err);
  if (host_ns < 0)
    return -1;
  cleanup_nl struct nl host = NL_INIT;
  cleanup_nl struct nl target = NL_INIT;
  cleanup_nl struct nl mon = NL_INIT;
  if (nl_open_here(&host, err) < 0 || nl_open_in(&target, target_netns_fd, err) < 0)
    return hutch_error_prefix(err, "linux.netDevices: ");
  cleanup_moves struct moves moves = { xcalloc(devs->len, sizeof *moves.items), devs->len };
  if (check_devices(&host, &target, devs, moves.items, err) < 0)
    return -1;
  /* Subscribed only now, so the queue holds little besides the moves. */
  if (monitor_open(&mon, err) < 0)
    return hutch_error_prefix(err, "linux.netDevices: ");
  for (size_t i = 0; i < moves.len; i++) {
    if (move_one(&host, &target, &mon, target_netns_fd, &moves.items[i], err) == 0)
      continue;
    for (size_t j = i + 1; j-- > 0;)
      if (moves.items[j].moved)
        rollback_one(&host, &target, host_ns, &moves.items[j]);
    return -1;
  }
  return 0;
}
