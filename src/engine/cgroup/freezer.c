#include "engine/cgroup/freezer.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum freezer_kind { FREEZER_NONE, FREEZER_V1, FREEZER_V2 };

/* v1 is preferred on a hybrid host: that is where the processes are frozen. */
static enum freezer_kind find_freezer(char *const *dirs, size_t n, const char **dir)
{
  for (int pass = 0; pass < 2; pass++) {
    const char *file = pass == 0 ? "freezer.state" : "cgroup.freeze";
    for (size_t i = 0; i < n; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dirs[i], file);
      if (access(path, F_OK) == 0) {
        *dir = dirs[i];
        return pass == 0 ? FREEZER_V1 : FREEZER_V2;
      }
    }
  }
  return FREEZER_NONE;
}

static int read_small(const char *dir, const char *file, char *buf, size_t size)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return 0;
}

static int write_small(const char *dir, const char *file, const char *value, struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("%s/%s", dir, file);
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, value, strlen(value)) < 0)
    return hutch_fail_errno(err, "write %s to %s", value, path);
  return 0;
}

static bool is_frozen(enum freezer_kind kind, const char *dir)
{
  char buf[256];
  if (kind == FREEZER_V1)
    return read_small(dir, "freezer.state", buf, sizeof buf) == 0 && strncmp(buf, "FROZEN", 6) == 0;
  /* cgroup.events says "frozen 1" once every process has stopped. */
  return read_small(dir, "cgroup.events", buf, sizeof buf) == 0 && strstr(buf, "frozen 1") != NULL;
}

static bool is_thawed(enum freezer_kind kind, const char *dir)
{
  char buf[256];
  if (kind == FREEZER_V1)
    return read_small(dir, "freezer.state", buf, sizeof buf) == 0 && strncmp(buf, "THAWED", 6) == 0;
  return read_small(dir, "cgroup.events", buf, sizeof buf) == 0 && strstr(buf, "frozen 0") != NULL;
}

int cgroup_freezer_set(char *const *dirs, size_t n, bool frozen, struct hutch_error **err)
{
  const char *dir = NULL;
  enum freezer_kind kind = find_freezer(dirs, n, &dir);
  if (kind == FREEZER_NONE)
    return hutch_fail(err, 0, "this host has no cgroup freezer");
  const char *file = kind == FREEZER_V1 ? "freezer.state" : "cgroup.freeze";
  const char *value = kind == FREEZER_V1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
  /* v1 may stop at FREEZING while a task is in an uninterruptible sleep:
   * writing again retries; give up after about five seconds. */
  for (int i = 0; i < 1000; i++) {
    if (i % 50 == 0 && write_small(dir, file, value, err) < 0)
      return -1;
    if (frozen ? is_frozen(kind, dir) : is_thawed(kind, dir))
      return 0;
    struct timespec ts = { 0, 5000000 };
    nanosleep(&ts, NULL);
  }
  if (frozen)
    write_small(dir, file, kind == FREEZER_V1 ? "THAWED" : "0", NULL);
  return hutch_fail(err, ETIMEDOUT, "the cgroup %s did not %s in time", dir, frozen ? "freeze" : "thaw");
}

bool cgroup_freezer_frozen(char *const *dirs, size_t n)
{
  const char *dir = NULL;
  enum freezer_kind kind = find_freezer(dirs, n, &dir);
  if (kind == FREEZER_V1) {
    char buf[64];
    /* FREEZING counts: the container is on its way to paused. */
    return read_small(dir, "freezer.state", buf, sizeof buf) == 0 && strncmp(buf, "THAWED", 6) != 0;
  }
  if (kind == FREEZER_V2) {
    char buf[16];
    return read_small(dir, "cgroup.freeze", buf, sizeof buf) == 0 && buf[0] == '1';
  }
  return false;
}
