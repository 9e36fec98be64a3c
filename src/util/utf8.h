#pragma once
#include <stddef.h>

/* Length of the valid UTF-8 sequence starting at s (at most avail bytes), or
 * 0 if the bytes are not one: no overlong forms, no surrogates, nothing above
 * U+10FFFF. ASCII counts as a sequence of length 1. */
size_t utf8_sequence_length(const unsigned char *s, size_t avail);
