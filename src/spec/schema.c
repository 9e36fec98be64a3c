/* The tables follow the v1.3.0 JSON schema: `REQUIRED` marks what the schema
 * requires. What only the prose requires (root, process.args, process.user,
 * ioPriority.priority, memoryPolicy.mode, personality.domain) is checked by
 * the validator, so schema fixtures are judged exactly as the schema does. */
#include "spec/schema.h"
#include "spec/schema_macros.h"

/* Types defined further down but referenced earlier. */
extern const struct oci_type oci_type_id_mapping, oci_type_hook, oci_type_root, oci_type_mount,
    oci_type_console_size, oci_type_user, oci_type_capabilities, oci_type_rlimit, oci_type_scheduler,
    oci_type_io_priority, oci_type_cpu_affinity, oci_type_hooks, oci_type_namespace,
    oci_type_time_offset, oci_type_device, oci_type_net_device, oci_type_device_cgroup,
    oci_type_memory, oci_type_cpu, oci_type_weight_device, oci_type_throttle_device,
    oci_type_block_io, oci_type_hugepage_limit, oci_type_net_priority, oci_type_network,
    oci_type_pids, oci_type_rdma, oci_type_syscall_arg, oci_type_syscall, oci_type_seccomp,
    oci_type_intel_rdt, oci_type_memory_policy, oci_type_personality, oci_type_linux,
    oci_type_solaris_capped_cpu, oci_type_solaris_capped_memory, oci_type_solaris_anet,
    oci_type_solaris, oci_type_windows_device, oci_type_windows_memory, oci_type_windows_cpu,
    oci_type_windows_storage, oci_type_windows_resources, oci_type_windows_network,
    oci_type_windows_hyperv, oci_type_windows, oci_type_vm_hypervisor, oci_type_vm_kernel,
    oci_type_vm_image, oci_type_vm_iomem, oci_type_vm_hw_config, oci_type_vm,
    oci_type_zos_namespace, oci_type_zos, oci_type_freebsd_device, oci_type_freebsd_jail_allow,
    oci_type_freebsd_jail, oci_type_freebsd;

/* ---- shared ---- */

DEFINE_TYPE(oci_type_id_mapping, struct oci_id_mapping,
  PU32(struct oci_id_mapping, container_id, "containerID", REQUIRED),
  PU32(struct oci_id_mapping, host_id, "hostID", REQUIRED),
  PU32(struct oci_id_mapping, size, "size", REQUIRED));

DEFINE_TYPE(oci_type_hook, struct oci_hook,
  STR(struct oci_hook, path, "path", REQUIRED),
  STRARR(struct oci_hook, args, "args"),
  STRARR(struct oci_hook, env, "env"),
  OI64(struct oci_hook, timeout, "timeout"));

/* ---- root, mounts ---- */

DEFINE_TYPE(oci_type_root, struct oci_root,
  STR(struct oci_root, path, "path", REQUIRED),
  OBOOL(struct oci_root, readonly, "readonly"));

DEFINE_TYPE(oci_type_mount, struct oci_mount,
  STR(struct oci_mount, destination, "destination", REQUIRED),
  STR(struct oci_mount, source, "source"),
  STR(struct oci_mount, type, "type"),
  STRARR(struct oci_mount, options, "options"),
  OBJARR(struct oci_mount, uid_mappings, "uidMappings", struct oci_id_mapping, oci_type_id_mapping),
  OBJARR(struct oci_mount, gid_mappings, "gidMappings", struct oci_id_mapping, oci_type_id_mapping));

/* ---- process ---- */

DEFINE_TYPE(oci_type_console_size, struct oci_console_size,
  PU64(struct oci_console_size, height, "height", REQUIRED),
  PU64(struct oci_console_size, width, "width", REQUIRED));

