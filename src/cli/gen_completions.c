/* hutch-gen-completions SHELL: prints hutch's completion script for bash,
 * zsh or fish. Run by the build; not installed. */
#include "cli/completions.h"

#include <stdio.h>

int main(int argc, char **argv)
{
  if (argc != 2 || !cli_write_completion(stdout, argv[1])) {
    fprintf(stderr, "usage: hutch-gen-completions bash|zsh|fish\n");
    return 1;
  }
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
