#include "engine/cgroup/layout.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"
#include "util/decimal.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* mountinfo of a host with thousands of mounts stays far below this. */
#define PROC_FILE_MAX (16u << 20)
/* cgroup.procs with every possible pid (pid_max 4194304) is about 32 MiB. */
#define PROCS_FILE_MAX (64u << 20)
/* How long cgroup_remove waits for the kernel to release a cgroup whose last
 * process just exited (1 ms, doubling: about 1 s in all). */
/* A killed process leaves its cgroup only once reaped, and the reaper (a
 * shim, conmon) may be slow under load: the wait is bounded, but not short. */
#define REMOVE_FIRST_WAIT_US 1000L
#define REMOVE_STEP_MAX_US 100000L
#define REMOVE_MAX_WAIT_US 10000000L
/* Rounds of "read the pids, signal the new ones": a process may fork while
 * its siblings are being signalled, so one pass can miss its child. */
#define SIGNAL_ROUNDS 5

/* ---- reading the layout ---------------------------------------------- */

/* One line of /proc/self/cgroup and the mount chosen for its hierarchy.
 * Strings point into the file buffers read by cgroup_layout_read. */
struct membership {
  bool v2;
  const char *controllers; /* as /proc/self/cgroup lists them: order may differ from the mount's */
  const char *path;
  const char *mountpoint; /* NULL until a mount matches */
  const char *root;
  const char *super_opts;
  size_t mount_no; /* position in mountinfo, to keep the layout in mount order */
};

struct mount_line {
  unsigned long id, parent;
  char *root;
  char *mountpoint;
  char *fstype;
  char *super_opts;
};

/* Whether the comma-separated list holds the item (s, len). */
bool cgroup_controllers_include(const char *list, const char *s, size_t len)
{
  for (const char *p = list; *p;) {
    const char *end = strchrnul(p, ',');
    if ((size_t) (end - p) == len && memcmp(p, s, len) == 0)
      return true;
    p = *end ? end + 1 : end;
  }
  return false;
}

/* Whether every item of `items` is in `list`. A v1 hierarchy is identified by
 * its controllers, which the kernel shows among the mount's super options
 * next to generic ones (rw, xattr, seclabel, release_agent=...): testing for
 * inclusion needs no list of the generic ones, and since a controller sits in
 * exactly one hierarchy, inclusion is as strict as equality. */
static bool list_includes(const char *list, const char *items)
{
  for (const char *p = items; *p;) {
    const char *end = strchrnul(p, ',');
    if (end > p && !cgroup_controllers_include(list, p, (size_t) (end - p)))
      return false;
    p = *end ? end + 1 : end;
  }
  return true;
}

/* The mount's controllers in the mount's order: its super options that the
 * /proc/self/cgroup line names. */
static char *mount_controllers(const char *super_opts, const char *line_controllers)
{
  struct strbuf sb = STRBUF_INIT;
  for (const char *p = super_opts; *p;) {
    const char *end = strchrnul(p, ',');
    if (end > p && cgroup_controllers_include(line_controllers, p, (size_t) (end - p))) {
      if (sb.len)
        strbuf_addc(&sb, ',');
      strbuf_add(&sb, p, (size_t) (end - p));
    }
    p = *end ? end + 1 : end;
  }
  return strbuf_detach(&sb);
}

/* mountinfo escapes space, tab, newline and backslash in paths as \ooo. */
static void unescape_octal(char *s)
{
  char *out = s;
  for (const char *p = s; *p;) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
        p[3] <= '7') {
      *out++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
      p += 4;
    } else {
      *out++ = *p++;
    }
  }
  *out = '\0';
}

/* Splits a mountinfo line in place (proc(5)): "id parent major:minor root
 * mountpoint options [optional fields...] - fstype source super_options". */
