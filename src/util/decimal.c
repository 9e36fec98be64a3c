#include "util/decimal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

bool read_decimal(const char **pp, unsigned long *out)
{
  const char *p = *pp;
  if (!isdigit((unsigned char) *p))
    return false;
  errno = 0;
  char *end;
  unsigned long v = strtoul(p, &end, 10);
  if (errno)
    return false;
  *out = v;
  *pp = end;
  return true;
}
