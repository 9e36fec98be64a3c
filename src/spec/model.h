#pragma once
/* The OCI runtime configuration (config.json) up to v1.3.0 as typed C data.
 *
 * Conventions, which the schema tables in schema.c rely on:
 * - an optional scalar is an oci_opt_* with a `set` flag;
 * - an optional object is a pointer, NULL when absent;
 * - an array is OCI_ARRAY(T): items, len and `set` (absent vs. empty);
 * - a map is an array of entries whose first member is the key;
 * - enums are C enums whose values index the name tables in names.c.
 * Everything hangs off an arena owned by struct oci_config. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct json_node;

typedef struct { bool value; bool set; } oci_opt_bool;
typedef struct { int32_t value; bool set; } oci_opt_i32;
typedef struct { int64_t value; bool set; } oci_opt_i64;
typedef struct { uint8_t value; bool set; } oci_opt_u8;
typedef struct { uint16_t value; bool set; } oci_opt_u16;
typedef struct { uint32_t value; bool set; } oci_opt_u32;
typedef struct { uint64_t value; bool set; } oci_opt_u64;
typedef struct { int value; bool set; } oci_opt_enum;

#define OCI_ARRAY(T) struct { T *items; size_t len; bool set; }

typedef OCI_ARRAY(char *) oci_strings;
typedef OCI_ARRAY(uint32_t) oci_u32s;
typedef OCI_ARRAY(int) oci_enums;

struct oci_kv {
  char *key;
  char *value;
};
typedef OCI_ARRAY(struct oci_kv) oci_string_map;

/* ---- enums (order = name tables in names.c) ---- */

enum oci_namespace_type {
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_MOUNT,
  OCI_NS_IPC,
  OCI_NS_UTS,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS_COUNT
};

enum oci_seccomp_action {
  OCI_SECCOMP_ACT_KILL,
  OCI_SECCOMP_ACT_KILL_PROCESS,
  OCI_SECCOMP_ACT_KILL_THREAD,
  OCI_SECCOMP_ACT_TRAP,
  OCI_SECCOMP_ACT_ERRNO,
  OCI_SECCOMP_ACT_TRACE,
  OCI_SECCOMP_ACT_ALLOW,
  OCI_SECCOMP_ACT_LOG,
  OCI_SECCOMP_ACT_NOTIFY,
  OCI_SECCOMP_ACT_COUNT
};

enum oci_seccomp_operator {
  OCI_SECCOMP_CMP_NE,
  OCI_SECCOMP_CMP_LT,
  OCI_SECCOMP_CMP_LE,
  OCI_SECCOMP_CMP_EQ,
  OCI_SECCOMP_CMP_GE,
  OCI_SECCOMP_CMP_GT,
  OCI_SECCOMP_CMP_MASKED_EQ,
  OCI_SECCOMP_CMP_COUNT
};

enum oci_seccomp_arch {
  OCI_ARCH_X86,
  OCI_ARCH_X86_64,
  OCI_ARCH_X32,
  OCI_ARCH_ARM,
  OCI_ARCH_AARCH64,
  OCI_ARCH_LOONGARCH64,
  OCI_ARCH_M68K,
  OCI_ARCH_MIPS,
  OCI_ARCH_MIPS64,
  OCI_ARCH_MIPS64N32,
  OCI_ARCH_MIPSEL,
  OCI_ARCH_MIPSEL64,
  OCI_ARCH_MIPSEL64N32,
  OCI_ARCH_PPC,
  OCI_ARCH_PPC64,
  OCI_ARCH_PPC64LE,
  OCI_ARCH_S390,
  OCI_ARCH_S390X,
  OCI_ARCH_SH,
  OCI_ARCH_SHEB,
  OCI_ARCH_PARISC,
  OCI_ARCH_PARISC64,
  OCI_ARCH_RISCV64,
  OCI_ARCH_COUNT
};

enum oci_seccomp_flag {
  OCI_SECCOMP_FLAG_TSYNC,
  OCI_SECCOMP_FLAG_LOG,
  OCI_SECCOMP_FLAG_SPEC_ALLOW,
  OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV,
  OCI_SECCOMP_FLAG_COUNT
};

