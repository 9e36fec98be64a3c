#include "util/json.h"
#include "util/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any real document (config.json nests about six levels),
 * shallow enough that hostile input cannot exhaust the stack. */
enum { JSON_MAX_DEPTH = 128 };

struct path_segment {
  const char *key; /* NULL for an array index */
  size_t index;
};

struct parser {
  struct arena *arena;
  const char *text;
  size_t len;
  size_t pos;
  struct json_parse_error *error;
  bool failed;
  unsigned depth;
  struct path_segment path[JSON_MAX_DEPTH + 1];
};

static void format_path(const struct parser *p, char *out, size_t size)
{
  size_t used = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < p->depth && used + 1 < size; i++) {
    int n;
    if (p->path[i].key)
      n = snprintf(out + used, size - used, "%s%s", used ? "." : "", p->path[i].key);
    else
      n = snprintf(out + used, size - used, "[%zu]", p->path[i].index);
    if (n < 0)
      break;
    used += (size_t) n;
  }
}

static void __attribute__((format(printf, 3, 4)))
fail_at(struct parser *p, size_t offset, const char *fmt, ...)
{
  if (p->failed)
    return;
  p->failed = true;
  struct json_parse_error *e = p->error;
  e->offset = offset;
  json_position(p->text, p->len, offset, &e->line, &e->column);
  format_path(p, e->path, sizeof e->path);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}

void json_position(const char *text, size_t len, size_t offset, unsigned *line, unsigned *column)
{
  unsigned l = 1, c = 1;
  for (size_t i = 0; i < offset && i < len; i++) {
    if (text[i] == '\n') {
      l++;
      c = 1;
    } else if (((unsigned char) text[i] & 0xC0) != 0x80) {
      c++; /* count characters, not UTF-8 continuation bytes */
    }
  }
  *line = l;
  *column = c;
}

static void skip_ws(struct parser *p)
{
  while (p->pos < p->len) {
    char c = p->text[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      break;
    p->pos++;
  }
}

static struct json_node *new_node(struct parser *p, enum json_type type, size_t offset)
{
  struct json_node *n = arena_calloc(p->arena, 1, sizeof *n);
  n->type = type;
  n->offset = offset > UINT32_MAX ? UINT32_MAX : (uint32_t) offset;
  return n;
}

static const char *describe_byte(char c, char *buf, size_t size)
{
  unsigned char u = (unsigned char) c;
  if (u >= 0x20 && u < 0x7f)
    snprintf(buf, size, "'%c'", c);
  else
    snprintf(buf, size, "byte 0x%02x", u);
  return buf;
}

static void fail_unexpected(struct parser *p, const char *expected)
{
  char b[16];
  if (p->pos >= p->len)
    fail_at(p, p->pos, "unexpected end of input, expected %s", expected);
  else
    fail_at(p, p->pos, "unexpected %s, expected %s", describe_byte(p->text[p->pos], b, sizeof b), expected);
}

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

static bool read_hex4(struct parser *p, unsigned *out)
{
  if (p->len - p->pos < 4) {
    fail_at(p, p->pos, "truncated \\u escape");
    return false;
  }
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hex_value(p->text[p->pos + (size_t) i]);
    if (h < 0) {
      fail_at(p, p->pos + (size_t) i, "invalid hex digit in \\u escape");
      return false;
    }
    v = v * 16 + (unsigned) h;
  }
  p->pos += 4;
  *out = v;
  return true;
}

static size_t encode_utf8(unsigned cp, char *out)
{
  if (cp < 0x80) {
    out[0] = (char) cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char) (0xC0 | (cp >> 6));
    out[1] = (char) (0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char) (0xE0 | (cp >> 12));
    out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char) (0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char) (0xF0 | (cp >> 18));
  out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char) (0x80 | (cp & 0x3F));
  return 4;
}

/* Reads a string starting at the opening quote; returns its decoded,
 * NUL-terminated copy in the arena. */
