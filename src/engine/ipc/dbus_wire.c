#include "engine/ipc/dbus_wire.h"
#include "util/cleanup.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <errno.h>
#include <string.h>

/* Nesting the specification allows for arrays and for structs, each. */
#define NEST_MAX 32
/* Containers of any kind, variants included, one inside the other (the
 * specification's 32 arrays and 32 structs), plus the value at the bottom:
 * a variant resets nothing, so a message cannot recurse without end. */
#define DEPTH_MAX 65
/* Values read from one body: the replies hutch reads are a handful of
 * values, and a bound keeps a hostile count from costing gigabytes. */
#define VALUES_MAX (1u << 18)

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ENDIAN 'l'
#else
#define HOST_ENDIAN 'B'
#endif

enum header_field {
  FIELD_PATH = 1,
  FIELD_INTERFACE = 2,
  FIELD_MEMBER = 3,
  FIELD_ERROR_NAME = 4,
  FIELD_REPLY_SERIAL = 5,
  FIELD_DESTINATION = 6,
  FIELD_SENDER = 7,
  FIELD_SIGNATURE = 8,
  FIELD_UNIX_FDS = 9,
};

static size_t type_alignment(char t)
{
  switch (t) {
  case 'n':
  case 'q':
    return 2;
  case 'b':
  case 'i':
  case 'u':
  case 'h':
  case 's':
  case 'o':
  case 'a':
    return 4;
  case 'x':
  case 't':
  case 'd':
  case '(':
  case '{':
    return 8;
  default: /* y g v */
    return 1;
  }
}

static bool is_basic(char t)
{
  return t && strchr("ybnqiuxtdsogh", t) != NULL;
}

/* ---- signatures ----------------------------------------------------------- */

/* The end of the single complete type at s, or NULL when there is none. */
static const char *complete_type_end(const char *s, int arrays, int structs)
{
  if (is_basic(*s) || *s == 'v')
    return s + 1;
  if (*s == 'a') {
    if (++arrays > NEST_MAX)
      return NULL;
    if (s[1] != '{')
      return complete_type_end(s + 1, arrays, structs);
    if (++structs > NEST_MAX || !is_basic(s[2]))
      return NULL;
    const char *end = complete_type_end(s + 3, arrays, structs);
    return end && *end == '}' ? end + 1 : NULL;
  }
  if (*s == '(') {
    if (++structs > NEST_MAX || s[1] == ')')
      return NULL;
    const char *p = s + 1;
    while (*p != ')') {
      p = complete_type_end(p, arrays, structs);
      if (!p)
        return NULL;
    }
    return p + 1;
  }
  return NULL;
}

bool dbus_signature_valid(const char *sig)
{
  if (strlen(sig) > DBUS_SIGNATURE_MAX)
    return false;
  for (const char *p = sig; *p;) {
    p = complete_type_end(p, 0, 0);
    if (!p)
      return false;
  }
  return true;
}

static bool single_complete_type(const char *sig)
{
  const char *end = complete_type_end(sig, 0, 0);
  return end && *end == '\0';
}

