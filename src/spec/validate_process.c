/* Rules for `process` (also used for `exec --process` documents). */
#include "spec/names.h"
#include "spec/validate_internal.h"

#include <stdio.h>
#include <string.h>

static void check_capability_set(struct vctx *v, const oci_strings *set, const char *path)
{
  for (size_t i = 0; i < set->len; i++) {
    const char *name = set->items[i];
    if (name && oci_capability_lookup(name) < 0)
      /* Since 1.1.0 an unknown capability is a warning, not an error. */
      vwarn(v, vpath(v, "%s[%zu]", path, i), "unknown capability \"%s\" will be ignored", name);
  }
}

static bool set_contains(const oci_strings *set, const char *name)
{
  for (size_t i = 0; i < set->len; i++)
    if (set->items[i] && strcmp(set->items[i], name) == 0)
      return true;
  return false;
}

static void validate_capabilities(struct vctx *v, const struct oci_capabilities *c, const char *pre)
{
  const struct {
    const char *name;
    const oci_strings *set;
  } sets[] = {
    { "bounding", &c->bounding },       { "effective", &c->effective }, { "inheritable", &c->inheritable },
    { "permitted", &c->permitted },     { "ambient", &c->ambient },
  };
  char base[256];
  for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
    snprintf(base, sizeof base, "%scapabilities.%s", pre, sets[i].name);
    check_capability_set(v, sets[i].set, base);
  }
  for (size_t i = 0; i < c->ambient.len; i++) {
    const char *name = c->ambient.items[i];
    if (name && (!set_contains(&c->permitted, name) || !set_contains(&c->inheritable, name)))
      vwarn(v, vpath(v, "%scapabilities.ambient[%zu]", pre, i),
            "%s is not also permitted and inheritable; the kernel will not raise it", name);
  }
}

static void validate_rlimits(struct vctx *v, const oci_rlimits *rl, const char *pre)
{
  for (size_t i = 0; i < rl->len; i++) {
    const struct oci_rlimit *r = &rl->items[i];
    if (!r->type || has_error_under(v, vpath(v, "%srlimits[%zu]", pre, i)))
      continue;
    if (oci_rlimit_lookup(r->type) < 0) {
      verror(v, vpath(v, "%srlimits[%zu].type", pre, i), "unknown resource limit \"%s\"", r->type);
      continue;
    }
    for (size_t j = 0; j < i; j++) {
      if (rl->items[j].type && strcmp(rl->items[j].type, r->type) == 0) {
        verror(v, vpath(v, "%srlimits[%zu].type", pre, i), "%s repeated (first at %srlimits[%zu])", r->type, pre,
               j);
        break;
      }
    }
    if (r->soft > r->hard)
      verror(v, vpath(v, "%srlimits[%zu].soft", pre, i), "soft limit %llu is above the hard limit %llu",
             (unsigned long long) r->soft, (unsigned long long) r->hard);
  }
}

static void validate_scheduler(struct vctx *v, const struct oci_scheduler *s, const char *pre)
{
  if (!s->policy.set)
    return;
  int policy = s->policy.value;
  bool realtime = policy == OCI_SCHED_FIFO || policy == OCI_SCHED_RR;
  if (s->nice.set && (s->nice.value < -20 || s->nice.value > 19))
    verror(v, vpath(v, "%sscheduler.nice", pre), "%d is outside -20..19", (int) s->nice.value);
  if (s->priority.set) {
    if (realtime && (s->priority.value < 1 || s->priority.value > 99))
      verror(v, vpath(v, "%sscheduler.priority", pre), "%d is outside 1..99, the range of %s",
             (int) s->priority.value, oci_enum_name(&oci_enum_sched_policy, policy));
    else if (!realtime && s->priority.value != 0)
      verror(v, vpath(v, "%sscheduler.priority", pre), "must be 0 for %s (only SCHED_FIFO and SCHED_RR have priorities)",
             oci_enum_name(&oci_enum_sched_policy, policy));
  }
  if (policy == OCI_SCHED_DEADLINE) {
    uint64_t runtime = s->runtime.value, deadline = s->deadline.value, period = s->period.value;
    if (!s->runtime.set || runtime == 0)
      verror(v, vpath(v, "%sscheduler.runtime", pre), "SCHED_DEADLINE needs a runtime greater than 0");
    else if (deadline < runtime)
      verror(v, vpath(v, "%sscheduler.deadline", pre), "must be at least the runtime (%llu ns)",
             (unsigned long long) runtime);
    else if (period && period < deadline)
      verror(v, vpath(v, "%sscheduler.period", pre), "must be 0 or at least the deadline (%llu ns)",
             (unsigned long long) deadline);
  } else {
    static const char *const dl[] = { "runtime", "deadline", "period" };
    const oci_opt_u64 *vals[] = { &s->runtime, &s->deadline, &s->period };
    for (size_t i = 0; i < 3; i++)
      if (vals[i]->set && vals[i]->value)
        verror(v, vpath(v, "%sscheduler.%s", pre, dl[i]), "only applies to SCHED_DEADLINE");
  }
}

