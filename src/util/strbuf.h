#pragma once
/* A growable, always NUL-terminated byte buffer. */
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
  char *buf;
  size_t len;
  size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Hands the buffer to the caller (never NULL) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* The contents, "" when nothing was added yet. */
const char *strbuf_str(const struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
  strbuf_release(sb);
}
#define cleanup_strbuf __attribute__((cleanup(strbuf_releasep)))
