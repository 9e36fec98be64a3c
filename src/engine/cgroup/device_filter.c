#include "engine/cgroup/device_filter.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct rule {
  char type; /* 'a', 'c', 'b' */
  long long major, minor; /* -1: any */
  unsigned access;        /* BPF_DEVCG_ACC_* bits */
  bool allow;
};

struct program {
  struct bpf_insn *insns;
  size_t len, cap;
};

static void emit(struct program *p, struct bpf_insn insn)
{
  if (p->len == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->insns = xrealloc(p->insns, p->cap * sizeof *p->insns);
  }
  p->insns[p->len++] = insn;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static unsigned access_bits(const char *access)
{
  unsigned bits = 0;
  for (const char *p = access && *access ? access : "rwm"; *p; p++)
    bits |= *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : *p == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits;
}

/* One rule: jump over its verdict unless the request matches. Registers:
 * r2 = device type, r3 = requested access, r4 = major, r5 = minor. */
static void emit_rule(struct program *p, const struct rule *r)
{
  size_t start = p->len;
  /* The jump offsets are patched once the rule's length is known. */
  if (r->type != 'a')
    emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK));
  if (r->allow) {
    /* An allow rule grants a request only if it covers all of it. */
    emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 3, 0, 0));
    emit(p, INSN(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0, (int32_t) ~r->access));
    emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 0, 0));
  } else {
    /* A deny rule refuses a request that asks for any of its accesses. */
    emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 3, 0, 0));
    emit(p, INSN(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0, (int32_t) r->access));
    emit(p, INSN(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 0, 0));
  }
  if (r->major >= 0)
    emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int32_t) r->major));
  if (r->minor >= 0)
    emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int32_t) r->minor));
  emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0));
  emit(p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  /* Every conditional jump of the rule goes to the next rule. */
  for (size_t i = start; i < p->len; i++)
    if (BPF_CLASS(p->insns[i].code) == BPF_JMP && BPF_OP(p->insns[i].code) != BPF_EXIT)
      p->insns[i].off = (int16_t) (p->len - i - 1);
}

static bool parse_default(const char *text, struct rule *r)
{
  char type, maj[16], min[16], acc[8];
  if (sscanf(text, "%c %15[^:]:%15s %7s", &type, maj, min, acc) != 4)
    return false;
  r->type = type;
  r->major = strcmp(maj, "*") == 0 ? -1 : atoll(maj);
  r->minor = strcmp(min, "*") == 0 ? -1 : atoll(min);
  r->access = access_bits(acc);
  r->allow = true;
  return true;
}

const char *const device_default_rules[] = {
  "c *:* m", "b *:* m",                                                 /* creating nodes */
  "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", /* null zero full random urandom */
  "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",                                /* tty console ptmx */
  "c 136:* rwm",                                                        /* the container's ptys */
};
const size_t device_default_rule_count = sizeof device_default_rules / sizeof *device_default_rules;

int device_filter_attach(const char *dir, const oci_device_cgroups *rules, struct hutch_error **err)
{
  size_t n = rules->len + device_default_rule_count;
  cleanup_free struct rule *all = xcalloc(n, sizeof *all);
  for (size_t i = 0; i < rules->len; i++) {
    const struct oci_device_cgroup *c = &rules->items[i];
    all[i] = (struct rule) {
      .type = c->type && c->type[0] ? c->type[0] : 'a',
      .major = c->major.set ? c->major.value : -1,
      .minor = c->minor.set ? c->minor.value : -1,
      .access = access_bits(c->access),
      .allow = c->allow,
    };
  }
  for (size_t i = 0; i < device_default_rule_count; i++)
    parse_default(device_default_rules[i], &all[rules->len + i]);

  struct program p = { 0 };
  /* r1 is the context: access_type (access << 16 | type), major, minor. */
  emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0));
  emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0));
  emit(&p, INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
  emit(&p, INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16));
  emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0));
  emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0));
  /* Later rules win, as in the v1 list: test them first. */
  for (size_t i = n; i-- > 0;)
    emit_rule(&p, &all[i]);
  /* No rule matched: a fresh v1 cgroup allows everything. */
  emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1));
  emit(&p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));

  union bpf_attr load;
  memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uint64_t) (uintptr_t) p.insns;
  load.insn_cnt = (uint32_t) p.len;
  load.license = (uint64_t) (uintptr_t) "Apache-2.0";
  cleanup_close int prog = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  if (prog < 0) {
    /* Only a refused program is worth the verifier's log. */
    int saved = errno;
    cleanup_free char *log = xcalloc(1, 65536);
    load.log_buf = (uint64_t) (uintptr_t) log;
    load.log_size = 65536;
    load.log_level = 1;
    syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
    free(p.insns);
    return hutch_fail(err, saved, "linux.resources.devices: load the device program (%.200s)", log);
  }
  free(p.insns);
  cleanup_close int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0)
    return hutch_fail_errno(err, "linux.resources.devices: open %s", dir);
  union bpf_attr attach;
  memset(&attach, 0, sizeof attach);
  attach.target_fd = (uint32_t) cg;
  attach.attach_bpf_fd = (uint32_t) prog;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
    return hutch_fail_errno(err, "linux.resources.devices: attach the device program to %s", dir);
  /* The attachment keeps the program alive; it goes with the cgroup. */
  return 0;
}