static char *parse_string_raw(struct parser *p, size_t *out_len)
{
  p->pos++; /* opening quote */
  size_t start = p->pos;
  /* Fast scan: most strings have no escapes. */
  bool has_escape = false;
  size_t i = start;
  while (i < p->len && p->text[i] != '"') {
    unsigned char c = (unsigned char) p->text[i];
    if (c == '\\') {
      has_escape = true;
      i += 2;
      continue;
    }
    if (c < 0x20) {
      fail_at(p, i, "control character 0x%02x in string (use an escape)", c);
      return NULL;
    }
    if (c >= 0x80) {
      size_t n = utf8_sequence_length((const unsigned char *) p->text + i, p->len - i);
      if (!n) {
        fail_at(p, i, "invalid UTF-8 in string");
        return NULL;
      }
      i += n;
      continue;
    }
    i++;
  }
  if (i >= p->len) {
    fail_at(p, start - 1, "unterminated string");
    return NULL;
  }
  if (!has_escape) {
    p->pos = i + 1;
    *out_len = i - start;
    return arena_strndup(p->arena, p->text + start, i - start);
  }

  /* Decoded text is never longer than the source. */
  char *out = arena_alloc(p->arena, i - start + 1);
  size_t o = 0;
  p->pos = start;
  while (p->text[p->pos] != '"') {
    char c = p->text[p->pos];
    if (c != '\\') {
      out[o++] = c;
      p->pos++;
      continue;
    }
    size_t esc_at = p->pos;
    p->pos++;
    char e = p->pos < p->len ? p->text[p->pos++] : '\0';
    switch (e) {
    case '"':
      out[o++] = '"';
      break;
    case '\\':
      out[o++] = '\\';
      break;
    case '/':
      out[o++] = '/';
      break;
    case 'b':
      out[o++] = '\b';
      break;
    case 'f':
      out[o++] = '\f';
      break;
    case 'n':
      out[o++] = '\n';
      break;
    case 'r':
      out[o++] = '\r';
      break;
    case 't':
      out[o++] = '\t';
      break;
    case 'u': {
      unsigned cp;
      if (!read_hex4(p, &cp))
        return NULL;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned low;
        if (p->len - p->pos < 6 || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u') {
          fail_at(p, esc_at, "unpaired UTF-16 surrogate in \\u escape");
          return NULL;
        }
        p->pos += 2;
        if (!read_hex4(p, &low))
          return NULL;
        if (low < 0xDC00 || low > 0xDFFF) {
          fail_at(p, esc_at, "unpaired UTF-16 surrogate in \\u escape");
          return NULL;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail_at(p, esc_at, "unpaired UTF-16 surrogate in \\u escape");
        return NULL;
      } else if (cp == 0) {
        /* Every consumer is C: a NUL would silently cut the string. */
        fail_at(p, esc_at, "NUL character (\\u0000) in string");
        return NULL;
      }
      o += encode_utf8(cp, out + o);
      break;
    }
    default:
      fail_at(p, esc_at, "invalid escape sequence in string");
      return NULL;
    }
  }
  p->pos++; /* closing quote */
  out[o] = '\0';
  *out_len = o;
  return out;
}

static struct json_node *parse_value(struct parser *p);

static struct json_node *parse_number(struct parser *p)
{
  size_t start = p->pos;
  const char *t = p->text;
  size_t i = start;
  bool integer = true;
  if (i < p->len && t[i] == '-')
    i++;
  if (i >= p->len || t[i] < '0' || t[i] > '9') {
    p->pos = i;
    fail_unexpected(p, "a digit");
    return NULL;
  }
  if (t[i] == '0') {
    i++;
  } else {
    while (i < p->len && t[i] >= '0' && t[i] <= '9')
      i++;
  }
  if (i < p->len && t[i] == '.') {
    integer = false;
    i++;
    if (i >= p->len || t[i] < '0' || t[i] > '9') {
      p->pos = i;
      fail_unexpected(p, "a digit after '.'");
      return NULL;
    }
    while (i < p->len && t[i] >= '0' && t[i] <= '9')
      i++;
  }
  if (i < p->len && (t[i] == 'e' || t[i] == 'E')) {
    integer = false;
    i++;
    if (i < p->len && (t[i] == '+' || t[i] == '-'))
      i++;
    if (i >= p->len || t[i] < '0' || t[i] > '9') {
      p->pos = i;
      fail_unexpected(p, "a digit in the exponent");
      return NULL;
    }
    while (i < p->len && t[i] >= '0' && t[i] <= '9')
      i++;
  }
  struct json_node *n = new_node(p, JSON_NUMBER, start);
  n->u.number.text = arena_strndup(p->arena, t + start, i - start);
  n->u.number.is_integer = integer;
  p->pos = i;
  return n;
}

static bool expect_literal(struct parser *p, const char *word)
{
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0) {
    fail_unexpected(p, "a JSON value");
    return false;
  }
  p->pos += n;
  return true;
}

static int compare_members(const void *a, const void *b)
{
  const struct json_member *const *x = a;
  const struct json_member *const *y = b;
  return strcmp((*x)->key, (*y)->key);
}

