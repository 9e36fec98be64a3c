#include "util/duration.h"

#include <stdbool.h>
#include <string.h>

static const struct {
  const char *name;
  uint64_t ns;
} units[] = {
  { "ns", 1 },
  { "us", 1000 },
  { "\xc2\xb5s", 1000 }, /* µs */
  { "ms", 1000000 },
  { "s", 1000000000 },
  { "m", 60ULL * 1000000000 },
  { "h", 3600ULL * 1000000000 },
};

/* The longest unit name that starts p, or -1. */
static int unit_at(const char *p, size_t *len)
{
  int best = -1;
  size_t best_len = 0;
  for (int i = 0; i < (int) (sizeof units / sizeof *units); i++) {
    size_t n = strlen(units[i].name);
    if (n > best_len && strncmp(p, units[i].name, n) == 0) {
      best = i;
      best_len = n;
    }
  }
  *len = best_len;
  return best;
}

int duration_parse(const char *text, uint64_t *ns, struct hutch_error **err)
{
  const char *p = text;
  if (strcmp(p, "0") == 0) {
    *ns = 0;
    return 0;
  }
  if (!*p)
    return hutch_fail(err, 0, "invalid duration \"\": empty");
  uint64_t total = 0;
  while (*p) {
    uint64_t whole = 0, frac = 0, scale = 1;
    const char *start = p;
    for (; *p >= '0' && *p <= '9'; p++) {
      if (whole > (UINT64_MAX - 9) / 10)
        return hutch_fail(err, 0, "invalid duration \"%s\": too large", text);
      whole = whole * 10 + (uint64_t) (*p - '0');
    }
    bool digits = p > start;
    if (*p == '.') {
      p++;
      const char *fstart = p;
      for (; *p >= '0' && *p <= '9'; p++)
        if (scale < 1000000000000000000ULL) {
          frac = frac * 10 + (uint64_t) (*p - '0');
          scale *= 10;
        }
      digits = digits || p > fstart;
    }
    if (!digits)
      return hutch_fail(err, 0, "invalid duration \"%s\": expected a number at \"%s\"", text, start);
    size_t len;
    int u = unit_at(p, &len);
    if (u < 0)
      return hutch_fail(err, 0, "invalid duration \"%s\": missing or unknown unit at \"%s\" (ns, us, ms, s, m, h)",
                        text, p);
    p += len;
    uint64_t unit = units[u].ns;
    if (whole > UINT64_MAX / unit)
      return hutch_fail(err, 0, "invalid duration \"%s\": too large", text);
    /* The fraction of a unit, below one unit: long double keeps it exact
     * to the nanosecond for any unit here. */
    long double part = (long double) frac * (long double) unit / (long double) scale;
    uint64_t value = whole * unit;
    if (value > UINT64_MAX - (uint64_t) part || total > UINT64_MAX - value - (uint64_t) part)
      return hutch_fail(err, 0, "invalid duration \"%s\": too large", text);
    total += value + (uint64_t) part;
  }
  *ns = total;
  return 0;
}
