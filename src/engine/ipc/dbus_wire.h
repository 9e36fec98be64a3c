#pragma once
/* The D-Bus wire format: marshalling message bodies and headers, and
 * reading them back with every length, offset, alignment and signature
 * checked, so that a malformed message is an error and never a read out of
 * bounds. No I/O here (dbus.h owns the connection). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

/* Limits of the specification. */
#define DBUS_MESSAGE_MAX (128u << 20)
#define DBUS_ARRAY_MAX (64u << 20)
#define DBUS_SIGNATURE_MAX 255u
/* A fixed header is 12 bytes, then the length of the header field array. */
#define DBUS_FIXED_HEADER 16u

enum dbus_message_type {
  DBUS_METHOD_CALL = 1,
  DBUS_METHOD_RETURN = 2,
  DBUS_ERROR = 3,
  DBUS_SIGNAL = 4,
};

#define DBUS_FLAG_NO_REPLY_EXPECTED 0x1

/* ---- writing ------------------------------------------------------------ */

/* A body (or a whole message) being marshalled. Offsets, and so alignment,
 * count from the start of the buffer, which is where a body starts. */
struct dbus_writer {
  uint8_t *buf;
  size_t len;
  size_t cap;
};
#define DBUS_WRITER_INIT { NULL, 0, 0 }

void dbusw_release(struct dbus_writer *w);
void dbusw_byte(struct dbus_writer *w, uint8_t v);
void dbusw_bool(struct dbus_writer *w, bool v);
void dbusw_u32(struct dbus_writer *w, uint32_t v);
void dbusw_u64(struct dbus_writer *w, uint64_t v);
void dbusw_i64(struct dbus_writer *w, int64_t v);
void dbusw_string(struct dbus_writer *w, const char *s);
void dbusw_object_path(struct dbus_writer *w, const char *s);
void dbusw_signature(struct dbus_writer *w, const char *s);

/* An array in progress: dbusw_array_open with the element signature's first
 * character (its alignment), the elements, then dbusw_array_close. */
struct dbusw_array {
  size_t length_at;
  size_t start;
};
void dbusw_array_open(struct dbusw_array *a, struct dbus_writer *w, char element_type);
void dbusw_array_close(struct dbusw_array *a, struct dbus_writer *w);
/* Structs and dict entries start on 8 bytes and end with nothing. */
void dbusw_struct_open(struct dbus_writer *w);
/* A variant is its signature (one complete type), then the value. */
void dbusw_variant_open(struct dbus_writer *w, const char *signature);

/* ---- messages ------------------------------------------------------------- */

/* The header of a message; absent fields are NULL (reply_serial 0). */
struct dbus_header {
  uint8_t type; /* enum dbus_message_type */
  uint8_t flags;
  uint32_t serial;
  uint32_t reply_serial;
  const char *path;
  const char *interface;
  const char *member;
  const char *error_name;
  const char *destination;
  const char *sender;
  const char *signature; /* of the body; NULL or "" for none */
};

/* Appends the whole message: header, padding, body (marshalled with
 * h->signature). Fails only on lengths the protocol cannot carry. */
int dbus_message_encode(struct dbus_writer *out, const struct dbus_header *h, const uint8_t *body, size_t body_len,
                        struct hutch_error **err);

/* ---- reading -------------------------------------------------------------- */

/* A value read back. type is the signature character, with '(' for a
 * struct, '{' for a dict entry. Strings point into the message, NUL
 * terminated; containers hold their items (a variant holds one). */
struct dbus_value {
  char type;
  union {
    uint64_t u; /* y b q u h t */
    int64_t i;  /* n i x */
    double d;
  };
  const char *str; /* s o g */
  size_t len;
  struct dbus_value *items; /* a ( { v */
  size_t n;
};

struct dbus_message {
  struct dbus_header h; /* strings point into buf */
  uint8_t *buf;         /* the whole message as received */
  size_t len;
  bool swap; /* sent in the other byte order */
  const uint8_t *body;
  size_t body_len;
  bool body_parsed;
  struct dbus_value *args; /* the body's values, once dbus_message_parse_body ran */
  size_t n_args;
  struct arena arena;
};

/* The full length of the message whose first DBUS_FIXED_HEADER bytes are
 * given, after checking what those bytes promise. */
int dbus_message_size(const uint8_t *head, size_t *total, struct hutch_error **err);

/* Parses exactly one message of len bytes (copied) and checks its header:
 * required fields per type, field types, padding, body length. Messages of a
 * type this version of the protocol does not define parse with that type,
 * for the caller to ignore. The body is left for dbus_message_parse_body. */
int dbus_message_parse(const uint8_t *data, size_t len, struct dbus_message **out, struct hutch_error **err);
int dbus_message_parse_body(struct dbus_message *m, struct hutch_error **err);
void dbus_message_free(struct dbus_message *m);

static inline void dbus_message_freep(struct dbus_message **m)
{
  dbus_message_free(*m);
}
#define cleanup_dbus_message __attribute__((cleanup(dbus_message_freep)))

/* Reads the values of signature sig from data[0..len) (a body: offsets
 * count from data), all of it, allocating in a. */
int dbus_values_parse(const uint8_t *data, size_t len, bool swap, const char *sig, struct arena *a,
                      struct dbus_value **out, size_t *n, struct hutch_error **err);

/* A signature of complete types within the specification's limits (length,
 * nesting, dict entries only as array elements with a basic key). */
bool dbus_signature_valid(const char *sig);
/* An object path: "/" or "/" followed by [A-Za-z0-9_] elements joined by "/". */
bool dbus_object_path_valid(const char *s, size_t len);

/* The body's first argument when it is a string (error messages carry
 * their text there), else NULL. Parses the body if needed. */
const char *dbus_message_first_string(struct dbus_message *m);
