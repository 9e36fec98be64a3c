/* libFuzzer target for `exec --process`: a process document decoded,
 * validated as exec does, and round-tripped. */
#include "fuzz_doc.h"
#include "spec/config.h"
#include "spec/schema.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void validate(const void *obj, struct diag_list *diags)
{
  oci_process_validate(obj, diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_document(&oci_type_process, (const char *) data, size, validate);
  return 0;
}
