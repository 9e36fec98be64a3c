#pragma once
/* AppArmor and SELinux labels (process.apparmorProfile, process.selinuxLabel,
 * linux.mountLabel): applied when the host runs the LSM; a config that asks
 * for one the host does not run is refused, naming the field. */
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);

/* Refuses labels for an LSM this host does not run. */
int lsm_check(const struct oci_process *p, const struct oci_linux *l, struct hutch_error **err);

/* Sets the labels the next execve takes on (the process calls it on itself). */
int lsm_set_exec_labels(const struct oci_process *p, struct hutch_error **err);