DEFINE_TYPE(oci_type_user, struct oci_user,
  OU32(struct oci_user, uid, "uid"),
  OU32(struct oci_user, gid, "gid"),
  OU32(struct oci_user, umask, "umask"),
  U32ARR(struct oci_user, additional_gids, "additionalGids"),
  STR(struct oci_user, username, "username"));

DEFINE_TYPE(oci_type_capabilities, struct oci_capabilities,
  STRARR(struct oci_capabilities, bounding, "bounding"),
  STRARR(struct oci_capabilities, effective, "effective"),
  STRARR(struct oci_capabilities, inheritable, "inheritable"),
  STRARR(struct oci_capabilities, permitted, "permitted"),
  STRARR(struct oci_capabilities, ambient, "ambient"));

DEFINE_TYPE(oci_type_rlimit, struct oci_rlimit,
  STR(struct oci_rlimit, type, "type", REQUIRED),
  PU64(struct oci_rlimit, soft, "soft", REQUIRED),
  PU64(struct oci_rlimit, hard, "hard", REQUIRED));

DEFINE_TYPE(oci_type_scheduler, struct oci_scheduler,
  ENUM(struct oci_scheduler, policy, "policy", oci_enum_sched_policy, REQUIRED),
  OI32(struct oci_scheduler, nice, "nice"),
  OI32(struct oci_scheduler, priority, "priority"),
  ENUMARR(struct oci_scheduler, flags, "flags", oci_enum_sched_flag),
  OU64(struct oci_scheduler, runtime, "runtime"),
  OU64(struct oci_scheduler, deadline, "deadline"),
  OU64(struct oci_scheduler, period, "period"));

DEFINE_TYPE(oci_type_io_priority, struct oci_io_priority,
  ENUM(struct oci_io_priority, io_class, "class", oci_enum_ioprio_class, REQUIRED),
  OI32(struct oci_io_priority, priority, "priority"));

DEFINE_TYPE(oci_type_cpu_affinity, struct oci_cpu_affinity,
  STR(struct oci_cpu_affinity, initial, "initial"),
  STR(struct oci_cpu_affinity, final, "final"));

DEFINE_TYPE(oci_type_process, struct oci_process,
  OBOOL(struct oci_process, terminal, "terminal"),
  OBJ(struct oci_process, console_size, "consoleSize", struct oci_console_size, oci_type_console_size),
  STR(struct oci_process, cwd, "cwd", REQUIRED),
  STRARR(struct oci_process, env, "env"),
  STRARR(struct oci_process, args, "args"),
  STR(struct oci_process, command_line, "commandLine"),
  OBJARR(struct oci_process, rlimits, "rlimits", struct oci_rlimit, oci_type_rlimit),
  OBJ(struct oci_process, capabilities, "capabilities", struct oci_capabilities, oci_type_capabilities),
  OBOOL(struct oci_process, no_new_privileges, "noNewPrivileges"),
  STR(struct oci_process, apparmor_profile, "apparmorProfile"),
  OI32(struct oci_process, oom_score_adj, "oomScoreAdj"),
  OBJ(struct oci_process, scheduler, "scheduler", struct oci_scheduler, oci_type_scheduler),
  STR(struct oci_process, selinux_label, "selinuxLabel"),
  OBJ(struct oci_process, io_priority, "ioPriority", struct oci_io_priority, oci_type_io_priority),
  OBJ(struct oci_process, exec_cpu_affinity, "execCPUAffinity", struct oci_cpu_affinity,
      oci_type_cpu_affinity),
  OBJ(struct oci_process, user, "user", struct oci_user, oci_type_user));

/* ---- hooks ---- */

#define HOOKS(kind, json) \
  OBJARR(struct oci_hooks, kinds[kind], json, struct oci_hook, oci_type_hook)
DEFINE_TYPE(oci_type_hooks, struct oci_hooks,
  HOOKS(OCI_HOOK_PRESTART, "prestart"),
  HOOKS(OCI_HOOK_CREATE_RUNTIME, "createRuntime"),
  HOOKS(OCI_HOOK_CREATE_CONTAINER, "createContainer"),
  HOOKS(OCI_HOOK_START_CONTAINER, "startContainer"),
  HOOKS(OCI_HOOK_POSTSTART, "poststart"),
  HOOKS(OCI_HOOK_POSTSTOP, "poststop"));

