#include "engine/cgroup/systemd.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SD_DESTINATION "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SLICE_SUFFIX ".slice"
#define SCOPE_SUFFIX ".scope"
/* systemd's UNIT_NAME_MAX, NUL included. */
#define UNIT_NAME_MAX 256
/* JobRemoved signals of our unit kept while the job's path is not known
 * yet: a handful at most (a leftover job of a failed unit, ours). */
#define JOBS_SEEN_MAX 16

static bool has_suffix(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

bool systemd_unit_name_valid(const char *name)
{
  size_t len = strlen(name);
  if (len >= UNIT_NAME_MAX)
    return false;
  size_t suffix = has_suffix(name, SCOPE_SUFFIX) ? strlen(SCOPE_SUFFIX)
                  : has_suffix(name, SLICE_SUFFIX) ? strlen(SLICE_SUFFIX)
                                                   : 0;
  if (suffix == 0 || len == suffix)
    return false;
  for (const char *p = name; *p; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
              c == '_' || c == '.' || c == '\\';
    if (!ok)
      return false;
  }
  return true;
}

int systemd_slice_path(const char *slice, char **out, struct hutch_error **err)
{
  if (!has_suffix(slice, SLICE_SUFFIX) || !systemd_unit_name_valid(slice))
    return hutch_fail(err, 0, "invalid slice name \"%s\"", slice);
  size_t base_len = strlen(slice) - strlen(SLICE_SUFFIX);
  if (base_len == 1 && slice[0] == '-') {
    *out = xstrdup("");
    return 0;
  }
  /* Each dash opens a level: "a-b-c.slice" lives in a.slice/a-b.slice/. */
  struct strbuf sb = STRBUF_INIT;
  for (size_t start = 0; start <= base_len;) {
    const char *dash = memchr(slice + start, '-', base_len - start);
    size_t end = dash ? (size_t) (dash - slice) : base_len;
    if (end == start) {
      strbuf_release(&sb);
      return hutch_fail(err, 0, "invalid slice name \"%s\": an empty part between dashes", slice);
    }
    strbuf_addf(&sb, "/%.*s" SLICE_SUFFIX, (int) end, slice);
    start = end + 1;
  }
  *out = strbuf_detach(&sb);
  return 0;
}

int systemd_unit_from_config(const char *cgroups_path, const char *id, struct systemd_unit *out,
                             struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  cleanup_free char *slice = NULL, *prefix = NULL, *name = NULL;
  if (!cgroups_path || !*cgroups_path) {
    slice = xstrdup("");
    prefix = xstrdup("hutch");
    name = xstrdup(id);
  } else {
    const char *c1 = strchr(cgroups_path, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':'))
      return hutch_fail(err, 0, "linux.cgroupsPath: \"%s\" is not of the form \"slice:prefix:name\"%s", cgroups_path,
                        " (as --systemd-cgroup needs)");
    slice = xstrndup(cgroups_path, (size_t) (c1 - cgroups_path));
    prefix = xstrndup(c1 + 1, (size_t) (c2 - c1 - 1));
    name = xstrdup(c2 + 1);
  }
  const char *what = cgroups_path && *cgroups_path ? cgroups_path : "";
  if (!*name)
    return hutch_fail(err, 0, "linux.cgroupsPath: \"%s\": the name part is empty", what);
  bool is_slice = has_suffix(name, SLICE_SUFFIX);
  cleanup_free char *unit = is_slice ? xstrdup(name) : xasprintf("%s-%s" SCOPE_SUFFIX, prefix, name);
  if (!systemd_unit_name_valid(unit))
    return hutch_fail(err, 0, "linux.cgroupsPath: \"%s\": \"%s\" is not a valid systemd unit name", what, unit);
  if (is_slice && strcmp(unit, "-" SLICE_SUFFIX) == 0)
    return hutch_fail(err, 0, "linux.cgroupsPath: \"%s\": the root slice cannot be a container's", what);
  if (!*slice) {
    free(slice);
    slice = xstrdup("system" SLICE_SUFFIX);
  }
  cleanup_free char *slice_path = NULL;
  if (systemd_slice_path(slice, &slice_path, err) < 0)
    return hutch_error_prefix(err, "linux.cgroupsPath: \"%s\": ", what);
  /* A slice's place follows from its own name, whatever it is a part of
   * (systemd nests slices by name; Wants= only orders them). */
  char *path = NULL;
  if (is_slice) {
    if (systemd_slice_path(unit, &path, err) < 0)
      return hutch_error_prefix(err, "linux.cgroupsPath: \"%s\": ", what);
  } else {
    path = xasprintf("%s/%s", slice_path, unit);
  }
  out->slice = steal_pointer(&slice);
  out->name = steal_pointer(&unit);
  out->path = path;
  out->is_slice = is_slice;
  return 0;
}