void validate_process(struct vctx *v, const struct oci_process *p, const char *base)
{
  char pre[64];
  snprintf(pre, sizeof pre, "%s%s", base, base[0] ? "." : "");

  /* The schema leaves these optional; the prose requires them on every
   * platform but Windows. */
  require(v, p->args.set, vpath(v, "%sargs", pre));
  require(v, p->user != NULL, vpath(v, "%suser", pre));
  if (p->user) {
    require(v, p->user->uid.set, vpath(v, "%suser.uid", pre));
    require(v, p->user->gid.set, vpath(v, "%suser.gid", pre));
  }
  if (p->io_priority)
    require(v, p->io_priority->priority.set, vpath(v, "%sioPriority.priority", pre));
  if (p->cwd && !is_absolute(p->cwd))
    verror(v, vpath(v, "%scwd", pre), "must be an absolute path, got \"%s\"", p->cwd);
  if (p->args.set && p->args.len == 0)
    verror(v, vpath(v, "%sargs", pre), "must have at least one entry");
  if (p->args.len > 0 && p->args.items[0] && !p->args.items[0][0])
    verror(v, vpath(v, "%sargs[0]", pre), "must not be empty");

  char base_env[80];
  snprintf(base_env, sizeof base_env, "%senv", pre);
  check_env(v, &p->env, base_env);

  /* consoleSize MUST be ignored without a terminal. */
  if (p->console_size && p->terminal.value) {
    if (p->console_size->height > 65535)
      verror(v, vpath(v, "%sconsoleSize.height", pre), "%llu is above 65535, the largest terminal size",
             (unsigned long long) p->console_size->height);
    if (p->console_size->width > 65535)
      verror(v, vpath(v, "%sconsoleSize.width", pre), "%llu is above 65535, the largest terminal size",
             (unsigned long long) p->console_size->width);
  }
  if (p->oom_score_adj.set && (p->oom_score_adj.value < -1000 || p->oom_score_adj.value > 1000))
    verror(v, vpath(v, "%soomScoreAdj", pre), "%d is outside -1000..1000", (int) p->oom_score_adj.value);
  if (p->user && p->user->umask.set && p->user->umask.value > 0777)
    verror(v, vpath(v, "%suser.umask", pre), "%u is not a file mode creation mask (at most 0777, i.e. 511)",
           (unsigned) p->user->umask.value);
  if (p->user && p->user->username)
    vwarn(v, vpath(v, "%suser.username", pre), "applies to Windows only and is ignored");
  if (p->command_line)
    vwarn(v, vpath(v, "%scommandLine", pre), "applies to Windows only and is ignored");

  validate_rlimits(v, &p->rlimits, pre);
  if (p->capabilities)
    validate_capabilities(v, p->capabilities, pre);
  if (p->scheduler)
    validate_scheduler(v, p->scheduler, pre);
  if (p->io_priority && p->io_priority->priority.set &&
      (p->io_priority->priority.value < 0 || p->io_priority->priority.value > 7))
    verror(v, vpath(v, "%sioPriority.priority", pre), "%d is outside 0 (highest) .. 7 (lowest)",
           (int) p->io_priority->priority.value);
  if (p->exec_cpu_affinity) {
    if (p->exec_cpu_affinity->initial)
      check_cpu_list(v, p->exec_cpu_affinity->initial, vpath(v, "%sexecCPUAffinity.initial", pre));
    if (p->exec_cpu_affinity->final)
      check_cpu_list(v, p->exec_cpu_affinity->final, vpath(v, "%sexecCPUAffinity.final", pre));
  }
}
