/* The state directory and what a state.json may claim, without root: the
 * owner marker, removal of only hutch's own files, the regular-file rule,
 * and the checks every record passes before hutch acts on it. */
#include "engine/state/check.h"
#include "engine/state/store.h"
#include "helpers.h"
#include "spec/version.h"
#include "tap.h"
#include "util/fds.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[256];

static bool exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

static void test_marker_and_removal(void)
{
  struct container_dir dir;
  struct hutch_error *err = NULL;
  tap_ok(container_dir_create(root, "c1", &dir, &err) == 0, "create a container directory");
  char path[512];
  snprintf(path, sizeof path, "%s/c1/%s", root, OWNER_MARKER);
  tap_ok(exists(path), "it carries the owner marker from the start");
  /* hutch's files, and what an interrupted atomic write leaves */
  snprintf(path, sizeof path, "%s/c1/state.json", root);
  test_write_file(path, "{}");
  snprintf(path, sizeof path, "%s/c1/.state.json.4242.tmp", root);
  test_write_file(path, "half");
  snprintf(path, sizeof path, "%s/c1/notes", root);
  test_write_file(path, "theirs");
  tap_ok(container_dir_remove(&dir, &err) < 0 && err && err->code == ENOTEMPTY && strstr(err->msg, "notes"),
         "a file hutch did not make stays, and says which");
  hutch_error_free(err);
  err = NULL;
  tap_ok(exists(path), "notes is still there");
  snprintf(path, sizeof path, "%s/c1/%s", root, OWNER_MARKER);
  tap_ok(exists(path), "so is the marker, until the directory can go");
  snprintf(path, sizeof path, "%s/c1/state.json", root);
  tap_ok(!exists(path), "hutch's own files went");
  snprintf(path, sizeof path, "%s/c1/notes", root);
  unlink(path);
  tap_ok(container_dir_remove(&dir, &err) == 0, "without the stranger the directory goes");
  snprintf(path, sizeof path, "%s/c1", root);
  tap_ok(!exists(path), "c1 removed");
  container_dir_close(&dir);
}

static void test_foreign_directories(void)
{
  char path[512];
  struct container_dir dir;
  struct hutch_error *err = NULL;
  snprintf(path, sizeof path, "%s/x", root);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/x/a", root);
  test_write_file(path, "k");
  tap_ok(container_dir_open(root, "x", &dir, &err) < 0 && err->code == EPERM && strstr(err->msg, "not made by hutch"),
         "a directory with files and no marker is refused");
  hutch_error_free(err);
  err = NULL;
  tap_ok(exists(path), "and left untouched");
  snprintf(path, sizeof path, "%s/y", root);
  mkdir(path, 0700);
  tap_ok(container_dir_open(root, "y", &dir, &err) == 0, "an empty one (a create that died first thing) is hutch's");
  tap_ok(container_dir_remove(&dir, &err) == 0 && !exists(path), "and can be removed");
  container_dir_close(&dir);
  tap_ok(container_dir_open(root, "gone", &dir, &err) < 0 && err->code == ENOENT &&
           strstr(err->msg, "container does not exist"),
         "a missing one does not exist");
  hutch_error_free(err);
}

static void test_regular_files_only(void)
{
  char path[512];
  snprintf(path, sizeof path, "%s/fifo", root);
  mkfifo(path, 0600);
  char *text = NULL;
  size_t len;
  struct hutch_error *err = NULL;
  tap_ok(read_regular_file_at(AT_FDCWD, path, 4096, REGULAR_FOLLOW, &text, &len, &err) < 0 &&
           strstr(err->msg, "is not a regular file (a FIFO)"),
         "a FIFO is refused at once, not waited on");
  hutch_error_free(err);
  err = NULL;
  char link[512];
  snprintf(link, sizeof link, "%s/link", root);
  snprintf(path, sizeof path, "%s/file", root);
  test_write_file(path, "content");
  if (symlink(path, link) < 0)
    tap_diag("symlink: %s", strerror(errno));
  tap_ok(read_regular_file_at(AT_FDCWD, link, 4096, REGULAR_NOFOLLOW, &text, &len, &err) < 0 &&
           strstr(err->msg, "(a symbolic link)"),
         "a symbolic link is refused where it must not be followed");
  hutch_error_free(err);
  err = NULL;
  tap_ok(read_regular_file_at(AT_FDCWD, link, 4096, REGULAR_FOLLOW, &text, &len, &err) == 0 &&
           strcmp(text, "content") == 0,
         "and followed where it may be");
  free(text);
  tap_ok(read_regular_file_at(AT_FDCWD, "/dev/zero", 4096, REGULAR_FOLLOW, &text, &len, &err) < 0 &&
           strstr(err->msg, "(a character device)"),
         "a device is refused by its kind");
  hutch_error_free(err);
}

