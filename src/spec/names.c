#include "spec/names.h"
#include "spec/model.h"
#include "util/cleanup.h"

#include <string.h>
#include <sys/resource.h>

#define DEFINE_ENUM(var, what_, ...)                                    \
  static const char *const var##_names[] = { __VA_ARGS__ };            \
  const struct oci_enum var = { what_, var##_names, ARRAY_SIZE(var##_names) }

DEFINE_ENUM(oci_enum_namespace_type, "namespace type",
            "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
DEFINE_ENUM(oci_enum_seccomp_action, "seccomp action",
            "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
            "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
DEFINE_ENUM(oci_enum_seccomp_operator, "seccomp operator",
            "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
            "SCMP_CMP_MASKED_EQ");
DEFINE_ENUM(oci_enum_seccomp_arch, "seccomp architecture",
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
            "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
            "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
            "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64");
DEFINE_ENUM(oci_enum_seccomp_flag, "seccomp flag",
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
DEFINE_ENUM(oci_enum_sched_policy, "scheduler policy",
            "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
            "SCHED_DEADLINE");
DEFINE_ENUM(oci_enum_sched_flag, "scheduler flag",
            "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
            "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
            "SCHED_FLAG_UTIL_CLAMP_MAX");
DEFINE_ENUM(oci_enum_ioprio_class, "I/O priority class",
            "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
DEFINE_ENUM(oci_enum_mpol_mode, "memory policy mode",
            "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
            "MPOL_PREFERRED_MANY", "MPOL_LOCAL");
DEFINE_ENUM(oci_enum_mpol_flag, "memory policy flag",
            "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES");
DEFINE_ENUM(oci_enum_personality_domain, "personality domain", "LINUX", "LINUX32");
DEFINE_ENUM(oci_enum_propagation, "rootfs propagation", "private", "shared", "slave", "unbindable", "rprivate",
            "rshared", "rslave", "runbindable");
DEFINE_ENUM(oci_enum_device_type, "device type", "c", "b", "u", "p");
DEFINE_ENUM(oci_enum_hook_kind, "hook kind",
            "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
DEFINE_ENUM(oci_enum_platform, "platform", "solaris", "windows", "vm", "zos", "freebsd");
DEFINE_ENUM(oci_enum_freebsd_sharing, "sharing mode", "disable", "new", "inherit");
DEFINE_ENUM(oci_enum_freebsd_sharing_no_disable, "sharing mode", "new", "inherit");
DEFINE_ENUM(oci_enum_vm_image_format, "image format", "raw", "qcow2", "vdi", "vmdk", "vhd");
DEFINE_ENUM(oci_enum_zos_namespace_type, "namespace type", "mount", "pid", "uts", "ipc");
DEFINE_ENUM(oci_enum_windows_device_id_type, "device id type", "class");

_Static_assert(ARRAY_SIZE(oci_enum_namespace_type_names) == OCI_NS_COUNT, "namespace names");
_Static_assert(ARRAY_SIZE(oci_enum_seccomp_action_names) == OCI_SECCOMP_ACT_COUNT, "action names");
_Static_assert(ARRAY_SIZE(oci_enum_seccomp_operator_names) == OCI_SECCOMP_CMP_COUNT, "op names");
_Static_assert(ARRAY_SIZE(oci_enum_seccomp_arch_names) == OCI_ARCH_COUNT, "arch names");
_Static_assert(ARRAY_SIZE(oci_enum_seccomp_flag_names) == OCI_SECCOMP_FLAG_COUNT, "flag names");
_Static_assert(ARRAY_SIZE(oci_enum_sched_policy_names) == OCI_SCHED_POLICY_COUNT, "policy names");
_Static_assert(ARRAY_SIZE(oci_enum_sched_flag_names) == OCI_SCHED_FLAG_COUNT, "sched flag names");
_Static_assert(ARRAY_SIZE(oci_enum_ioprio_class_names) == OCI_IOPRIO_CLASS_COUNT, "ioprio names");
_Static_assert(ARRAY_SIZE(oci_enum_mpol_mode_names) == OCI_MPOL_MODE_COUNT, "mpol mode names");
_Static_assert(ARRAY_SIZE(oci_enum_mpol_flag_names) == OCI_MPOL_FLAG_COUNT, "mpol flag names");
_Static_assert(ARRAY_SIZE(oci_enum_personality_domain_names) == OCI_PERSONALITY_COUNT, "domains");
_Static_assert(ARRAY_SIZE(oci_enum_propagation_names) == OCI_PROPAGATION_COUNT, "propagation");
_Static_assert(ARRAY_SIZE(oci_enum_device_type_names) == OCI_DEVICE_TYPE_COUNT, "device types");
_Static_assert(ARRAY_SIZE(oci_enum_hook_kind_names) == OCI_HOOK_KIND_COUNT, "hook kinds");
_Static_assert(ARRAY_SIZE(oci_enum_platform_names) == OCI_PLATFORM_COUNT, "platforms");

int oci_enum_lookup(const struct oci_enum *e, const char *name)
{
  for (size_t i = 0; i < e->count; i++)
    if (strcmp(e->names[i], name) == 0)
      return (int) i;
  return -1;
}

const char *oci_enum_name(const struct oci_enum *e, int value)
{
  if (value < 0 || (size_t) value >= e->count)
    return "?";
  return e->names[value];
}

const char *const oci_capability_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
const size_t oci_capability_count = ARRAY_SIZE(oci_capability_names);

int oci_capability_lookup(const char *name)
{
  for (size_t i = 0; i < oci_capability_count; i++)
    if (strcmp(oci_capability_names[i], name) == 0)
      return (int) i;
  return -1;
}

const struct oci_rlimit_name oci_rlimit_names[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};
const size_t oci_rlimit_count = ARRAY_SIZE(oci_rlimit_names);

int oci_rlimit_lookup(const char *name)
{
  for (size_t i = 0; i < oci_rlimit_count; i++)
    if (strcmp(oci_rlimit_names[i].name, name) == 0)
      return oci_rlimit_names[i].resource;
  return -1;
}

const char *const oci_mount_option_names[] = {
  "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap",
  "iversion", "lazytime", "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec",
  "noiversion", "nolazytime", "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow",
  "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount", "rexec", "ridmap",
  "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid",
  "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime",
  "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid",
  "symfollow", "sync", "tmpcopyup", "unbindable",
};
const size_t oci_mount_option_count = ARRAY_SIZE(oci_mount_option_names);

bool oci_mount_option_known(const char *name)
{
  for (size_t i = 0; i < oci_mount_option_count; i++)
    if (strcmp(oci_mount_option_names[i], name) == 0)
      return true;
  return false;
}
