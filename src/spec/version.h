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

/* Whether version (a config's ociVersion) is below major.minor; false for
 * one that does not parse. */
bool oci_version_before(const char *version, unsigned long major, unsigned long minor);

/* linux.resources.pids.limit 0: a real limit since 1.3.0 ("no new process
 * at all"); before, runc and crun took it for "not set", and configs written
 * for them mean unlimited. The value to apply for a config of this version. */
long long oci_pids_limit_effective(const char *version, long long limit);
