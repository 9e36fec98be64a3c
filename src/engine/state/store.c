#include "engine/state/store.h"
#include "engine/cgroup/freezer.h"
#include "engine/process/info.h"
#include "engine/ipc/sd_notify.h"
#include "spec/codec.h"
#include "spec/schema_macros.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define R struct container_record
DEFINE_TYPE(container_record_type, R,
  STR(R, oci_version, "ociVersion", REQUIRED),
  STR(R, id, "id", REQUIRED),
  STR(R, phase, "phase", REQUIRED),
  OI64(R, pid, "pid"),
  OU64(R, start_time, "startTime"),
  STR(R, bundle, "bundle", REQUIRED),
  STR(R, rootfs, "rootfs"),
  STR(R, created, "created"),
  STR(R, backend, "backend", REQUIRED),
  OBOOL(R, own_pid_namespace, "ownPidNamespace"),
  STRARR(R, cgroup_dirs, "cgroupDirs"),
  STRARR(R, cgroup_created, "cgroupCreated"),
  STRARR(R, cgroup_controllers, "cgroupControllers"),
  STR(R, systemd_unit, "systemdUnit"),
  STRMAP(R, annotations, "annotations"),
  OBOOL(R, started, "started"),
  STR(R, rdt_group_created, "rdtGroupCreated"),
  STR(R, rdt_monitor, "rdtMonitor"),
  OU64(R, host_root_mount, "hostRootMount"),
  STR(R, backend_id, "backendId"),
  OI64(R, backend_pid, "backendPid"),
  OU64(R, backend_pid_start, "backendPidStart"),
  STR(R, backend_dir, "backendDir"));
#undef R

