/* One invalid config per rule: each must be refused with an error at exactly
 * the JSON path of the offending value, and with a message that states the
 * rule. The expectations come from the runtime spec (its prose and the v1.3.0
 * schemas), not from what the program happens to print.
 *
 * To keep the table readable the JSON below is written with single quotes;
 * to_json() turns every ' into " before parsing (no case needs a literal '). */
#include "helpers.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A valid minimal config, and a valid process to add to it. */
#define BASE "'ociVersion':'1.3.0','root':{'path':'rootfs'}"
#define PROC "'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':0}}"

/* BASE plus more top-level members. */
#define CFG(...) "{" BASE "," __VA_ARGS__ "}"
/* BASE plus a process with more members. */
#define PR(...) CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':0}," __VA_ARGS__ "}")
/* BASE plus a linux object with these members. */
#define LX(...) CFG("'linux':{" __VA_ARGS__ "}")
/* BASE plus linux.resources with these members. */
#define RES(...) LX("'resources':{" __VA_ARGS__ "}")
/* BASE plus linux.seccomp with these members. */
#define SECCOMP(...) LX("'seccomp':{" __VA_ARGS__ "}")
/* A valid syscall rule. */
#define RULE "{'names':['getpid'],'action':'SCMP_ACT_ALLOW'}"
/* A new user namespace with valid mappings. */
#define USERNS "'namespaces':[{'type':'user'}]"
#define MAP "[{'containerID':0,'hostID':100000,'size':65536}]"
#define IDMAPS "'uidMappings':" MAP ",'gidMappings':" MAP

struct invalid_case {
  const char *name;
  const char *json;
  const char *path;     /* the exact path of the expected error */
  const char *fragment; /* a part of its message that states the rule */
};

