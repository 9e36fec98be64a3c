#include "engine/process/seccomp.h"
#include "spec/names.h"
#include "spec/codec.h"
#include "spec/schema.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/json_writer.h"
#include "util/xalloc.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static uint32_t action_of(int action, const oci_opt_u32 *errno_ret)
{
  uint32_t ret = errno_ret->set ? errno_ret->value : EPERM;
  switch (action) {
  case OCI_SECCOMP_ACT_KILL:
  case OCI_SECCOMP_ACT_KILL_THREAD:
    return SCMP_ACT_KILL_THREAD;
  case OCI_SECCOMP_ACT_KILL_PROCESS:
    return SCMP_ACT_KILL_PROCESS;
  case OCI_SECCOMP_ACT_TRAP:
    return SCMP_ACT_TRAP;
  case OCI_SECCOMP_ACT_ERRNO:
    return SCMP_ACT_ERRNO(ret);
  case OCI_SECCOMP_ACT_TRACE:
    return SCMP_ACT_TRACE(ret);
  case OCI_SECCOMP_ACT_LOG:
    return SCMP_ACT_LOG;
  case OCI_SECCOMP_ACT_NOTIFY:
    return SCMP_ACT_NOTIFY;
  default:
    return SCMP_ACT_ALLOW;
  }
}

static uint32_t arch_of(int arch)
{
  static const uint32_t table[OCI_ARCH_COUNT] = {
    [OCI_ARCH_X86] = SCMP_ARCH_X86,         [OCI_ARCH_X86_64] = SCMP_ARCH_X86_64,
    [OCI_ARCH_X32] = SCMP_ARCH_X32,         [OCI_ARCH_ARM] = SCMP_ARCH_ARM,
    [OCI_ARCH_AARCH64] = SCMP_ARCH_AARCH64, [OCI_ARCH_MIPS] = SCMP_ARCH_MIPS,
    [OCI_ARCH_MIPS64] = SCMP_ARCH_MIPS64,   [OCI_ARCH_MIPS64N32] = SCMP_ARCH_MIPS64N32,
    [OCI_ARCH_MIPSEL] = SCMP_ARCH_MIPSEL,   [OCI_ARCH_MIPSEL64] = SCMP_ARCH_MIPSEL64,
    [OCI_ARCH_MIPSEL64N32] = SCMP_ARCH_MIPSEL64N32, [OCI_ARCH_PPC] = SCMP_ARCH_PPC,
    [OCI_ARCH_PPC64] = SCMP_ARCH_PPC64,     [OCI_ARCH_PPC64LE] = SCMP_ARCH_PPC64LE,
    [OCI_ARCH_S390] = SCMP_ARCH_S390,       [OCI_ARCH_S390X] = SCMP_ARCH_S390X,
    [OCI_ARCH_PARISC] = SCMP_ARCH_PARISC,   [OCI_ARCH_PARISC64] = SCMP_ARCH_PARISC64,
    [OCI_ARCH_RISCV64] = SCMP_ARCH_RISCV64,
    /* LOONGARCH64, M68K, SH and SHEB need libseccomp 2.6: left at 0. */
  };
  return arch >= 0 && arch < OCI_ARCH_COUNT ? table[arch] : 0;
}

static enum scmp_compare op_of(int op)
{
  switch (op) {
  case OCI_SECCOMP_CMP_NE:
    return SCMP_CMP_NE;
  case OCI_SECCOMP_CMP_LT:
    return SCMP_CMP_LT;
  case OCI_SECCOMP_CMP_LE:
    return SCMP_CMP_LE;
  case OCI_SECCOMP_CMP_GE:
    return SCMP_CMP_GE;
  case OCI_SECCOMP_CMP_GT:
    return SCMP_CMP_GT;
  case OCI_SECCOMP_CMP_MASKED_EQ:
    return SCMP_CMP_MASKED_EQ;
  default:
    return SCMP_CMP_EQ;
  }
}