/* Objects must not repeat a name (config.md). Returns the repeated member. */
static const struct json_member *find_repeated_key(struct parser *p, struct json_member *items, size_t len)
{
  if (len < 2)
    return NULL;
  if (len <= 16) {
    for (size_t i = 1; i < len; i++)
      for (size_t j = 0; j < i; j++)
        if (strcmp(items[i].key, items[j].key) == 0)
          return &items[i];
    return NULL;
  }
  /* Sorting keeps hostile input with many keys from going quadratic. */
  struct json_member **sorted = arena_alloc(p->arena, len * sizeof *sorted);
  for (size_t i = 0; i < len; i++)
    sorted[i] = &items[i];
  qsort(sorted, len, sizeof *sorted, compare_members);
  const struct json_member *found = NULL;
  for (size_t i = 1; i < len; i++) {
    if (strcmp(sorted[i]->key, sorted[i - 1]->key) == 0) {
      /* Report the later occurrence in the document. */
      const struct json_member *later = sorted[i] > sorted[i - 1] ? sorted[i] : sorted[i - 1];
      if (!found || later < found)
        found = later;
    }
  }
  return found;
}

struct member_list {
  struct json_member *items;
  size_t len, cap;
};

static void push_member(struct parser *p, struct member_list *l, struct json_member m)
{
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 2;
    struct json_member *items = arena_alloc(p->arena, cap * sizeof *items);
    if (l->len)
      memcpy(items, l->items, l->len * sizeof *items);
    l->items = items;
    l->cap = cap;
  }
  l->items[l->len++] = m;
}

