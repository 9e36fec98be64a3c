/* Cgroup layout discovery from recorded mountinfo and /proc/self/cgroup
 * files, path computation, and create/enter/pids/signal/remove on a plain
 * directory tree standing in for cgroupfs. Needs no root and leaves
 * /sys/fs/cgroup alone. */
#include "helpers.h"
#include "tap.h"
#include "engine/cgroup/layout.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[] = "/tmp/hutch-cgroup-XXXXXX";

static char *tmp_path(const char *relative)
{
  return xasprintf("%s/%s", tmp, relative);
}

static bool exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static bool exists_tmp(const char *relative)
{
  cleanup_free char *path = tmp_path(relative);
  return exists(path);
}

static void mkdir_tmp(const char *relative)
{
  cleanup_free char *path = tmp_path(relative);
  if (mkdir(path, 0755) < 0)
    tap_diag("mkdir %s: %s", path, strerror(errno));
}

static int read_layout(const char *mountinfo, const char *self_cgroup, struct cgroup_layout *layout,
                       struct hutch_error **err)
{
  cleanup_free char *mi = tmp_path("mountinfo");
  cleanup_free char *cg = tmp_path("cgroup");
  if (!test_write_file(mi, mountinfo) || !test_write_file(cg, self_cgroup)) {
    tap_diag("cannot write the layout files in %s", tmp);
    return -1;
  }
  return cgroup_layout_read(mi, cg, layout, err);
}

static const struct cgroup_hierarchy *find_item(const struct cgroup_layout *layout, const char *mountpoint)
{
  for (size_t i = 0; i < layout->n; i++)
    if (strcmp(layout->items[i].mountpoint, mountpoint) == 0)
      return &layout->items[i];
  return NULL;
}

/* The computed directory in the hierarchy mounted at mountpoint. */
static char *dir_for(const struct cgroup_layout *layout, const char *mountpoint, const char *cgroups_path)
{
  struct cgroup_set set;
  struct hutch_error *err = NULL;
  if (cgroup_set_compute(layout, cgroups_path, "c1", &set, &err) < 0) {
    tap_diag("compute %s: %s", cgroups_path ? cgroups_path : "(null)", err->msg);
    hutch_error_free(err);
    return NULL;
  }
  char *dir = NULL;
  for (size_t i = 0; i < layout->n; i++)
    if (strcmp(layout->items[i].mountpoint, mountpoint) == 0)
      dir = xstrdup(set.dirs[i]);
  cgroup_set_release(&set);
  return dir;
}

static void check_dir(const struct cgroup_layout *layout, const char *mountpoint, const char *cgroups_path,
                      const char *want)
{
  cleanup_free char *dir = dir_for(layout, mountpoint, cgroups_path);
  tap_str_eq(dir, want, "cgroupsPath %s%s%s in %s", cgroups_path ? "\"" : "", cgroups_path ? cgroups_path : "unset",
             cgroups_path ? "\"" : "", mountpoint);
}

static void check_item(const struct cgroup_layout *layout, const char *mountpoint, enum cgroup_version version,
                       const char *controllers, const char *self_path)
{
  const struct cgroup_hierarchy *h = find_item(layout, mountpoint);
  tap_ok(h && h->version == version, "%s is a v%d hierarchy", mountpoint, version == CGROUP_V1 ? 1 : 2);
  tap_str_eq(h ? h->controllers : NULL, controllers, "%s controllers", mountpoint);
  tap_str_eq(h ? h->self_path : NULL, self_path, "%s self path", mountpoint);
}

/* This host: one v1 hierarchy per controller, cgroup2 at unified. */
static const char hybrid_mountinfo[] =
    "22 1 0:20 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_cgroup[] = "9:name=systemd:/\n"
                                    "8:pids:/\n"
                                    "7:blkio:/\n"
                                    "6:freezer:/\n"
                                    "5:devices:/\n"
                                    "4:memory:/process_api/95dfcb33128ce00b05e20e6cdab04f9f\n"
                                    "3:cpuset:/\n"
                                    "2:cpuacct:/\n"
                                    "1:cpu:/\n"
                                    "0::/\n";
#define MEMORY_SELF "/process_api/95dfcb33128ce00b05e20e6cdab04f9f"

