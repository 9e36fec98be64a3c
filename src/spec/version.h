#pragma once
/* The spec versions hutch accepts in config.json's ociVersion. */
#include <stdbool.h>
#include <stddef.h>

/* What `hutch features` reports; any patch release of a minor version in
 * [MIN, MAX] is accepted (1.3.7 too), as are pre-releases of them. */
#define HUTCH_OCI_VERSION_MIN "1.0.0"
#define HUTCH_OCI_VERSION_MAX "1.3.0"
#define HUTCH_OCI_VERSION_SPEC "1.3.0"

struct semver {
  unsigned long major, minor, patch;
  bool prerelease;
};

/* Strict SemVer 2.0.0 parsing; false when s is not a SemVer version. */
bool semver_parse(const char *s, struct semver *out);

/* Whether a config of this ociVersion is accepted (major.minor in range). */
bool oci_version_supported(const struct semver *v);
