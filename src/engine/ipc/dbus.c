#include "engine/ipc/dbus.h"
#include "engine/ipc/fdpass.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SYSTEMD_PRIVATE_SOCKET "/run/systemd/private"
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
/* The server's answers during authentication are short lines. */
#define AUTH_LINE_MAX 512
#define READ_CHUNK 4096

struct dbus_conn {
  int fd;
  bool bus;
  char *path;
  uint32_t serial;
  uint8_t *rbuf; /* bytes received and not yet consumed */
  size_t rlen;
  size_t rcap;
  dbus_signal_fn on_signal;
  void *opaque;
};

/* ---- addresses ---------------------------------------------------------- */

static int hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Address values escape bytes as %XX. NULL when an escape is broken or
 * would put a NUL in the path. */
static char *unescape(const char *s, size_t len)
{
  struct strbuf sb = STRBUF_INIT;
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '%') {
      strbuf_addc(&sb, s[i]);
      continue;
    }
    if (i + 2 >= len) {
      strbuf_release(&sb);
      return NULL;
    }
    int a = hex_value(s[i + 1]), b = hex_value(s[i + 2]);
    if (a < 0 || b < 0 || (a == 0 && b == 0)) {
      strbuf_release(&sb);
      return NULL;
    }
    strbuf_addc(&sb, (char) (a << 4 | b));
    i += 2;
  }
  return strbuf_detach(&sb);
}

/* One "unix:key=value,..." entry: its path= or abstract= value. 1 found,
 * 0 not a usable entry, -1 error. */
static int parse_unix_entry(const char *entry, size_t len, struct dbus_address *out, struct hutch_error **err)
{
  static const char prefix[] = "unix:";
  if (len < sizeof prefix - 1 || memcmp(entry, prefix, sizeof prefix - 1) != 0)
    return 0;
  const char *p = entry + sizeof prefix - 1;
  const char *end = entry + len;
  while (p < end) {
    const char *comma = memchr(p, ',', (size_t) (end - p));
    const char *item_end = comma ? comma : end;
    const char *eq = memchr(p, '=', (size_t) (item_end - p));
    if (eq) {
      size_t key_len = (size_t) (eq - p);
      bool path = key_len == 4 && memcmp(p, "path", 4) == 0;
      bool abstract = key_len == 8 && memcmp(p, "abstract", 8) == 0;
      if (path || abstract) {
        char *value = unescape(eq + 1, (size_t) (item_end - eq - 1));
        if (!value || !*value) {
          free(value);
          return hutch_fail(err, EINVAL, "D-Bus address \"%.*s\": a bad %s= value", (int) len, entry,
                            path ? "path" : "abstract");
        }
        out->path = value;
        out->abstract = abstract;
        out->bus = true;
        return 1;
      }
    }
    p = comma ? comma + 1 : end;
  }
  return 0;
}

int dbus_address_parse(const char *address, struct dbus_address *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  for (const char *p = address; *p;) {
    const char *end = strchrnul(p, ';');
    int found = parse_unix_entry(p, (size_t) (end - p), out, err);
    if (found < 0)
      return -1;
    if (found)
      return 0;
    p = *end ? end + 1 : end;
  }
  return hutch_fail(err, EINVAL, "D-Bus address \"%s\": no unix:path= or unix:abstract= entry", address);
}

int dbus_system_address(struct dbus_address *out, struct hutch_error **err)
{
  const char *env = getenv("DBUS_SYSTEM_BUS_ADDRESS");
  if (env && *env) {
    if (dbus_address_parse(env, out, err) < 0)
      return hutch_error_prefix(err, "DBUS_SYSTEM_BUS_ADDRESS: ");
    /* Pointed at systemd's own socket, there is no bus daemon to greet. */
    if (!out->abstract && strcmp(out->path, SYSTEMD_PRIVATE_SOCKET) == 0)
      out->bus = false;
    return 0;
  }
  memset(out, 0, sizeof *out);
  if (access(SYSTEMD_PRIVATE_SOCKET, F_OK) == 0) {
    out->path = xstrdup(SYSTEMD_PRIVATE_SOCKET);
    return 0;
  }
  out->path = xstrdup(SYSTEM_BUS_SOCKET);
  out->bus = true;
  return 0;
}

void dbus_address_release(struct dbus_address *a)
{
  free(a->path);
  a->path = NULL;
}

/* ---- the socket ----------------------------------------------------------- */

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_abstract(const char *name, struct hutch_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t len = strlen(name);
  if (len + 1 > sizeof addr.sun_path)
    return hutch_fail(err, ENAMETOOLONG, "connect @%s", name);
  memcpy(addr.sun_path + 1, name, len);
  cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hutch_fail_errno(err, "socket");
  socklen_t size = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + len);
  if (connect(fd, (struct sockaddr *) &addr, size) < 0)
    return hutch_fail_errno(err, "connect @%s", name);
  return steal_fd(&fd);
}