void systemd_unit_release(struct systemd_unit *u)
{
  free(u->slice);
  free(u->name);
  free(u->path);
  memset(u, 0, sizeof *u);
}

void systemd_cgroup_set(const struct cgroup_layout *layout, const struct systemd_unit *u, struct cgroup_set *out)
{
  out->n = layout->n;
  out->dirs = xcalloc(layout->n ? layout->n : 1, sizeof *out->dirs);
  out->created = xcalloc(layout->n ? layout->n : 1, sizeof *out->created);
  for (size_t i = 0; i < layout->n; i++) {
    const char *mount = layout->items[i].mountpoint;
    out->dirs[i] = xasprintf("%s%s", strcmp(mount, "/") == 0 ? "" : mount, u->path);
  }
  cgroup_set_note_controllers(out, layout);
}

/* ---- the manager ------------------------------------------------------------ */

int systemd_connect(struct dbus_conn **out, struct hutch_error **err)
{
  struct dbus_address addr;
  cleanup_error struct hutch_error *local = NULL;
  if (dbus_system_address(&addr, &local) == 0) {
    int rc = dbus_connect(&addr, out, &local);
    dbus_address_release(&addr);
    if (rc == 0)
      return 0;
  }
  return hutch_fail_as(err, local->code, "--systemd-cgroup: cannot reach systemd (%s)", local->msg);
}

/* Waits for the end of one job of one unit. JobRemoved can overtake the
 * reply that names the job, so our unit's are kept until the name is
 * known. */
struct job_watch {
  const char *unit;
  char *job;
  char *result;
  char *seen_job[JOBS_SEEN_MAX];
  char *seen_result[JOBS_SEEN_MAX];
  size_t n_seen;
};

static void job_watch_release(struct job_watch *w)
{
  free(w->job);
  free(w->result);
  for (size_t i = 0; i < w->n_seen; i++) {
    free(w->seen_job[i]);
    free(w->seen_result[i]);
  }
}

static void on_signal(void *opaque, struct dbus_message *m)
{
  struct job_watch *w = opaque;
  if (strcmp(m->h.interface, SD_MANAGER) != 0 || strcmp(m->h.member, "JobRemoved") != 0 ||
      strcmp(m->h.signature, "uoss") != 0)
    return;
  cleanup_error struct hutch_error *ignored = NULL;
  if (dbus_message_parse_body(m, &ignored) < 0)
    return;
  const char *job = m->args[1].str, *unit = m->args[2].str, *result = m->args[3].str;
  if (strcmp(unit, w->unit) != 0)
    return;
  if (w->job) {
    if (!w->result && strcmp(job, w->job) == 0)
      w->result = xstrdup(result);
  } else if (w->n_seen < JOBS_SEEN_MAX) {
    w->seen_job[w->n_seen] = xstrdup(job);
    w->seen_result[w->n_seen++] = xstrdup(result);
  }
}

static bool job_finished(void *opaque)
{
  return ((struct job_watch *) opaque)->result != NULL;
}

static void watch_job(struct job_watch *w, const char *job)
{
  w->job = xstrdup(job);
  for (size_t i = 0; i < w->n_seen && !w->result; i++)
    if (strcmp(w->seen_job[i], job) == 0)
      w->result = xstrdup(w->seen_result[i]);
}

static int manager_call(struct dbus_conn *c, const char *member, const char *signature, const struct dbus_writer *body,
                        struct dbus_message **reply, struct hutch_error **err)
{
  struct dbus_call call = {
    .destination = SD_DESTINATION,
    .path = SD_PATH,
    .interface = SD_MANAGER,
    .member = member,
    .signature = signature,
    .body = body,
  };
  return dbus_call(c, &call, DBUS_CALL_TIMEOUT_MS, reply, err);
}

/* Job signals: a bus daemon routes them only to who asked, and systemd
 * sends them on the bus only to subscribers. */
