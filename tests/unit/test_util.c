/* Utilities: arena, strbuf, CPU lists, atomic files, log lines, durations. */
#include "tap.h"
#include "util/arena.h"
#include "util/cpulist.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/json.h"
#include "util/log.h"
#include "util/prefault.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_arena(void)
{
  struct arena a;
  arena_init(&a);
  char *small = arena_strdup(&a, "abc");
  char *big = arena_alloc(&a, 100000);
  memset(big, 'x', 100000);
  uint64_t *aligned = arena_alloc(&a, sizeof *aligned);
  tap_ok(strcmp(small, "abc") == 0 && ((uintptr_t) aligned % 16) == 0, "arena strings survive and blocks are aligned");
  arena_release(&a);
}

static void test_strbuf(void)
{
  struct strbuf sb = STRBUF_INIT;
  tap_str_eq(strbuf_str(&sb), "", "an empty strbuf reads as \"\"");
  for (int i = 0; i < 1000; i++)
    strbuf_addf(&sb, "%d,", i);
  tap_ok(sb.len == strlen(sb.buf) && strncmp(sb.buf + sb.len - 4, "999,", 4) == 0, "strbuf grows");
  strbuf_truncate(&sb, 2);
  tap_str_eq(sb.buf, "0,", "strbuf_truncate");
  strbuf_release(&sb);
}