static void test_hybrid(void)
{
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  if (read_layout(hybrid_mountinfo, hybrid_cgroup, &layout, &err) < 0) {
    tap_ok(false, "hybrid layout: %s", err ? err->msg : "?");
    return;
  }
  tap_ok(layout.kind == CGROUP_LAYOUT_HYBRID && layout.n == 10, "hybrid host: 9 v1 hierarchies and cgroup2");
  tap_str_eq(layout.items[0].mountpoint, "/sys/fs/cgroup/cpu", "hierarchies in mount order");
  tap_str_eq(layout.items[9].mountpoint, "/sys/fs/cgroup/unified", "cgroup2 last, as mounted");
  check_item(&layout, "/sys/fs/cgroup/cpu", CGROUP_V1, "cpu", "/");
  check_item(&layout, "/sys/fs/cgroup/memory", CGROUP_V1, "memory", MEMORY_SELF);
  check_item(&layout, "/sys/fs/cgroup/systemd", CGROUP_V1, "name=systemd", "/");
  check_item(&layout, "/sys/fs/cgroup/unified", CGROUP_V2, "", "/");

  check_dir(&layout, "/sys/fs/cgroup/cpu", NULL, "/sys/fs/cgroup/cpu/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/cpu", "", "/sys/fs/cgroup/cpu/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/memory", NULL, "/sys/fs/cgroup/memory" MEMORY_SELF "/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/unified", NULL, "/sys/fs/cgroup/unified/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/memory", "/a/b", "/sys/fs/cgroup/memory/a/b");
  check_dir(&layout, "/sys/fs/cgroup/unified", "/a/b", "/sys/fs/cgroup/unified/a/b");
  check_dir(&layout, "/sys/fs/cgroup/memory", "a/b", "/sys/fs/cgroup/memory" MEMORY_SELF "/a/b");
  check_dir(&layout, "/sys/fs/cgroup/pids", "a/b", "/sys/fs/cgroup/pids/a/b");
  check_dir(&layout, "/sys/fs/cgroup/pids", "//a/./b//", "/sys/fs/cgroup/pids/a/b");
  check_dir(&layout, "/sys/fs/cgroup/pids", "..a/b..", "/sys/fs/cgroup/pids/..a/b..");

  static const char *const refused[] = { "..", "../x", "/..", "a/../b", "/a/b/..", "a/..//b" };
  for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
    struct cgroup_set set;
    cleanup_error struct hutch_error *e = NULL;
    tap_ok(cgroup_set_compute(&layout, refused[i], "c1", &set, &e) < 0 && e && strstr(e->msg, "\"..\""),
           "cgroupsPath \"%s\" is refused", refused[i]);
  }
  struct cgroup_set set;
  cleanup_error struct hutch_error *e = NULL;
  tap_ok(cgroup_set_compute(&layout, NULL, "a/b", &set, &e) < 0 && e, "an id with a slash cannot name the cgroup");
  cgroup_layout_release(&layout);
}

/* Mounts that are in mountinfo but cannot be reached are not hierarchies:
 * a cgroup2 covered by a tmpfs (clients' harness), and a whole old
 * /sys/fs/cgroup covered by a new one at the same place. */
static void test_covered(void)
{
  static const char covered_unified[] =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "90 41 0:90 / /sys/fs/cgroup/unified rw,relatime - tmpfs cover rw\n";
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  int r = read_layout(covered_unified, "1:cpu:/\n0::/\n", &layout, &err);
  tap_ok(r == 0 && layout.kind == CGROUP_LAYOUT_V1 && layout.n == 1, "a cgroup2 under a tmpfs is not seen: v1 only");
  if (r == 0)
    cgroup_layout_release(&layout);
  static const char covered_tree[] =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "50 31 0:50 / /sys/fs/cgroup rw,relatime - tmpfs view rw\n"
      "51 50 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";
  r = read_layout(covered_tree, "1:cpu:/\n0::/\n", &layout, &err);
  tap_ok(r == 0 && layout.kind == CGROUP_LAYOUT_V1 && layout.n == 1, "a whole covered /sys/fs/cgroup is not seen");
  if (r == 0)
    cgroup_layout_release(&layout);
  static const char sibling_above[] =
      "23 1 0:20 / /sys rw - sysfs sysfs rw\n"
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "60 23 0:60 / /sys/fs rw,relatime - tmpfs over rw\n";
  r = read_layout(sibling_above, "0::/\n", &layout, &err);
  tap_ok(r < 0, "a mount above, made later on the same parent, hides what is below it");
  if (r == 0)
    cgroup_layout_release(&layout);
}

