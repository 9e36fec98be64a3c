#include "engine/process/resctrl.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_line(const char *dir, const char *file, const char *line, const char *what, struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("%s/%s", dir, file);
  /* resctrl's files always exist; O_CREAT and O_APPEND change nothing
   * there and let a test tree record the writes in order. */
  cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return hutch_fail_errno(err, "%s: open %s", what, path);
  size_t len = strlen(line);
  if (write(fd, line, len) != (ssize_t) len)
    return hutch_fail_errno(err, "%s: write \"%s\" to %s", what, line, path);
  return 0;
}

/* The lines this config writes to schemata, in the spec's order: L3, then
 * MB, then the schemata entries. */
static size_t schema_lines(const struct oci_intel_rdt *rdt, const char **lines, const char **what, size_t max)
{
  size_t n = 0;
  if (rdt->l3_cache_schema && n < max) {
    what[n] = "linux.intelRdt.l3CacheSchema";
    lines[n++] = rdt->l3_cache_schema;
  }
  if (rdt->mem_bw_schema && n < max) {
    what[n] = "linux.intelRdt.memBwSchema";
    lines[n++] = rdt->mem_bw_schema;
  }
  for (size_t i = 0; i < rdt->schemata.len && n < max; i++) {
    what[n] = "linux.intelRdt.schemata";
    lines[n++] = rdt->schemata.items[i];
  }
  return n;
}

/* An existing closID group must already hold what the config asks (rule 5). */
static int check_existing(const char *group, const char **lines, const char **what, size_t n, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;
  cleanup_free char *path = xasprintf("%s/schemata", group);
  if (read_file_at(AT_FDCWD, path, 1 << 20, &text, &len, err) < 0)
    return hutch_error_prefix(err, "linux.intelRdt.closID: ");
  for (size_t i = 0; i < n; i++) {
    /* Each line may set several domains ("L3:0=ff;1=ff"): every one must be there. */
    cleanup_free char *copy = xstrdup(lines[i]);
    char *colon = strchr(copy, ':');
    if (!colon)
      return hutch_fail(err, 0, "%s: \"%s\" is not a schemata line", what[i], lines[i]);
    *colon = '\0';
    char *save = NULL;
    for (char *dom = strtok_r(colon + 1, ";", &save); dom; dom = strtok_r(NULL, ";", &save)) {
      const char *res = strstr(text, copy);
      if (!res || !strstr(res, dom))
        return hutch_fail(err, 0, "%s: the existing group %s differs (\"%s\" not set)", what[i], group, lines[i]);
    }
  }
  return 0;
}

int resctrl_setup(const char *root, const struct oci_intel_rdt *rdt, const char *id, pid_t pid,
                  struct resctrl_placement *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  cleanup_free char *info = xasprintf("%s/info", root);
  if (access(info, F_OK) < 0)
    return hutch_fail(err, 0, "linux.intelRdt: resctrl is not mounted on this host (no %s)", info);
  const char *lines[64], *what[64];
  size_t n = schema_lines(rdt, lines, what, 64);
  bool root_group = rdt->clos_id && strcmp(rdt->clos_id, "/") == 0;
  char *group = root_group ? xstrdup(root) : xasprintf("%s/%s", root, rdt->clos_id ? rdt->clos_id : id);
  bool created = false;
  if (!root_group) {
    if (mkdir(group, 0755) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      int saved = errno;
      free(group);
      return hutch_fail(err, saved, "linux.intelRdt: create the group %s/%s", root, rdt->clos_id ? rdt->clos_id : id);
    } else if (!rdt->clos_id) {
      free(group);
      return hutch_fail(err, EEXIST, "linux.intelRdt: a group named after the container exists already");
    }
  }
  int r = 0;
  if (!created && n > 0)
    r = check_existing(group, lines, what, n, err); /* rule 5 */
  else if (!created && rdt->clos_id && !root_group && access(group, F_OK) < 0)
    r = hutch_fail(err, ENOENT, "linux.intelRdt.closID: the group %s does not exist", group); /* rule 6 */
  for (size_t i = 0; r == 0 && created && i < n; i++) /* rules 1-3; rule 4: nothing to write */
    r = write_line(group, "schemata", lines[i], what[i], err);
  char pid_text[24];
  snprintf(pid_text, sizeof pid_text, "%d", (int) pid);
  if (r == 0)
    r = write_line(group, "tasks", pid_text, "linux.intelRdt", err);
  if (r == 0 && rdt->enable_monitoring.value) {
    /* The kernel provides mon_groups; a tree without it gets one. */
    cleanup_free char *mon_groups = xasprintf("%s/mon_groups", group);
    mkdir(mon_groups, 0755);
    out->monitor = xasprintf("%s/mon_groups/%s", group, id);
    if (mkdir(out->monitor, 0755) < 0)
      r = hutch_fail_errno(err, "linux.intelRdt.enableMonitoring: create %s", out->monitor);
    else
      r = write_line(out->monitor, "tasks", pid_text, "linux.intelRdt.enableMonitoring", err);
  }
  out->group = group;
  out->created_group = created ? xstrdup(group) : NULL;
  if (r < 0) {
    resctrl_remove(out->created_group, out->monitor, NULL);
    resctrl_placement_release(out);
  }
  return r;
}

int resctrl_remove(const char *created_group, const char *monitor, struct hutch_error **err)
{
  if (monitor && rmdir(monitor) < 0 && errno != ENOENT)
    return hutch_fail_errno(err, "remove %s", monitor);
  if (created_group && rmdir(created_group) < 0 && errno != ENOENT)
    return hutch_fail_errno(err, "remove %s", created_group);
  return 0;
}

void resctrl_placement_release(struct resctrl_placement *p)
{
  free(p->group);
  free(p->created_group);
  free(p->monitor);
  memset(p, 0, sizeof *p);
}