/* ---- linux ---- */

DEFINE_TYPE(oci_type_namespace, struct oci_namespace,
  ENUM(struct oci_namespace, type, "type", oci_enum_namespace_type, REQUIRED),
  STR(struct oci_namespace, path, "path"));

DEFINE_TYPE(oci_type_time_offset, struct oci_time_offset,
  OI64(struct oci_time_offset, secs, "secs"),
  OU32(struct oci_time_offset, nanosecs, "nanosecs"));

DEFINE_TYPE(oci_type_device, struct oci_device,
  ENUM(struct oci_device, type, "type", oci_enum_device_type, REQUIRED),
  STR(struct oci_device, path, "path", REQUIRED),
  OI64(struct oci_device, major, "major"),
  OI64(struct oci_device, minor, "minor"),
  OU32(struct oci_device, file_mode, "fileMode"),
  OU32(struct oci_device, uid, "uid"),
  OU32(struct oci_device, gid, "gid"));

DEFINE_TYPE(oci_type_net_device, struct oci_net_device,
  STR(struct oci_net_device, name, "name"));

DEFINE_TYPE(oci_type_device_cgroup, struct oci_device_cgroup,
  PBOOL(struct oci_device_cgroup, allow, "allow", REQUIRED),
  STR(struct oci_device_cgroup, type, "type"),
  OI64(struct oci_device_cgroup, major, "major"),
  OI64(struct oci_device_cgroup, minor, "minor"),
  STR(struct oci_device_cgroup, access, "access"));

DEFINE_TYPE(oci_type_memory, struct oci_memory,
  OI64(struct oci_memory, limit, "limit"),
  OI64(struct oci_memory, reservation, "reservation"),
  OI64(struct oci_memory, swap, "swap"),
  OI64(struct oci_memory, kernel, "kernel"),
  OI64(struct oci_memory, kernel_tcp, "kernelTCP"),
  OU64(struct oci_memory, swappiness, "swappiness"),
  OBOOL(struct oci_memory, disable_oom_killer, "disableOOMKiller"),
  OBOOL(struct oci_memory, use_hierarchy, "useHierarchy"),
  OBOOL(struct oci_memory, check_before_update, "checkBeforeUpdate"));

DEFINE_TYPE(oci_type_cpu, struct oci_cpu,
  OU64(struct oci_cpu, shares, "shares"),
  OI64(struct oci_cpu, quota, "quota"),
  OU64(struct oci_cpu, burst, "burst"),
  OU64(struct oci_cpu, period, "period"),
  OI64(struct oci_cpu, realtime_runtime, "realtimeRuntime"),
  OU64(struct oci_cpu, realtime_period, "realtimePeriod"),
  STR(struct oci_cpu, cpus, "cpus"),
  STR(struct oci_cpu, mems, "mems"),
  OI64(struct oci_cpu, idle, "idle"));

DEFINE_TYPE(oci_type_weight_device, struct oci_weight_device,
  PI64(struct oci_weight_device, major, "major", REQUIRED),
  PI64(struct oci_weight_device, minor, "minor", REQUIRED),
  OU16(struct oci_weight_device, weight, "weight"),
  OU16(struct oci_weight_device, leaf_weight, "leafWeight"));

DEFINE_TYPE(oci_type_throttle_device, struct oci_throttle_device,
  PI64(struct oci_throttle_device, major, "major", REQUIRED),
  PI64(struct oci_throttle_device, minor, "minor", REQUIRED),
  OU64(struct oci_throttle_device, rate, "rate", REQUIRED));