static void test_pure_v2(void)
{
  static const char mountinfo[] =
      "21 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "24 19 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n";
  static const char self[] = "0::/user.slice/user-1000.slice/session-3.scope\n";
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  if (read_layout(mountinfo, self, &layout, &err) < 0) {
    tap_ok(false, "pure v2 layout: %s", err ? err->msg : "?");
    return;
  }
  tap_ok(layout.kind == CGROUP_LAYOUT_V2 && layout.n == 1, "pure v2 host: one hierarchy");
  check_item(&layout, "/sys/fs/cgroup", CGROUP_V2, "", "/user.slice/user-1000.slice/session-3.scope");
  check_dir(&layout, "/sys/fs/cgroup", NULL, "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup", "/machine.slice/c1", "/sys/fs/cgroup/machine.slice/c1");
  check_dir(&layout, "/sys/fs/cgroup", "c1", "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/c1");
  cgroup_layout_release(&layout);
}

static void test_v1_comounted(void)
{
  static const char mountinfo[] =
      "25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
      "26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "
      "rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd\n"
      "29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup "
      "rw,cpu,cpuacct\n"
      "30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup "
      "rw,seclabel,net_cls,net_prio\n"
      "garbage line\n"
      "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n"
      "32 25 0:29 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,hugetlb\n"
      "33 25 0:30 / /sys/fs/cgroup/cut rw - cgroup\n"
      "40 31 0:28 / /run/mirror/memory rw,relatime shared:15 - cgroup cgroup rw,memory\n";
  static const char self[] = "5:memory:/user.slice\n"
                             "4:net_prio,net_cls:/\n"
                             "3:cpuacct,cpu:/user.slice\n"
                             "1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"
                             "0::/user.slice/user-1000.slice/session-3.scope\n";
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  if (read_layout(mountinfo, self, &layout, &err) < 0) {
    tap_ok(false, "v1 layout: %s", err ? err->msg : "?");
    return;
  }
  tap_ok(layout.kind == CGROUP_LAYOUT_V1, "v1 host (a 0:: line without a cgroup2 mount)");
  tap_ok(layout.n == 4, "4 hierarchies: the repeated memory mount counts once, hugetlb has no line (got %zu)",
         layout.n);
  check_item(&layout, "/sys/fs/cgroup/cpu,cpuacct", CGROUP_V1, "cpu,cpuacct", "/user.slice");
  check_item(&layout, "/sys/fs/cgroup/net_cls,net_prio", CGROUP_V1, "net_cls,net_prio", "/");
  check_item(&layout, "/sys/fs/cgroup/systemd", CGROUP_V1, "name=systemd",
             "/user.slice/user-1000.slice/session-3.scope");
  check_item(&layout, "/sys/fs/cgroup/memory", CGROUP_V1, "memory", "/user.slice");
  tap_ok(!find_item(&layout, "/run/mirror/memory"), "the first mount of a repeated hierarchy is kept");
  check_dir(&layout, "/sys/fs/cgroup/cpu,cpuacct", NULL, "/sys/fs/cgroup/cpu,cpuacct/user.slice/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/net_cls,net_prio", NULL, "/sys/fs/cgroup/net_cls,net_prio/hutch-c1");
  cgroup_layout_release(&layout);
}

