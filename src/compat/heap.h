/* The heap of the musl build's `hutch` (compat/malloc.c routes malloc and
 * friends here; heap.c says why it is not musl's). Usable on its own, which
 * is how tests/unit/test_heap.c drives it. Not thread-safe: hutch runs one
 * thread. */
#ifndef HUTCH_COMPAT_HEAP_H
#define HUTCH_COMPAT_HEAP_H

#include <stddef.h>
#include <stdint.h>

void *heap_alloc(size_t size);
void *heap_alloc_zeroed(size_t count, size_t size);
void *heap_alloc_aligned(size_t alignment, size_t size);
void *heap_resize(void *block, size_t size);
void heap_release(void *block);
size_t heap_usable_size(const void *block);

/* Calls fn for each range of the small-block chunks handed out so far
 * (what a fork shares with its parent); large blocks are not included. */
void heap_for_each_used_span(void (*fn)(uintptr_t start, uintptr_t end));

#endif
