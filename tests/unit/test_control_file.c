/* The cgroup control-file helper on a plain directory standing in for a
 * cgroup: reads, writes of exactly the value, a missing file told from a
 * failed write, symbolic links and other kinds refused, bounded reads.
 * Needs no root. */
#include "helpers.h"
#include "tap.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/hutch-control-file-XXXXXX";

static char *tmp_path(const char *relative)
{
  return xasprintf("%s/%s", tmp, relative);
}

static void put(const char *relative, const char *text)
{
  cleanup_free char *path = tmp_path(relative);
  if (!test_write_file(path, text))
    tap_diag("cannot write %s: %s", path, strerror(errno));
}

static bool holds(const char *relative, const char *want)
{
  cleanup_free char *path = tmp_path(relative);
  cleanup_free char *got = test_read_file(path);
  if (got && strcmp(got, want) == 0)
    return true;
  tap_diag("%s holds \"%s\", not \"%s\"", relative, got ? got : "(unreadable)", want);
  return false;
}

static bool exists(const char *relative)
{
  cleanup_free char *path = tmp_path(relative);
  struct stat st;
  return lstat(path, &st) == 0;
}

static void test_dir_open(void)
{
  struct control_dir dir = CONTROL_DIR_INIT;
  cleanup_free char *missing = tmp_path("gone");
  tap_ok(control_dir_open(&dir, missing) == ENOENT && dir.fd < 0, "a missing directory: ENOENT");
  put("plain", "");
  cleanup_free char *plain = tmp_path("plain");
  tap_ok(control_dir_open(&dir, plain) == ENOTDIR && dir.fd < 0, "a file is not a directory: ENOTDIR");
  tap_ok(control_dir_open(&dir, tmp) == 0 && dir.fd >= 0 && strcmp(dir.path, tmp) == 0, "a directory opens");
  control_dir_close(&dir);
  tap_ok(dir.fd == -1 && dir.path == NULL, "and closes");
}

static void test_read(const struct control_dir *dir)
{
  put("memory.max", "max\n");
  cleanup_free char *text = NULL;
  size_t len = 0;
  cleanup_error struct hutch_error *err = NULL;
  int rc = control_file_read(dir, "memory.max", 64, &text, &len, &err);
  tap_ok(rc == 0 && len == 4 && strcmp(text, "max\n") == 0, "read: the whole file: %s", test_error_msg(err));

  cleanup_free char *missing = xasprintf("open %s/memory.high: No such file or directory", tmp);
  cleanup_error struct hutch_error *e1 = NULL;
  cleanup_free char *none = NULL;
  tap_ok(control_file_read(dir, "memory.high", 64, &none, &len, &e1) < 0 && e1 && e1->code == ENOENT && !none,
         "read of a missing file: ENOENT");
  tap_str_eq(e1 ? e1->msg : NULL, missing, "  named by the directory's path");

  put("big", "0123456789abcdef");
  cleanup_error struct hutch_error *e2 = NULL;
  cleanup_free char *big = NULL;
  rc = control_file_read(dir, "big", 8, &big, &len, &e2);
  tap_ok(rc < 0 && e2 && e2->code == EFBIG && strstr(e2->msg, "/big: larger than 8 bytes") && !big,
         "a file larger than the bound is refused: %s", test_error_msg(e2));
  cleanup_free char *exact = NULL;
  cleanup_error struct hutch_error *e3 = NULL;
  rc = control_file_read(dir, "big", 16, &exact, &len, &e3);
  tap_ok(rc == 0 && len == 16, "one of exactly the bound is read: %s", test_error_msg(e3));

  cleanup_free char *target = tmp_path("memory.max");
  cleanup_free char *link = tmp_path("link");
  if (symlink(target, link) < 0)
    tap_diag("symlink %s: %s", link, strerror(errno));
  cleanup_error struct hutch_error *e4 = NULL;
  cleanup_free char *linked = NULL;
  rc = control_file_read(dir, "link", 64, &linked, &len, &e4);
  tap_ok(rc < 0 && e4 && e4->code == ELOOP && strstr(e4->msg, "symbolic link") && !linked,
         "a symbolic link is not followed: %s", test_error_msg(e4));

  cleanup_free char *sub = tmp_path("sub");
  if (mkdir(sub, 0755) < 0)
    tap_diag("mkdir %s: %s", sub, strerror(errno));
  cleanup_error struct hutch_error *e5 = NULL;
  cleanup_free char *d = NULL;
  rc = control_file_read(dir, "sub", 64, &d, &len, &e5);
  tap_ok(rc < 0 && e5 && e5->code == EISDIR, "a directory is refused: %s", test_error_msg(e5));

  cleanup_free char *fifo = tmp_path("fifo");
  if (mkfifo(fifo, 0600) < 0)
    tap_diag("mkfifo %s: %s", fifo, strerror(errno));
  cleanup_error struct hutch_error *e6 = NULL;
  cleanup_free char *f = NULL;
  rc = control_file_read(dir, "fifo", 64, &f, &len, &e6);
  tap_ok(rc < 0 && e6 && strstr(e6->msg, "not a regular file (a FIFO)"),
         "a FIFO is refused without waiting for a writer: %s", test_error_msg(e6));
}