DEFINE_TYPE(oci_type_block_io, struct oci_block_io,
  OU16(struct oci_block_io, weight, "weight"),
  OU16(struct oci_block_io, leaf_weight, "leafWeight"),
  OBJARR(struct oci_block_io, weight_device, "weightDevice", struct oci_weight_device,
         oci_type_weight_device),
  OBJARR(struct oci_block_io, throttle_read_bps_device, "throttleReadBpsDevice",
         struct oci_throttle_device, oci_type_throttle_device),
  OBJARR(struct oci_block_io, throttle_write_bps_device, "throttleWriteBpsDevice",
         struct oci_throttle_device, oci_type_throttle_device),
  OBJARR(struct oci_block_io, throttle_read_iops_device, "throttleReadIOPSDevice",
         struct oci_throttle_device, oci_type_throttle_device),
  OBJARR(struct oci_block_io, throttle_write_iops_device, "throttleWriteIOPSDevice",
         struct oci_throttle_device, oci_type_throttle_device));

DEFINE_TYPE(oci_type_hugepage_limit, struct oci_hugepage_limit,
  STR(struct oci_hugepage_limit, page_size, "pageSize", REQUIRED),
  PU64(struct oci_hugepage_limit, limit, "limit", REQUIRED));

DEFINE_TYPE(oci_type_net_priority, struct oci_net_priority,
  STR(struct oci_net_priority, name, "name", REQUIRED),
  PU32(struct oci_net_priority, priority, "priority", REQUIRED));

DEFINE_TYPE(oci_type_network, struct oci_network,
  OU32(struct oci_network, class_id, "classID"),
  OBJARR(struct oci_network, priorities, "priorities", struct oci_net_priority, oci_type_net_priority));

/* pids.limit: the v1.3.0 schema still requires it, the prose made it optional. */
DEFINE_TYPE(oci_type_pids, struct oci_pids,
  OI64(struct oci_pids, limit, "limit"));

DEFINE_TYPE(oci_type_rdma, struct oci_rdma,
  OU32(struct oci_rdma, hca_handles, "hcaHandles"),
  OU32(struct oci_rdma, hca_objects, "hcaObjects"));

DEFINE_TYPE(oci_type_resources, struct oci_resources,
  OBJARR(struct oci_resources, devices, "devices", struct oci_device_cgroup, oci_type_device_cgroup),
  OBJ(struct oci_resources, memory, "memory", struct oci_memory, oci_type_memory),
  OBJ(struct oci_resources, cpu, "cpu", struct oci_cpu, oci_type_cpu),
  OBJ(struct oci_resources, block_io, "blockIO", struct oci_block_io, oci_type_block_io),
  OBJARR(struct oci_resources, hugepage_limits, "hugepageLimits", struct oci_hugepage_limit,
         oci_type_hugepage_limit),
  OBJ(struct oci_resources, network, "network", struct oci_network, oci_type_network),
  OBJ(struct oci_resources, pids, "pids", struct oci_pids, oci_type_pids),
  OBJMAP(struct oci_resources, rdma, "rdma", struct oci_rdma, oci_type_rdma),
  STRMAP(struct oci_resources, unified, "unified"));

DEFINE_TYPE(oci_type_syscall_arg, struct oci_syscall_arg,
  PU32(struct oci_syscall_arg, index, "index", REQUIRED),
  PU64(struct oci_syscall_arg, value, "value", REQUIRED),
  OU64(struct oci_syscall_arg, value_two, "valueTwo"),
  ENUM(struct oci_syscall_arg, op, "op", oci_enum_seccomp_operator, REQUIRED));

DEFINE_TYPE(oci_type_syscall, struct oci_syscall,
  STRARR(struct oci_syscall, names, "names", REQUIRED),
  ENUM(struct oci_syscall, action, "action", oci_enum_seccomp_action, REQUIRED),
  OU32(struct oci_syscall, errno_ret, "errnoRet"),
  OBJARR(struct oci_syscall, args, "args", struct oci_syscall_arg, oci_type_syscall_arg));

