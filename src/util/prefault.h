/* Pages a process is about to write, mapped in bulk. On this kind of host a
 * page fault is a round trip through the hypervisor (about 11 us measured
 * here), a page mapped by madvise(MADV_POPULATE_WRITE) about 1 us; hutch's
 * processes are short and write most of what they touch. Every function
 * here is an optimisation only: on a kernel without MADV_POPULATE_WRITE
 * (before 5.14) the pages fault in as before. */
#ifndef HUTCH_UTIL_PREFAULT_H
#define HUTCH_UTIL_PREFAULT_H

#include <stddef.h>

/* The next `depth` bytes of the stack below the caller. */
void prefault_stack(size_t depth);

/* After a fork: this process's own copy of every page of its data, bss and
 * heap that it shares with the other side, and of its stack, made now
 * rather than one fault at a time as it writes them. Only resident pages
 * are copied (mincore: for the heap, those touched before the fork; for
 * .data, also a page of the file that is merely cached): a heap page never
 * touched is no copy, and mapping it would only make the process bigger. */
void prefault_unshare_private_memory(void);

#endif