static bool parse_mount_line(char *line, struct mount_line *m)
{
  char *rest = line;
  char *field[6];
  for (size_t i = 0; i < ARRAY_SIZE(field); i++) {
    field[i] = strsep(&rest, " ");
    if (!field[i] || !rest)
      return false;
  }
  char *sep;
  do {
    sep = strsep(&rest, " ");
    if (!sep || !rest)
      return false;
  } while (strcmp(sep, "-") != 0);
  m->fstype = strsep(&rest, " ");
  if (!rest || !strsep(&rest, " ") || !rest)
    return false;
  m->super_opts = rest;
  m->root = field[3];
  m->mountpoint = field[4];
  char *end;
  m->id = strtoul(field[0], &end, 10);
  if (*end)
    return false;
  m->parent = strtoul(field[1], &end, 10);
  return *end == '\0';
}

/* ---- mounts that cannot be reached -------------------------------------- */

struct mount_node {
  unsigned long id, parent;
  char *mountpoint;
};

static bool path_is_prefix(const char *prefix, const char *path)
{
  size_t len = strlen(prefix);
  if (strcmp(prefix, "/") == 0)
    return true;
  return strncmp(prefix, path, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* Covered by a later mount: one stacked on it at the same place, or one on
 * its parent at a place above it (mounted after it, or it would be below).
 * The mount we came up from does not count: it may be the cover itself. */
static bool node_covered(const struct mount_node *nodes, size_t n, const struct mount_node *e, unsigned long from)
{
  for (size_t i = 0; i < n; i++) {
    const struct mount_node *o = &nodes[i];
    if (o == e || o->id == from)
      continue;
    if (o->parent == e->id && strcmp(o->mountpoint, e->mountpoint) == 0)
      return true;
    if (o->parent == e->parent && strcmp(o->mountpoint, e->mountpoint) != 0 &&
        path_is_prefix(o->mountpoint, e->mountpoint))
      return true;
  }
  return false;
}

/* Whether the mount id can be reached from the root: neither it nor a mount
 * it hangs below is covered. A cgroup2 mount hidden under a tmpfs (as the
 * clients' harness does for crun) is then not taken for a hierarchy. */
static bool mount_reachable(const struct mount_node *nodes, size_t n, unsigned long id)
{
  unsigned long from = 0; /* mount IDs start at 1 */
  for (size_t depth = 0; depth < n; depth++) {
    const struct mount_node *e = NULL;
    for (size_t i = 0; i < n && !e; i++)
      if (nodes[i].id == id)
        e = &nodes[i];
    if (!e)
      return true; /* above this namespace's root */
    if (node_covered(nodes, n, e, from))
      return false;
    if (e->parent == e->id)
      return true;
    from = id;
    id = e->parent;
  }
  return true;
}

static void read_mount_nodes(const char *mountinfo, struct mount_node **out, size_t *n)
{
  cleanup_free char *copy = xstrdup(mountinfo);
  char *rest = copy, *line;
  *out = NULL;
  *n = 0;
  while ((line = strsep(&rest, "\n"))) {
    struct mount_line m;
    if (!parse_mount_line(line, &m))
      continue;
    unescape_octal(m.mountpoint);
    *out = xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = (struct mount_node) { m.id, m.parent, xstrdup(m.mountpoint) };
  }
}

static void release_mount_nodes(struct mount_node *nodes, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(nodes[i].mountpoint);
  free(nodes);
}

/* path as seen from a mount of its hierarchy whose root is `root`; NULL when
 * the mount does not reach it. */
static const char *path_below_root(const char *path, const char *root)
{
  if (strcmp(root, "/") == 0)
    return path;
  size_t len = strlen(root);
  if (strncmp(path, root, len) != 0)
    return NULL;
  if (path[len] == '\0')
    return "/";
  return path[len] == '/' ? path + len : NULL;
}

/* Reads /proc/self/cgroup lines ("id:controllers:path") in place. */
static void parse_memberships(char *text, struct membership **out, size_t *n)
{
  char *rest = text;
  char *line;
  while ((line = strsep(&rest, "\n"))) {
    char *controllers = strchr(line, ':');
    char *path = controllers ? strchr(controllers + 1, ':') : NULL;
    if (!path || path[1] != '/')
      continue;
    *controllers++ = '\0';
    *path++ = '\0';
    bool v2 = strcmp(line, "0") == 0 && *controllers == '\0';
    /* A v1 hierarchy always names a controller or "name=". */
    if (!v2 && *controllers == '\0')
      continue;
    *out = xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = (struct membership){ .v2 = v2, .controllers = controllers, .path = path };
  }
}

static struct membership *membership_for(struct membership *ms, size_t n, const struct mount_line *m)
{
  bool v2 = strcmp(m->fstype, "cgroup2") == 0;
  if (!v2 && strcmp(m->fstype, "cgroup") != 0)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    if (ms[i].v2 != v2)
      continue;
    if (v2 || list_includes(m->super_opts, ms[i].controllers))
      return &ms[i];
  }
  return NULL;
}

/* Picks, for each hierarchy, the mount that shows the most of it: bind
 * mounts repeat a hierarchy, sometimes only a sub-directory of it. */
static void match_mounts(char *mountinfo, struct membership *ms, size_t n)
{
  struct mount_node *nodes;
  size_t n_nodes;
  read_mount_nodes(mountinfo, &nodes, &n_nodes);
  char *rest = mountinfo;
  char *line;
  for (size_t no = 0; (line = strsep(&rest, "\n")); no++) {
    struct mount_line m;
    if (!parse_mount_line(line, &m))
      continue;
    struct membership *ship = membership_for(ms, n, &m);
    if (!ship || !mount_reachable(nodes, n_nodes, m.id))
      continue;
    unescape_octal(m.root);
    unescape_octal(m.mountpoint);
    if (!path_below_root(ship->path, m.root))
      continue;
    if (ship->mountpoint && strlen(ship->root) <= strlen(m.root))
      continue;
    ship->mountpoint = m.mountpoint;
    ship->root = m.root;
    ship->super_opts = m.super_opts;
    ship->mount_no = no;
  }
  release_mount_nodes(nodes, n_nodes);
}

static int by_mount_no(const void *a, const void *b)
{
  const struct membership *x = a, *y = b;
  return (x->mount_no > y->mount_no) - (x->mount_no < y->mount_no);
}

static void fill_layout(struct membership *ms, size_t n, struct cgroup_layout *out)
{
  if (n)
    qsort(ms, n, sizeof *ms, by_mount_no);
  bool v1 = false, v2 = false;
  out->items = xcalloc(n, sizeof *out->items);
  out->n = 0;
  for (size_t i = 0; i < n; i++) {
    if (!ms[i].mountpoint)
      continue;
    struct cgroup_hierarchy *h = &out->items[out->n++];
    h->version = ms[i].v2 ? CGROUP_V2 : CGROUP_V1;
    h->mountpoint = xstrdup(ms[i].mountpoint);
    h->controllers = ms[i].v2 ? xstrdup("") : mount_controllers(ms[i].super_opts, ms[i].controllers);
    h->self_path = xstrdup(path_below_root(ms[i].path, ms[i].root));
    v1 |= !ms[i].v2;
    v2 |= ms[i].v2;
  }
  out->kind = !v2 ? CGROUP_LAYOUT_V1 : v1 ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V2;
}

int cgroup_layout_read(const char *mountinfo_path, const char *self_cgroup_path, struct cgroup_layout *out,
                       struct hutch_error **err)
{
  cleanup_free char *self_text = NULL;
  cleanup_free char *mountinfo = NULL;
  size_t len;
  if (read_file_at(AT_FDCWD, self_cgroup_path, PROC_FILE_MAX, &self_text, &len, err) < 0 ||
      read_file_at(AT_FDCWD, mountinfo_path, PROC_FILE_MAX, &mountinfo, &len, err) < 0)
    return -1;
  cleanup_free struct membership *ms = NULL;
  size_t n = 0;
  parse_memberships(self_text, &ms, &n);
  match_mounts(mountinfo, ms, n);
  struct cgroup_layout layout;
  fill_layout(ms, n, &layout);
  if (layout.n == 0) {
    cgroup_layout_release(&layout);
    return hutch_fail(err, 0, "%s: no mounted cgroup hierarchy that %s has a line for", mountinfo_path,
                      self_cgroup_path);
  }
  *out = layout;
  return 0;
}

int cgroup_layout_for_dirs(char *const *dirs, size_t n, struct cgroup_layout *out, struct hutch_error **err)
{
  struct cgroup_layout all;
  if (cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &all, err) < 0)
    return -1;
  memset(out, 0, sizeof *out);
  out->kind = all.kind;
  out->items = xcalloc(n ? n : 1, sizeof *out->items);
  for (size_t i = 0; i < n; i++) {
    const struct cgroup_hierarchy *best = NULL;
    size_t best_len = 0;
    for (size_t k = 0; k < all.n; k++) {
      size_t len = strlen(all.items[k].mountpoint);
      if (strncmp(dirs[i], all.items[k].mountpoint, len) == 0 && dirs[i][len] == '/' && len > best_len) {
        best = &all.items[k];
        best_len = len;
      }
    }
    if (!best) {
      cgroup_layout_release(&all);
      out->n = i;
      cgroup_layout_release(out);
      return hutch_fail(err, 0, "%s is in no cgroup hierarchy mounted here", dirs[i]);
    }
    out->items[i].version = best->version;
    out->items[i].mountpoint = xstrdup(best->mountpoint);
    out->items[i].controllers = xstrdup(best->controllers);
    out->items[i].self_path = xstrdup(best->self_path);
    out->n = i + 1;
  }
  cgroup_layout_release(&all);
  return 0;
}

