#pragma once
/* Internal to the proxmox backend. The bundle becomes a Proxmox VE container
 * made and run by PVE's own tools (pct, pvesh, pvesm), so that PVE knows it
 * (a VMID, /etc/pve/lxc/<vmid>.conf, its UI, backups), while hutch keeps the
 * OCI lifecycle around it:
 *
 *   hutch create ── pct create (the rootfs as a template) ── raw lxc.* lines
 *        │           under PVE's flock ── pct config read back
 *        ├── fork: the proxy (the engine's child, state.pid), listening on
 *        │   work/init.sock and start.sock
 *        └── pct start: the CT's init is hutch-proxmox-init (the shim), bound
 *            read-only at /.hutch; it connects to the proxy, takes the
 *            caller's stdio, sets up and parks. The proxy then enters the
 *            CT's namespaces (hooks see them through state.pid).
 *   hutch start ── start.sock ── proxy ── shim: startContainer hooks, fork
 *        the process, forward signals to it, report its exit status; the
 *        proxy exits with that status, as the container's process would.
 *
 * docs/proxmox.md is the user's account of it. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "spec/model.h"
#include "util/error.h"
#include "util/strbuf.h"

/* The shim inside the CT, its directory there and what hutch puts in it. */
#define PVE_SHIM_NAME "hutch-proxmox-init"
#define PVE_CT_DIR ".hutch" /* relative to the CT's root */
#define PVE_CT_SHIM "/.hutch/init"
#define PVE_CT_CONFIG "/.hutch/config.json"
#define PVE_CT_SOCKET "/.hutch/init.sock"
#define PVE_SOCKET_NAME "init.sock"
/* Where a CT's /.hutch comes from: not the state directory, which is 0700
 * and which an unprivileged CT's root (mounting its binds in its user
 * namespace) cannot pass through. One directory per container below it. */
#define PVE_RUN_DIR "/run/hutch-proxmox"
/* PVE's default id map for unprivileged CTs (the only one hutch maps). */
#define PVE_USERNS_BASE 100000u
#define PVE_USERNS_SIZE 65536u
#define PVE_MAX_NET 32
/* Annotations that choose per container what hutch.conf sets for all. */
#define PVE_ANNOTATION_PREFIX "run.hutch.proxmox."

/* hutch.conf's proxmox.* settings, with annotations over them. */
struct pve_settings {
  const char *pct, *pvesh, *pvesm;
  const char *config_dir; /* where PVE keeps <vmid>.conf */
  const char *lock_dir;   /* where its pve-config-<vmid>.lock files are */
  const char *storage;    /* for the rootfs volume: content rootdir */
  const char *rootfs_size; /* GiB; 0: a directory on a dir storage */
  const char *template_storage; /* content vztmpl */
  const char *net[PVE_MAX_NET]; /* netN property strings, NULL where unset */
};
extern const char *const pve_setting_keys[];
/* Defaults, then hutch.conf, then the config's run.hutch.proxmox.*
 * annotations. Strings live in arena. */
int pve_settings_load(const struct oci_config *cfg, struct arena *arena, struct pve_settings *out,
                      struct hutch_error **err);

void pve_describe(struct oci_support *out, struct arena *arena);

/* The CT a config becomes: pct create's options and the raw lines. */
struct pve_plan {
  char **create_args; /* after "<vmid> <template>" */
  size_t n_create_args;
  char **raw; /* "lxc.key: value", appended to the conf in this order */
  size_t n_raw;
  bool unprivileged;
  uid_t root_uid; /* the CT root's uid and gid on the host */
  gid_t root_gid;
};
struct pve_plan_in {
  const struct oci_config *cfg;
  const struct pve_settings *settings;
  const char *work_dir; /* the host directory bound at /.hutch */
  const char *description; /* the CT's description: names the OCI container */
  bool cgroup_v2;       /* the host's cgroups: cpuunits and the raw cgroup keys */
  unsigned long host_mem_mib; /* "no limit" */
};
/* Errors name the field that PVE cannot express. */
int pve_plan_build(const struct pve_plan_in *in, struct pve_plan *out, struct hutch_error **err);
/* `update`: pct set's options for new limits (memory, swap, cpulimit,
 * cpuunits); what pct set cannot change is refused by path. */
