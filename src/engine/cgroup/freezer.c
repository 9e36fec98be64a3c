#include "engine/cgroup/freezer.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* freezer.state, cgroup.freeze and cgroup.events hold a word or two lines. */
#define FREEZER_FILE_MAX 4096

enum freezer_kind { FREEZER_NONE, FREEZER_V1, FREEZER_V2 };

/* Where the v1 freezer hierarchy is mounted under its own name, as it
 * nearly always is, its directory is the one to try first: a look into
 * each of the others costs four syscalls on every pause, state and delete. */
static bool named_for_freezer(const char *dir)
{
  return strstr(dir, "/freezer/") != NULL;
}

static bool open_v1_freezer(const char *path, struct control_dir *out)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  bool v1 = false;
  if (control_dir_open(&dir, path) != 0 || control_file_exists(&dir, "freezer.state", &v1, NULL) != 0 || !v1)
    return false;
  control_dir_close(out);
  *out = dir;
  dir = (struct control_dir) CONTROL_DIR_INIT;
  return true;
}

/* Opens the directory whose freezer is used. v1 is preferred on a hybrid
 * host: that is where the processes are frozen. */
static enum freezer_kind find_freezer(char *const *dirs, size_t n, struct control_dir *out)
{
  for (size_t i = 0; i < n; i++)
    if (named_for_freezer(dirs[i]) && open_v1_freezer(dirs[i], out))
      return FREEZER_V1;
  enum freezer_kind kind = FREEZER_NONE;
  for (size_t i = 0; i < n; i++) {
    cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
    bool v1 = false, v2 = false;
    if (control_dir_open(&dir, dirs[i]) != 0)
      continue;
    if (control_file_exists(&dir, "freezer.state", &v1, NULL) == 0 && v1) {
      control_dir_close(out);
      *out = dir;
      dir = (struct control_dir) CONTROL_DIR_INIT;
      return FREEZER_V1;
    }
    if (kind == FREEZER_NONE && control_file_exists(&dir, "cgroup.freeze", &v2, NULL) == 0 && v2) {
      *out = dir;
      dir = (struct control_dir) CONTROL_DIR_INIT;
      kind = FREEZER_V2;
    }
  }
  return kind;
}

/* The file's text, or NULL when it cannot be read; the caller frees it. */
static char *read_state(const struct control_dir *dir, const char *file)
{
  char *text = NULL;
  size_t len;
  return control_file_read(dir, file, FREEZER_FILE_MAX, &text, &len, NULL) == 0 ? text : NULL;
}

static int write_state(const struct control_dir *dir, const char *file, const char *value, struct hutch_error **err)
{
  int e = control_file_write(dir, file, value, strlen(value), NULL);
  return e ? hutch_fail(err, e, "write %s to %s/%s", value, dir->path, file) : 0;
}

static bool is_frozen(enum freezer_kind kind, const struct control_dir *dir)
{
  if (kind == FREEZER_V1) {
    cleanup_free char *state = read_state(dir, "freezer.state");
    return state && strncmp(state, "FROZEN", 6) == 0;
  }
  /* cgroup.events says "frozen 1" once every process has stopped. */
  cleanup_free char *events = read_state(dir, "cgroup.events");
  return events && strstr(events, "frozen 1") != NULL;
}

static bool is_thawed(enum freezer_kind kind, const struct control_dir *dir)
{
  if (kind == FREEZER_V1) {
    cleanup_free char *state = read_state(dir, "freezer.state");
    return state && strncmp(state, "THAWED", 6) == 0;
  }
  cleanup_free char *events = read_state(dir, "cgroup.events");
  return events && strstr(events, "frozen 0") != NULL;
}

int cgroup_freezer_set(char *const *dirs, size_t n, bool frozen, struct hutch_error **err)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  enum freezer_kind kind = find_freezer(dirs, n, &dir);
  if (kind == FREEZER_NONE)
    return hutch_fail(err, 0, "this host has no cgroup freezer");
  const char *file = kind == FREEZER_V1 ? "freezer.state" : "cgroup.freeze";
  const char *value = kind == FREEZER_V1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
  /* v1 may stop at FREEZING while a task is in an uninterruptible sleep:
   * writing again retries; give up after about five seconds. */
  for (int i = 0; i < 1000; i++) {
    if (i % 50 == 0 && write_state(&dir, file, value, err) < 0)
      return -1;
    if (frozen ? is_frozen(kind, &dir) : is_thawed(kind, &dir))
      return 0;
    struct timespec ts = { 0, 5000000 };
    nanosleep(&ts, NULL);
  }
  if (frozen)
    write_state(&dir, file, kind == FREEZER_V1 ? "THAWED" : "0", NULL);
  return hutch_fail(err, ETIMEDOUT, "the cgroup %s did not %s in time", dir.path, frozen ? "freeze" : "thaw");
}

bool cgroup_freezer_frozen(char *const *dirs, size_t n)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  enum freezer_kind kind = find_freezer(dirs, n, &dir);
  if (kind == FREEZER_V1) {
    /* FREEZING counts: the container is on its way to paused. */
    cleanup_free char *state = read_state(&dir, "freezer.state");
    return state && strncmp(state, "THAWED", 6) != 0;
  }
  if (kind == FREEZER_V2) {
    cleanup_free char *freeze = read_state(&dir, "cgroup.freeze");
    return freeze && freeze[0] == '1';
  }
  return false;
}