void cgroup_layout_release(struct cgroup_layout *layout)
{
  for (size_t i = 0; i < layout->n; i++) {
    free(layout->items[i].mountpoint);
    free(layout->items[i].controllers);
    free(layout->items[i].self_path);
  }
  free(layout->items);
  layout->items = NULL;
  layout->n = 0;
}

/* ---- container directories ------------------------------------------- */

static bool has_dotdot(const char *path)
{
  for (const char *p = path; *p;) {
    const char *end = strchrnul(p, '/');
    if (end - p == 2 && p[0] == '.' && p[1] == '.')
      return true;
    p = *end ? end + 1 : end;
  }
  return false;
}

/* Appends "/component" for each component of path; empty and "." ones are
 * dropped so that removal, which climbs by '/', sees each directory once. */
static void append_components(struct strbuf *sb, const char *path)
{
  for (const char *p = path; *p;) {
    const char *end = strchrnul(p, '/');
    if (end > p && !(end - p == 1 && *p == '.')) {
      strbuf_addc(sb, '/');
      strbuf_add(sb, p, (size_t) (end - p));
    }
    p = *end ? end + 1 : end;
  }
}

static char *container_dir(const struct cgroup_hierarchy *h, const char *cgroups_path, const char *id)
{
  struct strbuf sb = STRBUF_INIT;
  append_components(&sb, h->mountpoint);
  if (!cgroups_path || !*cgroups_path) {
    append_components(&sb, h->self_path);
    strbuf_addf(&sb, "/hutch-%s", id);
  } else {
    if (cgroups_path[0] != '/')
      append_components(&sb, h->self_path);
    append_components(&sb, cgroups_path);
  }
  if (sb.len == 0)
    strbuf_addc(&sb, '/');
  return strbuf_detach(&sb);
}