DEFINE_TYPE(oci_type_seccomp, struct oci_seccomp,
  ENUM(struct oci_seccomp, default_action, "defaultAction", oci_enum_seccomp_action, REQUIRED),
  OU32(struct oci_seccomp, default_errno_ret, "defaultErrnoRet"),
  ENUMARR(struct oci_seccomp, architectures, "architectures", oci_enum_seccomp_arch),
  ENUMARR(struct oci_seccomp, flags, "flags", oci_enum_seccomp_flag),
  STR(struct oci_seccomp, listener_path, "listenerPath"),
  STR(struct oci_seccomp, listener_metadata, "listenerMetadata"),
  OBJARR(struct oci_seccomp, syscalls, "syscalls", struct oci_syscall, oci_type_syscall));

DEFINE_TYPE(oci_type_intel_rdt, struct oci_intel_rdt,
  STR(struct oci_intel_rdt, clos_id, "closID"),
  STR(struct oci_intel_rdt, l3_cache_schema, "l3CacheSchema"),
  STR(struct oci_intel_rdt, mem_bw_schema, "memBwSchema"),
  STRARR(struct oci_intel_rdt, schemata, "schemata"),
  OBOOL(struct oci_intel_rdt, enable_monitoring, "enableMonitoring"));

DEFINE_TYPE(oci_type_memory_policy, struct oci_memory_policy,
  ENUM(struct oci_memory_policy, mode, "mode", oci_enum_mpol_mode),
  STR(struct oci_memory_policy, nodes, "nodes"),
  ENUMARR(struct oci_memory_policy, flags, "flags", oci_enum_mpol_flag));

DEFINE_TYPE(oci_type_personality, struct oci_personality,
  ENUM(struct oci_personality, domain, "domain", oci_enum_personality_domain),
  STRARR(struct oci_personality, flags, "flags"));

DEFINE_TYPE(oci_type_linux, struct oci_linux,
  OBJARR(struct oci_linux, devices, "devices", struct oci_device, oci_type_device),
  OBJMAP(struct oci_linux, net_devices, "netDevices", struct oci_net_device, oci_type_net_device),
  OBJARR(struct oci_linux, uid_mappings, "uidMappings", struct oci_id_mapping, oci_type_id_mapping),
  OBJARR(struct oci_linux, gid_mappings, "gidMappings", struct oci_id_mapping, oci_type_id_mapping),
  OBJARR(struct oci_linux, namespaces, "namespaces", struct oci_namespace, oci_type_namespace),
  OBJMAP(struct oci_linux, time_offsets, "timeOffsets", struct oci_time_offset, oci_type_time_offset),
  OBJ(struct oci_linux, resources, "resources", struct oci_resources, oci_type_resources),
  STR(struct oci_linux, cgroups_path, "cgroupsPath"),
  ENUM(struct oci_linux, rootfs_propagation, "rootfsPropagation", oci_enum_propagation),
  OBJ(struct oci_linux, seccomp, "seccomp", struct oci_seccomp, oci_type_seccomp),
  STRMAP(struct oci_linux, sysctl, "sysctl"),
  STRARR(struct oci_linux, masked_paths, "maskedPaths"),
  STRARR(struct oci_linux, readonly_paths, "readonlyPaths"),
  STR(struct oci_linux, mount_label, "mountLabel"),
  OBJ(struct oci_linux, intel_rdt, "intelRdt", struct oci_intel_rdt, oci_type_intel_rdt),
  OBJ(struct oci_linux, memory_policy, "memoryPolicy", struct oci_memory_policy, oci_type_memory_policy),
  OBJ(struct oci_linux, personality, "personality", struct oci_personality, oci_type_personality));

/* ---- solaris ---- */

DEFINE_TYPE(oci_type_solaris_capped_cpu, struct oci_solaris_capped_cpu,
  STR(struct oci_solaris_capped_cpu, ncpus, "ncpus"));

