/* The C library's allocator of the musl build's `hutch` is compat/heap.c
 * (why: heap.c). musl lets a static program define these: its own malloc
 * is then not linked. What musl allocates for itself through its internal
 * __libc_malloc (atexit slots, locales, the time zone) stays on its own
 * small allocator and is never handed to free() here. Every public entry
 * point of the family is defined, so none of musl's is pulled in to hand
 * out a block this heap would not know. Alignments above a page are
 * refused (EINVAL): nothing in hutch asks for one. */
#include "compat/heap.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

void *malloc(size_t size)
{
  return heap_alloc(size);
}

void *calloc(size_t count, size_t size)
{
  return heap_alloc_zeroed(count, size);
}

void *realloc(void *block, size_t size)
{
  return heap_resize(block, size);
}

void free(void *block)
{
  heap_release(block);
}

void *aligned_alloc(size_t alignment, size_t size)
{
  return heap_alloc_aligned(alignment, size);
}

void *memalign(size_t alignment, size_t size)
{
  return heap_alloc_aligned(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
  if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
    return EINVAL;
  int saved = errno;
  void *block = heap_alloc_aligned(alignment, size);
  int failure = errno;
  errno = saved;
  if (!block)
    return failure;
  *out = block;
  return 0;
}

size_t malloc_usable_size(void *block)
{
  return heap_usable_size(block);
}
