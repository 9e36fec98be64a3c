#pragma once
/* The features document (features.md, features-linux.md of v1.3.0): what a
 * backend implements. Absent members mean "unknown"; hutch fills every one
 * it can state truthfully. */
#include "spec/model.h"
#include "util/strbuf.h"

struct oci_features_flag {
  oci_opt_bool enabled;
};

struct oci_features_cgroup {
  oci_opt_bool v1;
  oci_opt_bool v2;
  oci_opt_bool systemd;
  oci_opt_bool systemd_user;
  oci_opt_bool rdma;
};

struct oci_features_seccomp {
  oci_opt_bool enabled;
  oci_strings actions;
  oci_strings operators;
  oci_strings archs;
  oci_strings known_flags;
  oci_strings supported_flags;
};

struct oci_features_intel_rdt {
  oci_opt_bool enabled;
  oci_opt_bool schemata;
  oci_opt_bool monitoring;
};

struct oci_features_memory_policy {
  oci_strings modes;
  oci_strings flags;
};

struct oci_features_mount_extensions {
  struct oci_features_flag *idmap;
};

struct oci_features_linux {
  oci_strings namespaces;
  oci_strings capabilities;
  struct oci_features_cgroup *cgroup;
  struct oci_features_seccomp *seccomp;
  struct oci_features_flag *apparmor;
  struct oci_features_flag *selinux;
  struct oci_features_intel_rdt *intel_rdt;
  struct oci_features_memory_policy *memory_policy;
  struct oci_features_mount_extensions *mount_extensions;
  struct oci_features_flag *net_devices;
};

struct oci_features {
  char *oci_version_min;
  char *oci_version_max;
  oci_strings hooks;
  oci_strings mount_options;
  oci_string_map annotations;
  oci_strings potentially_unsafe_config_annotations;
  struct oci_features_linux *linux_;
};

extern const struct oci_type oci_type_features;

void oci_features_write(struct strbuf *out, const struct oci_features *f, const char *indent);

/* True when name is in the list. */
bool oci_strings_contain(const oci_strings *list, const char *name);