static const struct invalid_case cases[] = {
  /* ---- not JSON, or JSON a config cannot be ---- */
  { "json: trailing comma", "{" BASE ",}", "", "line 1, column" },
  { "json: empty document", "", "", "line 1, column" },
  { "json: garbage after the document", "{" BASE "} x", "", "line 1, column" },
  { "json: not a JSON value", "config", "", "line 1, column" },
  { "json: invalid UTF-8 in a key", "{'\xff':1," BASE "}", "", "line 1, column" },
  { "json: repeated top-level key", "{" BASE ",'ociVersion':'1.3.0'}", "ociVersion", "repeated key" },
  { "json: repeated nested key", CFG("'process':{'cwd':'/','cwd':'/tmp','args':['sh'],'user':{'uid':0,'gid':0}}"),
    "process.cwd", "repeated key" },
  { "json: repeated map key", CFG("'annotations':{'a':'1','a':'2'}"), "annotations.a", "repeated key" },
  { "json: document is an array", "[]", "", "expected an object" },

  /* ---- wrong JSON types ---- */
  { "type: string field given a number", CFG("'process':{'cwd':5,'args':['sh'],'user':{'uid':0,'gid':0}}"),
    "process.cwd", "expected a string" },
  { "type: ociVersion given a number", "{'ociVersion':1.3,'root':{'path':'rootfs'}}", "ociVersion",
    "expected a string" },
  { "type: required string given null", CFG("'process':{'cwd':null,'args':['sh'],'user':{'uid':0,'gid':0}}"),
    "process.cwd", "expected a string" },
  { "type: bool field given a string", "{'ociVersion':'1.3.0','root':{'path':'rootfs','readonly':'yes'}}",
    "root.readonly", "expected a boolean" },
  { "type: integer field given a string", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':'0','gid':0}}"),
    "process.user.uid", "expected an integer" },
  { "type: object field given an array", CFG("'process':[]"), "process", "expected an object" },
  { "type: root given a string", "{'ociVersion':'1.3.0','root':'rootfs'}", "root", "expected an object" },
  { "type: array field given a string", CFG("'process':{'cwd':'/','args':'sh','user':{'uid':0,'gid':0}}"),
    "process.args", "expected an array" },
  { "type: string array item given a number", PR("'env':[1]"), "process.env[0]", "expected a string" },
  { "type: uint32 array item given a string",
    CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':0,'additionalGids':['5']}}"),
    "process.user.additionalGids[0]", "expected an integer" },
  { "type: enum given a number", LX("'namespaces':[{'type':5}]"), "linux.namespaces[0].type", "expected a string" },
  { "type: string map given an array", CFG("'annotations':[]"), "annotations", "expected an object" },
  { "type: string map value given a number", CFG("'annotations':{'org.example.n':1}"), "annotations.org.example.n",
    "expected a string" },
  { "type: sysctl value given a number", LX("'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_forward':1}"),
    "linux.sysctl.net.ipv4.ip_forward", "expected a string" },
  { "type: object map given an array", LX("'namespaces':[{'type':'network'}],'netDevices':[]"), "linux.netDevices",
    "expected an object" },
  { "type: object map value given a string", LX("'namespaces':[{'type':'network'}],'netDevices':{'eth0':'eth1'}"),
    "linux.netDevices.eth0", "expected an object" },
  { "type: object array item given a string", CFG("'mounts':['/proc']"), "mounts[0]", "expected an object" },

  /* ---- numbers that are not integers ---- */
  { "integer: fraction", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':1.5,'gid':0}}"), "process.user.uid",
    "expected an integer" },
  { "integer: exponent", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':1e3,'gid':0}}"), "process.user.uid",
    "expected an integer" },
  { "integer: int64 with exponent", RES("'memory':{'limit':2.5e9}"), "linux.resources.memory.limit",
    "expected an integer" },

  /* ---- integers out of their range ---- */
  { "range: uint32 -1", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':-1,'gid':0}}"), "process.user.uid",
    "out of range" },
  { "range: uint32 2^32", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':4294967296}}"),
    "process.user.gid", "out of range" },
  { "range: uint64 2^64", PR("'rlimits':[{'type':'RLIMIT_NOFILE','soft':18446744073709551616,'hard':1024}]"),
    "process.rlimits[0].soft", "out of range" },
  { "range: uint64 -1", PR("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':-1}]"), "process.rlimits[0].hard",
    "out of range" },
  { "range: int32 2^31", PR("'oomScoreAdj':2147483648"), "process.oomScoreAdj", "out of range" },
  { "range: int32 below -2^31", PR("'scheduler':{'policy':'SCHED_OTHER','nice':-2147483649}"),
    "process.scheduler.nice", "out of range" },
  { "range: int64 2^63", RES("'memory':{'limit':9223372036854775808}"), "linux.resources.memory.limit",
    "out of range" },
  { "range: int64 below -2^63", RES("'cpu':{'quota':-9223372036854775809}"), "linux.resources.cpu.quota",
    "out of range" },
  { "range: uint16 65536", RES("'blockIO':{'weight':65536}"), "linux.resources.blockIO.weight", "out of range" },
  { "range: uint16 -1", RES("'blockIO':{'leafWeight':-1}"), "linux.resources.blockIO.leafWeight", "out of range" },
  { "range: uint8 256", CFG("'freebsd':{'jail':{'enforceStatfs':256}}"), "freebsd.jail.enforceStatfs",
    "out of range" },
  { "range: uint32 array item -1",
    CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':0,'additionalGids':[-1]}}"),
    "process.user.additionalGids[0]", "out of range" },

  /* ---- missing required fields ---- */
  { "required: ociVersion", "{'root':{'path':'rootfs'}}", "ociVersion", "required" },
  { "required: root", "{'ociVersion':'1.3.0'}", "root", "required" },
  { "required: root.path", "{'ociVersion':'1.3.0','root':{}}", "root.path", "required" },
  { "required: process.cwd", CFG("'process':{'args':['sh'],'user':{'uid':0,'gid':0}}"), "process.cwd", "required" },
  { "required: process.args", CFG("'process':{'cwd':'/','user':{'uid':0,'gid':0}}"), "process.args", "required" },
  { "required: process.user", CFG("'process':{'cwd':'/','args':['sh']}"), "process.user", "required" },
  { "required: process.user.uid", CFG("'process':{'cwd':'/','args':['sh'],'user':{'gid':0}}"), "process.user.uid",
    "required" },
  { "required: process.user.gid", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0}}"), "process.user.gid",
    "required" },
  { "required: consoleSize.height", PR("'terminal':true,'consoleSize':{'width':80}"), "process.consoleSize.height",
    "required" },
  { "required: consoleSize.width", PR("'terminal':true,'consoleSize':{'height':24}"), "process.consoleSize.width",
    "required" },
  { "required: rlimit type", PR("'rlimits':[{'soft':1,'hard':1}]"), "process.rlimits[0].type", "required" },
  { "required: rlimit soft", PR("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1}]"), "process.rlimits[0].soft",
    "required" },
  { "required: rlimit hard", PR("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1}]"), "process.rlimits[0].hard",
    "required" },
  { "required: scheduler policy", PR("'scheduler':{'nice':1}"), "process.scheduler.policy", "required" },
  { "required: ioPriority class", PR("'ioPriority':{'priority':4}"), "process.ioPriority.class", "required" },
  { "required: ioPriority priority", PR("'ioPriority':{'class':'IOPRIO_CLASS_BE'}"), "process.ioPriority.priority",
    "required" },
  { "required: mount destination", CFG("'mounts':[{'type':'tmpfs','source':'tmpfs'}]"), "mounts[0].destination",
    "required" },
  { "required: hook path", CFG("'hooks':{'poststart':[{'args':['x']}]}"), "hooks.poststart[0].path", "required" },
  { "required: namespace type", LX("'namespaces':[{'path':'/proc/1/ns/pid'}]"), "linux.namespaces[0].type",
    "required" },
  { "required: idmapping containerID",
    LX(USERNS ",'uidMappings':[{'hostID':100000,'size':65536}],'gidMappings':" MAP), "linux.uidMappings[0].containerID",
    "required" },
  { "required: idmapping hostID", LX(USERNS ",'uidMappings':" MAP ",'gidMappings':[{'containerID':0,'size':65536}]"),
    "linux.gidMappings[0].hostID", "required" },
  { "required: idmapping size",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['bind','idmap'],"
        "'uidMappings':[{'containerID':0,'hostID':1000}],'gidMappings':" MAP "}]"),
    "mounts[0].uidMappings[0].size", "required" },
  { "required: device type", LX("'devices':[{'path':'/dev/fuse','major':10,'minor':229}]"), "linux.devices[0].type",
    "required" },
  { "required: device path", LX("'devices':[{'type':'c','major':10,'minor':229}]"), "linux.devices[0].path",
    "required" },
  { "required: device cgroup allow", RES("'devices':[{'access':'rwm'}]"), "linux.resources.devices[0].allow",
    "required" },
  { "required: weightDevice major", RES("'blockIO':{'weightDevice':[{'minor':0,'weight':500}]}"),
    "linux.resources.blockIO.weightDevice[0].major", "required" },
  { "required: weightDevice minor", RES("'blockIO':{'weightDevice':[{'major':8,'weight':500}]}"),
    "linux.resources.blockIO.weightDevice[0].minor", "required" },
  { "required: throttle major", RES("'blockIO':{'throttleReadBpsDevice':[{'minor':0,'rate':1000}]}"),
    "linux.resources.blockIO.throttleReadBpsDevice[0].major", "required" },
  { "required: throttle minor", RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'rate':1000}]}"),
    "linux.resources.blockIO.throttleWriteIOPSDevice[0].minor", "required" },
  { "required: throttle rate", RES("'blockIO':{'throttleReadIOPSDevice':[{'major':8,'minor':0}]}"),
    "linux.resources.blockIO.throttleReadIOPSDevice[0].rate", "required" },
  { "required: hugepage pageSize", RES("'hugepageLimits':[{'limit':1048576}]"),
    "linux.resources.hugepageLimits[0].pageSize", "required" },
  { "required: hugepage limit", RES("'hugepageLimits':[{'pageSize':'2MB'}]"),
    "linux.resources.hugepageLimits[0].limit", "required" },
  { "required: net priority name", RES("'network':{'priorities':[{'priority':5}]}"),
    "linux.resources.network.priorities[0].name", "required" },
  { "required: net priority priority", RES("'network':{'priorities':[{'name':'eth0'}]}"),
    "linux.resources.network.priorities[0].priority", "required" },
  { "required: seccomp defaultAction", SECCOMP("'syscalls':[" RULE "]"), "linux.seccomp.defaultAction", "required" },
  { "required: syscall names", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':'SCMP_ACT_KILL'}]"),
    "linux.seccomp.syscalls[0].names", "required" },
  { "required: syscall action", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['ptrace']}]"),
    "linux.seccomp.syscalls[0].action", "required" },
  { "required: syscall arg index",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_KILL',"
            "'args':[{'value':8,'op':'SCMP_CMP_EQ'}]}]"),
    "linux.seccomp.syscalls[0].args[0].index", "required" },
  { "required: syscall arg value",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_KILL',"
            "'args':[{'index':0,'op':'SCMP_CMP_EQ'}]}]"),
    "linux.seccomp.syscalls[0].args[0].value", "required" },
  { "required: syscall arg op",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_KILL',"
            "'args':[{'index':0,'value':8}]}]"),
    "linux.seccomp.syscalls[0].args[0].op", "required" },
  { "required: memoryPolicy mode", LX("'memoryPolicy':{'nodes':'0'}"), "linux.memoryPolicy.mode", "required" },
  { "required: personality domain", LX("'personality':{'flags':[]}"), "linux.personality.domain", "required" },

  /* ---- unknown enum values ---- */
  { "enum: namespace type", LX("'namespaces':[{'type':'net'}]"), "linux.namespaces[0].type",
    "unknown namespace type" },
  { "enum: namespace type is case-sensitive", LX("'namespaces':[{'type':'PID'}]"), "linux.namespaces[0].type",
    "unknown namespace type" },
  { "enum: seccomp defaultAction", SECCOMP("'defaultAction':'SCMP_ACT_DENY'"), "linux.seccomp.defaultAction",
    "unknown seccomp action" },
  { "enum: syscall action",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['ptrace'],'action':'KILL'}]"),
    "linux.seccomp.syscalls[0].action", "unknown seccomp action" },
  { "enum: seccomp operator",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_KILL',"
            "'args':[{'index':0,'value':8,'op':'SCMP_CMP_ANY'}]}]"),
    "linux.seccomp.syscalls[0].args[0].op", "unknown seccomp operator" },
  { "enum: seccomp architecture", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_Z80']"),
    "linux.seccomp.architectures[0]", "unknown seccomp architecture" },
  { "enum: seccomp flag", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_FAST']"),
    "linux.seccomp.flags[0]", "unknown seccomp flag" },
  { "enum: scheduler policy", PR("'scheduler':{'policy':'SCHED_NORMAL'}"), "process.scheduler.policy",
    "unknown scheduler policy" },
  { "enum: scheduler flag", PR("'scheduler':{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_FAST']}"),
    "process.scheduler.flags[0]", "unknown scheduler flag" },
  { "enum: ioPriority class", PR("'ioPriority':{'class':'IOPRIO_CLASS_NONE','priority':0}"),
    "process.ioPriority.class", "unknown I/O priority class" },
  { "enum: memoryPolicy mode", LX("'memoryPolicy':{'mode':'MPOL_FIRST_TOUCH'}"), "linux.memoryPolicy.mode",
    "unknown memory policy mode" },
  { "enum: memoryPolicy flag", LX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_LAZY']}"),
    "linux.memoryPolicy.flags[0]", "unknown memory policy flag" },
  { "enum: personality domain", LX("'personality':{'domain':'LINUX64'}"), "linux.personality.domain",
    "unknown personality domain" },
  { "enum: rootfsPropagation", LX("'rootfsPropagation':'recursive'"), "linux.rootfsPropagation",
    "unknown rootfs propagation" },
  { "enum: device type", LX("'devices':[{'type':'x','path':'/dev/x','major':1,'minor':1}]"), "linux.devices[0].type",
    "unknown device type" },

  /* ---- top level ---- */
  { "ociVersion: not SemVer (v prefix)", "{'ociVersion':'v1.3.0','root':{'path':'rootfs'}}", "ociVersion",
    "not a SemVer" },
  { "ociVersion: not SemVer (no patch)", "{'ociVersion':'1.3','root':{'path':'rootfs'}}", "ociVersion",
    "not a SemVer" },
  { "ociVersion: not SemVer (leading zero)", "{'ociVersion':'1.03.0','root':{'path':'rootfs'}}", "ociVersion",
    "not a SemVer" },
  { "ociVersion: 2.0.0 is another major", "{'ociVersion':'2.0.0','root':{'path':'rootfs'}}", "ociVersion",
    "not supported" },
  { "ociVersion: 1.4.0 is newer than 1.3", "{'ociVersion':'1.4.0','root':{'path':'rootfs'}}", "ociVersion",
    "not supported" },
  { "ociVersion: 0.9.0 is older than 1.0", "{'ociVersion':'0.9.0','root':{'path':'rootfs'}}", "ociVersion",
    "not supported" },
  { "root.path: empty", "{'ociVersion':'1.3.0','root':{'path':''}}", "root.path", "empty" },
  { "platform: windows", CFG("'windows':{'layerFolders':['C:\\\\layers\\\\1']}"), "windows", "not supported" },
  { "platform: solaris", CFG("'solaris':{'milestone':'svc:/milestone/container:default'}"), "solaris",
    "not supported" },
  { "platform: vm", CFG("'vm':{'kernel':{'path':'/boot/vmlinuz'}}"), "vm", "not supported" },
  { "platform: zos", CFG("'zos':{'namespaces':[{'type':'pid'}]}"), "zos", "not supported" },
  { "platform: freebsd", CFG("'freebsd':{'jail':{'vnet':'new'}}"), "freebsd", "not supported" },
  { "hostname without a uts namespace", CFG("'hostname':'box'"), "hostname", "uts" },
  { "domainname without a uts namespace", CFG("'domainname':'example.org'"), "domainname", "uts" },
  { "hostname longer than 64 bytes",
    CFG("'hostname':'h123456789012345678901234567890123456789012345678901234567890123456789',"
        "'linux':{'namespaces':[{'type':'uts'}]}"),
    "hostname", "64" },
  { "annotations: empty key", CFG("'annotations':{'':'x'}"), "annotations", "empty" },

  /* ---- process ---- */
  { "process: relative cwd", CFG("'process':{'cwd':'home','args':['sh'],'user':{'uid':0,'gid':0}}"), "process.cwd",
    "absolute" },
  { "process: empty args", CFG("'process':{'cwd':'/','args':[],'user':{'uid':0,'gid':0}}"), "process.args",
    "at least one" },
  { "process: empty args[0]", CFG("'process':{'cwd':'/','args':[''],'user':{'uid':0,'gid':0}}"), "process.args[0]",
    "empty" },
  { "process: env entry without '='", PR("'env':['PATH=/bin','DEBUG']"), "process.env[1]", "KEY=value" },
  { "process: env entry with an empty name", PR("'env':['=x']"), "process.env[0]", "KEY=value" },
  { "rlimits: repeated type",
    PR("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
    "process.rlimits[1].type", "repeated" },
  { "rlimits: unknown type", PR("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"), "process.rlimits[0].type",
    "unknown resource limit" },
  { "rlimits: soft above hard", PR("'rlimits':[{'type':'RLIMIT_NOFILE','soft':2048,'hard':1024}]"),
    "process.rlimits[0].soft", "above the hard limit" },
  { "oomScoreAdj: above 1000", PR("'oomScoreAdj':1001"), "process.oomScoreAdj", "-1000..1000" },
  { "oomScoreAdj: below -1000", PR("'oomScoreAdj':-1001"), "process.oomScoreAdj", "-1000..1000" },
  { "umask: above 0777", CFG("'process':{'cwd':'/','args':['sh'],'user':{'uid':0,'gid':0,'umask':512}}"),
    "process.user.umask", "0777" },
  { "consoleSize: height too big", PR("'terminal':true,'consoleSize':{'height':65536,'width':80}"),
    "process.consoleSize.height", "65535" },
  { "consoleSize: width too big", PR("'terminal':true,'consoleSize':{'height':24,'width':70000}"),
    "process.consoleSize.width", "65535" },
  { "scheduler: nice above 19", PR("'scheduler':{'policy':'SCHED_OTHER','nice':20}"), "process.scheduler.nice",
    "-20..19" },
  { "scheduler: FIFO priority 0", PR("'scheduler':{'policy':'SCHED_FIFO','priority':0}"),
    "process.scheduler.priority", "1..99" },
  { "scheduler: RR priority 100", PR("'scheduler':{'policy':'SCHED_RR','priority':100}"),
    "process.scheduler.priority", "1..99" },
  { "scheduler: priority with SCHED_OTHER", PR("'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
    "process.scheduler.priority", "must be 0" },
  { "scheduler: DEADLINE without runtime", PR("'scheduler':{'policy':'SCHED_DEADLINE','deadline':1000000}"),
    "process.scheduler.runtime", "greater than 0" },
  { "scheduler: deadline below runtime",
    PR("'scheduler':{'policy':'SCHED_DEADLINE','runtime':2000000,'deadline':1000000}"), "process.scheduler.deadline",
    "at least the runtime" },
  { "scheduler: period below deadline",
    PR("'scheduler':{'policy':'SCHED_DEADLINE','runtime':1000000,'deadline':2000000,'period':1500000}"),
    "process.scheduler.period", "at least the deadline" },
  { "scheduler: runtime without DEADLINE", PR("'scheduler':{'policy':'SCHED_BATCH','runtime':1000000}"),
    "process.scheduler.runtime", "SCHED_DEADLINE" },
  { "ioPriority: priority 8", PR("'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"),
    "process.ioPriority.priority", "0 (highest) .. 7" },
  { "ioPriority: priority -1", PR("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':-1}"),
    "process.ioPriority.priority", "0 (highest) .. 7" },
  { "execCPUAffinity: initial dangling range", PR("'execCPUAffinity':{'initial':'0-'}"),
    "process.execCPUAffinity.initial", "not a valid list" },
  { "execCPUAffinity: final reversed range", PR("'execCPUAffinity':{'final':'3-1'}"), "process.execCPUAffinity.final",
    "not a valid list" },

  /* ---- hooks ---- */
  { "hooks: relative path", CFG("'hooks':{'createRuntime':[{'path':'bin/hook'}]}"), "hooks.createRuntime[0].path",
    "absolute" },
  { "hooks: timeout 0", CFG("'hooks':{'poststop':[{'path':'/bin/hook','timeout':0}]}"), "hooks.poststop[0].timeout",
    "greater than 0" },
  { "hooks: env entry without '='", CFG("'hooks':{'startContainer':[{'path':'/bin/hook','env':['X']}]}"),
    "hooks.startContainer[0].env[0]", "KEY=value" },

  /* ---- mounts ---- */
  { "mounts: empty destination", CFG("'mounts':[{'destination':'','type':'tmpfs','source':'tmpfs'}]"),
    "mounts[0].destination", "empty" },
  { "mounts: bind without source", CFG("'mounts':[{'destination':'/data','options':['bind','ro']}]"),
    "mounts[0].source", "bind" },
  { "mounts: rbind with empty source", CFG("'mounts':[{'destination':'/data','source':'','options':['rbind']}]"),
    "mounts[0].source", "bind" },
  { "mounts: uidMappings without gidMappings",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['bind','idmap'],'uidMappings':" MAP "}]"),
    "mounts[0].gidMappings", "required when uidMappings" },
  { "mounts: gidMappings without uidMappings",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['bind','idmap'],'gidMappings':" MAP "}]"),
    "mounts[0].uidMappings", "required when gidMappings" },
  { "mounts: idmap without mappings or user namespace",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['bind','idmap']}]"), "mounts[0].options",
    "idmap" },
  { "mounts: ridmap without mappings or user namespace",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['rbind','ridmap']}]"), "mounts[0].options",
    "ridmap" },
  { "mounts: mapping of size 0",
    CFG("'mounts':[{'destination':'/data','source':'/srv','options':['bind','idmap'],'uidMappings':" MAP
        ",'gidMappings':[{'containerID':0,'hostID':1000,'size':0}]}]"),
    "mounts[0].gidMappings[0].size", "greater than 0" },

  /* ---- namespaces and ID mappings ---- */
  { "namespaces: repeated type", LX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'pid'}]"),
    "linux.namespaces[2].type", "repeated" },
  { "namespaces: relative path", LX("'namespaces':[{'type':'network','path':'run/netns/x'}]"),
    "linux.namespaces[0].path", "absolute" },
  { "idmap: size 0", LX(USERNS ",'uidMappings':[{'containerID':0,'hostID':100000,'size':0}],'gidMappings':" MAP),
    "linux.uidMappings[0].size", "greater than 0" },
  { "idmap: containerID range past 2^32",
    LX(USERNS ",'uidMappings':[{'containerID':4294967295,'hostID':100000,'size':2}],'gidMappings':" MAP),
    "linux.uidMappings[0].size", "32-bit" },
  { "idmap: hostID range past 2^32",
    LX(USERNS ",'uidMappings':" MAP ",'gidMappings':[{'containerID':0,'hostID':4294967295,'size':2}]"),
    "linux.gidMappings[0].size", "32-bit" },
  { "idmap: host range reaching 4294967295, which is (uid_t)-1",
    LX(USERNS ",'uidMappings':[{'containerID':0,'hostID':1,'size':4294967295}],'gidMappings':" MAP),
    "linux.uidMappings[0].size", "32-bit" },
  { "idmap: overlapping container ranges",
    LX(USERNS ",'uidMappings':[{'containerID':0,'hostID':100000,'size':1000},"
       "{'containerID':500,'hostID':200000,'size':10}],"
       "'gidMappings':" MAP),
    "linux.uidMappings[1].containerID", "overlaps" },
  { "idmap: overlapping host ranges",
    LX(USERNS ",'uidMappings':[{'containerID':0,'hostID':100000,'size':1000},"
       "{'containerID':5000,'hostID':100500,'size':10}],"
       "'gidMappings':" MAP),
    "linux.uidMappings[1].hostID", "overlaps" },
  { "idmap: user namespace without uidMappings", LX(USERNS ",'gidMappings':" MAP), "linux.uidMappings",
    "required with a new user namespace" },
  { "idmap: user namespace without gidMappings", LX(USERNS ",'uidMappings':" MAP), "linux.gidMappings",
    "required with a new user namespace" },
  { "idmap: mappings without a user namespace", LX("'uidMappings':" MAP ",'gidMappings':" MAP), "linux.uidMappings",
    "user\" namespace" },
  { "idmap: gidMappings alone without a user namespace", LX("'gidMappings':" MAP), "linux.gidMappings",
    "user\" namespace" },

  /* ---- timeOffsets ---- */
  { "timeOffsets: without a time namespace", LX("'timeOffsets':{'monotonic':{'secs':10}}"), "linux.timeOffsets",
    "time\" namespace" },
  { "timeOffsets: unknown clock", LX("'namespaces':[{'type':'time'}],'timeOffsets':{'realtime':{'secs':10}}"),
    "linux.timeOffsets.realtime", "unknown clock" },
  { "timeOffsets: nanosecs of a full second",
    LX("'namespaces':[{'type':'time'}],'timeOffsets':{'boottime':{'secs':1,'nanosecs':1000000000}}"),
    "linux.timeOffsets.boottime.nanosecs", "1000000000" },

  /* ---- devices ---- */
  { "devices: relative path", LX("'devices':[{'type':'c','path':'dev/fuse','major':10,'minor':229}]"),
    "linux.devices[0].path", "absolute" },
  { "devices: char device without major", LX("'devices':[{'type':'c','path':'/dev/fuse','minor':229}]"),
    "linux.devices[0].major", "required" },
  { "devices: block device without minor", LX("'devices':[{'type':'b','path':'/dev/sda','major':8}]"),
    "linux.devices[0].minor", "required" },
  /* File type bits (st_mode as old containerd wrote it) are masked off;
   * anything beyond them and the permission bits is refused. */
  { "devices: fileMode beyond st_mode bits",
    LX("'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':1048576}]"),
    "linux.devices[0].fileMode", "more than permission bits" },
  { "devices: major above 4095", LX("'devices':[{'type':'c','path':'/dev/x','major':4096,'minor':0}]"),
    "linux.devices[0].major", "4095" },
  { "devices: one path for two devices",
    LX("'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229},{'type':'p','path':'/dev/fuse'}]"),
    "linux.devices[1].path", "another device" },

  /* ---- netDevices ---- */
  { "netDevices: without a network namespace", LX("'netDevices':{'eth0':{}}"), "linux.netDevices", "network" },
  { "netDevices: host name with '/'", LX("'namespaces':[{'type':'network'}],'netDevices':{'eth/0':{}}"),
    "linux.netDevices.eth/0", "not a valid interface name" },
  { "netDevices: host name of 16 bytes", LX("'namespaces':[{'type':'network'}],'netDevices':{'abcdefghijklmnop':{}}"),
    "linux.netDevices.abcdefghijklmnop", "not a valid interface name" },
  { "netDevices: target name with a space",
    LX("'namespaces':[{'type':'network'}],'netDevices':{'eth0':{'name':'my nic'}}"), "linux.netDevices.eth0.name",
    "not a valid interface name" },
  { "netDevices: two devices get the same name",
    LX("'namespaces':[{'type':'network'}],'netDevices':{'eth0':{'name':'eth1'},'eth1':{}}"), "linux.netDevices.eth1",
    "eth1" },

  /* ---- sysctl, paths, cgroupsPath ---- */
  { "sysctl: not namespaced", LX("'sysctl':{'kernel.panic':'1'}"), "linux.sysctl.kernel.panic", "not namespaced" },
  { "sysctl: net.* without a network namespace", LX("'sysctl':{'net.ipv4.ip_forward':'1'}"),
    "linux.sysctl.net.ipv4.ip_forward", "network" },
  { "sysctl: kernel.shmmax without an ipc namespace", LX("'sysctl':{'kernel.shmmax':'1024'}"),
    "linux.sysctl.kernel.shmmax", "ipc" },
  { "sysctl: kernel.hostname contradicts hostname",
    CFG("'hostname':'a','linux':{'namespaces':[{'type':'uts'}],'sysctl':{'kernel.hostname':'b'}}"),
    "linux.sysctl.kernel.hostname", "contradicts hostname" },
  { "sysctl: kernel/domainname contradicts domainname",
    CFG("'domainname':'a.example','linux':{'namespaces':[{'type':'uts'}],'sysctl':{'kernel/domainname':'b'}}"),
    "linux.sysctl.kernel/domainname", "contradicts domainname" },
  { "maskedPaths: relative", LX("'maskedPaths':['/proc/kcore','proc/keys']"), "linux.maskedPaths[1]", "absolute" },
  { "readonlyPaths: relative", LX("'readonlyPaths':['proc/sys']"), "linux.readonlyPaths[0]", "absolute" },
  { "cgroupsPath: '..' component", LX("'cgroupsPath':'/hutch/../../escape'"), "linux.cgroupsPath", ".." },

  /* ---- resources ---- */
  { "memory: limit below -1", RES("'memory':{'limit':-2}"), "linux.resources.memory.limit", "-1" },
  { "memory: reservation below -1", RES("'memory':{'reservation':-5}"), "linux.resources.memory.reservation", "-1" },
  { "memory: swappiness above 100", RES("'memory':{'swappiness':101}"), "linux.resources.memory.swappiness", "100" },
  { "memory: swap below limit", RES("'memory':{'limit':2097152,'swap':1048576}"), "linux.resources.memory.swap",
    "below limit" },
  { "cpu: burst above quota", RES("'cpu':{'quota':10000,'burst':20000,'period':100000}"), "linux.resources.cpu.burst",
    "quota" },
  { "cpu: quota below -1", RES("'cpu':{'quota':-2}"), "linux.resources.cpu.quota", "-1" },
  { "cpu: period below 1ms", RES("'cpu':{'period':999}"), "linux.resources.cpu.period", "1000..1000000" },
  { "cpu: period above 1s", RES("'cpu':{'period':1000001}"), "linux.resources.cpu.period", "1000..1000000" },
  { "cpu: idle 2", RES("'cpu':{'idle':2}"), "linux.resources.cpu.idle", "0 or 1" },
  { "cpu: cpus not a list", RES("'cpu':{'cpus':'0-3,a'}"), "linux.resources.cpu.cpus", "not a valid list" },
  { "cpu: mems reversed range", RES("'cpu':{'mems':'1-0'}"), "linux.resources.cpu.mems", "not a valid list" },
  { "blockIO: weightDevice without weight", RES("'blockIO':{'weightDevice':[{'major':8,'minor':0}]}"),
    "linux.resources.blockIO.weightDevice[0]", "weight" },
  { "network: empty interface name", RES("'network':{'priorities':[{'name':'','priority':1}]}"),
    "linux.resources.network.priorities[0].name", "empty" },
  { "hugepages: pageSize with lower-case unit", RES("'hugepageLimits':[{'pageSize':'64kB','limit':0}]"),
    "linux.resources.hugepageLimits[0].pageSize", "page size" },
  { "hugepages: pageSize without B", RES("'hugepageLimits':[{'pageSize':'2M','limit':0}]"),
    "linux.resources.hugepageLimits[0].pageSize", "page size" },
  { "hugepages: repeated pageSize",
    RES("'hugepageLimits':[{'pageSize':'2MB','limit':0},{'pageSize':'2MB','limit':1048576}]"),
    "linux.resources.hugepageLimits[1].pageSize", "repeated" },
  { "device rule: bad type", RES("'devices':[{'allow':false,'type':'p'}]"), "linux.resources.devices[0].type",
    "\"a\", \"c\" or \"b\"" },
  { "device rule: bad access", RES("'devices':[{'allow':true,'type':'c','major':1,'minor':3,'access':'rwx'}]"),
    "linux.resources.devices[0].access", "'r', 'w' and 'm'" },
  { "pids: limit below -1", RES("'pids':{'limit':-2}"), "linux.resources.pids.limit", "-1" },
  { "rdma: empty entry", RES("'rdma':{'mlx5_0':{}}"), "linux.resources.rdma.mlx5_0", "hcaHandles or hcaObjects" },
  { "unified: key with '/'", RES("'unified':{'../memory.max':'1G'}"), "linux.resources.unified.../memory.max",
    "cgroup file name" },
  { "unified: key without '.'", RES("'unified':{'memory':'1G'}"), "linux.resources.unified.memory",
    "cgroup file name" },

  /* ---- seccomp ---- */
  { "seccomp: defaultErrnoRet with KILL", SECCOMP("'defaultAction':'SCMP_ACT_KILL','defaultErrnoRet':1"),
    "linux.seccomp.defaultErrnoRet", "takes no errno" },
  { "seccomp: errnoRet with ALLOW",
    SECCOMP("'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW','errnoRet':1}]"),
    "linux.seccomp.syscalls[0].errnoRet", "takes no errno" },
  { "seccomp: listenerMetadata without listenerPath",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','listenerMetadata':'x'"), "linux.seccomp.listenerMetadata",
    "listenerPath" },
  { "seccomp: relative listenerPath",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'run/seccomp.sock',"
            "'syscalls':[{'names':['mount'],'action':'SCMP_ACT_NOTIFY'}]"),
    "linux.seccomp.listenerPath", "absolute" },
  { "seccomp: NOTIFY rule without listenerPath",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mount'],'action':'SCMP_ACT_NOTIFY'}]"),
    "linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY" },
  { "seccomp: NOTIFY as defaultAction", SECCOMP("'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/run/s.sock'"),
    "linux.seccomp.defaultAction", "default action" },
  { "seccomp: empty names",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_KILL'}]"),
    "linux.seccomp.syscalls[0].names", "at least one" },
  { "seccomp: empty name",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[''],'action':'SCMP_ACT_KILL'}]"),
    "linux.seccomp.syscalls[0].names[0]", "empty" },
  { "seccomp: arg index 6",
    SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],'action':'SCMP_ACT_KILL',"
            "'args':[{'index':6,'value':8,'op':'SCMP_CMP_EQ'}]}]"),
    "linux.seccomp.syscalls[0].args[0].index", "0 to 5" },

  /* ---- intelRdt ---- */
  { "intelRdt: closID with '/'", LX("'intelRdt':{'closID':'a/b'}"), "linux.intelRdt.closID", "resctrl group name" },
  { "intelRdt: closID '..'", LX("'intelRdt':{'closID':'..'}"), "linux.intelRdt.closID", "resctrl group name" },
  { "intelRdt: memBwSchema without MB:", LX("'intelRdt':{'memBwSchema':'L3:0=ff'}"), "linux.intelRdt.memBwSchema",
    "MB:" },
  { "intelRdt: memBwSchema with a newline", LX("'intelRdt':{'memBwSchema':'MB:0=70\\nMB:1=50'}"),
    "linux.intelRdt.memBwSchema", "one line" },
  { "intelRdt: l3CacheSchema with a newline", LX("'intelRdt':{'l3CacheSchema':'L3:0=ff\\nL3:1=ff'}"),
    "linux.intelRdt.l3CacheSchema", "single line" },
  { "intelRdt: schemata line with a newline", LX("'intelRdt':{'schemata':['L3:0=ff','MB:0=70\\nMB:1=50']}"),
    "linux.intelRdt.schemata[1]", "single line" },

  /* ---- memoryPolicy, personality ---- */
  { "memoryPolicy: nodes with MPOL_DEFAULT", LX("'memoryPolicy':{'mode':'MPOL_DEFAULT','nodes':'0'}"),
    "linux.memoryPolicy.nodes", "must be empty" },
  { "memoryPolicy: nodes with MPOL_LOCAL", LX("'memoryPolicy':{'mode':'MPOL_LOCAL','nodes':'0-1'}"),
    "linux.memoryPolicy.nodes", "must be empty" },
  { "memoryPolicy: MPOL_BIND without nodes", LX("'memoryPolicy':{'mode':'MPOL_BIND'}"), "linux.memoryPolicy.nodes",
    "required" },
  { "memoryPolicy: MPOL_INTERLEAVE with empty nodes", LX("'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':''}"),
    "linux.memoryPolicy.nodes", "required" },
  { "memoryPolicy: STATIC and RELATIVE flags",
    LX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_STATIC_NODES','MPOL_F_RELATIVE_NODES']}"),
    "linux.memoryPolicy.flags", "exclude each other" },
  { "memoryPolicy: bad node list", LX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0,x'}"), "linux.memoryPolicy.nodes",
    "not a valid list" },
  { "personality: any flag", LX("'personality':{'domain':'LINUX','flags':['ADDR_NO_RANDOMIZE']}"),
    "linux.personality.flags[0]", "unknown flag" },
};

