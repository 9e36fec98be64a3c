#pragma once
/* Which backend runs a new container (create, run). Podman and containerd
 * know only the runtime's binary, so besides the command line an annotation
 * in config.json and the system's hutch.conf can choose. The first source
 * present decides, in this order (docs/backends.md):
 *
 *   1. the command's --backend          3. annotations["run.hutch.backend"]
 *   2. the global --backend             4. the first rule of hutch.conf whose glob matches the id
 *   5. default-backend in hutch.conf    6. native
 *
 * hutch.conf is read only when 1-3 are all absent. */
#include <stddef.h>

#include "backend/backend.h"
#include "spec/model.h"
#include "util/error.h"

#define HUTCH_CONF_DEFAULT_PATH "/etc/hutch/hutch.conf"
#define HUTCH_CONF_ENV "HUTCH_CONFIG"
#define HUTCH_BACKEND_ANNOTATION "run.hutch.backend"
/* A larger hutch.conf is a mistake, not a configuration. */
#define HUTCH_CONF_MAX_SIZE (64 * 1024)

/* "backend NAME = GLOB": ids matching GLOB (fnmatch(3)) run on NAME. */
struct hutch_conf_rule {
  const struct hutch_backend *backend;
  char *glob;
  unsigned line;
};

/* "BACKEND.KEY = VALUE": a setting of one backend (docs/proxmox.md lists
 * the proxmox backend's). The backend must exist and name the key among
 * its settings (hutch_backend.settings). */
struct hutch_conf_setting {
  const struct hutch_backend *backend;
  char *key;
  char *value;
  unsigned line;
};

struct hutch_conf {
  char *path;
  struct hutch_conf_setting *settings; /* in file order; a key given twice is an error */
  size_t n_settings;
  const struct hutch_backend *default_backend; /* NULL: none given */
  unsigned default_line;
  struct hutch_conf_rule *rules; /* in file order */
  size_t n_rules;
};

/* Parses hutch.conf's text (path is for messages). Every line is checked,
 * used or not: an error names "path:line". */
int hutch_conf_parse(const char *path, const char *text, size_t len, struct hutch_conf *out, struct hutch_error **err);
/* Reads and parses the file at path (following a symbolic link: /etc is
 * the administrator's). A missing file is an empty configuration. */
int hutch_conf_load(const char *path, struct hutch_conf *out, struct hutch_error **err);
void hutch_conf_release(struct hutch_conf *conf);
/* The value of backend b's setting key, or NULL when the file does not set it. */
const char *hutch_conf_setting(const struct hutch_conf *conf, const struct hutch_backend *b, const char *key);

/* $HUTCH_CONFIG, or HUTCH_CONF_DEFAULT_PATH; NULL when HUTCH_CONFIG is set
 * but empty (no file). */
const char *hutch_conf_path(void);

struct hutch_backend_request {
  const char *id;
  const char *command_flag;          /* the command's --backend, or NULL */
  const char *global_flag;           /* the global --backend, or NULL */
  const oci_string_map *annotations; /* config.json's, or NULL */
  const char *conf_path;             /* hutch.conf, or NULL for none */
};

struct hutch_backend_choice {
  const struct hutch_backend *backend;
  /* Where it came from, for messages: "--backend", "global option
   * --backend", "annotations[\"run.hutch.backend\"]", "PATH:LINE", "the
   * built-in default". */
  char source[4200];
};

/* Picks the backend; an unknown name fails naming its source. */
int hutch_backend_select(const struct hutch_backend_request *req, struct hutch_backend_choice *out,
                         struct hutch_error **err);

/* 0 when the chosen backend has op; otherwise "not supported by the NAME
 * backend (chosen by SOURCE)". */
int hutch_backend_choice_require(const struct hutch_backend_choice *choice, enum hutch_op op,
                                 struct hutch_error **err);
