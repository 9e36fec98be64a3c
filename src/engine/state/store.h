#pragma once
/* Where hutch keeps what it knows about containers: <root>/<id>/ holds
 * state.json (written atomically), the config.json snapshot taken at create,
 * and start.sock while the container waits for `start`. Commands that change
 * a container hold an exclusive lock on its directory. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/cgroup/layout.h"
#include "spec/model.h"
#include "spec/state.h"
#include "util/error.h"

#define HUTCH_DEFAULT_ROOT "/run/hutch"
#define STATE_FILE "state.json"
#define CONFIG_SNAPSHOT "config.json"
#define START_SOCKET "start.sock"
/* Made first in every container directory: hutch removes only directories
 * that carry it (or hold nothing), and in them only the files it makes. */
#define OWNER_MARKER "hutch.owner"
/* A backend's files while it builds the container (liblxc's log): removed
 * with everything in it once created, and by delete after a crash. */
#define BACKEND_WORK_DIR "work"

/* runc's rule: [A-Za-z0-9_+.-], not empty, not "." or "..". */
bool container_id_valid(const char *id);

struct container_dir {
  char *root; /* state root */
  char *path; /* <root>/<id> */
  char *id;
  int root_fd;
  int fd; /* the container directory, locked */
};

/* Creates <root>/<id> (and root, mode 0700, if missing), marks it as
 * hutch's and locks it. EEXIST becomes "container with given ID already
 * exists". */
int container_dir_create(const char *root, const char *id, struct container_dir *out, struct hutch_error **err);

/* Opens and locks an existing container directory. "container does not
 * exist" (code ENOENT) when it is not there, or was removed while we waited
 * for the lock; a directory hutch did not make (no marker, not empty, no
 * state of hutch's) is refused with code EPERM and never touched. */
int container_dir_open(const char *root, const char *id, struct container_dir *out, struct hutch_error **err);

/* Removes the files hutch makes there and the directory. Anything else
 * found in it stays, and the directory with it (an error says what). */
int container_dir_remove(struct container_dir *dir, struct hutch_error **err);
void container_dir_close(struct container_dir *dir);

/* What hutch records about a container: the OCI state plus what later
 * commands need to manage it. */
struct container_record {
  char *oci_version;
  char *id;
  char *phase;     /* "creating" until create finished, then "created" */
  oci_opt_i64 pid; /* host pid of the container process */
  oci_opt_u64 start_time;
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 with nanoseconds, UTC */
  char *backend;
  oci_opt_bool own_pid_namespace; /* killing pid kills every process */
  oci_strings cgroup_dirs;
  oci_strings cgroup_created; /* "" where create made no directory */
  /* Per cgroup dir, its hierarchy's controllers ("" for v2); absent in the
   * records of older hutch versions. */
  oci_strings cgroup_controllers;
  char *systemd_unit;         /* --systemd-cgroup: the unit to stop on delete (absent: cgroupfs) */
  oci_string_map annotations;
  oci_opt_bool started; /* start (or run) released the process */
  char *rdt_group_created; /* the resctrl group hutch made (removed on delete) */
  char *rdt_monitor;       /* the resctrl monitoring group */
  /* No mount namespace of its own: the mount ID of its root bind in the
   * runtime's mount table, detached (with all below it) on delete. */
  oci_opt_u64 host_root_mount;
  /* The backend's own name for the container (Proxmox's VMID). */
  char *backend_id;
  /* A process of the backend's that holds the container (Proxmox: the CT's
   * init as the host sees it, where pid is hutch's proxy). */
  oci_opt_i64 backend_pid;
  oci_opt_u64 backend_pid_start; /* its start time: a reused pid is not it */
  /* A directory of the backend's outside the state directory (Proxmox: what
   * the CT binds at /.hutch), removed by delete. */
  char *backend_dir;
};

extern const struct oci_type container_record_type;

int record_write(int dir_fd, const struct container_record *rec, struct hutch_error **err);

/* The recorded cgroups as a set (borrowing the record's strings). */
struct cgroup_set record_cgroups(const struct container_record *rec);
/* Reads state.json into rec (allocated in arena): a regular file, never
 * followed through a symbolic link. A missing file fails with code ENOENT,
 * one that does not decode with code EBADMSG. */
int record_read(int dir_fd, struct arena *arena, struct container_record **out, struct hutch_error **err);

/* The status now: creating, created, running or stopped. creator_gone:
 * the caller knows no create is at work on it (it holds the directory's
 * lock, which create keeps to the end), so "creating" means a create that
 * died: the container is stopped. */
enum oci_status container_status(int dir_fd, const struct container_record *rec, bool creator_gone);

/* Whether another command holds the directory's lock now. */
bool container_dir_busy(int dir_fd);

/* The OCI state of a record (what `state` prints and hooks receive). */
void record_to_state(const struct container_record *rec, enum oci_status status, struct oci_state *out);
