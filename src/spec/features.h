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

/* One of a runtime's own annotations, options, commands or files, so that an
 * engine can discover it. The spec has no member for these (runc and crun
 * users asked for one), and a features document may not hold members its
 * ociVersionMax does not define: the list is written as a JSON array into
 * the free-form annotations, under OCI_FEATURES_EXTENSIONS_KEY. */
struct oci_features_extension {
  char *kind; /* "annotation", "option", "command" or "file" */
  char *name; /* "run.hutch.backend", "--backend", "validate", a path */
  oci_strings commands; /* an option: the commands that take it ("" for a global one) */
  oci_strings values;   /* the values it takes, when they are a fixed set */
  char *description;
};

typedef OCI_ARRAY(struct oci_features_extension) oci_features_extensions;

#define OCI_FEATURES_EXTENSIONS_KEY "io.hutch.vendorExtensions"

struct oci_features {
  char *oci_version_min;
  char *oci_version_max;
  oci_strings hooks;
  oci_strings mount_options;
  oci_string_map annotations;
  oci_strings potentially_unsafe_config_annotations;
  struct oci_features_linux *linux_;
  oci_features_extensions vendor_extensions; /* not a member of the document: see above */
};

extern const struct oci_type oci_type_features;
extern const struct oci_type oci_type_features_extension;

void oci_features_write(struct strbuf *out, const struct oci_features *f, const char *indent);

/* Appends an extension; values and commands are space-separated lists (NULL
 * for none), copied into arena like the other strings. */
void oci_features_add_extension(struct oci_features *f, struct arena *arena, const char *kind, const char *name,
                                const char *commands, const char *values, const char *description);

/* True when name is in the list. */
bool oci_strings_contain(const oci_strings *list, const char *name);