static void test_subdir_mounts(void)
{
  static const char mountinfo[] =
      "50 40 0:30 /lxc/c7 /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "51 40 0:31 /other /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
      "52 40 0:31 /lxc /mnt/pids rw,relatime - cgroup cgroup rw,pids\n"
      "53 40 0:31 / /mnt/allpids rw,relatime - cgroup cgroup rw,pids\n"
      "54 40 0:31 /lxc/c7 /mnt/c7pids rw,relatime - cgroup cgroup rw,pids\n"
      "55 40 0:32 /lxc/c7/init.scope /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
      "56 40 0:33 /lxc/c77 /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
      "57 40 0:34 /.. /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  static const char self[] = "4:blkio:/lxc/c7/init.scope\n"
                             "3:devices:/lxc/c7/init.scope\n"
                             "2:pids:/lxc/c7/init.scope\n"
                             "1:memory:/lxc/c7/init.scope\n"
                             "0::/lxc/c7/init.scope\n";
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  if (read_layout(mountinfo, self, &layout, &err) < 0) {
    tap_ok(false, "sub-directory mounts: %s", err ? err->msg : "?");
    return;
  }
  tap_ok(layout.n == 3 && layout.kind == CGROUP_LAYOUT_V1,
         "mounts whose root is not above the caller's cgroup are skipped (got %zu)", layout.n);
  check_item(&layout, "/sys/fs/cgroup/memory", CGROUP_V1, "memory", "/init.scope");
  check_item(&layout, "/mnt/allpids", CGROUP_V1, "pids", "/lxc/c7/init.scope");
  check_item(&layout, "/sys/fs/cgroup/devices", CGROUP_V1, "devices", "/");
  tap_ok(!find_item(&layout, "/sys/fs/cgroup/blkio"), "root /lxc/c77 is not above /lxc/c7/init.scope");
  check_dir(&layout, "/sys/fs/cgroup/memory", NULL, "/sys/fs/cgroup/memory/init.scope/hutch-c1");
  check_dir(&layout, "/sys/fs/cgroup/devices", NULL, "/sys/fs/cgroup/devices/hutch-c1");
  check_dir(&layout, "/mnt/allpids", "x", "/mnt/allpids/lxc/c7/init.scope/x");
  cgroup_layout_release(&layout);
}

static void test_escapes(void)
{
  static const char mountinfo[] =
      "60 40 0:34 / /run/my\\040cgroups/pids rw,relatime - cgroup cgroup rw,pids\n"
      "61 40 0:35 /back\\134slash /run/tab\\011dir/memory rw shared:3 master:1 - cgroup cgroup rw,memory\n";
  static const char self[] = "2:pids:/\n1:memory:/back\\slash/x\n";
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  if (read_layout(mountinfo, self, &layout, &err) < 0) {
    tap_ok(false, "escaped paths: %s", err ? err->msg : "?");
    return;
  }
  tap_ok(layout.n == 2, "escaped mount paths are read");
  check_item(&layout, "/run/my cgroups/pids", CGROUP_V1, "pids", "/");
  check_item(&layout, "/run/tab\tdir/memory", CGROUP_V1, "memory", "/x");
  check_dir(&layout, "/run/my cgroups/pids", NULL, "/run/my cgroups/pids/hutch-c1");
  cgroup_layout_release(&layout);
}

static void test_layout_errors(void)
{
  struct cgroup_layout layout;
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *missing = tmp_path("no-such-mountinfo");
  cleanup_free char *cg = tmp_path("cgroup");
  tap_ok(cgroup_layout_read(missing, cg, &layout, &err) < 0 && err && err->code == ENOENT &&
             strstr(err->msg, missing),
         "a missing mountinfo is reported by name");
  cleanup_error struct hutch_error *err2 = NULL;
  tap_ok(read_layout("21 1 254:1 / / rw - ext4 /dev/vda1 rw\n", "0::/\n", &layout, &err2) < 0 && err2 &&
             strstr(err2->msg, "no mounted cgroup hierarchy"),
         "no cgroup mount is an error");
}

/* ---- a directory tree standing in for cgroupfs ------------------------- */

static struct cgroup_layout tree_layout(void)
{
  struct cgroup_layout layout = { CGROUP_LAYOUT_HYBRID, xcalloc(2, sizeof(struct cgroup_hierarchy)), 2 };
  layout.items[0] = (struct cgroup_hierarchy){ CGROUP_V1, tmp_path("h1"), xstrdup("pids"), xstrdup("/") };
  layout.items[1] = (struct cgroup_hierarchy){ CGROUP_V2, tmp_path("h2"), xstrdup(""), xstrdup("/pre") };
  return layout;
}

static pid_t spawn_sleeper(void)
{
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;)
      pause();
  }
  return pid;
}

