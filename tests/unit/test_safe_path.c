/* safe_path: lookups and creations inside a root, on a tree in a temporary
 * directory (no privilege needed). An image's symlinks and ".." must never
 * lead out of the root, and a magic link is never followed. */
#include "engine/fs/safe_path.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[64]; /* holds root/ and, beside it, outside/ */
static int root_fd = -1;

static void at(const char *rel, char *out)
{
  snprintf(out, PATH_MAX, "%s/%s", top, rel);
}

static void make_dir(const char *rel)
{
  char p[PATH_MAX];
  at(rel, p);
  if (mkdir(p, 0755) < 0 && errno != EEXIST)
    tap_diag("mkdir %s: %s", p, strerror(errno));
}

static void make_file(const char *rel)
{
  char p[PATH_MAX];
  at(rel, p);
  int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0)
    close(fd);
}

static void make_link(const char *target, const char *rel)
{
  char p[PATH_MAX];
  at(rel, p);
  if (symlink(target, p) < 0)
    tap_diag("symlink %s: %s", p, strerror(errno));
}

/* Whether fd is the file at rel under top (same device and inode). */
static bool is(int fd, const char *rel)
{
  char p[PATH_MAX];
  at(rel, p);
  struct stat a, b;
  return fd >= 0 && fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool exists(const char *rel)
{
  char p[PATH_MAX];
  at(rel, p);
  struct stat st;
  return lstat(p, &st) == 0;
}

static void expect_at(const char *path, const char *rel, const char *what)
{
  int fd = safe_open(root_fd, path, O_PATH | O_CLOEXEC, 0);
  tap_ok(is(fd, rel), "%s: \"%s\" is root/%s", what, path, rel + 5);
  if (fd >= 0)
    close(fd);
}

static void expect_refused(const char *path, int want_errno, const char *what)
{
  errno = 0;
  int fd = safe_open(root_fd, path, O_PATH | O_CLOEXEC, 0);
  int e = errno;
  tap_ok(fd < 0 && e == want_errno, "%s: \"%s\" refused with %s (got fd %d, %s)", what, path, strerror(want_errno),
         fd, strerror(e));
  if (fd >= 0)
    close(fd);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int main(void)
{
  char tmpl[] = "/tmp/test_safe_path.XXXXXX";
  if (!mkdtemp(tmpl)) {
    tap_ok(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  snprintf(top, sizeof top, "%s", tmpl);
  make_dir("root");
  make_dir("root/etc");
  make_file("root/etc/passwd");
  make_dir("root/a");
  make_dir("root/a/b");
  make_dir("outside");
  make_file("outside/secret");
  make_link("/etc", "root/abs");                              /* absolute: the root's /etc */
  make_link("../../../../../../outside/secret", "root/a/climb"); /* climbs past the root */
  make_link("../../outside", "root/a/b/up");                  /* names the sibling of the root */
  make_link("loop", "root/loop");
  make_link("/a/b/../../etc/passwd", "root/dotdot");
  make_link("/proc/self/root", "root/magic");                 /* under the root: no proc there */
  char root[PATH_MAX];
  at("root", root);
  root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

  expect_at("/etc/passwd", "root/etc/passwd", "an absolute path");
  expect_at("abs/passwd", "root/etc/passwd", "an absolute symlink resolves in the root");
  expect_at("../../../etc/passwd", "root/etc/passwd", "\"..\" at the root stays at the root");
  expect_at("/a/b/../../../../etc", "root/etc", "\"..\" past the root in the middle of a path");
  expect_at("dotdot", "root/etc/passwd", "a symlink with \"..\" in its target");
  expect_refused("a/climb", ENOENT, "a symlink climbing past the root finds root/outside, which is not there");
  expect_refused("a/b/up/secret", ENOENT, "a symlink to the root's sibling");
  tap_ok(!exists("root/outside"), "  and nothing was made there");
  expect_refused("loop", ELOOP, "a symlink loop");
  expect_refused("magic/etc", ENOENT, "/proc/self/root named in the image is the root's /proc, absent here");

  /* A real magic link (the host's /proc through a root of "/"): refused,
   * never followed, whoever runs the test. */
  int host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  errno = 0;
  int fd = safe_open(host_root, "/proc/self/root/etc", O_PATH | O_CLOEXEC, 0);
  tap_ok(fd < 0 && errno == ELOOP, "a magic link (/proc/self/root) is not followed: %s", strerror(errno));
  if (fd >= 0)
    close(fd);
  fd = safe_open(host_root, "/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
  tap_ok(fd >= 0, "  while /proc itself is reachable");
  if (fd >= 0)
    close(fd);
  close(host_root);

  /* safe_ensure: what a mount destination needs, made inside the root. */
  struct hutch_error *err = NULL;
  fd = safe_ensure(root_fd, "/a/new/dir", true, &err);
  tap_ok(is(fd, "root/a/new/dir"), "ensure makes a directory and its parents in the root");
  if (fd >= 0)
    close(fd);
  fd = safe_ensure(root_fd, "/a/b/up/made", true, &err);
  tap_ok(fd >= 0 && !exists("outside/made") && exists("root/outside/made"),
         "ensure through a symlink to the root's sibling makes it inside the root (%s)", err ? err->msg : "ok");
  if (fd >= 0)
    close(fd);
  hutch_error_free(err);
  err = NULL;
  fd = safe_ensure(root_fd, "/abs/hostname", false, &err);
  tap_ok(is(fd, "root/etc/hostname"), "ensure of a file through an absolute symlink lands in the root's /etc");
  if (fd >= 0)
    close(fd);
  hutch_error_free(err);

  close(root_fd);
  if (nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
    tap_diag("could not remove %s", top);
  return tap_done();
}