bool dbus_object_path_valid(const char *s, size_t len)
{
  if (len == 0 || s[0] != '/')
    return false;
  if (len == 1)
    return true;
  if (s[len - 1] == '/')
    return false;
  for (size_t i = 1; i < len; i++) {
    char c = s[i];
    if (c == '/') {
      if (s[i - 1] == '/')
        return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

/* ---- writing ------------------------------------------------------------ */

void dbusw_release(struct dbus_writer *w)
{
  free(w->buf);
  w->buf = NULL;
  w->len = w->cap = 0;
}

static void grow(struct dbus_writer *w, size_t extra)
{
  if (w->cap - w->len >= extra)
    return;
  size_t cap = w->cap ? w->cap : 256;
  while (cap - w->len < extra)
    cap *= 2;
  w->buf = xrealloc(w->buf, cap);
  w->cap = cap;
}

static void put(struct dbus_writer *w, const void *data, size_t len)
{
  if (len == 0)
    return;
  grow(w, len);
  memcpy(w->buf + w->len, data, len);
  w->len += len;
}

static void pad_to(struct dbus_writer *w, size_t alignment)
{
  size_t n = (alignment - w->len % alignment) % alignment;
  if (n == 0)
    return;
  grow(w, n);
  memset(w->buf + w->len, 0, n);
  w->len += n;
}

void dbusw_byte(struct dbus_writer *w, uint8_t v)
{
  put(w, &v, 1);
}

void dbusw_u32(struct dbus_writer *w, uint32_t v)
{
  pad_to(w, 4);
  put(w, &v, 4);
}

void dbusw_bool(struct dbus_writer *w, bool v)
{
  dbusw_u32(w, v ? 1 : 0);
}

void dbusw_u64(struct dbus_writer *w, uint64_t v)
{
  pad_to(w, 8);
  put(w, &v, 8);
}

void dbusw_i64(struct dbus_writer *w, int64_t v)
{
  pad_to(w, 8);
  put(w, &v, 8);
}

void dbusw_string(struct dbus_writer *w, const char *s)
{
  size_t len = strlen(s);
  dbusw_u32(w, (uint32_t) len);
  put(w, s, len + 1);
}

void dbusw_object_path(struct dbus_writer *w, const char *s)
{
  dbusw_string(w, s);
}

void dbusw_signature(struct dbus_writer *w, const char *s)
{
  size_t len = strlen(s);
  dbusw_byte(w, (uint8_t) len);
  put(w, s, len + 1);
}

void dbusw_array_open(struct dbusw_array *a, struct dbus_writer *w, char element_type)
{
  pad_to(w, 4);
  a->length_at = w->len;
  put(w, &(uint32_t){ 0 }, 4);
  /* The padding to the first element is there even when there is none, and
   * is not part of the length. */
  pad_to(w, type_alignment(element_type));
  a->start = w->len;
}

void dbusw_array_close(struct dbusw_array *a, struct dbus_writer *w)
{
  uint32_t len = (uint32_t) (w->len - a->start);
  memcpy(w->buf + a->length_at, &len, 4);
}

void dbusw_struct_open(struct dbus_writer *w)
{
  pad_to(w, 8);
}

void dbusw_variant_open(struct dbus_writer *w, const char *signature)
{
  dbusw_signature(w, signature);
}

static void header_string(struct dbus_writer *w, uint8_t code, const char *type, const char *value)
{
  if (!value)
    return;
  dbusw_struct_open(w);
  dbusw_byte(w, code);
  dbusw_variant_open(w, type);
  if (type[0] == 'g')
    dbusw_signature(w, value);
  else
    dbusw_string(w, value);
}

int dbus_message_encode(struct dbus_writer *out, const struct dbus_header *h, const uint8_t *body, size_t body_len,
                        struct hutch_error **err)
{
  const char *sig = h->signature && h->signature[0] ? h->signature : NULL;
  if (sig && !dbus_signature_valid(sig))
    return hutch_fail(err, EINVAL, "D-Bus: invalid signature \"%s\"", sig);
  if (body_len > DBUS_MESSAGE_MAX)
    return hutch_fail(err, EMSGSIZE, "D-Bus: a body of %zu bytes", body_len);
  /* The header is marshalled on its own from offset 0, so its alignment is
   * the message's whatever out already holds. */
  struct dbus_writer hw = DBUS_WRITER_INIT;
  dbusw_byte(&hw, HOST_ENDIAN);
  dbusw_byte(&hw, h->type);
  dbusw_byte(&hw, h->flags);
  dbusw_byte(&hw, 1);
  dbusw_u32(&hw, (uint32_t) body_len);
  dbusw_u32(&hw, h->serial);
  struct dbusw_array fields;
  dbusw_array_open(&fields, &hw, '(');
  header_string(&hw, FIELD_PATH, "o", h->path);
  header_string(&hw, FIELD_INTERFACE, "s", h->interface);
  header_string(&hw, FIELD_MEMBER, "s", h->member);
  header_string(&hw, FIELD_ERROR_NAME, "s", h->error_name);
  if (h->reply_serial) {
    dbusw_struct_open(&hw);
    dbusw_byte(&hw, FIELD_REPLY_SERIAL);
    dbusw_variant_open(&hw, "u");
    dbusw_u32(&hw, h->reply_serial);
  }
  header_string(&hw, FIELD_DESTINATION, "s", h->destination);
  header_string(&hw, FIELD_SENDER, "s", h->sender);
  header_string(&hw, FIELD_SIGNATURE, "g", sig);
  dbusw_array_close(&fields, &hw);
  pad_to(&hw, 8);
  if (hw.len + body_len > DBUS_MESSAGE_MAX) {
    dbusw_release(&hw);
    return hutch_fail(err, EMSGSIZE, "D-Bus: a message of %zu bytes", hw.len + body_len);
  }
  put(out, hw.buf, hw.len);
  if (body_len)
    put(out, body, body_len);
  dbusw_release(&hw);
  return 0;
}

/* ---- reading -------------------------------------------------------------- */

struct reader {
  const uint8_t *data;
  size_t len;
  size_t pos;
  bool swap;
  struct arena *arena;
  size_t values;
  int depth;
};

static int malformed(struct hutch_error **err, const char *what)
{
  return hutch_fail_as(err, EBADMSG, "malformed D-Bus message: %s", what);
}

static int need(struct reader *r, size_t n, struct hutch_error **err)
{
  if (n > r->len - r->pos)
    return malformed(err, "a value runs past the end");
  return 0;
}

/* Skips to the alignment; the padding must be there, and be zeros. */
static int skip_padding(struct reader *r, size_t alignment, struct hutch_error **err)
{
  size_t n = (alignment - r->pos % alignment) % alignment;
  if (need(r, n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (r->data[r->pos + i] != 0)
      return malformed(err, "padding that is not zero");
  r->pos += n;
  return 0;
}

static uint16_t load16(const struct reader *r)
{
  uint16_t v;
  memcpy(&v, r->data + r->pos, 2);
  return r->swap ? __builtin_bswap16(v) : v;
}

static uint32_t load32(const struct reader *r)
{
  uint32_t v;
  memcpy(&v, r->data + r->pos, 4);
  return r->swap ? __builtin_bswap32(v) : v;
}

static uint64_t load64(const struct reader *r)
{
  uint64_t v;
  memcpy(&v, r->data + r->pos, 8);
  return r->swap ? __builtin_bswap64(v) : v;
}

static int read_fixed(struct reader *r, char t, struct dbus_value *v, struct hutch_error **err)
{
  size_t size = type_alignment(t);
  if (skip_padding(r, size, err) < 0 || need(r, size, err) < 0)
    return -1;
  switch (t) {
  case 'y':
    v->u = r->data[r->pos];
    break;
  case 'n':
    v->i = (int16_t) load16(r);
    break;
  case 'q':
    v->u = load16(r);
    break;
  case 'i':
    v->i = (int32_t) load32(r);
    break;
  case 'b':
    v->u = load32(r);
    if (v->u > 1)
      return malformed(err, "a boolean that is neither 0 nor 1");
    break;
  case 'u':
  case 'h':
    v->u = load32(r);
    break;
  case 'x':
    v->i = (int64_t) load64(r);
    break;
  case 't':
    v->u = load64(r);
    break;
  case 'd': {
    uint64_t bits = load64(r);
    memcpy(&v->d, &bits, 8);
    break;
  }
  }
  r->pos += size;
  return 0;
}

/* The text of a string-like value: len bytes, then a NUL, none inside. */
static int read_text(struct reader *r, size_t len, struct dbus_value *v, struct hutch_error **err)
{
  if (need(r, len + 1, err) < 0)
    return -1;
  const uint8_t *s = r->data + r->pos;
  if (s[len] != 0)
    return malformed(err, "a string without its terminating NUL");
  for (size_t i = 0; i < len;) {
    size_t n = s[i] ? utf8_sequence_length(s + i, len - i) : 0;
    if (n == 0)
      return malformed(err, "a string that is not UTF-8 or holds a NUL");
    i += n;
  }
  v->str = (const char *) s;
  v->len = len;
  r->pos += len + 1;
  return 0;
}

static int read_value(struct reader *r, const char **sig, struct dbus_value *v, struct hutch_error **err);

/* Items of a container, gathered in a growing buffer and then moved into
 * the arena, so that a failure half-way leaves nothing to undo. */
struct items {
  struct dbus_value *v;
  size_t n, cap;
};

static struct dbus_value *items_next(struct items *it)
{
  if (it->n == it->cap) {
    it->cap = it->cap ? it->cap * 2 : 4;
    it->v = xrealloc(it->v, it->cap * sizeof *it->v);
  }
  struct dbus_value *v = &it->v[it->n++];
  memset(v, 0, sizeof *v);
  return v;
}

static void items_finish(struct reader *r, struct items *it, struct dbus_value *out)
{
  out->n = it->n;
  out->items = it->n ? arena_alloc(r->arena, it->n * sizeof *it->v) : NULL;
  if (it->n)
    memcpy(out->items, it->v, it->n * sizeof *it->v);
  free(it->v);
  it->v = NULL;
}

static int read_array(struct reader *r, const char **sig, struct dbus_value *v, struct hutch_error **err)
{
  const char *element = *sig;
  const char *after = complete_type_end(element, 0, 0);
  if (!after)
    return malformed(err, "an array without an element type");
  if (skip_padding(r, 4, err) < 0 || need(r, 4, err) < 0)
    return -1;
  uint32_t bytes = load32(r);
  r->pos += 4;
  if (bytes > DBUS_ARRAY_MAX)
    return malformed(err, "an array longer than 64 MiB");
  if (skip_padding(r, type_alignment(*element), err) < 0 || need(r, bytes, err) < 0)
    return -1;
  size_t end = r->pos + bytes;
  struct items it = { 0 };
  while (r->pos < end) {
    const char *s = element;
    /* The element may not read past the array's own end. */
    size_t saved_len = r->len;
    r->len = end;
    int rc = read_value(r, &s, items_next(&it), err);
    r->len = saved_len;
    if (rc < 0) {
      free(it.v);
      return -1;
    }
  }
  items_finish(r, &it, v);
  *sig = after;
  return 0;
}

static int read_struct(struct reader *r, const char **sig, char close, struct dbus_value *v,
                       struct hutch_error **err)
{
  if (skip_padding(r, 8, err) < 0)
    return -1;
  struct items it = { 0 };
  while (**sig != close) {
    if (!**sig) {
      free(it.v);
      return malformed(err, "an unterminated struct in a signature");
    }
    if (read_value(r, sig, items_next(&it), err) < 0) {
      free(it.v);
      return -1;
    }
  }
  (*sig)++;
  if (it.n == 0 || (close == '}' && it.n != 2)) {
    free(it.v);
    return malformed(err, "a struct or dict entry of the wrong size");
  }
  items_finish(r, &it, v);
  return 0;
}

static int read_variant(struct reader *r, struct dbus_value *v, struct hutch_error **err)
{
  struct dbus_value sigv = { 0 };
  if (need(r, 1, err) < 0)
    return -1;
  size_t len = r->data[r->pos++];
  if (read_text(r, len, &sigv, err) < 0)
    return -1;
  if (!single_complete_type(sigv.str))
    return malformed(err, "a variant whose signature is not one complete type");
  v->items = arena_calloc(r->arena, 1, sizeof *v->items);
  v->n = 1;
  v->str = sigv.str;
  v->len = sigv.len;
  const char *inner = sigv.str;
  return read_value(r, &inner, v->items, err);
}

static int read_value(struct reader *r, const char **sig, struct dbus_value *v, struct hutch_error **err)
{
  if (++r->values > VALUES_MAX)
    return malformed(err, "too many values");
  if (++r->depth > DEPTH_MAX)
    return malformed(err, "values nested too deep");
  char t = *(*sig)++;
  v->type = t;
  int rc;
  switch (t) {
  case 'y':
  case 'b':
  case 'n':
  case 'q':
  case 'i':
  case 'u':
  case 'h':
  case 'x':
  case 't':
  case 'd':
    rc = read_fixed(r, t, v, err);
    break;
  case 's':
  case 'o': {
    rc = skip_padding(r, 4, err);
    if (rc == 0)
      rc = need(r, 4, err);
    if (rc < 0)
      break;
    uint32_t len = load32(r);
    r->pos += 4;
    rc = read_text(r, len, v, err);
    if (rc == 0 && t == 'o' && !dbus_object_path_valid(v->str, v->len))
      rc = malformed(err, "an invalid object path");
    break;
  }
  case 'g': {
    rc = need(r, 1, err);
    if (rc < 0)
      break;
    size_t len = r->data[r->pos++];
    rc = read_text(r, len, v, err);
    if (rc == 0 && !dbus_signature_valid(v->str))
      rc = malformed(err, "an invalid signature value");
    break;
  }
  case 'v':
    rc = read_variant(r, v, err);
    break;
  case 'a':
    rc = read_array(r, sig, v, err);
    break;
  case '(':
    rc = read_struct(r, sig, ')', v, err);
    break;
  case '{':
    rc = read_struct(r, sig, '}', v, err);
    break;
  default:
    rc = malformed(err, "an unknown type in a signature");
    break;
  }
  r->depth--;
  return rc;
}

int dbus_values_parse(const uint8_t *data, size_t len, bool swap, const char *sig, struct arena *a,
                      struct dbus_value **out, size_t *n, struct hutch_error **err)
{
  if (!dbus_signature_valid(sig))
    return malformed(err, "an invalid body signature");
  struct reader r = { .data = data, .len = len, .swap = swap, .arena = a };
  struct items it = { 0 };
  for (const char *s = sig; *s;) {
    if (read_value(&r, &s, items_next(&it), err) < 0) {
      free(it.v);
      return -1;
    }
  }
  if (r.pos != len) {
    free(it.v);
    return malformed(err, "bytes left after the last value of the body");
  }
  struct dbus_value all = { 0 };
  items_finish(&r, &it, &all);
  *out = all.items;
  *n = all.n;
  return 0;
}

/* ---- messages --------------------------------------------------------------- */

int dbus_message_size(const uint8_t *head, size_t *total, struct hutch_error **err)
{
  if (head[0] != 'l' && head[0] != 'B')
    return malformed(err, "unknown byte order");
  if (head[3] != 1)
    return malformed(err, "unknown protocol version");
  if (head[1] == 0)
    return malformed(err, "message type 0");
  bool swap = head[0] != HOST_ENDIAN;
  uint32_t body_len, fields_len;
  memcpy(&body_len, head + 4, 4);
  memcpy(&fields_len, head + 12, 4);
  if (swap) {
    body_len = __builtin_bswap32(body_len);
    fields_len = __builtin_bswap32(fields_len);
  }
  if (fields_len > DBUS_ARRAY_MAX || body_len > DBUS_MESSAGE_MAX)
    return malformed(err, "a length beyond the protocol's limits");
  size_t header = DBUS_FIXED_HEADER + (size_t) fields_len;
  header = (header + 7) & ~(size_t) 7;
  if (header + body_len > DBUS_MESSAGE_MAX)
    return malformed(err, "a message longer than 128 MiB");
  *total = header + body_len;
  return 0;
}

static int take_field(struct dbus_message *m, const struct dbus_value *field, struct hutch_error **err)
{
  uint64_t code = field->items[0].u;
  const struct dbus_value *var = &field->items[1];
  const struct dbus_value *val = &var->items[0];
  static const char expected[] = { 0, 'o', 's', 's', 's', 'u', 's', 's', 'g', 'u' };
  if (code == 0)
    return malformed(err, "header field 0");
  if (code >= sizeof expected)
    return 0; /* unknown fields are ignored, as the specification says */
  if (val->type != expected[code])
    return malformed(err, "a header field of the wrong type");
  switch (code) {
  case FIELD_PATH:
    m->h.path = val->str;
    break;
  case FIELD_INTERFACE:
    m->h.interface = val->str;
    break;
  case FIELD_MEMBER:
    m->h.member = val->str;
    break;
  case FIELD_ERROR_NAME:
    m->h.error_name = val->str;
    break;
  case FIELD_REPLY_SERIAL:
    if (val->u == 0)
      return malformed(err, "reply serial 0");
    m->h.reply_serial = (uint32_t) val->u;
    break;
  case FIELD_DESTINATION:
    m->h.destination = val->str;
    break;
  case FIELD_SENDER:
    m->h.sender = val->str;
    break;
  case FIELD_SIGNATURE:
    m->h.signature = val->str;
    break;
  }
  return 0;
}

static int check_required(const struct dbus_message *m, struct hutch_error **err)
{
  switch (m->h.type) {
  case DBUS_METHOD_CALL:
    if (!m->h.path || !m->h.member)
      return malformed(err, "a method call without path or member");
    break;
  case DBUS_METHOD_RETURN:
    if (!m->h.reply_serial)
      return malformed(err, "a method return without reply serial");
    break;
  case DBUS_ERROR:
    if (!m->h.reply_serial || !m->h.error_name)
      return malformed(err, "an error without reply serial or error name");
    break;
  case DBUS_SIGNAL:
    if (!m->h.path || !m->h.interface || !m->h.member)
      return malformed(err, "a signal without path, interface or member");
    break;
  }
  if (m->body_len && !m->h.signature[0])
    return malformed(err, "a body without a signature");
  return 0;
}

int dbus_message_parse(const uint8_t *data, size_t len, struct dbus_message **out, struct hutch_error **err)
{
  size_t total;
  if (len < DBUS_FIXED_HEADER)
    return malformed(err, "shorter than a header");
  if (dbus_message_size(data, &total, err) < 0)
    return -1;
  if (total != len)
    return malformed(err, "the length does not match the header");
  struct dbus_message *m = xcalloc(1, sizeof *m);
  arena_init(&m->arena);
  m->buf = xmalloc(len ? len : 1);
  memcpy(m->buf, data, len);
  m->len = len;
  m->swap = data[0] != HOST_ENDIAN;
  m->h.type = data[1];
  m->h.flags = data[2];
  uint32_t fields_len;
  memcpy(&fields_len, data + 12, 4);
  if (m->swap)
    fields_len = __builtin_bswap32(fields_len);
  size_t header_end = DBUS_FIXED_HEADER + fields_len;
  struct dbus_value *fixed;
  size_t n;
  /* The header is read where it lies: its offsets are the message's. */
  if (dbus_values_parse(m->buf, header_end, m->swap, "yyyyuua(yv)", &m->arena, &fixed, &n, err) < 0)
    goto fail;
  m->h.serial = (uint32_t) fixed[5].u;
  if (m->h.serial == 0) {
    malformed(err, "serial 0");
    goto fail;
  }
  for (size_t i = 0; i < fixed[6].n; i++)
    if (take_field(m, &fixed[6].items[i], err) < 0)
      goto fail;
  if (!m->h.signature)
    m->h.signature = "";
  size_t body_start = (header_end + 7) & ~(size_t) 7;
  for (size_t i = header_end; i < body_start; i++)
    if (m->buf[i] != 0) {
      malformed(err, "padding that is not zero");
      goto fail;
    }
  m->body = m->buf + body_start;
  m->body_len = len - body_start;
  if (check_required(m, err) < 0)
    goto fail;
  *out = m;
  return 0;
fail:
  dbus_message_free(m);
  return -1;
}

int dbus_message_parse_body(struct dbus_message *m, struct hutch_error **err)
{
  if (m->body_parsed)
    return 0;
  if (dbus_values_parse(m->body, m->body_len, m->swap, m->h.signature, &m->arena, &m->args, &m->n_args, err) < 0)
    return -1;
  m->body_parsed = true;
  return 0;
}

const char *dbus_message_first_string(struct dbus_message *m)
{
  cleanup_error struct hutch_error *ignored = NULL;
  if (dbus_message_parse_body(m, &ignored) < 0 || m->n_args == 0 || m->args[0].type != 's')
    return NULL;
  return m->args[0].str;
}

void dbus_message_free(struct dbus_message *m)
{
  if (!m)
    return;
  arena_release(&m->arena);
  free(m->buf);
  free(m);
}
