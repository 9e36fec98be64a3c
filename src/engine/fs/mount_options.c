#include "engine/fs/mount_options.h"
#include "util/strbuf.h"

#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

enum option_kind { SET, CLEAR, PROPAGATION, ATTR_SET, ATTR_CLEAR, ATIME, SPECIAL };

static const struct {
  const char *name;
  enum option_kind kind;
  unsigned long value;
} options[] = {
  { "async", CLEAR, MS_SYNCHRONOUS },
  { "atime", CLEAR, MS_NOATIME },
  { "bind", SET, MS_BIND },
  { "defaults", SET, 0 },
  { "dev", CLEAR, MS_NODEV },
  { "diratime", CLEAR, MS_NODIRATIME },
  { "dirsync", SET, MS_DIRSYNC },
  { "exec", CLEAR, MS_NOEXEC },
  { "iversion", SET, MS_I_VERSION },
  { "lazytime", SET, MS_LAZYTIME },
  { "loud", CLEAR, MS_SILENT },
  { "mand", SET, MS_MANDLOCK },
  { "noatime", SET, MS_NOATIME },
  { "nodev", SET, MS_NODEV },
  { "nodiratime", SET, MS_NODIRATIME },
  { "noexec", SET, MS_NOEXEC },
  { "noiversion", CLEAR, MS_I_VERSION },
  { "nolazytime", CLEAR, MS_LAZYTIME },
  { "nomand", CLEAR, MS_MANDLOCK },
  { "norelatime", CLEAR, MS_RELATIME },
  { "nostrictatime", CLEAR, MS_STRICTATIME },
  { "nosuid", SET, MS_NOSUID },
  { "nosymfollow", SET, MS_NOSYMFOLLOW },
  { "rbind", SET, MS_BIND | MS_REC },
  { "relatime", SET, MS_RELATIME },
  { "remount", SET, MS_REMOUNT },
  { "ro", SET, MS_RDONLY },
  { "rw", CLEAR, MS_RDONLY },
  { "silent", SET, MS_SILENT },
  { "strictatime", SET, MS_STRICTATIME },
  { "suid", CLEAR, MS_NOSUID },
  { "symfollow", CLEAR, MS_NOSYMFOLLOW },
  { "sync", SET, MS_SYNCHRONOUS },
  /* mount(8) knows acl/noacl only as filesystem data. */
  { "private", PROPAGATION, MS_PRIVATE },
  { "rprivate", PROPAGATION, MS_PRIVATE | MS_REC },
  { "shared", PROPAGATION, MS_SHARED },
  { "rshared", PROPAGATION, MS_SHARED | MS_REC },
  { "slave", PROPAGATION, MS_SLAVE },
  { "rslave", PROPAGATION, MS_SLAVE | MS_REC },
  { "unbindable", PROPAGATION, MS_UNBINDABLE },
  { "runbindable", PROPAGATION, MS_UNBINDABLE | MS_REC },
  { "rro", ATTR_SET, MOUNT_ATTR_RDONLY },
  { "rrw", ATTR_CLEAR, MOUNT_ATTR_RDONLY },
  { "rnosuid", ATTR_SET, MOUNT_ATTR_NOSUID },
  { "rsuid", ATTR_CLEAR, MOUNT_ATTR_NOSUID },
  { "rnodev", ATTR_SET, MOUNT_ATTR_NODEV },
  { "rdev", ATTR_CLEAR, MOUNT_ATTR_NODEV },
  { "rnoexec", ATTR_SET, MOUNT_ATTR_NOEXEC },
  { "rexec", ATTR_CLEAR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", ATTR_SET, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", ATTR_CLEAR, MOUNT_ATTR_NODIRATIME },
  { "rnosymfollow", ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", ATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
  /* The access-time mode is one field of three values (relatime is 0): the
   * "un-" options go back to the default, relatime. */
  { "rnoatime", ATIME, MOUNT_ATTR_NOATIME },
  { "rstrictatime", ATIME, MOUNT_ATTR_STRICTATIME },
  { "rrelatime", ATIME, MOUNT_ATTR_RELATIME },
  { "ratime", ATIME, MOUNT_ATTR_RELATIME },
  { "rnorelatime", ATIME, MOUNT_ATTR_RELATIME },
  { "rnostrictatime", ATIME, MOUNT_ATTR_RELATIME },
  { "idmap", SPECIAL, 1 },
  { "ridmap", SPECIAL, 2 },
  { "tmpcopyup", SPECIAL, 3 },
};

void mount_plan_build(const oci_strings *opts, struct mount_plan *out)
{
  memset(out, 0, sizeof *out);
  struct strbuf data = STRBUF_INIT;
  for (size_t i = 0; i < opts->len; i++) {
    const char *o = opts->items[i];
    if (!o)
      continue;
    size_t k;
    for (k = 0; k < sizeof options / sizeof *options; k++)
      if (strcmp(options[k].name, o) == 0)
        break;
    if (k == sizeof options / sizeof *options) {
      if (data.len)
        strbuf_addc(&data, ',');
      strbuf_adds(&data, o);
      continue;
    }
    unsigned long v = options[k].value;
    switch (options[k].kind) {
    case SET:
      /* The access-time modes are one setting: the last one given holds
       * (mount(2) would let strictatime beat noatime whatever the order). */
      if (v & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
        out->flags &= ~(unsigned long) (MS_NOATIME | MS_STRICTATIME | MS_RELATIME);
      out->flags |= v;
      out->cleared &= ~v;
      break;
    case CLEAR:
      out->flags &= ~v;
      out->cleared |= v;
      break;
    case PROPAGATION:
      out->propagation = v;
      break;
    case ATTR_SET:
      out->attr_set |= v;
      out->attr_clr &= ~v;
      break;
    case ATTR_CLEAR:
      out->attr_clr |= v;
      out->attr_set &= ~v;
      break;
    case ATIME:
      out->attr_clr |= MOUNT_ATTR__ATIME;
      out->attr_set = (out->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | v;
      out->recursive_attrs = true;
      break;
    case SPECIAL:
      if (v == 1 || v == 2) {
        out->idmap = true;
        out->ridmap |= v == 2;
      } else {
        out->tmpcopyup = true;
      }
      break;
    }
  }
  out->recursive_attrs |= out->attr_set || out->attr_clr;
  out->data = data.len ? strbuf_detach(&data) : NULL;
  strbuf_release(&data);
}

void mount_plan_release(struct mount_plan *plan)
{
  free(plan->data);
  plan->data = NULL;
}

unsigned long mount_locked_flags(const char *path)
{
  struct statvfs st;
  if (statvfs(path, &st) < 0)
    return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (st.f_flag & ST_RDONLY)
    flags |= MS_RDONLY;
  return flags;
}

void mount_plan_attrs(const struct mount_plan *plan, uint64_t *set, uint64_t *clr)
{
  static const struct {
    unsigned long ms;
    uint64_t attr;
  } plain[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },         { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },           { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  };
  *set = *clr = 0;
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
    if (plan->flags & plain[i].ms)
      *set |= plain[i].attr;
    else if (plan->cleared & plain[i].ms)
      *clr |= plain[i].attr;
  }
  /* One field of three values; "atime", "norelatime" and "nostrictatime"
   * go back to the default, relatime. */
  unsigned long atime = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
  if (plan->flags & atime) {
    *clr |= MOUNT_ATTR__ATIME;
    *set |= (plan->flags & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
            : (plan->flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                                             : MOUNT_ATTR_RELATIME;
  } else if (plan->cleared & atime) {
    *clr |= MOUNT_ATTR__ATIME;
  }
}

bool mount_plan_is_bind(const struct mount_plan *plan)
{
  return (plan->flags & MS_BIND) != 0;
}

bool mount_is_tmpcopyup(const struct oci_mount *m)
{
  for (size_t i = 0; m->type && strcmp(m->type, "tmpfs") == 0 && i < m->options.len; i++)
    if (strcmp(m->options.items[i], "tmpcopyup") == 0)
      return true;
  return false;
}
