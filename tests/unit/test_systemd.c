/* The systemd cgroup driver without systemd: linux.cgroupsPath to unit
 * and slice, slice names to directories, the container's directories, and
 * the unit properties as they go over the wire (marshalled, then read back
 * with the D-Bus parser). */
#include "helpers.h"
#include "tap.h"
#include "engine/cgroup/systemd.h"
#include "engine/ipc/dbus_wire.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- names ------------------------------------------------------------------- */

static void expect_slice(const char *slice, const char *want)
{
  char *path = NULL;
  struct hutch_error *err = NULL;
  int rc = systemd_slice_path(slice, &path, &err);
  if (want)
    tap_ok(rc == 0 && strcmp(path, want) == 0, "slice %s -> \"%s\" (%s)", slice, want, rc == 0 ? path : test_error_msg(err));
  else
    tap_ok(rc < 0 && strstr(test_error_msg(err), "slice"), "slice \"%s\" is refused (%s)", slice, test_error_msg(err));
  free(path);
  hutch_error_free(err);
}

static void test_slices(void)
{
  expect_slice("system.slice", "/system.slice");
  expect_slice("a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice");
  expect_slice("user-1000.slice", "/user.slice/user-1000.slice");
  expect_slice("-.slice", "");
  expect_slice("machine_x:y.slice", "/machine_x:y.slice");
  static const char *const bad[] = { "system", ".slice", "a--b.slice", "-a.slice", "a-.slice", "a/b.slice",
                                     "a b.slice", "x.scope", "--.slice", "a..slice/.." };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    expect_slice(bad[i], NULL);
  char longname[300];
  memset(longname, 'a', 260);
  strcpy(longname + 260, ".slice");
  expect_slice(longname, NULL);
  tap_ok(systemd_unit_name_valid("hutch-x.scope") && systemd_unit_name_valid("a:b\\x2d_c.scope") &&
             !systemd_unit_name_valid("hutch-x") && !systemd_unit_name_valid(".scope") &&
             !systemd_unit_name_valid("a/b.scope") && !systemd_unit_name_valid("a@b.scope"),
         "unit names: systemd's characters and a suffix");
}

static void expect_unit(const char *cgroups_path, const char *slice, const char *name, const char *path,
                        bool is_slice)
{
  struct systemd_unit u;
  struct hutch_error *err = NULL;
  int rc = systemd_unit_from_config(cgroups_path, "c1", &u, &err);
  tap_ok(rc == 0, "cgroupsPath \"%s\" is accepted (%s)", cgroups_path ? cgroups_path : "(none)", test_error_msg(err));
  if (rc == 0) {
    tap_str_eq(u.slice, slice, "  its slice");
    tap_str_eq(u.name, name, "  its unit");
    tap_str_eq(u.path, path, "  its directory");
    tap_ok(u.is_slice == is_slice, "  %s", is_slice ? "a slice" : "a scope");
    systemd_unit_release(&u);
  }
  hutch_error_free(err);
}

static void expect_refused(const char *cgroups_path, const char *why)
{
  struct systemd_unit u;
  struct hutch_error *err = NULL;
  int rc = systemd_unit_from_config(cgroups_path, "c1", &u, &err);
  tap_ok(rc < 0 && strncmp(test_error_msg(err), "linux.cgroupsPath: ", 19) == 0 && strstr(test_error_msg(err), why),
         "cgroupsPath \"%s\" is refused naming the field (%s)", cgroups_path, test_error_msg(err));
  if (rc == 0)
    systemd_unit_release(&u);
  hutch_error_free(err);
}

static void test_units(void)
{
  expect_unit(NULL, "system.slice", "hutch-c1.scope", "/system.slice/hutch-c1.scope", false);
  expect_unit("", "system.slice", "hutch-c1.scope", "/system.slice/hutch-c1.scope", false);
  expect_unit("system.slice:docker:abc", "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope", false);
  expect_unit(":p:n", "system.slice", "p-n.scope", "/system.slice/p-n.scope", false);
  expect_unit("machine-a.slice:p:n", "machine-a.slice", "p-n.scope", "/machine.slice/machine-a.slice/p-n.scope",
              false);
  expect_unit("-.slice:p:n", "-.slice", "p-n.scope", "/p-n.scope", false);
  /* runc: an empty prefix still gets its dash. */
  expect_unit("system.slice::n", "system.slice", "-n.scope", "/system.slice/-n.scope", false);
  expect_unit("system.slice:ignored:system-pod1.slice", "system.slice", "system-pod1.slice",
              "/system.slice/system-pod1.slice", true);
  expect_unit("machine.slice:p:pod-a.slice", "machine.slice", "pod-a.slice", "/pod.slice/pod-a.slice", true);
  expect_refused("/abs/path", "slice:prefix:name");
  expect_refused("a:b", "slice:prefix:name");
  expect_refused("a:b:c:d", "slice:prefix:name");
  expect_refused("system.slice:p:", "name part is empty");
  expect_refused("system.slice:p:../x", "not a valid systemd unit name");
  expect_refused("system.slice:p/q:x", "not a valid systemd unit name");
  expect_refused("bad:p:n", "invalid slice name");
  expect_refused("a--b.slice:p:n", "empty part");
  expect_refused("system.slice:p:-.slice", "root slice");
  expect_refused("system.slice:p:a--b.slice", "empty part");
}

