#pragma once
/* The fixed vocabularies of the spec: enum names in the order of the C enums
 * in model.h, plus the capability, rlimit and mount-option names hutch knows. */
#include <stdbool.h>
#include <stddef.h>

struct oci_enum {
  const char *what; /* "namespace type", for error messages */
  const char *const *names;
  size_t count;
};

extern const struct oci_enum oci_enum_namespace_type;
extern const struct oci_enum oci_enum_seccomp_action;
extern const struct oci_enum oci_enum_seccomp_operator;
extern const struct oci_enum oci_enum_seccomp_arch;
extern const struct oci_enum oci_enum_seccomp_flag;
extern const struct oci_enum oci_enum_sched_policy;
extern const struct oci_enum oci_enum_sched_flag;
extern const struct oci_enum oci_enum_ioprio_class;
extern const struct oci_enum oci_enum_mpol_mode;
extern const struct oci_enum oci_enum_mpol_flag;
extern const struct oci_enum oci_enum_personality_domain;
extern const struct oci_enum oci_enum_propagation;
extern const struct oci_enum oci_enum_device_type;
extern const struct oci_enum oci_enum_hook_kind;
extern const struct oci_enum oci_enum_platform;
/* String-valued enums of the other platforms. */
extern const struct oci_enum oci_enum_freebsd_sharing;
extern const struct oci_enum oci_enum_freebsd_sharing_no_disable;
extern const struct oci_enum oci_enum_vm_image_format;
extern const struct oci_enum oci_enum_zos_namespace_type;
extern const struct oci_enum oci_enum_windows_device_id_type;

/* Index of name in e, or -1. */
int oci_enum_lookup(const struct oci_enum *e, const char *name);
const char *oci_enum_name(const struct oci_enum *e, int value);

/* Linux capabilities, CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40). */
extern const char *const oci_capability_names[];
extern const size_t oci_capability_count;
int oci_capability_lookup(const char *name);

/* RLIMIT_* names with their resource numbers. */
struct oci_rlimit_name {
  const char *name;
  int resource;
};
extern const struct oci_rlimit_name oci_rlimit_names[];
extern const size_t oci_rlimit_count;
int oci_rlimit_lookup(const char *name); /* resource number or -1 */

/* Mount options the spec names (config.md's table plus runc's extras). */
extern const char *const oci_mount_option_names[];
extern const size_t oci_mount_option_count;
bool oci_mount_option_known(const char *name);