int cgroup_set_compute(const struct cgroup_layout *layout, const char *cgroups_path, const char *id,
                       struct cgroup_set *out, struct hutch_error **err)
{
  bool use_id = !cgroups_path || !*cgroups_path;
  if (!use_id && has_dotdot(cgroups_path))
    return hutch_fail(err, 0, "cgroupsPath \"%s\": \"..\" is not allowed", cgroups_path);
  if (use_id && (!id || !*id || strchr(id, '/')))
    return hutch_fail(err, 0, "container id \"%s\" cannot name a cgroup", id ? id : "");
  out->n = layout->n;
  out->dirs = xcalloc(layout->n, sizeof *out->dirs);
  out->created = xcalloc(layout->n, sizeof *out->created);
  for (size_t i = 0; i < layout->n; i++)
    out->dirs[i] = container_dir(&layout->items[i], cgroups_path, id);
  cgroup_set_note_controllers(out, layout);
  return 0;
}

void cgroup_set_own(const struct cgroup_layout *layout, struct cgroup_set *out)
{
  out->n = layout->n;
  out->dirs = xcalloc(layout->n ? layout->n : 1, sizeof *out->dirs);
  out->created = xcalloc(layout->n ? layout->n : 1, sizeof *out->created);
  for (size_t i = 0; i < layout->n; i++) {
    struct strbuf sb = STRBUF_INIT;
    append_components(&sb, layout->items[i].mountpoint);
    append_components(&sb, layout->items[i].self_path);
    if (sb.len == 0)
      strbuf_addc(&sb, '/');
    out->dirs[i] = strbuf_detach(&sb);
  }
  cgroup_set_note_controllers(out, layout);
}

