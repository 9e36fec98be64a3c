#pragma once
/* A strict JSON reader (RFC 8259) that builds a tree in an arena.
 *
 * Why not jansson: its integers are signed 64-bit, so valid config values
 * such as RLIM_INFINITY (18446744073709551615) in process.rlimits or a
 * seccomp argument mask cannot be read at all. This reader keeps every
 * number's text and converts it where the schema says which width applies,
 * refuses repeated object keys and invalid UTF-8 as the spec requires, and
 * reports the JSON path of what it refuses. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

enum json_type {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT,
};

struct json_node;

struct json_member {
  const char *key; /* NUL-terminated; never contains NUL itself */
  size_t key_len;
  struct json_node *value;
};

struct json_node {
  enum json_type type;
  uint32_t offset; /* byte offset of the value in the source text */
  union {
    bool boolean;
    struct {
      const char *text; /* the literal, NUL-terminated */
      bool is_integer;  /* no fraction and no exponent */
    } number;
    struct {
      const char *ptr; /* NUL-terminated UTF-8 */
      size_t len;
    } string;
    struct {
      struct json_node **items;
      size_t len;
    } array;
    struct {
      struct json_member *items;
      size_t len;
    } object;
  } u;
};

struct json_parse_error {
  size_t offset;
  unsigned line, column; /* 1-based */
  char path[256];        /* JSON path where the problem sits, "" if unknown */
  char message[192];
};

/* Parses text[0..len). Returns the root, or NULL with *error filled. */
struct json_node *json_parse(struct arena *arena, const char *text, size_t len,
                             struct json_parse_error *error);

/* 1-based line and column of a byte offset. */
void json_position(const char *text, size_t len, size_t offset, unsigned *line, unsigned *column);

const char *json_type_name(enum json_type type);

/* Integer conversion of a number node; false if it is not an integer or out
 * of range for the target type. */
bool json_number_to_i64(const struct json_node *n, int64_t *out);
bool json_number_to_u64(const struct json_node *n, uint64_t *out);

/* The member named key, or NULL. */
struct json_node *json_object_get(const struct json_node *object, const char *key);

/* A short, printable rendering of a value for error messages
 * ("\"1G\"", "1.5", "an object"); written into buf. */
const char *json_describe(const struct json_node *n, char *buf, size_t size);
