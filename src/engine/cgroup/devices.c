#include "engine/cgroup/devices.h"
#include "engine/cgroup/control_file.h"
#include "engine/cgroup/device_filter.h"

#include <stdio.h>
#include <string.h>

/* The kernel takes one rule per write(2); the file stays open for the next. */
static int write_rule(struct control_writer *w, const char *rule, struct hutch_error **err)
{
  bool opened;
  int e = control_writer_put(w, rule, strlen(rule), &opened);
  if (e && !opened)
    return hutch_fail(err, e, "open %s/%s", w->dir->path, w->name);
  if (e)
    return hutch_fail(err, e, "write \"%s\" to %s/%s", rule, w->dir->path, w->name);
  return 0;
}

static void format_rule(const struct oci_device_cgroup *r, char *buf, size_t size)
{
  char major[24] = "*", minor[24] = "*";
  if (r->major.set && r->major.value >= 0)
    snprintf(major, sizeof major, "%lld", (long long) r->major.value);
  if (r->minor.set && r->minor.value >= 0)
    snprintf(minor, sizeof minor, "%lld", (long long) r->minor.value);
  const char *type = r->type && r->type[0] ? r->type : "a";
  const char *access = r->access && r->access[0] ? r->access : "rwm";
  if (strcmp(type, "a") == 0)
    snprintf(buf, size, "a");
  else
    snprintf(buf, size, "%s %s:%s %s", type, major, minor, access);
}

int cgroup_apply_devices(const struct cgroup_layout *layout, const struct cgroup_set *set,
                         const oci_device_cgroups *rules, struct hutch_error **err)
{
  const char *path = NULL;
  for (size_t i = 0; i < layout->n; i++) {
    const struct cgroup_hierarchy *h = &layout->items[i];
    if (h->version == CGROUP_V1 && strstr(h->controllers, "devices"))
      path = set->dirs[i];
  }
  if (!path) {
    /* cgroup v2: the list becomes an eBPF program on the v2 directory. */
    for (size_t i = 0; i < layout->n; i++)
      if (layout->items[i].version == CGROUP_V2)
        return device_filter_attach(set->dirs[i], rules, err);
    return hutch_fail(err, 0, "linux.resources.devices: this host has no devices controller and no cgroup v2");
  }
  cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
  int e = control_dir_open(&dir, path);
  if (e)
    return hutch_fail(err, e, "open %s", path);
  /* In the list's order, whichever file each rule goes to. */
  cleanup_control_writer struct control_writer allow = CONTROL_WRITER(&dir, "devices.allow");
  cleanup_control_writer struct control_writer deny = CONTROL_WRITER(&dir, "devices.deny");
  for (size_t i = 0; i < rules->len; i++) {
    char rule[96];
    format_rule(&rules->items[i], rule, sizeof rule);
    if (write_rule(rules->items[i].allow ? &allow : &deny, rule, err) < 0)
      return hutch_error_prefix(err, "linux.resources.devices[%zu]: ", i);
  }
  /* The default devices stay usable whatever the list says, as in runc. */
  for (size_t i = 0; i < device_default_rule_count; i++)
    if (write_rule(&allow, device_default_rules[i], err) < 0)
      return -1;
  return 0;
}
