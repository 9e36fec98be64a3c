#include "engine/process/attrs.h"
#include "util/cleanup.h"
#include "util/decimal.h"
#include "util/xalloc.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's struct sched_attr (sched_setattr(2)); glibc 2.36 lacks it. */
struct kernel_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

int process_set_scheduler(const struct oci_scheduler *s, struct hutch_error **err)
{
  /* enum oci_sched_policy follows the kernel's numbering: OTHER 0, FIFO 1,
   * RR 2, BATCH 3, ISO 4 (reserved, refused by the kernel), IDLE 5, DEADLINE 6. */
  static const uint64_t flag_bits[OCI_SCHED_FLAG_COUNT] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40 };
  struct kernel_sched_attr attr = {
    .size = sizeof attr,
    .sched_policy = (uint32_t) s->policy.value,
    .sched_nice = s->nice.value,
    .sched_priority = (uint32_t) s->priority.value,
    .sched_runtime = s->runtime.value,
    .sched_deadline = s->deadline.value,
    .sched_period = s->period.value,
  };
  for (size_t i = 0; i < s->flags.len; i++)
    attr.sched_flags |= flag_bits[s->flags.items[i]];
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return hutch_fail_errno(err, "process.scheduler: sched_setattr");
  return 0;
}

int process_set_io_priority(const struct oci_io_priority *io, struct hutch_error **err)
{
  enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13 };
  /* OCI's classes RT, BE, IDLE are the kernel's 1, 2, 3. */
  int value = ((io->io_class.value + 1) << IOPRIO_CLASS_SHIFT) | io->priority.value;
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return hutch_fail_errno(err, "process.ioPriority: ioprio_set");
  return 0;
}

/* A node or CPU list as a bit mask of unsigned longs; returns the number of
 * bits to pass (highest + 1), 0 for an empty list, -1 if malformed. */
static long list_to_mask(const char *list, unsigned long *mask, size_t words)
{
  const char *p = list;
  long highest = -1;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    if (!*p)
      break;
    unsigned long lo, hi;
    if (!read_decimal(&p, &lo))
      return -1;
    hi = lo;
    if (*p == '-') {
      p++;
      if (!read_decimal(&p, &hi) || hi < lo)
        return -1;
    }
    if (hi >= words * 8 * sizeof(unsigned long))
      return -1;
    for (unsigned long b = lo; b <= hi; b++)
      mask[b / (8 * sizeof(unsigned long))] |= 1UL << (b % (8 * sizeof(unsigned long)));
    if ((long) hi > highest)
      highest = (long) hi;
    while (*p == ' ')
      p++;
  }
  return highest + 1;
}

int process_set_memory_policy(const struct oci_memory_policy *m, struct hutch_error **err)
{
  /* The kernel's MPOL_* numbers, in the order of enum oci_mpol_mode. */
  static const int modes[OCI_MPOL_MODE_COUNT] = { 0 /* DEFAULT */, 2 /* BIND */, 3 /* INTERLEAVE */,
                                                  6 /* WEIGHTED_INTERLEAVE */, 1 /* PREFERRED */,
                                                  5 /* PREFERRED_MANY */, 4 /* LOCAL */ };
  static const int flag_bits[OCI_MPOL_FLAG_COUNT] = { 1 << 13 /* NUMA_BALANCING */, 1 << 14 /* RELATIVE_NODES */,
                                                      1 << 15 /* STATIC_NODES */ };
  enum { WORDS = 16 }; /* 1024 nodes */
  unsigned long mask[WORDS] = { 0 };
  long bits = m->nodes ? list_to_mask(m->nodes, mask, WORDS) : 0;
  if (bits < 0)
    return hutch_fail(err, EINVAL, "linux.memoryPolicy.nodes: \"%s\" is not a node list", m->nodes);
  int mode = modes[m->mode.value];
  for (size_t i = 0; i < m->flags.len; i++)
    mode |= flag_bits[m->flags.items[i]];
  /* maxnode counts one past the highest bit the kernel should read. */
  if (syscall(SYS_set_mempolicy, mode, bits ? mask : NULL, bits ? (unsigned long) bits + 1 : 0) < 0)
    return hutch_fail_errno(err, "linux.memoryPolicy: set_mempolicy");
  return 0;
}

int process_set_personality(const struct oci_personality *p, struct hutch_error **err)
{
  unsigned long persona = p->domain.value == OCI_PERSONALITY_LINUX32 ? PER_LINUX32 : PER_LINUX;
  if (personality(persona) < 0)
    return hutch_fail_errno(err, "linux.personality: personality");
  return 0;
}

int process_set_cpu_affinity(const char *list, const char *what, struct hutch_error **err)
{
  enum { WORDS = 128 }; /* 8192 CPUs */
  cleanup_free unsigned long *mask = xcalloc(WORDS, sizeof *mask);
  long bits = list_to_mask(list, mask, WORDS);
  if (bits < 0)
    return hutch_fail(err, EINVAL, "%s: \"%s\" is not a CPU list", what, list);
  if (bits == 0)
    return 0; /* empty: leave the affinity alone */
  if (sched_setaffinity(0, WORDS * sizeof *mask, (cpu_set_t *) mask) < 0)
    return hutch_fail_errno(err, "%s: sched_setaffinity", what);
  return 0;
}
