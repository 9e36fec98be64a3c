/* exec --cgroup: which sub-cgroup each hierarchy gets, and what is refused. */
#include "engine/cgroup/sub.h"
#include "tap.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[] = "/tmp/hutch-cgsub-XXXXXX";

static void make_dir(const char *rel)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmp, rel);
  for (char *p = path + strlen(tmp) + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  mkdir(path, 0755);
}

/* A hybrid layout: memory, cpu,cpuacct (v1) and unified (v2); the
 * container's directory in each is <mount>/ctr. */
struct fixture {
  struct cgroup_hierarchy h[3];
  struct cgroup_layout layout;
  char *base[3];
};

static void fixture_init(struct fixture *f, enum cgroup_layout_kind kind)
{
  static const char *const mounts[] = { "memory", "cpu,cpuacct", "unified" };
  /* v2: the unified hierarchy alone. */
  size_t first = kind == CGROUP_LAYOUT_V2 ? 2 : 0, n = 3 - first;
  for (size_t i = 0; i < n; i++) {
    const char *m = mounts[first + i];
    bool v2 = first + i == 2;
    f->h[i] = (struct cgroup_hierarchy) {
      .version = v2 ? CGROUP_V2 : CGROUP_V1,
      .mountpoint = xasprintf("%s/%s", tmp, m),
      .controllers = xstrdup(v2 ? "" : m),
      .self_path = xstrdup("/"),
    };
    f->base[i] = xasprintf("%s/%s/ctr", tmp, m);
  }
  f->layout = (struct cgroup_layout) { kind, f->h, n };
}

static void fixture_release(struct fixture *f)
{
  for (size_t i = 0; i < f->layout.n; i++) {
    free(f->h[i].mountpoint);
    free(f->h[i].controllers);
    free(f->h[i].self_path);
    free(f->base[i]);
  }
}

/* Resolves specs; on success *got is the sub-paths joined by ' ' relative
 * to tmp, for comparison. */
static int resolve(struct fixture *f, const char *const *specs, size_t n, char *got, size_t size, char **msg)
{
  char **dirs = NULL;
  struct hutch_error *err = NULL;
  int r = cgroup_sub_resolve(&f->layout, f->base, f->layout.n, specs, n, &dirs, &err);
  got[0] = '\0';
  if (r == 0) {
    for (size_t i = 0; i < f->layout.n; i++) {
      strncat(got, dirs[i] + strlen(tmp) + 1, size - strlen(got) - 2);
      if (i + 1 < f->layout.n)
        strcat(got, " ");
    }
    cgroup_sub_release(dirs, f->layout.n);
  }
  *msg = err ? xstrdup(err->msg) : NULL;
  hutch_error_free(err);
  return r;
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    tap_ok(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  make_dir("memory/ctr/a");
  make_dir("memory/ctr/m");
  make_dir("cpu,cpuacct/ctr/a");
  make_dir("cpu,cpuacct/ctr/c/d");
  make_dir("unified/ctr/a");
  struct fixture f;
  fixture_init(&f, CGROUP_LAYOUT_HYBRID);
  char got[1024];
  char *msg = NULL;

  const char *all[] = { "a" };
  tap_ok(resolve(&f, all, 1, got, sizeof got, &msg) == 0, "a controller-less path applies to every hierarchy");
  tap_str_eq(got, "memory/ctr/a cpu,cpuacct/ctr/a unified/ctr/a", "  each hierarchy gets ctr/a");
  free(msg);

  const char *mixed[] = { "memory:m", "cpuacct:c/d" };
  tap_ok(resolve(&f, mixed, 2, got, sizeof got, &msg) == 0, "per-controller paths");
  tap_str_eq(got, "memory/ctr/m cpu,cpuacct/ctr/c/d unified/ctr", "  named hierarchies only, the rest stay put");
  free(msg);

  const char *both[] = { "cpu,memory:a", "a" };
  tap_ok(resolve(&f, both, 2, got, sizeof got, &msg) == 0, "a controller list and a default together");
  tap_str_eq(got, "memory/ctr/a cpu,cpuacct/ctr/a unified/ctr/a", "  every hierarchy gets its path");
  free(msg);

  static const struct {
    const char *spec;
    const char *message;
  } bad[] = {
    { "missing", "is not a cgroup of the container" },
    { "memory:c", "is not a cgroup of the container" },
    { "../escape", "\"..\" would leave" },
    { "a/../../x", "\"..\" would leave" },
    { "/abs", "relative to the container's cgroup" },
    { ":a", "expected [<controller>" },
    { "memory,:a", "expected [<controller>" },
    { "memory:", "empty path" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    const char *one[] = { bad[i].spec };
    int r = resolve(&f, one, 1, got, sizeof got, &msg);
    tap_ok(r < 0 && msg && strstr(msg, bad[i].message), "--cgroup %s is refused: %s", bad[i].spec,
           msg ? msg : "(accepted)");
    free(msg);
  }

  struct fixture v2;
  fixture_init(&v2, CGROUP_LAYOUT_V2);
  tap_ok(resolve(&v2, all, 1, got, sizeof got, &msg) == 0, "v2: a single path");
  tap_str_eq(got, "unified/ctr/a", "  the sub-cgroup of the one hierarchy");
  free(msg);
  const char *named[] = { "memory:a" };
  int r = resolve(&v2, named, 1, got, sizeof got, &msg);
  tap_ok(r < 0 && msg && strstr(msg, "without controllers"), "v2: a controller name is refused: %s",
         msg ? msg : "(accepted)");
  free(msg);
  const char *two[] = { "a", "a" };
  r = resolve(&v2, two, 2, got, sizeof got, &msg);
  tap_ok(r < 0 && msg && strstr(msg, "single path"), "v2: two paths are refused: %s", msg ? msg : "(accepted)");
  free(msg);

  const char *argv[] = { "rm", "-rf", tmp, NULL };
  pid_t pid = fork();
  if (pid == 0) {
    execv("/bin/rm", (char *const *) argv);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  fixture_release(&f);
  fixture_release(&v2);
  return tap_done();
}