static void test_dirs(void)
{
  struct cgroup_hierarchy items[] = {
    { CGROUP_V1, (char *) "/sys/fs/cgroup/memory", (char *) "memory", (char *) "/elsewhere" },
    { CGROUP_V1, (char *) "/sys/fs/cgroup/cpu,cpuacct", (char *) "cpu,cpuacct", (char *) "/" },
    { CGROUP_V2, (char *) "/sys/fs/cgroup/unified", (char *) "", (char *) "/" },
  };
  struct cgroup_layout layout = { CGROUP_LAYOUT_HYBRID, items, 3 };
  struct systemd_unit u;
  struct hutch_error *err = NULL;
  if (systemd_unit_from_config("a-b.slice:hutch:c1", "c1", &u, &err) < 0) {
    tap_ok(false, "unit: %s", test_error_msg(err));
    hutch_error_free(err);
    return;
  }
  struct cgroup_set set;
  systemd_cgroup_set(&layout, &u, &set);
  tap_ok(set.n == 3, "one directory per hierarchy");
  tap_str_eq(set.dirs[0], "/sys/fs/cgroup/memory/a.slice/a-b.slice/hutch-c1.scope",
             "below the mount point, whatever our own cgroup is");
  tap_str_eq(set.dirs[1], "/sys/fs/cgroup/cpu,cpuacct/a.slice/a-b.slice/hutch-c1.scope", "co-mounted controllers");
  tap_str_eq(set.dirs[2], "/sys/fs/cgroup/unified/a.slice/a-b.slice/hutch-c1.scope", "the unified hierarchy");
  tap_ok(!set.created[0] && !set.created[1] && !set.created[2], "nothing created yet");
  cgroup_set_release(&set);
  systemd_unit_release(&u);
}

/* ---- properties ------------------------------------------------------------------ */

struct props {
  struct arena arena;
  struct dbus_writer w; /* the strings read back point into it */
  struct dbus_value *list; /* the a(sv) */
  size_t n;
  bool ok;
};

static void props_build(struct props *out, const struct systemd_unit *u, pid_t pid, bool v2, int version,
                        const struct oci_resources *r)
{
  memset(out, 0, sizeof *out);
  arena_init(&out->arena);
  struct dbus_writer *w = &out->w;
  struct systemd_props p = { .id = "c1", .unit = u, .pid = pid, .v2 = v2, .version = version, .resources = r };
  struct hutch_error *err = NULL;
  struct dbus_value *v;
  size_t n;
  if (systemd_props_write(w, &p, &err) < 0 ||
      dbus_values_parse(w->buf, w->len, false, "a(sv)", &out->arena, &v, &n, &err) < 0) {
    tap_ok(false, "properties: %s", test_error_msg(err));
  } else {
    out->list = v[0].items;
    out->n = v[0].n;
    out->ok = true;
  }
  hutch_error_free(err);
}

/* The value of the last property of that name (systemd applies them in
 * order), or NULL. */
static const struct dbus_value *prop(const struct props *p, const char *name)
{
  const struct dbus_value *found = NULL;
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->list[i].items[0].str, name) == 0)
      found = &p->list[i].items[1].items[0];
  return found;
}

static size_t prop_count(const struct props *p, const char *name)
{
  size_t k = 0;
  for (size_t i = 0; i < p->n; i++)
    k += strcmp(p->list[i].items[0].str, name) == 0;
  return k;
}

static bool prop_u64_is(const struct props *p, const char *name, uint64_t want)
{
  const struct dbus_value *v = prop(p, name);
  return v && v->type == 't' && v->u == want;
}

static bool prop_str_is(const struct props *p, const char *name, const char *want)
{
  const struct dbus_value *v = prop(p, name);
  return v && v->type == 's' && strcmp(v->str, want) == 0;
}

