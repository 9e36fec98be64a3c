#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned tap_count, tap_failed;

static void __attribute__((format(printf, 3, 0)))
tap_line(bool ok, const char *directive, const char *fmt, va_list ap)
{
  tap_count++;
  if (!ok && !directive)
    tap_failed++;
  printf("%sok %u - ", ok ? "" : "not ", tap_count);
  vprintf(fmt, ap);
  if (directive)
    printf(" # %s", directive);
  printf("\n");
  fflush(stdout);
}

void tap_ok(bool ok, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  tap_line(ok, NULL, fmt, ap);
  va_end(ap);
}

void tap_todo(bool ok, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  tap_line(ok, "TODO", fmt, ap);
  va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  printf("# ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
}

void tap_str_eq(const char *got, const char *want, const char *fmt, ...)
{
  bool ok = (got && want) ? strcmp(got, want) == 0 : got == want;
  va_list ap;
  va_start(ap, fmt);
  tap_line(ok, NULL, fmt, ap);
  va_end(ap);
  if (!ok)
    tap_diag("  got:  %s\n#   want: %s", got ? got : "(null)", want ? want : "(null)");
}

int tap_done(void)
{
  printf("1..%u\n", tap_count);
  return tap_failed ? 1 : 0;
}

const char *tap_data_dir(void)
{
  const char *dir = getenv("TEST_DATA_DIR");
  return dir ? dir : TEST_DATA_DIR;
}