bool container_id_valid(const char *id)
{
  size_t n = strlen(id);
  if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return false;
  for (const char *p = id; *p; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '.' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

static int open_root(const char *root, bool create, struct hutch_error **err)
{
  if (!root[0])
    return hutch_fail(err, EINVAL, "the state root is an empty path");
  if (create && mkdir(root, 0700) < 0 && errno != EEXIST) {
    /* A missing parent (e.g. /run/hutch under a fresh /run): make it too. */
    if (errno != ENOENT)
      return hutch_fail_errno(err, "create state root %s", root);
    cleanup_free char *copy = xstrdup(root);
    for (char *p = copy + 1; *p; p++) {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir(copy, 0755) < 0 && errno != EEXIST)
        return hutch_fail_errno(err, "create %s", copy);
      *p = '/';
    }
    if (mkdir(root, 0700) < 0 && errno != EEXIST)
      return hutch_fail_errno(err, "create state root %s", root);
  }
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open state root %s", root);
  return fd;
}

static int lock_dir(int fd, const char *path, struct hutch_error **err)
{
  while (flock(fd, LOCK_EX) < 0) {
    if (errno != EINTR)
      return hutch_fail_errno(err, "lock %s", path);
  }
  return 0;
}

static void fill_dir(struct container_dir *out, const char *root, const char *id, int root_fd, int fd)
{
  out->root = xstrdup(root);
  out->id = xstrdup(id);
  out->path = xasprintf("%s/%s", root, id);
  out->root_fd = root_fd;
  out->fd = fd;
}

int container_dir_create(const char *root, const char *id, struct container_dir *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  out->root_fd = out->fd = -1;
  if (!container_id_valid(id))
    return hutch_fail(err, 0, "invalid container ID format: \"%s\"", id);
  cleanup_close int root_fd = open_root(root, true, err);
  if (root_fd < 0)
    return -1;
  if (mkdirat(root_fd, id, 0711) < 0) {
    if (errno == EEXIST)
      return hutch_fail(err, 0, "container with given ID already exists: %s", id);
    return hutch_fail_errno(err, "create %s/%s", root, id);
  }
  /* mkdir's mode is masked by the umask; the directory must be 0711. */
  if (fchmodat(root_fd, id, 0711, 0) < 0) {
    int saved = errno;
    unlinkat(root_fd, id, AT_REMOVEDIR);
    return hutch_fail(err, saved, "chmod %s/%s", root, id);
  }
  int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int saved = errno;
    unlinkat(root_fd, id, AT_REMOVEDIR);
    return hutch_fail(err, saved, "open %s/%s", root, id);
  }
  /* Locked before the marker exists: nobody takes it for a stray directory
   * (an empty one is removed by whoever finds it unlocked). */
  if (lock_dir(fd, out->path ? out->path : id, err) < 0) {
    close(fd);
    unlinkat(root_fd, id, AT_REMOVEDIR);
    return -1;
  }
  int marker = openat(fd, OWNER_MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (marker < 0) {
    int saved = errno;
    close(fd);
    unlinkat(root_fd, id, AT_REMOVEDIR);
    return hutch_fail(err, saved, "mark %s/%s as hutch's", root, id);
  }
  close(marker);
  fill_dir(out, root, id, steal_fd(&root_fd), fd);
  return 0;
}

/* The files hutch puts in a container directory. */
static const char *const own_files[] = { STATE_FILE, CONFIG_SNAPSHOT, START_SOCKET, OWNER_MARKER };

static bool is_own_file(const char *name)
{
  for (size_t i = 0; i < sizeof own_files / sizeof *own_files; i++)
    if (strcmp(name, own_files[i]) == 0)
      return true;
  return false;
}

/* ".<name>.<pid>.tmp", what write_file_atomic_at leaves when interrupted. */
static bool is_own_temp(const char *entry)
{
  for (size_t i = 0; i < sizeof own_files / sizeof *own_files; i++) {
    size_t n = strlen(own_files[i]);
    if (entry[0] != '.' || strncmp(entry + 1, own_files[i], n) != 0 || entry[1 + n] != '.')
      continue;
    const char *p = entry + 2 + n;
    if (!*p || *p == '.')
      continue;
    while (*p >= '0' && *p <= '9')
      p++;
    if (strcmp(p, ".tmp") == 0)
      return true;
  }
  return false;
}

/* Whether the directory is hutch's: it carries the marker, or holds nothing
 * at all (a create that died before marking it), or - from a hutch before the
 * marker - a state.json of hutch's. */
static bool dir_is_own(int fd)
{
  struct stat st;
  if (fstatat(fd, OWNER_MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return S_ISREG(st.st_mode);
  int dup_fd = dup(fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return false;
  }
  bool empty = true;
  for (struct dirent *e; empty && (e = readdir(d));)
    empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
  closedir(d);
  if (empty)
    return true;
  struct arena arena;
  arena_init(&arena);
  struct container_record *rec;
  bool legacy = record_read(fd, &arena, &rec, NULL) == 0 && rec->backend;
  arena_release(&arena);
  return legacy;
}

int container_dir_open(const char *root, const char *id, struct container_dir *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  out->root_fd = out->fd = -1;
  if (!container_id_valid(id))
    return hutch_fail(err, 0, "invalid container ID format: \"%s\"", id);
  int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    if (errno == ENOENT)
      return hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
    return hutch_fail_errno(err, "open state root %s", root);
  }
  int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int saved = errno;
    close(root_fd);
    if (saved == ENOENT)
      return hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
    return hutch_fail(err, saved, "open %s/%s", root, id);
  }
  fill_dir(out, root, id, root_fd, fd);
  if (lock_dir(fd, out->path, err) < 0) {
    container_dir_close(out);
    return -1;
  }
  /* A delete that held the lock before us has removed it meanwhile. */
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
    container_dir_close(out);
    return hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
  }
  if (!dir_is_own(fd)) {
    hutch_fail_as(err, EPERM, "%s was not made by hutch (no %s in it): left untouched", out->path, OWNER_MARKER);
    container_dir_close(out);
    return -1;
  }
  return 0;
}