enum oci_sched_policy {
  OCI_SCHED_OTHER,
  OCI_SCHED_FIFO,
  OCI_SCHED_RR,
  OCI_SCHED_BATCH,
  OCI_SCHED_ISO,
  OCI_SCHED_IDLE,
  OCI_SCHED_DEADLINE,
  OCI_SCHED_POLICY_COUNT
};

enum oci_sched_flag {
  OCI_SCHED_FLAG_RESET_ON_FORK,
  OCI_SCHED_FLAG_RECLAIM,
  OCI_SCHED_FLAG_DL_OVERRUN,
  OCI_SCHED_FLAG_KEEP_POLICY,
  OCI_SCHED_FLAG_KEEP_PARAMS,
  OCI_SCHED_FLAG_UTIL_CLAMP_MIN,
  OCI_SCHED_FLAG_UTIL_CLAMP_MAX,
  OCI_SCHED_FLAG_COUNT
};

enum oci_ioprio_class {
  OCI_IOPRIO_CLASS_RT,
  OCI_IOPRIO_CLASS_BE,
  OCI_IOPRIO_CLASS_IDLE,
  OCI_IOPRIO_CLASS_COUNT
};

enum oci_mpol_mode {
  OCI_MPOL_DEFAULT,
  OCI_MPOL_BIND,
  OCI_MPOL_INTERLEAVE,
  OCI_MPOL_WEIGHTED_INTERLEAVE,
  OCI_MPOL_PREFERRED,
  OCI_MPOL_PREFERRED_MANY,
  OCI_MPOL_LOCAL,
  OCI_MPOL_MODE_COUNT
};

enum oci_mpol_flag {
  OCI_MPOL_F_NUMA_BALANCING,
  OCI_MPOL_F_RELATIVE_NODES,
  OCI_MPOL_F_STATIC_NODES,
  OCI_MPOL_FLAG_COUNT
};

enum oci_personality_domain {
  OCI_PERSONALITY_LINUX,
  OCI_PERSONALITY_LINUX32,
  OCI_PERSONALITY_COUNT
};

enum oci_propagation {
  OCI_PROPAGATION_PRIVATE,
  OCI_PROPAGATION_SHARED,
  OCI_PROPAGATION_SLAVE,
  OCI_PROPAGATION_UNBINDABLE,
  /* Not in the spec's enum, but containerd sends them (Kubernetes mount
   * propagation) and runc and crun accept them: they mean the same. */
  OCI_PROPAGATION_RPRIVATE,
  OCI_PROPAGATION_RSHARED,
  OCI_PROPAGATION_RSLAVE,
  OCI_PROPAGATION_RUNBINDABLE,
  OCI_PROPAGATION_COUNT
};

enum oci_device_type {
  OCI_DEVICE_CHAR,       /* "c" */
  OCI_DEVICE_BLOCK,      /* "b" */
  OCI_DEVICE_UNBUFFERED, /* "u" */
  OCI_DEVICE_FIFO,       /* "p" */
  OCI_DEVICE_TYPE_COUNT
};

enum oci_hook_kind {
  OCI_HOOK_PRESTART,
  OCI_HOOK_CREATE_RUNTIME,
  OCI_HOOK_CREATE_CONTAINER,
  OCI_HOOK_START_CONTAINER,
  OCI_HOOK_POSTSTART,
  OCI_HOOK_POSTSTOP,
  OCI_HOOK_KIND_COUNT
};

/* Platforms other than Linux, recognised so they can be refused by name. */
enum oci_platform {
  OCI_PLATFORM_SOLARIS,
  OCI_PLATFORM_WINDOWS,
  OCI_PLATFORM_VM,
  OCI_PLATFORM_ZOS,
  OCI_PLATFORM_FREEBSD,
  OCI_PLATFORM_COUNT
};

/* ---- shared pieces ---- */

struct oci_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};
typedef OCI_ARRAY(struct oci_id_mapping) oci_id_mappings;

struct oci_hook {
  char *path;
  oci_strings args;
  oci_strings env;
  oci_opt_i64 timeout;
};
typedef OCI_ARRAY(struct oci_hook) oci_hook_list;

/* ---- root, mounts ---- */

struct oci_root {
  char *path;
  oci_opt_bool readonly;
};

