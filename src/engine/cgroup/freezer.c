#include "engine/cgroup/freezer.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* freezer.state, cgroup.freeze and cgroup.events hold a word or two lines. */
#define FREEZER_FILE_MAX 4096

enum freezer_kind { FREEZER_NONE, FREEZER_V1, FREEZER_V2 };

/* The directory of one kind, if its freezer file is there (a v2 kernel
 * before 5.2 has no cgroup.freeze). */
static enum freezer_kind open_freezer(const char *path, enum freezer_kind kind, struct control_dir *out)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  bool found = false;
  const char *file = kind == FREEZER_V1 ? "freezer.state" : "cgroup.freeze";
  if (control_dir_open(&dir, path) != 0 || control_file_exists(&dir, file, &found, NULL) != 0 || !found)
    return FREEZER_NONE;
  control_dir_close(out);
  *out = dir;
  dir = (struct control_dir) CONTROL_DIR_INIT;
  return kind;
}

/* Opens the directory whose freezer is used. v1 is preferred on a hybrid
 * host: that is where the processes are frozen. */
static enum freezer_kind find_freezer(const struct cgroup_set *set, struct control_dir *out)
{
  long v1 = cgroup_set_find(set, "freezer", false);
  if (v1 >= 0)
    return open_freezer(set->dirs[v1], FREEZER_V1, out);
  long v2 = cgroup_set_find(set, "freezer", true);
  if (v2 >= 0)
    return open_freezer(set->dirs[v2], FREEZER_V2, out);
  if (v2 == -1)
    return FREEZER_NONE;
  /* Controllers unknown: each directory is looked into. */
  enum freezer_kind kind = FREEZER_NONE;
  for (size_t i = 0; i < set->n; i++) {
    if (open_freezer(set->dirs[i], FREEZER_V1, out) == FREEZER_V1)
      return FREEZER_V1;
    if (kind == FREEZER_NONE)
      kind = open_freezer(set->dirs[i], FREEZER_V2, out);
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

int cgroup_freezer_set(const struct cgroup_set *set, bool frozen, struct hutch_error **err)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  enum freezer_kind kind = find_freezer(set, &dir);
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

bool cgroup_freezer_frozen(const struct cgroup_set *set)
{
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  enum freezer_kind kind = find_freezer(set, &dir);
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
