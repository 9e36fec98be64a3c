/* libFuzzer target for state.json: hutch's record decoded and round-tripped;
 * what decodes cleanly goes through the checks every command makes before
 * believing it, and only a record that passes them is acted on as the
 * commands do (status, the OCI state) - which must then never block or
 * crash, whatever paths it names. */
#include "engine/state/check.h"
#include "engine/state/store.h"
#include "fuzz_doc.h"
#include "spec/state.h"
#include "util/strbuf.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int empty_dir(void)
{
  static int fd = -1;
  if (fd < 0) {
    char path[] = "/tmp/hutch-fuzz-state.XXXXXX";
    if (!mkdtemp(path))
      abort();
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rmdir(path); /* the fd keeps it; nothing is ever found in it */
  }
  return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  fuzz_document(&container_record_type, text, size, NULL);
  struct arena arena;
  arena_init(&arena);
  struct diag_list diags = DIAG_LIST_INIT;
  struct container_record *rec = oci_decode_document(&arena, &container_record_type, text, size, "input", &diags);
  if (rec && diag_count(&diags, DIAG_ERROR) == 0 && container_id_valid(rec->id) &&
      record_check(empty_dir(), rec, rec->id, NULL) == 0) {
    enum oci_status status = container_status(empty_dir(), rec, true);
    struct oci_state st;
    record_to_state(rec, status, &st);
    struct strbuf out = STRBUF_INIT;
    oci_state_write(&out, &st, NULL);
    strbuf_release(&out);
  }
  diag_list_release(&diags);
  arena_release(&arena);
  return 0;
}