static struct json_node *parse_object(struct parser *p)
{
  struct json_node *n = new_node(p, JSON_OBJECT, p->pos);
  p->pos++; /* '{' */
  struct member_list members = { NULL, 0, 0 };
  skip_ws(p);
  if (p->pos < p->len && p->text[p->pos] == '}') {
    p->pos++;
    return n;
  }
  for (;;) {
    skip_ws(p);
    if (p->pos >= p->len || p->text[p->pos] != '"') {
      fail_unexpected(p, "a string key");
      return NULL;
    }
    size_t key_len;
    char *key = parse_string_raw(p, &key_len);
    if (!key)
      return NULL;
    skip_ws(p);
    if (p->pos >= p->len || p->text[p->pos] != ':') {
      fail_unexpected(p, "':' after the key");
      return NULL;
    }
    p->pos++;
    p->path[p->depth].key = key;
    p->depth++;
    struct json_node *value = parse_value(p);
    p->depth--;
    if (!value)
      return NULL;
    push_member(p, &members, (struct json_member) { key, key_len, value });
    skip_ws(p);
    if (p->pos < p->len && p->text[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->text[p->pos] == '}') {
      p->pos++;
      break;
    }
    fail_unexpected(p, "',' or '}'");
    return NULL;
  }
  const struct json_member *repeated = find_repeated_key(p, members.items, members.len);
  if (repeated) {
    p->path[p->depth].key = repeated->key;
    p->depth++;
    fail_at(p, repeated->value->offset, "repeated key \"%s\" (JSON objects must not repeat a name)",
            repeated->key);
    p->depth--;
    return NULL;
  }
  n->u.object.items = members.items;
  n->u.object.len = members.len;
  return n;
}

static struct json_node *parse_array(struct parser *p)
{
  struct json_node *n = new_node(p, JSON_ARRAY, p->pos);
  p->pos++; /* '[' */
  struct json_node **items = NULL;
  size_t len = 0, cap = 0;
  skip_ws(p);
  if (p->pos < p->len && p->text[p->pos] == ']') {
    p->pos++;
    return n;
  }
  for (;;) {
    p->path[p->depth].key = NULL;
    p->path[p->depth].index = len;
    p->depth++;
    struct json_node *v = parse_value(p);
    p->depth--;
    if (!v)
      return NULL;
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 2;
      struct json_node **nitems = arena_alloc(p->arena, ncap * sizeof *nitems);
      if (len)
        memcpy(nitems, items, len * sizeof *items);
      items = nitems;
      cap = ncap;
    }
    items[len++] = v;
    skip_ws(p);
    if (p->pos < p->len && p->text[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->text[p->pos] == ']') {
      p->pos++;
      break;
    }
    fail_unexpected(p, "',' or ']'");
    return NULL;
  }
  n->u.array.items = items;
  n->u.array.len = len;
  return n;
}

static struct json_node *parse_value(struct parser *p)
{
  skip_ws(p);
  if (p->pos >= p->len) {
    fail_unexpected(p, "a JSON value");
    return NULL;
  }
  if (p->depth >= JSON_MAX_DEPTH) {
    fail_at(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    return NULL;
  }
  size_t start = p->pos;
  switch (p->text[p->pos]) {
  case '{':
    return parse_object(p);
  case '[':
    return parse_array(p);
  case '"': {
    size_t len;
    char *s = parse_string_raw(p, &len);
    if (!s)
      return NULL;
    struct json_node *n = new_node(p, JSON_STRING, start);
    n->u.string.ptr = s;
    n->u.string.len = len;
    return n;
  }
  case 't':
  case 'f': {
    bool v = p->text[p->pos] == 't';
    if (!expect_literal(p, v ? "true" : "false"))
      return NULL;
    struct json_node *n = new_node(p, JSON_BOOL, start);
    n->u.boolean = v;
    return n;
  }
  case 'n':
    if (!expect_literal(p, "null"))
      return NULL;
    return new_node(p, JSON_NULL, start);
  default:
    if (p->text[p->pos] == '-' || (p->text[p->pos] >= '0' && p->text[p->pos] <= '9'))
      return parse_number(p);
    fail_unexpected(p, "a JSON value");
    return NULL;
  }
}

struct json_node *json_parse(struct arena *arena, const char *text, size_t len, struct json_parse_error *error)
{
  struct parser p = { .arena = arena, .text = text, .len = len, .error = error };
  memset(error, 0, sizeof *error);
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    fail_at(&p, 0, "byte order mark at the start (JSON text must not begin with one)");
    return NULL;
  }
  struct json_node *root = parse_value(&p);
  if (!root)
    return NULL;
  skip_ws(&p);
  if (p.pos != len) {
    fail_unexpected(&p, "the end of the document");
    return NULL;
  }
  return root;
}

const char *json_type_name(enum json_type type)
{
  switch (type) {
  case JSON_NULL:
    return "null";
  case JSON_BOOL:
    return "a boolean";
  case JSON_NUMBER:
    return "a number";
  case JSON_STRING:
    return "a string";
  case JSON_ARRAY:
    return "an array";
  case JSON_OBJECT:
    return "an object";
  }
  return "?";
}

bool json_number_to_u64(const struct json_node *n, uint64_t *out)
{
  if (n->type != JSON_NUMBER || !n->u.number.is_integer || n->u.number.text[0] == '-')
    return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(n->u.number.text, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

bool json_number_to_i64(const struct json_node *n, int64_t *out)
{
  if (n->type != JSON_NUMBER || !n->u.number.is_integer)
    return false;
  errno = 0;
  char *end;
  long long v = strtoll(n->u.number.text, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

struct json_node *json_object_get(const struct json_node *object, const char *key)
{
  if (!object || object->type != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < object->u.object.len; i++)
    if (strcmp(object->u.object.items[i].key, key) == 0)
      return object->u.object.items[i].value;
  return NULL;
}

const char *json_describe(const struct json_node *n, char *buf, size_t size)
{
  switch (n->type) {
  case JSON_NULL:
    snprintf(buf, size, "null");
    break;
  case JSON_BOOL:
    snprintf(buf, size, "%s", n->u.boolean ? "true" : "false");
    break;
  case JSON_NUMBER:
    snprintf(buf, size, "%.40s%s", n->u.number.text, strlen(n->u.number.text) > 40 ? "..." : "");
    break;
  case JSON_STRING: {
    /* Quote it, escape what would confuse a one-line message, cut it short. */
    size_t o = 0;
    if (size < 8) {
      snprintf(buf, size, "\"...\"");
      break;
    }
    buf[o++] = '"';
    for (size_t i = 0; i < n->u.string.len; i++) {
      unsigned char c = (unsigned char) n->u.string.ptr[i];
      const char *rep = NULL;
      char tmp[8];
      if (c == '"')
        rep = "\\\"";
      else if (c == '\\')
        rep = "\\\\";
      else if (c == '\n')
        rep = "\\n";
      else if (c < 0x20 || c == 0x7f) {
        snprintf(tmp, sizeof tmp, "\\x%02x", c);
        rep = tmp;
      }
      size_t need = rep ? strlen(rep) : 1;
      if (o + need + 5 >= size) {
        memcpy(buf + o, "...", 3);
        o += 3;
        break;
      }
      if (rep) {
        memcpy(buf + o, rep, need);
        o += need;
      } else {
        buf[o++] = (char) c;
      }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    break;
  }
  case JSON_ARRAY:
    snprintf(buf, size, "an array");
    break;
  case JSON_OBJECT:
    snprintf(buf, size, "an object");
    break;
  }
  return buf;
}
