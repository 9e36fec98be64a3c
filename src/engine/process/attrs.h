#pragma once
/* Process attributes beyond the classic ones (process_setup.h): scheduler,
 * I/O priority, NUMA memory policy, personality and CPU affinity. Each is
 * applied by the process to itself, before it drops privileges. */
#include "spec/model.h"
#include "util/error.h"

int process_set_scheduler(const struct oci_scheduler *s, struct hutch_error **err);
int process_set_io_priority(const struct oci_io_priority *io, struct hutch_error **err);
int process_set_memory_policy(const struct oci_memory_policy *m, struct hutch_error **err);
int process_set_personality(const struct oci_personality *p, struct hutch_error **err);
/* sched_setaffinity of the caller to a CPU list ("0-3,7"); what names the field. */
int process_set_cpu_affinity(const char *list, const char *what, struct hutch_error **err);
