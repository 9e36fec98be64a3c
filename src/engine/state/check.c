#include "engine/state/check.h"
#include "engine/cgroup/systemd.h"
#include "engine/process/resctrl.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* Absolute, no empty, "." or ".." component, no trailing slash. */
static bool path_is_clean(const char *p)
{
  if (!p || p[0] != '/' || !p[1])
    return false;
  for (const char *c = p; *c;) {
    const char *start = ++c; /* past a '/' */
    const char *end = strchr(start, '/');
    size_t n = end ? (size_t) (end - start) : strlen(start);
    if (n == 0 || (n == 1 && start[0] == '.') || (n == 2 && start[0] == '.' && start[1] == '.'))
      return false;
    c = start + n;
  }
  return true;
}

/* Whether p ends with the components of tail ("/a/b" ends with "a/b" and
 * "/b", not with "b/" nor with "a/" ). */
static bool ends_with_components(const char *p, const char *tail)
{
  while (*tail == '/')
    tail++;
  size_t n = strlen(p), t = strlen(tail);
  while (t && tail[t - 1] == '/')
    t--;
  if (!t || t >= n || strncmp(p + n - t, tail, t) != 0)
    return false;
  return p[n - t - 1] == '/';
}

/* Whether ancestor is p or a directory above it. */
static bool is_ancestor(const char *ancestor, const char *p)
{
  size_t n = strlen(ancestor);
  return strncmp(ancestor, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* The config snapshot's linux.cgroupsPath, read only when a name does not
 * carry the id by itself. "" when it has none; NULL when unreadable. */
struct snapshot_paths {
  bool loaded;
  struct oci_config *cfg;
};

static const char *snapshot_cgroups_path(int dir_fd, struct snapshot_paths *s)
{
  if (!s->loaded) {
    s->loaded = true;
    cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
    if (oci_config_read(dir_fd, CONFIG_SNAPSHOT, REGULAR_NOFOLLOW, &s->cfg, &diags, NULL) < 0)
      s->cfg = NULL;
  }
  if (!s->cfg)
    return NULL;
  const char *p = s->cfg->linux_ ? s->cfg->linux_->cgroups_path : NULL;
  return p ? p : "";
}

/* Named for the container: the id in the last component (hutch-ID,
 * libpod-ID, ID, a scope of the id), or what the config asked for. */
static bool named_for(const char *dir, const char *id, const char *cgroups_path)
{
  const char *base = strrchr(dir, '/');
  base = base ? base + 1 : dir;
  if (strstr(base, id))
    return true;
  if (!cgroups_path || !*cgroups_path)
    return false;
  if (strchr(cgroups_path, ':')) {
    struct systemd_unit u;
    memset(&u, 0, sizeof u);
    bool ok = systemd_unit_from_config(cgroups_path, id, &u, NULL) == 0 && strcmp(base, u.name) == 0;
    systemd_unit_release(&u);
    return ok;
  }
  return ends_with_components(dir, cgroups_path);
}

/* In a cgroup filesystem, and not the root of a hierarchy (signalling or
 * removing that would reach every process of the host). A directory that
 * is gone passes: nothing will be done to it. */
static bool cgroup_dir_plausible(const char *dir)
{
  cleanup_close int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT;
  struct statfs fs;
  if (fstatfs(fd, &fs) < 0 || (fs.f_type != CGROUP_SUPER_MAGIC && fs.f_type != CGROUP2_SUPER_MAGIC))
    return false;
  struct stat self, parent;
  if (fstat(fd, &self) < 0 || fstatat(fd, "..", &parent, 0) < 0)
    return false;
  return self.st_dev == parent.st_dev;
}

static int bad(struct hutch_error **err, const char *field, const char *value)
{
  return hutch_fail_as(err, EBADMSG, "%s: %s \"%s\" is not one hutch could have recorded for this container",
                       STATE_FILE, field, value ? value : "");
}

static int check_cgroups(int dir_fd, const struct container_record *rec, const char *id, struct snapshot_paths *snap,
                         struct hutch_error **err)
{
  const oci_strings *dirs = &rec->cgroup_dirs, *created = &rec->cgroup_created;
  if (created->len && created->len != dirs->len)
    return bad(err, "cgroupCreated", "(not one per cgroup directory)");
  char field[64];
  for (size_t i = 0; i < dirs->len; i++) {
    const char *d = dirs->items[i];
    snprintf(field, sizeof field, "cgroupDirs[%zu]", i);
    if (!path_is_clean(d) || !cgroup_dir_plausible(d))
      return bad(err, field, d);
    const char *base = strrchr(d, '/') + 1;
    if (!strstr(base, id) && !named_for(d, id, snapshot_cgroups_path(dir_fd, snap)))
      return bad(err, field, d);
    const char *c = i < created->len ? created->items[i] : NULL;
    snprintf(field, sizeof field, "cgroupCreated[%zu]", i);
    if (c && *c && (!path_is_clean(c) || !is_ancestor(c, d) || !cgroup_dir_plausible(c)))
      return bad(err, field, c);
  }
  return 0;
}

static int check_systemd_unit(int dir_fd, const struct container_record *rec, const char *id,
                              struct snapshot_paths *snap, struct hutch_error **err)
{
  const char *unit = rec->systemd_unit;
  if (!unit)
    return 0;
  if (!systemd_unit_name_valid(unit))
    return bad(err, "systemdUnit", unit);
  if (strstr(unit, id))
    return 0;
  const char *path = snapshot_cgroups_path(dir_fd, snap);
  struct systemd_unit u;
  memset(&u, 0, sizeof u);
  bool ok = path && systemd_unit_from_config(path, id, &u, NULL) == 0 && strcmp(unit, u.name) == 0;
  systemd_unit_release(&u);
  return ok ? 0 : bad(err, "systemdUnit", unit);
}

/* RESCTRL_ROOT/<group>, one component. */
static bool resctrl_group_plausible(const char *group)
{
  size_t n = strlen(RESCTRL_ROOT);
  return path_is_clean(group) && strncmp(group, RESCTRL_ROOT "/", n + 1) == 0 && !strchr(group + n + 1, '/');
}

static int check_resctrl(const struct container_record *rec, const char *id, struct hutch_error **err)
{
  if (rec->rdt_group_created && !resctrl_group_plausible(rec->rdt_group_created))
    return bad(err, "rdtGroupCreated", rec->rdt_group_created);
  const char *mon = rec->rdt_monitor;
  if (!mon)
    return 0;
  cleanup_free char *group = xstrdup(mon);
  char *cut = strstr(group, "/mon_groups/");
  if (!cut || strcmp(cut + strlen("/mon_groups/"), id) != 0)
    return bad(err, "rdtMonitor", mon);
  *cut = '\0';
  return resctrl_group_plausible(group) && path_is_clean(mon) ? 0 : bad(err, "rdtMonitor", mon);
}

int record_check(int dir_fd, const struct container_record *rec, const char *id, struct hutch_error **err)
{
  struct snapshot_paths snap = { false, NULL };
  int r = 0;
  if (strcmp(rec->id, id) != 0)
    r = bad(err, "id", rec->id);
  else if (rec->host_root_mount.set && !path_is_clean(rec->rootfs))
    r = bad(err, "rootfs", rec->rootfs);
  else
    r = check_cgroups(dir_fd, rec, id, &snap, err);
  if (r == 0)
    r = check_systemd_unit(dir_fd, rec, id, &snap, err);
  if (r == 0)
    r = check_resctrl(rec, id, err);
  oci_config_free(snap.cfg);
  return r;
}

bool process_in_cgroups(pid_t pid, const struct cgroup_set *set)
{
  if (!set->n)
    return true;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
  cleanup_free char *text = NULL;
  size_t len;
  if (read_file_at(AT_FDCWD, path, 1 << 16, &text, &len, NULL) < 0)
    return false;
  /* "N:controllers:/path" per hierarchy. A container directory is its
   * hierarchy's mount point followed by the path: it ends with the path of
   * the process, or with one of that path's ancestors when the process sits
   * in a cgroup below the container's own (exec --cgroup, systemd inside). */
  for (char *line, *rest = text; (line = strsep(&rest, "\n"));) {
    char *p = strchr(line, ':');
    p = p ? strchr(p + 1, ':') : NULL;
    if (!p || p[1] != '/' || !p[2])
      continue;
    char *cg = p + 1;
    for (;;) {
      for (size_t i = 0; i < set->n; i++)
        if (ends_with_components(set->dirs[i], cg))
          return true;
      char *slash = strrchr(cg, '/');
      if (!slash || slash == cg)
        break;
      *slash = '\0';
    }
  }
  return false;
}