int pve_plan_update(const struct oci_resources *r, bool cgroup_v2, unsigned long host_mem_mib, char ***args,
                    size_t *n, struct hutch_error **err);
void pve_plan_release(struct pve_plan *plan);

/* pve.c: PVE's tools. Runs argv with stdin from /dev/null and no fd of
 * ours; stdout and stderr (each bounded) into out and errout (either may
 * be NULL); *status is the exit status (128+N for a signal). */
int pve_run(char *const argv[], struct strbuf *out, struct strbuf *errout, int *status, struct hutch_error **err);
/* pve_run that must succeed: a non-zero exit (PVE's codes vary: any) fails
 * naming step and the tool's last error line. */
int pve_call(const char *step, char *const argv[], struct strbuf *out, struct hutch_error **err);
/* pvesh get /cluster/nextid: a hint only. */
int pve_next_vmid(const struct pve_settings *s, unsigned *vmid, struct hutch_error **err);
/* pvesm path VOLID. */
char *pve_volume_path(const struct pve_settings *s, const char *volid, struct hutch_error **err);
/* Appends lines to <config_dir>/<vmid>.conf under PVE's flock with a
 * temporary file and rename, refusing a CT that carries a "lock:". */
int pve_conf_append(const struct pve_settings *s, unsigned vmid, char *const *lines, size_t n,
                    struct hutch_error **err);
/* pct config: every line must be there (PVE drops keys it does not take
 * with a warning and exit 0). */
int pve_conf_verify(const struct pve_settings *s, unsigned vmid, char *const *lines, size_t n,
                    struct hutch_error **err);
/* Whether <config_dir>/<vmid>.conf exists: a CT removed in PVE's UI is gone. */
bool pve_ct_exists(const struct pve_settings *s, unsigned vmid);
/* pct status --verbose: the init's host pid, 0 when stopped. */
int pve_ct_pid(const struct pve_settings *s, unsigned vmid, pid_t *pid, struct hutch_error **err);
/* Whether the CT's config names marker (the container's run directory, in
 * its description and its /.hutch mount): a VMID that PVE has given to
 * another CT since is never touched. */
bool pve_ct_is_ours(const struct pve_settings *s, unsigned vmid, const char *marker);
/* pct destroy --purge --force (which stops it first). */
int pve_ct_destroy(const struct pve_settings *s, unsigned vmid, struct hutch_error **err);

/* template.c: the rootfs as a template tar at dest (numeric owners, modes,
 * xattrs, ACLs); for an unprivileged CT the ids are shifted back by
 * PVE_USERNS_BASE, as PVE shifts them forward when it unpacks. */
int pve_template_write(const char *rootfs, const char *dest, bool unprivileged, struct hutch_error **err);

/* The proxy (proxy.c), forked by create. */
struct pve_proxy_args {
  const char *id;
  /* linux.sysctl (IPC and net.* only, as the plan allows): written once the
   * proxy is in the CT's IPC and network namespaces, through the host's
   * /proc/sys (the CT's is read-only). */
  const oci_string_map *sysctl;
  int sync_fd;        /* to the runtime */
  int init_listen_fd; /* work/init.sock: the shim connects */
  int start_listen_fd; /* start.sock, -1 for run */
  int preserve_fds;   /* 3.. handed to the process */
};
void __attribute__((noreturn)) pve_proxy_main(const struct pve_proxy_args *args);

/* Makes a container's directory below PVE_RUN_DIR (a fresh name), or removes
 * one that the record names. */
char *pve_run_dir_make(const char *id, struct hutch_error **err);
void pve_run_dir_remove(const char *path);

/* The backend's operations. */
int pve_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err);
int pve_run_container(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
                      struct hutch_error **err);
/* The settings of an existing container (the annotations its record keeps). */
int pve_settings_of(const struct container_record *rec, struct arena *arena, struct pve_settings *out,
                    struct hutch_error **err);
