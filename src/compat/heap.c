/* The musl build's heap: size classes carved from 1 MiB chunks that are
 * never given back, and a mapping of its own for each block over 64 KiB.
 *
 * Why not musl's malloc (mallocng): it maps each group of blocks on its own
 * and unmaps a group as soon as it empties. One `run` made 17 mmap and 14
 * munmap calls, and an munmap that frees page tables flushes the TLB of
 * every CPU the process has run on: an interrupt to the other CPU each time,
 * plus a fresh page fault (dear under this kind of virtualisation) when the
 * memory is mapped again. Under ten parallel containers that munmap alone was
 * 3.6% of all CPU time. A hutch process lives for milliseconds and holds
 * well under a megabyte, except the long-lived ones (`run` in the
 * foreground, `events`), whose allocations repeat the same sizes: free lists
 * per size class bound them by their peak.
 *
 * What mallocng's hardening gave is kept where it is cheap: every block has
 * a head with a magic word, and freeing a block that is not live (a double
 * free, a pointer from elsewhere) stops the process, as does taking a free
 * block whose head or masked link was overwritten. The sanitizer builds,
 * which run the tests, are glibc's and use ASan's allocator. */
#include "compat/heap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAD_SIZE 16u
#define SMALLEST_SHIFT 5u /* a 32-byte block: 16 of head, 16 usable */
#define CLASS_COUNT 12u   /* the largest class is 64 KiB */
#define CHUNK_SIZE ((size_t) 1 << 20)
#define CHUNK_HEAD_SIZE 32u
#define POPULATE_STEP ((uintptr_t) 32 << 10)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older libc headers lack it */
#endif
#define LIVE_MAGIC 0x6c697665u
#define FREE_MAGIC 0x66726565u
#define CLASS_MAPPED 0xffffffffu

struct block_head {
  uint32_t magic;
  uint32_t size_class;
  size_t mapping_length; /* CLASS_MAPPED only */
};
_Static_assert(sizeof(struct block_head) == HEAD_SIZE, "a block's head keeps its payload 16-byte aligned");

struct free_block {
  struct free_block *next;
};

struct chunk {
  struct chunk *previous;
  uintptr_t used_end;
  uintptr_t mapped_end; /* populated up to here */
  uintptr_t end;
};
_Static_assert(sizeof(struct chunk) <= CHUNK_HEAD_SIZE, "the chunk's head fits before its first block");

static struct free_block *free_lists[CLASS_COUNT];
static struct chunk *newest_chunk;

static size_t page_size(void)
{
  static size_t cached;
  if (!cached)
    cached = (size_t) sysconf(_SC_PAGESIZE);
  return cached;
}

static size_t class_block_size(uint32_t size_class)
{
  return (size_t) 1 << (size_class + SMALLEST_SHIFT);
}

static struct block_head *head_of(const void *payload)
{
  return (struct block_head *) ((uintptr_t) payload - HEAD_SIZE);
}

static _Noreturn void heap_corrupted(void)
{
  static const char message[] = "hutch: heap corrupted (a block freed twice, not from this heap, or written "
                                "after its free), stopping\n";
  ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void) ignored;
  abort();
}

static struct block_head *live_head(const void *payload)
{
  struct block_head *head = head_of(payload);
  if (head->magic != LIVE_MAGIC || (head->size_class >= CLASS_COUNT && head->size_class != CLASS_MAPPED))
    heap_corrupted();
  return head;
}

/* A free block's link is stored XORed with its own address's page number
 * (glibc's "safe linking"): a write through a dangling pointer cannot aim
 * the next allocation at an address of its choosing, and a popped block
 * must still carry a free head of its class. */
static struct free_block *mask_next(const struct free_block *block, struct free_block *next)
{
  return (struct free_block *) ((uintptr_t) next ^ ((uintptr_t) &block->next >> 12));
}

static struct free_block *unmask_next(const struct free_block *block)
{
  uintptr_t next = (uintptr_t) block->next ^ ((uintptr_t) &block->next >> 12);
  if (next % HEAD_SIZE)
    heap_corrupted();
  return (struct free_block *) next;
}

static void *map_anonymous(size_t length)
{
  void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    errno = ENOMEM;
    return NULL;
  }
  return p;
}

/* A chunk's pages are mapped 32 KiB at a time (or a page, if larger) ahead
 * of the blocks carved from it, not faulted in one by one: on this kind of
 * host a fault costs about ten times what a page mapped by madvise does
 * (util/prefault.h). A kernel without MADV_POPULATE_WRITE (before 5.14) is
 * asked once; the pages then fault in as before. errno is the caller's. */
static void populate_chunk(struct chunk *chunk)
{
  static bool unsupported;
  uintptr_t step = POPULATE_STEP > page_size() ? POPULATE_STEP : page_size();
  uintptr_t end = (chunk->used_end + step - 1) & ~(step - 1);
  if (end > chunk->end)
    end = chunk->end;
  if (!unsupported) {
    int saved = errno;
    if (madvise((void *) chunk->mapped_end, end - chunk->mapped_end, MADV_POPULATE_WRITE) < 0 && errno == EINVAL)
      unsupported = true;
    errno = saved;
  }
  chunk->mapped_end = end;
}