DEFINE_TYPE(oci_type_solaris_capped_memory, struct oci_solaris_capped_memory,
  STR(struct oci_solaris_capped_memory, physical, "physical"),
  STR(struct oci_solaris_capped_memory, swap, "swap"));

DEFINE_TYPE(oci_type_solaris_anet, struct oci_solaris_anet,
  STR(struct oci_solaris_anet, linkname, "linkname"),
  STR(struct oci_solaris_anet, lower_link, "lowerLink"),
  STR(struct oci_solaris_anet, allowed_address, "allowedAddress"),
  STR(struct oci_solaris_anet, configure_allowed_address, "configureAllowedAddress"),
  STR(struct oci_solaris_anet, defrouter, "defrouter"),
  STR(struct oci_solaris_anet, mac_address, "macAddress"),
  STR(struct oci_solaris_anet, link_protection, "linkProtection"));

DEFINE_TYPE(oci_type_solaris, struct oci_solaris,
  STR(struct oci_solaris, milestone, "milestone"),
  STR(struct oci_solaris, limitpriv, "limitpriv"),
  STR(struct oci_solaris, max_shm_memory, "maxShmMemory"),
  OBJ(struct oci_solaris, capped_cpu, "cappedCPU", struct oci_solaris_capped_cpu,
      oci_type_solaris_capped_cpu),
  OBJ(struct oci_solaris, capped_memory, "cappedMemory", struct oci_solaris_capped_memory,
      oci_type_solaris_capped_memory),
  OBJARR(struct oci_solaris, anet, "anet", struct oci_solaris_anet, oci_type_solaris_anet));

/* ---- windows ---- */

DEFINE_TYPE(oci_type_windows_device, struct oci_windows_device,
  STR(struct oci_windows_device, id, "id", REQUIRED),
  STR(struct oci_windows_device, id_type, "idType", REQUIRED, .values = &oci_enum_windows_device_id_type));

DEFINE_TYPE(oci_type_windows_memory, struct oci_windows_memory,
  OU64(struct oci_windows_memory, limit, "limit"));

DEFINE_TYPE(oci_type_windows_cpu, struct oci_windows_cpu,
  OU64(struct oci_windows_cpu, count, "count"),
  OU16(struct oci_windows_cpu, shares, "shares"),
  OU16(struct oci_windows_cpu, maximum, "maximum"),
  RAW(struct oci_windows_cpu, affinity, "affinity"));

DEFINE_TYPE(oci_type_windows_storage, struct oci_windows_storage,
  OU64(struct oci_windows_storage, iops, "iops"),
  OU64(struct oci_windows_storage, bps, "bps"),
  OU64(struct oci_windows_storage, sandbox_size, "sandboxSize"));

DEFINE_TYPE(oci_type_windows_resources, struct oci_windows_resources,
  OBJ(struct oci_windows_resources, memory, "memory", struct oci_windows_memory, oci_type_windows_memory),
  OBJ(struct oci_windows_resources, cpu, "cpu", struct oci_windows_cpu, oci_type_windows_cpu),
  OBJ(struct oci_windows_resources, storage, "storage", struct oci_windows_storage,
      oci_type_windows_storage));

DEFINE_TYPE(oci_type_windows_network, struct oci_windows_network,
  STRARR(struct oci_windows_network, endpoint_list, "endpointList"),
  OBOOL(struct oci_windows_network, allow_unqualified_dns_query, "allowUnqualifiedDNSQuery"),
  STRARR(struct oci_windows_network, dns_search_list, "DNSSearchList"),
  STR(struct oci_windows_network, network_shared_container_name, "networkSharedContainerName"),
  STR(struct oci_windows_network, network_namespace, "networkNamespace"));

DEFINE_TYPE(oci_type_windows_hyperv, struct oci_windows_hyperv,
  STR(struct oci_windows_hyperv, utility_vm_path, "utilityVMPath"));

