/* Rules for `linux.resources` (also used for `update --resources`). */
#include "spec/validate_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void check_limit(struct vctx *v, const oci_opt_i64 *value, const char *base, const char *name)
{
  if (value->set && value->value < -1)
    verror(v, vpath(v, "%s.%s", base, name), "%lld is neither -1 (unlimited) nor a byte count",
           (long long) value->value);
}

static void validate_memory(struct vctx *v, const struct oci_memory *m, const char *base)
{
  char mb[128];
  snprintf(mb, sizeof mb, "%s.memory", base);
  check_limit(v, &m->limit, mb, "limit");
  check_limit(v, &m->reservation, mb, "reservation");
  check_limit(v, &m->swap, mb, "swap");
  check_limit(v, &m->kernel, mb, "kernel");
  check_limit(v, &m->kernel_tcp, mb, "kernelTCP");
  if (m->kernel.set)
    vwarn(v, vpath(v, "%s.kernel", mb), "deprecated: kernel memory limits are not recommended since 1.1.0");
  if (m->kernel_tcp.set)
    vwarn(v, vpath(v, "%s.kernelTCP", mb), "deprecated: kernel TCP memory limits are not recommended since 1.1.0");
  if (m->swappiness.set && m->swappiness.value > 100)
    verror(v, vpath(v, "%s.swappiness", mb), "%llu is above 100", (unsigned long long) m->swappiness.value);
  /* swap is memory+swap: below the memory limit it cannot be honoured. */
  if (m->limit.set && m->swap.set && m->limit.value > 0 && m->swap.value > 0 && m->swap.value < m->limit.value)
    verror(v, vpath(v, "%s.swap", mb), "%lld is below limit (%lld): swap counts memory plus swap",
           (long long) m->swap.value, (long long) m->limit.value);
}

static void validate_cpu(struct vctx *v, const struct oci_cpu *c, const char *base)
{
  if (c->quota.set && c->quota.value > 0 && c->burst.set && c->burst.value > (uint64_t) c->quota.value)
    verror(v, vpath(v, "%s.cpu.burst", base), "%llu is above the quota (%lld)", (unsigned long long) c->burst.value,
           (long long) c->quota.value);
  if (c->quota.set && c->quota.value < -1)
    verror(v, vpath(v, "%s.cpu.quota", base), "%lld is neither -1 (unlimited) nor positive",
           (long long) c->quota.value);
  /* The kernel's bounds for the CFS period. */
  if (c->period.set && c->period.value != 0 && (c->period.value < 1000 || c->period.value > 1000000))
    verror(v, vpath(v, "%s.cpu.period", base), "%llu is outside 1000..1000000 microseconds",
           (unsigned long long) c->period.value);
  if (c->idle.set && c->idle.value != 0 && c->idle.value != 1)
    verror(v, vpath(v, "%s.cpu.idle", base), "must be 0 or 1, got %lld", (long long) c->idle.value);
  if (c->cpus)
    check_cpu_list(v, c->cpus, vpath(v, "%s.cpu.cpus", base));
  if (c->mems)
    check_cpu_list(v, c->mems, vpath(v, "%s.cpu.mems", base));
}

static void validate_block_io(struct vctx *v, const struct oci_block_io *b, const char *base)
{
  for (size_t i = 0; i < b->weight_device.len; i++) {
    const struct oci_weight_device *w = &b->weight_device.items[i];
    if (!w->weight.set && !w->leaf_weight.set)
      verror(v, vpath(v, "%s.blockIO.weightDevice[%zu]", base, i), "needs weight or leafWeight");
  }
}

static bool valid_page_size(const char *s)
{
  /* ^[1-9][0-9]*[KMG]B$ */
  if (*s < '1' || *s > '9')
    return false;
  while (isdigit((unsigned char) *s))
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static void validate_hugepages(struct vctx *v, const oci_hugepage_limits *h, const char *base)
{
  for (size_t i = 0; i < h->len; i++) {
    const char *size = h->items[i].page_size;
    if (!size)
      continue;
    if (!valid_page_size(size)) {
      verror(v, vpath(v, "%s.hugepageLimits[%zu].pageSize", base, i),
             "\"%s\" is not a page size like \"2MB\" or \"1GB\"", size);
      continue;
    }
    for (size_t j = 0; j < i; j++) {
      if (h->items[j].page_size && strcmp(h->items[j].page_size, size) == 0) {
        verror(v, vpath(v, "%s.hugepageLimits[%zu].pageSize", base, i), "%s repeated", size);
        break;
      }
    }
  }
}

static void validate_device_rules(struct vctx *v, const oci_device_cgroups *d, const char *base)
{
  for (size_t i = 0; i < d->len; i++) {
    const struct oci_device_cgroup *r = &d->items[i];
    if (r->type && strcmp(r->type, "a") != 0 && strcmp(r->type, "c") != 0 && strcmp(r->type, "b") != 0)
      verror(v, vpath(v, "%s.devices[%zu].type", base, i), "must be \"a\", \"c\" or \"b\", got \"%s\"", r->type);
    if (r->access) {
      for (const char *p = r->access; *p; p++) {
        if (*p != 'r' && *p != 'w' && *p != 'm') {
          verror(v, vpath(v, "%s.devices[%zu].access", base, i), "\"%s\" is not made of 'r', 'w' and 'm'",
                 r->access);
          break;
        }
      }
    }
  }
}

static void validate_unified(struct vctx *v, const oci_string_map *u, const char *base)
{
  for (size_t i = 0; i < u->len; i++) {
    const char *key = u->items[i].key;
    /* Keys are file names in the container's cgroup directory. */
    if (!key[0] || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0 || !strchr(key, '.'))
      verror(v, vpath(v, "%s.unified.%s", base, key), "not a cgroup file name (like \"memory.max\")");
  }
}

void validate_resources(struct vctx *v, const struct oci_resources *r, const char *base)
{
  validate_device_rules(v, &r->devices, base);
  if (r->memory)
    validate_memory(v, r->memory, base);
  if (r->cpu)
    validate_cpu(v, r->cpu, base);
  if (r->block_io)
    validate_block_io(v, r->block_io, base);
  validate_hugepages(v, &r->hugepage_limits, base);
  if (r->network) {
    for (size_t i = 0; i < r->network->priorities.len; i++)
      if (r->network->priorities.items[i].name && !r->network->priorities.items[i].name[0])
        verror(v, vpath(v, "%s.network.priorities[%zu].name", base, i), "must not be empty");
  }
  if (r->pids && r->pids->limit.set && r->pids->limit.value < -1)
    verror(v, vpath(v, "%s.pids.limit", base), "%lld is neither -1 (unlimited) nor a count",
           (long long) r->pids->limit.value);
  for (size_t i = 0; i < r->rdma.len; i++) {
    const struct oci_rdma *d = &r->rdma.items[i];
    if (!d->hca_handles.set && !d->hca_objects.set)
      verror(v, vpath(v, "%s.rdma.%s", base, d->device), "needs hcaHandles or hcaObjects");
  }
  validate_unified(v, &r->unified, base);
}
