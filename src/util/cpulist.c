#include "util/cpulist.h"
#include "util/decimal.h"

#include <stdio.h>

static const char *skip_spaces(const char *p)
{
  while (*p == ' ')
    p++;
  return p;
}

bool cpulist_valid(const char *list, unsigned long max_id, char *why, size_t why_size)
{
  const char *p = skip_spaces(list);
  if (!*p)
    return true;
  for (;;) {
    unsigned long lo, hi;
    p = skip_spaces(p);
    if (!read_decimal(&p, &lo)) {
      if (why)
        snprintf(why, why_size, "expected a number at \"%s\"", p);
      return false;
    }
    hi = lo;
    if (*p == '-') {
      p++;
      if (!read_decimal(&p, &hi)) {
        if (why)
          snprintf(why, why_size, "expected a number after '-' at \"%s\"", p);
        return false;
      }
      if (hi < lo) {
        if (why)
          snprintf(why, why_size, "range %lu-%lu is reversed", lo, hi);
        return false;
      }
    }
    if (hi > max_id) {
      if (why)
        snprintf(why, why_size, "%lu is larger than %lu", hi, max_id);
      return false;
    }
    p = skip_spaces(p);
    if (!*p)
      return true;
    if (*p != ',') {
      if (why)
        snprintf(why, why_size, "unexpected '%c'", *p);
      return false;
    }
    p++;
  }
}
