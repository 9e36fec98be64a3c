/* The D-Bus client: signatures, marshalling round trips, messages cut
 * short or corrupted (an error each time, never a crash: run under ASan),
 * addresses, and a whole conversation with a fake peer on a socket. */
#include "helpers.h"
#include "tap.h"
#include "engine/ipc/dbus.h"
#include "engine/ipc/dbus_wire.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- signatures ---------------------------------------------------------------- */

static void test_signatures(void)
{
  static const char *const good[] = { "", "s", "a{sv}", "a(sa(sv))", "ssa(sv)a(sa(sv))", "(i(ii))", "aay", "v",
                                      "a{oa{sa{sv}}}", "uoss", "ybnqiuxtdsogh" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    tap_ok(dbus_signature_valid(good[i]), "signature \"%s\" is valid", good[i]);
  static const char *const bad[] = { "a", "(", "()", "{sv}", "a{vs}", "a{s}", "a{sss}", ")", "z", "(s", "a{(s)s}",
                                     "sa" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    tap_ok(!dbus_signature_valid(bad[i]), "signature \"%s\" is refused", bad[i]);
  char deep[80];
  memset(deep, 'a', 32);
  strcpy(deep + 32, "s");
  tap_ok(dbus_signature_valid(deep), "32 nested arrays are allowed");
  memset(deep, 'a', 33);
  strcpy(deep + 33, "s");
  tap_ok(!dbus_signature_valid(deep), "33 nested arrays are not");
  char structs[80] = "";
  for (int i = 0; i < 33; i++)
    strcat(structs, "(");
  strcat(structs, "y");
  for (int i = 0; i < 33; i++)
    strcat(structs, ")");
  tap_ok(!dbus_signature_valid(structs), "33 nested structs are not");
  char longsig[300];
  memset(longsig, 'y', 256);
  longsig[256] = '\0';
  tap_ok(!dbus_signature_valid(longsig), "a signature of 256 characters is too long");
  tap_ok(dbus_object_path_valid("/", 1) && dbus_object_path_valid("/org/freedesktop/systemd1/job/42", 32),
         "object paths");
  tap_ok(!dbus_object_path_valid("", 0) && !dbus_object_path_valid("org", 3) && !dbus_object_path_valid("/a/", 3) &&
             !dbus_object_path_valid("//a", 3) && !dbus_object_path_valid("/a-b", 4),
         "bad object paths");
}

/* ---- values ------------------------------------------------------------------- */

/* The body of StartTransientUnit, as systemd would receive it. */
static void build_start_body(struct dbus_writer *w)
{
  dbusw_string(w, "hutch-x.scope");
  dbusw_string(w, "replace");
  struct dbusw_array props;
  dbusw_array_open(&props, w, '(');
  dbusw_struct_open(w);
  dbusw_string(w, "Delegate");
  dbusw_variant_open(w, "b");
  dbusw_bool(w, true);
  dbusw_struct_open(w);
  dbusw_string(w, "PIDs");
  dbusw_variant_open(w, "au");
  struct dbusw_array pids;
  dbusw_array_open(&pids, w, 'u');
  dbusw_u32(w, 4242);
  dbusw_u32(w, 7);
  dbusw_array_close(&pids, w);
  dbusw_struct_open(w);
  dbusw_string(w, "MemoryLimit");
  dbusw_variant_open(w, "t");
  dbusw_u64(w, UINT64_C(1) << 40);
  dbusw_struct_open(w);
  dbusw_string(w, "CPUQuotaPerSecUSec");
  dbusw_variant_open(w, "x");
  dbusw_i64(w, -5);
  dbusw_struct_open(w);
  dbusw_string(w, "Empty");
  dbusw_variant_open(w, "a(ss)");
  struct dbusw_array empty;
  dbusw_array_open(&empty, w, '(');
  dbusw_array_close(&empty, w);
  dbusw_array_close(&props, w);
  struct dbusw_array aux;
  dbusw_array_open(&aux, w, '(');
  dbusw_array_close(&aux, w);
}

static void test_values(void)
{
  struct dbus_writer w = DBUS_WRITER_INIT;
  build_start_body(&w);
  struct arena a;
  arena_init(&a);
  struct dbus_value *v = NULL;
  size_t n = 0;
  struct hutch_error *err = NULL;
  int rc = dbus_values_parse(w.buf, w.len, false, "ssa(sv)a(sa(sv))", &a, &v, &n, &err);
  tap_ok(rc == 0 && n == 4, "a StartTransientUnit body reads back (%s)", test_error_msg(err));
  if (rc == 0 && n == 4) {
    tap_str_eq(v[0].str, "hutch-x.scope", "first string");
    tap_str_eq(v[1].str, "replace", "second string");
    tap_ok(v[2].type == 'a' && v[2].n == 5, "five properties");
    const struct dbus_value *p = v[2].items;
    tap_ok(p[0].type == '(' && p[0].n == 2 && strcmp(p[0].items[0].str, "Delegate") == 0 &&
               p[0].items[1].type == 'v' && p[0].items[1].items[0].type == 'b' && p[0].items[1].items[0].u == 1,
           "Delegate=true");
    const struct dbus_value *pids = &p[1].items[1].items[0];
    tap_ok(pids->type == 'a' && pids->n == 2 && pids->items[0].u == 4242 && pids->items[1].u == 7, "PIDs=[4242 7]");
    tap_ok(p[2].items[1].items[0].u == UINT64_C(1) << 40, "a uint64 after padding");
    tap_ok(p[3].items[1].items[0].type == 'x' && p[3].items[1].items[0].i == -5, "a negative int64");
    tap_ok(p[4].items[1].items[0].type == 'a' && p[4].items[1].items[0].n == 0, "an empty array of structs");
    tap_ok(v[3].type == 'a' && v[3].n == 0, "no auxiliary units");
  }
  hutch_error_free(err);
  err = NULL;
  tap_ok(dbus_values_parse(w.buf, w.len, false, "ssa(sv)", &a, &v, &n, &err) < 0, "bytes left over are refused");
  hutch_error_free(err);
  err = NULL;
  tap_ok(dbus_values_parse(w.buf, w.len, false, "ssa(sv)a(sa(sv))s", &a, &v, &n, &err) < 0,
         "a value past the end is refused");
  hutch_error_free(err);
  err = NULL;
  /* Every shorter body: an error each. */
  bool all_refused = true;
  for (size_t len = 0; len < w.len; len++) {
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, w.buf, len);
    if (dbus_values_parse(copy, len, false, "ssa(sv)a(sa(sv))", &a, &v, &n, &err) == 0)
      all_refused = false;
    hutch_error_free(err);
    err = NULL;
    free(copy);
  }
  tap_ok(all_refused, "every truncation of the body is refused");
  /* Corruptions: errors or other values, never a read out of bounds. */
  size_t parsed = 0;
  for (size_t i = 0; i < w.len; i++) {
    static const uint8_t repl[] = { 0x00, 0xff, 0x7f, 0x01, 0x80 };
    for (size_t k = 0; k < sizeof repl; k++) {
      uint8_t *copy = xmalloc(w.len);
      memcpy(copy, w.buf, w.len);
      copy[i] = repl[k];
      if (dbus_values_parse(copy, w.len, false, "ssa(sv)a(sa(sv))", &a, &v, &n, &err) == 0)
        parsed++;
      hutch_error_free(err);
      err = NULL;
      free(copy);
    }
  }
  tap_ok(true, "%zu corruptions of the body parse without a crash (%zu still valid)", w.len * 5, parsed);
  dbusw_release(&w);
  arena_release(&a);
}

static struct hutch_error *parse_bytes(const uint8_t *data, size_t len, const char *sig)
{
  struct arena a;
  arena_init(&a);
  struct dbus_value *v;
  size_t n;
  struct hutch_error *err = NULL;
  dbus_values_parse(data, len, false, sig, &a, &v, &n, &err);
  arena_release(&a);
  return err;
}

static void expect_malformed(const uint8_t *data, size_t len, const char *sig, const char *what, const char *why)
{
  struct hutch_error *err = parse_bytes(data, len, sig);
  tap_ok(err && strstr(err->msg, why), "%s is refused (%s)", what, test_error_msg(err));
  hutch_error_free(err);
}

static void test_malformed_values(void)
{
  uint32_t two = 2;
  expect_malformed((const uint8_t *) &two, 4, "b", "a boolean of 2", "boolean");
  struct dbus_writer w = DBUS_WRITER_INIT;
  dbusw_u32(&w, 3);
  dbusw_byte(&w, 'a');
  dbusw_byte(&w, 'b');
  dbusw_byte(&w, 'c');
  dbusw_byte(&w, 'd');
  expect_malformed(w.buf, w.len, "s", "a string without its NUL", "NUL");
  w.buf[5] = 0;
  w.buf[7] = 0;
  expect_malformed(w.buf, w.len, "s", "a string with a NUL inside", "NUL");
  w.buf[4] = 0xc3;
  w.buf[5] = 0x28;
  w.buf[6] = 'x';
  expect_malformed(w.buf, w.len, "s", "a string that is not UTF-8", "UTF-8");
  dbusw_release(&w);
  /* Array length beyond the data, and beyond 64 MiB. */
  dbusw_u32(&w, 400);
  dbusw_u32(&w, 1);
  expect_malformed(w.buf, w.len, "au", "an array longer than its data", "past the end");
  uint32_t huge = (64u << 20) + 4;
  memcpy(w.buf, &huge, 4);
  expect_malformed(w.buf, w.len, "au", "an array over 64 MiB", "64 MiB");
  dbusw_release(&w);
  /* An element that runs past its array's end. */
  dbusw_u32(&w, 2);
  dbusw_u32(&w, 7);
  expect_malformed(w.buf, w.len, "au", "an element past its array's end", "past the end");
  dbusw_release(&w);
  /* Padding that is not zero. */
  dbusw_byte(&w, 1);
  dbusw_u32(&w, 5);
  w.buf[2] = 9;
  expect_malformed(w.buf, w.len, "yu", "non-zero padding", "padding");
  dbusw_release(&w);
  /* A variant with two types, or an invalid signature. */
  dbusw_variant_open(&w, "ss");
  dbusw_string(&w, "a");
  dbusw_string(&w, "b");
  expect_malformed(w.buf, w.len, "v", "a variant of two types", "complete type");
  dbusw_release(&w);
  dbusw_signature(&w, "a{");
  expect_malformed(w.buf, w.len, "g", "an invalid signature value", "signature");
  dbusw_release(&w);
  dbusw_object_path(&w, "/a//b");
  expect_malformed(w.buf, w.len, "o", "an invalid object path", "object path");
  dbusw_release(&w);
  /* Variants inside variants, without end in sight. */
  for (int i = 0; i < 100; i++)
    dbusw_variant_open(&w, "v");
  dbusw_variant_open(&w, "y");
  dbusw_byte(&w, 1);
  expect_malformed(w.buf, w.len, "v", "variants nested 100 deep", "deep");
  dbusw_release(&w);
  /* Many tiny values: bounded. */
  size_t count = 300000;
  dbusw_u32(&w, (uint32_t) count);
  for (size_t i = 0; i < count; i++)
    dbusw_byte(&w, 0);
  expect_malformed(w.buf, w.len, "ay", "300000 values in one body", "too many");
  dbusw_release(&w);
  /* A big-endian body reads the same. */
  const uint8_t be[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 42 };
  struct arena a;
  arena_init(&a);
  struct dbus_value *v;
  size_t n;
  struct hutch_error *err = NULL;
  int rc = dbus_values_parse(be, sizeof be, true, "st", &a, &v, &n, &err);
  tap_ok(rc == 0 && n == 2 && strcmp(v[0].str, "abc") == 0 && v[1].u == 42, "a body in the other byte order (%s)",
         test_error_msg(err));
  hutch_error_free(err);
  arena_release(&a);
}

/* ---- messages ------------------------------------------------------------------- */

static void encode(struct dbus_writer *out, const struct dbus_header *h, const struct dbus_writer *body)
{
  struct hutch_error *err = NULL;
  if (dbus_message_encode(out, h, body ? body->buf : NULL, body ? body->len : 0, &err) < 0)
    tap_ok(false, "encode: %s", test_error_msg(err));
  hutch_error_free(err);
}

static void test_messages(void)
{
  struct dbus_writer body = DBUS_WRITER_INIT;
  build_start_body(&body);
  struct dbus_header h = {
    .type = DBUS_METHOD_CALL,
    .serial = 77,
    .path = "/org/freedesktop/systemd1",
    .interface = "org.freedesktop.systemd1.Manager",
    .member = "StartTransientUnit",
    .destination = "org.freedesktop.systemd1",
    .signature = "ssa(sv)a(sa(sv))",
  };
  struct dbus_writer m = DBUS_WRITER_INIT;
  encode(&m, &h, &body);
  size_t total = 0;
  struct hutch_error *err = NULL;
  tap_ok(dbus_message_size(m.buf, &total, &err) == 0 && total == m.len, "the header tells the length (%zu)", total);
  struct dbus_message *msgp = NULL;
  int rc = dbus_message_parse(m.buf, m.len, &msgp, &err);
  tap_ok(rc == 0, "the message parses (%s)", test_error_msg(err));
  if (rc == 0) {
    tap_ok(msgp->h.type == DBUS_METHOD_CALL && msgp->h.serial == 77, "type and serial");
    tap_str_eq(msgp->h.path, h.path, "path");
    tap_str_eq(msgp->h.interface, h.interface, "interface");
    tap_str_eq(msgp->h.member, h.member, "member");
    tap_str_eq(msgp->h.destination, h.destination, "destination");
    tap_str_eq(msgp->h.signature, h.signature, "signature");
    tap_ok(dbus_message_parse_body(msgp, &err) == 0 && msgp->n_args == 4 &&
               strcmp(msgp->args[0].str, "hutch-x.scope") == 0,
           "the body parses (%s)", test_error_msg(err));
  }
  dbus_message_free(msgp);
  hutch_error_free(err);
  err = NULL;

  bool all_refused = true;
  for (size_t len = 0; len < m.len; len++) {
    msgp = NULL;
    if (dbus_message_parse(m.buf, len, &msgp, &err) == 0)
      all_refused = false;
    dbus_message_free(msgp);
    hutch_error_free(err);
    err = NULL;
  }
  tap_ok(all_refused, "every truncation of the message is refused");
  size_t survived = 0;
  for (size_t i = 0; i < m.len; i++) {
    static const uint8_t repl[] = { 0x00, 0xff, 0x01, 0x7f };
    for (size_t k = 0; k < sizeof repl; k++) {
      uint8_t *copy = xmalloc(m.len);
      memcpy(copy, m.buf, m.len);
      copy[i] = repl[k];
      msgp = NULL;
      size_t sz;
      if (dbus_message_size(copy, &sz, &err) == 0 && sz == m.len && dbus_message_parse(copy, m.len, &msgp, &err) == 0 &&
          dbus_message_parse_body(msgp, &err) == 0)
        survived++;
      dbus_message_free(msgp);
      hutch_error_free(err);
      err = NULL;
      free(copy);
    }
  }
  tap_ok(true, "%zu corruptions of the message parse without a crash (%zu still valid)", m.len * 4, survived);

  /* Required header fields. */
  struct dbus_writer bad = DBUS_WRITER_INIT;
  struct dbus_header no_member = { .type = DBUS_METHOD_CALL, .serial = 1, .path = "/" };
  encode(&bad, &no_member, NULL);
  msgp = NULL;
  tap_ok(dbus_message_parse(bad.buf, bad.len, &msgp, &err) < 0 && strstr(test_error_msg(err), "member"),
         "a method call without member is refused (%s)", test_error_msg(err));
  dbus_message_free(msgp);
  hutch_error_free(err);
  err = NULL;
  dbusw_release(&bad);
  struct dbus_header no_serial = { .type = DBUS_METHOD_RETURN, .serial = 0, .reply_serial = 3 };
  encode(&bad, &no_serial, NULL);
  msgp = NULL;
  tap_ok(dbus_message_parse(bad.buf, bad.len, &msgp, &err) < 0, "serial 0 is refused (%s)", test_error_msg(err));
  dbus_message_free(msgp);
  hutch_error_free(err);
  err = NULL;
  dbusw_release(&bad);
  struct dbus_header no_sig = { .type = DBUS_METHOD_RETURN, .serial = 2, .reply_serial = 3 };
  struct dbus_writer one = DBUS_WRITER_INIT;
  dbusw_u32(&one, 1);
  encode(&bad, &no_sig, &one);
  msgp = NULL;
  tap_ok(dbus_message_parse(bad.buf, bad.len, &msgp, &err) < 0 && strstr(test_error_msg(err), "signature"),
         "a body without a signature is refused (%s)", test_error_msg(err));
  dbus_message_free(msgp);
  hutch_error_free(err);
  err = NULL;
  dbusw_release(&bad);
  dbusw_release(&one);
  /* A header that promises more than the protocol allows. */
  uint8_t head[16] = { 'l', 1, 0, 1, 0, 0, 0, 0x10, 1, 0, 0, 0, 0, 0, 0, 0 };
  size_t sz;
  tap_ok(dbus_message_size(head, &sz, &err) < 0, "a 256 MiB body is refused (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  head[0] = 'x';
  head[7] = 0;
  tap_ok(dbus_message_size(head, &sz, &err) < 0, "an unknown byte order is refused (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;

  /* An error reply, with its text. */
  struct dbus_writer text = DBUS_WRITER_INIT;
  dbusw_string(&text, "Unit x.scope already exists.");
  struct dbus_header e = {
    .type = DBUS_ERROR,
    .serial = 9,
    .reply_serial = 77,
    .error_name = "org.freedesktop.systemd1.UnitExists",
    .sender = ":1.4",
    .signature = "s",
  };
  encode(&bad, &e, &text);
  msgp = NULL;
  rc = dbus_message_parse(bad.buf, bad.len, &msgp, &err);
  tap_ok(rc == 0 && msgp->h.reply_serial == 77 && strcmp(msgp->h.error_name, e.error_name) == 0 &&
             strcmp(dbus_message_first_string(msgp), "Unit x.scope already exists.") == 0,
         "an error reply: name, reply serial and text (%s)", test_error_msg(err));
  dbus_message_free(msgp);
  hutch_error_free(err);
  dbusw_release(&bad);
  dbusw_release(&text);
  dbusw_release(&m);
  dbusw_release(&body);
}

/* ---- addresses ---------------------------------------------------------------------- */

static void test_addresses(void)
{
  struct dbus_address a;
  struct hutch_error *err = NULL;
  tap_ok(dbus_address_parse("unix:path=/run/dbus/system_bus_socket,guid=0123", &a, &err) == 0 &&
             strcmp(a.path, "/run/dbus/system_bus_socket") == 0 && !a.abstract && a.bus,
         "unix:path= with a guid");
  dbus_address_release(&a);
  tap_ok(dbus_address_parse("tcp:host=localhost,port=1;unix:guid=1,path=/tmp/a%20b%2c", &a, &err) == 0 &&
             strcmp(a.path, "/tmp/a b,") == 0,
         "the first unix entry, %%-unescaped");
  dbus_address_release(&a);
  tap_ok(dbus_address_parse("unix:abstract=/tmp/dbus-x", &a, &err) == 0 && a.abstract &&
             strcmp(a.path, "/tmp/dbus-x") == 0,
         "unix:abstract=");
  dbus_address_release(&a);
  static const char *const bad[] = { "", "tcp:host=x", "unix:path=", "unix:path=/a%2", "unix:path=/a%00b",
                                     "unix:path=/a%zz", "unix:tmpdir=/tmp" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tap_ok(dbus_address_parse(bad[i], &a, &err) < 0, "address \"%s\" is refused (%s)", bad[i], test_error_msg(err));
    hutch_error_free(err);
    err = NULL;
  }
}

/* ---- a conversation with a fake peer -------------------------------------------------- */

static char sock_dir[] = "/tmp/hutch-dbus-XXXXXX";

/* Reads byte by byte up to and including end (the first byte may be NUL). */
static bool read_until(int fd, const char *end, char *buf, size_t size)
{
  size_t len = 0;
  while (len + 1 < size) {
    ssize_t n = read(fd, buf + len, 1);
    if (n <= 0)
      return false;
    len += (size_t) n;
    buf[len] = '\0';
    if (memmem(buf, len, end, strlen(end)))
      return true;
  }
  return false;
}

/* Reads one whole message from the client. */
static struct dbus_message *server_read(int fd)
{
  uint8_t head[16];
  size_t got = 0;
  while (got < sizeof head) {
    ssize_t n = read(fd, head + got, sizeof head - got);
    if (n <= 0)
      return NULL;
    got += (size_t) n;
  }
  size_t total;
  if (dbus_message_size(head, &total, NULL) < 0)
    return NULL;
  uint8_t *buf = xmalloc(total);
  memcpy(buf, head, sizeof head);
  while (got < total) {
    ssize_t n = read(fd, buf + got, total - got);
    if (n <= 0) {
      free(buf);
      return NULL;
    }
    got += (size_t) n;
  }
  struct dbus_message *m = NULL;
  dbus_message_parse(buf, total, &m, NULL);
  free(buf);
  return m;
}

static void server_send(int fd, const struct dbus_header *h, const struct dbus_writer *body)
{
  struct dbus_writer w = DBUS_WRITER_INIT;
  dbus_message_encode(&w, h, body ? body->buf : NULL, body ? body->len : 0, NULL);
  if (write(fd, w.buf, w.len) != (ssize_t) w.len)
    _exit(3);
  dbusw_release(&w);
}

/* A bus daemon and a service in one: answers AUTH, Hello, then a call
 * with a signal first and the reply after; then a second call with an
 * error; then a third with a message whose array runs out of bounds. */
static void __attribute__((noreturn)) fake_peer(int listener, bool bus)
{
  int fd = accept(listener, NULL, NULL);
  char line[256];
  if (fd < 0 || !read_until(fd, "\r\n", line, sizeof line) || line[0] != '\0' ||
      strncmp(line + 1, "AUTH EXTERNAL ", 14) != 0)
    _exit(2);
  if (write(fd, "OK 0123456789abcdef0123456789abcdef\r\n", 37) != 37 || !read_until(fd, "BEGIN\r\n", line, sizeof line))
    _exit(2);
  struct dbus_message *m;
  if (bus) {
    m = server_read(fd);
    if (!m || strcmp(m->h.member, "Hello") != 0)
      _exit(4);
    struct dbus_writer name = DBUS_WRITER_INIT;
    dbusw_string(&name, ":1.42");
    server_send(fd, &(struct dbus_header){ .type = DBUS_METHOD_RETURN, .serial = 1, .reply_serial = m->h.serial,
                                           .signature = "s" },
                &name);
    dbus_message_free(m);
  }
  /* Call 1 (no Hello without a bus): a signal overtakes the reply. */
  m = server_read(fd);
  if (m && strcmp(m->h.member, "Hello") == 0)
    _exit(8);
  if (!m)
    _exit(5);
  struct dbus_writer sig = DBUS_WRITER_INIT;
  dbusw_u32(&sig, 12);
  dbusw_object_path(&sig, "/org/freedesktop/systemd1/job/12");
  dbusw_string(&sig, "x.scope");
  dbusw_string(&sig, "done");
  server_send(fd, &(struct dbus_header){ .type = DBUS_SIGNAL, .serial = 2, .path = "/org/freedesktop/systemd1",
                                         .interface = "org.freedesktop.systemd1.Manager", .member = "JobRemoved",
                                         .signature = "uoss" },
              &sig);
  struct dbus_writer job = DBUS_WRITER_INIT;
  dbusw_object_path(&job, "/org/freedesktop/systemd1/job/12");
  server_send(fd, &(struct dbus_header){ .type = DBUS_METHOD_RETURN, .serial = 3, .reply_serial = m->h.serial,
                                         .signature = "o" },
              &job);
  dbus_message_free(m);
  /* Call 2: an error. */
  m = server_read(fd);
  if (!m)
    _exit(6);
  struct dbus_writer text = DBUS_WRITER_INIT;
  dbusw_string(&text, "Unit x.scope not loaded.");
  server_send(fd, &(struct dbus_header){ .type = DBUS_ERROR, .serial = 4, .reply_serial = m->h.serial,
                                         .error_name = "org.freedesktop.systemd1.NoSuchUnit", .signature = "s" },
              &text);
  dbus_message_free(m);
  /* Call 3: a reply whose array claims more than it has. */
  m = server_read(fd);
  if (!m)
    _exit(7);
  struct dbus_writer lie = DBUS_WRITER_INIT;
  dbusw_u32(&lie, 64);
  dbusw_u32(&lie, 1);
  server_send(fd, &(struct dbus_header){ .type = DBUS_METHOD_RETURN, .serial = 5, .reply_serial = m->h.serial,
                                         .signature = "au" },
              &lie);
  dbus_message_free(m);
  /* Call 4: no answer; the connection closes. */
  m = server_read(fd);
  dbus_message_free(m);
  close(fd);
  _exit(0);
}

struct seen {
  int signals;
  char job[64];
};

static void on_signal(void *opaque, struct dbus_message *m)
{
  struct seen *s = opaque;
  s->signals++;
  if (dbus_message_parse_body(m, NULL) == 0 && m->n_args == 4)
    snprintf(s->job, sizeof s->job, "%s", m->args[1].str);
}

static void test_conversation(bool bus)
{
  tap_diag("a conversation %s", bus ? "through a bus daemon" : "with systemd's private socket");
  char *path = xasprintf("%s/%s", sock_dir, bus ? "bus" : "private");
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  if (listener < 0 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 1) < 0) {
    tap_ok(false, "listen on %s: %s", path, strerror(errno));
    free(path);
    return;
  }
  pid_t child = fork();
  if (child == 0)
    fake_peer(listener, bus);
  close(listener);
  struct dbus_address a = { .path = path, .bus = bus };
  struct dbus_conn *c = NULL;
  struct hutch_error *err = NULL;
  int rc = dbus_connect(&a, &c, &err);
  tap_ok(rc == 0, "connect, authenticate%s (%s)", bus ? " and say Hello" : ", no Hello", test_error_msg(err));
  if (rc == 0) {
    struct seen s = { 0 };
    dbus_on_signal(c, on_signal, &s);
    struct dbus_call call = { .destination = "org.freedesktop.systemd1", .path = "/org/freedesktop/systemd1",
                              .interface = "org.freedesktop.systemd1.Manager", .member = "StartTransientUnit" };
    struct dbus_message *reply = NULL;
    rc = dbus_call(c, &call, 5000, &reply, &err);
    tap_ok(rc == 0 && reply->n_args == 1 && strcmp(reply->args[0].str, "/org/freedesktop/systemd1/job/12") == 0,
           "the reply, by its serial (%s)", test_error_msg(err));
    tap_ok(s.signals == 1 && strcmp(s.job, "/org/freedesktop/systemd1/job/12") == 0,
           "the signal that came first went to the handler");
    dbus_message_free(reply);
    reply = NULL;
    call.member = "StopUnit";
    rc = dbus_call(c, &call, 5000, &reply, &err);
    tap_ok(rc < 0 && reply && strcmp(reply->h.error_name, "org.freedesktop.systemd1.NoSuchUnit") == 0 &&
               strstr(test_error_msg(err), "NoSuchUnit: Unit x.scope not loaded."),
           "an error reply: -1, the message, its name (%s)", test_error_msg(err));
    dbus_message_free(reply);
    reply = NULL;
    hutch_error_free(err);
    err = NULL;
    call.member = "Lie";
    rc = dbus_call(c, &call, 5000, &reply, &err);
    tap_ok(rc < 0 && !reply && strstr(test_error_msg(err), "malformed"), "a malformed reply is an error (%s)", test_error_msg(err));
    hutch_error_free(err);
    err = NULL;
    call.member = "Silence";
    rc = dbus_call(c, &call, 5000, &reply, &err);
    tap_ok(rc < 0 && strstr(test_error_msg(err), "closed the connection"), "a peer that hangs up is an error (%s)", test_error_msg(err));
    dbus_close(c);
  }
  hutch_error_free(err);
  int status = 0;
  waitpid(child, &status, 0);
  tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the fake peer saw what it expected (status %d)", status);
  err = NULL;
  struct dbus_address none = { .path = xasprintf("%s/none", sock_dir), .bus = true };
  tap_ok(dbus_connect(&none, &c, &err) < 0 && strstr(test_error_msg(err), "connect ") && strstr(test_error_msg(err), "No such file"),
         "no socket: \"%s\"", test_error_msg(err));
  hutch_error_free(err);
  dbus_address_release(&none);
  unlink(path);
  free(path);
}

static void test_system_address(void)
{
  struct dbus_address a;
  struct hutch_error *err = NULL;
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/systemd/private", 1);
  tap_ok(dbus_system_address(&a, &err) == 0 && strcmp(a.path, "/run/systemd/private") == 0 && !a.bus,
         "DBUS_SYSTEM_BUS_ADDRESS naming systemd's private socket: no bus daemon");
  dbus_address_release(&a);
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/tmp/x", 1);
  tap_ok(dbus_system_address(&a, &err) == 0 && strcmp(a.path, "/tmp/x") == 0 && a.bus,
         "DBUS_SYSTEM_BUS_ADDRESS: a bus");
  dbus_address_release(&a);
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "tcp:host=x", 1);
  tap_ok(dbus_system_address(&a, &err) < 0 && strncmp(test_error_msg(err), "DBUS_SYSTEM_BUS_ADDRESS: ", 25) == 0,
         "an unusable DBUS_SYSTEM_BUS_ADDRESS is named (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  bool private = access("/run/systemd/private", F_OK) == 0;
  tap_ok(dbus_system_address(&a, &err) == 0 &&
             strcmp(a.path, private ? "/run/systemd/private" : "/run/dbus/system_bus_socket") == 0 && a.bus == !private,
         "unset: %s", a.path);
  dbus_address_release(&a);
}

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  test_signatures();
  test_values();
  test_malformed_values();
  test_messages();
  test_addresses();
  test_system_address();
  if (!mkdtemp(sock_dir)) {
    tap_ok(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  test_conversation(true);
  test_conversation(false);
  rmdir(sock_dir);
  return tap_done();
}