DEFINE_TYPE(oci_type_windows, struct oci_windows,
  STRARR(struct oci_windows, layer_folders, "layerFolders", REQUIRED),
  OBJARR(struct oci_windows, devices, "devices", struct oci_windows_device, oci_type_windows_device),
  OBJ(struct oci_windows, resources, "resources", struct oci_windows_resources, oci_type_windows_resources),
  OBJ(struct oci_windows, network, "network", struct oci_windows_network, oci_type_windows_network),
  RAW(struct oci_windows, credential_spec, "credentialSpec"),
  OBOOL(struct oci_windows, servicing, "servicing"),
  OBOOL(struct oci_windows, ignore_flushes_during_boot, "ignoreFlushesDuringBoot"),
  OBJ(struct oci_windows, hyperv, "hyperv", struct oci_windows_hyperv, oci_type_windows_hyperv));

/* ---- vm ---- */

DEFINE_TYPE(oci_type_vm_hypervisor, struct oci_vm_hypervisor,
  STR(struct oci_vm_hypervisor, path, "path", REQUIRED),
  STRARR(struct oci_vm_hypervisor, parameters, "parameters"));

DEFINE_TYPE(oci_type_vm_kernel, struct oci_vm_kernel,
  STR(struct oci_vm_kernel, path, "path", REQUIRED),
  STRARR(struct oci_vm_kernel, parameters, "parameters"),
  STR(struct oci_vm_kernel, initrd, "initrd"));

DEFINE_TYPE(oci_type_vm_image, struct oci_vm_image,
  STR(struct oci_vm_image, path, "path", REQUIRED),
  STR(struct oci_vm_image, format, "format", REQUIRED, .values = &oci_enum_vm_image_format));

DEFINE_TYPE(oci_type_vm_iomem, struct oci_vm_iomem,
  OU64(struct oci_vm_iomem, first_gfn, "firstGFN"),
  PU64(struct oci_vm_iomem, first_mfn, "firstMFN", REQUIRED),
  PU64(struct oci_vm_iomem, nr_mfns, "nrMFNs", REQUIRED));

DEFINE_TYPE(oci_type_vm_hw_config, struct oci_vm_hw_config,
  STR(struct oci_vm_hw_config, device_tree, "deviceTree"),
  OU32(struct oci_vm_hw_config, vcpus, "vcpus"),
  OU64(struct oci_vm_hw_config, memory, "memory"),
  STRARR(struct oci_vm_hw_config, dtdevs, "dtdevs"),
  OBJARR(struct oci_vm_hw_config, iomems, "iomems", struct oci_vm_iomem, oci_type_vm_iomem),
  U32ARR(struct oci_vm_hw_config, irqs, "irqs"));

DEFINE_TYPE(oci_type_vm, struct oci_vm,
  OBJ(struct oci_vm, hypervisor, "hypervisor", struct oci_vm_hypervisor, oci_type_vm_hypervisor),
  OBJ(struct oci_vm, kernel, "kernel", struct oci_vm_kernel, oci_type_vm_kernel, REQUIRED),
  OBJ(struct oci_vm, image, "image", struct oci_vm_image, oci_type_vm_image),
  OBJ(struct oci_vm, hw_config, "hwConfig", struct oci_vm_hw_config, oci_type_vm_hw_config));

/* ---- zos ---- */

DEFINE_TYPE(oci_type_zos_namespace, struct oci_zos_namespace,
  STR(struct oci_zos_namespace, type, "type", REQUIRED, .values = &oci_enum_zos_namespace_type),
  STR(struct oci_zos_namespace, path, "path"));

DEFINE_TYPE(oci_type_zos, struct oci_zos,
  OBJARR(struct oci_zos, namespaces, "namespaces", struct oci_zos_namespace, oci_type_zos_namespace));

/* ---- freebsd ---- */

DEFINE_TYPE(oci_type_freebsd_device, struct oci_freebsd_device,
  STR(struct oci_freebsd_device, path, "path"),
  OU32(struct oci_freebsd_device, mode, "mode"));

