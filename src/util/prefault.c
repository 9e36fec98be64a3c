#include "util/prefault.h"
#include "compat/heap.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older libc headers lack it */
#endif

/* How deep the stack of hutch's processes goes: the init's set-up is the
 * deepest (measured 30-40 KiB). */
#define STACK_DEPTH (48u << 10)

/* Defined only where compat/heap.c is the allocator (the musl build). */
#pragma weak heap_for_each_used_span

static uintptr_t page_size(void)
{
  return (uintptr_t) sysconf(_SC_PAGESIZE);
}

/* Below the stack's mapping (which grows by faults), or on an older
 * kernel: the pages are written one by one, from the top of this frame's
 * array, which starts right below the caller's frame. */
static void __attribute__((noinline)) touch_stack(size_t depth)
{
  volatile char deeper[STACK_DEPTH];
  size_t page = (size_t) page_size();
  for (size_t below = 1; below <= sizeof deeper && below <= depth; below += page)
    deeper[sizeof deeper - below] = 0;
}

/* The frame's own address, not a local's: under ASan's
 * detect_stack_use_after_return a local may live on a heap "fake stack". */
void __attribute__((noinline)) prefault_stack(size_t depth)
{
  int saved = errno;
  uintptr_t top = (uintptr_t) __builtin_frame_address(0);
  uintptr_t start = (top - depth) & ~(page_size() - 1);
  if (madvise((void *) start, top - start, MADV_POPULATE_WRITE) < 0)
    touch_stack(depth);
  errno = saved;
}

/* The resident pages of [start, end), in runs. */
static void unshare_resident(uintptr_t start, uintptr_t end)
{
  uintptr_t page = page_size();
  start &= ~(page - 1);
  end = (end + page - 1) & ~(page - 1);
  unsigned char resident[256];
  while (end > start) {
    size_t pages = (end - start) / page;
    if (pages > sizeof resident)
      pages = sizeof resident;
    if (mincore((void *) start, pages * page, resident) < 0) {
      madvise((void *) start, pages * page, MADV_POPULATE_WRITE);
    } else {
      for (size_t i = 0; i < pages;) {
        size_t run = 0;
        while (i + run < pages && (resident[i + run] & 1))
          run++;
        if (run)
          madvise((void *) (start + i * page), run * page, MADV_POPULATE_WRITE);
        i += run ? run : 1;
      }
    }
    start += pages * page;
  }
}

struct segment_bounds {
  uintptr_t start, end;
};

static int find_writable_segment(struct dl_phdr_info *info, size_t size, void *data)
{
  struct segment_bounds *found = data;
  uintptr_t relro_end = 0;
  for (size_t i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
      found->start = info->dlpi_addr + ph->p_vaddr;
      found->end = found->start + ph->p_memsz;
    } else if (ph->p_type == PT_GNU_RELRO) {
      relro_end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    }
  }
  /* The relocated-then-read-only head of the segment is no copy of ours:
   * a write there would fail the whole madvise run it sits in. */
  if (relro_end > found->start && relro_end < found->end) {
    uintptr_t page = page_size();
    found->start = (relro_end + page - 1) & ~(page - 1);
  }
  return 1; /* the executable comes first; nothing else is mapped in a static binary */
}

/* The binary's own data and bss, found from its program headers (no
 * linker symbol names them alike under every libc). */
static bool writable_segment(uintptr_t *start, uintptr_t *end)
{
  struct segment_bounds found = { 0, 0 };
  dl_iterate_phdr(find_writable_segment, &found);
  *start = found.start;
  *end = found.end;
  return found.end > found.start;
}

/* Where the heap began (field 47 of /proc/self/stat). */
static uintptr_t heap_start(void)
{
  char buf[1024];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  char *p = strrchr(buf, ')'); /* past the command name, which may hold spaces */
  unsigned long long value = 0;
  for (int field = 2; p && field < 47; field++)
    p = strchr(p + 1, ' ');
  if (p)
    value = strtoull(p + 1, NULL, 10);
  return (uintptr_t) value;
}

void prefault_unshare_private_memory(void)
{
  int saved = errno;
  uintptr_t data_start, data_end;
  if (writable_segment(&data_start, &data_end))
    unshare_resident(data_start, data_end);
  /* With compat/heap.c as malloc nothing of ours is on the brk heap: the
   * read of /proc/self/stat that finds it is left out of every start. */
  uintptr_t brk_start;
  if (heap_for_each_used_span)
    heap_for_each_used_span(unshare_resident);
  else if ((brk_start = heap_start()))
    unshare_resident(brk_start, (uintptr_t) sbrk(0));
  prefault_stack(STACK_DEPTH);
  errno = saved;
}