static int subscribe(struct dbus_conn *c, struct hutch_error **err)
{
  if (dbus_add_match(c,
                     "type='signal',sender='" SD_DESTINATION "',path='" SD_PATH "',interface='" SD_MANAGER
                     "',member='JobRemoved'",
                     err) < 0)
    return -1;
  return manager_call(c, "Subscribe", NULL, NULL, NULL, err);
}

static bool is_error(const struct dbus_message *reply, const char *name)
{
  return reply && reply->h.type == DBUS_ERROR && strcmp(reply->h.error_name, name) == 0;
}

static int call_with_unit(struct dbus_conn *c, const char *member, const char *unit, const char *mode,
                          struct dbus_message **reply, struct hutch_error **err)
{
  struct dbus_writer body = DBUS_WRITER_INIT;
  dbusw_string(&body, unit);
  if (mode)
    dbusw_string(&body, mode);
  int rc = manager_call(c, member, mode ? "ss" : "s", &body, reply, err);
  dbusw_release(&body);
  return rc;
}

static void reset_failed(struct dbus_conn *c, const char *unit)
{
  cleanup_error struct hutch_error *ignored = NULL;
  cleanup_dbus_message struct dbus_message *reply = NULL;
  /* A unit that is not failed, or already gone, is what we want. */
  if (call_with_unit(c, "ResetFailedUnit", unit, NULL, &reply, &ignored) < 0 &&
      !is_error(reply, SD_DESTINATION ".NoSuchUnit"))
    log_debug("ResetFailedUnit %s: %s", unit, ignored->msg);
}

/* "v245.4-1.fc32", "245" -> 245; -1 when there is no number. */
static int parse_version(const char *s)
{
  while (*s == '"' || *s == 'v')
    s++;
  long v = 0;
  if (*s < '0' || *s > '9')
    return -1;
  for (; *s >= '0' && *s <= '9'; s++) {
    v = v * 10 + (*s - '0');
    if (v > 1000000)
      return -1;
  }
  return (int) v;
}

static int manager_version(struct dbus_conn *c)
{
  struct dbus_writer body = DBUS_WRITER_INIT;
  dbusw_string(&body, SD_MANAGER);
  dbusw_string(&body, "Version");
  struct dbus_call call = {
    .destination = SD_DESTINATION,
    .path = SD_PATH,
    .interface = "org.freedesktop.DBus.Properties",
    .member = "Get",
    .signature = "ss",
    .body = &body,
  };
  cleanup_dbus_message struct dbus_message *reply = NULL;
  cleanup_error struct hutch_error *local = NULL;
  int rc = dbus_call(c, &call, DBUS_CALL_TIMEOUT_MS, &reply, &local);
  dbusw_release(&body);
  if (rc < 0 || reply->n_args != 1 || reply->args[0].type != 'v' || reply->args[0].items[0].type != 's') {
    /* As runc: without a version, only what every systemd has is asked. */
    log_debug("systemd's version is unknown: %s", local ? local->msg : "not a string");
    return -1;
  }
  return parse_version(reply->args[0].items[0].str);
}

static int start_transient(struct dbus_conn *c, const struct dbus_writer *body, struct dbus_message **reply,
                           struct hutch_error **err)
{
  return manager_call(c, "StartTransientUnit", "ssa(sv)a(sa(sv))", body, reply, err);
}

int systemd_set_unit_resources(struct dbus_conn *c, const char *unit, bool v2, const struct oci_resources *r,
                               struct hutch_error **err)
{
  struct dbus_writer body = DBUS_WRITER_INIT;
  dbusw_string(&body, unit);
  /* Runtime only: the unit is transient, and so is the change. */
  dbusw_bool(&body, true);
  int version = systemd_props_need_version(r, v2) ? manager_version(c) : -1;
  cleanup_dbus_message struct dbus_message *reply = NULL;
  int rc = systemd_resource_props_write(&body, r, v2, version, err);
  if (rc == 0 && (rc = manager_call(c, "SetUnitProperties", "sba(sv)", &body, &reply, err)) < 0)
    hutch_error_prefix(err, "--systemd-cgroup: set the limits of unit %s: ", unit);
  dbusw_release(&body);
  return rc;
}

