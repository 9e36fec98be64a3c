/* The decisions the engine takes before any privileged call, tested without
 * privilege: which container ids are accepted, what a list of mount options
 * asks of mount(2) and mount_setattr(2), and which namespaces a config makes
 * or joins (joined ones opened from this process's own /proc/self/ns). */
#include "engine/fs/mount_options.h"
#include "engine/ns/namespaces.h"
#include "engine/state/store.h"
#include "helpers.h"
#include "tap.h"

#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

static void test_ids(void)
{
  static const char *const good[] = { "a", "web-1", "A_b.c+d", "0", "x..y" };
  static const char *const bad[] = { "", ".", "..", "a/b", "../etc", "a b", "a\nb", "caf\xc3\xa9", "x:y", "-?" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    tap_ok(container_id_valid(good[i]), "container id \"%s\" accepted", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    tap_ok(!container_id_valid(bad[i]), "container id refused: index %zu", i);
  char long_id[1026];
  memset(long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  tap_ok(!container_id_valid(long_id), "a container id of 1025 bytes is refused");
  long_id[1024] = '\0';
  tap_ok(container_id_valid(long_id), "one of 1024 bytes is accepted");
}

static struct mount_plan plan_of(const char *const *opts, size_t n)
{
  oci_strings list = { (char **) opts, n, true };
  struct mount_plan p;
  mount_plan_build(&list, &p);
  return p;
}

static void test_mount_plan(void)
{
  static const char *const bind[] = { "rbind", "ro", "nosuid", "nodev", "rprivate" };
  struct mount_plan p = plan_of(bind, 5);
  tap_ok(mount_plan_is_bind(&p) && (p.flags & MS_REC), "rbind: a recursive bind");
  tap_ok(p.propagation == (MS_PRIVATE | MS_REC), "rprivate: recursive private propagation");
  uint64_t set, clr;
  mount_plan_attrs(&p, &set, &clr);
  tap_ok(set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) && clr == 0,
         "ro, nosuid, nodev become mount attributes (set %#llx, clear %#llx)", (unsigned long long) set,
         (unsigned long long) clr);
  tap_ok(p.data == NULL, "no filesystem data");
  mount_plan_release(&p);

  static const char *const cleared[] = { "bind", "rw", "suid", "dev", "exec", "norelatime" };
  p = plan_of(cleared, 6);
  mount_plan_attrs(&p, &set, &clr);
  tap_ok(set == MOUNT_ATTR_RELATIME && (clr & MOUNT_ATTR_RDONLY) && (clr & MOUNT_ATTR_NOSUID) &&
           (clr & MOUNT_ATTR_NODEV) && (clr & MOUNT_ATTR_NOEXEC) && (clr & MOUNT_ATTR__ATIME),
         "rw, suid, dev, exec clear; norelatime goes back to relatime");
  mount_plan_release(&p);

  static const char *const later[] = { "ro", "rw", "noatime", "strictatime" };
  p = plan_of(later, 4);
  mount_plan_attrs(&p, &set, &clr);
  tap_ok(!(set & MOUNT_ATTR_RDONLY) && (clr & MOUNT_ATTR_RDONLY), "the later of ro and rw wins");
  tap_ok((set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME, "the later access-time mode wins");
  mount_plan_release(&p);

  static const char *const recursive[] = { "rbind", "rro", "rnosuid", "ridmap", "tmpcopyup" };
  p = plan_of(recursive, 5);
  tap_ok(p.recursive_attrs && (p.attr_set & MOUNT_ATTR_RDONLY) && (p.attr_set & MOUNT_ATTR_NOSUID),
         "rro and rnosuid: attributes for the whole tree");
  tap_ok(p.idmap && p.ridmap, "ridmap: an ID-mapped tree");
  tap_ok(p.tmpcopyup, "tmpcopyup noted");
  mount_plan_release(&p);

  static const char *const data[] = { "size=64k", "mode=1777", "nosuid", "uid=1000" };
  p = plan_of(data, 4);
  tap_str_eq(p.data, "size=64k,mode=1777,uid=1000", "options mount(8) does not know are filesystem data, in order");
  tap_ok((p.flags & MS_NOSUID) && !mount_plan_is_bind(&p), "nosuid stays a flag; not a bind");
  mount_plan_release(&p);
}

static struct oci_config *config_with(const char *namespaces)
{
  char json[1024];
  snprintf(json, sizeof json,
           "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[%s]}}", namespaces);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(json, strlen(json), &diags);
  diag_list_release(&diags);
  return cfg;
}

static void test_ns_plan(void)
{
  struct oci_config *cfg = config_with("{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\"},"
                                       "{\"type\":\"time\"},{\"type\":\"cgroup\"},{\"type\":\"user\"},"
                                       "{\"type\":\"uts\",\"path\":\"/proc/self/ns/uts\"}");
  struct ns_plan plan;
  struct hutch_error *err = NULL;
  int rc = cfg ? ns_plan_build(cfg, &plan, &err) : -1;
  tap_ok(rc == 0, "a plan: new pid, mount, network, time, cgroup, user; uts joined (%s)", test_error_msg(err));
  if (rc == 0) {
    tap_ok(plan.new_flags == (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUSER),
           "  unshared at once: pid, mount, network, user (not time and cgroup, made later)");
    tap_ok(plan.new_time && plan.new_cgroup && plan.new_user && plan.new_pid && plan.new_mount && !plan.new_uts,
           "  time and cgroup marked for later; uts not new");
    tap_ok(plan.n_joins == 1 && plan.joins[0].type == OCI_NS_UTS && plan.joins[0].fd >= 0 && !plan.join_user,
           "  uts joined through an fd opened now");
    tap_ok(ns_join_fd(&plan, OCI_NS_UTS) == plan.joins[0].fd && ns_join_fd(&plan, OCI_NS_NETWORK) < 0,
           "  the fd to join is found by type");
    ns_plan_release(&plan);
  }
  hutch_error_free(err);
  oci_config_free(cfg);

  err = NULL;
  cfg = config_with("{\"type\":\"ipc\",\"path\":\"/proc/self/ns/net\"}");
  rc = cfg ? ns_plan_build(cfg, &plan, &err) : 0;
  tap_ok(rc < 0 && err && strstr(err->msg, "linux.namespaces[0].path: /proc/self/ns/net is not a ipc namespace"),
         "a path of another type is refused by path (%s)", test_error_msg(err));
  hutch_error_free(err);
  oci_config_free(cfg);

  err = NULL;
  cfg = config_with("{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/nonexistent/ns\"}");
  rc = cfg ? ns_plan_build(cfg, &plan, &err) : 0;
  tap_ok(rc < 0 && err && strncmp(err->msg, "linux.namespaces[1].path: open /nonexistent/ns", 45) == 0,
         "a missing path is refused by path, nothing left open (%s)", test_error_msg(err));
  hutch_error_free(err);
  oci_config_free(cfg);
}

int main(void)
{
  test_ids();
  test_mount_plan();
  test_ns_plan();
  return tap_done();
}