DEFINE_TYPE(oci_type_freebsd_jail_allow, struct oci_freebsd_jail_allow,
  OBOOL(struct oci_freebsd_jail_allow, set_hostname, "setHostname"),
  OBOOL(struct oci_freebsd_jail_allow, raw_sockets, "rawSockets"),
  OBOOL(struct oci_freebsd_jail_allow, chflags, "chflags"),
  STRARR(struct oci_freebsd_jail_allow, mount, "mount"),
  OBOOL(struct oci_freebsd_jail_allow, quotas, "quotas"),
  OBOOL(struct oci_freebsd_jail_allow, socket_af, "socketAf"),
  OBOOL(struct oci_freebsd_jail_allow, mlock, "mlock"),
  OBOOL(struct oci_freebsd_jail_allow, reserved_ports, "reservedPorts"),
  OBOOL(struct oci_freebsd_jail_allow, suser, "suser"));

#define SHARING(m, json) \
  STR(struct oci_freebsd_jail, m, json, .values = &oci_enum_freebsd_sharing)
DEFINE_TYPE(oci_type_freebsd_jail, struct oci_freebsd_jail,
  STR(struct oci_freebsd_jail, parent, "parent"),
  STR(struct oci_freebsd_jail, host, "host", .values = &oci_enum_freebsd_sharing_no_disable),
  SHARING(ip4, "ip4"),
  STRARR(struct oci_freebsd_jail, ip4_addr, "ip4Addr"),
  SHARING(ip6, "ip6"),
  STRARR(struct oci_freebsd_jail, ip6_addr, "ip6Addr"),
  STR(struct oci_freebsd_jail, vnet, "vnet", .values = &oci_enum_freebsd_sharing_no_disable),
  STR(struct oci_freebsd_jail, interface, "interface"),
  STRARR(struct oci_freebsd_jail, vnet_interfaces, "vnetInterfaces"),
  SHARING(sysvmsg, "sysvmsg"),
  SHARING(sysvsem, "sysvsem"),
  SHARING(sysvshm, "sysvshm"),
  OU8(struct oci_freebsd_jail, enforce_statfs, "enforceStatfs"),
  OBJ(struct oci_freebsd_jail, allow, "allow", struct oci_freebsd_jail_allow, oci_type_freebsd_jail_allow));

DEFINE_TYPE(oci_type_freebsd, struct oci_freebsd,
  OBJARR(struct oci_freebsd, devices, "devices", struct oci_freebsd_device, oci_type_freebsd_device),
  OBJ(struct oci_freebsd, jail, "jail", struct oci_freebsd_jail, oci_type_freebsd_jail));

/* ---- the document ---- */

DEFINE_TYPE(oci_type_config, struct oci_config,
  STR(struct oci_config, oci_version, "ociVersion", REQUIRED),
  OBJ(struct oci_config, root, "root", struct oci_root, oci_type_root),
  OBJARR(struct oci_config, mounts, "mounts", struct oci_mount, oci_type_mount),
  OBJ(struct oci_config, process, "process", struct oci_process, oci_type_process),
  STR(struct oci_config, hostname, "hostname"),
  STR(struct oci_config, domainname, "domainname"),
  OBJ(struct oci_config, hooks, "hooks", struct oci_hooks, oci_type_hooks),
  STRMAP(struct oci_config, annotations, "annotations"),
  OBJ(struct oci_config, linux_, "linux", struct oci_linux, oci_type_linux),
  OBJ(struct oci_config, solaris, "solaris", struct oci_solaris, oci_type_solaris),
  OBJ(struct oci_config, windows, "windows", struct oci_windows, oci_type_windows),
  OBJ(struct oci_config, vm, "vm", struct oci_vm, oci_type_vm),
  OBJ(struct oci_config, zos, "zos", struct oci_zos, oci_type_zos),
  OBJ(struct oci_config, freebsd, "freebsd", struct oci_freebsd, oci_type_freebsd));
