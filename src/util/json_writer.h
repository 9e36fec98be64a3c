#pragma once
/* Streaming JSON output into a strbuf, with optional indentation. Strings are
 * escaped so the result is always valid UTF-8 JSON, even when the input bytes
 * are not UTF-8 (file names, kernel messages). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct json_node;

/* Deeper than the reader accepts (128), so whatever was read can be written. */
enum { JSON_WRITER_MAX_DEPTH = 160 };

struct json_writer {
  struct strbuf *out;
  const char *indent; /* NULL: compact, one line */
  unsigned depth;
  bool need_comma[JSON_WRITER_MAX_DEPTH];
  bool after_key;
};

/* indent: NULL for compact output, "\t" or "  " for pretty output. */
void json_writer_init(struct json_writer *w, struct strbuf *out, const char *indent);

void json_w_begin_object(struct json_writer *w);
void json_w_end_object(struct json_writer *w);
void json_w_begin_array(struct json_writer *w);
void json_w_end_array(struct json_writer *w);
void json_w_key(struct json_writer *w, const char *key);
void json_w_string(struct json_writer *w, const char *s);
void json_w_string_len(struct json_writer *w, const char *s, size_t len);
void json_w_i64(struct json_writer *w, int64_t v);
void json_w_u64(struct json_writer *w, uint64_t v);
void json_w_bool(struct json_writer *w, bool v);
void json_w_null(struct json_writer *w);
/* A number given as its JSON literal text (already validated). */
void json_w_number_text(struct json_writer *w, const char *text);

/* A tree from json_parse, written back as it was read (key order kept). */
void json_w_node(struct json_writer *w, const struct json_node *n);

/* Appends s as a quoted JSON string to sb. */
void json_escape_string(struct strbuf *sb, const char *s, size_t len);
