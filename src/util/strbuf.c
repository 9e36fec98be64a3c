#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_reserve(struct strbuf *sb, size_t extra)
{
  size_t need = sb->len + extra + 1;
  if (need <= sb->cap)
    return;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < need)
    cap *= 2;
  sb->buf = xrealloc(sb->buf, cap);
  sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
  strbuf_reserve(sb, len);
  memcpy(sb->buf + sb->len, data, len);
  sb->len += len;
  sb->buf[sb->len] = '\0';
}

void strbuf_addc(struct strbuf *sb, char c)
{
  strbuf_add(sb, &c, 1);
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
  strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
  va_list copy;
  va_copy(copy, ap);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0)
    return;
  if ((size_t) n < sizeof small) {
    strbuf_add(sb, small, (size_t) n);
    return;
  }
  strbuf_reserve(sb, (size_t) n);
  vsnprintf(sb->buf + sb->len, (size_t) n + 1, fmt, ap);
  sb->len += (size_t) n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(sb, fmt, ap);
  va_end(ap);
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
  if (len < sb->len) {
    sb->len = len;
    sb->buf[len] = '\0';
  }
}

char *strbuf_detach(struct strbuf *sb)
{
  char *out = sb->buf ? sb->buf : xstrdup("");
  sb->buf = NULL;
  sb->len = sb->cap = 0;
  return out;
}

void strbuf_release(struct strbuf *sb)
{
  free(sb->buf);
  sb->buf = NULL;
  sb->len = sb->cap = 0;
}

const char *strbuf_str(const struct strbuf *sb)
{
  return sb->buf ? sb->buf : "";
}
