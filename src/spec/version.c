#include "spec/version.h"
#include "util/decimal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A numeric identifier: digits without a leading zero. */
static bool numeric_identifier(const char **pp, unsigned long *out)
{
  const char *p = *pp;
  if (p[0] == '0' && isdigit((unsigned char) p[1]))
    return false;
  return read_decimal(pp, out);
}

/* Dot-separated identifiers of [0-9A-Za-z-]; numeric pre-release
 * identifiers must not have leading zeros (checked when strict). */
static bool identifiers(const char **pp, bool strict_numeric)
{
  const char *p = *pp;
  for (;;) {
    const char *start = p;
    bool all_digits = true;
    while (isalnum((unsigned char) *p) || *p == '-') {
      if (!isdigit((unsigned char) *p))
        all_digits = false;
      p++;
    }
    if (p == start)
      return false;
    if (strict_numeric && all_digits && start[0] == '0' && p - start > 1)
      return false;
    if (*p != '.')
      break;
    p++;
  }
  *pp = p;
  return true;
}

bool semver_parse(const char *s, struct semver *out)
{
  const char *p = s;
  struct semver v = { 0, 0, 0, false };
  if (!numeric_identifier(&p, &v.major) || *p++ != '.' || !numeric_identifier(&p, &v.minor) || *p++ != '.' ||
      !numeric_identifier(&p, &v.patch))
    return false;
  if (*p == '-') {
    p++;
    v.prerelease = true;
    if (!identifiers(&p, true))
      return false;
  }
  if (*p == '+') {
    p++;
    if (!identifiers(&p, false))
      return false;
  }
  if (*p)
    return false;
  *out = v;
  return true;
}

bool oci_version_supported(const struct semver *v)
{
  struct semver lo, hi;
  semver_parse(HUTCH_OCI_VERSION_MIN, &lo);
  semver_parse(HUTCH_OCI_VERSION_MAX, &hi);
  if (v->major != lo.major || v->major != hi.major)
    return false;
  return v->minor >= lo.minor && v->minor <= hi.minor;
}

bool oci_version_before(const char *version, unsigned long major, unsigned long minor)
{
  struct semver v;
  if (!version || !semver_parse(version, &v))
    return false;
  return v.major < major || (v.major == major && v.minor < minor);
}

long long oci_pids_limit_effective(const char *version, long long limit)
{
  return limit == 0 && oci_version_before(version, 1, 3) ? -1 : limit;
}