static void reap_if_alive(pid_t pid)
{
  if (pid > 0 && waitpid(pid, NULL, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
}

static bool file_is(const char *relative, const char *want)
{
  cleanup_free char *path = tmp_path(relative);
  cleanup_free char *got = test_read_file(path);
  if (got && strcmp(got, want) == 0)
    return true;
  tap_diag("%s: got \"%s\", want \"%s\"", relative, got ? got : "(unreadable)", want);
  return false;
}

static void put(const char *relative, const char *text)
{
  cleanup_free char *path = tmp_path(relative);
  if (!test_write_file(path, text))
    tap_diag("write %s: %s", path, strerror(errno));
}

static void drop(const char *relative)
{
  cleanup_free char *path = tmp_path(relative);
  if (unlink(path) < 0)
    tap_diag("unlink %s: %s", path, strerror(errno));
}

static void test_create_and_join(struct cgroup_layout *layout, struct cgroup_set *set)
{
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(cgroup_set_compute(layout, "x/y/c1", NULL, set, &err) == 0 && set->n == 2, "compute on the tree");
  cleanup_free char *d0 = tmp_path("h1/x/y/c1");
  cleanup_free char *d1 = tmp_path("h2/pre/x/y/c1");
  tap_str_eq(set->dirs[0], d0, "relative path below self path \"/\"");
  tap_str_eq(set->dirs[1], d1, "relative path below self path \"/pre\"");
  tap_ok(set->controllers && strcmp(set->controllers[0], "pids") == 0 && strcmp(set->controllers[1], "") == 0,
         "each dir keeps its hierarchy's controllers (\"\" for v2)");
  tap_ok(cgroup_set_find(set, "pids", false) == 0 && cgroup_set_find(set, "freezer", true) == 1 &&
             cgroup_set_find(set, "freezer", false) == -1,
         "find: the v1 hierarchy of a controller, else v2 when asked, else none");
  struct cgroup_set unknown = { set->dirs, NULL, set->n, NULL };
  tap_ok(cgroup_set_find(&unknown, "pids", true) == -2, "find: a set without controllers does not know");
  int rc = cgroup_create(set, NULL, &err);
  tap_ok(rc == 0, "create: %s", test_error_msg(err));
  tap_ok(exists(d0) && exists(d1), "both directories exist");
  cleanup_free char *c0 = tmp_path("h1/x/y");
  cleanup_free char *c1 = tmp_path("h2/pre/x");
  tap_str_eq(set->created[0], c0, "created[0] is the outermost new directory (x existed)");
  tap_str_eq(set->created[1], c1, "created[1] is the outermost new directory (pre existed)");

  struct cgroup_set joined;
  tap_ok(cgroup_set_compute(layout, "x/y/c1", NULL, &joined, &err) == 0 && cgroup_create(&joined, NULL, &err) == 0,
         "creating an existing cgroup joins it");
  tap_ok(!joined.created[0] && !joined.created[1], "joining creates nothing");
  tap_ok(cgroup_remove(&joined, &err) == 0 && exists(d0) && exists(d1), "removing a joined cgroup leaves it");
  cgroup_set_release(&joined);

  struct cgroup_set bad = { (char *[]){ tmp_path("file/sub") }, (char *[]){ NULL }, 1, NULL };
  put("file", "");
  cleanup_error struct hutch_error *e = NULL;
  rc = cgroup_create(&bad, NULL, &e);
  tap_ok(rc < 0 && e && e->code == ENOTDIR && strstr(e->msg, bad.dirs[0]) && !bad.created[0],
         "mkdir below a file fails by name: %s", test_error_msg(e));
  free(bad.dirs[0]);
  drop("file");
}

static void test_pids(const struct cgroup_set *set)
{
  pid_t *pids = NULL;
  size_t n = 0;
  cleanup_error struct hutch_error *err = NULL;
  put("h1/x/y/c1/cgroup.procs", "30\n10\n20\n10\n");
  tap_ok(cgroup_pids(set, &pids, &n, &err) == 0 && n == 3 && pids[0] == 10 && pids[1] == 20 && pids[2] == 30,
         "pids are sorted, repeats dropped");
  free(pids);
  put("h1/x/y/c1/cgroup.procs", "");
  pids = NULL;
  tap_ok(cgroup_pids(set, &pids, &n, &err) == 0 && n == 0, "an empty cgroup has no pids");
  free(pids);
  put("h1/x/y/c1/cgroup.procs", "12x\n");
  cleanup_error struct hutch_error *e = NULL;
  int rc = cgroup_pids(set, &pids, &n, &e);
  tap_ok(rc < 0 && e && strstr(e->msg, "cgroup.procs: line 1"), "garbage in cgroup.procs is reported: %s", test_error_msg(e));
  drop("h1/x/y/c1/cgroup.procs");
  put("h2/pre/x/y/c1/cgroup.procs", "7\n");
  pids = NULL;
  tap_ok(cgroup_pids(set, &pids, &n, &err) == 0 && n == 1 && pids[0] == 7,
         "the next directory is read when the first has no cgroup.procs");
  free(pids);
  drop("h2/pre/x/y/c1/cgroup.procs");
  cleanup_error struct hutch_error *e2 = NULL;
  tap_ok(cgroup_pids(set, &pids, &n, &e2) < 0 && e2 && e2->code == ENOENT, "no cgroup.procs anywhere: ENOENT");
}

static void test_enter_and_signal(const struct cgroup_set *set)
{
  cleanup_error struct hutch_error *err = NULL;
  put("h1/x/y/c1/cgroup.procs", "");
  put("h2/pre/x/y/c1/cgroup.procs", "");
  pid_t child = spawn_sleeper();
  if (child < 0) {
    tap_ok(false, "fork: %s", strerror(errno));
    return;
  }
  char pidtext[24];
  snprintf(pidtext, sizeof pidtext, "%d", (int) child);
  int rc = cgroup_enter(set, child, &err);
  tap_ok(rc == 0, "enter: %s", test_error_msg(err));
  tap_ok(file_is("h1/x/y/c1/cgroup.procs", pidtext) && file_is("h2/pre/x/y/c1/cgroup.procs", pidtext),
         "enter writes the pid to every cgroup.procs");

  put("h2/pre/x/y/c1/cgroup.kill", "");
  tap_ok(cgroup_signal_all(set, SIGKILL, &err) == 0 && file_is("h2/pre/x/y/c1/cgroup.kill", "1"),
         "SIGKILL goes through cgroup.kill when there is one");
  tap_ok(waitpid(child, NULL, WNOHANG) == 0, "and kill(2) is not used then (the child lives)");
  drop("h2/pre/x/y/c1/cgroup.kill");

  /* A v1 hierarchy has no cgroup.kill: where the set knows which dirs are
   * v1, they are not looked into (a file there here proves it). */
  put("h1/x/y/c1/cgroup.kill", "");
  struct cgroup_set v2_gone = { set->dirs, set->created, 1, set->controllers };
  struct cgroup_set v2_gone_unknown = { set->dirs, set->created, 1, NULL };
  tap_ok(cgroup_signal_all(&v2_gone, SIGKILL, &err) == 0 &&
             file_is("h1/x/y/c1/cgroup.kill", ""),
         "SIGKILL: a dir known to be v1 is not written a cgroup.kill");
  reap_if_alive(child);
  child = spawn_sleeper();
  snprintf(pidtext, sizeof pidtext, "%d", (int) child);
  put("h1/x/y/c1/cgroup.procs", pidtext);
  tap_ok(cgroup_signal_all(&v2_gone_unknown, SIGKILL, &err) == 0 && file_is("h1/x/y/c1/cgroup.kill", "1"),
         "SIGKILL: a dir of unknown hierarchy is tried (a record without controllers)");
  drop("h1/x/y/c1/cgroup.kill");
  put("h1/x/y/c1/cgroup.procs", pidtext);

  int status = 0;
  rc = cgroup_signal_all(set, SIGKILL, &err);
  tap_ok(rc == 0, "signal_all SIGKILL: %s", test_error_msg(err));
  tap_ok(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
         "the child was killed by SIGKILL");
  tap_ok(cgroup_signal_all(set, 0, &err) == 0, "a pid that is gone (ESRCH) is not an error");

  pid_t second = spawn_sleeper();
  snprintf(pidtext, sizeof pidtext, "%d\n", (int) second);
  put("h1/x/y/c1/cgroup.procs", pidtext);
  put("h2/pre/x/y/c1/cgroup.kill", "");
  tap_ok(cgroup_signal_all(set, SIGTERM, &err) == 0 && waitpid(second, &status, 0) == second &&
             WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
         "other signals go to each process");
  tap_ok(file_is("h2/pre/x/y/c1/cgroup.kill", ""), "cgroup.kill is only for SIGKILL");
  drop("h2/pre/x/y/c1/cgroup.kill");
  reap_if_alive(child);
  reap_if_alive(second);

  cleanup_free char *missing = tmp_path("h1/x/cgroup.procs");
  struct cgroup_set outer = { (char *[]){ tmp_path("h1/x") }, (char *[]){ NULL }, 1, NULL };
  cleanup_error struct hutch_error *e = NULL;
  rc = cgroup_enter(&outer, 1, &e);
  tap_ok(rc < 0 && e && e->code == ENOENT && strstr(e->msg, missing), "enter names the missing cgroup.procs: %s",
         test_error_msg(e));
  tap_ok(!exists(missing), "and does not create it");
  free(outer.dirs[0]);
}

static void test_remove(struct cgroup_set *set)
{
  cleanup_error struct hutch_error *err = NULL;
  /* cgroupfs control files do not keep rmdir from working; plain files do. */
  drop("h1/x/y/c1/cgroup.procs");
  drop("h2/pre/x/y/c1/cgroup.procs");
  mkdir_tmp("h1/x/y/c1/nested");
  mkdir_tmp("h1/x/y/c1/nested/deeper");
  int rc = cgroup_remove(set, &err);
  tap_ok(rc == 0, "remove: %s", test_error_msg(err));
  tap_ok(!exists_tmp("h1/x/y") && exists_tmp("h1/x"), "h1: removed up to x/y, x (pre-existing) stays");
  tap_ok(!exists_tmp("h2/pre/x") && exists_tmp("h2/pre"), "h2: removed up to pre/x, pre stays");
  tap_ok(cgroup_remove(set, &err) == 0, "removing again is fine (ENOENT)");
}

static void test_remove_shared_parent(struct cgroup_layout *layout)
{
  struct cgroup_set a, b;
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(cgroup_set_compute(layout, "/pod/c1", NULL, &a, &err) == 0 && cgroup_create(&a, NULL, &err) == 0 &&
             cgroup_set_compute(layout, "/pod/c2", NULL, &b, &err) == 0 && cgroup_create(&b, NULL, &err) == 0,
         "two containers in one new parent");
  tap_ok(cgroup_remove(&a, &err) == 0 && !exists_tmp("h1/pod/c1") && exists_tmp("h1/pod/c2"),
         "the first removal leaves the parent the other uses");
  tap_ok(cgroup_remove(&b, &err) == 0 && !exists_tmp("h1/pod/c2") && exists_tmp("h1/pod"),
         "the second leaves the parent it did not make");
  cgroup_set_release(&a);
  cgroup_set_release(&b);
}

static void test_remove_errors(void)
{
  put("h1/file", "");
  mkdir_tmp("h1/z");
  mkdir_tmp("h1/z/leaf");
  struct cgroup_set set = {
    (char *[]){ tmp_path("h1/file"), tmp_path("h1/z/leaf") },
    (char *[]){ tmp_path("h1/file"), tmp_path("h1/z") },
    2,
    NULL,
  };
  cleanup_error struct hutch_error *err = NULL;
  int rc = cgroup_remove(&set, &err);
  tap_ok(rc < 0 && err && err->code == ENOTDIR && strstr(err->msg, "rmdir ") && strstr(err->msg, set.dirs[0]),
         "an rmdir failure is reported by name: %s", test_error_msg(err));
  tap_ok(!exists_tmp("h1/z"), "and the other hierarchies are still removed");
  drop("h1/file");

  mkdir_tmp("h1/w");
  struct cgroup_set outside = { (char *[]){ tmp_path("h1/w") }, (char *[]){ tmp_path("h1/wx") }, 1, NULL };
  cleanup_error struct hutch_error *e = NULL;
  tap_ok(cgroup_remove(&outside, &e) < 0 && e && strstr(e->msg, "not below") && exists_tmp("h1/w"),
         "created[] not above the directory: nothing removed");
  for (int i = 0; i < 2; i++) {
    free(set.dirs[i]);
    free(set.created[i]);
  }
  free(outside.dirs[0]);
  free(outside.created[0]);
}

static void test_tree(void)
{
  mkdir_tmp("h1");
  mkdir_tmp("h1/x");
  mkdir_tmp("h2");
  mkdir_tmp("h2/pre");
  struct cgroup_layout layout = tree_layout();
  struct cgroup_set set;
  test_create_and_join(&layout, &set);
  test_pids(&set);
  test_enter_and_signal(&set);
  test_remove(&set);
  cgroup_set_release(&set);
  test_remove_shared_parent(&layout);
  test_remove_errors();
  cgroup_layout_release(&layout);
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    tap_ok(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  test_hybrid();
  test_covered();
  test_pure_v2();
  test_v1_comounted();
  test_subdir_mounts();
  test_escapes();
  test_layout_errors();
  test_tree();
  if (test_remove_tree(tmp) < 0)
    tap_diag("cannot remove %s", tmp);
  return tap_done();
}