static bool prop_bool_is(const struct props *p, const char *name, bool want)
{
  const struct dbus_value *v = prop(p, name);
  return v && v->type == 'b' && v->u == (uint64_t) want;
}

static bool prop_bytes_are(const struct props *p, const char *name, const uint8_t *want, size_t n)
{
  const struct dbus_value *v = prop(p, name);
  if (!v || v->type != 'a' || v->n != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (v->items[i].u != want[i])
      return false;
  return true;
}

static bool device_allowed(const struct props *p, const char *path, const char *perms)
{
  const struct dbus_value *v = prop(p, "DeviceAllow");
  for (size_t i = 0; v && i < v->n; i++)
    if (strcmp(v->items[i].items[0].str, path) == 0 && strcmp(v->items[i].items[1].str, perms) == 0)
      return true;
  return false;
}

static void props_release(struct props *p)
{
  arena_release(&p->arena);
  dbusw_release(&p->w);
}

static struct systemd_unit unit_of(const char *cgroups_path)
{
  struct systemd_unit u;
  struct hutch_error *err = NULL;
  if (systemd_unit_from_config(cgroups_path, "c1", &u, &err) < 0) {
    tap_ok(false, "unit %s: %s", cgroups_path, test_error_msg(err));
    exit(tap_done());
  }
  return u;
}

static void test_scope_props(void)
{
  struct systemd_unit u = unit_of("system.slice:hutch:c1");
  struct props p;
  props_build(&p, &u, 4242, false, -1, NULL);
  tap_ok(p.ok && prop_str_is(&p, "Description", "hutch container c1"), "Description");
  tap_ok(prop_str_is(&p, "Slice", "system.slice") && prop_bool_is(&p, "Delegate", true), "Slice and Delegate");
  const struct dbus_value *pids = prop(&p, "PIDs");
  tap_ok(pids && pids->type == 'a' && pids->n == 1 && pids->items[0].type == 'u' && pids->items[0].u == 4242,
         "PIDs=[4242] as au");
  tap_ok(prop_bool_is(&p, "DefaultDependencies", false), "DefaultDependencies=false");
  tap_ok(prop_bool_is(&p, "MemoryAccounting", true) && prop_bool_is(&p, "CPUAccounting", true) &&
             prop_bool_is(&p, "BlockIOAccounting", true) && prop_bool_is(&p, "TasksAccounting", true) &&
             !prop(&p, "IOAccounting"),
         "accounting, with v1's BlockIOAccounting");
  tap_ok(!prop(&p, "DevicePolicy") && !prop(&p, "MemoryLimit"), "no resources, no limits");
  props_release(&p);
  systemd_unit_release(&u);

  u = unit_of("system.slice:x:system-pod.slice");
  props_build(&p, &u, 0, true, -1, NULL);
  const struct dbus_value *wants = prop(&p, "Wants");
  tap_ok(p.ok && wants && wants->type == 'a' && wants->n == 1 && strcmp(wants->items[0].str, "system.slice") == 0,
         "a slice wants its parent");
  tap_ok(!prop(&p, "Slice") && !prop(&p, "Delegate") && !prop(&p, "PIDs") && prop_bool_is(&p, "IOAccounting", true),
         "a slice: no Slice, Delegate or PIDs; v2's IOAccounting");
  props_release(&p);
  systemd_unit_release(&u);
}

static void test_v1_resources(void)
{
  struct systemd_unit u = unit_of(NULL);
  struct oci_memory mem = { .limit = { 256 << 20, true } };
  struct oci_cpu cpu = { .shares = { 512, true }, .quota = { 33333, true }, .period = { 100000, true },
                         .cpus = (char *) "0-3,9", .mems = (char *) "0" };
  struct oci_pids pids = { .limit = { 0, true } };
  struct oci_block_io blkio = { .weight = { 300, true } };
  struct oci_resources r = { .memory = &mem, .cpu = &cpu, .pids = &pids, .block_io = &blkio };
  struct props p;
  props_build(&p, &u, 1, false, 250, &r);
  tap_ok(p.ok && prop_u64_is(&p, "MemoryLimit", 256 << 20) && !prop(&p, "MemoryMax"), "MemoryLimit on v1");
  tap_ok(prop_u64_is(&p, "CPUShares", 512) && !prop(&p, "CPUWeight"), "CPUShares on v1");
  tap_ok(prop_u64_is(&p, "CPUQuotaPeriodUSec", 100000), "CPUQuotaPeriodUSec (systemd >= 242)");
  tap_ok(prop_u64_is(&p, "CPUQuotaPerSecUSec", 340000), "CPUQuotaPerSecUSec rounded up to a whole percent");
  tap_ok(prop_u64_is(&p, "TasksMax", 1), "pids.limit 0 is TasksMax=1 (systemd refuses 0)");
  tap_ok(prop_u64_is(&p, "BlockIOWeight", 300), "BlockIOWeight");
  static const uint8_t cpus[] = { 0x0f, 0x02 }, mems[] = { 0x01 };
  tap_ok(prop_bytes_are(&p, "AllowedCPUs", cpus, 2), "AllowedCPUs: 0-3,9 as a bit mask");
  tap_ok(prop_bytes_are(&p, "AllowedMemoryNodes", mems, 1), "AllowedMemoryNodes");
  props_release(&p);

  /* An old systemd: no AllowedCPUs, no period. */
  props_build(&p, &u, 1, false, 239, &r);
  tap_ok(p.ok && !prop(&p, "AllowedCPUs") && !prop(&p, "CPUQuotaPeriodUSec") && prop(&p, "CPUQuotaPerSecUSec"),
         "systemd 239: the newer properties are left to the files");
  props_release(&p);
  tap_ok(systemd_props_need_version(&r, false), "a period or cpus needs systemd's version");
  struct oci_resources plain = { .memory = &mem };
  tap_ok(!systemd_props_need_version(&plain, false) && !systemd_props_need_version(NULL, true),
         "a memory limit does not");

  /* The files get the quota systemd holds. */
  struct arena a;
  arena_init(&a);
  const struct oci_resources *files = systemd_resources_for_files(&r, &a);
  tap_ok(files != &r && files->cpu->quota.value == 34000 && r.cpu->quota.value == 33333 &&
             files->memory == r.memory,
         "the quota for the files is rounded like systemd's (34000), the config untouched");
  cpu.quota.value = 50000;
  tap_ok(systemd_resources_for_files(&r, &a) == &r, "a whole-percent quota is kept as it is");
  arena_release(&a);

  /* Unlimited quota and tasks. */
  cpu.quota.value = -1;
  pids.limit.value = -1;
  props_build(&p, &u, 1, false, 250, &r);
  tap_ok(p.ok && prop_u64_is(&p, "CPUQuotaPerSecUSec", UINT64_MAX) && prop_u64_is(&p, "TasksMax", UINT64_MAX),
         "-1 is infinity");
  props_release(&p);
  systemd_unit_release(&u);
}

static void test_v2_resources(void)
{
  struct systemd_unit u = unit_of(NULL);
  struct oci_memory mem = { .limit = { 1 << 30, true }, .reservation = { 1 << 20, true }, .swap = { 3 << 29, true } };
  struct oci_cpu cpu = { .shares = { 1024, true } };
  struct oci_kv unified[] = {
    { (char *) "memory.high", (char *) "900000000" },
    { (char *) "pids.max", (char *) "max" },
    { (char *) "cpu.max", (char *) "50000 100000" },
    { (char *) "memory.oom.group", (char *) "1" },
    { (char *) "io.weight", (char *) "50" },
  };
  struct oci_resources r = { .memory = &mem, .cpu = &cpu, .unified = { unified, 5, true } };
  struct props p;
  props_build(&p, &u, 1, true, 254, &r);
  tap_ok(p.ok && prop_u64_is(&p, "MemoryMax", 1 << 30) && !prop(&p, "MemoryLimit"), "MemoryMax on v2");
  tap_ok(prop_u64_is(&p, "MemoryLow", 1 << 20), "MemoryLow from the reservation");
  tap_ok(prop_u64_is(&p, "MemorySwapMax", (3u << 29) - (1u << 30)), "MemorySwapMax is swap minus memory");
  tap_ok(prop_u64_is(&p, "CPUWeight", 39) && !prop(&p, "CPUShares"), "CPUWeight as cgroup_resources converts 1024");
  tap_ok(prop_u64_is(&p, "MemoryHigh", 900000000), "unified memory.high -> MemoryHigh");
  tap_ok(prop_u64_is(&p, "TasksMax", UINT64_MAX), "unified pids.max max -> TasksMax=infinity");
  tap_ok(prop_u64_is(&p, "CPUQuotaPerSecUSec", 500000) && prop_u64_is(&p, "CPUQuotaPeriodUSec", 100000),
         "unified cpu.max -> quota and period");
  tap_ok(prop_str_is(&p, "OOMPolicy", "kill"), "memory.oom.group 1 -> OOMPolicy=kill (systemd >= 253)");
  tap_ok(!prop(&p, "IOWeight"), "keys without a property are left to the files");
  props_release(&p);

  struct oci_kv bad[] = { { (char *) "memory.max", (char *) "lots" } };
  struct oci_resources rb = { .unified = { bad, 1, true } };
  struct dbus_writer w = DBUS_WRITER_INIT;
  struct systemd_props sp = { .id = "c1", .unit = &u, .v2 = true, .version = 254, .resources = &rb };
  struct hutch_error *err = NULL;
  tap_ok(systemd_props_write(&w, &sp, &err) < 0 && strstr(test_error_msg(err), "linux.resources.unified.memory.max"),
         "a bad unified value is refused by name (%s)", test_error_msg(err));
  hutch_error_free(err);
  dbusw_release(&w);

  /* cpu.idle: CPUWeight=0 (systemd >= 252), and no second CPUWeight. */
  struct oci_cpu idle = { .shares = { 1024, true }, .idle = { 1, true } };
  struct oci_resources ri = { .cpu = &idle };
  props_build(&p, &u, 1, true, 252, &ri);
  tap_ok(p.ok && prop_u64_is(&p, "CPUWeight", 0) && prop_count(&p, "CPUWeight") == 1, "cpu.idle 1 -> CPUWeight=0");
  props_release(&p);
  systemd_unit_release(&u);
}

static void test_devices(void)
{
  struct systemd_unit u = unit_of(NULL);
  struct oci_device_cgroup rules[] = {
    { .allow = false, .access = (char *) "rwm" },
    { .allow = true, .type = (char *) "c", .major = { 10, true }, .minor = { 200, true }, .access = (char *) "rw" },
    { .allow = true, .type = (char *) "b", .major = { 8, true }, .access = (char *) "r" },
    { .allow = true, .type = (char *) "c", .major = { 10, true }, .minor = { 200, true }, .access = (char *) "m" },
    { .allow = true, .type = (char *) "c", .major = { 4, true }, .minor = { 1, true }, .access = (char *) "rwm" },
    { .allow = false, .type = (char *) "c", .major = { 4, true }, .minor = { 1, true }, .access = (char *) "rwm" },
    { .allow = true, .type = (char *) "c", .minor = { 7, true }, .access = (char *) "r" },
  };
  struct oci_resources r = { .devices = { rules, sizeof rules / sizeof *rules, true } };
  struct props p;
  props_build(&p, &u, 1, false, 250, &r);
  tap_ok(p.ok && prop_str_is(&p, "DevicePolicy", "strict"), "deny all first: DevicePolicy=strict");
  tap_ok(prop_count(&p, "DeviceAllow") == 2 && prop(&p, "DeviceAllow")->n > 0,
         "an empty DeviceAllow clears, then the list");
  tap_ok(device_allowed(&p, "/dev/char/10:200", "rwm"), "permissions of the same device add up");
  tap_ok(device_allowed(&p, "block-8", "r"), "a major with any minor (systemd >= 240)");
  tap_ok(!device_allowed(&p, "/dev/char/4:1", "rwm"), "a deny takes the same device out again");
  tap_ok(device_allowed(&p, "/dev/char/1:3", "rwm") && device_allowed(&p, "char-136", "rwm") &&
             device_allowed(&p, "char-*", "m") && device_allowed(&p, "block-*", "m"),
         "hutch's default devices are there");
  const struct dbus_value *list = prop(&p, "DeviceAllow");
  /* 11 defaults, 10:200 and 8:*; a minor of any major has no systemd form. */
  tap_ok(list && list->n == 13, "a minor of any major is left to the cgroup (%zu entries)", list ? list->n : 0);
  props_release(&p);

  struct oci_device_cgroup allow_all[] = { { .allow = true, .access = (char *) "rwm" } };
  struct oci_resources ra = { .devices = { allow_all, 1, true } };
  props_build(&p, &u, 1, false, 250, &ra);
  tap_ok(p.ok && prop_str_is(&p, "DevicePolicy", "auto") && prop(&p, "DeviceAllow")->n == 0,
         "allow all: DevicePolicy=auto, no list");
  props_release(&p);

  struct oci_device_cgroup deny_one[] = {
    { .allow = false, .type = (char *) "c", .major = { 4, true }, .minor = { 1, true }, .access = (char *) "rwm" },
  };
  struct oci_resources rd = { .devices = { deny_one, 1, true } };
  props_build(&p, &u, 1, false, 250, &rd);
  tap_ok(p.ok && !prop(&p, "DevicePolicy") && !prop(&p, "DeviceAllow"),
         "a deny list systemd cannot express is left to the cgroup");
  props_release(&p);
  systemd_unit_release(&u);
}

int main(void)
{
  test_slices();
  test_units();
  test_dirs();
  test_scope_props();
  test_v1_resources();
  test_v2_resources();
  test_devices();
  return tap_done();
}
