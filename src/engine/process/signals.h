#pragma once
#include <stdbool.h>

/* A signal given as runc accepts it: a number, or a name with or without
 * "SIG", in any case ("9", "KILL", "sigterm", "RTMIN+3"). -1 if unknown. */
int signal_parse(const char *s);