void cgroup_set_note_controllers(struct cgroup_set *set, const struct cgroup_layout *layout)
{
  set->controllers = xcalloc(layout->n ? layout->n : 1, sizeof *set->controllers);
  for (size_t i = 0; i < layout->n; i++)
    set->controllers[i] = xstrdup(layout->items[i].version == CGROUP_V2 ? "" : layout->items[i].controllers);
}

long cgroup_set_find(const struct cgroup_set *set, const char *controller, bool v2)
{
  if (!set->controllers)
    return -2;
  long found = -1;
  for (size_t i = 0; i < set->n; i++) {
    const char *c = set->controllers[i];
    if (c && *c && cgroup_controllers_include(c, controller, strlen(controller)))
      return (long) i;
    if (c && !*c && v2 && found < 0)
      found = (long) i;
  }
  return found;
}

void cgroup_set_release(struct cgroup_set *set)
{
  for (size_t i = 0; i < set->n; i++) {
    free(set->dirs[i]);
    free(set->created[i]);
    if (set->controllers)
      free(set->controllers[i]);
  }
  free(set->dirs);
  free(set->created);
  free(set->controllers);
  set->dirs = set->created = set->controllers = NULL;
  set->n = 0;
}

/* Gives dir's file name the parent's value when it is empty. */
static int copy_parent_value(const struct control_dir *dir, const struct control_dir *parent, const char *name,
                             struct hutch_error **err)
{
  cleanup_free char *value = NULL;
  size_t len;
  if (control_file_read(dir, name, PROC_FILE_MAX, &value, &len, err) < 0)
    return -1;
  if (strspn(value, " \n") != len)
    return 0;
  cleanup_free char *parent_value = NULL;
  if (control_file_read(parent, name, PROC_FILE_MAX, &parent_value, &len, err) < 0)
    return -1;
  int e = control_file_write(dir, name, parent_value, len, NULL);
  return e ? hutch_fail(err, e, "write %s/%s", dir->path, name) : 0;
}

/* A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems
 * (unless the parent sets cgroup.clone_children), and the kernel refuses
 * processes into it with ENOSPC until both are set. v2 inherits them. */
static int init_v1_cpuset(const char *path, int v1_cpuset, struct hutch_error **err)
{
  /* Unknown hierarchy: only v1's cpuset has this file (v2's has no
   * exclusive flag). */
  bool v1 = v1_cpuset > 0;
  if (v1_cpuset < 0 && control_file_exists_in(path, "cpuset.cpu_exclusive", &v1, err) < 0)
    return -1;
  const char *slash = strrchr(path, '/');
  if (!v1 || !slash)
    return 0;
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  int e = control_dir_open(&dir, path);
  if (e)
    return hutch_fail(err, e, "open %s", path);
  cleanup_free char *parent_path = slash == path ? xstrdup("/") : xstrndup(path, (size_t) (slash - path));
  cleanup_control_dir struct control_dir parent = CONTROL_DIR_INIT;
  e = control_dir_open(&parent, parent_path);
  if (e)
    return hutch_fail(err, e, "open %s", parent_path);
  if (copy_parent_value(&dir, &parent, "cpuset.cpus", err) < 0 ||
      copy_parent_value(&dir, &parent, "cpuset.mems", err) < 0)
    return -1;
  return 0;
}

/* mkdir -p of dir. *outermost gets the first directory made here, also when
 * a deeper mkdir then fails, so that removal can undo the partial work. */