/* The JSON text of a table entry: ' becomes ". The caller frees it. */
static char *to_json(const char *text)
{
  char *json = strdup(text);
  if (!json) {
    printf("Bail out! out of memory\n");
    exit(1);
  }
  for (char *p = json; *p; p++)
    if (*p == '\'')
      *p = '"';
  return json;
}

static size_t count_errors(const struct diag_list *diags)
{
  return diag_count(diags, DIAG_ERROR);
}

/* An error at exactly this path whose message contains the fragment. */
static const struct diag *find_error_with(const struct diag_list *diags, const char *path, const char *fragment)
{
  for (size_t i = 0; i < diags->len; i++) {
    const struct diag *d = &diags->items[i];
    if (d->level == DIAG_ERROR && strcmp(d->path, path) == 0 && strstr(d->message, fragment))
      return d;
  }
  return NULL;
}

/* Positive control: the config must produce no error at all. */
static void check_valid(const char *name, const char *text)
{
  char *json = to_json(text);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);
  bool ok = cfg && count_errors(&diags) == 0;
  tap_ok(ok, "valid: %s", name);
  if (!ok)
    dump_diags(&diags);
  oci_config_free(cfg);
  diag_list_release(&diags);
  free(json);
}

/* Returns true when both assertions hold. */
static bool check_invalid(const struct invalid_case *c)
{
  char *json = to_json(c->json);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);

  bool at_path = find_diag(&diags, DIAG_ERROR, c->path) != NULL;
  tap_ok(at_path, "%s: error at \"%s\"", c->name, c->path);
  bool with_message = find_error_with(&diags, c->path, c->fragment) != NULL;
  tap_ok(with_message, "%s: message contains \"%s\"", c->name, c->fragment);
  if (!at_path || !with_message) {
    tap_diag("  config: %s", json);
    dump_diags(&diags);
  }

  oci_config_free(cfg);
  diag_list_release(&diags);
  free(json);
  return at_path && with_message;
}