struct oci_mount {
  char *destination;
  char *source;
  char *type;
  oci_strings options;
  oci_id_mappings uid_mappings;
  oci_id_mappings gid_mappings;
};
typedef OCI_ARRAY(struct oci_mount) oci_mounts;

/* ---- process ---- */

struct oci_console_size {
  uint64_t height;
  uint64_t width;
};

struct oci_user {
  oci_opt_u32 uid;
  oci_opt_u32 gid;
  oci_opt_u32 umask;
  oci_u32s additional_gids;
  char *username; /* Windows */
};

struct oci_capabilities {
  oci_strings bounding;
  oci_strings effective;
  oci_strings inheritable;
  oci_strings permitted;
  oci_strings ambient;
};

struct oci_rlimit {
  char *type;
  uint64_t soft;
  uint64_t hard;
};
typedef OCI_ARRAY(struct oci_rlimit) oci_rlimits;

struct oci_scheduler {
  oci_opt_enum policy; /* enum oci_sched_policy */
  oci_opt_i32 nice;
  oci_opt_i32 priority;
  oci_enums flags; /* enum oci_sched_flag */
  oci_opt_u64 runtime;
  oci_opt_u64 deadline;
  oci_opt_u64 period;
};

struct oci_io_priority {
  oci_opt_enum io_class; /* enum oci_ioprio_class */
  oci_opt_i32 priority;
};

struct oci_cpu_affinity {
  char *initial;
  char *final;
};

struct oci_process {
  oci_opt_bool terminal;
  struct oci_console_size *console_size;
  char *cwd;
  oci_strings env;
  oci_strings args;
  char *command_line; /* Windows */
  oci_rlimits rlimits;
  struct oci_capabilities *capabilities;
  oci_opt_bool no_new_privileges;
  char *apparmor_profile;
  oci_opt_i32 oom_score_adj;
  struct oci_scheduler *scheduler;
  char *selinux_label;
  struct oci_io_priority *io_priority;
  struct oci_cpu_affinity *exec_cpu_affinity;
  struct oci_user *user;
};

/* ---- hooks ---- */

struct oci_hooks {
  oci_hook_list kinds[OCI_HOOK_KIND_COUNT]; /* indexed by enum oci_hook_kind */
};

/* ---- linux ---- */

struct oci_namespace {
  oci_opt_enum type; /* enum oci_namespace_type */
  char *path;
};
typedef OCI_ARRAY(struct oci_namespace) oci_namespaces;

struct oci_time_offset {
  char *clock; /* map key: "monotonic" or "boottime" */
  oci_opt_i64 secs;
  oci_opt_u32 nanosecs;
};
typedef OCI_ARRAY(struct oci_time_offset) oci_time_offsets;

struct oci_device {
  oci_opt_enum type; /* enum oci_device_type */
  char *path;
  oci_opt_i64 major;
  oci_opt_i64 minor;
  oci_opt_u32 file_mode;
  oci_opt_u32 uid;
  oci_opt_u32 gid;
};
typedef OCI_ARRAY(struct oci_device) oci_devices;

struct oci_net_device {
  char *host_name; /* map key */
  char *name;
};
typedef OCI_ARRAY(struct oci_net_device) oci_net_devices;

struct oci_device_cgroup {
  bool allow;
  char *type; /* "a", "c" or "b"; absent means "a" */
  oci_opt_i64 major;
  oci_opt_i64 minor;
  char *access;
};
typedef OCI_ARRAY(struct oci_device_cgroup) oci_device_cgroups;

struct oci_memory {
  oci_opt_i64 limit;
  oci_opt_i64 reservation;
  oci_opt_i64 swap;
  oci_opt_i64 kernel;
  oci_opt_i64 kernel_tcp;
  oci_opt_u64 swappiness;
  oci_opt_bool disable_oom_killer;
  oci_opt_bool use_hierarchy;
  oci_opt_bool check_before_update;
};

struct oci_cpu {
  oci_opt_u64 shares;
  oci_opt_i64 quota;
  oci_opt_u64 burst;
  oci_opt_u64 period;
  oci_opt_i64 realtime_runtime;
  oci_opt_u64 realtime_period;
  char *cpus;
  char *mems;
  oci_opt_i64 idle;
};