static int make_dirs(const char *dir, int v1_cpuset, char **outermost, struct hutch_error **err)
{
  cleanup_free char *path = xstrdup(dir);
  size_t full = strlen(path);
  size_t len = full;
  /* Climb until a directory exists: usually the parent does, and this costs
   * a single mkdir. */
  for (;;) {
    if (mkdir(path, 0755) == 0) {
      *outermost = xstrdup(path);
      if (init_v1_cpuset(path, v1_cpuset, err) < 0)
        return -1;
      break;
    }
    if (errno == EEXIST)
      break;
    char *slash = strrchr(path, '/');
    if (errno != ENOENT || !slash || slash == path)
      return hutch_fail_errno(err, "mkdir %s", path);
    *slash = '\0';
    len = (size_t) (slash - path);
  }
  while (len < full) {
    path[len] = '/';
    len += strlen(path + len);
    if (mkdir(path, 0755) == 0) {
      if (!*outermost)
        *outermost = xstrdup(path);
      if (init_v1_cpuset(path, v1_cpuset, err) < 0)
        return -1;
    } else if (errno != EEXIST) {
      return hutch_fail_errno(err, "mkdir %s", path);
    }
  }
  return 0;
}

void cgroup_plan_created(struct cgroup_set *set, bool adopt_existing)
{
  for (size_t i = 0; i < set->n; i++) {
    struct stat st;
    if (stat(set->dirs[i], &st) == 0) {
      if (adopt_existing && !set->created[i])
        set->created[i] = xstrdup(set->dirs[i]);
      continue;
    }
    /* The outermost missing directory is what mkdir -p will make first. */
    cleanup_free char *path = xstrdup(set->dirs[i]);
    char *outermost = NULL;
    for (char *slash; (slash = strrchr(path, '/')) && slash != path;) {
      free(outermost);
      outermost = xstrdup(path);
      *slash = '\0';
      if (stat(path, &st) == 0)
        break;
    }
    if (!set->created[i])
      set->created[i] = outermost;
    else
      free(outermost);
  }
}