static struct scmp_arg_cmp arg_of(const struct oci_syscall_arg *a)
{
  struct scmp_arg_cmp c = {
    .arg = a->index,
    .op = op_of(a->op.value),
    .datum_a = a->value,
    .datum_b = a->value_two.value,
  };
  return c;
}

/* Docker's profiles list several conditions on one argument meaning "any
 * of them"; libseccomp ANDs the conditions of a rule. So a repeated index
 * becomes one rule per condition, as runc does. */
static bool repeated_index(const struct oci_syscall *sc)
{
  for (size_t i = 0; i < sc->args.len; i++)
    for (size_t j = 0; j < i; j++)
      if (sc->args.items[i].index == sc->args.items[j].index)
        return true;
  return false;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct oci_syscall *sc, size_t i,
                    struct hutch_error **err)
{
  int r;
  if (repeated_index(sc)) {
    for (size_t k = 0; k < sc->args.len; k++) {
      struct scmp_arg_cmp c = arg_of(&sc->args.items[k]);
      if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &c)) < 0)
        return hutch_fail(err, -r, "linux.seccomp.syscalls[%zu]: add the rule", i);
    }
    return 0;
  }
  struct scmp_arg_cmp cmps[6];
  unsigned n = 0;
  for (size_t k = 0; k < sc->args.len && n < 6; k++)
    cmps[n++] = arg_of(&sc->args.items[k]);
  if ((r = seccomp_rule_add_array(ctx, action, nr, n, cmps)) < 0)
    return hutch_fail(err, -r, "linux.seccomp.syscalls[%zu]: add the rule", i);
  return 0;
}

static int configure(scmp_filter_ctx ctx, const struct oci_seccomp *s, struct hutch_error **err)
{
  int r;
  for (size_t i = 0; i < s->architectures.len; i++) {
    uint32_t arch = arch_of(s->architectures.items[i]);
    if (!arch)
      return hutch_fail(err, 0, "linux.seccomp.architectures[%zu]: %s needs a newer libseccomp", i,
                        oci_enum_name(&oci_enum_seccomp_arch, s->architectures.items[i]));
    if ((r = seccomp_arch_add(ctx, arch)) < 0 && r != -EEXIST)
      return hutch_fail(err, -r, "linux.seccomp.architectures[%zu]: add", i);
  }
  for (size_t i = 0; i < s->flags.len; i++) {
    enum scmp_filter_attr attr;
    switch (s->flags.items[i]) {
    case OCI_SECCOMP_FLAG_TSYNC:
      attr = SCMP_FLTATR_CTL_TSYNC;
      break;
    case OCI_SECCOMP_FLAG_LOG:
      attr = SCMP_FLTATR_CTL_LOG;
      break;
    case OCI_SECCOMP_FLAG_SPEC_ALLOW:
      attr = SCMP_FLTATR_CTL_SSB;
      break;
    default:
      return hutch_fail(err, 0, "linux.seccomp.flags[%zu]: %s needs a newer libseccomp", i,
                        oci_enum_name(&oci_enum_seccomp_flag, s->flags.items[i]));
    }
    if ((r = seccomp_attr_set(ctx, attr, 1)) < 0)
      return hutch_fail(err, -r, "linux.seccomp.flags[%zu]: set", i);
  }
  uint32_t def = action_of(s->default_action.value, &s->default_errno_ret);
  for (size_t i = 0; i < s->syscalls.len; i++) {
    const struct oci_syscall *sc = &s->syscalls.items[i];
    uint32_t action = action_of(sc->action.value, &sc->errno_ret);
    /* libseccomp refuses a rule that repeats the default action. */
    if (action == def)
      continue;
    for (size_t k = 0; k < sc->names.len; k++) {
      int nr = seccomp_syscall_resolve_name(sc->names.items[k]);
      if (nr == __NR_SCMP_ERROR) {
        log_debug("linux.seccomp.syscalls[%zu].names[%zu]: %s is unknown here, skipped", i, k, sc->names.items[k]);
        continue;
      }
      if (add_rule(ctx, action, nr, sc, i, err) < 0)
        return -1;
    }
  }
  return 0;
}