struct oci_weight_device {
  int64_t major;
  int64_t minor;
  oci_opt_u16 weight;
  oci_opt_u16 leaf_weight;
};
typedef OCI_ARRAY(struct oci_weight_device) oci_weight_devices;

struct oci_throttle_device {
  int64_t major;
  int64_t minor;
  oci_opt_u64 rate;
};
typedef OCI_ARRAY(struct oci_throttle_device) oci_throttle_devices;

struct oci_block_io {
  oci_opt_u16 weight;
  oci_opt_u16 leaf_weight;
  oci_weight_devices weight_device;
  oci_throttle_devices throttle_read_bps_device;
  oci_throttle_devices throttle_write_bps_device;
  oci_throttle_devices throttle_read_iops_device;
  oci_throttle_devices throttle_write_iops_device;
};

struct oci_hugepage_limit {
  char *page_size;
  uint64_t limit;
};
typedef OCI_ARRAY(struct oci_hugepage_limit) oci_hugepage_limits;

struct oci_net_priority {
  char *name;
  uint32_t priority;
};
typedef OCI_ARRAY(struct oci_net_priority) oci_net_priorities;

struct oci_network {
  oci_opt_u32 class_id;
  oci_net_priorities priorities;
};

struct oci_pids {
  oci_opt_i64 limit;
};

struct oci_rdma {
  char *device; /* map key */
  oci_opt_u32 hca_handles;
  oci_opt_u32 hca_objects;
};
typedef OCI_ARRAY(struct oci_rdma) oci_rdmas;

struct oci_resources {
  oci_device_cgroups devices;
  struct oci_memory *memory;
  struct oci_cpu *cpu;
  struct oci_block_io *block_io;
  oci_hugepage_limits hugepage_limits;
  struct oci_network *network;
  struct oci_pids *pids;
  oci_rdmas rdma;
  oci_string_map unified;
};

struct oci_syscall_arg {
  uint32_t index;
  uint64_t value;
  oci_opt_u64 value_two;
  oci_opt_enum op; /* enum oci_seccomp_operator */
};
typedef OCI_ARRAY(struct oci_syscall_arg) oci_syscall_args;

struct oci_syscall {
  oci_strings names;
  oci_opt_enum action; /* enum oci_seccomp_action */
  oci_opt_u32 errno_ret;
  oci_syscall_args args;
};
typedef OCI_ARRAY(struct oci_syscall) oci_syscalls;

struct oci_seccomp {
  oci_opt_enum default_action; /* enum oci_seccomp_action */
  oci_opt_u32 default_errno_ret;
  oci_enums architectures; /* enum oci_seccomp_arch */
  oci_enums flags;         /* enum oci_seccomp_flag */
  char *listener_path;
  char *listener_metadata;
  oci_syscalls syscalls;
};

struct oci_intel_rdt {
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  oci_strings schemata;
  oci_opt_bool enable_monitoring;
};

struct oci_memory_policy {
  oci_opt_enum mode; /* enum oci_mpol_mode */
  char *nodes;
  oci_enums flags; /* enum oci_mpol_flag */
};

struct oci_personality {
  oci_opt_enum domain; /* enum oci_personality_domain */
  oci_strings flags;
};

struct oci_linux {
  oci_devices devices;
  oci_net_devices net_devices;
  oci_id_mappings uid_mappings;
  oci_id_mappings gid_mappings;
  oci_namespaces namespaces;
  oci_time_offsets time_offsets;
  struct oci_resources *resources;
  char *cgroups_path;
  oci_opt_enum rootfs_propagation; /* enum oci_propagation */
  struct oci_seccomp *seccomp;
  oci_string_map sysctl;
  oci_strings masked_paths;
  oci_strings readonly_paths;
  char *mount_label;
  struct oci_intel_rdt *intel_rdt;
  struct oci_memory_policy *memory_policy;
  struct oci_personality *personality;
};

/* ---- other platforms: parsed to the schema, then refused ---- */

struct oci_solaris_capped_cpu {
  char *ncpus;
};
struct oci_solaris_capped_memory {
  char *physical;
  char *swap;
};
struct oci_solaris_anet {
  char *linkname;
  char *lower_link;
  char *allowed_address;
  char *configure_allowed_address;
  char *defrouter;
  char *mac_address;
  char *link_protection;
};
struct oci_solaris {
  char *milestone;
  char *limitpriv;
  char *max_shm_memory;
  struct oci_solaris_capped_cpu *capped_cpu;
  struct oci_solaris_capped_memory *capped_memory;
  OCI_ARRAY(struct oci_solaris_anet) anet;
};

