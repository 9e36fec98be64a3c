#include "engine/state_store.h"
#include "engine/cgroup_freezer.h"
#include "engine/process_info.h"
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
  STR(R, systemd_unit, "systemdUnit"),
  STRMAP(R, annotations, "annotations"),
  OBOOL(R, started, "started"),
  STR(R, rdt_group_created, "rdtGroupCreated"),
  STR(R, rdt_monitor, "rdtMonitor"),
  OU64(R, host_root_mount, "hostRootMount"));
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
  fill_dir(out, root, id, steal_fd(&root_fd), fd);
  return lock_dir(fd, out->path, err);
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
  return lock_dir(fd, out->path, err);
}

int container_dir_remove(struct container_dir *dir, struct hutch_error **err)
{
  static const char *const files[] = { STATE_FILE, CONFIG_SNAPSHOT, START_SOCKET };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    if (unlinkat(dir->fd, files[i], 0) < 0 && errno != ENOENT)
      return hutch_fail_errno(err, "remove %s/%s", dir->path, files[i]);
  /* Whatever else a crash left (temporary files of atomic writes). */
  int dup_fd = dup(dir->fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (d) {
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d));)
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
        unlinkat(dir->fd, e->d_name, 0);
    closedir(d);
  } else if (dup_fd >= 0) {
    close(dup_fd);
  }
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
  if (read_regular_file_at(dir_fd, STATE_FILE, 1 << 20, REGULAR_NOFOLLOW, &text, &len, err) < 0)
    return -1;
  struct diag_list diags = DIAG_LIST_INIT;
  struct container_record *rec = oci_decode_document(arena, &container_record_type, text, len, STATE_FILE, &diags);
  const struct diag *bad = diag_first_error(&diags);
  if (!rec || bad) {
    hutch_fail(err, 0, "corrupt %s: %s%s%s", STATE_FILE, bad ? bad->path : "", bad && bad->path[0] ? ": " : "",
               bad ? bad->message : "unreadable");
    diag_list_release(&diags);
    return -1;
  }
  diag_list_release(&diags);
  *out = rec;
  return 0;
}

enum oci_status container_status(int dir_fd, const struct container_record *rec)
{
  if (!rec->pid.set)
    return strcmp(rec->phase, "creating") == 0 ? OCI_STATUS_CREATING : OCI_STATUS_STOPPED;
  if (!process_is_alive((pid_t) rec->pid.value, rec->start_time.value))
    return OCI_STATUS_STOPPED;
  if (strcmp(rec->phase, "creating") == 0)
    return OCI_STATUS_CREATING;
  if (!rec->started.value && faccessat(dir_fd, START_SOCKET, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return OCI_STATUS_CREATED;
  if (cgroup_freezer_frozen(rec->cgroup_dirs.items, rec->cgroup_dirs.len))
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

void rfc3339_now(char *buf, size_t size)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}
