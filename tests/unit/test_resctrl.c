/* linux.intelRdt on a resctrl tree built in a temp dir: the v1.3.0 rules
 * (write order, existing groups compared, closID groups never removed,
 * monitoring groups made and removed). */
#include "engine/process/resctrl.h"
#include "helpers.h"
#include "tap.h"
#include "util/file.h"

#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/hutch-resctrl-XXXXXX";

static char *read_text(const char *rel)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  return test_read_file(path);
}

static bool exists(const char *rel)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  return access(path, F_OK) == 0;
}

static void write_text(const char *rel, const char *text)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  if (!test_write_file(path, text))
    tap_diag("write %s: %s", path, strerror(errno));
}

int main(void)
{
  struct hutch_error *err = NULL;
  struct resctrl_placement p;
  struct oci_intel_rdt rdt = { 0 };

  if (!mkdtemp(root))
    return 1;
  rdt.clos_id = NULL;
  tap_ok(resctrl_setup(root, &rdt, "c1", 42, &p, &err) < 0 && err && strstr(err->msg, "resctrl is not mounted"),
         "without resctrl (no info/) the error names linux.intelRdt");
  hutch_error_free(err);
  err = NULL;

  char info[4096];
  snprintf(info, sizeof info, "%s/info", root);
  mkdir(info, 0755);

  /* No closID: a group named after the container, schemata in order. */
  char *schemata_lines[] = { (char *) "L2:0=f" };
  rdt = (struct oci_intel_rdt) { .l3_cache_schema = (char *) "L3:0=ff", .mem_bw_schema = (char *) "MB:0=50",
                                 .schemata = { schemata_lines, 1, true }, .enable_monitoring = { true, true } };
  int r = resctrl_setup(root, &rdt, "c1", 42, &p, &err);
  tap_ok(r == 0, "a group for c1%s%s", err ? ": " : "", err ? err->msg : "");
  char *s = read_text("c1/schemata");
  tap_str_eq(s, "L3:0=ffMB:0=50L2:0=f", "L3 first, then MB, then schemata (three writes)");
  free(s);
  s = read_text("c1/tasks");
  tap_str_eq(s, "42", "the pid is in the group's tasks");
  free(s);
  s = read_text("c1/mon_groups/c1/tasks");
  tap_str_eq(s, "42", "and in its monitoring group");
  free(s);
  /* resctrl removes a group with its files; a plain tree needs them gone. */
  static const char *const files[] = { "c1/schemata", "c1/tasks", "c1/mon_groups/c1/tasks" };
  for (size_t i = 0; i < 3; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, files[i]);
    unlink(path);
  }
  char mon_groups[4096];
  snprintf(mon_groups, sizeof mon_groups, "%s/c1/mon_groups", root);
  tap_ok(resctrl_remove(NULL, p.monitor, &err) == 0 && rmdir(mon_groups) == 0 &&
             resctrl_remove(p.created_group, NULL, &err) == 0 && !exists("c1"),
         "delete removes what create made");
  resctrl_placement_release(&p);

  /* closID of an existing group: compared, not rewritten, never removed. */
  char grp[4096];
  snprintf(grp, sizeof grp, "%s/shared", root);
  mkdir(grp, 0755);
  write_text("shared/schemata", "    L3:0=ff;1=ff\n    MB:0=100;1=100\n");
  rdt = (struct oci_intel_rdt) { .clos_id = (char *) "shared", .l3_cache_schema = (char *) "L3:0=ff;1=ff" };
  r = resctrl_setup(root, &rdt, "c2", 43, &p, &err);
  tap_ok(r == 0 && !p.created_group, "an existing closID group that matches is joined, not created");
  s = read_text("shared/schemata");
  tap_ok(s && !strstr(s, "L3:0=ff;1=ffL3"), "its schemata are left as they were");
  free(s);
  tap_ok(resctrl_remove(p.created_group, p.monitor, &err) == 0 && exists("shared"), "and delete leaves it");
  resctrl_placement_release(&p);

  rdt.l3_cache_schema = (char *) "L3:0=0f";
  tap_ok(resctrl_setup(root, &rdt, "c3", 44, &p, &err) < 0 && err && strstr(err->msg, "differs"),
         "an existing group with other schemata is an error");
  hutch_error_free(err);
  err = NULL;

  rdt = (struct oci_intel_rdt) { .clos_id = (char *) "missing" };
  r = resctrl_setup(root, &rdt, "c4", 45, &p, &err);
  tap_ok(r == 0 && p.created_group, "closID without schemata creates a missing group (create if missing)");
  resctrl_remove(p.created_group, p.monitor, NULL);
  resctrl_placement_release(&p);

  rdt = (struct oci_intel_rdt) { .clos_id = (char *) "/" };
  r = resctrl_setup(root, &rdt, "c5", 46, &p, &err);
  s = read_text("tasks");
  tap_ok(r == 0 && s && strcmp(s, "46") == 0 && !p.created_group, "closID \"/\" is the root group");
  free(s);
  resctrl_placement_release(&p);

  test_remove_tree(root);
  return tap_done();
}