int container_dir_remove(struct container_dir *dir, struct hutch_error **err)
{
  int dup_fd = dup(dir->fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return hutch_fail_errno(err, "read %s", dir->path);
  }
  cleanup_free char *foreign = NULL;
  for (struct dirent *e; (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, OWNER_MARKER) == 0)
      continue;
    if (strcmp(e->d_name, NOTIFY_DIR) == 0) {
      /* sd_notify's directory: its socket, and nothing else of anyone's. */
      unlinkat(dir->fd, NOTIFY_DIR "/" NOTIFY_SOCKET_NAME, 0);
      if (unlinkat(dir->fd, NOTIFY_DIR, AT_REMOVEDIR) < 0 && errno != ENOENT && !foreign)
        foreign = xstrdup(NOTIFY_DIR "/...");
      continue;
    }
    if (strcmp(e->d_name, BACKEND_WORK_DIR) == 0) {
      struct hutch_error *ignored = NULL;
      if (remove_tree_at(dir->fd, BACKEND_WORK_DIR, &ignored) < 0 && !foreign)
        foreign = xstrdup(BACKEND_WORK_DIR "/...");
      hutch_error_free(ignored);
      continue;
    }
    if (!is_own_file(e->d_name) && !is_own_temp(e->d_name)) {
      if (!foreign)
        foreign = xstrdup(e->d_name);
      continue;
    }
    if (unlinkat(dir->fd, e->d_name, 0) < 0 && errno != ENOENT) {
      int saved = errno;
      closedir(d);
      return hutch_fail(err, saved, "remove %s/%s", dir->path, e->d_name);
    }
  }
  closedir(d);
  if (foreign)
    return hutch_fail(err, ENOTEMPTY, "remove %s: it holds %s, which hutch did not make: left in place", dir->path,
                      foreign);
  /* The marker last: until the directory goes, it is known as hutch's. */
  if (unlinkat(dir->fd, OWNER_MARKER, 0) < 0 && errno != ENOENT)
    return hutch_fail_errno(err, "remove %s/%s", dir->path, OWNER_MARKER);
  if (unlinkat(dir->root_fd, dir->id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return hutch_fail_errno(err, "remove %s", dir->path);
  return 0;
}

void container_dir_close(struct container_dir *dir)
{
  if (dir->fd >= 0)
    close(dir->fd); /* releases the lock */
  if (dir->root_fd >= 0)
    close(dir->root_fd);
  free(dir->root);
  free(dir->path);
  free(dir->id);
  memset(dir, 0, sizeof *dir);
  dir->fd = dir->root_fd = -1;
}

int record_write(int dir_fd, const struct container_record *rec, struct hutch_error **err)
{
  cleanup_strbuf struct strbuf out = STRBUF_INIT;
  oci_encode(&out, &container_record_type, rec, NULL);
  return write_file_atomic_at(dir_fd, STATE_FILE, out.buf, out.len, 0600, ATOMIC_REPLACE, err);
}

int record_read(int dir_fd, struct arena *arena, struct container_record **out, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;
  if (read_regular_file_at(dir_fd, STATE_FILE, 1 << 20, REGULAR_NOFOLLOW, &text, &len, err) < 0) {
    /* Only a missing file is a missing state; anything else is a bad one. */
    if (err && *err && (*err)->code != ENOENT)
      (*err)->code = EBADMSG;
    return -1;
  }
  struct diag_list diags = DIAG_LIST_INIT;
  struct container_record *rec = oci_decode_document(arena, &container_record_type, text, len, STATE_FILE, &diags);
  const struct diag *bad = diag_first_error(&diags);
  if (!rec || bad) {
    hutch_fail_as(err, EBADMSG, "corrupt %s: %s%s%s", STATE_FILE, bad ? bad->path : "", bad && bad->path[0] ? ": " : "",
                  bad ? bad->message : "unreadable");
    diag_list_release(&diags);
    return -1;
  }
  diag_list_release(&diags);
  *out = rec;
  return 0;
}

bool container_dir_busy(int dir_fd)
{
  int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
  close(fd);
  return busy;
}

struct cgroup_set record_cgroups(const struct container_record *rec)
{
  const oci_strings *c = &rec->cgroup_controllers;
  bool known = c->set && c->len == rec->cgroup_dirs.len;
  return (struct cgroup_set) { rec->cgroup_dirs.items, rec->cgroup_created.items, rec->cgroup_dirs.len,
                               known ? c->items : NULL };
}

enum oci_status container_status(int dir_fd, const struct container_record *rec, bool creator_gone)
{
  bool creating = strcmp(rec->phase, "creating") == 0;
  if (creating)
    return creator_gone ? OCI_STATUS_STOPPED : OCI_STATUS_CREATING;
  if (!rec->pid.set || !process_is_alive((pid_t) rec->pid.value, rec->start_time.value))
    return OCI_STATUS_STOPPED;
  if (!rec->started.value && faccessat(dir_fd, START_SOCKET, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return OCI_STATUS_CREATED;
  struct cgroup_set set = record_cgroups(rec);
  if (cgroup_freezer_frozen(&set))
    return OCI_STATUS_PAUSED;
  return OCI_STATUS_RUNNING;
}

void record_to_state(const struct container_record *rec, enum oci_status status, struct oci_state *out)
{
  memset(out, 0, sizeof *out);
  out->oci_version = rec->oci_version;
  out->id = rec->id;
  out->status = (oci_opt_enum) { status, true };
  bool has_process = status == OCI_STATUS_CREATED || status == OCI_STATUS_RUNNING || status == OCI_STATUS_PAUSED;
  out->pid = (oci_opt_i64) { has_process ? rec->pid.value : 0, true };
  out->bundle = rec->bundle;
  if (rec->annotations.len)
    out->annotations = rec->annotations;
  out->rootfs = rec->rootfs;
  out->created = rec->created;
  out->owner = (char *) "";
}
