#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int __attribute__((format(printf, 3, 0)))
fail_v(struct hutch_error **err, int code, const char *fmt, va_list ap)
{
  if (!err)
    return -1;
  struct strbuf sb = STRBUF_INIT;
  strbuf_vaddf(&sb, fmt, ap);
  if (code > 0)
    strbuf_addf(&sb, ": %s", strerror(code));
  /* Keep the first error: it is the cause, later ones are consequences. */
  if (*err) {
    strbuf_release(&sb);
    return -1;
  }
  struct hutch_error *e = xmalloc(sizeof *e);
  e->code = code;
  e->msg = strbuf_detach(&sb);
  *err = e;
  return -1;
}

int hutch_fail(struct hutch_error **err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, fmt, ap);
  va_end(ap);
  return -1;
}

int hutch_fail_as(struct hutch_error **err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, 0, fmt, ap);
  va_end(ap);
  if (err && *err)
    (*err)->code = code;
  return -1;
}

int hutch_fail_errno(struct hutch_error **err, const char *fmt, ...)
{
  int code = errno;
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, fmt, ap);
  va_end(ap);
  errno = code;
  return -1;
}

int hutch_error_prefix(struct hutch_error **err, const char *fmt, ...)
{
  if (!err || !*err)
    return -1;
  struct strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  strbuf_adds(&sb, (*err)->msg);
  free((*err)->msg);
  (*err)->msg = strbuf_detach(&sb);
  return -1;
}

void hutch_error_free(struct hutch_error *err)
{
  if (!err)
    return;
  free(err->msg);
  free(err);
}
