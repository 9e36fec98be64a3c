#pragma once
/* What /proc says about a process, enough to tell whether a pid still names
 * the process hutch started (pids are reused). */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct process_info {
  char state;          /* 'R', 'S', 'Z', ... */
  uint64_t start_time; /* clock ticks since boot (field 22 of /proc/pid/stat) */
};

/* false when the process does not exist. */
bool process_info_read(pid_t pid, struct process_info *out);

/* Whether pid is a child of the caller (alive or not yet reaped): what a
 * pid reported over a socket a container could reach must be before the
 * runtime waits for it, signals it or writes it to a pid file. */
bool process_is_own_child(pid_t pid);

/* Alive and the same process: exists, is not a zombie, started at start_time. */
bool process_is_alive(pid_t pid, uint64_t start_time);