int main(void)
{
  /* Positive controls: without them every case below could pass vacuously. */
  check_valid("base", "{" BASE "}");
  check_valid("base + process", CFG(PROC));
  check_valid("unknown properties are ignored", CFG(PROC ",'org.example.extra':{'x':1},'linux':{'future':true}"));
  check_valid("unknown capability is only a warning",
              PR("'capabilities':{'bounding':['CAP_NOT_YET_INVENTED'],'effective':['CAP_CHOWN']}"));
  check_valid("null leaves an optional field unset", CFG(PROC ",'hostname':null"));
  check_valid("linux fields",
              CFG(PROC ",'hostname':'box','domainname':'example.org',"
                  "'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
                  "{'destination':'/data','source':'/srv','options':['rbind','ro','idmap']}],"
                  "'hooks':{'createRuntime':[{'path':'/bin/hook','args':['hook','x'],'env':['A=1'],'timeout':5}]},"
                  "'annotations':{'org.example.key':'','org.opencontainers.image.os':'linux'},"
                  "'linux':{" IDMAPS ",'namespaces':[{'type':'user'},{'type':'uts'},{'type':'network'},"
                  "{'type':'ipc'},{'type':'mount'},{'type':'pid'},{'type':'time'},{'type':'cgroup'}],"
                  "'timeOffsets':{'monotonic':{'secs':-5,'nanosecs':999999999},'boottime':{'secs':3}},"
                  "'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438},"
                  "{'type':'p','path':'/dev/fifo'}],"
                  "'netDevices':{'eth1':{'name':'ctr%d'},'eth2':{}},"
                  "'sysctl':{'net.ipv4.ip_forward':'1','kernel.shmmax':'1024','fs.mqueue.msg_max':'10'},"
                  "'cgroupsPath':'/hutch/box','rootfsPropagation':'slave',"
                  "'maskedPaths':['/proc/kcore'],'readonlyPaths':['/proc/sys'],"
                  "'resources':{'devices':[{'allow':false,'access':'rwm'},"
                  "{'allow':true,'type':'c','major':1,'minor':3,'access':'rw'}],"
                  "'memory':{'limit':1073741824,'swap':2147483648,'reservation':-1,'swappiness':60},"
                  "'cpu':{'quota':50000,'burst':10000,'period':100000,'cpus':'0-3,7','mems':'0','idle':1},"
                  "'blockIO':{'weight':500,'weightDevice':[{'major':8,'minor':0,'leafWeight':300}],"
                  "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}]},"
                  "'hugepageLimits':[{'pageSize':'2MB','limit':0},{'pageSize':'1GB','limit':0}],"
                  "'pids':{'limit':-1},'rdma':{'mlx5_0':{'hcaHandles':3}},'unified':{'memory.high':'1G'}},"
                  "'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
                  "'architectures':['SCMP_ARCH_X86_64'],'flags':['SECCOMP_FILTER_FLAG_LOG'],"
                  "'listenerPath':'/run/seccomp.sock','listenerMetadata':'m',"
                  "'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
                  "{'names':['mount'],'action':'SCMP_ACT_NOTIFY'},"
                  "{'names':['personality'],'action':'SCMP_ACT_ALLOW',"
                  "'args':[{'index':0,'value':8,'op':'SCMP_CMP_EQ'}]}]},"
                  "'intelRdt':{'closID':'/','l3CacheSchema':'L3:0=ff','memBwSchema':'MB:0=70','schemata':['L3:0=ff']},"
                  "'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0-1','flags':['MPOL_F_STATIC_NODES']},"
                  "'personality':{'domain':'LINUX32'}}"));
  check_valid("process fields",
              PR("'terminal':true,'consoleSize':{'height':24,'width':80},'env':['PATH=/bin','EMPTY='],"
                 "'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
                 "{'type':'RLIMIT_CORE','soft':0,'hard':0}],"
                 "'oomScoreAdj':-1000,'noNewPrivileges':true,"
                 "'scheduler':{'policy':'SCHED_DEADLINE','runtime':1000000,'deadline':2000000,'period':2000000},"
                 "'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
                 "'execCPUAffinity':{'initial':'0','final':'0-3'}"));
  /* config.md: consoleSize MUST be ignored when terminal is false or unset. */
  check_valid("consoleSize without a terminal is ignored", PR("'consoleSize':{'height':70000,'width':80}"));
  check_valid("oldest and newest accepted ociVersion",
              "{'ociVersion':'1.0.0','root':{'path':'rootfs'},'annotations':{'v':'1.3.0 is below'}}");
  check_valid("patch release of 1.3", "{'ociVersion':'1.3.7','root':{'path':'rootfs'}}");

  size_t n = sizeof cases / sizeof *cases;
  size_t passed = 0;
  for (size_t i = 0; i < n; i++)
    passed += check_invalid(&cases[i]);
  tap_diag("%zu of %zu invalid configs refused as expected", passed, n);
  tap_ok(n >= 110, "the table has at least 110 cases (%zu)", n);
  return tap_done();
}
