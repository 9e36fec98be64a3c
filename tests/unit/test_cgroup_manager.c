/* The cgroup manager interface without a cgroup filesystem: which manager a
 * recorded container has, what "none" refuses, that destroy takes away
 * exactly what create made (plain directories stand in for cgroups). The
 * systemd manager is tested against the mock bus (systemd.bats). */
#include "engine/cgroup/manager.h"
#include "helpers.h"
#include "util/xalloc.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_kind_of_record(void)
{
  char *dir_items[] = { (char *) "/sys/fs/cgroup/memory/hutch-a", (char *) "/sys/fs/cgroup/pids/hutch-a" };
  char *created_items[] = { (char *) "", (char *) "/sys/fs/cgroup/pids/hutch-a" };
  oci_strings dirs = { dir_items, 1, true }, created = { created_items, 1, true }, nothing = { NULL, 0, false };
  struct cgroup_manager m;
  struct hutch_error *err = NULL;

  tap_ok(cgroup_manager_open_recorded(&m, &dirs, &created, NULL, &err) == 0 && m.kind == CGROUP_MANAGER_CGROUPFS,
         "recorded directories without a unit: cgroupfs");
  tap_ok(m.set.n == 1 && strcmp(m.set.dirs[0], dir_items[0]) == 0 && m.set.created[0] == NULL,
         "the record's \"\" (nothing made) is nothing to remove");
  cgroup_manager_release(&m);

  tap_ok(cgroup_manager_open_recorded(&m, &dirs, &created, "hutch-a.scope", &err) == 0 &&
             m.kind == CGROUP_MANAGER_SYSTEMD && strcmp(m.unit_name, "hutch-a.scope") == 0,
         "a recorded unit: systemd, the unit named");
  cgroup_manager_release(&m);

  dirs.len = 2;
  created.len = 1;
  tap_ok(cgroup_manager_open_recorded(&m, &dirs, &created, NULL, &err) == 0 && m.set.n == 2 &&
             m.set.created[1] == NULL,
         "a record naming fewer made directories than it has: nothing made for the rest");
  cgroup_manager_release(&m);

  tap_ok(cgroup_manager_open_recorded(&m, &nothing, &nothing, NULL, &err) == 0 && m.kind == CGROUP_MANAGER_NONE,
         "neither: none");
  tap_ok(cgroup_manager_destroy(&m, &err) == 0, "destroying none removes nothing and succeeds");
  cgroup_manager_release(&m);
  hutch_error_free(err);
}