bool seccomp_uses_notify(const struct oci_seccomp *s)
{
  for (size_t i = 0; i < s->syscalls.len; i++)
    if (s->syscalls.items[i].action.value == OCI_SECCOMP_ACT_NOTIFY)
      return true;
  return false;
}

int seccomp_send_listener(int sock, int notify_fd, const char *oci_version, int pid, const char *metadata,
                          const char *state_json, struct hutch_error **err)
{
  struct strbuf msg = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &msg, NULL);
  json_w_begin_object(&w);
  json_w_key(&w, "ociVersion");
  json_w_string(&w, oci_version);
  json_w_key(&w, "fds");
  json_w_begin_array(&w);
  json_w_string(&w, "seccompFd");
  json_w_end_array(&w);
  json_w_key(&w, "pid");
  json_w_i64(&w, pid);
  if (metadata) {
    json_w_key(&w, "metadata");
    json_w_string(&w, metadata);
  }
  json_w_end_object(&w);
  /* Splice the state in as raw JSON: it is already one object. */
  strbuf_truncate(&msg, msg.len - 1);
  strbuf_addf(&msg, ",\"state\":%s}", state_json);
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = { msg.buf, msg.len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &notify_fd, sizeof notify_fd);
  /* The fd goes with the first bytes; the rest may need more sends. */
  size_t sent = 0;
  while (sent < msg.len) {
    ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      strbuf_release(&msg);
      return hutch_fail_errno(err, "linux.seccomp.listenerPath: send the container process state");
    }
    sent += (size_t) n;
    iov.iov_base = msg.buf + sent;
    iov.iov_len = msg.len - sent;
    mh.msg_control = NULL;
    mh.msg_controllen = 0;
  }
  strbuf_release(&msg);
  return 0;
}

/* FNV-1a: only to name the cache file. The file holds the whole policy
 * text, compared exactly, so a collision is just a miss. */