static int write_all(struct dbus_conn *c, const void *data, size_t len, struct hutch_error **err)
{
  const uint8_t *p = data;
  while (len) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return hutch_fail_errno(err, "D-Bus: write to %s", c->path);
    }
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

/* Reads what is there (waiting until the deadline for something), keeping
 * room for at least `want` bytes in all. */
static int fill(struct dbus_conn *c, size_t want, int64_t deadline, struct hutch_error **err)
{
  if (want < c->rlen + READ_CHUNK)
    want = c->rlen + READ_CHUNK;
  if (c->rcap < want) {
    c->rbuf = xrealloc(c->rbuf, want);
    c->rcap = want;
  }
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return hutch_fail(err, ETIMEDOUT, "D-Bus: no answer from %s", c->path);
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    int r = poll(&pfd, 1, left > 60000 ? 60000 : (int) left);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return hutch_fail_errno(err, "D-Bus: poll %s", c->path);
    }
    if (r == 0)
      continue;
    ssize_t n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return hutch_fail_errno(err, "D-Bus: read from %s", c->path);
    }
    if (n == 0)
      return hutch_fail(err, ECONNRESET, "D-Bus: %s closed the connection", c->path);
    c->rlen += (size_t) n;
    return 0;
  }
}

static void consume(struct dbus_conn *c, size_t n)
{
  memmove(c->rbuf, c->rbuf + n, c->rlen - n);
  c->rlen -= n;
}

/* ---- authentication -------------------------------------------------------- */

/* One "...\r\n" line of the server, without the line end. */
static int read_auth_line(struct dbus_conn *c, char *line, size_t size, int64_t deadline, struct hutch_error **err)
{
  for (;;) {
    for (size_t i = 0; i + 1 < c->rlen; i++) {
      if (c->rbuf[i] != '\r' || c->rbuf[i + 1] != '\n')
        continue;
      if (i >= size)
        break;
      memcpy(line, c->rbuf, i);
      line[i] = '\0';
      consume(c, i + 2);
      return 0;
    }
    if (c->rlen >= size)
      return hutch_fail(err, EPROTO, "D-Bus: %s answered authentication with an overlong line", c->path);
    if (fill(c, 0, deadline, err) < 0)
      return -1;
  }
}

static int authenticate(struct dbus_conn *c, int64_t deadline, struct hutch_error **err)
{
  char uid[24];
  snprintf(uid, sizeof uid, "%u", (unsigned) geteuid());
  cleanup_strbuf struct strbuf auth = STRBUF_INIT;
  /* The protocol opens with one NUL byte (where credentials could go). */
  strbuf_addc(&auth, '\0');
  strbuf_adds(&auth, "AUTH EXTERNAL ");
  for (const char *p = uid; *p; p++)
    strbuf_addf(&auth, "%02x", (unsigned char) *p);
  strbuf_adds(&auth, "\r\n");
  if (write_all(c, auth.buf, auth.len, err) < 0)
    return -1;
  char line[AUTH_LINE_MAX];
  if (read_auth_line(c, line, sizeof line, deadline, err) < 0)
    return -1;
  if (strncmp(line, "OK ", 3) != 0 && strcmp(line, "OK") != 0) {
    if (strncmp(line, "REJECTED", 8) == 0)
      return hutch_fail(err, EACCES, "D-Bus: %s refused authentication as uid %s", c->path, uid);
    return hutch_fail(err, EPROTO, "D-Bus: %s answered AUTH with \"%.80s\"", c->path, line);
  }
  return write_all(c, "BEGIN\r\n", 7, err);
}

/* ---- messages --------------------------------------------------------------- */

static int next_message(struct dbus_conn *c, int64_t deadline, struct dbus_message **out, struct hutch_error **err)
{
  while (c->rlen < DBUS_FIXED_HEADER)
    if (fill(c, DBUS_FIXED_HEADER, deadline, err) < 0)
      return -1;
  size_t total;
  if (dbus_message_size(c->rbuf, &total, err) < 0)
    return hutch_error_prefix(err, "%s: ", c->path);
  while (c->rlen < total)
    if (fill(c, total, deadline, err) < 0)
      return -1;
  int rc = dbus_message_parse(c->rbuf, total, out, err);
  consume(c, total);
  return rc < 0 ? hutch_error_prefix(err, "%s: ", c->path) : 0;
}

static void dispatch(struct dbus_conn *c, struct dbus_message *m)
{
  if (m->h.type == DBUS_SIGNAL && c->on_signal)
    c->on_signal(c->opaque, m);
  /* Anything else (replies to nobody, calls to us, unknown types) is not
   * for this client. */
  dbus_message_free(m);
}