static void test_cpulist(void)
{
  static const char *const good[] = { "", "0", "0-3", "0-3,7", " 1 , 2-4 ", "0,8191" };
  static const char *const bad[] = { "a", "3-1", "1,", "1-", "-1", "1;2", "8192", "99999999999999999999" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    tap_ok(cpulist_valid(good[i], 8191, NULL, 0), "cpu list \"%s\" is valid", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    tap_ok(!cpulist_valid(bad[i], 8191, NULL, 0), "cpu list \"%s\" is refused", bad[i]);
}

static void test_atomic_write(void)
{
  char dir[] = "/tmp/hutch-test-XXXXXX";
  if (!mkdtemp(dir)) {
    tap_ok(false, "mkdtemp");
    return;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct hutch_error *err = NULL;
  tap_ok(write_file_atomic_at(dfd, "f", "one", 3, 0600, ATOMIC_NO_REPLACE, &err) == 0, "atomic write creates a file");
  tap_ok(write_file_atomic_at(dfd, "f", "two", 3, 0600, ATOMIC_NO_REPLACE, &err) < 0 && err &&
             strstr(err->msg, "already exists"),
         "no-replace refuses an existing file");
  hutch_error_free(err);
  err = NULL;
  tap_ok(write_file_atomic_at(dfd, "f", "three", 5, 0640, ATOMIC_REPLACE, &err) == 0, "replace overwrites");
  char *text = NULL;
  size_t len = 0;
  tap_ok(read_file_at(dfd, "f", 100, &text, &len, &err) == 0 && len == 5 && strcmp(text, "three") == 0,
         "the new content is there");
  free(text);
  struct stat st;
  tap_ok(fstatat(dfd, "f", &st, 0) == 0 && (st.st_mode & 0777) == 0640, "with the requested mode");
  tap_ok(read_file_at(dfd, "f", 4, &text, &len, &err) < 0 && err && strstr(err->msg, "larger than 4 bytes"),
         "a size limit is enforced");
  hutch_error_free(err);
  err = NULL;
  tap_ok(read_file_at(dfd, "f", 5, &text, &len, &err) == 0 && len == 5, "a file of exactly the limit is read");
  free(text);
  hutch_error_free(err);
  err = NULL;
  /* No temporary file is left behind. */
  int entries = 0;
  DIR *d = fdopendir(dup(dfd));
  for (struct dirent *e; d && (e = readdir(d));)
    entries += e->d_name[0] != '.';
  closedir(d);
  tap_ok(entries == 1, "only the target remains in the directory");
  unlinkat(dfd, "f", 0);
  close(dfd);
  rmdir(dir);
}

static void test_log_lines(void)
{
  struct strbuf sb = STRBUF_INIT;
  log_format_line(&sb, LOG_FORMAT_JSON, LOG_LEVEL_WARNING, 1764331200, "a \"quoted\"\nline");
  tap_str_eq(sb.buf, "{\"level\":\"warning\",\"msg\":\"a \\\"quoted\\\"\\nline\",\"time\":\"2025-11-28T12:00:00Z\"}",
             "JSON log line: level, msg, RFC 3339 time, one line");
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  tap_ok(json_parse(&a, sb.buf, sb.len, &e) != NULL, "the JSON log line parses");
  arena_release(&a);
  strbuf_truncate(&sb, 0);
  log_format_line(&sb, LOG_FORMAT_TEXT, LOG_LEVEL_ERROR, 0, "boom");
  tap_str_eq(sb.buf, "time=\"1970-01-01T00:00:00Z\" level=error msg=\"boom\"", "text log line");
  strbuf_release(&sb);
}

static void test_duration(void)
{
  static const struct {
    const char *text;
    uint64_t ns;
  } good[] = {
    { "0", 0 },
    { "5s", 5000000000ULL },
    { "250ms", 250000000ULL },
    { "1m30s", 90000000000ULL },
    { "1.5h", 5400000000000ULL },
    { ".5s", 500000000ULL },
    { "1h2m3s4ms5us6ns", 3723004005006ULL },
    { "3\xc2\xb5s", 3000ULL },
    { "0.000000001s", 1 },
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    uint64_t ns = 42;
    struct hutch_error *err = NULL;
    int r = duration_parse(good[i].text, &ns, &err);
    tap_ok(r == 0 && ns == good[i].ns, "duration \"%s\" is %llu ns (got %llu)", good[i].text,
           (unsigned long long) good[i].ns, (unsigned long long) ns);
    hutch_error_free(err);
  }
  static const char *const bad[] = { "", "5", "s", "-1s", "+1s", "5x", "1.s5", "1s ", "99999999999h",
                                     "18446744073709551615ns1ns" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uint64_t ns = 42;
    struct hutch_error *err = NULL;
    int r = duration_parse(bad[i], &ns, &err);
    tap_ok(r < 0 && err && strstr(err->msg, "invalid duration") && ns == 42, "duration \"%s\" is refused: %s", bad[i],
           err ? err->msg : "(accepted)");
    hutch_error_free(err);
  }
}

static size_t resident_pages(const void *start, size_t length)
{
  size_t page = (size_t) sysconf(_SC_PAGESIZE);
  unsigned char vec[64];
  size_t pages = length / page, n = 0;
  if (pages > sizeof vec || mincore((void *) start, length, vec) < 0)
    return 0;
  for (size_t i = 0; i < pages; i++)
    n += vec[i] & 1;
  return n;
}

static void test_prefault(void)
{
  size_t page = (size_t) sysconf(_SC_PAGESIZE);
  /* In a child, whose unused stack below can be dropped first. The pages
   * checked are two below this frame's: the calls made meanwhile stay above
   * them. The frame's address, not a local's: under ASan's
   * detect_stack_use_after_return locals may live on a heap fake stack. */
  pid_t pid = fork();
  if (pid == 0) {
    uintptr_t top = (uintptr_t) __builtin_frame_address(0) & ~(uintptr_t) (page - 1);
    char *checked = (char *) (top - 6 * page);
    madvise((void *) (top - 8 * page), 7 * page, MADV_DONTNEED);
    size_t before = resident_pages(checked, 4 * page);
    prefault_stack(8 * page);
    size_t after = resident_pages(checked, 4 * page);
    _exit(before == 0 && after == 4 ? 0 : 1);
  }
  int status = -1;
  waitpid(pid, &status, 0);
  tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "prefault_stack maps the stack below its caller");
}

int main(void)
{
  test_duration();
  test_arena();
  test_strbuf();
  test_cpulist();
  test_atomic_write();
  test_log_lines();
  test_prefault();
  return tap_done();
}