int systemd_start_unit(struct dbus_conn *c, const struct systemd_unit *u, const char *id, pid_t pid, bool v2,
                       const struct oci_resources *r, bool *queued, struct hutch_error **err)
{
  *queued = false;
  struct job_watch w = { .unit = u->name };
  dbus_on_signal(c, on_signal, &w);
  struct dbus_writer body = DBUS_WRITER_INIT;
  cleanup_dbus_message struct dbus_message *reply = NULL;
  int rc = subscribe(c, err);
  if (rc < 0)
    hutch_error_prefix(err, "--systemd-cgroup: ");
  if (rc == 0) {
    struct systemd_props p = {
      .id = id,
      .unit = u,
      .pid = u->is_slice ? 0 : pid,
      .v2 = v2,
      .version = systemd_props_need_version(r, v2) ? manager_version(c) : -1,
      .resources = r,
    };
    dbusw_string(&body, u->name);
    dbusw_string(&body, "replace");
    rc = systemd_props_write(&body, &p, err);
    if (rc == 0) {
      /* Auxiliary units: none. */
      struct dbusw_array aux;
      dbusw_array_open(&aux, &body, '(');
      dbusw_array_close(&aux, &body);
    }
  }
  if (rc == 0) {
    cleanup_error struct hutch_error *first = NULL;
    rc = start_transient(c, &body, &reply, &first);
    if (rc < 0 && is_error(reply, SD_DESTINATION ".UnitExists")) {
      /* Maybe a failed leftover that systemd keeps until reset. */
      reset_failed(c, u->name);
      dbus_message_free(reply);
      reply = NULL;
      hutch_error_free(first);
      first = NULL;
      rc = start_transient(c, &body, &reply, &first);
      if (rc < 0 && is_error(reply, SD_DESTINATION ".UnitExists"))
        hutch_fail_as(err, EEXIST, "--systemd-cgroup: unit %s already exists", u->name);
    }
    if (rc < 0 && first)
      hutch_fail_as(err, first->code, "--systemd-cgroup: start unit %s: %s", u->name, first->msg);
  }
  if (rc == 0 && (reply->n_args != 1 || reply->args[0].type != 'o'))
    rc = hutch_fail(err, EPROTO, "--systemd-cgroup: StartTransientUnit answered \"%s\", not a job", reply->h.signature);
  if (rc == 0) {
    *queued = true;
    watch_job(&w, reply->args[0].str);
    rc = dbus_wait(c, job_finished, &w, DBUS_CALL_TIMEOUT_MS, err);
    if (rc < 0)
      hutch_error_prefix(err, "--systemd-cgroup: waiting for unit %s: ", u->name);
    else if (strcmp(w.result, "done") != 0)
      rc = hutch_fail(err, 0, "--systemd-cgroup: systemd could not start unit %s (job %s)", u->name, w.result);
    if (rc < 0)
      reset_failed(c, u->name);
  }
  dbus_on_signal(c, NULL, NULL);
  dbusw_release(&body);
  job_watch_release(&w);
  return rc;
}

int systemd_stop_unit(struct dbus_conn *c, const char *unit, struct hutch_error **err)
{
  struct job_watch w = { .unit = unit };
  dbus_on_signal(c, on_signal, &w);
  cleanup_dbus_message struct dbus_message *reply = NULL;
  cleanup_error struct hutch_error *local = NULL;
  int rc = subscribe(c, &local);
  if (rc == 0)
    rc = call_with_unit(c, "StopUnit", unit, "replace", &reply, &local);
  if (rc < 0 && is_error(reply, SD_DESTINATION ".NoSuchUnit")) {
    dbus_on_signal(c, NULL, NULL);
    job_watch_release(&w);
    return 0;
  }
  if (rc == 0 && (reply->n_args != 1 || reply->args[0].type != 'o'))
    rc = hutch_fail(&local, EPROTO, "StopUnit answered \"%s\", not a job", reply->h.signature);
  if (rc == 0) {
    watch_job(&w, reply->args[0].str);
    rc = dbus_wait(c, job_finished, &w, DBUS_CALL_TIMEOUT_MS, &local);
    if (rc == 0 && strcmp(w.result, "done") != 0)
      log_warning("--systemd-cgroup: stopping unit %s: job %s", unit, w.result);
  }
  reset_failed(c, unit);
  dbus_on_signal(c, NULL, NULL);
  job_watch_release(&w);
  if (rc < 0)
    return hutch_fail_as(err, local->code, "--systemd-cgroup: stop unit %s: %s", unit, local->msg);
  return 0;
}