static int send_call(struct dbus_conn *c, const struct dbus_call *call, uint32_t *serial, struct hutch_error **err)
{
  if (++c->serial == 0)
    c->serial = 1;
  struct dbus_header h = {
    .type = DBUS_METHOD_CALL,
    .serial = c->serial,
    .path = call->path,
    .interface = call->interface,
    .member = call->member,
    .destination = call->destination,
    .signature = call->signature,
  };
  struct dbus_writer w = DBUS_WRITER_INIT;
  int rc = dbus_message_encode(&w, &h, call->body ? call->body->buf : NULL, call->body ? call->body->len : 0, err);
  if (rc == 0)
    rc = write_all(c, w.buf, w.len, err);
  dbusw_release(&w);
  *serial = c->serial;
  return rc;
}

int dbus_call(struct dbus_conn *c, const struct dbus_call *call, int timeout_ms, struct dbus_message **reply,
              struct hutch_error **err)
{
  if (reply)
    *reply = NULL;
  uint32_t serial;
  if (send_call(c, call, &serial, err) < 0)
    return -1;
  int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    struct dbus_message *m;
    if (next_message(c, deadline, &m, err) < 0)
      return hutch_error_prefix(err, "%s: ", call->member);
    bool answer = (m->h.type == DBUS_METHOD_RETURN || m->h.type == DBUS_ERROR) && m->h.reply_serial == serial;
    if (!answer) {
      dispatch(c, m);
      continue;
    }
    if (m->h.type == DBUS_ERROR) {
      const char *text = dbus_message_first_string(m);
      hutch_fail(err, 0, "%s: %s%s%s", call->member, m->h.error_name, text ? ": " : "", text ? text : "");
      if (reply)
        *reply = m;
      else
        dbus_message_free(m);
      return -1;
    }
    if (dbus_message_parse_body(m, err) < 0) {
      dbus_message_free(m);
      return hutch_error_prefix(err, "%s: reply: ", call->member);
    }
    if (reply)
      *reply = m;
    else
      dbus_message_free(m);
    return 0;
  }
}

int dbus_wait(struct dbus_conn *c, bool (*done)(void *opaque), void *opaque, int timeout_ms,
              struct hutch_error **err)
{
  int64_t deadline = now_ms() + timeout_ms;
  while (!done(opaque)) {
    struct dbus_message *m;
    if (next_message(c, deadline, &m, err) < 0)
      return -1;
    dispatch(c, m);
  }
  return 0;
}

int dbus_add_match(struct dbus_conn *c, const char *rule, struct hutch_error **err)
{
  if (!c->bus)
    return 0;
  struct dbus_writer body = DBUS_WRITER_INIT;
  dbusw_string(&body, rule);
  struct dbus_call call = {
    .destination = "org.freedesktop.DBus",
    .path = "/org/freedesktop/DBus",
    .interface = "org.freedesktop.DBus",
    .member = "AddMatch",
    .signature = "s",
    .body = &body,
  };
  int rc = dbus_call(c, &call, DBUS_CALL_TIMEOUT_MS, NULL, err);
  dbusw_release(&body);
  return rc;
}

static int hello(struct dbus_conn *c, struct hutch_error **err)
{
  struct dbus_call call = {
    .destination = "org.freedesktop.DBus",
    .path = "/org/freedesktop/DBus",
    .interface = "org.freedesktop.DBus",
    .member = "Hello",
  };
  cleanup_dbus_message struct dbus_message *reply = NULL;
  if (dbus_call(c, &call, DBUS_CALL_TIMEOUT_MS, &reply, err) < 0)
    return -1;
  if (reply->n_args != 1 || reply->args[0].type != 's')
    return hutch_fail(err, EPROTO, "D-Bus: %s answered Hello with \"%s\", not a name", c->path, reply->h.signature);
  return 0;
}

int dbus_connect(const struct dbus_address *addr, struct dbus_conn **out, struct hutch_error **err)
{
  int fd = addr->abstract ? connect_abstract(addr->path, err) : unix_connect(addr->path, err);
  if (fd < 0)
    return -1;
  struct dbus_conn *c = xcalloc(1, sizeof *c);
  c->fd = fd;
  c->bus = addr->bus;
  c->path = addr->abstract ? xasprintf("@%s", addr->path) : xstrdup(addr->path);
  if (authenticate(c, now_ms() + DBUS_CALL_TIMEOUT_MS, err) < 0 || (c->bus && hello(c, err) < 0)) {
    dbus_close(c);
    return -1;
  }
  *out = c;
  return 0;
}

void dbus_close(struct dbus_conn *c)
{
  if (!c)
    return;
  if (c->fd >= 0)
    close(c->fd);
  free(c->rbuf);
  free(c->path);
  free(c);
}

void dbus_on_signal(struct dbus_conn *c, dbus_signal_fn fn, void *opaque)
{
  c->on_signal = fn;
  c->opaque = opaque;
}