static void test_none_refuses_limits(void)
{
  struct cgroup_manager m;
  struct hutch_error *err = NULL;
  struct oci_memory mem = { 0 };
  struct oci_resources r = { .memory = &mem };

  cgroup_manager_init(&m, CGROUP_MANAGER_NONE);
  tap_ok(cgroup_manager_plan(&m, NULL, "a", &r, &err) < 0, "none: a memory limit is refused at plan");
  tap_ok(err && strstr(err->msg, "linux.resources.memory: ") == err->msg &&
             strstr(err->msg, "--cgroup-manager disabled"),
         "by its path, naming why (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  int rc = cgroup_manager_update(&m, &r, &r, &err);
  tap_ok(rc < 0 && err && strstr(err->msg, "linux.resources.memory"), "and at update (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  cgroup_manager_release(&m);

  struct oci_resources devices_only = { .devices = { NULL, 0, true } };
  cgroup_manager_init(&m, CGROUP_MANAGER_NONE);
  tap_ok(cgroup_manager_plan(&m, NULL, "a", &devices_only, &err) == 0, "none: a device list alone is no refusal (%s)",
         test_error_msg(err));
  tap_ok(cgroup_manager_visible(&m) == &m.view && m.set.n == 0,
         "none records no directory; a cgroup mount shows the caller's own");
  tap_ok(cgroup_manager_prepare(&m, &devices_only, &err) == 0 &&
             cgroup_manager_enter(&m, getpid(), &devices_only, &err) == 0,
         "none makes nothing and moves nothing");
  cgroup_manager_release(&m);
  hutch_error_free(err);
}

static void test_destroy_removes_what_was_made(void)
{
  char tmpl[] = "/tmp/hutch-test-mgr-XXXXXX";
  char *top = mkdtemp(tmpl);
  if (!top) {
    tap_ok(false, "mkdtemp");
    return;
  }
  char parent[256], made[256], leaf[256], kept[256];
  snprintf(parent, sizeof parent, "%s/kept", top);
  snprintf(made, sizeof made, "%s/kept/made", top);
  snprintf(leaf, sizeof leaf, "%s/kept/made/leaf", top);
  snprintf(kept, sizeof kept, "%s/kept/other", top);
  mkdir(parent, 0755);
  mkdir(made, 0755);
  mkdir(leaf, 0755);
  mkdir(kept, 0755);

  char *dir_items[] = { leaf };
  char *made_items[] = { made };
  oci_strings dirs = { dir_items, 1, true }, created = { made_items, 1, true };
  struct cgroup_manager m;
  struct hutch_error *err = NULL;
  cgroup_manager_open_recorded(&m, &dirs, &created, NULL, &err);
  tap_ok(cgroup_manager_destroy(&m, &err) == 0, "cgroupfs destroy (%s)", test_error_msg(err));
  tap_ok(!is_dir(leaf) && !is_dir(made), "the leaf and the outermost directory create made are gone");
  tap_ok(is_dir(parent) && is_dir(kept), "what was there before is not");
  tap_ok(cgroup_manager_destroy(&m, &err) == 0, "a second destroy has nothing left to do");
  cgroup_manager_release(&m);

  /* delete -f of an unknown state: the planned leaf counts as made, no more. */
  mkdir(made, 0755);
  mkdir(leaf, 0755);
  char *none_items[] = { (char *) "" };
  oci_strings none = { none_items, 1, true };
  cgroup_manager_open_recorded(&m, &dirs, &none, NULL, &err);
  cgroup_manager_adopt_planned_leaves(&m);
  tap_ok(cgroup_manager_destroy(&m, &err) == 0 && !is_dir(leaf) && is_dir(made),
         "adopted leaves: only the leaf goes (%s)", test_error_msg(err));
  cgroup_manager_release(&m);
  hutch_error_free(err);
  test_remove_tree(top);
}

/* What mkdir found, not what the plan guessed, is what create made. */
static void test_create_follows_the_hierarchy(void)
{
  char tmpl[] = "/tmp/hutch-test-mgr-XXXXXX";
  char *top = mkdtemp(tmpl);
  if (!top) {
    tap_ok(false, "mkdtemp");
    return;
  }
  char parent[256], leaf[256];
  snprintf(parent, sizeof parent, "%s/pod", top);
  snprintf(leaf, sizeof leaf, "%s/pod/c1", top);
  struct cgroup_set set = { xcalloc(1, sizeof(char *)), xcalloc(1, sizeof(char *)), 1, NULL };
  set.dirs[0] = xstrdup(leaf);
  struct hutch_error *err = NULL;
  cgroup_plan_created(&set, false);
  tap_str_eq(set.created[0], parent, "the plan: the missing parent is the outermost made");
  mkdir(parent, 0755); /* made by someone else meanwhile */
  bool changed = false;
  tap_ok(cgroup_create(&set, &changed, &err) == 0 && changed, "create tells the plan changed (%s)",
         test_error_msg(err));
  tap_str_eq(set.created[0], leaf, "and records the leaf alone: the parent is not ours to remove");

  rmdir(leaf);
  changed = false;
  free(set.created[0]);
  set.created[0] = NULL;
  cgroup_plan_created(&set, true);
  tap_str_eq(set.created[0], leaf, "adopting: the missing leaf is planned as ours");
  mkdir(leaf, 0755);
  tap_ok(cgroup_create(&set, &changed, &err) == 0 && !changed && strcmp(set.created[0], leaf) == 0,
         "a leaf that appeared meanwhile stays adopted, with nothing to rewrite");
  cgroup_set_release(&set);
  hutch_error_free(err);
  test_remove_tree(top);
}

int main(void)
{
  test_create_follows_the_hierarchy();
  test_kind_of_record();
  test_none_refuses_limits();
  test_destroy_removes_what_was_made();
  return tap_done();
}
