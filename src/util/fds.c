#include "util/fds.h"

#include <errno.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int compare_ints(const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

static int close_span(unsigned from, unsigned to, struct hutch_error **err)
{
  if (from > to)
    return 0;
  if (syscall(SYS_close_range, from, to, 0) < 0)
    return hutch_fail_errno(err, "close_range %u-%u", from, to);
  return 0;
}

int fds_close_except(int first, const int *keep, size_t n_keep, struct hutch_error **err)
{
  enum { MAX_KEEP = 16 };
  if (n_keep > MAX_KEEP)
    return hutch_fail(err, EINVAL, "fds_close_except: %zu fds to keep", n_keep);
  int sorted[MAX_KEEP];
  size_t n = 0;
  for (size_t i = 0; i < n_keep; i++)
    if (keep[i] >= first)
      sorted[n++] = keep[i];
  qsort(sorted, n, sizeof *sorted, compare_ints);
  unsigned from = (unsigned) first;
  for (size_t i = 0; i < n; i++) {
    unsigned k = (unsigned) sorted[i];
    if (k < from)
      continue; /* a repeat */
    if (k > from && close_span(from, k - 1, err) < 0)
      return -1;
    from = k + 1;
  }
  return close_span(from, ~0U, err);
}