struct oci_windows_device {
  char *id;
  char *id_type;
};
struct oci_windows_memory {
  oci_opt_u64 limit;
};
struct oci_windows_cpu {
  oci_opt_u64 count;
  oci_opt_u16 shares;
  oci_opt_u16 maximum;
  struct json_node *affinity; /* the schema and the prose disagree on its shape */
};
struct oci_windows_storage {
  oci_opt_u64 iops;
  oci_opt_u64 bps;
  oci_opt_u64 sandbox_size;
};
struct oci_windows_resources {
  struct oci_windows_memory *memory;
  struct oci_windows_cpu *cpu;
  struct oci_windows_storage *storage;
};
struct oci_windows_network {
  oci_strings endpoint_list;
  oci_opt_bool allow_unqualified_dns_query;
  oci_strings dns_search_list;
  char *network_shared_container_name;
  char *network_namespace;
};
struct oci_windows_hyperv {
  char *utility_vm_path;
};
struct oci_windows {
  oci_strings layer_folders;
  OCI_ARRAY(struct oci_windows_device) devices;
  struct oci_windows_resources *resources;
  struct oci_windows_network *network;
  struct json_node *credential_spec; /* free-form */
  oci_opt_bool servicing;
  oci_opt_bool ignore_flushes_during_boot;
  struct oci_windows_hyperv *hyperv;
};

struct oci_vm_hypervisor {
  char *path;
  oci_strings parameters;
};
struct oci_vm_kernel {
  char *path;
  oci_strings parameters;
  char *initrd;
};
struct oci_vm_image {
  char *path;
  char *format;
};
struct oci_vm_iomem {
  oci_opt_u64 first_gfn;
  uint64_t first_mfn;
  uint64_t nr_mfns;
};
struct oci_vm_hw_config {
  char *device_tree;
  oci_opt_u32 vcpus;
  oci_opt_u64 memory;
  oci_strings dtdevs;
  OCI_ARRAY(struct oci_vm_iomem) iomems;
  oci_u32s irqs;
};
struct oci_vm {
  struct oci_vm_hypervisor *hypervisor;
  struct oci_vm_kernel *kernel;
  struct oci_vm_image *image;
  struct oci_vm_hw_config *hw_config;
};

struct oci_zos_namespace {
  char *type; /* pid, mount, ipc, uts */
  char *path;
};
struct oci_zos {
  OCI_ARRAY(struct oci_zos_namespace) namespaces;
};

struct oci_freebsd_device {
  char *path;
  oci_opt_u32 mode;
};
struct oci_freebsd_jail_allow {
  oci_opt_bool set_hostname;
  oci_opt_bool raw_sockets;
  oci_opt_bool chflags;
  oci_strings mount;
  oci_opt_bool quotas;
  oci_opt_bool socket_af;
  oci_opt_bool mlock;
  oci_opt_bool reserved_ports;
  oci_opt_bool suser;
};
struct oci_freebsd_jail {
  char *parent;
  char *host;
  char *ip4;
  oci_strings ip4_addr;
  char *ip6;
  oci_strings ip6_addr;
  char *vnet;
  char *interface;
  oci_strings vnet_interfaces;
  char *sysvmsg;
  char *sysvsem;
  char *sysvshm;
  oci_opt_u8 enforce_statfs;
  struct oci_freebsd_jail_allow *allow;
};
struct oci_freebsd {
  OCI_ARRAY(struct oci_freebsd_device) devices;
  struct oci_freebsd_jail *jail;
};

/* ---- the whole document ---- */

struct oci_config {
  char *oci_version;
  struct oci_root *root;
  oci_mounts mounts;
  struct oci_process *process;
  char *hostname;
  char *domainname;
  struct oci_hooks *hooks;
  oci_string_map annotations;
  struct oci_linux *linux_;
  struct oci_solaris *solaris;
  struct oci_windows *windows;
  struct oci_vm *vm;
  struct oci_zos *zos;
  struct oci_freebsd *freebsd;

  struct arena arena; /* owns everything above */
};