/* A record as create would write it, then spoiled one field at a time. */
static struct container_record base_record(char **dirs, char **created, size_t n)
{
  struct container_record r;
  memset(&r, 0, sizeof r);
  r.oci_version = (char *) "1.3.0";
  r.id = (char *) "c7";
  r.phase = (char *) "created";
  r.bundle = (char *) "/b";
  r.backend = (char *) "native";
  r.cgroup_dirs = (oci_strings) { dirs, n, true };
  r.cgroup_created = (oci_strings) { created, n, true };
  return r;
}

static void expect_check(bool ok, struct container_record *r, const char *field, const char *what)
{
  int dir_fd = open(root, O_RDONLY | O_DIRECTORY);
  struct hutch_error *err = NULL;
  int rc = record_check(dir_fd, r, "c7", &err);
  bool good = ok ? rc == 0 : rc < 0 && err && err->code == EBADMSG && strstr(err->msg, field);
  tap_ok(good, "%s %s", ok ? "accepted:" : "refused:", what);
  if (!good && err)
    tap_diag("%s", err->msg);
  hutch_error_free(err);
  close(dir_fd);
}

static void test_record_checks(void)
{
  /* Paths that do not exist (the host's cgroups are not ours to read here)
   * are judged by their form and name alone. */
  char *dirs[] = { (char *) "/nonexistent-cgroupfs/pids/hutch-c7", (char *) "/nonexistent-cgroupfs/memory/pod/c7" };
  char *created[] = { (char *) "/nonexistent-cgroupfs/pids/hutch-c7", (char *) "" };
  struct container_record r = base_record(dirs, created, 2);
  expect_check(true, &r, "", "hutch-ID and a path ending in the id");

  char *up[] = { (char *) "/nonexistent-cgroupfs/pids/../hutch-c7" };
  char *none[] = { (char *) "" };
  r = base_record(up, none, 1);
  expect_check(false, &r, "cgroupDirs[0]", "a \"..\" in a cgroup directory");
  char *rel[] = { (char *) "nonexistent-cgroupfs/pids/hutch-c7" };
  r = base_record(rel, none, 1);
  expect_check(false, &r, "cgroupDirs[0]", "a relative cgroup directory");
  char *decoy[] = { (char *) "/nonexistent-cgroupfs/pids/decoy" };
  r = base_record(decoy, none, 1);
  expect_check(false, &r, "cgroupDirs[0]", "a cgroup not named for the container (no config snapshot to say so)");
  char *other[] = { (char *) "/nonexistent-cgroupfs/pids/hutch-c7" };
  char *wider[] = { (char *) "/nonexistent-cgroupfs/memory" };
  r = base_record(other, wider, 1);
  expect_check(false, &r, "cgroupCreated[0]", "cgroupCreated not above its directory");
  char *real_root[] = { (char *) "/sys/fs/cgroup/pids/c7-not-there-either" };
  r = base_record(real_root, none, 1);
  expect_check(true, &r, "", "a directory already gone passes (nothing will be done to it)");

  r = base_record(dirs, created, 2);
  r.systemd_unit = (char *) "ssh.service";
  expect_check(false, &r, "systemdUnit", "a systemd unit not the container's");
  r.systemd_unit = (char *) "hutch-c7.scope";
  expect_check(true, &r, "", "the container's scope");
  r.systemd_unit = NULL;
  r.rdt_group_created = (char *) "/sys/fs/resctrl/../resctrl/info";
  expect_check(false, &r, "rdtGroupCreated", "a resctrl group path that climbs");
  r.rdt_group_created = (char *) "/sys/fs/resctrl/c7";
  r.rdt_monitor = (char *) "/sys/fs/resctrl/c7/mon_groups/other";
  expect_check(false, &r, "rdtMonitor", "a monitoring group of another name");
  r.rdt_monitor = (char *) "/sys/fs/resctrl/c7/mon_groups/c7";
  expect_check(true, &r, "", "the container's resctrl groups");
  r.host_root_mount = (oci_opt_u64) { 42, true };
  r.rootfs = (char *) "/";
  expect_check(false, &r, "rootfs", "a root mount to detach at /");
  r.rootfs = (char *) "/var/lib/b/rootfs";
  expect_check(true, &r, "", "a root mount at the container's rootfs");
  r.id = (char *) "c8";
  expect_check(false, &r, "id", "a record of another id");
}