static void test_exists(const struct control_dir *dir)
{
  bool there = false;
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(control_file_exists(dir, "memory.max", &there, &err) == 0 && there, "exists: a file that is there");
  there = true;
  tap_ok(control_file_exists(dir, "memory.swap.max", &there, &err) == 0 && !there, "exists: one that is not");
  cleanup_error struct hutch_error *e = NULL;
  int rc = control_file_exists(dir, "memory.max/x", &there, &e);
  tap_ok(rc < 0 && e && e->code == ENOTDIR && strstr(e->msg, "access ") && strstr(e->msg, "/memory.max/x"),
         "exists: any other failure is an error naming the file: %s", test_error_msg(e));
}

static void test_write(const struct control_dir *dir)
{
  put("pids.max", "a much longer old value\n");
  bool opened = false;
  tap_ok(control_file_write(dir, "pids.max", "42", 2, &opened) == 0 && opened, "write");
  tap_ok(holds("pids.max", "42"), "  the file holds exactly what was written");

  opened = true;
  tap_ok(control_file_write(dir, "pids.current", "1", 1, &opened) == ENOENT && !opened,
         "write to a missing file: ENOENT at the open");
  tap_ok(!exists("pids.current"), "  and it is not created");
  tap_ok(control_file_write(dir, "pids.current", "1", 1, NULL) == ENOENT, "  also when the caller does not ask which");

  cleanup_free char *target = tmp_path("pids.max");
  cleanup_free char *link = tmp_path("pids.link");
  if (symlink(target, link) < 0)
    tap_diag("symlink %s: %s", link, strerror(errno));
  opened = true;
  tap_ok(control_file_write(dir, "pids.link", "7", 1, &opened) == ELOOP && !opened,
         "write through a symbolic link is refused at the open");
  tap_ok(holds("pids.max", "42"), "  and what it points to is unchanged");

  /* /dev/full opens and then refuses every write: a failure of the write,
   * not of the open. */
  struct control_dir dev = CONTROL_DIR_INIT;
  if (control_dir_open(&dev, "/dev") != 0) {
    tap_ok(true, "a failed write is told from a failed open # SKIP no /dev");
    return;
  }
  opened = false;
  tap_ok(control_file_write(&dev, "full", "1", 1, &opened) == ENOSPC && opened,
         "a failed write is told from a failed open");
  control_dir_close(&dev);
}

static void test_writer(const struct control_dir *dir)
{
  put("io.max", "old\n");
  {
    cleanup_control_writer struct control_writer w = CONTROL_WRITER(dir, "io.max");
    bool opened = false;
    tap_ok(control_writer_put(&w, "8:0 rbps=1\n", 11, &opened) == 0 && opened &&
             control_writer_put(&w, "8:16 wbps=2\n", 12, &opened) == 0,
           "writer: one write per entry");
  }
  tap_ok(holds("io.max", "8:0 rbps=1\n8:16 wbps=2\n"), "  through one open: the entries follow each other");
  {
    cleanup_control_writer struct control_writer unused = CONTROL_WRITER(dir, "rdma.max");
    (void) unused;
  }
  tap_ok(!exists("rdma.max"), "writer: a file no entry goes to is not opened");
  cleanup_control_writer struct control_writer w = CONTROL_WRITER(dir, "rdma.max");
  bool opened = true;
  tap_ok(control_writer_put(&w, "x", 1, &opened) == ENOENT && !opened, "writer: a missing file fails at the open");
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    tap_ok(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  test_dir_open();
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  int e = control_dir_open(&dir, tmp);
  tap_ok(e == 0, "the temporary directory opens: %s", strerror(e));
  if (e == 0) {
    test_read(&dir);
    test_exists(&dir);
    test_write(&dir);
    test_writer(&dir);
  }
  if (test_remove_tree(tmp) < 0)
    tap_diag("cannot remove %s", tmp);
  return tap_done();
}
