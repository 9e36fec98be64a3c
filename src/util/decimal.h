#pragma once
#include <stdbool.h>

/* Reads the unsigned decimal number at *pp (digits only: no sign, no
 * spaces) and advances *pp past it. False if there is no digit or the number
 * does not fit. */
bool read_decimal(const char **pp, unsigned long *out);
