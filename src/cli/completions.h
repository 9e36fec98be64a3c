#pragma once
/* Shell completion scripts for bash, zsh and fish, written from the same
 * tables `--help` prints (the global options of parse.c and each command's
 * option table), so a completion cannot offer an option hutch lacks or miss
 * one it has. The build runs hutch-gen-completions to make them. */
#include <stdbool.h>
#include <stdio.h>

/* Writes the script for shell ("bash", "zsh" or "fish") to out; false for
 * an unknown shell, or (said on stderr) a value list that is not plain
 * words, which the scripts could not print unquoted. */
bool cli_write_completion(FILE *out, const char *shell);
