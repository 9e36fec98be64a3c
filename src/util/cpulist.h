#pragma once
/* The kernel's list format for CPUs and NUMA nodes: "0-3,7,9-10". */
#include <stdbool.h>
#include <stddef.h>

/* Checks the syntax of a list: comma-separated numbers or a-b ranges with
 * a <= b, optional spaces around items, every number <= max_id. Fills why
 * (if non-NULL) with the reason on failure. An empty string is valid. */
bool cpulist_valid(const char *list, unsigned long max_id, char *why, size_t why_size);
