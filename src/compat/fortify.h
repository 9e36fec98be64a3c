/* _FORTIFY_SOURCE for a libc whose headers implement none (musl): the
 * static `hutch` binary of a musl build is compiled with this header forced
 * in first (-include), so every call below gets the same checks glibc's
 * headers give the glibc build. The checks are GCC's: an object size the
 * compiler knows (level 3: also one computed at run time) against the
 * length asked for; a call it proves safe is a plain call, one it proves
 * wrong is a compile error, the rest check at run time through the
 * __*_chk functions of fortify.c, which stop the process on an overflow.
 *
 * The wrappers are gnu_inline definitions of the functions themselves, as
 * glibc's are, not macros: a struct member named `read` stays one. */
#ifndef HUTCH_COMPAT_FORTIFY_H
#define HUTCH_COMPAT_FORTIFY_H

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(_FORTIFY_SOURCE) && _FORTIFY_SOURCE > 0 && defined(__OPTIMIZE__) && !defined(__clang__)

#if _FORTIFY_SOURCE >= 3
#define hutch_object_size(p) __builtin_dynamic_object_size(p, 0)
#define hutch_string_size(p) __builtin_dynamic_object_size(p, 1)
#elif _FORTIFY_SOURCE == 2
#define hutch_object_size(p) __builtin_object_size(p, 0)
#define hutch_string_size(p) __builtin_object_size(p, 1)
#else
#define hutch_object_size(p) __builtin_object_size(p, 0)
#define hutch_string_size(p) __builtin_object_size(p, 0)
#endif
#define HUTCH_FORTIFY_FLAG (_FORTIFY_SOURCE > 1)

#define hutch_fortified extern __inline __attribute__((always_inline, gnu_inline, artificial))

_Noreturn void __chk_fail(void);

/* What level 3 measures a heap buffer by (glibc's headers say it; musl's do not). */
void *malloc(size_t) __attribute__((malloc, alloc_size(1)));
void *calloc(size_t, size_t) __attribute__((malloc, alloc_size(1, 2)));
void *realloc(void *, size_t) __attribute__((alloc_size(2)));

hutch_fortified void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
  return __builtin___memcpy_chk(dst, src, n, hutch_object_size(dst));
}

hutch_fortified void *memmove(void *dst, const void *src, size_t n)
{
  return __builtin___memmove_chk(dst, src, n, hutch_object_size(dst));
}

hutch_fortified void *memset(void *dst, int c, size_t n)
{
  return __builtin___memset_chk(dst, c, n, hutch_object_size(dst));
}

hutch_fortified char *strcpy(char *restrict dst, const char *restrict src)
{
  return __builtin___strcpy_chk(dst, src, hutch_string_size(dst));
}

hutch_fortified char *stpcpy(char *restrict dst, const char *restrict src)
{
  return __builtin___stpcpy_chk(dst, src, hutch_string_size(dst));
}

hutch_fortified char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
  return __builtin___strncpy_chk(dst, src, n, hutch_string_size(dst));
}

hutch_fortified char *strcat(char *restrict dst, const char *restrict src)
{
  return __builtin___strcat_chk(dst, src, hutch_string_size(dst));
}

hutch_fortified char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
  return __builtin___strncat_chk(dst, src, n, hutch_string_size(dst));
}

/* The caller's format is checked at the call (these are the libc's names,
 * which GCC knows); inside, it is a pass-through. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

hutch_fortified int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...)
{
  return __builtin___snprintf_chk(s, n, HUTCH_FORTIFY_FLAG, hutch_string_size(s), fmt, __builtin_va_arg_pack());
}

hutch_fortified int sprintf(char *restrict s, const char *restrict fmt, ...)
{
  return __builtin___sprintf_chk(s, HUTCH_FORTIFY_FLAG, hutch_string_size(s), fmt, __builtin_va_arg_pack());
}

hutch_fortified int vsnprintf(char *restrict s, size_t n, const char *restrict fmt, va_list ap)
{
  return __builtin___vsnprintf_chk(s, n, HUTCH_FORTIFY_FLAG, hutch_string_size(s), fmt, ap);
}

hutch_fortified int vsprintf(char *restrict s, const char *restrict fmt, va_list ap)
{
  return __builtin___vsprintf_chk(s, HUTCH_FORTIFY_FLAG, hutch_string_size(s), fmt, ap);
}

#pragma GCC diagnostic pop

/* The calls that fill a caller's buffer: the libc's own function under
 * another name, reached after the length is checked. */
ssize_t hutch_libc_read(int, void *, size_t) __asm__("read");
ssize_t hutch_libc_pread(int, void *, size_t, off_t) __asm__("pread");
ssize_t hutch_libc_readlink(const char *restrict, char *restrict, size_t) __asm__("readlink");
ssize_t hutch_libc_readlinkat(int, const char *restrict, char *restrict, size_t) __asm__("readlinkat");
char *hutch_libc_getcwd(char *, size_t) __asm__("getcwd");
ssize_t hutch_libc_recv(int, void *, size_t, int) __asm__("recv");
ssize_t hutch_libc_recvfrom(int, void *restrict, size_t, int, struct sockaddr *restrict, socklen_t *restrict)
    __asm__("recvfrom");
char *hutch_libc_fgets(char *restrict, int, FILE *restrict) __asm__("fgets");
int hutch_libc_poll(struct pollfd *, nfds_t, int) __asm__("poll");

#define hutch_check_room(buf, n)                                                                                       \
  do {                                                                                                                 \
    if ((size_t) (n) > hutch_object_size(buf))                                                                         \
      __chk_fail();                                                                                                    \
  } while (0)

hutch_fortified ssize_t read(int fd, void *buf, size_t n)
{
  hutch_check_room(buf, n);
  return hutch_libc_read(fd, buf, n);
}

hutch_fortified ssize_t pread(int fd, void *buf, size_t n, off_t offset)
{
  hutch_check_room(buf, n);
  return hutch_libc_pread(fd, buf, n, offset);
}

hutch_fortified ssize_t readlink(const char *restrict path, char *restrict buf, size_t n)
{
  hutch_check_room(buf, n);
  return hutch_libc_readlink(path, buf, n);
}

hutch_fortified ssize_t readlinkat(int dirfd, const char *restrict path, char *restrict buf, size_t n)
{
  hutch_check_room(buf, n);
  return hutch_libc_readlinkat(dirfd, path, buf, n);
}

hutch_fortified char *getcwd(char *buf, size_t n)
{
  if (buf)
    hutch_check_room(buf, n);
  return hutch_libc_getcwd(buf, n);
}

hutch_fortified ssize_t recv(int fd, void *buf, size_t n, int flags)
{
  hutch_check_room(buf, n);
  return hutch_libc_recv(fd, buf, n, flags);
}

hutch_fortified ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags, struct sockaddr *restrict from,
                                 socklen_t *restrict from_len)
{
  hutch_check_room(buf, n);
  return hutch_libc_recvfrom(fd, buf, n, flags, from, from_len);
}

hutch_fortified char *fgets(char *restrict s, int n, FILE *restrict f)
{
  if (n > 0)
    hutch_check_room(s, n);
  return hutch_libc_fgets(s, n, f);
}

hutch_fortified int poll(struct pollfd *fds, nfds_t n, int timeout)
{
  if (n > hutch_object_size(fds) / sizeof *fds)
    __chk_fail();
  return hutch_libc_poll(fds, n, timeout);
}

#undef hutch_fortified

#endif
#endif
