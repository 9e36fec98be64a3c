/* The run-time half of fortify.h: what GCC calls when it cannot prove a
 * fortified call safe at compile time. Same names and arguments as glibc's,
 * since the compiler emits them (and the Debian libseccomp.a a static musl
 * hutch links was itself built with glibc's fortified headers). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Built without fortify.h: these are the plain functions the checks reach. */

_Noreturn void __chk_fail(void);

_Noreturn void __chk_fail(void)
{
  static const char message[] = "hutch: buffer overflow detected, stopping\n";
  ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void) ignored;
  abort();
}

#define CHECK_ROOM(n, room)                                                                                            \
  do {                                                                                                                 \
    if ((n) > (room))                                                                                                  \
      __chk_fail();                                                                                                    \
  } while (0)

void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t room);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t room);
void *__mempcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t room);
void *__memset_chk(void *dst, int c, size_t n, size_t room);
char *__strcpy_chk(char *restrict dst, const char *restrict src, size_t room);
char *__stpcpy_chk(char *restrict dst, const char *restrict src, size_t room);
char *__strncpy_chk(char *restrict dst, const char *restrict src, size_t n, size_t room);
char *__stpncpy_chk(char *restrict dst, const char *restrict src, size_t n, size_t room);
char *__strcat_chk(char *restrict dst, const char *restrict src, size_t room);
char *__strncat_chk(char *restrict dst, const char *restrict src, size_t n, size_t room);
int __vsnprintf_chk(char *restrict s, size_t n, int flag, size_t room, const char *restrict fmt, va_list ap);
int __snprintf_chk(char *restrict s, size_t n, int flag, size_t room, const char *restrict fmt, ...);
int __vsprintf_chk(char *restrict s, int flag, size_t room, const char *restrict fmt, va_list ap);
int __sprintf_chk(char *restrict s, int flag, size_t room, const char *restrict fmt, ...);
int __vfprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, va_list ap);
int __fprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, ...);

void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return memmove(dst, src, n);
}

void *__mempcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return (char *) memcpy(dst, src, n) + n;
}

void *__memset_chk(void *dst, int c, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return memset(dst, c, n);
}

char *__strcpy_chk(char *restrict dst, const char *restrict src, size_t room)
{
  size_t n = strlen(src) + 1;
  CHECK_ROOM(n, room);
  return memcpy(dst, src, n);
}

char *__stpcpy_chk(char *restrict dst, const char *restrict src, size_t room)
{
  size_t n = strlen(src);
  CHECK_ROOM(n + 1, room);
  memcpy(dst, src, n + 1);
  return dst + n;
}

char *__strncpy_chk(char *restrict dst, const char *restrict src, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return strncpy(dst, src, n);
}

char *__stpncpy_chk(char *restrict dst, const char *restrict src, size_t n, size_t room)
{
  CHECK_ROOM(n, room);
  return stpncpy(dst, src, n);
}

char *__strcat_chk(char *restrict dst, const char *restrict src, size_t room)
{
  size_t have = strnlen(dst, room);
  CHECK_ROOM(have + strlen(src) + 1, room);
  return strcat(dst, src);
}

char *__strncat_chk(char *restrict dst, const char *restrict src, size_t n, size_t room)
{
  size_t have = strnlen(dst, room);
  CHECK_ROOM(have + strnlen(src, n) + 1, room);
  return strncat(dst, src, n);
}

int __vsnprintf_chk(char *restrict s, size_t n, int flag, size_t room, const char *restrict fmt, va_list ap)
{
  (void) flag;
  CHECK_ROOM(n, room);
  return vsnprintf(s, n, fmt, ap);
}

int __snprintf_chk(char *restrict s, size_t n, int flag, size_t room, const char *restrict fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = __vsnprintf_chk(s, n, flag, room, fmt, ap);
  va_end(ap);
  return r;
}

/* The output is bounded by the room and must not reach its end: a result
 * that does was cut short, an overflow without the check. */
int __vsprintf_chk(char *restrict s, int flag, size_t room, const char *restrict fmt, va_list ap)
{
  (void) flag;
  if (room == (size_t) -1)
    return vsprintf(s, fmt, ap);
  if (room == 0)
    __chk_fail();
  int r = vsnprintf(s, room, fmt, ap);
  if (r >= 0 && (size_t) r >= room)
    __chk_fail();
  return r;
}

int __sprintf_chk(char *restrict s, int flag, size_t room, const char *restrict fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = __vsprintf_chk(s, flag, room, fmt, ap);
  va_end(ap);
  return r;
}

int __vfprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, va_list ap)
{
  (void) flag;
  return vfprintf(f, fmt, ap);
}

int __fprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = __vfprintf_chk(f, flag, fmt, ap);
  va_end(ap);
  return r;
}