static void test_process_in_cgroups(void)
{
  char self_dir[4096];
  char *text = NULL;
  size_t len;
  if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &text, &len, NULL) < 0) {
    tap_ok(false, "read /proc/self/cgroup");
    return;
  }
  /* The first hierarchy line's path, under a made-up mount point. */
  char *path = strchr(text, ':');
  path = path ? strchr(path + 1, ':') : NULL;
  char *nl = path ? strchr(path, '\n') : NULL;
  if (nl)
    *nl = '\0';
  bool at_root = !path || strcmp(path + 1, "/") == 0;
  snprintf(self_dir, sizeof self_dir, "/mnt/hierarchy%s", path ? path + 1 : "/");
  char *dirs[] = { self_dir };
  struct cgroup_set set = { dirs, NULL, 1, NULL };
  if (at_root)
    tap_ok(!process_in_cgroups(getpid(), &set), "a process in a root cgroup is in no container's");
  else
    tap_ok(process_in_cgroups(getpid(), &set), "a process is in the cgroup its /proc/PID/cgroup names");
  char *elsewhere[] = { (char *) "/mnt/hierarchy/hutch-nothing-like-it" };
  set.dirs = elsewhere;
  tap_ok(!process_in_cgroups(getpid(), &set), "and not in another");
  struct cgroup_set empty = { NULL, NULL, 0, NULL };
  tap_ok(process_in_cgroups(getpid(), &empty), "a container without cgroups has only its start time to go by");
  free(text);
}

static void test_fds_close_except(void)
{
  int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY), c = open("/dev/null", O_RDONLY);
  pid_t pid = fork();
  if (pid == 0) {
    int keep[] = { b, 1000, b };
    if (fds_close_except(3, keep, 3, NULL) < 0)
      _exit(2);
    _exit(fcntl(a, F_GETFD) < 0 && fcntl(b, F_GETFD) >= 0 && fcntl(c, F_GETFD) < 0 && fcntl(2, F_GETFD) >= 0 ? 0
                                                                                                              : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fds_close_except keeps exactly what it is told");
  close(a), close(b), close(c);
}

static void test_pids_zero(void)
{
  tap_ok(oci_pids_limit_effective("1.0.2-dev", 0) == -1, "pids.limit 0 is unlimited for a 1.0.2 config");
  tap_ok(oci_pids_limit_effective("1.2.1", 0) == -1, "and for 1.2.1");
  tap_ok(oci_pids_limit_effective("1.3.0", 0) == 0, "a real limit from 1.3.0");
  tap_ok(oci_pids_limit_effective("1.0.2", 7) == 7 && oci_pids_limit_effective("1.3.0", -1) == -1,
         "other values are left alone");
}

int main(void)
{
  snprintf(root, sizeof root, "/tmp/hutch-unit-state.%d", (int) getpid());
  mkdir(root, 0700);
  test_marker_and_removal();
  test_foreign_directories();
  test_regular_files_only();
  test_record_checks();
  test_process_in_cgroups();
  test_fds_close_except();
  test_pids_zero();
  if (test_remove_tree(root) < 0)
    tap_diag("could not remove %s", root);
  return tap_done();
}
