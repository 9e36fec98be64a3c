/* Forced into every file of the musl build (-include), with fortify.h.
 *
 * musl's open() follows every O_CLOEXEC open with fcntl(F_SETFD), for
 * kernels older than 2.6.23 that ignored the flag; its openat() does not.
 * hutch needs a kernel far newer than that, and on a container's start path
 * those fcntls were one syscall in twenty: open() goes through openat(). */
#ifndef HUTCH_COMPAT_MUSL_OPEN_H
#define HUTCH_COMPAT_MUSL_OPEN_H

#include <fcntl.h>

extern __inline __attribute__((always_inline, gnu_inline, artificial)) int open(const char *path, int flags, ...)
{
  return openat(AT_FDCWD, path, flags, __builtin_va_arg_pack());
}

#endif
