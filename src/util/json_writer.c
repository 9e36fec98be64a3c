#include "util/json_writer.h"
#include "util/json.h"
#include "util/utf8.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void json_writer_init(struct json_writer *w, struct strbuf *out, const char *indent)
{
  memset(w, 0, sizeof *w);
  w->out = out;
  w->indent = indent;
}

static void newline_indent(struct json_writer *w)
{
  if (!w->indent)
    return;
  strbuf_addc(w->out, '\n');
  for (unsigned i = 0; i < w->depth; i++)
    strbuf_adds(w->out, w->indent);
}

/* Separator and indentation before a value or a key. */
static void before_item(struct json_writer *w)
{
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth == 0)
    return;
  if (w->need_comma[w->depth])
    strbuf_addc(w->out, ',');
  w->need_comma[w->depth] = true;
  newline_indent(w);
}

static void open_container(struct json_writer *w, char c)
{
  before_item(w);
  strbuf_addc(w->out, c);
  /* Saturating would silently write broken JSON: stop instead. */
  if (w->depth + 1 >= JSON_WRITER_MAX_DEPTH)
    abort();
  w->depth++;
  w->need_comma[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
  bool had_items = w->need_comma[w->depth];
  if (w->depth > 0)
    w->depth--;
  if (had_items)
    newline_indent(w);
  strbuf_addc(w->out, c);
}

void json_w_begin_object(struct json_writer *w)
{
  open_container(w, '{');
}

void json_w_end_object(struct json_writer *w)
{
  close_container(w, '}');
}

void json_w_begin_array(struct json_writer *w)
{
  open_container(w, '[');
}

void json_w_end_array(struct json_writer *w)
{
  close_container(w, ']');
}

void json_w_key(struct json_writer *w, const char *key)
{
  before_item(w);
  json_escape_string(w->out, key, strlen(key));
  strbuf_adds(w->out, w->indent ? ": " : ":");
  w->after_key = true;
}

void json_w_string(struct json_writer *w, const char *s)
{
  json_w_string_len(w, s, strlen(s));
}

void json_w_string_len(struct json_writer *w, const char *s, size_t len)
{
  before_item(w);
  json_escape_string(w->out, s, len);
}

void json_w_i64(struct json_writer *w, int64_t v)
{
  before_item(w);
  strbuf_addf(w->out, "%" PRId64, v);
}

void json_w_u64(struct json_writer *w, uint64_t v)
{
  before_item(w);
  strbuf_addf(w->out, "%" PRIu64, v);
}

void json_w_bool(struct json_writer *w, bool v)
{
  before_item(w);
  strbuf_adds(w->out, v ? "true" : "false");
}

void json_w_null(struct json_writer *w)
{
  before_item(w);
  strbuf_adds(w->out, "null");
}

void json_w_number_text(struct json_writer *w, const char *text)
{
  before_item(w);
  strbuf_adds(w->out, text);
}

void json_escape_string(struct strbuf *sb, const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *) s;
  strbuf_reserve(sb, len + 2);
  strbuf_addc(sb, '"');
  size_t i = 0;
  while (i < len) {
    unsigned char c = u[i];
    if (c >= 0x80) {
      size_t n = utf8_sequence_length(u + i, len - i);
      if (n) {
        strbuf_add(sb, s + i, n);
        i += n;
      } else {
        strbuf_adds(sb, "\\ufffd");
        i++;
      }
      continue;
    }
    switch (c) {
    case '"':
      strbuf_adds(sb, "\\\"");
      break;
    case '\\':
      strbuf_adds(sb, "\\\\");
      break;
    case '\n':
      strbuf_adds(sb, "\\n");
      break;
    case '\r':
      strbuf_adds(sb, "\\r");
      break;
    case '\t':
      strbuf_adds(sb, "\\t");
      break;
    case '\b':
      strbuf_adds(sb, "\\b");
      break;
    case '\f':
      strbuf_adds(sb, "\\f");
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        strbuf_addf(sb, "\\u%04x", c);
      else
        strbuf_addc(sb, (char) c);
    }
    i++;
  }
  strbuf_addc(sb, '"');
}

void json_w_node(struct json_writer *w, const struct json_node *n)
{
  switch (n->type) {
  case JSON_NULL:
    json_w_null(w);
    break;
  case JSON_BOOL:
    json_w_bool(w, n->u.boolean);
    break;
  case JSON_NUMBER:
    json_w_number_text(w, n->u.number.text);
    break;
  case JSON_STRING:
    json_w_string_len(w, n->u.string.ptr, n->u.string.len);
    break;
  case JSON_ARRAY:
    json_w_begin_array(w);
    for (size_t i = 0; i < n->u.array.len; i++)
      json_w_node(w, n->u.array.items[i]);
    json_w_end_array(w);
    break;
  case JSON_OBJECT:
    json_w_begin_object(w);
    for (size_t i = 0; i < n->u.object.len; i++) {
      json_w_key(w, n->u.object.items[i].key);
      json_w_node(w, n->u.object.items[i].value);
    }
    json_w_end_object(w);
    break;
  }
}