static bool same_path(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* On failure, created[] already names what was made, so cgroup_remove on the
 * same set cleans up. */
int cgroup_create(struct cgroup_set *set, bool *changed, struct hutch_error **err)
{
  long cpuset = cgroup_set_find(set, "cpuset", false);
  for (size_t i = 0; i < set->n; i++) {
    char *made = NULL;
    /* -1: the set does not know its hierarchies; init_v1_cpuset probes. */
    int v1_cpuset = cpuset == -2 ? -1 : cpuset == (long) i;
    int rc = make_dirs(set->dirs[i], v1_cpuset, &made, err);
    char *planned = set->created[i];
    bool adopted = planned && !made && strcmp(planned, set->dirs[i]) == 0;
    if (!adopted && !same_path(planned, made)) {
      free(planned);
      set->created[i] = made;
      made = NULL;
      if (changed)
        *changed = true;
    }
    free(made);
    if (rc < 0)
      return -1;
  }
  return 0;
}

/* ---- membership and signals ------------------------------------------ */

int cgroup_enter(const struct cgroup_set *set, pid_t pid, struct hutch_error **err)
{
  char text[24];
  int len = snprintf(text, sizeof text, "%d", (int) pid);
  for (size_t i = 0; i < set->n; i++) {
    int e = control_file_write_in(set->dirs[i], "cgroup.procs", text, (size_t) len, NULL);
    if (e)
      return hutch_fail(err, e, "write %s to %s/cgroup.procs", text, set->dirs[i]);
  }
  return 0;
}

static int compare_pids(const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

/* Sorts and drops repeats: v1 does not promise a cgroup.procs free of them. */
static size_t sort_unique(pid_t *pids, size_t n)
{
  if (n == 0)
    return 0;
  qsort(pids, n, sizeof *pids, compare_pids);
  size_t out = 1;
  for (size_t i = 1; i < n; i++)
    if (pids[i] != pids[out - 1])
      pids[out++] = pids[i];
  return out;
}

static int parse_pids(const char *dir, const char *text, pid_t **pids, size_t *n, struct hutch_error **err)
{
  cleanup_free pid_t *list = NULL;
  size_t count = 0, cap = 0;
  size_t line = 1;
  for (const char *p = text; *p; line++) {
    unsigned long v;
    if (!read_decimal(&p, &v) || v == 0 || v > INT_MAX || (*p != '\n' && *p != '\0'))
      return hutch_fail(err, 0, "%s/cgroup.procs: line %zu is not a pid", dir, line);
    if (count == cap) {
      cap = cap ? cap * 2 : 16;
      list = xrealloc(list, cap * sizeof *list);
    }
    list[count++] = (pid_t) v;
    if (*p)
      p++;
  }
  *n = sort_unique(list, count);
  *pids = steal_pointer(&list);
  return 0;
}

/* dir/cgroup.procs; a directory that cannot be opened fails as the file
 * in it would, so that a missing one is ENOENT either way. */
static int read_procs(const char *dir, char **text, struct hutch_error **err)
{
  cleanup_control_dir struct control_dir d = CONTROL_DIR_INIT;
  int e = control_dir_open(&d, dir);
  if (e)
    return hutch_fail(err, e, "open %s/cgroup.procs", dir);
  size_t len;
  return control_file_read(&d, "cgroup.procs", PROCS_FILE_MAX, text, &len, err);
}

int cgroup_pids(const struct cgroup_set *set, pid_t **pids, size_t *n, struct hutch_error **err)
{
  if (set->n == 0)
    return hutch_fail(err, 0, "no cgroup directory to list processes of");
  for (size_t i = 0; i < set->n; i++) {
    cleanup_free char *text = NULL;
    cleanup_error struct hutch_error *local = NULL;
    if (read_procs(set->dirs[i], &text, &local) == 0)
      return parse_pids(set->dirs[i], text, pids, n, err);
    if (local->code != ENOENT || i + 1 == set->n) {
      if (err && !*err)
        *err = steal_pointer(&local);
      return -1;
    }
  }
  return -1;
}

/* 0: killed through cgroup.kill; 1: no directory has one (v1, or a kernel
 * before 5.14); -1: error. */
static int write_cgroup_kill(const struct cgroup_set *set, struct hutch_error **err)
{
  for (size_t i = 0; i < set->n; i++) {
    /* Known to be v1: no such file there. */
    if (set->controllers && set->controllers[i] && *set->controllers[i])
      continue;
    int e = control_file_write_in(set->dirs[i], "cgroup.kill", "1", 1, NULL);
    if (e == 0)
      return 0;
    if (e != ENOENT)
      return hutch_fail(err, e, "write 1 to %s/cgroup.kill", set->dirs[i]);
  }
  return 1;
}

static bool pid_listed(const pid_t *pids, size_t n, pid_t pid)
{
  return n && bsearch(&pid, pids, n, sizeof *pids, compare_pids) != NULL;
}

/* Signals each listed process once, then looks again for processes forked
 * meanwhile, until a look finds none that is new. Without the freezer a pid
 * can still be reused between reading and kill(2). */
static int signal_members(const struct cgroup_set *set, int sig, struct hutch_error **err)
{
  cleanup_free pid_t *done = NULL;
  size_t ndone = 0;
  int rc = 0;
  for (int round = 0; round < SIGNAL_ROUNDS; round++) {
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(set, &pids, &n, err) < 0)
      return -1;
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++) {
      if (pid_listed(done, ndone, pids[i]))
        continue;
      if (kill(pids[i], sig) < 0 && errno != ESRCH)
        rc = hutch_fail_errno(err, "kill %d with signal %d", (int) pids[i], sig);
      pids[fresh++] = pids[i];
    }
    if (fresh == 0)
      break;
    done = xrealloc(done, (ndone + fresh) * sizeof *done);
    memcpy(done + ndone, pids, fresh * sizeof *pids);
    ndone = sort_unique(done, ndone + fresh);
  }
  return rc;
}

int cgroup_signal_all(const struct cgroup_set *set, int sig, struct hutch_error **err)
{
  if (sig == SIGKILL) {
    int rc = write_cgroup_kill(set, err);
    if (rc <= 0)
      return rc;
  }
  return signal_members(set, sig, err);
}