static uint64_t fnv1a(const char *data, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char) data[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static const unsigned long flag_bits[OCI_SECCOMP_FLAG_COUNT] = {
  SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

bool seccomp_kernel_has_flag(int oci_flag)
{
  /* The kernel checks the flags before it reads the program: a flag it
   * knows gets EFAULT for a program it cannot read, one it does not
   * EINVAL. Nothing is installed either way. WAIT_KILLABLE_RECV is only
   * valid with a listener. */
  unsigned long bits = flag_bits[oci_flag];
  if (bits == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    bits |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  /* Not NULL: reading it is a page fault (a trip through the hypervisor on
   * a virtual machine, four per `create`). The last page of a 64-bit
   * address space is no user address: x86_64 and arm64 refuse the copy at
   * their range check, before any access (newer x86_64 kernels mask the
   * address instead and fault, which is no worse than NULL). */
  const void *unreadable = (const void *) -(uintptr_t) 4096;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bits, unreadable) < 0 && errno == EFAULT;
}

static unsigned long filter_flags(const struct oci_seccomp *s)
{
  unsigned long flags = 0;
  for (size_t i = 0; i < s->flags.len; i++)
    flags |= flag_bits[s->flags.items[i]];
  /* How a listener waits only matters when there is one; the kernel
   * refuses the flag alone. */
  if (seccomp_uses_notify(s))
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  else
    flags &= ~(unsigned long) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  return flags;
}

/* libseccomp writes the BPF to an fd: a memfd, read back. */
static int build(const struct oci_seccomp *s, struct seccomp_program *out, struct hutch_error **err)
{
  uint32_t def = action_of(s->default_action.value, &s->default_errno_ret);
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx)
    return hutch_fail(err, 0, "linux.seccomp: cannot initialise libseccomp");
  int r = configure(ctx, s, err);
  cleanup_close int mem = r == 0 ? memfd_create("seccomp", MFD_CLOEXEC) : -1;
  if (r == 0 && mem < 0)
    r = hutch_fail_errno(err, "memfd_create");
  if (r == 0 && (r = seccomp_export_bpf(ctx, mem)) < 0)
    r = hutch_fail(err, -r, "linux.seccomp: compile the filter");
  seccomp_release(ctx);
  if (r < 0)
    return -1;
  off_t size = lseek(mem, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof(struct sock_filter) || size / (off_t) sizeof(struct sock_filter) > 65535)
    return hutch_fail(err, 0, "linux.seccomp: the compiled filter has an impossible size (%lld bytes)", (long long) size);
  out->insns = xmalloc((size_t) size);
  if (pread(mem, out->insns, (size_t) size, 0) != size)
    return hutch_fail_errno(err, "linux.seccomp: read the compiled filter");
  out->len = (unsigned short) (size / (off_t) sizeof(struct sock_filter));
  return 0;
}

/* The cache file: the key text, a NUL, then the instructions. */
static bool cache_read(int dir_fd, const char *name, const char *key, size_t key_len, struct seccomp_program *out)
{
  cleanup_free char *data = NULL;
  size_t len;
  if (read_regular_file_at(dir_fd, name, 1 << 22, REGULAR_NOFOLLOW, &data, &len, NULL) < 0)
    return false;
  if (len <= key_len + 1 || memcmp(data, key, key_len) != 0 || data[key_len] != '\0')
    return false;
  size_t bytes = len - key_len - 1;
  if (bytes % sizeof(struct sock_filter) || bytes / sizeof(struct sock_filter) > 65535)
    return false;
  out->insns = xmalloc(bytes);
  memcpy(out->insns, data + key_len + 1, bytes);
  out->len = (unsigned short) (bytes / sizeof(struct sock_filter));
  return true;
}

static void cache_write(int dir_fd, const char *name, const char *key, size_t key_len,
                        const struct seccomp_program *p)
{
  size_t bytes = p->len * sizeof(struct sock_filter);
  cleanup_free char *data = xmalloc(key_len + 1 + bytes);
  memcpy(data, key, key_len);
  data[key_len] = '\0';
  memcpy(data + key_len + 1, p->insns, bytes);
  /* Best effort: a cache that cannot be written only costs time. */
  write_file_atomic_at(dir_fd, name, data, key_len + 1 + bytes, 0600, ATOMIC_REPLACE, NULL);
}

int seccomp_compile(const struct oci_seccomp *s, const char *cache_dir, struct seccomp_program *out,
                    struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  out->flags = filter_flags(s);
  struct strbuf key = STRBUF_INIT;
  oci_encode(&key, &oci_type_seccomp, s, NULL);
  strbuf_addf(&key, "\nlibseccomp %s arch %u", seccomp_library_version(), seccomp_arch_native());
  char name[32];
  snprintf(name, sizeof name, "%016llx.bpf", (unsigned long long) fnv1a(key.buf, key.len));
  cleanup_close int dir_fd = -1;
  if (cache_dir) {
    if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
      cache_dir = NULL;
    else
      dir_fd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  }
  int r = 0;
  if (dir_fd < 0 || !cache_read(dir_fd, name, key.buf, key.len, out)) {
    r = build(s, out, err);
    if (r == 0 && dir_fd >= 0)
      cache_write(dir_fd, name, key.buf, key.len, out);
  }
  strbuf_release(&key);
  if (r < 0)
    seccomp_program_release(out);
  return r;
}

void seccomp_program_release(struct seccomp_program *p)
{
  free(p->insns);
  p->insns = NULL;
  p->len = 0;
}

int seccomp_load_program(const struct seccomp_program *p, int *notify_fd, struct hutch_error **err)
{
  struct sock_fprog prog = { .len = p->len, .filter = p->insns };
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (r < 0)
    return hutch_fail_errno(err, "linux.seccomp: load the filter");
  if (notify_fd)
    *notify_fd = (p->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? (int) r : -1;
  return 0;
}

const char *seccomp_library_version(void)
{
  static char buf[32];
  const struct scmp_version *v = seccomp_version();
  snprintf(buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
  return buf;
}