/* Fresh memory of the chunk is zero; *fresh says so to calloc. */
static void *take_small(uint32_t size_class, bool *fresh)
{
  size_t block_size = class_block_size(size_class);
  struct block_head *head;
  if (free_lists[size_class]) {
    struct free_block *block = free_lists[size_class];
    head = head_of(block);
    if (head->magic != FREE_MAGIC || head->size_class != size_class)
      heap_corrupted();
    free_lists[size_class] = unmask_next(block);
    *fresh = false;
  } else {
    if (!newest_chunk || newest_chunk->end - newest_chunk->used_end < block_size) {
      struct chunk *chunk = map_anonymous(CHUNK_SIZE);
      if (!chunk)
        return NULL;
      chunk->previous = newest_chunk;
      chunk->used_end = (uintptr_t) chunk + CHUNK_HEAD_SIZE;
      chunk->mapped_end = (uintptr_t) chunk;
      chunk->end = (uintptr_t) chunk + CHUNK_SIZE;
      newest_chunk = chunk;
    }
    head = (struct block_head *) newest_chunk->used_end;
    newest_chunk->used_end += block_size;
    if (newest_chunk->used_end > newest_chunk->mapped_end)
      populate_chunk(newest_chunk);
    head->size_class = size_class;
    *fresh = true;
  }
  head->magic = LIVE_MAGIC;
  return (char *) head + HEAD_SIZE;
}

/* A block of its own mapping; the payload starts `offset` bytes in (at
 * most a page), the head right before it, so the mapping starts at the
 * head's page. */
static void *take_mapped(size_t size, size_t offset)
{
  size_t page = page_size();
  if (size > SIZE_MAX - offset - page) {
    errno = ENOMEM;
    return NULL;
  }
  size_t length = (offset + size + page - 1) & ~(page - 1);
  char *base = map_anonymous(length);
  if (!base)
    return NULL;
  struct block_head *head = (struct block_head *) (base + offset - HEAD_SIZE);
  head->magic = LIVE_MAGIC;
  head->size_class = CLASS_MAPPED;
  head->mapping_length = length;
  return base + offset;
}

static void *take(size_t size, bool *fresh)
{
  if (size > class_block_size(CLASS_COUNT - 1) - HEAD_SIZE) {
    *fresh = true;
    return take_mapped(size, HEAD_SIZE);
  }
  uint32_t size_class = 0;
  while (class_block_size(size_class) - HEAD_SIZE < size)
    size_class++;
  return take_small(size_class, fresh);
}

void *heap_alloc(size_t size)
{
  bool fresh;
  return take(size, &fresh);
}

void *heap_alloc_zeroed(size_t count, size_t size)
{
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  bool fresh;
  void *block = take(total, &fresh);
  if (block && !fresh)
    memset(block, 0, total);
  return block;
}

void *heap_alloc_aligned(size_t alignment, size_t size)
{
  if (alignment == 0 || (alignment & (alignment - 1)) || alignment > page_size()) {
    errno = EINVAL;
    return NULL;
  }
  if (alignment <= HEAD_SIZE)
    return heap_alloc(size);
  return take_mapped(size, alignment);
}

size_t heap_usable_size(const void *block)
{
  if (!block)
    return 0;
  const struct block_head *head = live_head(block);
  if (head->size_class == CLASS_MAPPED) {
    uintptr_t base = (uintptr_t) head & ~(uintptr_t) (page_size() - 1);
    return base + head->mapping_length - (uintptr_t) block;
  }
  return class_block_size(head->size_class) - HEAD_SIZE;
}

void heap_release(void *block)
{
  if (!block)
    return;
  struct block_head *head = live_head(block);
  if (head->size_class == CLASS_MAPPED) {
    uintptr_t base = (uintptr_t) head & ~(uintptr_t) (page_size() - 1);
    munmap((void *) base, head->mapping_length);
    return;
  }
  head->magic = FREE_MAGIC;
  struct free_block *freed = block;
  freed->next = mask_next(freed, free_lists[head->size_class]);
  free_lists[head->size_class] = freed;
}

void *heap_resize(void *block, size_t size)
{
  if (!block)
    return heap_alloc(size);
  size_t usable = heap_usable_size(block);
  if (size <= usable)
    return block;
  void *moved = heap_alloc(size);
  if (!moved)
    return NULL;
  memcpy(moved, block, usable);
  heap_release(block);
  return moved;
}

void heap_for_each_used_span(void (*fn)(uintptr_t start, uintptr_t end))
{
  for (const struct chunk *chunk = newest_chunk; chunk; chunk = chunk->previous)
    fn((uintptr_t) chunk, chunk->used_end);
}