/* ---- removal ---------------------------------------------------------- */

static void sleep_us(long us)
{
  struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int remove_cgroup(const char *path, long *waited_us, struct hutch_error **err);

/* Cgroups the container made inside its own (systemd in the container, a
 * cgroup namespace) keep it busy; they go first. Returns how many went. */
static int remove_children(const char *path, long *waited_us, struct hutch_error **err)
{
  DIR *dir = opendir(path);
  if (!dir)
    return errno == ENOENT ? 0 : hutch_fail_errno(err, "open %s", path);
  cleanup_strbuf struct strbuf child = STRBUF_INIT;
  int removed = 0;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(dir);
    if (!de) {
      if (errno)
        removed = hutch_fail_errno(err, "read %s", path);
      break;
    }
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    struct stat st;
    bool is_dir = de->d_type == DT_DIR ||
                  (de->d_type == DT_UNKNOWN && fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISDIR(st.st_mode));
    if (!is_dir)
      continue;
    strbuf_truncate(&child, 0);
    strbuf_addf(&child, "%s/%s", path, de->d_name);
    if (remove_cgroup(child.buf, waited_us, err) < 0) {
      removed = -1;
      break;
    }
    removed++;
  }
  closedir(dir);
  return removed;
}

/* rmdir of a cgroup whose processes were just killed: the kernel reports
 * EBUSY until the last one has finished exiting. *waited_us is shared by a
 * whole cgroup_remove: when processes are still alive, every hierarchy is
 * busy for the same reason, and waiting once is enough. */
static int remove_cgroup(const char *path, long *waited_us, struct hutch_error **err)
{
  long wait_us = REMOVE_FIRST_WAIT_US;
  bool children_done = false;
  for (;;) {
    if (rmdir(path) == 0 || errno == ENOENT)
      return 0;
    int e = errno;
    if (e != EBUSY && e != ENOTEMPTY)
      return hutch_fail(err, e, "rmdir %s", path);
    if (!children_done) {
      children_done = true;
      int removed = remove_children(path, waited_us, err);
      if (removed < 0)
        return -1;
      if (removed > 0)
        continue;
    }
    if (e != EBUSY || *waited_us >= REMOVE_MAX_WAIT_US)
      return hutch_fail(err, e, "rmdir %s", path);
    long step = wait_us < REMOVE_MAX_WAIT_US - *waited_us ? wait_us : REMOVE_MAX_WAIT_US - *waited_us;
    sleep_us(step);
    *waited_us += step;
    if (wait_us < REMOVE_STEP_MAX_US)
      wait_us *= 2;
  }
}

/* Removes dir, then its parents up to and including top. */
static int remove_created(const char *dir, const char *top, long *waited_us, struct hutch_error **err)
{
  size_t top_len = strlen(top);
  /* Never climb out of what cgroup_create made, whatever the set says. */
  if (strncmp(dir, top, top_len) != 0 || (dir[top_len] != '\0' && dir[top_len] != '/'))
    return hutch_fail(err, 0, "cgroup %s is not below %s", dir, top);
  if (remove_cgroup(dir, waited_us, err) < 0)
    return -1;
  cleanup_free char *path = xstrdup(dir);
  size_t len = strlen(path);
  while (len > top_len) {
    char *slash = strrchr(path, '/');
    *slash = '\0';
    len = (size_t) (slash - path);
    if (rmdir(path) == 0 || errno == ENOENT)
      continue;
    /* Another cgroup was made beside ours since: the parent is in use. */
    if (errno == EBUSY || errno == ENOTEMPTY)
      return 0;
    return hutch_fail_errno(err, "rmdir %s", path);
  }
  return 0;
}

int cgroup_remove(const struct cgroup_set *set, struct hutch_error **err)
{
  int rc = 0;
  long waited_us = 0;
  for (size_t i = 0; i < set->n; i++)
    if (set->created[i] && remove_created(set->dirs[i], set->created[i], &waited_us, err) < 0)
      rc = -1;
  return rc;
}
